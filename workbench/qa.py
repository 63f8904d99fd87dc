"""QA before export: checks per segment that catch what translators and MT get wrong.

- numbers: the numbers and dates of the source must be in the target, compared as values,
  so 5,55 millions ↔ 5.55 million and 07.04.2021 ↔ April 7, 2021 pass;
- empty: a segment marked translated whose target is empty; untranslated ones are listed too;
- identical: a target that repeats a source sentence of three words or more;
- length: a target under half or over twice the length of its source (sources of 20+ chars);
- brackets and quotes: pairs balanced in the source but not in the target;
- glossary: an entity named in the source whose English form the target lacks.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

import regex

from workbench.glossary.entries import Glossary
from workbench.glossary.match import Matcher, contains_english, matcher_for
from workbench.store import Document, SegmentRecord

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
MONTHS |= {
    m: n
    for n, names in enumerate(
        [
            (),
            ("janvier", "января", "январь"),
            ("février", "fevrier", "февраля", "февраль"),
            ("mars", "марта", "март"),
            ("avril", "апреля", "апрель"),
            ("mai", "мая", "май"),
            ("juin", "июня", "июнь"),
            ("juillet", "июля", "июль"),
            ("août", "aout", "августа", "август"),
            ("septembre", "сентября", "сентябрь"),
            ("octobre", "октября", "октябрь"),
            ("novembre", "ноября", "ноябрь"),
            ("décembre", "decembre", "декабря", "декабрь"),
        ]
    )
    for m in names
}
MONTH = "|".join(sorted(map(regex.escape, MONTHS), key=len, reverse=True))
DATES = [
    (regex.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b"), ("d", "m", "y")),
    (regex.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    (regex.compile(rf"(?i)\b(\d{{1,2}})(?:er)?\s+({MONTH})\.?,?\s+(\d{{4}})\b"), ("d", "M", "y")),
    (regex.compile(rf"(?i)\b({MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"), ("M", "d", "y")),
]
NUMBER = regex.compile(
    r"(?<![\p{L}\d])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)|(?<![\p{L}\d])\d+(?:[.,]\d+)*"
)
PAIRS = [("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("“", "”")]
MIN_RATIO, MAX_RATIO, MIN_LENGTH = 0.5, 2.0, 20
WORDS = regex.compile(r"\p{L}+")


@dataclass(frozen=True)
class Finding:
    article: str
    segment: str
    check: str
    message: str
    target: str = ""  # the translation's target language: one article may have several


def _dates(text: str) -> tuple[list[str], str]:
    """ISO dates found, and the text with them blanked out."""
    found = []
    for pattern, order in DATES:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = int(parts["m"]) if "m" in parts else MONTHS.get(parts["M"].lower().rstrip("."), 0)
            try:
                found.append(dt.date(int(parts["y"]), month, int(parts["d"])).isoformat())
            except ValueError:
                continue
            text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    return found, text


def _value(token: str) -> float:
    token = regex.sub(r"[ \u00a0\u202f]", "", token)
    if "," in token and "." in token:  # 1,234.5 (English) or 1.234,5 (French)
        token = (
            token.replace(",", "")
            if token.rfind(".") > token.rfind(",")
            else token.replace(".", "").replace(",", ".")
        )
    elif "," in token:
        head, _, tail = token.rpartition(",")
        token = (
            head.replace(",", "") + tail
            if len(tail) == 3 and head.isdigit() and len(head) <= 3
            else token.replace(",", ".")
        )
    elif token.count(".") > 1:
        token = token.replace(".", "")
    return float(token)


def numbers(text: str) -> Counter[str]:
    """Dates as ISO strings and other numbers as values: what must survive translation."""
    dates, rest = _dates(text)
    values: Counter[str] = Counter(dates)
    for match in NUMBER.finditer(rest):
        try:
            values[f"{_value(match.group()):g}"] += 1
        except ValueError:
            continue
    return values


def _balanced(text: str, opening: str, closing: str) -> bool:
    depth = 0
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def check_segment(article: str, s: SegmentRecord, matcher: Matcher | None = None) -> list[Finding]:
    def finding(check: str, message: str) -> Finding:
        return Finding(article, s.id, check, message)

    if s.status == "new":
        return [finding("untranslated", "not translated yet")]
    target = s.target.strip()
    if not target:
        return [finding("empty", f"marked {s.status} but the target is empty")]
    out = []
    source_numbers, target_numbers = numbers(s.source), numbers(target)
    missing, extra = source_numbers - target_numbers, target_numbers - source_numbers
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(sorted(missing)))
        if extra:
            parts.append("unexpected " + ", ".join(sorted(extra)))
        out.append(finding("numbers", "; ".join(parts)))
    if target == s.source.strip() and len(WORDS.findall(target)) >= 3:
        out.append(finding("identical", "the target repeats the source"))
    if len(s.source) >= MIN_LENGTH:
        ratio = len(target) / len(s.source)
        if not MIN_RATIO <= ratio <= MAX_RATIO:
            out.append(finding("length", f"the target is {ratio:.2f} times the length of the source"))
    for opening, closing in PAIRS:
        if _balanced(s.source, opening, closing) and not _balanced(target, opening, closing):
            out.append(finding("brackets", f"unbalanced {opening}{closing} in the target"))
    if s.source.count('"') % 2 == 0 and target.count('"') % 2 == 1:
        out.append(finding("brackets", 'an odd number of " in the target'))
    if matcher is not None:
        for hit in matcher.find(s.source):
            if not contains_english(target, hit.expected):
                out.append(finding("glossary", f"{hit.text} should be rendered {hit.expected}"))
    return out


def check_documents(documents: Iterable[Document], glossary: Glossary | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for document in sorted(documents, key=lambda d: d.article_id):
        matcher = None
        if glossary is not None and len(glossary):
            matcher = matcher_for(glossary, document.source_language)
        for segment in document.segments:
            findings += [
                replace(f, target=document.target_language)
                for f in check_segment(document.article_id, segment, matcher)
            ]
    return findings
