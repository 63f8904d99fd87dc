"""`workbench translate` killed part-way and run again, with the real CTranslate2 engine.

Run: .venv/bin/python benchmarks/bench_kill_resume.py [SENTENCES] [--checkout DIR]

Generates a tiny fr→en Argos package (random weights, real CTranslate2 decoding) and a
corpus of SENTENCES distinct sentences (default 2,400) in articles of 100 lines. Then:

- a full run: its wall time and sentences per second (`--checkout DIR` also times the same
  run with the workbench of another checkout, e.g. the commit before batches were handed
  back by completion, for the throughput comparison);
- for 20%, 50% and 80%: a fresh copy of the project, `workbench translate` killed with
  SIGKILL once that share of the sentences is committed to the translation memory (polled
  read-only), and a re-run. Redone = what the re-run decodes beyond what was left, that is
  re-run decoded − (all − committed at the kill). The bound is the engine's in-flight
  batches (2 per decoding thread) at their largest, from the package's own tokenizer and
  the engine's own batching rule (`batches_of`).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THREADS = 2
BATCH_TOKENS = 1024


def corpus(folder: Path, sentences: int) -> list[str]:
    words = [
        w
        for p in sorted((ROOT / "seeds").glob("*.txt"))
        for w in p.read_text("utf-8").split()
        if w.isalpha() and w.islower() and len(w) > 2
    ]
    rng = random.Random(5)
    lines = [" ".join(rng.choice(words) for _ in range(rng.randint(6, 22))).capitalize() + f" ({n})." for n in range(sentences)]
    (folder / "seeds").mkdir(parents=True)
    for a in range(0, sentences, 100):
        (folder / "seeds" / f"article-{a // 100:03d}.txt").write_text(
            f"Article {a // 100}\n\n" + "\n\n".join(lines[a : a + 100]) + "\n", encoding="utf-8"
        )
    return lines


def committed(project: Path) -> int:
    path = project / ".workbench" / "memory.sqlite"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2) as db:
            return int(db.execute("SELECT count(*) FROM units").fetchone()[0])
    except sqlite3.Error:
        return 0


def translate(project: Path, env: dict[str, str], python: str = sys.executable, extra_path: str = "") -> subprocess.Popen[bytes]:
    run_env = {**env, **({"PYTHONPATH": extra_path} if extra_path else {})}
    return subprocess.Popen(
        [python, "-m", "workbench", "translate", "--json", "--inter-threads", str(THREADS), "--batch-tokens", str(BATCH_TOKENS), "--max-length", "24"],
        cwd=project,
        env=run_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def bound(package_dir: Path, lines: list[str]) -> int:
    """Sentences in the engine's in-flight batches at their largest."""
    import sentencepiece

    from workbench.mt.engine import batches_of

    model = next(package_dir.rglob("sentencepiece.model"))
    sp = sentencepiece.SentencePieceProcessor(model_file=str(model))
    encoded = [sp.encode(line, out_type=str) for line in lines]
    sizes = sorted((len(b) for b in batches_of(encoded, BATCH_TOKENS)), reverse=True)
    return sum(sizes[: 2 * THREADS])


def main() -> None:
    args = sys.argv[1:]
    other = None
    if "--checkout" in args:
        at = args.index("--checkout")
        other = args[at + 1]
        del args[at : at + 2]
    sentences = int(args[0]) if args else 2400
    from workbench.mt.packages import install_archive
    from workbench.mt.synthetic import build_package

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "ARGOS_PACKAGES_DIR": str(work / "packages"), "XDG_CACHE_HOME": str(work / "cache")}
        os.environ.update(env)
        template = work / "template"
        lines = corpus(template, sentences)
        install_archive(build_package(work / "fr.argosmodel", lines, from_code="fr"))
        most = bound(work / "packages", lines)
        cpu = next(
            (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
            "unknown CPU",
        )
        print(f"{sentences} distinct sentences, {THREADS} decoding threads, {BATCH_TOKENS}-token batches; CPU: {cpu}")
        print(f"in-flight bound: {2 * THREADS} batches, at most {most} sentences")

        seconds_full = [0.0]

        def full(label: str, python: str = sys.executable, extra: str = "") -> int:
            project = work / f"full-{label}"
            shutil.copytree(template, project)
            start = time.perf_counter()
            out, _ = translate(project, env, python, extra).communicate()
            seconds = time.perf_counter() - start
            decoded = json.loads(out)["decoded"] if out.strip().startswith(b"{") else sentences
            print(f"full run ({label}): {seconds:.1f} s, {decoded} decoded, {decoded / seconds:.1f} sentences/s (whole process)")
            seconds_full[0] = seconds_full[0] or seconds
            return int(decoded)

        total = full("this checkout")  # the sentences and the articles' titles
        if other:
            full(f"checkout {other}", extra=other)
        for share in (0.2, 0.5, 0.8):
            project = work / f"kill-{int(share * 100)}"
            shutil.copytree(template, project)
            process = translate(project, env)
            while process.poll() is None and committed(project) < share * total:
                time.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            process.wait()
            kept = committed(project)
            out, _ = translate(project, env).communicate()
            again = json.loads(out)["decoded"]
            redone = again - (total - kept)
            print(
                f"killed at {share:.0%}: {kept} committed ({kept / total:.1%}); the re-run decoded {again}, "
                f"so {redone} redone (bound {most}): {'within' if redone <= most else 'OVER'} the bound"
            )
        # by time: a kill at a share of the full run's wall time; commits that keep pace with
        # decoding leave the re-run only what was not decoded yet (plus at most the bound)
        for share in (0.2, 0.5, 0.8):
            project = work / f"kill-time-{int(share * 100)}"
            shutil.copytree(template, project)
            process = translate(project, env)
            deadline = time.perf_counter() + share * seconds_full[0]
            while process.poll() is None and time.perf_counter() < deadline:
                time.sleep(0.01)
            process.send_signal(signal.SIGKILL)
            process.wait()
            kept = committed(project)
            out, _ = translate(project, env).communicate()
            again = json.loads(out)["decoded"]
            print(
                f"killed at {share:.0%} of the run's time: {kept} committed ({kept / total:.1%} of the sentences), "
                f"the re-run decoded {again} ({again / total:.1%}); decoded twice at most the {most} in flight"
            )


if __name__ == "__main__":
    main()
