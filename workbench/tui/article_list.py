"""The article list: title (clipped), language and progress, one row per article."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget

from workbench.review.library import ArticleInfo
from workbench.tui.rows import Cell, Column, Rows
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
        self.ids: list[str] = []  # in the list's order
        self.rows: dict[str, int] = {}  # where each article is in it
        self.title_width = 16

    def compose(self) -> ComposeResult:
        yield Rows(self._cells, id="articles-table")

    @property
    def table(self) -> Rows:
        return self.query_one("#articles-table", Rows)

    def _cells(self, row: int) -> tuple[Cell, ...]:
        article_id = self.ids[row]
        info = self.infos[article_id]
        title = Text(clip(self.titles.get(article_id, article_id), self.title_width))  # never markup
        done = f"{info.reviewed}/{info.segments}"
        return (title, info.language or "?", done) if self.languages else (title, done)

    languages = True  # the language column, where the list is wide enough to keep titles readable

    def _columns(self) -> None:
        # inside the border, less the language and progress columns, 2 cells of padding
        # each, and one for the scrollbar's edge
        width = self.content_region.width or 33
        self.languages = width >= 40  # below, the title's cells matter more (the header names the language)
        language = LANG_WIDTH + 2 if self.languages else 0
        self.title_width = max(width - language - (DONE_WIDTH + 2) - 2 - 1, 6)
        self.table.set_columns(
            [Column("article", "Article", self.title_width)]
            + ([Column("lang", "Lang", LANG_WIDTH)] if self.languages else [])
            + [Column("done", "Done", DONE_WIDTH)]
        )

    def show(self, infos: Iterable[ArticleInfo], titles: dict[str, str]) -> None:
        """List these articles, keeping the cursor on the article it was on."""
        current = self.current
        self.infos = {info.id: info for info in infos}
        self.titles = titles
        self.ids = list(self.infos)
        self.rows = {a: n for n, a in enumerate(self.ids)}
        self._columns()
        self.table.reset(len(self.ids), self.rows.get(current, 0) if current is not None else 0)

    def show_progress(self, infos: Iterable[ArticleInfo], unreadable: int) -> None:
        """The corpus's progress in source words, under the list."""
        infos = list(infos)
        total, done = sum(i.words for i in infos), sum(i.words_done for i in infos)
        parts = [f"{done:,}/{total:,} words reviewed"] + (
            [f"{unreadable} unreadable file{'s' if unreadable > 1 else ''}"] if unreadable else []
        )
        subtitle = " · ".join(parts)
        if subtitle != self._progress:  # a border title set repaints the list, even unchanged
            self._progress = self.border_subtitle = subtitle

    _progress = ""

    def update(self, info: ArticleInfo, titles: dict[str, str] | None = None) -> None:
        """One article's progress changed (or it is new)."""
        if (titles is not None and titles != self.titles) or info.id not in self.infos:
            self.infos[info.id] = info
            self.show(self.infos.values(), titles if titles is not None else self.titles)
            return
        self.infos[info.id] = info
        self.table.refresh_row(self.rows[info.id])

    @property
    def current(self) -> str | None:
        row = self.table.cursor_row
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def select(self, article_id: str) -> None:
        if article_id in self.rows:
            self.table.move_cursor(self.rows[article_id], announce=False)

    def step(self, article_id: str | None, step: int) -> str | None:
        """The article `step` places from this one, wrapping around."""
        if not self.ids:
            return None
        if article_id not in self.rows:
            return self.ids[0]
        return self.ids[(self.rows[article_id] + step) % len(self.ids)]

    def on_resize(self) -> None:
        if self.infos:
            self._columns()

    @on(Rows.Highlighted)
    def _highlighted(self, event: Rows.Highlighted) -> None:
        event.stop()  # moving through the list opens nothing: Enter or a click does

    @on(Rows.Selected)
    def _selected(self, event: Rows.Selected) -> None:
        event.stop()
        self.post_message(self.Selected(self.ids[event.row]))
