"""The open article's segments, row by row: status, number, glossary flag, source, MT
(when the terminal is wide enough) and target.

Textual's DataTable does work in proportion to its rows on every change (row order and
offsets are rebuilt), so a 16,000-segment article would make each confirm cost a
noticeable pause. The table therefore holds a window of rows around the cursor and
slides it when the cursor reaches its edge; indexes in and out are the article's.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import DataTable

from workbench.store import SegmentRecord
from workbench.tui.text import clip

STATUS = {
    "new": Text("·", style="dim"),
    "machine": Text("M", style="bold cyan"),
    "edited": Text("E", style="bold yellow"),
    "reviewed": Text("✓", style="bold green"),
    "approved": Text("A", style="bold magenta"),
    "rejected": Text("R", style="bold red"),
}
FLAG = Text("⚠", style="bold red")
WIDE = 160  # from this many terminal columns the MT column shows (below, the detail pane has it)
WINDOW = 300  # rows held by the table at once
MARGIN = 20  # the window slides when the cursor comes this close to an edge it can pass


class SegmentTable(DataTable[Text | str]):
    """Rows are keyed by position, not segment id: a file holding an id twice must still show."""

    class Moved(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Chosen(Message):
        """Enter on a row: the reviewer wants to edit it."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.records: list[SegmentRecord] = []
        self.shown: list[int] = []  # the article indexes the table lists (a filter shows some)
        self.flag: Callable[[SegmentRecord], bool] = lambda record: False
        self.start = 0  # the position (in `shown`) of the table's first row
        self.layout_key: tuple[bool, int, int] | None = None  # MT shown, text and number widths

    @property
    def index(self) -> int:
        """The article index of the segment under the cursor."""
        if not self.shown:
            return 0
        return self.shown[min(self.start + self.cursor_row, len(self.shown) - 1)]

    def _place(self, index: int) -> int:
        """The position in `shown` of this article index, or of the nearest one listed."""
        if not self.shown:
            return 0
        position = bisect.bisect_left(self.shown, index)
        if position < len(self.shown) and self.shown[position] == index:
            return position
        return min(position, len(self.shown) - 1)

    def _layout(self) -> tuple[bool, int, int]:
        width = self.content_region.width or self.size.width or 76
        text_columns = 3 if self.app.size.width >= WIDE else 2
        number = max(len(str(len(self.records))), 3)
        # status, number and flag take 1+number+1 cells, and every column 2 of padding
        column = max((width - number - 2 - 2 * (3 + text_columns) - 1) // text_columns, 8)
        return text_columns == 3, column, number

    def _cells(self, position: int) -> list[Text | str]:
        n = self.shown[position]
        record = self.records[n]
        mt, width, _ = self.layout_key or (False, 8, 3)
        cells: list[Text | str] = [
            STATUS.get(record.status, STATUS["new"]),
            str(n + 1),
            FLAG if self.flag(record) else "",
            Text(clip(record.source, width)),  # Text, not str: a str cell is read as markup
        ]
        if mt:
            cells.append(Text(clip(record.mt, width)))
        cells.append(Text(clip(record.target, width)))
        return cells

    def _columns(self) -> None:
        key = self._layout()
        if key == self.layout_key and self.columns:
            self.clear()  # the same columns: only the rows go (columns again cost a layout)
            return
        self.layout_key = key
        mt, width, number = key
        self.clear(columns=True)
        self.add_column(" ", width=1, key="status")
        self.add_column("#", width=number, key="n")
        self.add_column("!", width=1, key="flag")
        self.add_column("Source", width=width, key="source")
        if mt:
            self.add_column("MT", width=width, key="mt")
        self.add_column("Target", width=width, key="target")

    def show(
        self,
        records: Sequence[SegmentRecord],
        flag: Callable[[SegmentRecord], bool],
        cursor: int = 0,
        shown: Sequence[int] | None = None,
    ) -> None:
        """Show these segments (those at `shown` only, when a filter is on) with the cursor
        on article index `cursor`; `flag` marks a row (glossary, conflict)."""
        self.records = list(records)
        self.shown = sorted(shown) if shown is not None else list(range(len(self.records)))
        self.flag = flag
        self._fill(self._place(cursor))

    def _fill(self, position: int) -> None:
        position = min(max(position, 0), max(len(self.shown) - 1, 0))
        self.start = max(0, min(position - WINDOW // 2, len(self.shown) - WINDOW))
        # a rebuild is not the reviewer moving: clearing would report row 0 highlighted
        # and end an edit in progress
        with self.prevent(DataTable.RowHighlighted):
            self._columns()
            end = min(self.start + WINDOW, len(self.shown))
            self.add_rows(self._cells(p) for p in range(self.start, end))
            if self.shown:
                self.move_cursor(row=position - self.start, animate=False)

    def go_to(self, index: int) -> None:
        """Put the cursor on the segment at this article index (or the nearest one listed)."""
        if not self.shown:
            return
        position = self._place(index)
        if not self.start <= position < self.start + self.row_count:
            self._fill(position)
            self.post_message(self.Moved(self.shown[position]))
        else:
            self.move_cursor(row=position - self.start)

    def update_segment(self, index: int, record: SegmentRecord) -> None:
        if not 0 <= index < len(self.records):
            return
        self.records[index] = record
        position = self._place(index)
        row = position - self.start
        if self.shown[position] != index or not 0 <= row < self.row_count:
            return  # not listed, or outside the window: drawn when the window gets there
        for column, value in enumerate(self._cells(position)):
            self.update_cell_at((row, column), value)  # type: ignore[arg-type]

    def on_resize(self) -> None:
        # across the MT breakpoint the columns change: rebuild them from the rows kept
        if self.layout_key is not None and self._layout() != self.layout_key:
            self._fill(self._place(self.index))
        elif self.row_count:
            # shorter (the editor below grew): the current row stays in sight
            with self.prevent(DataTable.RowHighlighted):
                self.call_after_refresh(self.move_cursor, row=self.cursor_row, animate=False, scroll=True)

    def action_scroll_top(self) -> None:
        if self.shown:
            self.go_to(self.shown[0])  # the article's first segment, not the window's

    def action_scroll_bottom(self) -> None:
        if self.shown:
            self.go_to(self.shown[-1])

    @on(DataTable.RowHighlighted)
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        position = self.start + event.cursor_row
        if not 0 <= position < len(self.shown):
            return
        near_top = event.cursor_row < MARGIN and self.start > 0
        near_bottom = event.cursor_row >= self.row_count - MARGIN and self.start + self.row_count < len(self.shown)
        if near_top or near_bottom:
            self._fill(position)
        self.post_message(self.Moved(self.shown[position]))

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        position = self.start + event.cursor_row
        if 0 <= position < len(self.shown):
            self.post_message(self.Chosen(self.shown[position]))
