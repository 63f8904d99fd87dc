"""Glossary matching speed and how well protected names survive translation.

Run:  .venv/bin/python benchmarks/bench_glossary.py

1. Matching: time to find every glossary entity in each seed article (the review UI runs it
   on every keystroke), after warm-up, best of 20.
2. Survival: the share of entity mentions whose English form is in the final target, for
   each enforcement strategy (off, repair, inject), with
   - the deterministic test engine that renders names the way poor MT does (Cyrillic letter
     by letter with case endings, Latin-script names untouched: Poutine, Dmitri Peskov);
   - the real generated Argos package (random weights: its output is noise, so this shows
     what enforcement can and cannot do when the model itself keeps nothing).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the deterministic test engine lives with the tests


def main() -> None:
    from fakes import WrongNamesEngine, factory

    from workbench.glossary.enforce import Inject, Off, Repair
    from workbench.glossary.entries import load_folder
    from workbench.glossary.match import Matcher
    from workbench.glossary.qa import check
    from workbench.mt.engine import EngineSettings
    from workbench.mt.memory import TranslationMemory
    from workbench.pipeline import expand_sources, load_article
    from workbench.prepare import save_article
    from workbench.project import Project
    from workbench.store import Store
    from workbench.translate import engine_factory, translate_documents

    glossary = load_folder(ROOT / "glossaries")
    articles = [load_article(p) for p in expand_sources([ROOT / "seeds"])]
    print(f"glossary: {len(glossary)} entities; seeds: {len(articles)} articles")
    print("\nmatching a whole article (best of 20, warm):")
    for article in articles:
        matcher = Matcher(glossary, article.language)
        texts = [s.text for s in article.segments]
        for text in texts:
            matcher.find(text)
        best = min(_timed(lambda m=matcher, ts=texts: [m.find(t) for t in ts]) for _ in range(20))
        hits = sum(len(matcher.find(t)) for t in texts)
        words = sum(len(t.split()) for t in texts)
        print(
            f"  {article.id} ({article.language}): {best * 1000:6.2f} ms for {words} words, {hits} entity mentions"
        )
    print(f"  building a matcher: {_timed(lambda: Matcher(glossary, 'ru')) * 1000:.1f} ms")

    print("\nsurvival of protected names (mentions whose English form is in the target):")
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(ROOT / "benchmarks" / ".cache" / "tiny-packages"))
    from workbench.mt.packages import find_model, install_archive
    from workbench.mt.synthetic import build_package

    if find_model("fr", "en") is None or find_model("ru", "en") is None:
        texts = [
            line for p in sorted((ROOT / "seeds").glob("*.txt")) for line in p.read_text("utf-8").splitlines()
        ]
        with tempfile.TemporaryDirectory() as tmp:
            for source in ("fr", "ru"):
                install_archive(build_package(Path(tmp) / f"{source}.argosmodel", texts, from_code=source))
    engines = {
        "test engine": lambda: factory(
            WrongNamesEngine("fr", chunk=1000), WrongNamesEngine("ru", chunk=1000)
        ),
        "generated Argos model": lambda: engine_factory(EngineSettings(max_decoding_length=48)),
    }
    for engine_name, make in engines.items():
        for enforcement in (Off(), Repair(), Inject()):
            with tempfile.TemporaryDirectory() as tmp:
                project = Project(Path(tmp))
                documents = [save_article(Store(project), article) for article in articles]
                with TranslationMemory(project.memory) as tm:
                    translate_documents(
                        documents,
                        Store(project),
                        tm,
                        engines=make(),
                        glossary=glossary,
                        enforcement=enforcement,
                    )
                store = Store(project)
                documents = {a.id: d for a in articles if (d := store.read(a.id))}
                report = check(articles, documents, glossary)
                mentions = [m for m in report.mentions if m.status != "untranslated"]
                kept = sum(m.status == "ok" for m in mentions)
                print(
                    f"  {engine_name:<22} {enforcement.name:<7} {kept:>4}/{len(mentions)} = {100 * kept / len(mentions):5.1f}%"
                    f"   inconsistent entities: {len(report.inconsistent)}"
                )


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
