"""Where in a sentence a name stands that the glossary does not know yet.

Used to pre-fill "add to the glossary" with the name a reviewer most likely wants: the
first capitalised run that no glossary entry covers. A run at the very start of the
sentence is skipped, since there capitals mark the sentence, not a name.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.glossary.suggest import RUN


def unknown_name(text: str, known: Iterable[tuple[int, int]]) -> str | None:
    """The first capitalised run past the sentence start that overlaps no known span."""
    spans = list(known)
    for run in RUN.finditer(text):
        start, end = run.span()
        if start > 0 and not any(s < end and start < e for s, e in spans):
            return str(run.group())
    return None
