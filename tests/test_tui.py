"""Pilot tests: every review workflow, driven by keys as a translator would."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from conftest import ROOT
from fakes import FakeEngine, factory, translate_project
from rich.text import Text

from workbench.mt.engine import Translation
from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.review.library import INDEX_VERSION
from workbench.store import Store
from workbench.tui import create_app
from workbench.tui.app import WorkbenchApp
from workbench.tui.dialogs import ConflictDialog, GlossaryDialog, MemoryDialog, RemovedDialog
from workbench.tui.segment_table import WIDE as WIDE_TABLE

WIDE = (160, 45)


def make_project(tmp_path: Path, translated: bool = True) -> Project:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    shutil.copytree(ROOT / "glossaries", root / "glossaries")
    project = Project(root)
    # the fake engine's "EN(…)" targets are French: every confirm would ask about QA findings
    (root / "workbench.toml").write_text("[review]\nask_on_findings = false\n", encoding="utf-8")
    if translated:
        translate_project(project, FakeEngine("fr"), FakeEngine("ru"))
    return project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)


FIRST = "000_a82796ccd2587049"


def app_for(project: Project, *engines) -> WorkbenchApp:
    return create_app(
        project, engines=factory(*(engines or (FakeEngine("fr"), FakeEngine("ru")))), watch_interval=0
    )


def saved(project: Project, article_id: str = FIRST):
    return Store(project).read(article_id)


def busy(app: WorkbenchApp) -> bool:
    session = app.session
    return bool(
        session.unsaved() or session.writer.pending() or not session.writer.outbox.empty()
        or any(w.is_running for w in app.workers)
    )


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Until the folds in flight and the workers are done and their messages handled."""
    app = pilot.app
    for _ in range(500):
        await pilot.pause()
        if not app.is_running or not busy(app):
            await pilot.pause()
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"still busy: {app.session.pending} {list(app.workers)}")


async def test_opens_on_the_project_with_articles_and_progress(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        articles = app.main.article_list.table
        assert articles.row_count == 5
        assert [articles.get_row_at(i)[1] for i in range(5)] == ["fr", "fr", "fr", "fr", "ru"]
        assert articles.get_row_at(0)[2] == "0/25"
        assert app.main.table.row_count == 25
        assert app.main.cursor.article == "000_a82796ccd2587049"
        assert "Zoom interdit" in str(app.screen.query_one("#source-text").render())
        assert app.main.table.has_focus


async def test_move_edit_confirm_and_jump_to_next_unreviewed(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("down", "down")
        await settle(pilot)
        assert app.main.cursor.index == 2
        await pilot.press("e")
        await settle(pilot)
        assert app.main.editor.has_focus and app.main.editor.display
        app.main.editor.load_text("The Kremlin commented on reports.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        record = saved(project).segments[2]
        assert (record.status, record.target) == ("reviewed", "The Kremlin commented on reports.")
        assert app.main.cursor.index == 3 and app.main.table.has_focus  # the next unreviewed segment
        with TranslationMemory(project.memory) as tm:
            match = tm.lookup("fr", "en", record.source)
        assert match is not None and match.human and match.target == "The Kremlin commented on reports."


async def test_escape_keeps_an_edit_as_edited(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")  # Enter on a row edits too
        app.main.editor.load_text("Draft translation.")
        await pilot.press("escape")
        await settle(pilot)
        assert (saved(project).segments[0].status, saved(project).segments[0].target) == (
            "edited",
            "Draft translation.",
        )
        assert app.main.table.has_focus and not app.main.editor.display


async def test_accept_mt_then_undo(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("a")
        await settle(pilot)
        first = saved(project).segments[0]
        assert first.status == "reviewed" and first.target == first.mt
        assert app.main.cursor.index == 1
        await pilot.press("u")
        await settle(pilot)
        assert saved(project).segments[0].status == "machine"
        assert app.main.cursor.index == 0


async def test_retranslate_a_segment_in_a_worker(project: Project) -> None:
    newer = FakeEngine("fr", model_id="fake/2")
    app = app_for(project, newer, FakeEngine("ru"))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("down", "t")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        record = saved(project).segments[1]
        assert record.model == "fake/2" and record.status == "machine"
        # the glossary's English forms were injected before decoding
        assert newer.decoded == [record.source.replace("Poutine", "Putin")]
        assert "glossary" and "vladimir-putin" in record.glossary


class Blocking(FakeEngine):
    """Yields one chunk, then waits until the test lets it go on."""

    def __init__(self) -> None:
        super().__init__("fr", chunk=5)
        self.gate = threading.Event()

    def translate(self, sentences: Sequence[str]) -> Iterator[list[Translation]]:
        for n, chunk in enumerate(super().translate(sentences)):
            if n == 1:
                assert self.gate.wait(10)
            yield chunk


async def test_translate_article_in_the_background_and_cancel(tmp_path: Path) -> None:
    project = make_project(tmp_path, translated=False)
    engine = Blocking()
    app = app_for(project, engine, FakeEngine("ru"))
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)  # cleaning the new articles
        assert app.main.article_list.table.row_count == 5
        assert {r.status for r in saved(project).segments} == {"new"}
        await pilot.press("ctrl+t")
        await pilot.pause(0.2)
        assert app.activity.has_class("running")  # the progress bar shows
        await pilot.press("down")  # the UI answers while the worker runs
        assert app.main.cursor.index == 1
        await pilot.press("x")
        await pilot.pause()
        engine.gate.set()
        await settle(pilot)
        statuses = [r.status for r in saved(project).segments]
        assert statuses.count("machine") == 10 and statuses.count("new") == 15  # stopped after 2 chunks
        assert not app.activity.has_class("running")
        # the screen shows what the worker wrote
        assert [r.status for r in app.main.table.records] == statuses


async def test_memory_matches_insert_a_translation(project: Project) -> None:
    document = saved(project)
    source = document.segments[1].source
    with TranslationMemory(project.memory) as tm:
        tm.add_human(
            "fr", "en", source.replace("Alors que", "Tandis que"), "While Russian public bodies said..."
        )
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("down", "m")
        await settle(pilot)
        assert isinstance(app.screen, MemoryDialog)
        assert app.screen.matches[0].similarity >= 90
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.editor.text == "While Russian public bodies said..." and app.main.editor.has_focus


async def test_add_a_source_span_to_the_glossary(project: Project) -> None:
    (project.glossaries / "organisations.toml").unlink()
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, GlossaryDialog)
        assert dialog.query_one("#form").value == "Kremlin"  # the first unknown name past the sentence start
        await pilot.press("shift+right", "shift+right", "shift+right", "shift+right")  # select "Zoom"
        await settle(pilot)
        assert dialog.query_one("#form").value == "Zoom"
        await pilot.press("tab", "tab", *"Zoom")
        await settle(pilot)
        dialog.query_one("#type").value = "organisation"
        await pilot.press("ctrl+s")
        await settle(pilot)
        added = (project.glossaries / "added.toml").read_text(encoding="utf-8")
        assert 'en = "Zoom"' in added and 'fr = ["Zoom"]' in added and 'type = "organisation"' in added
        assert app.session.glossary.get("zoom") is not None


async def test_removed_cruft_is_shown_and_a_line_restored(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RemovedDialog)
        assert [r.text for r in dialog.removed][:3] == [
            "© ZoomUne salle de conférences Zoom",
            "Une salle de conférences Zoom - Sputnik Afrique, 1920, 07.04.2021",
            "S'abonner",
        ]
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        document = saved(project)
        assert document.restored == [5]
        assert [s.source for s in document.segments if s.source == "S'abonner"] == ["S'abonner"]
        assert app.main.table.row_count == 26
        # a later translate run keeps the restored line
        translate_project(project, FakeEngine("fr"), sources=[project.seeds / "000_a82796ccd2587049.txt"])
        assert "S'abonner" in [s.source for s in saved(project).segments]


async def test_search_and_next_match(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"Peskov", "enter")
        await settle(pilot)
        first = (app.main.cursor.article, app.main.cursor.index)
        assert "Peskov" in app.main.current().source
        await pilot.press("n")
        await settle(pilot)
        assert (app.main.cursor.article, app.main.cursor.index) != first and "Peskov" in app.main.current().source


async def test_next_and_previous_article(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.main.cursor.article == "001_82dc057f0c50e8de"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert app.main.cursor.article == "004_946b22bb11cec535"


async def test_external_changes_are_picked_up(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)

        def change(doc):
            doc.segments[3].target = "Changed elsewhere."
            return doc

        Store(project).update(FIRST, change)
        app.check_external_changes()
        await settle(pilot)
        assert app.session.document(FIRST).segments[3].target == "Changed elsewhere."
        assert app.main.table.records[3].target == "Changed elsewhere."  # and shown


async def test_confirmed_work_survives_quitting(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("a", "a", "q")
        await settle(pilot)
    assert list(project.state.glob("journal/*.jsonl")) == []  # all folded: nothing left to recover
    reviewed = [s.status for s in Store(project).read("000_a82796ccd2587049").segments]
    assert reviewed[:2] == ["reviewed", "reviewed"]


async def test_keys_are_in_the_footer_and_the_command_palette(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        # plain names, each once; the keys in the help, not as markup in the title
        assert commands["Confirm segment"] == (
            "Confirm the segment (reviewed) and go to the next one to review (in the filter, if one is on)"
            " (c, ^s, ^⏎)"
        )
        for name in ("Split segment", "Merge with next segment", "Filter segments", "Find and replace",
                     "Concordance", "Go to segment", "Segment history", "Redo", "Keys"):
            assert name in commands, name
        assert commands["Removed lines"].startswith("Show the removed web cruft; restore a line")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert len(titles) == len(set(titles))
        footer_keys = {b.key for b in app.main.BINDINGS if b.show}
        assert {"c", "a", "m", "u", "q", "slash"} <= footer_keys


@pytest.mark.parametrize(
    ("size", "articles_shown", "mt_column"),
    [((80, 24), False, False), ((120, 40), True, False), ((160, 50), True, True), ((200, 50), True, True)],
)
async def test_layout_adapts_to_the_terminal(project: Project, size, articles_shown, mt_column) -> None:
    app = app_for(project)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.main.article_list.display == articles_shown
        labels = [str(c.label) for c in app.main.table.columns.values()]
        assert ("MT" in labels) == mt_column
        table = app.main.table
        total = sum(c.render_width for c in table.columns.values())
        assert total <= table.scrollable_content_region.width  # every column is visible


async def test_empty_folder_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    app = WorkbenchApp(Project(tmp_path), watch_interval=0)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.main.cursor.article is None
        assert any("No articles" in n.message for n in app._notifications)


def test_cli_review_outside_a_terminal_is_one_sentence(tmp_path: Path) -> None:
    from conftest import run_cli

    result = run_cli("review", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "workbench: the review screen needs a terminal; use `workbench translate` or `workbench export` in scripts.\n"
    )


# -- the article list and header ----------------------------------------------------------


async def test_articles_are_listed_by_title_with_the_id_only_where_titles_collide(project: Project) -> None:
    for article_id in (FIRST, "001_82dc057f0c50e8de"):

        def retitle(doc):
            doc.title = "Zoom"
            return doc

        Store(project).update(article_id, retitle)
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        titles = [str(app.main.article_list.table.get_row_at(i)[0]) for i in range(5)]
        assert titles[0].startswith("Zoom (000_") and titles[1].startswith("Zoom (001_")
        russian = saved(project, "004_946b22bb11cec535").title
        assert " ".join(russian.split()).startswith(titles[4].rstrip("…"))
        assert not any(t.startswith("00") for t in titles[2:])  # unique titles carry no id
        header = str(app.main.table.border_title)
        assert header.startswith("Zoom (000_a82796ccd2587049) · fr · 0/25 reviewed")
        assert "seeds/000_a82796ccd2587049.txt" in str(app.main.table.border_subtitle)


async def test_choosing_an_article_in_the_list_opens_it(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.main.article_list.table.focus()
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert app.main.cursor.article is not None and app.main.cursor.article.startswith("002_")
        assert app.main.table.has_focus


# -- saves never block the UI -------------------------------------------------------------


class Gate:
    """Holds every fold into a file until the test opens the gate, as a 60 MB article's
    write would."""

    def __init__(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        import workbench.review.writer as writer

        self.open = threading.Event()
        self.written: list[tuple[str, str]] = []
        real = writer.fold

        def slow(store, article, changes, *args, **kwargs):  # type: ignore[no-untyped-def]
            assert self.open.wait(20)
            result = real(store, article, changes, *args, **kwargs)
            self.written += [(e.segment, e.status) for c in changes for e in c.edits]
            return result

        monkeypatch.setattr(writer, "fold", slow)


async def test_a_confirm_shows_at_once_and_is_written_behind(project: Project, monkeypatch) -> None:
    gate = Gate(monkeypatch)
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("c", "c", "c")
        await pilot.pause()
        # shown as reviewed before anything reached the disk, and the cursor moved on
        assert [r.status for r in app.main.table.records[:3]] == ["reviewed"] * 3
        assert app.main.cursor.index == 3
        assert app.main.article_list.table.get_row_at(0)[2] == "3/25"
        assert {r.status for r in saved(project).segments[:3]} == {"machine"}
        await pilot.press("down", "up")  # keys work while the saves are in flight
        assert app.main.cursor.index == 3
        gate.open.set()
        await settle(pilot)
        ids = [r.id for r in saved(project).segments[:3]]
        assert gate.written == [(i, "reviewed") for i in ids]  # in the order confirmed
        assert [r.status for r in saved(project).segments[:3]] == ["reviewed"] * 3


async def test_two_quick_changes_to_one_segment_land_in_order(project: Project, monkeypatch) -> None:
    gate = Gate(monkeypatch)
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        app.main.editor.load_text("First draft.")
        await pilot.press("escape")  # kept as edited, on its way to the disk
        await pilot.press("e")
        assert app.main.editor.text == "First draft."  # the editor starts from what was just typed
        app.main.editor.load_text("Final text.")
        await pilot.press("ctrl+s")  # its base is the first change's result, not yet saved
        await pilot.pause()
        assert app.session.unsaved() == 2
        gate.open.set()
        await settle(pilot)
        record = saved(project).segments[0]
        assert (record.status, record.target) == ("reviewed", "Final text.")
        assert not any(isinstance(s, ConflictDialog) for s in app.screen_stack)


async def test_undo_while_the_save_it_undoes_is_in_flight(project: Project, monkeypatch) -> None:
    gate = Gate(monkeypatch)
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("a", "u")
        await pilot.pause()
        gate.open.set()
        await settle(pilot)
        assert saved(project).segments[0].status == "machine"
        assert app.main.table.records[0].status == "machine"


async def test_quitting_with_saves_in_flight_leaves_them_in_the_journal(project: Project, monkeypatch) -> None:
    from workbench.review.recovery import recover

    gate = Gate(monkeypatch)
    app = app_for(project)
    monkeypatch.setattr(WorkbenchApp, "close_session", lambda self: self.session.close(wait=0.2))
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("a", "a", "q")
        for _ in range(200):
            if app.return_code is not None:
                break
            await asyncio.sleep(0.02)
        assert app.return_code == 0  # the quit did not wait for the file
    assert {s.status for s in saved(project).segments[:2]} == {"machine"}
    assert list(project.state.glob("journal/*.jsonl"))  # kept for the next session
    gate.open.set()  # (in this process the closed session's fold thread may finish its file)
    assert recover(project).changes >= 1  # what the next session or command does first
    assert [s.status for s in saved(project).segments[:2]] == ["reviewed", "reviewed"]
    assert list(project.state.glob("journal/*.jsonl")) == []


async def test_a_file_that_cannot_be_written_keeps_the_change_journaled_and_says_so(
    project: Project, monkeypatch
) -> None:
    import workbench.review.writer as writer
    from workbench.fileio import WriteError

    real = writer.fold
    full = threading.Event()
    full.set()

    def fold(*args, **kwargs):  # type: ignore[no-untyped-def]
        if full.is_set():
            raise WriteError("cannot write translations/x.en.json: No space left on device.")
        return real(*args, **kwargs)

    monkeypatch.setattr(writer, "fold", fold)
    monkeypatch.setattr(writer, "RETRY", (0.05,))
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        for _ in range(100):
            await pilot.pause(0.02)
            if any("No space left" in n.message for n in app._notifications):
                break
        assert app.main.table.records[0].status == "reviewed"  # durable: it is in the journal
        messages = [n.message for n in app._notifications]
        assert sum("No space left" in m and "safe in the journal" in m for m in messages) == 1  # said once
        assert saved(project).segments[0].status == "machine"
        full.clear()  # space again: the retry saves it
        await settle(pilot)
        assert saved(project).segments[0].status == "reviewed"
        assert any(m.startswith("Saved ") for m in (n.message for n in app._notifications))


# -- conflicts keep the translator's text -------------------------------------------------


def other_reviewer(project: Project, text: str = "Their translation.") -> None:
    def change(doc):
        doc.segments[0].target, doc.segments[0].status = text, "reviewed"
        return doc

    Store(project).update(FIRST, change)


async def conflicting_confirm(pilot, project: Project) -> ConflictDialog:  # type: ignore[no-untyped-def]
    app = pilot.app
    await settle(pilot)
    other_reviewer(project)
    await pilot.press("e")
    app.main.editor.load_text("My translation.")
    await pilot.press("ctrl+s")
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, ConflictDialog)
    assert str(dialog.query_one("#mine").render()) == "My translation."
    assert str(dialog.query_one("#theirs").render()) == "Their translation."
    assert saved(project).segments[0].target == "Their translation."  # nothing overwritten yet
    return dialog


async def test_a_conflict_shows_both_versions_and_keep_mine_saves_mine(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await conflicting_confirm(pilot, project)
        await pilot.press("k")
        await settle(pilot)
        record = saved(project).segments[0]
        assert (record.target, record.status) == ("My translation.", "reviewed")
        assert app.main.table.records[0].target == "My translation."


async def test_a_conflict_take_theirs_keeps_theirs(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await conflicting_confirm(pilot, project)
        await pilot.click("#choose-theirs")
        await settle(pilot)
        assert saved(project).segments[0].target == "Their translation."
        assert app.main.table.records[0].target == "Their translation."
        assert not isinstance(app.screen, ConflictDialog)


async def test_a_conflict_edit_puts_my_text_back_in_the_editor(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await conflicting_confirm(pilot, project)
        await pilot.press("escape")  # Esc is edit too: nothing is lost by closing the dialog
        await settle(pilot)
        assert app.main.editor.has_focus and app.main.editor.text == "My translation."
        assert app.main.cursor.index == 0
        app.main.editor.load_text("My translation, merged with theirs.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        record = saved(project).segments[0]
        assert (record.target, record.status) == ("My translation, merged with theirs.", "reviewed")


async def test_a_machine_change_never_beats_a_human_one(project: Project) -> None:
    newer = FakeEngine("fr", model_id="fake/2")
    app = app_for(project, newer, FakeEngine("ru"))
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        base = app.main.current()
        work = app.session.retranslation(FIRST, base.id)
        other_reviewer(project)  # someone reviews the segment while the MT is decoded
        app.session.apply_retranslation(FIRST, base, work())
        await settle(pilot)
        assert saved(project).segments[0].target == "Their translation."
        assert not isinstance(app.screen, ConflictDialog)
        assert any("was not changed" in n.message for n in app._notifications)


async def test_a_conflict_arriving_while_a_dialog_is_open(project: Project, monkeypatch) -> None:
    gate = Gate(monkeypatch)
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        other_reviewer(project)
        await pilot.press("e")
        app.main.editor.load_text("My translation.")
        await pilot.press("ctrl+s", "r")  # the removed-lines dialog opens over the save in flight
        await pilot.pause()
        assert isinstance(app.screen, RemovedDialog)
        gate.open.set()
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, RemovedDialog)  # back where the reviewer was
        assert saved(project).segments[0].target == "My translation."


# -- never crashing ---------------------------------------------------------------------------

BREAKPOINTS = [(80, 24), (99, 30), (100, 30), (119, 40), (120, 40), (159, 40), (160, 45), (200, 50), (119, 24), (99, 24), (80, 24)]


def assert_fits(app: WorkbenchApp) -> None:
    width = app.size.width
    assert app.main.article_list.display == (width >= 100)
    table = app.main.table
    labels = [str(c.label) for c in table.columns.values()]
    assert ("MT" in labels) == (width >= WIDE_TABLE)
    assert sum(c.render_width for c in table.columns.values()) <= table.scrollable_content_region.width


async def test_resizing_across_every_breakpoint(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        for size in BREAKPOINTS:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert_fits(app)
            assert app.main.cursor.index == 2 and app.main.table.cursor_row == 2
        await pilot.press("e")  # and while editing, with a dialog open
        for size in BREAKPOINTS[::-1]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
        assert app.main.editor.has_focus
        await pilot.press("escape", "r")
        for size in BREAKPOINTS:
            await pilot.resize_terminal(*size)
            await settle(pilot)
        assert isinstance(app.screen, RemovedDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert_fits(app)


@pytest.mark.parametrize("key", ["m", "g", "r", "ctrl+p", "conflict"])
async def test_every_dialog_open_while_a_worker_runs(tmp_path: Path, key: str) -> None:
    project = make_project(tmp_path, translated=False)
    engine = Blocking()
    app = app_for(project, engine, FakeEngine("ru"))
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause(0.1)
        if key == "conflict":
            dialog = ConflictDialog("Segment 1", "mine", "theirs", "reviewed")
            app.push_screen(dialog)
        else:
            await pilot.press(key)
        await pilot.pause()
        assert app.screen is not app.main
        engine.gate.set()  # progress and the result arrive under the dialog
        await settle(pilot)
        assert app.screen is not app.main
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main
        assert not app.activity.has_class("running")
        assert app.main.table.records[0].status == "machine"
        await pilot.press("a")  # and work goes on
        await settle(pilot)
        assert saved(project).segments[app.main.cursor.index - 1].status == "reviewed"


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("fault", ["wrong type", "duplicate id", "not json", "old schema"])
async def test_bad_translation_files_are_reported_and_the_rest_reviewed(project: Project, fault: str) -> None:
    path = Store(project).path("001_82dc057f0c50e8de")
    data = json.loads(path.read_text(encoding="utf-8"))
    if fault == "wrong type":
        data["segments"][2]["status"] = 5
    elif fault == "duplicate id":
        data["segments"][3]["id"] = data["segments"][2]["id"]
    elif fault == "old schema":
        data["schema"] = 1
    write_json(path, data)
    if fault == "not json":
        path.write_text('{"schema": 2, "segm', encoding="utf-8")
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.main.article_list.table.row_count == 4
        problems = [n.message for n in app._notifications if n.title == "Skipped"]
        assert len(problems) == 1 and path.name in problems[0]
        assert str(app.main.article_list.border_subtitle).endswith(" · 1 unreadable file")
        await pilot.press("a", "right_square_bracket", "a")
        await settle(pilot)
        assert saved(project).segments[0].status == "reviewed"


@pytest.mark.parametrize(
    "cache",
    [
        "not json at all",
        json.dumps({"version": 99, "files": {"x": 1}}),
        json.dumps({"version": 2, "files": ["a", "list"]}),
        json.dumps({"version": 2, "files": {"000_a82796ccd2587049.en.json": {"stamp": "x", "info": 5}}}),
        json.dumps({"version": 2, "files": {"000_a82796ccd2587049.en.json": {"stamp": [1, 2], "info": {}}}}),
        json.dumps({"version": INDEX_VERSION, "files": {"000_a82796ccd2587049.en.json": [[1, 2], {"id": 5}]}}),
        json.dumps({"version": INDEX_VERSION, "files": {"000_a82796ccd2587049.en.json": {"stamp": [1, 2]}}}),
    ],
)
async def test_a_summaries_cache_from_another_version_is_rebuilt(project: Project, cache: str) -> None:
    index = project.state / "index.en.json"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(cache, encoding="utf-8")
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.main.article_list.table.row_count == 5
        assert app.main.article_list.table.get_row_at(0)[2] == "0/25"
        assert json.loads(index.read_text(encoding="utf-8"))["version"] == INDEX_VERSION


async def test_the_open_article_is_read_again_only_when_its_file_changed(project: Project, monkeypatch) -> None:
    reads: list[str] = []
    real = Store.read

    def counting(self, article_id):  # type: ignore[no-untyped-def]
        reads.append(article_id)
        return real(self, article_id)

    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Store, "read", counting)
        for _ in range(3):
            app.check_external_changes()
            await settle(pilot)
        assert reads == []
        other_reviewer(project)
        reads.clear()
        app.check_external_changes()
        await settle(pilot)
        assert reads == [FIRST]
        assert app.main.table.records[0].target == "Their translation."


def test_a_crash_exits_2_names_a_log_file_and_keeps_queued_saves(
    project: Project, tmp_path: Path, monkeypatch, capsys
) -> None:
    from workbench.cli.review import run_app

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    class Crashing(WorkbenchApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.set_timer(0.3, self.accept)

        def accept(self) -> None:
            self.main.action_accept_mt()  # a change on its way to the file when the bug strikes
            self.set_timer(0.1, self.boom)

        def boom(self) -> None:
            raise RuntimeError("a bug in a handler")

    app = Crashing(project, engines=factory(FakeEngine("fr"), FakeEngine("ru")), watch_interval=0)
    assert run_app(app, headless=True) == 2
    err = capsys.readouterr().err
    logs = list((tmp_path / "state" / "workbench" / "crashes").glob("review-*.log"))
    assert len(logs) == 1
    assert err == f"workbench: the review screen crashed; the details are in {logs[0]}.\n"
    report = logs[0].read_text(encoding="utf-8")
    assert "RuntimeError: a bug in a handler" in report and "in boom" in report
    assert saved(project).segments[0].status == "reviewed"  # the accept before the crash


async def test_a_long_article_draws_only_the_rows_in_sight(project: Project) -> None:
    WINDOW = 300

    def lengthen(doc):
        template = doc.segments[1]
        doc.segments = [
            dataclasses.replace(template, id=f"long{n:04d}", source=f"Phrase numéro {n}.", mt=f"Sentence {n}.")
            for n in range(WINDOW * 3)
        ]
        return doc

    def on_screen(app: WorkbenchApp) -> None:
        # the row under the cursor is the segment the app thinks is current
        table = app.main.table
        assert str(table.get_row_at(table.cursor_row)[1]) == str(app.main.cursor.index + 1)
        assert f"Phrase numéro {app.main.cursor.index}." in str(app.main.detail.query_one("#source-text").render())

    Store(project).update(FIRST, lengthen)
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.main.table.row_count == WINDOW * 3
        assert len(app.main.table._lines) <= app.main.table.size.height  # drawn: what is in sight
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert app.main.cursor.index == WINDOW * 3 - 1
        on_screen(app)
        await pilot.press("c")  # confirmed at the very end; the next unreviewed is the first
        await settle(pilot)
        assert saved(project).segments[-1].status == "reviewed"
        assert app.main.cursor.index == 0
        await pilot.press("slash", *"numéro 450.", "enter")
        await settle(pilot)
        assert app.main.cursor.index == 450
        on_screen(app)
        await pilot.press(*["pageup"] * 8)  # across the window's top edge (it starts at 300)
        await settle(pilot)
        assert app.main.cursor.index < 300
        on_screen(app)
        here = app.main.cursor.index
        await pilot.press("a")
        await settle(pilot)
        assert saved(project).segments[here].status == "reviewed" and app.main.cursor.index == here + 1
        on_screen(app)


def held_checks(monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> threading.Event:
    """The checks' worker waits for the event returned (and then fails, with `fail`)."""
    from workbench.review.session import ReviewSession

    gate, real = threading.Event(), ReviewSession.qa_building

    def held(session: ReviewSession):  # type: ignore[no-untyped-def]
        build = real(session)

        def wait():  # type: ignore[no-untyped-def]
            assert gate.wait(20)
            if fail:
                raise OSError("the dictionary could not be read")
            return build()

        return wait

    monkeypatch.setattr(ReviewSession, "qa_building", held)
    return gate


async def test_glossary_marks_come_once_the_checks_have_loaded(project: Project, monkeypatch) -> None:
    """The first frame does not wait for the glossary and the QA checks: the detail says
    they are loading, no row is marked yet; once the worker has loaded them, the rows whose
    target lacks an entity's English form are marked and the detail names the entities."""
    gate = held_checks(monkeypatch)
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("left_square_bracket")  # the Russian article: the glossary's names
        await pilot.pause()
        table, session = app.main.table, app.session
        assert not session.qa_ready
        assert "loading" in str(app.screen.query_one("#info").render())
        assert not any(table.get_row_at(i)[2] for i in range(table.row_count))
        gate.set()
        await settle(pilot)
        article = app.main.cursor.article
        marked = [i for i in range(table.row_count) if table.get_row_at(i)[2]]
        lacking = [i for i, r in enumerate(table.records) if session.glossary_view(article, r).missing]
        assert marked and marked == lacking
        app.main.go(article, marked[0])
        await pilot.pause()
        assert "Glossary: " in str(app.screen.query_one("#info").render())
        # the rows on screen were drawn again with their marks
        assert any("⚠" in line.text for line in table.render_lines(table.region.reset_offset))


async def test_the_corpus_is_read_even_when_the_checks_fail_to_load(project: Project, monkeypatch) -> None:
    gate = held_checks(monkeypatch, fail=True)
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        gate.set()
        await settle(pilot)
        assert not app.session.qa_ready
        assert set(app.session.library.loaded) == set(app.session.library.summaries)
        assert any("could not be read" in n.message for n in app._notifications)


async def test_the_detail_only_grows_while_moving_and_fits_once_the_translator_rests(
    project: Project, monkeypatch
) -> None:
    """A new height lays the whole screen out again: moving between articles keeps the
    detail's height, and resting on a segment gives it back the height of its text."""
    from workbench.tui import base
    from workbench.tui.segment_detail import Pane

    monkeypatch.setattr(base, "PLACE_PAUSE", 0.5)
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one("#source-text", Pane)
        articles = list(app.session.library)

        def lines(article: str, index: int) -> int:
            text = app.session.document(article).segments[index].source
            return len(Text(text).wrap(app.console, pane.content_region.width))

        places = [(a, i) for a in articles for i in range(len(app.session.document(a).segments))]
        tall = max(places, key=lambda p: lines(*p))
        short = next(p for p in places if p[0] != tall[0] and lines(*p) == 1)
        assert lines(*tall) > 1
        app.main.go(*tall)
        await pilot.pause()
        assert pane.styles.height.value == lines(*tall)
        app.main.go(*short)  # another article, at once
        await pilot.pause()
        assert pane.styles.height.value == lines(*tall)
        await pilot.pause(1.0)  # resting there
        assert pane.styles.height.value == 1
