"""The review app: articles on the left; the open article's segments (source | MT | target,
row by row) on the right; the current segment in full below, with its target editable.

The app is the only owner of the `Review` session: every change is applied to the screen
at once, written by the save queue in its own thread, and reconciled when the queue's
message comes back; translation, preparation, re-translation, restores and reloads run
in worker threads that post typed messages (`workbench.tui.messages`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input

from workbench.errors import WorkbenchError
from workbench.glossary.entries import Entry, entry_from_table
from workbench.glossary.spans import unknown_name
from workbench.project import Project
from workbench.review import Change, Review, prepare_sources, write_restore
from workbench.store import Document, SegmentRecord, Store
from workbench.translate import EngineFactory
from workbench.tui.activity import Activity
from workbench.tui.article_list import ArticleList
from workbench.tui.dialogs import ConflictDialog, GlossaryDialog, MemoryDialog, RemovedDialog
from workbench.tui.messages import (
    Prepared,
    Progressed,
    Reloaded,
    Restored,
    Retranslated,
    SaveConflict,
    SaveDone,
    SaveFailed,
    Translated,
    WorkFailed,
)
from workbench.tui.saves import SaveQueue
from workbench.tui.segment_detail import SegmentDetail, TargetEditor
from workbench.tui.segment_table import SegmentTable
from workbench.tui.text import clip


def describe(error: BaseException) -> str:
    """One sentence for the reviewer: ours as written, anything else with its type."""
    if isinstance(error, WorkbenchError):
        return error.message
    return f"{type(error).__name__}: {error}"


class ReviewScreen(Screen[None]):
    # the article list hides below 100 columns and widens from 160; the MT column shows from
    # 120 (SegmentTable)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal"), (120, "-wide"), (160, "-very-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

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

    def on_mount(self) -> None:
        assert isinstance(self.app, WorkbenchApp)
        self.app.start()


class WorkbenchApp(App[None]):
    CSS_PATH = Path(__file__).with_name("workbench.tcss")  # absolute: subclasses live elsewhere
    TITLE = "Workbench"
    BINDINGS = [
        Binding("c", "confirm", "Confirm"),
        Binding("a", "accept_mt", "Accept MT"),
        Binding("e", "edit", "Edit", show=False),
        Binding("m", "memory", "Memory"),
        Binding("t", "retranslate", "Re-translate", show=False),
        Binding("ctrl+t", "translate_article", "Translate article"),
        Binding("T", "translate_all", "Translate all", show=False),
        Binding("x", "cancel_work", "Cancel", show=False),
        Binding("g", "glossary_add", "Glossary +", show=False),
        Binding("slash", "search", "Search"),
        Binding("n", "search_next", "Next match", show=False),
        Binding("u", "undo", "Undo"),
        Binding("r", "removed", "Removed", show=False),
        Binding("right_square_bracket", "article(1)", "Next article", show=False),
        Binding("left_square_bracket", "article(-1)", "Previous article", show=False),
        Binding("q", "quit", "Quit"),
    ]
    COMMAND_HELP = {
        "confirm": "Confirm the segment (reviewed) and go to the next unreviewed one",
        "accept_mt": "Accept the machine translation as is, and go on",
        "edit": "Edit the target of the segment",
        "memory": "Show translation-memory matches for the segment",
        "retranslate": "Machine-translate the segment again",
        "translate_article": "Machine-translate the open article in the background",
        "translate_all": "Machine-translate every article in the background",
        "cancel_work": "Cancel the running translation",
        "glossary_add": "Add the selected source span to the glossary",
        "search": "Search sources and targets",
        "search_next": "Go to the next search match",
        "undo": "Undo the last change to a segment",
        "removed": "Show the removed web cruft; restore a line",
    }

    def __init__(
        self,
        project: Project | None = None,
        *,
        engines: EngineFactory | None = None,
        watch_interval: float = 2.0,
    ) -> None:
        super().__init__()
        self.project = project or Project.here()
        self.review = Review(self.project, engines=engines)
        self.main: ReviewScreen  # pushed on mount: widgets need a running app
        self.article_id: str | None = None
        self.index = 0
        self.editing_base: SegmentRecord | None = None
        self.matches: list[tuple[str, int]] = []
        self.match_at = -1
        self.watch_interval = watch_interval
        self.sub_title = self.project.root.name
        self.saves = SaveQueue(self.project, self.review.target, self._post)
        self.pending: list[Change] = []  # not yet written, oldest first
        self.unqueued: list[Change] = []  # of those, the ones not yet handed to the save queue
        self.undo_waiting = 0  # undos asked for while saves were in flight
        self.quitting = False
        self.background: str | None = None  # the translation or preparation running
        self.cancel_event = threading.Event()
        self.reloading: set[str] = set()
        self.reported: set[str] = set()
        self.shown: Document | None = None  # the document the segment table was filled from
        self.crash: str | None = None  # the traceback of an unhandled exception

    # -- setup ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.main = ReviewScreen()
        self.push_screen(self.main)

    def on_unmount(self) -> None:
        self.queue_saves()
        self.saves.close()

    def start(self) -> None:
        articles = self.review.load()
        self.article_list.border_title = "Articles"
        self.article_list.show(articles, self.review.titles())
        self.segments_table.border_title = "Segments"
        if self.review.problems:
            count = len(self.review.problems)
            self.article_list.border_subtitle = f"{count} unreadable file{'s' if count > 1 else ''}"
            for problem in self.review.problems:
                self.report_problem(problem)
        if articles:
            self.open_article(articles[0].id)
        self.segments_table.focus()
        pending = self.review.unprepared_sources()
        if pending:
            self.start_preparing(pending)
        elif not articles:
            self.notify(
                f"No articles in {self.project.root}: put article files in seeds/ or run `workbench translate`.",
                severity="warning",
                timeout=15,
            )
        if self.watch_interval:
            self.set_interval(self.watch_interval, self.check_external_changes)

    def report_problem(self, problem: str) -> None:
        """A file that cannot be used, said once (listing and preparing may both find it)."""
        if problem not in self.reported:
            self.reported.add(problem)
            self.notify(problem, title="Skipped", severity="error", timeout=20)

    def _post(self, message: Message) -> None:
        """post_message from any thread; after the app has closed there is no one to tell."""
        with contextlib.suppress(RuntimeError):
            self.post_message(message)

    # the widgets live on the review screen, whatever screen (a dialog) is on top
    @property
    def article_list(self) -> ArticleList:
        return self.main.query_one(ArticleList)

    @property
    def articles_table(self) -> DataTable[str]:
        return self.article_list.table

    @property
    def segments_table(self) -> SegmentTable:
        return self.main.query_one(SegmentTable)

    @property
    def detail(self) -> SegmentDetail:
        return self.main.query_one(SegmentDetail)

    @property
    def editor(self) -> TargetEditor:
        return self.detail.editor

    @property
    def activity(self) -> Activity:
        return self.main.query_one(Activity)

    # -- showing --------------------------------------------------------------------------

    def _flag(self, article_id: str) -> Callable[[SegmentRecord], bool]:
        """Whether a segment's target lacks the English form of one of its entities; asked
        only for the rows on screen."""
        return lambda record: bool(self.review.glossary_view(article_id, record).missing)

    def open_article(self, article_id: str, index: int = 0) -> None:
        if self.editing_base is not None:
            self.finish_editing()
        try:
            document = self.review.document(article_id)
        except (WorkbenchError, KeyError) as exc:
            self.notify(describe(exc), severity="error", timeout=10)
            return
        self.article_id = article_id
        self.index = min(max(index, 0), max(len(document.segments) - 1, 0))
        self.detail.fit()
        self.segments_table.show(document.segments, self._flag(article_id), self.index)
        self.shown = document
        self.article_list.select(article_id)
        self._header()
        self.show_segment()

    def _header(self) -> None:
        """Title, language, progress; below, the source path and date."""
        if self.article_id is None:
            return
        document = self.review.document(self.article_id)
        title = self.review.titles().get(self.article_id, self.article_id)
        info = self.review.documents.summaries.get(self.article_id)
        done = info.reviewed if info else sum(s.status == "reviewed" for s in document.segments)
        table = self.segments_table
        # Textual crops border titles to the border, whatever its width after a resize
        table.border_title = f"{title} · {document.source_language or '?'} · {done}/{len(document.segments)} reviewed"
        table.border_subtitle = " · ".join(p for p in (document.source_path, document.date or "") if p)

    def current(self) -> SegmentRecord | None:
        if self.article_id is None:
            return None
        segments = self.review.document(self.article_id).segments
        return segments[self.index] if 0 <= self.index < len(segments) else None

    def show_segment(self) -> None:
        record = self.current()
        view = self.review.glossary_view(self.article_id, record) if record and self.article_id else None
        self.detail.show(self.index, record, view)

    def refresh_article(self, article_id: str) -> None:
        """Bring the screen in line with the article's document: its progress in the list;
        when open, the rows that changed (all of them if segments came or went)."""
        info = self.review.documents.summaries.get(article_id)
        if info is not None:
            self.article_list.update(info, self.review.titles())
        if article_id != self.article_id:
            return
        document = self.review.document(article_id)
        segments = document.segments
        table = self.segments_table
        same_shape = document is self.shown and len(segments) == len(table.records)  # overlays keep ids
        if not same_shape and [r.id for r in segments] != [r.id for r in table.records]:
            self.open_article(article_id, self.index)
            return
        for n, (new, old) in enumerate(zip(segments, table.records, strict=True)):
            if new is old:
                continue
            if (new.status, new.target, new.mt, new.source) == (old.status, old.target, old.mt, old.source):
                # a saved document is all new objects: only rows that look different repaint
                table.records[n] = new
                continue
            table.update_segment(n, new)
        self.shown = document
        self._header()
        if self.editing_base is None:
            self.show_segment()

    @on(SegmentTable.Moved)
    def segment_moved(self, event: SegmentTable.Moved) -> None:
        if event.index == self.index:
            self.show_segment()
            return
        if self.editing_base is not None:
            self.finish_editing()
        self.index = event.index
        self.show_segment()

    @on(SegmentTable.Chosen)
    def segment_chosen(self) -> None:
        self.action_edit()

    @on(ArticleList.Selected)
    def article_selected(self, event: ArticleList.Selected) -> None:
        if event.article_id != self.article_id:
            self.open_article(event.article_id)
        self.segments_table.focus()

    def action_article(self, step: int) -> None:
        article_id = self.article_list.step(self.article_id, step)
        if article_id is not None:
            self.open_article(article_id)

    # -- changes: applied at once, written by the save queue, reconciled on its answer ------

    def submit(self, change: Change) -> None:
        self.pending.append(change)
        self._overlay(change)
        self.refresh_article(change.article_id)
        # queued once the screen shows the change: parsing a large file in the save thread
        # holds the GIL for long stretches, and the reviewer should see their key land first
        self.unqueued.append(change)
        self.call_after_refresh(self.queue_saves)

    def queue_saves(self) -> None:
        """Hand the changes made so far to the save queue, in order."""
        changes, self.unqueued = self.unqueued, []
        for change in changes:
            self.saves.put(change)

    def _overlay(self, change: Change) -> None:
        """Show `change` as if saved: a new record in place of the old (never mutated, since
        changes in flight hold the old one as their base)."""
        document = self.review.document(change.article_id)
        for n, record in enumerate(document.segments):
            if record.id == change.base.id:
                shown = dataclasses.replace(record)
                change.applied_to(shown)
                document.segments[n] = shown
                break
        self.review.apply_document(document)

    def _take_document(self, document: Document) -> None:
        """A document as on disk, with the changes still in flight shown over it."""
        self.review.apply_document(document)
        self._reoverlay(document.article_id)

    def _reoverlay(self, article_id: str) -> None:
        for change in self.pending:
            if change.article_id == article_id:
                self._overlay(change)

    def _settled(self, change: Change) -> None:
        self.pending = [c for c in self.pending if c is not change]

    def on_save_done(self, message: SaveDone) -> None:
        change = message.saved.change
        self._settled(change)
        self.review.apply_saved(message.saved)
        self._reoverlay(change.article_id)
        self.refresh_article(change.article_id)
        if message.saved.warning:
            self.notify(message.saved.warning, severity="warning", timeout=10)
        self._after_saves()

    def on_save_conflict(self, message: SaveConflict) -> None:
        conflict = message.conflict
        change = conflict.change
        self._settled(change)
        self.review.apply_conflict(conflict)
        self._reoverlay(change.article_id)
        self.refresh_article(change.article_id)
        self.quitting = False  # a change did not land: the reviewer decides before leaving
        if not change.human:
            self.notify(
                f"Segment {change.base.id} changed meanwhile; the machine translation was not saved over it.",
                severity="warning",
                timeout=8,
            )
        elif conflict.theirs is None:
            self.copy_to_clipboard(change.target)
            self.notify(
                f"{conflict.message} Your text is on the clipboard: {clip(change.target, 200)}",
                severity="error",
                timeout=30,
            )
        else:
            self._choose(conflict.change, conflict.theirs, lambda: self.review.plan_keep_mine(conflict))
        self._after_saves()

    def _choose(self, mine: Change, theirs: SegmentRecord, keep_mine: Callable[[], Change]) -> None:
        where = f"Segment {self._position(mine.article_id, theirs.id) + 1} of {self._title(mine.article_id)}"

        def chosen(choice: str | None) -> None:
            if choice == "mine":
                try:
                    self.submit(keep_mine())
                except WorkbenchError as exc:
                    self.notify(exc.message, severity="error")
            elif choice == "theirs":
                self.notify("Their text is kept.", timeout=3)
            else:
                self.edit_text(mine.article_id, theirs.id, mine.target)

        self.push_screen(ConflictDialog(where, mine.target, theirs.target, theirs.status), chosen)

    def on_save_failed(self, message: SaveFailed) -> None:
        change = message.change
        self._settled(change)
        self.quitting = False
        text = ""
        if change.human:
            self.copy_to_clipboard(change.target)
            text = " Your text is on the clipboard."
        self.notify(f"Not saved: {describe(message.error)}{text}", severity="error", timeout=30)
        # what the screen shows was never written: show the file as it is
        self.reload(change.article_id)
        self._after_saves()

    def _after_saves(self) -> None:
        if self.pending:
            return
        if self.undo_waiting:
            self.undo_waiting -= 1
            self.action_undo()
        elif self.quitting:
            self.exit()

    def _position(self, article_id: str, segment_id: str) -> int:
        segments = self.review.document(article_id).segments
        return next((n for n, s in enumerate(segments) if s.id == segment_id), 0)

    def _title(self, article_id: str) -> str:
        return self.review.titles().get(article_id, article_id)

    # -- editing --------------------------------------------------------------------------

    def action_edit(self) -> None:
        record = self.current()
        if record is None:
            return
        self.editing_base = record
        self.detail.start_editing(record.target or record.mt)  # an empty target starts from the MT

    def edit_text(self, article_id: str, segment_id: str, text: str) -> None:
        """Open the editor on a segment with `text` in it (after a conflict, or from the memory)."""
        if article_id != self.article_id:
            self.open_article(article_id, self._position(article_id, segment_id))
        else:
            index = self._position(article_id, segment_id)
            if index != self.index:
                if self.editing_base is not None:
                    self.finish_editing()
                self.index = index
                self.segments_table.go_to(index)
                self.show_segment()
        self.action_edit()
        self.editor.load_text(text)
        self.editor.move_cursor(self.editor.document.end)

    def finish_editing(self, text: str | None = None) -> None:
        """Leave the editor, keeping a changed text as edited."""
        base, self.editing_base = self.editing_base, None
        text = self.editor.text.strip() if text is None else text
        self.detail.stop_editing()
        if base is not None and self.article_id is not None and text != base.target:
            self.submit(self.review.plan_edit(self.article_id, base, text))

    @on(TargetEditor.Done)
    def editor_done(self, event: TargetEditor.Done) -> None:
        self.finish_editing(event.text)
        self.segments_table.focus()

    @on(TargetEditor.Confirmed)
    def editor_confirmed(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        record = self.current()
        if record is None or self.article_id is None:
            return
        base = self.editing_base or record
        text = self.editor.text.strip() if self.editing_base is not None else None
        if self.editing_base is not None:
            self.editing_base = None
            self.detail.stop_editing()
        if not (text if text is not None else record.target).strip():
            self.notify(
                "Nothing to confirm: the target is empty. Edit it, or accept the MT with a.",
                severity="warning",
            )
            return
        self.submit(self.review.plan_confirm(self.article_id, base, text))
        self.segments_table.focus()
        self.goto_next_unreviewed()

    def action_accept_mt(self) -> None:
        record = self.current()
        if record is None or self.article_id is None:
            return
        if not record.mt:
            self.notify(
                "There is no machine translation yet: translate the article with Ctrl+T.", severity="warning"
            )
            return
        self.submit(self.review.plan_accept(self.article_id, record))
        self.goto_next_unreviewed()

    def goto_next_unreviewed(self) -> None:
        if self.article_id is None:
            return
        found = self.review.next_unreviewed(self.article_id, self.index)
        if found is None:
            self.notify("Every segment of every article is reviewed.", timeout=5)
            return
        article_id, index = found
        if article_id != self.article_id:
            self.open_article(article_id, index)
        else:
            self.index = index
            self.segments_table.go_to(index)
            self.show_segment()

    def action_undo(self) -> None:
        if self.pending:
            # the change to undo may still be on its way: undo once it has landed
            self.undo_waiting += 1
            return
        change = self.review.plan_undo()
        if change is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        index = self._position(change.article_id, change.base.id)
        if change.article_id != self.article_id:
            self.open_article(change.article_id, index)
        elif index != self.index:
            self.index = index
            self.segments_table.go_to(index)
        self.submit(change)
        self.notify(f"Undone: segment {index + 1} is {change.status} again.", timeout=3)

    def action_quit(self) -> None:  # type: ignore[override]
        if self.editing_base is not None:
            self.finish_editing()
        if self.pending:
            self.quitting = True
            self.notify(f"Saving {len(self.pending)} changes before quitting…", timeout=5)
            return
        self.exit()

    # -- memory, glossary, removed lines --------------------------------------------------

    def action_memory(self) -> None:
        record = self.current()
        article_id = self.article_id
        if record is None or article_id is None:
            return
        matches = self.review.matches(article_id, record)

        def insert(target: str | None) -> None:
            if target is not None:
                self.edit_text(article_id, record.id, target)

        self.push_screen(MemoryDialog(record.source, matches), insert)

    def action_glossary_add(self) -> None:
        record = self.current()
        if record is None or self.article_id is None:
            return
        document = self.review.document(self.article_id)
        known = [(h.start, h.end) for h in self.review.glossary_view(self.article_id, record).source_hits]
        language = document.source_language or "fr"

        def save(values: dict[str, str] | None) -> None:
            if values is None:
                return
            table: dict[str, object] = {
                "en": values["english"],
                "type": values["type"],
                language: [values["form"]],
                "note": values["note"],
            }
            try:
                entry: Entry = entry_from_table(table, "review")
                path = self.review.add_glossary_entry(entry)
            except (ValueError, WorkbenchError) as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(f"Added {entry.en} to {path.name}.", timeout=3)
            if self.article_id:
                self.open_article(self.article_id, self.index)  # the flags follow the glossary

        self.push_screen(GlossaryDialog(unknown_name(record.source, known) or "", language, record.source), save)

    def action_removed(self) -> None:
        article_id = self.article_id
        if article_id is None:
            return
        document = self.review.document(article_id)

        def restore(line: int | None) -> None:
            if line is not None:
                project, target = self.project, self.review.target
                self.in_thread(
                    f"Restoring line {line}",
                    lambda: Restored(write_restore(project, target, article_id, line), line),
                )

        self.push_screen(RemovedDialog(document.removed, document.restored), restore)

    def on_restored(self, message: Restored) -> None:
        self._take_document(message.document)
        self.refresh_article(message.document.article_id)
        self.notify(f"Line {message.line} restored as a new segment.", timeout=3)

    # -- search ---------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.main.query_one("#search", Input)
        search.add_class("visible")
        search.focus()

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        self.matches = self.review.search(event.value)
        self.match_at = -1
        event.input.remove_class("visible")
        self.segments_table.focus()
        if not self.matches:
            self.notify(f"No segment contains {event.value!r}.", severity="warning", timeout=3)
            return
        self.notify(f"{len(self.matches)} matches; n goes to the next.", timeout=3)
        self.action_search_next()

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        search = self.main.query_one("#search", Input)
        if event.key == "escape" and search.has_focus:
            search.remove_class("visible")
            self.segments_table.focus()
            event.stop()

    def action_search_next(self) -> None:
        if not self.matches:
            return
        self.match_at = (self.match_at + 1) % len(self.matches)
        article_id, index = self.matches[self.match_at]
        if article_id != self.article_id:
            self.open_article(article_id, index)
        else:
            self.index = index
            self.segments_table.go_to(index)
            self.show_segment()

    # -- background work ------------------------------------------------------------------

    def in_thread(self, what: str, work: Callable[[], Message], *, group: str = "work") -> None:
        """Run `work` in a worker thread and post the message it returns, or WorkFailed."""

        def run() -> None:
            try:
                message = work()
            except Exception as exc:  # the reviewer learns of it; the session goes on
                message = WorkFailed(what, exc)
            self._post(message)

        self.run_worker(run, name=what, group=group, thread=True, exit_on_error=False)

    def _progress(self, done: int, total: int | None) -> None:
        self._post(Progressed(done, total))

    def on_progressed(self, message: Progressed) -> None:
        self.activity.advance(message.done, message.total)

    def _begin(self, label: str, total: int | None = None, hint: str = "") -> bool:
        if self.background is not None:
            self.notify(f"{self.background} is still running; x cancels it.", severity="warning")
            return False
        self.background = label
        self.activity.start(label + hint, total)
        return True

    def _end(self) -> None:
        self.background = None
        self.activity.stop()

    def start_preparing(self, sources: list[Path]) -> None:
        label = f"Cleaning {len(sources)} new articles"
        if self._begin(label, len(sources)):
            project, target, progress = self.project, self.review.target, self._progress
            self.in_thread(
                label, lambda: Prepared(prepare_sources(project, target, sources, progress)), group="background"
            )

    def on_prepared(self, message: Prepared) -> None:
        self._end()
        for problem in message.result.problems:
            self.report_problem(problem)
        for document in message.result.documents:
            self._take_document(document)
        self.article_list.show(self.review.articles(), self.review.titles())
        if self.article_id is None and self.article_list.ids:
            self.open_article(self.article_list.ids[0])
        elif self.article_id is not None:
            self.refresh_article(self.article_id)

    def action_translate_article(self) -> None:
        if self.article_id:
            self.translate([self.article_id], f"Translating {self._title(self.article_id)}")

    def action_translate_all(self) -> None:
        self.translate(None, "Translating every article")

    def translate(self, article_ids: list[str] | None, label: str) -> None:
        if not self._begin(label, hint=" (x cancels)"):
            return
        self.cancel_event.clear()
        try:
            work = self.review.translation(article_ids, self._progress, self.cancel_event)
        except (WorkbenchError, KeyError) as exc:
            self._end()
            self.notify(describe(exc), severity="error")
            return
        self.in_thread(label, lambda: Translated(work()), group="background")

    def on_translated(self, message: Translated) -> None:
        self._end()
        for document in message.result.documents.values():
            self._take_document(document)
            self.refresh_article(document.article_id)
        summary = message.result.summary
        note = " (cancelled)" if summary.cancelled else ""
        self.notify(
            f"Translated {summary.decoded} sentences, {summary.from_memory} from memory{note}."
            + "".join(f"\n{m}" for m in summary.missing),
            severity="warning" if summary.missing else "information",
            timeout=8,
        )

    def action_retranslate(self) -> None:
        record = self.current()
        if record is None or self.article_id is None:
            return
        try:
            work = self.review.retranslation(self.article_id, record)
        except WorkbenchError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(f"Re-translating segment {self.index + 1}…", timeout=2)
        self.in_thread("Re-translating", lambda: Retranslated(work()))

    def on_retranslated(self, message: Retranslated) -> None:
        self.submit(message.change)

    def action_cancel_work(self) -> None:
        if self.background is not None:
            self.cancel_event.set()
            self.notify("Cancelling after the current batch…", timeout=3)

    def on_work_failed(self, message: WorkFailed) -> None:
        if message.what == self.background:
            self._end()
        if message.article_id is not None:
            self.reloading.discard(message.article_id)
        self.notify(f"{message.what}: {describe(message.error)}", severity="error", timeout=15)

    # -- other processes ------------------------------------------------------------------

    def check_external_changes(self) -> None:
        """Another process (a translate run, a second reviewer) saved the open article: read
        it again, off the UI thread, unless our own saves are about to bring it."""
        article_id = self.article_id
        if article_id is None or article_id in self.reloading:
            return
        if any(c.article_id == article_id for c in self.pending):
            return
        if self.review.changed_on_disk(article_id):
            self.reload(article_id)

    def reload(self, article_id: str) -> None:
        self.reloading.add(article_id)
        project, target = self.project, self.review.target

        what = f"Reloading {self._title(article_id)}"

        def read() -> Message:
            try:
                document = Store(project, target).read(article_id)
                if document is None:
                    raise WorkbenchError(f"{article_id} has no translation file any more.")
            except Exception as exc:
                return WorkFailed(what, exc, article_id)
            return Reloaded(document)

        self.in_thread(what, read)

    def on_reloaded(self, message: Reloaded) -> None:
        article_id = message.document.article_id
        self.reloading.discard(article_id)
        if any(c.article_id == article_id for c in self.pending):
            return  # our saves in flight will bring a newer copy
        self.review.apply_document(message.document)
        self.refresh_article(article_id)
        self.notify(f"{self._title(article_id)} was changed by another process and has been reloaded.", timeout=5)

    # -- crashes --------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        # Textual's one hook for an unhandled exception: keep the traceback for the crash
        # log (the CLI names it); Textual still restores the terminal and exits.
        if self.crash is None:
            self.crash = "".join(traceback.format_exception(error))
        self.queue_saves()  # what the reviewer did before the crash is still written
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        # the traceback goes to the crash log, not over the reviewer's terminal
        if self.crash is None:
            super()._print_error_renderables()
        else:
            self._exit_renderables.clear()

    # -- command palette ------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        keys = {b.action: b.key for b in self.BINDINGS if isinstance(b, Binding)}
        for action, help_text in self.COMMAND_HELP.items():
            key = keys.get(action, "")
            yield SystemCommand(
                help_text.split(",")[0] + (f"  [{key}]" if key else ""),
                help_text,
                lambda a=action: self.run_action(a),
            )

