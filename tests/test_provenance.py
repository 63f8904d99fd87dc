"""Who did what: every review change records its author and time, and the exports carry them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from lxml import etree
from schema_check import TMX, XLIFF, errors
from test_tui import make_project

from workbench.export import render, select
from workbench.project import Project
from workbench.provenance import provenance
from workbench.review.session import ReviewSession
from workbench.store import SegmentRecord, Store, Version

FR = "002_ecbf9be8a91d2e4f"
XLF = "{urn:oasis:names:tc:xliff:document:2.0}"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def worked(tmp_path: Path) -> tuple[Project, datetime, datetime]:
    """alice writes segment 0 and bob confirms it unchanged; bob rewrites and confirms segment 1."""
    project = make_project(tmp_path)
    start = datetime.now(UTC).replace(microsecond=0)
    alice = ReviewSession(project, engines=None, user="alice")
    alice.open()
    first, second = alice.document(FR).segments[:2]
    alice.edit(FR, first.id, "The arrest of Telegram's boss proves it")
    alice.edit(FR, second.id, "A draft by alice")
    alice.close()
    bob = ReviewSession(project, engines=None, user="bob")
    bob.open()
    bob.confirm(FR, first.id)
    bob.confirm(FR, second.id, "Bob's own sentence")
    bob.close()
    return project, start, datetime.now(UTC)


def segments(project: Project) -> list[SegmentRecord]:
    return Store(project).read(FR).segments[:2]


def test_every_change_records_its_author_and_time(worked: tuple[Project, datetime, datetime]) -> None:
    project, start, end = worked
    first, second = segments(project)
    assert (first.author, first.status, first.event) == ("bob", "reviewed", "confirm")
    edited = [v for v in first.history if v.author]
    assert [(v.author, v.status, v.event) for v in edited] == [("alice", "edited", "edit")]
    for version in [first.version(), *edited, second.version()]:
        assert start <= moment(version.time) <= end
        assert version.change  # the review change that made it
    assert first.history[0].author == ""  # the fake engine's output: the machine's, nobody's


def test_the_translator_is_who_wrote_the_text_not_who_confirmed_it(
    worked: tuple[Project, datetime, datetime],
) -> None:
    project, _, _ = worked
    first, second = segments(project)
    alices = next(v for v in first.history if v.author == "alice")
    made = provenance(first)
    assert (made.translator, made.translated_at) == ("alice", alices.time)
    assert (made.changed_by, made.changed_at) == ("bob", first.updated)
    assert (made.reviewer, made.approved_at) == ("", "")  # no reviewer's pass yet
    assert provenance(second).translator == "bob"  # bob changed alice's text: it is his


def test_a_version_sequence_read_back(tmp_path: Path) -> None:
    """Provenance from versions made by hand: the machine, a typist, a confirmer, an approver."""
    record = SegmentRecord("s", 1, 0, "text", "source", mt="MT", target="Text", status="approved",
                           author="carol", updated="2025-01-03T00:00:00+00:00")
    record.history = [
        Version("MT", "machine", "MT", time="2025-01-01T00:00:00+00:00"),
        Version("Text", "edited", author="alice", time="2025-01-02T00:00:00+00:00"),
        Version("Text", "reviewed", author="bob", time="2025-01-02T12:00:00+00:00"),
    ]
    made = provenance(record)
    assert (made.translator, made.translated_at) == ("alice", "2025-01-02T00:00:00+00:00")
    assert (made.reviewer, made.approved_at) == ("carol", "2025-01-03T00:00:00+00:00")
    record.status = "rejected"
    assert (provenance(record).reviewer, provenance(record).approved_at) == ("carol", "")
    accepted = SegmentRecord("s", 1, 0, "text", "source", mt="MT", target="MT", status="reviewed",
                             author="dan", updated="2025-01-04T00:00:00+00:00",
                             history=[Version("MT", "machine", "MT", time="2025-01-01T00:00:00+00:00")])
    assert provenance(accepted).translator == "dan"  # took the machine's text as theirs
    machine = SegmentRecord("s", 1, 0, "text", "source", mt="MT", target="MT", status="machine")
    assert provenance(machine) == provenance(machine).__class__()  # nobody did anything


def test_jsonl_and_parquet_carry_translator_and_reviewer(
    worked: tuple[Project, datetime, datetime], tmp_path: Path
) -> None:
    project, _, _ = worked
    first, _ = segments(project)
    alices = next(v for v in first.history if v.author == "alice")
    rows = [r for r in select(Store(project).documents(), "reviewed") if r.article == FR][:2]
    records = [json.loads(line) for line in render(rows, "jsonl").decode().splitlines()]
    assert [(r["translator"], r["reviewer"], r["approved_at"]) for r in records] == [
        ("alice", None, None),
        ("bob", None, None),
    ]
    assert moment(records[0]["translated_at"]) == moment(alices.time)
    (tmp_path / "c.parquet").write_bytes(render(rows, "parquet"))
    table = pq.read_table(tmp_path / "c.parquet")
    assert str(table.schema.field("translated_at").type) == "timestamp[ms, tz=UTC]"
    assert table.column("translator").to_pylist() == ["alice", "bob"]
    assert table.column("translated_at").to_pylist()[0] == moment(alices.time)
    assert table.column("approved_at").to_pylist() == [None, None]


def test_tmx_and_xliff_name_both_people_and_stay_valid(worked: tuple[Project, datetime, datetime]) -> None:
    project, _, _ = worked
    first, _ = segments(project)
    alices = next(v for v in first.history if v.author == "alice")
    rows = [r for r in select(Store(project).documents(), "reviewed") if r.article == FR]
    tmx = render(rows, "tmx")
    assert errors(tmx, TMX) == []
    unit = etree.fromstring(tmx).find(f"body/tu[@tuid='{FR}/{first.id}']")
    assert unit is not None
    stamp = moment(alices.time).strftime("%Y%m%dT%H%M%SZ")
    assert (unit.get("creationid"), unit.get("creationdate"), unit.get("changeid")) == ("alice", stamp, "bob")
    xliff = render(rows, "xliff")["fr-en.xlf"]
    assert errors(xliff, XLIFF) == []
    notes = {
        n.get("category"): n.text
        for n in etree.fromstring(xliff).iterfind(f".//{XLF}unit[@id='{first.id}']/{XLF}notes/{XLF}note")
    }
    assert (notes["translator"], notes["translated-at"]) == ("alice", alices.time)
    assert "reviewer" not in notes


def test_the_user_comes_from_workbench_user_else_the_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path)
    monkeypatch.setenv("WORKBENCH_USER", " Zoë ")
    session = ReviewSession(project, engines=None)
    session.open()
    record = session.document(FR).segments[0]
    session.edit(FR, record.id, "Zoë's text")
    session.close()
    assert Store(project).read(FR).segments[0].author == "Zoë"
    monkeypatch.delenv("WORKBENCH_USER")
    monkeypatch.setattr("getpass.getuser", lambda: "login-name")
    assert ReviewSession(project, engines=None).user == "login-name"
