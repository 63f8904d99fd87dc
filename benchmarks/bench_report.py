"""`workbench report` and `qa` at scale: seconds for 1,000, 5,000 and 20,000 segments
(half of them post-edited), to show the cost grows linearly.

Run: .venv/bin/python benchmarks/bench_report.py
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from workbench.glossary.entries import load_folder
from workbench.report import summarise
from workbench.store import Document, SegmentRecord

ROOT = Path(__file__).resolve().parents[1]


def corpus(segments: int, per_article: int = 50) -> list[Document]:
    rng = random.Random(7)
    lines = [
        line
        for path in sorted((ROOT / "seeds").glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line) > 40
    ]
    documents = []
    for a in range(segments // per_article):
        records = []
        for i in range(per_article):
            source = rng.choice(lines)[:200]
            mt = " ".join(reversed(source.split()))
            edited = rng.random() < 0.5
            target = mt.replace(" ", "  ", 3) + " edited" if edited else mt
            records.append(
                SegmentRecord(f"{i}", i, 0, "text", source, mt, target, "reviewed" if edited else "machine")
            )
        documents.append(Document(f"a{a:05d}", f"a{a}.txt", "fr", "en", f"Article {a}", None, records))
    return documents


def main() -> None:
    glossary = load_folder(ROOT / "glossaries")
    previous = None
    for size in (1000, 5000, 20000):
        documents = corpus(size)
        start = time.perf_counter()
        summarise(documents, glossary)
        seconds = time.perf_counter() - start
        ratio = (
            f"  ({seconds / previous[1] * previous[0] / size:.2f}x the per-segment cost of {previous[0]})"
            if previous
            else ""
        )
        print(f"{size:>6} segments: {seconds:6.2f} s, {1000 * seconds / size:.2f} ms per segment{ratio}")
        previous = (size, seconds)


if __name__ == "__main__":
    main()
