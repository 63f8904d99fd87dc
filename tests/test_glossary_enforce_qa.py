"""Enforcement in MT and QA, with a deterministic engine that renders names wrongly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from fakes import WrongNamesEngine, factory

from workbench.glossary.enforce import Inject, Off, Repair, replace_wrong, strategy
from workbench.glossary.entries import load_folder
from workbench.glossary.match import Matcher
from workbench.glossary.qa import check
from workbench.mt.memory import TranslationMemory
from workbench.pipeline import article_from_bytes
from workbench.prepare import save_article
from workbench.project import Project
from workbench.store import Store
from workbench.translate import translate_documents

GLOSSARY = load_folder(ROOT / "glossaries")
RUSSIAN = """Кремль ответил
Пресс-секретарь Дмитрий Песков заявил, что Путин не пользуется Zoom.
По словам Пескова, Лавров встретился с Дуровым в Париже.
Песковым недовольны в Евросоюзе.
"""
FRENCH = """Le Kremlin répond
Dmitri Peskov a déclaré que Vladimir Poutine n'utilise pas Zoom.
Selon Peskov, Sergueï Lavrov a rencontré Pavel Durov à Paris.
"""


def articles():
    return [
        article_from_bytes(RUSSIAN.encode(), "ru-article.txt"),
        article_from_bytes(FRENCH.encode(), "fr-article.txt"),
    ]


def translate(project: Project, enforcement):
    engines = factory(WrongNamesEngine("ru", chunk=100), WrongNamesEngine("fr", chunk=100))
    documents = [save_article(Store(project), article) for article in articles()]
    with TranslationMemory(project.memory) as tm:
        translate_documents(
            documents, Store(project), tm, engines=engines, glossary=GLOSSARY, enforcement=enforcement
        )
    store = Store(project)
    return {a.id: store.read(a.id) for a in articles()}


def report(project: Project, documents):
    return check(articles(), documents, GLOSSARY)


def test_without_enforcement_names_come_out_wrong_and_qa_flags_them(tmp_path: Path) -> None:
    project = Project(tmp_path)
    documents = translate(project, Off())
    targets = [r.target for d in documents.values() for r in d.segments]
    assert "EN: Press-sekretar Dmitriy Peskov zayavil, chto Putin ne polzuetsya Zoom." in targets
    assert "EN: Dmitri Peskov a déclaré que Vladimir Poutine n'utilise pas Zoom." in targets
    result = report(project, documents)
    missing = {(m.source, m.rendered) for m in result.missing}
    assert ("Пескова", "Peskova") in missing
    assert ("Vladimir Poutine", "Vladimir Poutine") in missing
    assert ("Кремль", "Kreml") in missing
    # Peskov is rendered as Peskov, Peskova and Peskovym: one entity, several renderings
    assert "dmitry-peskov" in {s.entry.id for s in result.inconsistent}
    assert result.violations == len(result.missing) + len(result.inconsistent) > 0


def test_repair_alone_fixes_near_misses_and_leaves_the_rest_to_qa(tmp_path: Path) -> None:
    project = Project(tmp_path)
    documents = translate(project, Repair())
    result = report(project, documents)
    # Parizhe and Evrosoyuze are too far from Paris and EU to be repaired safely
    assert {(m.source, m.expected) for m in result.missing} == {("Париже", "Paris"), ("Евросоюзе", "EU")}
    assert result.inconsistent == []
    ru = documents["ru-article"]
    assert ru.segments[1].target == "EN: Press-sekretar Dmitry Peskov zayavil, chto Putin ne polzuetsya Zoom."


def test_inject_puts_the_english_form_in_every_segment(tmp_path: Path) -> None:
    project = Project(tmp_path)
    documents = translate(project, Inject())
    result = report(project, documents)
    assert result.missing == [] and result.inconsistent == [] and result.violations == 0
    ru = documents["ru-article"]
    assert ru.segments[1].target.count("Dmitry Peskov") == 1
    assert "Vladimir Putin" not in ru.segments[1].target and "Putin" in ru.segments[1].target
    assert set(ru.segments[2].glossary) == {"dmitry-peskov", "sergei-lavrov", "pavel-durov", "paris"}
    fr = documents["fr-article"]
    assert "Vladimir Putin" in fr.segments[1].target and "Poutine" not in fr.segments[1].target


def test_inject_replaces_source_spans_with_english() -> None:
    matcher = Matcher(GLOSSARY, "ru")
    source = "По словам Пескова, Лавров встретился с Дуровым."
    assert Inject().prepare(source, matcher.find(source)) == "По словам Peskov, Lavrov встретился с Durov."


def test_repair_uses_wrong_list_then_near_misses_and_never_invents() -> None:
    matcher = Matcher(GLOSSARY, "fr")
    hits = matcher.find("Dmitri Peskov et Vladimir Poutine.")
    repaired = replace_wrong("Dmitri Peskov and Vladimir Poutine met.", hits)
    assert repaired.text == "Dmitry Peskov and Vladimir Putin met."
    assert set(repaired.applied) == {"dmitry-peskov", "vladimir-putin"}
    hits = matcher.find("Sergueï Lavrov parle.")
    assert replace_wrong("Sergej Lavrow speaks.", hits).text == "Sergei Lavrov speaks."  # near miss
    assert replace_wrong("The minister speaks.", hits).text == "The minister speaks."  # nothing to repair


def test_unknown_strategy_is_one_sentence() -> None:
    from workbench.errors import WorkbenchError

    with pytest.raises(
        WorkbenchError, match="unknown glossary strategy 'magic'; use one of inject, repair, off."
    ):
        strategy("magic")


def test_glossary_check_on_the_seeds_lists_every_entity_under_its_english_form(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    shutil.copytree(ROOT / "glossaries", root / "glossaries")
    result = run_cli("glossary", "check", "--json", cwd=root)
    assert result.returncode == 0, result.stderr  # nothing translated yet: nothing violated
    data = json.loads(result.stdout)
    english = {e["english"] for e in data["entities"]}
    assert len(english) == 70
    assert {
        "Dmitry Peskov",
        "Vladimir Putin",
        "Sergei Lavrov",
        "Pavel Durov",
        "Brad Smith",
        "David Amiel",
    } <= english
    peskov = next(e for e in data["entities"] if e["id"] == "dmitry-peskov")
    assert peskov["occurrences"] == 7 and peskov["forms"] == {"Dmitri Peskov": 6, "Peskov": 1}
    text = run_cli("glossary", "check", cwd=root).stdout.decode()
    assert "70 entities in 110 segments (0 translated)" in text


def test_glossary_check_exits_non_zero_on_violations(tmp_path: Path) -> None:
    project = Project(tmp_path)
    shutil.copytree(ROOT / "glossaries", tmp_path / "glossaries")
    (tmp_path / "seeds").mkdir()
    for article in articles():
        (tmp_path / "seeds" / f"{article.id}.txt").write_text(
            RUSSIAN if article.id.startswith("ru") else FRENCH, encoding="utf-8"
        )
    translate(project, Off())
    result = run_cli("glossary", "check", cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout.decode()
    assert "missing: ru-article" in out and "→ Peskov not in the translation (has 'Peskova')" in out
    assert "inconsistent: Peskov (Dmitry Peskov) is rendered" in out
    data = json.loads(run_cli("glossary", "check", "--json", cwd=tmp_path).stdout)
    assert data["violations"] > 0 and "dmitry-peskov" in data["inconsistent"]
