"""The cruft rules generalise: articles written for these tests, in the style of other sites."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.clean import clean, load_rules
from workbench.errors import WorkbenchError
from workbench.ingest import normalize
from workbench.pipeline import article_from_bytes, restore

FRENCH_PAGE = """\
Accueil > International > Europe
Publié le 12/03/2024 à 10h32
Temps de lecture : 3 min
La Commission européenne veut des clouds souverains
Partager sur Facebook
Facebook Twitter WhatsApp E-mail
Jean Dupont / AFP
Photo : Reuters
Bruxelles a présenté mardi un plan pour réduire la dépendance des administrations aux logiciels américains.
Lire aussi : Microsoft suspend ses ventes en Russie
«Publicité mensongère», dénonce une association de consommateurs.
Publicité
Partager le pouvoir numérique est difficile, a reconnu le commissaire.
Le chat du commissaire a même fait une apparition lors de la conférence.
Il a reçu 12 commentaires négatifs sur son projet, selon son cabinet.
«Non.»
Cookies et vie privée : la CNIL durcit le ton
Nous utilisons des cookies depuis 2010, a admis le directeur du site.
12 commentaires
Abonnez-vous à notre newsletter pour recevoir l'essentiel de l'actualité.
Nous utilisons des cookies pour améliorer votre expérience. En poursuivant votre navigation, vous acceptez leur utilisation.
Tout accepter
Continuer sans accepter
À lire aussi
1,2K
"""

FRENCH_CRUFT = {
    1: "navigation",
    2: "metadata",
    3: "metadata",
    5: "share",
    6: "share",
    7: "credit",
    8: "credit",
    10: "teaser",
    12: "advertising",
    19: "comments",
    20: "subscribe",
    21: "cookie",
    22: "cookie",
    23: "cookie",
    24: "teaser",
    25: "counter",
}

RUSSIAN_PAGE = """\
Главная / Новости / Технологии
Опубликовано: 12.03.2024 10:32
Время чтения: 4 минуты
Минцифры предложило отказаться от зарубежных облаков
Поделиться
ВКонтакте Одноклассники Telegram
Иван Петров / ТАСС
Фото: РИА Новости
Министерство цифрового развития предложило перевести госорганы на отечественные облачные сервисы.
Читайте также: Песков прокомментировал уход Zoom
Реклама
Реклама в интернете выросла на 20%, сообщает ассоциация.
«Нет», — ответил Песков.
Что дальше
12 комментариев
1234 просмотра
Подписывайтесь на наш канал в Telegram
Мы используем файлы cookie, чтобы улучшить работу сайта. Продолжая пользоваться сайтом, вы соглашаетесь с этим.
Принять
Войдите, чтобы оставить комментарий
Share
Loading...
"""

RUSSIAN_CRUFT = {
    1: "navigation",
    2: "metadata",
    3: "metadata",
    5: "share",
    6: "share",
    7: "credit",
    8: "credit",
    10: "teaser",
    11: "advertising",
    15: "comments",
    16: "metadata",
    17: "subscribe",
    18: "cookie",
    19: "cookie",
    20: "login",
    21: "share",
    22: "widget",
}


def cleaned(page: str):
    text, _ = normalize(page)
    return clean(text)


@pytest.mark.parametrize(
    ("page", "expected"),
    [(FRENCH_PAGE, FRENCH_CRUFT), (RUSSIAN_PAGE, RUSSIAN_CRUFT)],
    ids=["french", "russian"],
)
def test_unseen_site_furniture_is_removed(page: str, expected: dict[int, str]) -> None:
    result = cleaned(page)
    assert {r.line: r.reason for r in result.removed} == expected


def test_french_content_that_looks_like_cruft_survives() -> None:
    kept = [line.text for line in cleaned(FRENCH_PAGE).lines]
    assert kept == [
        "La Commission européenne veut des clouds souverains",
        "Bruxelles a présenté mardi un plan pour réduire la dépendance des administrations aux logiciels américains.",
        "«Publicité mensongère», dénonce une association de consommateurs.",
        "Partager le pouvoir numérique est difficile, a reconnu le commissaire.",
        "Le chat du commissaire a même fait une apparition lors de la conférence.",
        "Il a reçu 12 commentaires négatifs sur son projet, selon son cabinet.",
        "«Non.»",
        "Cookies et vie privée : la CNIL durcit le ton",
        "Nous utilisons des cookies depuis 2010, a admis le directeur du site.",
    ]


def test_russian_content_that_looks_like_cruft_survives() -> None:
    result = cleaned(RUSSIAN_PAGE)
    kept = [line.text for line in result.lines]
    assert kept == [
        "Минцифры предложило отказаться от зарубежных облаков",
        "Министерство цифрового развития предложило перевести госорганы на отечественные облачные сервисы.",
        "Реклама в интернете выросла на 20%, сообщает ассоциация.",
        "«Нет», — ответил Песков.",
        "Что дальше",
    ]


def test_title_is_the_first_content_line_after_cruft() -> None:
    assert cleaned(FRENCH_PAGE).lines[0].text == "La Commission européenne veut des clouds souverains"
    assert cleaned(RUSSIAN_PAGE).lines[0].kind == "title"
    assert cleaned(RUSSIAN_PAGE).lines[-1].kind == "heading"  # Что дальше


def test_date_is_taken_from_a_publication_line() -> None:
    assert cleaned(FRENCH_PAGE).date == "2024-03-12"
    assert cleaned(RUSSIAN_PAGE).date == "2024-03-12"


def test_leading_date_metadata_becomes_the_date() -> None:
    result = cleaned(" date 2024-09 Titre de l'article\n\nUn paragraphe.\n")
    assert result.date == "2024-09"
    assert [line.text for line in result.lines] == ["Titre de l'article", "Un paragraphe."]
    assert result.lines[0].kind == "title"


def test_foreign_script_ui_string_is_removed_but_quotes_and_sentences_stay() -> None:
    page = (
        "Le titre de l'article\nUn long paragraphe en français qui porte tout le sens de la page.\n"
        "Заголовок открываемого материала\n"
        "«Мы должны избавиться»\nОн сказал это по-русски.\n"
    )
    result = cleaned(page)
    assert [(r.line, r.reason) for r in result.removed] == [(3, "foreign-ui")]


def test_removed_line_can_be_restored_in_place() -> None:
    article = article_from_bytes(FRENCH_PAGE.encode(), "page.txt")
    teaser = next(r for r in article.removed if r.reason == "teaser")
    restored = restore(article, teaser.line)
    assert teaser.text in [b.text for b in restored.blocks]
    assert teaser not in restored.removed
    lines = [b.line for b in restored.blocks]
    assert lines == sorted(lines)
    assert [s.text for s in restored.segments if s.text.startswith("Lire aussi")] == [teaser.text]


def test_restoring_a_line_above_the_title_makes_it_the_title() -> None:
    article = article_from_bytes(FRENCH_PAGE.encode(), "page.txt")
    restored = restore(article, 1)
    assert restored.title == "Accueil > International > Europe"
    assert [b.kind for b in restored.blocks].count("title") == 1
    assert restored.blocks[1].kind == "heading"


def test_restoring_a_line_that_was_not_removed_is_refused() -> None:
    article = article_from_bytes(FRENCH_PAGE.encode(), "page.txt")
    with pytest.raises(WorkbenchError, match="line 4 of page was not removed"):
        restore(article, 4)


def test_user_rule_file_extends_the_built_in_rules(tmp_path: Path) -> None:
    rules = tmp_path / "site.toml"
    rules.write_text('[[rule]]\nreason = "widget"\nlabels = ["Le direct du jour"]\n', encoding="utf-8")
    text, _ = normalize("Titre\nLe direct du jour\nUn paragraphe.\n")
    assert [r.text for r in clean(text, load_rules([rules])).removed] == ["Le direct du jour"]


def test_bad_user_rule_names_file_and_rule(tmp_path: Path) -> None:
    rules = tmp_path / "site.toml"
    rules.write_text('[[rule]]\nreason = "x"\npatterns = ["(unclosed"]\n', encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"site.toml rule 1: bad pattern"):
        load_rules([rules])
