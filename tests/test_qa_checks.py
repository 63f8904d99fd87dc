"""The QA checks one by one: values, number words, dates, judgements, the word list, the CLI."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from conftest import run_cli
from test_tui import make_project

from workbench.errors import InputError
from workbench.project import Project
from workbench.qa import Context, add_word, check_segment, dates, numbers, project_context
from workbench.review.session import ReviewSession
from workbench.store import Dismissal, Store

PLAIN = Context(spelling=False)


def found(source: str, target: str, language: str = "fr") -> list[str]:
    return [f.check for f in check_segment(PLAIN, source, target, source_language=language)]


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("40 тыс.", "ru", 40_000),
        ("40 тысяч", "ru", 40_000),
        ("1,5 млрд", "ru", 1_500_000_000),
        ("2 млн", "ru", 2_000_000),
        ("3 milliards", "fr", 3_000_000_000),
        ("2 billions", "fr", 2_000_000_000_000),  # the French long scale
        ("5,55 millions", "fr", 5_550_000),
        ("40 000", "fr", 40_000),
        ("1,234.5", "en", 1234.5),
        ("40,000", "en", 40_000),
        ("$1.5bn", "en", 1_500_000_000),
        ("3 billion", "en", 3_000_000_000),
    ],
)
def test_figures_are_read_as_values(text: str, language: str, value: float) -> None:
    assert numbers.values(text, language) == {value: 1}


@pytest.mark.parametrize(
    ("source", "target", "language"),
    [
        ("один из двух крупнейших производителей", "one of the two largest manufacturers", "ru"),
        ("Deux experts sur 3 ont répondu.", "Two experts out of three replied.", "fr"),
        ("Около миллиона пользователей", "About 1 million users", "ru"),
        ("Il a payé 2 millions.", "He paid two million.", "fr"),
    ],
)
def test_number_words_answer_for_figures(source: str, target: str, language: str) -> None:
    assert found(source, target, language) == []


def test_a_billion_rendered_as_a_million_is_a_scale_error() -> None:
    [finding] = check_segment(
        PLAIN, "Бюджет — 1,5 млрд рублей.", "The budget is 1.5 million roubles.", source_language="ru"
    )
    assert finding.check == "numbers" and "scale" in finding.message
    assert finding.key == "1,500,000,000→1,500,000"


@pytest.mark.parametrize(
    ("text", "language", "month"),
    [
        ("в марте", "ru", 3),
        ("12 марта", "ru", 3),
        ("к январю", "ru", 1),
        ("в мае", "ru", 5),
        ("le 3 août", "fr", 8),
        ("fin sept. 2020", "fr", 9),
        ("07.04.2021", "fr", 4),
        ("on May 4", "en", 5),
    ],
)
def test_months_in_three_languages(text: str, language: str, month: int) -> None:
    assert [m.value for m in dates.months(text, language)] == [month]


def test_words_that_only_look_like_months_or_weekdays() -> None:
    assert dates.months("You may march on.", "en") == []
    assert dates.months("la mission vers Mars", "fr") == []
    assert dates.weekdays("в среде разработчиков, окружающей среды", "ru") == []  # environment, not Wednesday
    assert [d.value for d in dates.weekdays("во вторник и в среду", "ru")] == [1, 2]


def test_a_weekday_changed_is_found_and_a_date_moved_is_not() -> None:
    assert found("Il a parlé mardi.", "He spoke on Wednesday.") == ["dates"]
    assert found("Le 12 mars, il a parlé.", "He spoke on March 12.") == []


def test_a_judged_finding_is_left_out_while_the_target_stays_as_judged() -> None:
    source, target = "Il a payé 5 millions.", "He paid 6 million."
    [finding] = check_segment(PLAIN, source, target, source_language="fr")
    mark = Dismissal(finding.check, finding.key, "the source is wrong", target=target)
    assert check_segment(PLAIN, source, target, source_language="fr", dismissed=[mark]) == []
    other = "He paid 6 million, he said."
    assert [f.check for f in check_segment(PLAIN, source, other, source_language="fr", dismissed=[mark])] == [
        "numbers"
    ]


def test_add_word_keeps_one_nfc_word_a_line(tmp_path: Path) -> None:
    project = Project(tmp_path)
    (tmp_path / "glossaries").mkdir()
    decomposed = unicodedata.normalize("NFD", "Amiélov")
    assert add_word(project, decomposed) is True
    assert add_word(project, "Amiélov") is False  # already there, as NFC
    assert add_word(project, "Roskomnadzor") is True
    assert (tmp_path / "glossaries" / "words.txt").read_text("utf-8") == "Amiélov\nRoskomnadzor\n"
    with pytest.raises(InputError, match="not one word"):
        add_word(project, "two words")
    context = project_context(None, project.glossaries)
    assert check_segment(context, "Роскомнадзор", "Roskomnadzor, Amiélov.", source_language="ru") == []
    assert [f.key for f in check_segment(Context(), "x", "Roskomnadzorr", source_language="ru")] == [
        "Roskomnadzorr"
    ]


def test_workbench_qa_reports_a_misspelling_by_title_and_segment_and_respects_a_judgement(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path)
    article = "001_82dc057f0c50e8de"
    session = ReviewSession(project, engines=None, user="tester")
    session.open()
    first = session.document(article).segments[0]
    session.confirm(
        article, first.id, "The Kremlin critisizes Zoom, accused of limiting access to the public sector"
    )
    session.close()
    title = next(d.title for d in Store(project).documents() if d.article_id == article)

    result = run_cli("qa", "--status", "reviewed", cwd=project.root)
    out = result.stdout.decode()
    assert result.returncode == 1
    assert title in out
    assert "segment 1: spelling: “critisizes” is not in the English dictionary" in out
    assert "By check: spelling 1" in out
    [finding] = json.loads(run_cli("qa", "--json", "--status", "reviewed", cwd=project.root).stdout)
    assert (finding["check"], finding["key"]) == ("spelling", "critisizes")
    assert finding["start"] == len("The Kremlin ") and finding["suggestions"]

    session = ReviewSession(project, engines=None, user="tester")
    session.open()
    session.dismiss(article, first.id, "spelling", "critisizes", "a quotation of a misspelt tweet")
    session.close()
    result = run_cli("qa", "--status", "reviewed", cwd=project.root)
    assert result.returncode == 0 and b"0 findings" in result.stdout
