"""`workbench report`'s analysis: source words by status, repetitions and memory-match bands
as CAT tools report them, on a project whose every similarity was worked out by hand
(rapidfuzz ratio = 2·LCS / total length, over the memory's normalized text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from workbench.analysis import analyse, words
from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.store import Document, SegmentRecord, Store

YES = "Oui, absolument, et sans attendre."  # 5 words
KREMLIN = "Le Kremlin a dit non."  # 5 words
PESKOV = "Dmitri Peskov a parlé hier soir."  # 6 words


def segment(id: str, index: int, source: str, status: str) -> SegmentRecord:
    target = "" if status == "new" else f"EN {source}"
    return SegmentRecord(id, 1, index, "text", source, mt=target, target=target, status=status)  # type: ignore[arg-type]


DOCUMENTS = [
    Document(
        "a1",
        "seeds/a1.txt",
        "fr",
        "en",
        "A",
        None,
        [
            segment("s0", 0, YES, "reviewed"),  # its own lesson is no match for itself: no match
            segment("s1", 1, KREMLIN, "reviewed"),  # likewise: no match
            segment("s2", 2, PESKOV, "new"),  # an imported human unit: 100%
            segment("s3", 3, KREMLIN, "machine"),  # came before (s1), other context: repetition
        ],
    ),
    Document(
        "b2",
        "seeds/b2.txt",
        "fr",
        "en",
        "B",
        None,
        [
            segment("t0", 0, YES, "new"),  # taught by a1/s0, both open their article: 101%
            segment("t1", 1, KREMLIN, "machine"),  # taught by a1/s1, both after YES: 101%
            segment("t2", 2, "Dmitri Peskov a parlé hier soir !", "edited"),  # 2·31/65 = 95.4: 95–99
            segment("t3", 3, "Dmitri Peskov a parlé avant-hier soir.", "edited"),  # 2·32/70 = 91.4: 85–94
            segment("t4", 4, "Oui.", "edited"),  # at best 21.1: no match
            segment("t5", 5, "Dmitri Peskov a parlé.", "new"),  # 2·22/54 = 81.5: 75–84
            segment("t6", 6, "Dmitri a parlé.", "new"),  # 2·15/47 = 63.8: 50–74
        ],
    ),
]
UNITS = [(YES, "a1/s0"), (KREMLIN, "a1/s1"), (PESKOV, "other.tmx")]


def human_units(source: str, target: str) -> list[tuple[str, str]]:
    return UNITS if (source, target) == ("fr", "en") else []


def bands(analysis) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    return {band: (c.segments, c.words) for band, c in analysis.bands.items() if c.segments}


def test_words_are_counted_as_cat_tools_count_them() -> None:
    assert words("L'Ukraine a acheté 40,000 visio-conférences.") == 5
    assert words("40 тыс. человек — «Газпром» 2,5 млрд") == 6
    assert words(" — … ! ") == 0


def test_each_segment_falls_in_one_band() -> None:
    result = analyse(DOCUMENTS, human_units)
    assert bands(result[("a1", "en")]) == {"no match": (2, 10), "100%": (1, 6), "repetitions": (1, 5)}
    assert bands(result[("b2", "en")]) == {
        "101%": (2, 10),
        "95–99%": (1, 6),
        "85–94%": (1, 6),
        "75–84%": (1, 4),
        "50–74%": (1, 3),
        "no match": (1, 1),
    }
    b2 = result[("b2", "en")]
    assert b2.words == 30
    assert {s: (c.segments, c.words) for s, c in b2.by_status.items()} == {
        "new": (3, 12),
        "machine": (1, 5),
        "edited": (3, 13),
        "reviewed": (0, 0),
        "approved": (0, 0),
        "rejected": (0, 0),
    }


def test_without_a_memory_only_repetitions_are_told_apart() -> None:
    result = analyse(DOCUMENTS)
    assert bands(result[("a1", "en")]) == {"no match": (3, 16), "repetitions": (1, 5)}
    # in another target language the same sources are counted again, as first occurrences
    german = [Document(d.article_id, d.source_path, "fr", "de", d.title, None, d.segments) for d in DOCUMENTS[:1]]
    assert bands(analyse(DOCUMENTS + german)[("a1", "de")]) == {"no match": (3, 16), "repetitions": (1, 5)}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "project")
    for document in DOCUMENTS:
        Store(project).update(document.article_id, lambda _, d=document: d)
    with TranslationMemory(project.memory) as tm:
        for source, note in UNITS:
            tm.add_human("fr", "en", source, f"EN {source}", note=note)
        tm.add("fr", "en", "fake/1", [("Oui.", "Yes.", -0.1)])  # machine output is no leverage
    return project


def test_report_json_carries_the_analysis_per_article_and_for_the_corpus(project: Project) -> None:
    done = run_cli("report", "--json", cwd=project.root)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    corpus = data["corpus"]["analysis"]
    assert corpus["source_words"] == 51
    assert {b: (c["segments"], c["words"]) for b, c in corpus["matches"].items()} == {
        "101%": (2, 10),
        "repetitions": (1, 5),
        "100%": (1, 6),
        "95–99%": (1, 6),
        "85–94%": (1, 6),
        "75–84%": (1, 4),
        "50–74%": (1, 3),
        "no match": (3, 11),
    }
    assert corpus["by_status"]["new"] == {"segments": 4, "words": 18}
    assert corpus["by_status"]["reviewed"] == {"segments": 2, "words": 10}
    [a1] = [a for a in data["articles"] if a["name"] == "a1"]
    assert a1["analysis"]["source_words"] == 21


def test_report_text_shows_the_analysis_table(project: Project) -> None:
    done = run_cli("report", cwd=project.root)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    assert "Analysis (source words)" in text
    [corpus_row] = [line for line in text.splitlines() if "corpus" in line and "51" in line]
    cells = [c.strip() for c in corpus_row.strip("│ ").split("│")]
    # Article, Words, New, Machine, Edited, Reviewed, Approved, Rejected,
    # 101%, Rep., 100%, 95–99, 85–94, 75–84, 50–74, No match
    assert cells == ["corpus", "51", "18", "10", "13", "10", "0", "0", "10", "5", "6", "6", "6", "4", "3", "11"]


def test_report_without_a_memory_says_how_it_counted(tmp_path: Path) -> None:
    project = Project(tmp_path / "bare")
    Store(project).update("a1", lambda _: DOCUMENTS[0])
    done = run_cli("report", cwd=project.root)
    assert done.returncode == 0, done.stderr
    assert b"no translation memory yet" in done.stdout
    assert not project.memory.exists()  # a report creates no memory
