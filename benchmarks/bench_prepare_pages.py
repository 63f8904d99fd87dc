"""Preparing web pages on the user's path: whole processes, Workbench against trafilatura alone.

Run: .venv/bin/python benchmarks/bench_prepare_pages.py --data DIR [--rounds 3]
     (DIR holds article-extraction-benchmark/, see extraction_sets.py; without --data the
     pages of tests/data/web are used)

Prints, for the same folder of pages, the best of --rounds runs of
- `workbench clean --json FOLDER` (extraction, cruft rules, language of every block,
  sentences; one process, as a user runs it),
- trafilatura alone in one process over the same files (`trafilatura.extract` with its
  metadata, tables kept: the text and the fields Workbench gives too),
and their ratio, in wall time and in CPU time (user + system: the fairer figure on a shared
machine); then `workbench clean` of a generated 10 MB live-blog page, and of one seed
article, with their peak resident memory.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAFILATURA = """
import sys, pathlib, trafilatura
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.html")):
    trafilatura.extract(path.read_bytes(), include_tables=True, with_metadata=True)
"""


def timed(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of one child process, from its own rusage."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed: {errors.read().decode(errors='replace')[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def best(command: list[str], rounds: int) -> tuple[float, float, float]:
    runs = [timed(command) for _ in range(rounds)]
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)


def pages_folder(data: Path | None, folder: Path) -> int:
    if data is not None:
        for path in sorted((data / "article-extraction-benchmark" / "html").glob("*.html.gz")):
            (folder / path.name.removesuffix(".gz")).write_bytes(gzip.decompress(path.read_bytes()))
    else:
        for path in sorted((ROOT / "tests" / "data" / "web").glob("*.html")):
            shutil.copy(path, folder / path.name)
    return len(list(folder.glob("*.html")))


def live_blog(path: Path) -> None:
    post = (
        "<div class='post'><p class='time'>12:{m:02d}</p><p>Le ministre a répondu aux questions des députés "
        "sur le calendrier de la migration des services de l’État vers des logiciels libres, numéro {n}.</p>"
        "<div class='share'><a>Partager</a><a>Tweeter</a></div></div>\n"
    )
    body = "".join(post.format(m=n % 60, n=n) for n in range(40_000))
    page = f"<html lang='fr'><head><title>Direct</title></head><body><h1>En direct</h1>{body}</body></html>".encode()
    path.write_bytes(page[: 10 * 1024 * 1024])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, help="folder holding the public sets (see extraction_sets.py)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    workbench = [sys.executable, "-m", "workbench", "clean", "--json"]
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        count = pages_folder(args.data, folder)
        size = sum(p.stat().st_size for p in folder.glob("*.html")) / 1024 / 1024
        print(f"{count} pages ({size:.1f} MB), best of {args.rounds}:")
        ours = best([*workbench, str(folder)], args.rounds)
        theirs = best([sys.executable, "-c", TRAFILATURA, str(folder)], args.rounds)
        print(f"  workbench clean --json  {ours[0]:6.2f} s wall  {ours[1]:6.2f} s CPU  ({ours[1] / count * 1000:.0f} ms/page, peak {ours[2]:.0f} MB)")
        print(f"  trafilatura alone       {theirs[0]:6.2f} s wall  {theirs[1]:6.2f} s CPU  ({theirs[1] / count * 1000:.0f} ms/page, peak {theirs[2]:.0f} MB)")
        print(f"  ratio                   {ours[0] / theirs[0]:6.2f}× wall    {ours[1] / theirs[1]:6.2f}× CPU")
        seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
        small = best([*workbench[:-1], str(seed)], args.rounds)
        print(f"workbench clean {seed.name} ({seed.stat().st_size / 1024:.0f} KB): {small[0]:.2f} s wall")
        big = Path(tmp) / "live.html"
        live_blog(big)
        wall, cpu, peak = timed([*workbench[:-1], str(big)])
        print(f"workbench clean of a 10 MB live blog: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
