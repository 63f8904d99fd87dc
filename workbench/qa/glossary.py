"""Named entities: the English form the glossary gives, in the target.

Accepted besides the entry's English form for how the source names it (the surname when
the source gives the surname only, Entry.expected): the full English form (a translator may
spell out a surname-only mention), and for places the adjectives or demonyms the entry
lists (`adjective`), since `Госорганы Франции` is rightly "French government agencies".
"""

from __future__ import annotations

from workbench.glossary.enforce import near_miss
from workbench.glossary.match import Matcher, contains_english
from workbench.qa.findings import Finding


def check(matcher: Matcher, source: str, target: str) -> list[Finding]:
    findings, seen = [], set()
    for hit in matcher.find(source):
        entry = hit.entry
        if entry.id in seen:
            continue
        accepted = (hit.expected, entry.en, *entry.adjective)
        if any(contains_english(target, form) for form in accepted):
            continue
        seen.add(entry.id)
        span = near_miss(target, hit.expected, entry.wrong)
        message = f"{hit.text} should be rendered {hit.expected}"
        if span:
            message += f", not {target[span[0] : span[1]]}"
        findings.append(Finding("glossary", message, entry.en, *(span or (-1, -1))))
    return findings
