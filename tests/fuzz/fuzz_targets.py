"""Coverage-guided fuzzing with atheris, for long runs on demand (CI runs the hypothesis
suite in tests/test_fuzz.py instead).

    pip install atheris
    python tests/fuzz/fuzz_targets.py TARGET [-runs=100000] [-max_len=4096] [corpus_dir]

TARGET is one of: ingest, segment, glossary, tbx, tmx, archive. Any exception other than
Workbench's own one-sentence errors is a finding: atheris stops and prints it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from workbench.errors import WorkbenchError
    from workbench.export.tmx import read_tmx
    from workbench.glossary.entries import Glossary, parse_file
    from workbench.glossary.exchange import import_tbx
    from workbench.mt.packages import check_archive
    from workbench.pipeline import article_from_bytes
    from workbench.segment import sentences

SCRATCH = Path(tempfile.mkdtemp(prefix="workbench-fuzz-"))


def ingest(data: bytes) -> None:
    with contextlib.suppress(WorkbenchError):
        article_from_bytes(data, "fuzz.txt")


def segment(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(4096)
    for language in ("fr", "ru", "en"):
        assert " ".join(sentences(text.strip(), language)).split() == text.split()


def glossary(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(4096)
    parse_file(text, "fuzz.toml", Glossary())


def tbx(data: bytes) -> None:
    with contextlib.suppress(WorkbenchError):
        import_tbx(data, "fuzz.tbx")


def tmx(data: bytes) -> None:
    with contextlib.suppress(WorkbenchError):
        read_tmx(data, "fuzz.tmx")


def archive(data: bytes) -> None:
    path = SCRATCH / f"{os.getpid()}.argosmodel"
    path.write_bytes(data)
    with contextlib.suppress(WorkbenchError):
        check_archive(path)


TARGETS = {f.__name__: f for f in (ingest, segment, glossary, tbx, tmx, archive)}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [atheris options]")
    target = TARGETS[sys.argv.pop(1)]
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
