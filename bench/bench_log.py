"""Benchmark: log a segment of 100,000 lines, and create a follow-up segment from it.

Each figure is printed next to a raw sqlite3 baseline doing the bare minimum on the same rows
(an INSERT ... SELECT of the lines into interaction_log_entry plus the DELETE of the lines; for
the follow-up an INSERT ... SELECT of the entries' contacts into segment_line), and the ratio.
The difference is what segtui adds: the refusal checks, the campaign entries, criteria and history
bookkeeping, the line defaults of the follow-up.

    python bench/bench_log.py [--lines 100000]

`--statements` instead times each statement of a small log (city=Hamburg, 2,899 lines of the
100,000-contact demo) and its commit, medians over the runs, and what is left in Python: where
a small log's time goes, on SQLite or (with --pg URL, emptied and filled first) on PostgreSQL.

    python bench/bench_log.py --statements [--pg postgresql://...] [--repeat 10]
"""
import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def build(path, lines):
    from segtui import db as dbmod
    import logging_data

    database = dbmod.open_database(str(path))
    dbmod.init_database()
    logging_data.world(contacts=0)
    logging_data.add_contacts(lines)
    no = logging_data.segment(lines=lines, campaign_no="CP1001")
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return database, no


def raw_log(path, segment_no):
    """The floor: copy the lines into entries and delete them, one transaction, plain sqlite3."""
    from segtui.models import InteractionLogEntry, LineFields

    names = [n for n in LineFields._meta.sorted_field_names if n != "id"]
    columns = ", ".join(names)
    from segtui.db import SQLITE_PRAGMAS

    con = sqlite3.connect(str(path), isolation_level=None)
    for key, value in SQLITE_PRAGMAS.items():  # the same settings segtui uses, for a fair floor
        con.execute(f"PRAGMA {key} = {value}")
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.execute(f"INSERT INTO {InteractionLogEntry._meta.table_name} ({columns}, segment_no, user_id, "
                f"logged_segment_entry_no, canceled, delivery_status, delivery_error, message_id, "
                f"send_word_docs_as_attmt) SELECT {columns}, segment_no, '', 1, 0, '', '', '', 0 "
                f"FROM segment_line WHERE segment_no = ? AND removed_by IS NULL ORDER BY line_no", (segment_no,))
    con.execute("DELETE FROM segment_line WHERE segment_no = ? AND removed_by IS NULL", (segment_no,))
    con.execute("COMMIT")
    seconds = time.perf_counter() - start
    return con, seconds


def raw_follow_up(con, entry_no):
    """The floor for a follow-up: one INSERT ... SELECT of the logged contacts into new lines."""
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO segment_line (segment_no, line_no, contact_no, contact_company_no, correspondence_type,"
                " interaction_template_code, interaction_group_code, language_code, subject, description, cost,"
                " duration_min, salesperson_code, campaign_no, campaign_target, campaign_response, evaluation,"
                " attempt_failed, information_flow, initiated_by, personal_note, attachment_name)"
                " SELECT 'SM99999', ROW_NUMBER() OVER (ORDER BY c.no) * 10000, c.no, c.company_no,"
                " c.correspondence_type, '', '', c.language_code, '', '', 0, 0, c.salesperson_code, '', 0, 0, '',"
                " 0, '', '', '', '' FROM contact c"
                " WHERE c.no IN (SELECT contact_no FROM interaction_log_entry WHERE logged_segment_entry_no = ?)",
                (entry_no,))
    con.execute("COMMIT")
    return time.perf_counter() - start


def ours(base, work, no, lines, follow_up_in_log):
    """One run on a fresh copy: (checks, log, follow-up) seconds, or (None, log --follow-up, None)."""
    from segtui import db as dbmod
    from segtui.services import logged, segment_log

    path = work / "ours.db"
    shutil.copy(base, path)
    database = dbmod.open_database(str(path))
    try:
        if follow_up_in_log:
            start = time.perf_counter()
            result = segment_log.log_segment(no, follow_up=True)
            seconds = time.perf_counter() - start
            assert result["follow_up_segment_no"] and result["interactions"] == lines
            return None, seconds, None
        start = time.perf_counter()
        refusals = segment_log.log_refusals(no)
        check = time.perf_counter() - start
        assert not refusals, refusals[:3]
        start = time.perf_counter()
        result = segment_log.log_segment(no, user_id="bench")
        log_s = time.perf_counter() - start
        assert result["interactions"] == lines
        start = time.perf_counter()
        header = logged.follow_up(result["logged_segment_entry_no"])
        follow_s = time.perf_counter() - start
        assert header["no_of_lines"] == lines
        return check, log_s, follow_s
    finally:
        database.close()
        path.unlink()


def raw(base, work, no):
    path = work / "raw.db"
    shutil.copy(base, path)
    con, log_s = raw_log(path, no)
    follow_s = raw_follow_up(con, 1)
    con.close()
    path.unlink()
    return log_s, follow_s


def statements(args):
    """Each statement of a log of the contacts of one city, timed in process (see the docstring)."""
    import statistics

    from bench_ops import NARROW, Setting
    from segtui.models import database
    from segtui.services import criteria, segments

    if args.pg:
        setting = Setting.postgresql(args.pg, args.contacts, 1, print)
    else:
        base = Setting.demo_sqlite(Path(tempfile.gettempdir()) / "segtui-bench", args.contacts, 1, print)
        work = Path(tempfile.mkdtemp(prefix="segtui-bench-log-"))
        shutil.copy(base, work / "log.db")
        setting = Setting.sqlite(work / "log.db")
    connection, seen = database.obj, []
    real_execute, real_commit = connection.execute_sql, connection.commit

    def execute(sql, params=None, *rest, **options):
        start = time.perf_counter()
        try:
            return real_execute(sql, params, *rest, **options)
        finally:
            seen.append((sql, time.perf_counter() - start))

    def commit(*rest, **options):
        start = time.perf_counter()
        try:
            return real_commit(*rest, **options)
        finally:
            seen.append(("COMMIT", time.perf_counter() - start))

    connection.execute_sql, connection.commit = execute, commit
    times, totals, lines = {}, [], 0
    for _ in range(args.repeat):
        no = segments.new_segment("Bench log", template_code=setting.template,
                                  salesperson_code=setting.salesperson)["no"]
        criteria.add_contacts(no, [NARROW])
        seen.clear()
        start = time.perf_counter()
        lines = segment_log_call(no)
        totals.append(time.perf_counter() - start)
        for k, (sql, seconds) in enumerate(seen):
            times.setdefault((k, " ".join(sql.split())[:90]), []).append(seconds)
    connection.execute_sql, connection.commit = real_execute, real_commit
    total = statistics.median(totals)
    print(f"log of {lines:,} lines ({NARROW[0]}={NARROW[1]}), {setting.kind}, medians of {args.repeat} runs: "
          f"{total * 1000:.1f} ms")
    in_sql = 0.0
    for (k, sql), values in sorted(times.items()):
        in_sql += statistics.median(values)
        print(f"  {statistics.median(values) * 1000:7.2f} ms  {sql}")
    print(f"  {(total - in_sql) * 1000:7.2f} ms  the rest: Python, building statements and reading results")
    setting.close()


def segment_log_call(no):
    from segtui.services import segment_log

    return segment_log.log_segment(no, user_id="bench")["interactions"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is shown")
    parser.add_argument("--statements", action="store_true", help="time each statement of a small log instead")
    parser.add_argument("--pg", help="with --statements: a PostgreSQL URL (emptied and filled with the demo)")
    parser.add_argument("--contacts", type=int, default=100_000, help="with --statements: demo contacts")
    args = parser.parse_args()
    if args.statements:
        return statements(args)
    work = Path(tempfile.mkdtemp(prefix="segtui-bench-log-"))
    try:
        base = work / "base.db"
        t = time.perf_counter()
        database, no = build(base, args.lines)
        database.close()
        print(f"setup: {args.lines:,} contacts and a segment of {args.lines:,} lines in "
              f"{time.perf_counter() - t:.2f} s; best of {args.repeat} runs, each on a fresh copy")
        runs = {"check": [], "log": [], "follow": [], "both": [], "raw_log": [], "raw_follow": []}
        for _ in range(args.repeat):
            # Interleaved, so a busy machine slows both sides alike.
            check, log_s, follow_s = ours(base, work, no, args.lines, False)
            _, both_s, _ = ours(base, work, no, args.lines, True)
            raw_log_s, raw_follow_s = raw(base, work, no)
            for key, value in (("check", check), ("log", log_s), ("follow", follow_s), ("both", both_s),
                               ("raw_log", raw_log_s), ("raw_follow", raw_follow_s)):
                runs[key].append(value)
        best = {key: min(values) for key, values in runs.items()}

        def row(name, seconds, floor):
            rate = args.lines / seconds
            print(f"{name:<34} {seconds:7.3f} s  {rate:>10,.0f} lines/s   raw sqlite3 {floor:6.3f} s   "
                  f"ratio {seconds / floor:5.2f}")

        print(f"refusal checks alone (inside the log figure too): {best['check']:.3f} s")
        row("log (checks included)", best["log"], best["raw_log"])
        row("follow-up of the logged segment", best["follow"], best["raw_follow"])
        row("log --follow-up", best["both"], best["raw_log"] + best["raw_follow"])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
