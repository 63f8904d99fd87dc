"""The line-drawn rows under the segment table and the article list: what is drawn, the
cursor, keys and clicks, and redrawing one row."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from workbench.tui.rows import Column, Rows


class Listing(App[None]):
    def __init__(self, count: int = 100) -> None:
        super().__init__()
        self.values = [f"row {n}" for n in range(count)]
        self.events: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield Rows(lambda n: (str(n), Text(self.values[n], style="bold")), id="rows")

    def on_mount(self) -> None:
        rows = self.query_one(Rows)
        rows.set_columns([Column("n", "#", 3), Column("text", "Text", 12)])
        rows.reset(len(self.values))
        rows.focus()

    def on_rows_highlighted(self, event: Rows.Highlighted) -> None:
        self.events.append(("highlighted", event.row))

    def on_rows_selected(self, event: Rows.Selected) -> None:
        self.events.append(("selected", event.row))


def line(rows: Rows, y: int) -> str:
    rows.render_lines(rows.region.reset_offset)  # the styles of this paint
    return rows.render_line(y).text


async def test_keys_move_the_cursor_and_keep_it_in_sight() -> None:
    app = Listing()
    async with app.run_test(size=(40, 12)) as pilot:
        rows = app.query_one(Rows)
        assert line(rows, 0).split() == ["#", "Text"] and "row 0" in line(rows, 1)
        await pilot.press("down", "down")
        assert rows.cursor_row == 2 and app.events[-1] == ("highlighted", 2)
        await pilot.press("end")
        await pilot.pause()
        assert rows.cursor_row == 99 and rows.scroll_y > 80
        assert "row 99" in line(rows, rows.cursor_row - int(rows.scroll_y) + 1)
        await pilot.press("pageup")
        assert rows.cursor_row == 99 - rows.page
        await pilot.press("home", "enter")
        assert rows.cursor_row == 0 and rows.scroll_y == 0 and app.events[-1] == ("selected", 0)


async def test_a_click_moves_the_cursor_and_a_second_selects() -> None:
    app = Listing()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.click(Rows, offset=(5, 4))  # line 4: below the header, rows 0, 1, 2, then 3
        assert app.events[-1] == ("highlighted", 3)
        await pilot.click(Rows, offset=(5, 4))
        assert app.events[-1] == ("selected", 3)
        await pilot.click(Rows, offset=(5, 0))  # the header selects nothing
        assert app.events[-1] == ("selected", 3) and app.query_one(Rows).cursor_row == 3


async def test_a_changed_row_is_drawn_again_only_when_told() -> None:
    app = Listing()
    async with app.run_test(size=(40, 12)):
        rows = app.query_one(Rows)
        assert "row 3" in line(rows, 4)
        app.values[3] = "changed"
        assert "row 3" in line(rows, 4)  # drawn lines are kept
        rows.refresh_row(3)
        assert "changed" in line(rows, 4)


async def test_cells_are_cut_to_their_column_with_an_ellipsis() -> None:
    app = Listing(3)
    app.values[1] = "Государственные органы Франции"  # longer than the column's 12 cells
    async with app.run_test(size=(40, 12)):
        drawn = line(app.query_one(Rows), 2)
        assert "Государстве…" in drawn and "органы" not in drawn
        assert len(drawn) == app.query_one(Rows).scrollable_content_region.width
