"""The open article's segments, row by row: status, number, glossary flag, source, MT
(when the terminal is wide enough) and target.

Textual's DataTable does work in proportion to its rows on every change (row order and
offsets are rebuilt), so a 16,000-segment article would make each confirm cost a
noticeable pause. The table therefore holds a window of rows around the cursor and
slides it when the cursor reaches its edge; indexes in and out are the article's.
"""

from __future__ import annotations

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
}
FLAG = Text("⚠", style="bold red")
WIDE = 120  # from this many terminal columns the MT column shows
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
        self.flag: Callable[[SegmentRecord], bool] = lambda record: False
        self.start = 0  # the article index of the table's first row
        self.layout_key: tuple[bool, int, int] | None = None  # MT shown, text and number widths

    @property
    def index(self) -> int:
        """The article index of the segment under the cursor."""
        return self.start + self.cursor_row

    def _layout(self) -> tuple[bool, int, int]:
        width = self.content_region.width or self.size.width or 76
        text_columns = 3 if self.app.size.width >= WIDE else 2
        number = max(len(str(len(self.records))), 3)
        # status, number and flag take 1+number+1 cells, and every column 2 of padding
        column = max((width - number - 2 - 2 * (3 + text_columns) - 1) // text_columns, 8)
        return text_columns == 3, column, number

    def _cells(self, n: int) -> list[Text | str]:
        record = self.records[n]
        mt, width, _ = self.layout_key or (False, 8, 3)
        cells: list[Text | str] = [
            STATUS.get(record.status, STATUS["new"]),
            str(n + 1),
            FLAG if self.flag(record) else "",
            clip(record.source, width),
        ]
        if mt:
            cells.append(clip(record.mt, width))
        cells.append(clip(record.target, width))
        return cells

    def _columns(self) -> None:
        self.layout_key = self._layout()
        mt, width, number = self.layout_key
        self.clear(columns=True)
        self.add_column(" ", width=1, key="status")
        self.add_column("#", width=number, key="n")
        self.add_column("!", width=1, key="flag")
        self.add_column("Source", width=width, key="source")
        if mt:
            self.add_column("MT", width=width, key="mt")
        self.add_column("Target", width=width, key="target")

    def show(
        self, records: Sequence[SegmentRecord], flag: Callable[[SegmentRecord], bool], cursor: int = 0
    ) -> None:
        """Show these segments with the cursor on `cursor`; `flag` marks a row (glossary)."""
        self.records = list(records)
        self.flag = flag
        self._fill(cursor)

    def _fill(self, cursor: int) -> None:
        cursor = min(max(cursor, 0), max(len(self.records) - 1, 0))
        self.start = max(0, min(cursor - WINDOW // 2, len(self.records) - WINDOW))
        # a rebuild is not the reviewer moving: clearing would report row 0 highlighted
        # and end an edit in progress
        with self.prevent(DataTable.RowHighlighted):
            self._columns()
            end = min(self.start + WINDOW, len(self.records))
            self.add_rows(self._cells(n) for n in range(self.start, end))
            if self.records:
                self.move_cursor(row=cursor - self.start, animate=False)

    def go_to(self, index: int) -> None:
        """Put the cursor on the segment at this article index."""
        if not self.records:
            return
        index = min(max(index, 0), len(self.records) - 1)
        if not self.start <= index < self.start + self.row_count:
            self._fill(index)
            self.post_message(self.Moved(index))
        else:
            self.move_cursor(row=index - self.start)

    def update_segment(self, index: int, record: SegmentRecord) -> None:
        if not 0 <= index < len(self.records):
            return
        self.records[index] = record
        row = index - self.start
        if not 0 <= row < self.row_count:
            return  # outside the window: drawn when the window gets there
        for column, value in enumerate(self._cells(index)):
            self.update_cell_at((row, column), value)  # type: ignore[arg-type]

    def on_resize(self) -> None:
        # across the MT breakpoint the columns change: rebuild them from the rows kept
        if self.layout_key is not None and self._layout() != self.layout_key:
            self._fill(self.index)

    def action_scroll_top(self) -> None:
        self.go_to(0)  # the article's first segment, not the window's

    def action_scroll_bottom(self) -> None:
        self.go_to(len(self.records) - 1)

    @on(DataTable.RowHighlighted)
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        index = self.start + event.cursor_row
        near_top = event.cursor_row < MARGIN and self.start > 0
        near_bottom = event.cursor_row >= self.row_count - MARGIN and self.start + self.row_count < len(
            self.records
        )
        if near_top or near_bottom:
            self._fill(index)
        self.post_message(self.Moved(index))

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(self.start + event.cursor_row))
