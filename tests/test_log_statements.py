"""The log's statements (services/log_statements) on SQLite and PostgreSQL: the rare corrections
made in the entries INSERT from the scan's list, the statements skipped when the scan found
nothing for them, the campaign entries read from the lines, the whole segment gone, all or
nothing; on PostgreSQL the writes are one statement. PostgreSQL runs with SEGTUI_TEST_PG."""
import pytest
from peewee import SQL, fn

from logging_data import contact_no, fake_delivery, segment, set_line, world
from segtui import db as dbmod
from segtui.models import (
    CampaignEntry,
    InteractionLogEntry,
    LoggedSegment,
    SegmentCriteriaLine,
    SegmentHeader,
    SegmentHistory,
    SegmentLine,
    database,
)
from segtui.services import log_statements, segment_log
from segtui.services.segment_log import log_segment


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    """World of 5 contacts (the 5th without an e-mail address) on either database."""
    request.getfixturevalue("db" if request.param == "sqlite" else "pg")
    world(contacts=5)
    return request.param


@pytest.fixture
def sent(backend, monkeypatch):
    """The text of every statement the log sends (both databases go through execute_sql)."""
    statements = []
    real = database.obj.execute_sql

    def keep(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", keep)
    return statements


def entries():
    e = InteractionLogEntry
    return {row["contact_no"]: row for row in e.select().order_by(e.entry_no).dicts()}


def writes(statements):
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "WITH"))]


# --- the rare corrections, and their statements skipped when there is nothing to correct ---------

def test_email_lines_without_address_lose_their_type_the_rest_keep_theirs(backend, sent):
    no = segment(lines=5, correspondence_type="email")  # contact 5 has no address
    set_line(no, 30000, correspondence_type="hard_copy")
    sent.clear()  # the log's statements only
    result = log_segment(no)
    assert result["without_correspondence_type"] == 1
    types = {k: v["correspondence_type"] for k, v in entries().items()}
    assert types == {contact_no(1): "email", contact_no(2): "email", contact_no(3): "hard_copy",
                     contact_no(4): "email", contact_no(5): ""}
    assert not any(s.startswith("UPDATE") for s in sent)  # corrected in the INSERT, no second pass


def test_thousands_of_lines_without_address_lose_their_type_in_one_statement(backend):
    import logging_data
    from segtui.models import Contact

    logging_data.add_contacts(3_000, start=6)
    Contact.update(email="").where(Contact.no.between(contact_no(1), contact_no(2_400))).execute()
    Contact.update(email="p@example.com").where(Contact.no == contact_no(3_000)).execute()  # add_contacts left it empty
    no = segment(lines=3_000, correspondence_type="email")
    assert log_segment(no)["without_correspondence_type"] == 2_400
    e = InteractionLogEntry
    typed = dict(e.select(e.correspondence_type, fn.COUNT(SQL("*"))).group_by(e.correspondence_type).tuples())
    assert typed == {"": 2_400, "email": 600}
    assert e.get(e.contact_no == contact_no(2_400)).correspondence_type == ""
    assert e.get(e.contact_no == contact_no(2_401)).correspondence_type == "email"


def test_no_line_without_address_sends_no_correction(backend, sent):
    no = segment(lines=4, correspondence_type="email")  # contacts 1-4 all have an address
    sent.clear()  # the log's statements only
    result = log_segment(no)
    assert result["without_correspondence_type"] == 0
    assert {v["correspondence_type"] for v in entries().values()} == {"email"}
    assert not any("json_each" in s or "ANY(" in s for s in writes(sent))


def test_the_same_log_corrects_only_the_listed_line_not_another_of_the_same_contact(backend):
    # Two segments with the contact without address: only the one logged is touched, its entry only.
    first = segment(lines=5, correspondence_type="email")
    log_segment(first)
    second = segment(lines=5, correspondence_type="email")
    set_line(second, 50000, correspondence_type="hard_copy")
    log_segment(second)
    e = InteractionLogEntry
    rows = list(e.select(e.segment_no, e.correspondence_type).where(e.contact_no == contact_no(5)).tuples())
    assert sorted(rows) == [(first, ""), (second, "hard_copy")]


def test_line_without_group_takes_its_templates_the_others_keep_theirs(backend, sent):
    no = segment(lines=3)
    set_line(no, 10000, interaction_template_code="PHONE", interaction_group_code="")
    set_line(no, 20000, interaction_group_code="PHONE")  # a group of its own, kept
    sent.clear()  # the log's statements only
    log_segment(no)
    groups = {k: v["interaction_group_code"] for k, v in entries().items()}
    assert groups == {contact_no(1): "PHONE", contact_no(2): "PHONE", contact_no(3): "LETTER"}
    assert not any(s.startswith("UPDATE") for s in sent)


def test_every_line_with_a_group_joins_no_template(backend, sent):
    no = segment(lines=3)
    sent.clear()  # the log's statements only
    log_segment(no)
    assert {v["interaction_group_code"] for v in entries().values()} == {"LETTER"}
    assert not any("LEFT JOIN" in s for s in writes(sent))


def test_with_delivery_typed_lines_are_in_progress_and_keep_their_type(backend, monkeypatch):
    fake_delivery(monkeypatch)
    no = segment(lines=4, correspondence_type="email")
    set_line(no, 20000, correspondence_type="")
    log_segment(no, deliver=True, out_dir="/tmp/x")
    rows = entries()
    assert {k: v["correspondence_type"] for k, v in rows.items()} == {
        contact_no(1): "email", contact_no(2): "", contact_no(3): "email", contact_no(4): "email"}


def test_header_send_as_attachment_applies_to_every_entry(backend):
    no = segment(lines=2)
    SegmentHeader.update(send_word_docs_as_attmt=True).where(SegmentHeader.no == no).execute()
    log_segment(no)
    assert {v["send_word_docs_as_attmt"] for v in entries().values()} == {True}


def test_without_description_an_entry_takes_the_headers_and_a_time(backend):
    no = segment(lines=2, description="")
    SegmentHeader.update(description="Calls").where(SegmentHeader.no == no).execute()
    set_line(no, 20000, description="Own")
    log_segment(no, user_id="eve")
    rows = entries()
    assert [rows[contact_no(i)]["description"] for i in (1, 2)] == ["Calls", "Own"]
    assert all(r["time_of_interaction"] and r["user_id"] == "eve" for r in rows.values())


@pytest.mark.parametrize("largest_list", [5_000, 0], ids=["codes-as-lists", "codes-probed"])
def test_unknown_setup_codes_are_refused_and_nothing_written(backend, monkeypatch, largest_list):
    """The three setup tables' codes are read in one query on PostgreSQL; a table above the
    largest list is probed per line instead: the same refusals either way."""
    monkeypatch.setattr(segment_log, "KNOWN_CODES_MAX", largest_list)
    no = segment(lines=4, campaign_no="CP1001")
    set_line(no, 10000, salesperson_code="ZZ")
    set_line(no, 20000, interaction_template_code="NOPE")
    set_line(no, 30000, campaign_no="CP9999")
    with pytest.raises(segment_log.LogRefused) as refused:
        log_segment(no)
    rules = sorted(r["rule"] for r in refused.value.refusals)
    assert rules == ["unknown_campaign", "unknown_salesperson", "unknown_template"]
    assert LoggedSegment.select().count() == 0 and InteractionLogEntry.select().count() == 0
    assert SegmentLine.select().where(SegmentLine.live(no)).count() == 4


def test_unknown_contact_and_email_without_address_are_refused_with_delivery(backend, monkeypatch):
    fake_delivery(monkeypatch)
    no = segment(lines=5, correspondence_type="email")  # contact 5 has no address
    set_line(no, 20000, contact_no="CT999999")
    with pytest.raises(segment_log.LogRefused) as refused:
        log_segment(no, deliver=True, out_dir="/tmp/x")
    found = {(r["rule"], r["line_no"]) for r in refused.value.refusals}
    assert found == {("unknown_contact", 20000), ("email_without_address", 50000)}
    assert LoggedSegment.select().count() == 0


def test_on_postgresql_the_scan_looks_each_contact_up_by_its_key(backend, monkeypatch):
    """With statistics that favour hashing every contact (as after an ANALYZE), the scan still
    probes the contact of each line by its key (LATERAL ... OFFSET 0)."""
    if backend != "postgresql":
        pytest.skip("SQLite always looks the contact up by its key")
    import logging_data

    logging_data.add_contacts(20_000, start=6)
    no = segment(lines=2_000)
    database.execute_sql("ANALYZE")
    scans = []
    real = database.obj.execute_sql

    def keep(sql, params=None, *args, **kwargs):
        if sql.startswith('SELECT COUNT(*) AS "lines"'):
            scans.append((sql, params))
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", keep)
    assert log_segment(no)["interactions"] == 2_000
    sql, params = scans[0]
    plan = "\n".join(row[0] for row in real("EXPLAIN " + sql, params).fetchall())
    assert "contact_pkey" in plan and "Nested Loop" in plan and "Hash" not in plan, plan


# --- campaign entries from the lines -------------------------------------------------------------

def test_campaign_entries_sum_the_lines_of_each_campaign(backend):
    no = segment(lines=4, campaign_no="CP1001")
    set_line(no, 20000, cost=4)
    set_line(no, 40000, campaign_no="CP1002", duration_min=7)
    result = log_segment(no, user_id="anna")
    assert result["campaign_entries"] == 2
    ce = {c.campaign_no: c for c in CampaignEntry.select()}
    assert sorted(ce) == ["CP1001", "CP1002"]
    assert (float(ce["CP1001"].cost), float(ce["CP1001"].duration_min)) == (1.5 + 4 + 1.5, 6)
    assert (float(ce["CP1002"].cost), float(ce["CP1002"].duration_min)) == (1.5, 7)
    one = ce["CP1001"]
    assert (one.logged_segment_entry_no, one.segment_no, one.description, one.user_id, one.canceled) == (
        result["logged_segment_entry_no"], no, "Spring letter", "anna", False)
    assert str(one.date) == "2026-03-02"  # the header's date


def test_no_campaign_sends_no_campaign_statement(backend, sent):
    no = segment(lines=3)
    sent.clear()  # the log's statements only
    result = log_segment(no)
    assert result["campaign_entries"] == 0 and CampaignEntry.select().count() == 0
    assert not any("campaign_entry" in s for s in writes(sent))


# --- the segment goes, all of it; all or nothing -----------------------------------------------

def test_the_segment_goes_live_and_parked_lines_criteria_and_history(backend):
    no = segment(lines=4)
    SegmentLine.update(removed_by=1).where(SegmentLine.line_no == 40000).execute()  # a parked line
    other = segment(lines=2)
    result = log_segment(no)
    assert result["interactions"] == 3
    for model in (SegmentHeader, SegmentLine, SegmentCriteriaLine, SegmentHistory):
        field = model.no if model is SegmentHeader else model.segment_no
        assert not model.select().where(field == no).exists(), model
        assert model.select().where(field == other).exists(), model  # another segment keeps its rows
    entry_nos = [e.entry_no for e in InteractionLogEntry.select().order_by(InteractionLogEntry.entry_no)]
    contacts = [e.contact_no for e in InteractionLogEntry.select().order_by(InteractionLogEntry.entry_no)]
    assert contacts == [contact_no(i) for i in (1, 2, 3)] and len(set(entry_nos)) == 3  # in line order
    assert LoggedSegment.get().entry_no == result["logged_segment_entry_no"]


def test_a_crash_after_the_writes_leaves_nothing_written(backend, monkeypatch):
    no = segment(lines=3, campaign_no="CP1001")

    def crash(*args, **kwargs):
        assert InteractionLogEntry.select().count() == 3  # written, in the transaction
        raise RuntimeError("power cut")

    monkeypatch.setattr(segment_log, "create_follow_up", crash)
    with pytest.raises(RuntimeError):
        log_segment(no, follow_up=True)
    assert (LoggedSegment.select().count(), InteractionLogEntry.select().count(), CampaignEntry.select().count()) == (
        0, 0, 0)
    assert SegmentLine.select().where(SegmentLine.live(no)).count() == 3
    assert SegmentHeader.get_or_none(SegmentHeader.no == no) is not None


def test_on_postgresql_the_writes_are_one_statement(backend, sent):
    if backend != "postgresql":
        pytest.skip("SQLite runs its statements in process, one by one")
    no = segment(lines=5, correspondence_type="email", campaign_no="CP1001")
    set_line(no, 10000, interaction_group_code="")
    sent.clear()  # the log's statements only
    log_segment(no)
    assert len(writes(sent)) == 1, writes(sent)
    assert len(entries()) == 5 and CampaignEntry.select().count() == 1


def test_the_postgresql_statement_deletes_what_delete_segment_rows_deletes(db):
    """SEGMENT_ROWS writes out delete_segment_rows for the one PostgreSQL statement: a table
    added there must be added here too."""
    from logging_data import StatementCounter
    from segtui.services.segments import delete_segment_rows

    world(contacts=2)
    no = segment(lines=2)
    with StatementCounter() as counter:
        with dbmod.transaction():
            delete_segment_rows(no)
    deleted = sorted(s.split('"')[1] for s in counter.statements if s.startswith("DELETE FROM"))
    assert deleted == sorted(model._meta.table_name for model, _ in log_statements.SEGMENT_ROWS)
