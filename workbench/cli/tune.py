"""`workbench models tune`: time engine settings on this machine and keep the fastest."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workbench.cli.output import print_json
from workbench.cli.progress import progress_bar
from workbench.errors import WorkbenchError
from workbench.mt import packages, tune
from workbench.mt.engine import ArgosEngine, EngineSettings
from workbench.project import Project
from workbench.store import Store, StoreError


def _pairs_needed(project: Project) -> set[tuple[str, str]]:
    needed = set()
    for path in Store(project, None).paths():
        try:
            document = Store.read_path(path)
        except StoreError:
            continue
        if document is not None and document.source_language and document.source_language != document.target_language:
            needed.add((document.source_language, document.target_language))
    return needed


def _models(pair: str | None, project: Project) -> list[packages.InstalledModel]:
    if pair is not None:
        source, target = packages.parse_pair(pair)
        model = packages.find_model(source, target)
        if model is None:
            raise WorkbenchError(f"no {source}-{target} model is installed; see `workbench models list`.")
        return [model]
    installed = packages.installed_models()
    if not installed:
        raise WorkbenchError("no model is installed; install one with `workbench models install fr-en`.")
    needed = _pairs_needed(project) if project.exists() else set()
    chosen = [m for m in installed if (m.from_code, m.to_code) in needed]
    return chosen or installed


def tune_command(
    pair: Annotated[
        str | None,
        typer.Argument(
            help="Language pair, e.g. fr-en [default: the pairs the project's articles need, else every installed one].",
            show_default=False,
        ),
    ] = None,
    sample_size: Annotated[
        int, typer.Option("--sample", min=1, help="Sentences to time each configuration on.")
    ] = 200,
    quick: Annotated[
        bool, typer.Option("--quick", help="Time two configurations only (the ends of the thread split).")
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Time thread and batch configurations on real sentences and keep the fastest for this machine.

    Sentences come from the project's prepared articles when there are any, else from a
    short built-in list. The result is cached per model, CPU model and core count in the
    user cache folder; `workbench translate` uses it unless given explicit settings.
    """
    project = Project.here()
    machine = tune.Machine.current()
    configs = tune.configurations(machine.cores, quick)
    base = EngineSettings()  # beam 4: drafts use the same settings, tuned for the common case
    reports: list[dict[str, Any]] = []
    for model in _models(pair, project):
        drawn = tune.sample(model.from_code, sample_size, project if project.exists() else None)
        tokens = sum(len(t) + 1 for t in map(ArgosEngine(model, base).tokenizer.encode, drawn.sentences))
        if not json:
            typer.echo(
                f"{model.pair} {model.version} on {machine.cpu}, {machine.cores} cores: "
                f"{len(drawn.sentences)} sentences ({tokens} tokens) from the {drawn.origin} sample, "
                f"{len(configs)} configurations."
            )
        with progress_bar(f"Timing {model.pair}", not json) as update:
            timings = tune.tune(model, drawn.sentences, configs, base, progress=update)
        best = timings[0]
        cache = tune.save_tuned(model.identity(), best, len(drawn.sentences), machine)
        # a configuration whose workers cannot each get two batches of the sample idles by
        # construction here, though it might not on a large corpus
        unfilled = [t.config for t in timings if tokens < 2 * t.config.inter_threads * t.config.max_batch_tokens]
        reports.append(
            {
                "pair": model.pair,
                "model": model.identity(),
                "cpu": machine.cpu,
                "cores": machine.cores,
                "beam_size": base.beam_size,
                "sample": {"sentences": len(drawn.sentences), "tokens": tokens, "from": drawn.origin},
                "timings": [t.to_json() for t in timings],
                "kept": best.to_json(),
                "cache": str(cache),
            }
        )
        if json:
            continue
        typer.echo(f"  {'configuration':<40} {'seconds':>9} {'sentences/s':>12}")
        for t in timings:
            mark = "  (sample too small to fill its batches)" if t.config in unfilled else ""
            typer.echo(f"  {t.config.label:<40} {t.seconds:9.2f} {t.rate:12.1f}{mark}")
        typer.echo(f"Kept {best.config.label} for {model.pair}, in {cache}.")
    if json:
        print_json(reports)


def register(app: typer.Typer) -> None:
    app.command("tune")(tune_command)
