"""The review session: what one translator does to the project, held by one thread (the
owner: the screen's UI thread, a script, a test).

Every change goes through `_make`: appended to the journal and fsynced, then applied to
the session's view of its document, then handed to the writer, which folds it into the
file behind. So a change is durable before any caller can show it done, and a large file
being rewritten never stands between a keystroke and its durability. What the writer
finds (a fold done, a file another process changed, a conflict with another person's
change, a trouble it retries) waits in its outbox until the owner calls `settle`, which
brings the views in line and returns what the screen should say.

A view is the document as last read or folded, with the changes not folded yet applied
over it by the same function that folds them; a change another process made meanwhile
shows through, and where it meets a change of ours both texts are kept.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.glossary.edit import add_entry
from workbench.glossary.entries import Entry, Glossary, entry_from_table, load_folder
from workbench.glossary.match import Hit, Matcher, contains_english, matcher_for
from workbench.model import Article
from workbench.mt.memory import Match, TranslationMemory
from workbench.pipeline import ARTICLE_SUFFIXES, expand_sources
from workbench.prepare import source_label
from workbench.project import Project
from workbench.review import finding
from workbench.review.changes import (
    Change,
    Conflict,
    Edit,
    Kind,
    MemoryOp,
    Restorer,
    Settle,
    apply_all,
    apply_change,
    make,
)
from workbench.review.fold import Folded
from workbench.review.journal import Draft, Journal
from workbench.review.library import ArticleInfo, Library, display_titles, stamp_of
from workbench.review.recovery import recover
from workbench.review.steps import Step, inverse
from workbench.review.work import (
    MachineTranslation,
    PreparedSources,
    Translated,
    engine_factory_default,
    prepare_sources,
    prepared_article,
    restorer,
    retranslate,
    run_translation,
)
from workbench.review.writer import Memorized, Reloaded, Trouble, Writer
from workbench.store import Document, SegmentRecord, Store, StoreError, file_name, now
from workbench.translate import EngineFactory, Progress


class ReviewError(WorkbenchError):
    """An action that cannot be done as asked; nothing was changed."""


def default_user() -> str:
    """Who is reviewing: WORKBENCH_USER, else the login name."""
    name = os.environ.get("WORKBENCH_USER", "").strip()
    if not name:
        with contextlib.suppress(Exception):  # no passwd entry in a container, no LOGNAME…
            name = getpass.getuser()
    return unicodedata.normalize("NFC", name) or "unknown"


def typed(text: str) -> str:
    """Text as a person typed it, as the project keeps all text: NFC, no trailing blank lines."""
    return unicodedata.normalize("NFC", text).strip()


@dataclass(frozen=True)
class GlossaryView:
    """The glossary's reading of one segment."""

    source_hits: tuple[Hit, ...]
    missing: tuple[Hit, ...]  # entities whose English form the target lacks


# -- what settle() tells the screen ------------------------------------------------------------


@dataclass(frozen=True)
class Changed:
    """The article's view changed (a fold, a reload, another process's change)."""

    article: str
    external: bool = False


@dataclass(frozen=True)
class Notice:
    message: str
    severity: str = "information"  # information, warning, error


SessionEvent = Changed | Conflict | Notice


@dataclass
class Applied:
    """What one action did to the views."""

    changes: list[Change] = field(default_factory=list)
    landed: list[tuple[str, str]] = field(default_factory=list)  # (article, segment)
    conflicts: list[Conflict] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # why, one sentence each
    step: Step = field(default_factory=Step)


class ReviewSession:
    def __init__(
        self,
        project: Project,
        *,
        target: str = "en",
        user: str | None = None,
        engines: EngineFactory | None = None,
        glossary: Glossary | None = None,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self.project = project
        self.target = target
        self.user = user or default_user()
        self.store = Store(project, target)
        self.library = Library(self.store, project.state / f"index.{target}.json")
        self.engines = engines or engine_factory_default()
        self.glossary = glossary if glossary is not None else load_folder(project.glossaries)
        self.journal = Journal(project.state, target, self.user)
        self.known: dict[str, tuple[Article, str]] = {}  # prepared articles at hand, by key
        self.writer = Writer(
            project, target, self.journal, lambda: restorer(project, target), wake or (lambda: None)
        )
        self.pending: dict[str, list[Change]] = {}  # journaled, not folded yet, by article
        self.views: dict[str, Document] = {}  # documents with pending changes applied
        self.undo_stack: list[Step] = []
        self.redo_stack: list[Step] = []
        self.drafts: dict[tuple[str, str], str] = {}
        self.problems: list[str] = []
        self.said: set[str] = set()  # conflicts and troubles reported, once each
        self.troubled: set[str] = set()  # articles whose fold is being retried
        self._memory: TranslationMemory | None = None
        self._memory_thread: int | None = None
        self.closed = False

    # -- opening and closing -------------------------------------------------------------------

    def open(self) -> list[ArticleInfo]:
        """Replay what ended sessions left in their journals, then list every article;
        unreadable files are reported in `problems`, not fatal."""
        recovered = recover(self.project)
        self.problems = self.library.scan()
        if recovered.summary():
            self.problems.insert(0, recovered.summary())
        return self.articles()

    def close(self, wait: float = 3.0) -> bool:
        """Fold what can be folded within `wait` seconds, then stop. Whatever is not folded
        or not in the memory yet stays in the journal, for the next session or command;
        returns whether nothing was left there."""
        if self.closed:
            return True
        self.closed = True
        folded = self.writer.wait(wait)
        # a memory held by another process gets a moment, never the quit: its lessons stay
        # in the journal for the next session
        learned = self.writer.wait(min(wait, 0.5), memory=True)
        self.writer.close()
        settled = folded and learned and not self.drafts and not self.writer.pending()
        self.journal.close(remove=settled)
        if self._memory is not None:
            with contextlib.suppress(Exception):
                self._memory.close()
        return settled

    # -- reading ----------------------------------------------------------------------------------

    def articles(self) -> list[ArticleInfo]:
        return [self.library.summaries[i] for i in self.library]

    def titles(self) -> dict[str, str]:
        return display_titles(self.articles())

    def document(self, article: str) -> Document:
        """The article as this session sees it: on disk, with its changes not folded yet."""
        view = self.views.get(article)
        return view if view is not None else self.library[article]

    def segment(self, article: str, segment_id: str) -> SegmentRecord:
        record = self.document(article).segment(segment_id)
        if record is None:
            raise ReviewError(
                f"segment {segment_id} of {article} no longer exists; the source changed meanwhile."
            )
        return record

    def position(self, article: str, segment_id: str) -> int:
        segments = self.document(article).segments
        return next((n for n, s in enumerate(segments) if s.id == segment_id), 0)

    def unsaved(self, article: str | None = None) -> int:
        """Changes journaled and not folded into their files yet."""
        if article is not None:
            return len(self.pending.get(article, ()))
        return sum(len(c) for c in self.pending.values())

    def unprepared_sources(self) -> list[Path]:
        """Article files in seeds/ that have no translation file yet."""
        seeds = self.project.seeds
        try:
            if not seeds.is_dir() or not any(p.suffix.lower() in ARTICLE_SUFFIXES for p in seeds.iterdir()):
                return []
        except OSError:
            return []
        known = {info.source_path for info in self.library.summaries.values()}
        known_ids = set(self.library)
        # a source whose translations file is unreadable is not new: preparing it would only
        # report the same problem again (and must never overwrite that file)
        unreadable = self.library.unreadable
        return [
            Path(p)
            for p in expand_sources([seeds])
            if source_label(p, self.project.root) not in known
            and Path(p).stem not in known_ids
            and file_name(Path(p).stem, self.target) not in unreadable
        ]

    # -- making changes ----------------------------------------------------------------------------

    def _make(self, changes: list[Change], *, undoable: bool = True) -> Applied:
        """Journal `changes` (durable when this returns), apply them to the views, hand
        them to the writer. Raises JournalError, having changed nothing, if the journal
        cannot be written."""
        if self.closed:
            raise ReviewError("the review session is closed.")
        befores = {c.article: self.document(c.article) for c in changes}
        self.journal.append(*changes)
        applied = Applied()
        step = Step()
        for change in changes:
            before = befores[change.article]
            self.pending.setdefault(change.article, []).append(change)
            outcome = apply_change(self.document(change.article), change, self._restorer())
            self.views[change.article] = outcome.document
            self._summarize(change.article)
            self.writer.fold(change)
            applied.changes.append(change)
            for segment in outcome.landed:
                applied.landed.append((change.article, segment))
                self.drafts.pop((change.article, segment), None)
            for conflict in outcome.conflicts:
                self.said.add(_key(conflict))
            applied.conflicts += outcome.conflicts
            applied.dropped += [
                f"segment {self.position(d.article, d.segment) + 1}: {d.reason}" for d in outcome.dropped
            ]
            step.add(change, before, outcome.document, outcome.landed)
        applied.step = step
        if undoable and step.changes:
            self.undo_stack.append(step)
            self.redo_stack.clear()
        return applied

    def _restorer(self) -> Restorer:
        return restorer(self.project, self.target, self.known)

    def _edit(self, article: str, base: SegmentRecord, target: str, status: str, **machine: object) -> Edit:
        return Edit(
            segment=base.id,
            base_target=base.target,
            base_status=base.status,
            target=target,
            status=status,  # type: ignore[arg-type]
            source=base.source,
            **machine,  # type: ignore[arg-type]
        )

    def _lesson(self, article: str, record: SegmentRecord, target: str) -> tuple[MemoryOp, ...]:
        if not target.strip():
            return ()
        language = self.document(article).source_language or ""
        return (MemoryOp("add", language, record.source, target, note=f"{article}/{record.id}"),)

    def _change(self, article: str, kind: Kind, **fields: object) -> Change:
        return make(article, kind, self.user, **fields)

    def edit(
        self,
        article: str,
        segment_id: str,
        text: str,
        *,
        base: SegmentRecord | None = None,
        settles: Iterable[str] = (),
    ) -> Applied:
        """Keep `text` as the segment's target, edited (a text equal to the target keeps its status).
        `base` is the segment as the translator saw it when they began (an editor open
        across a reload); `settles` names conflicts on it this text decides."""
        base = base or self.segment(article, segment_id)
        text = typed(text)
        status = "edited" if text != base.target else base.status
        settle = tuple(Settle(segment_id, c) for c in settles)
        if text == base.target and not settle:
            self.discard_draft(article, segment_id)
            return Applied()
        edit = self._edit(article, base, text, status)
        return self._make([self._change(article, "edit", edits=(edit,), settle=settle)])

    def confirm(
        self,
        article: str,
        segment_id: str,
        text: str | None = None,
        *,
        base: SegmentRecord | None = None,
        settles: Iterable[str] = (),
        kind: Kind = "confirm",
    ) -> Applied:
        """Mark the segment reviewed, with `text` as its target if given; the memory learns it."""
        base = base or self.segment(article, segment_id)
        text = base.target if text is None else typed(text)
        if not text:
            raise ReviewError("Nothing to confirm: the target is empty. Edit it, or accept the MT with a.")
        edit = self._edit(article, base, text, "reviewed")
        settle = tuple(Settle(segment_id, c) for c in settles)
        change = self._change(
            article, kind, edits=(edit,), settle=settle, memory=self._lesson(article, base, text)
        )
        return self._make([change])

    def accept(self, article: str, segment_id: str) -> Applied:
        base = self.segment(article, segment_id)
        if not base.mt:
            raise ReviewError("There is no machine translation yet: translate the article with Ctrl+T.")
        return self.confirm(article, segment_id, base.mt, base=base, kind="accept")

    def keep_mine(self, conflict: Conflict) -> Applied:
        """After a conflict, the translator's text goes over the other version, knowingly."""
        current = self.segment(conflict.article, conflict.segment)
        mine = conflict.mine
        edit = self._edit(conflict.article, current, mine.target, mine.status)
        memory = self._lesson(conflict.article, current, mine.target) if mine.status == "reviewed" else ()
        change = self._change(
            conflict.article,
            "keep-mine",
            edits=(edit,),
            settle=(Settle(conflict.segment, conflict.change.id),),
            memory=memory,
        )
        return self._make([change])

    def take_theirs(self, conflict: Conflict) -> Applied:
        """The other version stays; the translator's goes into the segment's history."""
        change = self._change(
            conflict.article, "take-theirs", settle=(Settle(conflict.segment, conflict.change.id),)
        )
        return self._make([change], undoable=False)

    def conflicts(self, article: str, segment_id: str) -> list[Conflict]:
        """The conflicts kept on a segment, as choices (from this session or an earlier one)."""
        record = self.segment(article, segment_id)
        return [
            Conflict(
                article,
                segment_id,
                version,
                record,
                Change(version.change, article, "edit", version.author, version.time),
            )
            for version in record.conflicts
        ]

    # -- machine translation of one segment ---------------------------------------------------------

    def retranslation(self, article: str, segment_id: str) -> Callable[[], MachineTranslation]:
        """The work of re-translating a segment, to run in a worker; it reads no session state."""
        document = self.document(article)
        source = self.segment(article, segment_id).source
        language = document.source_language
        matcher, engines, target = self.matcher(language), self.engines, self.target
        return lambda: retranslate(engines, matcher, language, target, article, source)

    def apply_retranslation(
        self, article: str, base: SegmentRecord, result: MachineTranslation, *, overwrite_human: bool = False
    ) -> Applied:
        """Put a fresh machine translation in; over human work only when the translator
        said so (`overwrite_human`), and then their text stays in the segment's history."""
        current = self.segment(article, base.id)
        if current.human and not overwrite_human:
            raise ReviewError(
                f"segment {self.position(article, base.id) + 1} holds human work ({current.status});"
                " re-translating it needs your consent."
            )
        edit = self._edit(
            article,
            base,
            result.text,
            "machine",
            mt=result.text,
            score=result.score,
            model=result.model,
            origin="engine",
            glossary=result.glossary,
            device=result.device,
            compute_type=result.compute_type,
        )
        return self._make([self._change(article, "retranslate", edits=(edit,))])

    # -- removed lines ---------------------------------------------------------------------------------

    def restoration(self, article: str) -> Callable[[], tuple[Article, str]]:
        """The work of reading (or, if the cache lost it, preparing) the article's prepared
        text, which restoring a line needs; to run in a worker."""
        document, project = self.document(article), self.project
        return lambda: prepared_article(project, document)

    def restore(self, article: str, line: int, prepared: tuple[Article, str] | None = None) -> Applied:
        """Put a removed line back into the article; it becomes a segment to translate."""
        document = self.document(article)
        if line in document.restored:
            return Applied()
        if not any(r.line == line and r.text for r in document.removed):
            raise ReviewError(f"line {line} of {article} was not removed from the article.")
        self._know(document, prepared)
        return self._make([self._change(article, "restore", restore=(line,))])

    def _know(self, document: Document, prepared: tuple[Article, str] | None) -> None:
        if prepared is None and document.prepared not in self.known:
            prepared = prepared_article(self.project, document)
        if prepared is not None:
            self.known[document.prepared] = prepared

    # -- undo and redo ----------------------------------------------------------------------------------

    def undo(self) -> Applied | None:
        """Undo the last action exactly (every change it made, across articles); None when
        there is nothing to undo. What cannot be undone because it changed since is said."""
        return self._reverse(self.undo_stack, self.redo_stack, "undo")

    def redo(self) -> Applied | None:
        return self._reverse(self.redo_stack, self.undo_stack, "redo")

    def _reverse(self, stack: list[Step], other: list[Step], kind: Kind) -> Applied | None:
        if not stack:
            return None
        step = stack.pop()
        changes = [
            inverse(change, step, self.user, kind, self._language(change.article)) for change in step.changes
        ]
        changes = [c for c in changes if c.edits or c.restore or c.unrestore]
        for change in changes:
            if change.restore or change.unrestore:
                self._know(self.document(change.article), None)
        applied = self._make(changes, undoable=False)
        if not applied.dropped and applied.step.changes:
            other.append(applied.step)  # else the step no longer applies: gone from both stacks
        return applied

    def _language(self, article: str) -> str:
        with contextlib.suppress(StoreError, KeyError):
            return self.document(article).source_language or ""
        return ""

    # -- drafts ---------------------------------------------------------------------------------------

    def draft(self, article: str, segment_id: str, text: str) -> None:
        """Keep what is typed in the editor, durably, until it is committed or thrown away."""
        text = typed(text)
        key = (article, segment_id)
        if self.drafts.get(key) == text:
            return
        self.journal.append(Draft(article, segment_id, text, self.user, now()))
        self.drafts[key] = text

    def discard_draft(self, article: str, segment_id: str) -> None:
        if self.drafts.pop((article, segment_id), None) is not None:
            self.journal.append(Draft(article, segment_id, "", self.user, now()))

    def draft_for(self, article: str, segment_id: str) -> str | None:
        """Text typed for this segment and not committed: in this session, or kept from one
        that ended without committing it."""
        mine = self.drafts.get((article, segment_id))
        if mine is not None:
            return mine
        with contextlib.suppress(ReviewError, StoreError, KeyError):
            kept = self.segment(article, segment_id).draft
            return kept.text if kept is not None else None
        return None

    # -- taking in what the writer and workers did ----------------------------------------------------

    def settle(self) -> list[SessionEvent]:
        """Take in what the writer found; only the owner's thread calls this."""
        events: list[SessionEvent] = []
        while True:
            try:
                event = self.writer.outbox.get_nowait()
            except Exception:
                break
            if isinstance(event, Folded):
                events += self._folded(event)
            elif isinstance(event, Reloaded):
                events += self._reloaded(event)
            elif isinstance(event, Trouble):
                if event.key not in self.said:
                    self.said.add(event.key)
                    events.append(Notice(event.message, "warning"))
                if event.article:
                    self.troubled.add(event.article)
            elif isinstance(event, Memorized):
                self.said.discard("memory")
        return events

    def flush(self, timeout: float | None = None) -> list[SessionEvent]:
        """Wait until every change so far is folded and in the memory, then settle."""
        self.writer.wait(timeout, memory=True)
        return self.settle()

    def _folded(self, folded: Folded) -> list[SessionEvent]:
        article = folded.article
        self.library.take(folded.document, folded.stamp)
        done = set(folded.changes)
        self.pending[article] = [c for c in self.pending.get(article, []) if c.id not in done]
        events: list[SessionEvent] = []
        if article in self.troubled:
            self.troubled.discard(article)
            self.said.discard(f"fold:{article}")
            events.append(Notice(f"Saved {self.titles().get(article, article)} now."))
        for conflict in folded.outcome.conflicts:
            self._forget(conflict.change.id)
            if _key(conflict) not in self.said:
                self.said.add(_key(conflict))
                events.append(conflict)
        for dropped in folded.outcome.dropped:
            self._forget(dropped.change.id)
            events.append(
                Notice(
                    f"Segment {self.position(article, dropped.segment) + 1} was not changed: {dropped.reason}.",
                    "warning",
                )
            )
        events += self._reoverlay(article)
        events.append(Changed(article))
        return events

    def _reloaded(self, reloaded: Reloaded) -> list[SessionEvent]:
        document = reloaded.document
        article = document.article_id
        if reloaded.stamp is not None and reloaded.stamp == self.library.stamps.get(article):
            return []
        self.library.take(document, reloaded.stamp)
        events = self._reoverlay(article)
        return [*events, Changed(article, external=True)]

    def _reoverlay(self, article: str) -> list[SessionEvent]:
        pending = self.pending.get(article)
        if not pending:
            self.pending.pop(article, None)
            self.views.pop(article, None)
            self._summarize(article)
            return []
        outcome = apply_all(self.library[article], pending, self._restorer())
        self.views[article] = outcome.document
        self._summarize(article)
        events: list[SessionEvent] = []
        for conflict in outcome.conflicts:
            if _key(conflict) not in self.said:
                self.said.add(_key(conflict))
                self._forget(conflict.change.id)
                events.append(conflict)
        return events

    def _forget(self, change_id: str) -> None:
        """A change that did not land is no step to undo."""
        self.undo_stack = [s for s in self.undo_stack if change_id not in s.ids]
        self.redo_stack = [s for s in self.redo_stack if change_id not in s.ids]

    def _summarize(self, article: str) -> None:
        with contextlib.suppress(StoreError, KeyError):
            self.library.summaries[article] = ArticleInfo.of(self.document(article))

    def check_external(self, article: str) -> bool:
        """Whether another process saved the article since we read it (a stat); if so it is
        read again behind, and `settle` brings it in."""
        if article not in self.library.loaded or self.writer.pending(article):
            return False
        if stamp_of(self.store.path(article)) == self.library.stamps.get(article):
            return False
        self.writer.read(article)
        return True

    def take_document(self, document: Document, stamp: tuple[int, int] | None = None) -> None:
        """A document a worker wrote (translated, prepared), with our pending changes over it."""
        self.library.take(
            document, stamp if stamp is not None else stamp_of(self.store.path(document.article_id))
        )
        self._reoverlay(document.article_id)

    # -- batch work ------------------------------------------------------------------------------------

    def translation(
        self,
        articles: Iterable[str] | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> Callable[[], Translated]:
        """The work of translating articles, to run in a worker: it never touches human work."""
        ids = list(articles) if articles is not None else sorted(self.library)
        project, target, engines, glossary = self.project, self.target, self.engines, self.glossary
        return lambda: run_translation(project, target, ids, engines, glossary, progress, cancel)

    def take_translated(self, translated: Translated) -> None:
        for document in translated.documents.values():
            self.take_document(document, translated.stamps.get(document.article_id))

    def preparation(
        self, sources: list[Path], progress: Progress | None = None
    ) -> Callable[[], PreparedSources]:
        project, target = self.project, self.target
        return lambda: prepare_sources(project, target, sources, progress)

    def take_prepared(self, prepared: PreparedSources) -> None:
        for document in prepared.documents:
            self.take_document(document)

    # -- memory and glossary -----------------------------------------------------------------------------

    @property
    def memory(self) -> TranslationMemory:
        """A reader on this thread (SQLite connections must not cross threads)."""
        if self._memory is None or self._memory_thread != threading.get_ident():
            self._memory = TranslationMemory(self.project.memory, timeout=0.5)
            self._memory_thread = threading.get_ident()
        return self._memory

    def matches(self, article: str, record: SegmentRecord, limit: int = 5) -> list[Match]:
        """Human translations of similar sentences, best first, including those confirmed a
        moment ago that the memory has not been given yet."""
        from rapidfuzz import fuzz

        from workbench.mt.memory import HUMAN, unit_key

        language = self.document(article).source_language or ""
        found = self.memory.fuzzy(language, self.target, record.source, limit=limit, human_only=True)
        fresh = {
            unit_key(op.source): Match(
                op.source,
                op.target,
                HUMAN,
                None,
                round(fuzz.ratio(unit_key(record.source), unit_key(op.source)), 1),
            )
            for changes in self.pending.values()
            for change in changes
            for op in change.memory
            if op.action == "add" and op.source_language == language
        }
        kept = {unit_key(m.source): m for m in found}
        kept.update({k: m for k, m in fresh.items() if m.similarity >= 70.0})
        return sorted(kept.values(), key=lambda m: -m.similarity)[:limit]

    def matcher(self, language: str | None) -> Matcher:
        return matcher_for(self.glossary, language)

    def glossary_view(self, article: str, record: SegmentRecord) -> GlossaryView:
        hits = tuple(self.matcher(self.document(article).source_language).find(record.source))
        missing = tuple(h for h in hits if record.target and not contains_english(record.target, h.expected))
        return GlossaryView(hits, missing)

    def add_glossary_entry(
        self, form: str, english: str, kind: str, note: str, language: str
    ) -> tuple[Entry, Path]:
        """A new entry from the review screen's form, written to glossaries/added.toml."""
        table: dict[str, object] = {
            "en": typed(english),
            "type": kind,
            language: [typed(form)],
            "note": typed(note),
        }
        try:
            entry = entry_from_table(table, "review")
        except ValueError as exc:
            raise ReviewError(str(exc)) from None
        path = add_entry(self.project.glossaries, entry, locks=self.project.locks)
        self.glossary = load_folder(self.project.glossaries)
        return entry, path

    # -- finding -------------------------------------------------------------------------------------------

    def next_unreviewed(self, article: str, after: int) -> tuple[str, int] | None:
        return finding.next_unreviewed(self.document, sorted(self.library), article, after)

    def search(self, query: str) -> list[tuple[str, int]]:
        return finding.search(self.document, sorted(self.library), query)


def _key(conflict: Conflict) -> str:
    return f"conflict:{conflict.change.id}:{conflict.segment}"
