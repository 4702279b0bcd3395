"""How a removal can keep what go back needs, statement by statement (bench/notes.md, "Undo").

    python bench/bench_removal.py --cache /tmp/benchcache            # SQLite, 100,000 contacts
    python bench/bench_removal.py --pg postgresql://user@host/db     # PostgreSQL (emptied, filled)

On a segment of the demo's contacts in DE and GB, each way of deleting the lines of mailing
group NEWS (15,986 of 34,539 lines at 100,000 contacts) is run in a transaction that is then
rolled back (so the commit is not in the figures), the ways taking turns; min and median in ms
and the ratio to a plain DELETE:
  plain       DELETE ... WHERE (what the bench's raw side runs; it keeps nothing)
  returning   DELETE ... RETURNING the line numbers, contacts and defaults, read into Python and
              written there as JSON (an earlier round's way; no history row)
  segtui      what segtui runs (history._delete_lines_*): on SQLite a trigger of the connection
              into a temporary table, on PostgreSQL one statement that groups the lines with
              their row addresses, deletes them by those and writes the history row from the groups
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_ops import BROAD, GROUP, Setting  # noqa: E402
from segtui.models import SegmentLine, database  # noqa: E402
from segtui.services import criteria, history, segments  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--cache", default="bench/.cache", help="folder that keeps the SQLite demo databases")
    parser.add_argument("--pg", help="a PostgreSQL URL (its tables are emptied and filled with the demo)")
    args = parser.parse_args()
    if args.pg:
        setting = Setting.postgresql(args.pg, args.contacts, 1, print)
    else:
        Path(args.cache).mkdir(parents=True, exist_ok=True)
        setting = Setting.sqlite(Setting.demo_sqlite(args.cache, args.contacts, 1, print))
    try:
        no = segments.new_segment("Removal bench", template_code=setting.template)["no"]
        criteria.add_contacts(no, [BROAD])
        setting.settle()
        header = segments.get_header(no)
        condition = SegmentLine.live(no) & SegmentLine.contact_no.in_(_in_group())
        plain_sql, params = SegmentLine.delete().where(condition).sql()

        def plain():
            return database.execute_sql(plain_sql, params).rowcount

        def returning():  # the last round's way: the rows into Python, the JSON written there
            rows = database.execute_sql(f"{plain_sql} RETURNING line_no, contact_no, defaults_of", params).fetchall()
            json.dumps([row[:2] for row in rows], separators=(",", ":"))
            return len(rows)

        def ours():
            if setting.kind == "sqlite":
                return history._delete_lines_sqlite(condition, no, 999_999, own_kept=True)[0]
            return history._delete_lines_postgresql(condition, no, 999_999)

        ways = {"plain": plain, "returning": returning, "segtui": ours}
        times = {name: [] for name in ways}
        rows = 0
        for run in range(args.repeat):
            for name in (list(ways) if run % 2 == 0 else list(ways)[::-1]):
                with database.atomic() as transaction:
                    start = time.perf_counter()
                    rows = ways[name]()
                    times[name].append(time.perf_counter() - start)
                    transaction.rollback()
        print(f"{setting.kind}, {args.contacts:,} contacts, {rows:,} of {segments.count_lines(header.no):,} lines "
              f"removed, {args.repeat} runs each (ms)")
        base = statistics.median(times["plain"])
        for name, values in times.items():
            median = statistics.median(values)
            print(f"  {name:10s} min {min(values) * 1000:7.1f}  median {median * 1000:7.1f}  ratio {median / base:.2f}")
    finally:
        setting.close()


def _in_group():
    from segtui.models import ContactMailingGroup

    return ContactMailingGroup.select(ContactMailingGroup.contact_no).where(
        ContactMailingGroup.mailing_group_code == GROUP)


if __name__ == "__main__":
    main()
