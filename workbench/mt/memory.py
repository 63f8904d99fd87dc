"""Translation memory: an SQLite store of translated sentences, exact and fuzzy lookups.

A unit is keyed by source language, target language, origin (the identity of the model
that produced it, or "human") and the normalized source sentence. A human translation
outranks machine translation from any model; machine translation is reused only from the
same model, so that upgrading a model re-translates.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import regex

from workbench.errors import WorkbenchError

HUMAN = "human"
SCHEMA = 1
SPACES = regex.compile(r"\s+")
LOOKUP_CHUNK = 500

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    origin TEXT NOT NULL,
    key TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    score REAL,
    note TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL,
    PRIMARY KEY (source_lang, target_lang, origin, key)
);
CREATE INDEX IF NOT EXISTS units_by_key ON units (source_lang, target_lang, key);
"""


def unit_key(text: str) -> str:
    """The memory's key: NFC, one space between words, one kind of apostrophe."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u00a0", " ")
    collapsed: str = SPACES.sub(" ", text)
    return collapsed.strip()


@dataclass(frozen=True)
class Match:
    source: str
    target: str
    origin: str  # "human" or a model identity
    score: float | None  # the model's score for machine units
    similarity: float = 100.0  # 100 for exact matches, rapidfuzz ratio for fuzzy ones

    @property
    def human(self) -> bool:
        return self.origin == HUMAN


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


F = TypeVar("F", bound=Callable[..., Any])


def _guarded(method: F) -> F:
    """SQLite and OS failures (a full disk, a read-only folder, a locked or damaged file)
    become one sentence naming the memory, never a traceback."""

    @functools.wraps(method)
    def guarded(self: TranslationMemory, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, OSError) as exc:
            raise WorkbenchError(f"the translation memory {self.path} failed: {exc}.") from None

    return guarded  # type: ignore[return-value]


class TranslationMemory:
    def __init__(self, path: Path, timeout: float = 30.0) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # created here so that it gets the mode the umask gives (SQLite would make it 0644)
            if not path.exists():
                with contextlib.suppress(FileExistsError):  # another process made it meanwhile
                    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(DDL)
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            elif int(row[0]) > SCHEMA:
                raise WorkbenchError(f"{path} was written by a newer Workbench (schema {row[0]}).")
        except sqlite3.DatabaseError as exc:
            if not os.access(path.parent, os.W_OK):
                raise WorkbenchError(
                    f"cannot open the translation memory {path}: its folder is not writable."
                ) from None
            if _full(path, exc):
                raise WorkbenchError(
                    f"cannot write the translation memory {path}: the disk is full; free some space,"
                    " nothing in it is lost"
                ) from None
            raise WorkbenchError(
                f"cannot use the translation memory {path} ({exc}); it holds human translations, so it is"
                " never replaced by itself: move it aside to start a new one."
            ) from None
        except OSError as exc:
            raise WorkbenchError(f"cannot open the translation memory {path}: {exc.strerror or exc}.") from None
        self._data_version: int | None = None
        self._fuzzy_cache: dict[
            tuple[str, str], tuple[list[str], list[tuple[str, str, str, float | None]]]
        ] = {}

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @_guarded
    def __len__(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM units").fetchone()[0])

    # -- writing --------------------------------------------------------------------------

    @_guarded
    def add(
        self,
        source_lang: str,
        target_lang: str,
        origin: str,
        units: Iterable[tuple[str, str, float | None]],
        note: str = "",
    ) -> int:
        """Store (source, target, score) units in one transaction; return how many."""
        now = _now()
        rows = [
            (source_lang, target_lang, origin, unit_key(s), s, t, score, note, now)
            for s, t, score in units
            if s.strip() and t.strip()
        ]
        if not rows:
            return 0
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (source_lang, target_lang, origin, key) DO UPDATE SET "
                "source=excluded.source, target=excluded.target, score=excluded.score, "
                "note=excluded.note, updated=excluded.updated",
                rows,
            )
        self._fuzzy_cache.pop((source_lang, target_lang), None)
        return len(rows)

    @_guarded
    def add_human(self, source_lang: str, target_lang: str, source: str, target: str, note: str = "") -> None:
        self.add(source_lang, target_lang, HUMAN, [(source, target, None)], note)

    @_guarded
    def remove_human(self, source_lang: str, target_lang: str, source: str, target: str) -> int:
        """Forget a human unit, only if it still holds `target` (an undone confirmation must
        not take away a translation someone confirmed since)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            removed = self.db.execute(
                "DELETE FROM units WHERE source_lang=? AND target_lang=? AND origin=? AND key=? AND target=?",
                (source_lang, target_lang, HUMAN, unit_key(source), target),
            ).rowcount
        self._fuzzy_cache.pop((source_lang, target_lang), None)
        return int(removed)

    # -- reading --------------------------------------------------------------------------

    @_guarded
    def lookup_many(
        self, source_lang: str, target_lang: str, texts: Sequence[str], model_id: str | None
    ) -> dict[str, Match]:
        """Exact matches by normalized text: human units first, then this model's."""
        keys = sorted({unit_key(t) for t in texts})
        origins = [HUMAN] + ([model_id] if model_id else [])
        found: dict[str, Match] = {}
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start : start + LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            omarks = ",".join("?" * len(origins))
            rows = self.db.execute(
                f"SELECT key, source, target, origin, score FROM units WHERE source_lang=? AND "
                f"target_lang=? AND origin IN ({omarks}) AND key IN ({marks})",
                (source_lang, target_lang, *origins, *chunk),
            ).fetchall()
            for key, source, target, origin, score in rows:
                if key not in found or origin == HUMAN:
                    found[key] = Match(source, target, origin, score)
        return found

    @_guarded
    def lookup(
        self, source_lang: str, target_lang: str, text: str, model_id: str | None = None
    ) -> Match | None:
        return self.lookup_many(source_lang, target_lang, [text], model_id).get(unit_key(text))

    @_guarded
    def units(self, source_lang: str, target_lang: str) -> list[tuple[str, str, str]]:
        """Every unit of the pair as (source, target, origin), human ones first."""
        rows = self.db.execute(
            "SELECT source, target, origin FROM units WHERE source_lang=? AND target_lang=?"
            " ORDER BY origin != ?, updated DESC",
            (source_lang, target_lang, HUMAN),
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    @_guarded
    def human_keys(self, source_lang: str, target_lang: str) -> list[tuple[str, str]]:
        """(key, note) of every human unit of the pair: what an analysis of the corpus
        against the memory needs (the note says which segment taught it)."""
        rows = self.db.execute(
            "SELECT key, note FROM units WHERE source_lang=? AND target_lang=? AND origin=?",
            (source_lang, target_lang, HUMAN),
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    @_guarded
    def fuzzy(
        self,
        source_lang: str,
        target_lang: str,
        text: str,
        limit: int = 5,
        cutoff: float = 70.0,
        human_only: bool = False,
    ) -> list[Match]:
        """Similar source sentences, best first; human units ahead of machine ones at equal similarity."""
        from rapidfuzz import fuzz, process

        keys, units = self._fuzzy_index(source_lang, target_lang, human_only)
        hits = process.extract(unit_key(text), keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=cutoff)
        matches = [
            Match(units[i][0], units[i][1], units[i][2], units[i][3], similarity=round(similarity, 1))
            for _, similarity, i in hits
        ]
        matches.sort(key=lambda m: (-m.similarity, not m.human))
        return matches[:limit]

    def _fuzzy_index(
        self, source_lang: str, target_lang: str, human_only: bool
    ) -> tuple[list[str], list[tuple[str, str, str, float | None]]]:
        # data_version moves when another connection (another thread's or process's) commits:
        # what was confirmed a second ago is matched, without re-reading an unchanged memory
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._fuzzy_cache.clear()
            self._data_version = version
        cached = self._fuzzy_cache.get((source_lang, target_lang))
        if cached is None:
            rows = self.db.execute(
                "SELECT key, source, target, origin, score FROM units WHERE source_lang=? AND target_lang=?",
                (source_lang, target_lang),
            ).fetchall()
            cached = ([r[0] for r in rows], [(r[1], r[2], r[3], r[4]) for r in rows])
            self._fuzzy_cache[(source_lang, target_lang)] = cached
        if human_only:
            keep = [i for i, unit in enumerate(cached[1]) if unit[2] == HUMAN]
            return [cached[0][i] for i in keep], [cached[1][i] for i in keep]
        return cached


def _full(path: Path, exc: sqlite3.DatabaseError) -> bool:
    """A full disk, not a damaged memory: SQLite says "full", or "disk I/O error" where the
    disk has no room left (a WAL that cannot grow)."""
    if "full" in str(exc):
        return True
    try:
        stat = os.statvfs(path.parent)
    except OSError:
        return False
    return "I/O" in str(exc) and stat.f_bavail * stat.f_frsize < 1 << 20
