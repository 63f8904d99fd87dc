"""`workbench export`: the parallel corpus (or the segmentation rules) leaves the workbench."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.output import fold_dead_sessions, refuse_project_files, warn
from workbench.errors import InputError
from workbench.export import FORMATS, LEVELS, Notices, Row, render, select, set_paths
from workbench.export.filters import NAMES, Filter, parse
from workbench.export.rows import nothing_to_export
from workbench.fileio import atomic_write, write_set
from workbench.project import Project
from workbench.store import Document, Store

XLIFF_SUFFIXES = (".xlf", ".xliff")
FORMAT_HELP = "; ".join(f"{f.name}: {f.about}" for f in FORMATS.values())


def project_documents(project: Project) -> list[Document]:
    """Every translations file of every target language; one that cannot be read is named
    and left out, so the others stay usable. A dead review session's journal is folded first."""
    fold_dead_sessions(project)
    problems: list[str] = []
    documents = list(Store(project, None).documents(skip=problems.append))
    if not documents and len(problems) == 1:
        raise InputError(problems[0])  # the one file there is: nothing to go on with
    for problem in problems:
        warn(f"{problem} (skipped)")
    if not documents and problems:
        raise InputError(f"none of the {len(problems)} translations files in {project.translations} can be read.")
    if not documents:
        raise InputError(
            f"{project.translations} holds no translations yet; run `workbench translate` first."
        )
    return documents


def export_command(
    format: Annotated[str, typer.Option("--format", "-f", help=f"One of: {FORMAT_HELP}.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="File to write, `-` or nothing for stdout. Moses, and XLIFF with several language "
            "pairs: a prefix (PREFIX.fr-en.xlf) or a folder.",
        ),
    ] = None,
    status: Annotated[
        str,
        typer.Option("--status", help=f"Lowest status exported: {', '.join(LEVELS)} (each includes those before it)."),
    ] = "reviewed",
    lang: Annotated[str | None, typer.Option("--lang", help="Only articles in this source language (fr, ru…).")] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Leave out segments that fail QA, and say which.")
    ] = False,
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            help=f"A corpus filter, NAME or NAME:key=value,…; repeatable, applied in order. One of "
            f"{', '.join(NAMES)} (see the README).",
        ),
    ] = None,
    report: Annotated[
        bool, typer.Option("--report", help="Say on standard error how many segments each filter removed.")
    ] = False,
) -> None:
    """Export the aligned corpus (JSONL, Parquet, TMX 1.4b, Moses, TSV, XLIFF 2.0) or the
    segmentation rules (SRX 2.0). Same input, same bytes."""
    chosen = FORMATS.get(format)
    if chosen is None:
        raise InputError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}.")
    to_stdout = output is None or str(output) == "-"
    if to_stdout and chosen.binary:
        raise InputError(f"{format.capitalize()} is a binary format: give a file to write with -o.")
    if to_stdout and format == "moses":
        raise InputError(f"Moses export writes {chosen.several}: give a prefix with -o.")
    project = Project.here()
    if not to_stdout and output is not None:
        refuse_project_files(output, project)
    if not chosen.of_rows:
        data = render([], format)
        assert isinstance(data, bytes)
        _write_one(data, None if to_stdout else output, "the segmentation rules")
        return
    steps = [parse(spec) for spec in filters or []]  # a mistyped filter is refused before any work
    rows = _rows(project, status, lang, strict, steps, report)
    notices = Notices()
    data = render(rows, format, notices)
    for message in notices.messages(format):
        warn(message)
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
    for path in paths:
        refuse_project_files(path, project)
    write_set(dict(zip(paths, data.values(), strict=True)))
    unit = "segment pairs" if format == "moses" else "segments"
    typer.echo(f"Wrote {len(rows)} {unit} to {', '.join(str(p) for p in paths)}.", err=True)


def _rows(
    project: Project, status: str, lang: str | None, strict: bool, steps: list[Filter], report: bool
) -> list[Row]:
    documents = project_documents(project)
    rows = select(documents, status, lang)
    if not rows:
        raise InputError(nothing_to_export(documents, status, lang))
    total = len(rows)
    removed: list[tuple[str, int, int]] = []  # (step, removed, left)
    if strict:
        from workbench.cli.translate import load_project_glossary
        from workbench.qa import check_documents, project_context

        chosen = {(r.article, r.target_language): r.document for r in rows}
        context = project_context(load_project_glossary(project), project.glossaries)
        failing = {(f.article, f.target, f.segment) for f in check_documents(chosen.values(), context=context)}
        keys = {(r.article, r.target_language, r.segment.id) for r in rows}
        for article, target, segment in sorted(failing & keys):
            warn(f"left out {article} {segment} (→{target}): it fails QA (see `workbench qa`).")
        before = len(rows)
        rows = [r for r in rows if (r.article, r.target_language, r.segment.id) not in failing]
        removed.append(("--strict (QA)", before - len(rows), len(rows)))
    for step in steps:
        before = len(rows)
        rows = step.apply(rows)
        removed.append((step.label, before - len(rows), len(rows)))
    if report:
        print(f"workbench: {total} segments with status {status} or better{f' in {lang}' if lang else ''}", file=sys.stderr)
        for label, count, left in removed:
            print(f"workbench: {label}: removed {count}, {left} left", file=sys.stderr)
    if not rows:
        raise InputError(
            f"every segment with status {status} or better was removed by "
            f"{', '.join(label for label, count, _ in removed if count)}; nothing to export"
            + ("." if report else " (--report says how many each removed).")
        )
    return rows


def _write_one(data: bytes, output: Path | None, what: str) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    atomic_write(output, data)
    typer.echo(f"Wrote {what} to {output}.", err=True)


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
