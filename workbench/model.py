"""Plain data shared by every stage: articles, their blocks, segments and removed cruft."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["title", "heading", "text", "item", "quote"]


@dataclass(frozen=True, slots=True)
class LanguageSpan:
    """A stretch of a block written in another language than the block itself."""

    start: int
    end: int
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence: the unit of translation, review and alignment."""

    id: str
    block: int  # index into Article.blocks
    index: int  # position within the block
    text: str
    start: int  # character offsets within the block's text
    end: int


@dataclass(frozen=True, slots=True)
class Block:
    """A title, heading or paragraph of an article, as one line of cleaned text."""

    kind: BlockKind
    text: str
    line: int  # 1-based line of the ingested text it came from
    language: str | None = None
    foreign_spans: tuple[LanguageSpan, ...] = ()
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True, slots=True)
class Removal:
    """A line taken out of the article as web cruft, kept so a reviewer can restore it."""

    line: int  # 1-based line of the ingested text
    text: str
    reason: str  # category, e.g. "credit", "share", "counter", "navigation"
    rule: str  # the human-readable rule that matched
    kind: BlockKind | None = None  # what the line is when restored (web pages know it)


@dataclass(frozen=True)
class Article:
    id: str
    source: str  # file path, or "-" for stdin
    language: str | None
    date: str | None
    blocks: tuple[Block, ...]
    removed: tuple[Removal, ...] = ()
    encoding: str = "utf-8"
    repairs: tuple[str, ...] = field(default_factory=tuple)
    # what a web page says of itself
    url: str | None = None
    author: str | None = None
    site: str | None = None
    declared_language: str | None = None

    @property
    def title(self) -> str:
        return self.blocks[0].text if self.blocks and self.blocks[0].kind == "title" else ""

    @property
    def paragraphs(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind != "title")

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(s for b in self.blocks for s in b.segments)

    def text(self) -> str:
        """Title, a blank line, then paragraphs separated by blank lines."""
        return "\n\n".join(b.text for b in self.blocks) + ("\n" if self.blocks else "")
