"""The real engine: argostranslate package + SentencePiece + CTranslate2, on a generated model."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import seed_texts

from workbench.mt.engine import ArgosEngine, EngineSettings, ModelMissing, PivotEngine, load_engine
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


def test_every_finished_batch_comes_back_with_its_input_index(installed) -> None:
    engine = ArgosEngine(
        installed, EngineSettings(max_decoding_length=12, chunk_tokens=200, max_batch_tokens=64)
    )
    source = french_sentences(30)
    chunks = list(engine.translate(source))
    assert len(chunks) > 1  # the small budget really split the work
    # handed back in decoding order, not held back for input order
    first = [i for i, _ in chunks[0]]
    assert first != list(range(len(first)))
    forward = [t.text for t in flat(chunks)]
    backward = [t.text for t in flat(engine.translate(list(reversed(source))))]
    assert backward == list(reversed(forward))


def test_a_batch_comes_back_as_soon_as_it_is_decoded(installed) -> None:
    """CTranslate2 decodes the longest sentences of a call first: their batch comes back
    first, without waiting for the shorter ones."""
    engine = ArgosEngine(installed, EngineSettings(max_decoding_length=8, max_batch_tokens=64))
    source = french_sentences(30)
    chunks = list(engine.translate(source))
    assert len(chunks) > 1
    longest = max(range(len(source)), key=lambda i: len(engine.tokenizer.encode(source[i])))
    shortest = min(range(len(source)), key=lambda i: len(engine.tokenizer.encode(source[i])))
    assert longest in [i for i, _ in chunks[0]]
    assert shortest in [i for i, _ in chunks[-1]]


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
    engine = load_engine("fr", "en", EngineSettings(device="nonsense"))
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="cannot load the fr-en model on nonsense"):
        flat(engine.translate(["Bonjour."]))


class Spy:
    """The real translator, with a record of every translate_batch call."""

    def __init__(self, translator) -> None:  # type: ignore[no-untyped-def]
        self.translator = translator
        self.calls: list[dict] = []

    def translate_batch(self, batch, **options):  # type: ignore[no-untyped-def]
        self.calls.append({"size": len(batch), **options})
        return self.translator.translate_batch(batch, **options)


def test_the_next_chunk_is_queued_before_the_previous_is_drained(installed) -> None:
    """No worker idles at a chunk boundary waiting for the slowest batch of the chunk."""
    engine = ArgosEngine(installed, EngineSettings(max_decoding_length=8, chunk_tokens=150, max_batch_tokens=64))
    spy = Spy(engine.translator)
    engine._translator = spy
    source = french_sentences(30)
    results = engine.translate(source)
    first = next(results)
    assert len(spy.calls) == 2  # the first chunk being collected, the second already submitted
    assert len(first) < len(source)
    assert len(flat([first, *results])) == len(source)
    assert len(spy.calls) > 2 and sum(c["size"] for c in spy.calls) == len(source)
    assert all(c["asynchronous"] for c in spy.calls)


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
