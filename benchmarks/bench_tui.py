"""Review screen at scale: a generated project of 1,000 articles and 30,000 segments.

Run:  .venv/bin/python benchmarks/bench_tui.py [ARTICLES] [SEGMENTS_PER_ARTICLE]

Prints the time from starting the app to its first complete screen (articles listed, first
article open), and the cost of a key press when moving between segments and articles,
measured headless through Textual's pilot. Two figures per key: the CPU time the process
spent on it (handler, layout, rendering), and the wall time of pilot.press + pilot.pause,
which includes the pilot's own waits for the next frame; both are also given for a
trivial one-table app, the floor that no Textual app goes below.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
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
        (folder / f"article-{a:04d}.json").write_text(
            json.dumps(document, ensure_ascii=False), encoding="utf-8"
        )
    (root / "glossaries").mkdir()
    for path in (ROOT / "glossaries").glob("*.toml"):
        (root / "glossaries" / path.name).write_text(path.read_text("utf-8"), encoding="utf-8")
    return articles * per_article


async def measure(root: Path) -> None:
    from workbench.project import Project
    from workbench.tui.app import WorkbenchApp

    for run in ("first start (summaries cache built)", "later starts (cache warm)"):
        start = time.perf_counter()
        app = WorkbenchApp(Project(root), watch_interval=0)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            first_paint = time.perf_counter() - start
            print(
                f"{run}: first complete screen in {first_paint * 1000:.0f} ms ({app.articles_table.row_count} articles)"
            )
    app = WorkbenchApp(Project(root), watch_interval=0)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.article_id is not None
        for label, keys in (
            ("next segment (down)", ["down"] * 25 + ["up"] * 25),
            ("next article (])", ["right_square_bracket"] * 40),
        ):
            await report(pilot, label, keys * 2)
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    await floor()


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


def main() -> None:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    per_article = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        total = generate(root, articles, per_article)
        print(f"generated {articles} articles, {total} segments")
        asyncio.run(measure(root))


if __name__ == "__main__":
    main()
