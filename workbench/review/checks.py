"""What a review session checks a segment with, apart from its text: the glossary's
reading of it (entities, and those the target lacks) and the QA context, loaded behind the
first screen (ReviewSession.qa_building) and taken in on the owner's thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError
from workbench.glossary.entries import Glossary
from workbench.glossary.match import Hit, Matcher, contains_english
from workbench.qa import Context, project_context


@dataclass(frozen=True)
class GlossaryView:
    """The glossary's reading of one segment."""

    source_hits: tuple[Hit, ...]
    missing: tuple[Hit, ...]  # entities whose English form the target lacks


@dataclass(frozen=True)
class Checks:
    """What the checks need, loaded behind the first screen (ReviewSession.qa_building)."""

    context: Context
    matchers: dict[str | None, Matcher]
    problem: str | None = None  # see checks_context


def checks_context(glossary: Glossary | None, folder: Path) -> tuple[Context, str | None]:
    """The QA context, and what it goes without: a word list that cannot be read leaves the
    spelling check without the project's words, said once; the other checks never wait on
    it (nor does a confirm's question)."""
    try:
        return project_context(glossary, folder), None
    except InputError as exc:
        said = exc.message[:1].upper() + exc.message[1:]
        return Context(glossary), f"{said} Spelling is checked without the project's words until it is fixed."


ViewKey = tuple[str | None, str, str]  # the source language, the source, the target


def view_of(matcher: Matcher, source: str, target: str) -> GlossaryView:
    hits = tuple(matcher.find(source))
    return GlossaryView(hits, tuple(h for h in hits if target and not contains_english(target, h.expected)))
