"""`workbench export`, `qa`, `report` and `tm import`: the parallel corpus leaves the workbench."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.output import print_json
from workbench.cli.translate import load_project_glossary
from workbench.errors import InputError, WorkbenchError
from workbench.export import FORMATS, LEVELS, moses_paths, read_tmx, render, select
from workbench.fileio import atomic_write
from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.qa import check_documents
from workbench.report import as_json, summarise
from workbench.store import Document, Store

Status = Annotated[
    str,
    typer.Option(
        "--status", help=f"Lowest status exported: {', '.join(LEVELS)} (each includes those before it)."
    ),
]
Lang = Annotated[str | None, typer.Option("--lang", help="Only articles in this source language (fr, ru…).")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def _documents(project: Project) -> list[Document]:
    documents = list(Store(project, None).documents())  # every target language
    if not documents:
        raise InputError(
            f"{project.translations} holds no translations yet; run `workbench translate` first."
        )
    return documents


def export_command(
    format: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (Moses: a prefix); default: stdout.")
    ] = None,
    status: Status = "reviewed",
    lang: Lang = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Leave out segments that fail QA, and say which.")
    ] = False,
) -> None:
    """Export the aligned corpus: JSONL, TMX 1.4b, Moses, TSV or XLIFF 2. Same input, same bytes."""
    if format not in FORMATS:
        raise InputError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}.")
    project = Project.here()
    rows = select(_documents(project), status, lang)
    if strict:
        failing = {
            (f.article, f.segment)
            for f in check_documents([r.document for r in rows], load_project_glossary(project))
        }
        failing = {key for key in failing if any((r.article, r.segment.id) == key for r in rows)}
        for article, segment in sorted(failing):
            print(
                f"workbench: left out {article} {segment}: it fails QA (see `workbench qa`).", file=sys.stderr
            )
        rows = [r for r in rows if (r.article, r.segment.id) not in failing]
    if not rows:
        raise InputError(f"no segments with status {status} or better to export; try --status machine.")
    data = render(rows, format)
    if isinstance(data, dict):
        if output is None:
            raise InputError("Moses export writes two files per language pair: give a prefix with -o.")
        paths = moses_paths(output, data)
        for path, content in zip(paths, data.values(), strict=True):
            atomic_write(path, content)
        typer.echo(f"Wrote {len(rows)} segment pairs to {', '.join(str(p) for p in paths)}.", err=True)
        return
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write(output, data)
        typer.echo(f"Wrote {len(rows)} segments to {output}.", err=True)


def qa_command(json: Json = False, status: Status = "machine", lang: Lang = None) -> None:
    """Check translated segments: numbers and dates, empty or untranslated targets, copies of the
    source, length outliers, unbalanced quotes and brackets, glossary violations. Exits 1 on findings."""
    project = Project.here()
    rows = select(_documents(project), status, lang)
    documents = {r.article: r.document for r in rows}
    wanted = {(r.article, r.segment.id) for r in rows}
    findings = [
        f
        for f in check_documents(documents.values(), load_project_glossary(project))
        if (f.article, f.segment) in wanted
    ]
    if json:
        print_json([vars(f) for f in findings])
    else:
        for f in findings:
            typer.echo(f"{f.article} {f.segment} {f.check:<12} {f.message}")
        typer.echo(f"{len(findings)} findings in {len(wanted)} segments.")
    if findings:
        raise typer.Exit(1)


def report_command(json: Json = False) -> None:
    """Per article and for the corpus: segments by status, post-edit effort (TER, chrF), glossary
    coverage and QA findings."""
    project = Project.here()
    articles, corpus = summarise(_documents(project), load_project_glossary(project))
    if json:
        print_json({"articles": [as_json(a) for a in articles], "corpus": as_json(corpus)})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Workbench report")
    columns = [
        "Article",
        "Lang",
        "New",
        "Machine",
        "Edited",
        "Reviewed",
        "Changed/PE",
        "TER",
        "chrF",
        "Glossary",
        "QA",
    ]
    for name in columns:
        table.add_column(name, justify="left" if name in ("Article", "Lang") else "right")

    def cells(s) -> list[str]:  # type: ignore[no-untyped-def]
        e = s.effort
        return [
            s.name,
            s.language or "",
            *(str(s.statuses[k]) for k in ("new", "machine", "edited", "reviewed")),
            f"{e.changed}/{e.segments}",
            "–" if e.ter is None else f"{e.ter:.1f}",
            "–" if e.chrf is None else f"{e.chrf:.1f}",
            "–" if s.coverage is None else f"{100 * s.coverage:.0f}%",
            str(sum(s.findings.values())),
        ]

    for summary in articles:
        table.add_row(*cells(summary))
    table.add_section()
    table.add_row(*cells(corpus), style="bold")
    Console(width=None if sys.stdout.isatty() else 140).print(table)
    typer.echo(
        "Changed/PE: reviewed or edited segments whose target differs from the MT, of those with MT. "
        "TER: edits per word needed to turn the MT into the final target (lower: less post-editing)."
    )


tm = typer.Typer(help="The translation memory.", no_args_is_help=True)


@tm.command("import")
def tm_import(
    file: Annotated[Path, typer.Argument(help="A TMX file.", show_default=False)],
    memory: Annotated[Path | None, typer.Option("--memory", help="Translation memory file.")] = None,
) -> None:
    """Load a TMX file into the translation memory as human translations (they outrank MT)."""
    project = Project.here()
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"{file}: cannot be read ({exc.strerror}).") from None
    pairs = read_tmx(data, file.name)
    if not pairs:
        raise InputError(f"{file.name} holds no translation units.")
    by_pair: dict[tuple[str, str], list[tuple[str, str, float | None]]] = {}
    for source_lang, source, target_lang, target in pairs:
        by_pair.setdefault((source_lang, target_lang), []).append((source, target, None))
    try:
        with TranslationMemory(memory or project.memory) as store:
            added = sum(store.add(s, t, "human", units, note=file.name) for (s, t), units in by_pair.items())
    except WorkbenchError:
        raise
    typer.echo(
        f"Imported {added} translation units from {file.name} ({', '.join(f'{s}→{t}' for s, t in by_pair)})."
    )


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
    app.command("qa")(qa_command)
    app.command("report")(report_command)
    app.add_typer(tm, name="tm")
