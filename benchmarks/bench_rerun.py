"""Whole-process cost of `workbench translate` on the seeds: a first run, then re-runs on
the unchanged corpus, which read prepared articles and saved documents only.

Run: .venv/bin/python benchmarks/bench_rerun.py [RERUNS]
Generates tiny fr→en and ru→en Argos packages (random weights) in a temporary folder, so
every article is translated on the first run. Prints seconds per run and the ratio; the
issue's targets are a re-run under a quarter of the first run and under 1.5 s.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    reruns = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    from workbench.mt.packages import install_archive
    from workbench.mt.synthetic import build_package

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {
            **os.environ,
            "ARGOS_PACKAGES_DIR": str(work / "packages"),
            "XDG_CACHE_HOME": str(work / "cache"),
        }
        os.environ.update(env)
        texts = [
            line for p in sorted((ROOT / "seeds").glob("*.txt")) for line in p.read_text("utf-8").splitlines()
        ]
        for source in ("fr", "ru"):
            install_archive(build_package(work / f"{source}.argosmodel", texts, from_code=source))
        project = work / "project"
        shutil.copytree(ROOT / "seeds", project / "seeds")
        shutil.copytree(ROOT / "glossaries", project / "glossaries")
        command = [sys.executable, "-m", "workbench", "translate", "--max-length", "16"]

        def run() -> float:
            start = time.perf_counter()
            subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
            return time.perf_counter() - start

        first = run()
        again = sorted(run() for _ in range(reruns))
        median = again[len(again) // 2]
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "unknown CPU",
        )
        print(f"{cpu}, {os.cpu_count()} cores")
        print(f"first run (prepare + translate 5 articles):   {first:6.2f} s")
        print(f"re-run, unchanged corpus (median of {reruns}):  {median:6.2f} s  (best {again[0]:.2f} s)")
        print(
            f"re-run / first run: {median / first:.1%} (target < 25%); target < 1.5 s: {'met' if median < 1.5 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
