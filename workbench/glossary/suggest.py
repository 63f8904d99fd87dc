"""Suggest glossary entries for named entities the glossary does not know yet.

Candidates are runs of capitalised words (with French and English particles inside names:
Conseil de la Fédération). A single capitalised word at the start of a sentence counts only
when the corpus also writes it capitalised elsewhere, or when pymorphy3 knows it as a name,
surname or place. Russian candidates are brought to their dictionary form (Пескова →
Песков) and given a transliteration in the Wikipedia scheme (iuliia), the one English
Wikipedia and most news agencies follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import regex

from workbench.glossary.entries import Glossary
from workbench.glossary.match import CYRILLIC, ELISION, lemmas, matcher_for, morph
from workbench.model import Article

CAPITALISED = regex.compile(r"(?:\p{Lu}[\p{L}\p{M}\p{N}]*(?:[-'’]\p{L}[\p{L}\p{M}\p{N}]*)*|\p{Lu}{2,})")
RUN = regex.compile(
    r"(?<![\p{L}\p{N}])(?:\p{Lu}[\p{L}\p{M}\p{N}'’\-]*)"
    r"(?:\s+(?:(?:de|la|du|des|of|the|le)\s+){0,2}(?:d['’])?\p{Lu}[\p{L}\p{M}\p{N}'’\-]*)*"
)
MIXED_SCRIPT = regex.compile(r"(?=.*\p{Script=Latin})(?=.*\p{Script=Cyrillic})")
WORDS = regex.compile(r"[\p{L}\p{M}\p{N}'’\-]+")
SCHEME = "Wikipedia (iuliia)"
FUNCTION_WORDS = {"PREP", "CONJ", "PRCL", "INTJ", "NPRO", "ADVB", "PRED"}
TYPE_BY_TAG = {"Name": "person", "Surn": "person", "Patr": "person", "Geox": "place", "Orgn": "organisation"}


@dataclass
class Suggestion:
    key: str  # dictionary form
    count: int = 0
    forms: dict[str, int] = field(default_factory=dict)
    language: str | None = None
    english: str = ""
    scheme: str = ""
    type: str = "other"
    articles: set[str] = field(default_factory=set)


def _tags(word: str) -> set[str]:
    tags: set[str] = set()
    for parse in morph().parse(word)[:3]:  # type: ignore[attr-defined]
        tags |= {t for t in TYPE_BY_TAG if t in parse.tag}
    return tags


@lru_cache(maxsize=1)
def common_acronyms() -> frozenset[str]:
    text = (resources.files("workbench") / "data" / "common_acronyms.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _dictionary_form(words: list[str]) -> str:
    """Nominative of a Russian name phrase, keeping its capitals; acronyms stay as written."""
    out = []
    for word in words:
        if not CYRILLIC.search(word) or word.isupper():
            out.append(word)
            continue
        parses = morph().parse(word)  # type: ignore[attr-defined]
        if any("nomn" in p.tag for p in parses):
            out.append(word)  # already a dictionary form: do not trade Хан for Хана
            continue
        named = [p for p in parses if TYPE_BY_TAG.keys() & set(str(p.tag).replace(" ", ",").split(","))]
        lemma = (named or parses)[0].normal_form
        if "ё" not in word.lower():
            lemma = lemma.replace("ё", "е")  # pymorphy3 restores ё the text did not write
        out.append(lemma[:1].upper() + lemma[1:] if word[:1].isupper() else lemma)
    return " ".join(out)


def _is_common(word: str, lowercase_vocabulary: set[str]) -> bool:
    """The corpus also writes this word (or, in Russian, another form of it) in lower case."""
    if word.lower() in lowercase_vocabulary:
        return True
    if not CYRILLIC.search(word):
        return False
    if morph().parse(word)[0].tag.POS in FUNCTION_WORDS:  # type: ignore[attr-defined]
        return True  # С, По, Но: prepositions and conjunctions that open a sentence
    return bool(lemmas(word) & _lemmas_of(lowercase_vocabulary))


def _lemmas_of(words: set[str]) -> frozenset[str]:
    key = frozenset(words)
    if key not in _LEMMA_CACHE:
        _LEMMA_CACHE.clear()
        _LEMMA_CACHE[key] = frozenset().union(*(lemmas(w) for w in words if CYRILLIC.search(w)))
    return _LEMMA_CACHE[key]


_LEMMA_CACHE: dict[frozenset[str], frozenset[str]] = {}


def _candidates(run: str, at_start: bool, lowercase_vocabulary: set[str]) -> list[list[str]]:
    """Cut a capitalised run into name candidates: strip French elision (L’Occident), drop a
    sentence-initial common word (Le, Après, Il) and split at common acronyms (PDG, ПО)."""
    words = [ELISION.sub("", w, count=1) for w in run.split()]
    words = [w for w in words if w[:1].isupper()] if words and not words[0][:1].isupper() else words
    if at_start and words and _is_common(words[0], lowercase_vocabulary):
        words = words[1:]
    pieces: list[list[str]] = [[]]
    for word in words:
        acronym = regex.match(r"\p{Lu}{2,}", word)  # ЦОДах: an acronym with a case ending
        if (
            word in common_acronyms()
            or (acronym and acronym.group() in common_acronyms())
            or MIXED_SCRIPT.match(word)
        ):
            pieces.append([])
        else:
            pieces[-1].append(word)
    particles = {"de", "la", "du", "des", "et", "of", "the", "and", "le"}
    cleaned = []
    for piece in pieces:
        while piece and (piece[0].lower() in particles or piece[-1].lower() in particles):
            piece = piece[1:] if piece[0].lower() in particles else piece[:-1]
        if piece:
            cleaned.append(piece)
    return cleaned


def transliterate(text: str) -> str:
    import iuliia

    return str(iuliia.WIKIPEDIA.translate(text))


def suggest(articles: Iterable[Article], glossary: Glossary) -> list[Suggestion]:
    articles = list(articles)
    capitalised_inside: set[str] = set()
    lowercase_vocabulary: set[str] = set()
    for article in articles:
        for segment in article.segments:
            lowercase_vocabulary.update(w for w in WORDS.findall(segment.text) if w.islower())
            for match in CAPITALISED.finditer(segment.text):
                if match.start() > 0 and segment.text[: match.start()].rstrip()[-1:] not in '.!?«"“—-:':
                    capitalised_inside.add(match.group())
    found: dict[str, Suggestion] = {}
    for article in articles:
        matcher = matcher_for(glossary, article.language)
        for segment in article.segments:
            text = segment.text
            covered = [(h.start, h.end) for h in matcher.find(text)]
            for run in RUN.finditer(text):
                if any(s < run.end() and run.start() < e for s, e in covered):
                    continue
                at_start = not text[: run.start()].strip(' «“"(—-')
                for words in _candidates(run.group(), at_start, lowercase_vocabulary):
                    if len(words) == 1 and not words[0].isupper():
                        word = words[0]
                        known_name = bool(CYRILLIC.search(word)) and bool(_tags(word))
                        if _is_common(word, lowercase_vocabulary) and not known_name:
                            continue  # a common word written with a capital
                        if word not in capitalised_inside and not known_name:
                            continue  # capitalised only where every word is: a sentence start
                    if len(words) == 1 and len(words[0]) < 2:
                        continue
                    form = " ".join(words)
                    key = _dictionary_form(words)
                    suggestion = found.setdefault(key, Suggestion(key=key, language=article.language))
                    suggestion.count += 1
                    suggestion.forms[form] = suggestion.forms.get(form, 0) + 1
                    suggestion.articles.add(article.id)
    for suggestion in found.values():
        if CYRILLIC.search(suggestion.key):
            suggestion.english, suggestion.scheme = transliterate(suggestion.key), SCHEME
            tags = set().union(*(_tags(w) for w in suggestion.key.split()))
            suggestion.type = next(
                (TYPE_BY_TAG[t] for t in ("Name", "Surn", "Geox", "Orgn") if t in tags), "other"
            )
        else:
            suggestion.english = suggestion.key
    return sorted(found.values(), key=lambda s: (-s.count, s.key))
