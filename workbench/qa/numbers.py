"""Numbers compared as values across French, Russian and English writing.

`5,55 millions`, `$5.55 million`, `40 тыс.`, `40 000` and `40,000` are values, and the
value must survive translation: `1,5 млрд` rendered `1.5 million` is a scale error,
`milliard` is a billion and French `billion` a million million (the long scale).

Figures written in digits are required: each one in the source must be in the target and
the other way round. Number words (deux, двух, two, a million) only answer for a figure on
the other side and never raise a finding themselves: `один из двух` is "one of the two",
and `un`/`une` is mostly an article, so demanding them would cry wolf.

Separators follow the language of the text: in French and Russian a comma is the decimal
mark and a space groups thousands (40 000); in English a comma groups thousands and a
point is the decimal mark. The days and years of numeric dates (07.04.2021) are numbers
too, so `07.04.2021` and `April 7, 2021` agree; their months are `dates`' business.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

import regex

from workbench.qa.dates import numeric_dates
from workbench.qa.findings import Finding

SPACES = "[ \u00a0\u202f]"
DIGITS_EN = regex.compile(r"(?<![\p{L}\d])\d+(?:[.,]\d+)*")
DIGITS_GROUPED = regex.compile(  # 40 000 (French and Russian thousands)
    rf"(?<![\p{{L}}\d])\d{{1,3}}(?:{SPACES}\d{{3}})+(?:,\d+)?(?![\d.,]\d)|(?<![\p{{L}}\d])\d+(?:[.,]\d+)*"
)
SCALES = {
    "en": {"thousand": 1e3, "million": 1e6, "mln": 1e6, "bn": 1e9, "billion": 1e9, "trillion": 1e12},
    "fr": {
        "mille": 1e3,
        "million": 1e6,
        "millions": 1e6,
        "md": 1e9,
        "mds": 1e9,
        "mrd": 1e9,
        "mrds": 1e9,
        "milliard": 1e9,
        "milliards": 1e9,
        "billion": 1e12,  # the long scale
        "billions": 1e12,
    },
    "ru": {"тыс": 1e3, "млн": 1e6, "млрд": 1e9, "трлн": 1e12},
}
RU_SCALE_STEMS = {"тысяч": 1e3, "миллион": 1e6, "миллиард": 1e9, "триллион": 1e12}
WORDS_EN = {
    **{
        w: n
        for n, w in enumerate(
            [
                "zero",
                "one",
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "eleven",
                "twelve",
                "thirteen",
                "fourteen",
                "fifteen",
                "sixteen",
                "seventeen",
                "eighteen",
                "nineteen",
            ]
        )
    },
    **{
        w: 10 * n
        for n, w in enumerate(
            ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2
        )
    },
    "hundred": 100,
    "dozen": 12,
}
WORDS_FR = {
    **{
        w: n
        for n, w in enumerate(
            [
                "zéro",
                "un",
                "deux",
                "trois",
                "quatre",
                "cinq",
                "six",
                "sept",
                "huit",
                "neuf",
                "dix",
                "onze",
                "douze",
                "treize",
                "quatorze",
                "quinze",
                "seize",
            ]
        )
    },
    "une": 1,
    **{w: 10 * n for n, w in enumerate(["vingt", "trente", "quarante", "cinquante", "soixante"], 2)},
    "septante": 70,
    "huitante": 80,
    "nonante": 90,
    "cent": 100,
    "cents": 100,
}
WORDS_RU = {  # dictionary forms: Russian words are compared by lemma
    **{
        w: n
        for n, w in enumerate(
            [
                "ноль",
                "один",
                "два",
                "три",
                "четыре",
                "пять",
                "шесть",
                "семь",
                "восемь",
                "девять",
                "десять",
                "одиннадцать",
                "двенадцать",
                "тринадцать",
                "четырнадцать",
                "пятнадцать",
                "шестнадцать",
                "семнадцать",
                "восемнадцать",
                "девятнадцать",
            ]
        )
    },
    **{
        w: 10 * n
        for n, w in enumerate(
            [
                "двадцать",
                "тридцать",
                "сорок",
                "пятьдесят",
                "шестьдесят",
                "семьдесят",
                "восемьдесят",
                "девяносто",
            ],
            2,
        )
    },
    **{w: 100 * n for n, w in enumerate(["сто", "двести", "триста", "четыреста", "пятьсот"], 1)},
    "двое": 2,
    "трое": 3,
    "четверо": 4,
    "пятеро": 5,
}
WORD = regex.compile(r"\p{L}+(?:-\p{L}+)*")


@dataclass(frozen=True)
class Number:
    value: float
    text: str
    start: int
    end: int
    required: bool = True  # written in digits; a number word only answers for one


def _language(language: str | None) -> str:
    return language if language in ("fr", "ru") else "en"


def parse(token: str, language: str | None) -> float:
    """The value of a figure written the way `language` writes figures."""
    token = regex.sub(SPACES, "", token)
    if "," in token and "." in token:  # 1,234.5 or 1.234,5: the last one is the decimal mark
        decimal = "." if token.rfind(".") > token.rfind(",") else ","
        token = token.replace("," if decimal == "." else ".", "").replace(",", ".")
    elif _language(language) == "en":
        if "," in token:
            head, *groups = token.split(",")
            grouped = len(head) <= 3 and all(len(g) == 3 for g in groups)
            token = token.replace(",", "") if grouped else token.replace(",", ".", 1).replace(",", "")
        elif token.count(".") > 1:
            token = token.replace(".", "")
    elif "," in token:
        token = token.replace(",", ".") if token.count(",") == 1 else token.replace(",", "")
    elif token.count(".") > 1:  # 1.234.567
        token = token.replace(".", "")
    return float(token)


def _scale(word: str, language: str) -> float | None:
    folded = word.casefold().rstrip(".")
    if language == "ru":
        for stem, value in RU_SCALE_STEMS.items():
            if folded.startswith(stem):
                return value
        return SCALES["ru"].get(folded)
    if language == "en" and folded.endswith("s") and folded[:-1] in SCALES["en"]:
        folded = folded[:-1]  # "millions of users"
    return SCALES[language].get(folded)


def _word_value(word: str, language: str) -> float | None:
    folded = word.casefold()
    if "-" in folded:  # vingt-deux, twenty-two; quatre-vingts
        parts = [_word_value(p, language) for p in folded.split("-")]
        if any(p is None for p in parts):
            return None
        values = [p for p in parts if p is not None]
        if values[:2] == [4, 20]:
            return 80 + sum(values[2:])
        return sum(values)
    if language == "ru":
        return next((float(WORDS_RU[w]) for w in _lemmas(folded) if w in WORDS_RU), None)
    table = WORDS_FR if language == "fr" else WORDS_EN
    return float(table[folded]) if folded in table else None


@cache
def _lemmas(word: str) -> frozenset[str]:
    from workbench.glossary.match import lemmas

    return frozenset(lemmas(word))


def _after(text: str, end: int) -> regex.Match[str] | None:
    """The word right after position `end` (one space or none between)."""
    gap = regex.match(rf"{SPACES}?", text[end:])
    start = end + (gap.end() if gap else 0)
    return WORD.match(text, start)


def numbers(text: str, language: str | None) -> list[Number]:
    """The numbers of `text`, each with its value: digits with their scale word, the days and
    years of numeric dates, and (not required) number words."""
    lang = _language(language)
    found: list[Number] = []
    blanked = list(text)
    for date in numeric_dates(text):
        piece = text[date.start : date.end]
        found += [Number(float(date.day), piece, date.start, date.end)]
        found += [Number(float(date.year), piece, date.start, date.end)]
        blanked[date.start : date.end] = " " * (date.end - date.start)
    rest = "".join(blanked)
    used: list[tuple[int, int]] = []
    for match in (DIGITS_EN if lang == "en" else DIGITS_GROUPED).finditer(rest):
        try:
            value = parse(match.group(), lang)
        except ValueError:
            continue
        end = match.end()
        word = _after(rest, end)
        scale = _scale(word.group(), lang) if word else None
        if word and scale:
            value, end = value * scale, word.end()
            used.append((word.start(), word.end()))
        found.append(Number(_round(value), text[match.start() : end], match.start(), end))
    for word in WORD.finditer(rest):
        if any(a <= word.start() < b for a, b in used):
            continue
        named = _word_value(word.group(), lang)
        if named is None:
            scale = _scale(word.group(), lang)
            if scale is None or _previous_is_number(rest, word.start()):
                continue
            named = scale  # "a million", "миллион"
        end = word.end()
        following = _after(rest, end)
        scale = _scale(following.group(), lang) if following else None
        if following and scale:
            named, end = named * scale, following.end()
            used.append((following.start(), following.end()))
        found.append(Number(_round(named), text[word.start() : end], word.start(), end, required=False))
    return sorted(found, key=lambda n: n.start)


def _previous_is_number(text: str, start: int) -> bool:
    return regex.search(rf"\d{SPACES}?$", text[:start]) is not None


def _round(value: float) -> float:
    return float(f"{value:.9g}")  # 5.55 × 1e6 is 5549999.999…


def show(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def values(text: str, language: str | None) -> Counter[float]:
    """The required values of `text`, as a multiset."""
    return Counter(n.value for n in numbers(text, language) if n.required)


def _unanswered(mine: list[Number], theirs: list[Number]) -> list[Number]:
    """Required numbers of `mine` that no number of `theirs` answers for, digits first."""
    available = Counter(n.value for n in theirs if n.required)
    words = Counter(n.value for n in theirs if not n.required)
    left = []
    for n in mine:
        if not n.required:
            continue
        if available[n.value] > 0:
            available[n.value] -= 1
        elif words[n.value] > 0:
            words[n.value] -= 1
        else:
            left.append(n)
    return left


def _scale_error(a: float, b: float) -> bool:
    if not a or not b:
        return False
    ratio = max(a, b) / min(a, b)
    return any(abs(ratio - 1000**k) < 1e-6 * 1000**k for k in (1, 2, 3))


def check(source: str, target: str, source_language: str | None) -> list[Finding]:
    ours, theirs = numbers(source, source_language), numbers(target, "en")
    missing, extra = _unanswered(ours, theirs), _unanswered(theirs, ours)
    findings = []
    for was in missing:  # a figure changed is one finding, not a missing and an extra
        now = next((n for n in extra if _scale_error(was.value, n.value)), None)
        now = now or (extra[0] if extra else None)
        if now is not None:
            extra.remove(now)
            kind = "the scale is wrong: " if _scale_error(was.value, now.value) else ""
            message = (
                f"{kind}{was.text} ({show(was.value)}) in the source is {now.text} ({show(now.value)}) "
                "in the target"
            )
            findings.append(
                Finding("numbers", message, f"{show(was.value)}→{show(now.value)}", now.start, now.end)
            )
        else:
            message = f"{was.text} ({show(was.value)}) in the source is not in the target"
            findings.append(Finding("numbers", message, show(was.value)))
    for now in extra:
        message = f"{now.text} ({show(now.value)}) in the target is not in the source"
        findings.append(Finding("numbers", message, f"+{show(now.value)}", now.start, now.end))
    return findings
