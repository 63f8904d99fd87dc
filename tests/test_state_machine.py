"""A stateful property test of the promise: nothing a translator confirmed is ever lost or
relabelled, whatever is interleaved with it.

Hypothesis drives review operations (edit, confirm, accept, undo, restore) from two
sessions, translate runs (with a changed model, and into another target language),
glossary writes, source edits and the loss of every cache, and "kills" (a session
dropped without warning, a fresh one opened). After every step, every target a person
confirmed or edited is on disk with its status, in the right target language's file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from conftest import ROOT
from fakes import FakeEngine, factory, translate_project
from figures import add as record_figure
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from workbench.errors import WorkbenchError
from workbench.glossary.entries import Entry, append_entry
from workbench.project import Project
from workbench.review import Review, SegmentConflict
from workbench.store import Store

ARTICLES = ("001_82dc057f0c50e8de", "004_946b22bb11cec535")
EXAMPLES = int(os.environ.get("WORKBENCH_STATE_EXAMPLES", "25"))


class Promise(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="workbench-state-"))
        root = self.folder / "project"
        (root / "seeds").mkdir(parents=True)
        for article in ARTICLES:
            shutil.copy(ROOT / "seeds" / f"{article}.txt", root / "seeds")
        shutil.copytree(ROOT / "glossaries", root / "glossaries")
        self.project = Project(root)
        self.model = 1
        translate_project(self.project, FakeEngine("fr"), FakeEngine("ru"))
        self.sessions = [self.open(), self.open()]
        # what people did and must find again: (article, segment id) → (target, status)
        self.human: dict[tuple[str, str], tuple[str, str]] = {}
        self.words = 0

    def open(self) -> Review:
        review = Review(self.project, engines=factory(FakeEngine("fr"), FakeEngine("ru")))
        review.load()
        return review

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def text(self) -> str:
        self.words += 1
        return f"Human text {self.words} « ok »"

    def segment(self, who: int, article: int, index: int):  # type: ignore[no-untyped-def]
        review = self.sessions[who]
        segments = review.document(ARTICLES[article]).segments
        return review, ARTICLES[article], segments[index % len(segments)]

    def landed(self, article: str, record) -> None:  # type: ignore[no-untyped-def]
        if record.status in ("edited", "reviewed"):
            self.human[(article, record.id)] = (record.target, record.status)
        else:
            self.human.pop((article, record.id), None)

    # -- review operations ----------------------------------------------------------------

    @rule(
        who=st.integers(0, 1),
        article=st.integers(0, 1),
        index=st.integers(0, 40),
        kind=st.sampled_from(["edit", "confirm", "accept"]),
    )
    def change(self, who: int, article: int, index: int, kind: str) -> None:
        review, article_id, base = self.segment(who, article, index)
        try:
            if kind == "edit":
                after = review.edit(article_id, base, self.text())
            elif kind == "confirm":
                after = review.confirm(article_id, base, self.text())
            else:
                if not base.mt:
                    return
                after = review.accept_mt(article_id, base)
        except SegmentConflict as conflict:
            # the other session got there first with a human change; ours was not written
            assert conflict.theirs is None or conflict.theirs.human
            return
        self.landed(article_id, after)

    @rule(who=st.integers(0, 1))
    def undo(self, who: int) -> None:
        review = self.sessions[who]
        try:
            undone = review.undo()
        except SegmentConflict:
            return
        if undone is not None:
            self.landed(*undone)

    @rule(who=st.integers(0, 1), article=st.integers(0, 1), pick=st.integers(0, 20))
    def restore(self, who: int, article: int, pick: int) -> None:
        review = self.sessions[who]
        article_id = ARTICLES[article]
        document = review.document(article_id)
        lines = [r.line for r in document.removed if r.text and r.line not in document.restored]
        if lines:
            review.restore_line(article_id, lines[pick % len(lines)])

    # -- machines and other writers ------------------------------------------------------------

    @rule()
    def translate_with_a_newer_model(self) -> None:
        self.model += 1
        model = f"fake/{self.model}"
        translate_project(self.project, FakeEngine("fr", model_id=model), FakeEngine("ru", model_id=model))

    @rule()
    def translate_into_german(self) -> None:
        store = Store(self.project, "de")
        from workbench.mt.memory import TranslationMemory
        from workbench.pipeline import read_sources
        from workbench.prepare import Preparer, sync
        from workbench.translate import translate_documents

        documents = sync(store, Preparer(self.project.prepared), read_sources([self.project.seeds]))
        with TranslationMemory(self.project.memory) as tm:
            translate_documents(
                documents, store, tm, engines=factory(FakeEngine("fr", "de"), FakeEngine("ru", "de"))
            )

    @rule(n=st.integers(0, 1000))
    def add_to_the_glossary(self, n: int) -> None:
        with contextlib.suppress(WorkbenchError):  # already there: refused, nothing written
            append_entry(
                self.project.glossaries,
                Entry(id=f"person-{n}", type="person", en=f"Person {n}", forms={"fr": (f"Personne{n}",)}),
            )

    @rule()
    def lose_every_cache(self) -> None:
        shutil.rmtree(self.project.prepared, ignore_errors=True)
        for index in self.project.state.glob("index.*.json"):
            index.unlink()

    @rule(who=st.integers(0, 1))
    def kill_a_session(self, who: int) -> None:
        self.sessions[who] = self.open()  # the old one is dropped mid-flight, as by kill -9

    @precondition(lambda self: len(self.human) > 0)
    @rule(article=st.integers(0, 1))
    def edit_the_source_elsewhere(self, article: int) -> None:
        # a line is added to the source: its segments are new, the others keep their work
        path = self.project.seeds / f"{ARTICLES[article]}.txt"
        path.write_text(
            path.read_text(encoding="utf-8") + f"\nUne phrase ajoutée {self.words}.\n", encoding="utf-8"
        )
        translate_project(
            self.project,
            FakeEngine("fr", model_id=f"fake/{self.model}"),
            FakeEngine("ru", model_id=f"fake/{self.model}"),
        )

    # -- the promise -------------------------------------------------------------------------

    @invariant()
    def nothing_confirmed_is_lost_or_relabelled(self) -> None:
        english = {a: Store(self.project).read(a) for a in ARTICLES}
        for (article, segment_id), (target, status) in self.human.items():
            record = english[article].segment(segment_id)
            assert record is not None, (article, segment_id)
            assert (record.target, record.status) == (target, status), (article, segment_id)
            record_figure("human segments checked")
        for article in ARTICLES:
            assert english[article].target_language == "en"
            german = Store(self.project, "de").read(article)
            if german is not None:
                assert german.target_language == "de"
                assert not any(s.target.startswith("Human text") for s in german.segments)


TestPromise = Promise.TestCase
TestPromise.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
