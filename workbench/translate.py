"""Translate: fill every article's pending segments from the memory or the engine, then save.

All pending sentences of all articles of one language go to the engine together, once
each however often they occur. Every chunk the engine finishes is committed to the
translation memory at once, so a run killed at any point resumes where it stopped:
the next run finds the finished sentences in the memory and decodes only the rest.
Segments a human edited or reviewed are never touched.
"""

from __future__ import annotations

import copy
import functools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from workbench.glossary.enforce import Inject, Strategy
from workbench.glossary.entries import Glossary
from workbench.glossary.match import Hit, matcher_for
from workbench.mt.engine import Engine, EngineSettings, ModelMissing, load_engine
from workbench.mt.memory import HUMAN, TranslationMemory, unit_key
from workbench.store import Document, SegmentRecord, Store, StoreError, now

EngineFactory = Callable[[str, str], Engine]
Progress = Callable[[int, int], None]
MACHINE_ORIGINS = frozenset({"engine", "memory"})


@dataclass
class TranslateSummary:
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


DRAFT = "+draft"


def _stale(record: SegmentRecord, model_id: str) -> bool:
    """Whether this run should (re)translate the segment: new, or machine output of another
    model. A draft (greedy) run never replaces full output; a full run replaces drafts."""
    if record.status == "new":
        return True
    if record.status != "machine" or record.origin not in MACHINE_ORIGINS or record.model == model_id:
        return False
    return not (model_id.endswith(DRAFT) and not record.model.endswith(DRAFT))


def _fill(
    record: SegmentRecord,
    text: str,
    score: float | None,
    model: str,
    origin: str,
    glossary: Sequence[str] = (),
    device: str = "",
    compute_type: str = "",
) -> None:
    record.mt = record.target = text
    record.score = score
    record.model = model
    record.origin = origin
    record.device, record.compute_type = device, compute_type
    record.glossary = list(glossary)
    record.status = "machine"
    record.updated = now()


class _Terms:
    """The glossary's view of one language: what each source needs and how to enforce it."""

    def __init__(self, glossary: Glossary | None, language: str, enforcement: Strategy) -> None:
        self.matcher = matcher_for(glossary, language) if glossary is not None and len(glossary) else None
        self.enforcement = enforcement

    def hits(self, source: str) -> list[Hit]:
        return self.matcher.find(source) if self.matcher else []

    def prepare(self, source: str) -> str:
        return self.enforcement.prepare(source, self.hits(source))

    def fill(
        self, record: SegmentRecord, raw: str, score: float | None, model: str, origin: str, device: str = "", compute_type: str = ""
    ) -> None:
        repaired = self.enforcement.repair(raw, self.hits(record.source))
        _fill(record, repaired.text, score, model, origin, repaired.applied, device, compute_type)


class _Run:
    def __init__(self, documents: Sequence[Document], store: Store) -> None:
        self.store = store
        self.fills: dict[str, dict[str, SegmentRecord]] = {d.article_id: {} for d in documents}
        self.saved: set[str] = set()
        self.written: set[str] = set()

    def record_fill(self, article_id: str, record: SegmentRecord) -> None:
        self.fills[article_id][record.id] = record

    def save(self, article_id: str, stale: Callable[[SegmentRecord], bool]) -> None:
        """Apply this run's fills to the file as it is on disk now (another process may
        have confirmed segments meanwhile) and write it if anything changed."""
        fills = self.fills[article_id]

        def change(current: Document | None) -> Document | None:
            if current is None:
                return None  # removed meanwhile: nothing of ours to keep it for
            changed = False
            for record in current.segments:  # just read under the lock: ours to change
                fill = fills.get(record.id)
                if fill is not None and record.source == fill.source and stale(record):
                    record.supersede()  # the machine version it replaces stays in the history
                    record.change, record.author = "", ""
                    record.event = "memory" if fill.origin.startswith("memory") else "machine"
                    _fill(
                        record, fill.target, fill.score, fill.model, fill.origin, fill.glossary, fill.device, fill.compute_type
                    )
                    changed = True
            return current if changed else None

        _, written = self.store.update(article_id, change)
        if written:
            self.written.add(article_id)
        self.saved.add(article_id)


def translate_documents(
    documents: Sequence[Document],
    store: Store,
    memory: TranslationMemory,
    target: str = "en",
    engines: EngineFactory | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    glossary: Glossary | None = None,
    enforcement: Strategy | None = None,
    written: set[str] | None = None,
) -> TranslateSummary:
    """Translate every pending segment of the saved `documents` (all into `store`'s target),
    enforcing `glossary` if given. `written` holds the ids of the files this command already
    wrote (preparing them): the summary counts each file written once, whoever wrote it."""
    enforcement = enforcement or Inject()
    started = time.perf_counter()
    engines = engines or engine_factory(EngineSettings())
    target = store.target or ""
    documents = [copy.deepcopy(d) for d in documents]
    for document in documents:
        if document.target_language != target:
            raise StoreError(
                f"{document.article_id} is a translation into {document.target_language}, not {target}."
            )
    run = _Run(documents, store)
    summary = TranslateSummary(articles=len(documents))
    by_language: dict[str | None, list[Document]] = {}
    for document in documents:
        by_language.setdefault(document.source_language, []).append(document)
        summary.segments += len(document.segments)

    work: list[tuple[str, Engine, _Terms, list[tuple[str, SegmentRecord, str]]]] = []
    for language, group in by_language.items():
        if language is None:
            summary.missing.append(
                f"the language of {', '.join(d.article_id for d in group)} is not recognised"
                " (too little text, or not a language Workbench knows); prepared but not translated"
            )
            continue
        records = [(d.article_id, r) for d in group for r in d.segments]
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
        terms = _Terms(glossary, language, enforcement)
        pending = [(aid, r) for aid, r in records if _stale(r, engine.model_id)]
        summary.current += sum(r.status == "machine" and not _stale(r, engine.model_id) for _, r in records)
        # A reviewed human translation of the sentence wins; machine units are keyed by the
        # text the model actually received, which depends on the glossary enforcement.
        human = memory.lookup_many(language, target, [r.source for _, r in pending], None)
        # keyed by article too: a segment id is unique within its article, not across the corpus
        prepared = {(aid, r.id): terms.prepare(r.source) for aid, r in pending}
        machine = memory.lookup_many(language, target, list(prepared.values()), engine.model_id)
        remaining = []
        for article_id, record in pending:
            text = prepared[(article_id, record.id)]
            match = human.get(unit_key(record.source)) or machine.get(unit_key(text))
            if match is not None and match.human:
                _fill(record, match.target, None, HUMAN, "memory-human")
            elif match is not None:
                terms.fill(record, match.target, match.score, match.origin, "memory")
            else:
                remaining.append((article_id, record, text))
                continue
            run.record_fill(article_id, record)
            summary.from_memory += 1
        work.append((language, engine, terms, remaining))

    total = sum(len({unit_key(p) for _, _, p in remaining}) for _, _, _, remaining in work)
    done = 0
    if progress:
        progress(0, total)
    for language, engine, terms, remaining in work:
        groups: dict[str, list[tuple[str, SegmentRecord]]] = {}
        inputs: dict[str, str] = {}
        for article_id, record, text in remaining:
            groups.setdefault(unit_key(text), []).append((article_id, record))
            inputs.setdefault(unit_key(text), text)
        keys = list(groups)
        waiting: dict[str, int] = {}
        for article_id, _, _ in remaining:
            waiting[article_id] = waiting.get(article_id, 0) + 1
        for finished in engine.translate([inputs[k] for k in keys]):
            units = []
            for position, translation in finished:
                key = keys[position]
                units.append((inputs[key], translation.text, translation.score))
                for article_id, record in groups[key]:
                    terms.fill(
                        record,
                        translation.text,
                        translation.score,
                        engine.model_id,
                        "engine",
                        translation.device,
                        translation.compute_type,
                    )
                    run.record_fill(article_id, record)
                    waiting[article_id] -= 1
                    if waiting[article_id] == 0:
                        run.save(article_id, functools.partial(_stale, model_id=engine.model_id))
                summary.duplicates += len(groups[key]) - 1
            # the memory first: a run killed now finds this batch there and decodes it no more
            memory.add(language, target, engine.model_id, units)
            summary.decoded += len(finished)
            done += len(finished)
            if progress:
                progress(done, total)
            if cancel is not None and cancel.is_set():
                summary.cancelled = True
                break
        if summary.cancelled:
            break

    model_of = {lang: eng.model_id for lang, eng, _, _ in work}
    for document in documents:
        if document.article_id not in run.saved:
            model_id = model_of.get(document.source_language or "", "")
            run.save(document.article_id, functools.partial(_stale, model_id=model_id))
    summary.files_written = len(run.written | (written or set()))
    summary.seconds = time.perf_counter() - started
    return summary
