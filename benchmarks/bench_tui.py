"""Review screen at scale: a generated project of 1,000 articles and 30,000 segments.

Run:  .venv/bin/python benchmarks/bench_tui.py [ARTICLES] [SEGMENTS_PER_ARTICLE]
      .venv/bin/python benchmarks/bench_tui.py save [SOURCE_MB] [LONGEST_SEGMENT]

The second form measures saving on one article with SOURCE_MB (default 3.9, the largest
accepted input is 4 MB) of source text: pilot presses `c`, the time until the row shows
reviewed (journaled and fsynced, then painted: durable before shown), until the change is
folded into the file behind and taken in on screen, and the cost of a key press while that
fold is in flight; then the journal append alone and the fold alone, timed directly.

Prints the time from starting a process to its first complete screen (articles listed, first
article's rows drawn) and to the glossary and QA checks loaded behind it, and the cost of a key press when moving between segments and articles,
measured headless through Textual's pilot. Two figures per key: the CPU time the process
spent on it (handler, layout, rendering), and the wall time of pilot.press + pilot.pause,
which includes the pilot's own waits for the next frame; both are also given for a
trivial one-table app, the floor that no Textual app goes below.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def generate(root: Path, articles: int, per_article: int) -> int:
    from workbench.mt.memory import unit_key  # noqa: F401  (warm the import like the app)
    from workbench.store import SCHEMA

    rng = random.Random(7)
    sentences = [
        line.strip()
        for p in sorted((ROOT / "seeds").glob("*.txt"))
        for line in p.read_text("utf-8").splitlines()
        if len(line.strip()) > 30
    ]
    folder = root / "translations"
    folder.mkdir(parents=True)
    for a in range(articles):
        segments = []
        for i in range(per_article):
            source = rng.choice(sentences)[:220]
            segments.append(
                {
                    "id": f"{a:04d}{i:04d}",
                    "block": i // 3,
                    "index": i % 3,
                    "kind": "text",
                    "source": source,
                    "mt": "EN " + source,
                    "target": "EN " + source,
                    "status": rng.choice(["machine", "machine", "edited", "reviewed"]),
                    "score": -1.0,
                    "model": "bench",
                    "origin": "engine",
                    "glossary": [],
                    "updated": "",
                }
            )
        document = {
            "schema": SCHEMA,
            "article_id": f"article-{a:04d}",
            "source_path": f"seeds/article-{a:04d}.txt",
            "source_language": "fr" if a % 4 else "ru",
            "target_language": "en",
            "title": segments[0]["source"][:60],
            "date": None,
            "segments": segments,
            "orphans": [],
            "removed": [],
            "restored": [],
            "revision": 1,
            "updated": "",
        }
        (folder / f"article-{a:04d}.en.json").write_text(
            json.dumps(document, ensure_ascii=False), encoding="utf-8"
        )
    (root / "glossaries").mkdir()
    for path in (ROOT / "glossaries").glob("*.toml"):
        (root / "glossaries" / path.name).write_text(path.read_text("utf-8"), encoding="utf-8")
    return articles * per_article


# A child process, as a user starts the screen: it prints, in seconds since it was spawned
# (the parent's clock), when the first frame painted with the articles listed and the first
# article's rows drawn, and when the glossary and QA checks were loaded behind it.
FIRST_SCREEN = """
import asyncio, sys, time
from pathlib import Path
spawned = float(sys.argv[2])
from workbench.project import Project
from workbench.tui import create_app
import textual.screen
seen = {}
paint = textual.screen.Screen._compositor_refresh  # private: the one place a frame is written

def painted(screen):
    paint(screen)
    table = getattr(screen, "table", None)
    if "first" not in seen and table is not None and table.row_count and screen.article_list.table.row_count:
        seen["first"] = time.time() - spawned
        seen["cpu"] = time.process_time()  # the process's, every thread's, since it started

textual.screen.Screen._compositor_refresh = painted

async def run():
    app = create_app(Project(Path(sys.argv[1])), watch_interval=0)
    async with app.run_test(size=(160, 45)) as pilot:
        while not ("first" in seen and app.main.session.qa_ready):
            await pilot.pause(0.005)
        seen["checks"] = time.time() - spawned
asyncio.run(run())
print(seen["first"], seen["checks"], seen["cpu"])
"""


def first_screen(root: Path, runs: int = 5) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for label, count in (("first start (summaries cache built)", 1), ("later starts (cache warm)", runs)):
        firsts, checks, cpus = [], [], []
        for _ in range(count):
            out = subprocess.run(
                [sys.executable, "-c", FIRST_SCREEN, str(root), repr(time.time())],
                capture_output=True, text=True, env=env, check=True, timeout=120,
            ).stdout.split()
            firsts.append(float(out[0]))
            checks.append(float(out[1]))
            cpus.append(float(out[2]))
        print(
            f"{label}: first complete screen {statistics.median(firsts) * 1000:.0f} ms after the process started"
            f" (median of {count}; worst {max(firsts) * 1000:.0f}; CPU {statistics.median(cpus) * 1000:.0f}),"
            " glossary and QA checks loaded at"
            f" {statistics.median(checks) * 1000:.0f} ms"
        )


async def measure(root: Path) -> None:
    from workbench.project import Project
    from workbench.tui import create_app

    first_screen(root)
    app = create_app(Project(root), watch_interval=0)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.main.cursor.article is not None
        await report(pilot, "next segment, while the corpus is read behind", (["down"] * 25 + ["up"] * 25)[:30])
        for _ in range(600):  # the steady state: every article read
            if not any(w.is_running for w in app.workers):
                break
            await asyncio.sleep(0.05)
        for label, keys in (
            ("next segment (down)", ["down"] * 25 + ["up"] * 25),
            ("next article (])", ["right_square_bracket"] * 40),
        ):
            await report(pilot, label, keys * 2)
        await filters(pilot)
        await typing(pilot)
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    await floor()


async def filters(pilot) -> None:  # type: ignore[no-untyped-def]
    """A filter over the whole corpus, once every article is read (the loading worker)."""
    from workbench.review.corpus import Filter

    app = pilot.app
    for _ in range(600):
        if not any(w.is_running for w in app.workers):
            break
        await asyncio.sleep(0.05)
    spec = Filter(statuses=frozenset({"edited"}))
    for label, run in (
        ("filter, session only", lambda: app.session.filter(spec)),
        ("filter, applied on screen", lambda: app.main.apply_filter(spec)),
        ("filter, cleared", lambda: app.main.apply_filter(Filter())),
    ):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            run()
            await pilot.pause()
            times.append(time.perf_counter() - start)
        times.sort()
        print(f"{label:<26} median {1000 * times[2]:6.1f} ms, worst {1000 * times[-1]:6.1f} ms")


async def typing(pilot) -> None:  # type: ignore[no-untyped-def]
    """A keystroke in the editor, and the live QA check that runs after a pause in typing."""
    app = pilot.app
    await pilot.press("e")
    await pilot.pause()
    await report(pilot, "keystroke in the editor", list("the government said ") * 2)
    article, record = app.main.cursor.article, app.main.current()
    text = app.main.editor.text
    times = []
    for n in range(40):
        typed = text + " word" * (n % 7) + f" {n} million"
        start = time.perf_counter()
        app.session.findings(article, record.id, typed)
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"live QA check of the typed text: median {1000 * times[20]:.1f} ms, worst {1000 * times[-1]:.1f} ms")
    await pilot.press("escape")


async def report(pilot, label: str, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    walls, cpus = [], []
    for key in keys:
        wall, cpu = time.perf_counter(), time.process_time()
        await pilot.press(key)
        await pilot.pause()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    walls.sort()
    cpus.sort()
    print(
        f"{label:<22} CPU mean {1000 * sum(cpus) / len(cpus):5.1f} ms (95th {1000 * cpus[int(len(cpus) * 0.95)]:5.1f}); "
        f"wall mean {1000 * sum(walls) / len(walls):5.1f} ms (95th {1000 * walls[int(len(walls) * 0.95)]:5.1f}) "
        f"over {len(keys)} presses"
    )


async def floor() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Trivial(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("a", "b")
            for i in range(30):
                table.add_row(str(i), "x" * 50)
            table.focus()

    async with Trivial().run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await report(pilot, "floor: trivial app", ["down"] * 25 + ["up"] * 25)


def generate_large(root: Path, source_mb: float, longest: int = 300) -> Path:
    """One article with `source_mb` MB of source text, translated and half reviewed."""
    from workbench.store import SCHEMA

    rng = random.Random(11)
    sentences = [
        line.strip()
        for p in sorted((ROOT / "seeds").glob("*.txt"))
        for line in p.read_text("utf-8").splitlines()
        if len(line.strip()) > 30
    ]
    segments, size, i = [], 0, 0
    while size < source_mb * 1_000_000:
        source = rng.choice(sentences)[:longest]
        size += len(source.encode("utf-8"))
        segments.append(
            {
                "id": f"s{i:06d}",
                "block": i // 4,
                "index": i % 4,
                "kind": "text",
                "source": source,
                "mt": "EN " + source,
                "target": "EN " + source,
                "status": "machine",
                "score": -1.0,
                "model": "bench",
                "origin": "engine",
                "glossary": [],
                "updated": "",
            }
        )
        i += 1
    document = {
        "schema": SCHEMA,
        "article_id": "large",
        "source_path": "seeds/large.txt",
        "source_language": "fr",
        "target_language": "en",
        "title": "A very long article",
        "date": None,
        "segments": segments,
        "orphans": [],
        "removed": [],
        "restored": [],
        "revision": 1,
        "updated": "",
    }
    folder = root / "translations"
    folder.mkdir(parents=True)
    path = folder / "large.en.json"
    # as the store writes it (indent 1), so the file has the size a real one would
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    (root / "glossaries").mkdir()
    for glossary in (ROOT / "glossaries").glob("*.toml"):
        (root / "glossaries" / glossary.name).write_text(glossary.read_text("utf-8"), encoding="utf-8")
    print(f"generated one article: {size / 1e6:.1f} MB of source, {len(segments)} segments, {path.stat().st_size / 1e6:.0f} MB JSON")
    return path


async def measure_saves(root: Path, presses: int = 5) -> None:
    from workbench.project import Project
    from workbench.tui import create_app

    app = create_app(Project(root), watch_interval=0)
    shown: list[float] = []
    ticks: list[float] = []
    async with app.run_test(size=(160, 45)) as pilot:
        start = time.perf_counter()
        while app.main.cursor.article is None:
            await pilot.pause(0.05)
        await pilot.pause()
        print(f"article open in {time.perf_counter() - start:.1f} s")
        screen = app.main
        real_confirm = screen.action_confirm

        def timed_confirm() -> None:
            # from the key reaching its handler to the screen painted with the change
            begun = time.perf_counter()
            real_confirm()
            app.call_after_refresh(lambda: shown.append(time.perf_counter() - begun))

        screen.action_confirm = timed_confirm  # type: ignore[method-assign]
        # a 10 ms timer on the UI thread: its longest gap is the longest the UI could not answer
        app.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
        saved, stalls = [], []
        for _ in range(presses):
            t0 = time.perf_counter()
            ticks.clear()
            await pilot.press("c")
            while app.session.unsaved():
                await asyncio.sleep(0.005)
            await pilot.pause()
            saved.append(time.perf_counter() - t0)
            gaps = [b - a for a, b in itertools.pairwise(ticks)]
            stalls.append(max(gaps, default=0.0))
    print(
        f"confirm (c) until the row shows reviewed (journaled, then painted): mean {1000 * sum(shown) / len(shown):.0f} ms,"
        f" max {1000 * max(shown):.0f} ms over {presses} presses"
    )
    print(f"confirm until folded into the file and taken in on screen: mean {sum(saved) / len(saved):.1f} s, max {max(saved):.1f} s")
    print(
        f"longest the UI thread could not answer while a fold ran (gap between 10 ms ticks):"
        f" mean {1000 * sum(stalls) / len(stalls):.0f} ms, max {1000 * max(stalls):.0f} ms"
    )
    from workbench.review.session import ReviewSession

    session = ReviewSession(Project(root))
    session.open()
    record = session.document("large").segments[presses + 1]
    t0 = time.perf_counter()
    session.confirm("large", record.id)
    journaled = time.perf_counter() - t0
    session.flush()
    print(
        f"the same confirm in the session: journaled in {1000 * journaled:.1f} ms;"
        f" folded into the file {time.perf_counter() - t0:.1f} s later"
    )
    session.close()
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "save":
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "project"
            source_mb = float(sys.argv[2]) if len(sys.argv) > 2 else 3.9
            longest = int(sys.argv[3]) if len(sys.argv) > 3 else 300  # shorter: more segments, more JSON
            generate_large(root, source_mb, longest)
            asyncio.run(measure_saves(root))
        return
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    per_article = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        total = generate(root, articles, per_article)
        print(f"generated {articles} articles, {total} segments")
        asyncio.run(measure(root))


if __name__ == "__main__":
    main()
