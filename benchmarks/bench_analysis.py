"""Time of the report's analysis (words, repetitions, memory-match bands) on a generated
corpus: ARTICLES articles of 30 segments, a memory holding a human unit for every
UNIT_EVERY-th distinct sentence, one sentence in ten repeated.

Run: .venv/bin/python benchmarks/bench_analysis.py [ARTICLES] [UNIT_EVERY]
Prints segments, memory units and seconds; the fuzzy bands dominate (one rapidfuzz search
of the memory per segment without an exact match).
"""

from __future__ import annotations

import random
import sys
import time

from workbench.analysis import analyse
from workbench.store import Document, SegmentRecord

WORDS = ["le", "la", "les", "un", "une", "des", "Kremlin", "Moscou", "Paris", "logiciel", "accès", "secteur", "public", "russe", "société", "a", "dit"]


def main() -> None:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    every = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = random.Random(7)
    sentences = [" ".join(rng.choices(WORDS, k=rng.randint(8, 25))) + "." for _ in range(articles * 27)]
    documents, n = [], 0
    for a in range(articles):
        segments = []
        for i in range(30):
            source = rng.choice(sentences[: n + 1]) if rng.random() < 0.1 else sentences[n]
            n += rng.random() >= 0.1
            segments.append(SegmentRecord(f"s{i}", 1, i, "text", source, status="machine"))
        documents.append(Document(f"a{a:05}", "", "fr", "en", "", None, segments))
    units = [(s, f"other/{k}") for k, s in enumerate(sentences[:n:every])]
    start = time.perf_counter()
    analyse(documents, lambda s, t: units)
    elapsed = time.perf_counter() - start
    print(f"{articles * 30} segments, {len(units)} human units: analysis in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
