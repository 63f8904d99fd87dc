"""The review session's ground: what one translator does to the project, held by one
thread (the owner: the screen's UI thread, a script, a test).

Every change goes through `_make`: appended to the journal and fsynced, then applied to
the session's view of its document, then handed to the writer, which folds it into the
file behind. So a change is durable before any caller can show it done, and a large file
being rewritten never stands between a keystroke and its durability. What the writer
finds (a fold done, a file another process changed, a conflict with another person's
change, a trouble it retries) waits in its outbox until the owner calls `settle`, which
brings the views in line and returns what the screen should say.

A view is the document as last read or folded, with the changes not folded yet applied
over it by the same function that folds them; a change another process made meanwhile
shows through, and where it meets a change of ours both texts are kept. The actions
themselves are in `actions`, searching and assisting in `session`.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.glossary.entries import Glossary, load_folder
from workbench.glossary.match import Matcher, matcher_for
from workbench.model import Article
from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.review.changes import Change, Conflict, Kind, Restorer, apply_all, apply_change
from workbench.review.corpus import Repetitions
from workbench.review.fold import Folded
from workbench.review.journal import Draft, Journal
from workbench.review.library import ArticleInfo, Library, display_titles, stamp_of
from workbench.review.recovery import recover
from workbench.review.steps import Step, inverse
from workbench.review.work import (
    engine_factory_default,
    prepared_article,
    restorer,
)
from workbench.review.writer import Memorized, Reloaded, Trouble, Writer
from workbench.store import Document, SegmentRecord, Store, StoreError, now

if TYPE_CHECKING:
    from workbench.translate import EngineFactory


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


class SessionBase:
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
        self._engines = engines
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
        self.repetitions = Repetitions()
        self._memory: TranslationMemory | None = None
        self._memory_thread: int | None = None
        self.closed = False

    @property
    def engines(self) -> EngineFactory:
        """The machine translation engines, made when first asked for (loading the engine
        code costs the first screen a twentieth of a second)."""
        if self._engines is None:
            self._engines = engine_factory_default()
        return self._engines

    def open(self) -> list[ArticleInfo]:
        """Replay what ended sessions left in their journals, then list every article;
        unreadable files are reported in `problems`, not fatal."""
        recovered = recover(self.project)
        self.problems = self.library.scan()
        if recovered.summary():
            self.problems.insert(0, recovered.summary())
        return self.articles()

    settled_at_close = True  # what close() found, for a second caller

    def close(self, wait: float = 3.0) -> bool:
        """Fold what can be folded within `wait` seconds, then stop. Whatever is not folded
        or not in the memory yet stays in the journal, for the next session or command;
        returns whether nothing was left there."""
        if self.closed:
            return self.settled_at_close
        self.closed = True
        folded = self.writer.wait(wait)
        # a memory held by another process gets a moment, never the quit: its lessons stay
        # in the journal for the next session
        learned = self.writer.wait(min(wait, 0.5), memory=True)
        self.writer.close()
        with contextlib.suppress(Exception):
            self.settle()  # what the writer did last: changes it could not fold stay pending
        unfolded = any(self.pending.values())
        settled = folded and learned and not unfolded and not self.drafts and not self.writer.pending()
        self.settled_at_close = settled
        self.journal.close(remove=settled)
        if self._memory is not None:
            with contextlib.suppress(Exception):
                self._memory.close()
        return settled

    def articles(self) -> list[ArticleInfo]:
        return [self.library.summaries[i] for i in self.library]

    def titles(self) -> dict[str, str]:
        """Each article's title as the list shows it (not to be changed by the caller);
        worked out again only when an article or a title came or went: every move asks."""
        infos = self.articles()
        key = tuple((info.id, info.title) for info in infos)
        if key != self._titles[0]:
            self._titles = (key, display_titles(infos))
        return self._titles[1]

    _titles: tuple[tuple[tuple[str, str], ...], dict[str, str]] = ((), {})

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

    def segment_or_none(self, article: str, segment_id: str) -> SegmentRecord | None:
        return self.document(article).segment(segment_id)

    def position(self, article: str, segment_id: str) -> int:
        segments = self.document(article).segments
        return next((n for n, s in enumerate(segments) if s.id == segment_id), 0)

    def unsaved(self, article: str | None = None) -> int:
        """Changes journaled and not folded into their files yet."""
        if article is not None:
            return len(self.pending.get(article, ()))
        return sum(len(c) for c in self.pending.values())

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
            step.add(change, before, outcome.document, outcome.landed, outcome.reshaped)
        applied.step = step
        if undoable and step.changes:
            self.undo_stack.append(step)
            self.redo_stack.clear()
        return applied

    def _restorer(self) -> Restorer:
        return restorer(self.project, self.target, self.known)

    def _know(self, document: Document, prepared: tuple[Article, str] | None) -> None:
        if prepared is None and document.prepared not in self.known:
            prepared = prepared_article(self.project, document)
        if prepared is not None:
            self.known[document.prepared] = prepared

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
        changes = [c for c in changes if c.edits or c.reshapes]
        for change in changes:
            if change.reshapes:
                self._know(self.document(change.article), None)
        applied = self._make(changes, undoable=False)
        if not applied.dropped and applied.step.changes:
            other.append(applied.step)  # else the step no longer applies: gone from both stacks
        return applied

    def matcher(self, language: str | None) -> Matcher:
        return matcher_for(self.glossary, language)

    def _language(self, article: str) -> str:
        with contextlib.suppress(StoreError, KeyError):
            return self.document(article).source_language or ""
        return ""

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
        """The article's summary and its entries in the repetition index, as it is now (after a
        change, a fold, a reload, or a document translated or prepared during the session)."""
        with contextlib.suppress(StoreError, KeyError):
            document = self.document(article)
            self.library.summaries[article] = ArticleInfo.of(document)
            self.repetitions.update(document)

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


def _key(conflict: Conflict) -> str:
    return f"conflict:{conflict.change.id}:{conflict.segment}"
