"""Add, reduce, refine, go back, saved criteria, reuse, apply mailing group (services)."""
import pytest

from segtui.errors import FilterError, NotFound, SegtuiError
from segtui.models import Contact, ContactMailingGroup, LoggedSegment, SegmentCriteriaLine, SegmentLine
from segtui.services import criteria, segments
from test_segments import build_small, line_of  # the small world shared by the engine tests


@pytest.fixture
def small(db):
    build_small()
    return db


@pytest.fixture
def seg(small):
    return segments.new_segment("Test")["no"]


def live_lines(no):
    return SegmentLine.select().where(SegmentLine.live(no)).order_by(SegmentLine.line_no)


def contacts_on(no):
    """The segment's contacts in line order."""
    return [r.contact_no for r in
            SegmentLine.select().where(SegmentLine.live(no)).order_by(SegmentLine.line_no)]


# --- add ----------------------------------------------------------------------------------------

def test_add_by_contact_field_sorts_new_lines_by_company_then_type_then_name(seg):
    assert criteria.add_contacts(seg, [("city", "Berlin")]) == {"added": 3, "no_of_lines": 3}
    assert contacts_on(seg) == ["C1", "P11", "P22"]
    criteria.add_contacts(seg, [])
    # Lone person (no company name) first, then each company before its persons, persons by name.
    assert contacts_on(seg) == ["C1", "P11", "P22", "P30", "P12", "C2"]


def test_add_without_filters_takes_all_contacts_but_the_excluded(seg):
    criteria.add_contacts(seg, [])
    assert contacts_on(seg) == ["P30", "C1", "P12", "P11", "C2", "P22"]


def test_add_skips_contacts_already_on_the_segment_unless_allowed(seg):
    criteria.add_contacts(seg, [("city", "Berlin")])
    assert criteria.add_contacts(seg, [("city", "Berlin")])["added"] == 0
    assert criteria.add_contacts(seg, [("city", "Berlin")], allow_existing=True) == {"added": 3, "no_of_lines": 6}


def test_an_add_into_a_segment_emptied_by_a_reduce_takes_the_contacts_again_and_counts_right(seg):
    # An add into a segment without lines skips the probe for contacts already on it and the count.
    assert criteria.add_contacts(seg, [("city", "Berlin")]) == {"added": 3, "no_of_lines": 3}
    criteria.reduce_contacts(seg, [("city", "Berlin")])
    assert criteria.add_contacts(seg, [("city", "Berlin|London")]) == {"added": 4, "no_of_lines": 4}
    assert criteria.add_contacts(seg, [("city", "Berlin")]) == {"added": 0, "no_of_lines": 4}
    assert sorted(contacts_on(seg)) == ["C1", "C2", "P11", "P22"]
    criteria.go_back(seg, steps=2)  # the second add's lines go; the reduce's lines do not come back yet
    assert contacts_on(seg) == []


def test_add_skips_excluded_contacts_unless_ignore_exclusion(seg):
    criteria.add_contacts(seg, [("city", "London")])
    assert contacts_on(seg) == ["C2"]
    criteria.add_contacts(seg, [("city", "London")], ignore_exclusion=True)
    assert contacts_on(seg) == ["C2", "P21"]


def test_expand_contact_adds_every_contact_of_the_company(seg):
    criteria.add_contacts(seg, [("no", "P11|P30")], expand_contact=True)
    assert sorted(contacts_on(seg)) == ["C1", "P11", "P12", "P30"]


def test_allow_company_with_persons_adds_each_persons_company(seg):
    criteria.add_contacts(seg, [("no", "P22|P30")], allow_company_with_persons=True)
    assert contacts_on(seg) == ["P30", "C2", "P22"]


def test_exclusion_is_applied_after_expansion(seg):
    # P21 is excluded: its company's contacts still come (expansion first), P21 itself does not.
    criteria.add_contacts(seg, [("no", "P21")], expand_contact=True)
    assert contacts_on(seg) == ["C2", "P22"]


def test_company_with_persons_applies_to_persons_found_by_expansion(seg):
    criteria.add_contacts(seg, [("no", "P12")], expand_contact=True, allow_company_with_persons=True)
    assert sorted(contacts_on(seg)) == ["C1", "P11", "P12"]


@pytest.mark.parametrize("filters, expected", [
    ([("mailing_group", "NEWS")], ["P11", "P22"]),
    ([("industry_group", "RET")], ["C1", "P11", "P12"]),  # judged on the company: persons inherit
    ([("business_relation", "CUST")], ["C2", "P22"]),  # P21 excluded
    ([("job_responsibility", "PURCH")], ["P12"]),
    ([("interaction.evaluation", "positive")], ["P30"]),
    ([("interaction.template_code", "LTR")], ["P30"]),  # P21 excluded
    ([("interaction.date", "2026-01-01..2026-01-31"), ("city", "Paris")], ["P30"]),
    ([("city", "Berlin"), ("mailing_group", "NEWS")], ["P11", "P22"]),
    ([("industry_group", "RET"), ("city", "Berlin")], ["C1", "P11"]),
    ([("mailing_group", "VIP"), ("industry_group", "RET")], []),
])
def test_add_by_every_filter_source(seg, filters, expected):
    criteria.add_contacts(seg, filters)
    assert sorted(contacts_on(seg)) == expected


def test_add_records_the_action_with_its_filters_and_options(seg):
    criteria.add_contacts(seg, [("city", "Berlin"), ("mailing_group", "NEWS")], expand_contact=True)
    (action,) = segments.get_segment(seg)["criteria"]
    assert action["action"] == "add" and action["expand_contact"] is True and action["ignore_exclusion"] is False
    assert action["no_of_contacts"] == 5
    assert action["filters"] == [{"source": "contact", "field": "city", "expression": "Berlin"},
                                 {"source": "mailing_group", "field": "code", "expression": "NEWS"}]


def test_add_dry_run_counts_and_samples_and_changes_nothing(seg):
    result = criteria.add_contacts(seg, [("city", "Berlin|London")], dry_run=True)
    assert result["would_add"] == 4
    assert [c["no"] for c in result["sample"]] == ["C1", "P11", "C2", "P22"]
    assert SegmentLine.select().count() == 0 and SegmentCriteriaLine.select().count() == 0


def test_dry_run_sample_is_ten_contacts(demo_db):
    no = segments.new_segment("x")["no"]
    result = criteria.add_contacts(no, [], dry_run=True)
    assert result["would_add"] == Contact.select().where(Contact.exclude_from_segment == False).count()  # noqa: E712
    assert len(result["sample"]) == 10
    assert segments.count_lines(no) == 0


def test_bad_filter_is_refused_with_its_position_and_nothing_changes(seg):
    criteria.add_contacts(seg, [("city", "Berlin")])
    with pytest.raises(FilterError, match="position"):
        criteria.add_contacts(seg, [("city", "(Paris")])
    with pytest.raises(FilterError, match="unknown field 'colour'"):
        criteria.refine_contacts(seg, [("colour", "red")])
    assert contacts_on(seg) == ["C1", "P11", "P22"]
    assert len(segments.get_segment(seg)["criteria"]) == 1


def test_add_to_an_unknown_segment_is_refused(small):
    with pytest.raises(NotFound, match="SM00404"):
        criteria.add_contacts("SM00404", [])


# --- reduce and refine --------------------------------------------------------------------------

def test_reduce_removes_matching_lines(seg):
    criteria.add_contacts(seg, [])
    assert criteria.reduce_contacts(seg, [("city", "Berlin")]) == {"removed": 3, "no_of_lines": 3}
    assert contacts_on(seg) == ["P30", "P12", "C2"]


def test_reduce_entire_companies_widens_a_match_to_the_company(seg):
    criteria.add_contacts(seg, [])
    criteria.reduce_contacts(seg, [("city", "Hamburg")], entire_companies=True)
    assert contacts_on(seg) == ["P30", "C2", "P22"]


def test_reduce_entire_companies_tests_contacts_not_on_the_segment(seg):
    criteria.add_contacts(seg, [("no", "C2|P22")])
    # P21 (London, excluded, not on the segment) matches, so its whole company goes.
    criteria.reduce_contacts(seg, [("no", "P21")], entire_companies=True)
    assert contacts_on(seg) == []


def test_refine_keeps_only_matching_lines(seg):
    criteria.add_contacts(seg, [])
    assert criteria.refine_contacts(seg, [("city", "Berlin")]) == {"removed": 3, "no_of_lines": 3}
    assert contacts_on(seg) == ["C1", "P11", "P22"]


def test_refine_entire_companies_keeps_whole_matching_companies(seg):
    criteria.add_contacts(seg, [])
    criteria.refine_contacts(seg, [("city", "Hamburg")], entire_companies=True)
    assert contacts_on(seg) == ["C1", "P12", "P11"]


def test_refine_by_related_source(seg):
    criteria.add_contacts(seg, [])
    criteria.refine_contacts(seg, [("mailing_group", "NEWS")])
    assert contacts_on(seg) == ["P11", "P22"]


def test_reduce_and_refine_dry_run_change_nothing(seg):
    criteria.add_contacts(seg, [])
    r = criteria.reduce_contacts(seg, [("city", "Berlin")], dry_run=True)
    assert r["would_remove"] == 3 and sorted(c["no"] for c in r["sample"]) == ["C1", "P11", "P22"]
    r = criteria.refine_contacts(seg, [("city", "Berlin")], dry_run=True)
    assert r["would_remove"] == 3 and sorted(c["no"] for c in r["sample"]) == ["C2", "P12", "P30"]
    assert segments.count_lines(seg) == 6 and len(segments.get_segment(seg)["criteria"]) == 1


@pytest.mark.parametrize("function", [criteria.reduce_contacts, criteria.refine_contacts])
def test_reduce_and_refine_need_a_filter(seg, function):
    criteria.add_contacts(seg, [])
    with pytest.raises(SegtuiError, match="at least one filter"):
        function(seg, [])
    assert segments.count_lines(seg) == 6


# --- go back ------------------------------------------------------------------------------------

def test_go_back_undoes_actions_one_by_one_back_to_the_first(seg):
    criteria.add_contacts(seg, [("city", "Berlin")])
    criteria.add_contacts(seg, [("city", "Paris")])
    criteria.reduce_contacts(seg, [("no", "P11")])
    assert contacts_on(seg) == ["C1", "P22", "P30"]
    assert criteria.go_back(seg) == {"undone": 1, "no_of_lines": 4}
    assert contacts_on(seg) == ["C1", "P11", "P22", "P30"]
    criteria.go_back(seg)
    assert contacts_on(seg) == ["C1", "P11", "P22"]
    criteria.go_back(seg)
    assert contacts_on(seg) == []
    with pytest.raises(SegtuiError, match="no criteria actions to undo"):
        criteria.go_back(seg)


def test_go_back_several_steps(seg):
    criteria.add_contacts(seg, [])
    criteria.reduce_contacts(seg, [("city", "Paris")])
    criteria.refine_contacts(seg, [("type", "person")])
    assert criteria.go_back(seg, steps=2) == {"undone": 2, "no_of_lines": 6}
    assert criteria.go_back(seg, steps=5) == {"undone": 1, "no_of_lines": 0}
    assert segments.get_segment(seg)["criteria"] == []


def test_go_back_refuses_steps_below_one(seg):
    criteria.add_contacts(seg, [])
    with pytest.raises(SegtuiError, match="at least 1"):
        criteria.go_back(seg, steps=0)
    assert segments.count_lines(seg) == 6


def test_lines_that_come_back_keep_their_edits(seg):
    criteria.add_contacts(seg, [])
    line = line_of(seg, "P11")
    segments.set_line(seg, line.line_no, {"personal_note": "Dear Zed", "evaluation": "positive", "subject": "S"})
    criteria.refine_contacts(seg, [("city", "Paris")])
    criteria.go_back(seg)
    back = line_of(seg, "P11")
    assert (back.line_no, back.personal_note, back.evaluation, back.subject) == \
        (line.line_no, "Dear Zed", "positive", "S")


def test_lines_added_after_an_undo_do_not_clash_with_restored_ones(seg):
    criteria.add_contacts(seg, [("city", "Berlin")])
    criteria.reduce_contacts(seg, [("no", "P22")])  # the highest line goes
    criteria.add_contacts(seg, [("city", "Paris")])  # may reuse its number
    criteria.go_back(seg, steps=2)
    assert contacts_on(seg) == ["C1", "P11", "P22"]


def test_an_add_records_one_history_mark_not_a_copy_of_its_lines(seg):
    from segtui.models import SegmentHistory

    criteria.add_contacts(seg, [])
    assert [(r.event, r.action_no, r.line_no) for r in SegmentHistory.select()] == [("added", 1, 0)]
    criteria.reduce_contacts(seg, [("city", "Berlin")])
    # A removal keeps the removed lines' numbers in one row, not a copy of each line.
    assert sorted((r.event, r.action_no) for r in SegmentHistory.select()) == [("added", 1), ("removed", 2)]


def test_many_steps_back_through_edits_adds_and_removals_restore_every_state(seg):
    states = []
    criteria.add_contacts(seg, [("city", "Berlin")])
    segments.set_line(seg, line_of(seg, "P11").line_no, {"personal_note": "kept"})
    states.append([(r.contact_no, r.personal_note) for r in live_lines(seg)])
    criteria.reduce_contacts(seg, [("no", "P11|P22")])
    states.append(contacts_on(seg))
    criteria.add_contacts(seg, [])  # reuses the numbers of the removed lines
    states.append(contacts_on(seg))
    criteria.refine_contacts(seg, [("type", "person")])
    states.append(contacts_on(seg))
    segments.remove_line(seg, line_of(seg, "P30").line_no)
    assert "P30" not in contacts_on(seg)
    for expected in reversed(states[1:]):
        criteria.go_back(seg)
        assert contacts_on(seg) == expected
    criteria.go_back(seg)
    assert [(r.contact_no, r.personal_note) for r in live_lines(seg)] == states[0]
    criteria.go_back(seg)
    assert contacts_on(seg) == []


def test_go_back_still_reads_a_history_written_line_by_line(seg):
    """Histories written before the one-mark design (one 'inserted' row per line) still undo."""
    from segtui.models import SegmentHistory

    criteria.add_contacts(seg, [("city", "Berlin")])
    SegmentHistory.delete().execute()
    segments.record_history(seg, 1, "inserted", SegmentLine.line_no > 0)
    criteria.go_back(seg)
    assert contacts_on(seg) == []


def test_show_lists_actions_newest_last(seg):
    criteria.add_contacts(seg, [("city", "Berlin")], allow_existing=True)
    criteria.reduce_contacts(seg, [("mailing_group", "NEWS")], entire_companies=True)
    criteria.refine_contacts(seg, [("interaction.evaluation", "positive")])
    actions = segments.get_segment(seg)["criteria"]
    assert [a["action"] for a in actions] == ["add", "reduce", "refine"]
    assert actions[0]["allow_existing_contacts"] is True and actions[1]["entire_companies"] is True
    assert actions[2]["filters"] == [{"source": "interaction", "field": "evaluation", "expression": "positive"}]
    assert segments.get_segment(seg)["no_of_criteria_actions"] == 3


# --- saved criteria -----------------------------------------------------------------------------

def test_save_and_reuse_criteria_replays_on_todays_data(seg):
    criteria.add_contacts(seg, [("city", "Berlin|Hamburg")])
    criteria.reduce_contacts(seg, [("mailing_group", "NEWS")])
    saved = criteria.save_criteria(seg, "berlin", "Berlin without news")
    assert saved["code"] == "BERLIN" and saved["no_of_actions"] == 2
    assert [a["action"] for a in saved["actions"]] == ["add", "reduce"]
    Contact.update(city="Berlin").where(Contact.no == "P30").execute()  # today's data differ
    two = segments.new_segment("Two")["no"]
    assert criteria.reuse_criteria(two, "Berlin") == {"added": 5, "removed": 2, "no_of_lines": 3}
    assert contacts_on(two) == ["P30", "C1", "P12"]
    # Each replayed action is its own step.
    assert [a["action"] for a in segments.get_segment(two)["criteria"]] == ["add", "reduce"]
    criteria.go_back(two)
    assert len(contacts_on(two)) == 5


def test_reuse_needs_confirmation_when_the_segment_has_actions(seg):
    criteria.add_contacts(seg, [("city", "Paris")])
    criteria.save_criteria(seg, "PARIS")
    with pytest.raises(SegtuiError, match="--yes"):
        criteria.reuse_criteria(seg, "PARIS")
    assert segments.count_lines(seg) == 1
    assert criteria.reuse_criteria(seg, "PARIS", confirm=True)["added"] == 0  # already there


def test_reuse_respects_exclusions_unless_the_action_ignored_them(seg):
    criteria.add_contacts(seg, [("city", "London")])
    criteria.save_criteria(seg, "LONDON")
    criteria.go_back(seg)
    criteria.add_contacts(seg, [("city", "London")], ignore_exclusion=True)
    criteria.save_criteria(seg, "LONDONALL")
    a, b = segments.new_segment("a")["no"], segments.new_segment("b")["no"]
    criteria.reuse_criteria(a, "LONDON")
    criteria.reuse_criteria(b, "LONDONALL")
    assert contacts_on(a) == ["C2"] and contacts_on(b) == ["C2", "P21"]


def test_reuse_honours_entire_companies_in_refine(seg):
    criteria.add_contacts(seg, [])
    criteria.refine_contacts(seg, [("city", "Hamburg")], entire_companies=True)
    criteria.save_criteria(seg, "HAMCO")
    other = segments.new_segment("o")["no"]
    criteria.reuse_criteria(other, "HAMCO")
    assert contacts_on(other) == ["C1", "P12", "P11"]


def test_reuse_replays_manual_adds_and_removals(seg):
    segments.add_contact(seg, "P30")
    criteria.add_contacts(seg, [("city", "Berlin")])
    segments.remove_line(seg, line_of(seg, "P11").line_no)
    criteria.save_criteria(seg, "HAND")
    other = segments.new_segment("o")["no"]
    criteria.reuse_criteria(other, "HAND")
    assert contacts_on(other) == contacts_on(seg)


def test_save_criteria_refusals(seg):
    with pytest.raises(SegtuiError, match="no criteria actions to save"):
        criteria.save_criteria(seg, "EMPTY")
    criteria.add_contacts(seg, [])
    criteria.save_criteria(seg, "ALL")
    with pytest.raises(SegtuiError, match="exist already"):
        criteria.save_criteria(seg, "all")
    with pytest.raises(SegtuiError, match="code is required"):
        criteria.save_criteria(seg, " ")
    with pytest.raises(SegtuiError, match="longer than 20"):
        criteria.save_criteria(seg, "X" * 21)
    with pytest.raises(NotFound, match="SM00404"):
        criteria.save_criteria("SM00404", "OTHER")
    assert [c["code"] for c in criteria.list_criteria()] == ["ALL"]


def test_list_show_delete_criteria(seg):
    criteria.add_contacts(seg, [("city", "Berlin")], expand_contact=True)
    criteria.save_criteria(seg, "B1", "Berlin")
    assert criteria.list_criteria()[0]["no_of_actions"] == 1
    shown = criteria.show_criteria("b1")
    assert shown["description"] == "Berlin" and shown["actions"][0]["expand_contact"] is True
    assert shown["actions"][0]["filters"] == [{"source": "contact", "field": "city", "expression": "Berlin"}]
    assert criteria.delete_criteria("B1") == {"deleted": "B1"}
    assert criteria.list_criteria() == []
    with pytest.raises(NotFound, match="'B1'"):
        criteria.show_criteria("B1")
    with pytest.raises(NotFound):
        criteria.delete_criteria("B1")
    with pytest.raises(NotFound):
        criteria.reuse_criteria(seg, "B1", confirm=True)


# --- reuse logged -------------------------------------------------------------------------------

def test_reuse_logged_adds_its_contacts_respecting_exclusions(seg):
    entry = LoggedSegment.get().entry_no
    assert criteria.reuse_logged(seg, entry) == {"added": 1, "no_of_lines": 1}  # P21 is excluded
    assert contacts_on(seg) == ["P30"]
    action = segments.get_segment(seg)["criteria"][0]
    assert action["action"] == "reuse_logged" and action["reference"] == str(entry)
    assert criteria.reuse_logged(seg, entry, confirm=True, ignore_exclusion=True)["added"] == 1


def test_reuse_logged_refusals(seg):
    with pytest.raises(NotFound, match="logged segment 777"):
        criteria.reuse_logged(seg, 777)
    with pytest.raises(SegtuiError, match="not a number"):
        criteria.reuse_logged(seg, "abc")
    criteria.add_contacts(seg, [("city", "Berlin")])
    with pytest.raises(SegtuiError, match="--yes"):
        criteria.reuse_logged(seg, LoggedSegment.get().entry_no)
    assert segments.count_lines(seg) == 3


# --- apply mailing group ------------------------------------------------------------------------

def members(code):
    group = ContactMailingGroup
    return sorted(r.contact_no for r in group.select().where(group.mailing_group_code == code))


def test_apply_mailing_group_gives_the_segments_contacts_the_group(seg):
    criteria.add_contacts(seg, [("city", "Berlin")])
    assert criteria.apply_mailing_group(seg, "vip")["applied"] == 3
    assert members("VIP") == ["C1", "C2", "P11", "P22"]
    criteria.apply_mailing_group(seg, "VIP")  # again: no duplicate links
    assert members("VIP") == ["C1", "C2", "P11", "P22"]


def test_apply_mailing_group_delete_old_first_takes_it_from_everyone(seg):
    criteria.add_contacts(seg, [("city", "Berlin")])
    criteria.apply_mailing_group(seg, "VIP", delete_old=True)
    assert members("VIP") == ["C1", "P11", "P22"]


def test_apply_mailing_group_refuses_an_unknown_group(seg):
    criteria.add_contacts(seg, [("city", "Berlin")])
    with pytest.raises(NotFound, match="mailing group 'NOPE'"):
        criteria.apply_mailing_group(seg, "nope", delete_old=True)
    assert members("VIP") == ["C2"]


# --- the same on PostgreSQL (with SEGTUI_TEST_PG=postgresql://...) -------------------------------

def engine_flow():
    """Every kind of action once; the lines after each, for comparing two databases."""
    seen = {}
    no = segments.new_segment("Flow", template_code="LTR")["no"]
    criteria.add_contacts(no, [("city", "Berlin")], expand_contact=True, allow_company_with_persons=True)
    seen["add"] = contacts_on(no)
    criteria.add_contacts(no, [("interaction.evaluation", "positive")])
    criteria.add_contacts(no, [("industry_group", "RET")], allow_existing=True)
    seen["sources"] = contacts_on(no)
    seen["dry"] = criteria.reduce_contacts(no, [("no", "P12")], entire_companies=True, dry_run=True)["would_remove"]
    criteria.reduce_contacts(no, [("no", "P12")], entire_companies=True)
    seen["reduce"] = contacts_on(no)
    criteria.go_back(no)
    criteria.refine_contacts(no, [("mailing_group", "NEWS|VIP")], entire_companies=True)
    seen["refine"] = contacts_on(no)
    seen["lines"] = [(r["contact_no"], r["correspondence_type"], r["language_code"], r["salesperson_code"])
                     for r in segments.lines(no)]
    segments.set_header(no, {"salesperson_code": "AL", "template": "MAIL"}, update_lines=True)
    seen["updated"] = [(r["salesperson_code"], r["interaction_template_code"], r["correspondence_type"])
                       for r in segments.lines(no)]
    criteria.save_criteria(no, "FLOW")
    other = segments.new_segment("Other")["no"]
    seen["reuse"] = criteria.reuse_criteria(other, "FLOW")
    seen["logged"] = criteria.reuse_logged(other, LoggedSegment.get().entry_no, confirm=True)
    seen["applied"] = criteria.apply_mailing_group(other, "VIP", delete_old=True)
    seen["go_back"] = criteria.go_back(other, steps=10)
    return seen


def test_postgresql_gives_the_same_results_as_sqlite(small, monkeypatch):
    import os

    from segtui import db as dbmod
    from segtui.models import ALL_MODELS, database

    url = os.environ.get("SEGTUI_TEST_PG")
    if not url:
        pytest.skip("set SEGTUI_TEST_PG=postgresql://... to run the engine on PostgreSQL too")
    on_sqlite = engine_flow()
    small.close()
    pg = dbmod.open_database(url)
    try:
        database.drop_tables(ALL_MODELS, safe=True)
        dbmod.init_database()
        build_small()
        assert engine_flow() == on_sqlite
    finally:
        database.drop_tables(ALL_MODELS, safe=True)
        pg.close()


def test_two_users_adding_to_one_segment_at_once_take_turns(small):
    import threading

    from segtui.models import database

    no = segments.new_segment("Busy")["no"]
    errors = []

    def add(filters):
        try:
            criteria.add_contacts(no, filters)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            database.close()  # this thread's own connection

    threads = [threading.Thread(target=add, args=([("city", city)],)) for city in ("Berlin", "Paris", "Hamburg")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(contacts_on(no)) == ["C1", "P11", "P12", "P22", "P30"]
    assert len({r.line_no for r in SegmentLine.select()}) == 5
    assert len(segments.get_segment(no)["criteria"]) == 3
