from __future__ import annotations

from workbench import langid


def test_article_languages() -> None:
    assert langid.detect("Le Kremlin a critiqué mercredi le logiciel américain Zoom.") == "fr"
    assert langid.detect("Французские власти перестали доверять американскому ПО.") == "ru"
    assert langid.detect("The Kremlin criticised the American software on Wednesday.") == "en"
    assert langid.detect("12345 !!!") is None


def test_short_heading_keeps_the_article_language() -> None:
    assert langid.block_language("Commentaire de Zoom", "fr") == "fr"
    assert langid.block_language("Microsoft ne vend plus en Russie", "fr") == "fr"


def test_a_foreign_paragraph_gets_its_own_language() -> None:
    text = "The company said it was reviewing the reports and would comment later."
    assert langid.block_language(text, "fr") == "en"


def test_english_gloss_inside_french_is_reported() -> None:
    text = "Il était « trop lent [to react to] ou n’a pas écouté », il a dit."
    spans = langid.foreign_spans(text, "fr")
    assert [(s.text, s.language) for s in spans] == [("to react to", "en")]
    assert text[spans[0].start : spans[0].end] == "to react to"


def test_russian_words_inside_french_are_reported() -> None:
    text = "Le ministre a parlé d’«импортозамещение в госорганах», le remplacement des importations."
    spans = langid.foreign_spans(text, "fr")
    assert [s.language for s in spans] == ["ru"]


def test_english_phrase_inside_russian_is_reported_but_names_are_not() -> None:
    text = "Министр назвал это «a matter of national security», сообщает La Tribune Dimanche (David Amiel)."
    spans = langid.foreign_spans(text, "ru")
    assert [(s.text, s.language) for s in spans] == [("a matter of national security", "en")]


def test_detection_reads_a_bounded_sample() -> None:
    from workbench.langid import SAMPLE_CHARS, sample

    short = "Une phrase courte."
    assert sample(short) == short
    long = " ".join(f"mot{n}" for n in range(100_000))
    taken = sample(long)
    assert len(taken) <= SAMPLE_CHARS + 10
    head, body, tail = taken.split(" … ")
    assert head.startswith("mot0 mot1 ") and tail.endswith(" mot99999")
    assert all(w.startswith("mot") and w[3:].isdigit() for w in " ".join((head, body, tail)).split())
    assert 40_000 < int(body.split()[0][3:]) < 60_000  # from the middle of the text
    giant = "a" * 300_000  # one word: cut anyway
    assert len(sample(giant)) <= SAMPLE_CHARS + 10


def test_a_300000_character_word_cleans_with_an_answer(tmp_path) -> None:
    from conftest import run_cli

    path = tmp_path / "word.txt"
    path.write_text("Titre\n\n" + "a" * 300_000 + "\n", encoding="utf-8")
    result = run_cli("clean", "--json", str(path))  # run_cli's timeout (120 s) is the hang guard
    assert result.returncode == 0, result.stderr
    assert '"title": "Titre"' in result.stdout.decode()


def test_one_matcher_per_glossary_and_language() -> None:
    from workbench.glossary.entries import Entry, Glossary
    from workbench.glossary.match import matcher_for

    glossary = Glossary()
    glossary.add(Entry(id="zoom", type="organisation", en="Zoom", forms={"fr": ("Zoom",)}))
    first = matcher_for(glossary, "fr")
    assert matcher_for(glossary, "fr") is first and matcher_for(glossary, "ru") is not first
    glossary.add(Entry(id="kremlin", type="organisation", en="Kremlin", forms={"fr": ("Kremlin",)}))
    again = matcher_for(glossary, "fr")
    assert again is not first and [h.entry.id for h in again.find("Le Kremlin et Zoom")] == ["kremlin", "zoom"]


def test_short_text_loads_the_accurate_models_only_when_it_may_be_foreign(monkeypatch) -> None:
    """A heading clearly in the article's language is read by the fast models (its names left
    out); a short gloss that may be in another language is decided by the accurate ones."""
    built: list[bool] = []
    real = langid._detector

    def spy(accurate: bool = True):  # type: ignore[no-untyped-def]
        built.append(accurate)
        return real(accurate)

    monkeypatch.setattr(langid, "_detector", spy)
    assert langid.block_language("Microsoft ne vend plus en Russie", "fr") == "fr"
    assert langid.foreign_spans("Le président a déclaré « nous ne céderons rien » mardi soir.", "fr") == ()
    assert True not in built
    spans = langid.foreign_spans("Il était « trop lent [to react to] ou n’a pas écouté », il a dit.", "fr")
    assert [(s.text, s.language) for s in spans] == [("to react to", "en")]
    assert True in built


def test_names_and_a_word_or_two_keep_the_article_language() -> None:
    for text in ("Brad Smith", "Sony", "Commentaire de Zoom", "OPPO Reno"):
        assert langid.block_language(text, "fr") == "fr"
