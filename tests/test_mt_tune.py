"""Engine settings tuned to the machine: configurations, timing, the cache, and their use."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_cli, seed

from workbench.mt import tune
from workbench.mt.engine import ArgosEngine, EngineSettings
from workbench.mt.tune import Config, Machine, Timing, TuneError
from workbench.project import Project
from workbench.store import Document, SegmentRecord, Store

HERE = Machine("Test CPU 9000", 2)
FRENCH = seed("001")  # a French seed article


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def french_project(tmp_path: Path) -> Project:
    """A project with one short French article (quick to prepare)."""
    root = tmp_path / "fr-project"
    (root / "seeds").mkdir(parents=True)
    lines = FRENCH.read_text(encoding="utf-8").splitlines()
    (root / "seeds" / "article.txt").write_text("\n\n".join(line for line in lines[:6] if line.strip()))
    return Project(root)


# configurations ---------------------------------------------------------------------------


def test_thread_splits_fit_the_cores() -> None:
    assert tune.thread_splits(2) == [(2, 1), (1, 2), (1, 0)]
    assert tune.thread_splits(1) == [(1, 1), (1, 0)]
    assert tune.thread_splits(8) == [(8, 1), (4, 2), (2, 4), (1, 8), (1, 0)]
    for cores in range(1, 70):
        assert all(inter * max(intra, 1) <= cores for inter, intra in tune.thread_splits(cores))


def test_configurations_cross_splits_with_batch_sizes() -> None:
    configs = tune.configurations(2)
    assert len(configs) == 3 * 4
    assert {c.max_batch_tokens for c in configs} == {512, 1024, 2048, 4096}
    assert Config(2, 1, 1024) in configs and Config(1, 0, 4096) in configs
    assert tune.configurations(2, quick=True) == [Config(2, 1, 1024), Config(1, 2, 1024)]
    assert len(tune.configurations(1, quick=True)) == 2


def test_cpu_model_is_read_from_cpuinfo(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC  7B13\n\nprocessor\t: 1\n")
    assert tune.cpu_model(info) == "AMD EPYC 7B13"
    assert tune.cpu_model(tmp_path / "missing")  # falls back to platform, never empty


# timing ------------------------------------------------------------------------------------


def test_the_fastest_configuration_comes_first() -> None:
    seconds = {Config(2, 1, 512): 3.0, Config(1, 2, 512): 1.5, Config(1, 0, 1024): 2.0}
    seen: list[EngineSettings] = []

    def timer(model, settings: EngineSettings, sentences) -> float:  # type: ignore[no-untyped-def]
        seen.append(settings)
        config = Config(settings.inter_threads, settings.intra_threads, settings.max_batch_tokens)
        return seconds[config]

    timings = tune.tune(None, ["a", "b", "c"], seconds, EngineSettings(beam_size=2), timer=timer)  # type: ignore[arg-type]
    assert [t.config for t in timings] == [Config(1, 2, 512), Config(1, 0, 1024), Config(2, 1, 512)]
    assert timings[0].rate == 2.0  # 3 sentences in 1.5 s
    assert all(s.beam_size == 2 for s in seen)  # the base settings are kept, only threads and batch vary


def test_tune_times_the_real_package(installed) -> None:
    sentences = tune.sample("fr", 12, None).sentences
    configs = [Config(1, 1, 64), Config(2, 1, 256)]
    timings = tune.tune(installed, sentences, configs, EngineSettings(max_decoding_length=6))
    assert {t.config for t in timings} == set(configs)
    assert all(t.seconds > 0 and t.sentences == 12 for t in timings)
    assert timings[0].seconds <= timings[1].seconds


# the sample ----------------------------------------------------------------------------------


def test_sample_prefers_the_projects_prepared_segments(tmp_path: Path) -> None:
    project = Project(tmp_path / "p")
    store = Store(project, "en")
    records = [SegmentRecord(f"0-{i}", 0, i, "text", f"Phrase numéro {i} du projet.") for i in range(30)]
    store.update("a1", lambda _: Document("a1", "seeds/a1.txt", "fr", "en", "T", None, records))
    other = [SegmentRecord("0-0", 0, 0, "text", "Русское предложение.")]
    store.update("a2", lambda _: Document("a2", "seeds/a2.txt", "ru", "en", "T", None, other))
    drawn = tune.sample("fr", 10, project)
    assert drawn.origin == "project" and len(drawn.sentences) == 10
    assert set(drawn.sentences) <= {r.source for r in records}
    assert len(set(drawn.sentences)) == 10  # distinct while the project has enough
    assert drawn == tune.sample("fr", 10, project)  # the same sentences on every run
    assert tune.sample("ru", 3, project).sentences == ["Русское предложение."] * 3


def test_sample_falls_back_to_built_in_sentences_or_refuses(tmp_path: Path) -> None:
    drawn = tune.sample("ru", 40, Project(tmp_path / "empty"))
    assert drawn.origin == "built-in" and len(drawn.sentences) == 40
    assert set(drawn.sentences) == set(tune.built_in("ru"))
    with pytest.raises(TuneError, match="no sw sentences to time on: run `workbench models tune` in a project"):
        tune.sample("sw", 10, None)


# the cache ---------------------------------------------------------------------------------


def test_cache_is_written_and_read_back(cache_home: Path) -> None:
    best = Timing(Config(1, 2, 2048), 1.25, 50)
    path = tune.save_tuned("argos/fr-en/1.9/abc", best, 50, HERE)
    assert path == cache_home / "workbench" / "engine-settings.json"
    assert tune.load_tuned("argos/fr-en/1.9/abc", HERE) == Config(1, 2, 2048)
    entry = json.loads(path.read_text())["entries"]["argos/fr-en/1.9/abc|Test CPU 9000|2"]
    assert entry["settings"] == {"inter_threads": 1, "intra_threads": 2, "max_batch_tokens": 2048}
    # a second model's entry is added beside the first, not over it
    tune.save_tuned("argos/ru-en/1.9/def", Timing(Config(2, 1, 512), 2.0, 50), 50, HERE)
    assert tune.load_tuned("argos/fr-en/1.9/abc", HERE) == Config(1, 2, 2048)
    assert tune.load_tuned("argos/ru-en/1.9/def", HERE) == Config(2, 1, 512)


def test_cache_of_another_cpu_core_count_or_model_is_ignored(cache_home: Path) -> None:
    tune.save_tuned("argos/fr-en/1.9/abc", Timing(Config(2, 1, 512), 1.0, 10), 10, HERE)
    assert tune.load_tuned("argos/fr-en/1.9/abc", Machine("Other CPU", 2)) is None
    assert tune.load_tuned("argos/fr-en/1.9/abc", Machine("Test CPU 9000", 4)) is None
    assert tune.load_tuned("argos/fr-en/1.9/other", HERE) is None
    assert tune.load_tuned("argos/fr-en/1.9/abc+draft", HERE) is None


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"version": 99, "entries": {}}',
        b'{"version": 1, "entries": []}',
        b'{"version": 1, "entries": {"M|Test CPU 9000|2": "x"}}',
        b'{"version": 1, "entries": {"M|Test CPU 9000|2": {"model": "M", "cpu": "Test CPU 9000", "cores": 2, "settings": {"inter_threads": "2", "intra_threads": 1, "max_batch_tokens": 512}}}}',
        b'{"version": 1, "entries": {"M|Test CPU 9000|2": {"model": "M", "cpu": "Test CPU 9000", "cores": 2, "settings": {"inter_threads": 0, "intra_threads": 1, "max_batch_tokens": 512}}}}',
        b'{"version": 1, "entries": {"M|Test CPU 9000|2": {"model": "M", "cpu": "Test CPU 9000", "cores": 2, "settings": {"inter_threads": 4, "intra_threads": 4, "max_batch_tokens": 512}}}}',
        b'{"version": 1, "entries": {"M|Test CPU 9000|2": {"model": "M", "cpu": "Test CPU 9000", "cores": 2, "settings": {"inter_threads": true, "intra_threads": 1, "max_batch_tokens": 512}}}}',
    ],
)
def test_corrupt_or_foreign_cache_is_ignored_and_replaced(cache_home: Path, content: bytes) -> None:
    path = tune.cache_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert tune.load_tuned("M", HERE) is None
    assert tune.resolve("M", EngineSettings(), (), HERE).source == "defaults"
    tune.save_tuned("M", Timing(Config(1, 2, 1024), 1.0, 10), 10, HERE)
    assert tune.load_tuned("M", HERE) == Config(1, 2, 1024)


def test_a_cache_folder_that_cannot_be_written_is_one_sentence(cache_home: Path) -> None:
    cache_home.parent.mkdir(parents=True, exist_ok=True)
    cache_home.write_text("a file where the cache folder should be")
    with pytest.raises(TuneError, match=r"^cannot keep the tuned settings in .*engine-settings\.json: .*\.$"):
        tune.save_tuned("M", Timing(Config(1, 2, 1024), 1.0, 10), 10, HERE)
    assert tune.load_tuned("M", HERE) is None


def test_the_well_formed_version_of_those_entries_is_read(cache_home: Path) -> None:
    """The control for the test above: only the broken field makes those entries ignored."""
    entry = {"model": "M", "cpu": "Test CPU 9000", "cores": 2}
    entry["settings"] = {"inter_threads": 2, "intra_threads": 1, "max_batch_tokens": 512}  # type: ignore[assignment]
    path = tune.cache_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "entries": {"M|Test CPU 9000|2": entry}}))
    assert tune.load_tuned("M", HERE) == Config(2, 1, 512)


# using the tuned settings --------------------------------------------------------------------


def test_flags_win_over_tuned_settings_field_by_field(cache_home: Path) -> None:
    tune.save_tuned("M", Timing(Config(1, 2, 2048), 1.0, 10), 10, HERE)
    base = EngineSettings(inter_threads=2, intra_threads=1, max_batch_tokens=1024, beam_size=1)
    tuned = tune.resolve("M", base, (), HERE)
    assert tuned.source == "tuned"
    assert (tuned.settings.inter_threads, tuned.settings.intra_threads, tuned.settings.max_batch_tokens) == (1, 2, 2048)
    assert tuned.settings.beam_size == 1  # what is not tuned stays as asked
    flagged = tune.resolve("M", replace(base, max_batch_tokens=512), ["max_batch_tokens"], HERE)
    assert flagged.source == "flags"
    assert (flagged.settings.inter_threads, flagged.settings.intra_threads, flagged.settings.max_batch_tokens) == (1, 2, 512)
    assert tune.resolve("other", base, (), HERE) == tune.Resolved(base, "defaults")


def test_engine_factory_uses_the_models_tuned_settings(cache_home: Path, installed) -> None:
    engines = tune.TunedEngines(EngineSettings(max_decoding_length=6), (), HERE)
    first = engines("fr", "en")
    assert engines.used["fr-en"].source == "defaults"
    tune.save_tuned(installed.identity(), Timing(Config(1, 2, 512), 1.0, 10), 10, HERE)
    engines = tune.TunedEngines(EngineSettings(max_decoding_length=6), (), HERE)
    engine = engines("fr", "en")
    assert isinstance(engine, ArgosEngine) and engine is engines("fr", "en")
    assert (engine.settings.inter_threads, engine.settings.intra_threads, engine.settings.max_batch_tokens) == (1, 2, 512)
    assert engines.used["fr-en"].to_json()["source"] == "tuned"
    assert engine.model_id == first.model_id == installed.identity()


# the command line ----------------------------------------------------------------------------


def test_cli_tune_then_translate_uses_the_tuned_settings(
    tmp_path: Path, cache_home: Path, installed, packages_dir: Path
) -> None:
    project = french_project(tmp_path)
    result = run_cli("models", "tune", "fr-en", "--quick", "--sample", "6", "--json", cwd=project.root)
    assert result.returncode == 0, result.stderr
    [report] = json.loads(result.stdout)
    assert report["pair"] == "fr-en" and report["model"] == installed.identity()
    assert report["sample"]["from"] == "built-in"  # nothing prepared yet in this project
    assert report["sample"]["sentences"] == 6
    assert len(report["timings"]) == 2
    kept = {k: report["kept"][k] for k in ("inter_threads", "intra_threads", "max_batch_tokens")}
    fastest = min(report["timings"], key=lambda t: t["seconds"])
    assert report["kept"] == fastest
    cached = json.loads((cache_home / "workbench" / "engine-settings.json").read_text())
    [entry] = cached["entries"].values()
    assert entry["settings"] == kept and entry["model"] == installed.identity()

    # the tuned settings, except the one given on the command line
    flagged = run_cli("translate", "--json", "--batch-tokens", "640", "--max-length", "6", cwd=project.root)
    engine = json.loads(flagged.stdout)["engine"]["fr-en"]
    assert engine["source"] == "flags" and engine["settings"]["max_batch_tokens"] == 640
    assert engine["settings"]["inter_threads"] == kept["inter_threads"]
    assert engine["settings"]["intra_threads"] == kept["intra_threads"]
    assert engine["settings"]["beam_size"] == 4 and engine["settings"]["draft"] is False


def test_cli_tune_samples_the_projects_segments_and_reports_a_table(
    tmp_path: Path, cache_home: Path, installed, packages_dir: Path
) -> None:
    project = Project(tmp_path / "p")
    records = [SegmentRecord(f"0-{i}", 0, i, "text", f"Le ministre a parlé {i} fois.") for i in range(9)]
    Store(project).update("a1", lambda _: Document("a1", "seeds/a1.txt", "fr", "en", "T", None, records))
    result = run_cli("models", "tune", "--quick", "--sample", "5", cwd=project.root)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "fr-en" in out and "5 sentences" in out and "from the project sample" in out
    assert "2×1 threads, 1024-token batches" in out or "1×1 threads, 1024-token batches" in out
    assert "Kept " in out and str(cache_home / "workbench" / "engine-settings.json") in out


def test_cli_translate_draft_without_tuning_says_defaults(
    tmp_path: Path, cache_home: Path, installed, packages_dir: Path
) -> None:
    project = french_project(tmp_path)
    summary = json.loads(run_cli("translate", "--json", "--draft", "--max-length", "6", cwd=project.root).stdout)
    engine = summary["engine"]["fr-en"]
    assert engine["source"] == "defaults"
    assert engine["settings"]["max_batch_tokens"] == EngineSettings().max_batch_tokens
    assert engine["settings"]["beam_size"] == 1 and engine["settings"]["draft"] is True
    [document] = Store(project).documents()
    assert {r.model for r in document.segments} == {installed.identity() + "+draft"}


def test_cli_tune_errors_are_one_sentence(tmp_path: Path, cache_home: Path, packages_dir: Path) -> None:
    result = run_cli("models", "tune", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.decode() == "workbench: no model is installed; install one with `workbench models install fr-en`.\n"
    result = run_cli("models", "tune", "ru-en", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.decode() == "workbench: no ru-en model is installed; see `workbench models list`.\n"


def test_cli_draft_with_another_beam_is_one_sentence(tmp_path: Path) -> None:
    result = run_cli("translate", "--draft", "--beam", "3", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.decode() == "workbench: --draft decodes with beam 1; leave out --beam or --draft.\n"
