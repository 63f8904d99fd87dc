"""Language identification per article, per block, and of foreign spans inside a block.

Lingua is used because it stays accurate on short text. Whole-text detection cannot see a
three-word English gloss inside a French sentence, so candidate spans (bracketed,
parenthesised or quoted fragments, and runs of another script) are classified on their own
and reported when they are confidently in another language. Runs of capitalised words are
names, not language, and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import regex

from workbench.model import LanguageSpan

# The detector only considers these languages: the ones Workbench translates from and to,
# plus their usual confusers. A small set keeps detection fast and sharp.
LANGUAGE_NAMES = {
    "fr": "FRENCH",
    "ru": "RUSSIAN",
    "en": "ENGLISH",
    "de": "GERMAN",
    "es": "SPANISH",
    "it": "ITALIAN",
    "pt": "PORTUGUESE",
    "nl": "DUTCH",
    "uk": "UKRAINIAN",
    "pl": "POLISH",
}
BLOCK_MIN_HOME_CONFIDENCE = 0.15
SPAN_MIN_WORDS = 2
SPAN_MIN_CONFIDENCE = 0.25
SPAN_MAX_HOME_CONFIDENCE = 0.15
# Lingua's cost grows with the text; a few thousand characters decide a language as well
# as a whole book, so detection reads a bounded sample and time stays linear in input size.
SAMPLE_CHARS = 3000
BLOCK_SAMPLE_CHARS = 600  # a paragraph's language is plain from a few sentences of it
SPAN_MAX_CHARS = 300  # a longer "span" is a block of its own, judged by block_language
SPANS_PER_BLOCK = 40

CYRILLIC_LANGUAGES = {"ru", "uk"}
# Each kind of candidate is searched on its own, so a gloss in brackets inside a quotation
# is found as well as the quotation.
ENCLOSED = [
    regex.compile(r"\[([^\[\]]{3,200})\]"),
    regex.compile(r"\(([^()]{3,200})\)"),
    regex.compile(r"«\s?([^«»]{3,200}?)\s?»"),
    regex.compile(r"“([^“”]{3,200})”"),
]
# For a block in one script, runs of words in the other script are candidates too.
SCRIPT_RUNS = {
    script: regex.compile(rf"((?:\p{{Script={script}}}[\p{{L}}'’\-]*[\s,]*){{2,}})")
    for script in ("Latin", "Cyrillic")
}
WORDS = regex.compile(r"\p{L}[\p{L}'’\-]*")


# Lingua's high-accuracy models (n-grams of one to five letters) take seconds to load; its
# low-accuracy ones (trigrams) a fraction of that, and they are as reliable on text of a
# sentence or more. Short text is first read by the fast models without its capitalised
# words (names carry no language, and a "Microsoft" makes a short French line German to
# trigrams, and the whole of "scramble for Africa" French); only when that does not read
# clearly in the expected language do the accurate models load and decide on the whole text. Measured against the
# accurate models alone on 2,626 blocks of French, Russian and other pages: the same
# languages and foreign spans (benchmarks/bench_startup.py).
LOW_ACCURACY_MIN = 120
CLEARLY_HOME = 0.7
PROBE_MIN_WORDS = 2
# Blocks read by the fast models in one parallel call: each answer is ten Python objects,
# and 40,000 answers at once were 30 MB.
PARALLEL_BATCH = 1000


@cache
def _detector(accurate: bool = True) -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in LANGUAGE_NAMES.values()]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    return (builder if accurate else builder.with_low_accuracy_mode()).build()


@cache
def _codes() -> dict[Any, str]:
    from lingua import Language

    return {getattr(Language, name): code for code, name in LANGUAGE_NAMES.items()}


def sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """The text itself if short; else its beginning, middle and end, cut at spaces."""
    if len(text) <= limit:
        return text
    third = limit // 3
    middle = (len(text) - third) // 2
    head, body, tail = text[:third], text[middle : middle + third], text[-third:]
    # cut at spaces so no piece starts or ends inside a word (a text of one word is cut anyway)
    head = head.rsplit(" ", 1)[0] if " " in head else head
    body = body.split(" ", 1)[-1].rsplit(" ", 1)[0] if body.count(" ") > 1 else body
    tail = tail.split(" ", 1)[-1] if " " in tail else tail
    return " … ".join((head, body, tail))


def confidences(text: str, home: str | None = None) -> dict[str, float]:
    """Confidence per language code, highest first; short text that the fast models find
    clearly in `home` gets those models' answer, anything else short the accurate models'."""
    taken = sample(text)
    if len(taken) >= LOW_ACCURACY_MIN:
        return _scores(_detector(False), taken)
    if home is not None:
        probe = [w for w in WORDS.findall(taken) if not w[0].isupper()]
        if len(probe) >= PROBE_MIN_WORDS:
            fast = _scores(_detector(False), " ".join(probe))
            if fast.get(home, 0.0) >= CLEARLY_HOME:
                return fast
    return _scores(_detector(True), taken)


def _scores(detector: Any, text: str) -> dict[str, float]:
    codes = _codes()
    return {codes[v.language]: v.value for v in detector.compute_language_confidence_values(text)}


def detect(text: str) -> str | None:
    if not WORDS.search(text):
        return None
    taken = sample(text)
    language = _detector(len(taken) < LOW_ACCURACY_MIN).detect_language_of(taken)
    return _codes().get(language) if language is not None else None


def block_language(text: str, article_language: str | None) -> str | None:
    """A block keeps the article's language unless that language is clearly unlikely.

    Headings and name-heavy lines are too short for a confident guess of their own; only a
    block that barely resembles the article's language gets a language of its own.
    """
    return block_languages([text], article_language)[0]


def block_languages(texts: Sequence[str], article_language: str | None) -> list[str | None]:
    """block_language of each text; the long ones are read by the fast models in calls that
    run on every core (a 10 MB live blog has 40,000 paragraphs)."""

    def decided(scores: dict[str, float]) -> str | None:
        if not scores or (article_language and scores.get(article_language, 0.0) >= BLOCK_MIN_HOME_CONFIDENCE):
            return article_language
        return max(scores, key=scores.__getitem__)

    found: list[str | None] = [article_language] * len(texts)
    long: list[int] = []
    for n, text in enumerate(texts):
        words = WORDS.findall(text)
        if not words or (article_language and sum(not w[0].isupper() for w in words) < PROBE_MIN_WORDS):
            continue  # names and a word or two: nothing to tell a language by
        taken = sample(text, BLOCK_SAMPLE_CHARS)
        if len(taken) >= LOW_ACCURACY_MIN:
            long.append(n)
        else:
            found[n] = decided(confidences(taken, article_language))
    codes = _codes() if long else {}
    for at in range(0, len(long), PARALLEL_BATCH):
        batch = long[at : at + PARALLEL_BATCH]
        values = _detector(False).compute_language_confidence_values_in_parallel(
            [sample(texts[n], BLOCK_SAMPLE_CHARS) for n in batch]
        )
        for n, result in zip(batch, values, strict=True):
            found[n] = decided({codes[v.language]: v.value for v in result})
    return found


def _is_name_run(words: list[str]) -> bool:
    return all(w[0].isupper() or not w[0].isalpha() for w in words)


def _candidates(text: str, language: str) -> Iterator[tuple[int, str]]:
    other_script = "Latin" if language in CYRILLIC_LANGUAGES else "Cyrillic"
    seen: set[tuple[int, int]] = set()
    for pattern in [*ENCLOSED, SCRIPT_RUNS[other_script]]:
        for match in pattern.finditer(text):
            fragment = match.group(1).strip(" ,")
            if not fragment:
                continue
            start = text.index(fragment, match.start(1))
            if (start, len(fragment)) not in seen:
                seen.add((start, len(fragment)))
                yield start, fragment


def foreign_spans(text: str, language: str | None) -> tuple[LanguageSpan, ...]:
    if language is None:
        return ()
    spans: list[LanguageSpan] = []
    tried = 0
    for start, fragment in _candidates(text, language):
        if len(fragment) > SPAN_MAX_CHARS:
            continue
        words = WORDS.findall(fragment)
        if len(words) < SPAN_MIN_WORDS or _is_name_run(words):
            continue
        if len(fragment) > 0.8 * len(text.strip()):
            continue  # the block itself, judged by block_language
        tried += 1
        if tried > SPANS_PER_BLOCK:
            break
        scores = confidences(fragment, language)
        best = max(scores, key=scores.__getitem__)
        if (
            best != language
            and scores[best] >= SPAN_MIN_CONFIDENCE
            and scores.get(language, 0.0) <= SPAN_MAX_HOME_CONFIDENCE
        ):
            spans.append(LanguageSpan(start, start + len(fragment), best, fragment))
    return tuple(sorted(spans, key=lambda span: span.start))
