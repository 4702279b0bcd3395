"""Create Interaction (one interaction with one contact), interactions show, and comment lines
on entries (issue 12 points 3 and 4)."""
import datetime as dt
from pathlib import Path

import pytest

from segtui.errors import NotFound, SegtuiError
from segtui.models import (
    CampaignEntry,
    InteractionComment,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    SegmentHeader,
    SegmentLine,
)
from segtui.services import contacts, interaction_entry, interactions, templates
from word_helpers import DATA, body_text, make_world


@pytest.fixture
def world(db):
    people = make_world()
    from segtui.models import Contact

    # Logging wants a salesperson on every line: it comes from the contact's card.
    Contact.update(salesperson_code="AK").execute()
    InteractionTemplate.create(code="CALL", interaction_group_code="LETTER", description="Phone call",
                               unit_cost=1.25, unit_duration_min=10, information_flow="outbound",
                               initiated_by="us", correspondence_type_default="", campaign_no="CP1001",
                               campaign_target=True)
    return people


def test_new_interaction_takes_the_template_defaults_and_the_contact(world):
    entry = interaction_entry.new_interaction("ct000003", "call")
    assert entry["entry_no"] and entry["contact_no"] == "CT000003"
    assert entry["description"] == "Phone call" and entry["interaction_group_code"] == "LETTER"
    assert (entry["cost"], entry["duration_min"]) == (1.25, 10.0)
    assert (entry["information_flow"], entry["initiated_by"]) == ("outbound", "us")
    assert (entry["campaign_no"], entry["campaign_target"]) == ("CP1001", True)
    assert entry["date"] == dt.date.today().isoformat() and entry["time_of_interaction"]
    assert entry["comments"] == []
    # Logged as a one-line segment: a campaign entry, and the vehicle segment is gone.
    assert CampaignEntry.select().where(CampaignEntry.logged_segment_entry_no
                                        == entry["logged_segment_entry_no"]).count() == 1
    assert not SegmentHeader.select().exists() and not SegmentLine.select().exists()


def test_new_interaction_takes_every_field_the_user_gives(world):
    entry = interaction_entry.new_interaction("CT000003", "CALL", {
        "description": "Asked about prices", "date": "2026-03-02", "time": "14:30", "salesperson": "ak",
        "correspondence_type": "", "cost": "3.50", "duration": "25", "evaluation": "positive",
        "attempt_failed": "yes", "campaign": "CP1001", "campaign_target": "no", "campaign_response": "yes",
        "subject": "Prices", "initiated_by": "them", "information_flow": "inbound"})
    stored = InteractionLogEntry.get_by_id(entry["entry_no"])
    assert stored.description == "Asked about prices" and stored.date == dt.date(2026, 3, 2)
    assert stored.time_of_interaction == dt.time(14, 30) and stored.salesperson_code == "AK"
    assert (float(stored.cost), float(stored.duration_min)) == (3.5, 25.0)
    assert stored.evaluation == "positive" and stored.attempt_failed
    assert (stored.campaign_target, stored.campaign_response) == (False, True)
    assert (stored.subject, stored.initiated_by, stored.information_flow) == ("Prices", "them", "inbound")


def test_the_entry_shows_on_the_contact_and_counts_in_the_statistics(world):
    before = {r["code"]: r["count"] for r in interactions.statistics("template")} if interactions.statistics() \
        else {}
    entry = interaction_entry.new_interaction("CT000002", "CALL", {"cost": "2"})
    card = contacts.contact_card("CT000002")
    assert [e["entry_no"] for e in card["interactions"]] == [entry["entry_no"]]
    stats = {r["code"]: r for r in interactions.statistics("template")}
    assert stats["CALL"]["count"] == before.get("CALL", 0) + 1 and stats["CALL"]["cost"] == 2.0


@pytest.mark.parametrize("contact, template, fields, message", [
    ("CT000003", "NOPE", {}, "interaction template NOPE does not exist"),
    ("NOBODY", "CALL", {}, "contact 'NOBODY' does not exist"),
    ("CT000003", "CALL", {"cost": "-1"}, "cost: '-1' must be zero or more"),
    ("CT000003", "CALL", {"evaluation": "great"}, "evaluation"),
    ("CT000003", "CALL", {"salesperson": "ZZ"}, "ZZ"),
    ("CT000003", "CALL", {"colour": "red"}, "unknown line field 'colour'"),
    ("CT000003", "CALL", {"date": "yesterday"}, "date"),
], ids=["template", "contact", "cost", "evaluation", "salesperson", "field", "date"])
def test_a_refused_interaction_leaves_nothing_behind(world, contact, template, fields, message):
    with pytest.raises(SegtuiError, match=message) as refused:
        interaction_entry.new_interaction(contact, template, fields)
    assert "segment" not in str(refused.value)  # the user recorded an interaction, not a segment
    for model in (InteractionLogEntry, LoggedSegment, SegmentHeader, SegmentLine):
        assert not model.select().exists(), model


def test_a_log_refusal_is_worded_for_the_interaction_and_removes_the_segment(world):
    from segtui.models import Contact

    Contact.update(salesperson_code="").where(Contact.no == "CT000003").execute()
    with pytest.raises(SegtuiError, match="the interaction cannot be recorded") as refused:
        interaction_entry.new_interaction("CT000003", "CALL")
    assert "contact CT000003: no salesperson" in str(refused.value)
    assert "segment" not in str(refused.value)
    assert not SegmentHeader.select().exists() and not InteractionLogEntry.select().exists()


def test_with_a_word_template_the_letter_is_merged_and_delivered_when_asked(world, tmp_path):
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    entry = interaction_entry.new_interaction("CT000003", "LETTER", {"correspondence_type": "hard_copy"},
                                              deliver=True, out_dir=tmp_path / "out")
    assert (entry["delivered"], entry["errors"]) == (1, 0)
    stored = InteractionLogEntry.get_by_id(entry["entry_no"])
    assert stored.delivery_status == "" and "Dear Eve," in body_text(bytes(stored.attachment))
    printed = list(Path(tmp_path / "out").glob("*.docx"))
    assert len(printed) == 1 and "Dear Eve," in body_text(printed[0].read_bytes())


def test_without_delivery_nothing_is_merged(world, tmp_path):
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    entry = interaction_entry.new_interaction("CT000003", "LETTER", {"correspondence_type": "hard_copy"})
    assert "delivered" not in entry and entry["delivery_status"] == ""
    assert InteractionLogEntry.get_by_id(entry["entry_no"]).attachment is None


# --- comments and show --------------------------------------------------------------------------

def test_comments_are_dated_by_user_and_in_order(world):
    entry = interaction_entry.new_interaction("CT000003", "CALL")
    first = interaction_entry.add_comment(entry["entry_no"], "Wants a quote", user_id="ANNA",
                                          date=dt.date(2026, 3, 3))
    assert first == [{"line_no": 10000, "date": "2026-03-03", "user_id": "ANNA", "comment": "Wants a quote"}]
    both = interaction_entry.add_comment(entry["entry_no"], "  Quote sent  ", user_id="BEN")
    assert [(c["line_no"], c["comment"], c["user_id"]) for c in both] == [
        (10000, "Wants a quote", "ANNA"), (20000, "Quote sent", "BEN")]
    assert both[1]["date"] == dt.date.today().isoformat()
    shown = interaction_entry.show_entry(entry["entry_no"])
    assert shown["comments"] == both
    assert interaction_entry.delete_comment(entry["entry_no"], 10000) == both[1:]


@pytest.mark.parametrize("entry_no, text, error, message", [
    ("999", "x", NotFound, "entry 999 does not exist"),
    ("abc", "x", SegtuiError, "'abc' is not a number"),
    ("1", "   ", SegtuiError, "needs some text"),
    ("1", "x" * 300, SegtuiError, "at most 250 characters"),
], ids=["unknown", "not-a-number", "blank", "too-long"])
def test_comment_refusals_change_nothing(world, entry_no, text, error, message):
    interaction_entry.new_interaction("CT000003", "CALL")
    with pytest.raises(error, match=message):
        interaction_entry.add_comment(entry_no, text)
    assert not InteractionComment.select().exists()


def test_show_has_every_field_and_the_delivery_error(world):
    entry = interaction_entry.new_interaction("CT000003", "CALL")
    InteractionLogEntry.update(delivery_status="error", delivery_error="550 mailbox unknown").where(
        InteractionLogEntry.entry_no == entry["entry_no"]).execute()
    shown = interaction_entry.show_entry(entry["entry_no"])
    every = set(InteractionLogEntry._meta.fields) - {"attachment"}
    assert every <= set(shown)
    assert (shown["delivery_status"], shown["delivery_error"]) == ("error", "550 mailbox unknown")
    with pytest.raises(NotFound):
        interaction_entry.show_entry(12345)


# --- the command line, through its real entry point ----------------------------------------------

def test_cli_new_show_comment(world, run_cli):
    code, entry, err = run_cli("interactions", "new", "CT000003", "--template", "call",
                               "description=Called back", "evaluation=neutral", "duration=5")
    assert code == 0, err
    assert entry["description"] == "Called back" and entry["duration_min"] == 5.0
    code, comments, err = run_cli("interactions", "comment", entry["entry_no"], "Call again in May")
    assert code == 0 and [c["comment"] for c in comments] == ["Call again in May"]
    code, shown, err = run_cli("interactions", "show", entry["entry_no"])
    assert shown["evaluation"] == "neutral" and shown["comments"][0]["comment"] == "Call again in May"
    code, text, err = run_cli("interactions", "show", entry["entry_no"], json_out=False)
    assert code == 0 and "Call again in May" in text and "delivery_status" in text
    code, _out, err = run_cli("interactions", "new", "CT000003", "--template", "CALL", "cost=x")
    assert code == 1 and "cost: 'x' is not a number" in err
    code, _out, err = run_cli("interactions", "new", "CT000003", "cost=1")
    assert code == 2 and "--template" in err
    code, _out, err = run_cli("interactions", "comment", "999", "x")
    assert code == 1 and "does not exist" in err


def test_cli_new_takes_fields_before_and_after_the_template_and_options_anywhere(world, run_cli):
    """FIELD=VALUE after --template is read by the option's own public argparse Action (no
    private parser class): fields before and after it, options after the fields."""
    code, entry, err = run_cli("interactions", "new", "CT000003", "duration=7", "--template", "CALL",
                               "description=Both sides", "evaluation=positive", "--out", "letters")
    assert code == 0, err
    assert (entry["description"], entry["duration_min"], entry["evaluation"]) == ("Both sides", 7.0, "positive")
    code, entry, err = run_cli("--json", "interactions", "new", "CT000002", "--template", "CALL")
    assert code == 0 and entry["contact_no"] == "CT000002", err
    code, _out, err = run_cli("interactions", "new", "CT000003", "--template", "CALL", "stray")
    assert code == 2 and "'stray' after the template must be FIELD=VALUE" in err
    code, _out, err = run_cli("interactions", "new", "--template", "CALL", "description=x")
    assert code == 2 and "CONTACT_NO" in err
    code, _out, err = run_cli("interactions", "new", "CT000003", "--template", "CALL", "=x")
    assert code == 1 and "must be FIELD=VALUE" in err
    import segtui.cli.interaction_entry as module

    assert "_parser_class" not in Path(module.__file__).read_text(encoding="utf-8")


def test_deleting_canceled_entries_deletes_their_comments(world):
    from segtui.services import logged

    one = interaction_entry.new_interaction("CT000003", "CALL")
    two = interaction_entry.new_interaction("CT000002", "CALL")
    for entry in (one, two):
        interaction_entry.add_comment(entry["entry_no"], "note")
    interactions.toggle_canceled([one["entry_no"]])
    assert interactions.delete_canceled() == {"deleted": 1}
    assert [c.entry_no for c in InteractionComment.select()] == [two["entry_no"]]
    logged.toggle_canceled([two["logged_segment_entry_no"]])
    logged.delete_canceled()
    assert not InteractionComment.select().exists()
