"""Reaching the cluster: the connection, its nodes, and one sentence for whatever goes wrong."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from workbench import __version__
from workbench.errors import WorkbenchError
from workbench.hosts import is_loopback
from workbench.mt.engine import (
    ArgosEngine,
    EngineSettings,
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
        loopback = self.address == LOCAL or _on_loopback(self.address)
        ray = _ray(loopback=loopback)
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
            if loopback:
                # a head on 127.0.0.1 (`ray start --head --node-ip-address 127.0.0.1`): without
                # this the driver takes the machine's outward address for its own, looks for a
                # raylet there and waits for ever
                options["_node_ip_address"] = "127.0.0.1"
        try:
            with _stderr_silenced():  # Ray's C++ core announces its log level on standard error
                ray.init(address=target, **options)
        except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
            raise _unreachable(self.address, exc) from None
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


def _unreachable(address: str, exc: BaseException) -> ClusterError:
    cause: BaseException | None = exc
    while cause is not None:
        # `ray start` turns token authentication on; the refusal comes as Ray's AuthenticationError,
        # or as the text of the last attempt in a RuntimeError when the GCS client retried
        if type(cause).__name__ == "AuthenticationError" or "InvalidAuthToken" in str(cause):
            return ClusterError(
                f"the Ray cluster at {address} wants its authentication token: set RAY_AUTH_MODE=token and"
                " give this machine the cluster's token (RAY_AUTH_TOKEN, or the file ray get-auth-token makes)."
            )
        cause = cause.__cause__
    return ClusterError(f"cannot reach the Ray cluster at {address} ({_first_line(exc)}).")


def _on_loopback(address: str) -> bool:
    return is_loopback(address.removeprefix("ray://").rpartition(":")[0].strip("[]"))


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


