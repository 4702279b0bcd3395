"""The worksheet at 80x24 and 120x40: how many lines show, nothing cut mid-word, the keys to the
header and the criteria panel, one meaning for Esc, and messages on their own line.

Keys pressed through Pilot, then the screen's text (what a terminal would show) and the
database are checked.
"""
import re
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from segtui.models import SegmentHeader
from segtui.services import segments
from segtui.tui import app as tui_app
from segtui.tui.screens.segment_dialogs import ConfirmDialog
from segtui.tui.widgets.keybar import KeyBar, fit_items
from tui_helpers import SIZE_IDS, make_app, open_ws, screen_text, settle, spring_fair

APP_CSS = Path(tui_app.__file__).with_name("app.tcss")

SMALL, LARGE = (80, 24), (120, 40)


@pytest.fixture
def segment(demo_db):
    return spring_fair()


def shown_contacts(app, no) -> list[str]:
    text = "\n".join(screen_text(app))
    return [line["contact_no"] for line in segments.lines(no, limit=40) if line["contact_no"] in text]


def key_bar_items(app) -> list[str]:
    bar = app.screen.query_one(KeyBar)
    return [item for item in str(bar.render()).split("  ") if item.strip()]


@pytest.mark.parametrize("size,least", [(SMALL, 8), (LARGE, 15)], ids=SIZE_IDS)
async def test_lines_visible_and_nothing_cut(segment, db_path, size, least):
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_ws(pilot, segment)
        shown = shown_contacts(app, segment)
        assert len(shown) >= least, (len(shown), screen_text(app))
        assert screen.sheet.visible_rows >= least
        text = "\n".join(screen_text(app))
        # The header's values show whole, in the compact header or in the form.
        for whole in ("2026-01-15", "Anna Keller", "Welcome to our stand", "LETTER"):
            assert whole in text, whole
        # The key bar: whole keys only, F1 last, and it fits the terminal.
        items = key_bar_items(app)
        assert items[-1] == "f1 Keys"
        assert items[0] == "f3 Header"
        for item in items[:-1]:
            assert re.fullmatch(r"\S+ [A-Z][a-z]+( [a-z]+)*", item), item
        assert len(screen_text(app)[-1].rstrip()) <= size[0]
        # The status line: the counts whole, then the area keys that fit whole.
        status = screen_text(app)[-2]
        assert "63 lines" in status or f"{segments.count_lines(segment)} lines" in status
        assert re.search(r"(Contacts|Logged|Interactions|Setup|Theme|Quit)\s*$", status), status


async def test_compact_header_at_80x24_and_the_form_on_f3(segment, db_path):
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_ws(pilot, segment)
        assert not screen.query_one("#header").display
        summary = str(screen.query_one("#header-summary").render())
        assert "Date 2026-01-15" in summary and "Salesperson AK Anna Keller" in summary
        assert "Corresp. Hard copy" in summary  # words, not the stored hard_copy
        # The criteria panel is folded to one line that still says what the actions are.
        assert screen.has_class("-criteria-folded")
        folded = str(screen.query_one("#criteria-folded").render())
        assert folded.startswith("Criteria 2") and "Refine contacts type=person" in folded
        # F3: the full form, the focus in it; at 80 columns the two groups are stacked.
        await pilot.press("f3")
        await pilot.pause()
        assert screen.query_one("#header").display
        assert app.focused is screen.query_one("#h-description", Input)
        text = "\n".join(screen_text(app))
        assert "Date 2026-01-15" in text and "Initiated by" in text and "Duration (min)" in text
        assert key_bar_items(app)[0] == "f3 Lines"
        # F3 again: back to the lines, the header compact again.
        await pilot.press("f3")
        await pilot.pause()
        assert app.focused is screen.sheet
        assert not screen.query_one("#header").display


async def test_full_form_at_120x40_and_tab_free_jumps(segment, db_path):
    app = make_app(db_path)
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_ws(pilot, segment)
        assert screen.query_one("#header").display  # room enough: the form shows by itself
        assert not screen.has_class("-criteria-folded")
        await pilot.press("f3")
        assert app.focused is screen.query_one("#h-description", Input)
        await pilot.press("escape")  # Esc: back to the lines (nothing typed, nothing asked)
        await pilot.pause()
        assert app.focused is screen.sheet
        await pilot.press("f5")  # the criteria panel
        await pilot.pause()
        assert app.focused is screen.query_one("#criteria", DataTable)
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is screen.sheet
        assert app.screen is screen


@pytest.mark.parametrize("answer,stored", [("y", "Autumn fair"), ("n", "Spring fair invitations")],
                         ids=["save", "discard"])
async def test_esc_with_an_unsaved_header_edit_asks(segment, db_path, answer, stored):
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_ws(pilot, segment)
        await pilot.press("f3", "ctrl+u", *"Autumn fair", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press(answer)
        await settle(pilot)
        assert app.screen is screen and app.focused is screen.sheet
        assert SegmentHeader.get(SegmentHeader.no == segment).description == stored
        assert not screen.query_one("#header").display


async def test_esc_keeps_editing_when_asked(segment, db_path):
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_ws(pilot, segment)
        await pilot.press("f3", "ctrl+u", *"Autumn", "escape")
        await pilot.pause()
        await pilot.press("escape")  # the question's Esc: back to the field, the text kept
        await pilot.pause()
        field = screen.query_one("#h-description", Input)
        assert app.focused is field and field.value == "Autumn"
        assert SegmentHeader.get(SegmentHeader.no == segment).description == "Spring fair invitations"


async def test_messages_on_their_own_line_and_errors_stay(segment, db_path):
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_ws(pilot, segment)
        before = screen.sheet.visible_rows
        screen.notify("Description saved for CT000001")
        await pilot.pause()
        message = screen.query_one("#message")
        assert message.display and "saved for CT000001" in str(message.render())
        assert message._timer is not None  # information goes by itself
        # No toast over the lines (Pilot runs without toasts; the rule hides them when there are).
        assert all(not rack.display for rack in screen.query("ToastRack"))
        assert screen.has_class("-messages")  # the app's rule for such screens hides toasts
        assert "Screen.-messages ToastRack ToastHolder" in APP_CSS.read_text(encoding="utf-8")
        # An error: stays (no timer) until Esc dismisses it; Esc then closes the worksheet.
        screen.notify("something went wrong", severity="error")
        await pilot.pause()
        assert message.error_shown and message._timer is None
        assert screen.sheet.visible_rows >= 8 and screen.sheet.visible_rows >= before - 2
        await pilot.press("escape")
        await pilot.pause()
        assert not message.display and app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


def test_fit_items_keeps_whole_items():
    assert fit_items(["a Add", "r Reduce", "f Refine"], 16) == ["a Add", "r Reduce"]
    assert fit_items(["a Add"], 4) == []


async def test_long_work_with_progress_shows_a_bar_with_counts_and_esc_stops_it(segment, db_path):
    """Work that reports progress fills the bar and counts; Esc stops it at the next report."""
    import threading

    from textual.widgets import ProgressBar

    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_ws(pilot, segment)
        step, reported, finished = threading.Event(), [], []

        def job(progress):
            for done in range(0, 101, 25):
                progress(done, 100)
                reported.append(done)
                step.wait(5)
                step.clear()
            return "all"

        screen.run_long("Writing letters…", job, finished.append, progress=True)
        await pilot.pause(0.2)
        busy = screen.query_one("#busy")
        assert busy.display and not screen.query_one("#keys").display
        step.set()
        while len(reported) < 2:
            await pilot.pause(0.05)
        await pilot.pause(0.1)
        bar = screen.query_one("#busy-bar", ProgressBar)
        assert bar.total == 100 and bar.progress == 25
        assert str(screen.query_one("#busy-count").render()) == "25 of 100"
        assert "Writing letters" in "\n".join(screen_text(app))
        await pilot.press("escape")  # cancel: the job stops at its next report
        step.set()
        await settle(pilot)
        assert finished == [] and len(reported) == 2
        assert not busy.display and screen.query_one("#keys").display
        assert "Canceled" in str(screen.query_one("#message").render())


async def test_header_choices_in_words(segment, db_path):
    from segtui.tui.screens.segment_dialogs import LookupDialog

    app = make_app(db_path)
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_ws(pilot, segment)
        field = screen.query_one("#h-correspondence_type_default", Input)
        assert field.value == "Hard copy"
        assert screen.query_one("#h-information_flow", Input).value == "Outbound"
        field.focus()
        await pilot.press("ctrl+u", *"e-mail", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # the lines carry it: update them too?
        await pilot.press("n")  # header only
        await settle(pilot)
        assert SegmentHeader.get(SegmentHeader.no == segment).correspondence_type_default == "email"
        assert field.value == "E-mail"
        await pilot.press("ctrl+u", *"fax", "enter")  # not a choice: the list opens
        await pilot.pause()
        assert isinstance(app.screen, LookupDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert SegmentHeader.get(SegmentHeader.no == segment).correspondence_type_default == "email"


def test_criteria_panel_says_what_a_reference_is():
    from segtui.tui.screens.worksheet.criteria import criteria_row

    assert criteria_row({"action_no": 4, "action": "reuse_logged", "reference": "3", "no_of_contacts": 12}, 4) == (
        4, "Reuse logged segment", "logged segment 3", "+12")
    assert criteria_row({"action_no": 5, "action": "remove_line", "reference": "CT000002", "no_of_contacts": 1},
                        5)[2:] == ("contact CT000002", "−1")
    assert criteria_row({"action": "set_contact", "reference": "CT1>CT2"}, 6)[2] == "contact CT1 changed to CT2"


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=SIZE_IDS)
async def test_code_descriptions_never_cut_inside_a_word(segment, db_path, size):
    segments.set_header(segment, {"language_code_default": "DES", "campaign_no": "CP1001"})
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_ws(pilot, segment)
        await pilot.press("f3")
        await settle(pilot)
        for name, full in (("language_code_default", "German (Switzerland)"),
                           ("campaign_no", "Office furniture fair 2025")):
            shown = str(screen.query_one(f"#d-{name}").render()).strip()
            words = shown.rstrip("…").split()
            assert words == full.split()[:len(words)], (name, shown)
            assert shown == full or shown.endswith("…") or shown == ""
        text = "\n".join(screen_text(app))
        assert " Ge " not in text and " Off " not in text


async def test_keymap_rebinds_the_worksheet_keys_and_the_key_bar_shows_them(segment, db_path):
    from segtui import config

    config.set_value("keymap", {"header": "f10", "line_details": "ctrl+o"})
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_ws(pilot, segment)
        items = key_bar_items(app)
        assert items[0] == "f10 Header" and "^o Line" in items
        await pilot.press("f10")
        await pilot.pause()
        assert app.focused is screen.query_one("#h-description", Input)
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is screen.sheet


@pytest.mark.parametrize("width", [30, 50, 78, 118])
def test_compact_header_packs_whole_items(width):
    from segtui.tui.screens.worksheet.header import summary_text

    items = [("Date", "2026-01-15"), ("Salesperson", "AK Anna Keller"), ("Template", "LETTER Letter"),
             ("Corresp.", "Hard copy"), ("Subject", "A rather long subject for the spring fair letters")]
    lines = str(summary_text(items, width, lines=2)).split("\n")
    assert 1 <= len(lines) <= 2
    for line in lines:
        assert len(line) <= width
        for part in line.split("  "):
            label, _, value = part.partition(" ")
            full = dict(items)[label]
            assert value == full or (value.endswith("…") and full.startswith(value[:-1].rstrip())
                                     and full[len(value[:-1].rstrip())] == " "), part
