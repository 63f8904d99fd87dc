"""The real engine: argostranslate package + SentencePiece + CTranslate2, on a generated model."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from conftest import seed_texts

from workbench.mt.engine import (
    ArgosEngine,
    EngineSettings,
    ModelMissing,
    PivotEngine,
    batches_of,
    load_engine,
)
from workbench.mt.packages import install_archive
from workbench.segment import sentences

SETTINGS = EngineSettings(max_decoding_length=12)


def french_sentences(n: int) -> list[str]:
    out = []
    for line in seed_texts():
        out.extend(sentences(line, "fr"))
    return [s for s in out if len(s) > 20][:n]


def flat(chunks) -> list:
    """Translations in input order; each input index exactly once."""
    pairs = [pair for chunk in chunks for pair in chunk]
    indices = [i for i, _ in pairs]
    assert sorted(indices) == list(range(len(indices)))
    return [t for _, t in sorted(pairs, key=lambda pair: pair[0])]


def test_translates_through_the_package_tokenizer_and_ctranslate2(installed) -> None:
    engine = load_engine("fr", "en", SETTINGS)
    assert isinstance(engine, ArgosEngine)
    source = french_sentences(40)
    results = flat(engine.translate(source))
    assert len(results) == len(source)
    assert all(isinstance(r.text, str) and r.text for r in results)
    assert all(r.score is not None and r.score < 0 for r in results)
    assert engine.model_id == installed.identity()


def test_every_batch_comes_back_with_its_input_indices(installed) -> None:
    engine = ArgosEngine(installed, EngineSettings(max_decoding_length=12, max_batch_tokens=64))
    source = french_sentences(30)
    chunks = list(engine.translate(source))
    assert len(chunks) > 1  # the small budget really split the work
    forward = [t.text for t in flat(chunks)]
    backward = [t.text for t in flat(engine.translate(list(reversed(source))))]
    assert backward == list(reversed(forward))


def test_batches_are_the_jobs_ctranslate2_itself_would_make(installed) -> None:
    """The unit handed back is CTranslate2's own: the same rule, hence the same job count as
    one large call of CTranslate2's own token batching."""
    import ctranslate2

    engine = ArgosEngine(installed, EngineSettings())
    encoded = [engine.tokenizer.encode(s) for s in french_sentences(60)]
    for budget in (64, 150, 400):
        ours = batches_of(encoded, budget)
        assert sorted(i for b in ours for i in b) == list(range(len(encoded)))
        lengths = [len(encoded[b[0]]) for b in ours]
        assert lengths == sorted(lengths, reverse=True)  # longest first, as CTranslate2 decodes
        for batch in ours:
            longest = max(len(encoded[i]) for i in batch)
            assert len(encoded[batch[0]]) == longest
            assert len(batch) == 1 or len(batch) * longest <= budget
        # unbounded queue: the call returns with every job queued, none blocked on a full queue
        translator = ctranslate2.Translator(str(installed.path / "model"), inter_threads=1, max_queued_batches=-1)
        pending = translator.translate_batch(
            encoded, asynchronous=True, max_batch_size=budget, batch_type="tokens",
            min_decoding_length=30, max_decoding_length=30, beam_size=1,
        )
        # all jobs are queued or running before the first of 30 decoding steps ends
        assert translator.num_active_batches == len(ours)
        for result in pending:
            result.result()


class Result:
    """A CTranslate2 asynchronous result that completes when the test says so."""

    def __init__(self, gate: threading.Event, fail: bool = False) -> None:
        self.gate, self.fail = gate, fail

    def result(self):  # type: ignore[no-untyped-def]
        assert self.gate.wait(10)
        if self.fail:
            raise RuntimeError("out of memory")
        return type("Output", (), {"hypotheses": [["▁done"]], "scores": [-0.5]})()


class Gated:
    """A translator whose batches finish one by one, in the order the test releases them."""

    def __init__(self, fail: int | None = None) -> None:
        self.calls: list[int] = []  # batch sizes, in submission order
        self.gates: list[threading.Event] = []
        self.fail = fail

    def translate_batch(self, batch, **options):  # type: ignore[no-untyped-def]
        assert options["asynchronous"] and options["max_batch_size"] == 0
        gate = threading.Event()
        self.gates.append(gate)
        self.calls.append(len(batch))
        return [Result(gate, fail=len(self.calls) - 1 == self.fail) for _ in batch]


def gated_engine(installed, translator: Gated, inter: int = 2) -> ArgosEngine:  # type: ignore[no-untyped-def]
    engine = ArgosEngine(installed, EngineSettings(inter_threads=inter, max_batch_tokens=64))
    engine._translator = translator
    return engine


def test_batches_are_handed_back_by_completion_not_by_submission(installed) -> None:
    translator = Gated()
    engine = gated_engine(installed, translator)
    source = french_sentences(30)
    expected = batches_of([engine.tokenizer.encode(s) for s in source], 64)
    assert len(expected) > engine.settings.in_flight
    results = engine.translate(source)

    def third_first() -> None:
        while len(translator.gates) < 3:
            time.sleep(0.001)
        translator.gates[2].set()

    threading.Thread(target=third_first, daemon=True).start()
    # the third batch finished first: it comes back first, while the first is still decoding
    first = next(results)
    assert [i for i, _ in first] == expected[2]
    translator.gates[0].set()
    second = next(results)
    assert [i for i, _ in second] == expected[0]
    stop = threading.Event()

    def release_all() -> None:
        while not stop.is_set():
            for gate in list(translator.gates):
                gate.set()
            time.sleep(0.001)

    threading.Thread(target=release_all, daemon=True).start()
    rest = list(results)
    stop.set()
    assert sorted(i for chunk in [first, second, *rest] for i, _ in chunk) == list(range(len(source)))


def test_at_most_the_in_flight_window_is_ever_submitted_and_not_handed_back(installed) -> None:
    translator = Gated()
    engine = gated_engine(installed, translator, inter=2)
    window = engine.settings.in_flight
    assert window == 4
    source = french_sentences(40)
    total = len(batches_of([engine.tokenizer.encode(s) for s in source], 64))
    assert total > window + 2
    taken = 0

    def release_in_order() -> None:
        released = 0
        while released < total:
            if released < len(translator.gates):
                translator.gates[released].set()
                released += 1
            time.sleep(0.002)

    threading.Thread(target=release_in_order, daemon=True).start()
    for _ in engine.translate(source):
        taken += 1
        # while the caller holds this batch (committing it), nothing more is submitted
        assert len(translator.calls) - taken <= window - 1
        assert len(translator.calls) <= taken + window - 1
    assert taken == total == len(translator.calls)
    assert sum(translator.calls) == len(source)


def test_a_failed_batch_is_one_sentence_and_the_finished_ones_are_kept(installed) -> None:
    from workbench.errors import WorkbenchError

    translator = Gated(fail=1)
    engine = gated_engine(installed, translator)
    results = engine.translate(french_sentences(30))
    threading.Thread(target=lambda: [time.sleep(0.01), translator.gates[0].set()]).start()
    first = next(results)
    assert first
    translator.gates[1].set()
    with pytest.raises(WorkbenchError, match="failed while translating .out of memory.; what was finished is kept"):
        next(results)
    for gate in translator.gates:
        gate.set()


def test_same_sentence_twice_gives_the_same_translation(installed) -> None:
    engine = load_engine("fr", "en", SETTINGS)
    a, b = french_sentences(2)
    results = [t.text for t in flat(engine.translate([a, b, a]))]
    assert results[0] == results[2]


def test_translator_is_loaded_only_when_something_is_decoded(installed) -> None:
    engine = load_engine("fr", "en", SETTINGS)
    assert isinstance(engine, ArgosEngine)
    assert engine._translator is None
    assert flat(engine.translate([])) == []
    assert engine._translator is None


def test_missing_model_names_the_install_command(packages_dir: Path) -> None:
    with pytest.raises(ModelMissing) as info:
        load_engine("ru", "en", SETTINGS)
    assert "workbench models install ru-en" in str(info.value)


def test_pivot_only_when_asked(installed, tmp_path: Path) -> None:
    from workbench.mt.synthetic import build_package

    en_de = build_package(tmp_path / "en_de.argosmodel", seed_texts(), from_code="en", to_code="de", seed=1)
    install_archive(en_de)
    with pytest.raises(ModelMissing, match="no fr→de model"):
        load_engine("fr", "de", SETTINGS)
    engine = load_engine("fr", "de", EngineSettings(max_decoding_length=12, pivot="en"))
    assert isinstance(engine, PivotEngine)
    assert "fr-en" in engine.model_id and "en-de" in engine.model_id
    assert len(flat(engine.translate(french_sentences(5)))) == 5


def test_pivot_names_the_missing_leg(installed) -> None:
    with pytest.raises(ModelMissing, match="no en→de model"):
        load_engine("fr", "de", EngineSettings(pivot="en"))


def test_bad_device_is_one_sentence(installed) -> None:
    from workbench.errors import WorkbenchError

    engine = load_engine("fr", "en", EngineSettings(device="nonsense"))
    with pytest.raises(WorkbenchError, match="--device 'nonsense' is not one of auto, cpu, cuda."):
        flat(engine.translate(["Bonjour."]))


def test_device_auto_decodes_on_the_cpu_here_and_says_so(installed) -> None:
    """No GPU on this machine: auto falls back to the CPU with int8, and every translation
    carries the device and compute type it was decoded with; the model id does not change."""
    import ctranslate2

    assert ctranslate2.get_cuda_device_count() == 0
    engine = load_engine("fr", "en", EngineSettings(max_decoding_length=8))
    results = flat(engine.translate(french_sentences(3)))
    assert {(t.device, t.compute_type) for t in results} == {("cpu", "int8")}
    assert engine.model_id == installed.identity()
    other = load_engine("fr", "en", EngineSettings(max_decoding_length=8, compute_type="float32"))
    assert {(t.device, t.compute_type) for t in flat(other.translate(french_sentences(3)))} == {("cpu", "float32")}
    assert other.model_id == engine.model_id  # one memory across devices and precisions


def test_cuda_without_a_gpu_is_one_sentence(installed) -> None:
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match=r"^--device cuda: CTranslate2 sees no CUDA device here"):
        flat(load_engine("fr", "en", EngineSettings(device="cuda")).translate(["Bonjour."]))
    with pytest.raises(WorkbenchError, match=r"^--compute-type float16 is not supported on cpu here \(supported: "):
        flat(load_engine("fr", "en", EngineSettings(compute_type="float16")).translate(["Bonjour."]))


def test_compute_type_follows_the_device(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a GPU (simulated: none here) int8_float16 where supported, else float16."""
    import ctranslate2

    from workbench.mt.engine import resolve_device

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    types = {"cuda": {"float32", "float16", "int8_float16", "int8"}, "cpu": {"int8", "float32"}}
    monkeypatch.setattr(ctranslate2, "get_supported_compute_types", lambda device: types[device])
    assert resolve_device("auto", None) == ("cuda", "int8_float16")
    assert resolve_device("cuda", "float16") == ("cuda", "float16")
    assert resolve_device("cpu", None) == ("cpu", "int8")
    types["cuda"] = {"float32", "float16"}  # an older GPU: no int8 kernels
    assert resolve_device("cuda", None) == ("cuda", "float16")


class Spy:
    """The real translator, with a record of every translate_batch call."""

    def __init__(self, translator) -> None:  # type: ignore[no-untyped-def]
        self.translator = translator
        self.calls: list[dict] = []

    def translate_batch(self, batch, **options):  # type: ignore[no-untyped-def]
        self.calls.append({"size": len(batch), **options})
        return self.translator.translate_batch(batch, **options)


def test_the_real_engine_keeps_its_window_full_and_no_larger(installed) -> None:
    """With CTranslate2 itself: each batch one asynchronous call, the first handed back while
    at most the window is submitted, every input once."""
    engine = ArgosEngine(installed, EngineSettings(max_decoding_length=8, max_batch_tokens=64, inter_threads=2))
    spy = Spy(engine.translator)
    engine._translator = spy
    source = french_sentences(30)
    results = engine.translate(source)
    first = next(results)
    assert len(spy.calls) == engine.settings.in_flight  # the window was filled, not more
    assert len(first) < len(source)
    assert len(flat([first, *results])) == len(source)
    assert len(spy.calls) > engine.settings.in_flight and sum(c["size"] for c in spy.calls) == len(source)
    assert all(c["asynchronous"] and c["max_batch_size"] == 0 for c in spy.calls)


def test_draft_decodes_greedily_under_its_own_model_id(installed) -> None:
    draft = ArgosEngine(installed, EngineSettings(max_decoding_length=8, beam_size=1))
    assert EngineSettings(beam_size=1).draft and not EngineSettings().draft
    assert draft.model_id == installed.identity() + "+draft"
    assert ArgosEngine(installed, SETTINGS).model_id == installed.identity()
    spy = Spy(draft.translator)
    draft._translator = spy
    assert len(flat(draft.translate(french_sentences(4)))) == 4
    assert [c["beam_size"] for c in spy.calls] == [1]


def test_a_draft_is_never_served_as_beam_output(installed, project) -> None:
    """A later beam-4 run re-translates draft segments instead of taking them from the memory."""
    from workbench.model import Article, Block, Segment
    from workbench.mt.memory import TranslationMemory
    from workbench.prepare import save_article
    from workbench.store import Store
    from workbench.translate import engine_factory, translate_documents

    texts = french_sentences(12)
    segments = tuple(Segment(f"0-{i}", 0, i, s, 0, len(s)) for i, s in enumerate(texts))
    article = Article("a1", "-", "fr", None, (Block("text", " ".join(texts), 1, "fr", (), segments),))
    store = Store(project)

    def run(settings: EngineSettings):  # type: ignore[no-untyped-def]
        with TranslationMemory(project.memory) as tm:
            return translate_documents([save_article(store, article)], store, tm, engines=engine_factory(settings))

    unique = len({s.text for s in article.segments})
    first = run(EngineSettings(max_decoding_length=8, beam_size=1))
    assert first.decoded == unique
    assert {r.model for r in store.read(article.id).segments} == {installed.identity() + "+draft"}
    second = run(EngineSettings(max_decoding_length=8))
    assert second.decoded == unique and second.from_memory == 0
    assert {r.model for r in store.read(article.id).segments} == {installed.identity()}
    # and a draft run afterwards never replaces the beam-4 output with greedy output
    third = run(EngineSettings(max_decoding_length=8, beam_size=1))
    assert third.decoded == 0 and third.files_written == 0
    assert {r.model for r in store.read(article.id).segments} == {installed.identity()}
