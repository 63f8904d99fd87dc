"""Preparing on the cluster: persistent actors, one source per task; the driver stores."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from workbench import __version__
from workbench.cluster.connection import ClusterError, Connection, _ray, _sentence, _version_problem
from workbench.errors import WorkbenchError
from workbench.pipeline import Source
from workbench.prepare import Prepared, Preparer


class PrepareWorker:
    """A Ray actor preparing one source per call; lingua's models load once per actor."""

    def __init__(self, version: str) -> None:
        problem = _version_problem(version, socket.gethostname())
        if problem is not None:
            raise ClusterError(problem)
        self.preparer = Preparer(None)  # no cache here: the driver stores what it gets back

    def prepare(self, source: Any) -> Any:
        return self.preparer.prepare(source)


class ClusterPreparer(Preparer):
    """The project's preparer, with what is not in its cache prepared on the cluster's
    workers, one source (one WARC record) per task; the driver checks and stores each."""

    def __init__(self, local: Preparer, connection: Connection, workers: int, worker_cpus: float = 1.0) -> None:
        super().__init__(local.folder, local.rules)
        self.connection, self.workers, self.worker_cpus = connection, workers, worker_cpus
        self.window = 4 * workers  # sources held by the driver at once: bounded memory on a large crawl
        self._actors: list[Any] = []

    def __exit__(self, *exc: object) -> None:
        ray = _ray()
        for actor in self._actors:  # their CPUs go to the decoders next
            ray.kill(actor)
        self._actors = []

    def prepare_many(self, sources: Sequence[Source]) -> list[Prepared]:
        keys = [self.key(s) for s in sources]
        done: dict[int, Prepared] = {}
        remote: list[int] = []
        for n, (source, key) in enumerate(zip(sources, keys, strict=True)):
            cached = self._load(key)
            if cached is not None:
                self.reused += 1
                done[n] = Prepared(key, replace(cached, id=source.id, source=source.name))
            else:
                remote.append(n)
        if remote:
            ray = _ray()
            from ray.util import ActorPool

            if not self._actors:
                actor = ray.remote(num_cpus=self.worker_cpus, max_restarts=-1, max_task_retries=-1)(PrepareWorker)
                self._actors = [actor.remote(__version__) for _ in range(self.workers)]
            pool = ActorPool(self._actors)
            try:
                results = list(pool.map(lambda a, s: a.prepare.remote(s), [sources[n] for n in remote]))
            except WorkbenchError:
                raise
            except Exception as exc:
                raise _sentence(exc) from None
            for n, prepared in zip(remote, results, strict=True):
                if prepared.key != keys[n]:
                    raise ClusterError(
                        "a worker prepares with other code, rules or libraries than the driver; install the same"
                        f" Workbench and library versions on every node ({sources[n].name})."
                    )
                self.prepared += 1
                self._save(prepared.key, prepared.article)
                done[n] = prepared
        return [done[n] for n in range(len(sources))]
