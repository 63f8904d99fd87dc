"""Review: what a translator does to the parallel text, without any UI.

Two halves. `Review` holds the state of one reviewing session (the documents read, the
undo stack, the glossary) and is changed only by its owner's thread — the UI thread of
the TUI. The work behind each action — saving a change, re-translating a segment,
restoring a removed line, translating articles, preparing new sources — is a plain
function below that opens its own store and memory handles, so it can run in a worker
thread and hand its result back as a value; `Review.apply_*` takes those values in.

Every change is a locked read-modify-write of the article's file, refused with a
Conflict when another process changed the same segment since the reviewer looked at
it — unless that other change was a machine's: a machine change never beats a human
one. Confirmed translations go into the translation memory, where they outrank MT.
The blocking methods (`edit`, `confirm`, `undo`…) do plan, work and apply in one call,
for scripts and tests.
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import msgspec

from workbench.errors import WorkbenchError
from workbench.fileio import WriteError, atomic_write
from workbench.glossary.entries import Entry, Glossary, append_entry, load_folder
from workbench.glossary.match import Hit, Matcher, contains_english, matcher_for
from workbench.mt.memory import Match, TranslationMemory
from workbench.pipeline import (
    ARTICLE_SUFFIXES,
    expand_sources,
    open_source,
    read_sources,
    split_record,
)
from workbench.prepare import Preparer, rebuild, source_label, sync
from workbench.project import Project
from workbench.store import Conflict, Document, SegmentRecord, Store, StoreError, file_name, now
from workbench.translate import EngineFactory, Progress, TranslateSummary, translate_documents

INDEX_VERSION = 2


@dataclass(frozen=True)
class ArticleInfo:
    id: str
    language: str | None
    title: str
    segments: int
    reviewed: int
    source_path: str = ""

    @classmethod
    def of(cls, d: Document) -> ArticleInfo:
        reviewed = sum(s.status == "reviewed" for s in d.segments)
        return cls(d.article_id, d.source_language, d.title, len(d.segments), reviewed, d.source_path)


def display_titles(infos: Iterable[ArticleInfo]) -> dict[str, str]:
    """What a translator reads in the article list: the title, with the id added only
    where two articles share a title (or one has none)."""
    infos = list(infos)
    titles = {info.id: " ".join(info.title.split()) for info in infos}
    counts: dict[str, int] = {}
    for title in titles.values():
        counts[title.casefold()] = counts.get(title.casefold(), 0) + 1
    names = {}
    for info in infos:
        title = titles[info.id]
        if not title:
            names[info.id] = info.id
        elif counts[title.casefold()] > 1:
            names[info.id] = f"{title} ({info.id})"
        else:
            names[info.id] = title
    return names


Stamp = tuple[int, int]  # (mtime_ns, size): a file changed when its stamp did


def _stamp(path: Path) -> Stamp | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


class Library(MutableMapping[str, Document]):
    """The project's translation files, by article id: every article's summary at once,
    read from a cache keyed by file size and modification time, and each document only
    when it is opened. A thousand articles list in a fraction of a second."""

    def __init__(self, store: Store, index: Path) -> None:
        self.store = store
        self.index = index
        self.paths: dict[str, Path] = {}
        self.summaries: dict[str, ArticleInfo] = {}
        self.loaded: dict[str, Document] = {}
        self.stamps: dict[str, Stamp | None] = {}  # of each loaded document's file, as read
        self.unreadable: set[str] = set()  # file names that did not parse, reported as problems

    def _cache(self) -> dict[str, dict[str, object]]:
        """The summaries cache, or nothing: written by another version or torn, it is rebuilt."""
        try:
            cache = json.loads(self.index.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(cache, dict) or cache.get("version") != INDEX_VERSION:
            return {}
        files = cache.get("files")
        return files if isinstance(files, dict) else {}

    def scan(self) -> list[str]:
        """Summarise every file, parsing only those the cache does not know; return problems."""
        problems: list[str] = []
        cache = self._cache()
        fresh: dict[str, dict[str, object]] = {}
        for path in self.store.paths():
            stamp = _stamp(path)
            if stamp is None:
                continue
            entry = cache.get(path.name)
            info = None
            if isinstance(entry, dict) and entry.get("stamp") == list(stamp):
                with contextlib.suppress(msgspec.ValidationError, TypeError):
                    info = msgspec.convert(entry.get("info"), ArticleInfo, strict=True)
                if info is not None and file_name(info.id, self.store.require_target()) != path.name:
                    info = None  # an entry that does not belong to this file: read the file
            if info is None:
                try:
                    document = self.store.read_path(path)
                except StoreError as exc:
                    problems.append(str(exc))
                    self.unreadable.add(path.name)
                    continue
                if document is None:
                    continue
                self.loaded[document.article_id] = document
                self.stamps[document.article_id] = stamp
                info = ArticleInfo.of(document)
            fresh[path.name] = {"stamp": list(stamp), "info": asdict(info)}
            self.paths[info.id] = path
            self.summaries[info.id] = info
        if fresh != cache:
            # a cache only: an unwritable state folder costs speed, not correctness
            data = {"version": INDEX_VERSION, "files": fresh}
            with contextlib.suppress(WriteError):
                atomic_write(self.index, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        return problems

    def __getitem__(self, article_id: str) -> Document:
        if article_id not in self.loaded:
            if article_id not in self.paths:
                raise KeyError(article_id)
            path = self.paths[article_id]
            stamp = _stamp(path)
            document = self.store.read_path(path)
            if document is None:
                raise StoreError(f"{path.name} has disappeared.")
            self.loaded[article_id] = document
            self.stamps[article_id] = stamp
        return self.loaded[article_id]

    def __setitem__(self, article_id: str, document: Document) -> None:
        self.loaded[article_id] = document
        self.summaries[article_id] = ArticleInfo.of(document)
        self.paths[article_id] = self.store.path(article_id)
        self.stamps[article_id] = _stamp(self.paths[article_id])

    def __delitem__(self, article_id: str) -> None:
        for table in (self.loaded, self.summaries, self.paths, self.stamps):
            table.pop(article_id, None)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.paths))

    def __len__(self) -> int:
        return len(self.paths)

    def changed_on_disk(self, article_id: str) -> bool:
        """Whether the file's size or modification time moved since it was read: a stat,
        not a parse."""
        if article_id not in self.loaded:
            return False
        return _stamp(self.paths[article_id]) != self.stamps.get(article_id)


@dataclass(frozen=True)
class GlossaryView:
    """The glossary's reading of one segment."""

    source_hits: tuple[Hit, ...]
    missing: tuple[Hit, ...]  # entities whose English form the target lacks


@dataclass(frozen=True)
class Change:
    """A reviewer's change to one segment: what they saw (`base`) and what they want."""

    article_id: str
    base: SegmentRecord
    target: str
    status: str
    mt: str | None = None  # set by a re-translation or an undo
    score: float | None = None
    model: str | None = None
    origin: str | None = None
    glossary: tuple[str, ...] | None = None
    undo: bool = False  # undoing: not pushed on the undo stack again

    @property
    def human(self) -> bool:
        return self.status in ("edited", "reviewed")

    def applied_to(self, record: SegmentRecord) -> None:
        record.target, record.status = self.target, self.status  # type: ignore[assignment]
        if self.mt is not None:
            record.mt = self.mt
        if self.origin is not None:
            record.score, record.model, record.origin = self.score, self.model or "", self.origin
        if self.glossary is not None:
            record.glossary = list(self.glossary)
        record.updated = now()


class SegmentConflict(Conflict):
    """Another process changed the segment: both versions, for the reviewer to choose."""

    def __init__(self, message: str, change: Change, theirs: SegmentRecord | None, document: Document | None):
        super().__init__(message)
        self.change = change
        self.theirs = theirs
        self.document = document


@dataclass(frozen=True)
class Saved:
    """A change as it landed on disk."""

    change: Change
    before: SegmentRecord
    after: SegmentRecord
    document: Document
    warning: str | None = None  # saved, but something beside the save failed


# -- the work: plain functions with their own handles, safe in any thread -------------------


def write_change(project: Project, target: str, change: Change) -> Saved:
    """Apply `change` to the segment on disk, unless someone else changed it since `change.base`.

    A segment that a machine changed meanwhile (a translate run) takes the human change
    anyway; a segment another person changed raises SegmentConflict with both versions.
    """
    store = Store(project, target)
    result: dict[str, SegmentRecord] = {}
    base = change.base

    def apply(current: Document | None) -> Document:
        if current is None:
            raise SegmentConflict(
                f"{change.article_id} has no translation file any more; it was removed meanwhile.",
                change,
                None,
                None,
            )
        record = current.segment(base.id)
        if record is None:
            raise SegmentConflict(
                f"segment {base.id} of {change.article_id} no longer exists; the source changed meanwhile.",
                change,
                None,
                current,
            )
        moved = (record.target, record.status) != (base.target, base.status)
        if moved and not (change.human and not record.human):
            raise SegmentConflict(
                f"segment {base.id} of {change.article_id} was changed by another process"
                f" (now {record.status}: {record.target[:60]!r}); your text is kept, choose which to keep.",
                change,
                copy.deepcopy(record),
                current,
            )
        result["before"] = copy.deepcopy(record)
        change.applied_to(record)
        result["after"] = copy.deepcopy(record)
        return current

    document, _ = store.update(change.article_id, apply)
    assert document is not None
    after = result["after"]
    warning = None
    if after.status == "reviewed" and after.target.strip():
        # the confirmation is saved: a memory that fails now costs the memory entry, not the work
        try:
            with TranslationMemory(project.memory) as memory:
                memory.add_human(
                    document.source_language or "",
                    target,
                    after.source,
                    after.target,
                    note=f"{change.article_id}/{after.id}",
                )
        except WorkbenchError as exc:
            warning = f"saved, but not added to the translation memory: {exc}"
    return Saved(change, result["before"], after, document, warning)


def compute_retranslation(
    engines: EngineFactory,
    matcher: Matcher,
    language: str | None,
    target: str,
    article_id: str,
    base: SegmentRecord,
) -> Change:
    """A fresh machine translation of one segment, glossary enforced; nothing is saved."""
    from workbench.glossary.enforce import Inject

    if language is None:
        raise StoreError(f"the language of {article_id} is unknown; it cannot be machine-translated.")
    engine = engines(language, target)
    hits = matcher.find(base.source)
    enforcement = Inject()
    [[(_, translation)]] = list(engine.translate([enforcement.prepare(base.source, hits)]))
    repaired = enforcement.repair(translation.text, hits)
    return Change(
        article_id,
        base,
        target=repaired.text,
        status="machine",
        mt=repaired.text,
        score=translation.score,
        model=engine.model_id,
        origin="engine",
        glossary=tuple(repaired.applied),
    )


def write_restore(project: Project, target: str, article_id: str, line: int) -> Document:
    """Put a removed line back into the article; it becomes a segment to translate.

    Works from the saved document and its prepared article (no language model loads);
    only when the prepared copy is gone is the source prepared again.
    """
    store = Store(project, target)
    preparer = Preparer(project.prepared)

    def change(current: Document | None) -> Document | None:
        if current is None:
            raise Conflict(f"{article_id} has no translation file any more.")
        if line in current.restored:
            return None  # another session restored it meanwhile: nothing left to do
        if not any(r.line == line and r.text for r in current.removed):
            raise StoreError(f"line {line} of {article_id} was not removed from the article.")
        article = preparer.cached(current.prepared) if current.prepared else None
        key = current.prepared
        if article is None:
            path, record = split_record(current.source_path)
            path = path if path.is_absolute() else project.root / path
            name = f"{path}#{record}" if record else path
            prepared = preparer.prepare(open_source(name, identity=current.article_id))
            article, key = prepared.article, prepared.key
        article = replace(article, id=current.article_id, source=current.source_path)
        current.restored = sorted({*current.restored, line})
        return rebuild(article, current, target, key)

    saved, _ = store.update(article_id, change)
    assert saved is not None
    return saved


@dataclass
class Translated:
    summary: TranslateSummary
    documents: dict[str, Document] = field(default_factory=dict)


def run_translation(
    project: Project,
    target: str,
    article_ids: Sequence[str],
    engines: EngineFactory,
    glossary: Glossary | None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Translated:
    """Translate the articles' saved documents, read here, with this thread's own store and
    memory; return the documents as they are on disk afterwards."""
    store = Store(project, target)
    documents = [d for i in article_ids if (d := store.read(i)) is not None]
    with TranslationMemory(project.memory) as memory:
        summary = translate_documents(
            documents, store, memory, engines=engines, progress=progress, cancel=cancel, glossary=glossary
        )
    result = Translated(summary)
    for document in documents:
        current = store.read(document.article_id)
        if current is not None:
            result.documents[document.article_id] = current
    return result


@dataclass
class PreparedSources:
    documents: list[Document] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def prepare_sources(
    project: Project, target: str, sources: Iterable[Path], progress: Progress | None = None
) -> PreparedSources:
    """Clean and segment new sources into documents with status new; one bad file is a
    problem reported, not the end of the others."""
    sources = list(sources)
    store = Store(project, target)
    preparer = Preparer(project.prepared)
    result = PreparedSources()
    for n, source in enumerate(sources, 1):
        try:
            result.documents.extend(sync(store, preparer, read_sources([source])))
        except WorkbenchError as exc:
            result.problems.append(str(exc))
        if progress:
            progress(n, len(sources))
    return result


# -- the session ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Undo:
    article_id: str
    before: SegmentRecord
    after: SegmentRecord


class Review:
    def __init__(
        self,
        project: Project,
        *,
        engines: EngineFactory | None = None,
        glossary: Glossary | None = None,
        target: str = "en",
    ) -> None:
        self.project = project
        self.store = Store(project, target)
        self.target = target
        self.engines = engines or engine_factory_default()
        self.glossary = glossary if glossary is not None else load_folder(project.glossaries)
        self.documents = Library(self.store, project.state / f"index.{target}.json")
        self.undo_stack: list[Undo] = []
        self._memory: TranslationMemory | None = None
        self._memory_thread: int | None = None
        self.problems: list[str] = []

    # -- loading ---------------------------------------------------------------------------

    def load(self) -> list[ArticleInfo]:
        """List every saved article; unreadable files are reported, not fatal."""
        self.problems = self.documents.scan()
        return self.articles()

    def unprepared_sources(self) -> list[Path]:
        """Article files in seeds/ that have no translation file yet."""
        seeds = self.project.seeds
        try:
            if not seeds.is_dir() or not any(p.suffix.lower() in ARTICLE_SUFFIXES for p in seeds.iterdir()):
                return []
        except OSError:
            return []
        known = {info.source_path for info in self.documents.summaries.values()}
        known_ids = set(self.documents)
        # a source whose translations file is unreadable is not new: preparing it would only
        # report the same problem again (and must never overwrite that file)
        unreadable = self.documents.unreadable
        return [
            Path(p)
            for p in expand_sources([seeds])
            if source_label(p, self.project.root) not in known
            and Path(p).stem not in known_ids
            and file_name(Path(p).stem, self.target) not in unreadable
        ]

    def articles(self) -> list[ArticleInfo]:
        return [self.documents.summaries[i] for i in self.documents]

    def titles(self) -> dict[str, str]:
        return display_titles(self.articles())

    def document(self, article_id: str) -> Document:
        return self.documents[article_id]

    def reload(self, article_id: str) -> Document:
        document = self.store.read(article_id)
        if document is None:
            raise StoreError(f"{article_id} has no translation file any more.")
        self.documents[article_id] = document
        return document

    def changed_on_disk(self, article_id: str) -> bool:
        """Whether another process saved this article since we read it (a stat, no parse)."""
        return self.documents.changed_on_disk(article_id)

    # -- memory ---------------------------------------------------------------------------

    @property
    def memory(self) -> TranslationMemory:
        """One connection per thread: SQLite connections must not cross threads."""
        if self._memory is None or self._memory_thread != threading.get_ident():
            self._memory = TranslationMemory(self.project.memory)
            self._memory_thread = threading.get_ident()
        return self._memory

    def matches(self, article_id: str, segment: SegmentRecord, limit: int = 5) -> list[Match]:
        language = self.documents[article_id].source_language or ""
        # machine units are what the MT column already shows: the reviewer wants human work
        return self.memory.fuzzy(language, self.target, segment.source, limit=limit, human_only=True)

    # -- glossary -------------------------------------------------------------------------

    def matcher(self, language: str | None) -> Matcher:
        return matcher_for(self.glossary, language)

    def glossary_view(self, article_id: str, segment: SegmentRecord) -> GlossaryView:
        hits = tuple(self.matcher(self.documents[article_id].source_language).find(segment.source))
        target = segment.target
        missing = tuple(h for h in hits if target and not contains_english(target, h.expected))
        return GlossaryView(hits, missing)

    def add_glossary_entry(self, entry: Entry) -> Path:
        path = append_entry(self.project.glossaries, entry)
        self.reload_glossary()
        return path

    def reload_glossary(self) -> None:
        self.glossary = load_folder(self.project.glossaries)

    # -- planning changes (no disk) ------------------------------------------------------

    def plan_edit(self, article_id: str, base: SegmentRecord, text: str) -> Change:
        return Change(article_id, base, target=text, status="edited" if text != base.target else base.status)

    def plan_confirm(self, article_id: str, base: SegmentRecord, text: str | None = None) -> Change:
        return Change(article_id, base, target=base.target if text is None else text, status="reviewed")

    def plan_accept(self, article_id: str, base: SegmentRecord) -> Change:
        return self.plan_confirm(article_id, base, base.mt)

    def plan_keep_mine(self, conflict: SegmentConflict) -> Change:
        """After a conflict the reviewer chose their text over the other version."""
        if conflict.theirs is None:
            raise StoreError("the segment no longer exists; there is nothing to keep your text in.")
        return replace(conflict.change, base=conflict.theirs)

    def plan_undo(self) -> Change | None:
        if not self.undo_stack:
            return None
        last = self.undo_stack[-1]
        before = last.before
        return Change(
            last.article_id,
            last.after,
            target=before.target,
            status=before.status,
            mt=before.mt,
            score=before.score,
            model=before.model,
            origin=before.origin,
            glossary=tuple(before.glossary),
            undo=True,
        )

    def retranslation(self, article_id: str, base: SegmentRecord) -> Callable[[], Change]:
        """The work of re-translating a segment, to run in a worker; it reads no session state."""
        language = self.documents[article_id].source_language
        matcher, engines, target = self.matcher(language), self.engines, self.target
        return lambda: compute_retranslation(engines, matcher, language, target, article_id, base)

    # -- taking results in (the owner's thread only) ---------------------------------------

    def apply_saved(self, saved: Saved) -> SegmentRecord:
        change = saved.change
        self.documents[change.article_id] = saved.document
        if change.undo:
            if self.undo_stack and self.undo_stack[-1].after.id == change.base.id:
                self.undo_stack.pop()
        else:
            self.undo_stack.append(Undo(change.article_id, saved.before, saved.after))
        return saved.after

    def apply_conflict(self, conflict: SegmentConflict) -> None:
        """The document as another process left it; the undo history no longer applies to it."""
        if conflict.document is not None:
            self.documents[conflict.change.article_id] = conflict.document
        else:
            with contextlib.suppress(StoreError, KeyError):
                self.reload(conflict.change.article_id)
        if conflict.change.undo:
            self.undo_stack.clear()

    def apply_document(self, document: Document) -> None:
        self.documents[document.article_id] = document

    # -- blocking conveniences: plan, work, apply --------------------------------------------

    def save(self, change: Change) -> SegmentRecord:
        try:
            saved = write_change(self.project, self.target, change)
        except SegmentConflict as conflict:
            self.apply_conflict(conflict)
            raise
        return self.apply_saved(saved)

    def edit(self, article_id: str, base: SegmentRecord, text: str) -> SegmentRecord:
        """Save a human edit (status edited) at once."""
        return self.save(self.plan_edit(article_id, base, text))

    def confirm(self, article_id: str, base: SegmentRecord, text: str | None = None) -> SegmentRecord:
        """Mark reviewed, with `text` as the target if given."""
        return self.save(self.plan_confirm(article_id, base, text))

    def accept_mt(self, article_id: str, base: SegmentRecord) -> SegmentRecord:
        return self.save(self.plan_accept(article_id, base))

    def undo(self) -> tuple[str, SegmentRecord] | None:
        """Put the last changed segment back as it was; None when there is nothing to undo."""
        change = self.plan_undo()
        if change is None:
            return None
        return change.article_id, self.save(change)

    def retranslate(self, article_id: str, base: SegmentRecord) -> SegmentRecord:
        return self.save(self.retranslation(article_id, base)())

    def restore_line(self, article_id: str, line: int) -> Document:
        document = write_restore(self.project, self.target, article_id, line)
        self.apply_document(document)
        return document

    def prepare(self, sources: Iterable[Path], progress: Progress | None = None) -> list[str]:
        result = prepare_sources(self.project, self.target, sources, progress)
        for document in result.documents:
            self.apply_document(document)
        return result.problems

    def translation(
        self,
        article_ids: Iterable[str] | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> Callable[[], Translated]:
        """The work of translating articles, to run in a worker; it reads no session state."""
        ids = list(article_ids) if article_ids is not None else sorted(self.documents)
        project, target, engines, glossary = self.project, self.target, self.engines, self.glossary
        return lambda: run_translation(project, target, ids, engines, glossary, progress, cancel)

    def apply_translated(self, translated: Translated) -> None:
        for document in translated.documents.values():
            self.apply_document(document)

    def translate(
        self,
        article_ids: Iterable[str] | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> TranslateSummary:
        translated = self.translation(article_ids, progress, cancel)()
        self.apply_translated(translated)
        return translated.summary

    # -- finding ---------------------------------------------------------------------------

    def next_unreviewed(self, article_id: str, after: int) -> tuple[str, int] | None:
        """The next segment not yet reviewed, in this article and then the following ones."""
        ids = sorted(self.documents)
        start = ids.index(article_id)
        for offset, other in enumerate(ids[start:] + ids[:start]):
            segments = self.documents[other].segments
            first = after + 1 if offset == 0 else 0
            for index in range(first, len(segments)):
                if segments[index].status != "reviewed":
                    return other, index
        segments = self.documents[article_id].segments
        for index in range(0, min(after + 1, len(segments))):
            if segments[index].status != "reviewed":
                return article_id, index
        return None

    def search(self, query: str) -> list[tuple[str, int]]:
        """Segments whose source or target contains `query` (case-insensitive), in order."""
        needle = query.casefold().strip()
        if not needle:
            return []
        return [
            (article_id, index)
            for article_id in sorted(self.documents)
            for index, s in enumerate(self.documents[article_id].segments)
            if needle in s.source.casefold() or needle in s.target.casefold()
        ]


def engine_factory_default() -> EngineFactory:
    """The engines `translate` would use: each model's tuned settings where it was tuned."""
    from workbench.mt.engine import EngineSettings
    from workbench.mt.tune import TunedEngines

    return TunedEngines(EngineSettings())

