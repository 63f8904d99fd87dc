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

        review_command(user=None)


# command → the module that defines it; only the invoked command's module is imported, so
# a re-run of `translate` does not pay for the export, glossary and review modules
COMMANDS = {
    "review": "review",
    "serve": "serve",
    "clean": "articles",
    "segment": "articles",
    "translate": "translate",
    "models": "models",
    "glossary": "glossary",
    "export": "export",
    "qa": "corpus",
    "report": "corpus",
    "tm": "corpus",
    "concordance": "search",
    "replace": "search",
    "cluster": "cluster",
}


def _register(args: list[str]) -> None:
    """The invoked command's module; for anything else (`--help`, `--version`, no command,
    an unknown one) only each command's name and summary, read from the modules' source
    without running them: importing them all costs half a second of domain imports."""
    import importlib

    name = next((a for a in args if not a.startswith("-")), None)
    if name in COMMANDS:
        importlib.import_module(f"workbench.cli.{COMMANDS[name]}").register(app)
        _guard_commands(app)
        return
    for module in dict.fromkeys(COMMANDS.values()):
        for command, summary, group in _summaries(module):
            if group:
                app.add_typer(typer.Typer(help=summary), name=command)
            else:
                app.command(command, help=summary)(_placeholder)


def _placeholder() -> None:  # pragma: no cover - a summary only: a named command loads its module
    raise AssertionError("a command summary was invoked")


def _summaries(module: str) -> list[tuple[str, str, bool]]:
    """(name, help, is a group) of each command a CLI module's register() adds, from its
    source: `X.command("name")(function)` takes the function's docstring, and
    `X.add_typer(var, name="name")` the help of `var = typer.Typer(help=...)`."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(f"workbench.cli.{module}")
    assert spec is not None and spec.origin is not None
    with open(spec.origin, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    docstrings: dict[str, str] = {}
    helps: dict[str, str] = {}
    register: ast.FunctionDef | None = None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            docstrings[node.name] = ast.get_docstring(node) or ""
            register = node if node.name == "register" else register
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.targets[0], ast.Name):
            for keyword in node.value.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
                    helps[node.targets[0].id] = str(keyword.value.value)
    found: list[tuple[str, str, bool]] = []
    for call in ast.walk(register) if register is not None else ():
        if not isinstance(call, ast.Call):
            continue
        inner = call.func
        if (  # X.command("name")(function)
            isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "command"
            and inner.args and isinstance(inner.args[0], ast.Constant) and call.args and isinstance(call.args[0], ast.Name)
        ):
            found.append((str(inner.args[0].value), docstrings.get(call.args[0].id, ""), False))
        elif isinstance(inner, ast.Attribute) and inner.attr == "add_typer" and call.args and isinstance(call.args[0], ast.Name):
            named = next((k.value for k in call.keywords if k.arg == "name" and isinstance(k.value, ast.Constant)), None)
            if named is not None:
                found.append((str(named.value), helps.get(call.args[0].id, ""), True))
    return found


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
    # nothing more can be written; point stdout at /dev/null so the final flush is silent.
    # The reader went away, which is no failure; a verdict the command reached before it
    # printed (qa: 1 on findings) still stands.
    from workbench.cli.output import verdict

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    raise SystemExit(verdict())


def _environment_error(exc: BaseException) -> str:
    """The last net: an OS or database failure nobody anticipated is still one sentence."""
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot go on:{where} {exc.strerror or exc}."
    return f"a database operation failed ({exc})."


def _home_hint(message: str) -> str:
    """A failure under a HOME that is no usable folder says so: models, tuned settings and
    caches live below it, and the path alone does not tell why it failed."""
    home = os.environ.get("HOME", "")
    if not home or home.rstrip("/") not in message:
        return message
    if not os.path.isdir(home):
        problem = "is not a folder" if os.path.exists(home) else "does not exist"
    elif not os.access(home, os.W_OK):
        problem = "is not writable"
    else:
        return message
    return (
        f"{message.rstrip('.')}; HOME ({home}) {problem}: set HOME to your home folder, or "
        "ARGOS_PACKAGES_DIR and XDG_CACHE_HOME to folders Workbench may write."
    )


# typer._click is private, and the only place Click's usage errors can be caught: since
# 0.26.0 Typer vendors Click (fastapi/typer#1774) and exports none of them, while
# standalone_mode=False (which keeps our one-sentence errors) lets them reach us. A public
# usage error was asked for in fastapi/typer#1867, closed without one. pyproject requires
# typer>=0.26, where the path exists; tests/test_cli_clean.py runs both branches.
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
    from typer._click.exceptions import UsageError  # private: see _usage_error

    # a closed stdout or stderr (`>&-`) is written to nowhere, not a crash (a closed stdin is
    # said so by the commands that read it)
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    from workbench.cli.output import setup_streams

    setup_streams()
    _register(sys.argv[1:] if argv is None else argv)
    try:
        code = app(args=argv, standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except UsageError as exc:
        _usage_error(exc)
    except WorkbenchError as exc:
        print(f"workbench: {_home_hint(exc.message)}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("workbench: interrupted.", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        _closed_pipe()
    except (OSError, sqlite3.Error) as exc:
        print(f"workbench: {_home_hint(_environment_error(exc))}", file=sys.stderr)
        sys.exit(1)
