"""Find glossary entities in text, with their spans.

Text is cut into word tokens; French elided articles and prepositions (l’, d’, qu’…) are
split off, so `d’Airbus` yields `Airbus`. A form matches a run of consecutive tokens:
Latin-script words as written (or ignoring case or accents where the entry allows),
Cyrillic words by lemma (pymorphy3), so that `Дмитрия Пескова`, `Песковым` and `Пескову`
all match `Дмитрий Песков`. A capitalised form word only matches a capitalised text word,
which keeps surnames from matching common nouns. Matches never start or end inside a word.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import regex

from workbench.glossary.entries import Entry, Glossary

TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:[-'’.&][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*")
ELISION = regex.compile(r"(?i)^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)['’](?=\p{L})")
CYRILLIC = regex.compile(r"\p{Script=Cyrillic}")
# Between two words of a name: spaces, and in French an elided article or preposition
# ("Institut d’État"), which the tokenizer strips from the word after it.
MAX_WORD = 64  # longer "words" are noise (URLs, garbage); no dictionary knows them
GAP = regex.compile(r"[ \u00a0\u202f]+(?:(?i:l|d|qu)['’])?")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    entry: Entry
    form: str  # the glossary form that matched
    start: int
    end: int
    text: str  # the text as it stands in the segment

    @property
    def expected(self) -> str:
        return self.entry.expected(self.form)


def tokenize(text: str) -> list[Token]:
    tokens = []
    for match in TOKEN.finditer(text):
        word, start = match.group(), match.start()
        elided = ELISION.match(word)
        if elided and elided.end() < len(word):
            word, start = word[elided.end() :], start + elided.end()
        tokens.append(Token(word.rstrip("."), start, start + len(word.rstrip("."))))
    return tokens


def fold(text: str) -> str:
    return text.replace("’", "'").casefold()


def unaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", fold(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def morph() -> object:
    """pymorphy3's Russian analyser, loaded once and shared by matching and suggestions."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def lemmas(word: str) -> frozenset[str]:
    """Every dictionary form pymorphy3 proposes for a Cyrillic word (lowercase)."""
    if not CYRILLIC.search(word) or len(word) > MAX_WORD:
        return frozenset()
    parses = morph().parse(word)  # type: ignore[attr-defined]
    return frozenset({word.lower(), *(p.normal_form.replace("ё", "е") for p in parses)})


@dataclass(frozen=True)
class _Form:
    entry: Entry
    form: str
    words: tuple[str, ...]


def _word_keys(word: str, entry: Entry) -> set[str]:
    """Keys under which a form word is indexed."""
    if CYRILLIC.search(word):
        return {f"lemma:{lemma}" for lemma in lemmas(word)}
    keys = {f"exact:{word.replace('’', chr(39))}"}
    if entry.case_insensitive:
        keys.add(f"fold:{fold(word)}")
    if entry.accent_insensitive:
        keys.add(f"plain:{unaccent(word)}")
    return keys


def _text_keys(word: str) -> set[str]:
    keys = {f"exact:{word.replace('’', chr(39))}", f"fold:{fold(word)}", f"plain:{unaccent(word)}"}
    keys |= {f"lemma:{lemma}" for lemma in lemmas(word)}
    return keys


def _word_matches(form_word: str, token: str, entry: Entry) -> bool:
    if CYRILLIC.search(form_word):
        if form_word[:1].isupper() and not token[:1].isupper():
            return False
        return bool(lemmas(form_word) & lemmas(token))
    if form_word.replace("’", "'") == token.replace("’", "'"):
        return True
    if entry.case_insensitive and fold(form_word) == fold(token):
        return True
    return (
        entry.accent_insensitive
        and unaccent(form_word) == unaccent(token)
        and (
            entry.case_insensitive
            or form_word[:1] == token[:1]
            or unaccent(form_word[:1]) == unaccent(token[:1])
        )
    )


class Matcher:
    """An index of a glossary's source forms for one source language."""

    def __init__(self, glossary: Glossary | Iterable[Entry], language: str | None) -> None:
        self.language = language
        self.index: dict[str, list[_Form]] = {}
        for entry in glossary:
            for form in entry.forms_for(language):
                words = tuple(t.text for t in tokenize(form))
                if not words:
                    continue
                candidate = _Form(entry, form, words)
                for key in _word_keys(words[0], entry):
                    self.index.setdefault(key, []).append(candidate)

    def find(self, text: str) -> list[Hit]:
        """Leftmost-longest, non-overlapping matches in `text`."""
        tokens = tokenize(text)
        hits: list[Hit] = []
        i = 0
        while i < len(tokens):
            best: tuple[int, _Form] | None = None
            seen: set[int] = set()
            for key in _text_keys(tokens[i].text):
                for candidate in self.index.get(key, ()):
                    if id(candidate) in seen:
                        continue
                    seen.add(id(candidate))
                    length = self._match_at(tokens, i, candidate, text)
                    if length and (best is None or length > best[0]):
                        best = (length, candidate)
            if best is None:
                i += 1
                continue
            length, form = best
            start, end = tokens[i].start, tokens[i + length - 1].end
            hits.append(Hit(form.entry, form.form, start, end, text[start:end]))
            i += length
        return hits

    @staticmethod
    def _match_at(tokens: list[Token], i: int, form: _Form, text: str) -> int:
        if i + len(form.words) > len(tokens):
            return 0
        for k, word in enumerate(form.words):
            token = tokens[i + k]
            if k and not GAP.fullmatch(text[tokens[i + k - 1].end : token.start]):
                return 0  # the words of a name stand next to each other
            if not _word_matches(word, token.text, form.entry):
                return 0
        return len(form.words)


def whole_words(form: str) -> regex.Pattern[str]:
    """`form` as whole words, either apostrophe style accepted."""
    escaped = regex.escape(form).replace("'", "['’]")
    return regex.compile(r"(?<![\p{L}\p{N}])" + escaped + r"(?![\p{L}\p{N}])")


def contains_english(target: str, english: str) -> bool:
    """Whether the target carries the English form as whole words."""
    return whole_words(english).search(target) is not None


def matcher_for(glossary: Glossary | None, language: str | None) -> Matcher:
    """The glossary's one Matcher for `language`, built once (an empty one without a glossary)."""
    if glossary is None:
        return Matcher((), language)
    matcher = glossary.matchers.get(language)
    if matcher is None:
        matcher = glossary.matchers[language] = Matcher(glossary, language)
    return matcher
