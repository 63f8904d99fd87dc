"""The post-editor's instruments in the review core, without the UI: split and join,
propagation, find and replace, QA judgements, filters, concordance, where one stopped."""

from __future__ import annotations

import shutil
from pathlib import Path
from re import search as regex_search

import pytest
from conftest import ROOT
from fakes import FakeEngine, factory, translate_project

from workbench.errors import WorkbenchError
from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.review.corpus import Filter
from workbench.review.session import ReviewError, ReviewSession
from workbench.store import Store

ARTICLE = "000_a82796ccd2587049"
OTHER = "001_82dc057f0c50e8de"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    shutil.copytree(ROOT / "glossaries", root / "glossaries")
    project = Project(root)
    translate_project(project, FakeEngine("fr"), FakeEngine("ru"))
    return project


def session_of(project: Project, user: str = "tester") -> ReviewSession:
    session = ReviewSession(project, engines=factory(FakeEngine("fr"), FakeEngine("ru")), user=user)
    session.open()
    session.take_loaded(session.loading()())
    return session


def disk(project: Project, article: str = ARTICLE):  # type: ignore[no-untyped-def]
    return Store(project).read(article)


# -- split and join -------------------------------------------------------------------------------


def test_split_a_segment_keeps_the_others_and_survives_translate_and_re_preparing(project: Project) -> None:
    session = session_of(project)
    before = [s.id for s in session.document(ARTICLE).segments]
    session.confirm(ARTICLE, before[1], "Reviewed before the split.")
    record = session.document(ARTICLE).segments[3]
    at = record.source.index(" ", len(record.source) // 2)
    session.split(ARTICLE, record.id, at)
    view = session.document(ARTICLE).segments
    assert len(view) == len(before) + 1
    left, right = view[3], view[4]
    assert (left.source, right.source) == (record.source[:at].rstrip(), record.source[at:].lstrip())
    assert left.status == right.status == "new"
    assert [s.id for s in view[:3]] == before[:3] and [s.id for s in view[5:]] == before[4:]
    assert view[1].target == "Reviewed before the split."  # the other segments keep their work
    session.flush()
    # translate and a re-prepared source (the cache lost) keep the translator's segmentation
    shutil.rmtree(project.prepared)
    translate_project(project, FakeEngine("fr"), sources=[project.seeds / f"{ARTICLE}.txt"])
    after = disk(project).segments
    assert [s.source for s in after[3:5]] == [left.source, right.source]
    assert after[3].status == "machine" and after[3].target == f"EN({left.source})"  # translated
    assert after[1].target == "Reviewed before the split."


def test_undoing_a_split_brings_the_segment_back_exactly(project: Project) -> None:
    session = session_of(project)
    record = session.document(ARTICLE).segments[5]
    session.confirm(ARTICLE, record.id, "A reviewed sentence.")
    reviewed = session.segment(ARTICLE, record.id)
    session.split(ARTICLE, record.id, record.source.index(" ", 10))
    assert session.segment_or_none(ARTICLE, record.id) is None
    session.undo()
    back = session.segment(ARTICLE, record.id)
    assert (back.target, back.status, back.author) == (reviewed.target, "reviewed", "tester")
    session.flush()
    assert disk(project).segment(record.id).target == "A reviewed sentence."
    assert disk(project).resegmented == []
    session.redo()
    session.flush()
    assert disk(project).segment(record.id) is None and len(disk(project).resegmented) == 1


def test_join_with_the_next_segment_of_the_paragraph(project: Project) -> None:
    session = session_of(project)
    segments = session.document(ARTICLE).segments
    n = next(i for i in range(len(segments) - 1) if segments[i].block == segments[i + 1].block)
    first, second = segments[n], segments[n + 1]
    session.join(ARTICLE, first.id)
    joined = session.document(ARTICLE).segments[n]
    assert joined.source.startswith(first.source) and joined.source.endswith(second.source)
    assert len(session.document(ARTICLE).segments) == len(segments) - 1
    session.flush()
    translate_project(project, FakeEngine("fr"), sources=[project.seeds / f"{ARTICLE}.txt"])
    assert disk(project).segments[n].source == joined.source
    last = next(i for i in range(len(segments) - 1) if segments[i].block != segments[i + 1].block)
    with pytest.raises(ReviewError, match="same paragraph"):
        session.join(ARTICLE, session.document(ARTICLE).segments[last - 1].id)


def test_a_split_needs_text_on_both_sides(project: Project) -> None:
    session = session_of(project)
    record = session.document(ARTICLE).segments[2]
    with pytest.raises(ReviewError, match="both sides"):
        session.split(ARTICLE, record.id, 0)
    with pytest.raises(ReviewError, match="both sides"):
        session.split(ARTICLE, record.id, len(record.source))


# -- propagation -----------------------------------------------------------------------------------


def repeat_a_sentence(project: Project) -> str:
    """Seed 001 gets a sentence of seed 000, twice: repetitions across and within articles."""
    sentence = Store(project).read(ARTICLE).segments[2].source
    path = project.seeds / f"{OTHER}.txt"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{sentence}\n\n{sentence}\n", encoding="utf-8")
    translate_project(project, FakeEngine("fr"), sources=[path])
    return sentence


def test_a_confirm_fills_identical_sources_never_over_human_work_and_undoes_as_one(project: Project) -> None:
    sentence = repeat_a_sentence(project)
    session = session_of(project)
    copies = [s for s in session.document(OTHER).segments if s.source == sentence]
    assert len(copies) == 2
    session.edit(OTHER, copies[1].id, "Someone's own rendering.")  # human work on one copy
    applied = session.confirm(ARTICLE, session.document(ARTICLE).segments[2].id, "The one rendering.")
    filled = [
        (a, s)
        for c in applied.changes
        if c.kind == "propagate"
        for e in c.edits
        for a, s in [(c.article, e.segment)]
    ]
    assert filled == [(OTHER, copies[0].id)]
    first = session.segment(OTHER, copies[0].id)
    assert (first.target, first.status, first.origin) == ("The one rendering.", "machine", "propagated")
    assert session.segment(OTHER, copies[1].id).target == "Someone's own rendering."
    session.flush()
    assert disk(project, OTHER).segment(copies[0].id).origin == "propagated"
    # a later translate run leaves it for the reviewer
    translate_project(project, FakeEngine("fr", model_id="fake/2"))
    assert disk(project, OTHER).segment(copies[0].id).target == "The one rendering."
    session.check_external(OTHER)
    session.flush()
    session.undo()  # the confirm and what it filled, as one
    session.flush()
    assert disk(project).segments[2].status == "machine"
    assert disk(project, OTHER).segment(copies[0].id).origin != "propagated"


def test_propagation_can_be_turned_off(project: Project) -> None:
    sentence = repeat_a_sentence(project)
    (project.root / "workbench.toml").write_text("[review]\npropagate = false\n", encoding="utf-8")
    session = session_of(project)
    applied = session.confirm(ARTICLE, session.document(ARTICLE).segments[2].id, "Only here.")
    assert [c.kind for c in applied.changes] == ["confirm"]
    assert all(s.target != "Only here." for s in session.document(OTHER).segments if s.source == sentence)
    (project.root / "workbench.toml").write_text("[review]\npropagate = 'yes'\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="true or false"):
        session.confirm(ARTICLE, session.document(ARTICLE).segments[3].id, "x")


# -- find and replace -------------------------------------------------------------------------------


def test_find_and_replace_previews_then_applies_as_one_step(project: Project) -> None:
    session = session_of(project)
    session.confirm(
        ARTICLE, session.document(ARTICLE).segments[1].id, "Dmitri Peskov said so. Dmitri agreed."
    )
    session.confirm(OTHER, session.document(OTHER).segments[0].id, "Dmitriy Peskov")
    preview = session.replacements("Dmitri", "Dmitry", whole_word=True)
    assert all(
        regex_search(r"\bDmitri\b", r.before) and "Dmitri" not in r.after.replace("Dmitriy", "")
        for r in preview
    )
    [mine] = [r for r in preview if r.before.startswith("Dmitri Peskov said so")]
    assert (mine.after, mine.spans) == ("Dmitry Peskov said so. Dmitry agreed.", ((0, 6), (23, 29)))
    assert not any(r.before == "Dmitriy Peskov" for r in preview)  # whole words only
    regex = session.replacements(r"Dmitri(y)?\b", "Dmitry", is_regex=True)
    kept = [r for r in regex if r.before in ("Dmitri Peskov said so. Dmitri agreed.", "Dmitriy Peskov")]
    assert {r.article for r in kept} == {ARTICLE, OTHER}
    session.replace(kept)  # the translator skipped the others
    assert session.segment(ARTICLE, preview[0].segment).status == "edited"  # reviewed again later
    session.flush()
    assert disk(project, OTHER).segments[0].target == "Dmitry Peskov"
    session.undo()
    session.flush()
    assert disk(project, OTHER).segments[0].target == "Dmitriy Peskov"
    assert disk(project).segments[1].status == "reviewed"
    with pytest.raises(ReviewError, match="not a valid regular expression"):
        session.replacements("(unclosed", "x", is_regex=True)


# -- QA judgements ------------------------------------------------------------------------------------


def test_a_finding_judged_not_an_error_is_kept_and_undone(project: Project) -> None:
    session = session_of(project)
    record = session.document(ARTICLE).segments[4]
    with pytest.raises(ReviewError, match="Say why"):
        session.dismiss(ARTICLE, record.id, "numbers", "2021", "  ")
    session.dismiss(ARTICLE, record.id, "numbers", "2021", "the year is implied")
    session.flush()
    [mark] = disk(project).segments[4].dismissed
    assert (mark.check, mark.finding, mark.reason, mark.author, mark.target) == (
        "numbers",
        "2021",
        "the year is implied",
        "tester",
        record.target,
    )
    session.undo()
    session.flush()
    assert disk(project).segments[4].dismissed == []


# -- filters, concordance, places -------------------------------------------------------------------


def test_filters_across_the_corpus(project: Project) -> None:
    repeat_a_sentence(project)
    session = session_of(project)
    session.confirm(ARTICLE, session.document(ARTICLE).segments[0].id, "Title.")
    reviewed = session.filter(Filter(statuses=frozenset({"reviewed"})))
    assert reviewed.hits == [(ARTICLE, 0)] and reviewed.counts["reviewed"] == 1
    text = session.filter(Filter(text="PESKOV"))
    assert text.hits and len(text.articles) >= 2
    repeated = session.filter(Filter(repetitions=True))
    assert {(a, session.document(a).segments[i].source) for a, i in repeated.hits} >= {
        (OTHER, disk(project).segments[2].source)
    }
    flagged = session.filter(Filter(glossary=True))
    assert all(session.glossary_view(a, session.document(a).segments[i]).missing for a, i in flagged.hits)
    assert flagged.hits  # the fake MT keeps French names: some entities lack their English form
    worst = session.filter(Filter(statuses=frozenset({"machine"}), lowest_score_first=True))
    scores = [session.document(a).segments[i].score for a, i in worst.hits]
    assert scores == sorted(scores)
    assert worst.after(*worst.hits[0], order=sorted(session.library)) == worst.hits[1]


def test_concordance_in_the_memory_and_the_corpus(project: Project) -> None:
    with TranslationMemory(project.memory) as tm:
        tm.add_human("fr", "en", "Les siloviki ont parlé.", "The security men spoke.")
    session = session_of(project)
    hits = session.concordance("siloviki")
    assert hits[0].where == "memory" and hits[0].target == "The security men spoke."
    corpus_hits = session.concordance("Kremlin")
    assert any(h.where == ARTICLE for h in corpus_hits)
    assert all("kremlin" in (h.source if h.side == "source" else h.target).lower() for h in corpus_hits)
    assert session.concordance("  ") == []


def test_reopening_returns_where_the_translator_stopped(project: Project) -> None:
    session = session_of(project)
    segment = session.document(OTHER).segments[7]
    session.remember(OTHER, segment.id)
    session.close()
    assert session_of(project).last_place() == (OTHER, 7)
    assert session_of(project, "someone else").last_place() is None


def test_joining_and_splitting_human_segments_keeps_their_text(project: Project) -> None:
    """A join or a split is the translator fixing the segmentation, not a reason to lose what
    they wrote: the text stays on the new segment (edited, to be fixed up), never fresh MT."""
    session = session_of(project)
    segments = session.document(ARTICLE).segments
    n = next(i for i in range(len(segments) - 1) if segments[i].block == segments[i + 1].block)
    first, second = segments[n], segments[n + 1]
    session.confirm(ARTICLE, first.id, "We must switch.")
    session.confirm(ARTICLE, second.id, "Our operators will cope.")
    session.join(ARTICLE, first.id)
    joined = session.document(ARTICLE).segments[n]
    assert (joined.target, joined.status) == ("We must switch. Our operators will cope.", "edited")
    assert not session.untranslated(ARTICLE, [joined.id])  # nothing for the machine to redo
    session.flush()
    translate_project(project, FakeEngine("fr"), sources=[project.seeds / f"{ARTICLE}.txt"])
    assert disk(project).segments[n].target == "We must switch. Our operators will cope."
    session.undo()  # the two reviewed segments back, as they were
    session.flush()
    assert [(s.target, s.status) for s in disk(project).segments[n : n + 2]] == [
        ("We must switch.", "reviewed"),
        ("Our operators will cope.", "reviewed"),
    ]
    record = session.document(ARTICLE).segments[5]
    session.confirm(ARTICLE, record.id, "A reviewed sentence, to be split.")
    session.split(ARTICLE, record.id, record.source.index(" ", 10))
    left, right = session.document(ARTICLE).segments[5:7]
    assert (left.target, left.status) == ("A reviewed sentence, to be split.", "edited")
    assert right.status == "new" and session.untranslated(ARTICLE, [right.id]) == [right]


def test_propagation_reaches_an_article_translated_during_the_session(project: Project) -> None:
    """The repetition index follows the corpus: an article that gains its translation (or
    comes into being) while the session is open is propagated to like the others."""
    import shutil as sh

    session = session_of(project)
    copy = project.seeds / "copy of the first article.txt"
    sh.copy(project.seeds / f"{ARTICLE}.txt", copy)
    session.take_prepared(session.preparation(session.unprepared_sources())())  # the screen prepares it
    twin = next(a for a in session.library if session.document(a).source_path.endswith(copy.name))
    session.take_translated(session.translation([twin])())  # and translates it (T)
    record = session.document(ARTICLE).segments[2]
    session.confirm(ARTICLE, record.id, "The Kremlin commented.")
    same = next(s for s in session.document(twin).segments if s.source == record.source)
    assert (same.target, same.origin) == ("The Kremlin commented.", "propagated")


def test_the_corpus_reader_matches_the_glossary_in_every_segment_once(project: Project, monkeypatch) -> None:
    """Read behind the first screen, every segment's glossary view is at hand: a filter on
    glossary marks, or an article opened, matches nothing on the owner's thread; a view
    matched with a glossary since changed is not taken."""
    fresh = ReviewSession(project, engines=factory(FakeEngine("fr"), FakeEngine("ru")), user="tester")
    fresh.open()
    expected = {
        (a, i): bool(fresh.glossary_view(a, s).missing)
        for a in fresh.library
        for i, s in enumerate(fresh.document(a).segments)
    }
    assert any(expected.values()) and not all(expected.values())

    (project.state / "index.en.json").unlink()  # each way: every file read by open, or behind it
    for cold in (True, False):
        session = ReviewSession(project, engines=factory(FakeEngine("fr"), FakeEngine("ru")), user="tester")
        session.open()
        assert bool(session.library.loaded) == cold
        assert_matched_behind(session, expected, monkeypatch)
        monkeypatch.undo()
    other = ReviewSession(project, engines=factory(FakeEngine("fr"), FakeEngine("ru")), user="tester")
    other.open()
    work = other.loading()
    other.glossary = type(other.glossary)(list(other.glossary)[:1])  # changed while the worker ran
    loaded = work()
    other.take_loaded(loaded)
    assert loaded.views and other._views[1].keys().isdisjoint(loaded.views)


def assert_matched_behind(session: ReviewSession, expected: dict, monkeypatch) -> None:  # type: ignore[type-arg]
    from workbench.glossary.match import Matcher

    session.take_loaded(session.loading()())

    def no_matching(self, text):  # type: ignore[no-untyped-def]
        raise AssertionError(f"matched on the owner's thread: {text}")

    monkeypatch.setattr(Matcher, "find", no_matching)
    flagged = session.filter(Filter(glossary=True))
    assert set(flagged.hits) == {place for place, lacking in expected.items() if lacking}


def test_an_unreadable_word_list_does_not_stop_the_other_checks(project: Project) -> None:
    (project.glossaries / "words.txt").write_bytes(b"\xff\xfe\n")
    session = session_of(project)
    flagged = session.filter(Filter(glossary=True)).hits
    article, index = flagged[0]
    checks = {f.check for f in session.findings(article, session.document(article).segments[index].id)}
    assert "glossary" in checks
    assert session.qa_problem is not None and "words.txt" in session.qa_problem
