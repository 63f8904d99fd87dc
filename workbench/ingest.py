"""Ingest: bytes in any common encoding → clean Unicode text.

Decoding order: byte-order mark, strict UTF-8, then charset detection restricted to the
encodings news sites actually use for French, Russian and English. After decoding, ftfy
repairs mojibake (UTF-8 misread as Windows-1251/1252), and invisible characters that
break matching downstream (NBSP, zero-width, soft hyphens, bidi controls) are normalized.
"""

from __future__ import annotations

import os
import stat
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import regex

from workbench.errors import InputError
from workbench.fileio import file_kind

# Encodings worth considering for undeclared legacy text. Keeping the list short is what
# makes detection reliable on short articles: cp1251 and koi8-r never get confused with
# Central European code pages that happen to fit the bytes.
LEGACY_ENCODINGS = [
    "cp1251",
    "koi8_r",
    "cp1252",
    "iso8859_5",
    "cp866",
    "mac_cyrillic",
    "iso8859_15",
    "latin_1",
]

BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]

MAGIC = [
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"\xd0\xcf\x11\xe0", "an Office document"),
    (b"SQLite format 3", "an SQLite database"),
]

# Spaces that look like a space but defeat word matching.
SPACES = regex.compile(r" {2,}")
SPACE_LIKE = regex.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\v\f]")
# Zero-width characters, soft hyphen, bidi embedding/override/isolate controls, BOM.
INVISIBLE = regex.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# C1 controls are left out: UTF-8 read as Windows-1252 produces them, and ftfy repairs that.
BINARY_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
MAX_BINARY_RATIO = 0.01
MIN_BINARY_CHARS = 8
COMMON_TEXT = regex.compile(r"[\n\t\x20-\x7e\u00a0-\u024f\u0400-\u04ff\u2000-\u206f]")


@dataclass(frozen=True)
class Ingested:
    text: str
    encoding: str
    repairs: tuple[str, ...]


MAX_BYTES = 4 * 1024 * 1024  # a long news article is 100 KB; this bounds memory and time


class TooBig(InputError):
    """The input is over the size Workbench reads."""


def _too_big(name: str, size: int, limit: int = MAX_BYTES, plural: str = "articles") -> InputError:
    return TooBig(
        f"{name} is {size / 1024 / 1024:.1f} MB; Workbench reads {plural} of up to {limit // 1024 // 1024} MB."
    )


def _read_limited(
    read: Callable[[int], bytes], name: str, limit: int, first: bytes = b"", plural: str = "articles"
) -> bytes:
    chunks, size = [first], len(first)
    while size <= limit:
        chunk = read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise _too_big(name, size, limit, plural)
    return b"".join(chunks)


def _read_stdin(limit: int) -> bytes:
    closed = InputError("standard input is closed; name a file, or pipe the input in.")
    if sys.stdin is None:
        raise closed
    try:
        return _read_limited(sys.stdin.buffer.read, "standard input", limit)
    except (OSError, ValueError):  # fd 0 closed (`<&-`), or a stream closed under us
        raise closed from None


def read_source(
    source: str | Path, limit: int = MAX_BYTES, what: str = "an article file", plural: str = "articles"
) -> bytes:
    """Read a file's bytes, or standard input for "-", refusing anything over MAX_BYTES.

    Devices and sockets are refused; a named pipe is read only when a writer holds it
    open, so naming a pipe nobody writes to never hangs.
    """
    if str(source) == "-":
        return _read_stdin(limit)
    path = Path(source)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not {what}.") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    try:
        status = os.fstat(fd)
        kind = file_kind(status.st_mode)
        first = b""
        if stat.S_ISFIFO(status.st_mode):
            try:
                first = os.read(fd, 65536)
            except BlockingIOError:  # a writer holds it open: wait for what it writes
                pass
            else:
                if not first:
                    raise InputError(f"{path} is a named pipe that nobody is writing to.")
        elif kind is not None:
            raise InputError(f"{path} is {kind}, not {what}.")
        elif status.st_size > limit:
            raise _too_big(str(path), status.st_size, limit, plural)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            # read within the limit even so: a pipe has no size, and a file may grow meanwhile
            return _read_limited(handle.read, str(path), limit, first, plural)
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not {what}.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    finally:
        os.close(fd)


def decode(data: bytes, name: str = "input") -> tuple[str, str]:
    """Return (text, encoding name) or raise InputError with one sentence."""
    if not data.strip():
        raise InputError(f"{name} is empty.")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise InputError(
                    f"{name} starts with a {encoding} byte-order mark but is not valid {encoding}."
                ) from None
    for magic, what in MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name} looks like {what}, not a text article.")
    if b"\x00" in data:
        wide = _decode_wide(data)
        if wide is None:
            raise InputError(f"{name} looks like a binary file, not a text article.")
        return wide
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # loaded when a text is not UTF-8: the review screen never needs it

    best = charset_normalizer.from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise InputError(f"{name} is not text in any encoding Workbench recognises.")
    return str(best), best.encoding


def _decode_wide(data: bytes) -> tuple[str, str] | None:
    """UTF-16/32 without a byte-order mark is the only text with NUL bytes.

    Both byte orders usually decode without error, so the one that yields the most
    characters of the scripts news is written in wins.
    """
    best: tuple[float, str, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or _binary_ratio(text) >= MAX_BINARY_RATIO:
            continue
        score = len(COMMON_TEXT.findall(text)) / max(len(text), 1)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    if best is None or best[0] < 0.5:
        return None
    return best[1], best[2]


def _binary_ratio(text: str) -> float:
    """Share of control and replacement characters; a few strays in a short text do not count."""
    if not text:
        return 0.0
    bad = len(BINARY_CONTROL.findall(text)) + text.count("\ufffd")
    return bad / len(text) if bad > MIN_BINARY_CHARS else 0.0


def normalize(text: str) -> tuple[str, list[str]]:
    """Repair mojibake and normalize invisible characters; report what changed."""
    repairs: list[str] = []
    if "\r" in text:
        repairs.append("line endings")
    import ftfy  # a twentieth of a second to load: not for commands that read no new text

    settings = ftfy.TextFixerConfig(
        uncurl_quotes=False,  # typographic quotes and apostrophes are part of the text
        fix_character_width=False,
        normalization="NFC",
        explain=True,
    )
    fixed, explanation = ftfy.fix_and_explain(text, settings)
    if explanation and any(step.action in ("encode", "decode", "transcode") for step in explanation):
        repairs.append("mojibake")
    text = fixed.replace("\r\n", "\n").replace("\r", "\n")
    if SPACE_LIKE.search(text):
        repairs.append("non-breaking spaces")
        text = SPACE_LIKE.sub(" ", text)
    if INVISIBLE.search(text):
        repairs.append("invisible characters")
        text = INVISIBLE.sub("", text)
    text = CONTROL.sub("", text)
    lines = [line.strip() for line in SPACES.sub(" ", text).split("\n")]  # runs of spaces never cross lines
    text = unicodedata.normalize("NFC", "\n".join(lines)).strip("\n")
    return text + "\n", repairs


def ingest_bytes(data: bytes, name: str = "input") -> Ingested:
    if len(data) > MAX_BYTES:
        raise _too_big(name, len(data))
    text, encoding = decode(data, name)
    if _binary_ratio(text) >= MAX_BINARY_RATIO:
        raise InputError(f"{name} looks like a binary file, not a text article.")
    repairs: list[str] = []
    if encoding == "utf-8-sig":
        repairs.append("byte-order mark")
    text, more = normalize(text)
    repairs.extend(more)
    if not text.strip():
        raise InputError(f"{name} has no visible text.")
    return Ingested(text=text, encoding=encoding, repairs=tuple(repairs))


def ingest(source: str | Path) -> Ingested:
    name = "standard input" if str(source) == "-" else str(source)
    return ingest_bytes(read_source(source), name)
