"""`workbench models`: list, install (index, file or standard input) and remove Argos packages."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, BinaryIO

import typer
from rich.console import Console
from rich.filesize import decimal
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from workbench.cli.output import print_json
from workbench.mt import packages

app = typer.Typer(help="Manage offline translation models (Argos Translate packages).", no_args_is_help=True)


@contextmanager
def byte_progress(description: str, console: Console | None = None) -> Iterator[packages.Progress]:
    """A bar counting bytes in kB/MB/GB (rich's download columns) on a terminal; silence elsewhere."""
    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield lambda done, total: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@app.command("list")
def list_command(
    json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """List installed models: language pair, version, size and folder."""
    models, problems = packages.scan_packages()
    for problem in problems:
        typer.echo(f"workbench: warning: {problem}.", err=True)
    if json:
        print_json(
            [
                {
                    "pair": m.pair,
                    "from": m.from_code,
                    "to": m.to_code,
                    "version": m.version,
                    "size": m.size(),
                    "path": str(m.path),
                }
                for m in models
            ]
        )
        return
    if not models:
        typer.echo(f"No models installed in {packages.packages_dir()}.")
        typer.echo(
            "Install one with `workbench models install fr-en` or `workbench models install FILE.argosmodel`."
        )
        return
    for m in models:
        typer.echo(f"{m.pair:<8} {m.version:<10} {decimal(m.size()):>9}  {m.path}")


def _is_file_argument(what: str) -> bool:
    return what.endswith(".argosmodel") or "/" in what or Path(what).is_file()


@app.command("install")
def install_command(
    what: Annotated[
        list[str],
        typer.Argument(
            help="Language pairs such as fr-en or translate-fr_en, .argosmodel files, or - for standard input.",
            metavar="PAIR|FILE|-",
            show_default=False,
        ),
    ],
    index: Annotated[
        str | None,
        typer.Option("--index", help="Package index URL (a mirror); default: argospm's."),
    ] = None,
) -> None:
    """Install models from the package index, or from .argosmodel files on air-gapped machines."""
    if what.count("-") > 1:
        raise packages.PackageError("standard input (-) can be read only once.")
    for item in what:
        with byte_progress(f"Installing {item}") as update:
            if item == "-":
                model = packages.install_stream(_stdin(), progress=update)
            elif _is_file_argument(item):
                model = packages.install_archive(Path(item), progress=update)
            else:
                model = packages.install_from_index(item, index, progress=update)
        typer.echo(f"Installed {model.pair} {model.version} in {model.path}.")


def _stdin() -> BinaryIO | None:
    stream = sys.stdin
    return None if stream is None or stream.closed else stream.buffer


@app.command("remove")
def remove_command(
    pair: Annotated[
        str, typer.Argument(help="Language pair, e.g. fr-en or translate-fr_en.", show_default=False)
    ],
) -> None:
    """Remove an installed model."""
    model = packages.remove(pair)
    typer.echo(f"Removed {model.pair} {model.version} from {model.path}.")


def register(root: typer.Typer) -> None:
    from workbench.cli.tune import register as register_tune  # `models tune`, in its own module

    register_tune(app)
    root.add_typer(app, name="models")
