"""The library: the project's translation files for one target language, every article's
summary at once (from a cache keyed by file size and modification time) and each document
only when it is opened. A thousand articles list in a fraction of a second."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path

import msgspec

from workbench.analysis import words
from workbench.fileio import WriteError, atomic_write
from workbench.store import DONE, Document, Store, StoreError, file_name

INDEX_VERSION = 4  # 3: source words, in all and done; 4: summaries as arrays


@dataclass(frozen=True)
class ArticleInfo:
    id: str
    language: str | None
    title: str
    segments: int
    reviewed: int
    source_path: str = ""
    words: int = 0  # source words, as CAT tools count them (workbench.analysis)
    words_done: int = 0  # of reviewed and approved segments

    @classmethod
    def of(cls, d: Document) -> ArticleInfo:
        counted = [(words(s.source), s.status in DONE) for s in d.segments]  # approved is reviewed, and more
        return cls(
            d.article_id,
            d.source_language,
            d.title,
            len(d.segments),
            sum(done for _, done in counted),
            d.source_path,
            sum(n for n, _ in counted),
            sum(n for n, done in counted if done),
        )


def display_titles(infos: Iterable[ArticleInfo]) -> dict[str, str]:
    """What a translator reads in the article list: the title, with the id added only
    where two articles share a title (or one has none)."""
    infos = list(infos)
    titles = {info.id: " ".join(info.title.split()) for info in infos}
    counts: dict[str, int] = {}
    for title in titles.values():
        counts[title.casefold()] = counts.get(title.casefold(), 0) + 1
    names = {}
    for info in infos:
        title = titles[info.id]
        if not title:
            names[info.id] = info.id
        elif counts[title.casefold()] > 1:
            names[info.id] = f"{title} ({info.id})"
        else:
            names[info.id] = title
    return names


Stamp = tuple[int, int]  # (mtime_ns, size): a file changed when its stamp did


def stamp_of(path: Path) -> Stamp | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


class Summary(msgspec.Struct, array_like=True):
    stamp: Stamp
    info: ArticleInfo


class Index(msgspec.Struct):
    """The summaries cache's file: a summary per translation file name."""

    version: int
    files: dict[str, Summary]


class Library(MutableMapping[str, Document]):
    """The project's translation files, by article id: every article's summary at once,
    read from a cache keyed by file size and modification time, and each document only
    when it is opened. A thousand articles list in a fraction of a second."""

    def __init__(self, store: Store, index: Path) -> None:
        self.store = store
        self.index = index
        self.paths: dict[str, Path] = {}
        self.summaries: dict[str, ArticleInfo] = {}
        self.loaded: dict[str, Document] = {}
        self.stamps: dict[str, Stamp | None] = {}  # of each loaded document's file, as read
        self.unreadable: set[str] = set()  # file names that did not parse, reported as problems

    def _cache(self) -> dict[str, Summary]:
        """The summaries cache, or nothing: written by another version or torn, it is rebuilt."""
        try:
            cache = msgspec.json.decode(self.index.read_bytes(), type=Index, strict=True)
        except (OSError, msgspec.DecodeError):  # a ValidationError is a DecodeError
            return {}
        return cache.files if cache.version == INDEX_VERSION else {}

    def scan(self) -> list[str]:
        """Summarise every file, parsing only those the cache does not know; return problems."""
        problems: list[str] = []
        cache = self._cache()
        fresh: dict[str, Summary] = {}
        for path in self.store.paths():
            stamp = stamp_of(path)
            if stamp is None:
                continue
            entry = cache.get(path.name)
            info = entry.info if entry is not None and entry.stamp == stamp else None
            if info is not None and file_name(info.id, self.store.require_target()) != path.name:
                info = None  # an entry that does not belong to this file: read the file
            if info is None:
                try:
                    document = self.store.read_path(path)
                except StoreError as exc:
                    problems.append(str(exc))
                    self.unreadable.add(path.name)
                    continue
                if document is None:
                    continue
                self.loaded[document.article_id] = document
                self.stamps[document.article_id] = stamp
                info = ArticleInfo.of(document)
            fresh[path.name] = Summary(stamp, info)
            self.paths[info.id] = path
            self.summaries[info.id] = info
        if fresh != cache:
            # a cache only: an unwritable state folder costs speed, not correctness
            with contextlib.suppress(WriteError):
                atomic_write(self.index, msgspec.json.encode(Index(INDEX_VERSION, fresh)))
        return problems

    def __getitem__(self, article_id: str) -> Document:
        if article_id not in self.loaded:
            if article_id not in self.paths:
                raise KeyError(article_id)
            path = self.paths[article_id]
            stamp = stamp_of(path)
            document = self.store.read_path(path)
            if document is None:
                raise StoreError(f"{path.name} has disappeared.")
            self.loaded[article_id] = document
            self.stamps[article_id] = stamp
        return self.loaded[article_id]

    def __setitem__(self, article_id: str, document: Document) -> None:
        self.take(document, stamp_of(self.store.path(article_id)))

    def take(self, document: Document, stamp: Stamp | None) -> None:
        """A document as read or written at `stamp` (taken under the article's lock, so that
        a later change by another process is seen as one)."""
        article_id = document.article_id
        self.loaded[article_id] = document
        self.summaries[article_id] = ArticleInfo.of(document)
        self.paths[article_id] = self.store.path(article_id)
        self.stamps[article_id] = stamp

    def __delitem__(self, article_id: str) -> None:
        for table in (self.loaded, self.summaries, self.paths, self.stamps):
            table.pop(article_id, None)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.paths))

    def __len__(self) -> int:
        return len(self.paths)

    def changed_on_disk(self, article_id: str) -> bool:
        """Whether the file's size or modification time moved since it was read: a stat,
        not a parse."""
        if article_id not in self.loaded:
            return False
        return stamp_of(self.paths[article_id]) != self.stamps.get(article_id)
