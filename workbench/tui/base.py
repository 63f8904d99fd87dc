"""The review screen's ground: where the reviewer is, what is shown, and what the session
says. The screen is built in parts (this base, `editing`, `tools`, and `screen`, which
puts them together with the keys); each part is a Screen class, so Textual's handlers and
reactives work in all of them.

Where the reviewer is (`cursor`: the article and the segment) is a reactive with one
watcher that moves the table and the detail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, TextArea

from workbench.errors import WorkbenchError
from workbench.qa import Finding
from workbench.review.changes import Conflict
from workbench.review.checks import GlossaryView
from workbench.review.corpus import Filter, Filtered
from workbench.review.library import ArticleInfo
from workbench.review.session import Applied, Changed, Notice, ReviewSession, SessionEvent
from workbench.store import SegmentRecord
from workbench.tui.activity import Activity
from workbench.tui.article_list import ArticleList
from workbench.tui.dialogs import ConflictDialog
from workbench.tui.segment_detail import GLOSSARY_LOADING, SegmentDetail, TargetEditor, unfinished
from workbench.tui.segment_table import SegmentTable
from workbench.tui.text import describe
from workbench.tui.work import Work

PLACE_PAUSE = 1.0  # seconds on a segment before the translator counts as resting there


@dataclass(frozen=True)
class Cursor:
    """Where the reviewer is: an article and the index of a segment in it."""

    article: str | None
    index: int


class ReviewBase(Screen[None]):
    # vars, not reactives: a change moves the widgets, which repaint themselves; repainting
    # the whole screen on every key was a third of a key press's cost
    cursor: var[Cursor] = var(Cursor(None, 0), init=False)
    spec: var[Filter] = var(Filter(), init=False)  # which segments are listed
    filtered: Filtered | None = None  # the filter's hits across the corpus, when one is on

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        # no markup by default: our notices quote titles, sources and typed text, where "[/]" is
        # text (Textual's own keep theirs)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def __init__(self, session: ReviewSession, work: Work) -> None:
        super().__init__()
        self.session = session
        self.work = work
        self.matches: list[tuple[str, int]] = []
        self.match_at = -1
        self.waiting: list[Conflict] = []  # conflicts to show once the reviewer stops typing
        self.shown: Any = None  # the document the table was filled from

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield ArticleList(id="articles")
            with Vertical(id="right"):
                yield SegmentTable(id="segments")
                yield SegmentDetail(id="detail")
        yield Activity(id="activity")
        yield Input(placeholder="Search source and target; Enter jumps, Esc closes", id="search")
        yield Footer()

    @property
    def table(self) -> SegmentTable:
        return self.query_one(SegmentTable)

    @property
    def detail(self) -> SegmentDetail:
        return self.query_one(SegmentDetail)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def activity(self) -> Activity:
        return self.query_one(Activity)

    # -- showing -------------------------------------------------------------------------------

    def current(self) -> SegmentRecord | None:
        article, index = self.cursor.article, self.cursor.index
        if article is None:
            return None
        segments = self.session.document(article).segments
        return segments[index] if 0 <= index < len(segments) else None

    def go(self, article: str, index: int = 0) -> None:
        """Put the reviewer on a segment (the watcher shows it)."""
        if self.detail.editing is not None and Cursor(article, index) != self.cursor:
            self.finish_editing()
        try:
            count = len(self.session.document(article).segments)
        except (WorkbenchError, KeyError) as exc:
            self.notify(describe(exc), severity="error", timeout=10)
            return
        self.cursor = Cursor(article, min(max(index, 0), max(count - 1, 0)))

    def watch_cursor(self, old: Cursor, new: Cursor) -> None:
        if new.article is None:
            return
        document = self.session.document(new.article)
        if new.article != old.article or (document is not self.shown and self._shape_changed(document)):
            self._fit_on_rest = True
            self.table.show(document.segments, self._flag(new.article), new.index, self.listed(new.article))
            self.shown = document
            self.article_list.select(new.article)
            self._header()
        else:
            self.table.go_to(new.index)
        self.show_segment()
        if self._place_timer is not None:
            self._place_timer.stop()
        self._place_timer = self.set_timer(PLACE_PAUSE, self.rested)

    _place_timer: Timer | None = None
    _fit_on_rest = False

    def rested(self) -> None:
        """The translator stays on a segment: it is where they are, and the detail, which only
        grew while they moved (a new height is a layout, most of a key's cost), fits its text."""
        self.remember_place()
        if self._fit_on_rest:
            self._fit_on_rest = False
            self.detail.fit()

    def remember_place(self) -> None:
        record = self.current()
        if record is not None and self.cursor.article is not None:
            self.session.remember(self.cursor.article, record.id)

    def listed(self, article: str) -> list[int] | None:
        """The article indexes the filter lists in this article; None: every segment."""
        if self.filtered is None:
            return None
        return [i for a, i in self.filtered.hits if a == article]

    def watch_spec(self) -> None:
        self.refilter()

    def refilter(self) -> None:
        """List what the filter lets through: here if this article has hits, else at its
        first hit."""
        article = self.cursor.article
        if self.filtered is not None and article not in self.filtered.articles:
            self.shown = None
            self.go(*self.filtered.hits[0])
        elif article is not None:
            index = self.cursor.index
            listed = self.listed(article)
            if listed:  # on the segment, or the next one the filter lists
                index = next((i for i in listed if i >= index), listed[0])
            self.shown = None
            self.cursor = Cursor(None, 0)  # the watcher fills the table again
            self.cursor = Cursor(article, index)

    def _shape_changed(self, document: Any) -> bool:
        return [r.id for r in document.segments] != [r.id for r in self.table.records]

    def _flag(self, article: str) -> Callable[[SegmentRecord], bool]:
        """Whether a segment's target lacks the English form of one of its entities (asked for
        the rows on screen, once the glossary is loaded: qa_loaded draws them again)."""
        return lambda record: (
            bool(self.glossary_view(article, record).missing) or bool(record.conflicts) or bool(unfinished(record))
        )

    def glossary_view(self, article: str, record: SegmentRecord) -> GlossaryView:
        """The segment's glossary view, or GLOSSARY_LOADING while the glossary loads behind
        the first screen (matching now would hold the first frame)."""
        return self.session.glossary_view(article, record) if self.session.qa_ready else GLOSSARY_LOADING

    def _header(self) -> None:
        article = self.cursor.article
        if article is None:
            return
        document = self.session.document(article)
        title = self.session.titles().get(article, article)
        info = ArticleInfo.of(document)
        # Textual crops border titles to the border, whatever its width after a resize
        self.table.border_title = Text(  # Text, not str: a str title is read as markup
            f"{title} · {document.source_language or '?'} · {info.reviewed}/{info.segments} reviewed"
            f" · {info.words_done:,}/{info.words:,} words"
        )
        self.table.border_subtitle = Text(" · ".join(p for p in (document.source_path, document.date or "") if p))
        self._corpus_words()

    def _corpus_words(self) -> None:
        library = self.session.library
        self.article_list.show_progress(library.summaries.values(), len(library.unreadable))

    def show_segment(self) -> None:
        article, index, record = self.cursor.article, self.cursor.index, self.current()
        if record is None or article is None:
            self.detail.show(index, None, None)
            return
        self.detail.show(index, record, self.glossary_view(article, record), self.findings_of(article, record.id))

    def findings_of(
        self, article: str, segment_id: str, text: str | None = None, *, wait: bool = False
    ) -> list[Finding] | None:
        """The segment's QA findings; None while the checks load behind (unless `wait`: a
        confirm's question, or the reviewer asking, never goes without them)."""
        if not (wait or self.session.qa_ready):
            return None
        try:
            return self.session.findings(article, segment_id, text)
        except (WorkbenchError, KeyError, IndexError):
            return []

    def refresh_article(self, article: str) -> None:
        """Bring the screen in line with the article's view: its progress in the list; when
        open, the rows that changed (all of them if segments came or went)."""
        info = self.session.library.summaries.get(article)
        if info is not None:
            self.article_list.update(info, self.session.titles())
        if article != self.cursor.article:
            return
        document = self.session.document(article)
        if self._shape_changed(document):
            index = self.cursor.index
            self.shown = None
            self.cursor = Cursor(None, 0)  # the watcher fills the table again
            self.cursor = Cursor(article, min(index, max(len(document.segments) - 1, 0)))
            return
        table = self.table
        for n, (new, old) in enumerate(zip(document.segments, table.records, strict=True)):
            if new is not old:
                if (new.status, new.target, new.mt, new.source, len(new.conflicts)) == (
                    old.status,
                    old.target,
                    old.mt,
                    old.source,
                    len(old.conflicts),
                ):
                    table.records[n] = new  # a folded document is all new objects: repaint only what differs
                else:
                    table.update_segment(n, new)
        self.shown = document
        self._header()
        self.show_segment()

    # -- what the session says ---------------------------------------------------------------------

    def take(self, events: list[SessionEvent]) -> None:
        for event in events:
            if isinstance(event, Changed):
                self.refresh_article(event.article)
                if event.external:
                    title = self.session.titles().get(event.article, event.article)
                    self.notify(f"{title} was changed by another process and has been reloaded.", timeout=5)
            elif isinstance(event, Conflict):
                self.waiting.append(event)
            elif isinstance(event, Notice):
                self.notify(event.message, severity=event.severity, timeout=10)  # type: ignore[arg-type]
        self.show_conflicts()

    def show_conflicts(self) -> None:
        """One conflict dialog at a time, never while the reviewer types in the editor: keys
        typed as text must not answer a question they have not seen. (Over another dialog it
        may open; its focused choice, Edit, changes nothing.)"""
        if not self.waiting or self.detail.editing is not None:
            return
        if any(isinstance(s, ConflictDialog) for s in self.app.screen_stack):
            return
        conflict = self.waiting.pop(0)
        where = f"Segment {self.session.position(conflict.article, conflict.segment) + 1} of {self._title(conflict.article)}"

        def chosen(choice: str | None) -> None:
            try:
                if choice == "mine":
                    self._report(self.session.keep_mine(conflict))
                elif choice == "theirs":
                    self.session.take_theirs(conflict)
                    self.notify("Their text is kept; yours is in the segment's history.", timeout=4)
                else:
                    self.edit_text(
                        conflict.article,
                        conflict.segment,
                        conflict.mine.target,
                        settles=(conflict.change.id,),
                    )
            except WorkbenchError as exc:
                self.notify(exc.message, severity="error")
            self.call_after_refresh(self.show_conflicts)

        self.app.push_screen(
            ConflictDialog(where, conflict.mine.target, conflict.theirs.target, conflict.theirs.status),
            chosen,
        )

    def _report(self, applied: Applied) -> None:
        for article in {c.article for c in applied.changes}:
            self.refresh_article(article)
        for reason in applied.dropped:
            self.notify(f"Not changed: {reason}.", severity="warning", timeout=6)
        self.waiting += applied.conflicts
        self.show_conflicts()

    def _title(self, article: str) -> str:
        return self.session.titles().get(article, article)

    reported: set[str] | None = None

    def report_problem(self, problem: str, title: str = "Skipped") -> None:
        """A file that cannot be used, said once (listing and preparing may both find it)."""
        said = self.reported = self.reported if self.reported is not None else set()
        if problem not in said:
            said.add(problem)
            self.notify(
                problem, title=title, severity="error" if title == "Skipped" else "warning", timeout=20
            )

    # -- moving ----------------------------------------------------------------------------------

    @on(SegmentTable.Moved)
    def segment_moved(self, event: SegmentTable.Moved) -> None:
        # a Moved the table posted before the reviewer pressed on is stale: the table's own
        # cursor says where they are (a key acting meanwhile already went there, see sync)
        if self.cursor.article is not None and event.index == self.table.index:
            self.go(self.cursor.article, event.index)

    def sync(self) -> None:
        """Where the table's cursor is, now: keys that act on the current segment must not
        wait for the table's Moved messages, which a fast typist's key can overtake."""
        article = self.cursor.article
        if (
            article is not None
            and self.table.records
            and self.shown is not None
            and self.detail.editing is None
            and self.table.index != self.cursor.index
        ):
            self.cursor = Cursor(article, self.table.index)

    @on(ArticleList.Selected)
    def article_selected(self, event: ArticleList.Selected) -> None:
        if event.article_id != self.cursor.article:
            self.go(event.article_id)
        self.table.focus()

    def action_article(self, step: int) -> None:
        self._commands()
        article = self.cursor.article
        for _ in range(len(self.article_list.ids)):
            article = self.article_list.step(article, step)
            if article is None or self.filtered is None or article in self.filtered.articles:
                break
        if article is not None:
            listed = self.listed(article)
            self.go(article, listed[0] if listed else 0)

    def goto_next_unreviewed(self) -> None:
        """On to the next segment to review: the next in the filter when one is on."""
        article, index = self.cursor.article, self.cursor.index
        if article is None:
            return
        if self.filtered is not None:
            following = self.filtered.after(article, index, sorted(self.session.library))
            if following is not None:
                self.go(*following)
            return
        found = self.session.next_unreviewed(article, index)
        if found is None:
            self.notify("Every segment of every article is reviewed.", timeout=5)
            return
        self.go(*found)

    def _commands(self) -> None:
        """Single-letter commands are text while a text field has the focus; the others act
        on the segment under the table's cursor."""
        if isinstance(self.focused, (TextArea, Input)):
            raise SkipAction()
        self.sync()

    # -- the editor -----------------------------------------------------------------------------

    def edit_text(self, article: str, segment_id: str, text: str, settles: tuple[str, ...] = ()) -> None:
        """Open the editor on a segment with `text` in it (after a conflict, from the memory)."""
        self.go(article, self.session.position(article, segment_id))
        record = self.current()
        if record is None:
            return
        self.detail.start_editing(article, record, text)
        self.editor_settles = settles

    editor_settles: tuple[str, ...] = ()

    @property
    def editor(self) -> TargetEditor:
        return self.detail.editor

    def finish_editing(self, *, confirm: bool = False) -> Applied | None:
        """Leave the editor; the text is kept as edited, or confirmed."""
        stopped = self.detail.stop_editing()
        settles, self.editor_settles = self.editor_settles, ()
        self.table.focus()
        if stopped is None:
            return None
        editing, text = stopped
        try:
            if confirm:
                applied = self.session.confirm(
                    editing.article, editing.base.id, text, base=editing.base, settles=settles
                )
            else:
                applied = self.session.edit(
                    editing.article, editing.base.id, text, base=editing.base, settles=settles
                )
        except WorkbenchError as exc:
            # nothing was changed: the text goes back into the editor, where the reviewer sees it
            self.detail.start_editing(editing.article, editing.base, text)
            self.notify(describe(exc), severity="error", timeout=15)
            return None
        self._report(applied)
        return applied
