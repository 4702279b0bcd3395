"""Interaction log entries (spec/domain.md section 4): filter, toggle canceled (restoring needs the
logged segment restored), evaluate, resend, delete canceled, statistics per template and group."""
import datetime as dt

import pytest

from logging_data import contact_no, fake_delivery, segment, set_line, world
from segtui.errors import FilterError, NotFound, SegtuiError
from segtui.models import InteractionLogEntry
from segtui.services import interactions, logged
from segtui.services.segment_log import log_segment


@pytest.fixture
def entries(db):
    """Logged segment 1: entries 1-3 (LETTER, cost 1.5, 2 min); logged segment 2: entries 4-5 (PHONE, 10 min)."""
    world(contacts=5)
    no = segment(lines=3)
    set_line(no, 30000, correspondence_type="email")
    log_segment(no)
    log_segment(segment(lines=2, interaction_template_code="PHONE", interaction_group_code="PHONE",
                        description="Calls", cost=0, duration_min=10, correspondence_type=""))
    return db


def entry(no):
    return InteractionLogEntry.get_by_id(no)


def test_list_with_filters_and_contact_names(entries):
    rows = interactions.list_interactions([("template_code", "LETTER")])
    assert [r["entry_no"] for r in rows] == [1, 2, 3]
    assert rows[0]["contact_name"] == "Person 1" and rows[0]["contact_company_name"] == "Acme"
    assert {"entry_no", "contact_no", "date", "interaction_template_code", "logged_segment_entry_no", "segment_no",
            "canceled", "delivery_status"} <= set(rows[0])
    assert [r["entry_no"] for r in interactions.list_interactions([("contact_name", "Person 2")])] == [2, 5]
    assert [r["entry_no"] for r in interactions.list_interactions([("duration_min", ">5")])] == [4, 5]
    assert [r["entry_no"] for r in interactions.list_interactions(limit=2, after_entry_no=2)] == [3, 4]
    assert [r["entry_no"] for r in interactions.list_interactions(limit=2, offset=3)] == [4, 5]


def test_unknown_filter_field_is_refused(entries):
    with pytest.raises(FilterError, match="no_such_field"):
        interactions.list_interactions([("no_such_field", "x")])
    # A typo gets the nearest field, not a list of thirty that fills the screen.
    with pytest.raises(FilterError, match="unknown field 'evalution' for interaction log entries; "
                                          "did you mean 'evaluation'\\?$"):
        interactions.list_interactions([("evalution", "x")])


def test_toggle_canceled_entries(entries):
    assert interactions.toggle_canceled([1, 2]) == {"canceled": [1, 2], "restored": []}
    assert (entry(1).canceled, entry(3).canceled) == (True, False)
    assert interactions.toggle_canceled([2, 3]) == {"canceled": [3], "restored": [2]}
    assert (entry(2).canceled, entry(3).canceled) == (False, True)


def test_restoring_an_entry_of_a_canceled_logged_segment_is_refused_until_the_segment_is_restored(entries):
    logged.toggle_canceled([1])
    with pytest.raises(SegtuiError, match="interaction log entry 2 belongs to logged segment 1, which is canceled: "
                                          "restore logged segment 1 first"):
        interactions.toggle_canceled([2, 4])
    assert entry(2).canceled and not entry(4).canceled  # nothing changed
    logged.toggle_canceled([1])
    assert not entry(2).canceled
    assert interactions.toggle_canceled([2]) == {"canceled": [2], "restored": []}


def test_unknown_entry_is_not_found(entries):
    with pytest.raises(NotFound, match="interaction log entry 99"):
        interactions.toggle_canceled([1, 99])
    assert not entry(1).canceled


def test_evaluate(entries):
    assert interactions.evaluate([4, 5], "Very Positive") == {"updated": 2}
    assert (entry(4).evaluation, entry(5).evaluation, entry(1).evaluation) == ("very_positive", "very_positive", "")
    assert interactions.evaluate([4], "") == {"updated": 1}
    assert entry(4).evaluation == ""
    with pytest.raises(SegtuiError, match="evaluation 'great' is not one of"):
        interactions.evaluate([5], "great")
    assert entry(5).evaluation == "very_positive"


def test_resend_makes_new_entries_and_hands_them_to_delivery(entries, monkeypatch):
    module = fake_delivery(monkeypatch)
    result = interactions.resend([1, 3], user_id="anna")
    new = result["entries"]
    assert [e["entry_no"] for e in new] == [6, 7]
    assert [e["description"] for e in new] == ["Resend: Spring letter"] * 2
    assert [e["contact_no"] for e in new] == [contact_no(1), contact_no(3)]
    assert [e["correspondence_type"] for e in new] == ["hard_copy", "email"]
    assert all(e["date"] == dt.date.today().isoformat() and e["resent_from_entry_no"] in (1, 3)
               and e["delivery_status"] == "in_progress" and e["user_id"] == "anna" for e in new)
    # Delivery starts after the commit, with both new entries stored and in progress.
    assert module.calls == [("deliver_entries", [6, 7], False, [6, 7])]
    assert [(e.entry_no, e.resent_from_entry_no, e.delivery_status) for e in InteractionLogEntry.select()
            .where(InteractionLogEntry.entry_no >= 6).order_by(InteractionLogEntry.entry_no)] == [
        (6, 1, "in_progress"), (7, 3, "in_progress")]
    other = interactions.resend([1], correspondence_type="e-mail")["entries"]
    assert other[0]["correspondence_type"] == "email"


def test_resend_refusals(entries):
    # No stand-in for delivery: each refusal must come before anything is written or sent.
    with pytest.raises(SegtuiError, match="entry 4, contact CT000001: no correspondence type"):
        interactions.resend([4])
    InteractionLogEntry.update(contact_no=contact_no(5)).where(InteractionLogEntry.entry_no == 3).execute()
    with pytest.raises(SegtuiError, match="entry 3, contact CT000005: the contact has no e-mail address"):
        interactions.resend([3])
    interactions.toggle_canceled([2])
    with pytest.raises(SegtuiError, match="entry 2 is canceled"):
        interactions.resend([2])
    with pytest.raises(SegtuiError, match="correspondence type 'fax'"):
        interactions.resend([1], correspondence_type="fax")
    assert InteractionLogEntry.select().count() == 5


def test_delete_canceled_entries(entries):
    interactions.toggle_canceled([1, 4])
    assert interactions.delete_canceled() == {"deleted": 2}
    assert [e.entry_no for e in InteractionLogEntry.select().order_by(InteractionLogEntry.entry_no)] == [2, 3, 5]


def test_statistics_per_template_and_group_leave_out_canceled_entries(entries):
    by_template = {r["code"]: r for r in interactions.statistics("template")}
    assert by_template["LETTER"] == {"code": "LETTER", "description": "Letter", "count": 3, "cost": 4.5,
                                     "duration": 6.0}
    assert by_template["PHONE"]["count"] == 2 and by_template["PHONE"]["duration"] == 20.0
    interactions.toggle_canceled([1])
    logged.toggle_canceled([2])
    by_template = {r["code"]: r for r in interactions.statistics("template")}
    assert (by_template["LETTER"]["count"], by_template["LETTER"]["cost"]) == (2, 3.0)
    assert by_template["PHONE"] == {"code": "PHONE", "description": "Phone call", "count": 0, "cost": 0.0,
                                    "duration": 0.0}
    by_group = {r["code"]: r for r in interactions.statistics("group")}
    assert by_group["LETTER"]["description"] == "Letters" and by_group["LETTER"]["count"] == 2
    with pytest.raises(SegtuiError):
        interactions.statistics("salesperson")


def test_template_list_and_show_with_statistics(entries):
    interactions.toggle_canceled([3])
    rows = {r["code"]: r for r in interactions.template_list()}
    assert (rows["LETTER"]["count"], rows["LETTER"]["cost"], rows["LETTER"]["duration"]) == (2, 3.0, 4.0)
    assert rows["LETTER"]["interaction_group_code"] == "LETTER"
    shown = interactions.template_show("letter")
    assert (shown["code"], shown["count"], shown["interaction_group_description"]) == ("LETTER", 2, "Letters")
    assert shown["attachments"] == []
    with pytest.raises(NotFound, match="interaction template 'NOPE'"):
        interactions.template_show("NOPE")


def test_cli_interactions_and_templates(entries, cli_main):
    code, rows, err = cli_main("interactions", "list", "--filter", "interaction_template_code=PHONE", "--limit", "1")
    assert code == 0 and [r["entry_no"] for r in rows] == [4]
    code, data, err = cli_main("interactions", "evaluate", "1", "2", "--evaluation", "positive")
    assert code == 0 and data == {"updated": 2}
    code, data, err = cli_main("interactions", "toggle-canceled", "1")
    assert code == 0 and data == {"canceled": [1], "restored": []}
    code, rows, err = cli_main("interactions", "statistics", "--by", "group")
    assert code == 0 and {r["code"]: r["count"] for r in rows}["LETTER"] == 2
    code, rows, err = cli_main("template", "list")
    assert code == 0 and {r["code"]: r["count"] for r in rows} == {"LETTER": 2, "PHONE": 2}
    code, data, err = cli_main("template", "show", "phone")
    assert code == 0 and data["duration"] == 20.0
    code, data, err = cli_main("interactions", "delete-canceled")
    assert code == 0 and data == {"deleted": 1}


def test_cli_refusals_exit_1(entries, run_cli):
    logged.toggle_canceled([1])
    code, data, err = run_cli("interactions", "toggle-canceled", "2")
    assert code == 1 and err.startswith("error:") and "restore logged segment 1 first" in err
    code, data, err = run_cli("interactions", "list", "--filter", "nope=1")
    assert code == 1 and err.startswith("error:")


def test_create_interaction_offers_every_template_by_code(entries):
    from segtui.models import InteractionTemplate
    from segtui.services import interaction_entry

    InteractionTemplate.create(code="AAA", interaction_group_code="LETTER", description="First by code")
    choices = interaction_entry.template_choices()
    assert choices[0] == ("AAA", "First by code")
    assert [c for c, _ in choices] == sorted(t.code for t in InteractionTemplate.select())
    assert ("PHONE", InteractionTemplate.get_by_id("PHONE").description) in choices
