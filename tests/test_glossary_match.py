"""Matching: every entity of the seeds, Russian inflection, French elision, no false hits."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import seed

from workbench.glossary.entries import Entry, load_folder
from workbench.glossary.match import Matcher, contains_english, tokenize
from workbench.pipeline import load_article

GLOSSARY = load_folder(Path(__file__).resolve().parents[1] / "glossaries")

# Written by reading each seed, sentence by sentence: the entities in order of appearance.
SEED_ENTITIES = {
    "000": [
        "zoom",
        "kremlin",
        "zoom",
        "vladimir-putin",
        "kremlin",
        "zoom-video-communications",
        "dmitry-peskov",
        "kremlin",
        "zoom",
        "vladimir-putin",
        "kremlin",
        "zoom",
        "dmitry-peskov",
        "zoom",
        "zoom",
        "dmitry-peskov",
        "zoom",
        "zoom",
        "dmitry-peskov",
        "zoom-video-communications",
        "russia",
        "cis",
        "zoom",
        "zoom",
        "sputnik",
        "zoom",
        "alexander-bashkin",
        "federation-council",
        "sputnik",
        "zoom",
    ],
    "001": [
        "kremlin",
        "zoom",
        "kremlin",
        "zoom",
        "dmitry-peskov",
        "vladimir-putin",
        "zoom",
        "kommersant",
        "zoom",
        "andrei-petrenko",
        "rightconf",
        "cis",
        "zoom",
        "cis",
        "zoom",
        "zoom",
        "zoom",
        "russia",
        "moscow",
        "microsoft",
        "zoom",
        "alexander-bashkin",
        "federation-council",
        "ria-novosti",
        "russia",
        "zoom",
        "sergei-kravtsov",
        "russia",
        "sferum",
        "tass",
        "rosatom",
        "ria-novosti",
    ],
    "002": [
        "telegram",
        "united-states",
        "european-union",
        "telegram",
        "pavel-durov",
        "france",
        "sergei-lavrov",
        "pavel-durov",
        "paris",
        "saint-kitts-and-nevis",
        "moscow-state-institute-of-international-relations",
        "sergei-lavrov",
        "pavel-durov",
        "telegram",
        "pavel-durov",
        "washington",
        "meta",
        "facebook",
        "instagram",
        "mark-zuckerberg",
        "u-s-senate",
        "the-west",
        "united-states",
        "european-union",
        "pavel-durov",
        "sergei-lavrov",
        "kremlin",
        "dmitry-peskov",
        "moscow",
        "telegram",
        "paris",
        "pavel-durov",
        "renault",
        "citroen",
        "dmitry-peskov",
        "st-petersburg",
        "pavel-durov",
        "russia",
        "telegram",
        "tucker-carlson",
        "pavel-durov",
    ],
    "003": [
        "microsoft",
        "russia",
        "microsoft",
        "russia",
        "microsoft",
        "ukraine",
        "microsoft",
        "ukraine",
        "microsoft",
        "russia",
        "apple",
        "microsoft",
        "microsoft",
        "brad-smith",
        "microsoft",
        "russia",
        "microsoft",
        "russia",
        "office-365",
        "xbox-game-pass",
        "xbox",
        "russia",
        "microsoft",
        "windows",
        "microsoft",
        "russia",
        "united-states",
        "european-union",
        "britain",
        "russia",
        "ukraine",
        "microsoft",
        "ukraine",
        "microsoft",
        "brad-smith",
        "microsoft",
        "ukraine",
        "ukraine",
        "geneva-conventions",
        "microsoft",
        "united-nations",
        "red-cross",
        "microsoft",
        "microsoft",
        "ukraine",
        "brad-smith",
        "ukraine",
        "ukraine",
        "brad-smith",
        "microsoft",
        "microsoft",
        "russia",
    ],
    "004": [
        "france",
        "zoom",
        "microsoft-teams",
        "france",
        "france",
        "visio",
        "tass",
        "visio",
        "david-amiel",
        "david-amiel",
        "la-tribune-dimanche",
        "visio",
        "dinum",
        "david-amiel",
        "microsoft-teams",
        "zoom",
        "david-amiel",
        "mistral-ai",
        "european-union",
        "europe",
        "cnews",
        "united-states",
        "european-union",
        "windows",
        "microsoft",
        "international-criminal-court",
        "international-criminal-court",
        "the-hague",
        "microsoft-office",
        "karim-khan",
        "karim-khan",
        "microsoft",
        "united-states",
        "airbus",
        "boeing",
        "netherlands",
        "europe",
        "airbus",
        "catherine-jestin",
        "catherine-jestin",
        "donald-trump",
        "donald-trump",
        "white-house",
        "cloud-act",
        "united-states",
        "microsoft",
    ],
}


@pytest.mark.parametrize("name", sorted(SEED_ENTITIES))
def test_every_entity_of_the_seeds_and_nothing_else(name: str) -> None:
    article = load_article(seed(name))
    matcher = Matcher(GLOSSARY, article.language)
    hits = [h for s in article.segments for h in matcher.find(s.text)]
    assert [h.entry.id for h in hits] == SEED_ENTITIES[name]
    for segment in article.segments:
        for hit in matcher.find(segment.text):
            assert segment.text[hit.start : hit.end] == hit.text


RU = Matcher(GLOSSARY, "ru")
FR = Matcher(GLOSSARY, "fr")


@pytest.mark.parametrize(
    "text",
    [
        "Песков заявил.",
        "Слова Пескова.",
        "Он позвонил Пескову.",
        "Мы говорили с Песковым.",
        "Речь о Пескове.",
        "Дмитрий Песков заявил.",
        "Слова Дмитрия Пескова.",
        "Позвонили Дмитрию Пескову.",
        "С Дмитрием Песковым.",
        "О Дмитрии Пескове.",
    ],
)
def test_russian_person_in_every_case(text: str) -> None:
    [hit] = RU.find(text)
    assert hit.entry.id == "dmitry-peskov"
    assert hit.expected == ("Dmitry Peskov" if "Дмитр" in hit.text else "Peskov")


@pytest.mark.parametrize(
    ("text", "entity", "found"),
    [
        ("Встреча с Лавровым прошла.", "sergei-lavrov", "Лавровым"),
        ("Письмо Лаврову.", "sergei-lavrov", "Лаврову"),
        ("Встреча с Путиным.", "vladimir-putin", "Путиным"),
        ("Указ Владимира Путина.", "vladimir-putin", "Владимира Путина"),
        ("Контракт Росатома.", "rosatom", "Росатома"),
        ("Вместе с Росатомом.", "rosatom", "Росатомом"),
        (
            "Решение Международного уголовного суда.",
            "international-criminal-court",
            "Международного уголовного суда",
        ),
        (
            "Перед Международным уголовным судом.",
            "international-criminal-court",
            "Международным уголовным судом",
        ),
        ("Он вернулся в Белый дом.", "white-house", "Белый дом"),
        ("Совещание в Белом доме.", "white-house", "Белом доме"),
        ("Власти Евросоюза.", "european-union", "Евросоюза"),
        ("Лидеры Евросоюзом недовольны.", "european-union", "Евросоюзом"),
        ("Посланник Совета Федерации.", "federation-council", "Совета Федерации"),
        ("Суд в Гааге.", "the-hague", "Гааге"),
    ],
)
def test_russian_inflection_of_people_organisations_and_places(text: str, entity: str, found: str) -> None:
    [hit] = RU.find(text)
    assert (hit.entry.id, hit.text) == (entity, found)


@pytest.mark.parametrize(
    ("text", "entity", "found"),
    [
        ("La stratégie d'Airbus change.", "airbus", "Airbus"),
        ("La stratégie d’Airbus change.", "airbus", "Airbus"),
        ("Le soutien à l’Ukraine.", "ukraine", "Ukraine"),
        ("Le soutien à l'Ukraine.", "ukraine", "Ukraine"),
        ("Il dit qu’Apple suivra.", "apple", "Apple"),
        (
            "Les experts de l’Institut d'État des relations internationales de Moscou.",
            "moscow-state-institute-of-international-relations",
            "Institut d'État des relations internationales de Moscou",
        ),
        ("Jusqu’à l’Occident.", "the-west", "Occident"),
    ],
)
def test_french_elision_and_apostrophes(text: str, entity: str, found: str) -> None:
    [hit] = FR.find(text)
    assert (hit.entry.id, hit.text) == (entity, found)


@pytest.mark.parametrize(
    "text",
    [
        "Les Zoomers aiment zoomer.",  # inside other words, and lower case
        "Un microsoftien parisien à Parisville.",
        "Le zoom de l'appareil photo.",
        "Ce lavrovisme est nouveau.",
    ],
)
def test_no_false_hits_in_french(text: str) -> None:
    assert FR.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Началась путина на Камчатке.",  # the fishing season, not Putin
        "Песковский район.",  # an adjective from another word
        "Парижанка уехала.",
        "Кремлёвский диетолог.",
    ],
)
def test_no_false_hits_in_russian(text: str) -> None:
    assert RU.find(text) == []


def test_longest_match_wins() -> None:
    [hit] = FR.find("La société Zoom Video Communications a répondu.")
    assert hit.entry.id == "zoom-video-communications"


def test_case_and_accent_insensitive_entries() -> None:
    entry = Entry(
        id="sferum",
        type="product",
        en="Sferum",
        forms={"fr": ("Sphérum",)},
        case_insensitive=True,
        accent_insensitive=True,
    )
    matcher = Matcher([entry], "fr")
    assert [h.text for h in matcher.find("Le logiciel SPHERUM et sphérum et Spherum.")] == [
        "SPHERUM",
        "sphérum",
        "Spherum",
    ]
    strict = Matcher([Entry(id="s", type="product", en="Sferum", forms={"fr": ("Sphérum",)})], "fr")
    assert [h.text for h in strict.find("SPHERUM, Spherum, Sphérum")] == ["Sphérum"]


def test_tokenize_splits_elision() -> None:
    assert [t.text for t in tokenize("d’Airbus l'Ukraine Saint-Kitts-et-Nevis")] == [
        "Airbus",
        "Ukraine",
        "Saint-Kitts-et-Nevis",
    ]


def test_contains_english() -> None:
    assert contains_english("Dmitry Peskov's remarks", "Dmitry Peskov")
    assert contains_english("the Kremlin said", "Kremlin")
    assert not contains_english("the Kremlins said", "Kremlin")
    assert not contains_english("Dmitry Peskova said", "Dmitry Peskov")
    assert contains_english("U.S. Senate hearing", "U.S. Senate")
