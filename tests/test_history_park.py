"""Undo of removals: a removal deletes its lines and keeps their numbers (schema 9), go back makes
them again as they were; lines with values of their own are kept whole; a contact swap parks the
old line (schema 8); what sees removed lines, what does not; the migrations."""
import json

import pytest

from segtui import db as dbmod
from segtui.errors import NotFound
from segtui.models import LoggedSegment, SchemaInfo, SegmentHeader, SegmentHistory, SegmentLine, database
from segtui.services import (contact_edit, criteria, history, line_pages, lookups, merge, segment_log, segments,
                             setup_uses)
from segtui.services.history import removed_pairs
from test_segments import build_small, line_of


@pytest.fixture(params=["sqlite", "postgresql"])
def seg(request):
    request.getfixturevalue("db" if request.param == "sqlite" else "pg")  # PostgreSQL skips without a server
    build_small()
    no = segments.new_segment("Park", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [])  # C1 P12 P11 C2 P22 P30 (P21 is excluded)
    return no


def live_contacts(no):
    return [r.contact_no for r in SegmentLine.select().where(SegmentLine.live(no)).order_by(SegmentLine.line_no)]


def parked(no):
    return sorted(r.contact_no for r in SegmentLine.select().where(SegmentLine.parked(no)))


def all_line_values(no):
    return {r["contact_no"]: r for r in segments.lines(no, limit=100_000)}


def history_of(no, action_no):
    return {r.event: r for r in SegmentHistory.select().where((SegmentHistory.segment_no == no)
                                                                & (SegmentHistory.action_no == action_no))}


def test_a_reduce_deletes_its_lines_and_keeps_their_numbers_in_one_row(seg):
    numbers = {r.contact_no: r.line_no for r in SegmentLine.select().where(SegmentLine.live(seg))}
    assert criteria.reduce_contacts(seg, [("city", "Berlin")])["removed"] == 3
    assert SegmentLine.select().where(SegmentLine.segment_no == seg).count() == 3  # deleted, not parked
    rows = history_of(seg, 2)
    assert set(rows) == {"removed"}  # no copy of a line: they follow the header's defaults (set 1)
    assert rows["removed"].line_no == 1 == SegmentHeader.get_by_id(seg).line_defaults
    assert sorted(removed_pairs(rows["removed"].numbers)) == sorted([numbers[c], c] for c in ("C1", "P11", "P22"))


def test_a_removal_leaves_no_trigger_behind_so_later_deletes_record_nothing(db):
    # SQLite keeps a removal's lines through a trigger of the connection made for that one DELETE.
    build_small()
    no = segments.new_segment("Park", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [])
    criteria.reduce_contacts(no, [("city", "Berlin")])
    temp = database.execute_sql("SELECT type, name FROM sqlite_temp_master").fetchall()
    assert ("trigger", "removed_line_kept") not in temp
    assert database.execute_sql("SELECT count(*) FROM temp.removed_line").fetchone() == (0,)
    SegmentLine.delete().where(SegmentLine.segment_no == no).execute()  # a delete outside a removal
    assert database.execute_sql("SELECT count(*) FROM temp.removed_line").fetchone() == (0,)
    with pytest.raises(NotFound):  # a removal that fails after its DELETE
        with dbmod.transaction():
            criteria.add_contacts(no, [])
            history.remove_lines(segments.get_header(no), 99, SegmentLine.contact_no == "C1")
            raise NotFound("stop")
    assert ("trigger", "removed_line_kept") not in database.execute_sql(
        "SELECT type, name FROM sqlite_temp_master").fetchall()
    assert SegmentLine.select().where(SegmentLine.live(no)).count() == 0  # the failed action changed nothing


def test_a_second_removal_in_one_action_keeps_only_its_own_lines(seg):
    # The temporary table is emptied after each DELETE: two removals record their own lines each.
    header = segments.get_header(seg)
    numbers = {r.contact_no: r.line_no for r in SegmentLine.select().where(SegmentLine.live(seg))}
    with dbmod.transaction():
        history.remove_lines(header, 7, SegmentLine.contact_no == "C1")
        history.remove_lines(header, 8, SegmentLine.contact_no == "P12")
    assert removed_pairs(history_of(seg, 7)["removed"].numbers) == [[numbers["C1"], "C1"]]
    assert removed_pairs(history_of(seg, 8)["removed"].numbers) == [[numbers["P12"], "P12"]]


def test_go_back_makes_the_removed_lines_again_value_for_value(seg):
    before = all_line_values(seg)
    criteria.reduce_contacts(seg, [("city", "Berlin")])
    criteria.refine_contacts(seg, [("type", "person")], entire_companies=True)
    criteria.go_back(seg, steps=2)
    assert all_line_values(seg) == before  # every column, the line version included
    assert SegmentHistory.select().where(SegmentHistory.segment_no == seg).count() == 1  # the add's mark


def test_a_line_with_values_of_its_own_is_kept_whole_and_comes_back_as_it_was(seg):
    p11 = line_of(seg, "P11").line_no
    segments.set_line(seg, p11, {"personal_note": "Dear Ann", "correspondence_type": "email", "cost": "9"})
    merge.set_line_document(seg, line_of(seg, "C1").line_no, b"own letter", "own.txt")
    before = all_line_values(seg)
    criteria.reduce_contacts(seg, [("city", "Berlin")])  # C1 and P11 own, P22 follows the header
    rows = SegmentHistory.select().where((SegmentHistory.segment_no == seg) & (SegmentHistory.action_no == 2))
    assert sorted((r.event, r.contact_no) for r in rows if r.event == "kept") == [("kept", "C1"), ("kept", "P11")]
    assert [row[1] for row in removed_pairs(history_of(seg, 2)["removed"].numbers)] == ["P22"]
    assert segments.count_lines(seg) == 3
    criteria.go_back(seg)
    assert all_line_values(seg) == before
    assert bytes(line_of(seg, "C1").attachment) == b"own letter"


def test_a_removal_of_own_lines_only_records_no_removed_row(seg):
    p11 = line_of(seg, "P11").line_no
    segments.set_line(seg, p11, {"personal_note": "Dear Ann"})
    before = all_line_values(seg)
    assert criteria.reduce_contacts(seg, [("no", "P11")])["removed"] == 1
    assert set(history_of(seg, 2)) == {"kept"}  # no "removed" row with an empty list of lines
    criteria.go_back(seg)
    assert all_line_values(seg) == before


def test_lines_left_on_older_header_values_come_back_with_them(seg):
    segments.set_header(seg, {"description": "New text"})  # header only: the lines keep "Park"
    kept = SegmentHistory.get((SegmentHistory.action_no == 0) & (SegmentHistory.event == "defaults"))
    assert (kept.line_no, json.loads(kept.numbers)["description"]) == (1, "Park")
    before = all_line_values(seg)
    criteria.reduce_contacts(seg, [("city", "Berlin")])
    assert sorted(history_of(seg, 2)) == ["removed"] and history_of(seg, 2)["removed"].line_no == 1
    criteria.go_back(seg)  # made again from the defaults they followed, not the header's new ones
    assert all_line_values(seg) == before and {r["description"] for r in before.values()} == {"Park"}
    # A line added now follows the new defaults: one removal keeps both sets, go back makes each.
    criteria.add_contacts(seg, [("no", "P21")], ignore_exclusion=True)
    before = all_line_values(seg)
    criteria.reduce_contacts(seg, [("no", "P21|P22")])
    assert sorted(r.line_no for r in SegmentHistory.select().where(
        (SegmentHistory.action_no == 3) & (SegmentHistory.event == "removed"))) == [1, 2]
    criteria.go_back(seg)
    assert all_line_values(seg) == before and before["P21"]["description"] == "New text"


def test_lines_updated_with_the_header_follow_its_new_defaults_and_removed_ones_keep_theirs(seg):
    criteria.reduce_contacts(seg, [("no", "P22")])
    segments.set_header(seg, {"description": "Changed"}, update_lines=True)
    criteria.go_back(seg)  # P22 was removed before the change: it comes back as it was
    before = all_line_values(seg)
    assert before["P22"]["description"] == "Park" and before["P11"]["description"] == "Changed"
    for _ in range(2):  # and stays so through any number of removals and go backs
        criteria.reduce_contacts(seg, [("no", "P22|P11")])
        criteria.go_back(seg)
        assert all_line_values(seg) == before


def test_a_contact_deleted_while_its_line_was_removed_does_not_come_back(seg):
    criteria.reduce_contacts(seg, [("no", "P22")])
    contact_edit.delete_contact("P22")
    criteria.go_back(seg)
    assert "P22" not in all_line_values(seg) and segments.count_lines(seg) == 5


def test_every_read_of_lines_sees_live_lines_only(seg):
    segments.set_line(seg, line_of(seg, "P11").line_no, {"campaign_no": "CP01"})
    assert "1 segment line (" + seg + ")" in setup_uses.uses_of("campaign", "CP01")
    removed = line_of(seg, "P11").line_no
    criteria.reduce_contacts(seg, [("city", "Berlin")])
    live = ["P30", "P12", "C2"]
    assert live_contacts(seg) == live and segments.count_lines(seg) == 3
    shown = segments.get_segment(seg)
    assert shown["no_of_lines"] == 3 and shown["cost"] == 3 * 2.5 and shown["duration"] == 3 * 5
    assert [s["no_of_lines"] for s in segments.list_segments() if s["no"] == seg] == [3]
    assert [r["contact_no"] for r in segments.lines(seg)] == live
    assert [r["contact_no"] for r in segments.lines(seg, offset=1)] == live[1:]
    fetch = segments.line_fetcher(seg)
    assert [r["contact_no"] for r in fetch(2, last=True)] == live[1:]
    assert [r[line_pages.INDEX["contact_no"]] for r in line_pages.page(seg, 10, after_line_no=0)] == live
    with pytest.raises(NotFound):
        segments.get_line(seg, removed)
    with pytest.raises(NotFound):
        segments.set_line(seg, removed, {"personal_note": "nobody sees me"})
    assert lookups.line_position(seg, line_of(seg, "C2").line_no) == 2
    # Only live lines keep a contact or a code in use.
    assert contact_edit.delete_refusals("P11") == []
    assert setup_uses.uses_of("campaign", "CP01") == ["1 interaction template (MAIL)"]


def test_a_header_change_to_lines_leaves_removed_lines_as_they_were(seg):
    criteria.reduce_contacts(seg, [("city", "Berlin")])
    segments.set_header(seg, {"description": "Changed"}, update_lines=True)
    assert {r.description for r in SegmentLine.select().where(SegmentLine.live(seg))} == {"Changed"}
    criteria.go_back(seg)  # they come back as they were removed
    assert line_of(seg, "P11").description == "Park"


def test_lines_come_back_with_their_numbers_and_edits_through_many_steps(seg):
    numbers = {r.contact_no: r.line_no for r in SegmentLine.select().where(SegmentLine.live(seg))}
    segments.set_line(seg, numbers["P11"], {"personal_note": "kept", "evaluation": "positive"})
    criteria.reduce_contacts(seg, [("no", "P11|P30")])  # P30 has the highest number
    criteria.add_contacts(seg, [("no", "P21")], ignore_exclusion=True)  # may take P30's number
    criteria.refine_contacts(seg, [("type", "person")])
    segments.remove_line(seg, line_of(seg, "P12").line_no)
    assert live_contacts(seg) == ["P22", "P21"]
    criteria.go_back(seg, steps=4)
    assert {r.contact_no: r.line_no for r in SegmentLine.select().where(SegmentLine.live(seg))} == numbers
    p11 = line_of(seg, "P11")
    assert (p11.personal_note, p11.evaluation) == ("kept", "positive")
    assert parked(seg) == [] and segments.count_lines(seg) == 6


def test_a_contact_swap_parks_the_old_line_and_go_back_restores_it(seg):
    line = line_of(seg, "P30")
    segments.set_line(seg, line.line_no, {"personal_note": "before"})
    segments.set_line(seg, line.line_no, {"contact_no": "P21"})
    assert segments.get_line(seg, line.line_no)["contact_no"] == "P21" and parked(seg) == ["P30"]
    criteria.go_back(seg)
    back = segments.get_line(seg, line.line_no)
    assert (back["contact_no"], back["personal_note"]) == ("P30", "before") and parked(seg) == []


def test_logging_logs_live_lines_only_and_cleans_the_parked_ones(seg):
    segments.set_line(seg, line_of(seg, "P30").line_no, {"contact_no": "P21"})  # parks P30's line
    segments.set_line(seg, line_of(seg, "P21").line_no, {"contact_no": "P30"})
    criteria.reduce_contacts(seg, [("city", "Berlin")])
    assert parked(seg) == ["P21", "P30"]
    result = segment_log.log_segment(seg, user_id="t")
    assert result["interactions"] == 3
    logged = LoggedSegment.get(LoggedSegment.entry_no == result["logged_segment_entry_no"])
    assert sorted(e.contact_no for e in logged_entries(logged.entry_no)) == ["C2", "P12", "P30"]
    assert SegmentLine.select().where(SegmentLine.segment_no == seg).count() == 0


def logged_entries(entry_no):
    from segtui.models import InteractionLogEntry

    return InteractionLogEntry.select().where(InteractionLogEntry.logged_segment_entry_no == entry_no)


def test_deleting_a_segment_deletes_its_parked_lines(seg):
    segments.set_line(seg, line_of(seg, "P30").line_no, {"contact_no": "P21"})
    assert parked(seg) == ["P30"]
    segments.delete_segment(seg)
    assert SegmentLine.select().where(SegmentLine.segment_no == seg).count() == 0


def test_schema_8_moves_old_history_copies_back_as_parked_lines_and_runs_twice(seg):
    """A database of schema 7: removed lines copied into segment_history, plain line indexes."""
    p11 = _schema_7_copies(seg)

    assert dbmod.init_database() == dbmod.SCHEMA_VERSION >= 8
    dbmod._upgrade_to_8()  # again: nothing left to move, no error
    assert parked(seg) == ["P11", "P22"] and segments.count_lines(seg) == 4
    assert SegmentHistory.select().where(SegmentHistory.event == "deleted").count() == 0
    indexes = {i.name: i.sql for i in database.get_indexes("segment_line")}
    assert set(indexes) - {"segment_line_pkey"} == {
        "segment_line_live_line_no", "segment_line_live_contact", "segment_line_parked"}
    assert segments.count_lines(seg) == 4  # the partial indexes hold the right lines
    criteria.go_back(seg)
    assert line_of(seg, "P11").line_no == p11.line_no and line_of(seg, "P11").personal_note == "edited"
    assert segments.count_lines(seg) == 6 and parked(seg) == []


def _schema_7_copies(no):
    """Turn the open database back into schema 7 with action 2 of `no` having removed P11 and P22
    the old way (copies in segment_history); returns P11's line as it was."""
    p11 = line_of(no, "P11")
    segments.set_line(no, p11.line_no, {"personal_note": "edited"})
    names = ", ".join(f'"{n}"' for n in segments.history_columns())
    database.execute_sql(f"INSERT INTO segment_history ({names}, action_no, event) SELECT {names}, 2, 'deleted' "
                         "FROM segment_line WHERE contact_no IN ('P11', 'P22')")
    SegmentLine.delete().where(SegmentLine.contact_no.in_(["P11", "P22"])).execute()
    segments.record_action(no, 2, "reduce", [("no", "P11|P22")], no_of_contacts=2)
    for name in ("segment_line_live_line_no", "segment_line_live_contact", "segment_line_parked"):
        database.execute_sql(f"DROP INDEX {name}")
    database.execute_sql("ALTER TABLE segment_line DROP COLUMN removed_by")
    database.execute_sql("CREATE UNIQUE INDEX segment_line_segment_no_line_no ON segment_line (segment_no, line_no)")
    SchemaInfo.update(version=7).execute()
    return p11


def test_schema_8_upgrade_on_postgresql(tmp_path, monkeypatch):
    import os

    from segtui.models import ALL_MODELS

    url = os.environ.get("SEGTUI_TEST_PG")
    if not url:
        pytest.skip("set SEGTUI_TEST_PG=postgresql://... to upgrade a PostgreSQL database")
    monkeypatch.setenv("SEGTUI_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("SEGTUI_DATA_DIR", str(tmp_path / "data"))
    pg = dbmod.open_database(url)
    database.drop_tables(ALL_MODELS, safe=True)
    try:
        dbmod.init_database()
        build_small()
        no = segments.new_segment("Park", template_code="LTR", salesperson_code="AL")["no"]
        criteria.add_contacts(no, [])
        p11 = _schema_7_copies(no)
        assert dbmod.init_database() == dbmod.SCHEMA_VERSION >= 8
        dbmod._upgrade_to_8()
        assert {i.name for i in database.get_indexes("segment_line")} >= {
            "segment_line_live_line_no", "segment_line_live_contact", "segment_line_parked"}
        assert parked(no) == ["P11", "P22"] and segments.count_lines(no) == 4
        criteria.go_back(no)
        assert (line_of(no, "P11").line_no, line_of(no, "P11").personal_note) == (p11.line_no, "edited")
    finally:
        database.drop_tables(ALL_MODELS, safe=True)
        pg.close()


def test_schema_9_upgrade_keeps_schema_8_parked_lines_coming_back_and_runs_twice(seg):
    """A database of schema 8: a reduce parked its lines; no defaults columns yet."""
    p11 = line_of(seg, "P11")
    SegmentLine.update(removed_by=2).where(SegmentLine.live(seg) & SegmentLine.contact_no.in_(["P11", "P22"])).execute()
    segments.record_action(seg, 2, "reduce", [("no", "P11|P22")], no_of_contacts=2)
    for table, column in (("segment_line", "defaults_of"), ("segment_header", "line_defaults"),
                          ("segment_history", "numbers"), ("segment_header", "line_count"),
                          ("segment_header", "line_count_version")):
        database.execute_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
    SchemaInfo.update(version=8).execute()

    assert dbmod.init_database() == dbmod.SCHEMA_VERSION >= 9
    dbmod._upgrade_to_9()  # again: every column is there, no error
    assert {r.defaults_of for r in SegmentLine.select()} == {0}  # older lines are kept whole when removed
    criteria.go_back(seg)
    assert line_of(seg, "P11").line_no == p11.line_no and parked(seg) == [] and segments.count_lines(seg) == 6
    criteria.reduce_contacts(seg, [("no", "P11")])
    assert sorted(history_of(seg, 2)) == ["kept"]
    criteria.go_back(seg)
    assert line_of(seg, "P11").line_no == p11.line_no


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request):
    request.getfixturevalue("db" if request.param == "sqlite" else "pg")
    build_small()
    return request.param


def test_removals_of_thousands_of_lines_come_back_value_for_value(world):
    # At a real size: 6,000 more contacts (a company every fifth, every third in NEWS), lines
    # made on two sets of header values, one line with values of its own.
    from test_set_based import add_contacts

    add_contacts(6_000)
    no = segments.new_segment("Thousands", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [("city", "Berlin")])
    segments.set_header(no, {"description": "Second text"}, update_lines=False)
    criteria.add_contacts(no, [("city", "Munich")])
    segments.set_line(no, line_of(no, "X000003").line_no, {"personal_note": "Own note"})
    before = all_line_values(no)
    assert len(before) > 5_000
    removed = criteria.reduce_contacts(no, [("mailing_group", "NEWS")])["removed"]
    refined = criteria.refine_contacts(no, [("city", "Munich")])["removed"]
    companies = criteria.reduce_contacts(no, [("no", "X000000..X000999")], entire_companies=True)["removed"]
    assert removed > 1_500 and refined > 1_000 and companies > 100
    assert segments.count_lines(no) == len(before) - removed - refined - companies
    criteria.go_back(no, steps=3)
    assert all_line_values(no) == before


def test_upgrading_to_schema_11_rewrites_the_pairs_an_older_postgresql_removal_wrote(seg):
    """PostgreSQL writes a removal's lines as two arrays since schema 11; the upgrade rewrites the
    pairs older versions wrote, in their order, and go back makes the lines again from them.
    SQLite keeps writing (and reading) the pairs: its rows stay as they are."""
    before = live_contacts(seg)
    criteria.reduce_contacts(seg, [("type", "person")])
    row = history_of(seg, 2)["removed"]
    pairs = removed_pairs(row.numbers)
    assert len(pairs) == 4 and row.numbers.startswith("[" if dbmod.is_sqlite() else "{")
    older = sorted(pairs, key=lambda pair: pair[1], reverse=True)  # an order the rewrite must keep
    SegmentHistory.update(numbers=json.dumps(older)).where(SegmentHistory.id == row.id).execute()
    SchemaInfo.update(version=10).execute()

    assert dbmod.init_database() == dbmod.SCHEMA_VERSION >= 11
    dbmod._upgrade_to_11()  # again: nothing left in the old form, nothing changes
    numbers = SegmentHistory.get_by_id(row.id).numbers
    assert removed_pairs(numbers) == older
    assert numbers == json.dumps(older) if dbmod.is_sqlite() else json.loads(numbers) == {
        "lines": [line for line, _ in older], "contacts": [contact for _, contact in older]}
    criteria.go_back(seg)
    assert live_contacts(seg) == before
