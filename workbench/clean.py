"""Clean: ingested text → title, date, paragraphs, and the web cruft that was removed.

Each non-empty line of a web article dump is a paragraph. Lines that are site furniture
(share buttons, credits, counters, teasers, widgets...) are recognised by the rules in
`data/cruft/*.toml`, never by per-site code, and are kept as `Removal`s with their line
number and reason so that the review UI can show them and put them back.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import regex

from workbench.errors import WorkbenchError
from workbench.model import BlockKind, Removal

DATE_PREFIX = regex.compile(r"date\s+(\d{4}-\d{2}(?:-\d{2})?)\b\s*(.*)", regex.IGNORECASE)
DATE_IN_LINE = regex.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
OPENING_QUOTES = '«“„"‘‹'
CLOSERS = "»”\"’')]›"
TERMINAL = ".!?…:;"
NON_WORD = regex.compile(r"[^\p{L}\p{N}']+")
WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’\-.]*")
HEADING_MAX_WORDS = 14
FOREIGN_UI_MAX_WORDS = 8
SEEN_MAX = 100_000  # distinct short lines remembered per rule set
SEEN_LINE_MAX = 200
# Inline flags for the whole pattern ("(?s)" anywhere, in regex's version 0), and the
# flags a rule's patterns are compiled with: patterns with only those can be joined.
GLOBAL_FLAGS = regex.compile(r"\(\?[a-zA-Z]+\)")
JOINABLE_FLAGS = regex.IGNORECASE | regex.V0 | regex.UNICODE


@dataclass(frozen=True)
class Rule:
    reason: str
    description: str
    labels: frozenset[str]
    patterns: tuple[regex.Pattern[str], ...]
    max_words: int
    origin: str  # "file.toml rule N", for error messages and debugging


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    text: str
    kind: BlockKind


@dataclass(frozen=True)
class Cleaned:
    date: str | None
    lines: tuple[Line, ...]
    removed: tuple[Removal, ...]


def label_key(text: str) -> str:
    """Compare UI labels ignoring case, punctuation, icons and apostrophe style."""
    key: str = NON_WORD.sub(" ", text.replace("’", "'").casefold())
    return key.strip(" '")


def word_count(text: str) -> int:
    return len(WORD.findall(text))


class Ruleset:
    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        # what the rules do, not where they came from: prepared articles are keyed by it
        self.fingerprint = hashlib.blake2b(
            repr(
                [(r.reason, sorted(r.labels), [p.pattern for p in r.patterns], r.max_words) for r in self.rules]
            ).encode(),
            digest_size=16,
        ).hexdigest()
        self._seen: dict[str, Rule | None] = {}
        self._labels: dict[str, list[int]] = {}
        for n, rule in enumerate(self.rules):
            for label in rule.labels:
                self._labels.setdefault(label, []).append(n)
        self._matchers: list[tuple[int, int, regex.Pattern[str], int | None]] | None = None

    def match(self, line: str) -> Rule | None:
        """The first rule that removes this line, if any. Pages repeat their furniture (a
        live blog's share bar under each of its thousands of posts): each distinct line is
        matched once."""
        if line in self._seen:
            return self._seen[line]
        found = self._match(line)
        if len(self._seen) < SEEN_MAX and len(line) <= SEEN_LINE_MAX:
            self._seen[line] = found
        return found

    def _match(self, line: str) -> Rule | None:
        """The first rule, in order, that takes lines of this many words and has the line's
        label or a pattern that matches all of it."""
        key = label_key(line)
        words = word_count(line)
        found = next((n for n in self._labels.get(key, ()) if words <= self.rules[n].max_words), None) if key else None
        if line[:1] not in OPENING_QUOTES:
            for limit, first, pattern, only in self._joined():
                if words > limit or (found is not None and first >= found):
                    continue
                if match := pattern.fullmatch(line):
                    n = only if only is not None else int(str(match.lastgroup)[1:])
                    found = n if found is None else min(found, n)
        return self.rules[found] if found is not None else None

    def _joined(self) -> list[tuple[int, int, regex.Pattern[str], int | None]]:
        """The patterns of the rules that take lines of the same length joined into one regex,
        each rule's part a named group in the rules' order: a line is a dozen matches, not
        one per pattern (a 10 MB live blog has 40,000 paragraphs). A pattern with groups of
        its own, whose numbers would shift, or with flags that would reach the others, stays
        on its own. (max_words, first rule, pattern, its rule when on its own), by first rule."""
        if self._matchers is None:
            matchers: list[tuple[int, int, regex.Pattern[str], int | None]] = []
            runs: dict[int, dict[int, list[str]]] = {}
            for n, rule in enumerate(self.rules):
                for pattern in rule.patterns:
                    if pattern.groups or GLOBAL_FLAGS.search(pattern.pattern) or pattern.flags & ~JOINABLE_FLAGS:
                        matchers.append((rule.max_words, n, pattern, n))
                    else:
                        runs.setdefault(rule.max_words, {}).setdefault(n, []).append(f"(?:{pattern.pattern})")
            for limit, rules in runs.items():
                joined = "|".join(f"(?P<r{n}>{'|'.join(texts)})" for n, texts in rules.items())
                matchers.append((limit, min(rules), regex.compile(joined, regex.IGNORECASE | regex.V0), None))
            self._matchers = sorted(matchers, key=lambda m: m[1])
        return self._matchers


def parse_rules(text: str, origin: str) -> list[Rule]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WorkbenchError(f"{origin}: not valid TOML ({exc}).") from None
    rules = []
    for n, raw in enumerate(data.get("rule", []), 1):
        where = f"{origin} rule {n}"
        if not isinstance(raw, dict) or "reason" not in raw:
            raise WorkbenchError(f"{where} has no reason.")
        patterns = []
        for pattern in raw.get("patterns", []):
            try:
                patterns.append(regex.compile(pattern, regex.IGNORECASE | regex.V0))
            except regex.error as exc:
                raise WorkbenchError(f"{where}: bad pattern {pattern!r} ({exc}).") from None
        rules.append(
            Rule(
                reason=str(raw["reason"]),
                description=str(raw.get("description", raw["reason"])),
                labels=frozenset(label_key(label) for label in raw.get("labels", [])),
                patterns=tuple(patterns),
                max_words=int(raw.get("max_words", 40)),
                origin=where,
            )
        )
    return rules


@cache
def default_rules() -> Ruleset:
    folder = resources.files("workbench") / "data" / "cruft"
    rules: list[Rule] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            rules.extend(parse_rules(entry.read_text(encoding="utf-8"), entry.name))
    return Ruleset(rules)


def load_rules(paths: Iterable[Path]) -> Ruleset:
    """The built-in rules followed by the user's own rule files."""
    rules = list(default_rules().rules)
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise WorkbenchError(f"{path}: cannot read rule file ({exc.strerror}).") from None
        rules.extend(parse_rules(text, str(path)))
    return Ruleset(rules)


LATIN_RUN = regex.compile(r"\p{Script=Latin}+")
CYRILLIC_RUN = regex.compile(r"\p{Script=Cyrillic}+")


def dominant_script(text: str) -> str | None:
    # counted by what is left without them: a list of matches over a whole live blog's text
    # held a string for every letter
    latin = len(text) - len(LATIN_RUN.sub("", text))
    cyrillic = len(text) - len(CYRILLIC_RUN.sub("", text))
    if latin == cyrillic == 0:
        return None
    return "Latin" if latin >= cyrillic else "Cyrillic"


def ends_sentence(text: str) -> bool:
    return text.rstrip(CLOSERS + " ")[-1:] in TERMINAL


def is_foreign_ui(text: str, article_script: str | None) -> bool:
    """A short unpunctuated line in another script than the article: leftover site UI."""
    if article_script is None or text[:1] in OPENING_QUOTES or ends_sentence(text):
        return False
    if word_count(text) > FOREIGN_UI_MAX_WORDS:
        return False
    script = dominant_script(text)
    return script is not None and script != article_script


def block_kind(text: str) -> BlockKind:
    if word_count(text) <= HEADING_MAX_WORDS and not ends_sentence(text):
        return "heading"
    return "text"


def _date_from(text: str) -> str | None:
    m = DATE_IN_LINE.search(text)
    if not m:
        return None
    if m[1]:
        return f"{m[1]}-{m[2]}-{m[3]}"
    return f"{m[6]}-{int(m[5]):02d}-{int(m[4]):02d}"


def clean(text: str, rules: Ruleset | None = None) -> Cleaned:
    rules = rules or default_rules()
    date: str | None = None
    kept: list[tuple[int, str]] = []
    removed: list[Removal] = []
    blank_start = 0
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        if not line:
            blank_start = blank_start or number
            continue
        if blank_start and number - blank_start >= 2:
            removed.append(Removal(blank_start, "", "blank", f"{number - blank_start} blank lines"))
        blank_start = 0
        if date is None and not kept and (m := DATE_PREFIX.fullmatch(line)):
            date, line = m[1], m[2]
            if not line:
                continue
        rule = rules.match(line)
        if rule:
            removed.append(Removal(number, line, rule.reason, rule.description))
            if date is None and rule.reason in ("dateline", "metadata"):
                date = _date_from(line)
            continue
        kept.append((number, line))

    script = dominant_script(" ".join(line for _, line in kept))
    content: list[tuple[int, str]] = []
    for number, line in kept:
        if is_foreign_ui(line, script):
            removed.append(Removal(number, line, "foreign-ui", "short UI string in another script"))
        else:
            content.append((number, line))

    result = [
        Line(number, line, "title" if i == 0 else block_kind(line))
        for i, (number, line) in enumerate(content)
    ]
    removed.sort(key=lambda r: r.line)
    return Cleaned(date=date, lines=tuple(result), removed=tuple(removed))
