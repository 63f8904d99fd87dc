"""The name pre-filled in the TUI's "add to the glossary" dialog."""

from __future__ import annotations

from workbench.glossary.spans import unknown_name


def test_first_capitalised_run_past_the_sentence_start() -> None:
    text = "Hier, le Kremlin a répondu à Dmitri Peskov."
    # "Hier" opens the sentence; the Kremlin is the first name after it
    assert unknown_name(text, []) == "Kremlin"


def test_names_the_glossary_covers_are_skipped() -> None:
    text = "Hier, le Kremlin a répondu à Dmitri Peskov."
    kremlin = text.index("Kremlin")
    assert unknown_name(text, [(kremlin, kremlin + len("Kremlin"))]) == "Dmitri Peskov"


def test_a_partial_overlap_counts_as_known() -> None:
    text = "Hier Vladimir Poutine a parlé."
    poutine = text.index("Poutine")
    assert unknown_name(text, [(poutine, poutine + 3)]) is None


def test_no_name_at_all() -> None:
    assert unknown_name("il pleut.", []) is None
    assert unknown_name("", []) is None
