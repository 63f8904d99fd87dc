"""Decoding on the cluster: an actor pool of decoders fed batches; results handed back as they finish."""

from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from workbench import __version__
from workbench.cluster.connection import (
    TASKS_PER_WORKER,
    ClusterError,
    Connection,
    Node,
    _mismatch,
    _ray,
    _sentence,
    _version_problem,
    check_nodes,
)
from workbench.errors import WorkbenchError
from workbench.mt.engine import (
    ArgosEngine,
    Engine,
    EngineSettings,
    Finished,
    ModelMissing,
    PivotEngine,
    Translation,
    batches_of,
)
from workbench.mt.packages import InstalledModel, find_model


def worker_settings(base: EngineSettings, flags: Iterable[str], worker_cpus: float) -> EngineSettings:
    """The decoding settings of one worker: threads always explicit (Ray sets OMP_NUM_THREADS
    to the worker's CPUs, which CTranslate2 would read for intra_threads 0), one decoding
    thread per CPU of the worker unless the flags say otherwise."""
    given = set(flags)
    inter = base.inter_threads if "inter_threads" in given else max(1, int(worker_cpus))
    intra = base.intra_threads if "intra_threads" in given else 1
    if intra == 0:
        intra = max(1, int(worker_cpus) // inter)
    return replace(base, inter_threads=inter, intra_threads=intra)


class Decoder:
    """A Ray Data actor: the node's own copy of the model, loaded once, checked first.

    What it decodes with comes with the class (`bound`), not as constructor arguments: Ray
    keeps those in the object store, where a lost node could take them along."""

    config: tuple[tuple[str, str], str, str, EngineSettings]

    @classmethod
    def bound(cls, pair: tuple[str, str], identity: str, settings: EngineSettings) -> type[Decoder]:
        return type(cls.__name__, (cls,), {"config": (pair, identity, __version__, settings)})

    def __init__(self) -> None:
        pair, identity, version, settings = self.config
        host = socket.gethostname()
        model = find_model(*pair)
        problem = _version_problem(version, host) or _mismatch(model, pair, identity, host)
        if problem is not None or model is None:
            raise ClusterError(problem or "")
        self.engine = ArgosEngine(model, settings)
        _ = self.engine.translator  # loaded once, here, not on the first task

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        indices = [i for row in batch.column("indices").to_pylist() for i in row]
        sentences = [s for row in batch.column("sentences").to_pylist() for s in row]
        out: dict[str, list[Any]] = {"index": [], "text": [], "score": [], "device": [], "compute_type": []}
        for finished in self.engine.translate(sentences):
            for position, t in finished:
                for name, value in zip(out, (indices[position], t.text, t.score, t.device, t.compute_type), strict=True):
                    out[name].append(value)
        return pa.table(out)


@dataclass
class ClusterEngine:
    """The engine interface over a cluster's decoder actors, for one language pair."""

    model: InstalledModel
    settings: EngineSettings  # per worker
    workers: int
    worker_cpus: float = 1.0
    worker_gpus: float = 0.0
    decoder: type[Decoder] = Decoder  # the actor class (tests record what each worker decodes)

    def __post_init__(self) -> None:
        self.local = ArgosEngine(self.model, self.settings)  # its tokenizer sorts and batches
        self.source, self.target = self.model.from_code, self.model.to_code
        self.model_id = self.local.model_id

    @property
    def in_flight(self) -> int:
        """Tasks out at once; a killed driver redoes at most these (each `per_task` batches)."""
        return self.workers * TASKS_PER_WORKER

    @property
    def per_task(self) -> int:
        return self.settings.inter_threads

    def tasks(self, sentences: Sequence[str]) -> list[dict[str, Any]]:
        encoded = [self.local.tokenizer.encode(s) for s in sentences]
        batches = batches_of(encoded, self.settings.max_batch_tokens)
        groups = [batches[i : i + self.per_task] for i in range(0, len(batches), self.per_task)]
        rows = []
        for group in groups:
            indices = [i for batch in group for i in batch]
            rows.append({"indices": indices, "sentences": [sentences[i] for i in indices]})
        return rows

    def translate(self, sentences: Sequence[str]) -> Iterator[Finished]:
        if not sentences:
            return
        ray = _ray()
        rows = self.tasks(sentences)
        decoder = self.decoder.bound((self.source, self.target), self.model.identity(), self.settings)
        data = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            decoder,
            batch_size=None,  # one block, one task: the unit handed back is the unit sent
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=self.workers, max_tasks_in_flight_per_actor=TASKS_PER_WORKER),
            num_cpus=self.worker_cpus,
            num_gpus=self.worker_gpus,
        )
        results = data.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=0)
        try:
            for table in results:
                columns = table.to_pydict()
                yield [
                    (i, Translation(text, score, device, compute))
                    for i, text, score, device, compute in zip(
                        columns["index"], columns["text"], columns["score"], columns["device"], columns["compute_type"],
                        strict=True,
                    )
                ]
        except WorkbenchError:
            raise
        except Exception as exc:  # Ray's wrapping of a worker's failure
            raise _sentence(exc) from None
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()  # a cancelled run stops the executor, not only the loop


@dataclass
class ClusterEngines:
    """An engine factory for the translate stage that decodes on the connected cluster."""

    connection: Connection
    base: EngineSettings
    flags: frozenset[str] = frozenset()
    workers: int | None = None
    worker_cpus: float = 1.0
    worker_gpus: float = 0.0
    decoder: type[Decoder] = Decoder
    used: dict[str, dict[str, Any]] = field(default_factory=dict)
    _engines: dict[tuple[str, str], Engine] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.worker_cpus <= 0 or self.worker_gpus < 0:
            raise ClusterError("--worker-cpus must be above 0 and --worker-gpus at least 0.")
        self.settings = worker_settings(self.base, self.flags, self.worker_cpus)
        if self.worker_gpus and self.settings.device == "cpu":
            raise ClusterError("--worker-gpus with --device cpu: the GPUs would stay idle; use --device auto or cuda.")
        if self.workers is None:
            self.workers = default_workers(self.connection.nodes, self.worker_cpus, self.worker_gpus)
        elif self.workers < 1:
            raise ClusterError("--workers must be at least 1.")
        # Ray would wait for ever for resources no node has: say so instead
        for name, each in (("CPU", self.worker_cpus), ("GPU", self.worker_gpus)):
            have = sum(n.cpus if name == "CPU" else n.gpus for n in self.connection.nodes)
            if each and self.workers * each > have + 1e-9:
                raise ClusterError(
                    f"the cluster has {have:g} {name}s; {self.workers} workers of {each:g} {name} each cannot start"
                    f" (lower --workers or --worker-{name.lower()}s, or add nodes)."
                )

    def __call__(self, source: str, target: str) -> Engine:
        key = (source, target)
        if key not in self._engines:
            model = find_model(source, target)
            if model is not None:
                engine: Engine = self._engine(model)
            elif self.base.pivot and self.base.pivot not in key:
                first, second = find_model(source, self.base.pivot), find_model(self.base.pivot, target)
                if first is None or second is None:
                    raise ModelMissing(*((source, self.base.pivot) if first is None else (self.base.pivot, target)))
                engine = PivotEngine(self._engine(first), self._engine(second))
            else:
                raise ModelMissing(source, target)
            self._engines[key] = engine
        return self._engines[key]

    def _engine(self, model: InstalledModel) -> ClusterEngine:
        for report in check_nodes((model.from_code, model.to_code), model.identity(), decode=False):
            if report["problem"] and report.get("cpus", 0) >= self.worker_cpus:
                raise ClusterError(f"not starting on the cluster: {report['problem']}")
        assert self.workers is not None
        engine = ClusterEngine(model, self.settings, self.workers, self.worker_cpus, self.worker_gpus, self.decoder)
        self.used[model.pair] = self.to_json()
        return engine

    def report(self) -> dict[str, Any]:
        """Per pair, as the single-process engines report it: the settings of each worker."""
        return {pair: {"settings": used["settings"], "source": "cluster"} for pair, used in self.used.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "workers": self.workers,
            "worker_cpus": self.worker_cpus,
            "worker_gpus": self.worker_gpus,
            "tasks_in_flight": (self.workers or 0) * TASKS_PER_WORKER,
            "batches_per_task": self.settings.inter_threads,
            "settings": {**asdict(self.settings), "draft": self.settings.draft},
        }


def default_workers(nodes: Sequence[Node], worker_cpus: float, worker_gpus: float) -> int:
    """As many workers as the cluster's CPUs (and GPUs, when workers take them) can hold."""
    fits = [int(n.cpus // worker_cpus) if not worker_gpus else min(int(n.cpus // worker_cpus), int(n.gpus // worker_gpus)) for n in nodes]
    return max(1, sum(fits))

