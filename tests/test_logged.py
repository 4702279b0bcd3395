"""Logged segments (spec/domain.md section 4): list, show, toggle canceled (carried to entries and
campaign entries), follow-up, delete canceled; and their command line."""
import pytest

from logging_data import contact_no, segment, world
from segtui.errors import NotFound, SegtuiError
from segtui.models import CampaignEntry, InteractionLogEntry, LoggedSegment
from segtui.services import logged
from segtui.services.segment_log import log_segment


@pytest.fixture
def two_logged(db):
    """Logged segment 1: 3 lines, campaign CP1001; logged segment 2: 2 lines, no campaign."""
    world(contacts=5)
    first = log_segment(segment(lines=3, campaign_no="CP1001"), user_id="anna")["logged_segment_entry_no"]
    second = log_segment(segment(lines=2, description="Calls"))["logged_segment_entry_no"]
    return first, second


def state(entry_no):
    ls = LoggedSegment.get_by_id(entry_no)
    entries = {e.canceled for e in InteractionLogEntry.select().where(
        InteractionLogEntry.logged_segment_entry_no == entry_no)}
    campaigns = {c.canceled for c in CampaignEntry.select().where(CampaignEntry.logged_segment_entry_no == entry_no)}
    return ls.canceled, entries, campaigns


def test_list_logged_counts_interactions_and_campaign_entries(two_logged):
    rows = logged.list_logged()
    assert [(r["entry_no"], r["segment_no"], r["description"], r["no_of_interactions"],
             r["no_of_campaign_entries"], r["canceled"]) for r in rows] == [
        (1, "SM00001", "Spring letter", 3, 1, False), (2, "SM00002", "Calls", 2, 0, False)]
    assert rows[0]["user_id"] == "anna" and rows[0]["creation_date"]


def test_show_logged_has_entries_with_contact_names_and_campaign_entries(two_logged):
    data = logged.show_logged(1)
    assert data["no_of_interactions"] == 3
    assert [e["contact_no"] for e in data["entries"]] == [contact_no(1), contact_no(2), contact_no(3)]
    assert data["entries"][0]["contact_name"] == "Person 1"
    assert [c["campaign_no"] for c in data["campaign_entries"]] == ["CP1001"]
    page = logged.show_logged(1, limit=2, offset=2)
    assert [e["contact_no"] for e in page["entries"]] == [contact_no(3)]


def test_show_unknown_logged_segment_is_not_found(two_logged):
    with pytest.raises(NotFound, match="logged segment 99"):
        logged.show_logged(99)
    with pytest.raises(SegtuiError, match="not a number"):
        logged.show_logged("abc")


def test_toggle_canceled_carries_to_entries_and_campaign_entries_and_back(two_logged):
    assert logged.toggle_canceled([1]) == {"canceled": [1], "restored": []}
    assert state(1) == (True, {True}, {True})
    assert state(2) == (False, {False}, set())
    assert logged.toggle_canceled(["1", "2"]) == {"canceled": [2], "restored": [1]}
    assert state(1) == (False, {False}, {False})
    assert state(2) == (True, {True}, set())


def test_toggle_with_an_unknown_entry_changes_nothing(two_logged):
    with pytest.raises(NotFound, match="logged segment 42 does not exist"):
        logged.toggle_canceled([1, 42])
    assert state(1) == (False, {False}, {False})


def test_follow_up_makes_a_segment_with_the_logged_contacts_and_campaign(two_logged):
    header = logged.follow_up(1)
    assert header["description"] == "Follow-up on segment SM00001"
    assert header["campaign_no"] == "CP1001"
    assert header["no_of_lines"] == 3
    with pytest.raises(NotFound):
        logged.follow_up(77)


def test_delete_canceled_removes_canceled_logged_segments_with_their_entries(two_logged):
    assert logged.delete_canceled() == {"deleted": 0}
    logged.toggle_canceled([1])
    assert logged.delete_canceled() == {"deleted": 1}
    assert [r.entry_no for r in LoggedSegment.select()] == [2]
    assert InteractionLogEntry.select().count() == 2
    assert CampaignEntry.select().count() == 0


def test_cli_logged_commands(two_logged, cli_main):
    code, rows, err = cli_main("logged", "list")
    assert code == 0 and [r["no_of_interactions"] for r in rows] == [3, 2]
    code, data, err = cli_main("logged", "show", "1", "--limit", "1")
    assert code == 0 and data["entry_no"] == 1 and len(data["entries"]) == 1
    code, data, err = cli_main("logged", "toggle-canceled", "1", "2")
    assert code == 0 and data == {"canceled": [1, 2], "restored": []}
    code, data, err = cli_main("logged", "follow-up", "2")
    assert code == 0 and data["description"] == "Follow-up on segment SM00002"
    code, data, err = cli_main("logged", "delete-canceled")
    assert code == 0 and data == {"deleted": 2}
    code, text, err = cli_main("logged", "toggle-canceled", "9", json_out=False)
    assert code == 1 and err.startswith("error:") and "logged segment 9" in err


def test_cli_logged_show_unknown_exits_1(two_logged, run_cli):
    code, data, err = run_cli("logged", "show", "55")
    assert code == 1 and err.startswith("error:") and "55" in err
