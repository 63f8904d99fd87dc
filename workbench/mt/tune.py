"""Engine settings that fit the machine: time a few thread and batch configurations on real
sentences, keep the fastest, and remember it per model, CPU model and core count.

The defaults of `EngineSettings` were measured on one CPU; the best split of cores between
parallel batches (inter_threads) and threads within a batch (intra_threads), and the best
batch size, depend on the CPU's caches and core count. Tuning times each configuration
through the production path (`ArgosEngine.translate`), after a warm-up, on one sample.

The cache is one JSON file in the user cache folder. It is advice, not state: a file that
is missing, unreadable, of another version or of another machine is ignored, never fatal.
"""

from __future__ import annotations

import json
import os
import platform
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from workbench.errors import WorkbenchError
from workbench.fileio import atomic_write
from workbench.mt.engine import ArgosEngine, Engine, EngineSettings, load_engine
from workbench.mt.packages import InstalledModel, find_model
from workbench.project import Project
from workbench.store import Store, StoreError

CACHE_VERSION = 1
BATCH_TOKENS = (512, 1024, 2048, 4096)
TUNED_FIELDS = ("inter_threads", "intra_threads", "max_batch_tokens")
Source = Literal["tuned", "defaults", "flags"]

class TuneError(WorkbenchError):
    pass


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int

    @classmethod
    def current(cls) -> Machine:
        return cls(cpu_model(), usable_cores())


def usable_cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than exist)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    try:
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            # x86 says "model name"; some ARM kernels only "Hardware" or "CPU part"
            if key.strip().lower() in ("model name", "hardware", "cpu model") and value.strip():
                return " ".join(value.split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


@dataclass(frozen=True)
class Config:
    inter_threads: int
    intra_threads: int
    max_batch_tokens: int

    @property
    def label(self) -> str:
        intra = "auto" if self.intra_threads == 0 else str(self.intra_threads)
        return f"{self.inter_threads}×{intra} threads, {self.max_batch_tokens}-token batches"

    def apply(self, settings: EngineSettings) -> EngineSettings:
        return replace(settings, **asdict(self))


def thread_splits(cores: int) -> list[tuple[int, int]]:
    """(inter, intra) splits whose product fits the cores, each using as many as it can, and
    one worker letting CTranslate2 pick its threads (intra 0)."""
    splits = []
    inter = cores
    while inter >= 1:
        splits.append((inter, cores // inter))
        # halving keeps the list short on many-core machines (64 cores: 7 splits, not 64)
        inter = inter // 2 if inter > 1 else 0
    splits.append((1, 0))
    return list(dict.fromkeys(splits))


def configurations(cores: int, quick: bool = False) -> list[Config]:
    splits = thread_splits(cores)
    if quick:
        # the two ends of the thread split at the default batch size
        first, last = splits[0], splits[-2] if len(splits) > 2 else splits[-1]
        if first == last:
            return [Config(*first, 1024), Config(*first, 2048)]
        return [Config(*first, 1024), Config(*last, 1024)]
    return [Config(inter, intra, batch) for inter, intra in splits for batch in BATCH_TOKENS]


@dataclass(frozen=True)
class Sample:
    sentences: list[str]
    origin: str  # "project" or "built-in"


def project_sentences(project: Project, language: str) -> list[str]:
    """Distinct source sentences of the project's prepared articles in `language`."""
    seen: dict[str, None] = {}
    for path in Store(project, None).paths():
        try:
            document = Store.read_path(path)
        except StoreError:
            continue  # a damaged file is reported by the commands that own it, not here
        if document is None or document.source_language != language:
            continue
        for record in document.segments:
            if record.source.strip():
                seen.setdefault(record.source, None)
    return list(seen)


@lru_cache(maxsize=8)
def built_in(language: str) -> tuple[str, ...]:
    """Sentences written for tuning without a project (workbench/data/tune/); none for a
    language without a file."""
    path = resources.files("workbench") / "data" / "tune" / f"{language}.txt"
    if not language.isalpha() or not path.is_file():
        return ()
    return tuple(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def sample(language: str, size: int, project: Project | None) -> Sample:
    """`size` sentences to time on: the project's own if it has any, else the built-in ones."""
    if size < 1:
        raise TuneError("the sample needs at least one sentence.")
    sentences = project_sentences(project, language) if project is not None else []
    origin = "project"
    if not sentences:
        sentences, origin = list(built_in(language)), "built-in"
    if not sentences:
        raise TuneError(
            f"no {language} sentences to time on: run `workbench models tune` in a project whose "
            f"{language} articles are prepared (`workbench translate` prepares them)."
        )
    if len(sentences) >= size:
        # a fixed seed: two runs on the same project time the same sentences
        return Sample(random.Random(0).sample(sentences, size), origin)
    return Sample([sentences[i % len(sentences)] for i in range(size)], origin)


@dataclass(frozen=True)
class Timing:
    config: Config
    seconds: float
    sentences: int

    @property
    def rate(self) -> float:
        return self.sentences / self.seconds if self.seconds > 0 else float("inf")

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self.config),
            "seconds": round(self.seconds, 4),
            "sentences_per_second": round(self.rate, 3),
        }


def time_config(model: InstalledModel, settings: EngineSettings, sentences: Sequence[str]) -> float:
    """Seconds to translate `sentences` through the production path, model load and warm-up
    excluded."""
    engine = ArgosEngine(model, settings)
    _ = engine.translator  # loading is not what is compared
    for _ in engine.translate(sentences[: max(2, settings.inter_threads)]):
        pass  # warm-up: first-call allocations and caches
    start = time.perf_counter()
    for _ in engine.translate(sentences):
        pass
    return time.perf_counter() - start


def tune(
    model: InstalledModel,
    sentences: Sequence[str],
    configs: Iterable[Config],
    base: EngineSettings | None = None,
    timer: Callable[[InstalledModel, EngineSettings, Sequence[str]], float] = time_config,
    progress: Callable[[int, int], None] | None = None,
) -> list[Timing]:
    """Time every configuration on the same sentences; the fastest first."""
    base = base or EngineSettings()
    configs = list(configs)
    timings = []
    for n, config in enumerate(configs):
        if progress:
            progress(n, len(configs))
        timings.append(Timing(config, timer(model, config.apply(base), sentences), len(sentences)))
    if progress:
        progress(len(configs), len(configs))
    return sorted(timings, key=lambda t: t.seconds)


# The cache ------------------------------------------------------------------------------


def cache_path() -> Path:
    import platformdirs

    # platformdirs honours XDG_CACHE_HOME on Linux
    return Path(platformdirs.user_cache_dir("workbench")) / "engine-settings.json"


def cache_key(model_id: str, machine: Machine) -> str:
    return f"{model_id}|{machine.cpu}|{machine.cores}"


def _read_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def _valid(entry: Any, model_id: str, machine: Machine) -> Config | None:
    if not isinstance(entry, dict):
        return None
    if entry.get("model") != model_id or entry.get("cpu") != machine.cpu or entry.get("cores") != machine.cores:
        return None
    settings = entry.get("settings")
    if not isinstance(settings, dict):
        return None
    inter, intra, batch = (settings.get(name) for name in TUNED_FIELDS)
    if not all(type(v) is int for v in (inter, intra, batch)):  # bool is an int too
        return None
    assert isinstance(inter, int) and isinstance(intra, int) and isinstance(batch, int)
    # a hand-edited or foreign file must not make the engine fail to load
    if inter < 1 or intra < 0 or batch < 1 or inter * max(intra, 1) > machine.cores:
        return None
    return Config(inter, intra, batch)


def load_tuned(model_id: str, machine: Machine | None = None, path: Path | None = None) -> Config | None:
    machine = machine or Machine.current()
    entries = _read_cache(path or cache_path())
    return _valid(entries.get(cache_key(model_id, machine)), model_id, machine)


def save_tuned(
    model_id: str,
    best: Timing,
    sample_size: int,
    machine: Machine | None = None,
    path: Path | None = None,
) -> Path:
    from filelock import FileLock, Timeout

    machine = machine or Machine.current()
    path = path or cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # two tunes at once (two pairs in two terminals) must not drop each other's entry
        with FileLock(str(path) + ".lock", timeout=30):
            _write_entry(path, model_id, best, sample_size, machine)
    except OSError as exc:
        raise TuneError(f"cannot keep the tuned settings in {path}: {exc.strerror or exc}.") from None
    except Timeout:
        raise TuneError(f"{path} stayed locked by another `workbench models tune`; try again.") from None
    return path


def _write_entry(path: Path, model_id: str, best: Timing, sample_size: int, machine: Machine) -> None:
    entries = _read_cache(path)
    entries[cache_key(model_id, machine)] = {
        "model": model_id,
        "cpu": machine.cpu,
        "cores": machine.cores,
        "settings": asdict(best.config),
        "seconds": round(best.seconds, 4),
        "sentences": sample_size,
        "tuned": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    data = {"version": CACHE_VERSION, "entries": entries}
    atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())


# Using tuned settings ------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    settings: EngineSettings
    source: Source

    def to_json(self) -> dict[str, Any]:
        return {"settings": {**asdict(self.settings), "draft": self.settings.draft}, "source": self.source}


def resolve(model_id: str, base: EngineSettings, flags: Iterable[str], machine: Machine | None = None) -> Resolved:
    """The settings for one model: explicit flags win, then tuned settings, then defaults.

    `flags` names the TUNED_FIELDS the user set; they are already in `base`. With any of
    them given the source is "flags" (the others come from the tuned settings if any).
    """
    given = set(flags) & set(TUNED_FIELDS)
    tuned = load_tuned(model_id, machine)
    settings = base
    if tuned is not None:
        settings = replace(base, **{k: v for k, v in asdict(tuned).items() if k not in given})
    source: Source = "flags" if given else "tuned" if tuned is not None else "defaults"
    return Resolved(settings, source)


class TunedEngines:
    """An engine factory for the translate stage that uses each model's tuned settings.

    Pairs without a direct model (a pivot, or missing) go through `load_engine` with `base`.
    """

    def __init__(self, base: EngineSettings, flags: Iterable[str] = (), machine: Machine | None = None) -> None:
        self.base = base
        self.flags = frozenset(flags)
        self.machine = machine
        self.used: dict[str, Resolved] = {}
        self._engines: dict[tuple[str, str], Engine] = {}

    def __call__(self, source: str, target: str) -> Engine:
        key = (source, target)
        if key not in self._engines:
            model = find_model(source, target)
            if model is None:
                engine = load_engine(source, target, self.base)
                resolved = Resolved(self.base, "flags" if self.flags & set(TUNED_FIELDS) else "defaults")
            else:
                resolved = resolve(model.identity(), self.base, self.flags, self.machine)
                engine = ArgosEngine(model, resolved.settings)
            self._engines[key] = engine
            self.used[f"{source}-{target}"] = resolved
        return self._engines[key]

    def report(self) -> dict[str, Any]:
        """Per pair: the settings and where they came from, and the device and compute type
        the model was loaded with (empty when nothing needed decoding)."""
        out = {}
        for (source, target), engine in self._engines.items():
            pair = f"{source}-{target}"
            loaded = [e for e in (getattr(engine, "first", None), getattr(engine, "second", None), engine) if isinstance(e, ArgosEngine)]
            out[pair] = {
                **self.used[pair].to_json(),
                "device": loaded[0].device if loaded else "",
                "compute_type": loaded[0].compute_type if loaded else "",
            }
        return out
