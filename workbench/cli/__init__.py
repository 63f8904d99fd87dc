"""The `workbench` command: a thin shell over the pipeline stages."""

from __future__ import annotations

import functools
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import typer

from workbench.errors import WorkbenchError

app = typer.Typer(
    name="workbench",
    help="Offline translation and normalization workbench for foreign-language news.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from workbench import __version__

        typer.echo(f"workbench {__version__}")
        raise typer.Exit()


@app.callback()
def default(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_version, help="Print the version and exit."
    ),
) -> None:
    """Offline translation and normalization workbench for foreign-language news.

    Without a command, opens the review screen on the project in the current folder.
    """
    if ctx.invoked_subcommand is None:
        from workbench.cli.review import review_command

        review_command()


# command → the module that defines it; only the invoked command's module is imported, so
# a re-run of `translate` does not pay for the export, glossary and review modules
COMMANDS = {
    "review": "review",
    "clean": "articles",
    "segment": "articles",
    "translate": "translate",
    "models": "models",
    "glossary": "glossary",
    "export": "corpus",
    "qa": "corpus",
    "report": "corpus",
    "tm": "corpus",
    "cluster": "cluster",
}


def _register(args: list[str]) -> None:
    import importlib

    name = next((a for a in args if not a.startswith("-")), None)
    modules = [COMMANDS[name]] if name in COMMANDS else dict.fromkeys(COMMANDS.values())
    for module in modules:
        importlib.import_module(f"workbench.cli.{module}").register(app)
    _guard_commands(app)


def _guard_commands(root: typer.Typer) -> None:
    """A reader that goes away (`| head`) ends a command quietly with status 0. Click would
    turn the broken pipe into status 1 before main() could see it, so each command is
    wrapped where the write happens."""
    for info in root.registered_commands:
        if info.callback is not None and not hasattr(info.callback, "__wrapped__"):
            info.callback = _quiet_on_closed_pipe(info.callback)
    for group in root.registered_groups:
        if group.typer_instance is not None:
            _guard_commands(group.typer_instance)


def _quiet_on_closed_pipe(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = callback(*args, **kwargs)
            sys.stdout.flush()
            return result
        except BrokenPipeError:
            _closed_pipe()

    return run


def _closed_pipe() -> NoReturn:
    # nothing more can be written; point stdout at /dev/null so the final flush is silent
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    raise SystemExit(0)


def _environment_error(exc: BaseException) -> str:
    """The last net: an OS or database failure nobody anticipated is still one sentence."""
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot go on:{where} {exc.strerror or exc}."
    return f"a database operation failed ({exc})."


def _usage_error(exc: Exception) -> NoReturn:
    """Click's usage errors (an unknown option, a bad value, a missing argument) as one
    sentence with the way to help; a command group given nothing prints its help."""
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    if isinstance(exc, NoArgsIsHelpError):
        exc.show()
        sys.exit(2)
    assert isinstance(exc, UsageError)
    context = exc.ctx.command_path if exc.ctx is not None else "workbench"
    message = exc.format_message().rstrip(".").replace("\n", " ")
    print(f"workbench: {message}; see `{context} --help`.", file=sys.stderr)
    sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every user-facing failure becomes one sentence and a non-zero exit."""
    from typer._click.exceptions import UsageError

    # a closed stdout or stderr (`>&-`) is written to nowhere, not a crash
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    _register(sys.argv[1:] if argv is None else argv)
    try:
        code = app(args=argv, standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except UsageError as exc:
        _usage_error(exc)
    except WorkbenchError as exc:
        print(f"workbench: {exc.message}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("workbench: interrupted.", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        _closed_pipe()
    except (OSError, sqlite3.Error) as exc:
        print(f"workbench: {_environment_error(exc)}", file=sys.stderr)
        sys.exit(1)
