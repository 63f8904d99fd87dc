"""The open article's segments, row by row: status, number, glossary flag, source, MT
(when the terminal is wide enough) and target. Rows are drawn as they come into sight
(see `rows`), so an article of 16,000 segments opens and moves as fast as one of thirty;
indexes in and out are the article's.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.message import Message

from workbench.store import SegmentRecord
from workbench.tui.rows import Cell, Column, Rows
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


class SegmentTable(Rows):
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
        super().__init__(self._cells, id=id)
        self.records: list[SegmentRecord] = []
        self.shown: list[int] = []  # the article indexes the table lists (a filter shows some)
        self.flag: Callable[[SegmentRecord], bool] = lambda record: False
        self.layout_key: tuple[bool, int, int] | None = None  # MT shown, text and number widths

    @property
    def index(self) -> int:
        """The article index of the segment under the cursor."""
        if not self.shown:
            return 0
        return self.shown[min(self.cursor_row, len(self.shown) - 1)]

    def _place(self, index: int) -> int:
        """The row of this article index, or of the nearest one listed."""
        if not self.shown:
            return 0
        position = bisect.bisect_left(self.shown, index)
        if position < len(self.shown) and self.shown[position] == index:
            return position
        return min(position, len(self.shown) - 1)

    def _layout(self) -> tuple[bool, int, int]:
        width = self.scrollable_content_region.width or self.size.width or 76
        text_columns = 3 if self.app.size.width >= WIDE else 2
        number = max(len(str(len(self.records))), 3)
        # status, number and flag take 1+number+1 cells, and every column 2 of padding
        column = max((width - number - 2 - 2 * (3 + text_columns) - 1) // text_columns, 8)
        return text_columns == 3, column, number

    def _cells(self, row: int) -> list[Cell]:
        n = self.shown[row]
        record = self.records[n]
        mt, width, _ = self.layout_key or (False, 8, 3)
        cells: list[Cell] = [
            STATUS.get(record.status, STATUS["new"]),
            str(n + 1),
            FLAG if self.flag(record) else "",
            Text(clip(record.source, width)),  # never markup
        ]
        if mt:
            cells.append(Text(clip(record.mt, width)))
        cells.append(Text(clip(record.target, width)))
        return cells

    def _columns(self) -> None:
        key = self._layout()
        if key == self.layout_key and self.columns:
            return
        self.layout_key = key
        mt, width, number = key
        self.set_columns(
            [Column("status", " ", 1), Column("n", "#", number), Column("flag", "!", 1), Column("source", "Source", width)]
            + ([Column("mt", "MT", width)] if mt else [])
            + [Column("target", "Target", width)]
        )

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
        self._columns()
        self.reset(len(self.shown), self._place(cursor))

    def go_to(self, index: int) -> None:
        """Put the cursor on the segment at this article index (or the nearest one listed)."""
        if self.shown:
            self.move_cursor(self._place(index), announce=False)

    def update_segment(self, index: int, record: SegmentRecord) -> None:
        if not 0 <= index < len(self.records):
            return
        self.records[index] = record
        position = self._place(index)
        if self.shown and self.shown[position] == index:
            self.refresh_row(position)

    def on_resize(self) -> None:
        super().on_resize()
        # across the MT breakpoint, or wider or narrower, the columns change
        if self.layout_key is not None and self._layout() != self.layout_key:
            self._columns()

    @on(Rows.Highlighted)
    def _moved(self, event: Rows.Highlighted) -> None:
        event.stop()
        if 0 <= event.row < len(self.shown):
            self.post_message(self.Moved(self.shown[event.row]))

    @on(Rows.Selected)
    def _chosen(self, event: Rows.Selected) -> None:
        event.stop()
        if 0 <= event.row < len(self.shown):
            self.post_message(self.Chosen(self.shown[event.row]))
