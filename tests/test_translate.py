"""The translate stage: corpus-wide batching, memory reuse, human work kept, resumable."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from conftest import run_cli, seed
from fakes import FakeEngine, factory

from workbench.mt.engine import EngineSettings
from workbench.mt.memory import TranslationMemory
from workbench.pipeline import article_from_bytes, expand_sources, load_article
from workbench.prepare import save_article
from workbench.project import Project
from workbench.store import Store
from workbench.translate import engine_factory, translate_documents


def seeds_of(project: Project):
    return [load_article(p) for p in expand_sources([project.seeds])]


def run(project: Project, articles, *engines, target: str = "en", **kwargs):
    """Save the articles' documents (as the prepare stage does), then translate those."""
    store = Store(project, target)
    documents = [save_article(store, article) for article in articles]
    with TranslationMemory(project.memory) as tm:
        return translate_documents(documents, store, tm, engines=factory(*engines), **kwargs)


def test_every_segment_gets_one_target(project: Project) -> None:
    fr, ru = FakeEngine("fr"), FakeEngine("ru")
    articles = seeds_of(project)
    summary = run(project, articles, fr, ru)
    assert summary.missing == [] and summary.files_written == 5
    for article in articles:
        doc = Store(project).read(article.id)
        assert [r.source for r in doc.segments] == [s.text for s in article.segments]
        assert all(r.target == f"EN({r.source})" and r.status == "machine" for r in doc.segments)
        assert all(r.model == "fake/1" and r.origin == "engine" for r in doc.segments)


def test_all_articles_of_a_language_go_to_the_engine_together(project: Project) -> None:
    class Recording(FakeEngine):
        calls: list[int] = []

        def translate(self, sentences):
            self.calls.append(len(sentences))
            yield from super().translate(sentences)

    fr = Recording("fr", chunk=1000)
    articles = [a for a in seeds_of(project) if a.language == "fr"]
    run(project, articles, fr, FakeEngine("ru"))
    assert fr.calls == [sum(len(a.segments) for a in articles)]  # one call for four articles


def test_second_run_decodes_nothing(project: Project) -> None:
    articles = seeds_of(project)
    run(project, articles, FakeEngine("fr"), FakeEngine("ru"))
    fr, ru = FakeEngine("fr"), FakeEngine("ru")
    summary = run(project, articles, fr, ru)
    assert fr.decoded == [] and ru.decoded == []
    assert summary.decoded == 0 and summary.files_written == 0
    assert summary.current == summary.segments


def test_duplicates_are_decoded_once_and_memory_serves_other_articles(project: Project) -> None:
    shared = "Le Kremlin a refusé de commenter."
    a = article_from_bytes(f"Titre A\n\n{shared} Première phrase propre à A.\n{shared}\n".encode(), "a.txt")
    b = article_from_bytes(f"Titre B\n\n{shared}\n".encode(), "b.txt")
    fr = FakeEngine("fr")
    summary = run(project, [a], fr)
    assert fr.decoded.count(shared) == 1 and summary.duplicates == 1
    later = FakeEngine("fr")
    summary = run(project, [b], later)
    assert shared not in later.decoded and summary.from_memory == 1
    assert Store(project).read("b").segment(b.segments[1].id).target == f"EN({shared})"


def test_human_edits_are_never_overwritten(project: Project) -> None:
    article = load_article(seed("001"))
    run(project, [article], FakeEngine("fr"))
    store = Store(project)

    def edit(doc):
        doc.segments[1].target, doc.segments[1].status = "A human wrote this.", "edited"
        doc.segments[2].target, doc.segments[2].status = "A reviewer confirmed this.", "reviewed"
        return doc

    store.update(article.id, edit)
    newer_model = FakeEngine("fr", model_id="fake/2")
    summary = run(project, [article], newer_model)
    doc = store.read(article.id)
    assert doc.segments[1].target == "A human wrote this." and doc.segments[1].status == "edited"
    assert doc.segments[2].target == "A reviewer confirmed this." and doc.segments[2].status == "reviewed"
    assert summary.kept_human == 2
    # the other machine segments were re-translated by the newer model
    assert doc.segments[3].model == "fake/2"
    assert article.segments[1].text not in newer_model.decoded


def test_crash_half_way_resumes_without_redoing_finished_work(project: Project) -> None:
    articles = [a for a in seeds_of(project) if a.language == "fr"]
    crashing = FakeEngine("fr", chunk=10)
    crashing.fail_after = 3
    with pytest.raises(RuntimeError):
        run(project, articles, crashing)
    assert len(crashing.decoded) == 30
    for path in project.translations.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))  # nothing torn
    again = FakeEngine("fr", chunk=10)
    summary = run(project, articles, again)
    # the 30 finished sentences come back from a saved file (an article completed before the
    # crash) or from the memory, which every finished chunk was committed to
    assert summary.from_memory + summary.current == 30 and summary.from_memory > 0
    assert not set(again.decoded) & set(crashing.decoded)
    assert summary.decoded == len({s.text for a in articles for s in a.segments}) - 30


def test_cancel_stops_between_chunks_and_saves_consistently(project: Project) -> None:
    articles = [a for a in seeds_of(project) if a.language == "fr"]
    cancel = threading.Event()
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= 20:
            cancel.set()

    summary = run(project, articles, FakeEngine("fr", chunk=10), progress=progress, cancel=cancel)
    assert summary.cancelled and summary.decoded == 20
    statuses = [r.status for a in articles for r in Store(project).read(a.id).segments]
    assert statuses.count("machine") == 20 and statuses.count("new") == len(statuses) - 20


def test_missing_model_is_reported_and_the_rest_is_done(project: Project) -> None:
    summary = run(project, seeds_of(project), FakeEngine("fr"))
    assert summary.missing == [
        "no ru→en model is installed; run `workbench models install ru-en` (or `workbench models install FILE.argosmodel` offline)."
    ]
    doc = Store(project).read("004_946b22bb11cec535")
    assert {r.status for r in doc.segments} == {"new"}  # sources ready for a human translator
    assert {r.status for r in Store(project).read("001_82dc057f0c50e8de").segments} == {"machine"}


def test_article_already_in_english_is_copied(project: Project) -> None:
    english = article_from_bytes(b"The headline\n\nThe Kremlin said nothing at all about it.\n", "en.txt")
    summary = run(project, [english], FakeEngine("fr"))
    doc = Store(project).read("en")
    assert summary.identity == 2 and [r.target for r in doc.segments] == [r.source for r in doc.segments]


def test_concurrent_confirmation_is_not_lost(project: Project) -> None:
    """A reviewer confirms a segment while translate runs: the save merges, not overwrites."""
    article = load_article(seed("001"))
    store = Store(project)
    store.update(article.id, lambda doc: __import__("workbench.store").store.merge(article, None, "en"))

    class Interleaving(FakeEngine):
        def translate(self, sentences):
            def confirm(doc):
                doc.segments[4].target, doc.segments[4].status = "Confirmed meanwhile.", "reviewed"
                return doc

            store.update(article.id, confirm)
            yield from super().translate(sentences)

    run(project, [article], Interleaving("fr", chunk=100))
    doc = store.read(article.id)
    assert doc.segments[4].target == "Confirmed meanwhile." and doc.segments[4].status == "reviewed"
    assert all(r.status == "machine" for i, r in enumerate(doc.segments) if i != 4)


def test_end_to_end_through_the_real_package(project: Project, installed) -> None:
    """argostranslate package + SentencePiece + CTranslate2, the production path."""
    articles = [a for a in seeds_of(project) if a.language == "fr"]
    documents = [save_article(Store(project), article) for article in articles]
    with TranslationMemory(project.memory) as tm:
        summary = translate_documents(
            documents, Store(project), tm, engines=engine_factory(EngineSettings(max_decoding_length=12))
        )
    unique = len({s.text for a in articles for s in a.segments})
    assert summary.decoded == unique and summary.missing == []
    for article in articles:
        doc = Store(project).read(article.id)
        assert len(doc.segments) == len(article.segments)
        assert all(
            r.target and r.status == "machine" and r.model == installed.identity() for r in doc.segments
        )
        assert all(isinstance(r.score, float) for r in doc.segments)


def test_cli_translate_offline(project: Project, installed, packages_dir: Path) -> None:
    result = run_cli("translate", "--json", "--max-length", "12", cwd=project.root)
    assert result.returncode == 1  # the Russian article has no model here
    summary = json.loads(result.stdout)
    assert summary["articles"] == 5 and summary["decoded"] == 86 and summary["prepared"] == 5
    assert summary["files_written"] == 5  # the Russian article too, saved as prepared, untranslated
    assert result.stderr.decode() == (
        "workbench: no ru→en model is installed; run `workbench models install ru-en` "
        "(or `workbench models install FILE.argosmodel` offline).\n"
    )
    again = json.loads(run_cli("translate", "--json", "--max-length", "12", cwd=project.root).stdout)
    assert again["decoded"] == 0 and again["current"] == 86
    assert again["prepared"] == 0 and again["prepared_reused"] == 0  # not even read back: unchanged
    text = run_cli("translate", "seeds/001_82dc057f0c50e8de.txt", cwd=project.root)
    assert text.returncode == 0
    assert b"15 segments: 0 translated by the model" in text.stdout


def test_files_written_counts_the_files_preparing_wrote(project: Project, packages_dir: Path) -> None:
    """No model installed: nothing is translated, yet every article is written as prepared."""
    result = run_cli("translate", "--json", cwd=project.root)
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    assert summary["decoded"] == 0 and summary["files_written"] == 5 == len(list(project.translations.glob("*.json")))
    text = run_cli("translate", cwd=project.root)
    assert b"0 files written" in text.stdout  # now truly none: all five are current
    (project.seeds / "001_82dc057f0c50e8de.txt").write_text("Un titre\n\nUne phrase nouvelle.\n", encoding="utf-8")
    assert b" 1 files written" in run_cli("translate", cwd=project.root).stdout


def test_every_batch_is_committed_before_more_work_is_submitted(project: Project, installed) -> None:
    """The kill bound at the stage: when the engine submits a batch, every batch it handed
    back before is in the memory, so a kill then redoes at most the window in flight."""
    import sqlite3

    from test_mt_engine import Gated

    from workbench.mt.engine import ArgosEngine

    articles = [a for a in seeds_of(project) if a.language == "fr"]
    engine = ArgosEngine(installed, EngineSettings(inter_threads=2, max_batch_tokens=64))
    window = engine.settings.in_flight
    handed_back: list[int] = []  # sizes of the batches the stage has taken
    checked = []

    class Checking(Gated):
        def translate_batch(self, batch, **options):  # type: ignore[no-untyped-def]
            if project.memory.exists():
                with sqlite3.connect(project.memory) as db:
                    units = db.execute("SELECT count(*) FROM units").fetchone()[0]
                assert units >= sum(handed_back)
                checked.append(units)
            assert len(self.calls) - len(handed_back) < window  # never more than the window out
            results = super().translate_batch(batch, **options)
            self.gates[-1].set()  # finished at once: only the caller's pace holds batches back
            return results

    class Watched:
        source, target, model_id = engine.source, engine.target, engine.model_id

        def translate(self, sentences):  # type: ignore[no-untyped-def]
            for finished in engine.translate(sentences):
                handed_back.append(len(finished))
                yield finished

    engine._translator = Checking()
    summary = run(project, articles, Watched())
    unique = len({s.text for a in articles for s in a.segments})
    assert summary.decoded == unique and len(engine._translator.calls) > 2 * window
    assert len(checked) > window and checked[-1] > 0


def test_cli_translate_without_seeds_folder(tmp_path: Path) -> None:
    result = run_cli("translate", cwd=tmp_path)
    assert result.returncode == 1
    assert b"has no seeds/ folder" in result.stderr


def test_kill_9_half_way_then_resume(tmp_path: Path, installed, packages_dir: Path) -> None:
    """SIGKILL the real CLI after its first committed chunk: nothing torn, nothing redone."""
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from conftest import GUARD, seed_texts

    root = tmp_path / "big"
    (root / "seeds").mkdir(parents=True)
    lines = [line for line in seed_texts() if len(line) > 40]
    for n in range(12):
        body = "\n".join(f"{line} (version {n})" for line in lines)
        (root / "seeds" / f"a{n:02d}.txt").write_text(f"Article numéro {n}\n\n{body}\n", encoding="utf-8")
    args = [
        sys.executable,
        "-m",
        "workbench",
        "translate",
        "--json",
        "--max-length",
        "16",
        "--batch-tokens",
        "64",
    ]
    env = {**__import__("os").environ, "PYTHONPATH": str(GUARD)}
    proc = subprocess.Popen(args, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    memory = root / ".workbench" / "memory.sqlite"
    committed = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if memory.exists():
            try:
                with sqlite3.connect(memory, timeout=1) as db:
                    committed = db.execute("SELECT count(*) FROM units").fetchone()[0]
            except sqlite3.OperationalError:
                committed = 0
            if committed:
                break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert committed > 0
    for path in (root / "translations").glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    assert not list((root / "translations").glob(".*.tmp"))
    result = run_cli("translate", "--json", "--max-length", "16", cwd=root)
    summary = json.loads(result.stdout)
    total = summary["segments"]
    assert summary["decoded"] + summary["from_memory"] + summary["current"] + summary["duplicates"] == total
    assert summary["from_memory"] + summary["current"] >= committed
    assert summary["decoded"] <= total - committed
    assert summary["files_written"] > 0


def test_segment_ids_shared_by_two_articles_do_not_mix_their_texts(project: Project) -> None:
    """Ids are unique within an article only: two articles may both have a segment "0-0"."""
    from workbench.model import Article, Block, Segment

    def article(name: str, text: str) -> Article:
        block = Block("title", text, 1, "fr", (), (Segment("0-0", 0, 0, text, 0, len(text)),))
        return Article(name, f"{name}.txt", "fr", None, (block,))

    engine = FakeEngine("fr")
    summary = run(project, [article("a", "Le Kremlin a réagi."), article("b", "Zoom a répondu.")], engine)
    assert summary.decoded == 2 and summary.duplicates == 0
    assert Store(project).read("a").segments[0].target == "EN(Le Kremlin a réagi.)"
    assert Store(project).read("b").segments[0].target == "EN(Zoom a répondu.)"


def test_a_source_recorded_under_an_absolute_path_is_the_same_article(tmp_path: Path) -> None:
    """The library records the path it was given (absolute, here); the CLI names the same file
    relative to the project: one article, not two with the same id."""
    import shutil

    from conftest import SEEDS
    from fakes import translate_project

    from workbench.project import Project

    root = tmp_path / "project"
    shutil.copytree(SEEDS, root / "seeds")
    translate_project(Project(root), FakeEngine("fr"), FakeEngine("ru"))
    for path in (root / "translations").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["source_path"] = str(root / data["source_path"])  # as an older version or the API left it
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run_cli("translate", cwd=root)
    assert b"same article id" not in result.stderr, result.stderr.decode()
    assert result.stderr.startswith(b"workbench: no fr") or result.returncode == 0, result.stderr.decode()


def test_a_sentence_edited_in_the_source_keeps_its_human_translation_to_check(tmp_path: Path) -> None:
    """A letter's case or a word changed in the source makes a new segment; the reviewed
    translation comes with it, edited (to be checked), not set aside among the orphans."""
    import shutil

    from conftest import SEEDS
    from fakes import translate_project

    from workbench.project import Project
    from workbench.store import Store

    root = tmp_path / "project"
    shutil.copytree(SEEDS, root / "seeds")
    project = Project(root)
    translate_project(project, FakeEngine("fr"), FakeEngine("ru"))
    article = "000_a82796ccd2587049"
    store = Store(project)
    second = store.read(article).segments[1]

    def review(document):  # type: ignore[no-untyped-def]
        record = next(s for s in document.segments if s.id == second.id)
        record.supersede()
        record.target, record.status, record.author = "While Russian public bodies said…", "reviewed", "ana"
        return document

    store.update(article, review)
    seed = root / "seeds" / f"{article}.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("structures publiques russes ont", "structures PUBLIQUES russes ont"), encoding="utf-8")
    translate_project(project, FakeEngine("fr"), FakeEngine("ru"))
    document = store.read(article)
    record = document.segments[1]
    assert record.id != second.id and "PUBLIQUES" in record.source
    assert (record.target, record.status, record.author) == ("While Russian public bodies said…", "edited", "ana")
    assert ("While Russian public bodies said…", "reviewed") in [(v.target, v.status) for v in record.history]
    assert not any(o.target == "While Russian public bodies said…" for o in document.orphans)

