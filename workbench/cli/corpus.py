"""`workbench export`, `qa`, `report` and `tm import`: the parallel corpus leaves the workbench."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.output import print_json
from workbench.cli.translate import load_project_glossary
from workbench.errors import InputError, WorkbenchError
from workbench.export import BINARY, FORMATS, LEVELS, Row, read_tmx, render, select, set_paths
from workbench.fileio import atomic_write, write_set
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


ALL_FORMATS = (*FORMATS, "srx")
XLIFF_SUFFIXES = (".xlf", ".xliff")


def export_command(
    format: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(ALL_FORMATS)}.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="File to write, `-` or nothing for stdout. Moses, and XLIFF with several language "
            "pairs: a prefix (PREFIX.fr-en.xlf) or a folder.",
        ),
    ] = None,
    status: Status = "reviewed",
    lang: Lang = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Leave out segments that fail QA, and say which.")
    ] = False,
) -> None:
    """Export the aligned corpus (JSONL, Parquet, TMX 1.4b, Moses, TSV, XLIFF 2.0) or the
    segmentation rules (SRX 2.0). Same input, same bytes."""
    if format not in ALL_FORMATS:
        raise InputError(f"unknown format {format!r}; use one of {', '.join(ALL_FORMATS)}.")
    to_stdout = output is None or str(output) == "-"
    if format == "srx":
        from workbench.srx import export_srx

        _write_one(export_srx(), None if to_stdout else output, "the segmentation rules")
        return
    if to_stdout and format in BINARY:
        raise InputError(f"{format.capitalize()} is a binary format: give a file to write with -o.")
    if to_stdout and format == "moses":
        raise InputError("Moses export writes two files per language pair: give a prefix with -o.")
    project = Project.here()
    rows = _rows(project, status, lang, strict)
    data = render(rows, format)
    if isinstance(data, bytes):
        _write_one(data, None if to_stdout else output, f"{len(rows)} segments")
        return
    one_file = to_stdout or (
        output is not None and output.suffix.lower() in XLIFF_SUFFIXES and not output.is_dir()
    )
    if format == "xliff" and len(data) == 1 and one_file:
        _write_one(next(iter(data.values())), None if to_stdout else output, f"{len(rows)} segments")
        return
    if to_stdout or output is None:
        pairs = ", ".join(name.removesuffix(".xlf") for name in data)
        raise InputError(
            f"an XLIFF file holds one language pair and these segments are in {pairs}: "
            "give a prefix or a folder with -o, or one language with --lang."
        )
    if format == "xliff" and output.suffix.lower() in XLIFF_SUFFIXES and not output.is_dir():
        output = output.with_suffix("")  # corpus.xlf with two pairs: corpus.fr-en.xlf, corpus.ru-en.xlf
    paths = set_paths(output, data)
    write_set(dict(zip(paths, data.values(), strict=True)))
    unit = "segment pairs" if format == "moses" else "segments"
    typer.echo(f"Wrote {len(rows)} {unit} to {', '.join(str(p) for p in paths)}.", err=True)


def _rows(project: Project, status: str, lang: str | None, strict: bool) -> list[Row]:
    rows = select(_documents(project), status, lang)
    if strict:
        documents = {(r.article, r.target_language): r.document for r in rows}
        failing = {
            (f.article, f.target, f.segment)
            for f in check_documents(documents.values(), load_project_glossary(project))
        }
        keys = {(r.article, r.target_language, r.segment.id) for r in rows}
        for article, target, segment in sorted(failing & keys):
            print(
                f"workbench: left out {article} {segment} (→{target}): it fails QA (see `workbench qa`).",
                file=sys.stderr,
            )
        rows = [r for r in rows if (r.article, r.target_language, r.segment.id) not in failing]
    if not rows:
        hint = "; try --status all" if status != "all" else ""
        raise InputError(f"no segments with status {status} or better to export{hint}.")
    return rows


def _write_one(data: bytes, output: Path | None, what: str) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    atomic_write(output, data)
    typer.echo(f"Wrote {what} to {output}.", err=True)


def qa_command(json: Json = False, status: Status = "machine", lang: Lang = None) -> None:
    """Check translated segments: numbers and dates, empty or untranslated targets, copies of the
    source, length outliers, unbalanced quotes and brackets, glossary violations. Exits 1 on findings."""
    project = Project.here()
    rows = select(_documents(project), status, lang)
    documents = {(r.article, r.target_language): r.document for r in rows}  # one per target language
    wanted = {(r.article, r.target_language, r.segment.id) for r in rows}
    findings = [
        f
        for f in check_documents(documents.values(), load_project_glossary(project))
        if (f.article, f.target, f.segment) in wanted
    ]
    several = len({target for _, target in documents}) > 1
    if json:
        print_json([vars(f) for f in findings])
    else:
        for f in findings:
            where = f"{f.article} {f.segment}" + (f" →{f.target}" if several else "")
            typer.echo(f"{where} {f.check:<12} {f.message}")
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
TMX_LIMIT = 512 * 1024 * 1024  # a large memory is some hundred MB; this bounds memory use


@tm.command("import")
def tm_import(
    file: Annotated[Path, typer.Argument(help="A TMX file, or - for standard input.", show_default=False)],
    memory: Annotated[Path | None, typer.Option("--memory", help="Translation memory file.")] = None,
) -> None:
    """Load a TMX file into the translation memory as human translations (they outrank MT)."""
    project = Project.here()
    from workbench.ingest import read_source

    name = "standard input" if str(file) == "-" else file.name
    # as articles are read: a closed stdin, a pipe nobody writes to or a device is one sentence
    data = read_source(file, TMX_LIMIT, what="a TMX file", plural="translation memories")
    pairs = read_tmx(data, name)
    if not pairs:
        raise InputError(f"{name} holds no translation units.")
    by_pair: dict[tuple[str, str], list[tuple[str, str, float | None]]] = {}
    for source_lang, source, target_lang, target in pairs:
        by_pair.setdefault((source_lang, target_lang), []).append((source, target, None))
    try:
        with TranslationMemory(memory or project.memory) as store:
            added = sum(store.add(s, t, "human", units, note=name) for (s, t), units in by_pair.items())
    except WorkbenchError:
        raise
    typer.echo(
        f"Imported {added} translation units from {name} ({', '.join(f'{s}→{t}' for s, t in by_pair)})."
    )


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
    app.command("qa")(qa_command)
    app.command("report")(report_command)
    app.add_typer(tm, name="tm")
