"""A scripted review session, run as its own process by the fault-injection tests.

It goes through every segment of the project, again and again, confirming, editing or
accepting through the review session the TUI holds (workbench.review.session), until it
is killed. Around every change it appends to a log of its own, fsynced: {"intent": ...}
before, {"done": ...} after the session's call returned, which is when the screen shows a
change done. A change that was "done" must survive any kill; one that was only intended
may or may not have landed.

usage: review_session.py PROJECT JOURNAL SEED
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.review.session import ReviewSession


def main() -> None:
    root, journal_path, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    review = ReviewSession(Project(root))
    review.open()
    journal = journal_path.open("a", encoding="utf-8")

    def log(kind: str, article: str, segment: str, target: str, status: str) -> None:
        journal.write(json.dumps({kind: [article, segment, target, status]}, ensure_ascii=False) + "\n")
        journal.flush()
        os.fsync(journal.fileno())

    turn = 0
    while True:
        for article_id in list(review.library):
            for index in range(len(review.document(article_id).segments)):
                turn += 1
                review.settle()
                record = review.document(article_id).segments[index]
                action = rng.choice(["confirm", "edit", "accept"])
                text = f"{record.source[:40]} — pass {seed}.{turn}"
                target, status = {
                    "confirm": (text, "reviewed"),
                    "edit": (text, "edited"),
                    "accept": (record.mt, "reviewed"),
                }[action]
                if action == "accept" and not record.mt:
                    continue
                log("intent", article_id, record.id, target, status)
                try:
                    if action == "confirm":
                        applied = review.confirm(article_id, record.id, text)
                    elif action == "edit":
                        applied = review.edit(article_id, record.id, text)
                    else:
                        applied = review.accept(article_id, record.id)
                except WorkbenchError:
                    continue
                if not applied.landed:
                    continue  # met another process's human change: kept beside it, not "done"
                log("done", article_id, record.id, target, status)


if __name__ == "__main__":
    main()
