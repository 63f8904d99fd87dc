"""Decoding cost of the workbench's translate stage against argostranslate's own paths.

Run:  .venv/bin/python benchmarks/bench_translate.py [--segments 2000] [--variants abcde] [--tuned]

A model with the shape of Argos's fr→en 1.9 package (a converted OPUS-MT model: 6+6 layers,
d_model 512, 8 heads, FFN 2048, vocabulary 59.5k, int8) is generated with random weights and
cached in benchmarks/.cache/. Random weights make output length meaningless, so every
variant decodes exactly L tokens per segment (min = max decoding length = 1.2 x the mean
source length) and the variants compare decoding cost, not text. The corpus is the seeds'
French sentences made distinct (so neither de-duplication nor the memory helps a first run),
kept in their paragraphs. Every variant uses beam 4 and the same threads, and runs in its
own process, so each reports its own peak memory:

  (a) the workbench translate stage (translate_documents with a fresh memory and project);
  (b) argostranslate's own path as released in 1.9: one translate_batch per paragraph,
      max_batch_size=32 examples;
  (c) argostranslate's current apply_packaged_translation, one call per paragraph, whose
      batches are capped at 32 tokens (ARGOS_BATCH_SIZE, batch_type="tokens");
  (d) one raw translate_batch over all segments, same threads and batch size: the limit;
  (e) the workbench translate stage as `translate --draft`: greedy search (beam 1);
  (B) optional: (b) run with the workbench's thread settings instead of argostranslate's.

Model loading is outside every timing. (b) and (c) run with argostranslate's own settings
(ARGOS_INTER_THREADS, ARGOS_INTRA_THREADS, ARGOS_COMPUTE_TYPE; by default 1 worker using all
cores), (a), (d) and (e) with the workbench's: its defaults, the settings `workbench models
tune` cached for this model and machine (--tuned), or --inter-threads/--intra-threads/
--batch-tokens. (a), (d) and (e) run interleaved, --repeat rounds, the fastest of each kept:
the machine may be shared and timings vary between runs.
  (a2) the workbench stage again on the unchanged corpus (everything from the memory).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
PACKAGE = CACHE / "translate-fr_en-opus-shape.argosmodel"
PARAGRAPHS_PER_ARTICLE = 15  # about a seed article
REPEATED = ("a", "d", "e")  # compared with each other: interleaved, best of --repeat


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def ensure_model() -> Path:
    """The OPUS-MT-shaped package, built once and installed into the cache's package dir."""
    os.environ["ARGOS_PACKAGES_DIR"] = str(CACHE / "packages")
    from workbench.mt.packages import find_model, install_archive
    from workbench.mt.synthetic import OPUS_MT, build_package

    if not PACKAGE.exists():
        log("building the OPUS-MT-shaped model (once)...")
        texts = [
            line for p in sorted((ROOT / "seeds").glob("*.txt")) for line in p.read_text("utf-8").splitlines()
        ]
        build_package(PACKAGE, texts, shape=OPUS_MT)
    model = find_model("fr", "en")
    if model is None:
        model = install_archive(PACKAGE)
    return model.path


def corpus(n: int) -> list[list[str]]:
    """Paragraphs of distinct French sentences, about n sentences in all."""
    from workbench.pipeline import expand_sources, load_article

    articles = [a for a in map(load_article, expand_sources([ROOT / "seeds"])) if a.language == "fr"]
    paragraphs = [[s.text for s in block.segments] for a in articles for block in a.blocks]
    per_round = sum(map(len, paragraphs))
    out: list[list[str]] = []
    variant = 0
    while sum(map(len, out)) < n:
        variant += 1
        # A distinct tail per round keeps every sentence unique at a realistic length.
        out += [
            [f"{s[:-1] if s.endswith('.') else s}, selon la dépêche {variant}." for s in p]
            for p in paragraphs
        ]
    log(
        f"corpus: {sum(map(len, out))} segments in {len(out)} paragraphs ({per_round} seed sentences per round)"
    )
    return out


def decoding_length(tokenizer: object, paragraphs: list[list[str]]) -> int:
    lengths = [len(tokenizer.encode(s)) for p in paragraphs for s in p]  # type: ignore[attr-defined]
    return round(1.2 * sum(lengths) / len(lengths))


def cpu_seconds() -> float:
    """CPU time of the whole process, decoding threads included: the work done, whatever
    share of the machine the process got."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def workbench_settings(length: int, beam: int = 4) -> object:
    """The engine settings (a), (d) and (e) share: BENCH_SETTINGS from the parent, else defaults."""
    from workbench.mt.engine import EngineSettings

    chosen = json.loads(os.environ.get("BENCH_SETTINGS") or "{}")
    return EngineSettings(beam_size=beam, min_decoding_length=length, max_decoding_length=length, **chosen)


def run_variant(variant: str, n: int) -> dict[str, object]:
    model_dir = ensure_model()
    import ctranslate2
    from argostranslate.package import Package

    paragraphs = corpus(n)
    package = Package(model_dir)
    tokenizer = package.tokenizer
    length = decoding_length(tokenizer, paragraphs)
    fixed = {"min_decoding_length": length, "max_decoding_length": length}
    result: dict[str, object] = {"variant": variant, "segments": sum(map(len, paragraphs)), "length": length}

    if variant in ("a", "a2", "e"):
        from workbench.model import Article, Block, Segment
        from workbench.mt.engine import EngineSettings
        from workbench.mt.memory import TranslationMemory
        from workbench.prepare import save_article
        from workbench.project import Project
        from workbench.store import Store
        from workbench.translate import engine_factory, translate_documents

        articles = []
        for first in range(0, len(paragraphs), PARAGRAPHS_PER_ARTICLE):
            blocks = []
            for b, sentences in enumerate(paragraphs[first : first + PARAGRAPHS_PER_ARTICLE]):
                segments = tuple(Segment(f"{b}-{i}", b, i, s, 0, len(s)) for i, s in enumerate(sentences))
                blocks.append(
                    Block("title" if b == 0 else "text", " ".join(sentences), b + 1, "fr", (), segments)
                )
            articles.append(Article(f"a{first:05d}", "-", "fr", None, tuple(blocks)))
        project_dir = Path(os.environ.get("BENCH_PROJECT") or tempfile.mkdtemp(prefix="bench-project-"))
        project = Project(project_dir)
        settings = workbench_settings(length, beam=1 if variant == "e" else 4)
        assert isinstance(settings, EngineSettings)
        engines = engine_factory(settings)
        engine = engines("fr", "en")
        result["model_id"] = engine.model_id
        if variant in ("a", "e"):
            _ = engine.translator  # type: ignore[attr-defined]  # load outside the timing, as for (b)-(d)
        result["threads"] = (
            f"inter {settings.inter_threads}, intra {settings.intra_threads}, batches of {settings.max_batch_tokens} tokens,"
            f" beam {settings.beam_size}"
        )
        documents = [save_article(Store(project), article) for article in articles]
        start, cpu = time.perf_counter(), cpu_seconds()
        with TranslationMemory(project.memory) as tm:
            summary = translate_documents(documents, Store(project), tm, engines=engines)
        result["seconds"] = time.perf_counter() - start
        result["cpu_seconds"] = cpu_seconds() - cpu
        result["decoded"] = summary.decoded
        result["project"] = str(project_dir)
    else:
        from argostranslate import settings as argos

        from workbench.mt.engine import EngineSettings

        if variant in ("b", "c"):  # argostranslate's own settings (ARGOS_INTER_THREADS & co.)
            threads = {"inter_threads": argos.inter_threads, "intra_threads": argos.intra_threads}
            if argos.compute_type != "auto":
                threads["compute_type"] = argos.compute_type  # type: ignore[assignment]
        else:  # (B), (d): the workbench's
            own = workbench_settings(length)
            assert isinstance(own, EngineSettings)
            threads = {"inter_threads": own.inter_threads, "intra_threads": own.intra_threads}
        result["threads"] = ", ".join(f"{k.split('_')[0]} {v}" for k, v in threads.items())
        if variant == "d":
            result["threads"] += f", batches of {own.max_batch_tokens} tokens, beam 4"
        translator = ctranslate2.Translator(str(model_dir / "model"), device="cpu", **threads)
        options = {
            "beam_size": 4,
            "num_hypotheses": 1,
            "length_penalty": 0.2,
            "replace_unknowns": True,
            "return_scores": True,
        }
        start, cpu = time.perf_counter(), cpu_seconds()
        if variant in ("b", "B"):
            for sentences in paragraphs:
                tokens = [tokenizer.encode(s) for s in sentences]
                outputs = translator.translate_batch(tokens, max_batch_size=32, **options, **fixed)
                [tokenizer.decode(o.hypotheses[0]) for o in outputs]
        elif variant == "c":
            from argostranslate import settings as argos_settings
            from argostranslate.translate import apply_packaged_translation

            class GivenSentences:
                def __init__(self) -> None:
                    self.sentences: list[str] = []

                def split_sentences(self, text: str) -> list[str]:
                    return self.sentences

            class FixedLength:
                """argostranslate's call, with the benchmark's fixed output length added."""

                def translate_batch(self, *args: object, **kwargs: object) -> object:
                    return translator.translate_batch(*args, **kwargs, **fixed)

            sentencizer = GivenSentences()
            result["argos_batch_size"] = argos_settings.batch_size
            for sentences in paragraphs:
                sentencizer.sentences = sentences
                apply_packaged_translation(package, " ".join(sentences), FixedLength(), sentencizer, 1)  # type: ignore[arg-type]
        elif variant == "d":
            tokens = [tokenizer.encode(s) for p in paragraphs for s in p]
            outputs = translator.translate_batch(
                tokens, max_batch_size=own.max_batch_tokens, batch_type="tokens", **options, **fixed
            )
            [tokenizer.decode(o.hypotheses[0]) for o in outputs]
        result["seconds"] = time.perf_counter() - start
        result["cpu_seconds"] = cpu_seconds() - cpu
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def chosen_settings(args: argparse.Namespace) -> tuple[dict[str, int], str]:
    """The thread and batch settings of (a), (d) and (e), and where they come from."""
    from dataclasses import asdict

    from workbench.mt.packages import find_model
    from workbench.mt.tune import load_tuned

    chosen: dict[str, int] = {}
    source = "defaults"
    if args.tuned:
        model = find_model("fr", "en")
        tuned = load_tuned(model.identity()) if model else None
        if tuned is None:
            sys.exit("bench_translate: no tuned settings for the benchmark model; run "
                     f"ARGOS_PACKAGES_DIR={CACHE / 'packages'} workbench models tune fr-en first.")
        chosen, source = asdict(tuned), "tuned"
    flags = {"inter_threads": args.inter_threads, "intra_threads": args.intra_threads,
             "max_batch_tokens": args.batch_tokens}
    given = {k: v for k, v in flags.items() if v is not None}
    if given:
        chosen, source = {**chosen, **given}, "flags" if source == "defaults" else f"{source} + flags"
    return chosen, source


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--variants", default="abcde")
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="interleaved rounds of (a), (d) and (e), the fastest of each kept: timings here vary by 10-20%%",
    )
    parser.add_argument("--tuned", action="store_true", help="(a), (d), (e) with the settings `models tune` cached")
    parser.add_argument("--inter-threads", type=int)
    parser.add_argument("--intra-threads", type=int)
    parser.add_argument("--batch-tokens", type=int)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_variant(args.one, args.segments)))
        return
    ensure_model()
    chosen, source = chosen_settings(args)
    results: dict[str, dict[str, object]] = {}
    wanted = [v for v in args.variants if v in "abcdeB"]
    if "a" in wanted:
        wanted.insert(wanted.index("a") + 1, "a2")
    # the compared variants take turns, so that a busy spell of the machine hits each alike
    rounds = [[v for v in wanted if v in REPEATED] for _ in range(args.repeat)]
    rounds[0] = wanted
    last_a = ""
    for number, variants in enumerate(rounds, 1):
        for variant in variants:
            log(f"running ({variant}), round {number}...")
            # (a) and (e) start from a fresh memory; (a2) re-runs on the one (a) just filled
            project = tempfile.mkdtemp(prefix="bench-project-") if variant in ("a", "e") else last_a
            env = {**os.environ, "BENCH_PROJECT": str(project), "BENCH_SETTINGS": json.dumps(chosen)}
            out = subprocess.run(
                [sys.executable, __file__, "--one", variant, "--segments", str(args.segments)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            if variant == "a":
                last_a = str(r["project"])
            log(f"  ({variant}) {r['seconds']:.2f} s, {r['cpu_seconds']:.2f} s CPU, peak {r['peak_rss_mb']:.0f} MB")
            if variant not in results or r["seconds"] < results[variant]["seconds"]:  # type: ignore[operator]
                results[variant] = r
    first = next(iter(results.values()))
    print(f"segments: {first['segments']}, decoding length fixed at {first['length']} tokens")
    print(f"workbench settings: {source} {json.dumps(chosen) if chosen else ''}".rstrip())
    print(f"cpu: {platform_cpu()}, best of {args.repeat} interleaved rounds for {', '.join(REPEATED)}")
    names = {
        "a": "workbench translate stage",
        "a2": "workbench, second run (memory)",
        "b": "argostranslate 1.9 path (per paragraph, 32 examples)",
        "B": "(b) with the workbench's threads instead of argos's",
        "c": "argostranslate apply_packaged_translation (32-token batches)",
        "d": "one raw translate_batch (limit)",
        "e": "workbench translate stage, --draft (greedy)",
    }
    for variant, r in results.items():
        seconds = float(r["seconds"])  # type: ignore[arg-type]
        print(
            f"({variant:<2}) {names[variant]:<58} {seconds:9.2f} s {float(r['cpu_seconds']):8.2f} s CPU"  # type: ignore[arg-type]
            f"{int(r['segments']) / seconds:8.1f} seg/s  peak {float(r['peak_rss_mb']):6.0f} MB"  # type: ignore[arg-type]
            f"  [{r.get('threads', '')}]"
        )
    t = {k: float(v["seconds"]) for k, v in results.items()}  # type: ignore[arg-type]
    if "a" in t:
        for other, target in (("b", 4), ("c", 5)):
            if other in t:
                print(f"(a) vs ({other}): {t[other] / t['a']:.2f}x faster (target >= {target}x)")
        if "d" in t:
            cpu = {k: float(results[k]["cpu_seconds"]) for k in ("a", "d")}  # type: ignore[arg-type]
            print(
                f"(a) vs (d): {100 * (t['a'] / t['d'] - 1):+.1f}% wall (target within 5%),"
                f" {100 * (cpu['a'] / cpu['d'] - 1):+.1f}% CPU"
            )
        if "e" in t:
            print(f"draft (e) vs beam 4 (a): {t['a'] / t['e']:.2f}x faster")
        if "a2" in t:
            print(f"second run: {t['a'] / t['a2']:.0f}x faster than the first (target >= 50x)")


def platform_cpu() -> str:
    from workbench.mt.tune import Machine

    machine = Machine.current()
    return f"{machine.cpu}, {machine.cores} cores"


if __name__ == "__main__":
    main()
