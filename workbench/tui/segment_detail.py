"""The current segment in full: source with its glossary entities, MT, and the target,
which turns into an editor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Label, TextArea
from textual.widgets.text_area import TextAreaTheme

from workbench.glossary.match import Hit, whole_words
from workbench.qa import Finding
from workbench.review.checks import GlossaryView
from workbench.store import SegmentRecord
from workbench.tui.text import diff_text, highlight


class Pane(Widget):
    """Wrapped text that asks for a new layout only when its height must change.

    Static.update re-lays out the whole screen on every call, and a layout is most of the
    cost of a key press. A pane grows to fit a longer text and does not shrink back until
    `fit` is called (when the translator rests in a newly opened article), so moving between
    segments and articles soon only repaints.
    """

    text: reactive[Text] = reactive(Text(""), layout=False)

    def __init__(self, *, id: str, max_lines: int = 8, short: int = 3) -> None:
        super().__init__(id=id)
        self.tall, self.short = max_lines, short

    @property
    def max_lines(self) -> int:
        # below 30 rows the editor keeps its three lines: the other panes give way
        return self.short if self.app.size.height < SHORT else self.tall

    def render(self) -> Text:
        return self.text

    def update(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text(text)
        self._grow()

    def on_resize(self) -> None:
        self._grow()  # the first update may come before the pane had a width

    def _grow(self, fit: bool = False) -> None:
        width = self.content_region.width or self.size.width
        if width > 0:
            lines = len(self.text.wrap(self.app.console, width)) if self.text.plain else 1
            lines = max(1, min(lines, self.max_lines))
            height = self.styles.height
            if height is None or height.value < lines or height.value > self.max_lines or (fit and height.value != lines):
                self.styles.height = lines

    def fit(self) -> None:
        """Take the height of the text shown, shrinking if it is shorter."""
        self._grow(fit=True)


WORD = regex.compile(r"\w+|[^\w\s]+", regex.V1)  # a word, or a run of punctuation


class TargetEditor(TextArea):
    """The target of the current segment. The keys that leave it (confirm, done) are the
    review screen's priority bindings, so that they act while the key is dispatched and the
    next key already goes where the reviewer now looks.

    Word motion stops at words and at runs of punctuation, as other editors do (TextArea's
    own skips a word and the punctuation stuck to it); Ctrl+A selects all."""

    cursor_blink = False  # steady for screenshots and for people who dislike blinking

    # misspellings are drawn through TextArea's highlight map, which its themes style by name
    THEME = TextAreaTheme(name="workbench", syntax_styles={"spelling": Style(color="red", underline=True)})

    def on_mount(self) -> None:
        self.register_theme(self.THEME)
        self.theme = "workbench"

    marks: tuple[str, tuple[tuple[int, int], ...]] = ("", ())  # the text they were found in, spans

    def mark(self, text: str, spans: Sequence[tuple[int, int]]) -> None:
        """Underline these spans of `text` while the editor holds that text."""
        self.marks = (text, tuple(spans))
        self._build_highlight_map()
        self.refresh()

    def _build_highlight_map(self) -> None:
        # TextArea's own hook, called on every edit: marks of an older text would be off
        super()._build_highlight_map()
        text, spans = self.marks
        if not spans or text != self.text:
            return
        for start, end in spans:
            (row, column), (end_row, end_column) = location(text, start), location(text, end)
            if row != end_row:
                continue
            line = self.document.get_line(row)
            self._highlights[row].append(
                (len(line[:column].encode()), len(line[:end_column].encode()), "spelling")
            )

    BINDINGS = [
        Binding("ctrl+a", "select_all", "Select all"),
        Binding("ctrl+left", "word(-1)", "Word left", show=False),
        Binding("ctrl+right", "word(1)", "Word right", show=False),
        Binding("ctrl+shift+left", "word(-1, True)", "Select word left", show=False),
        Binding("ctrl+shift+right", "word(1, True)", "Select word right", show=False),
    ]

    def action_word(self, step: int, select: bool = False) -> None:
        row, column = self.cursor_location
        line = self.document.get_line(row)
        starts = [m.start() for m in WORD.finditer(line)]
        ends = [m.end() for m in WORD.finditer(line)]
        if step < 0:
            stops = [s for s in starts if s < column]
            target = (row, stops[-1]) if stops else ((row - 1, len(self.document.get_line(row - 1))) if row else (0, 0))
        else:
            stops = [e for e in ends if e > column]
            last = self.document.line_count - 1
            target = (row, stops[0]) if stops else ((row + 1, 0) if row < last else (row, len(line)))
        self.move_cursor(target, select=select)


def location(text: str, index: int) -> tuple[int, int]:
    """(row, column) of a character offset, as TextArea counts them."""
    row = text.count("\n", 0, index)
    return row, index - (text.rfind("\n", 0, index) + 1)


def offset(text: str, where: tuple[int, int]) -> int:
    """The character offset of a (row, column)."""
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: where[0]]) + where[1]


SHORT = 30  # rows: a terminal below this is short (SHORT must match the screen's breakpoint)
DRAFT_PAUSE = 1.0  # seconds of no typing after which the editor's text is kept as a draft
QA_PAUSE = 0.15  # seconds of no typing after which it is checked: no check runs per keystroke


@dataclass(frozen=True)
class Editing:
    """What the editor is open on: the segment as it was when editing began."""

    article: str
    base: SegmentRecord


class SegmentDetail(Vertical):
    @dataclass
    class Typed(Message):
        """The reviewer paused typing: the text so far should be kept as a draft."""

        article: str
        segment: str
        text: str

    @dataclass
    class Checking(Message):
        """The reviewer paused typing for a moment: the text so far should be checked."""

        article: str
        segment: str
        text: str

    editing: Editing | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("Source", classes="label")
            yield Pane(id="source-text", max_lines=8, short=3)
        with Horizontal(classes="row"):
            yield Label("MT", classes="label", id="mt-label")
            yield Pane(id="mt-text", max_lines=5, short=2)
        with Horizontal(classes="row"):
            yield Label("Target", classes="label")
            yield Pane(id="target-text", max_lines=6, short=3)
            yield TargetEditor(id="target-editor", soft_wrap=True, show_line_numbers=False)
        yield Pane(id="info", max_lines=2, short=1)
        yield Pane(id="qa", max_lines=4, short=1)
        yield Pane(id="notes", max_lines=4, short=1)

    @property
    def editor(self) -> TargetEditor:
        return self.query_one(TargetEditor)

    _draft_timer: Timer | None = None

    def fit(self) -> None:
        for pane in self.query(Pane):
            pane.fit()

    def show_findings(self, findings: Sequence[Finding] | None, text: str) -> None:
        """The QA findings of `text` (the target, or what is being typed) under the target;
        None: the checks are loading."""
        pane = self.query_one("#qa", Pane)
        if findings is None:
            pane.update(Text("QA: loading…", style="dim"))
            findings = ()
        elif not findings:
            pane.update(Text("QA: nothing found", style="dim"))
        else:
            line = Text(f"QA {len(findings)}: ", style="bold")
            for n, finding in enumerate(findings):
                line.append(" · " if n else "")
                line.append(f"{finding.check}: ", style="bold yellow")
                line.append(finding.message)
            pane.update(line)
        spans = [(f.start, f.end) for f in findings if f.check == "spelling" and f.start >= 0]
        if self.editing is not None:
            self.editor.mark(text, spans)

    def show(
        self,
        index: int,
        record: SegmentRecord | None,
        view: GlossaryView | None,
        findings: Sequence[Finding] | None = (),
    ) -> None:
        source = self.query_one("#source-text", Pane)
        mt = self.query_one("#mt-text", Pane)
        target = self.query_one("#target-text", Pane)
        info = self.query_one("#info", Pane)
        if record is None or view is None:
            for pane in (source, mt, target, info):
                pane.update("")
            self.border_title = ""
            return
        missing = {(h.start, h.end) for h in view.missing}
        source.update(highlight(record.source, [(h.start, h.end) for h in view.source_hits], missing))
        edited = bool(record.mt and record.target and record.target != record.mt)
        self.query_one("#mt-label", Label).update("MT → ✎" if edited else "MT", layout=False)  # its width is fixed
        # what the post-editor changed: the MT's words struck where dropped, theirs underlined
        mt.update(
            diff_text(record.mt, record.target)
            if edited
            else Text(record.mt or "(not translated yet)", style="" if record.mt else "dim italic")
        )
        misspelt = [(f.start, f.end) for f in findings or () if f.check == "spelling" and f.start >= 0]
        target.update(
            highlight(record.target, english_spans(record.target, view.source_hits), misspelt)
            if record.target
            else Text("(empty: e edits, starting from the MT)", style="dim italic")
        )
        self.border_title = f"Segment {index + 1} · {record.status}"
        info.update(
            Text("Glossary entities: loading…", style="dim")
            if view is GLOSSARY_LOADING
            else terms_line(view.source_hits, view.missing, bool(record.target))
        )
        self.show_findings(findings, record.target)
        notes = self.query_one("#notes", Pane)
        notes.display = bool(record.comments or record.errors or unfinished(record))
        notes.update(notes_line(record))

    def start_editing(self, article: str, base: SegmentRecord, text: str) -> None:
        """Open the editor with `text`, focused at once: keys typed from now on are text."""
        self.editing = Editing(article, base)
        editor = self.editor
        editor.load_text(text)
        self.query_one("#target-text", Pane).display = False
        editor.display = True
        self.screen.set_focus(editor)  # not focus(): that waits for the next idle moment
        editor.move_cursor(editor.document.end)

    def stop_editing(self) -> tuple[Editing, str] | None:
        """Close the editor; what it was open on and the text in it."""
        editing, self.editing = self.editing, None
        for timer in (self._draft_timer, self._qa_timer):
            if timer is not None:
                timer.stop()
        self._draft_timer = self._qa_timer = None
        self.editor.display = False
        self.query_one("#target-text", Pane).display = True
        return (editing, self.editor.text) if editing is not None else None

    @on(TextArea.Changed, "#target-editor")
    def _typed(self) -> None:
        if self.editing is None:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_PAUSE, self._keep_draft)
        if self._qa_timer is not None:
            self._qa_timer.stop()
        self._qa_timer = self.set_timer(QA_PAUSE, self._check)

    _qa_timer: Timer | None = None

    def _check(self) -> None:
        self._qa_timer = None
        if self.editing is not None:
            self.post_message(self.Checking(self.editing.article, self.editing.base.id, self.editor.text))

    def _keep_draft(self) -> None:
        self._draft_timer = None
        if self.editing is not None:
            self.post_message(self.Typed(self.editing.article, self.editing.base.id, self.editor.text))


def unfinished(record: SegmentRecord) -> str:
    """Text typed for the segment in a session that ended before it was committed."""
    draft = record.draft
    return draft.text if draft is not None and draft.text.strip() and draft.text != record.target else ""


def notes_line(record: SegmentRecord) -> Text:
    """An unfinished edit kept from an ended session; the reviewer's pass on the segment:
    its comments, threaded by reply, and its errors."""
    line = Text()
    if unfinished(record):
        line.append("Unfinished edit (e resumes it): ", style="bold yellow")
        line.append(unfinished(record))
        line.append("  " if record.comments or record.errors else "")
    if record.comments:
        line.append(f"Comments {len(record.comments)}: ", style="bold")
        for n, comment in enumerate(record.comments):
            line.append(" · " if n else "")
            line.append(f"{'↳ ' if comment.reply_to else ''}{comment.author or '?'}: ", style="bold cyan")
            line.append(comment.text)
    if record.errors:
        line.append("  " if record.comments else "")
        line.append(f"Errors {len(record.errors)}: ", style="bold")
        for n, mark in enumerate(record.errors):
            line.append(" · " if n else "")
            line.append(f"{mark.category}/{mark.severity}", style="bold red")
            line.append(f" {mark.note}" if mark.note else "")
            line.append(f" ({mark.author})" if mark.author else "", style="dim")
    return line


# the segment's view while the glossary loads behind the first screen (ReviewSession.qa_building)
GLOSSARY_LOADING = GlossaryView((), ())


def english_spans(target: str, hits: tuple[Hit, ...]) -> list[tuple[int, int]]:
    """Where the target carries the English forms of the source's entities."""
    return [
        m.span() for expected in {h.expected for h in hits} for m in whole_words(expected).finditer(target)
    ]


def terms_line(hits: tuple[Hit, ...], missing: tuple[Hit, ...], translated: bool) -> Text:
    if not hits:
        return Text("No glossary entities in this segment.", style="dim")
    line = Text("Glossary: ")
    if not translated:
        line.append("  ".join(dict.fromkeys(f"{h.text} → {h.expected}" for h in hits)), style="magenta")
        return line
    seen: set[str] = set()
    for hit in hits:
        if hit.expected in seen:
            continue
        seen.add(hit.expected)
        lacking = hit in missing
        line.append(f"{hit.text} → {hit.expected}", style="bold red" if lacking else "magenta")
        line.append(" ✗  " if lacking else " ✓  ", style="red" if lacking else "green")
    return line
