"""End to end through the real `segtui` entry point on demo data.

New segment, add by city, refine by salesperson, reduce by mailing group, go back, save criteria,
reuse them on a second segment, log with follow-up, cancel and restore, evaluate, resend. Every
count is checked against SQL written here, not against what the service answered.
"""
import sqlite3

import pytest


@pytest.fixture
def sql(db_path):
    """Independent SQL on the same database file (a separate connection)."""
    def run(query, *params):
        con = sqlite3.connect(str(db_path))
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()
    return run


def one(sql, query, *params):
    return sql(query, *params)[0][0]


LINES = "FROM segment_line WHERE removed_by IS NULL AND segment_no = ?"  # a removed line stays, parked


def segment_contacts(sql, no):
    return {r[0] for r in sql("SELECT contact_no " + LINES, no)}


def ok(result):
    code, data, err = result
    assert code == 0, err
    return data


def test_segment_scenario_end_to_end(demo_db, run_cli, sql):
    demo_db.close()  # the command line works on the file; this test only reads it with sqlite3
    # Data to work with, chosen by SQL: the busiest city, its busiest salesperson, a mailing group.
    city = one(sql, "SELECT city FROM contact GROUP BY city ORDER BY COUNT(*) DESC, city LIMIT 1")
    person = one(sql, "SELECT salesperson_code FROM contact WHERE city = ? AND salesperson_code <> '' "
                      "GROUP BY salesperson_code ORDER BY COUNT(*) DESC, salesperson_code LIMIT 1", city)
    group = one(sql, "SELECT m.mailing_group_code FROM contact_mailing_group m JOIN contact c ON c.no = m.contact_no "
                     "WHERE c.city = ? AND c.salesperson_code = ? GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1",
                city, person)
    template = one(sql, "SELECT template_code FROM interaction_template_attachment ORDER BY template_code LIMIT 1")

    header = ok(run_cli("segment", "new", "--description", "Spring mailing", "--template", template.lower(),
                        "--salesperson", person))
    no = header["no"]
    assert one(sql, "SELECT interaction_template_code FROM segment_header WHERE no = ?", no) == template

    in_city = {r[0] for r in sql("SELECT no FROM contact WHERE city = ? AND exclude_from_segment = 0", city)}
    added = ok(run_cli("segment", "add", no, "--filter", f"city={city}"))
    assert added["added"] == len(in_city) > 0
    assert segment_contacts(sql, no) == in_city

    with_person = {r[0] for r in sql("SELECT no FROM contact WHERE city = ? AND exclude_from_segment = 0 "
                                     "AND salesperson_code = ?", city, person)}
    ok(run_cli("segment", "refine", no, "--filter", f"salesperson_code={person}"))
    assert segment_contacts(sql, no) == with_person and 0 < len(with_person) < len(in_city)

    in_group = {r[0] for r in sql("SELECT contact_no FROM contact_mailing_group WHERE mailing_group_code = ?", group)}
    edited = sorted(with_person & in_group)[0]
    edited_line = one(sql, "SELECT line_no " + LINES + " AND contact_no = ?", no, edited)
    ok(run_cli("segment", "set-line", no, edited_line, "personal_note=See you at the fair", "evaluation=positive"))
    reduced = ok(run_cli("segment", "reduce", no, "--filter", f"mailing_group={group}"))
    assert segment_contacts(sql, no) == with_person - in_group
    assert reduced["removed"] == len(with_person & in_group) > 0

    # A line edit, then go back: the reduced lines return with nothing lost.
    back = ok(run_cli("segment", "go-back", no))
    assert back["undone"] == 1 and segment_contacts(sql, no) == with_person
    assert sql("SELECT personal_note, evaluation " + LINES + " AND line_no = ?",
               no, edited_line) == [("See you at the fair", "positive")]
    assert one(sql, "SELECT COUNT(*) FROM segment_criteria_line WHERE segment_no = ? AND kind = 'action'", no) == 2

    saved = ok(run_cli("segment", "save-criteria", no, "spring", "--description", "City and salesperson"))
    assert saved["code"] == "SPRING"
    assert one(sql, "SELECT COUNT(*) FROM saved_segment_criteria_line WHERE criteria_code = 'SPRING' "
                    "AND kind = 'action'") == 2

    second = ok(run_cli("segment", "new", "--description", "Second wave", "--template", template,
                        "--salesperson", person))["no"]
    reused = ok(run_cli("segment", "reuse-criteria", second, "SPRING"))
    assert segment_contacts(sql, second) == with_person
    assert reused["no_of_lines"] == one(sql, "SELECT COUNT(*) " + LINES, second)
    code, _, err = run_cli("segment", "reuse-criteria", second, "SPRING")
    assert code == 1 and "--yes" in err  # it has actions now: confirmation needed
    assert segment_contacts(sql, second) == with_person

    logged = ok(run_cli("segment", "log", second, "--follow-up"))
    entry = logged["logged_segment_entry_no"]
    assert one(sql, "SELECT COUNT(*) FROM interaction_log_entry WHERE logged_segment_entry_no = ?", entry) == \
        len(with_person)
    assert one(sql, "SELECT COUNT(*) FROM segment_header WHERE no = ?", second) == 0
    follow = logged["follow_up_segment_no"]
    assert one(sql, "SELECT description FROM segment_header WHERE no = ?", follow) == f"Follow-up on segment {second}"
    assert segment_contacts(sql, follow) == {
        r[0] for r in sql("SELECT e.contact_no FROM interaction_log_entry e JOIN contact c ON c.no = e.contact_no "
                          "WHERE e.logged_segment_entry_no = ? AND c.exclude_from_segment = 0", entry)}

    ok(run_cli("logged", "toggle-canceled", entry))
    assert one(sql, "SELECT COUNT(*) FROM interaction_log_entry WHERE logged_segment_entry_no = ? AND canceled = 0",
               entry) == 0
    ok(run_cli("logged", "toggle-canceled", entry))
    assert one(sql, "SELECT COUNT(*) FROM interaction_log_entry WHERE logged_segment_entry_no = ? AND canceled = 1",
               entry) == 0

    entries = [r[0] for r in sql("SELECT entry_no FROM interaction_log_entry WHERE logged_segment_entry_no = ? "
                                 "ORDER BY entry_no LIMIT 2", entry)]
    ok(run_cli("interactions", "evaluate", *entries, "--evaluation", "positive"))
    assert one(sql, "SELECT COUNT(*) FROM interaction_log_entry WHERE logged_segment_entry_no = ? "
                    "AND evaluation = 'positive'", entry) == len(entries)

    before = one(sql, "SELECT COUNT(*) FROM interaction_log_entry")
    resent = ok(run_cli("interactions", "resend", entries[0], "--correspondence-type", "hard_copy"))
    assert one(sql, "SELECT COUNT(*) FROM interaction_log_entry") == before + 1 == before + len(resent["entries"])
    description = one(sql, "SELECT description FROM interaction_log_entry WHERE entry_no = ?", entries[0])
    new_description, new_contact = sql("SELECT description, contact_no FROM interaction_log_entry "
                                       "ORDER BY entry_no DESC LIMIT 1")[0]
    assert new_description == ("Resend: " + description)[:100]
    assert new_contact == one(sql, "SELECT contact_no FROM interaction_log_entry WHERE entry_no = ?", entries[0])

    # The first segment is still open with its criteria; unknown things are refused by name.
    shown = ok(run_cli("segment", "show", no))
    assert [a["action"] for a in shown["criteria"]] == ["add", "refine"]
    code, _, err = run_cli("segment", "add", "SM99999", "--filter", f"city={city}")
    assert code == 1 and "SM99999" in err
    code, _, err = run_cli("segment", "add", no, "--filter", "city=(x")
    assert code == 1 and "position" in err
    assert segment_contacts(sql, no) == with_person
