"""The open article's segments, row by row: status, number, glossary flag, source, MT
(when the table is wide enough) and target."""

from __future__ import annotations

from collections.abc import Sequence

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
        self.flags: list[bool] = []
        self.layout_key: tuple[bool, int] | None = None  # (MT shown, text column width)

    @property
    def shows_mt(self) -> bool:
        return bool(self.layout_key and self.layout_key[0])

    def _layout(self) -> tuple[bool, int]:
        width = self.content_region.width or self.size.width or 76
        text_columns = 3 if self.app.size.width >= WIDE else 2
        # status, number and flag take 1+3+1 cells, and every column 2 of padding
        column = max((width - 5 - 2 * (3 + text_columns) - 1) // text_columns, 8)
        return text_columns == 3, column

    def _cells(self, n: int) -> list[Text | str]:
        record = self.records[n]
        mt, width = self.layout_key or (False, 8)
        cells: list[Text | str] = [
            STATUS.get(record.status, STATUS["new"]),
            str(n + 1),
            FLAG if self.flags[n] else "",
            clip(record.source, width),
        ]
        if mt:
            cells.append(clip(record.mt, width))
        cells.append(clip(record.target, width))
        return cells

    def _columns(self) -> None:
        self.layout_key = self._layout()
        mt, width = self.layout_key
        self.clear(columns=True)
        self.add_column(" ", width=1, key="status")
        self.add_column("#", width=3, key="n")
        self.add_column("!", width=1, key="flag")
        self.add_column("Source", width=width, key="source")
        if mt:
            self.add_column("MT", width=width, key="mt")
        self.add_column("Target", width=width, key="target")

    def show(self, records: Sequence[SegmentRecord], flags: Sequence[bool], cursor: int = 0) -> None:
        """Show these segments with the cursor on `cursor`."""
        self.records = list(records)
        self.flags = list(flags)
        # a rebuild is not the reviewer moving: clearing would report row 0 highlighted
        # and end an edit in progress
        with self.prevent(DataTable.RowHighlighted):
            self._columns()
            self.add_rows(self._cells(n) for n in range(len(self.records)))
            if self.records:
                self.move_cursor(row=min(max(cursor, 0), len(self.records) - 1), animate=False)

    def update_segment(self, index: int, record: SegmentRecord, flag: bool) -> None:
        if not 0 <= index < len(self.records):
            return
        self.records[index] = record
        self.flags[index] = flag
        for column, value in enumerate(self._cells(index)):
            self.update_cell_at((index, column), value)  # type: ignore[arg-type]

    def on_resize(self) -> None:
        # across the MT breakpoint the columns change: rebuild them from the rows kept
        if self.layout_key is not None and self._layout() != self.layout_key:
            self.show(self.records, self.flags, self.cursor_row)

    @on(DataTable.RowHighlighted)
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.Moved(event.cursor_row))

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(event.cursor_row))
