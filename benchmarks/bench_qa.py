"""Speed of QA on one segment, the call the review screen makes as the translator types.

Run:  .venv/bin/python benchmarks/bench_qa.py

1. Building the context once (glossary matchers, the English dictionary, the project's words).
2. Per call of `check_segment` on every segment of each seed article, with its paragraph:
   - target = the held-out English of tests/test_qa_heldout.py where the source is one of
     those sentences, else the source itself (every word then reaches the copy check);
   - "typo" targets: each of those with a misspelt word, so suggestions are computed
     (first call cold, later calls cached as while typing).
   Median and worst per call, after one warm-up pass.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    from test_qa_heldout import GOOD

    from workbench.glossary.entries import load_folder
    from workbench.pipeline import expand_sources, load_article
    from workbench.qa import Context, check_segment
    from workbench.qa.spelling import load_words, words_path

    start = time.perf_counter()
    glossaries = ROOT / "glossaries"
    context = Context(load_folder(glossaries), load_words(words_path(glossaries)))
    for language in ("fr", "ru"):
        context.matcher(language)
    print(f"context built in {(time.perf_counter() - start) * 1000:.0f} ms (once per project)")
    english = {source: target for _, source, target in GOOD}

    articles = [load_article(p) for p in expand_sources([ROOT / "seeds"])]
    for kind in ("right", "typo"):
        print(f"\ncheck_segment per call, {kind} targets:")
        for article in articles:
            segments = [s.text for s in article.segments]
            pairs = [(s, english.get(s, s)) for s in segments]
            if kind == "typo":
                pairs = [(s, "Teh goverment said so. " + t) for s, t in pairs]
            cold = _pass(context, check_segment, article.language, pairs)
            warm = _pass(context, check_segment, article.language, pairs)
            print(
                f"  {article.id} ({article.language}, {len(pairs)} segments): median {statistics.median(warm):.2f} ms, "
                f"worst {max(warm):.2f} ms (first pass worst {max(cold):.2f} ms)"
            )


def _pass(context, check_segment, language, pairs) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for i, (source, target) in enumerate(pairs):
        start = time.perf_counter()
        check_segment(
            context,
            source,
            target,
            source_language=language,
            before=pairs[max(0, i - 3) : i],
            after=pairs[i + 1 : i + 4],
        )
        times.append((time.perf_counter() - start) * 1000)
    return times


if __name__ == "__main__":
    main()
