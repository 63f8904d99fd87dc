"""Quotes and brackets, judged across the sentences of a paragraph.

A quotation often opens in one sentence and closes in a later one («Il faut passer aux
alternatives […]. Mais cela ne signifie pas…», a-t-il poursuivi): each sentence is
"unbalanced", and so is its translation, the same way. So a segment is compared with its
source first: the same unclosed openers and unopened closers on both sides is right.
Where they differ, the paragraph decides: if the target's paragraph (this segment with its
neighbours) is balanced, or unbalanced exactly as the source's paragraph is, the quote was
only moved to a neighbouring sentence, and nothing is reported.

All double quotes are one family, whatever their style: French «», English “” and "",
Russian „“ are the same quotation in another typography. Single quotes are not judged: ’ is
also the apostrophe. “ and " open or close by what stands before them, as a reader tells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.qa.findings import Finding

FAMILIES = {"quotes": ("«„", "»”"), "()": ("(", ")"), "[]": ("[", "]"), "{}": ("{", "}")}
AMBIGUOUS = '“"'  # open after a space or an opening bracket, close elsewhere
OPENS_AFTER = " \t\n\u00a0\u202f([{«„—–-/"


@dataclass(frozen=True)
class Balance:
    """What a text leaves open: closers with no opener before them, and openers not closed."""

    closers: int = 0
    openers: int = 0
    first_closer: int = -1  # where in the text, for the span
    last_opener: int = -1

    def then(self, other: Balance) -> Balance:
        """This text followed by `other` (positions are dropped: they belong to one text)."""
        closed = min(self.openers, other.closers)
        return Balance(self.closers + other.closers - closed, self.openers + other.openers - closed)

    @property
    def even(self) -> bool:
        return not (self.closers or self.openers)

    def same(self, other: Balance) -> bool:
        return (self.closers, self.openers) == (other.closers, other.openers)


def balance(text: str, family: str) -> Balance:
    opening, closing = FAMILIES[family]
    closers, stack, first_closer = 0, list[int](), -1
    for i, char in enumerate(text):
        if char in opening:
            stack.append(i)
        elif char in closing or (family == "quotes" and char in AMBIGUOUS):
            if char in AMBIGUOUS and (i == 0 or text[i - 1] in OPENS_AFTER):
                stack.append(i)
            elif stack:
                stack.pop()
            else:
                closers += 1
                first_closer = i if first_closer < 0 else first_closer
    return Balance(closers, len(stack), first_closer, stack[-1] if stack else -1)


def _paragraph(texts: Sequence[str], family: str) -> Balance:
    total = Balance()
    for text in texts:
        total = total.then(balance(text, family))
    return total


def check(
    source: str,
    target: str,
    before: Sequence[tuple[str, str]] = (),
    after: Sequence[tuple[str, str]] = (),
) -> list[Finding]:
    """`before` and `after` are the (source, target) pairs of the paragraph's other segments,
    in order; a neighbour not translated yet counts as its source would."""
    findings = []
    for family in FAMILIES:
        ours, theirs = balance(source, family), balance(target, family)
        if ours.same(theirs):
            continue
        sources = [s for s, _ in before] + [source] + [s for s, _ in after]
        targets = [t or s for s, t in before] + [target] + [t or s for s, t in after]
        whole_source, whole_target = _paragraph(sources, family), _paragraph(targets, family)
        if whole_target.even or whole_target.same(whole_source):
            continue
        name = "quotation" if family == "quotes" else f"bracket {family[0]}"
        where = -1
        if theirs.openers > ours.openers:
            where = theirs.last_opener
            message = f"a {name} opened in the target is not closed, in this sentence or its paragraph"
        elif theirs.closers > ours.closers:
            where = theirs.first_closer
            message = f"a {name} closed in the target was never opened, in this sentence or its paragraph"
        elif ours.openers > theirs.openers:
            message = f"the source opens a {name} here that the target does not open"
        else:
            message = f"the source closes a {name} here that the target does not close"
        check_name = "quotes" if family == "quotes" else "brackets"
        findings.append(Finding(check_name, message, family, where, where + 1 if where >= 0 else -1))
    return findings
