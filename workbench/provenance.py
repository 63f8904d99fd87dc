"""Who did what to a segment, read from its versions (the history, then the current one).

- the **translator** is the person who gave the target its present text: the author of the
  human version (edited or reviewed) from which the target has not changed since, the
  earliest of that run, so that confirming unchanged text keeps the one who wrote it; when
  the text came from the machine and was taken as it is, the one who took it;
- the **reviewer** is the person whose approval or rejection is the segment's present state
  (`approved`, `rejected`), with its time (`approved_at` only for an approval);
- the **last change** is the current version's author and time, a person or the machine ("").

Every review change records its author and time on the version it makes (review/changes.py),
so this reads them back and guesses nothing: a version without an author is the machine's.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.store import SegmentRecord, Version

TRANSLATING = frozenset({"edited", "reviewed"})
REVISING = frozenset({"approved", "rejected"})


@dataclass(frozen=True)
class Provenance:
    translator: str = ""
    translated_at: str = ""
    reviewer: str = ""
    reviewed_at: str = ""  # when the approval or rejection was made
    approved_at: str = ""  # the same time, for an approval only
    changed_by: str = ""
    changed_at: str = ""


def provenance(segment: SegmentRecord) -> Provenance:
    versions: list[Version] = [*segment.history, segment.version()]
    current = versions[-1]
    translator = translated_at = ""
    for version in reversed(versions):
        if version.target != current.target:
            break  # an older text: whoever made it is not the translator of this one
        if version.author and version.status in TRANSLATING:
            translator, translated_at = version.author, version.time
    reviewer = reviewed_at = approved_at = ""
    status: str = current.status
    if status in REVISING and current.author:
        reviewer, reviewed_at = current.author, current.time
        approved_at = current.time if status == "approved" else ""
    return Provenance(
        translator=translator,
        translated_at=translated_at,
        reviewer=reviewer,
        reviewed_at=reviewed_at,
        approved_at=approved_at,
        changed_by=current.author,
        changed_at=current.time,
    )
