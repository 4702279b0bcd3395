"""The line detail form (F8, or Enter on the contact's own columns): every field the command line's
`segment set-line` can set, with the same lookups and checks, pressed in with keys."""
import datetime as dt
import decimal

import pytest
from textual.widgets import Input

from segtui.models import SegmentLine
from segtui.services import criteria, segments
from segtui.tui.screens.segment_dialogs import ConfirmDialog, LookupDialog
from segtui.tui.screens.worksheet import WorksheetScreen
from segtui.tui.screens.worksheet.line_form import LINE_FIELDS, LineForm
from segtui.services.segments import LINE_KINDS
from tui_helpers import DATE, SIZES, SIZE_IDS, make_app, settle


@pytest.fixture
def segment(demo_db):
    no = segments.new_segment("Spring fair", template_code="LETTER", salesperson_code="AK", date=DATE)["no"]
    criteria.add_contacts(no, [("city", "@b*")])
    return no


def first_line(no):
    line_no = segments.lines(no, limit=1)[0]["line_no"]
    return SegmentLine.get(SegmentLine.live(no) & (SegmentLine.line_no == line_no))


async def open_form(pilot, no, key="f8"):
    await settle(pilot)
    await pilot.app.push_screen(WorksheetScreen(no))
    await settle(pilot)
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(pilot.app.screen, LineForm)
    return pilot.app.screen


async def tab_to(pilot, form, name):
    """Tab through the form to a field, as a user does."""
    for _ in range(40):
        if (pilot.app.focused.id or "") == f"l-{name}":
            return pilot.app.focused
        await pilot.press("tab")
    raise AssertionError(f"no field {name}")


def test_the_form_has_every_field_set_line_takes():
    assert {name for name, *_ in LINE_FIELDS} == set(LINE_KINDS)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_line_fields_set_with_keys(segment, db_path, size):
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        form = await open_form(pilot, segment)
        await pilot.press("ctrl+u", *"Spoke at the fair")
        await tab_to(pilot, form, "salesperson_code")
        await pilot.press("ctrl+u", *"bm", "tab")
        await tab_to(pilot, form, "date")
        await pilot.press("ctrl+u", *"2026-02-01")
        await tab_to(pilot, form, "time_of_interaction")
        await pilot.press("ctrl+u", *"14:30")
        await tab_to(pilot, form, "cost")
        await pilot.press("ctrl+u", *"2.5")
        await tab_to(pilot, form, "duration_min")
        await pilot.press("ctrl+u", *"15")
        await tab_to(pilot, form, "campaign_no")
        await pilot.press(*"CP1001")
        await tab_to(pilot, form, "campaign_target")
        await pilot.press("space")
        await tab_to(pilot, form, "attempt_failed")
        await pilot.press("space")
        await tab_to(pilot, form, "interaction_template_code")
        await pilot.press("ctrl+u", *"FAIR")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WorksheetScreen)
    line = first_line(segment)
    assert line.description == "Spoke at the fair"
    assert line.salesperson_code == "BM"
    assert line.date == dt.date(2026, 2, 1)
    assert str(line.time_of_interaction).startswith("14:30")
    assert decimal.Decimal(str(line.cost)) == decimal.Decimal("2.5")
    assert decimal.Decimal(str(line.duration_min)) == 15
    assert line.campaign_no == "CP1001" and line.campaign_target and not line.campaign_response
    assert line.attempt_failed
    assert line.interaction_template_code == "FAIR"


async def test_refused_value_stays_in_the_form_and_changes_nothing(segment, db_path):
    before = first_line(segment)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, segment)
        await pilot.press("ctrl+u", *"Changed")
        await tab_to(pilot, form, "cost")
        await pilot.press("ctrl+u", *"abc", "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = str(form.query_one("#line-error").render())
        assert "cost" in error.lower()
        assert first_line(segment).description == before.description  # nothing stored
        await pilot.press("ctrl+u", *"3", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WorksheetScreen)
    line = first_line(segment)
    assert line.description == "Changed" and decimal.Decimal(str(line.cost)) == 3


async def test_lookup_on_a_code_and_unknown_code_opens_it(segment, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, segment)
        await tab_to(pilot, form, "language_code")
        await pilot.press("ctrl+u", *"germ", "enter")  # not a code: the lookup opens with the text
        await pilot.pause()
        assert isinstance(app.screen, LookupDialog)
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#l-language_code", Input).value in ("DEU", "DES")
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, LookupDialog)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert first_line(segment).language_code in ("DEU", "DES")


async def test_enter_on_the_contacts_name_opens_the_form_and_esc_asks(segment, db_path):
    before = first_line(segment)
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.app.push_screen(WorksheetScreen(segment))
        await settle(pilot)
        await pilot.press("home", "right", "enter")  # the Name column
        await pilot.pause()
        form = app.screen
        assert isinstance(form, LineForm)
        await pilot.press("escape")  # nothing changed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, WorksheetScreen)
        await pilot.press("f8", "ctrl+u", *"Mine", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # discard
        await settle(pilot)
        assert isinstance(app.screen, WorksheetScreen)
    assert first_line(segment).description == before.description
