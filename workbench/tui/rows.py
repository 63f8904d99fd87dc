"""Rows of cells under a header, drawn a line at a time (Textual's line API), one row per
line, with a row cursor.

Why not DataTable: it renders every cell through Rich's console (a Padding per cell) and
rebuilds its row order and offsets on every change. Opening an article refilled and
re-rendered all its rows, and listing a thousand articles added a thousand rows before the
first screen: most of a key press's cost and of the start. Rows asks its owner for a row's
cells only when the row is drawn, draws them as one line of text, and keeps the lines it
drew until told a row changed; a 16,000-segment article costs what its visible rows cost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cell = Text | str
PADDING = 1  # cells of space either side of a column, as DataTable draws them
KEPT = 2000  # drawn lines kept; past this the cache starts again (a resize or theme redraws anyway)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int

    @property
    def render_width(self) -> int:
        return self.width + 2 * PADDING


class Rows(ScrollView, can_focus=True):
    """A row cursor over `row_count` rows whose cells `cells(row)` gives when one is drawn."""

    COMPONENT_CLASSES = {"rows--header", "rows--cursor"}

    DEFAULT_CSS = """
    Rows {
        overflow-x: hidden;  /* the owner fits the columns to the width */
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .rows--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .rows--header {
                background-tint: $foreground 5%;
            }
        }
        & > .rows--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .rows--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    BINDINGS = [
        Binding("enter", "select", "Select", show=False),
        Binding("up", "step(-1)", "Up", show=False),
        Binding("down", "step(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("ctrl+home,home", "first", "First", show=False),
        Binding("ctrl+end,end", "last", "Last", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved to a row (by a key or a click)."""

        def __init__(self, rows: Rows, row: int) -> None:
            super().__init__()
            self.rows = rows
            self.row = row

        @property
        def control(self) -> Rows:
            return self.rows

    class Selected(Message):
        """Enter on a row, or a click on the row under the cursor."""

        def __init__(self, rows: Rows, row: int) -> None:
            super().__init__()
            self.rows = rows
            self.row = row

        @property
        def control(self) -> Rows:
            return self.rows

    def __init__(self, cells: Callable[[int], Sequence[Cell]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cells = cells
        self.columns: dict[str, Column] = {}
        self.row_count = 0
        self.cursor_row = 0
        self._lines: dict[int, Strip] = {}

    # -- what is listed --------------------------------------------------------------------------

    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = {c.key: c for c in columns}
        self._lines.clear()
        self._resize()

    def reset(self, row_count: int, cursor: int = 0) -> None:
        """New rows (all of them): drawn again from `cells`, the cursor on `cursor`, said to
        no one (the owner put it there)."""
        self.row_count = row_count
        self._lines.clear()
        self._resize()
        self.move_cursor(cursor, announce=False, force=True)

    def refresh_row(self, row: int) -> None:
        """Row `row`'s cells changed: draw it again."""
        self._lines.pop(row, None)
        self._refresh_line(row)

    def redraw(self) -> None:
        """Draw every row again (what the cells callback reads has changed)."""
        self._lines.clear()
        self.refresh()

    def get_row_at(self, row: int) -> list[Cell]:
        return list(self.cells(row))

    def _resize(self) -> None:
        width = sum(c.render_width for c in self.columns.values())
        self.virtual_size = Size(width, self.row_count + 1)  # the header is line 0
        self.refresh()

    # -- the cursor ------------------------------------------------------------------------------

    def move_cursor(self, row: int, *, announce: bool = True, force: bool = False) -> None:
        row = min(max(row, 0), max(self.row_count - 1, 0))
        old, self.cursor_row = self.cursor_row, row
        self._refresh_line(old)
        self._refresh_line(row)
        self.scroll_to_cursor()
        if announce and self.row_count and (row != old or force):
            self.post_message(self.Highlighted(self, row))

    @property
    def page(self) -> int:
        """Rows in sight below the header."""
        return max(self.scrollable_content_region.height - 1, 1)

    def scroll_to_cursor(self) -> None:
        top = self.scroll_y
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + self.page:
            self.scroll_to(y=self.cursor_row - self.page + 1, animate=False, immediate=True)

    def action_step(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step * self.page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.row_count - 1)

    def action_select(self) -> None:
        if self.row_count:
            self.post_message(self.Selected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return  # the header
        row = int(self.scroll_y) + offset.y - 1
        if not 0 <= row < self.row_count:
            return
        if row == self.cursor_row:
            self.action_select()
        else:
            self.move_cursor(row)

    def on_resize(self) -> None:
        self.call_after_refresh(self.scroll_to_cursor)  # shorter: the cursor's row stays in sight

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # a theme's colours are in the drawn lines

    # -- drawing ---------------------------------------------------------------------------------

    def _refresh_line(self, row: int) -> None:
        y = row - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh_lines(y)

    def render_lines(self, crop: Region) -> list[Strip]:
        # the styles once per paint, not per line (each is a walk up the DOM)
        base = self.rich_style
        self._styles = (
            base,
            base + self.get_component_rich_style("rows--header"),
            base + self.get_component_rich_style("rows--cursor"),
        )
        return super().render_lines(crop)

    _styles: tuple[Style, Style, Style] | None = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base, header, cursor = self._styles or (self.rich_style,) * 3
        scroll_x = int(self.scroll_x)
        if y == 0:
            strip, style = self._draw([c.label for c in self.columns.values()]), header
        else:
            row = int(self.scroll_y) + y - 1
            if not 0 <= row < self.row_count:
                return Strip.blank(width, base)
            kept = self._lines.get(row)
            if kept is None:
                if len(self._lines) > KEPT:
                    self._lines.clear()
                kept = self._lines[row] = self._draw(self.cells(row))
            strip = kept
            style = cursor if row == self.cursor_row else base
        # under the cells' own styles (a status letter keeps its colour on the cursor's row)
        return strip.apply_style(style).crop_extend(scroll_x, scroll_x + width, base)

    def _draw(self, cells: Sequence[Cell]) -> Strip:
        segments: list[Segment] = []
        for column, cell in zip(self.columns.values(), cells, strict=False):
            segments.extend(self._cell(cell, column.width))
        return Strip(segments, sum(c.render_width for c in self.columns.values()))

    def _cell(self, cell: Cell, width: int) -> list[Segment]:
        """One cell, padded to its column: a plain or one-style text as one segment, the
        rest through Rich."""
        pad = " " * PADDING
        if isinstance(cell, str) or not cell.spans:
            plain = cell if isinstance(cell, str) else cell.plain
            plain = " ".join(plain.split()) if "\n" in plain else plain
            if cell_len(plain) > width:
                plain = set_cell_size(plain, width - 1) + "…"
            style = None if isinstance(cell, str) else self.app.console.get_style(cell.style)
            return [Segment(pad + set_cell_size(plain, width) + pad, style or None)]
        text = cell.copy()
        text.truncate(width, overflow="ellipsis", pad=True)
        return [Segment(pad), *text.render(self.app.console), Segment(pad)]
