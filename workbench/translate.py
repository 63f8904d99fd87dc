"""Translate: fill every article's pending segments from the memory or the engine, then save.

All pending sentences of all articles of one language go to the engine together, once
each however often they occur. Every chunk the engine finishes is committed to the
translation memory at once, so a run killed at any point resumes where it stopped:
the next run finds the finished sentences in the memory and decodes only the rest.
Segments a human edited or reviewed are never touched.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from workbench.model import Article
from workbench.mt.engine import Engine, EngineSettings, ModelMissing, load_engine
from workbench.mt.memory import Match, TranslationMemory, normalize
from workbench.store import Document, SegmentRecord, Store, merge, now

EngineFactory = Callable[[str, str], Engine]
Progress = Callable[[int, int], None]
MACHINE_ORIGINS = frozenset({"engine", "memory"})


@dataclass
class Summary:
    articles: int = 0
    segments: int = 0
    decoded: int = 0  # distinct sentences the engine translated
    duplicates: int = 0  # further segments that shared one of those translations
    from_memory: int = 0
    kept_human: int = 0
    current: int = 0  # machine translations already up to date
    identity: int = 0  # already in the target language
    files_written: int = 0
    missing: list[str] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0


def engine_factory(settings: EngineSettings) -> EngineFactory:
    cache: dict[tuple[str, str], Engine] = {}

    def get(source: str, target: str) -> Engine:
        if (source, target) not in cache:
            cache[(source, target)] = load_engine(source, target, settings)
        return cache[(source, target)]

    return get


def _stale(record: SegmentRecord, model_id: str) -> bool:
    if record.status == "new":
        return True
    return record.status == "machine" and record.origin in MACHINE_ORIGINS and record.model != model_id


def _fill(record: SegmentRecord, text: str, score: float | None, model: str, origin: str) -> None:
    record.mt = record.target = text
    record.score = score
    record.model = model
    record.origin = origin
    record.status = "machine"
    record.updated = now()


def _from_match(record: SegmentRecord, match: Match) -> None:
    _fill(record, match.target, match.score, match.origin, "memory-human" if match.human else "memory")


class _Run:
    def __init__(self, articles: Sequence[Article], store: Store, target: str) -> None:
        self.store = store
        self.target = target
        self.articles = {a.id: a for a in articles}
        self.docs: dict[str, Document] = {a.id: merge(a, store.read(a.id), target) for a in articles}
        self.fills: dict[str, dict[str, SegmentRecord]] = {a.id: {} for a in articles}
        self.saved: set[str] = set()
        self.files_written = 0

    def record_fill(self, article_id: str, record: SegmentRecord) -> None:
        self.fills[article_id][record.id] = record

    def save(self, article_id: str, stale: Callable[[SegmentRecord], bool]) -> None:
        """Apply this run's fills to the file as it is on disk now (another process may
        have confirmed segments meanwhile) and write it if anything changed."""
        article, fills = self.articles[article_id], self.fills[article_id]

        def change(current: Document | None) -> Document | None:
            result = merge(article, current, self.target)
            for record in result.segments:
                fill = fills.get(record.id)
                if fill is not None and stale(record):
                    _fill(record, fill.target, fill.score, fill.model, fill.origin)
            if current is not None and _same(current, result):
                return None
            return result

        _, written = self.store.update(article_id, change)
        self.files_written += written
        self.saved.add(article_id)


def _same(a: Document, b: Document) -> bool:
    left, right = a.to_json(), b.to_json()
    for data in (left, right):
        data.pop("revision"), data.pop("updated")
    return left == right


def translate_articles(
    articles: Sequence[Article],
    store: Store,
    memory: TranslationMemory,
    target: str = "en",
    engines: EngineFactory | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Summary:
    started = time.perf_counter()
    engines = engines or engine_factory(EngineSettings())
    run = _Run(articles, store, target)
    summary = Summary(articles=len(articles))
    by_language: dict[str | None, list[Article]] = {}
    for article in articles:
        by_language.setdefault(article.language, []).append(article)
        summary.segments += len(article.segments)

    work: list[tuple[str, Engine, list[tuple[str, SegmentRecord]]]] = []
    for language, group in by_language.items():
        if language is None:
            summary.missing.append(f"?-{target} (language not recognised: {', '.join(a.id for a in group)})")
            continue
        records = [(a.id, r) for a in group for r in run.docs[a.id].segments]
        summary.kept_human += sum(r.human for _, r in records)
        if language == target:
            for article_id, record in records:
                if record.status == "new":
                    _fill(record, record.source, None, "identity", "identity")
                    run.record_fill(article_id, record)
                    summary.identity += 1
            continue
        try:
            engine = engines(language, target)
        except ModelMissing as missing:
            summary.missing.append(str(missing))
            continue
        pending = [(aid, r) for aid, r in records if _stale(r, engine.model_id)]
        summary.current += sum(r.status == "machine" and not _stale(r, engine.model_id) for _, r in records)
        matches = memory.lookup_many(language, target, [r.source for _, r in pending], engine.model_id)
        remaining = []
        for article_id, record in pending:
            match = matches.get(normalize(record.source))
            if match is not None:
                _from_match(record, match)
                run.record_fill(article_id, record)
                summary.from_memory += 1
            else:
                remaining.append((article_id, record))
        work.append((language, engine, remaining))

    total = sum(len({normalize(r.source) for _, r in remaining}) for _, _, remaining in work)
    done = 0
    if progress:
        progress(0, total)
    for language, engine, remaining in work:
        groups: dict[str, list[tuple[str, SegmentRecord]]] = {}
        for article_id, record in remaining:
            groups.setdefault(normalize(record.source), []).append((article_id, record))
        keys = list(groups)
        waiting = {aid: sum(1 for a, _ in remaining if a == aid) for aid, _ in remaining}
        position = 0
        for chunk in engine.translate([groups[k][0][1].source for k in keys]):
            units = []
            for translation in chunk:
                members = groups[keys[position]]
                units.append((members[0][1].source, translation.text, translation.score))
                for article_id, record in members:
                    _fill(record, translation.text, translation.score, engine.model_id, "engine")
                    run.record_fill(article_id, record)
                    waiting[article_id] -= 1
                    if waiting[article_id] == 0:
                        run.save(article_id, functools.partial(_stale, model_id=engine.model_id))
                summary.duplicates += len(members) - 1
                position += 1
            memory.add(language, target, engine.model_id, units)
            summary.decoded += len(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
            if cancel is not None and cancel.is_set():
                summary.cancelled = True
                break
        if summary.cancelled:
            break

    model_of = {lang: eng.model_id for lang, eng, _ in work}
    for article in articles:
        if article.id not in run.saved:
            model_id = model_of.get(article.language or "", "")
            run.save(article.id, functools.partial(_stale, model_id=model_id))
    summary.files_written = run.files_written
    summary.seconds = time.perf_counter() - started
    return summary
