"""Recovery: the journals of sessions that ended without folding them (a kill, a crash, a
lost terminal) replayed into the documents and the translation memory.

Every command that reads translations runs it first, and so does every review session as
it opens, so nothing a translator was shown as done is missing from an export, a QA run
or the next session. A journal whose session still lives (its lock is held) is left to
that session. A journal is deleted only when everything in it is in the files and the
memory; one written by a newer Workbench, or one whose article files cannot be written
now, stays and is named.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.fileio import WriteError, atomic_write
from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.review import journal
from workbench.review.changes import Change, Conflict
from workbench.review.fold import FoldError, fold
from workbench.review.journal import Draft, Marker
from workbench.review.work import restorer
from workbench.review.writer import learn
from workbench.store import Store, file_name

RECOVERY_WAIT = 2.0  # seconds for an article another process is writing; then the journal waits


@dataclass
class Recovered:
    journals: int = 0
    changes: int = 0  # folded now
    drafts: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not (self.changes or self.drafts or self.problems):
            return ""
        parts = []
        if self.changes:
            parts.append(f"{self.changes} change{'s' if self.changes != 1 else ''}")
        if self.drafts:
            parts.append(f"{self.drafts} unfinished edit{'s' if self.drafts != 1 else ''}")
        text = ""
        if parts:
            text = f"Recovered {' and '.join(parts)} from a review session that ended unexpectedly."
        if self.conflicts:
            text += f" {len(self.conflicts)} met another person's change: both texts are kept on the segment."
        return " ".join([text, *self.problems]).strip()


def recover(project: Project) -> Recovered:
    result = Recovered()
    for path in journal.paths(project.state):
        with journal.claimed(path) as fd:
            if fd is None:
                continue  # its session is alive, or the file went away
            contents = journal.read(path)
            result.journals += 1
            target = contents.header.target if contents.header else "en"
            settled = _fold(project, target, contents.unfolded, contents.open_drafts, result)
            learned = _learn(project, target, contents.unmemorized, result)
            if contents.unreadable:
                result.problems.append(
                    f"{path} has {contents.unreadable} records this Workbench does not understand (a newer"
                    " version's?); it is kept: open the project with that version."
                )
            if settled and learned and not contents.unreadable:
                with contextlib.suppress(OSError):
                    os.unlink(path)
            else:
                done = Marker(
                    folded=tuple(c.id for c in contents.unfolded) if settled else (),
                    memorized=tuple(c.id for c in contents.unmemorized) if learned else (),
                )
                with contextlib.suppress(OSError):
                    os.lseek(fd, 0, os.SEEK_END)
                    os.write(fd, journal.encode(done))
    return result


def _fold(
    project: Project, target: str, changes: list[Change], drafts: list[Draft], result: Recovered
) -> bool:
    by_article: dict[str, tuple[list[Change], list[Draft]]] = {}
    for change in changes:
        by_article.setdefault(change.article, ([], []))[0].append(change)
    for draft in drafts:
        by_article.setdefault(draft.article, ([], []))[1].append(draft)
    store = Store(project, target)
    rebuild = restorer(project, target)
    settled = True
    for article, (mine, typed) in by_article.items():
        if not store.path(article).exists():
            kept = _set_aside(project, target, article, mine, typed)
            if kept is not None:
                result.problems.append(
                    f"Recovered what an earlier session typed for {article}, whose translation file is gone:"
                    f" it is in {kept}."
                )
                continue
        try:
            folded = fold(store, article, mine, rebuild, typed, timeout=RECOVERY_WAIT)
        except (FoldError, WorkbenchError) as exc:
            count = f"{len(mine)} change{'s' if len(mine) > 1 else ''}" if mine else "an unfinished edit"
            result.problems.append(
                f"{count} of an earlier session to {article} wait in the journal, safe, and are not in the"
                f" article yet: {exc}; they are written as soon as it can be (Workbench tries at every start)."
            )
            settled = False
            continue
        result.changes += len(folded.outcome.landed) + len(folded.outcome.orphaned)
        result.conflicts += folded.outcome.conflicts
        result.drafts += len(typed)
    return settled


def _learn(project: Project, target: str, changes: list[Change], result: Recovered) -> bool:
    if not changes:
        return True
    try:
        with TranslationMemory(project.memory, timeout=5.0) as memory:
            for change in changes:
                learn(memory, target, change)
    except WorkbenchError as exc:
        result.problems.append(
            f"the journal is kept until the translation memory can be written: {exc.message}"
        )
        return False
    return True


def _set_aside(
    project: Project, target: str, article: str, changes: list[Change], drafts: list[Draft]
) -> Path | None:
    """The human text of changes (and drafts) to an article whose file is gone: a file of its
    own under .workbench/set-aside/, one JSON line a segment, so that nothing typed is lost
    and the journal can go. None when it cannot be written (the journal then stays)."""
    lines = [
        {"article": article, "segment": e.segment, "source": e.source, "target": e.target, "status": e.status,
         "author": c.author, "time": c.time}
        for c in changes
        for e in c.edits
        if e.human and e.target.strip()
    ]
    lines += [
        {"article": article, "segment": d.segment, "target": d.text, "status": "unfinished edit",
         "author": d.author, "time": d.time}
        for d in drafts
        if d.text.strip()
    ]
    path = project.state / "set-aside" / (file_name(article, target) + "l")  # NAME.en.jsonl
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        old = path.read_bytes() if path.exists() else b""
        atomic_write(path, old + b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines))
    except (OSError, WriteError):
        return None
    return path
