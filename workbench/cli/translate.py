"""`workbench translate`: clean, segment and machine-translate articles into translations/."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from workbench.cli.output import fold_dead_sessions, print_json, warn
from workbench.cli.progress import progress_bar
from workbench.cluster import ClusterEngines, ClusterPreparer, Connection, cluster_address
from workbench.errors import InputError
from workbench.glossary.enforce import strategy
from workbench.glossary.entries import Glossary, load_folder
from workbench.model import Article
from workbench.mt.engine import DEVICES, EngineSettings, default_workers, resolve_device
from workbench.mt.memory import TranslationMemory
from workbench.mt.tune import TunedEngines
from workbench.pipeline import Source, read_sources
from workbench.prepare import Preparer, sync
from workbench.project import Project
from workbench.store import Store
from workbench.translate import translate_documents

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")


def project_sources(paths: list[str], project: Project) -> Iterator[Source]:
    """The sources of `paths` (default: the project's seeds/), read one at a time."""
    if not paths:
        if not project.seeds.is_dir():
            raise InputError(f"no paths given and {project.root} has no seeds/ folder.")
        paths = ["seeds"]  # relative: translations/ records where each article came from, portably
    return read_sources(paths, warn)


def preparer(project: Project) -> Preparer:
    return Preparer(project.prepared if project.exists() else None)


def load_articles(paths: list[str], project: Project, show: bool = True) -> list[Article]:
    """The prepared articles of `paths` (default: seeds/), from the project's store."""
    prepare = preparer(project)
    articles = []
    with progress_bar("Preparing", show) as update:
        for n, source in enumerate(project_sources(paths, project), 1):
            articles.append(prepare.prepare(source).article)
            update(n, None)
    seen: dict[str, str] = {}
    for article in articles:
        if article.id in seen:
            raise InputError(
                f"{article.source} and {seen[article.id]} have the same article id {article.id!r}; rename one."
            )
        seen[article.id] = article.source
    return articles


def load_project_glossary(project: Project) -> Glossary:
    """The project's glossaries; a bad entry is reported and skipped, not fatal."""
    glossary = load_folder(project.glossaries)
    for issue in glossary.issues:
        warn(str(issue))
    return glossary


def translate_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Article files or folders (default: seeds/).", show_default=False),
    ] = None,
    to: Annotated[str, typer.Option("--to", help="Target language.")] = "en",
    beam: Annotated[int | None, typer.Option("--beam", min=1, max=16, help="Beam size [default: 4].")] = None,
    draft: Annotated[
        bool,
        typer.Option("--draft", help="Greedy search (beam 1): a fast draft for gisting, kept apart from beam output."),
    ] = False,
    device: Annotated[
        str, typer.Option("--device", help="auto (cuda if CTranslate2 sees a GPU, else cpu), cpu or cuda.")
    ] = "auto",
    compute_type: Annotated[
        str | None,
        typer.Option(
            "--compute-type",
            help="int8, int8_float16, float16, float32… [default: int8 on cpu, int8_float16 or float16 on cuda].",
            show_default=False,
        ),
    ] = None,
    inter_threads: Annotated[
        int | None,
        typer.Option(
            "--inter-threads",
            min=1,
            help="Batches decoded in parallel [default: tuned (`workbench models tune`), else cores, at most 4].",
        ),
    ] = None,
    intra_threads: Annotated[
        int | None,
        typer.Option("--intra-threads", min=0, help="Threads within one batch (0: all cores) [default: tuned, else 1]."),
    ] = None,
    batch_tokens: Annotated[
        int | None,
        typer.Option("--batch-tokens", min=64, help="Tokens per decoding batch [default: tuned, else 1024]."),
    ] = None,
    max_length: Annotated[
        int, typer.Option("--max-length", min=1, help="Longest translation, in tokens.")
    ] = 256,
    pivot: Annotated[
        str | None,
        typer.Option("--pivot", help="Translate through this language when no direct model exists."),
    ] = None,
    memory: Annotated[Path | None, typer.Option("--memory", help="Translation memory file.")] = None,
    glossary: Annotated[
        str, typer.Option("--glossary", help="Glossary enforcement: inject (default), repair or off.")
    ] = "inject",
    json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            help="Prepare and decode on a Ray cluster: head:6379, or local to start one for the run"
            " [default: $WORKBENCH_CLUSTER, else this process].",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Decoder workers on the cluster [default: as many as its CPUs hold]."),
    ] = None,
    worker_cpus: Annotated[float, typer.Option("--worker-cpus", min=0.01, help="CPUs each cluster worker takes.")] = 1.0,
    worker_gpus: Annotated[float, typer.Option("--worker-gpus", min=0.0, help="GPUs each cluster worker takes.")] = 0.0,
) -> None:
    """Translate articles offline into translations/, reusing the translation memory.

    Human edits and reviews are never overwritten; a run that was interrupted resumes
    where it stopped.
    """
    if draft and beam not in (None, 1):
        raise InputError("--draft decodes with beam 1; leave out --beam or --draft.")
    if not LANGUAGE_CODE.fullmatch(to):
        raise InputError(f"--to {to!r} is not a language code (en, fr, de, pt-BR…).")
    if device not in DEVICES:
        raise InputError(f"--device {device!r} is not one of {', '.join(DEVICES)}.")
    address = cluster_address(cluster)
    if address is None and (workers is not None or worker_cpus != 1.0 or worker_gpus):
        raise InputError("--workers, --worker-cpus and --worker-gpus need --cluster (or WORKBENCH_CLUSTER).")
    if address is None and device == "cuda":
        resolve_device(device, compute_type)  # no GPU here is one sentence before any work
    project = Project.here()
    fold_dead_sessions(project)  # human work a killed session journaled is kept from the MT
    store = Store(project, to)
    prepare = preparer(project)
    sources = project_sources(paths or [], project)
    written: set[str] = set()
    flags = {"inter_threads": inter_threads, "intra_threads": intra_threads, "max_batch_tokens": batch_tokens}
    given = [name for name, value in flags.items() if value is not None]
    defaults = EngineSettings()
    settings = EngineSettings(
        beam_size=1 if draft else beam or defaults.beam_size,
        device=device,
        compute_type=compute_type,
        inter_threads=inter_threads or default_workers(),
        intra_threads=defaults.intra_threads if intra_threads is None else intra_threads,
        max_batch_tokens=batch_tokens or defaults.max_batch_tokens,
        max_decoding_length=max_length,
        pivot=pivot,
    )
    enforcement = strategy(glossary)
    with contextlib.ExitStack() as stack:
        engines: TunedEngines | ClusterEngines
        if address is None:
            engines = TunedEngines(settings, given)
        else:
            connection = stack.enter_context(Connection(address))
            engines = ClusterEngines(connection, settings, frozenset(given), workers, worker_cpus, worker_gpus)
            prepare = ClusterPreparer(prepare, connection, engines.workers or 1, worker_cpus)
        # a cluster's preparing workers end with preparing: their CPUs go to the decoders
        with prepare, progress_bar("Preparing", not json) as update:
            documents = sync(store, prepare, sources, update, written)
        terms = load_project_glossary(project) if glossary != "off" else None
        with (
            TranslationMemory(memory or project.memory) as tm,
            progress_bar("Translating", not json) as update,
        ):
            summary = translate_documents(
                documents,
                store,
                tm,
                engines=engines,
                progress=update,
                glossary=terms,
                enforcement=enforcement,
                written=written,
            )
        report: dict[str, Any] = {"engine": engines.report()}
        if address is not None:
            assert isinstance(engines, ClusterEngines)
            report["cluster"] = {**connection.to_json(), **engines.to_json()}
    if json:
        print_json(
            {
                **asdict(summary),
                "prepared": prepare.prepared,
                "prepared_reused": prepare.reused,
                **report,
            }
        )
    else:
        typer.echo(
            f"{summary.articles} articles, {summary.segments} segments: {summary.decoded} translated by the model"
            f" ({summary.duplicates} repeats reused), {summary.from_memory} from memory, {summary.current} already"
            f" translated, {summary.kept_human} human edits kept; {summary.files_written} files written to"
            f" {store.folder} in {summary.seconds:.1f} s."
        )
    for missing in summary.missing:
        warn(missing)
    if summary.missing:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("translate")(translate_command)
