"""`workbench qa`, `report` and `tm import`: checking the corpus, and memories coming in."""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workbench.cli.export import project_documents
from workbench.cli.output import console as pipe_console
from workbench.cli.output import fold_dead_sessions, print_json, reach_verdict, refuse_project_files, warn
from workbench.cli.translate import load_project_glossary
from workbench.errors import InputError, WorkbenchError
from workbench.export import LEVELS, select
from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.qa import CHECKS, Finding, check_documents, project_context
from workbench.report import TER_MAX_WORDS, Report, as_json, summarise
from workbench.store import STATUSES, Document

if TYPE_CHECKING:
    from rich.table import Table
# the analysis table's headings for the match bands, in the order CAT tools print them
ANALYSIS_COLUMNS = {
    "101%": "101%",
    "Rep.": "repetitions",
    "100%": "100%",
    "95–99": "95–99%",
    "85–94": "85–94%",
    "75–84": "75–84%",
    "50–74": "50–74%",
    "No match": "no match",
}

Status = Annotated[
    str,
    typer.Option(
        "--status", help=f"Lowest status exported: {', '.join(LEVELS)} (each includes those before it)."
    ),
]
Lang = Annotated[str | None, typer.Option("--lang", help="Only articles in this source language (fr, ru…).")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def qa_command(json: Json = False, status: Status = "machine", lang: Lang = None) -> None:
    """Check translated segments: numbers and number words, dates, months and weekdays, empty or
    untranslated targets, copies of the source, length outliers, quotes and brackets (with the
    paragraph), glossary names, English spelling (dictionary, glossary, glossaries/words.txt).
    Findings judged "not an error" in the review screen are not reported. Exits 1 on findings."""
    project = Project.here()
    rows = select(project_documents(project), status, lang)
    documents = {(r.article, r.target_language): r.document for r in rows}  # one per target language
    wanted = {(r.article, r.target_language, r.segment.id) for r in rows}
    context = project_context(load_project_glossary(project), project.glossaries)
    findings = [
        f
        for f in check_documents(documents.values(), context=context)
        if (f.article, f.target, f.segment) in wanted
    ]
    reach_verdict(1 if findings else 0)
    if json:
        print_json([vars(f) for f in findings])
    else:
        _print_findings(
            findings, documents, len(wanted), several=len({target for _, target in documents}) > 1
        )
    if findings:
        raise typer.Exit(1)


def _print_findings(
    findings: list[Finding], documents: dict[tuple[str, str], Document], segments: int, several: bool
) -> None:
    """Each finding under its article's title, by segment number and text; then a count per check."""
    positions = {(key, s.id): (n, s) for key, d in documents.items() for n, s in enumerate(d.segments, 1)}
    current = None
    for f in findings:
        key = (f.article, f.target)
        if key != current:
            current = key
            title = documents[key].title or f.article
            typer.echo(f"{title} ({f.article}{f' →{f.target}' if several else ''})")
        n, s = positions[(key, f.segment)]
        text = s.target if s.target.strip() else s.source
        typer.echo(f"  segment {n}: {f.check}: {f.message}")
        typer.echo(f"    {text if len(text) <= 100 else text[:99] + '…'}")
    counts = Counter(f.check for f in findings)
    if counts:
        typer.echo("By check: " + ", ".join(f"{check} {counts[check]}" for check in CHECKS if counts[check]))
    typer.echo(f"{len(findings)} findings in {segments} segments.")


def report_command(json: Json = False) -> None:
    """Per article and for the corpus: segments by status, post-edit effort (TER, chrF), glossary
    coverage, QA findings, and the reviewer's pass (MQM error counts and score)."""
    project = Project.here()
    documents = project_documents(project)
    context = project_context(load_project_glossary(project), project.glossaries)
    with contextlib.ExitStack() as stack:
        memory = _memory_reader(project, stack)
        articles, corpus = summarise(
            documents, context.glossary, memory.human_keys if memory else None, context
        )
    if json:
        print_json({"articles": [as_json(a) for a in articles], "corpus": as_json(corpus)})
        return
    from rich.table import Table

    table = Table(title="Workbench report")
    columns = [
        "Article",
        "Lang",
        "New",
        "Machine",
        "Edited",
        "Reviewed",
        "Approved",
        "Rejected",
        "Changed/PE",
        "TER",
        "chrF",
        "Glossary",
        "QA",
        "MQM",
    ]
    for name in columns:
        table.add_column(name, justify="left" if name in ("Article", "Lang") else "right")

    def cells(s) -> list[str]:  # type: ignore[no-untyped-def]
        e = s.effort
        return [
            s.name,
            s.language or "",
            *(str(s.statuses[k]) for k in ("new", "machine", "edited", "reviewed", "approved", "rejected")),
            f"{e.changed}/{e.segments}",
            "–" if e.ter is None else f"{e.ter:.1f}",
            "–" if e.chrf is None else f"{e.chrf:.1f}",
            "–" if s.coverage is None else f"{100 * s.coverage:.0f}%",
            str(sum(s.findings.values())),
            "–" if s.quality.score is None else f"{s.quality.score:.1f}",
        ]

    for summary in articles:
        table.add_row(*cells(summary))
    table.add_section()
    table.add_row(*cells(corpus), style="bold")
    console = pipe_console(width=None if sys.stdout.isatty() else 140)
    console.print(table)
    console.print(_analysis_table(articles, corpus))
    typer.echo(
        "Changed/PE: reviewed or edited segments whose target differs from the MT, of those with MT. "
        "TER: edits per word needed to turn the MT into the final target (lower: less post-editing). "
        "Analysis: source words by status, and by what the translation memory's human units offer "
        "(101%: same source and same preceding source; Rep.: the source came earlier in the corpus). "
        "MQM: quality score of the reviewer's pass, (1 − penalty / source words) × 100, errors weighted "
        "minor 1, major 5, critical 25 (MQM scoring models); --json has the counts by category and severity."
    )
    if memory is None:
        typer.echo("There is no translation memory yet: every first occurrence is counted as no match.")
    if corpus.effort.ter_skipped:
        typer.echo(
            f"TER leaves out {corpus.effort.ter_skipped} segments of over {TER_MAX_WORDS} words a side "
            "(too long to score in bounded time); chrF includes them."
        )


def _memory_reader(project: Project, stack: contextlib.ExitStack) -> TranslationMemory | None:
    """The project's memory for the match bands; none yet is no error, and one that cannot
    be read costs the bands only (said once)."""
    if not project.memory.exists():
        return None
    try:
        return stack.enter_context(TranslationMemory(project.memory, timeout=5.0))
    except WorkbenchError as exc:
        warn(f"{exc.message} The memory-match bands count every first occurrence as no match.")
        return None


def _analysis_table(articles: list[Report], corpus: Report) -> Table:
    from rich.table import Table

    table = Table(title="Analysis (source words)")
    table.add_column("Article")
    for name in ("Words", *(status.capitalize() for status in STATUSES), *ANALYSIS_COLUMNS):
        table.add_column(name, justify="right")

    def cells(s: Report) -> list[str]:
        a = s.analysis
        return [
            s.name,
            str(a.words),
            *(str(a.by_status[k].words) for k in STATUSES),
            *(str(a.bands[band].words) for band in ANALYSIS_COLUMNS.values()),
        ]

    for summary in articles:
        table.add_row(*cells(summary))
    table.add_section()
    table.add_row(*cells(corpus), style="bold")
    return table


tm = typer.Typer(help="The translation memory.", no_args_is_help=True)
TMX_LIMIT = 512 * 1024 * 1024  # a large memory is some hundred MB; this bounds memory use


@tm.command("import")
def tm_import(
    file: Annotated[Path, typer.Argument(help="A TMX file, or - for standard input.", show_default=False)],
    memory: Annotated[Path | None, typer.Option("--memory", help="Translation memory file.")] = None,
) -> None:
    """Load a TMX file into the translation memory. Units from other tools, and units a person
    edited or reviewed, are human translations (they outrank MT); units Workbench exported as
    machine translation stay machine units of their model, reused only by that model."""
    project = Project.here()
    if memory is not None:
        refuse_project_files(memory, project, memory=True)
    fold_dead_sessions(project)  # a dead session's confirmations reach the memory before ours
    from workbench.export.tmx import HUMAN, read_tmx
    from workbench.ingest import read_source

    name = "standard input" if str(file) == "-" else file.name
    # as articles are read: a closed stdin, a pipe nobody writes to or a device is one sentence
    data = read_source(file, TMX_LIMIT, what="a TMX file", plural="translation memories")
    read = read_tmx(data, name)
    if not read.units:
        skipped = f" ({read.skipped} machine units without their model were skipped)" if read.skipped else ""
        raise InputError(f"{name} holds no translation units{skipped}.")
    groups: dict[tuple[str, str, str], list[tuple[str, str, float | None]]] = {}
    for unit in read.units:
        key = (unit.source_language, unit.target_language, unit.origin)
        groups.setdefault(key, []).append((unit.source, unit.target, unit.score))
    with TranslationMemory(memory or project.memory) as store:
        added = {key: store.add(*key, units, note=name) for key, units in groups.items()}
    human = sum(n for (_, _, origin), n in added.items() if origin == HUMAN)
    models = sorted({origin for _, _, origin in added if origin != HUMAN})
    kinds = [f"{human} human"] if human else []
    if models:
        kinds.append(f"{sum(added.values()) - human} machine, of {', '.join(models)}")
    pairs = ", ".join(dict.fromkeys(f"{s}→{t}" for s, t, _ in added))
    typer.echo(f"Imported {sum(added.values())} translation units from {name} ({pairs}; {'; '.join(kinds)}).")
    if read.skipped:
        warn(f"skipped {read.skipped} machine units of {name} that do not name their model.")


def register(app: typer.Typer) -> None:
    app.command("qa")(qa_command)
    app.command("report")(report_command)
    app.add_typer(tm, name="tm")
