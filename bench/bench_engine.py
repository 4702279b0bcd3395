"""Benchmark: add, refine, reduce and go back on a large demo, next to raw SQLite.

    python bench/bench_engine.py [--contacts 100000] [--db PATH]

For each action it prints segtui's time, the time of a raw-SQLite statement that does the
same row work (an INSERT ... SELECT of the same rows, a DELETE ... WHERE of the same rows) on
the same file, and the ratio. segtui does more than the raw statement (line defaults, history
for undo, the criteria record), so a ratio of a few is expected; a ratio in the hundreds
would mean a per-row loop crept in.
"""
import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from peewee import fn  # noqa: E402

from segtui import db as dbmod  # noqa: E402
from segtui.models import Contact, InteractionTemplate, Salesperson, SegmentLine  # noqa: E402
from segtui.services import criteria, demo, segments  # noqa: E402

RAW_COLUMNS = ("segment_no, line_no, contact_no, contact_company_no, correspondence_type, interaction_template_code, "
               "interaction_group_code, language_code, subject, description, date, cost, duration_min, "
               "salesperson_code, campaign_no, campaign_target, campaign_response, information_flow, initiated_by, "
               "evaluation, attempt_failed, personal_note, attachment_name")


def raw_insert(path, segment_no, where, params=()):
    """The same rows as an add, written by one hand-made INSERT ... SELECT."""
    con = sqlite3.connect(path)
    start = time.perf_counter()
    con.execute(
        f"INSERT INTO segment_line ({RAW_COLUMNS}) "
        "SELECT ?, 10 * ROW_NUMBER() OVER (ORDER BY company_name, company_no, type, name, no), no, company_no, "
        "CASE WHEN correspondence_type = '' THEN 'hard_copy' ELSE correspondence_type END, 'T', 'G', "
        "language_code, '', 'bench', '2026-01-01', 1.2, 0, salesperson_code, '', 0, 0, 'outbound', 'us', '', 0, '', '' "
        f"FROM contact WHERE {where}", (segment_no, *params))
    con.commit()
    took = time.perf_counter() - start
    con.close()
    return took


def raw_sql(path, statement, params=()):
    con = sqlite3.connect(path)
    start = time.perf_counter()
    con.execute(statement, params)
    con.commit()
    took = time.perf_counter() - start
    con.close()
    return took


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def row(name, ours, raw, rows):
    ratio = f"{ours / raw:6.1f}x" if raw else "   n/a"
    print(f"{name:<34} {rows:>9,} rows  segtui {ours:7.3f} s   raw SQLite {raw:7.3f} s   ratio {ratio}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="database file (default: a new temporary file)")
    args = parser.parse_args()
    path = args.db or os.path.join(tempfile.mkdtemp(prefix="segtui-bench-"), "bench.db")

    database = dbmod.open_database(path)
    fresh = not Contact.table_exists() or Contact.select().count() == 0
    dbmod.init_database()
    if fresh:
        took, _ = timed(demo.fill_demo, contacts=args.contacts, seed=args.seed)
        print(f"demo: {args.contacts:,} contacts in {took:.1f} s ({path})")
    total = Contact.select().count()
    template = InteractionTemplate.select().order_by(InteractionTemplate.code).first().code
    salesperson = Salesperson.select().order_by(Salesperson.code).first().code
    selectable = Contact.select().where(Contact.exclude_from_segment == False).count()  # noqa: E712
    print(f"{total:,} contacts, {selectable:,} not excluded; template {template}, salesperson {salesperson}\n")

    raw_sql(path, "DELETE FROM segment_line WHERE segment_no LIKE 'RAW%'")  # left by an earlier run
    no = segments.new_segment("Bench", template_code=template, salesperson_code=salesperson)["no"]

    # Add every contact (one INSERT ... SELECT with the line rules, plus history and criteria).
    ours, result = timed(criteria.add_contacts, no, [])
    raw = raw_insert(path, "RAW1", "exclude_from_segment = 0")
    row("add (all contacts)", ours, raw, result["added"])
    raw_sql(path, "DELETE FROM segment_line WHERE segment_no = 'RAW1' AND removed_by IS NULL")

    # Dry run of an add by a wildcard filter, and the add itself on a second segment.
    ours_dry, dry = timed(criteria.add_contacts, no, [("city", "@b*")], allow_existing=True, dry_run=True)
    second = segments.new_segment("Bench 2", template_code=template)["no"]
    ours, result = timed(criteria.add_contacts, second, [("city", "@b*")], expand_contact=True)
    raw = raw_insert(path, "RAW2",
                     "exclude_from_segment = 0 AND COALESCE(NULLIF(company_no, ''), no) IN "
                     "(SELECT COALESCE(NULLIF(company_no, ''), no) FROM contact WHERE lower(city) LIKE 'b%')")
    row("add city=@b* --expand-contact", ours, raw, result["added"])
    print(f"{'  (dry run of city=@b*: ' + format(dry['would_add'], ',') + ' contacts)':<50} {ours_dry:7.3f} s")
    raw_sql(path, "DELETE FROM segment_line WHERE segment_no = 'RAW2' AND removed_by IS NULL")

    # Refine the full segment to one country: the rest are deleted, with history for undo.
    country = (Contact.select(Contact.country_code).group_by(Contact.country_code)
               .order_by(fn.COUNT(Contact.no).desc()).first().country_code)
    raw_insert(path, "RAW3", "exclude_from_segment = 0")
    ours, result = timed(criteria.refine_contacts, no, [("country_code", country)])
    raw = raw_sql(path, "DELETE FROM segment_line WHERE segment_no = 'RAW3' AND removed_by IS NULL AND contact_no "
                        "NOT IN (SELECT no FROM contact WHERE country_code = ?)", (country,))
    row(f"refine country_code={country}", ours, raw, result["removed"])
    after_refine = result["no_of_lines"]

    # Go back: the deleted lines return, with their fields, from the history.
    raw_sql(path, "DELETE FROM segment_line WHERE segment_no = 'RAW3' AND removed_by IS NULL")
    ours, result = timed(criteria.go_back, no)
    raw = raw_insert(path, "RAW3", "exclude_from_segment = 0 AND country_code <> ?", (country,))
    row("go-back (refine undone)", ours, raw, result["no_of_lines"] - after_refine)
    raw_sql(path, "DELETE FROM segment_line WHERE segment_no = 'RAW3' AND removed_by IS NULL")

    # Reduce by a mailing group with entire companies.
    group = "NEWS"
    raw_insert(path, "RAW4", "exclude_from_segment = 0")
    ours, result = timed(criteria.reduce_contacts, no, [("mailing_group", group)], entire_companies=True)
    raw = raw_sql(path, "DELETE FROM segment_line WHERE segment_no = 'RAW4' AND removed_by IS NULL AND "
                        "COALESCE(NULLIF(contact_company_no, ''), contact_no) IN ("
                        "SELECT COALESCE(NULLIF(c.company_no, ''), c.no) FROM contact c "
                        "JOIN contact_mailing_group m ON m.contact_no = c.no "
                        "WHERE m.mailing_group_code = ?)", (group,))
    row(f"reduce mailing_group={group} --entire", ours, raw, result["removed"])
    raw_sql(path, "DELETE FROM segment_line WHERE segment_no = 'RAW4' AND removed_by IS NULL")

    # Paging the lines by key near the end of the big segment.
    last = SegmentLine.select(SegmentLine.line_no).where(SegmentLine.live(no)).order_by(
        SegmentLine.line_no.desc()).offset(150).limit(1).scalar()
    took, page = timed(segments.lines, no, limit=100, after_line_no=last)
    print(f"{'lines page of 100 by key near the end':<50} {took:7.3f} s ({len(page)} lines)")
    database.close()


if __name__ == "__main__":
    main()
