"""The cockpit in the screen: keys in the order typed, filters, go to, split and join,
find and replace, concordance, history, and the place one stopped, driven by keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui import FIRST, app_for, make_project, saved, settle
from textual import events
from textual.widgets import Checkbox, Input, OptionList, SelectionList

from workbench.project import Project
from workbench.tui.commands import COMMANDS
from workbench.tui.dialogs.concordance import ConcordanceDialog
from workbench.tui.dialogs.filter import FilterDialog
from workbench.tui.dialogs.replace import ReplaceDialog
from workbench.tui.dialogs.segments import GotoDialog, HistoryDialog, SplitDialog

SIZE = (120, 40)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)  # translated by the fake engine


def typed_fast(app, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Keys as a terminal delivers them to a busy screen: all at once, nobody waiting."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


async def test_keys_typed_at_once_act_in_the_order_typed(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = saved(project).segments
        typed_fast(app, "down", "down", "e", "ctrl+a", "N", "e", "w", "ctrl+s", "down")
        await settle(pilot)
        after = saved(project).segments
        # the edit went to the third segment (not the first), whole, and nothing else moved
        assert after[2].target == "New" and after[2].status == "reviewed"
        assert [s.target for n, s in enumerate(after) if n != 2] == [s.target for n, s in enumerate(before) if n != 2]
        assert app.main.detail.editing is None
        assert app.main.cursor.index == 4  # confirm went on to 4th, then the down key


async def test_letters_typed_after_confirm_are_commands_not_text(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        typed_fast(app, "e", "ctrl+a", "O", "k", "ctrl+s", "h")  # h: the history of the next segment
        await settle(pilot)
        assert saved(project).segments[0].target == "Ok"
        assert isinstance(app.screen, HistoryDialog)
        assert app.main.detail.editing is None


def test_every_cockpit_action_has_a_plain_name_in_the_palette() -> None:
    names = {c.name for c in COMMANDS}
    assert {
        "Split segment",
        "Merge with next segment",
        "Filter segments",
        "Find and replace",
        "Concordance",
        "Go to segment",
        "Segment history",
        "Redo",
    } <= names
    keys = [k for c in COMMANDS for k in c.keys]
    assert len(keys) == len(set(keys)), "a key bound to two commands"


async def test_filter_by_status_shows_only_those_segments_and_confirm_stays_in_it(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for index in (1, 4, 7):  # three edited segments, the rest machine
            app.session.edit(FIRST, saved(project).segments[index].id, f"Edited {index}")
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FilterDialog)
        dialog.query_one("#status-edited", Checkbox).value = True
        await pilot.pause()
        assert "3 segments in 1 articles" in str(dialog.query_one("#filter-count").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.main
        assert screen.table.shown == [1, 4, 7]
        assert screen.cursor == type(screen.cursor)(FIRST, 1)
        await pilot.press("c")  # confirm: on to the next segment *in the filter*
        await settle(pilot)
        assert saved(project).segments[1].status == "reviewed"
        assert screen.cursor.index == 4


async def test_go_to_segment_by_number(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, GotoDialog)
        await pilot.press("1", "2", "enter")
        await settle(pilot)
        assert app.main.cursor.index == 11
        assert "Segment 12" in str(app.main.detail.border_title)


async def test_split_in_the_dialog_then_join_back_with_a_key_and_undo(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = saved(project).segments
        source = before[1].source
        cut = source.index(", la société") + 1
        await pilot.press("down", "s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SplitDialog)
        area = dialog.query_one("#split-source")
        area.move_cursor((0, cut))  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        split = saved(project).segments
        assert len(split) == len(before) + 1
        assert split[1].source == source[:cut].strip() and split[2].source == source[cut:].strip()
        assert split[0].id == before[0].id and split[3].id == before[2].id  # the others keep their ids
        await pilot.press("j")  # merge with the next: the sentence is whole again
        await settle(pilot)
        assert [s.source for s in saved(project).segments] == [s.source for s in before]
        await pilot.press("u")  # undo the join: split again
        await settle(pilot)
        assert len(saved(project).segments) == len(before) + 1


async def test_find_and_replace_previews_skips_and_undoes_as_one(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = {s.id: s.target for s in saved(project).segments}
        hits = [s for s in saved(project).segments if "Kremlin" in s.target]
        assert len(hits) >= 3
        await pilot.press("ctrl+h")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReplaceDialog)
        dialog.query_one("#find", Input).value = "Kremlin"
        dialog.query_one("#with", Input).value = "Kremlyn"
        dialog.query_one("#with", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        listed = dialog.query_one("#hits", SelectionList)
        assert listed.option_count >= len(hits)
        skipped = listed.get_option_at_index(0).value
        listed.deselect(skipped)
        await pilot.press("ctrl+s")
        await settle(pilot)
        after = saved(project).segments
        changed = [s for s in after if s.target != before[s.id]]
        assert changed and all("Kremlyn" in s.target and s.status == "edited" for s in changed)
        assert any("Kremlin" in s.target for s in after if s.id in {h.id for h in hits})  # the skipped one
        await pilot.press("u")  # one undo for the whole replace
        await settle(pilot)
        assert {s.id: s.target for s in saved(project).segments} == before


async def test_concordance_lists_earlier_renderings_in_context(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = saved(project).segments[2]
        app.session.confirm(FIRST, first.id, "The Kremlin commented on reports about Zoom.")
        await settle(pilot)
        await pilot.press("k")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConcordanceDialog)
        dialog.query_one("#phrase", Input).value = "Kremlin commented"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        hits = dialog.query_one("#hits", OptionList)
        shown = "\n".join(str(hits.get_option_at_index(n).prompt) for n in range(hits.option_count))
        assert "The Kremlin commented on reports about Zoom." in shown


async def test_history_lists_every_version_with_its_origin(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "ctrl+a", "F", "i", "r", "s", "t", "escape")
        await settle(pilot)
        await pilot.press("e", "ctrl+a", "S", "e", "c", "o", "n", "d", "ctrl+s", "up")
        await settle(pilot)
        await pilot.press("h")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, HistoryDialog)
        versions = dialog.query_one("#versions", OptionList)
        text = "\n".join(str(versions.get_option_at_index(n).prompt) for n in range(versions.option_count))
        assert "Second" in text and "First" in text and "EN(" in text  # reviewed, edited, the MT
        assert "reviewed" in text and "edited" in text and "machine" in text


async def test_reopening_returns_to_where_the_translator_stopped(project: Project, tmp_path: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket", "down", "down", "down")
        await pilot.pause(1.5)  # the place is remembered after a pause in moving
        await settle(pilot)
        where = app.main.cursor
        assert where.article != FIRST and where.index == 3
    again = app_for(project)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.main.cursor == where


# -- QA while typing, and the reviewer's pass -------------------------------------------------------


def qa_line(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.main.detail.query_one("#qa").text)


async def test_qa_follows_the_typing_and_confirm_asks_over_findings(project: Project) -> None:
    from workbench.tui.dialogs import ConsentDialog

    (project.root / "workbench.toml").unlink()  # the question is asked by default
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "ctrl+a", *"Zoom bans Russian public bodies, the Kremlin reacts")
        await pilot.pause(0.3)  # the check runs after a pause in typing, not per key
        assert "QA 0" not in qa_line(app) and "nothing found" in qa_line(app)
        await pilot.press(*" 5 million")
        assert "5 million" not in qa_line(app)  # not yet: no check per keystroke
        await pilot.pause(0.3)
        assert "numbers" in qa_line(app) and "5 million" in qa_line(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConsentDialog)
        await pilot.press("n")  # back to the editor, text intact, nothing confirmed
        await settle(pilot)
        assert app.main.detail.editing is not None and app.main.editor.text.endswith("5 million")
        assert saved(project).segments[0].status == "machine"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert saved(project).segments[0].status == "reviewed"
        assert saved(project).segments[0].target.endswith("5 million")


async def test_a_misspelling_is_flagged_and_learnt_from_the_screen(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "ctrl+a", *"Zoom bans Russian public bodies, the Kremlin reacts to Zoomers 5 million")
        await pilot.pause(0.3)
        assert "spelling" in qa_line(app) and "Zoomers" in qa_line(app) and "numbers" in qa_line(app)
        editor = app.main.editor
        text, spans = editor.marks
        assert text == editor.text and [text[a:b] for a, b in spans] == ["Zoomers"]  # underlined
        await pilot.press("ctrl+left", "ctrl+left", "ctrl+left")  # onto the misspelt word
        await pilot.press("ctrl+w")  # the word under the cursor is a word of the project
        await pilot.pause(0.3)
        assert "spelling" not in qa_line(app)
        assert "numbers" in qa_line(app)  # the other checks still speak
        assert "Zoomers" in (project.glossaries / "words.txt").read_text(encoding="utf-8").split()
        await pilot.press("escape", "down")
        await settle(pilot)
        assert "loading" not in qa_line(app)  # the checks, made again, are at hand at once


async def test_a_finding_judged_not_an_error_stays_judged(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = saved(project).segments[0]
        app.session.edit(FIRST, first.id, "Zoom bans Russian public bodies, the Kremlin reacts 5 million")
        await settle(pilot)
        app.main.show_segment()
        assert "numbers" in qa_line(app)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pilot.press("enter")  # the first finding
        await pilot.press(*"the figure is in the photo caption", "enter")
        await settle(pilot)
        assert "numbers" not in qa_line(app)
        [mark] = saved(project).segments[0].dismissed
        assert mark.check == "numbers" and mark.reason == "the figure is in the photo caption"


async def test_the_reviewers_pass_from_the_keys(project: Project) -> None:
    from workbench.tui.dialogs.notes import AnnotateDialog

    app = app_for(project)
    app.session.user = "translator"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = saved(project).segments[0]
        app.session.confirm(FIRST, first.id, "Zoom bans Russian public bodies, the Kremlin reacts")
        await settle(pilot)
        app.session.user = "reviewer"
        await pilot.press("A")
        await settle(pilot)
        assert saved(project).segments[0].status == "approved"
        await pilot.press("C", *"Good title", "enter")
        await settle(pilot)
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, AnnotateDialog)
        app.screen.query_one("#note", Input).focus()
        await pilot.press(*"too literal", "enter")
        await settle(pilot)
        await pilot.press("R", *"fix the title", "enter")
        await settle(pilot)
        segment = saved(project).segments[0]
        assert segment.status == "rejected"
        assert [c.text for c in segment.comments] == ["Good title", "fix the title"]
        assert [(e.category, e.note, e.author) for e in segment.errors] == [("terminology", "too literal", "reviewer")]
        notes = str(app.main.detail.query_one("#notes").text)
        assert "reviewer: Good title" in notes and "terminology/minor too literal" in notes


async def test_approving_ones_own_translation_needs_the_flag(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = saved(project).segments[0]
        app.session.confirm(FIRST, first.id, "Zoom bans Russian public bodies, the Kremlin reacts")
        await settle(pilot)
        await pilot.press("A")  # the same person: refused, said, nothing changes
        await settle(pilot)
        assert saved(project).segments[0].status == "reviewed"
        app.main.allow_self_approve = True  # workbench review --allow-self-approve
        await pilot.press("A")
        await settle(pilot)
        assert saved(project).segments[0].status == "approved"


async def test_progress_in_source_words_for_the_article_and_the_corpus(project: Project) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert " · 0/" in str(app.main.table.border_title) and "words" in str(app.main.table.border_title)
        await pilot.press("c")  # the title: "Zoom interdit l’accès à ses services … le Kremlin réagit"
        await settle(pilot)
        assert " · 13/" in str(app.main.table.border_title)  # 13 words, l’accès one of them
        assert str(app.main.article_list.border_subtitle).startswith("13/")


async def test_an_unfinished_edit_from_an_ended_session_shows_and_is_never_thrown_away(project: Project) -> None:
    from workbench.review.session import ReviewSession

    ended = ReviewSession(project, user="translator")
    ended.open()
    fourth = ended.document(FIRST).segments[3]
    ended.draft(FIRST, fourth.id, "Typed before the terminal went away")
    ended.close()  # the draft stays in the journal, for the next session
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")
        await settle(pilot)
        notes = app.main.detail.query_one("#notes")
        assert notes.display and "Unfinished edit" in str(notes.text)
        assert "Typed before the terminal went away" in str(notes.text)
        await pilot.press("a")  # accepting the MT over it keeps the typed text in the history
        await settle(pilot)
        record = saved(project).segments[3]
        assert record.status == "reviewed" and record.draft is None
        assert ("Typed before the terminal went away", "unfinished edit") in [(v.target, v.event) for v in record.history]


MARKUP = ["The Kremlin thinks [/] it is time", "Le titre [bold]gras[/bold]", "root:x:0:0: [red]rouge", "a \\[b] c ]["]


@pytest.mark.parametrize("text", MARKUP)
async def test_text_that_looks_like_markup_is_shown_as_typed(project: Project, text: str) -> None:
    """Targets, sources and titles are text: "[/]" or ":x:" never crashes the screen or shows
    as something else, in the table, the header, the detail, the notices and the dialogs."""
    import json

    path = project.translations / f"{FIRST}.en.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["title"] = text
    data["segments"][1]["source"] = text
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "ctrl+a", *text, "ctrl+s")
        await settle(pilot)
        assert saved(project).segments[0].target == text
        row = app.main.table.get_row_at(0)
        assert str(row[-1]).startswith(text[:10])  # the cell reads as typed
        # what the border draws (the public getter gives it back as markup)
        shown = app.main.table._border_title.plain  # type: ignore[union-attr]
        assert shown.startswith(text + " · fr")
        await pilot.press("slash", *text[:12], "enter")  # a search for it
        await settle(pilot)
        await pilot.press("h")  # and its history
        await pilot.pause()
        assert app.is_running and app.crash is None


async def test_keys_typed_while_a_question_closes_wait_for_the_screen_behind_it(project: Project) -> None:
    (project.root / "workbench.toml").unlink()  # the QA question is asked
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        typed_fast(app, "down", "e", " ", "5", "ctrl+s", "y", "e", " ", "7", "ctrl+s", "y")
        await settle(pilot)
        segments = saved(project).segments
        assert segments[1].target.endswith(" 5") and segments[1].status == "reviewed"
        assert segments[2].target.endswith(" 7") and segments[2].status == "reviewed"  # never its raw MT
        assert [s.status for s in segments[3:6]] == ["machine"] * 3


async def test_text_the_journal_cannot_take_is_rescued_on_the_way_out(project: Project, tmp_path: Path, monkeypatch) -> None:
    from workbench.errors import WorkbenchError

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "ctrl+a", *"Typed on a full disk")

        def full(*_: object) -> None:
            raise WorkbenchError("cannot write the change journal: No space left on device")

        monkeypatch.setattr(app.session.journal, "append", full)
        await pilot.press("escape")  # cannot be kept: the editor stays open, the text in it
        assert app.main.detail.editing is not None
        await pilot.press("ctrl+q")  # out anyway
        await pilot.pause()
    assert app.rescued is not None and app.rescued.read_text(encoding="utf-8") == "Typed on a full disk"
    assert app.rescued.is_relative_to(tmp_path / "state")


async def test_accepting_the_mt_over_a_persons_translation_asks_first(project: Project) -> None:
    from workbench.tui.dialogs import ConsentDialog

    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = saved(project).segments[0]
        app.session.confirm(FIRST, first.id, "Zoom bars Russian public bodies, the Kremlin reacts")
        await settle(pilot)
        app.main.go(FIRST, 0)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConsentDialog)
        await pilot.press("n")
        await settle(pilot)
        assert saved(project).segments[0].target == "Zoom bars Russian public bodies, the Kremlin reacts"
        await pilot.press("a", "y")
        await settle(pilot)
        assert saved(project).segments[0].target == first.mt


def test_find_and_replace_has_a_key_a_terminal_can_send() -> None:
    # Ctrl+H reaches Textual as Backspace from most terminals (0x08)
    [command] = [c for c in COMMANDS if c.name == "Find and replace"]
    assert any(key not in ("ctrl+h", "backspace") for key in command.keys)


async def test_an_unreadable_word_list_leaves_the_other_checks_working(project: Project) -> None:
    """Said once; the glossary marks and entities show, and a confirm over findings asks."""
    from workbench.tui.dialogs import ConsentDialog

    (project.root / "workbench.toml").unlink()  # the question is asked by default
    (project.glossaries / "words.txt").write_bytes(b"hello\n\xff\xfe bad\n")
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications if "word list" in n.message]
        assert len(said) == 1 and "without the project's words" in said[0]
        table = app.main.table
        assert any(table.get_row_at(i)[2] for i in range(table.row_count))
        assert "loading" not in str(app.main.detail.query_one("#info").text)
        flagged = next(i for i in range(table.row_count) if table.get_row_at(i)[2])
        app.main.go(app.main.cursor.article, flagged)
        await pilot.pause()
        assert "glossary" in qa_line(app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConsentDialog)


async def test_typing_while_the_checks_load_is_checked_when_they_arrive(project: Project, monkeypatch) -> None:
    from test_tui import held_checks

    gate = held_checks(monkeypatch)
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", "ctrl+a", *"Helo wrold")
        await pilot.pause(0.3)
        assert "loading" in qa_line(app)
        gate.set()
        await settle(pilot)
        assert app.main.detail.editing is not None
        assert "spelling" in qa_line(app) and "Helo" in qa_line(app)  # what is typed, not the stored target
        assert "loading" not in str(app.main.detail.query_one("#info").text)


async def test_a_new_glossary_entry_marks_every_row_on_screen(project: Project) -> None:
    """Not only the segment it was added from: every row on screen whose target lacks it."""
    from workbench.tui.dialogs import GlossaryDialog

    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.main.table
        unmarked = [i for i in range(table.row_count) if not table.get_row_at(i)[2]]
        lacking = [i for i in unmarked if "russes" in table.records[i].source]
        assert len(lacking) >= 2
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, GlossaryDialog)
        dialog.query_one("#form").value = "russes"
        dialog.query_one("#english").value = "Russian"
        dialog.query_one("#type").value = "place"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert all(table.get_row_at(i)[2] for i in lacking)
        drawn = table.render_lines(table.region.reset_offset)  # as on screen, not only as asked
        in_sight = [i for i in range(min(table.row_count, table.page)) if table.get_row_at(i)[2]]
        assert set(lacking) & set(in_sight) and sum("⚠" in line.text for line in drawn) == len(in_sight)
