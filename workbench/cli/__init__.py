"""The `workbench` command: a thin shell over the pipeline stages."""

from __future__ import annotations

import sys

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
}


def _register(args: list[str]) -> None:
    import importlib

    name = next((a for a in args if not a.startswith("-")), None)
    modules = [COMMANDS[name]] if name in COMMANDS else dict.fromkeys(COMMANDS.values())
    for module in modules:
        importlib.import_module(f"workbench.cli.{module}").register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every user-facing failure becomes one sentence and a non-zero exit."""
    _register(sys.argv[1:] if argv is None else argv)
    try:
        app(args=argv)
    except WorkbenchError as exc:
        print(f"workbench: {exc.message}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("workbench: interrupted.", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head); nothing left to say
        sys.exit(0)
