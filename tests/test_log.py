"""Logging a segment (spec/domain.md section 3): every refusal, the one transaction, follow-up,
delivery hand-off, and that logging is set-based (same statement count for 10 and 10,000 lines)."""
import pytest

from logging_data import StatementCounter, contact_no, fake_delivery, segment, set_line, world
from segtui import db as dbmod
from segtui.errors import Conflict, NotFound, SegtuiError
from segtui.models import (
    CampaignEntry,
    InteractionLogEntry,
    LineFields,
    LoggedSegment,
    SegmentCriteriaLine,
    SegmentHeader,
    SegmentHistory,
    SegmentLine,
    to_dict,
)
from segtui.services import logged, segment_log
from segtui.services.segment_log import LogRefused, log_refusals, log_segment


@pytest.fixture
def setup(db):
    world(contacts=5)
    return db


def nothing_logged(no):
    assert LoggedSegment.select().count() == 0
    assert InteractionLogEntry.select().count() == 0
    assert CampaignEntry.select().count() == 0
    assert SegmentHeader.get_or_none(SegmentHeader.no == no) is not None


# --- what logging writes -----------------------------------------------------------------------

def test_log_writes_logged_segment_entries_campaign_entries_and_deletes_the_segment(setup):
    no = segment(lines=3)
    set_line(no, 10000, campaign_no="CP1001")
    set_line(no, 20000, campaign_no="CP1001", cost=4)
    result = log_segment(no, user_id="anna")
    assert result["interactions"] == 3
    assert result["follow_up_segment_no"] is None
    assert result["campaign_entries"] == 1
    ls = LoggedSegment.get()
    assert result["logged_segment_entry_no"] == ls.entry_no
    assert (ls.segment_no, ls.description, ls.user_id, ls.canceled) == (no, "Spring letter", "anna", False)
    entries = list(InteractionLogEntry.select().order_by(InteractionLogEntry.entry_no))
    assert [e.contact_no for e in entries] == [contact_no(1), contact_no(2), contact_no(3)]
    assert all(e.logged_segment_entry_no == ls.entry_no and e.segment_no == no and e.user_id == "anna"
               for e in entries)
    ce = CampaignEntry.get()
    assert (ce.campaign_no, ce.logged_segment_entry_no, ce.segment_no) == ("CP1001", ls.entry_no, no)
    assert float(ce.cost) == 5.5 and float(ce.duration_min) == 4
    for model in (SegmentHeader, SegmentLine, SegmentCriteriaLine, SegmentHistory):
        field = model.no if model is SegmentHeader else model.segment_no
        assert not model.select().where(field == no).exists(), model


def test_one_campaign_entry_per_campaign(setup):
    no = segment(lines=4, campaign_no="CP1001")
    set_line(no, 40000, campaign_no="CP1002")
    log_segment(no)
    assert sorted(c.campaign_no for c in CampaignEntry.select()) == ["CP1001", "CP1002"]


def test_entries_copy_every_line_field(setup):
    no = segment(lines=2)
    set_line(no, 20000, contact_company_no="CT000009", language_code="DEU", subject="Hi there",
             description="Own text", evaluation="positive", attempt_failed=True, information_flow="outbound",
             initiated_by="us", personal_note="See you at the fair", attachment=b"PDF", attachment_name="x.pdf",
             campaign_no="CP1002", campaign_target=True, campaign_response=True, correspondence_type="email",
             cost=7.25, duration_min=3)
    line = to_dict(SegmentLine.get(SegmentLine.line_no == 20000), exclude=())
    log_segment(no)
    entry = to_dict(InteractionLogEntry.get(InteractionLogEntry.contact_no == contact_no(2)), exclude=())
    for name in LineFields._meta.sorted_field_names:
        if name in ("id", "time_of_interaction"):
            continue
        assert entry[name] == line[name], name
    assert InteractionLogEntry.get(InteractionLogEntry.contact_no == contact_no(2)).attachment == b"PDF"
    assert entry["time_of_interaction"]  # a line without a time gets the time of logging


def test_email_line_without_address_is_logged_without_correspondence_type(setup):
    no = segment(lines=5, correspondence_type="email")  # contact 5 has no e-mail address
    result = log_segment(no)
    assert result["without_correspondence_type"] == 1
    types = dict(InteractionLogEntry.select(InteractionLogEntry.contact_no,
                                            InteractionLogEntry.correspondence_type).tuples())
    assert types[contact_no(5)] == "" and types[contact_no(1)] == "email"


def test_line_without_group_takes_the_templates_group_and_without_description_the_headers(setup):
    no = segment(lines=1, interaction_template_code="PHONE", interaction_group_code="", description="")
    SegmentHeader.update(description="Calls").where(SegmentHeader.no == no).execute()
    log_segment(no)
    entry = InteractionLogEntry.get()
    assert (entry.interaction_group_code, entry.description) == ("PHONE", "Calls")


# --- refusals ----------------------------------------------------------------------------------

LINE_REFUSALS = [
    ("no_date", dict(date=None), "no date"),
    ("no_contact", dict(contact_no=""), "no contact"),
    ("unknown_contact", dict(contact_no="CT999999"), "contact CT999999 does not exist"),
    ("no_salesperson", dict(salesperson_code=""), "no salesperson"),
    ("unknown_salesperson", dict(salesperson_code="ZZ"), "salesperson ZZ does not exist"),
    ("no_template", dict(interaction_template_code=""), "no interaction template"),
    ("unknown_template", dict(interaction_template_code="NOPE"), "interaction template NOPE does not exist"),
    ("unknown_campaign", dict(campaign_no="CP9999"), "campaign CP9999 does not exist"),
]


@pytest.mark.parametrize("rule,change,text", LINE_REFUSALS, ids=[r[0] for r in LINE_REFUSALS])
def test_each_line_refusal_names_segment_line_and_contact_and_writes_nothing(setup, rule, change, text):
    no = segment(lines=3)
    set_line(no, 20000, **change)
    refusals = log_refusals(no)
    assert [r["line_no"] for r in refusals] == [20000]
    r = refusals[0]
    contact = change.get("contact_no", contact_no(2))
    assert (r["segment_no"], r["rule"], r["contact_no"]) == (no, rule, contact or None)
    assert f"segment {no}, line 20000" in r["message"] and text in r["message"]
    if contact:
        assert f"contact {contact}" in r["message"]
    else:
        assert "(no contact)" in r["message"]
    with pytest.raises(LogRefused) as info:
        log_segment(no)
    assert isinstance(info.value, SegtuiError) and info.value.exit_code == 1
    assert f"segment {no}, line 20000" in str(info.value) and text in str(info.value)
    nothing_logged(no)
    assert SegmentLine.select().where(SegmentLine.live(no)).count() == 3


def test_unknown_codes_are_found_the_same_when_a_setup_table_is_too_large_for_a_list(setup, monkeypatch):
    """Setup tables above KNOWN_CODES_MAX rows are checked by a probe per line instead of a list."""
    no = segment(lines=3)
    set_line(no, 20000, salesperson_code="ZZ", campaign_no="CP9999")
    listed = {r["rule"] for r in log_refusals(no)}
    monkeypatch.setattr(segment_log, "KNOWN_CODES_MAX", 0)
    probed = {r["rule"] for r in log_refusals(no)}
    assert listed == probed == {"unknown_salesperson", "unknown_campaign"}


def test_empty_description_is_refused(setup):
    no = segment(lines=2, description="  ")
    refusals = log_refusals(no)
    assert [(r["line_no"], r["message"]) for r in refusals] == [(None, f"segment {no}: the description is empty")]
    with pytest.raises(LogRefused, match="description is empty"):
        log_segment(no)
    nothing_logged(no)


def test_segment_without_lines_that_have_a_contact_is_refused(setup):
    no = segment(lines=0)
    with pytest.raises(LogRefused, match=f"segment {no}: no lines with a contact"):
        log_segment(no)
    nothing_logged(no)


def test_refusals_list_a_few_and_count_all(setup):
    no = segment(lines=5, date=None)
    with pytest.raises(LogRefused) as info:
        segment_log.log_segment(no)
    assert info.value.total == 5
    refusals = log_refusals(no, limit=2)
    assert len(refusals) == 2 and all(r["rule_total"] == 5 for r in refusals)
    import logging_data

    logging_data.add_contacts(20, start=6)
    no2 = segment(lines=25, date=None)
    with pytest.raises(LogRefused) as info:
        log_segment(no2)
    assert info.value.total == 25 and len(info.value.refusals) == segment_log.REFUSALS_PER_RULE
    assert str(info.value).startswith(f"segment {no2} cannot be logged: 1 problem on 25 lines\n  - ")
    assert "... and 15 more" in str(info.value)


def test_a_problem_of_the_whole_segment_is_one_problem_and_lines_are_listed_in_part(setup):
    smtp = dict(segment_log.segment_refusal("SM00001", "48 e-mail lines to send, but no SMTP server is set",
                                            "smtp_not_set"), rule_total=48)
    assert str(LogRefused("SM00001", [smtp], 48)) == (
        "segment SM00001 cannot be logged: 1 problem on 48 lines\n"
        "  - segment SM00001: 48 e-mail lines to send, but no SMTP server is set")  # not "and 47 more"
    import logging_data

    logging_data.add_contacts(20, start=6)
    no = segment(lines=25, date=None)
    SegmentHeader.update(description="").where(SegmentHeader.no == no).execute()
    with pytest.raises(LogRefused) as info:
        log_segment(no)
    text = str(info.value)
    assert text.startswith(f"segment {no} cannot be logged: 2 problems\n  - segment {no}: the description is empty")
    assert "\n  ... and 16 more\n  by rule: no description 1, no date 25" in text  # 9 of 25 lines shown


def test_several_rules_on_one_line_are_all_reported(setup):
    no = segment(lines=2)
    set_line(no, 10000, date=None, salesperson_code="")
    rules = {r["rule"] for r in log_refusals(no)}
    assert rules == {"no_date", "no_salesperson"}


def test_already_logged_is_a_conflict(setup):
    no = segment(lines=2)
    entry = log_segment(no)["logged_segment_entry_no"]
    with pytest.raises(Conflict, match=f"segment {no} was already logged as logged segment {entry}") as info:
        log_segment(no)
    assert info.value.exit_code == 3
    assert InteractionLogEntry.select().count() == 2


def test_unknown_segment_is_not_found(setup):
    with pytest.raises(NotFound, match="SM77777"):
        log_segment("sm77777")


# --- delivery hand-off --------------------------------------------------------------------------

def test_deliver_refuses_email_line_whose_contact_has_no_address(setup, monkeypatch):
    fake_delivery(monkeypatch)
    no = segment(lines=5, correspondence_type="email")
    refusals = log_refusals(no, deliver=True)
    assert [(r["rule"], r["line_no"], r["contact_no"]) for r in refusals] == [
        ("email_without_address", 50000, contact_no(5))]
    assert f"segment {no}, line 50000, contact {contact_no(5)}" in refusals[0]["message"]
    assert "no e-mail address" in refusals[0]["message"]
    with pytest.raises(LogRefused, match="no e-mail address"):
        log_segment(no, deliver=True)
    nothing_logged(no)


def test_deliver_includes_the_word_modules_refusals(setup, monkeypatch):
    no = segment(lines=2)
    refusal = {"segment_no": no, "line_no": 10000, "contact_no": contact_no(1),
               "message": f"segment {no}, line 10000, contact {contact_no(1)}: template LETTER has no attachment"}
    fake_delivery(monkeypatch, refusals=[refusal])
    assert refusal in log_refusals(no, deliver=True)
    with pytest.raises(LogRefused, match="has no attachment"):
        log_segment(no, deliver=True)
    nothing_logged(no)


def test_deliver_marks_entries_in_progress_and_delivers_after_the_commit(setup, monkeypatch):
    module = fake_delivery(monkeypatch)
    no = segment(lines=3)
    set_line(no, 30000, correspondence_type="")
    result = log_segment(no, deliver=True, out_dir="/tmp/x")
    calls = [c for c in module.calls if c[0] == "deliver_logged"]
    # Called once, outside the transaction, with the two typed entries in progress.
    assert calls == [("deliver_logged", result["logged_segment_entry_no"], False, 2)]
    # The log reports what delivery did to the stored entries: the two typed ones, none left pending.
    e = InteractionLogEntry
    mine = e.logged_segment_entry_no == result["logged_segment_entry_no"]
    assert e.select().where(mine).count() == 3
    assert e.select().where(mine & (e.delivery_status == "in_progress")).count() == 0
    typed = e.select().where(mine & (e.correspondence_type != "")).count()
    assert (result["delivered"], result["errors"]) == (typed, 0) == (2, 0)


def test_without_deliver_no_entry_is_in_progress(setup):
    no = segment(lines=2)
    log_segment(no)
    assert {e.delivery_status for e in InteractionLogEntry.select()} == {""}


# --- follow-up ------------------------------------------------------------------------------------

def test_follow_up_segment_has_the_logged_contacts_and_campaign(setup):
    from segtui.services import segments

    no = segment(lines=3, campaign_no="CP1001")
    result = log_segment(no, follow_up=True)
    follow = segments.get_segment(result["follow_up_segment_no"])
    assert follow["description"] == f"Follow-up on segment {no}"
    assert follow["campaign_no"] == "CP1001"
    contacts = {line["contact_no"] for line in segments.lines(follow["no"], limit=10)}
    assert contacts == {contact_no(1), contact_no(2), contact_no(3)}


def test_follow_up_number_is_taken_before_the_log_and_given_back_when_refused(setup, monkeypatch):
    """The follow-up's number is taken in its own short transaction (PostgreSQL then holds no
    number series row through the log), and a refused log leaves no gap in the numbers."""
    from segtui.db import next_no
    from segtui.models import NumberSeries
    from segtui.services import segments

    taken = []
    real = segments.take_segment_no

    def spy():
        taken.append(real())
        return taken[-1]

    monkeypatch.setattr(segments, "take_segment_no", spy)
    bad = segment(lines=2, description="")
    last = NumberSeries.get_by_id("SEGMENT").last_no
    with pytest.raises(segment_log.LogRefused):
        log_segment(bad, follow_up=True)
    assert NumberSeries.get_by_id("SEGMENT").last_no == last  # given back
    good = segment(lines=2)
    result = log_segment(good, follow_up=True)
    assert result["follow_up_segment_no"] == taken[-1]
    assert SegmentHeader.get_by_id(taken[-1]).description == f"Follow-up on segment {good}"
    with dbmod.transaction():
        assert next_no("SEGMENT") > taken[-1]


# --- all or nothing --------------------------------------------------------------------------------

def test_a_crash_after_the_entries_leaves_nothing_written(setup, monkeypatch):
    no = segment(lines=3, campaign_no="CP1001")

    def crash(*args, **kwargs):
        assert InteractionLogEntry.select().count() == 3  # the entries were written...
        raise RuntimeError("power cut")

    monkeypatch.setattr(segment_log, "_insert_campaign_entries", crash)
    with pytest.raises(RuntimeError):
        log_segment(no)
    nothing_logged(no)  # ... and rolled back with everything else
    assert SegmentLine.select().where(SegmentLine.live(no)).count() == 3
    assert SegmentCriteriaLine.select().where(SegmentCriteriaLine.segment_no == no).count() == 1


def test_a_crash_in_the_follow_up_leaves_the_segment_unlogged(setup, monkeypatch):
    from segtui.services import criteria

    no = segment(lines=3)

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(criteria, "reuse_logged", crash)
    with pytest.raises(RuntimeError):
        log_segment(no, follow_up=True)
    nothing_logged(no)
    assert SegmentHeader.select().count() == 1  # no half-made follow-up segment either


# --- set-based -----------------------------------------------------------------------------------

def _statements(lines, action):
    import logging_data

    logging_data.add_contacts(lines, start=1)
    no = segment(lines=lines, campaign_no="CP1001")
    with StatementCounter() as counter:
        result = action(no)
    return counter.count, result


@pytest.mark.parametrize("follow_up", [False, True], ids=["log", "log-with-follow-up"])
def test_logging_runs_the_same_statements_for_10_and_10000_lines(db, tmp_path, follow_up):
    world(contacts=0)
    small, r1 = _statements(10, lambda no: log_segment(no, follow_up=follow_up))
    assert r1["interactions"] == 10
    # A second, bigger world in a fresh database would cost time; new contacts after the first 10 do.
    import logging_data

    logging_data.add_contacts(10_000 - 10, start=11)
    no = segment(lines=10_000, campaign_no="CP1001")
    with StatementCounter() as counter:
        r2 = log_segment(no, follow_up=follow_up)
    assert r2["interactions"] == 10_000
    assert counter.count == small, (small, counter.count)
    assert small < 60  # a handful, not one per line


def test_follow_up_of_a_logged_segment_runs_the_same_statements_for_10_and_10000_lines(db):
    world(contacts=0)
    import logging_data

    logging_data.add_contacts(10_000)
    counts = []
    for lines in (10, 10_000):
        entry = log_segment(segment(lines=lines))["logged_segment_entry_no"]
        with StatementCounter() as counter:
            header = logged.follow_up(entry)
        assert header["no_of_lines"] == lines
        counts.append(counter.count)
    assert counts[0] == counts[1] and counts[0] < 40, counts


# --- command line ---------------------------------------------------------------------------------

def test_cli_log_then_conflict(setup, run_cli):
    no = segment(lines=2)
    code, data, err = run_cli("segment", "log", no, "--follow-up")
    assert code == 0, err
    assert set(data) >= {"logged_segment_entry_no", "interactions", "follow_up_segment_no", "delivered", "errors"}
    assert data["interactions"] == 2 and data["follow_up_segment_no"]
    code, data, err = run_cli("segment", "log", no)
    assert code == 3 and err.startswith("error:") and "already logged" in err


def test_cli_log_refusal_exits_1_naming_segment_line_and_contact(setup, run_cli):
    no = segment(lines=2)
    set_line(no, 20000, salesperson_code="")
    code, data, err = run_cli("segment", "log", no)
    assert code == 1 and err.startswith("error:")
    assert f"segment {no}, line 20000, contact {contact_no(2)}: no salesperson" in err
    nothing_logged(no)


def test_cli_log_human_sentence(setup, cli_main):
    no = segment(lines=5, correspondence_type="email")
    code, text, err = cli_main("segment", "log", no, json_out=False)
    assert code == 0, err
    assert f"segment {no} logged as logged segment 1: 5 interactions" in text
    assert "1 e-mail lines whose contact has no e-mail address" in text


def test_preview_counts_lines_refusals_and_lines_that_lose_their_correspondence_type(setup):
    no = segment(lines=5, correspondence_type="email")
    set_line(no, 10000, date=None)
    preview = segment_log.log_preview(no)
    assert (preview["lines"], preview["total_refusals"], preview["without_correspondence_type"]) == (5, 1, 1)
    assert preview["refusals"][0]["line_no"] == 10000


def test_deliver_with_the_word_module_merges_hard_copies_after_logging(demo_db, tmp_path):
    """End to end with the real delivery module: every hard-copy entry is merged and no longer in progress."""
    pytest.importorskip("segtui.services.delivery")
    from segtui.services import criteria, segments

    header = segments.new_segment("Letters", template_code="LETTER", salesperson_code="AK")
    criteria.add_contacts(header["no"], [("type", "person"), ("no", "..CT000030")])
    SegmentLine.update(correspondence_type="hard_copy").where(SegmentLine.live(header["no"])).execute()
    lines = SegmentLine.select().where(SegmentLine.live(header["no"])).count()
    assert lines > 0
    result = log_segment(header["no"], deliver=True, out_dir=str(tmp_path / "out"))
    assert (result["interactions"], result["delivered"], result["errors"]) == (lines, lines, 0)
    statuses = {e.delivery_status for e in InteractionLogEntry.select().where(
        InteractionLogEntry.logged_segment_entry_no == result["logged_segment_entry_no"])}
    assert statuses == {""}
    assert any((tmp_path / "out").iterdir())


def test_deliver_with_the_word_module_refuses_a_line_with_no_document(setup):
    """The real delivery module's refusal (no template attachment, no own one) stops the log."""
    pytest.importorskip("segtui.services.delivery")
    no = segment(lines=2)
    set_line(no, 10000, attachment=b"own document", attachment_name="own.pdf")
    with pytest.raises(LogRefused) as info:
        log_segment(no, deliver=True)
    assert f"segment {no}, line 20000, contact {contact_no(2)}" in str(info.value)
    assert "line 10000" not in str(info.value)
    nothing_logged(no)


def test_two_users_logging_the_same_segment_at_once_one_wins_the_other_gets_a_conflict(db, db_path, tmp_path):
    import os
    import subprocess
    import sys

    import logging_data

    world(contacts=0)
    logging_data.add_contacts(3000)
    no = segment(lines=3000)
    env = dict(os.environ, SEGTUI_DB=str(db_path), SEGTUI_CONFIG=str(tmp_path / "settings.toml"))
    procs = [subprocess.Popen([sys.executable, "-m", "segtui", "segment", "log", no, "--json"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = sorted((p.wait(timeout=120), p.stderr.read()) for p in procs)
    assert [code for code, _ in outcomes] == [0, 3], outcomes
    assert "already logged" in outcomes[1][1]
    assert LoggedSegment.select().count() == 1
    assert InteractionLogEntry.select().count() == 3000


def test_user_id_defaults_to_the_login_name(setup, monkeypatch):
    monkeypatch.setattr(segment_log, "current_user", lambda: "jdoe")
    result = log_segment(segment(lines=1))
    assert LoggedSegment.get().user_id == "jdoe"
    assert InteractionLogEntry.get().user_id == "jdoe"
    assert result["interactions"] == 1
