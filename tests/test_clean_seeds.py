"""Expectations for the five seed articles, written by reading them line by line."""

from __future__ import annotations

import pytest
from conftest import seed

from workbench.ingest import ingest
from workbench.pipeline import load_article

# line number → reason, for every line that is web cruft (blank-line runs aside).
EXPECTED = {
    "000": dict(
        language="fr",
        date=None,
        title="Zoom interdit l’accès à ses services aux structures publiques russes, le Kremlin réagit",
        paragraphs=17,
        removed={
            3: "credit",  # © ZoomUne salle de conférences Zoom
            4: "caption",  # Une salle de conférences Zoom - Sputnik Afrique, 1920, 07.04.2021
            5: "subscribe",  # S'abonner
            40: "widget",  # Fil d’actu
            41: "counter",  # 0
            42: "login",  # Pour participer aux discussions, identifiez-vous ...
            43: "widget",  # loader
            44: "widget",  # Chat
            45: "foreign-ui",  # Заголовок открываемого материала
        },
        headings=["«La nature a horreur du vide»", "Commentaire de Zoom"],
        first="Alors que des structures publiques russes",
        last="il se pourrait que Zoom soit bloqué sur le territoire russe.",
    ),
    "001": dict(
        language="fr",
        date=None,
        title="Le Kremlin critique Zoom, accusé de limiter l’accès au secteur public",
        paragraphs=11,
        removed={3: "counter"},  # 259
        headings=[],
        first="Le Kremlin a critiqué mercredi",
        last="«l’industrie nucléaire russe utilise sa propre plateforme fermée interne pour les communications».",
    ),
    "002": dict(
        language="fr",
        date="2024-09",
        title=(
            "L’arrestation du PDG de Telegram prouve que les États-Unis et l’UE ne ménagent pas "
            "leurs efforts lorsqu’ils traitent avec les plateformes en ligne, a déclaré le ministre "
            "russe des Affaires étrangères"
        ),
        paragraphs=11,
        removed={},
        headings=[],
        first="Le PDG de Telegram, Pavel Durov, est accusé en France",
        last="qui compte près d’un milliard d’utilisateurs mensuels.",
    ),
    "003": dict(
        language="fr",
        date=None,
        title=(
            "Microsoft a publié un communiqué informant d'une décision de poids : la firme ne vendra "
            "plus aucun produit ni service en Russie."
        ),
        paragraphs=15,
        removed={},
        headings=[
            "Microsoft ne vend plus en Russie",
            "Microsoft protège l'Ukraine des cyberattaques, et aide les ONG",
            "Le communiqué de Brad Smith au nom de Microsoft",
        ],
        first="Le géant américain Microsoft annonce aujourd'hui",
        last="et soutient financièrement les ONG.",
    ),
    "004": dict(
        language="ru",
        date="2026-01-26",
        title=(
            "Госорганы Франции отказываются от Zoom и Teams: «Мы должны избавиться от американских "
            "инструментов»"
        ),
        paragraphs=15,
        removed={19: "credit"},  # Anthony DELANOIX / Unsplash.com + caption
        headings=[
            "Импортозамещение в госорганах Франции",
            "Безопасность переговоров госслужащих",
            "Отказ от американского в Европе",
        ],
        first="Французские власти перестали доверять американскому ПО.",
        last="не может гарантировать суверенитет данных в соответствии с этим законодательством.",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_article(name: str) -> None:
    expected = EXPECTED[name]
    article = load_article(seed(name))
    assert article.language == expected["language"]
    assert article.date == expected["date"]
    assert article.title == expected["title"]
    assert len(article.paragraphs) == expected["paragraphs"]
    cruft = {r.line: r.reason for r in article.removed if r.reason != "blank"}
    assert cruft == expected["removed"]
    assert [b.text for b in article.paragraphs if b.kind == "heading"] == expected["headings"]
    assert article.paragraphs[0].text.startswith(expected["first"])
    assert article.paragraphs[-1].text.endswith(expected["last"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_content_line_is_lost_or_invented(name: str) -> None:
    """Every non-empty source line is either a block or a recorded removal, in order."""
    path = seed(name)
    lines = ingest(path).text.split("\n")
    article = load_article(path)
    accounted = {b.line: b.text for b in article.blocks}
    accounted.update({r.line: r.text for r in article.removed if r.text})
    for number, line in enumerate(lines, 1):
        if not line:
            continue
        assert number in accounted, f"line {number} vanished: {line!r}"
        kept = accounted[number]
        assert kept == line or line.endswith(kept), (number, line, kept)  # date prefix aside


def test_blank_line_runs_are_recorded() -> None:
    article = load_article(seed("002"))
    blanks = [r for r in article.removed if r.reason == "blank"]
    assert [(r.line, r.rule) for r in blanks] == [(12, "17 blank lines")]


def test_mixed_language_fragment_is_reported() -> None:
    article = load_article(seed("002"))
    spans = [(s.text, s.language) for b in article.blocks for s in b.foreign_spans]
    assert spans == [("to react to", "en")]
    block = next(b for b in article.blocks if b.foreign_spans)
    span = block.foreign_spans[0]
    assert block.text[span.start : span.end] == "to react to"
    assert block.language == "fr"


def test_names_in_latin_script_are_not_foreign_spans() -> None:
    article = load_article(seed("004"))  # (David Amiel), La Tribune Dimanche, Mistral AI, Cloud Act
    assert [s for b in article.blocks for s in b.foreign_spans] == []
    assert {b.language for b in article.blocks} == {"ru"}


def test_every_seed_cleans_with_no_cruft_left(seeds) -> None:
    leftovers = {"S'abonner", "loader", "Chat", "259", "0", "Fil d’actu"}
    for path in sorted(seeds.glob("*.txt")):
        article = load_article(path)
        texts = {b.text for b in article.blocks}
        assert not texts & leftovers, path.name
        assert not any(t.startswith(("©", "Anthony DELANOIX")) for t in texts), path.name
