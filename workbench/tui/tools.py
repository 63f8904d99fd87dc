"""The review screen's tools beside editing: the translation memory, the glossary, removed
lines and batch translation; every action asks the session and shows what it answers."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.glossary.spans import unknown_name
from workbench.model import Article
from workbench.review.work import PreparedSources, Translated
from workbench.tui.base import ReviewBase
from workbench.tui.dialogs import GlossaryDialog, MemoryDialog, RemovedDialog
from workbench.tui.text import describe


class Tools(ReviewBase):
    # -- memory ------------------------------------------------------------------------------

    def action_memory(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return
        try:
            matches = self.session.matches(article, record)
        except WorkbenchError as exc:
            self.notify(describe(exc), severity="error", timeout=10)
            return

        def insert(target: str | None) -> None:
            if target is not None:
                self.edit_text(article, record.id, target)

        self.app.push_screen(MemoryDialog(record.source, matches), insert)

    # -- glossary ------------------------------------------------------------------------------

    def action_glossary_add(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return
        language = self.session.document(article).source_language or "fr"
        known = [(h.start, h.end) for h in self.session.glossary_view(article, record).source_hits]

        def save(values: dict[str, str] | None) -> None:
            if values is None:
                return
            try:
                entry, path = self.session.add_glossary_entry(
                    values["form"], values["english"], values["type"], values["note"], language
                )
            except WorkbenchError as exc:
                self.notify(exc.message, severity="error")
                return
            self.notify(f"Added {entry.en} to {path.name}.", timeout=3)
            self.table.redraw()  # every row's mark follows the glossary
            self.show_segment()

        self.app.push_screen(
            GlossaryDialog(unknown_name(record.source, known) or "", language, record.source), save
        )

    # -- removed lines ----------------------------------------------------------------------------

    def action_removed(self) -> None:
        self._commands()
        article = self.cursor.article
        if article is None:
            return
        document = self.session.document(article)

        def restore(line: int | None) -> None:
            if line is None:
                return
            self.work.run(
                f"Restoring line {line}",
                self.session.restoration(article),
                lambda prepared: self.restored(article, line, prepared),
            )

        self.app.push_screen(RemovedDialog(document.removed, document.restored), restore)

    def restored(self, article: str, line: int, prepared: tuple[Article, str]) -> None:
        try:
            applied = self.session.restore(article, line, prepared)
        except WorkbenchError as exc:
            self.notify(exc.message, severity="error")
            return
        self._report(applied)
        self.notify(f"Line {line} restored as a new segment; u takes it out again.", timeout=3)

    # -- batch work -------------------------------------------------------------------------------

    def start_preparing(self, sources: list[Path]) -> None:
        work = self.work
        work.run(
            f"Cleaning {len(sources)} new articles",
            self.session.preparation(sources, work.progress),
            self.prepared,
            long=True,
        )

    def prepared(self, result: PreparedSources) -> None:
        for problem in result.problems:
            self.report_problem(problem)
        self.session.take_prepared(result)
        self.article_list.show(self.session.articles(), self.session.titles())
        if self.cursor.article is None and self.article_list.ids:
            self.go(self.article_list.ids[0])
        elif self.cursor.article is not None:
            self.refresh_article(self.cursor.article)

    def action_translate_article(self) -> None:
        self._commands()
        if self.cursor.article:
            self.translate([self.cursor.article], f"Translating {self._title(self.cursor.article)}")

    def action_translate_all(self) -> None:
        self._commands()
        self.translate(None, "Translating every article")

    def translate(self, articles: list[str] | None, label: str) -> None:
        work = self.work
        try:
            job = self.session.translation(articles, work.progress, work.cancel)
        except (WorkbenchError, KeyError) as exc:
            self.notify(describe(exc), severity="error")
            return
        work.run(label, job, self.translated, long=True)

    def translated(self, result: Translated) -> None:
        self.session.take_translated(result)
        for article in result.documents:
            self.refresh_article(article)
        summary = result.summary
        note = " (cancelled)" if summary.cancelled else ""
        self.notify(
            f"Translated {summary.decoded} sentences, {summary.from_memory} from memory{note}."
            + "".join(f"\n{m}" for m in summary.missing),
            severity="warning" if summary.missing else "information",
            timeout=8,
        )

    def action_cancel_work(self) -> None:
        self._commands()
        self.work.stop()
