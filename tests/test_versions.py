"""Optimistic versions: a change made from a stale read is refused (exit 3) and changes nothing."""
import json
import os
import subprocess
import sys

import pytest

from segtui.errors import Conflict, NoLongerOpen, NotFound, SegtuiError
from segtui.models import SegmentHeader, SegmentLine
from segtui.services import criteria, segments, versions
from segtui.services.segment_log import log_segment

from test_segments import build_small


@pytest.fixture
def small(db):
    build_small()
    return db


@pytest.fixture
def seg(small):
    no = segments.new_segment("Versions")["no"]
    criteria.add_contacts(no, [("city", "Berlin")])
    return no


def test_show_and_lines_carry_a_version_that_changes_with_every_change(seg):
    before = segments.get_segment(seg)["version"]
    line = segments.lines(seg)[0]
    assert isinstance(line["version"], int) and 0 < line["version"] < 2 ** 53
    assert segments.get_line(seg, line["line_no"])["version"] == line["version"]
    segments.set_line(seg, line["line_no"], {"description": "changed"})
    assert segments.get_line(seg, line["line_no"])["version"] != line["version"]
    # Another line keeps its version: only what changed is stale.
    other = segments.lines(seg)[1]
    segments.set_line(seg, line["line_no"], {"evaluation": "positive"})
    assert segments.get_line(seg, other["line_no"])["version"] == other["version"]
    assert segments.get_segment(seg)["version"] > before


def test_stale_header_change_is_a_conflict_that_says_what_changed_and_changes_nothing(seg):
    read = segments.get_segment(seg)["version"]
    segments.set_header(seg, {"description": "first user"}, expected_version=read)
    with pytest.raises(Conflict, match=r"changed by another user since you read it: version was \d+, now \d+ "
                                       r"\(description is now 'first user'\)"):
        segments.set_header(seg, {"description": "second user"}, expected_version=read)
    assert SegmentHeader.get_by_id(seg).description == "first user"


def test_stale_line_change_is_a_conflict_and_changes_nothing(seg):
    line = segments.lines(seg)[0]
    segments.set_line(seg, line["line_no"], {"description": "first user"}, expected_version=line["version"])
    with pytest.raises(Conflict, match=f"segment {seg} line {line['line_no']} was changed by another user.*"
                                       f"description is now 'first user', contact_no is now '{line['contact_no']}'"):
        segments.set_line(seg, line["line_no"], {"description": "second user", "contact": "P30"},
                          expected_version=line["version"])
    row = SegmentLine.get((SegmentLine.segment_no == seg) & (SegmentLine.line_no == line["line_no"]))
    assert row.description == "first user" and row.contact_no == line["contact_no"]


def test_current_version_is_accepted_and_no_version_means_no_check(seg):
    line = segments.lines(seg)[0]
    segments.set_line(seg, line["line_no"], {"subject": "a"}, expected_version=line["version"])
    segments.set_line(seg, line["line_no"], {"subject": "b"})
    assert segments.get_line(seg, line["line_no"])["subject"] == "b"


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5"], ids=["word", "negative", "fraction"])
def test_a_version_that_is_not_a_number_is_refused(seg, bad):
    with pytest.raises(SegtuiError, match="--if-version"):
        segments.set_header(seg, {"description": "x"}, expected_version=versions.parse_expected(bad))


def test_check_version_works_for_a_row_without_a_version_column(small):
    """A segment line has no version column: its version comes from its values."""
    seg = segments.new_segment("Lines")["no"]
    segments.add_contact(seg, "P30")
    line = SegmentLine.get(SegmentLine.segment_no == seg)
    read = versions.version_of(line)
    versions.check_version(line, read, "line")
    SegmentLine.update(description="changed behind the user's back").where(SegmentLine.id == line.id).execute()
    with pytest.raises(Conflict, match="line was changed by another user since you read it"):
        versions.check_version(SegmentLine.get_by_id(line.id), read, "line")


def test_content_version_ignores_how_an_amount_was_read(small):
    import decimal

    assert versions.content_version({"cost": decimal.Decimal("7.50")}) == versions.content_version({"cost": 7.5})


def test_changing_a_segment_logged_or_deleted_meanwhile_is_a_conflict(seg):
    other = segments.new_segment("to delete")["no"]
    segments.delete_segment(other)
    with pytest.raises(NoLongerOpen, match="deleted"):
        criteria.add_contacts(other, [("city", "Paris")])
    segments.set_header(seg, {"template": "LTR", "salesperson": "AL"}, update_lines=True)
    log_segment(seg)
    for change in (lambda: criteria.add_contacts(seg, [("city", "Paris")]),
                   lambda: criteria.reduce_contacts(seg, [("city", "Berlin")]),
                   lambda: criteria.go_back(seg),
                   lambda: segments.set_line(seg, 10, {"description": "x"})):
        with pytest.raises(Conflict, match="no longer open"):
            change()
    # Reading a logged segment or changing one that never existed stays "not found" (exit 1).
    with pytest.raises(NotFound) as info:
        segments.get_segment(seg)
    assert not isinstance(info.value, Conflict)
    with pytest.raises(NotFound) as info:
        criteria.add_contacts("SM12345", [("city", "Paris")])
    assert info.value.exit_code == 1


# --- two real processes on one database file --------------------------------------------------

def _cli(db_path, tmp_path, *args):
    env = dict(os.environ, SEGTUI_DB=str(db_path), SEGTUI_CONFIG=str(tmp_path / "settings.toml"),
               SEGTUI_DATA_DIR=str(tmp_path / "data"))
    return subprocess.Popen([sys.executable, "-m", "segtui", *map(str, args), "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _done(proc):
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def test_two_processes_set_the_same_header_from_the_same_read_one_wins(seg, db_path, tmp_path):
    read = segments.get_segment(seg)["version"]
    procs = [_cli(db_path, tmp_path, "segment", "set", seg, f"description=user {i}", "--if-version", read)
             for i in (1, 2)]
    results = [_done(p) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 3], results
    winner = next(out for code, out, _ in results if code == 0)
    loser_err = next(err for code, _, err in results if code == 3)
    assert "changed by another user since you read it" in loser_err and "Traceback" not in loser_err
    SegmentHeader._meta.database.close()  # read what the processes wrote, not a cached snapshot
    assert SegmentHeader.get_by_id(seg).description == json.loads(winner)["description"]


def test_two_processes_set_the_same_line_from_the_same_read_one_wins(seg, db_path, tmp_path):
    line = segments.lines(seg)[0]
    first = _done(_cli(db_path, tmp_path, "segment", "set-line", seg, line["line_no"], "description=first",
                       "--if-version", line["version"]))
    assert first[0] == 0 and json.loads(first[1])["version"] != line["version"]
    second = _done(_cli(db_path, tmp_path, "segment", "set-line", seg, line["line_no"], "description=second",
                        "--if-version", line["version"]))
    assert second[0] == 3 and "changed by another user since you read it" in second[2]
    shown = json.loads(_done(_cli(db_path, tmp_path, "segment", "lines", seg))[1])
    assert shown[0]["description"] == "first" and shown[0]["version"] == json.loads(first[1])["version"]


def test_cli_refuses_a_bad_version_with_exit_1(seg, db_path, tmp_path):
    code, _, err = _done(_cli(db_path, tmp_path, "segment", "set", seg, "description=x", "--if-version", "abc"))
    assert code == 1 and "--if-version" in err
