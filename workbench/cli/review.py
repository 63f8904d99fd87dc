"""`workbench review` (and `workbench` alone): the review screen, in the terminal."""

from __future__ import annotations

import sys

import typer

from workbench.errors import InputError
from workbench.project import Project


def review_command() -> None:
    """Review translations side by side: cleaned source, machine translation, your target."""
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise InputError(
            "the review screen needs a terminal; use `workbench translate` or `workbench export` in scripts."
        )
    project = Project.here()
    if not project.seeds.is_dir() and not project.translations.is_dir():
        raise InputError(
            f"{project.root} is not a Workbench project: it has neither seeds/ nor translations/."
        )
    from workbench.tui.app import WorkbenchApp

    WorkbenchApp(project).run()


def register(app: typer.Typer) -> None:
    app.command("review")(review_command)
