"""`workbench models`: list, install (index or file) and remove Argos packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.output import print_json
from workbench.cli.progress import progress_bar
from workbench.mt import packages

app = typer.Typer(help="Manage offline translation models (Argos Translate packages).", no_args_is_help=True)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@app.command("list")
def list_command(
    json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """List installed models: language pair, version, size and folder."""
    models = packages.installed_models()
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
        typer.echo(f"{m.pair:<8} {m.version:<10} {_size(m.size()):>9}  {m.path}")


@app.command("install")
def install_command(
    what: Annotated[
        str,
        typer.Argument(help="A language pair such as fr-en, or a .argosmodel file.", show_default=False),
    ],
    index: Annotated[
        str | None,
        typer.Option("--index", help="Package index URL (a mirror); default: argospm's."),
    ] = None,
) -> None:
    """Install a model from the package index, or from a .argosmodel file on air-gapped machines."""
    path = Path(what)
    with progress_bar(f"Installing {what}") as update:
        if what.endswith(".argosmodel") or path.is_file():
            model = packages.install_archive(path, progress=update)
        else:
            model = packages.install_from_index(what, index, progress=update)
    typer.echo(f"Installed {model.pair} {model.version} in {model.path}.")


@app.command("remove")
def remove_command(
    pair: Annotated[str, typer.Argument(help="Language pair, e.g. fr-en.", show_default=False)],
) -> None:
    """Remove an installed model."""
    model = packages.remove(pair)
    typer.echo(f"Removed {model.pair} {model.version} from {model.path}.")


def register(root: typer.Typer) -> None:
    from workbench.cli.tune import register as register_tune  # `models tune`, in its own module

    register_tune(app)
    root.add_typer(app, name="models")
