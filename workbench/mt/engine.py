"""Translation engines: the Argos/CTranslate2 one, a pivot through English, and the contract.

The Argos engine does what `argostranslate.translate` cannot do offline and aligned: it
takes already segmented sentences, encodes them with the package's own tokenizer, sorts
the whole corpus's pending sentences by length and decodes them in large token-budgeted
`translate_batch` calls, one translator loaded once. Every batch is handed back as soon as
it is decoded, as (input index, translation) pairs, so a caller can commit it at once,
show progress and cancel: a run killed at any instant loses only the batches in flight.

A draft (beam 1, greedy search) carries `+draft` in its model id, so that the memory and
the translate stage never take a draft for the beam-search output of the same model.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from workbench.errors import WorkbenchError
from workbench.mt.packages import InstalledModel, find_model, missing_model_advice


@dataclass(frozen=True)
class Translation:
    text: str
    score: float | None  # CTranslate2's length-normalised log-probability, None if unknown


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


@dataclass(frozen=True)
class EngineSettings:
    """Defaults measured in benchmarks/bench_translate.py on 2 CPU cores: one single-threaded
    worker per core beats OpenMP threads within a batch by about 2x, and batches of about
    1024 tokens beat 4096 (the logits of beam x 59.5k vocabulary stop fitting in cache)."""

    beam_size: int = 4
    device: str = "cpu"
    compute_type: str = "int8"
    inter_threads: int = field(default_factory=default_workers)  # batches decoded in parallel
    intra_threads: int = 1  # threads within one batch; 0 lets CTranslate2 pick
    max_batch_tokens: int = 1024  # tokens per decoding batch
    chunk_tokens: int = 32768  # tokens handed to one translate_batch call
    max_input_length: int = 1024
    max_decoding_length: int = 256
    min_decoding_length: int = 0
    length_penalty: float = 0.2  # argostranslate's value
    pivot: str | None = None  # e.g. "en": fr→de as fr→en→de, only when asked

    @property
    def draft(self) -> bool:
        """Greedy search: much faster, visibly worse; never mistaken for beam-search output."""
        return self.beam_size == 1


Finished = list[tuple[int, Translation]]  # (index into the input, its translation)


class Engine(Protocol):
    """Translates sentences of one language pair."""

    model_id: str
    source: str
    target: str

    def translate(self, sentences: Sequence[str]) -> Iterator[Finished]:
        """Yield translations as they are finished, each input index exactly once."""
        ...


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

    @property
    def translator(self) -> Any:
        """Loaded on first use: a run that finds everything in the memory never pays for it."""
        if self._translator is None:
            import ctranslate2

            s = self.settings
            try:
                self._translator = ctranslate2.Translator(
                    str(self.model.path / "model"),
                    device=s.device,
                    compute_type=s.compute_type,
                    inter_threads=s.inter_threads,
                    intra_threads=s.intra_threads,
                )
            except (RuntimeError, ValueError) as exc:
                raise WorkbenchError(
                    f"cannot load the {self.model.pair} model on {s.device}: {exc}."
                ) from None
        return self._translator

    def _options(self) -> dict[str, Any]:
        s = self.settings
        return {
            "beam_size": s.beam_size,
            "num_hypotheses": 1,
            "length_penalty": s.length_penalty,
            "replace_unknowns": True,
            "return_scores": True,
            "max_batch_size": s.max_batch_tokens,
            "batch_type": "tokens",
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
        # Sorting the whole corpus by length keeps padding low in every batch; chunks of
        # sorted input bound how long a cancel waits.
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        in_flight: deque[tuple[list[int], list[Any]]] = deque()
        for chunk in _chunks(order, encoded, self.settings.chunk_tokens):
            # Within a call CTranslate2 decodes the longest sentences first: collecting in
            # that order hands every batch back as soon as it is done, not when the chunk is.
            chunk.reverse()
            # The next chunk is queued before the previous one is drained: a worker that
            # finishes the last batch of a chunk starts on the next at once instead of idling
            # until the slowest batch of the chunk is done.
            in_flight.append((chunk, self._submit([encoded[i] for i in chunk])))
            if len(in_flight) > 1:
                yield from self._collect(*in_flight.popleft())
        while in_flight:
            yield from self._collect(*in_flight.popleft())

    def _submit(self, batch: list[list[str]]) -> list[Any]:
        prefix = [[self.model.target_prefix]] * len(batch) if self.model.target_prefix else None
        results: list[Any] = self.translator.translate_batch(
            batch, target_prefix=prefix, asynchronous=True, **self._options()
        )
        return results

    def _collect(self, chunk: list[int], pending: list[Any]) -> Iterator[Finished]:
        # Whatever is finished goes back before waiting for the next result, so every
        # decoded batch can be committed while the workers go on.
        finished: Finished = []
        for i, result in zip(chunk, pending, strict=True):
            if finished and not result.done():
                yield finished
                finished = []
            output = result.result()
            score = output.scores[0] if output.scores else None
            finished.append((i, Translation(self._decode(output.hypotheses[0]), score)))
        if finished:
            yield finished


def _chunks(order: list[int], encoded: list[list[str]], budget: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    tokens = 0
    for i in order:
        length = len(encoded[i]) + 1
        if chunk and tokens + length > budget:
            yield chunk
            chunk, tokens = [], 0
        chunk.append(i)
        tokens += length
    if chunk:
        yield chunk


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
