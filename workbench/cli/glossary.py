"""`workbench glossary`: check translations against the glossary, suggest, add, import, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.output import print_json
from workbench.cli.translate import load_articles, load_project_glossary
from workbench.errors import InputError
from workbench.fileio import atomic_write
from workbench.glossary import entries as glossary_entries
from workbench.glossary.entries import TYPES, Glossary, append_entry, entry_from_table, load_folder, to_toml
from workbench.glossary.exchange import export, import_file
from workbench.glossary.qa import check
from workbench.glossary.suggest import suggest
from workbench.project import Project
from workbench.store import Store

app = typer.Typer(help="Named-entity glossary: check, suggest, add, import, export.", no_args_is_help=True)
Paths = Annotated[
    list[str] | None, typer.Argument(help="Article files or folders (default: seeds/).", show_default=False)
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def _glossary(project: Project) -> Glossary:
    glossary = load_project_glossary(project)
    if not len(glossary):
        raise InputError(
            f"no glossary entries in {project.glossaries}; add some with `workbench glossary add`."
        )
    return glossary


@app.command("check")
def check_command(paths: Paths = None, json: Json = False) -> None:
    """List the entities each segment names and whether its translation carries their English form.

    Exits 1 when a translated segment lacks an entity's English form or an entity is
    rendered two ways across the corpus.
    """
    project = Project.here()
    glossary = _glossary(project)
    articles = load_articles(paths or [], project, show=not json)
    store = Store(project)
    documents = {a.id: d for a in articles if (d := store.read(a.id)) is not None}
    report = check(articles, documents, glossary)
    if json:
        print_json(
            {
                "segments_checked": report.segments_checked,
                "segments_translated": report.segments_translated,
                "entities": [
                    {
                        "id": s.entry.id,
                        "english": s.entry.en,
                        "type": s.entry.type,
                        "occurrences": s.occurrences,
                        "forms": s.forms_seen,
                        "articles": sorted(s.articles),
                        "renderings": s.renderings,
                    }
                    for s in sorted(report.entities.values(), key=lambda s: (-s.occurrences, s.entry.en))
                ],
                "mentions": [vars(m) for m in report.mentions],
                "missing": len(report.missing),
                "inconsistent": [s.entry.id for s in report.inconsistent],
                "violations": report.violations,
            }
        )
    else:
        typer.echo(
            f"{len(report.entities)} entities in {report.segments_checked} segments "
            f"({report.segments_translated} translated):"
        )
        for s in sorted(report.entities.values(), key=lambda s: (s.entry.type, s.entry.en)):
            forms = ", ".join(f"{form} ×{n}" if n > 1 else form for form, n in s.forms_seen.items())
            typer.echo(f"  {s.entry.en:<34} {s.entry.type:<12} {s.occurrences:>3}  {forms}")
        for m in report.missing:
            instead = f" (has {m.rendered!r})" if m.rendered else ""
            typer.echo(
                f"missing: {m.article} {m.segment}: {m.source} → {m.expected} not in the translation{instead}"
            )
        for s in report.inconsistent:
            for expected, ways in s.renderings.items():
                if len(ways) > 1:
                    typer.echo(
                        f"inconsistent: {expected} ({s.entry.en}) is rendered {len(ways)} ways: {', '.join(ways)}"
                    )
        if report.violations:
            typer.echo(f"{report.violations} glossary violations.")
    if report.violations:
        raise typer.Exit(1)


@app.command("suggest")
def suggest_command(
    paths: Paths = None,
    json: Json = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many.")] = 50,
) -> None:
    """Named entities without a glossary entry, most frequent first, with an English proposal."""
    project = Project.here()
    glossary = load_folder(project.glossaries)
    articles = load_articles(paths or [], project, show=not json)
    suggestions = suggest(articles, glossary)[:limit]
    if json:
        print_json(
            [
                {
                    "source": s.key,
                    "count": s.count,
                    "forms": s.forms,
                    "language": s.language,
                    "english": s.english,
                    "scheme": s.scheme or None,
                    "type": s.type,
                    "articles": sorted(s.articles),
                }
                for s in suggestions
            ]
        )
        return
    if not suggestions:
        typer.echo("No unknown named entities: every capitalised name has a glossary entry.")
    for s in suggestions:
        how = f"  ({s.scheme})" if s.scheme else ""
        typer.echo(f"{s.count:>4}  {s.key:<36} → {s.english}{how}  [{s.type}]")


@app.command("add")
def add_command(
    en: Annotated[str, typer.Option("--en", help="The one English form.", show_default=False)],
    type_: Annotated[str, typer.Option("--type", help=f"One of: {', '.join(TYPES)}.")] = "other",
    fr: Annotated[list[str] | None, typer.Option("--fr", help="French source form (repeatable).")] = None,
    ru: Annotated[list[str] | None, typer.Option("--ru", help="Russian source form (repeatable).")] = None,
    forms: Annotated[
        list[str] | None, typer.Option("--form", help="Form valid in every language (repeatable).")
    ] = None,
    wrong: Annotated[
        list[str] | None, typer.Option("--wrong", help="A wrong rendering to repair (repeatable).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A note for translators.")] = "",
    file: Annotated[
        Path | None, typer.Option("--file", help="Glossary file [default: glossaries/added.toml].")
    ] = None,
) -> None:
    """Append an entry to a glossary file."""
    project = Project.here()
    table: dict[str, object] = {"en": en, "type": type_, "note": note}
    for key, values in (("fr", fr), ("ru", ru), ("forms", forms), ("wrong", wrong)):
        if values:
            table[key] = values
    try:
        entry = entry_from_table(table, "command line")
    except ValueError as exc:
        raise InputError(f"cannot add this entry: {exc}.") from None
    path = append_entry(project.glossaries, entry, file)
    typer.echo(f"Added {entry.en} ({entry.type}) to {path}.")


@app.command("export")
def export_command(
    output: Annotated[Path, typer.Argument(help="A .tbx, .csv or .tsv file to write.", show_default=False)],
) -> None:
    """Write the project's glossary as TBX (OmegaT, Trados, memoQ), CSV or TSV."""
    project = Project.here()
    glossary = _glossary(project)
    atomic_write(output, export(glossary, output))
    typer.echo(f"Wrote {len(glossary)} entries to {output}.")


@app.command("import")
def import_command(
    source: Annotated[Path, typer.Argument(help="A .tbx, .csv or .tsv glossary.", show_default=False)],
    into: Annotated[
        Path | None, typer.Option("--into", help="Glossary file to write [default: glossaries/<name>.toml].")
    ] = None,
) -> None:
    """Read a TBX, CSV or TSV glossary into a glossary file of the project."""
    project = Project.here()
    imported = import_file(source)
    for issue in imported.issues:
        print(f"workbench: {issue}", file=sys.stderr)
    if not len(imported):
        raise InputError(f"{source.name} holds no usable entries.")
    path = into or project.glossaries / f"{glossary_entries.slug(source.stem)}.toml"
    header = f"# Imported from {source.name}.\n\n"
    atomic_write(path, (header + "\n".join(to_toml(e) for e in imported)).encode("utf-8"))
    typer.echo(
        f"Imported {len(imported)} entries into {path}"
        + (f"; {len(imported.issues)} skipped." if imported.issues else ".")
    )


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="glossary")
