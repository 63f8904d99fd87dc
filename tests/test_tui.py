"""Pilot tests: every review workflow, driven by keys as a translator would."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from conftest import ROOT
from fakes import FakeEngine, factory, translate_project

from workbench.mt.engine import Translation
from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.review import Review
from workbench.store import Store
from workbench.tui.app import WorkbenchApp
from workbench.tui.dialogs import GlossaryDialog, MemoryDialog, RemovedDialog

WIDE = (160, 45)


def make_project(tmp_path: Path, translated: bool = True) -> Project:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    shutil.copytree(ROOT / "glossaries", root / "glossaries")
    project = Project(root)
    if translated:
        translate_project(project, FakeEngine("fr"), FakeEngine("ru"))
    return project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)


def app_for(project: Project, *engines) -> WorkbenchApp:
    return WorkbenchApp(
        project, engines=factory(*(engines or (FakeEngine("fr"), FakeEngine("ru")))), watch_interval=0
    )


def saved(project: Project, article_id: str = "000_a82796ccd2587049"):
    return Store(project).read(article_id)


async def test_opens_on_the_project_with_articles_and_progress(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        articles = app.articles_table
        assert articles.row_count == 5
        assert [articles.get_row_at(i)[1] for i in range(5)] == ["fr", "fr", "fr", "fr", "ru"]
        assert articles.get_row_at(0)[2] == "0/25"
        assert app.segments_table.row_count == 25
        assert app.article_id == "000_a82796ccd2587049"
        assert "Zoom interdit" in str(app.screen.query_one("#source-text").render())
        assert app.segments_table.has_focus


async def test_move_edit_confirm_and_jump_to_next_unreviewed(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("down", "down")
        await pilot.pause()
        assert app.index == 2
        await pilot.press("e")
        await pilot.pause()
        assert app.editor.has_focus and app.editor.display
        app.editor.load_text("The Kremlin commented on reports.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        record = saved(project).segments[2]
        assert (record.status, record.target) == ("reviewed", "The Kremlin commented on reports.")
        assert app.index == 3 and app.segments_table.has_focus  # the next unreviewed segment
        with TranslationMemory(project.memory) as tm:
            match = tm.lookup("fr", "en", record.source)
        assert match is not None and match.human and match.target == "The Kremlin commented on reports."


async def test_escape_keeps_an_edit_as_edited(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")  # Enter on a row edits too
        app.editor.load_text("Draft translation.")
        await pilot.press("escape")
        await pilot.pause()
        assert (saved(project).segments[0].status, saved(project).segments[0].target) == (
            "edited",
            "Draft translation.",
        )
        assert app.segments_table.has_focus and not app.editor.display


async def test_accept_mt_then_undo(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        first = saved(project).segments[0]
        assert first.status == "reviewed" and first.target == first.mt
        assert app.index == 1
        await pilot.press("u")
        await pilot.pause()
        assert saved(project).segments[0].status == "machine"
        assert app.index == 0


async def test_retranslate_a_segment_in_a_worker(project: Project) -> None:
    newer = FakeEngine("fr", model_id="fake/2")
    app = app_for(project, newer, FakeEngine("ru"))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("down", "t")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
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
        await app.workers.wait_for_complete()  # cleaning the new articles
        await pilot.pause()
        assert app.articles_table.row_count == 5
        assert {r.status for r in saved(project).segments} == {"new"}
        await pilot.press("ctrl+t")
        await pilot.pause(0.2)
        assert app.screen.query_one("#activity").has_class("running")  # the progress bar shows
        await pilot.press("down")  # the UI answers while the worker runs
        assert app.index == 1
        await pilot.press("x")
        await pilot.pause()
        engine.gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        statuses = [r.status for r in saved(project).segments]
        assert statuses.count("machine") == 10 and statuses.count("new") == 15  # stopped after 2 chunks
        assert not app.screen.query_one("#activity").has_class("running")


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
        await pilot.pause()
        assert isinstance(app.screen, MemoryDialog)
        assert app.screen.matches[0].similarity >= 90
        await pilot.press("enter")
        await pilot.pause()
        assert app.editor.text == "While Russian public bodies said..." and app.editor.has_focus


async def test_add_a_source_span_to_the_glossary(project: Project) -> None:
    (project.glossaries / "organisations.toml").unlink()
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("g")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, GlossaryDialog)
        assert dialog.query_one("#form").value == "Kremlin"  # the first unknown name past the sentence start
        await pilot.press("shift+right", "shift+right", "shift+right", "shift+right")  # select "Zoom"
        await pilot.pause()
        assert dialog.query_one("#form").value == "Zoom"
        await pilot.press("tab", "tab", *"Zoom")
        await pilot.pause()
        dialog.query_one("#type").value = "organisation"
        await pilot.press("ctrl+s")
        await pilot.pause()
        added = (project.glossaries / "added.toml").read_text(encoding="utf-8")
        assert 'en = "Zoom"' in added and 'fr = ["Zoom"]' in added and 'type = "organisation"' in added
        assert app.review.glossary.get("zoom") is not None


async def test_removed_cruft_is_shown_and_a_line_restored(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RemovedDialog)
        assert [r.text for r in dialog.removed][:3] == [
            "© ZoomUne salle de conférences Zoom",
            "Une salle de conférences Zoom - Sputnik Afrique, 1920, 07.04.2021",
            "S'abonner",
        ]
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        document = saved(project)
        assert document.restored == [5]
        assert [s.source for s in document.segments if s.source == "S'abonner"] == ["S'abonner"]
        assert app.segments_table.row_count == 26
        # a later translate run keeps the restored line
        translate_project(project, FakeEngine("fr"), sources=[project.seeds / "000_a82796ccd2587049.txt"])
        assert "S'abonner" in [s.source for s in saved(project).segments]


async def test_search_and_next_match(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"Peskov", "enter")
        await pilot.pause()
        first = (app.article_id, app.index)
        assert "Peskov" in app.current().source
        await pilot.press("n")
        await pilot.pause()
        assert (app.article_id, app.index) != first and "Peskov" in app.current().source


async def test_next_and_previous_article(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.article_id == "001_82dc057f0c50e8de"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert app.article_id == "004_946b22bb11cec535"


async def test_a_segment_changed_by_another_process_is_not_overwritten(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()

        def other_reviewer(doc):
            doc.segments[0].target, doc.segments[0].status = "Their translation.", "reviewed"
            return doc

        Store(project).update("000_a82796ccd2587049", other_reviewer)
        await pilot.press("e")
        await pilot.pause()
        app.editor.load_text("My translation.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert saved(project).segments[0].target == "Their translation."
        assert app.current().target == "Their translation."  # reloaded, and shown


async def test_external_changes_are_picked_up(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()

        def change(doc):
            doc.segments[3].target = "Changed elsewhere."
            return doc

        Store(project).update("000_a82796ccd2587049", change)
        app.check_external_changes()
        await pilot.pause()
        assert app.review.document("000_a82796ccd2587049").segments[3].target == "Changed elsewhere."


async def test_confirmed_work_survives_quitting(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("a", "a", "q")
        await pilot.pause()
    reviewed = [
        s.status
        for s in Review(project).load() and Review(project).store.read("000_a82796ccd2587049").segments
    ]
    assert reviewed[:2] == ["reviewed", "reviewed"]


async def test_keys_are_in_the_footer_and_the_command_palette(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(
            t.startswith("Confirm the segment (reviewed) and go to the next unreviewed one  [c]")
            for t in titles
        )
        assert any(t.startswith("Show the removed web cruft; restore a line") for t in titles)
        footer_keys = {b.key for b in app.BINDINGS if b.show}
        assert {"c", "a", "m", "u", "q", "slash"} <= footer_keys


@pytest.mark.parametrize(
    ("size", "articles_shown", "mt_column"), [((80, 24), False, False), ((200, 50), True, True)]
)
async def test_layout_adapts_to_the_terminal(project: Project, size, articles_shown, mt_column) -> None:
    app = app_for(project)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.articles_table.display == articles_shown
        labels = [str(c.label) for c in app.segments_table.columns.values()]
        assert ("MT" in labels) == mt_column
        table = app.segments_table
        total = sum(c.get_render_width(table) for c in table.columns.values())
        assert total <= table.size.width  # every column is visible


async def test_empty_folder_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    app = WorkbenchApp(Project(tmp_path), watch_interval=0)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.article_id is None
        assert any("No articles" in n.message for n in app._notifications)


def test_cli_review_outside_a_terminal_is_one_sentence(tmp_path: Path) -> None:
    from conftest import run_cli

    result = run_cli("review", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "workbench: the review screen needs a terminal; use `workbench translate` or `workbench export` in scripts.\n"
    )
