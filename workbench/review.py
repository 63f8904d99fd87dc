"""Review: what a translator does to the parallel text, without any UI.

The TUI is a shell over this module, and tests drive it directly. Every change is saved at
once through the store's locked read-modify-write, and is refused with a Conflict when
another process changed the same segment since the reviewer looked at it. Confirmed
translations go into the translation memory, where they outrank machine translation.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from workbench.fileio import WriteError, atomic_write
from workbench.glossary.entries import Entry, Glossary, append_entry, load_folder
from workbench.glossary.match import Hit, Matcher, contains_english
from workbench.model import Article
from workbench.mt.memory import Match, TranslationMemory
from workbench.pipeline import ARTICLE_SUFFIXES, expand_sources, load_article
from workbench.project import Project
from workbench.store import Conflict, Document, SegmentRecord, Store, StoreError, merge, now
from workbench.translate import EngineFactory, Progress, Summary, engine_factory, translate_articles


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

    def scan(self) -> list[str]:
        """Summarise every file, parsing only those the cache does not know; return problems."""
        problems: list[str] = []
        try:
            cache = json.loads(self.index.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cache = {}
        fresh: dict[str, dict[str, object]] = {}
        folder = self.store.folder
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                stat = path.stat()
            except OSError:
                continue
            stamp = [stat.st_mtime_ns, stat.st_size]
            entry = cache.get(path.name) if isinstance(cache, dict) else None
            if isinstance(entry, dict) and entry.get("stamp") == stamp:
                info = ArticleInfo(**entry["info"])
            else:
                try:
                    document = self.store.read_path(path)
                except StoreError as exc:
                    problems.append(str(exc))
                    continue
                if document is None:
                    continue
                self.loaded[document.article_id] = document
                info = ArticleInfo.of(document)
            fresh[path.name] = {"stamp": stamp, "info": asdict(info)}
            self.paths[info.id] = path
            self.summaries[info.id] = info
        if fresh != cache:
            # a cache only: an unwritable state folder costs speed, not correctness
            with contextlib.suppress(WriteError):
                atomic_write(self.index, json.dumps(fresh, ensure_ascii=False).encode("utf-8"))
        return problems

    def __getitem__(self, article_id: str) -> Document:
        if article_id not in self.loaded:
            if article_id not in self.paths:
                raise KeyError(article_id)
            document = self.store.read_path(self.paths[article_id])
            if document is None:
                raise StoreError(f"{self.paths[article_id].name} has disappeared.")
            self.loaded[article_id] = document
        return self.loaded[article_id]

    def __setitem__(self, article_id: str, document: Document) -> None:
        self.loaded[article_id] = document
        self.summaries[article_id] = ArticleInfo.of(document)
        self.paths[article_id] = self.store.path(article_id)

    def __delitem__(self, article_id: str) -> None:
        self.loaded.pop(article_id, None)
        self.summaries.pop(article_id, None)
        self.paths.pop(article_id, None)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.paths))

    def __len__(self) -> int:
        return len(self.paths)


@dataclass(frozen=True)
class GlossaryView:
    """The glossary's reading of one segment."""

    source_hits: tuple[Hit, ...]
    missing: tuple[Hit, ...]  # entities whose English form the target lacks


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
        self.store = Store(project)
        self.target = target
        self.engines = engines
        self.glossary = glossary if glossary is not None else load_folder(project.glossaries)
        self.documents = Library(self.store, project.state / "index.json")
        self.undo_stack: list[Undo] = []
        self._matchers: dict[str | None, Matcher] = {}
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
        if not self.project.seeds.is_dir() or not any(
            p.suffix.lower() in ARTICLE_SUFFIXES for p in self.project.seeds.iterdir()
        ):
            return []
        known = {info.source_path for info in self.documents.summaries.values()}
        known_ids = set(self.documents)
        return [
            Path(p)
            for p in expand_sources([self.project.seeds])
            if str(self._relative(Path(p))) not in known and Path(p).stem not in known_ids
        ]

    def prepare(self, sources: Iterable[Path], progress: Progress | None = None) -> list[str]:
        """Clean and segment new articles and save them with status new; return problems."""
        sources = list(sources)
        problems = []
        for n, source in enumerate(sources, 1):
            try:
                article = load_article(self._relative(source))
            except Exception as exc:  # one bad file must not stop the others
                problems.append(str(exc))
                continue

            def create(current: Document | None, article: Article = article) -> Document | None:
                return merge(article, current, self.target) if current is None else None

            document, _ = self.store.update(article.id, create)
            if document is not None:
                self.documents[article.id] = document
            if progress:
                progress(n, len(sources))
        return problems

    def _relative(self, path: Path) -> Path:
        try:
            return path.resolve().relative_to(self.project.root)
        except ValueError:
            return path

    def articles(self) -> list[ArticleInfo]:
        return [self.documents.summaries[i] for i in self.documents]

    def document(self, article_id: str) -> Document:
        return self.documents[article_id]

    def reload(self, article_id: str) -> Document:
        document = self.store.read(article_id)
        if document is None:
            raise StoreError(f"{article_id} has no translation file any more.")
        self.documents[article_id] = document
        return document

    def changed_on_disk(self, article_id: str) -> bool:
        """Whether another process saved this article since we read it."""
        try:
            on_disk = self.store.read(article_id)
        except StoreError:
            return False
        return on_disk is not None and on_disk.revision != self.documents[article_id].revision

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
        if language not in self._matchers:
            self._matchers[language] = Matcher(self.glossary, language)
        return self._matchers[language]

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
        self._matchers.clear()

    # -- changing segments ----------------------------------------------------------------

    def _change(
        self,
        article_id: str,
        base: SegmentRecord,
        apply: Callable[[SegmentRecord], None],
        remember: bool = True,
    ) -> SegmentRecord:
        """Apply `apply` to the segment on disk, unless someone else changed it since `base`."""
        result: dict[str, SegmentRecord] = {}

        def change(current: Document | None) -> Document:
            if current is None:
                raise Conflict(f"{article_id} has no translation file any more; it was removed meanwhile.")
            record = current.segment(base.id)
            if record is None:
                raise Conflict(
                    f"segment {base.id} of {article_id} no longer exists; the source changed meanwhile."
                )
            if (record.target, record.status) != (base.target, base.status):
                raise Conflict(
                    f"segment {base.id} of {article_id} was changed by another process "
                    f"(now {record.status}: {record.target[:60]!r}); it has been reloaded, nothing was overwritten."
                )
            result["before"] = replace(record, glossary=list(record.glossary))
            apply(record)
            record.updated = now()
            result["after"] = replace(record, glossary=list(record.glossary))
            return current

        try:
            document, _ = self.store.update(article_id, change)
        except Conflict:
            self.reload(article_id)
            raise
        assert document is not None
        self.documents[article_id] = document
        if remember:
            self.undo_stack.append(Undo(article_id, result["before"], result["after"]))
        after = result["after"]
        if after.status == "reviewed" and after.target.strip():
            language = document.source_language or ""
            self.memory.add_human(
                language, self.target, after.source, after.target, note=f"{article_id}/{after.id}"
            )
        return after

    def edit(self, article_id: str, base: SegmentRecord, text: str) -> SegmentRecord:
        """Save a human edit (status edited) at once."""

        def apply(record: SegmentRecord) -> None:
            if text != record.target:
                record.target = text
                record.status = "edited"

        return self._change(article_id, base, apply)

    def confirm(self, article_id: str, base: SegmentRecord, text: str | None = None) -> SegmentRecord:
        """Mark reviewed, with `text` as the target if given."""

        def apply(record: SegmentRecord) -> None:
            if text is not None:
                record.target = text
            record.status = "reviewed"

        return self._change(article_id, base, apply)

    def accept_mt(self, article_id: str, base: SegmentRecord) -> SegmentRecord:
        return self.confirm(article_id, base, base.mt)

    def undo(self) -> tuple[str, SegmentRecord] | None:
        """Put the last changed segment back as it was; None when there is nothing to undo."""
        if not self.undo_stack:
            return None
        last = self.undo_stack.pop()

        def apply(record: SegmentRecord) -> None:
            record.target, record.status, record.mt = last.before.target, last.before.status, last.before.mt
            record.score, record.model, record.origin = (
                last.before.score,
                last.before.model,
                last.before.origin,
            )

        try:
            return last.article_id, self._change(last.article_id, last.after, apply, remember=False)
        except Conflict:
            self.undo_stack.clear()
            raise

    def retranslate(self, article_id: str, base: SegmentRecord) -> SegmentRecord:
        """Fresh machine translation of one segment, glossary enforced; the reviewer asked."""
        from workbench.glossary.enforce import Inject

        document = self.documents[article_id]
        language = document.source_language
        if language is None:
            raise StoreError(f"the language of {article_id} is unknown; it cannot be machine-translated.")
        engines = self.engines or engine_factory_default()
        engine = engines(language, self.target)
        hits = self.matcher(language).find(base.source)
        enforcement = Inject()
        [[translation]] = list(engine.translate([enforcement.prepare(base.source, hits)]))
        repaired = enforcement.repair(translation.text, hits)

        def apply(record: SegmentRecord) -> None:
            record.mt = record.target = repaired.text
            record.score, record.model, record.origin = translation.score, engine.model_id, "engine"
            record.glossary = list(repaired.applied)
            record.status = "machine"

        return self._change(article_id, base, apply)

    def restore_line(self, article_id: str, line: int) -> Document:
        """Put a removed line back into the article; it becomes a new segment to translate."""
        document = self.documents[article_id]
        article: Article = load_article(self.project.root / document.source_path)

        def change(current: Document | None) -> Document:
            if current is None:
                raise Conflict(f"{article_id} has no translation file any more.")
            current.restored = sorted({*current.restored, line})
            return merge(article, current, self.target)

        saved, _ = self.store.update(article_id, change)
        assert saved is not None
        self.documents[article_id] = saved
        return saved

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

    # -- machine translation in bulk ------------------------------------------------------

    def translate(
        self,
        article_ids: Iterable[str] | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> Summary:
        ids = list(article_ids) if article_ids is not None else sorted(self.documents)
        articles = [load_article(self.project.root / self.documents[i].source_path) for i in ids]
        memory = TranslationMemory(self.project.memory)  # this runs in a worker thread
        try:
            summary = translate_articles(
                articles,
                self.store,
                memory,
                self.target,
                engines=self.engines or engine_factory_default(),
                progress=progress,
                cancel=cancel,
                glossary=self.glossary,
            )
        finally:
            memory.close()
        for article_id in ids:
            self.reload(article_id)
        return summary


def engine_factory_default() -> EngineFactory:
    from workbench.mt.engine import EngineSettings

    return engine_factory(EngineSettings())
