"""`workbench concordance` and `workbench replace`: the review session's search and
find-and-replace across the project, from the command line.

Both go through the review session the screen holds (workbench.review.session), so the
search is the screen's and a replacement is what the screen's is: journaled and fsynced
before it is reported, each replaced target `edited` (a reviewed one too: it is to be
reviewed again), its old text kept in the segment's history, all of it one change group,
folded into the files under their locks, meeting a screen open on the same project as a
conflict that keeps both texts, never as an overwrite.

`replace` changes nothing without consent: `--dry-run` only previews; without `--yes` it
previews and asks when a person is at the terminal, and where nobody can answer (standard
input or error is not a terminal, or `--json`) it previews, changes nothing and exits 1.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from workbench.cli.output import print_json, warn
from workbench.errors import InputError
from workbench.project import Project
from workbench.review.changes import Conflict
from workbench.review.session import Notice, ReviewError, ReviewSession

Json = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
To = Annotated[str, typer.Option("--to", help="Target language of the translations searched.")]
FOLD_WAIT = 30.0  # seconds for the files to take the replacements; after that the journal keeps them


class Side(StrEnum):
    source = "source"
    target = "target"
    both = "both"


def _session(project: Project, target: str) -> ReviewSession:
    """A review session over the whole corpus; opening it folds what a dead session left."""
    if not project.translations.is_dir():
        raise InputError(f"{project.translations} holds no translations yet; run `workbench translate` first.")
    session = ReviewSession(project, target=target)
    session.open()
    for problem in session.problems:
        warn(problem)
    if not list(session.library):
        session.close()
        raise InputError(
            f"{project.translations} holds no translations into {target!r}; run `workbench translate --to {target}` first."
        )
    session.take_loaded(session.loading()())
    return session


def _marked(text: str, spans: list[tuple[int, int]] | tuple[tuple[int, int], ...], color: bool) -> str:
    """The text with each span shown: reverse video on a terminal, [[ ]] elsewhere."""
    out, at = [], 0
    for start, end in spans:
        out.append(text[at:start])
        hit = text[start:end]
        out.append(typer.style(hit, reverse=True) if color else f"[[{hit}]]")
        at = end
    out.append(text[at:])
    return "".join(out)


def concordance_command(
    text: Annotated[str, typer.Argument(help="The word or phrase (whole words, any case).", show_default=False)],
    json: Json = False,
    side: Annotated[Side, typer.Option("--in", help="Search the sources, the targets or both.")] = Side.both,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many hits.")] = 200,
    to: To = "en",
) -> None:
    """How a word or phrase was rendered before: its hits in the translation memory and the
    corpus, each with the other side of its pair."""
    if not text.strip():
        raise InputError("give a word or phrase to look for.")
    project = Project.here()
    session = _session(project, to)
    try:
        sides = ("source", "target") if side is Side.both else (side.value,)
        hits = session.concordance(text, limit=limit + 1, sides=sides)
        titles = session.titles()
    finally:
        session.close()
    more, hits = len(hits) > limit, hits[:limit]
    if json:
        print_json(
            {
                "text": text,
                "in": side.value,
                "truncated": more,
                "hits": [
                    {
                        "where": "memory" if h.where == "memory" else "corpus",
                        "article": None if h.where == "memory" else h.where,
                        "title": None if h.where == "memory" else titles.get(h.where, h.where),
                        "segment": h.segment or None,
                        "number": None if h.index < 0 else h.index + 1,
                        "status": h.status,
                        "side": h.side,
                        "match": (h.source if h.side == "source" else h.target)[h.span[0] : h.span[1]],
                        "span": list(h.span),
                        "source": h.source,
                        "target": h.target,
                    }
                    for h in hits
                ],
            }
        )
        return
    color = sys.stdout.isatty()
    for h in hits:
        where = "translation memory" if h.where == "memory" else f"{titles.get(h.where, h.where)}, segment {h.index + 1}"
        typer.echo(f"{where} ({h.status})")
        for name, value in (("source", h.source), ("target", h.target)):
            shown = _marked(value, [h.span], color) if name == h.side else value
            typer.echo(f"  {name}: {shown or '(empty)'}")
    where = {"both": "sources or targets", "source": "sources", "target": "targets"}[side.value]
    found = f"{len(hits)} hit{'s' if len(hits) != 1 else ''}" if hits else "No hits"
    typer.echo(f"{found} for “{text.strip()}” in {where}" + (f" (the first {limit}; --limit shows more)." if more else "."))


def replace_command(
    pattern: Annotated[str, typer.Argument(help="What to find in the targets.", show_default=False)],
    replacement: Annotated[str, typer.Argument(help="What to put instead (with --regex, \\1 or \\g<name> refer to groups).", show_default=False)],
    regex: Annotated[bool, typer.Option("--regex", help="PATTERN is a regular expression.")] = False,
    whole_word: Annotated[bool, typer.Option("--whole-word", help="Only where PATTERN is a whole word.")] = False,
    case_sensitive: Annotated[bool, typer.Option("--case-sensitive", help="Letter case must match.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show every replacement; change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    json: Json = False,
    to: To = "en",
) -> None:
    """Find and replace across the project's targets: a preview of every hit, then (asked, or
    with --yes) each replaced segment becomes edited, as one journaled change."""
    project = Project.here()
    session = _session(project, to)
    try:
        try:
            preview = session.replacements(
                pattern, replacement, is_regex=regex, whole_word=whole_word, case=case_sensitive
            )
        except ReviewError as exc:
            print(f"workbench: {exc.message}", file=sys.stderr)
            raise typer.Exit(2) from None
        titles = session.titles()
        reviewed = sum(r.status == "reviewed" for r in preview)
        interactive = sys.stdin is not None and sys.stdin.isatty() and sys.stderr.isatty() and not json
        apply = bool(preview) and not dry_run and yes
        if preview and not dry_run and not yes and interactive:
            _show(preview, titles, sys.stdout.isatty())
            apply = typer.confirm(_question(preview, reviewed), default=False, err=True)
            shown = True
        else:
            shown = False
        result: dict[str, Any] = {"applied": False, "change": None, "conflicts": 0, "waiting": 0}
        if apply:
            result = _apply(session, preview)
    finally:
        session.close(wait=FOLD_WAIT)
    if json:
        print_json(
            {
                "pattern": pattern,
                "replacement": replacement,
                **result,
                "segments": len(preview),
                "replacements": [
                    {
                        "article": r.article,
                        "title": titles.get(r.article, r.article),
                        "segment": r.segment,
                        "number": r.index + 1,
                        "status": r.status,
                        "before": r.before,
                        "after": r.after,
                        "spans": [list(s) for s in r.spans],
                    }
                    for r in preview
                ],
            }
        )
    elif not shown:
        _show(preview, titles, sys.stdout.isatty())
    _conclude(preview, reviewed, result, dry_run=dry_run, asked=shown, quiet=json)


def _show(preview: list[Any], titles: dict[str, str], color: bool) -> None:
    for r in preview:
        typer.echo(f"{titles.get(r.article, r.article)}, segment {r.index + 1} ({r.status})")
        typer.echo(f"  - {_marked(r.before, r.spans, color)}")
        typer.echo(f"  + {r.after}")


def _question(preview: list[Any], reviewed: int) -> str:
    again = f"; {reviewed} reviewed go back to edited" if reviewed else ""
    return f"Replace in these {len(preview)} segments{again}?"


def _apply(session: ReviewSession, preview: list[Any]) -> dict[str, Any]:
    applied = session.replace(preview)
    # the files take the change behind; a file held by a screen meanwhile only delays it
    session.writer.wait(FOLD_WAIT)
    events = session.settle()
    conflicts = [e for e in events if isinstance(e, Conflict)] + applied.conflicts
    for notice in (e for e in events if isinstance(e, Notice) and e.severity != "information"):
        warn(notice.message)
    return {
        "applied": bool(applied.changes),
        "change": applied.changes[0].group or applied.changes[0].id if applied.changes else None,
        "replaced": len(applied.landed),
        "conflicts": len(conflicts),
        "waiting": session.unsaved(),
    }


def _conclude(
    preview: list[Any], reviewed: int, result: dict[str, Any], *, dry_run: bool, asked: bool, quiet: bool
) -> None:
    say = warn if quiet else typer.echo
    if not preview:
        say("No target matches; nothing to replace.")
        return
    n = len(preview)
    segments = f"{n} segment{'s' if n != 1 else ''}"
    if result["applied"]:
        parts = [f"Replaced in {result['replaced']} of {segments}; each is now edited"]
        if reviewed:
            parts.append(f"({reviewed} reviewed before: review them again)")
        message = " ".join(parts) + "."
        if result["conflicts"]:
            message += (
                f" {result['conflicts']} met a change made meanwhile in an open review screen: both texts"
                " are kept on the segment, to decide there."
            )
        if result["waiting"]:
            message += (
                f" {result['waiting']} changes wait in the journal for files another process holds; the"
                " next command or review session folds them in."
            )
        say(message)
        return
    if dry_run:
        say(f"{segments} would change; nothing was changed (--dry-run).")
        return
    if asked:
        warn("nothing was changed.")
    else:
        warn(
            f"nothing was changed: {segments} would change, and nobody is at a terminal to ask; run again with --yes"
            " to apply them (or --dry-run to only preview)."
        )
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("concordance")(concordance_command)
    app.command("replace")(replace_command)
