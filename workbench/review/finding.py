"""Finding segments across the project's articles: the next one to review, text matches."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from workbench.store import Document

Documents = Callable[[str], Document]


def next_unreviewed(
    document: Documents, ids: Sequence[str], article: str, after: int
) -> tuple[str, int] | None:
    """The next segment not yet reviewed, in this article and then the following ones,
    wrapping round to the start of this one."""
    start = ids.index(article) if article in ids else 0
    ordered = list(ids[start:]) + list(ids[:start])
    for offset, other in enumerate(ordered):
        segments = document(other).segments
        first = after + 1 if offset == 0 else 0
        for index in range(first, len(segments)):
            if segments[index].status != "reviewed":
                return other, index
    if article in ids:
        segments = document(article).segments
        for index in range(0, min(after + 1, len(segments))):
            if segments[index].status != "reviewed":
                return article, index
    return None


def folded(text: str) -> str:
    """For matching as a reader would: NFC, case folded."""
    return unicodedata.normalize("NFC", text).casefold()


def search(document: Documents, ids: Sequence[str], query: str) -> list[tuple[str, int]]:
    """Segments whose source or target contains `query` (case-insensitive), in order."""
    needle = folded(query).strip()
    if not needle:
        return []
    return [
        (article, index)
        for article in ids
        for index, s in enumerate(document(article).segments)
        if needle in folded(s.source) or needle in folded(s.target)
    ]
