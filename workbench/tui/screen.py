"""The review screen: articles on the left; the open article's segments (source | MT | target,
row by row) on the right; the current segment in full below, its target editable.

It renders the app's review session and turns keys into its actions. Keys that move the
focus (edit, confirm, leave the editor) are priority bindings: they act while the key is
dispatched, so the keys typed after them already go where the reviewer now looks. The
other single-letter commands are priority bindings too, which step aside (SkipAction)
while a text field has the focus.
"""

from __future__ import annotations

import gc

from textual.actions import SkipAction

from workbench.errors import WorkbenchError
from workbench.review.checks import Checks
from workbench.review.session import Loaded
from workbench.tui.checking import Checking
from workbench.tui.commands import bindings
from workbench.tui.editing import Editing
from workbench.tui.finding import Finding
from workbench.tui.tools import Tools

WATCH_SECONDS = 2.0


class ReviewScreen(Editing, Checking, Tools, Finding):
    # the article list hides below 100 columns and widens from 160; the MT column shows from
    # 160 (SegmentTable)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal"), (120, "-wide"), (160, "-very-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    BINDINGS = bindings()  # type: ignore[assignment]

    watch_interval = WATCH_SECONDS

    def on_mount(self) -> None:
        """Open the session (replaying what ended sessions left), list the articles, open
        the first, and clean the new sources behind."""
        session = self.session
        try:
            articles = session.open()
        except WorkbenchError as exc:
            self.notify(exc.message, severity="error", timeout=30)
            articles = []
        self.article_list.border_title = "Articles"
        self.article_list.show(articles, session.titles())
        self.table.border_title = "Segments"
        self._corpus_words()
        for problem in session.problems:
            title = "Recovered" if problem.startswith("Recovered") else "Skipped"
            self.report_problem(problem, "Not written yet" if "wait in the journal" in problem else title)
        if articles:
            self.go(*(session.last_place() or (articles[0].id, 0)))  # where the translator stopped
        self.table.focus()
        self.call_after_refresh(self.behind_first_frame, bool(articles))
        if self.watch_interval:
            self.set_interval(self.watch_interval, self.check_external_changes)

    def behind_first_frame(self, any_articles: bool) -> None:
        """What waits for the first frame (a worker thread holding the GIL would delay it):
        the checks, which show on screen, then every article, so that repetitions, filters and
        search span the corpus; and the new sources in seeds/, cleaned behind."""
        session = self.session
        self.work.run("Loading the checks", session.qa_building(), self.qa_loaded, after=self.read_corpus)
        pending = session.unprepared_sources()
        if pending:
            self.start_preparing(pending)
        elif not any_articles:
            self.notify(
                f"No articles in {session.project.root}: put article files in seeds/ or run `workbench translate`.",
                severity="warning",
                timeout=15,
            )

    def read_corpus(self) -> None:
        self.work.run("Reading every article", self.session.loading(), self.corpus_read)

    def corpus_read(self, loaded: Loaded) -> None:
        self.session.take_loaded(loaded)
        # The corpus, read once and kept, is most of the process's objects (about a million
        # for 30,000 segments): out of the collector's sight, a full collection no longer
        # stops a key press for 0.4 s every few hundred presses.
        gc.freeze()

    def qa_loaded(self, checks: Checks) -> None:
        self.session.take_qa(checks)
        if self.session.qa_problem:
            self.notify(self.session.qa_problem, severity="warning", timeout=20)
        self.table.redraw()  # the rows' glossary marks
        self.show_checks()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows what applies: Done only while editing, the rest otherwise."""
        editing = self.detail.editing is not None if self.is_mounted else False
        if action == "done":
            return editing
        return not editing or action in ("confirm", "keys", "concordance", "replace", "add_word")

    def check_external_changes(self) -> None:
        """Another process (a translate run, a second reviewer) saved the open article: the
        session reads it again behind; an open editor stays open."""
        if self.cursor.article is not None:
            self.session.check_external(self.cursor.article)

    def action_quit(self) -> None:
        if self.detail.editing is not None:
            raise SkipAction()  # q is a letter in the editor
        self._commands()
        self.remember_place()
        self.app.exit()
