"""Sentence segmentation for French, Russian and English news."""

from __future__ import annotations

import pytest
from conftest import seed

from workbench.pipeline import load_article
from workbench.segment import IdMaker, segment_id, sentences


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "fr",
            "M. Dupont et Mme Martin sont venus. Ils ont payé 5,55 millions d'euros le 07.04.2021. "
            "V. Poutine a réagi.",
            [
                "M. Dupont et Mme Martin sont venus.",
                "Ils ont payé 5,55 millions d'euros le 07.04.2021.",
                "V. Poutine a réagi.",
            ],
        ),
        (
            "fr",
            "«Il faut passer aux alternatives, elles existent […]. Les utilisateurs notent des "
            "lacunes. Mais ce n'est pas impossible», a-t-il poursuivi.",
            [
                "«Il faut passer aux alternatives, elles existent […].",
                "Les utilisateurs notent des lacunes.",
                "Mais ce n'est pas impossible», a-t-il poursuivi.",
            ],
        ),
        (
            "fr",
            "Lavrov a dit qu’il « s’est avéré trop libre. » Puis il est parti… Ensuite, rien ! Quoi ? Fin.",
            [
                "Lavrov a dit qu’il « s’est avéré trop libre. »",
                "Puis il est parti…",
                "Ensuite, rien !",
                "Quoi ?",
                "Fin.",
            ],
        ),
        (
            "fr",
            "Le livre (p. 12) cite le Dr Martin, c.-à-d. lui. Bien.",
            ["Le livre (p. 12) cite le Dr Martin, c.-à-d. lui.", "Bien."],
        ),
        (
            "fr",
            "Le modèle fonctionne, etc. Nous annonçons la suite.",
            ["Le modèle fonctionne, etc.", "Nous annonçons la suite."],
        ),
        (
            "ru",
            "Он должен к концу 2027 г. полностью заменить аналоги, пишет ТАСС. Его протестировали "
            "около 40 тыс. пользователей.",
            [
                "Он должен к концу 2027 г. полностью заменить аналоги, пишет ТАСС.",
                "Его протестировали около 40 тыс. пользователей.",
            ],
        ),
        (
            "ru",
            "В марте 2025 г. CNews писал об этом, т.е. о проекте. Университет им. Ломоносова открыт. "
            "А. С. Пушкин родился в Москве.",
            [
                "В марте 2025 г. CNews писал об этом, т.е. о проекте.",
                "Университет им. Ломоносова открыт.",
                "А. С. Пушкин родился в Москве.",
            ],
        ),
        (
            "ru",
            "«Мы должны избавляться от зависимости. А также от неевропейских», — сказал министр. "
            "— Это важно.",
            [
                "«Мы должны избавляться от зависимости.",
                "А также от неевропейских», — сказал министр.",
                "— Это важно.",
            ],
        ),
        (
            "en",
            "Mr. Smith met Dr. Jones at 5 p.m. on Jan. 5 in the U.S. capital. It went well. “Really?” Yes.",
            [
                "Mr. Smith met Dr. Jones at 5 p.m. on Jan. 5 in the U.S. capital.",
                "It went well.",
                "“Really?”",
                "Yes.",
            ],
        ),
        ("fr", "Pas de point final", ["Pas de point final"]),
        (
            "fr",
            "Prix : 3.5 millions. 2021 fut une année record.",
            ["Prix : 3.5 millions.", "2021 fut une année record."],
        ),
    ],
)
def test_sentences(language: str, text: str, expected: list[str]) -> None:
    assert sentences(text, language) == expected


def test_segments_cover_their_block_exactly() -> None:
    for name in ("000", "001", "002", "003", "004"):
        article = load_article(seed(name))
        for index, block in enumerate(article.blocks):
            assert block.segments, block.text
            for s in block.segments:
                assert s.block == index
                assert block.text[s.start : s.end] == s.text
            # nothing between segments but white space
            rebuilt = " ".join(s.text for s in block.segments)
            assert rebuilt.split() == block.text.split()


def test_seed_segment_counts() -> None:
    counts = {name: len(load_article(seed(name)).segments) for name in ("000", "001", "002", "003", "004")}
    # Counted by hand, paragraph by paragraph: e.g. 000 = title + 17 paragraphs, of which three
    # quotations hold 3 sentences and one holds 2 (18 + 2 + 2 + 2 + 1 = 25); 004 = 1 + 14 + 3 + 6.
    assert counts == {"000": 25, "001": 15, "002": 15, "003": 31, "004": 24}


def test_ids_are_stable_and_depend_on_text_and_occurrence() -> None:
    first = [s.id for s in load_article(seed("004")).segments]
    second = [s.id for s in load_article(seed("004")).segments]
    assert first == second
    assert len(set(first)) == len(first)
    make = IdMaker()
    a, b, c = make("Oui."), make("Oui."), make("Non.")
    assert a == segment_id("Oui.", 0) and b == segment_id("Oui.", 1) and a != b != c


def test_ids_do_not_shift_when_a_paragraph_is_inserted(tmp_path) -> None:
    original = seed("001").read_text(encoding="utf-8")
    lines = original.split("\n")
    lines.insert(5, "Un paragraphe ajouté au milieu.")
    edited = tmp_path / "001.txt"
    edited.write_text("\n".join(lines), encoding="utf-8")
    before = {s.text: s.id for s in load_article(seed("001")).segments}
    after = {s.text: s.id for s in load_article(edited).segments}
    assert all(after[text] == sid for text, sid in before.items())
