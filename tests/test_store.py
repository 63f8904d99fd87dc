"""translations/ files: schema-versioned, atomic, locked, human work never lost."""

from __future__ import annotations

import json

import pytest
from conftest import seed

from workbench.pipeline import article_from_bytes, load_article
from workbench.project import Project
from workbench.store import SCHEMA, Store, StoreError, file_name, merge, parse


def document(project: Project, name: str = "001"):
    article = load_article(seed(name))
    return article, merge(article, None, "en")


def test_merge_makes_one_record_per_segment(project: Project) -> None:
    article, doc = document(project)
    assert [r.id for r in doc.segments] == [s.id for s in article.segments]
    assert {r.status for r in doc.segments} == {"new"}
    assert doc.segments[0].kind == "title"
    assert doc.counts() == {"new": 15, "machine": 0, "edited": 0, "reviewed": 0, "approved": 0, "rejected": 0}


def test_save_and_read_back(project: Project) -> None:
    store = Store(project)
    article, doc = document(project)
    saved, written = store.update(article.id, lambda current: doc)
    assert written and saved.revision == 1 and saved.updated
    again = store.read(article.id)
    assert again == saved
    raw = json.loads(store.path(article.id).read_text(encoding="utf-8"))
    assert raw["schema"] == SCHEMA
    assert [p.name for p in project.translations.iterdir()] == [f"{article.id}.en.json"]  # no temp file left


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


def _valid() -> dict:
    return {
        "schema": SCHEMA,
        "article_id": "x",
        "source_path": "x",
        "source_language": "fr",
        "target_language": "en",
        "title": "X",
        "date": None,
        "segments": [
            {"id": "a", "block": 0, "index": 0, "kind": "title", "source": "x", "status": "new"},
            {"id": "b", "block": 1, "index": 0, "kind": "text", "source": "y", "status": "machine"},
        ],
    }


def _with(path: str, value: object) -> bytes:
    data = _valid()
    *parents, last = path.split(".")
    node: object = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
    if value is KeyError:
        del node[last]  # type: ignore[union-attr]
    else:
        node[int(last) if isinstance(node, list) else last] = value  # type: ignore[index]
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "is not valid JSON"),
        (b'{"schema": 2, "article_id": ', "is not valid JSON"),
        (b"[]", "no schema version"),
        (json.dumps({"schema": 99}).encode(), "has schema 99"),
        (json.dumps({"schema": SCHEMA, "article_id": "x"}).encode(), "missing required field `source_path`"),
        (_with("segments.0.status", "done"), r"segments\[0\]\.status: Invalid enum value 'done'"),
        (_with("segments.1.block", "1"), r"segments\[1\]\.block: Expected `int`, got `str`"),
        (_with("segments.1.target", 5), r"segments\[1\]\.target: Expected `str`, got `int`"),
        (_with("segments.1.id", "a"), r"segments\[1\]\.id: segment id 'a' appears twice"),
        (_with("segments", {"a": 1}), "segments: Expected `array`, got `object`"),
        (_with("title", KeyError), "missing required field `title`"),
        (_with("revision", "3"), "revision: Expected `int`, got `str`"),
        (_with("removed", [{"line": "x"}]), r"removed\[0\]\.line: Expected `int`, got `str`"),
    ],
)
def test_bad_files_name_the_file_and_the_field(data: bytes, message: str) -> None:
    with pytest.raises(StoreError, match=message) as caught:
        parse(data, "translations/x.json")
    assert str(caught.value).startswith("translations/x.json")
    assert "\n" not in str(caught.value)


def test_a_valid_file_parses() -> None:
    document = parse(json.dumps(_valid()).encode(), "x")
    assert [s.status for s in document.segments] == ["new", "machine"]


@pytest.mark.parametrize(
    "ids",
    [
        ("a b", "a_b", "a%20b", "a.b", "a/b", "a\\b", ".a", "a", "A"),
        ("Москва", "москва", "x" * 300, "x" * 299 + "y"),
    ],
)
def test_file_names_are_one_to_one_with_article_ids(ids: tuple[str, ...]) -> None:
    names = [file_name(i, "en") for i in ids]
    assert len(set(names)) == len(ids)
    for name in names:
        assert "/" not in name and not name.startswith(".") and len(name.encode()) < 255
        assert name.endswith(".en.json")


def test_another_target_language_lives_beside(project: Project) -> None:
    article, doc = document(project)
    Store(project, "en").update(article.id, lambda current: doc)
    french = merge(article, None, "fr")
    Store(project, "fr").update(article.id, lambda current: french)
    assert sorted(p.name for p in project.translations.iterdir()) == [
        f"{article.id}.en.json",
        f"{article.id}.fr.json",
    ]
    assert Store(project, "en").read(article.id).target_language == "en"
    assert len(list(Store(project, None).documents())) == 2
    with pytest.raises(StoreError, match="into en, not fr"):
        merge(article, doc, "fr")
    with pytest.raises(StoreError, match="refusing to save"):
        Store(project, "fr").update(article.id, lambda current: doc)


def test_a_file_holding_another_article_is_refused(project: Project) -> None:
    article, doc = document(project)
    store = Store(project)
    store.update(article.id, lambda current: doc)
    store.path(article.id).rename(store.path("other"))
    with pytest.raises(StoreError, match="holds article"):
        store.read("other")


def test_fields_this_version_does_not_know_survive_every_rewrite(project: Project) -> None:
    """A newer version's fields, or a user's, at the top and in segments (orphans too), stay
    as they were when a writer that knows nothing of them rewrites the file."""
    store = Store(project)
    article, doc = document(project)
    doc.segments[2].target, doc.segments[2].status = "Edited by hand.", "edited"
    store.update(article.id, lambda current: doc)
    raw = json.loads(store.path(article.id).read_text(encoding="utf-8"))
    raw["reviewers"] = [{"name": "Anna", "since": 2024}]
    raw["segments"][1]["comment"] = "check the quote"
    raw["segments"][2]["approved_at"] = None
    store.path(article.id).write_text(json.dumps(raw), encoding="utf-8")

    # a rewrite that builds a new document from the source, as `translate` does, and drops a sentence
    lines = seed("001").read_text(encoding="utf-8").split("\n")
    gone = doc.segments[2].source
    newer = article_from_bytes("\n".join(line.replace(gone, "") for line in lines).encode(), seed("001"))
    store.update(article.id, lambda current: merge(newer, current, "en"))
    again = json.loads(store.path(article.id).read_text(encoding="utf-8"))
    assert again["reviewers"] == [{"name": "Anna", "since": 2024}]
    assert [s.get("comment") for s in again["segments"][:2]] == [None, "check the quote"]
    [orphan] = again["orphans"]
    assert orphan["target"] == "Edited by hand." and "approved_at" in orphan and orphan["approved_at"] is None
    assert again["revision"] == 2  # the known fields moved on as usual (the hand edit kept 1)

    # and a change of a known field in place keeps them too
    def confirm(current):
        current.segments[1].status = "reviewed"
        return current

    store.update(article.id, confirm)
    last = json.loads(store.path(article.id).read_text(encoding="utf-8"))
    assert (last["segments"][1]["comment"], last["segments"][1]["status"]) == ("check the quote", "reviewed")
    assert last["reviewers"] == again["reviewers"]


def test_a_byte_order_mark_is_read_and_not_written_back(project: Project) -> None:
    store = Store(project)
    article, doc = document(project)
    store.update(article.id, lambda current: doc)
    path = store.path(article.id)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as a Windows editor saves it
    assert store.read(article.id).segments == doc.segments
    store.update(article.id, lambda current: current)
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_documents_can_skip_a_bad_file_and_name_it(project: Project) -> None:
    store = Store(project)
    article, doc = document(project)
    store.update(article.id, lambda current: doc)
    (project.translations / "zz.en.json").write_text('{"schema": 2, "article_id": 3}', encoding="utf-8")
    with pytest.raises(StoreError):
        list(store.documents())
    problems: list[str] = []
    assert [d.article_id for d in store.documents(skip=problems.append)] == [article.id]
    assert problems == [f"{project.translations / 'zz.en.json'}: article_id: Expected `str`, got `int`."]
