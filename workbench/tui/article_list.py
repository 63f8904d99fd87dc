"""The article list: title (clipped), language and progress, one row per article."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable

from workbench.review.library import ArticleInfo
from workbench.tui.text import clip

LANG_WIDTH = 4
DONE_WIDTH = 7  # "999/999"; longer counts widen the column


class ArticleList(Widget):
    class Selected(Message):
        """The reviewer chose an article (Enter or click)."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.infos: dict[str, ArticleInfo] = {}
        self.titles: dict[str, str] = {}
        self.title_width = 16

    def compose(self) -> ComposeResult:
        table: DataTable[Text | str] = DataTable(cursor_type="row", zebra_stripes=False, id="articles-table")
        yield table

    @property
    def table(self) -> DataTable[Text | str]:
        return self.query_one("#articles-table", DataTable)

    @property
    def ids(self) -> list[str]:
        return [str(k.value) for k in self.table.rows]

    def _cells(self, article_id: str) -> tuple[Text | str, ...]:
        info = self.infos[article_id]
        title = Text(clip(self.titles.get(article_id, article_id), self.title_width))  # never markup
        done = f"{info.reviewed}/{info.segments}"
        return (title, info.language or "?", done) if self.languages else (title, done)

    languages = True  # the language column, where the list is wide enough to keep titles readable

    def _columns(self) -> None:
        table = self.table
        # inside the border, less the language and progress columns, 2 cells of padding
        # each, and one for the scrollbar's edge
        width = self.content_region.width or 33
        self.languages = width >= 40  # below, the title's cells matter more (the header names the language)
        language = LANG_WIDTH + 2 if self.languages else 0
        self.title_width = max(width - language - (DONE_WIDTH + 2) - 2 - 1, 6)
        table.clear(columns=True)
        table.add_column("Article", width=self.title_width, key="article")
        if self.languages:
            table.add_column("Lang", width=LANG_WIDTH, key="lang")
        table.add_column("Done", width=DONE_WIDTH, key="done")

    def show(self, infos: Iterable[ArticleInfo], titles: dict[str, str]) -> None:
        """List these articles, keeping the cursor on the article it was on."""
        current = self.current
        self.infos = {info.id: info for info in infos}
        self.titles = titles
        self._columns()
        for article_id in self.infos:
            self.table.add_row(*self._cells(article_id), key=article_id)
        if current is not None:
            self.select(current)

    def update(self, info: ArticleInfo, titles: dict[str, str] | None = None) -> None:
        """One article's progress changed (or it is new)."""
        if (titles is not None and titles != self.titles) or info.id not in self.infos:
            self.infos[info.id] = info
            self.show(self.infos.values(), titles if titles is not None else self.titles)
            return
        self.infos[info.id] = info
        cells = self._cells(info.id)
        for key, cell in zip(("article", "lang", "done") if self.languages else ("article", "done"), cells, strict=True):
            self.table.update_cell(info.id, key, cell)

    @property
    def current(self) -> str | None:
        ids = self.ids
        row = self.table.cursor_row
        return ids[row] if 0 <= row < len(ids) else None

    def select(self, article_id: str) -> None:
        ids = self.ids
        if article_id in ids:
            self.table.move_cursor(row=ids.index(article_id))

    def step(self, article_id: str | None, step: int) -> str | None:
        """The article `step` places from this one, wrapping around."""
        ids = self.ids
        if not ids:
            return None
        if article_id not in ids:
            return ids[0]
        return ids[(ids.index(article_id) + step) % len(ids)]

    def on_resize(self) -> None:
        if self.infos:
            self.show(self.infos.values(), self.titles)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Selected(str(event.row_key.value)))
