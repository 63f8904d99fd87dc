"""`workbench glossary`: check translations against the glossary, suggest, add, import, export."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.output import fold_dead_sessions, print_json, refuse_project_files, warn
from workbench.cli.translate import load_articles, load_project_glossary
from workbench.errors import InputError
from workbench.fileio import atomic_write
from workbench.glossary import edit
from workbench.glossary import entries as glossary_entries
from workbench.glossary.entries import TYPES, Glossary, entry_from_table, load_folder
from workbench.glossary.exchange import FORMATS, format_of, read, write
from workbench.glossary.qa import check
from workbench.glossary.suggest import suggest
from workbench.project import Project
from workbench.store import Store, StoreError

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
    fold_dead_sessions(project)
    store = Store(project)
    documents = {}
    for article in articles:
        try:
            document = store.read(article.id)
        except StoreError as exc:
            warn(f"{exc.message} (its translations are not checked)")
            continue
        if document is not None:
            documents[article.id] = document
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
    """Add an entity to a glossary file, or new forms and a note to the same entity.

    Refused when another entity already has its English form or one of its source forms.
    """
    project = Project.here()
    table: dict[str, object] = {"en": en, "type": type_, "note": note}
    for key, values in (("fr", fr), ("ru", ru), ("forms", forms), ("wrong", wrong)):
        if values:
            table[key] = values
    try:
        entry = entry_from_table(table, "command line")
    except ValueError as exc:
        raise InputError(f"cannot add this entry: {exc}.") from None
    if file is not None:
        _check_glossary_file(file, project)
    plan = edit.add(project.glossaries, entry, file, locks=project.locks).plan
    if plan.updated:
        change = plan.updated[0]
        typer.echo(f"Added to {change.existing.en} ({change.existing.origin}): {change.describe()}.")
    else:
        typer.echo(f"Added {entry.en} ({entry.type}) to {file or project.glossaries / 'added.toml'}.")


STDIN_LIMIT = 64 * 1024 * 1024  # a large termbase is a few MB; this bounds memory
Format = Annotated[
    str | None,
    typer.Option(
        "--format", help="csv, tsv or tbx [default: from the file name; required with -].", show_default=False
    ),
]


def _format(name: str, fmt: str | None, verb: str) -> str:
    if fmt is not None:
        if fmt.lower() not in FORMATS:
            raise InputError(f"--format {fmt} is not one of {', '.join(FORMATS)}.")
        return fmt.lower()
    if name == "-":
        raise InputError(
            f"--format csv, tsv or tbx is needed to {verb} standard {'input' if verb == 'import' else 'output'}."
        )
    kind = format_of(Path(name))
    if kind is None:
        raise InputError(f"{Path(name).name}: {verb} handles .tbx, .csv or .tsv files (or give --format).")
    return kind


def _check_glossary_file(file: Path, project: Project) -> None:
    """A file `glossary add` may write: TOML in the project's glossaries/, where it is loaded."""
    if file.suffix.lower() != ".toml":
        raise InputError(f"{file} is not a .toml glossary file.")
    try:
        file.resolve().relative_to(project.glossaries.resolve())
    except ValueError:
        raise InputError(f"{file} is outside {project.glossaries}; entries there would never be used.") from None
    if file.exists():
        from workbench.glossary.entries import load

        if load([file]).issues and not list(load([file])):
            raise InputError(f"{file} is not a glossary Workbench can read; fix it or name another file.")


def _read(source: str) -> bytes:
    if source != "-":
        from workbench.ingest import read_source

        # the same reading as articles: pipes, devices and oversized files are one sentence
        data = read_source(source, STDIN_LIMIT, what="a glossary file", plural="glossaries")
        where = source
    else:
        if sys.stdin is None or sys.stdin.closed:
            raise InputError("standard input is closed; pipe a glossary into `workbench glossary import -`.")
        if sys.stdin.isatty():
            raise InputError("standard input is a terminal; pipe a glossary into it or name a file.")
        try:
            data = sys.stdin.buffer.read(STDIN_LIMIT + 1)
        except (OSError, ValueError) as exc:  # ValueError: a stream closed under us
            raise InputError(f"standard input cannot be read ({exc}).") from None
        where = "standard input"
    if len(data) > STDIN_LIMIT:
        raise InputError(f"{where} is over {STDIN_LIMIT // 1024 // 1024} MB; that is not a glossary.")
    if not data.strip():
        raise InputError(f"{where} is empty.")
    return data


@app.command("export")
def export_command(
    output: Annotated[
        str,
        typer.Argument(
            help="A .tbx, .csv or .tsv file to write, or - for standard output.", show_default=False
        ),
    ],
    fmt: Format = None,
    tbx_version: Annotated[int, typer.Option("--tbx-version", help="TBX 2 (TBX-Basic) or 3.")] = 2,
) -> None:
    """Write the project's glossary as TBX (OmegaT, Trados, memoQ), CSV or TSV."""
    if tbx_version not in (2, 3):
        raise InputError(f"--tbx-version {tbx_version} is not 2 or 3.")
    kind = _format(output, fmt, "export")
    project = Project.here()
    if output != "-":
        refuse_project_files(Path(output), project)
    glossary = _glossary(project)
    entries = list(glossary)
    data = write(entries, kind, tbx_version)
    if output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    atomic_write(Path(output), data)
    typer.echo(f"Wrote {len(glossary)} entries to {output}.")


def _report(result: edit.Result, json: bool) -> None:
    plan = result.plan
    if json:
        print_json(
            {
                "added": [e.id for e in plan.added],
                "updated": [{"id": u.existing.id, "changes": u.describe()} for u in plan.updated],
                "unchanged": [e.id for e, _ in plan.unchanged],
                "conflicting": [{"entry": c.entry.en, "message": c.message} for c in plan.conflicts],
                "written": [str(p) for p in result.written],
            }
        )
        return
    typer.echo(
        f"added {len(plan.added)}, updated {len(plan.updated)}, unchanged {len(plan.unchanged)}, "
        f"conflicting {len(plan.conflicts)}"
    )
    for entry in plan.added:
        typer.echo(f"  added: {entry.en} ({entry.type})")
    for change in plan.updated:
        typer.echo(f"  updated: {change.existing.en} ({change.existing.origin}): {change.describe()}")
    for conflict in plan.conflicts:
        typer.echo(f"  conflicting: {conflict.entry.en} ({conflict.entry.origin}): {conflict.message}")
    for path in result.written:
        typer.echo(f"Wrote {path}.")


@app.command("import")
def import_command(
    source: Annotated[
        str,
        typer.Argument(help="A .tbx, .csv or .tsv glossary, or - for standard input.", show_default=False),
    ],
    fmt: Format = None,
    into: Annotated[
        Path | None,
        typer.Option(
            "--into", help="File for new entities [default: glossaries/<name>.toml; imported.toml for -]."
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace the target file (--into or the default) with the import instead of merging.",
        ),
    ] = False,
    skip_conflicts: Annotated[
        bool,
        typer.Option("--skip-conflicts", help="Write what does not conflict; still exit 1 on conflicts."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing.")
    ] = False,
    json: Json = False,
) -> None:
    """Merge a TBX, CSV or TSV glossary into the project's glossary.

    New entities go to the --into file. An entity the glossary already has (same id,
    English form or source form) gains the forms, wrong renderings and note the import
    adds; an import that contradicts it (another English form, type or note, or forms of
    two entities) is a conflict. With a conflict nothing is written and the exit code is 1;
    --skip-conflicts writes the rest. --replace overwrites the target file instead.
    Comments and layout of the glossary files are kept.
    """
    if replace and (skip_conflicts or dry_run):
        raise InputError(
            "--replace writes the file as imported; it does not go with --skip-conflicts or --dry-run."
        )
    if replace and into is None:
        # the file to overwrite is named, never guessed from the import's file name
        raise InputError("--replace needs --into FILE: the glossary file to overwrite with the import.")
    kind = _format(source, fmt, "import")
    project = Project.here()
    name = "standard input" if source == "-" else Path(source).name
    imported = read(_read(source), name, kind)
    for issue in imported.issues:
        warn(f"{issue} (skipped)")
    if not len(imported):
        raise InputError(f"{name} holds no usable entries.")
    stem = "imported" if source == "-" else glossary_entries.slug(Path(source).stem)
    target = into or project.glossaries / f"{stem}.toml"
    if not Path(os.path.realpath(target)).is_relative_to(project.glossaries.resolve()):
        refuse_project_files(target, project)  # a glossary file is written there; in glossaries/ that is the point
    header = f"Imported from {name}."
    if replace:
        edit.replace_file(project.glossaries, imported, target, header=header, locks=project.locks)
        typer.echo(f"Replaced {target} with the {len(imported)} entries of {name}.")
        return
    result = edit.merge_entries(
        project.glossaries,
        imported,
        target,
        header=header,
        skip_conflicts=skip_conflicts,
        dry_run=dry_run,
        locks=project.locks,
    )
    _report(result, json)
    conflicts = len(result.plan.conflicts)
    if conflicts:
        entries = "entry conflicts" if conflicts == 1 else "entries conflict"
        if skip_conflicts and not dry_run:
            were = "was" if conflicts == 1 else "were"
            raise InputError(
                f"{conflicts} {entries} with the glossary and {were} not imported; the rest was."
            )
        raise InputError(
            f"{conflicts} {entries} with the glossary, so nothing was written; "
            "fix the import or use --skip-conflicts to write the rest."
        )


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="glossary")
