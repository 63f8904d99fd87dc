"""QA of one segment: the entry point the review screen calls as the translator types.

A `Context` holds what is built once per project (the glossary's matchers, the speller with
the project's words), so that checking a segment is only the checks themselves: well under
10 ms a call (benchmarks/bench_qa.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from workbench.glossary.entries import Glossary
from workbench.glossary.match import Matcher, matcher_for
from workbench.qa import dates, glossary, numbers, pairs, shape
from workbench.qa import spelling as spelling_check
from workbench.qa.findings import Finding
from workbench.store import Dismissal

CHECKS = (
    "untranslated",
    "empty",
    "numbers",
    "dates",
    "identical",
    "length",
    "quotes",
    "brackets",
    "glossary",
    "spelling",
)


@dataclass
class Context:
    """What the checks need, built once: `Context(glossary, words)`."""

    glossary: Glossary | None = None
    words: Iterable[str] = ()
    spelling: bool = True
    speller: spelling_check.Speller | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.spelling:
            self.speller = spelling_check.Speller([*self.words, *_english_forms(self.glossary)])

    def matcher(self, language: str | None) -> Matcher | None:
        if self.glossary is None or not len(self.glossary):
            return None
        return matcher_for(self.glossary, language)


def _english_forms(glossary: Glossary | None) -> list[str]:
    """The English a glossary expects: known words to the speller (wrong forms are not)."""
    if glossary is None:
        return []
    forms = []
    for entry in glossary:
        forms += [entry.en, entry.short, *entry.adjective, *entry.forms.get("*", ())]
    return forms


def check_segment(
    context: Context,
    source: str,
    target: str,
    *,
    source_language: str | None = None,
    status: str = "edited",
    before: Sequence[tuple[str, str]] = (),
    after: Sequence[tuple[str, str]] = (),
    dismissed: Iterable[Dismissal] = (),
) -> list[Finding]:
    """The findings of one segment's target. `before` and `after` are the (source, target)
    pairs of the other segments of its paragraph, in order (quotes may span them);
    `dismissed` are the findings a person judged not an error, respected while the target
    stays the one they were judged on."""
    blank = shape.empty(status, target)
    if blank is not None:
        return [blank]
    found: list[Finding] = []
    found += numbers.check(source, target, source_language)
    found += dates.check(source, target, source_language)
    found += [f for f in (shape.identical(source, target), shape.length(source, target)) if f]
    found += pairs.check(source, target, before, after)
    matcher = context.matcher(source_language)
    if matcher is not None:
        found += glossary.check(matcher, source, target)
    if context.speller is not None:
        found += spelling_check.check(context.speller, source, target)
    judged = {(d.check, d.finding) for d in dismissed if d.target == target}
    return [f for f in found if (f.check, f.key) not in judged]
