"""What the Ray cluster path costs and gives, on a local cluster of this machine.

Run:  PYTHONPATH=. .venv/bin/python benchmarks/bench_cluster.py [--segments 2000] [--pages 1000] [--repeat 3]
      [--shape tiny|opus] [--only overhead,decode,prepare]

The model is a real Argos package built like the tests' (workbench.mt.synthetic.build_package:
SentencePiece trained on the seeds, a CTranslate2 Transformer with random weights; --shape tiny
is the tests' shape, opus the shape of Argos's fr→en 1.9), cached in benchmarks/.cache/. Random
weights make output length meaningless, so every sentence decodes exactly L tokens (min = max
decoding length = 1.2 x the mean source length) and the figures compare decoding cost, not text.
Everything runs on 127.0.0.1 (`--cluster local`: loopback only, usage statistics off).

Printed, each as the median of --repeat rounds with the spread (min-max), since the machine's
cores may be shared with other work:

- overhead against the single-process path, on the seeds' French sentences and on --segments
  distinct sentences: cluster start, node check, actor start, model load, the per-task cost
  (the time a worker waits between two tasks), and the corpus size where the cluster breaks even;
- decode throughput of 1 and 2 local workers (one thread each) against one process with two
  threads (the single-process default on 2 cores), cluster start excluded, and the efficiency
  T(N)/(N x T1); peak memory (RSS) per worker against the single process;
- prepare throughput (extraction, cleaning, language id, segmentation) on a WARC of --pages
  HTML pages, in one process and with 1 and 2 cluster workers.

Each single-process figure comes from its own child process (its own peak memory, no Ray
loaded). The decoder actors are the production ones (workbench.cluster.Decoder) with a
timing log around them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
sys.path.insert(0, str(ROOT / "benchmarks"))


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def seed_texts() -> list[str]:
    return [line for p in sorted((ROOT / "seeds").glob("*.txt")) for line in p.read_text("utf-8").splitlines()]


def ensure_model(shape: str) -> Any:
    """The package for `shape`, built once, installed in a packages folder of its own (which
    the local cluster's workers inherit through ARGOS_PACKAGES_DIR)."""
    os.environ["ARGOS_PACKAGES_DIR"] = str(CACHE / f"cluster-packages-{shape}")
    from workbench.mt.packages import find_model, install_archive
    from workbench.mt.synthetic import OPUS_MT, TINY, build_package

    package = CACHE / f"cluster-fr_en-{shape}.argosmodel"
    if not package.exists():
        log(f"building the {shape} fr-en package (once)...")
        CACHE.mkdir(parents=True, exist_ok=True)
        build_package(package, seed_texts(), shape=OPUS_MT if shape == "opus" else TINY)
    return find_model("fr", "en") or install_archive(package)


def seed_sentences() -> list[str]:
    from workbench.pipeline import expand_sources, load_article

    articles = [a for a in map(load_article, expand_sources([ROOT / "seeds"])) if a.language == "fr"]
    return list(dict.fromkeys(s.text for a in articles for s in a.segments))


def corpus(n: int) -> list[str]:
    """n distinct French sentences: the seeds' with a distinct tail per round."""
    seeds = seed_sentences()
    out = [f"{s.rstrip('.')}, selon la dépêche {r}." for r in range(n // len(seeds) + 1) for s in seeds]
    return out[:n]


def settings(model: Any, sentences: Sequence[str], threads: int) -> Any:
    from workbench.mt.engine import ArgosEngine, EngineSettings

    tokenizer = ArgosEngine(model, EngineSettings(inter_threads=1)).tokenizer
    lengths = [len(tokenizer.encode(s)) for s in sentences]
    length = round(1.2 * sum(lengths) / len(lengths))
    return EngineSettings(inter_threads=threads, intra_threads=1, min_decoding_length=length, max_decoding_length=length)


def cpu_seconds() -> float:
    """CPU time of this process, every thread included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """(RSS now, peak RSS) of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Vm")
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


# --- the single-process path (a child process per measurement) ---------------------------------


def single_child(shape: str, which: str, n: int, threads: int) -> None:
    from workbench.mt.engine import ArgosEngine

    model = ensure_model(shape)
    sentences = seed_sentences() if which == "seeds" else corpus(n)
    started = time.perf_counter()
    engine = ArgosEngine(model, settings(model, corpus(n), threads))  # one L for every variant
    _ = engine.translator
    loaded, cpu = time.perf_counter(), cpu_seconds()
    done = sum(len(f) for f in engine.translate(sentences))
    end, cpu = time.perf_counter(), cpu_seconds() - cpu
    assert done == len(sentences)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"load": loaded - started, "decode": end - loaded, "segments": done, "peak_rss_mb": peak, "cpu": cpu}))


def single(shape: str, which: str, n: int, threads: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--single-child", which, str(n), str(threads), "--shape", shape],
        check=True, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- the cluster path ---------------------------------------------------------------------------


def timed_decoder(path: Path) -> type:
    """The production decoder, writing when it started, loaded and ran each task (wall clock:
    the driver and the workers share this machine's)."""
    from workbench.cluster import Decoder

    class Timed(Decoder):
        log = str(path)

        def __init__(self) -> None:
            start = time.time()
            super().__init__()
            self._write({"event": "init", "start": start, "loaded": time.time()})

        def __call__(self, batch: Any) -> Any:
            start, cpu = time.time(), cpu_seconds()
            out = super().__call__(batch)
            rss, peak = rss_mb()
            record = {"start": start, "end": time.time(), "cpu": cpu_seconds() - cpu, "rss": rss, "peak": peak}
            self._write({"event": "task", "n": batch.num_rows, **record})
            return out

        def _write(self, record: dict[str, Any]) -> None:
            with open(self.log, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({**record, "pid": os.getpid()}) + "\n")

    return Timed


def cluster_run(engine: Any, sentences: Sequence[str], path: Path) -> dict[str, float]:
    """One call of the cluster engine, as translate makes it, taken apart from its log."""
    path.write_text("")
    infrastructure, driver = ray_infrastructure_cpu(), cpu_seconds()
    called = time.time()
    first = None
    done = 0
    for finished in engine.translate(sentences):
        first = first or time.time()
        done += len(finished)
    end = time.time()
    driver = cpu_seconds() - driver
    infrastructure = {pid: cpu - infrastructure[pid] for pid, cpu in ray_infrastructure_cpu().items() if pid in infrastructure}
    assert done == len(sentences)
    records = [json.loads(line) for line in path.read_text().splitlines()]
    inits = {r["pid"]: r for r in records if r["event"] == "init"}
    tasks = [r for r in records if r["event"] == "task"]
    waits = []
    for pid, init in inits.items():
        own = sorted((r for r in tasks if r["pid"] == pid), key=lambda r: r["start"])
        if own:  # between loading and the last task's end: every moment not decoding is waiting
            busy = sum(r["end"] - r["start"] for r in own)
            waits.append(((own[-1]["end"] - init["loaded"]) - busy, len(own)))
    ready = max(i["loaded"] for i in inits.values())
    return {
        "wall": end - called,
        "actor_start": min(i["start"] for i in inits.values()) - called,
        "model_load": statistics.mean(i["loaded"] - i["start"] for i in inits.values()),
        "first_result": (first or end) - called,
        "steady": end - ready,
        "tasks": len(tasks),
        "per_task_wait": sum(w for w, _ in waits) / max(1, sum(n for _, n in waits)),
        "busy_per_segment": sum(r["end"] - r["start"] for r in tasks) / len(sentences),
        "worker_cpu_per_segment": sum(r["cpu"] for r in tasks) / len(sentences),
        "driver_cpu_per_segment": driver / len(sentences),
        "infrastructure_cpu_per_segment": sum(infrastructure.values()) / len(sentences),
        "worker_peak_rss_mb": max(r["peak"] for r in tasks),
        "actors": len(inits),
    }


def cluster_round(shape: str, n: int, folder: Path) -> dict[str, dict[str, float]]:
    from workbench.cluster import ClusterEngines, Connection

    model = ensure_model(shape)
    base = settings(model, corpus(n), 1)
    out: dict[str, dict[str, float]] = {}
    with Connection("local") as connection:
        out["start"] = {"cluster_start": connection.startup_seconds}
        for workers in (2, 1):
            engines = ClusterEngines(connection, base, frozenset({"inter_threads", "intra_threads"}), workers,
                                     decoder=timed_decoder(folder / "decoded.jsonl"))
            checked = time.perf_counter()
            engine = engines("fr", "en")  # checks every node's model and version, as a run does
            out["start"][f"node_check_{workers}"] = time.perf_counter() - checked
            if workers == 2:
                out["seeds_2"] = cluster_run(engine, seed_sentences(), folder / "decoded.jsonl")
            out[f"corpus_{workers}"] = cluster_run(engine, corpus(n), folder / "decoded.jsonl")
            out[f"corpus_{workers}"]["in_flight"] = engine.in_flight
            out[f"corpus_{workers}"]["infrastructure_rss_mb"] = ray_infrastructure_mb()
    return out


def ray_infrastructure() -> list[str]:
    """The cluster's own processes (GCS, raylet, monitors, idle workers): not the actors."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if any(name in command for name in ("gcs_server", "raylet", "ray/_private", "ray::IDLE", "default_worker")):
            found.append(entry)
    return found


def ray_infrastructure_mb() -> float:
    total = 0.0
    for pid in ray_infrastructure():
        try:
            total += rss_mb(pid)[0]
        except (OSError, KeyError):
            continue
    return total


def ray_infrastructure_cpu() -> dict[str, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in ray_infrastructure():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return out


# --- preparing ----------------------------------------------------------------------------------


def write_warc(path: Path, pages: int) -> None:
    from bench_html import generated_pages
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for n, data in enumerate(generated_pages(pages)):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(f"https://news.example/{n}.html", "response", payload=io.BytesIO(data), http_headers=http)
            writer.write_record(record)


def prepare_run(preparer: Any, sources: list[Any]) -> dict[str, float]:
    """Sources in windows as `sync` hands them over; the first window (workers starting,
    language models loading) timed apart."""
    started = time.perf_counter()
    first = None
    with preparer:
        for i in range(0, len(sources), preparer.window):
            preparer.prepare_many(sources[i : i + preparer.window])
            first = first or time.perf_counter()
    end = time.perf_counter()
    assert preparer.prepared == len(sources)
    return {"wall": end - started, "first_window": (first or end) - started, "pages": len(sources)}


def prepare_round(warc: Path) -> dict[str, dict[str, float]]:
    from workbench.cluster import ClusterPreparer, Connection
    from workbench.pipeline import read_sources
    from workbench.prepare import Preparer

    sources = list(read_sources([warc]))
    out = {"alone": prepare_run(Preparer(None), sources)}
    with Connection("local") as connection:
        for workers in (1, 2):
            out[f"workers_{workers}"] = prepare_run(ClusterPreparer(Preparer(None), connection, workers), sources)
    return out


# --- figures ------------------------------------------------------------------------------------


def median(rounds: list[Any], get: Callable[[Any], float]) -> float:
    return statistics.median(get(r) for r in rounds)


def figure(rounds: list[Any], get: Callable[[Any], float], unit: str = "s", digits: int = 2) -> str:
    values = sorted(get(r) for r in rounds)
    return f"{statistics.median(values):.{digits}f} {unit} ({values[0]:.{digits}f}-{values[-1]:.{digits}f})"


def report_decode(shape: str, n: int, repeat: int) -> None:
    singles: list[dict[str, dict[str, float]]] = []
    clusters: list[dict[str, dict[str, float]]] = []
    seeds = len(seed_sentences())
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as folder:
        for r in range(repeat):
            log(f"round {r + 1}/{repeat}: single process...")
            singles.append({
                "seeds_2": single(shape, "seeds", n, 2), "corpus_2": single(shape, "corpus", n, 2),
                "corpus_1": single(shape, "corpus", n, 1),
            })
            log(f"round {r + 1}/{repeat}: local cluster...")
            clusters.append(cluster_round(shape, n, Path(folder)))
    both = list(zip(singles, clusters, strict=True))
    c2, s2 = "corpus_2", "corpus_2"
    print(f"\n== overhead against the single-process path (shape {shape}; median of {repeat}, spread min-max) ==")
    print(f"cluster start (local, 2 CPUs):    {figure(clusters, lambda c: c['start']['cluster_start'])}")
    print(f"node check (model, version):      {figure(clusters, lambda c: c['start']['node_check_2'])}")
    print(f"actor start (to __init__):        {figure(clusters, lambda c: c[c2]['actor_start'])}")
    print(f"model load in an actor:           {figure(clusters, lambda c: c[c2]['model_load'], digits=3)}")
    print(f"model load, single process:       {figure(singles, lambda s: s[s2]['load'], digits=3)}")
    print(f"per-task wait of a worker:        {figure(clusters, lambda c: c[c2]['per_task_wait'] * 1000, 'ms', 1)}"
          f" ({clusters[0][c2]['tasks']:.0f} tasks of ~{n / clusters[0][c2]['tasks']:.0f} sentences, 2 workers)")
    print(f"worker time in tasks a sentence:  {figure(clusters, lambda c: c[c2]['busy_per_segment'] * 1000, 'ms', 2)}"
          f" vs one thread alone {figure(singles, lambda s: s['corpus_1']['decode'] / n * 1000, 'ms', 2)}")
    print(f"CPU a sentence, 2 workers:        decoders {figure(clusters, lambda c: c[c2]['worker_cpu_per_segment'] * 1000, 'ms', 2)},"
          f" driver {figure(clusters, lambda c: c[c2]['driver_cpu_per_segment'] * 1000, 'ms', 2)},"
          f" Ray's own processes {figure(clusters, lambda c: c[c2]['infrastructure_cpu_per_segment'] * 1000, 'ms', 2)}")
    print(f"CPU a sentence, single process:   two threads {figure(singles, lambda s: s[s2]['cpu'] / n * 1000, 'ms', 2)},"
          f" one thread {figure(singles, lambda s: s['corpus_1']['cpu'] / n * 1000, 'ms', 2)}")
    print(f"seeds ({seeds} sentences), single process, load + decode: "
          f"{figure(singles, lambda s: s['seeds_2']['load'] + s['seeds_2']['decode'])}")
    print(f"seeds, cluster of 2 workers, start + check + decode:   "
          f"{figure(clusters, lambda c: c['start']['cluster_start'] + c['start']['node_check_2'] + c['seeds_2']['wall'])}")
    print(f"{n} sentences, single process, load + decode:  {figure(singles, lambda s: s[s2]['load'] + s[s2]['decode'])}")
    print(f"{n} sentences, cluster, start + check + decode: "
          f"{figure(clusters, lambda c: c['start']['cluster_start'] + c['start']['node_check_2'] + c[c2]['wall'])}")
    fixed = median(both, lambda b: b[1]["start"]["cluster_start"] + b[1]["start"]["node_check_2"]
                   + b[1][c2]["wall"] - b[1][c2]["steady"] - b[0][s2]["load"])
    alone = median(singles, lambda s: s[s2]["decode"] / n)
    together = median(clusters, lambda c: c[c2]["steady"] / n)
    if together < alone:
        print(f"break-even: {fixed / (alone - together):.0f} sentences ({fixed:.1f} s fixed, "
              f"{alone * 1000:.2f} vs {together * 1000:.2f} ms a sentence)")
    else:
        print(f"break-even: never on this machine ({fixed:.1f} s fixed cost, and {together * 1000:.2f} ms a sentence"
              f" against {alone * 1000:.2f} alone: the same cores, plus the cluster's)")
        for nodes in (2, 4):  # nodes like this one, each running what this one runs
            if together / nodes < alone:
                print(f"  with {nodes} such nodes: {fixed / (alone - together / nodes):.0f} sentences")
    print(f"\n== decode throughput on {n} sentences, cluster start excluded (sentences/s) ==")
    print(f"one process, two threads:      {figure(singles, lambda s: n / s[s2]['decode'], '/s', 0)}")
    print(f"one process, one thread:       {figure(singles, lambda s: n / s['corpus_1']['decode'], '/s', 0)}")
    for w in (1, 2):
        key = f"corpus_{w}"
        print(f"{w} worker{'s' if w > 1 else ' '} (actors started):   {figure(clusters, lambda c, key=key: n / c[key]['wall'], '/s', 0)};"
              f" once loaded {figure(clusters, lambda c, key=key: n / c[key]['steady'], '/s', 0)}")
    print(f"efficiency T(2)/(2 T1):        {figure(clusters, lambda c: c['corpus_1']['wall'] / (2 * c['corpus_2']['wall']), '', 2)}")
    print(f"2 workers / one process with two threads: {figure(both, lambda b: b[0][s2]['decode'] / b[1]['corpus_2']['wall'], '', 2)}"
          f" (actors started in the run); once loaded {figure(both, lambda b: b[0][s2]['decode'] / b[1]['corpus_2']['steady'], '', 2)}")
    print("\n== memory ==")
    print(f"peak RSS per decoder worker:   {figure(clusters, lambda c: c[c2]['worker_peak_rss_mb'], 'MB', 0)}")
    print(f"peak RSS, single process:      {figure(singles, lambda s: s[s2]['peak_rss_mb'], 'MB', 0)}")
    print(f"Ray's own processes (RSS):     {figure(clusters, lambda c: c[c2]['infrastructure_rss_mb'], 'MB', 0)}")


def report_prepare(pages: int, repeat: int) -> None:
    rounds = []
    with tempfile.TemporaryDirectory(prefix="bench-cluster-warc-") as folder:
        warc = Path(folder) / "crawl.warc.gz"
        write_warc(warc, pages)
        for r in range(repeat):
            log(f"prepare round {r + 1}/{repeat}...")
            rounds.append(prepare_round(warc))
    print(f"\n== prepare throughput, WARC of {pages} HTML pages (pages/s; median of {repeat}, spread) ==")
    for key, label in (("alone", "one process"), ("workers_1", "1 cluster worker"), ("workers_2", "2 cluster workers")):
        print(f"{label + ':':20} {figure(rounds, lambda x, key=key: pages / x[key]['wall'], '/s', 1)};"
              f" after the first window {figure(rounds, lambda x, key=key: (pages - 1) / (x[key]['wall'] - x[key]['first_window']), '/s', 1)}"
              f" (first window {figure(rounds, lambda x, key=key: x[key]['first_window'])})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shape", choices=("tiny", "opus"), default="tiny")
    parser.add_argument("--only", default="overhead,decode,prepare")
    parser.add_argument("--single-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single_child:
        which, n, threads = args.single_child
        single_child(args.shape, which, int(n), int(threads))
        return
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    only = set(args.only.split(","))
    print(f"CPU: {cpu_model()}, {os.cpu_count()} cores (may be shared with other work)")
    if only & {"overhead", "decode"}:
        report_decode(args.shape, args.segments, args.repeat)
    if "prepare" in only:
        report_prepare(args.pages, args.repeat)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


if __name__ == "__main__":
    main()
