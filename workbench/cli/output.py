"""What the CLI writes: articles for people and for machines, warnings, the terminal's
encoding, and where an output file may go."""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

import msgspec

from workbench.errors import InputError
from workbench.model import Article
from workbench.project import Project

_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    if kind not in _FIELDS:
        _FIELDS[kind] = tuple(f.name for f in fields(kind))
    return _FIELDS[kind]


def _flat(record: Any) -> dict[str, Any]:
    """A dataclass of plain values as a dict (dataclasses' own conversion deep-copies every
    value and took a tenth of `clean --json` over a folder of web pages)."""
    return {name: getattr(record, name) for name in _field_names(type(record))}


def article_json(article: Article, *, with_blocks: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": article.id,
        "source": article.source,
        "language": article.language,
        "title": article.title,
        "date": article.date,
        "encoding": article.encoding,
        "repairs": list(article.repairs),
    }
    for key in ("url", "author", "site", "declared_language"):
        if getattr(article, key) is not None:  # a web page's own metadata
            data[key] = getattr(article, key)
    if with_blocks:
        data["paragraphs"] = [
            {
                "block": index,
                "kind": block.kind,
                "line": block.line,
                "language": block.language,
                "text": block.text,
                "foreign_spans": [_flat(span) for span in block.foreign_spans],
            }
            for index, block in enumerate(article.blocks)
            if block.kind != "title"
        ]
    data["segments"] = [_flat(segment) for segment in article.segments]
    data["removed"] = [
        {key: value for key, value in _flat(removal).items() if key != "kind" or value is not None}
        for removal in article.removed
    ]
    return data


def _utf(stream: Any) -> bool:
    encoding = getattr(stream, "encoding", None) or "ascii"
    return codecs.lookup(encoding).name.startswith("utf")


def print_json(data: Any) -> None:
    # where the output cannot hold every character, \u escapes keep JSON exact
    json.dump(data, sys.stdout, ensure_ascii=not _utf(sys.stdout), indent=2)
    sys.stdout.write("\n")


_ENCODER = msgspec.json.Encoder()


def json_text(data: Any) -> str:
    """`data` as print_json writes it. json's encoder runs in Python once given an indent
    (a sixth of `clean --json` over a folder of web pages); msgspec's gives the same text
    for plain values without floats, as articles are."""
    if _utf(sys.stdout):
        with contextlib.suppress(UnicodeEncodeError):  # a name's undecodable bytes, held as surrogates
            return msgspec.json.format(_ENCODER.encode(data), indent=2).decode()
    return json.dumps(data, ensure_ascii=not _utf(sys.stdout), indent=2)


def print_json_list(items: Iterable[Any], *, single: bool = False) -> None:
    """A list written as print_json writes it (its one item alone when `single` and only one
    came). Each item is turned into text as it comes and kept in a temporary file until the
    last one has come, so that a source that fails leaves nothing printed: held in memory,
    the texts of a folder of web pages kept the heap from shrinking between pages (60 MB
    more at the peak than holding every article)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass") as held:
        count = 0
        for item in items:
            held.write(("[\n  " if count == 0 else ",\n  ") + json_text(item).replace("\n", "\n  "))
            count += 1
        held.seek(0)
        if count == 1 and single:
            sys.stdout.write(held.read().removeprefix("[\n  ").replace("\n  ", "\n") + "\n")
        elif count:
            shutil.copyfileobj(held, sys.stdout)
            sys.stdout.write("\n]\n")
        else:
            sys.stdout.write("[]\n")


def _unencodable(error: UnicodeError) -> tuple[str | bytes, int]:
    """A name's bytes that are not UTF-8 (held as surrogates) go out as they came in; any other
    character the output's encoding lacks becomes ?."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start : error.end]
    if all(0xDC80 <= ord(c) <= 0xDCFF for c in chunk):
        return bytes(ord(c) - 0xDC00 for c in chunk), error.end
    return "?" * len(chunk), error.end


def setup_streams() -> None:
    """No output is ever a traceback for want of an encoding. An output that declares ASCII
    (LANG=C, PYTHONIOENCODING=ascii) gets UTF-8, as Python's UTF-8 mode and Click give it;
    another (a Latin-1 terminal) gets ? for what it cannot show, and --json stays exact."""
    codecs.register_error("workbench", _unencodable)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not hasattr(stream, "reconfigure"):
            continue
        encoding = codecs.lookup(getattr(stream, "encoding", None) or "ascii").name
        stream.reconfigure(encoding="utf-8" if encoding == "ascii" else None, errors="workbench")


def refuse_project_files(path: Path, project: Project | None = None, *, memory: bool = False) -> None:
    """An output file never lands on the project's own data: nothing inside .workbench/ or
    translations/, no existing file of seeds/ or glossaries/, through links, `..` or a hard
    link to one of them. Devices and pipes (/dev/null, >(gzip)) are outputs like any other.
    A translation memory (`memory`) may live in .workbench/, where the project keeps its own."""
    project = project or Project.here()
    real = Path(os.path.realpath(path))
    if memory and real.is_relative_to(project.state.resolve()):
        return
    for folder in (project.state, project.translations):
        if real.is_relative_to(folder.resolve()):
            raise InputError(
                f"{path} is inside {folder}, where Workbench keeps the project's own data; write it elsewhere."
            )
    try:
        status = os.stat(real)
    except OSError:
        return  # a new file, or one the writer will name in its own sentence
    if not stat.S_ISREG(status.st_mode):
        return
    for folder in (project.seeds, project.glossaries):
        if real.is_relative_to(folder.resolve()):
            raise InputError(f"{path} is {real.name} of {folder}; it would be overwritten, so write it elsewhere.")
    if status.st_nlink > 1:
        for folder in (project.state, project.translations, project.seeds, project.glossaries):
            for root, _, files in os.walk(folder):
                for name in files:
                    twin = Path(root) / name
                    with contextlib.suppress(OSError):  # a file that vanished is not the output
                        other = os.stat(twin, follow_symlinks=False)
                        if (other.st_dev, other.st_ino) == (status.st_dev, status.st_ino):
                            raise InputError(
                                f"{path} is a hard link to {twin}, the project's own data; write it elsewhere."
                            )

def fold_dead_sessions(project: Project) -> None:
    """Before a command reads human work: what a review session that died (a kill, a crash,
    a lost terminal) left in its journal is folded into the files and the memory first, so
    nothing a translator was shown as done is missing. A live session's journal is its own
    (its lock is held) and is left alone."""
    from workbench.review.recovery import recover

    summary = recover(project).summary()
    if summary:
        warn(summary)


def warn(message: str) -> None:
    """A warning in the CLI's voice: one line on standard error."""
    print(f"workbench: {message}", file=sys.stderr)


_verdict = 0


def reach_verdict(code: int) -> None:
    """The exit code the command has decided on before printing, kept if the reader goes
    away mid-print (`workbench qa | head`)."""
    global _verdict
    _verdict = code


def verdict() -> int:
    return _verdict


def console(**options: Any) -> Any:
    """A rich Console whose closed pipe is ours to handle (rich's own exits 1)."""
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return PipeConsole(**options)
