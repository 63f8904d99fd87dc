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
    # handed back in decoding order (shortest first), not held back for input order
    first = [i for i, _ in chunks[0]]
    assert first != list(range(len(first)))
    forward = [t.text for t in flat(chunks)]
    backward = [t.text for t in flat(engine.translate(list(reversed(source))))]
    assert backward == list(reversed(forward))


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
