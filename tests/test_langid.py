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
