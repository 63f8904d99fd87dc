"""Folding: journaled changes written into their article's file, under its lock, against
the file as it is now (another session or a translate run may have written it since).

The same `apply_change` that made the session's view makes the file, so a fold can only
differ from what the screen showed where someone else got there first; then the human
text is kept on the segment as a conflict. Folding is idempotent, so a journal replayed
after a kill folds again harmlessly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from workbench.errors import WorkbenchError
from workbench.review.changes import Change, Outcome, Restorer, apply_all
from workbench.review.journal import Draft
from workbench.store import Document, Store, StoreError
from workbench.store import Draft as KeptDraft

Stamp = tuple[int, int]


class FoldError(WorkbenchError):
    """The changes could not be written now; they stay in the journal."""


@dataclass(frozen=True)
class Folded:
    article: str
    document: Document  # as on disk after the fold
    stamp: Stamp | None  # the file's, taken under the lock
    changes: tuple[str, ...]  # ids of the changes now in the file
    outcome: Outcome
    written: bool


def with_drafts(document: Document, drafts: Iterable[Draft]) -> bool:
    """Put drafts on their segments (an empty text takes one away); whether any changed."""
    where = {r.id: n for n, r in enumerate(document.segments)}
    changed = False
    for draft in drafts:
        n = where.get(draft.segment)
        if n is None:
            continue
        record = document.segments[n]
        kept = KeptDraft(draft.text, draft.author, draft.time) if draft.text else None
        if record.draft != kept:
            document.segments[n] = replace(record, draft=kept)
            changed = True
    return changed


def fold(
    store: Store,
    article: str,
    changes: Sequence[Change],
    restorer: Restorer,
    drafts: Sequence[Draft] = (),
    timeout: float = 0.5,
) -> Folded:
    """Write `changes` (all of one article, in order) and `drafts` into its file."""
    box: dict[str, Outcome] = {}

    def write(current: Document | None) -> Document | None:
        if current is None:
            raise FoldError(
                f"{store.path(article).name} is gone; {len(changes)} changes to it stay in the journal"
                f" ({store.project.state / 'journal'})."
            )
        outcome = apply_all(current, changes, restorer)
        drafted = with_drafts(outcome.document, drafts)
        box["outcome"] = outcome
        return outcome.document if outcome.changed or drafted else None

    try:
        document, written = store.update(article, write, timeout=timeout)
    except StoreError as exc:
        raise FoldError(exc.message) from None
    assert document is not None
    return Folded(article, document, store.stamp, tuple(c.id for c in changes), box["outcome"], written)
