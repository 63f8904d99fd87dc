"""Throughput of ingest → clean → language id → segment on the seed articles.

Run: .venv/bin/python benchmarks/bench_clean.py [ROUNDS]
Prints articles and segments per second; the first article includes the language models'
load time, reported separately.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from workbench.pipeline import article_from_bytes

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    files = [(p, p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))]
    start = time.perf_counter()
    article_from_bytes(files[0][1], files[0][0])
    warm = time.perf_counter() - start
    segments = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for path, data in files:
            segments += len(article_from_bytes(data, path).segments)
    elapsed = time.perf_counter() - start
    articles = rounds * len(files)
    print(f"first article (models loading): {warm * 1000:.0f} ms")
    print(f"articles: {articles} in {elapsed:.2f} s = {articles / elapsed:.1f} articles/s")
    print(f"segments: {segments} = {segments / elapsed:.0f} segments/s")
    print(f"per article: {elapsed / articles * 1000:.1f} ms")


if __name__ == "__main__":
    main()
