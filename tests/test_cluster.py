"""Translating and preparing on a Ray cluster: a local cluster of two nodes on 127.0.0.1.

One cluster serves the whole module (starting one takes seconds): a head and a worker node
of one CPU each, small object stores, no dashboard, usage statistics off, every process
on loopback. The nodes find their models in a packages folder of their own (set for their
raylets), so that a test can give the driver another one.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import GUARD, run_cli, seed_texts

from workbench import cluster as wbcluster
from workbench.mt.engine import EngineSettings
from workbench.mt.memory import TranslationMemory
from workbench.pipeline import expand_sources, load_article, read_sources
from workbench.prepare import Preparer, save_article, sync
from workbench.project import Project
from workbench.store import Store
from workbench.translate import engine_factory, translate_documents

# read when ray is imported: loopback only, and nothing reported anywhere (as Connection(local))
os.environ |= {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}
ray = pytest.importorskip("ray", reason="the cluster extra (ray) is not installed")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Ray Data's own, at start-up

SETTINGS = EngineSettings(max_decoding_length=10, max_batch_tokens=128)
LOOPBACK = {"127.0.0.1", "0.0.0.0", "::1", "::"}  # listening on any address is checked apart


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory, argos_package: Path):  # type: ignore[no-untyped-def]
    from ray.cluster_utils import Cluster

    from workbench.mt.packages import install_archive

    packages = tmp_path_factory.mktemp("node-packages")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARGOS_PACKAGES_DIR", str(packages))
        install_archive(argos_package)
    common = {
        "node_ip_address": "127.0.0.1",
        "num_cpus": 1,
        "object_store_memory": 80 * 2**20,
        "env_vars": {"ARGOS_PACKAGES_DIR": str(packages), "PYTHONPATH": str(GUARD)},
    }
    cluster = Cluster(initialize_head=True, head_node_args={**common, "include_dashboard": False})
    worker = cluster.add_node(**common)
    cluster.wait_for_nodes()
    cluster.packages = packages  # type: ignore[attr-defined]
    cluster.common = common  # type: ignore[attr-defined]
    cluster.worker = worker  # type: ignore[attr-defined]
    yield cluster
    cluster.shutdown()


@pytest.fixture
def connection(nodes, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(nodes.packages))
    with wbcluster.Connection(nodes.address) as connection:
        yield connection


def french(project: Project):  # type: ignore[no-untyped-def]
    return [a for a in map(load_article, expand_sources([project.seeds])) if a.language == "fr"]


def translate(project: Project, engines, articles=None):  # type: ignore[no-untyped-def]
    store = Store(project)
    documents = [save_article(store, a) for a in (articles if articles is not None else french(project))]
    with TranslationMemory(project.memory) as tm:
        return translate_documents(documents, store, tm, engines=engines)


def targets(project: Project) -> dict[tuple[str, str], tuple[str, float | None, str, str, str]]:
    out = {}
    for path in sorted(project.translations.glob("*.json")):
        document = Store.read_path(path)
        assert document is not None
        for r in document.segments:
            out[(document.article_id, r.id)] = (r.target, r.score, r.model, r.device, r.compute_type)
    return out


def copy_project(project: Project, name: str) -> Project:
    import shutil

    other = Project(project.root.parent / name)
    shutil.copytree(project.seeds, other.root / "seeds")
    return other


def test_same_translations_with_and_without_the_cluster(project: Project, connection, nodes) -> None:  # type: ignore[no-untyped-def]
    engines = wbcluster.ClusterEngines(connection, SETTINGS)
    assert engines.workers == 2 and len(connection.nodes) == 2
    summary = translate(project, engines)
    assert summary.decoded > 50 and summary.missing == []
    alone = copy_project(project, "alone")
    translate(alone, engine_factory(SETTINGS))
    assert targets(project) == targets(alone)
    assert {v[3:] for v in targets(project).values()} == {("cpu", "int8")}


def test_every_process_of_the_cluster_stays_on_loopback(nodes) -> None:  # type: ignore[no-untyped-def]
    """Ray's own processes (GCS, raylets, workers) are not under the Python network guard:
    their sockets are checked in /proc, listening and connected alike."""
    inodes: set[str] = set()
    for pid in _descendants(os.getpid()):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
        except OSError:
            continue  # ended meanwhile
    sockets = [s for s in _inet_sockets() if s[2] in inodes]
    assert len(sockets) > 5  # the GCS, two raylets and their workers really were looked at
    for local, remote, _ in sockets:
        assert local[0] in LOOPBACK, local
        assert remote[0] in LOOPBACK, remote
    listening_anywhere = [local for local, remote, _ in sockets if local[0] in ("0.0.0.0", "::")]
    assert not listening_anywhere, f"listening on every interface: {listening_anywhere}"


def _descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _inet_sockets() -> list[tuple[tuple[str, int], tuple[str, int], str]]:
    import ipaddress

    def address(text: str, six: bool) -> tuple[str, int]:
        host, port = text.split(":")
        raw = bytes.fromhex(host)
        if six:
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
            ip = ipaddress.IPv6Address(raw)
            return (str(ip.ipv4_mapped or ip), int(port, 16))
        return (str(ipaddress.IPv4Address(raw[::-1])), int(port, 16))

    out = []
    for name, six in (("tcp", False), ("tcp6", True), ("udp", False), ("udp6", True)):
        try:
            lines = Path(f"/proc/net/{name}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            out.append((address(fields[1], six), address(fields[2], six), fields[9]))
    return out


def big_corpus(root: Path, articles: int = 8) -> Project:
    """Articles of distinct French sentences, enough for many tasks."""
    (root / "seeds").mkdir(parents=True)
    lines = [line for line in seed_texts() if len(line) > 40][:60]
    for n in range(articles):
        body = "\n".join(f"{line} (version {n})" for line in lines)
        (root / "seeds" / f"a{n:02d}.txt").write_text(f"Article numéro {n}\n\n{body}\n", encoding="utf-8")
    return Project(root)


def prepared(project: Project):  # type: ignore[no-untyped-def]
    return [load_article(p) for p in expand_sources([project.seeds])]


def test_a_node_removed_mid_run_loses_nothing(tmp_path: Path, connection, nodes) -> None:  # type: ignore[no-untyped-def]
    project = big_corpus(tmp_path / "big")
    articles = prepared(project)
    engines = wbcluster.ClusterEngines(connection, SETTINGS)
    removed = threading.Event()
    at: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        if done and not removed.is_set():
            removed.set()
            at.append((done, total))
            nodes.remove_node(nodes.worker)  # its actor, its tasks and its objects go with it

    store = Store(project)
    documents = [save_article(store, a) for a in articles]
    with TranslationMemory(project.memory) as tm:
        summary = translate_documents(documents, store, tm, engines=engines, progress=progress)
    nodes.worker = nodes.add_node(**nodes.common)  # for the tests after this one
    assert removed.is_set() and at[0][0] < at[0][1] / 4  # removed early, with most of the work ahead
    unique = len({s.text for a in articles for s in a.segments})
    assert summary.decoded == unique
    alone = copy_project(project, "alone")
    translate(alone, engine_factory(SETTINGS), prepared(alone))
    assert targets(project) == targets(alone)


DRIVER = """
import os, sys
from pathlib import Path
from workbench.cluster import ClusterEngines, Connection, Decoder
from workbench.mt.engine import EngineSettings
from workbench.mt.memory import TranslationMemory
from workbench.pipeline import expand_sources, load_article
from workbench.prepare import save_article
from workbench.project import Project
from workbench.store import Store
from workbench.translate import translate_documents

LOG = os.environ["DECODED_LOG"]


class Recording(Decoder):
    \"\"\"Writes down every sentence this worker decoded, before handing it back.\"\"\"

    def __call__(self, batch):
        out = super().__call__(batch)
        with open(LOG, "a", encoding="utf-8") as log:
            log.write("".join(s + "\\n" for row in batch.column("sentences").to_pylist() for s in row))
            log.flush()
            os.fsync(log.fileno())
        return out


project = Project(Path.cwd())
store = Store(project)
documents = [save_article(store, load_article(p)) for p in expand_sources([project.seeds])]
settings = EngineSettings(max_decoding_length=int(sys.argv[2]), max_batch_tokens=128)
with Connection(sys.argv[1]) as connection, TranslationMemory(project.memory) as tm:
    engines = ClusterEngines(connection, settings, decoder=Recording)
    translate_documents(documents, store, tm, engines=engines)
"""


def committed(memory: Path) -> int:
    import sqlite3

    if not memory.exists():
        return 0
    try:
        with sqlite3.connect(memory, timeout=1) as db:
            return int(db.execute("SELECT count(*) FROM units").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_the_driver_killed_redoes_at_most_the_tasks_in_flight(tmp_path: Path, connection, nodes) -> None:  # type: ignore[no-untyped-def]
    """SIGKILL the driver once some tasks are committed: every sentence a worker decoded and
    the memory lacks is redone work, and there is at most the in-flight bound of it."""
    project = big_corpus(tmp_path / "big", articles=12)
    log = tmp_path / "decoded.txt"
    script = tmp_path / "driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(GUARD), "DECODED_LOG": str(log), "ARGOS_PACKAGES_DIR": str(nodes.packages)}
    proc = subprocess.Popen([sys.executable, str(script), nodes.address, "16"], cwd=project.root, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and committed(project.memory) < 20:
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    time.sleep(3)  # the job's actors are ended by Ray; what they finish meanwhile counts as redone
    kept = committed(project.memory)
    decoded = log.read_text(encoding="utf-8").splitlines()
    articles = prepared(project)
    sentences = list(dict.fromkeys(s.text for a in articles for s in a.segments))
    engine = wbcluster.ClusterEngines(connection, EngineSettings(max_decoding_length=16, max_batch_tokens=128))("fr", "en")
    assert isinstance(engine, wbcluster.ClusterEngine)
    sizes = sorted((len(t["indices"]) for t in engine.tasks(sentences)), reverse=True)
    bound = sum(sizes[: engine.in_flight])
    redone = len(decoded) - kept
    assert 0 < kept < len(sentences) / 2
    assert 0 <= redone <= bound, (redone, bound, engine.in_flight)
    # the same command again resumes from the memory and decodes only the rest
    store = Store(project)
    documents = [store.read(a.id) for a in articles]
    with TranslationMemory(project.memory) as tm:
        summary = translate_documents(documents, store, tm, engines=lambda s, t: engine)
    assert summary.from_memory >= kept and summary.decoded == len(sentences) - kept
    FIGURES_CLUSTER.update(redone=redone, bound=bound, kept=kept, sentences=len(sentences))
    _record("cluster driver kill: redone", f"{redone} sentences (bound {bound}, {engine.in_flight} tasks)")


FIGURES_CLUSTER: dict[str, int] = {}


def _record(name: str, value: str) -> None:
    from figures import FIGURES

    FIGURES[name] = value


def test_a_worker_with_another_model_or_version_refuses_to_start(tmp_path: Path, connection, nodes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The driver has a different package (another build of fr-en) than the nodes: one
    sentence naming both, before any work; likewise another Workbench version."""
    from workbench.mt.packages import install_archive
    from workbench.mt.synthetic import build_package

    other = tmp_path / "driver-packages"
    other.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(other))
    install_archive(build_package(tmp_path / "other.argosmodel", seed_texts(), seed=7))
    engines = wbcluster.ClusterEngines(connection, SETTINGS)
    with pytest.raises(wbcluster.ClusterError, match=r"^not starting on the cluster: \S+ has argos/fr-en/0.0.1/\w+, not the driver's argos/fr-en/0.0.1/\w+; install the same package on every node.$"):
        engines("fr", "en")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(nodes.packages))
    from workbench.cluster import connection as wbconnection
    from workbench.cluster import decode as wbdecode

    monkeypatch.setattr(wbconnection, "__version__", "9.9.9")
    monkeypatch.setattr(wbdecode, "__version__", "9.9.9")
    with pytest.raises(wbcluster.ClusterError, match=r"runs Workbench 0.1.0, the driver 9.9.9; install the same version on every node.$"):
        wbcluster.ClusterEngines(connection, SETTINGS)("fr", "en")


def test_the_decoder_itself_refuses_another_model(connection, nodes) -> None:  # type: ignore[no-untyped-def]
    """Defence in depth: a node that joins after the check still refuses, and the run stops
    with the worker's sentence, not Ray's traceback."""
    from workbench.mt.packages import find_model

    model = find_model("fr", "en")
    assert model is not None
    engine = wbcluster.ClusterEngine(model, wbcluster.worker_settings(SETTINGS, (), 1), workers=1)
    wrong = type("Wrong", (wbcluster.Decoder,), {"bound": classmethod(lambda cls, pair, identity, settings: wbcluster.Decoder.bound.__func__(cls, pair, "argos/fr-en/9/other", settings))})
    engine.decoder = wrong
    with pytest.raises(wbcluster.ClusterError, match=r"has argos/fr-en/0.0.1/\w+, not the driver's argos/fr-en/9/other"):
        list(engine.translate(["Bonjour tout le monde."]))


def test_preparing_on_the_cluster_gives_the_same_documents(project: Project, connection) -> None:  # type: ignore[no-untyped-def]
    store = Store(project)
    with wbcluster.ClusterPreparer(Preparer(project.prepared), connection, workers=2) as preparer:
        documents = sync(store, preparer, read_sources([project.seeds]))
        assert preparer.prepared == 5 and preparer.reused == 0
        assert len(preparer._actors) == 2
    assert preparer._actors == []  # ended with preparing: their CPUs go to the decoders
    alone = copy_project(project, "alone")
    local = Preparer(alone.prepared)
    expected = sync(Store(alone), local, read_sources([alone.seeds]))
    assert [d.segments for d in documents] == [d.segments for d in expected]
    assert [d.prepared for d in documents] == [d.prepared for d in expected]
    # the driver stored what the workers made: a second sync reads it from the cache
    again = Preparer(project.prepared)
    (project.translations).rename(project.root / "gone")
    sync(Store(project), again, read_sources([project.seeds]))
    assert again.reused == 5 and again.prepared == 0


@pytest.fixture
def head(nodes) -> str:  # type: ignore[no-untyped-def]
    """The shared cluster's address (its head on 127.0.0.1, as `ray start --head
    --node-ip-address 127.0.0.1` makes one), for the CLI in its own process."""
    return str(nodes.address)


def cli_env(nodes) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"ARGOS_PACKAGES_DIR": str(nodes.packages)}


def test_cli_against_ray_start_head_gives_the_single_process_output(project: Project, head, nodes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(nodes.packages))
    monkeypatch.setenv("RAY_ADDRESS", "127.0.0.1:1")  # another tool's cluster: never picked up
    # a user's shell has not set what keeps Ray on loopback: the driver must find the head's
    # raylet on 127.0.0.1 by itself (it used to take the outward address and wait for ever)
    monkeypatch.delenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER")
    result = run_cli("translate", "--cluster", head, "--json", "--max-length", "10", cwd=project.root)
    assert result.returncode == 1, result.stderr  # the Russian article has no model here
    assert result.stderr.decode().startswith("workbench: no ru→en model is installed")
    summary = json.loads(result.stdout)
    assert summary["decoded"] == 86 and summary["prepared"] == 5 and summary["files_written"] == 5
    block = summary["cluster"]
    assert block["address"] == head and [n["cpus"] for n in block["nodes"]] == [1, 1]
    assert block["workers"] == 2 and block["tasks_in_flight"] == 4 and block["startup_seconds"] > 0
    assert block["settings"]["inter_threads"] == 1 and block["settings"]["intra_threads"] == 1
    alone = copy_project(project, "alone")
    assert run_cli("translate", "--max-length", "10", cwd=alone.root).returncode == 1
    assert targets(project) == targets(alone)
    # the same through WORKBENCH_CLUSTER, on an unchanged corpus: nothing to prepare or decode
    monkeypatch.setenv("WORKBENCH_CLUSTER", head)
    again = json.loads(run_cli("translate", "--json", "--max-length", "10", cwd=project.root).stdout)
    assert again["decoded"] == 0 and again["current"] == 86 and again["cluster"]["address"] == head


def test_cluster_check_decodes_on_every_node(head, nodes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(nodes.packages))
    result = run_cli("cluster", "check", head)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert len([line for line in lines if " cores, 0 GPUs, Workbench 0.1.0, models: fr-en" in line]) == 2
    assert len([line for line in lines if line.startswith("  fr-en: decoded on cpu in ")]) == 2
    assert lines[-1].startswith(f"2 nodes at {nodes.address}, connected in ") and lines[-1].endswith("; ready.")
    monkeypatch.setenv("WORKBENCH_CLUSTER", head)
    report = json.loads(run_cli("cluster", "check", "--json").stdout)
    assert len(report["nodes"]) == 2
    assert all(n["cores"] >= 1 and n["gpus"] == 0 and n["pairs"]["fr-en"]["problem"] is None for n in report["nodes"])


def test_cluster_errors_are_one_sentence(project: Project, nodes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(nodes.packages))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    cases = [
        (["translate", "--workers", "2"], "workbench: --workers, --worker-cpus and --worker-gpus need --cluster (or WORKBENCH_CLUSTER).\n"),
        (["translate", "--device", "tpu"], "workbench: --device 'tpu' is not one of auto, cpu, cuda.\n"),
        (["translate", "--device", "cuda"], "workbench: --device cuda: CTranslate2 sees no CUDA device here"),
        (["translate", "--cluster", nodes.address, "--worker-gpus", "1"], "workbench: the cluster has 0 GPUs; 1 workers of 1 GPU each cannot start"),
        (["translate", "--cluster", nodes.address, "--workers", "3", "--worker-cpus", "1"], "workbench: the cluster has 2 CPUs; 3 workers of 1 CPU each cannot start"),
        (["translate", "--cluster", f"127.0.0.1:{closed}"], f"workbench: cannot reach the Ray cluster at 127.0.0.1:{closed}"),
    ]
    for args, expected in cases:
        result = run_cli(*args, cwd=project.root)
        assert result.returncode != 0 and result.stderr.decode().startswith(expected), (args, result.stderr)
        assert b"Traceback" not in result.stderr and not result.stdout


def test_ctrl_c_stops_the_run_cleanly_and_the_next_resumes(tmp_path: Path, head, nodes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(nodes.packages))
    project = big_corpus(tmp_path / "big", articles=12)
    env = {**os.environ, "PYTHONPATH": str(GUARD), "ARGOS_PACKAGES_DIR": str(nodes.packages)}
    args = [sys.executable, "-m", "workbench", "translate", "--cluster", head, "--json", "--max-length", "16", "--batch-tokens", "128"]
    proc = subprocess.Popen(args, cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and committed(project.memory) < 20:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert b"Traceback" not in stderr and stderr.decode() in ("", "workbench: interrupted.\n")
    assert time.monotonic() - interrupted < 30
    kept = committed(project.memory)
    for path in project.translations.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))  # nothing torn
    result = run_cli("translate", "--json", "--max-length", "16", "--batch-tokens", "128", cwd=project.root)
    summary = json.loads(result.stdout)
    unique = len({s.text for a in prepared(project) for s in a.segments})
    assert summary["from_memory"] + summary["current"] >= kept and summary["decoded"] == unique - kept


def test_a_cluster_that_wants_its_token_says_so() -> None:
    """`ray start` turns token authentication on; ray.init then fails with a ConnectionError
    raised from an AuthenticationError, or from a RuntimeError quoting it (both seen against
    `ray start --head` here), and the refusal is what the user must act on."""
    from ray.exceptions import AuthenticationError

    from workbench.cluster.connection import _unreachable

    try:
        try:
            raise AuthenticationError("RPC error: InvalidAuthToken: Authentication token is missing or incorrect.")
        except AuthenticationError as refused:
            raise ConnectionError("Failed to connect to Ray cluster at 127.0.0.1:6390") from refused
    except ConnectionError as exc:
        error = _unreachable("127.0.0.1:6390", exc)
    assert str(error).startswith("the Ray cluster at 127.0.0.1:6390 wants its authentication token: set RAY_AUTH_MODE=token")
    retried = RuntimeError("Failed to connect to GCS. Last connection error: Traceback (most recent call last):\n"
                           "ray.exceptions.AuthenticationError: RPC error: InvalidAuthToken: Authentication token is missing")
    try:
        raise ConnectionError("Failed to connect to Ray cluster at 127.0.0.1:6390") from retried
    except ConnectionError as exc:
        assert "wants its authentication token" in str(_unreachable("127.0.0.1:6390", exc))
    plain = _unreachable("head:6379", ConnectionError("Failed to connect to Ray cluster at head:6379"))
    assert str(plain) == "cannot reach the Ray cluster at head:6379 (Failed to connect to Ray cluster at head:6379)."
