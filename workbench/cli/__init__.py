"""The `workbench` command: a thin shell over the pipeline stages."""

from __future__ import annotations

import sys

import typer

from workbench.errors import WorkbenchError

app = typer.Typer(
    name="workbench",
    help="Offline translation and normalization workbench for foreign-language news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _register() -> None:
    from workbench.cli import articles, glossary, models, translate

    articles.register(app)
    translate.register(app)
    models.register(app)
    glossary.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every user-facing failure becomes one sentence and a non-zero exit."""
    _register()
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
