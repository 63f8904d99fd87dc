"""Property tests: cleaning never crashes on any bytes and never invents text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.clean import clean
from workbench.errors import InputError
from workbench.ingest import ingest_bytes, normalize
from workbench.pipeline import article_from_bytes
from workbench.segment import sentences

CORPUS_WORDS = [
    "Le",
    "Kremlin",
    "a",
    "dit",
    "M.",
    "Poutine",
    "«",
    "»",
    "Zoom",
    "S'abonner",
    "0",
    "259",
    "Песков",
    "г.",
    "заявил",
    "т.е.",
    "©",
    "Unsplash.com",
    "/",
    "Фото:",
    "Lire",
    "aussi",
    ":",
    "Publicité",
    "…",
    ".",
    "!",
    "?",
    "\n",
    "\n\n",
    " date 2024-09",
    "Chat",
    "loader",
    "—",
]
lines = st.lists(st.sampled_from(CORPUS_WORDS), min_size=0, max_size=30).map(" ".join)
pages = st.lists(lines, min_size=1, max_size=12).map("\n".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_give_an_article_or_one_clear_error(data: bytes) -> None:
    try:
        article = article_from_bytes(data, "fuzz.txt")
    except InputError as exc:
        assert str(exc).startswith("fuzz.txt") and str(exc).endswith(".")
        assert "\n" not in str(exc)
    else:
        assert article.blocks and article.blocks[0].kind == "title"


@SETTINGS
@given(st.text(max_size=2000))
def test_any_text_gives_an_article_or_one_clear_error(text: str) -> None:
    try:
        article_from_bytes(text.encode("utf-8", "surrogatepass"), "fuzz.txt")
    except InputError as exc:
        assert str(exc).startswith("fuzz.txt")


@SETTINGS
@given(pages)
def test_cleaning_never_invents_text(page: str) -> None:
    text, _ = normalize(page)
    source_lines = text.split("\n")
    result = clean(text)
    for line in result.lines:
        assert source_lines[line.number - 1].endswith(line.text)
    for removal in result.removed:
        if removal.text:
            assert source_lines[removal.line - 1].endswith(removal.text)
    kept = {line.number for line in result.lines} | {r.line for r in result.removed if r.text}
    for number, source in enumerate(source_lines, 1):
        prefix_only = source.startswith("date ") and not any(line.number == number for line in result.lines)
        assert not source or number in kept or prefix_only


@SETTINGS
@given(pages)
def test_segments_partition_the_text(page: str) -> None:
    for line in page.split("\n"):
        parts = sentences(line.strip(), "fr")
        assert " ".join(parts).split() == line.split()


@SETTINGS
@given(st.text(min_size=1, max_size=500))
def test_ingest_output_is_normalized(text: str) -> None:
    try:
        ingested = ingest_bytes(text.encode("utf-8", "surrogatepass"), "x")
    except InputError:
        return
    out = ingested.text
    assert "\r" not in out and "\u00a0" not in out and "\u200b" not in out and "\u00ad" not in out
    assert out.endswith("\n")
    import unicodedata

    assert unicodedata.is_normalized("NFC", out)
