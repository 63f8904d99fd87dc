"""SVG snapshots of the main screens at fixed sizes (cursor blink off), each taken once the
checks, which load behind the first frame, are on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeEngine, factory
from test_tui import make_project, settle

from workbench.tui import create_app
from workbench.tui.app import WorkbenchApp


@pytest.fixture
def app(tmp_path: Path) -> WorkbenchApp:
    project = make_project(tmp_path)
    return create_app(project, engines=factory(FakeEngine("fr"), FakeEngine("ru")), watch_interval=0)


def test_review_screen_80x24(snap_compare, app: WorkbenchApp) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_review_screen_200x50(snap_compare, app: WorkbenchApp) -> None:
    assert snap_compare(app, terminal_size=(200, 50), press=["down", "down", "down"], run_before=settle)


def test_editing_a_target(snap_compare, app: WorkbenchApp) -> None:
    assert snap_compare(app, terminal_size=(120, 36), press=["down", "e", "end", *" (revu)"], run_before=settle)


def test_removed_lines_dialog(snap_compare, app: WorkbenchApp) -> None:
    assert snap_compare(app, terminal_size=(120, 36), press=["r"], run_before=settle)


def test_russian_article_with_glossary_highlights(snap_compare, app: WorkbenchApp) -> None:
    assert snap_compare(app, terminal_size=(160, 40), press=["left_square_bracket", "down", "down", "down"], run_before=settle)


def test_conflict_dialog(snap_compare, app: WorkbenchApp) -> None:
    from test_tui import other_reviewer

    async def conflict(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        other_reviewer(app.project)
        await pilot.press("e")
        app.main.editor.load_text("My translation.")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=conflict)
