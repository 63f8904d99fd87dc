"""The reviewer's pass: approve and reject, comments, MQM error annotations, the quality report."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_cli
from fakes import FakeEngine, translate_project
from lxml import etree
from schema_check import TMX, XLIFF, errors
from test_review import ARTICLE, on_disk, seg, session_of
from test_tui import make_project

from workbench.export import render, select
from workbench.project import Project
from workbench.quality import Quality, assess
from workbench.review.session import ReviewError
from workbench.store import ErrorMark, SegmentRecord, Store

XLF = "{urn:oasis:names:tc:xliff:document:2.0}"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)


def translated_by_alice(project: Project, index: int = 2) -> str:
    alice = session_of(project, "alice")
    segment = seg(alice, index).id
    alice.confirm(ARTICLE, segment, "Alice's translation.")
    alice.close()
    return segment


def test_a_reviewer_approves_what_the_translator_confirmed(project: Project) -> None:
    segment = translated_by_alice(project)
    bob = session_of(project, "bob")
    with pytest.raises(ReviewError, match="Only a reviewed segment can be approved, and this one is machine"):
        bob.approve(ARTICLE, seg(bob, 3).id)
    bob.approve(ARTICLE, segment)
    bob.close()
    record = on_disk(project, 2)
    assert (record.status, record.author, record.event, record.target) == (
        "approved", "bob", "approve", "Alice's translation."
    )
    assert record.history[-1].author == "alice" and record.history[-1].status == "reviewed"
    rows = select(Store(project).documents(), "approved")
    assert [(r.article, r.segment.id) for r in rows] == [(ARTICLE, segment)]
    line = json.loads(render(rows, "jsonl"))
    assert (line["translator"], line["reviewer"]) == ("alice", "bob")
    assert line["approved_at"] is not None
    tmx = render(rows, "tmx")
    assert errors(tmx, TMX) == []
    unit = etree.fromstring(tmx).find("body/tu")
    assert (unit.get("creationid"), unit.get("changeid")) == ("alice", "bob")
    xliff = render(rows, "xliff")["fr-en.xlf"]
    assert errors(xliff, XLIFF) == []
    root = etree.fromstring(xliff)
    assert root.find(f".//{XLF}segment").get("state") == "final"
    notes = {n.get("category"): n.text for n in root.iter(f"{XLF}note")}
    assert (notes["translator"], notes["reviewer"]) == ("alice", "bob")


def test_approving_ones_own_translation_needs_consent_and_is_counted(project: Project) -> None:
    segment = translated_by_alice(project)
    alice = session_of(project, "alice")
    with pytest.raises(ReviewError, match=r"You \(alice\) translated this segment: approving your own work needs --allow-self-approve"):
        alice.approve(ARTICLE, segment)
    alice.approve(ARTICLE, segment, allow_self_approve=True)
    alice.close()
    quality = assess(Store(project).read(ARTICLE).segments)
    assert (quality.approved, quality.self_approved) == (1, 1)


def test_rejecting_sends_it_back_with_a_comment_and_a_new_confirm_takes_it_out(project: Project) -> None:
    segment = translated_by_alice(project)
    bob = session_of(project, "bob")
    with pytest.raises(ReviewError, match="Say why it is rejected"):
        bob.reject(ARTICLE, segment, "  ")
    bob.reject(ARTICLE, segment, "The tense is wrong.")
    bob.close()
    record = on_disk(project, 2)
    assert record.status == "rejected"
    assert [(c.text, c.author) for c in record.comments] == [("The tense is wrong.", "bob")]
    assert select(Store(project).documents(), "reviewed") == []  # not good enough to export as reviewed
    rows = select(Store(project).documents(), "edited")
    assert [r.segment.id for r in rows] == [segment]
    [comment] = record.comments
    said = f"[{comment.id}] bob, {comment.time}: The tense is wrong."
    xliff = render(rows, "xliff")["fr-en.xlf"]
    assert errors(xliff, XLIFF) == []
    notes = [(n.get("category"), n.text) for n in etree.fromstring(xliff).iter(f"{XLF}note")]
    assert ("comment", said) in notes
    tmx = render(rows, "tmx")
    assert errors(tmx, TMX) == []
    assert f"comment {said}" in [n.text for n in etree.fromstring(tmx).iter("note")]
    alice = session_of(project, "alice")
    alice.comment(ARTICLE, segment, "Fixed, see now.", reply_to=record.comments[0].id)
    alice.confirm(ARTICLE, segment, "Alice's corrected translation.")
    alice.close()
    record = on_disk(project, 2)
    assert record.status == "reviewed"
    first, reply = record.comments
    assert (reply.text, reply.author, reply.reply_to) == ("Fixed, see now.", "alice", first.id)


def test_comments_thread_and_need_text(project: Project) -> None:
    session = session_of(project)
    segment = seg(session, 1).id
    with pytest.raises(ReviewError, match="A comment needs some text"):
        session.comment(ARTICLE, segment, "\n ")
    with pytest.raises(ReviewError, match="The comment this answers is not on the segment"):
        session.comment(ARTICLE, segment, "An answer", reply_to="nothing")
    session.comment(ARTICLE, segment, "Is «vide» void or emptiness here?")
    session.undo()
    assert seg(session, 1).comments == []
    session.redo()
    assert [c.text for c in seg(session, 1).comments] == ["Is «vide» void or emptiness here?"]
    session.close()


def test_error_annotations_validate_their_category_severity_and_span(project: Project) -> None:
    session = session_of(project, "bob")
    record = seg(session, 1)
    with pytest.raises(ReviewError, match="Unknown MQM category 'grammar'; use one of terminology, accuracy"):
        session.annotate(ARTICLE, record.id, "grammar", "minor")
    with pytest.raises(ReviewError, match="Unknown severity 'fatal'; use minor, major or critical"):
        session.annotate(ARTICLE, record.id, "accuracy", "fatal")
    with pytest.raises(ReviewError, match="outside the target"):
        session.annotate(ARTICLE, record.id, "accuracy", "major", start=0, end=len(record.target) + 1)
    session.annotate(ARTICLE, record.id, "Fluency", "Minor", start=0, end=4, note="word order")
    session.annotate(ARTICLE, record.id, "locale convention", "critical")
    marks = seg(session, 1).errors
    assert [(m.category, m.severity, m.start, m.end, m.note, m.author, m.target) for m in marks] == [
        ("linguistic-conventions", "minor", 0, 4, "word order", "bob", record.target),
        ("locale-conventions", "critical", 0, 0, "", "bob", record.target),
    ]
    session.remove_note(ARTICLE, record.id, marks[0].id)
    assert [m.id for m in seg(session, 1).errors] == [marks[1].id]
    session.undo()  # the removal undone: the annotation is back, as it was
    assert seg(session, 1).errors == marks
    session.close()
    assert on_disk(project, 1).errors == marks


def test_the_reviewers_pass_survives_a_kill_a_reopen_and_translate(project: Project) -> None:
    segment = translated_by_alice(project)
    bob = session_of(project, "bob")
    bob.approve(ARTICLE, segment)
    bob.comment(ARTICLE, segment, "Good.")
    bob.annotate(ARTICLE, segment, "style", "minor")
    bob.writer.close()  # killed before anything is folded
    os.close(bob.journal._fd)
    later = session_of(project, "carol")  # replays the journal
    record = later.segment(ARTICLE, segment)
    later.close()
    assert (record.status, [c.text for c in record.comments], [m.category for m in record.errors]) == (
        "approved", ["Good."], ["style"]
    )
    translate_project(project, FakeEngine("fr"), FakeEngine("ru"))
    again = on_disk(project, 2)
    assert (again.status, again.target, again.author) == ("approved", "Alice's translation.", "bob")
    assert (again.comments, again.errors) == (record.comments, record.errors)


def words(n: int) -> str:
    return " ".join(f"w{i}" for i in range(n))


def mark(category: str, severity: str, target: str = "T") -> ErrorMark:
    return ErrorMark("id", category, severity, target=target)


def test_the_mqm_score_follows_its_formula() -> None:
    segments = [
        SegmentRecord("a", 1, 0, "text", words(30), target="T", status="approved",
                      errors=[mark("accuracy", "major"), mark("style", "minor")]),
        SegmentRecord("b", 1, 1, "text", words(20), target="T", status="rejected",
                      errors=[mark("style", "minor"), mark("accuracy", "critical", target="an older text")]),
        SegmentRecord("c", 1, 2, "text", words(50), target="T", status="reviewed"),  # not in the pass
    ]
    quality = assess(segments)
    # 50 words evaluated; 1 major (5) + 2 minor (1 each); the critical was on a text since changed
    assert (quality.evaluated, quality.words, quality.errors, quality.penalty) == (2, 50, 3, 7)
    assert quality.counts["accuracy"] == {"minor": 0, "major": 1, "critical": 0}
    assert quality.counts["style"]["minor"] == 2
    assert quality.per_thousand == 140.0  # 7 / 50 × 1000
    assert quality.score == 86.0  # (1 − 7 / 50) × 100
    assert Quality().score is None and Quality().per_thousand is None  # nothing evaluated: no score


def test_report_json_gives_mqm_counts_and_score_per_article_and_corpus(project: Project) -> None:
    segment = translated_by_alice(project)
    bob = session_of(project, "bob")
    bob.annotate(ARTICLE, segment, "terminology", "major")
    bob.approve(ARTICLE, segment)
    bob.close()
    source_words = len(on_disk(project, 2).source.replace("«", " ").replace("»", " ").split())
    result = run_cli("report", "--json", cwd=project.root)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    [article] = [a for a in report["articles"] if a["name"] == ARTICLE]
    for quality in (article["quality"], report["corpus"]["quality"]):
        assert quality["counts"]["terminology"]["major"] == 1
        assert (quality["approved"], quality["errors"], quality["penalty"]) == (1, 1, 5)
        assert quality["evaluated_words"] == source_words
        assert quality["score"] == round((1 - 5 / source_words) * 100, 2)
    assert article["statuses"]["approved"] == 1


def test_a_file_with_the_new_fields_reads_back(project: Project) -> None:
    segment = translated_by_alice(project)
    bob = session_of(project, "bob")
    bob.reject(ARTICLE, segment, "Why «void»?")
    bob.close()
    raw = json.loads((project.translations / f"{ARTICLE}.en.json").read_text(encoding="utf-8"))
    [stored] = [s for s in raw["segments"] if s["id"] == segment]
    assert stored["status"] == "rejected" and stored["comments"][0]["text"] == "Why «void»?"
