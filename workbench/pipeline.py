"""The stages chained: source → ingested text → cleaned lines → article with segments."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from workbench import langid
from workbench.clean import Line, Ruleset, block_kind, clean
from workbench.errors import InputError
from workbench.fileio import file_kind
from workbench.ingest import MAX_BYTES, TooBig, ingest_bytes, read_source
from workbench.model import Article, Block
from workbench.segment import IdMaker, segment_block
from workbench.web.extract import MAX_HTML_BYTES, extract_html
from workbench.web.warc import WarcSkip, is_warc, warc_pages

TEXT_SUFFIXES = (".txt", ".text", ".md")
WEB_SUFFIXES = (".html", ".htm", ".xhtml")
ARTICLE_SUFFIXES = (*TEXT_SUFFIXES, *WEB_SUFFIXES)


def article_id(source: str | Path, data: bytes) -> str:
    if str(source) == "-":
        return "stdin-" + hashlib.blake2b(data, digest_size=6).hexdigest()
    return Path(source).stem


def looks_like_html(data: bytes) -> bool:
    start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta", b"<body"))


@dataclass(frozen=True)
class Source:
    """One article's input: a file, standard input, or one HTML record of a WARC file."""

    name: str  # a path, "-", or FILE#RECORD-ID for a WARC record
    data: bytes
    web: bool = False  # HTML: the main text is extracted before cleaning
    url: str | None = None
    fetched: str | None = None
    charset: str | None = None  # declared by the server (a WARC record's HTTP headers)
    identity: str | None = None  # a WARC record's own article id

    @property
    def id(self) -> str:
        return self.identity or article_id(self.name, self.data)

    def fingerprint(self) -> bytes:
        """Everything about the input that shapes the article, for the prepared key."""
        context = repr((self.web, self.url, self.fetched, self.charset, self.identity)).encode()
        return context + b"\0" + self.data


def _source_of_file(path: Path) -> Source:
    web = path.suffix.lower() in WEB_SUFFIXES
    data = read_source(path, MAX_HTML_BYTES, plural="web pages") if web else read_source(path)
    return Source(str(path), data, web=web)


def _stdin_source() -> Source:
    limits = f"Workbench reads articles of up to {MAX_BYTES // 2**20} MB and web pages of up to {MAX_HTML_BYTES // 2**20} MB"
    try:
        data = read_source("-", MAX_HTML_BYTES)
    except TooBig:
        raise InputError(f"standard input is over {MAX_HTML_BYTES // 2**20} MB; {limits}.") from None
    web = looks_like_html(data)
    if not web and len(data) > MAX_BYTES:
        raise InputError(f"standard input is {len(data) / 2**20:.1f} MB of text; {limits}.")
    return Source("-", data, web=web)


def _warc_sources(path: Path) -> Iterator[Source]:
    seen: set[str] = set()
    skipped: list[WarcSkip] = []
    for page in warc_pages(path, skipped):
        if page.article_id in seen:  # the same page captured again, unchanged
            continue
        seen.add(page.article_id)
        yield Source(
            f"{path}#{page.record_id.strip('<>')}",
            page.payload,
            web=True,
            url=page.url,
            fetched=page.date,
            charset=page.charset,
            identity=page.article_id,
        )
    if not seen:
        why = f" ({len(skipped)} skipped: {skipped[0].reason})" if skipped else ""
        raise InputError(f"{path} holds no HTML pages{why}.")


def split_record(name: str | Path) -> tuple[Path, str | None]:
    """FILE#RECORD-ID → (FILE, RECORD-ID) for a record of an existing WARC file; (path, None)
    otherwise, so a file with "#" in its name is just a file."""
    text = str(name)
    if Path(text).exists():
        return Path(text), None
    path, _, record = text.rpartition("#")
    while path:
        if is_warc(Path(path)) and Path(path).is_file():
            return Path(path), record
        path, _, head = path.rpartition("#")
        record = f"{head}#{record}"
    return Path(text), None


def open_source(name: str | Path, identity: str | None = None) -> Source:
    """The source a document names: a file, "-", or one record of a WARC file (the one with
    that article `identity`, when a crawler gave two records one id)."""
    if str(name) == "-":
        return _stdin_source()
    path, record = split_record(name)
    if record is not None:
        for source in _warc_sources(path):
            if source.name.endswith("#" + record) and identity in (None, source.identity):
                return source
        raise InputError(f"{path} has no HTML record {record}.")
    if is_warc(path):
        raise InputError(f"{path} is a WARC file of several pages; name one record as FILE#RECORD-ID.")
    return _source_of_file(path)


def read_sources(
    names: Iterable[str | Path], skipped: Callable[[str], None] | None = None
) -> Iterator[Source]:
    """Every article source under `names`: files, folders (expanded), WARC files (one
    source per HTML record, each file read once), standard input."""
    for name in expand_sources(names, skipped):
        path = Path(name)
        if str(name) != "-" and is_warc(path) and path.is_file():
            yield from _warc_sources(path)
        else:
            yield open_source(name)


def build_blocks(lines: Iterable[Line], language: str | None) -> tuple[Block, ...]:
    make_id = IdMaker()
    blocks = []
    lines = list(lines)
    languages = langid.block_languages([line.text for line in lines], language)
    for index, (line, lang) in enumerate(zip(lines, languages, strict=True)):
        blocks.append(
            Block(
                kind=line.kind,
                text=line.text,
                line=line.number,
                language=lang,
                foreign_spans=langid.foreign_spans(line.text, lang),
                segments=segment_block(line.text, index, lang, make_id),
            )
        )
    return tuple(blocks)


def article_from_bytes(data: bytes, source: str | Path = "-", rules: Ruleset | None = None) -> Article:
    """The article in `data`; HTML (by the file's suffix, or by its start on stdin) is extracted first."""
    web = Path(source).suffix.lower() in WEB_SUFFIXES if str(source) != "-" else looks_like_html(data)
    return article_from_source(Source(str(source), data, web=web), rules)


def article_from_source(source: Source, rules: Ruleset | None = None) -> Article:
    if source.web:
        return _article_from_web(source, rules)
    name = "standard input" if source.name == "-" else source.name
    ingested = ingest_bytes(source.data, name)
    cleaned = clean(ingested.text, rules)
    if not cleaned.lines:
        raise InputError(f"{name} has no article text left once web cruft is removed.")
    language = langid.detect("\n".join(line.text for line in cleaned.lines))
    return Article(
        id=source.id,
        source=source.name,
        language=language,
        date=cleaned.date,
        blocks=build_blocks(cleaned.lines, language),
        removed=cleaned.removed,
        encoding=ingested.encoding,
        repairs=ingested.repairs,
    )


def _article_from_web(source: Source, rules: Ruleset | None) -> Article:
    """A web page's article: its blocks by page position (the `line` of blocks and removals),
    everything extraction or cleaning dropped as restorable removals."""
    name = "standard input" if source.name == "-" else source.name
    if source.url and source.name != "-":
        name = f"{source.url} ({source.name})"
    web = extract_html(source.data, name, url=source.url, fetched=source.fetched, charset=source.charset, rules=rules)
    lines = [Line(b.line, b.text, b.kind) for b in web.blocks]
    language = langid.detect("\n".join(b.text for b in web.blocks))
    repairs = web.repairs
    declared = (web.declared_language or "").split("-")[0].split("_")[0].lower() or None
    if declared and language and declared != language:
        repairs += (f"the page declares {web.declared_language}, its text reads as {language}",)
    return replace(
        web,
        id=source.id,
        source=source.name,
        language=language,
        blocks=build_blocks(lines, language),
        repairs=repairs,
    )


def load_article(source: str | Path, rules: Ruleset | None = None) -> Article:
    return article_from_source(open_source(source), rules)


def expand_sources(
    sources: Iterable[str | Path], skipped: Callable[[str], None] | None = None
) -> Iterator[str | Path]:
    """Files as given; folders expanded to the article files directly inside them.

    In a folder, anything that is not a regular file (a named pipe, a device, a socket)
    is skipped, and `skipped` is told why: opening it could block or never end.
    """
    for source in sources:
        path = Path(source)
        if str(source) != "-" and path.is_dir():
            try:
                entries = sorted(p for p in path.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES or is_warc(p))
            except OSError as exc:
                raise InputError(f"{path}: cannot be listed ({exc.strerror or exc}).") from None
            files = []
            for entry in entries:
                try:
                    kind = file_kind(entry.stat().st_mode)
                except OSError as exc:
                    kind = f"unreadable ({exc.strerror or exc})"
                if kind is None:
                    files.append(entry)
                elif skipped is not None:
                    skipped(f"skipping {entry}: {kind}, not an article file.")
            if not files:
                raise InputError(
                    f"{path} contains no article files ({', '.join(ARTICLE_SUFFIXES)}, .warc, .warc.gz)."
                )
            yield from files
        else:
            yield source


def restore(article: Article, line: int) -> Article:
    """Put a removed line back into the article as a paragraph, in its original place.

    Every other block keeps the language found when the article was prepared, and the
    restored line takes the article's: a restore never loads the language models.
    """
    removal = next((r for r in article.removed if r.line == line and r.text), None)
    if removal is None:
        raise InputError(f"line {line} of {article.id} was not removed.")
    added = Block(
        kind=removal.kind or block_kind(removal.text), text=removal.text, line=removal.line, language=article.language
    )
    blocks = sorted([*article.blocks, added], key=lambda block: block.line)
    make_id = IdMaker()
    rebuilt = []
    for index, block in enumerate(blocks):
        kind = "title" if index == 0 else block.kind if block.kind != "title" else block_kind(block.text)
        segments = segment_block(block.text, index, block.language, make_id)
        rebuilt.append(replace(block, kind=kind, segments=segments))
    remaining = tuple(r for r in article.removed if r is not removal)
    return replace(article, blocks=tuple(rebuilt), removed=remaining)


def restore_lines(article: Article, lines: Iterable[int]) -> Article:
    """The article with those of `lines` that it still has as removed put back."""
    for line in lines:
        if any(r.line == line and r.text for r in article.removed):
            article = restore(article, line)
    return article
