"""Decoding and preparing on a Ray cluster; the process that started the run stays the only writer.

The driver keeps everything that writes (the memory, translations/, .workbench/) and
everything that decides (deduplication, the glossary, what is stale). Workers only compute:

- decoding: the driver sorts the distinct pending sentences by length and cuts them into
  batches with CTranslate2's own rule (`batches_of`); Ray Data's `map_batches` sends each
  task (one batch per decoding thread of a worker) to an actor pool of decoders, each of
  which loads the Argos package once from its own node, refusing to start if its model or
  Workbench version differs from the driver's. Results come back task by task, as they
  finish, and are committed by the translate stage exactly as the single-process engine's.
  At most `in_flight` tasks are out at once (two per worker: one decoding, one waiting), so
  a killed driver redoes at most those; a lost node costs the tasks it held, which Ray
  retries on the actors it restarts.
- preparing: persistent actors (language models loaded once each) prepare one source or
  one WARC record per task and hand the article back; the driver checks its key and stores it.

Only this module imports ray (an import contract says so); `ray` is the `cluster` extra.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from workbench import __version__
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
from workbench.mt.packages import InstalledModel, find_model, installed_models

LOCAL = "local"
ENVIRONMENT = "WORKBENCH_CLUSTER"
TASKS_PER_WORKER = 2  # one decoding, one waiting behind it: no worker idles while the driver commits
LOCAL_OBJECT_STORE = 256 * 2**20  # sentences and articles are small; a local run must not take RAM from the decoders


class ClusterError(WorkbenchError):
    pass


def cluster_address(flag: str | None) -> str | None:
    """The cluster asked for: the flag, else WORKBENCH_CLUSTER; never RAY_ADDRESS, which
    another tool may have set for its own cluster."""
    address = flag if flag is not None else os.environ.get(ENVIRONMENT) or None
    if address is not None and not address.strip():
        raise ClusterError("--cluster needs an address (head:6379) or local.")
    return address.strip() if address else None


def _ray(loopback: bool = False) -> Any:
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"  # an offline tool reports nothing anywhere
    # Ray Data keeps each actor's code in the object store and its driver logs a warning
    # about it on every run (ray-project/ray#53727); failures reach us as exceptions anyway
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    if loopback:
        # Ray replaces 127.0.0.1 with the address it would reach the internet from, and a
        # local cluster would listen there; this (read when ray is imported) keeps every
        # process of a cluster on this machine on loopback.
        os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    try:
        import ray
    except ImportError:
        raise ClusterError(
            "--cluster needs Ray, which is not installed: pip install 'workbench[cluster]'."
        ) from None
    return ray


@dataclass(frozen=True)
class Node:
    id: str
    address: str
    cpus: float
    gpus: float


@dataclass
class Connection:
    """A connection to a cluster for one run; `local` starts a cluster that ends with it."""

    address: str
    cpus: int | None = None  # for a local cluster: the cores it may use (default: all)
    startup_seconds: float = 0.0
    nodes: list[Node] = field(default_factory=list)

    def __enter__(self) -> Connection:
        ray = _ray(loopback=self.address == LOCAL)
        started = time.perf_counter()
        os.environ.pop("RAY_ADDRESS", None)  # our address only, whatever the environment says
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "logging_level": logging.ERROR,
            "namespace": "workbench",
        }
        if self.address == LOCAL:
            # loopback only: a local cluster serves this machine and nothing else
            options |= {"_node_ip_address": "127.0.0.1", "object_store_memory": LOCAL_OBJECT_STORE}
            options |= {"num_cpus": self.cpus} if self.cpus else {}
            target = "local"
        else:
            target = self.address
            _reachable(self.address)
        try:
            with _stderr_silenced():  # Ray's C++ core announces its log level on standard error
                ray.init(address=target, **options)
        except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Ray cluster at {self.address} ({_first_line(exc)}).") from None
        _quiet_ray_data()
        self.nodes = alive_nodes()
        self.startup_seconds = time.perf_counter() - started
        return self

    def __exit__(self, *exc: object) -> None:
        _ray().shutdown()

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "nodes": [asdict(n) for n in self.nodes],
            "startup_seconds": round(self.startup_seconds, 3),
        }


def _reachable(address: str) -> None:
    """Ray retries an unreachable head for minutes; a closed port is one sentence at once."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"--cluster {address!r} is not an address (head:6379) or local.")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=10).close()
    except OSError as exc:
        raise ClusterError(f"cannot reach the Ray cluster at {address} ({exc.strerror or exc}).") from None


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _quiet_ray_data() -> None:
    from ray.data import DataContext

    context = DataContext.get_current()
    context.enable_progress_bars = False  # the CLI draws its own
    context.execution_options.preserve_order = False  # by completion: commit what is finished
    logging.getLogger("ray.data").setLevel(logging.ERROR)


def alive_nodes() -> list[Node]:
    ray = _ray()
    return [
        Node(n["NodeID"], n.get("NodeManagerAddress", ""), n["Resources"].get("CPU", 0.0), n["Resources"].get("GPU", 0.0))
        for n in ray.nodes()
        if n.get("Alive")
    ]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__


def _sentence(exc: BaseException) -> WorkbenchError:
    """A failure on a worker as the one sentence it carries (a WorkbenchError raised there),
    else as Ray's first line."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, WorkbenchError):
            return current
        cause = getattr(current, "cause", None)
        current = cause if isinstance(cause, BaseException) else current.__cause__
    # an actor that failed to start comes back as text only (Ray's ActorDiedError)
    raised_there = re.findall(r"workbench\.[\w.]*(?:Error|Missing): (.+)", str(exc))
    if raised_there:
        return ClusterError(raised_there[-1].strip())
    return ClusterError(f"the cluster failed ({_first_line(exc)}).")


# What a node has ---------------------------------------------------------------------------


def node_report(pair: tuple[str, str] | None, identity: str | None, decode: bool) -> dict[str, Any]:
    """Runs on a node: what it has (cores, GPUs, models, version) and, if asked, the time to
    decode one sentence with its own copy of the model. Never raises: a report says why."""
    import ctranslate2

    from workbench.mt.tune import usable_cores

    report: dict[str, Any] = {
        "host": socket.gethostname(),
        "version": __version__,
        "cores": usable_cores(),
        "gpus": ctranslate2.get_cuda_device_count(),
        "models": {m.pair: m.identity() for m in installed_models()},
    }
    if pair is not None:
        model = find_model(*pair)
        problem = _mismatch(model, pair, identity, report["host"])
        report["problem"] = problem
        if decode and problem is None and model is not None:
            from workbench.mt.tune import built_in

            probe = (built_in(pair[0]) or built_in("en"))[0]
            engine = ArgosEngine(model, EngineSettings(inter_threads=1, intra_threads=1))
            started = time.perf_counter()
            try:
                (translation,) = [t for finished in engine.translate([probe]) for _, t in finished]
            except WorkbenchError as exc:
                report["problem"] = str(exc)
            else:
                report |= {"source": probe, "decoded": translation.text, "device": translation.device}
                report["decode_seconds"] = round(time.perf_counter() - started, 3)
    return report


def _mismatch(model: InstalledModel | None, pair: tuple[str, str], identity: str | None, host: str) -> str | None:
    if model is None:
        return f"{host} has no {pair[0]}-{pair[1]} model; install it there (workbench models install)."
    if identity is not None and model.identity() != identity:
        return f"{host} has {model.identity()}, not the driver's {identity}; install the same package on every node."
    return None


def _version_problem(version: str, host: str) -> str | None:
    if version != __version__:
        return f"{host} runs Workbench {version}, the driver {__version__}; install the same version on every node."
    return None


def check_nodes(pair: tuple[str, str] | None, identity: str | None, decode: bool) -> list[dict[str, Any]]:
    """`node_report` on every alive node that can run work, each pinned to its node."""
    ray = _ray()
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    remote = ray.remote(num_cpus=0, max_retries=0)(node_report)
    nodes = alive_nodes()
    pending = [
        remote.options(scheduling_strategy=NodeAffinitySchedulingStrategy(n.id, soft=False)).remote(pair, identity, decode)
        for n in nodes
    ]
    reports = []
    for node, ref in zip(nodes, pending, strict=True):
        try:
            report = ray.get(ref, timeout=300)
        except Exception as exc:  # a node that cannot even import workbench, or died meanwhile
            report = {"host": node.address, "problem": f"{node.address} cannot run Workbench ({_first_line(exc)})."}
        report |= {"node": node.id, "address": node.address, "cpus": node.cpus}
        problem = report.get("problem") or _version_problem(report.get("version", "?"), report["host"])
        report["problem"] = problem
        reports.append(report)
    return reports


# Decoding --------------------------------------------------------------------------------


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


from workbench.cluster.prepare import ClusterPreparer, PrepareWorker  # noqa: E402  (re-exported)

__all__ = ["ClusterPreparer", "PrepareWorker"]
