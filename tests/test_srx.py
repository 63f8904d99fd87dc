"""SRX export: valid SRX 2.0, and an independent SRX engine (choppa) given our rules splits
every paragraph of the seeds exactly where our segmenter does."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schema_check import SRX, errors, xmllint

from workbench.pipeline import load_article
from workbench.segment import sentences
from workbench.srx import export_srx


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("srx") / "rules.srx"
    path.write_bytes(export_srx())
    return path


@pytest.fixture(scope="module")
def choppa_split(rules: Path):
    from choppa import SrxDocument, SrxTextIterator

    document = SrxDocument(ruleset=str(rules))

    def split(text: str, language: str | None) -> list[str]:
        # SRX segments keep the whitespace after a break; ours do not.
        pieces = SrxTextIterator(document, language or "und", text)
        return [p.strip() for p in pieces if p.strip()]

    return split


def test_srx_is_valid_and_deterministic(rules: Path) -> None:
    data = rules.read_bytes()
    assert errors(data, SRX) == []
    assert export_srx() == data
    verdict = xmllint(rules, SRX)
    if verdict is not None:
        assert verdict.returncode == 0 and "validates" in verdict.stderr, verdict.stderr


def test_srx_carries_each_language_abbreviations(rules: Path) -> None:
    text = rules.read_text(encoding="utf-8")
    for name in ("French", "Russian", "English", "Workbench"):
        assert f'languagerulename="{name}"' in text
    # entries of the data files, lower-case ones in either case
    assert "[Тт][Ыы][Сс]" in text and "[Гг]" in text and "Mme" in text and "Mr" in text


SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_choppa_with_our_rules_splits_the_seeds_as_we_do(seed: Path, choppa_split) -> None:
    article = load_article(seed)
    blocks = [b for b in article.blocks if b.segments]
    assert blocks
    for block in blocks:
        ours = [s.text for s in block.segments]
        assert choppa_split(block.text, block.language) == ours, block.text


CASES = [
    ("fr", "Le 3 oct. 2024, M. Dupont a parlé. Mme Durand aussi. C'est tout."),
    ("fr", "« Nous devons partir. » Puis il est sorti. « Vraiment ? » Oui."),
    ("fr", 'Il a dit "non." Puis "Oui." Fin.'),
    ("fr", 'Il a dit non. " Puis il est parti.'),
    ("fr", "Voir p. 12 et c.-à-d. la suite. Ensuite (Cf. ci-dessus) rien."),
    ("fr", "V. Poutine et J.-C. Juncker sont venus. Point.. Suite."),
    ("ru", "В июле 2024 г. около 10 тыс. человек пришли. Это много! А. С. Пушкин писал."),
    ("ru", "ТЫС. РУБ. Итог. Он сказал: «Хватит.» Потом ушёл…  Дальше 5 лет."),
    ("ru", "Т.е. всё было хорошо. И т.д. Конец."),
    ("en", "Mr. Smith met Dr. Jones at 5 p.m. Then they left. (It rained.) 2020 was odd."),
    ("en", "He wrote “Stop.” And stopped.\tThen ¹ note. Ⓐ circled."),
    (None, "Mme Durand et г. Москва. Mr. X. Sentence two."),
    ("de", "Dr. Müller kam. Er ging. Prof. Weber blieb."),
]


@pytest.mark.parametrize(("language", "text"), CASES, ids=range(len(CASES)))
def test_choppa_agrees_on_crafted_cases(language: str | None, text: str, choppa_split) -> None:
    assert choppa_split(text, language) == sentences(text, language)


# Texts built from the pieces the rules turn on: abbreviations in either case, initials,
# characters Python calls upper case or digits outside \p{Lu} and \p{Nd} (², Ⓐ) or not (ǅ),
# terminators, closers spaced off or not, a quote that is both opener and closer, odd spaces.
WORDS = [
    "Mme",
    "M",
    "г",
    "Г",
    "тыс",
    "ТЫС",
    "т.е",
    "Mr",
    "etc",
    "A",
    "b",
    "Le",
    "1",
    "²",
    "Ⓐ",
    "ǅ",
    "c.-à-d",
    "no",
]
PUNCTUATION = [
    "",
    ".",
    "..",
    "!",
    "?",
    "…",
    ".»",
    ". »",
    '."',
    ' "',
    ".)",
    "(",
    "«",
    "—",
    '"',
    ")",
    " »",
    "?!",
]
TOKEN = st.tuples(
    st.sampled_from(["", "(", "«", '"', "—"]), st.sampled_from(WORDS), st.sampled_from(PUNCTUATION)
)
TEXT = st.lists(
    st.tuples(TOKEN.map("".join), st.sampled_from([" ", "  ", "\t", " \u00a0", "\u2009"])),
    min_size=1,
    max_size=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    TEXT.map(lambda pieces: "".join(a + b for a, b in pieces).strip()),
    st.sampled_from(["fr", "ru", "en", None]),
)
def test_choppa_agrees_on_generated_texts(text: str, language: str | None) -> None:
    from choppa import SrxTextIterator

    document = _document()
    assert [p.strip() for p in SrxTextIterator(document, language or "und", text) if p.strip()] == sentences(
        text, language
    )


@cache
def _document():  # hypothesis does not mix with function-scoped fixtures
    from choppa import SrxDocument

    with tempfile.TemporaryDirectory() as folder:  # choppa reads the rules when built
        path = Path(folder) / "rules.srx"
        path.write_bytes(export_srx())
        return SrxDocument(ruleset=str(path))
