"""The log dialog checks delivery before logging when Deliver is ticked, and counts problems as
kinds of problem (one blank header field on 178 lines is one problem). Keys a user presses."""
import socket

import pytest
from textual.widgets import Checkbox, OptionList, Static

from segtui import config
from segtui.models import Contact, InteractionLogEntry, LoggedSegment, SegmentHeader, SegmentLine
from segtui.services import criteria, segments
from segtui.tui.screens.log_dialog import LogDialog

from tui_helpers import SIZES, SIZE_IDS, make_app, new_segment, open_worksheet, settle, wait_for


def email_segment():
    no = new_segment("Spring mail", template_code="LETTER", salesperson_code="AK")
    criteria.add_contacts(no, [("email", "<>''")])
    SegmentLine.update(correspondence_type="email").where(SegmentLine.segment_no == no).execute()
    return no, segments.count_lines(no)


async def open_log_dialog(pilot, no, deliver):
    await settle(pilot)
    await open_worksheet(pilot, no)
    await pilot.press("f9")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, LogDialog)
    if deliver:
        await pilot.press("space")  # Deliver has the focus
        assert dialog.query_one("#deliver", Checkbox).value
        await settle(pilot)
    return dialog


def status(dialog):
    return str(dialog.query_one("#status", Static).render())


def listed(dialog):
    listing = dialog.query_one("#refusals", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_deliver_without_smtp_server_lists_what_would_fail_and_does_not_log(demo_db, db_path, size):
    no, lines = email_segment()
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        dialog = await open_log_dialog(pilot, no, deliver=False)
        assert status(dialog).startswith("Ready to log")
        await pilot.press("space")
        await settle(pilot)
        shown = listed(dialog)
        # The segment-wide problem comes first, before any line's.
        assert f"{lines:,} e-mail lines to send, but no SMTP server is set" in shown[0], shown
        # One problem of the whole segment: nothing listed in part, no line to go to.
        assert status(dialog) == f"1 problem stands in the way on {lines:,} lines:", status(dialog)
        await pilot.press("f9")  # refused while a problem remains
        await settle(pilot)
        assert app.screen is dialog
    assert not LoggedSegment.select().where(LoggedSegment.segment_no == no).exists()
    assert SegmentHeader.get_or_none(SegmentHeader.no == no) is not None


async def test_deliver_with_a_server_that_answers_is_ready_and_says_what_it_will_do(demo_db, db_path):
    no, lines = email_segment()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    config.set_value("smtp.host", "127.0.0.1")
    config.set_value("smtp.port", port)
    config.set_value("smtp.sender", "office@example.com")
    try:
        app = make_app(db_path)
        async with app.run_test(size=(120, 40)) as pilot:
            dialog = await open_log_dialog(pilot, no, deliver=True)
            assert listed(dialog) == []
            assert status(dialog) == f"Ready to log and deliver: {lines:,} e-mails through 127.0.0.1:{port}."
    finally:
        server.close()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_the_dialog_says_before_the_log_which_lines_lose_their_correspondence_type(demo_db, db_path, size):
    no = new_segment("Mail, some without address", template_code="LETTER", salesperson_code="AK")
    criteria.add_contacts(no, [("email", "''")])
    criteria.add_contacts(no, [("email", "<>''")])
    without = SegmentLine.update(correspondence_type="email").where(
        (SegmentLine.segment_no == no) & SegmentLine.contact_no.in_(
            Contact.select(Contact.no).where(Contact.email == ""))).execute()
    assert 1 < without < segments.count_lines(no)
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        dialog = await open_log_dialog(pilot, no, deliver=False)
        await wait_for(pilot, lambda: status(dialog) != "Checking…")
        assert status(dialog) == (f"Ready to log. {without:,} e-mail lines whose contact has no e-mail address "
                                  "are logged without a correspondence type."), status(dialog)
        await pilot.press("f9")
        await wait_for(pilot, lambda: LoggedSegment.select().where(LoggedSegment.segment_no == no).exists())
    entry = LoggedSegment.get(LoggedSegment.segment_no == no).entry_no
    assert InteractionLogEntry.select().where((InteractionLogEntry.logged_segment_entry_no == entry)
                                              & (InteractionLogEntry.correspondence_type == "")).count() == without


async def test_one_blank_field_on_every_line_is_one_problem(demo_db, db_path):
    no = new_segment("No salesperson", template_code="LETTER")
    criteria.add_contacts(no, [("city", "@b*")])
    SegmentLine.update(salesperson_code="").where(SegmentLine.segment_no == no).execute()
    lines = segments.count_lines(no)
    assert lines > 10
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_log_dialog(pilot, no, deliver=False)
        text = status(dialog)
        assert text.startswith(f"1 problem stands in the way on {lines:,} lines (the first 10 listed)"), text
        assert f"({lines:,} lines in all)" in listed(dialog)[0]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_every_option_of_the_log_dialog_is_shown_whole(demo_db, db_path, size):
    no, _ = email_segment()
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        dialog = await open_log_dialog(pilot, no, deliver=False)
        for tick in dialog.query(Checkbox):
            label = str(tick.label)
            # the box and its padding take 4 cells; the label must fit in what is left
            assert len(label) + 4 <= tick.content_region.width, (label, tick.content_region.width)
        note = str(dialog.query_one(".tick-note", Static).render())
        assert "lines that share an e-mail address get one mail" in note
