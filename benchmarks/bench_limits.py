"""Hostile inputs that once cost minutes and gigabytes, timed end to end through the CLI.

- a 2.4 MB TBX nested 100,000 deep (`glossary import --dry-run`): ran over 10 minutes;
- a 1 MB `.warc.gz` whose header line inflates to 1 GiB (`clean`): 3.2 GB and 49 s;
- `report` on one 45,000-character target: 52 s and 927 MB;
- `export --filter LanguageIDFilter` over 20,000 segments (Lingua on each target, bounded).

Each runs in a child process; the figures are wall seconds and the child's peak resident
memory (ru_maxrss). Run: `.venv/bin/python benchmarks/bench_limits.py`.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run(args: list[str], cwd: Path) -> tuple[float, float, int, str]:
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, "-m", "workbench", *args], cwd=cwd, capture_output=True, timeout=1800)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far: report it only when this one raised it
    return seconds, max(peak, before) / 1024, done.returncode, done.stderr.decode().strip()[:160]


def figures(result: tuple[float, float, int, str]) -> str:
    seconds, peak, code, err = result
    return f"  {seconds:.2f} s, peak {peak:.0f} MB, exit {code}: {err}"


def project(folder: Path, segments: list[dict[str, object]]) -> None:
    from workbench.project import Project
    from workbench.store import Document, SegmentRecord, Store

    records = [SegmentRecord(**s) for s in segments]  # type: ignore[arg-type]
    doc = Document("a", "seeds/a.txt", "fr", "en", "A", "2024-01-02", records)
    Store(Project(folder)).update("a", lambda _: doc)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        (tmp / "glossaries").mkdir()
        depth = 100_000
        tbx = b"<martif><text><body>" + b"<termEntry>" * depth + b"</termEntry>" * depth + b"</body></text></martif>"
        (tmp / "deep.tbx").write_bytes(tbx)
        print(f"deep TBX ({len(tbx) / 1e6:.1f} MB, {depth} levels), glossary import --dry-run:")
        print(figures(run(["glossary", "import", "deep.tbx", "--dry-run"], tmp)))

        warc = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x.example/"
        path = tmp / "long.warc.gz"
        with gzip.open(path, "wb", compresslevel=9) as out:
            out.write(warc)
            block = b"a" * (1 << 20)
            for _ in range(1024):
                out.write(block)
            out.write(b"\r\n\r\n")
        print(f"WARC with a 1 GiB header line ({path.stat().st_size / 1e6:.1f} MB gzip), clean:")
        print(figures(run(["clean", str(path)], tmp)))

        target = " ".join(["the kremlin said zoom"] * 2250)  # some 45,000 characters
        mt = " ".join(["zoom said the kremlin"] * 2250)
        segment = {"id": "s", "block": 0, "index": 0, "kind": "text", "source": "x", "mt": mt, "target": target, "status": "reviewed"}
        project(tmp, [segment])
        print(f"report on one {len(target)}-character target:")
        print(figures(run(["report", "--json"], tmp)))

        texts = [
            "The Kremlin criticised the American software Zoom on Wednesday.",
            "Le Kremlin a critiqué mercredi le logiciel américain Zoom.",
            "French state bodies are dropping Zoom and Teams.",
        ]
        many = [
            {"id": f"s{n}", "block": n, "index": 0, "kind": "text", "source": f"Phrase {n}.", "mt": "",
             "target": f"{texts[n % 3]} ({n})", "status": "reviewed"}
            for n in range(20_000)
        ]
        project(tmp, many)
        args = ["export", "-f", "jsonl", "-o", "out.jsonl", "--filter", "LanguageIDFilter", "--report"]
        seconds, peak, code, err = run(args, tmp)
        kept = sum(1 for _ in (tmp / "out.jsonl").open()) if code == 0 else 0
        print(f"export --filter LanguageIDFilter over {len(many)} segments:")
        print(f"  {seconds:.2f} s, peak {peak:.0f} MB, exit {code}, {kept} kept ({json.dumps(err[-60:])})")
    print(f"CPU: {os.cpu_count()} cores; see `lscpu | grep 'Model name'`")


if __name__ == "__main__":
    main()
