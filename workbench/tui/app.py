"""The review app: articles on the left; the open article's segments (source | MT | target,
row by row) on the right; the current segment in full below, with its target editable."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Input, Label, ProgressBar, TextArea
from textual.worker import Worker, WorkerState

from workbench.errors import WorkbenchError
from workbench.glossary.entries import Entry, entry_from_table
from workbench.glossary.match import Hit, whole_words
from workbench.project import Project
from workbench.review import Review
from workbench.store import SegmentRecord
from workbench.translate import EngineFactory
from workbench.tui.dialogs import GlossaryDialog, MemoryDialog, RemovedDialog

STATUS = {
    "new": Text("·", style="dim"),
    "machine": Text("M", style="bold cyan"),
    "edited": Text("E", style="bold yellow"),
    "reviewed": Text("✓", style="bold green"),
}
WIDE = 120  # below this many columns the MT column gives way to the detail pane
NARROW = 100  # below this the article list hides; [ and ] still move between articles


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def highlight(text: str, spans: Iterable[tuple[int, int]], missing: Iterable[tuple[int, int]] = ()) -> Text:
    """Glossary entities underlined; those whose English form the target lacks in red."""
    rich = Text(text)
    for start, end in spans:
        rich.stylize("bold magenta underline", start, end)
    for start, end in missing:
        rich.stylize("bold red underline", start, end)
    return rich


class Pane(Widget):
    """Wrapped text that asks for a new layout only when its height must change.

    Static.update re-lays out the whole screen on every call; with a thousand articles
    listed that is most of the cost of a key press. A pane grows to fit a longer text and
    does not shrink back until `fit` is called (on opening an article), so moving between
    the segments of an article soon only repaints.
    """

    text: reactive[Text] = reactive(Text(""), layout=False)

    def __init__(self, *, id: str, max_lines: int = 8) -> None:
        super().__init__(id=id)
        self.max_lines = max_lines

    def render(self) -> Text:
        return self.text

    def update(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text(text)
        width = self.content_region.width or self.size.width
        if width > 0:
            lines = len(self.text.wrap(self.app.console, width)) if self.text.plain else 1
            lines = max(1, min(lines, self.max_lines))
            if self.styles.height is None or self.styles.height.value < lines:
                self.styles.height = lines

    def fit(self) -> None:
        """Shrink to the current text on the next update."""
        self.styles.height = 1


class TargetEditor(TextArea):
    """The target of the current segment. Ctrl+S confirms, Esc keeps the edit and leaves."""

    cursor_blink = False  # steady for screenshots and for people who dislike blinking

    BINDINGS = [
        Binding("ctrl+s", "app.confirm", "Confirm", priority=True),
        Binding("escape", "app.leave_editor", "Done editing", priority=True),
    ]


class ReviewScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield DataTable(id="articles", cursor_type="row", zebra_stripes=False)
            with Vertical(id="right"):
                yield DataTable(id="segments", cursor_type="row")
                with Vertical(id="detail"):
                    with Horizontal(classes="row"):
                        yield Label("Source", classes="label")
                        yield Pane(id="source-text", max_lines=8)
                    with Horizontal(classes="row"):
                        yield Label("MT", classes="label")
                        yield Pane(id="mt-text", max_lines=5)
                    with Horizontal(classes="row"):
                        yield Label("Target", classes="label")
                        yield Pane(id="target-text", max_lines=6)
                        yield TargetEditor(id="target-editor", soft_wrap=True, show_line_numbers=False)
                    yield Pane(id="info", max_lines=2)
        with Horizontal(id="activity"):
            yield Label("", id="activity-label")
            yield ProgressBar(id="progress", show_eta=True)
        yield Input(placeholder="Search source and target; Enter jumps, Esc closes", id="search")
        yield Footer()

    def on_mount(self) -> None:
        assert isinstance(self.app, WorkbenchApp)
        self.app.start()


class WorkbenchApp(App[None]):
    CSS_PATH = "workbench.tcss"
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
        self.article_id: str | None = None
        self.index = 0
        self.editing_base: SegmentRecord | None = None
        self.matches: list[tuple[str, int]] = []
        self.match_at = -1
        self.cancel_event = threading.Event()
        self.watch_interval = watch_interval
        self.sub_title = self.project.root.name

    # -- setup ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen())

    def start(self) -> None:
        articles = self.review.load()
        table = self.articles_table
        table.border_title = "Articles"
        table.add_column("Article", width=14, key="article")
        table.add_column("Lang", width=4, key="lang")
        table.add_column("Done", width=7, key="done")
        for problem in self.review.problems:
            self.notify(problem, severity="error", timeout=10)
        for info in articles:
            table.add_row(*self._article_cells(info.id), key=info.id)
        segments = self.segments_table
        segments.border_title = "Segments"
        self._layout_columns()
        if articles:
            self.open_article(articles[0].id)
        segments.focus()
        pending = self.review.unprepared_sources()
        if pending:
            self.prepare_sources(pending)
        elif not articles:
            self.notify(
                f"No articles in {self.project.root}: put article files in seeds/ or run `workbench translate`.",
                severity="warning",
                timeout=15,
            )
        if self.watch_interval:
            self.set_interval(self.watch_interval, self.check_external_changes)

    @property
    def articles_table(self) -> DataTable[Text | str]:
        return self.screen.query_one("#articles", DataTable)

    @property
    def segments_table(self) -> DataTable[Text | str]:
        return self.screen.query_one("#segments", DataTable)

    @property
    def editor(self) -> TargetEditor:
        return self.screen.query_one("#target-editor", TargetEditor)

    def _article_cells(self, article_id: str) -> tuple[str, str, str]:
        info = self.review.documents.summaries[article_id]
        return clip(article_id, 14), info.language or "?", f"{info.reviewed}/{info.segments}"

    def _layout_columns(self) -> None:
        table = self.segments_table
        table.clear(columns=True)
        narrow = self.size.width < NARROW
        self.screen.set_class(narrow, "narrow")
        self.screen.set_class(self.size.height < 30, "short")
        # what the table has inside its border: the screen less the article pane, if shown
        width = self.size.width - (0 if narrow else 35) - 4
        text_columns = 3 if self.size.width >= WIDE else 2
        # the status, number and flag columns take 1+3+1 cells, and every column 2 of padding
        self.column_width = max((width - 5 - 2 * (3 + text_columns)) // text_columns, 10)
        table.add_column(" ", width=1, key="status")
        table.add_column("#", width=3, key="n")
        table.add_column("!", width=1, key="flag")
        table.add_column("Source", width=self.column_width, key="source")
        if text_columns == 3:
            table.add_column("MT", width=self.column_width, key="mt")
        table.add_column("Target", width=self.column_width, key="target")

    def on_resize(self) -> None:
        if isinstance(self.screen, ReviewScreen) and self.article_id:
            keep = self.index
            self._layout_columns()
            self.open_article(self.article_id, keep)

    # -- showing --------------------------------------------------------------------------

    def _row(self, n: int, record: SegmentRecord) -> list[Text | str]:
        view = self.review.glossary_view(self.article_id or "", record)
        flag = Text("⚠", style="bold red") if view.missing else Text("")
        cells: list[Text | str] = [
            STATUS[record.status],
            str(n + 1),
            flag,
            clip(record.source, self.column_width),
        ]
        if self.size.width >= WIDE:
            cells.append(clip(record.mt, self.column_width))
        cells.append(clip(record.target, self.column_width))
        return cells

    def open_article(self, article_id: str, index: int = 0) -> None:
        self.article_id = article_id
        document = self.review.document(article_id)
        table = self.segments_table
        table.clear()
        for n, record in enumerate(document.segments):
            table.add_row(*self._row(n, record), key=record.id)
        self._title()
        self.index = min(index, max(len(document.segments) - 1, 0))
        for pane in self.screen.query(Pane):
            pane.fit()
        table.move_cursor(row=self.index)
        keys = [str(k.value) for k in self.articles_table.rows]
        if article_id in keys:
            self.articles_table.move_cursor(row=keys.index(article_id))
        self.show_segment()

    def _title(self) -> None:
        if self.article_id is None:
            return
        document = self.review.document(self.article_id)
        done = sum(s.status == "reviewed" for s in document.segments)
        self.segments_table.border_title = clip(
            f"{self.article_id} · {done}/{len(document.segments)} reviewed · {document.title}",
            max(self.size.width - (8 if self.size.width < NARROW else 42), 20),
        )

    def current(self) -> SegmentRecord | None:
        if self.article_id is None:
            return None
        segments = self.review.document(self.article_id).segments
        return segments[self.index] if 0 <= self.index < len(segments) else None

    def show_segment(self) -> None:
        record = self.current()
        source = self.screen.query_one("#source-text", Pane)
        mt = self.screen.query_one("#mt-text", Pane)
        info = self.screen.query_one("#info", Pane)
        if record is None or self.article_id is None:
            source.update("")
            mt.update("")
            self.screen.query_one("#target-text", Pane).update("")
            info.update("")
            return
        view = self.review.glossary_view(self.article_id, record)
        missing = {(h.start, h.end) for h in view.missing}
        source.update(highlight(record.source, [(h.start, h.end) for h in view.source_hits], missing))
        mt.update(Text(record.mt or "(not translated yet)", style="" if record.mt else "dim italic"))
        self.screen.query_one("#target-text", Pane).update(
            highlight(record.target, self._english_spans(record.target, view.source_hits))
            if record.target
            else Text("(empty: e edits, starting from the MT)", style="dim italic")
        )
        terms = self._terms_line(view.source_hits, view.missing, bool(record.target))
        detail = self.screen.query_one("#detail", Vertical)
        detail.border_title = f"Segment {self.index + 1} · {record.status}"
        info.update(terms)

    @staticmethod
    def _english_spans(target: str, hits: tuple[Hit, ...]) -> list[tuple[int, int]]:
        """Where the target carries the English forms of the source's entities."""
        return [
            m.span()
            for expected in {h.expected for h in hits}
            for m in whole_words(expected).finditer(target)
        ]

    @staticmethod
    def _terms_line(hits: tuple[Hit, ...], missing: tuple[Hit, ...], translated: bool) -> Text:
        if not hits:
            return Text("No glossary entities in this segment.", style="dim")
        line = Text("Glossary: ")
        if not translated:
            line.append("  ".join(dict.fromkeys(f"{h.text} → {h.expected}" for h in hits)), style="magenta")
            return line
        seen: set[str] = set()
        for hit in hits:
            if hit.expected in seen:
                continue
            seen.add(hit.expected)
            lacking = hit in missing
            line.append(f"{hit.text} → {hit.expected}", style="bold red" if lacking else "magenta")
            line.append(" ✗  " if lacking else " ✓  ", style="red" if lacking else "green")
        return line

    def refresh_row(self, index: int) -> None:
        if self.article_id is None:
            return
        record = self.review.document(self.article_id).segments[index]
        table = self.segments_table
        for column, value in enumerate(self._row(index, record)):
            table.update_cell_at(Coordinate(index, column), value)
        self._title()
        article_keys = [str(k.value) for k in self.articles_table.rows]
        if self.article_id in article_keys:
            row = article_keys.index(self.article_id)
            for column, value in enumerate(self._article_cells(self.article_id)):
                self.articles_table.update_cell_at(Coordinate(row, column), value)

    @on(DataTable.RowHighlighted, "#segments")
    def segment_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.editing_base is not None:
            self.leave_editor(save=True)
        self.index = event.cursor_row
        self.show_segment()

    @on(DataTable.RowSelected, "#segments")
    def segment_selected(self) -> None:
        self.action_edit()

    @on(DataTable.RowSelected, "#articles")
    def article_selected(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        if key != self.article_id:
            self.open_article(key)
        self.segments_table.focus()

    # -- editing --------------------------------------------------------------------------

    def action_edit(self) -> None:
        record = self.current()
        if record is None:
            return
        self.editing_base = record
        editor = self.editor
        editor.load_text(record.target or record.mt)  # an empty target starts from the MT
        self.screen.query_one("#target-text", Pane).display = False
        editor.display = True
        editor.focus()
        editor.move_cursor(editor.document.end)

    def action_leave_editor(self) -> None:
        self.leave_editor(save=True)
        self.segments_table.focus()

    def leave_editor(self, save: bool) -> None:
        base, self.editing_base = self.editing_base, None
        if base is None or self.article_id is None:
            return
        text = self.editor.text.strip()
        if save and text != base.target:
            self._save(lambda: self.review.edit(self.article_id or "", base, text), "Saved as edited.")
        self._close_editor()

    def _close_editor(self) -> None:
        self.editor.display = False
        self.screen.query_one("#target-text", Pane).display = True

    def _save(self, change, message: str | None = None) -> bool:  # type: ignore[no-untyped-def]
        try:
            change()
        except WorkbenchError as exc:
            self.notify(exc.message, severity="error", timeout=10)
            if self.article_id:
                self.open_article(self.article_id, self.index)
            return False
        self.refresh_row(self.index)
        self.show_segment()
        if message:
            self.notify(message, timeout=2)
        return True

    def action_confirm(self) -> None:
        record = self.current()
        if record is None or self.article_id is None:
            return
        base = self.editing_base or record
        text = self.editor.text.strip() if self.editing_base is not None else None
        if self.editing_base is not None:
            self._close_editor()
        self.editing_base = None
        if not (text if text is not None else record.target).strip():
            self.notify(
                "Nothing to confirm: the target is empty. Edit it, or accept the MT with a.",
                severity="warning",
            )
            return
        if self._save(lambda: self.review.confirm(self.article_id or "", base, text)):
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
        if self._save(lambda: self.review.accept_mt(self.article_id or "", record)):
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
            self.segments_table.move_cursor(row=index)

    def action_undo(self) -> None:
        try:
            undone = self.review.undo()
        except WorkbenchError as exc:
            self.notify(exc.message, severity="error")
            return
        if undone is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        article_id, record = undone
        index = next(i for i, s in enumerate(self.review.document(article_id).segments) if s.id == record.id)
        if article_id != self.article_id:
            self.open_article(article_id, index)
        else:
            self.segments_table.move_cursor(row=index)
            self.refresh_row(index)
            self.show_segment()
        self.notify(f"Undone: segment {index + 1} is {record.status} again.", timeout=3)

    # -- memory, glossary, removed lines --------------------------------------------------

    def action_memory(self) -> None:
        record = self.current()
        if record is None or self.article_id is None:
            return
        matches = self.review.matches(self.article_id, record)

        def insert(target: str | None) -> None:
            if target is None:
                return
            self.action_edit()
            self.editor.load_text(target)
            self.editor.move_cursor(self.editor.document.end)

        self.push_screen(MemoryDialog(record.source, matches), insert)

    def action_glossary_add(self) -> None:
        record = self.current()
        if record is None or self.article_id is None:
            return
        document = self.review.document(self.article_id)
        form = self._unknown_name(record) or ""
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
                self.open_article(self.article_id, self.index)

        self.push_screen(GlossaryDialog(form, language, record.source), save)

    def _unknown_name(self, record: SegmentRecord) -> str | None:
        from workbench.glossary.suggest import RUN

        known = [
            (h.start, h.end) for h in self.review.glossary_view(self.article_id or "", record).source_hits
        ]
        for run in RUN.finditer(record.source):
            if run.start() > 0 and not any(s < run.end() and run.start() < e for s, e in known):
                return str(run.group())
        return None

    def action_removed(self) -> None:
        if self.article_id is None:
            return
        document = self.review.document(self.article_id)

        def restore(line: int | None) -> None:
            if line is None or self.article_id is None:
                return
            try:
                self.review.restore_line(self.article_id, line)
            except WorkbenchError as exc:
                self.notify(exc.message, severity="error")
                return
            self.open_article(self.article_id, self.index)
            self.notify(f"Line {line} restored as a new segment.", timeout=3)

        self.push_screen(RemovedDialog(document.removed, document.restored), restore)

    # -- search ---------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.screen.query_one("#search", Input)
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
        search = self.screen.query_one("#search", Input) if isinstance(self.screen, ReviewScreen) else None
        if search is not None and event.key == "escape" and search.has_focus:
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
            self.segments_table.move_cursor(row=index)

    def action_article(self, step: int) -> None:
        keys = [str(k.value) for k in self.articles_table.rows]
        if not keys or self.article_id not in keys:
            return
        self.open_article(keys[(keys.index(self.article_id) + step) % len(keys)])

    # -- background work ------------------------------------------------------------------

    def _activity(self, label: str | None, total: int | None = None) -> None:
        activity = self.screen.query_one("#activity", Horizontal)
        activity.set_class(label is not None, "running")
        if label is not None:
            self.screen.query_one("#activity-label", Label).update(label + "  ")
            self.screen.query_one("#progress", ProgressBar).update(total=total, progress=0)

    def _progress(self, done: int, total: int | None) -> None:
        self.call_from_thread(
            self.screen.query_one("#progress", ProgressBar).update, total=total, progress=done
        )

    @work(thread=True, exclusive=True, group="background")
    def prepare_sources(self, sources: list[Path]) -> list[str]:
        self.call_from_thread(self._activity, f"Cleaning {len(sources)} new articles", len(sources))
        return self.review.prepare(sources, self._progress)

    def action_translate_article(self) -> None:
        if self.article_id:
            self.translate([self.article_id], f"Translating {self.article_id}")

    def action_translate_all(self) -> None:
        self.translate(None, "Translating every article")

    @work(thread=True, exclusive=True, group="background")
    def translate(self, article_ids: list[str] | None, label: str) -> object:
        self.cancel_event.clear()
        self.call_from_thread(self._activity, label + " (x cancels)")
        return self.review.translate(article_ids, self._progress, self.cancel_event)

    def action_retranslate(self) -> None:
        record = self.current()
        if record is not None and self.article_id is not None:
            self.retranslate(self.article_id, record)

    @work(thread=True, exclusive=True, group="background")
    def retranslate(self, article_id: str, record: SegmentRecord) -> object:
        self.call_from_thread(self._activity, f"Re-translating segment {self.index + 1}")
        return self.review.retranslate(article_id, record)

    def action_cancel_work(self) -> None:
        if any(w.group == "background" and w.is_running for w in self.workers):
            self.cancel_event.set()
            self.notify("Cancelling after the current batch…", timeout=3)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "background" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self._activity(None)
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            message = (
                error.message if isinstance(error, WorkbenchError) else f"{type(error).__name__}: {error}"
            )
            self.notify(message, severity="error", timeout=15)
        result = event.worker.result
        if event.worker.name == "prepare_sources" and isinstance(result, list):
            for problem in result:
                self.notify(problem, severity="error", timeout=10)
            self.refresh_articles()
        elif event.worker.name == "translate" and result is not None:
            summary = result
            self.refresh_articles()
            note = " (cancelled)" if getattr(summary, "cancelled", False) else ""
            self.notify(
                f"Translated {getattr(summary, 'decoded', 0)} sentences, {getattr(summary, 'from_memory', 0)} "
                f"from memory{note}." + "".join(f"\n{m}" for m in getattr(summary, "missing", [])),
                severity="warning" if getattr(summary, "missing", None) else "information",
                timeout=8,
            )
        elif event.worker.name == "retranslate" and result is not None:
            self.refresh_row(self.index)
            self.show_segment()

    def refresh_articles(self) -> None:
        table = self.articles_table
        known = {str(k.value) for k in table.rows}
        for info in self.review.articles():
            if info.id not in known:
                table.add_row(*self._article_cells(info.id), key=info.id)
        keys = [str(k.value) for k in table.rows]
        for row, key in enumerate(keys):
            for column, value in enumerate(self._article_cells(key)):
                table.update_cell_at(Coordinate(row, column), value)
        if self.article_id is None and keys:
            self.open_article(keys[0])
        elif self.article_id is not None:
            self.open_article(self.article_id, self.index)

    def check_external_changes(self) -> None:
        """Another process (a translate run, a second reviewer) saved the open article."""
        if self.article_id is None or self.editing_base is not None:
            return
        if self.review.changed_on_disk(self.article_id):
            self.review.reload(self.article_id)
            self.open_article(self.article_id, self.index)
            self.notify(f"{self.article_id} was changed by another process and has been reloaded.", timeout=5)

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
