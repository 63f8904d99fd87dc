"""Translation engines: the Argos/CTranslate2 one, a pivot through English, and the contract.

The Argos engine does what `argostranslate.translate` cannot do offline and aligned: it
takes already segmented sentences, encodes them with the package's own tokenizer, sorts
the whole corpus's pending sentences by length and decodes them in token-budgeted batches,
one translator loaded once.

The unit handed back is what CTranslate2 really finishes: one batch, one job of its worker
pool. Within one `translate_batch` call CTranslate2 splits the input into such jobs
itself, but a call's futures only tell when each example is done and its job queue blocks
the caller once 4 x workers jobs wait, so a large call hands nothing back until most of it
is decoded. The engine therefore makes the batches itself, with CTranslate2's own rule
(longest first, a batch's size counted as its length times its longest example), submits
each as its own asynchronous call, keeps `in_flight` of them submitted and hands each back
as it completes, in completion order, topping up the window only once the caller has taken
it. A run killed at any instant thus loses at most `in_flight` batches.

A draft (beam 1, greedy search) carries `+draft` in its model id, so that the memory and
the translate stage never take a draft for the beam-search output of the same model.
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from workbench.errors import WorkbenchError
from workbench.mt.packages import InstalledModel, find_model, missing_model_advice


@dataclass(frozen=True)
class Translation:
    text: str
    score: float | None  # CTranslate2's length-normalised log-probability, None if unknown
    device: str = ""  # where it was decoded (cpu, cuda), for the provenance
    compute_type: str = ""  # int8, int8_float16…; the model id stays the same across devices


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


@dataclass(frozen=True)
class EngineSettings:
    """Defaults measured in benchmarks/bench_translate.py on 2 CPU cores: one single-threaded
    worker per core beats OpenMP threads within a batch by about 2x, and batches of about
    1024 tokens beat 4096 (the logits of beam x 59.5k vocabulary stop fitting in cache)."""

    beam_size: int = 4
    device: str = "auto"  # auto: cuda when CTranslate2 sees a CUDA device, else cpu
    compute_type: str | None = None  # None: the one for the device (see compute_type_for)
    inter_threads: int = field(default_factory=default_workers)  # batches decoded in parallel
    intra_threads: int = 1  # threads within one batch; 0 lets CTranslate2 pick
    max_batch_tokens: int = 1024  # tokens per decoding batch
    max_input_length: int = 1024
    max_decoding_length: int = 256
    min_decoding_length: int = 0
    length_penalty: float = 0.2  # argostranslate's value
    pivot: str | None = None  # e.g. "en": fr→de as fr→en→de, only when asked

    @property
    def draft(self) -> bool:
        """Greedy search: much faster, visibly worse; never mistaken for beam-search output."""
        return self.beam_size == 1

    @property
    def in_flight(self) -> int:
        """Batches submitted and not yet handed back: one running per worker and one waiting
        behind each, so that no worker idles while the caller commits. A kill redoes at most
        these."""
        return 2 * self.inter_threads


Finished = list[tuple[int, Translation]]  # (index into the input, its translation)


class Engine(Protocol):
    """Translates sentences of one language pair."""

    model_id: str
    source: str
    target: str

    def translate(self, sentences: Sequence[str]) -> Iterator[Finished]:
        """Yield translations as they are finished, each input index exactly once."""
        ...


DEVICES = ("auto", "cpu", "cuda")


def resolve_device(device: str, compute_type: str | None) -> tuple[str, str]:
    """The device to decode on and its compute type: int8 on CPU; on a GPU int8_float16 where
    it is supported (int8 weights, float16 activations: about the speed of float16 at half
    its memory), else float16, else CTranslate2's default for it."""
    import ctranslate2

    if device not in DEVICES:
        raise WorkbenchError(f"--device {device!r} is not one of {', '.join(DEVICES)}.")
    gpus = ctranslate2.get_cuda_device_count()
    if device == "cuda" and gpus == 0:
        raise WorkbenchError(
            "--device cuda: CTranslate2 sees no CUDA device here (no GPU, no driver, or CUDA_VISIBLE_DEVICES hides it);"
            " use --device auto or cpu."
        )
    if device == "auto":
        device = "cuda" if gpus else "cpu"
    supported = ctranslate2.get_supported_compute_types(device)
    if compute_type is None:
        preferred = ("int8",) if device == "cpu" else ("int8_float16", "float16")
        compute_type = next((c for c in preferred if c in supported), "default")
    elif compute_type not in (*supported, "default", "auto"):
        raise WorkbenchError(
            f"--compute-type {compute_type} is not supported on {device} here (supported: {', '.join(sorted(supported))})."
        )
    return device, compute_type


class ModelMissing(WorkbenchError):
    def __init__(self, source: str, target: str) -> None:
        super().__init__(missing_model_advice(source, target))
        self.source, self.target = source, target


class ArgosEngine:
    def __init__(self, model: InstalledModel, settings: EngineSettings) -> None:
        from argostranslate.package import Package

        self.model = model
        self.settings = settings
        self.source, self.target = model.from_code, model.to_code
        self.model_id = model.identity() + ("+draft" if settings.draft else "")
        try:
            package = Package(model.path)
        except (OSError, ValueError, KeyError) as exc:
            raise WorkbenchError(f"the {model.pair} package at {model.path} cannot be read ({exc}).") from None
        tokenizer = getattr(package, "tokenizer", None)
        if tokenizer is None:
            raise WorkbenchError(f"the {model.pair} package at {model.path} has no tokenizer.")
        self.tokenizer = tokenizer
        self._translator: Any = None
        self.device = self.compute_type = ""  # as resolved when the translator loads

    @property
    def translator(self) -> Any:
        """Loaded on first use: a run that finds everything in the memory never pays for it."""
        if self._translator is None:
            import ctranslate2

            s = self.settings
            device, compute_type = resolve_device(s.device, s.compute_type)
            try:
                self._translator = ctranslate2.Translator(
                    str(self.model.path / "model"),
                    device=device,
                    compute_type=compute_type,
                    inter_threads=s.inter_threads,
                    intra_threads=s.intra_threads,
                )
            except (RuntimeError, ValueError) as exc:
                raise WorkbenchError(
                    f"cannot load the {self.model.pair} model on {device}: {exc}."
                ) from None
            self.device, self.compute_type = device, compute_type
        return self._translator

    def _options(self) -> dict[str, Any]:
        s = self.settings
        return {
            "beam_size": s.beam_size,
            "num_hypotheses": 1,
            "length_penalty": s.length_penalty,
            "replace_unknowns": True,
            "return_scores": True,
            "max_batch_size": 0,  # the batch is ours, one job as it is
            "max_input_length": s.max_input_length,
            "max_decoding_length": s.max_decoding_length,
            "min_decoding_length": s.min_decoding_length,
        }

    def _decode(self, tokens: list[str]) -> str:
        text: str = self.tokenizer.decode(tokens)
        prefix = self.model.target_prefix
        if prefix and text.startswith(prefix):
            text = text[len(prefix) :]
        return text.strip()

    def translate(self, sentences: Sequence[str]) -> Iterator[Finished]:
        try:
            yield from self._translate(sentences)
        except (RuntimeError, OSError, ValueError) as exc:
            # the package changed under the run (removed, replaced, damaged)
            raise WorkbenchError(
                f"the {self.model.pair} model at {self.model.path} failed while translating ({exc}); "
                "what was finished is kept: check `workbench models list` and run again."
            ) from None

    def _translate(self, sentences: Sequence[str]) -> Iterator[Finished]:
        encoded = [self.tokenizer.encode(s) for s in sentences]
        batches = iter(batches_of(encoded, self.settings.max_batch_tokens))
        completed: queue.SimpleQueue[tuple[list[int], list[Any] | BaseException]] = queue.SimpleQueue()
        waiting = 0
        for batch in itertools.islice(batches, self.settings.in_flight):
            self._submit(batch, encoded, completed)
            waiting += 1
        while waiting:
            batch, outputs = completed.get()
            waiting -= 1
            if isinstance(outputs, BaseException):
                raise outputs
            yield [(i, self._translation(o)) for i, o in zip(batch, outputs, strict=True)]
            # only now, once the caller has taken (and committed) it: the window bounds the loss
            following = next(batches, None)
            if following is not None:
                self._submit(following, encoded, completed)
                waiting += 1

    def _translation(self, output: Any) -> Translation:
        score = output.scores[0] if output.scores else None
        return Translation(self._decode(output.hypotheses[0]), score, self.device, self.compute_type)

    def _submit(
        self,
        batch: list[int],
        encoded: list[list[str]],
        completed: queue.SimpleQueue[tuple[list[int], list[Any] | BaseException]],
    ) -> None:
        tokens = [encoded[i] for i in batch]
        prefix = [[self.model.target_prefix]] * len(batch) if self.model.target_prefix else None
        results = self.translator.translate_batch(tokens, target_prefix=prefix, asynchronous=True, **self._options())
        # CTranslate2 offers no wait-for-any: one waiter per batch (its result() releases the
        # GIL) reports completion. Daemon: a cancelled run does not wait for it at exit.
        threading.Thread(target=_wait, args=(batch, results, completed), daemon=True).start()


def _wait(
    batch: list[int],
    results: list[Any],
    completed: queue.SimpleQueue[tuple[list[int], list[Any] | BaseException]],
) -> None:
    try:
        completed.put((batch, [r.result() for r in results]))
    except BaseException as exc:  # handed to the caller's thread, which raises it
        completed.put((batch, exc))


def batches_of(encoded: Sequence[Sequence[str]], budget: int) -> list[list[int]]:
    """Input indices in decoding batches as CTranslate2 makes them (`rebatch_input`): sorted
    from the longest to the shortest, a batch's size counted with its padding (examples x
    longest), at least one example each. Longest first also starts the slowest batches
    early, so that the run does not end on one worker decoding its longest sentences."""
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]), reverse=True)
    batches: list[list[int]] = []
    batch: list[int] = []
    longest = 0
    for i in order:
        longest = max(longest, len(encoded[i]))
        if batch and (len(batch) + 1) * longest > budget:
            batches.append(batch)
            batch, longest = [], len(encoded[i])
        batch.append(i)
    if batch:
        batches.append(batch)
    return batches


class PivotEngine:
    """source→pivot→target, for pairs with no direct model, only when asked."""

    def __init__(self, first: Engine, second: Engine) -> None:
        self.first, self.second = first, second
        self.source, self.target = first.source, second.target
        self.model_id = f"{first.model_id}+{second.model_id}"

    def translate(self, sentences: Sequence[str]) -> Iterator[Finished]:
        middle = [""] * len(sentences)
        for finished in self.first.translate(sentences):
            for i, translation in finished:
                middle[i] = translation.text
        yield from self.second.translate(middle)


def load_engine(source: str, target: str, settings: EngineSettings) -> Engine:
    model = find_model(source, target)
    if model is not None:
        return ArgosEngine(model, settings)
    pivot = settings.pivot
    if pivot and pivot not in (source, target):
        first, second = find_model(source, pivot), find_model(pivot, target)
        if first is None:
            raise ModelMissing(source, pivot)
        if second is None:
            raise ModelMissing(pivot, target)
        return PivotEngine(ArgosEngine(first, settings), ArgosEngine(second, settings))
    raise ModelMissing(source, target)
