"""The review TUI: Textual widgets over the headless review core (workbench.review)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.project import Project
    from workbench.translate import EngineFactory
    from workbench.tui.app import WorkbenchApp


def create_app(
    project: Project | None = None,
    *,
    engines: EngineFactory | None = None,
    watch_interval: float = 2.0,
    user: str | None = None,
    allow_self_approve: bool = False,
) -> WorkbenchApp:
    """The review app, as the CLI and the tests make it (Textual loads only when called)."""
    from workbench.tui.app import WorkbenchApp

    app = WorkbenchApp(project, engines=engines, watch_interval=watch_interval, user=user)
    app.allow_self_approve = allow_self_approve
    return app
