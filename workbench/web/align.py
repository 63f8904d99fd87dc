"""Which of the page's own blocks an extractor kept: its output aligned with the page.

trafilatura re-serialises what it keeps (joining, splitting and re-nesting elements), so
its output is compared with the page's blocks on text with all whitespace removed and
case folded, with \\x00 wherever one of its elements starts or ends. Alignment runs in
document order and in time linear in the page's size.
"""

from __future__ import annotations

import bisect

import lxml.etree as etree
import regex

from workbench.web.blocks import PageBlock

# trafilatura's inline elements (its own names and HTML ones it leaves in place); a
# table's cells are too, since a data row is one page block.
INLINE_OUTPUT = frozenset(["cell", "hi", "ref", "lb", "b", "i", "em", "strong", "span", "a", "u", "s", "del", "sub", "sup", "small", "mark", "abbr", "font", "code"])
# A matched block shorter than this must also end where an extracted element ends, so
# that a menu entry "Économie" is not taken for the first word of a kept paragraph.
SHORT_BLOCK = 40
# How far past the previous match a block that is part of an extracted element is looked
# for, and up to what size of extracted text a long block is looked for anywhere (when
# trafilatura moved it). Both bound the alignment to linear time on huge pages.
WINDOW = 5000
GLOBAL_SEARCH_MAX = 500_000
# A long page block the extractor kept only in pieces (it split it at subheadings and left
# out a line or an inline box inside it) is kept when most of it, read in pieces of
# PIECE characters, is in the extracted text in its order.
LONG_BLOCK = 400
PIECE = 50
MOST = 0.8
WHITESPACE = regex.compile(r"[\s\x1f]+")  # \x1f: between the cells of a table row


def key(text: str) -> str:
    folded: str = WHITESPACE.sub("", text).casefold()
    return folded


def extracted_keys(body: etree._Element) -> str:
    """The extractor's kept text as keys, with \\x00 wherever one of its blocks starts or ends."""
    parts: list[str] = []
    for event, element in etree.iterwalk(body, events=("start", "end")):
        inline = element.tag in INLINE_OUTPUT
        text = element.text if event == "start" else element.tail
        parts.append(("" if inline else "\x00") + key(text or ""))
    joined: str = regex.sub("\x00+", "\x00", "".join(parts))
    return "\x00" + joined.strip("\x00") + "\x00"


def kept_positions(blocks: list[PageBlock], extracted: str) -> set[int]:
    """Which page blocks the extractor kept: whole extracted elements first, else inside one."""
    offsets: dict[str, list[int]] = {}
    at = 1
    for element in extracted[1:-1].split("\x00"):
        offsets.setdefault(element, []).append(at)
        at += len(element) + 1
    used: set[int] = set()
    kept: set[int] = set()
    cursor = 0
    across = _Across(extracted)
    keys = [key(b.raw or b.text) for b in blocks]
    for n, (block, block_key) in enumerate(zip(blocks, keys, strict=True)):
        if not block_key:
            continue
        found: int | None = None
        candidates = [o for o in offsets.get(block_key, ()) if o not in used]
        if candidates:
            found = next((o for o in candidates if o >= cursor), candidates[0])
            used.add(found)
        else:
            following = keys[n + 1] if n + 1 < len(keys) else ""
            found = _find_aligned(extracted, block_key, following, cursor, cursor + len(block_key) + WINDOW)
            if found is None and len(block_key) >= SHORT_BLOCK and len(extracted) <= GLOBAL_SEARCH_MAX:
                found = _find_aligned(extracted, block_key, following, 0, len(extracted))
            if found is None and len(block_key) >= SHORT_BLOCK:
                found = across.find(block_key, cursor)
            if found is None and len(block_key) >= LONG_BLOCK:
                found = across.find_most(block_key, cursor)
        if found is not None:
            kept.add(block.position)
            cursor = found + len(block_key)
    return kept


class _Across:
    """The extracted text without its element boundaries, for a long page block that the
    extractor split in two (a heading's first line as heading, the rest as a paragraph)."""

    def __init__(self, extracted: str) -> None:
        self.extracted = extracted
        self._flat: str | None = None
        self._zeros: list[int] = []

    def _build(self) -> str:
        if self._flat is None:  # built only when a block needs it
            self._flat = self.extracted.replace("\x00", "")
            zeros = [n for n, c in enumerate(self.extracted) if c == "\x00"]
            self._zeros = [z - k for k, z in enumerate(zeros)]  # their places in the flat text
        return self._flat

    def find_most(self, block_key: str, cursor: int) -> int | None:
        """Where most of a long block stands, in pieces and in order, starting right after
        the text matched so far (never text the extractor kept elsewhere on the page)."""
        flat = self._build()
        if len(flat) > GLOBAL_SEARCH_MAX:
            return None
        start = max(0, cursor - bisect.bisect_right(self._zeros, cursor))
        pieces = [block_key[i : i + PIECE] for i in range(0, len(block_key) - PIECE + 1, PIECE)]
        first: int | None = None
        at, hits = start, 0
        for piece in pieces:
            where = flat.find(piece, at)
            if where >= 0:
                hits += 1
                first = where if first is None else first
                at = where + PIECE
        if first is None or first > start + WINDOW or hits < MOST * len(pieces):
            return None
        return first + bisect.bisect_right(self._zeros, first)

    def find(self, block_key: str, cursor: int) -> int | None:
        self._build()
        assert self._flat is not None
        start = max(0, cursor - bisect.bisect_right(self._zeros, cursor))
        limit = len(self._flat) if len(self._flat) <= GLOBAL_SEARCH_MAX else start + len(block_key) + WINDOW
        at = self._flat.find(block_key, 0 if len(self._flat) <= GLOBAL_SEARCH_MAX else start, limit)
        if at < 0:
            return None
        return at + bisect.bisect_right(self._zeros, at)  # back to a place in the extracted text


def _find_aligned(extracted: str, block_key: str, following: str, cursor: int, end: int) -> int | None:
    """Where `block_key` stands in the extracted text between cursor and end, or None.

    A long block may stand anywhere. A short one must start where an extracted block
    starts (or where the previous page block ended) and end where an extracted block
    ends or the next page block starts: a menu entry is often a paragraph's first word.
    """
    start = cursor
    while (at := extracted.find(block_key, start, end)) >= 0:
        stop = at + len(block_key)
        if (at == cursor and cursor) or len(block_key) >= SHORT_BLOCK:
            return at  # continues the previous page block, or too long to be there by chance
        begins = extracted[at - 1] == "\x00"
        ends = extracted[stop] == "\x00" or (bool(following) and extracted.startswith(following, stop))
        if begins and ends:
            return at
        start = at + 1
    return None
