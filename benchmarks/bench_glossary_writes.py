"""Glossary write cost: one `add`, and an import that updates half of a large file.

Run:  .venv/bin/python benchmarks/bench_glossary_writes.py

Each write takes the glossary lock, reads the whole folder (as `load_folder` does), plans
the merge and replaces the touched files atomically; only the entries an import updates
are parsed by tomlkit. Files of 100, 1,000 and 5,000 people (three forms and a note each)
are generated in a temporary folder; best of 3.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path


def best(run, times: int = 3) -> float:  # type: ignore[no-untyped-def]
    results = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        results.append(time.perf_counter() - start)
    return min(results)


def measure(n: int) -> tuple[float, float]:
    from workbench.glossary.edit import add_entry, merge_entries, to_toml
    from workbench.glossary.entries import entry_from_table

    people = [
        entry_from_table(
            {
                "en": f"Person {i}",
                "type": "person",
                "ru": [f"Персона {i}", f"П{i}"],
                "fr": [f"Personne {i}"],
                "note": f"Note {i}.",
            },
            "bench",
        )
        for i in range(n)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "glossaries"
        folder.mkdir()
        big = folder / "people.toml"
        big.write_text(to_toml(people, "Generated."), encoding="utf-8")
        counter = iter(range(10**6))

        def add() -> None:
            i = next(counter)
            add_entry(folder, entry_from_table({"en": f"New {i}", "fr": [f"Nouveau {i}"]}, "bench"), big)

        def update() -> None:
            i = next(counter)
            rows = [
                entry_from_table({"en": f"Person {k}", "type": "person", "fr": [f"P. {k}.{i}"]}, "bench")
                for k in range(n // 2)
            ]
            result = merge_entries(folder, rows, big)
            assert len(result.plan.updated) == n // 2, result.plan.conflicts[:1]

        return best(add), best(update)


def main() -> None:
    print(f"{'entries':>8} {'add one':>9} {'import updating half':>21}")
    for n in (100, 1000, 5000):
        add, update = measure(n)
        print(f"{n:>8} {add:>8.2f}s {update:>20.2f}s")


if __name__ == "__main__":
    main()
