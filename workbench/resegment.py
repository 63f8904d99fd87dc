"""The translator's segmentation over the rules': a sentence split where the rules missed a
boundary (`… en ligne » Il aurait été …`), or two joined where they saw one too many.

The operations are kept with the document and applied to the prepared article every time
its document is made (`prepare.rebuild`), so they survive `workbench translate`, a changed
rule and a re-prepared source: an operation applies while the segments it names still have
the source it was made on, and waits otherwise. The new segments' ids derive from the
operation, so they are the same every time it is applied.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Literal

from workbench.model import Article, Block, Segment


@dataclass
class Resegment:
    kind: Literal["split", "join"]
    segments: list[str]  # split: [the id]; join: [the first id, the next one's]
    at: int = 0  # split: where, as an offset into the segment's source
    source: str = ""  # the source it was made on (a join: both, as they read together)
    result: list[str] = field(default_factory=list)  # the ids of the segments it makes
    id: str = ""  # the review change that made it


def derived_id(*parts: object) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=6).hexdigest()


def split_op(segment: str, source: str, at: int, change: str) -> Resegment:
    """A split of `source` at `at`; refused (ValueError) where a part would be empty."""
    left, right = source[:at].rstrip(), source[at:].lstrip()
    if not left or not right:
        raise ValueError("a split needs text on both sides of it.")
    return Resegment(
        "split", [segment], at, source, [derived_id(segment, "split", at, n) for n in (1, 2)], change
    )


def join_op(first: str, second: str, joined: str, change: str) -> Resegment:
    return Resegment("join", [first, second], 0, joined, [derived_id(first, "join", second)], change)


def _split(block: Block, n: int, op: Resegment) -> Block | None:
    segment = block.segments[n]
    if segment.text != op.source:
        return None
    left, right = segment.text[: op.at], segment.text[op.at :]
    gap = len(left) - len(left.rstrip())
    lead = len(right) - len(right.lstrip())
    first = replace(segment, id=op.result[0], text=left.rstrip(), end=segment.start + len(left) - gap)
    start = segment.start + op.at + lead
    second = replace(segment, id=op.result[1], text=right.lstrip(), start=start)
    return _renumbered(block, [*block.segments[:n], first, second, *block.segments[n + 1 :]])


def _join(block: Block, n: int, op: Resegment) -> Block | None:
    if n + 1 >= len(block.segments) or block.segments[n + 1].id != op.segments[1]:
        return None
    first, second = block.segments[n], block.segments[n + 1]
    text = block.text[first.start : second.end]
    if text != op.source:
        return None
    joined = replace(first, id=op.result[0], text=text, end=second.end)
    return _renumbered(block, [*block.segments[:n], joined, *block.segments[n + 2 :]])


def _renumbered(block: Block, segments: list[Segment]) -> Block:
    return replace(block, segments=tuple(replace(s, index=i) for i, s in enumerate(segments)))


def apply(article: Article, operations: list[Resegment]) -> Article:
    """The article with each operation applied in order, where it still applies."""
    if not operations:
        return article
    blocks = list(article.blocks)
    for op in operations:
        for b, block in enumerate(blocks):
            n = next((i for i, s in enumerate(block.segments) if s.id == op.segments[0]), None)
            if n is None:
                continue
            changed = _split(block, n, op) if op.kind == "split" else _join(block, n, op)
            if changed is not None:
                blocks[b] = changed
            break
    return replace(article, blocks=tuple(blocks))


def joined_source(article: Article, first: str, second: str) -> str | None:
    """The text two adjacent segments of one block make together, as the block has it."""
    for block in article.blocks:
        ids = [s.id for s in block.segments]
        if first in ids:
            n = ids.index(first)
            if n + 1 < len(ids) and ids[n + 1] == second:
                return block.text[block.segments[n].start : block.segments[n + 1].end]
            return None
    return None
