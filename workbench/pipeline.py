"""The stages chained: source → ingested text → cleaned lines → article with segments."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from workbench import langid
from workbench.clean import Line, Ruleset, block_kind, clean
from workbench.errors import InputError
from workbench.ingest import file_kind, ingest_bytes, read_source
from workbench.model import Article, Block
from workbench.segment import IdMaker, segment_block

ARTICLE_SUFFIXES = (".txt", ".text", ".md")


def article_id(source: str | Path, data: bytes) -> str:
    if str(source) == "-":
        return "stdin-" + hashlib.blake2b(data, digest_size=6).hexdigest()
    return Path(source).stem


def build_blocks(lines: Iterable[Line], language: str | None) -> tuple[Block, ...]:
    make_id = IdMaker()
    blocks = []
    for index, line in enumerate(lines):
        lang = langid.block_language(line.text, language)
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
    name = "standard input" if str(source) == "-" else str(source)
    ingested = ingest_bytes(data, name)
    cleaned = clean(ingested.text, rules)
    if not cleaned.lines:
        raise InputError(f"{name} has no article text left once web cruft is removed.")
    language = langid.detect("\n".join(line.text for line in cleaned.lines))
    return Article(
        id=article_id(source, data),
        source=str(source),
        language=language,
        date=cleaned.date,
        blocks=build_blocks(cleaned.lines, language),
        removed=cleaned.removed,
        encoding=ingested.encoding,
        repairs=ingested.repairs,
    )


def load_article(source: str | Path, rules: Ruleset | None = None) -> Article:
    return article_from_bytes(read_source(source), source, rules)


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
                entries = sorted(p for p in path.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES)
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
                raise InputError(f"{path} contains no article files ({', '.join(ARTICLE_SUFFIXES)}).")
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
    added = Block(kind=block_kind(removal.text), text=removal.text, line=removal.line, language=article.language)
    blocks = sorted([*article.blocks, added], key=lambda block: block.line)
    make_id = IdMaker()
    rebuilt = []
    for index, block in enumerate(blocks):
        kind = "title" if index == 0 else block.kind if block.kind != "title" else block_kind(block.text)
        segments = segment_block(block.text, index, block.language, make_id)
        rebuilt.append(replace(block, kind=kind, segments=segments))
    remaining = tuple(r for r in article.removed if r is not removal)
    return replace(article, blocks=tuple(rebuilt), removed=remaining)
