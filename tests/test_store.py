"""translations/ files: schema-versioned, atomic, locked, human work never lost."""

from __future__ import annotations

import json

import pytest
from conftest import seed

from workbench.pipeline import article_from_bytes, load_article
from workbench.project import Project
from workbench.store import SCHEMA, Store, StoreError, merge, parse


def document(project: Project, name: str = "001"):
    article = load_article(seed(name))
    return article, merge(article, None, "en")


def test_merge_makes_one_record_per_segment(project: Project) -> None:
    article, doc = document(project)
    assert [r.id for r in doc.segments] == [s.id for s in article.segments]
    assert {r.status for r in doc.segments} == {"new"}
    assert doc.segments[0].kind == "title"
    assert doc.counts() == {"new": 15, "machine": 0, "edited": 0, "reviewed": 0}


def test_save_and_read_back(project: Project) -> None:
    store = Store(project)
    article, doc = document(project)
    saved, written = store.update(article.id, lambda current: doc)
    assert written and saved.revision == 1 and saved.updated
    again = store.read(article.id)
    assert again == saved
    raw = json.loads(store.path(article.id).read_text(encoding="utf-8"))
    assert raw["schema"] == SCHEMA
    assert [p.name for p in project.translations.iterdir()] == [f"{article.id}.json"]  # no temp file left


def test_unchanged_update_does_not_write(project: Project) -> None:
    store = Store(project)
    article, doc = document(project)
    store.update(article.id, lambda current: doc)
    mtime = store.path(article.id).stat().st_mtime_ns
    current, written = store.update(article.id, lambda current: None)
    assert not written and current.revision == 1
    assert store.path(article.id).stat().st_mtime_ns == mtime


def test_human_work_on_a_vanished_sentence_becomes_an_orphan(project: Project) -> None:
    _, doc = document(project)
    doc.segments[2].target, doc.segments[2].status = "Edited by hand.", "edited"
    doc.segments[3].target, doc.segments[3].status = "Machine only.", "machine"
    lines = seed("001").read_text(encoding="utf-8").split("\n")
    changed = "\n".join(line for line in lines if not line.startswith("Les «institutions"))
    newer = article_from_bytes(changed.encode(), seed("001"))
    merged = merge(newer, doc, "en")
    assert [o.target for o in merged.orphans] == ["Edited by hand."]
    assert len(merged.segments) == len(doc.segments) - 1


def test_merge_does_not_alias_the_old_document(project: Project) -> None:
    article, doc = document(project)
    merged = merge(article, doc, "en")
    merged.segments[0].target = "changed"
    assert doc.segments[0].target == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "is not valid JSON"),
        (b"[]", "no schema version"),
        (json.dumps({"schema": 99}).encode(), "has schema 99"),
        (json.dumps({"schema": SCHEMA, "article_id": "x"}).encode(), "lacks"),
        (
            json.dumps(
                {
                    "schema": SCHEMA,
                    "article_id": "x",
                    "source_path": "x",
                    "source_language": "fr",
                    "target_language": "en",
                    "segments": [
                        {"id": "a", "block": 0, "index": 0, "kind": "title", "source": "x", "status": "done"}
                    ],
                }
            ).encode(),
            "unknown status 'done'",
        ),
    ],
)
def test_bad_files_name_themselves(data: bytes, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        parse(data, "translations/x.json")


