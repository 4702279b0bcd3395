"""The header's kept line count (schema 10): every change of lines carries it on, so an action
answers without counting; a change that does not carry it on leaves it unknown, and the lines are
counted again. Checked against the lines themselves after each step, on both databases."""
import pytest

from segtui import db as dbmod
from segtui.models import SchemaInfo, SegmentHeader, SegmentLine, database
from segtui.services import criteria, segment_log, segments
from test_segments import build_small
from test_set_based import StatementCounter, add_contacts


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request):
    request.getfixturevalue("db" if request.param == "sqlite" else "pg")  # PostgreSQL skips without a server
    build_small()
    return request.param


def real(no):
    return SegmentLine.select().where(SegmentLine.live(no)).count()


def kept(no):
    """The header's count when it is known (right for its version), else None."""
    header = SegmentHeader.get_by_id(no)
    return header.line_count if header.line_count_version == header.version else None


def assert_right(no, step):
    assert kept(no) == real(no), step
    assert segments.count_lines(no) == real(no), step


def test_every_change_of_lines_carries_the_count_on(world):
    add_contacts(600)
    no = segments.new_segment("Count", template_code="LTR", salesperson_code="AL")["no"]
    assert kept(no) is None and segments.count_lines(no) == 0  # a new segment: unknown, counted
    steps = [
        ("add", lambda: criteria.add_contacts(no, [("city", "Berlin")])),
        ("add more", lambda: criteria.add_contacts(no, [("city", "Munich")])),
        ("add a contact by hand", lambda: segments.add_contact(no, "P21")),
        ("a line's own values", lambda: segments.set_line(no, segments.lines(no, limit=1)[0]["line_no"],
                                                          {"personal_note": "Hi"})),
        ("a contact swapped", lambda: segments.set_line(no, segments.lines(no, limit=2)[1]["line_no"],
                                                        {"contact_no": "P30"})),
        ("reduce", lambda: criteria.reduce_contacts(no, [("mailing_group", "NEWS")])),
        ("reduce, entire companies", lambda: criteria.reduce_contacts(no, [("no", "X000010")],
                                                                      entire_companies=True)),
        ("refine", lambda: criteria.refine_contacts(no, [("city", "Berlin")])),
        ("a line removed by hand", lambda: segments.remove_line(no, segments.lines(no, limit=1)[0]["line_no"])),
        ("header changed, lines follow", lambda: segments.set_header(no, {"description": "New"}, update_lines=True)),
        ("reduce of nothing", lambda: criteria.reduce_contacts(no, [("city", "Nowhere")])),
    ]
    counts = []
    for step, change in steps:
        result = change()
        assert_right(no, step)
        if isinstance(result, dict) and "no_of_lines" in result:
            assert result["no_of_lines"] == real(no), step
        counts.append(real(no))
    assert len(set(counts)) > 5  # the steps did change the number of lines
    actions = len(segments.get_segment(no)["criteria"])
    assert actions == 9  # the line's own values and the header change are no criteria actions
    for step in range(actions):  # back step by step, each action undone
        result = criteria.go_back(no)
        assert result["no_of_lines"] == real(no)
        assert_right(no, f"go back {step + 1}")
    assert real(no) == 0


def test_reused_criteria_and_logged_segments_and_follow_ups_keep_it_too(world):
    add_contacts(300)
    first = segments.new_segment("First", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(first, [("city", "Berlin")])
    criteria.refine_contacts(first, [("mailing_group", "NEWS")])
    criteria.save_criteria(first, "COUNTED")
    second = segments.new_segment("Second", template_code="LTR", salesperson_code="AL")["no"]
    assert criteria.reuse_criteria(second, "COUNTED")["no_of_lines"] == real(second) > 0
    assert_right(second, "reuse criteria")
    logged = segment_log.log_segment(first, follow_up=True, user_id="test")
    follow = logged["follow_up_segment_no"]
    assert_right(follow, "follow-up")
    assert real(follow) == real(second)
    third = segments.new_segment("Third", template_code="LTR", salesperson_code="AL")["no"]
    criteria.reuse_logged(third, logged["logged_segment_entry_no"])
    assert_right(third, "reuse logged")
    criteria.go_back(third)
    assert_right(third, "reuse logged undone")
    assert real(third) == 0


def test_a_change_that_does_not_carry_the_count_on_makes_it_counted_again(world):
    no = segments.new_segment("Foreign", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [])
    assert kept(no) == 6
    # Another program adds a line and bumps the version (as every change must) but keeps no count.
    SegmentLine.create(segment_no=no, line_no=999_990, contact_no="P21")
    SegmentHeader.update(version=SegmentHeader.version + 1).where(SegmentHeader.no == no).execute()
    assert kept(no) is None and segments.count_lines(no) == 7
    assert criteria.reduce_contacts(no, [("no", "P30")])["no_of_lines"] == 6  # counted once, then kept
    assert_right(no, "after the next action")


def test_a_failed_action_leaves_the_count_as_it_was(world):
    no = segments.new_segment("Failed", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [])
    with pytest.raises(RuntimeError):
        with dbmod.transaction():
            criteria.reduce_contacts(no, [("city", "Berlin")])
            raise RuntimeError("stop")
    assert kept(no) == real(no) == 6


def test_an_action_on_a_known_count_counts_no_lines(world):
    add_contacts(300)
    no = segments.new_segment("Statements", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [("city", "Berlin")])
    with StatementCounter(database.obj) as seen:
        criteria.reduce_contacts(no, [("mailing_group", "NEWS")])
        criteria.go_back(no)
        criteria.add_contacts(no, [("city", "Munich")])
    counts = [s for s in seen.statements if s.upper().startswith("SELECT COUNT") and '"segment_line"' in s]
    assert seen.statements and counts == []
    assert_right(no, "after the three actions")


def test_upgrading_to_schema_10_counts_each_segment_once(world):
    no = segments.new_segment("Upgrade", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [])
    for column in ("line_count", "line_count_version"):
        database.execute_sql(f"ALTER TABLE segment_header DROP COLUMN {column}")
    SchemaInfo.update(version=9).execute()

    assert dbmod.init_database() == dbmod.SCHEMA_VERSION >= 10
    dbmod._upgrade_to_10()  # again: the columns are there, no error
    assert kept(no) is None and segments.count_lines(no) == 6
    criteria.reduce_contacts(no, [("city", "Berlin")])
    assert_right(no, "the first action after the upgrade")
