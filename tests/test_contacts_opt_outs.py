"""Opt-outs per contact and channel: recorded with date and reason, honoured by every add (the
dry run says who was left out and why) and always at delivery (issue 12 point 6)."""
import datetime as dt
from pathlib import Path

import pytest

from segtui.errors import NotFound, SegtuiError
from segtui.models import Contact, ContactOptOut, InteractionLogEntry, SegmentLine
from segtui.services import contacts, criteria, delivery, opt_outs, segments, templates
from test_segments import build_small
from word_helpers import DATA, make_logged, make_world


@pytest.fixture
def small(db):
    build_small()
    return db


def test_opt_out_is_recorded_with_date_and_reason_and_taken_back(small):
    got = opt_outs.opt_out("p30", "e-mail", reason="unsubscribed", date="2026-02-01")
    assert got == [{"channel": "email", "date": "2026-02-01", "reason": "unsubscribed"}]
    again = opt_outs.opt_out("P30", "email", reason="asked by phone")  # changes it, not a second row
    assert again == [{"channel": "email", "date": dt.date.today().isoformat(), "reason": "asked by phone"}]
    opt_outs.opt_out("P30", "letter", reason="returned mail")
    assert [o["channel"] for o in contacts.contact_card("P30")["opt_outs"]] == ["email", "letter"]
    assert [c["no"] for c in contacts.list_contacts([("opt_out", "LETTER")])] == ["P30"]
    assert opt_outs.opt_in("P30", "letter") == again
    with pytest.raises(NotFound, match="has not opted out of letter"):
        opt_outs.opt_in("P30", "letter")


@pytest.mark.parametrize("args, error, message", [
    (("P30", "pigeon"), SegtuiError, "channel 'pigeon' is not one of: email, letter, phone"),
    (("NOBODY", "email"), NotFound, "does not exist"),
    (("P30", "email", "x" * 101), SegtuiError, "at most 100 characters"),
    (("P30", "email", "", "soon"), SegtuiError, "is not a date"),
], ids=["channel", "contact", "reason", "date"])
def test_opt_out_refusals_change_nothing(small, args, error, message):
    with pytest.raises(error, match=message):
        opt_outs.opt_out(*args)
    assert not ContactOptOut.select().exists()


def test_add_leaves_out_contacts_opted_out_of_the_lines_channel_even_when_ignoring_exclusion(small):
    # MAIL: every line by e-mail. P30 opted out of e-mail, P11 only of letters (still added).
    opt_outs.opt_out("P30", "email", reason="unsubscribed")
    opt_outs.opt_out("P11", "letter", reason="returned mail")
    no = segments.new_segment("Mail", template_code="MAIL")["no"]
    dry = criteria.add_contacts(no, [("type", "person")], ignore_exclusion=True, dry_run=True)
    assert dry["left_out"] == {"excluded": 0, "opted_out": 1, "on_segment": 0}
    criteria.add_contacts(no, [("type", "person")], ignore_exclusion=True)
    added = {line.contact_no for line in SegmentLine.select().where(SegmentLine.live(no))}
    assert "P30" not in added and {"P11", "P21"} <= added  # P21 is excluded, but exclusion was ignored


def test_the_channel_follows_the_contacts_own_correspondence_type(small):
    # LTR: hard copy unless the contact prefers otherwise; P12 prefers hard copy, C1 e-mail.
    opt_outs.opt_out("P12", "letter")
    opt_outs.opt_out("C1", "letter")
    no = segments.new_segment("Letters", template_code="LTR")["no"]
    dry = criteria.add_contacts(no, [("company_no", "C1")], dry_run=True)
    assert dry["left_out"]["opted_out"] == 1 and dry["would_add"] == 2
    criteria.add_contacts(no, [("company_no", "C1")])
    assert sorted(line["contact_no"] for line in segments.lines(no)) == ["C1", "P11"]


def test_dry_run_counts_each_reason(small):
    opt_outs.opt_out("P22", "email")
    no = segments.new_segment("Mail", template_code="MAIL")["no"]
    segments.add_contact(no, "P11")
    dry = criteria.add_contacts(no, [("company_no", "C2|C1")], dry_run=True)
    # P21 is excluded from segments, P22 opted out of e-mail, P11 is on the segment already.
    assert dry["left_out"] == {"excluded": 1, "opted_out": 1, "on_segment": 1}
    assert dry["would_add"] == Contact.select().where(Contact.company_no.in_(["C1", "C2"])).count() - 3


def test_delivery_never_sends_on_an_opted_out_channel(db, tmp_path):
    world = make_world()
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    opt_outs.opt_out("CT000003", "letter", reason="returned mail", date="2026-02-02")
    logged, entries = make_logged([(world[k], {"correspondence_type": "hard_copy"}) for k in ("jan", "eve")])
    result = delivery.deliver_logged(logged.entry_no, out_dir=tmp_path / "out",
                                     settings={"smtp": {}, "output_dir": ""})
    assert (result["delivered"], result["errors"]) == (1, 1)
    eve = InteractionLogEntry.get_by_id(entries[1].entry_no)
    assert eve.delivery_status == "error" and eve.attachment is None
    assert eve.delivery_error == ("contact CT000003 opted out of letter on 2026-02-02: returned mail; "
                                  "nothing was sent")
    assert InteractionLogEntry.get_by_id(entries[0].entry_no).delivery_status == ""
    printed = list(Path(tmp_path / "out").glob("*.docx"))
    assert len(printed) == 1


def test_cli_opt_out_through_the_real_entry_point(small, run_cli):
    code, got, err = run_cli("contacts", "opt-out", "P30", "email", "--reason", "unsubscribed",
                             "--date", "2026-03-01")
    assert code == 0 and got == [{"channel": "email", "date": "2026-03-01", "reason": "unsubscribed"}], err
    code, listed, err = run_cli("contacts", "list", "--filter", "opt_out=email")
    assert [c["no"] for c in listed] == ["P30"]
    no = segments.new_segment("Mail", template_code="MAIL")["no"]
    code, dry, err = run_cli("segment", "add", no, "--filter", "no=P30|P11", "--dry-run")
    assert code == 0 and dry["left_out"]["opted_out"] == 1, err
    code, text, err = run_cli("segment", "add", no, "--filter", "no=P30|P11", "--dry-run", json_out=False)
    assert "would add 1 contact; nothing changed\nleft out: 1 opted out of the channel" in text
    code, _out, err = run_cli("contacts", "opt-out", "P30", "fax")
    assert code == 1 and "channel 'fax'" in err
    code, got, err = run_cli("contacts", "opt-in", "P30", "email")
    assert code == 0 and got == []


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_criteria_dialog_preview_says_who_is_left_out(small, db_path, size):
    from textual.widgets import Static

    from segtui.tui.screens.criteria_dialog import CriteriaDialog, field_input_id
    from tui_helpers import make_app, open_worksheet, settle, wait_for

    opt_outs.opt_out("P30", "email", reason="unsubscribed")
    no = segments.new_segment("Mail", template_code="MAIL")["no"]
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CriteriaDialog)
        dialog.query_one("#" + field_input_id("type")).value = "person"
        await wait_for(pilot, lambda: dialog.previewed_filters == [("type", "person")])
        text = str(dialog.query_one("#preview", Static).render())
        assert "left out: 1 excluded from segments, 1 opted out of the channel" in text
        await pilot.press("enter")
        await settle(pilot)
        assert "P30" not in {line["contact_no"] for line in segments.lines(no)}


def test_the_demo_fills_the_opt_out_source_with_phone_only(db):
    from segtui.services import demo

    result = demo.fill_demo(contacts=300, seed=2)
    assert result["phone_opt_outs"] == ContactOptOut.select().count() > 5
    assert contacts.count_contacts([("opt_out", "PHONE")]) == result["phone_opt_outs"]
    assert contacts.count_contacts([("opt_out", "EMAIL|LETTER")]) == 0  # demo adds stay as they were
    assert {o.reason for o in ContactOptOut.select()} == {"asked by phone"}
