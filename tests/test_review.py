"""The review core without any UI: what a translator does, and how it meets other processes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import GUARD, ROOT
from fakes import FakeEngine, factory, translate_project

from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.review.changes import Conflict
from workbench.review.library import ArticleInfo, display_titles
from workbench.review.session import ReviewError, ReviewSession
from workbench.review.work import MachineTranslation
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


def session_of(project: Project, user: str = "tester", **kwargs) -> ReviewSession:  # type: ignore[no-untyped-def]
    session = ReviewSession(project, engines=factory(FakeEngine("fr"), FakeEngine("ru")), user=user, **kwargs)
    session.open()
    return session


def on_disk(project: Project, index: int, article: str = ARTICLE):  # type: ignore[no-untyped-def]
    return Store(project).read(article).segments[index]


def seg(session: ReviewSession, index: int, article: str = ARTICLE):  # type: ignore[no-untyped-def]
    return session.document(article).segments[index]


def test_edit_confirm_accept_and_undo_each_step(project: Project) -> None:
    session = session_of(project)
    first, second = seg(session, 1), seg(session, 2)
    session.edit(ARTICLE, first.id, "My draft.")
    session.flush()
    assert (on_disk(project, 1).target, on_disk(project, 1).status) == ("My draft.", "edited")
    session.confirm(ARTICLE, first.id, "My final.")
    session.accept(ARTICLE, second.id)
    session.flush()
    assert on_disk(project, 2).status == "reviewed" and on_disk(project, 2).target == second.mt
    assert len(session.undo_stack) == 3
    undone = session.undo()
    assert undone is not None and undone.landed == [(ARTICLE, second.id)]
    session.flush()
    assert (on_disk(project, 2).target, on_disk(project, 2).status) == (second.target, "machine")
    session.undo()
    session.flush()
    assert (on_disk(project, 1).target, on_disk(project, 1).status) == ("My draft.", "edited")
    session.undo()
    session.flush()
    assert (on_disk(project, 1).target, on_disk(project, 1).status) == (first.target, "machine")
    assert session.undo() is None and session.undo_stack == []
    # every version is kept, with who made it and how
    events = [(v.event, v.status) for v in on_disk(project, 1).history]
    assert events == [("machine", "machine"), ("edit", "edited"), ("confirm", "reviewed"), ("undo", "edited")]
    assert on_disk(project, 1).history[1].author == "tester"


def test_a_change_is_durable_before_the_call_returns(project: Project) -> None:
    session = session_of(project)
    session.confirm(ARTICLE, seg(session, 3).id, "Journaled first.")
    # the process dies before anything is folded: nothing is closed, no thread gets to run on
    session.writer.close()
    os.close(session.journal._fd)  # as the kernel does for a killed process: the lock goes
    recovered = session_of(project)
    record = on_disk(project, 3)
    assert (record.target, record.status, record.author) == ("Journaled first.", "reviewed", "tester")
    assert recovered.problems and recovered.problems[0].startswith("Recovered")
    assert list(project.state.glob("journal/*.jsonl")) == []


def test_redo_puts_back_what_undo_took(project: Project) -> None:
    session = session_of(project)
    session.confirm(ARTICLE, seg(session, 4).id, "Once.")
    session.undo()
    assert seg(session, 4).status == "machine"
    session.redo()
    session.flush()
    assert (on_disk(project, 4).target, on_disk(project, 4).status) == ("Once.", "reviewed")
    assert session.redo() is None


def test_confirmed_work_goes_to_the_memory_and_an_undo_takes_it_out(project: Project) -> None:
    session = session_of(project)
    segment = seg(session, 3)
    session.confirm(ARTICLE, segment.id, "A human translation.")
    # matched at once, before the memory is written
    [match] = session.matches(ARTICLE, segment, limit=1)
    assert match.target == "A human translation." and match.human
    session.flush()
    with TranslationMemory(project.memory) as tm:
        assert tm.lookup("fr", "en", segment.source).target == "A human translation."
    session.undo()
    session.flush()
    with TranslationMemory(project.memory) as tm:
        assert tm.lookup("fr", "en", segment.source) is None  # it would fill other articles
    assert session.matches(ARTICLE, segment) == []


def test_matches_confirmed_by_another_session_a_second_ago_are_found(project: Project) -> None:
    mine, theirs = session_of(project), session_of(project, "other")
    segment = seg(mine, 5)
    assert mine.matches(ARTICLE, segment) == []  # the fuzzy index is built now
    theirs.confirm(ARTICLE, segment.id, "Their confirmed text.")
    theirs.flush()
    assert [m.target for m in mine.matches(ARTICLE, segment)] == ["Their confirmed text."]


def test_another_persons_change_keeps_both_versions(project: Project) -> None:
    mine, theirs = session_of(project), session_of(project, "other")
    base = seg(mine, 4)
    theirs.confirm(ARTICLE, seg(theirs, 4).id, "Their version.")
    theirs.flush()
    mine.confirm(ARTICLE, base.id, "My version.")
    events = mine.flush()
    [conflict] = [e for e in events if isinstance(e, Conflict)]
    assert conflict.mine.target == "My version."  # nothing typed is thrown away
    assert conflict.theirs.target == "Their version."
    record = on_disk(project, 4)
    assert record.target == "Their version."
    assert [(v.target, v.author) for v in record.conflicts] == [("My version.", "tester")]  # kept on disk
    assert seg(mine, 4).target == "Their version."  # the session sees disk
    assert mine.undo_stack == []  # what did not land is nothing to undo
    # the reviewer chooses their own text: it goes over the other version, knowingly
    mine.keep_mine(conflict)
    mine.flush()
    record = on_disk(project, 4)
    assert (record.target, record.status, record.conflicts) == ("My version.", "reviewed", [])
    assert "Their version." in [v.target for v in record.history]


def test_take_theirs_keeps_mine_in_the_history(project: Project) -> None:
    mine, theirs = session_of(project), session_of(project, "other")
    base = seg(mine, 6)
    theirs.confirm(ARTICLE, base.id, "Theirs.")
    theirs.flush()
    mine.edit(ARTICLE, base.id, "Mine.")
    [conflict] = [e for e in mine.flush() if isinstance(e, Conflict)]
    mine.take_theirs(conflict)
    mine.flush()
    record = on_disk(project, 6)
    assert record.target == "Theirs." and record.conflicts == []
    assert [(v.target, v.event) for v in record.history if v.event == "conflict"] == [("Mine.", "conflict")]


def test_a_conflict_found_after_a_kill_is_kept_for_the_next_session(project: Project) -> None:
    mine, theirs = session_of(project), session_of(project, "other")
    base = seg(mine, 7)
    mine.edit(ARTICLE, base.id, "Typed before the kill.")
    mine.writer.close()
    os.close(mine.journal._fd)
    theirs.confirm(ARTICLE, base.id, "Theirs, saved meanwhile.")
    theirs.flush()
    later = session_of(project)
    record = later.segment(ARTICLE, base.id)
    assert record.target == "Theirs, saved meanwhile."
    assert [c.mine.target for c in later.conflicts(ARTICLE, base.id)] == ["Typed before the kill."]


def test_a_machine_change_never_beats_a_human_one(project: Project) -> None:
    session = session_of(project)
    base = seg(session, 5)
    # meanwhile a translate run with a newer model rewrites the machine segments
    translate_project(project, FakeEngine("fr", model_id="fake/2"), sources=[project.seeds / f"{ARTICLE}.txt"])
    assert on_disk(project, 5).model == "fake/2"
    session.confirm(ARTICLE, base.id, "Reviewed over a machine change.")
    session.flush()
    after = on_disk(project, 5)
    assert (after.target, after.status) == ("Reviewed over a machine change.", "reviewed")
    # and a translate run afterwards leaves it alone
    translate_project(project, FakeEngine("fr", model_id="fake/3"))
    assert on_disk(project, 5).target == "Reviewed over a machine change."


def test_undo_after_someone_else_changed_the_segment_changes_nothing(project: Project) -> None:
    mine, theirs = session_of(project), session_of(project, "other")
    mine.confirm(ARTICLE, seg(mine, 6).id, "Mine.")
    mine.flush()
    theirs.confirm(ARTICLE, seg(theirs, 6).id, "Theirs.")
    theirs.flush()
    mine.check_external(ARTICLE)
    mine.flush()
    undone = mine.undo()
    assert undone is not None and undone.dropped
    mine.flush()
    assert on_disk(project, 6).target == "Theirs." and mine.undo_stack == []


def test_retranslating_human_work_needs_consent_and_keeps_the_text(project: Project) -> None:
    engine = FakeEngine("fr", model_id="fake/9")
    session = ReviewSession(project, engines=factory(engine, FakeEngine("ru")), user="tester")
    session.open()
    base = seg(session, 2)
    work = session.retranslation(ARTICLE, base.id)
    assert engine.decoded == []  # planning decodes nothing
    session.apply_retranslation(ARTICLE, base, work())
    assert engine.decoded == [base.source]
    session.flush()
    assert on_disk(project, 2).model == "fake/9" and on_disk(project, 2).status == "machine"
    session.confirm(ARTICLE, base.id, "Reviewed by a person.")
    human = seg(session, 2)
    result = MachineTranslation("MT again.", -0.5, "fake/9", ())
    with pytest.raises(ReviewError, match="needs your consent"):
        session.apply_retranslation(ARTICLE, human, result)
    session.apply_retranslation(ARTICLE, human, result, overwrite_human=True)
    session.flush()
    record = on_disk(project, 2)
    assert (record.target, record.status) == ("MT again.", "machine")
    assert record.history[-1].target == "Reviewed by a person."
    session.undo()
    session.flush()
    assert (on_disk(project, 2).target, on_disk(project, 2).status) == ("Reviewed by a person.", "reviewed")


def test_restore_a_removed_line_without_loading_language_models_and_undo_it(project: Project) -> None:
    script = f"""
import sys
from workbench.project import Project
from workbench.review.session import ReviewSession
from pathlib import Path
session = ReviewSession(Project(Path({str(project.root)!r})))
session.open()
session.restore({ARTICLE!r}, 5)
document = session.document({ARTICLE!r})
session.close()
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
    session = session_of(project)
    assert session.document(ARTICLE).restored == [5]
    # a later translate run keeps it restored, and translates it
    translate_project(project, FakeEngine("fr"))
    [restored] = [s for s in Store(project).read(ARTICLE).segments if s.source == "S'abonner"]
    assert restored.target == "EN(S'abonner)"
    # and a restore is undone like any change (not an earlier confirm instead)
    session = session_of(project)
    session.confirm(ARTICLE, seg(session, 0).id, "Title.")
    session.restore(ARTICLE, 40)
    session.undo()
    session.flush()
    assert Store(project).read(ARTICLE).restored == [5]
    assert on_disk(project, 0).target == "Title."


def test_restore_when_the_prepared_copy_is_gone_prepares_the_source_again(project: Project) -> None:
    shutil.rmtree(project.prepared)
    session = session_of(project)
    session.restore(ARTICLE, 5, session.restoration(ARTICLE)())
    assert "S'abonner" in [s.source for s in session.document(ARTICLE).segments]


def test_search_and_next_unreviewed(project: Project) -> None:
    session = session_of(project)
    found = session.search("peskov")
    assert found and all("peskov" in session.document(a).segments[i].source.casefold() for a, i in found)
    assert session.search("   ") == []
    segments = session.document(ARTICLE).segments
    for index in (0, 1, 2):
        session.confirm(ARTICLE, segments[index].id, segments[index].target or "x")
    assert session.next_unreviewed(ARTICLE, 0) == (ARTICLE, 3)
    last = len(segments) - 1
    assert session.next_unreviewed(ARTICLE, last) == (sorted(session.library)[1], 0)  # on to the next article


def test_typed_text_is_stored_composed_and_found_either_way(project: Project) -> None:
    session = session_of(project)
    decomposed = "Le ministe\u0300re"  # e + combining grave, as some keyboards send it
    session.confirm(ARTICLE, seg(session, 1).id, decomposed)
    session.flush()
    assert on_disk(project, 1).target == "Le ministère"
    assert session.search("ministère") == session.search(decomposed) == [(ARTICLE, 1)]


def test_changed_on_disk_is_a_stat_not_a_parse(project: Project) -> None:
    session = session_of(project)
    session.document(ARTICLE)
    assert not session.check_external(ARTICLE)
    other = session_of(project, "other")
    other.confirm(ARTICLE, seg(other, 0).id, "Other process.")
    other.flush()
    assert session.check_external(ARTICLE)
    session.flush()
    assert seg(session, 0).target == "Other process."
    assert not session.check_external(ARTICLE)


def test_drafts_survive_a_lost_terminal(project: Project) -> None:
    session = session_of(project)
    base = seg(session, 9)
    session.draft(ARTICLE, base.id, "Half a sentence")
    os.close(session.journal._fd)  # the process is gone without committing
    session.writer.close()
    later = session_of(project)
    assert later.draft_for(ARTICLE, base.id) == "Half a sentence"
    assert on_disk(project, 9).draft is not None  # folded into the file: any session finds it
    later.confirm(ARTICLE, base.id, "Half a sentence, finished.")
    later.flush()
    assert on_disk(project, 9).draft is None and later.draft_for(ARTICLE, base.id) is None


def test_a_locked_memory_never_delays_a_save_or_the_close(project: Project) -> None:
    session = session_of(project)
    session.document(ARTICLE)
    holder = sqlite3.connect(project.memory, timeout=0, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        session.confirm(ARTICLE, seg(session, 10).id, "While the memory is locked.")
        assert session.writer.wait(5.0)  # the fold does not wait for the memory
        assert time.monotonic() - started < 3.0
        session.settle()
        assert on_disk(project, 10).target == "While the memory is locked."
        started = time.monotonic()
        assert session.close(wait=2.0) is False  # its lesson stays in the journal
        assert time.monotonic() - started < 2.0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    session_of(project)  # the next session teaches the memory
    with TranslationMemory(project.memory) as tm:
        assert tm.lookup("fr", "en", on_disk(project, 10).source).target == "While the memory is locked."


def test_an_article_locked_by_another_process_is_folded_once_free(project: Project) -> None:
    session = session_of(project)
    session.document(ARTICLE)
    lock = Store(project).lock(ARTICLE)
    with lock:
        started = time.monotonic()
        session.confirm(ARTICLE, seg(session, 11).id, "Behind a lock.")
        assert time.monotonic() - started < 0.2  # durable in the journal, not waiting for the file
        time.sleep(1.0)
        notices = [e.message for e in session.settle() if hasattr(e, "message")]
        assert any("safe in the journal" in m for m in notices)
    events = session.flush(10)
    assert on_disk(project, 11).target == "Behind a lock."
    assert any(getattr(e, "message", "").startswith("Saved ") for e in events)


def test_a_journal_from_a_newer_version_is_kept(project: Project) -> None:
    folder = project.state / "journal"
    folder.mkdir(parents=True, exist_ok=True)
    journal = folder / "newer.jsonl"
    journal.write_bytes(b'{"type":"session","target":"en","user":"x","pid":1,"started":"now"}\n{"type":"split","x":1}\n')
    session = session_of(project)
    assert any("does not understand" in p for p in session.problems)
    assert journal.exists()


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
    session = session_of(project)
    index = session.library.index
    for junk in (
        b"{not json",
        b'{"version": 1, "files": {"x": 1}}',
        b'{"version": 2, "files": {"a": {"stamp": [1, 2], "info": {"bogus": 1}}}}',
    ):
        index.write_bytes(junk)
        again = session_of(project)
        assert len(again.articles()) == 5 and again.problems == []
        assert all(isinstance(t, str) for t in again.titles().values())
        assert sorted(again.library) == sorted(ARTICLE_IDS)


def test_an_unreadable_translation_file_is_reported_not_prepared_again(project: Project) -> None:
    path = Store(project).path(ARTICLE)
    path.write_text('{"schema": 3, "article_id": 5}', encoding="utf-8")
    session = session_of(project)
    assert len(session.problems) == 1 and str(path) in session.problems[0]
    assert ARTICLE not in session.library
    assert all(p.stem != ARTICLE for p in session.unprepared_sources())
    assert path.read_text(encoding="utf-8") == '{"schema": 3, "article_id": 5}'


def test_a_failing_memory_costs_the_memory_entry_not_the_confirmation(project: Project) -> None:
    session = session_of(project)
    base = seg(session, 8)
    project.memory.write_bytes(b"not a database at all" * 100)
    session.confirm(ARTICLE, base.id, "Kept even so.")
    assert session.writer.wait(5.0)
    notices = [e.message for e in session.settle() if hasattr(e, "message")]
    assert any("not yet in the translation memory" in m for m in notices)
    assert (on_disk(project, 8).target, on_disk(project, 8).status) == ("Kept even so.", "reviewed")


def test_closing_says_whether_everything_reached_its_files_to_every_caller(project: Project) -> None:
    """The screen's unmount and the CLI's way out both close the session: the second caller
    hears what the first found (a change that could not be written is not 'all saved')."""
    session = session_of(project)
    lock = Store(project).lock(ARTICLE, timeout=5)
    lock.acquire()  # another process holds the article: the confirm cannot be folded now
    try:
        session.confirm(ARTICLE, seg(session, 3).id, "Kept in the journal.")
        assert session.close(wait=0.5) is False
        assert session.close() is False
    finally:
        lock.release()
    again = session_of(project)  # the next session folds it
    assert on_disk(project, 3).target == "Kept in the journal."
    assert again.close() is True


def test_work_for_an_article_whose_file_is_gone_is_set_aside_not_stranded(project: Project) -> None:
    import json

    from workbench.review import recovery

    session = session_of(project)
    lock = Store(project).lock(ARTICLE, timeout=5)
    lock.acquire()
    try:
        session.confirm(ARTICLE, seg(session, 2).id, "Typed for an article about to vanish.")
        session.close(wait=0.2)  # not folded: the journal keeps it
    finally:
        lock.release()
    Store(project).path(ARTICLE).unlink()  # the article's file is deleted by hand
    result = recovery.recover(project)
    [kept] = list((project.state / "set-aside").iterdir())
    lines = [json.loads(line) for line in kept.read_text(encoding="utf-8").splitlines()]
    assert [(d["target"], d["status"]) for d in lines] == [("Typed for an article about to vanish.", "reviewed")]
    assert str(kept) in result.summary() and not list((project.state / "journal").glob("*.jsonl"))
