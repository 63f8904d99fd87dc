"""Prepare: a source's bytes → the article every later stage reads, computed once.

Ingest, clean, language identification and segmentation are the costly part of a run
(lingua's models alone take a second or more to load). What they make of a source
depends only on its bytes and on what shaped them: the cruft rules, the abbreviation
data, the code of those stages and the language-identification library. The article is
stored under a key made of all of these in `.workbench/prepared/`; every command reads
it from there. A changed source, rule or stage gets a new key and is prepared again;
nothing else is, and language models load only when something must be prepared.

The store is a cache: an entry that cannot be read (another version, a torn disk, a
hand edit) is prepared again, and an unwritable cache costs speed, not correctness.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

import msgspec

from workbench import resegment
from workbench.clean import Ruleset, default_rules
from workbench.errors import InputError
from workbench.fileio import WriteError, atomic_write
from workbench.model import Article
from workbench.pipeline import Source, article_from_source, restore_lines, split_record
from workbench.store import Document, Store, merge

# The modules whose code decides what an article becomes; their source is part of the key.
STAGES = (
    "ingest", "clean", "langid", "segment", "pipeline", "model",
    "web/parse", "web/blocks", "web/furniture", "web/align", "web/main_text", "web/metadata", "web/extract", "web/charset", "web/warc",
)
# The data those stages read besides the cruft rules (which key themselves).
STAGE_DATA = ("abbreviations", "furniture")


@cache
def stages_fingerprint() -> str:
    digest = hashlib.blake2b(digest_size=16)
    package = resources.files("workbench")
    for name in STAGES:
        digest.update((package / f"{name}.py").read_bytes())
    for folder in STAGE_DATA:
        for entry in sorted((package / "data" / folder).iterdir(), key=lambda e: e.name):
            if entry.name.endswith((".txt", ".toml")):
                digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    from importlib import metadata  # a twentieth of a second: only when something is prepared

    for library in ("lingua-language-detector", "ftfy", "charset-normalizer", "trafilatura", "htmldate", "lxml"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{library}={metadata.version(library)}".encode())
    return digest.hexdigest()


def preparation_key(data: bytes, rules: Ruleset) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(stages_fingerprint().encode() + b"\0" + rules.fingerprint.encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class Prepared:
    key: str
    article: Article


class Preparer:
    """Prepared articles for one project (or none: `folder=None` keeps nothing)."""

    window = 1  # sources `sync` hands to `prepare_many` at once

    def __init__(self, folder: Path | None, rules: Ruleset | None = None) -> None:
        self.folder = folder
        self.rules = rules or default_rules()
        self.reused = 0
        self.prepared = 0

    def key(self, source: Source) -> str:
        return preparation_key(source.fingerprint(), self.rules)

    def prepare(self, source: Source) -> Prepared:
        key = self.key(source)
        cached = self._load(key)
        if cached is not None:
            self.reused += 1
            return Prepared(key, replace(cached, id=source.id, source=source.name))
        article = article_from_source(source, self.rules)
        self.prepared += 1
        self._save(key, article)
        return Prepared(key, article)

    def __enter__(self) -> Preparer:
        return self

    def __exit__(self, *exc: object) -> None:
        """Nothing to release here; a cluster's preparer ends its workers."""

    def prepare_many(self, sources: Sequence[Source]) -> list[Prepared]:
        """Each of `sources` prepared, in order (a cluster's preparer spreads them over workers)."""
        return [self.prepare(source) for source in sources]

    def cached(self, key: str) -> Article | None:
        """The article stored under `key`, if the cache still holds it."""
        return self._load(key)

    def _path(self, key: str) -> Path | None:
        return self.folder / f"{key}.json" if self.folder is not None else None

    def _load(self, key: str) -> Article | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            return msgspec.json.decode(path.read_bytes(), type=Article, strict=True)
        except (OSError, msgspec.DecodeError):
            return None

    def _save(self, key: str, article: Article) -> None:
        path = self._path(key)
        if path is not None:
            with contextlib.suppress(WriteError):
                atomic_write(path, msgspec.json.encode(article))


def source_label(name: str | Path, root: Path) -> str:
    """How a document names its source: relative to the project when inside it, so that
    a project folder can move and `seeds/x.txt` and `./seeds/x.txt` are one source."""
    if str(name) == "-":
        return "-"
    path, record = split_record(name)
    # absolute without resolving links: seeds/ may be a link, and a linked file keeps its name
    absolute = Path(os.path.abspath(path))
    try:
        label = str(absolute.relative_to(root))
    except ValueError:
        label = str(absolute)
    return f"{label}#{record}" if record else label


def sync(
    store: Store,
    preparer: Preparer,
    sources: Iterable[Source],
    progress: Callable[[int, int | None], None] | None = None,
    written: set[str] | None = None,
) -> list[Document]:
    """Each source's saved document, made current: created when new, merged again when the
    source or a stage changed, and left as it is (never re-prepared) otherwise. The ids of
    the files it wrote go into `written`.

    Article identity is one-to-one with files: two sources that would share an article id
    (hence a translations file) are refused, in one run or across runs.
    """
    root = store.project.root
    seen: dict[str, str] = {}
    documents: list[Document | None] = []
    pending: list[tuple[int, Source, str]] = []  # (place in documents, source, its label)

    def prepare_pending() -> None:
        batch = [source for _, source, _ in pending]
        for (place, _, label), prepared in zip(pending, preparer.prepare_many(batch), strict=True):
            documents[place] = save_article(store, prepared.article, prepared.key, owner=(label, root), written=written)
        pending.clear()

    for n, source in enumerate(sources, 1):
        label = source_label(source.name, root)
        try:
            label.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(
                f"{label.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')}: the name is not"
                " valid UTF-8; rename the file."
            ) from None
        source = replace(source, name=label)
        identity = source.id
        if identity in seen and source.identity is not None:
            continue  # the same page (same URL, same content) in another crawl: one article
        if identity in seen:
            raise InputError(f"{label} and {seen[identity]} have the same article id {identity!r}; rename one.")
        seen[identity] = label
        key = preparer.key(source)
        current = store.read(identity)
        _check_owner(current, label, root)
        if current is None or current.prepared != key or current.source_path != label:
            pending.append((len(documents), source, label))
            documents.append(None)
            if len(pending) >= preparer.window:
                prepare_pending()
        else:
            documents.append(current)
        if progress:
            progress(n, None)
    prepare_pending()
    return [d for d in documents if d is not None]


def save_article(
    store: Store,
    article: Article,
    key: str = "",
    owner: tuple[str, Path] | None = None,
    written: set[str] | None = None,
) -> Document:
    """The article's document, created or merged again under the lock (another process
    may have saved it meanwhile); lines a reviewer restored stay restored."""

    def change(current: Document | None) -> Document | None:
        if owner is not None:
            _check_owner(current, *owner)
        merged = rebuild(article, current, store.require_target(), key)
        return None if current is not None and current == merged else merged

    document, wrote = store.update(article.id, change)
    assert document is not None
    if wrote and written is not None:
        written.add(article.id)
    return document


def rebuild(article: Article, current: Document | None, target: str, key: str) -> Document:
    """The document of the prepared `article`, with the lines `current` restored put back,
    the translator's splits and joins made again, and all earlier work carried over."""
    restored = restore_lines(article, current.restored if current else ())
    resegmented = resegment.apply(restored, current.resegmented if current else [])
    return merge(resegmented, current, target, key)


def _check_owner(document: Document | None, label: str, root: Path) -> None:
    """A document belongs to the source it was made from, unless that source is gone."""
    if document is None or document.source_path in (label, "-"):
        return
    previous, _ = split_record(document.source_path)
    if not previous.is_absolute():
        previous = root / previous
    current, _ = split_record(label)
    if not current.is_absolute():
        current = root / current
    with contextlib.suppress(OSError):
        if previous.samefile(current) and split_record(label)[1] == split_record(document.source_path)[1]:
            return  # the same file named another way (absolute, through a link)
    if previous.exists():
        raise InputError(
            f"{label} and {document.source_path} have the same article id {document.article_id!r}"
            f" (both would be saved as {document.article_id}); rename one."
        )
