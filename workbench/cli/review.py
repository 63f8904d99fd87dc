"""`workbench review` (and `workbench` alone): the review screen, in the terminal."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workbench.errors import InputError
from workbench.fileio import user_state_file
from workbench.project import Project

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

CRASH_EXIT = 2


WEB_DRIVER = "textual.drivers.web_driver:WebDriver"  # what textual-serve sets for the app it starts


# the options of a review session, here and in `workbench serve`
User = Annotated[
    str | None,
    typer.Option("--user", help="Your name in the record (default: WORKBENCH_USER, else your login)."),
]
SelfApprove = Annotated[
    bool,
    typer.Option("--allow-self-approve", help="Let you approve segments you translated (shown as such in the report)."),
]


def review_command(user: User = None, allow_self_approve: SelfApprove = False) -> None:
    """Review translations side by side: cleaned source, machine translation, your target."""
    in_browser = os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER  # `workbench serve`: pipes, not a terminal
    if not in_browser and (not sys.stdout.isatty() or sys.stdin is None or not sys.stdin.isatty()):
        raise InputError(
            "the review screen needs a terminal; use `workbench translate` or `workbench export` in scripts."
        )
    project = Project.here()
    if not project.seeds.is_dir() and not project.translations.is_dir():
        raise InputError(
            f"{project.root} is not a Workbench project: it has neither seeds/ nor translations/."
        )
    from workbench.tui import create_app

    name = (user or "").strip() or None  # None: the session's own default
    code = run_app(create_app(project, user=name, allow_self_approve=allow_self_approve))
    # Out now, whatever thread is left: Textual's driver may have started its input thread
    # again on the SIGCONT a hang-up brings, and it would keep the process (and its journal)
    # alive for ever. Everything the session made is journaled and folded or left for the next.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run_app(app: WorkbenchApp, *, headless: bool = False) -> int:
    """Run the app; after a crash (Textual has restored the terminal by then) write the
    traceback to a log file, say where in one sentence, and return a non-zero exit code."""
    settled = False
    try:
        app.run(headless=headless)
        report = app.crash
    except Exception:  # a crash outside Textual's loop (starting, stopping)
        report = traceback.format_exc()
    finally:
        before = hang_up_ends_it()
        try:
            settled = app.close_session()  # whatever happened: folded what can be, the rest stays journaled
        finally:
            for number, handler in before.items():  # not SIGCONT's: Textual's driver is gone
                if number in (signal.SIGCONT, signal.SIGTSTP):
                    continue
                with contextlib.suppress(ValueError, OSError, TypeError):
                    signal.signal(number, handler)  # type: ignore[arg-type]
    if app.rescued is not None:
        print(f"workbench: the change journal could not be written; what you typed is in {app.rescued}.", file=sys.stderr)
    if report is None:
        if not settled:
            print(
                "workbench: some changes are safe in the journal (.workbench/journal) but not yet in their"
                " files or the translation memory; the next session or command writes them.",
                file=sys.stderr,
            )
        return app.return_code or (0 if settled else 1)  # 128 + the signal that ended it (SIGHUP, SIGTERM)
    log = crash_log(report)
    where = f"the details are in {log}" if log else "the details could not be written to a log file"
    print(f"workbench: the review screen crashed; {where}.", file=sys.stderr)
    return CRASH_EXIT


def hang_up_ends_it() -> dict[int, object]:
    """Once the screen is gone, a hang-up or a second signal while the session closes ends
    the process: what is not folded is journaled. (Textual's driver answers the SIGCONT that
    comes with a hang-up by starting its input thread again, which would keep the process
    alive for ever, holding its journal.) Returns the handlers it replaced."""
    before: dict[int, object] = {}
    for number in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGCONT, signal.SIGTSTP):
        with contextlib.suppress(ValueError, OSError):
            ending = number in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
            before[number] = signal.signal(number, (lambda n, _frame: os._exit(128 + n)) if ending else signal.SIG_DFL)
    return before


def crash_log(report: str) -> Path | None:
    """Write the traceback under the user's state folder; None if that is impossible."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return user_state_file("crashes", f"review-{stamp}.log", report.encode("utf-8"))


def register(app: typer.Typer) -> None:
    app.command("review")(review_command)
