"""Spelling of the English target, offline, with pyspellchecker's English word list.

A word is not a misspelling when the dictionary knows it (or its American spelling: news
agencies write British -ise, -our, -re, -ence, -lled, -mme), when the glossary's English
forms or the project's word list (glossaries/words.txt) have it, when it is copied from
the source (names, brands, acronyms), or when it is a capitalised name transliterated
from a Russian word of the source (Amiel for Амьель). Numbers, URLs, e-mail addresses
and short all-capital acronyms are not judged.

Suggestions are the dictionary's words within two edits (rapidfuzz's OSA distance
over the words that start with the same letter, most frequent first): pyspellchecker's own
second-edit search takes about a second a word, too slow for a check run while typing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import regex

from workbench.errors import InputError
from workbench.fileio import atomic_write
from workbench.project import Project
from workbench.qa.findings import Finding

WORDS_FILE = "words.txt"
WORD = regex.compile(r"(?<![\p{L}\p{N}\p{M}])\p{L}[\p{L}\p{M}]*(?:['’]\p{L}+)*(?![\p{N}\p{M}])")
NOT_PROSE = regex.compile(
    r"(?i)\b(?:https?://|www\.)\S+|\S+@\S+\.\S+|(?<!\S)[@#]\w+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|gov|edu|info|ru|fr|uk|eu|de|рф)\b\S*"
)
CYRILLIC = regex.compile(r"\p{Script=Cyrillic}")
ACRONYM_MAX = 5  # all-capital words up to this length are acronyms, which dictionaries lack
NAME_SIMILARITY = 80  # rapidfuzz ratio of a name to a transliterated source word
BRITISH = [  # British spelling → American, as the dictionary knows it
    (regex.compile(r"is(e|es|ed|ing|ation|ations|er|ers)$"), r"iz\1"),
    (regex.compile(r"ys(e|es|ed|ing)$"), r"yz\1"),
    (regex.compile(r"our(s|ed|ing|ite|ites|able|er|ers|ful|less)?$"), r"or\1"),
    (regex.compile(r"tre(s|d)?$"), r"ter\1"),
    (regex.compile(r"ence(s)?$"), r"ense\1"),
    (regex.compile(r"ll(ed|ing|er|ers)$"), r"l\1"),
    (regex.compile(r"ogue(s)?$"), r"og\1"),
    (regex.compile(r"mme(s)?$"), r"m\1"),
]
SUGGESTIONS = 5


def words_path(glossaries: Path) -> Path:
    return glossaries / WORDS_FILE


def load_words(path: Path) -> frozenset[str]:
    """The project's words, one a line (# starts a comment); a missing file is an empty list."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return frozenset()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the project's word list {path} ({exc}).") from exc
    return frozenset(
        unicodedata.normalize("NFC", line.strip())
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


def add_word(project: Project, word: str) -> bool:
    """Add `word` to the project's word list (NFC, one line), replacing the file at once and
    under the glossary lock, so that two sessions adding words both land. False when the
    list has it already."""
    from workbench.glossary.edit import locked

    glossaries = project.glossaries
    word = unicodedata.normalize("NFC", word.strip())
    if not word or regex.search(r"\s", word) or word.startswith("#"):
        raise InputError(f"{word!r} is not one word: the word list holds one word a line.")
    path = words_path(glossaries)
    with locked(glossaries, project.locks):
        if word in load_words(path):
            return False
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            old = b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        glossaries.mkdir(parents=True, exist_ok=True)
        atomic_write(path, old + word.encode("utf-8") + b"\n")
    return True


@cache
def _checker() -> Any:
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


@cache
def _by_letter() -> dict[str, list[str]]:
    buckets: dict[str, list[str]] = {}
    for word in _checker().word_frequency.dictionary:
        buckets.setdefault(word[:1], []).append(word)
    return buckets


@lru_cache(maxsize=4096)
def _translit(word: str) -> str:
    import iuliia

    return str(iuliia.WIKIPEDIA.translate(word)).casefold()


def _fold(word: str) -> str:
    word = word.replace("’", "'").casefold()
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


class Speller:
    """The English dictionary with the project's words: built once, asked per segment."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self.checker = _checker()
        _by_letter()  # built here, not on the first misspelling typed
        import iuliia  # noqa: F401  (imported here too, not on the first unknown name)
        import rapidfuzz.process  # noqa: F401
        self.extra = {_fold(w) for text in words for w in _parts(text)}

    def known(self, word: str) -> bool:
        folded = _fold(word)
        if folded in self.extra or folded in self.checker:
            return True
        for pattern, american in BRITISH:
            variant = pattern.sub(american, folded)
            if variant != folded and variant in self.checker:
                return True
        return False

    @lru_cache(maxsize=2048)  # noqa: B019 — one Speller a project, kept for the session
    def suggestions(self, word: str) -> tuple[str, ...]:
        from rapidfuzz import distance, process

        folded = word.casefold()
        frequency = self.checker.word_frequency.dictionary
        hits = process.extract(
            folded,
            _by_letter().get(folded[:1], []),
            scorer=distance.OSA.distance,  # a swap of two letters is one edit
            score_cutoff=2,
            limit=50,
        )
        letters = sorted(folded)
        ranked = sorted(  # nearest first; among as near, the same letters misplaced, then the commonest
            hits, key=lambda hit: (hit[1], sorted(hit[0]) != letters, -frequency[hit[0]])
        )
        words = [w for w, _, _ in ranked if "'" not in w][:SUGGESTIONS]
        return tuple(w.capitalize() if word[:1].isupper() else w for w in words)


def _parts(text: str) -> list[str]:
    return [m.group() for m in WORD.finditer(text)]


def _prose(text: str) -> str:
    """`text` with URLs and addresses blanked, positions kept."""
    return str(NOT_PROSE.sub(lambda m: " " * len(m.group()), text))


def _copied(word: str, source_words: set[str], names: list[str]) -> bool:
    folded = _fold(word)
    if folded in source_words:
        return True
    if word[:1].isupper() and names:
        from rapidfuzz import fuzz, process

        return process.extractOne(folded, names, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY) is not None
    return False


def check(speller: Speller, source: str, target: str) -> list[Finding]:
    findings: list[Finding] = []
    source_words: set[str] | None = None
    names: list[str] = []
    for match in WORD.finditer(_prose(target)):
        word = regex.sub(r"['’][sS]$", "", match.group())  # the Kremlin's
        if len(word) < 2 or (word.isupper() and len(word) <= ACRONYM_MAX) or speller.known(word):
            continue
        if source_words is None:  # only for a word the dictionary lacks: most segments have none
            found = _parts(source)
            source_words = {_fold(w) for w in found}
            source_words |= {_fold(part) for w in found for part in regex.split(r"['’]", w)}
            names = [_translit(w) for w in found if w[:1].isupper() and CYRILLIC.search(w)]
        if _copied(word, source_words, names):
            continue
        suggestions = speller.suggestions(word)
        message = f"“{word}” is not in the English dictionary or the project's words ({WORDS_FILE})"
        if suggestions:
            message += f"; did you mean {', '.join(suggestions[:3])}?"
        start = match.start()
        findings.append(Finding("spelling", message, word, start, start + len(word), suggestions))
    return findings
