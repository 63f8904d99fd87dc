"""The review core without any UI: what a translator does, and how it meets other processes."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GUARD, ROOT
from fakes import FakeEngine, factory, translate_project

from workbench.project import Project
from workbench.review import (
    ArticleInfo,
    Review,
    SegmentConflict,
    display_titles,
    write_change,
)
from workbench.store import Store

ARTICLE = "000_a82796ccd2587049"
ARTICLE_IDS = [p.stem for p in (ROOT / "seeds").glob("*.txt")]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    shutil.copytree(ROOT / "glossaries", root / "glossaries")
    project = Project(root)
    translate_project(project, FakeEngine("fr"), FakeEngine("ru"))
    return project


def review_of(project: Project) -> Review:
    review = Review(project, engines=factory(FakeEngine("fr"), FakeEngine("ru")))
    review.load()
    return review


def on_disk(project: Project, index: int, article: str = ARTICLE):
    return Store(project).read(article).segments[index]


def test_edit_confirm_accept_and_undo_each_step(project: Project) -> None:
    review = review_of(project)
    first, second = review.document(ARTICLE).segments[1:3]
    review.edit(ARTICLE, first, "My draft.")
    assert (on_disk(project, 1).target, on_disk(project, 1).status) == ("My draft.", "edited")
    review.confirm(ARTICLE, review.document(ARTICLE).segments[1], "My final.")
    review.accept_mt(ARTICLE, second)
    assert on_disk(project, 2).status == "reviewed" and on_disk(project, 2).target == second.mt
    assert [u.after.status for u in review.undo_stack] == ["edited", "reviewed", "reviewed"]
    assert review.undo() == (ARTICLE, on_disk(project, 2))
    assert (on_disk(project, 2).target, on_disk(project, 2).status) == (second.target, "machine")
    review.undo()
    assert (on_disk(project, 1).target, on_disk(project, 1).status) == ("My draft.", "edited")
    review.undo()
    assert (on_disk(project, 1).target, on_disk(project, 1).status) == (first.target, "machine")
    assert review.undo() is None and review.undo_stack == []


def test_confirmed_work_goes_to_the_memory_as_human(project: Project) -> None:
    review = review_of(project)
    segment = review.document(ARTICLE).segments[3]
    review.confirm(ARTICLE, segment, "A human translation.")
    [match] = review.memory.fuzzy("fr", "en", segment.source, limit=1, human_only=True)
    assert match.target == "A human translation." and match.human


def test_another_persons_change_is_a_conflict_with_both_versions(project: Project) -> None:
    mine, theirs = review_of(project), review_of(project)
    base = mine.document(ARTICLE).segments[4]
    theirs.confirm(ARTICLE, theirs.document(ARTICLE).segments[4], "Their version.")
    with pytest.raises(SegmentConflict) as caught:
        mine.confirm(ARTICLE, base, "My version.")
    conflict = caught.value
    assert conflict.change.target == "My version."  # nothing typed is thrown away
    assert conflict.theirs is not None and conflict.theirs.target == "Their version."
    assert on_disk(project, 4).target == "Their version."
    assert mine.document(ARTICLE).segments[4].target == "Their version."  # the session sees disk
    # the reviewer chooses their own text: it goes over the other version, knowingly
    mine.save(mine.plan_keep_mine(conflict))
    assert (on_disk(project, 4).target, on_disk(project, 4).status) == ("My version.", "reviewed")


def test_a_machine_change_never_beats_a_human_one(project: Project) -> None:
    review = review_of(project)
    base = review.document(ARTICLE).segments[5]
    # meanwhile a translate run with a newer model rewrites the machine segments
    translate_project(
        project, FakeEngine("fr", model_id="fake/2"), sources=[project.seeds / f"{ARTICLE}.txt"]
    )
    assert on_disk(project, 5).model == "fake/2"
    review.confirm(ARTICLE, base, "Reviewed over a machine change.")
    after = on_disk(project, 5)
    assert (after.target, after.status) == ("Reviewed over a machine change.", "reviewed")
    # and a translate run afterwards leaves it alone
    translate_project(project, FakeEngine("fr", model_id="fake/3"))
    assert on_disk(project, 5).target == "Reviewed over a machine change."


def test_undo_after_someone_else_changed_the_segment_is_refused(project: Project) -> None:
    mine, theirs = review_of(project), review_of(project)
    mine.confirm(ARTICLE, mine.document(ARTICLE).segments[6], "Mine.")
    theirs.confirm(ARTICLE, theirs.document(ARTICLE).segments[6], "Theirs.")
    with pytest.raises(SegmentConflict):
        mine.undo()
    assert on_disk(project, 6).target == "Theirs." and mine.undo_stack == []


def test_work_runs_with_its_own_handles_and_the_session_takes_the_result(project: Project) -> None:
    review = review_of(project)
    base = review.document(ARTICLE).segments[7]
    change = review.plan_confirm(ARTICLE, base, "From a worker.")
    before = copy.deepcopy(review.document(ARTICLE))
    saved = write_change(project, "en", change)  # what a worker thread runs
    assert review.document(ARTICLE) == before  # the session is untouched until it applies
    assert review.undo_stack == []
    review.apply_saved(saved)
    assert review.document(ARTICLE).segments[7].target == "From a worker."
    assert [u.after.target for u in review.undo_stack] == ["From a worker."]


def test_retranslate_one_segment(project: Project) -> None:
    engine = FakeEngine("fr", model_id="fake/9")
    review = Review(project, engines=factory(engine, FakeEngine("ru")))
    review.load()
    base = review.document(ARTICLE).segments[2]
    work = review.retranslation(ARTICLE, base)
    assert engine.decoded == []  # planning decodes nothing
    review.save(work())
    assert engine.decoded == [base.source]
    assert on_disk(project, 2).model == "fake/9" and on_disk(project, 2).status == "machine"


def test_restore_a_removed_line_without_loading_language_models(project: Project) -> None:
    script = f"""
import sys
from workbench.project import Project
from workbench.review import Review
from pathlib import Path
review = Review(Project(Path({str(project.root)!r})))
review.load()
document = review.restore_line({ARTICLE!r}, 5)
print("S'abonner" in [s.source for s in document.segments], document.restored, "lingua" in sys.modules)
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(GUARD)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "[5]", "False"]
    review = review_of(project)
    assert review.document(ARTICLE).restored == [5]
    # a later translate run keeps it restored, and translates it
    translate_project(project, FakeEngine("fr"))
    [restored] = [s for s in Store(project).read(ARTICLE).segments if s.source == "S'abonner"]
    assert restored.target == "EN(S'abonner)"


def test_restore_when_the_prepared_copy_is_gone_prepares_the_source_again(project: Project) -> None:
    shutil.rmtree(project.prepared)
    review = review_of(project)
    document = review.restore_line(ARTICLE, 5)
    assert "S'abonner" in [s.source for s in document.segments]


def test_search_and_next_unreviewed(project: Project) -> None:
    review = review_of(project)
    found = review.search("peskov")
    assert found and all("peskov" in review.document(a).segments[i].source.casefold() for a, i in found)
    assert review.search("   ") == []
    segments = review.document(ARTICLE).segments
    for index in (0, 1, 2):
        review.confirm(ARTICLE, review.document(ARTICLE).segments[index], segments[index].target or "x")
    assert review.next_unreviewed(ARTICLE, 0) == (ARTICLE, 3)
    last = len(segments) - 1
    nxt = review.next_unreviewed(ARTICLE, last)
    assert nxt == (sorted(review.documents)[1], 0)  # on to the next article


def test_changed_on_disk_is_a_stat_not_a_parse(project: Project) -> None:
    review = review_of(project)
    review.document(ARTICLE)
    assert not review.changed_on_disk(ARTICLE)
    review_of(project).confirm(ARTICLE, review.document(ARTICLE).segments[0], "Other process.")
    assert review.changed_on_disk(ARTICLE)
    review.reload(ARTICLE)
    assert not review.changed_on_disk(ARTICLE)


def test_titles_show_the_id_only_where_titles_collide() -> None:
    infos = [
        ArticleInfo("a1", "fr", "Zoom interdit", 3, 0),
        ArticleInfo("a2", "fr", "Le Kremlin critique Zoom", 3, 0),
        ArticleInfo("a3", "ru", "Le  Kremlin critique Zoom", 3, 0),
        ArticleInfo("a4", "ru", "", 3, 0),
    ]
    assert display_titles(infos) == {
        "a1": "Zoom interdit",
        "a2": "Le Kremlin critique Zoom (a2)",
        "a3": "Le Kremlin critique Zoom (a3)",
        "a4": "a4",
    }


def test_a_summaries_cache_from_another_version_is_rebuilt(project: Project) -> None:
    review = review_of(project)
    index = review.documents.index
    for junk in (
        b"{not json",
        b'{"version": 1, "files": {"x": 1}}',
        b'{"version": 2, "files": {"a": {"stamp": [1, 2], "info": {"bogus": 1}}}}',
    ):
        index.write_bytes(junk)
        again = review_of(project)
        assert len(again.articles()) == 5 and again.problems == []
        assert all(isinstance(t, str) for t in again.titles().values())
        assert sorted(again.documents) == sorted(ARTICLE_IDS)


def test_an_unreadable_translation_file_is_reported_not_prepared_again(project: Project) -> None:
    path = Store(project).path(ARTICLE)
    path.write_text('{"schema": 2, "article_id": 5}', encoding="utf-8")
    review = review_of(project)
    assert len(review.problems) == 1 and str(path) in review.problems[0]
    assert ARTICLE not in review.documents
    assert all(p.stem != ARTICLE for p in review.unprepared_sources())
    assert path.read_text(encoding="utf-8") == '{"schema": 2, "article_id": 5}'


def test_a_failing_memory_costs_the_memory_entry_not_the_confirmation(project: Project) -> None:
    review = review_of(project)
    base = review.document(ARTICLE).segments[8]
    project.memory.write_bytes(b"not a database at all" * 100)
    saved = write_change(project, "en", review.plan_confirm(ARTICLE, base, "Kept even so."))
    assert saved.warning is not None and "not added to the translation memory" in saved.warning
    assert (on_disk(project, 8).target, on_disk(project, 8).status) == ("Kept even so.", "reviewed")
