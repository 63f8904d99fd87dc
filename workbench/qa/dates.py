"""Dates, months and weekdays in French, Russian and English.

A date's day and year are numbers, compared by `numbers`; what this module adds is the
month and the weekday, which are words: `7 avril`, `7 апреля` and `April 7` name the same
month, `mercredi`, `в среду` and `Wednesday` the same day. Numeric dates (07.04.2021,
2021-04-07) give their day and year to `numbers` and their month here.

Russian months and weekdays inflect (марта, в марте; в среду, по средам): the patterns
take the case endings. `среда` and `среды` are left out on purpose: in news about software
they mean "environment" far more often than "Wednesday" (окружающей среды, в среде
разработчиков); `в среду` (on Wednesday) and `по средам` are unambiguous. English months
and weekdays count only capitalised, so the verbs `may` and `march` are not months.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

import regex

from workbench.qa.findings import Finding

MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

RU_ENDINGS = r"(?:ь|я|ю|е|ём|ем)"  # январь, января, январю, январе, январём
MONTH_FORMS = {
    "en": [
        *((name, n) for n, name in enumerate(MONTH_NAMES, 1)),
        *(
            (abbr, n)
            for n, abbr in enumerate(
                ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"], 1
            )
        ),
        ("Sep", 9),
    ],
    "fr": [
        *(
            (name, n)
            for n, names in enumerate(
                [
                    "janvier|janv",
                    "février|fevrier|févr|fevr",
                    "mars",
                    "avril|avr",
                    "mai",
                    "juin",
                    "juillet|juil",
                    "août|aout",
                    "septembre|sept",
                    "octobre|oct",
                    "novembre|nov",
                    "décembre|decembre|déc|dec",
                ],
                1,
            )
            for name in names.split("|")
        )
    ],
    "ru": [
        (f"январ{RU_ENDINGS}", 1),
        (f"феврал{RU_ENDINGS}", 2),
        ("март(?:а|е|у|ом)?", 3),
        (f"апрел{RU_ENDINGS}", 4),
        ("ма(?:й|я|е|ю|ем)", 5),
        (f"июн{RU_ENDINGS}", 6),
        (f"июл{RU_ENDINGS}", 7),
        ("август(?:а|е|у|ом)?", 8),
        (f"сентябр{RU_ENDINGS}", 9),
        (f"октябр{RU_ENDINGS}", 10),
        (f"ноябр{RU_ENDINGS}", 11),
        (f"декабр{RU_ENDINGS}", 12),
        *(
            (abbr, n)
            for n, abbr in enumerate(
                ["янв", "февр", "мар", "апр", "мая", "июн", "июл", "авг", "сент", "окт", "нояб", "дек"], 1
            )
            if abbr not in ("мая", "июн", "июл")  # whole words already
        ),
    ],
}
WEEKDAY_FORMS = {
    "en": [(f"{name}s?", n) for n, name in enumerate(WEEKDAY_NAMES)],
    "fr": [
        (f"{name}s?", n)
        for n, name in enumerate(["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"])
    ],
    "ru": [
        ("понедельник(?:а|у|ом|е|и|ам)?", 0),
        ("вторник(?:а|у|ом|е|и|ам)?", 1),
        ("сред(?:у|ам)", 2),
        ("четверг(?:а|у|ом|е|и|ам)?", 3),
        ("пятниц(?:а|у|ы|е|ей|ам)", 4),
        ("суббот(?:а|у|ы|е|ой|ам)", 5),
        ("воскресень(?:е|я|ю|ем)", 6),
    ],
}
# capitalised Mars is the planet; abbreviations need their period (oct. but not "oct")
FR_ONLY_LOWER = {"mars"}
ABBREVIATED = regex.compile(
    r"(?i)^(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|janv|févr|fevr|avr|juil|déc|янв|февр|мар|апр|авг|сент|окт|нояб|дек)$"
)

NUMERIC_DATES = [
    (regex.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./](\d{4})(?![\d.]\d)"), ("d", "m", "y")),
    (regex.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"), ("y", "m", "d")),
]


@dataclass(frozen=True)
class Mention:
    value: int  # month 1-12 or weekday 0-6
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NumericDate:
    start: int
    end: int
    day: int
    month: int
    year: int


def numeric_dates(text: str) -> list[NumericDate]:
    found = []
    for pattern, order in NUMERIC_DATES:
        for match in pattern.finditer(text):
            parts = {k: int(v) for k, v in zip(order, match.groups(), strict=True)}
            if 1 <= parts["m"] <= 12 and 1 <= parts["d"] <= 31:
                found.append(NumericDate(match.start(), match.end(), parts["d"], parts["m"], parts["y"]))
    return found


@cache
def _pattern(kind: str, language: str) -> regex.Pattern[str]:
    forms = (MONTH_FORMS if kind == "month" else WEEKDAY_FORMS).get(language, [])
    alternatives = []
    for n, (form, value) in enumerate(forms):
        dot = r"\." if ABBREVIATED.match(form) else r""
        alternatives.append(f"(?P<g{n}_{value}>{form}{dot})")
    body = "|".join(alternatives) or "(?!)"
    flags = "" if language == "en" else "(?i)"
    return regex.compile(rf"{flags}(?<![\p{{L}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{N}}])")


def _mentions(kind: str, text: str, language: str | None) -> list[Mention]:
    found = []
    for match in _pattern(kind, _language(language)).finditer(text):
        name = next(k for k, v in match.groupdict().items() if v is not None)
        word = match.group()
        if language == "fr" and word.casefold() in FR_ONLY_LOWER and not word.islower():
            continue
        found.append(Mention(int(name.rpartition("_")[2]), match.start(), match.end(), word))
    return found


def _language(language: str | None) -> str:
    return language if language in MONTH_FORMS else "en"


def months(text: str, language: str | None) -> list[Mention]:
    """Months named in words, and the months of numeric dates."""
    found = _mentions("month", text, language)
    found += [Mention(d.month, d.start, d.end, text[d.start : d.end]) for d in numeric_dates(text)]
    return sorted(found, key=lambda m: m.start)


def weekdays(text: str, language: str | None) -> list[Mention]:
    return _mentions("weekday", text, language)


def _compare(kind: str, names: list[str], source: list[Mention], target: list[Mention]) -> list[Finding]:
    wanted, given = Counter(m.value for m in source), Counter(m.value for m in target)
    missing = [m for m in source if _take(wanted, given, m.value)]
    wanted, given = Counter(m.value for m in source), Counter(m.value for m in target)
    extra = [m for m in target if _take(given, wanted, m.value)]
    findings = []
    for i in range(max(len(missing), len(extra))):
        was = missing[i] if i < len(missing) else None
        now = extra[i] if i < len(extra) else None
        if was and now:
            message = (
                f"the source says {names[was.value]} ({was.text}), the target {names[now.value]} ({now.text})"
            )
            key = f"{names[was.value]}→{names[now.value]}"
        elif was:
            message, key = (
                f"the source's {kind} {names[was.value]} ({was.text}) is not in the target",
                names[was.value],
            )
        else:
            assert now is not None
            message = f"the target's {kind} {names[now.value]} ({now.text}) is not in the source"
            key = f"+{names[now.value]}"
        span = (now.start, now.end) if now else (-1, -1)
        findings.append(Finding("dates", message, key, *span))
    return findings


def _take(mine: Counter[int], theirs: Counter[int], value: int) -> bool:
    """Whether this occurrence of `value` has no counterpart left on the other side."""
    if theirs[value] > 0:
        theirs[value] -= 1
        return False
    return True


def check(source: str, target: str, source_language: str | None) -> list[Finding]:
    return _compare(
        "month", ["", *MONTH_NAMES], months(source, source_language), months(target, "en")
    ) + _compare("weekday", WEEKDAY_NAMES, weekdays(source, source_language), weekdays(target, "en"))
