"""The operations bench/run.py times, each next to raw SQL that writes the same rows.

A Setting is one database (SQLite file or PostgreSQL URL) open twice: through segtui, and
through a plain sqlite3 / psycopg2 connection for the raw statements. Raw statements are
written with `?` and work on their own segments (RAW...), which mirror segtui's in the same
order, so each raw DELETE finds the same lines segtui's action removed.
"""
import datetime as dt
import random
import sqlite3
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from segtui import db as dbmod
from segtui import planner_stats
from segtui.models import InteractionTemplate, LineFields, Salesperson, SegmentLine
from segtui.services import criteria, segment_log, segments

NARROW = ("city", "Hamburg")
BROAD = ("country_code", "DE|GB")
BROAD_SQL = "country_code IN ('DE', 'GB')"
GROUP = "NEWS"
PAGES = 200  # pages read per run of the page figures
STATEMENT_BOUND_S = 120  # PostgreSQL: no statement of any operation may run longer, at any size
LINE_COLUMNS = ("segment_no, line_no, contact_no, contact_company_no, correspondence_type, interaction_template_code,"
                " interaction_group_code, language_code, subject, description, date, cost, duration_min,"
                " salesperson_code, campaign_no, campaign_target, campaign_response, information_flow, initiated_by,"
                " evaluation, attempt_failed, personal_note, attachment_name")
COMPANY_KEY = "COALESCE(NULLIF({p}company_no, ''), {p}no)"
LINE_KEY = "COALESCE(NULLIF(contact_company_no, ''), contact_no)"
IN_GROUP_KEYS = ("SELECT " + COMPANY_KEY.format(p="c.") + " FROM contact c JOIN contact_mailing_group m "
                 "ON m.contact_no = c.no WHERE m.mailing_group_code = ?")


class Unavailable(Exception):
    """The code measured lacks what this operation needs (e.g. a benchmark of an older commit)."""


class Setting:
    """One database open through segtui and through a raw connection."""

    def __init__(self, kind, url, raw, version=""):
        self.kind, self.url, self.raw, self.version = kind, url, raw, version
        dbmod.ensure_ready(url)
        self.template = InteractionTemplate.select().order_by(InteractionTemplate.code).first().code
        self.salesperson = Salesperson.select().order_by(Salesperson.code).first().code
        self.date = "2026-01-01" if kind == "sqlite" else dt.date(2026, 1, 1)

    @classmethod
    def demo_sqlite(cls, cache, contacts, seed, log):
        """The cached demo database for this size and seed (built the first time)."""
        path = Path(cache) / f"demo-{contacts}-seed{seed}-schema{dbmod.SCHEMA_VERSION}.db"
        if not path.exists():
            from segtui.services import demo

            building = path.with_suffix(".building")
            building.unlink(missing_ok=True)
            database = dbmod.open_database(str(building))
            dbmod.init_database()
            start = time.perf_counter()
            demo.fill_demo(contacts=contacts, seed=seed)
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database.close()
            building.rename(path)
            log(f"demo database of {contacts:,} contacts built in {time.perf_counter() - start:.1f} s: {path}")
        return path

    @classmethod
    def sqlite(cls, path):
        raw = sqlite3.connect(str(path), isolation_level=None)
        for key, value in dbmod.SQLITE_PRAGMAS.items():  # segtui's settings, for a fair floor
            raw.execute(f"PRAGMA {key} = {value}")
        return cls("sqlite", str(path), raw)

    @classmethod
    def postgresql(cls, url, contacts, seed, log):
        import psycopg2

        from segtui.models import ALL_MODELS, database
        from segtui.services import demo

        dbmod.open_database(url)
        database.drop_tables(ALL_MODELS, safe=True)
        dbmod.init_database()
        start = time.perf_counter()
        demo.fill_demo(contacts=contacts, seed=seed)
        log(f"PostgreSQL demo of {contacts:,} contacts in {time.perf_counter() - start:.1f} s")
        raw = psycopg2.connect(url, options=dbmod.pg_session_options())  # segtui's settings, for a fair floor
        # A database in its steady state before the first timed run: without this VACUUM, autovacuum
        # worked through the freshly filled tables during the first runs, on one of the two cores,
        # and whichever side it overlapped took up to twice its time.
        raw.autocommit = True
        raw.cursor().execute("VACUUM (ANALYZE)")
        raw.autocommit = False
        version = database.execute_sql("SHOW server_version").fetchone()[0]
        setting = cls("postgresql", url, raw, version)
        # The time bound: a statement past it fails the run (issue 16: a quadratic plan showed as
        # a refine of 23 minutes). On both connections, segtui's once it is open for good.
        for run_sql in (database.execute_sql, raw.cursor().execute):
            run_sql(f"SET statement_timeout = {STATEMENT_BOUND_S * 1000}")
        raw.commit()
        return setting

    def sql(self, statement):
        return statement if self.kind == "sqlite" else statement.replace("?", "%s")

    def run_raw(self, statements):
        """The statements in one transaction, timed (commit included)."""
        start = time.perf_counter()
        if self.kind == "sqlite":
            self.raw.execute("BEGIN IMMEDIATE")
            for statement, params in statements:
                self.raw.execute(self.sql(statement), params)
            self.raw.execute("COMMIT")
        else:
            with self.raw.cursor() as cursor:
                for statement, params in statements:
                    cursor.execute(self.sql(statement), params)
                    if statement.startswith("INSERT INTO segment_line"):  # (insert_lines: the segment first)
                        self._analyze_like_segtui(cursor, cursor.rowcount, params[0])
            self.raw.commit()
        return time.perf_counter() - start

    @staticmethod
    def _analyze_like_segtui(cursor, rows, segment_no):
        """What segtui does after a bulk insert of lines (planner_stats.analyze_lines_after), so the raw side
        plans its next DELETE on real sizes too: without it, a raw DELETE of 322,949 lines right
        after an add ran past 3 minutes on 1,000,000 contacts (issue 16's stale-statistics plan)."""
        def run(sql, params):
            cursor.execute(sql, params)
            return cursor.fetchone()

        sql = planner_stats.needed_analyze(run, rows, "segment_line", segment_no)
        if sql:
            cursor.execute(sql)

    def settle(self):
        """Before each timed part, untimed: SQLite's WAL checkpointed (a checkpoint of the previous
        part's pages otherwise lands in whichever commit crosses the threshold); PostgreSQL's
        statistics of the lines and entries refreshed (otherwise autoanalyze refreshes them at
        its own moment, and a DELETE right after an add ran as a nested loop on one side and a
        hash join on the other: 0.07 s or 0.17 s for the same reduce)."""
        if self.kind == "sqlite":
            self.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        with self.raw.cursor() as cursor:
            cursor.execute("ANALYZE segment_line, interaction_log_entry")
        self.raw.commit()

    def fetch_raw(self, statement, params):
        if self.kind == "sqlite":
            return self.raw.execute(statement, params).fetchall()
        with self.raw.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    def close(self):
        self.raw.close()
        from segtui.models import database

        database.close()


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def pair(setting, run, ours, raw):
    """(segtui's time, its result, raw's time): segtui first on even runs and raw first on odd
    ones, each after the database is settled (Setting.settle, not timed), so that what the one
    before leaves behind (a WAL checkpoint falling due, statistics autoanalyze refreshed in
    between) does not land on one side only."""
    def ours_timed():
        setting.settle()
        return timed(ours)

    def raw_timed():
        setting.settle()
        return raw()

    if run % 2 == 0:
        ours_time, result = ours_timed()
        return ours_time, result, raw_timed()
    raw_time = raw_timed()
    ours_time, result = ours_timed()
    return ours_time, result, raw_time


def insert_lines(setting, segment, where, params=(), base=0):
    """A raw add: the contacts `where` selects as lines, numbered in the add order."""
    return (f"INSERT INTO segment_line ({LINE_COLUMNS}) SELECT ?, ? + 10 * ROW_NUMBER() OVER (ORDER BY company_name,"
            " company_no, type, name, no), no, company_no, correspondence_type, ?, 'LETTER', language_code, '',"
            " 'bench', ?, 1.2, 0, salesperson_code, '', FALSE, FALSE, 'outbound', 'us', '', FALSE, '', '' FROM contact"
            f" WHERE exclude_from_segment = FALSE AND ({where})",
            (segment, base, setting.template, setting.date, *params))


def log_lines(segment, entry_no):
    names = ", ".join(n for n in LineFields._meta.sorted_field_names if n != "id")
    return [(f"INSERT INTO interaction_log_entry ({names}, segment_no, user_id, logged_segment_entry_no, canceled,"
             " delivery_status, delivery_error, message_id)"
             f" SELECT {names}, segment_no, 'bench', ?, FALSE, '', '', '' FROM segment_line WHERE segment_no = ?"
             " AND removed_by IS NULL ORDER BY line_no", (entry_no, segment)),
            ("DELETE FROM segment_line WHERE segment_no = ? AND removed_by IS NULL", (segment,))]


@dataclass
class Operation:
    name: str
    run_fn: Callable
    ms: bool = False
    sqlite_only: bool = False

    def run(self, setting, state, run):
        return self.run_fn(setting, state, run)


def raw_no(state, letter, run):
    return f"RAW{letter}{run:02d}{state.setdefault('stamp', int(time.time()) % 100000):05d}"


def op_add_narrow(s, state, run):
    state["A"] = segments.new_segment("Bench narrow", template_code=s.template, salesperson_code=s.salesperson)["no"]
    ours, result, raw = pair(s, run, lambda: criteria.add_contacts(state["A"], [NARROW]),
                             lambda: s.run_raw([insert_lines(s, raw_no(state, "A", run), "city = ?", (NARROW[1],))]))
    return ours, raw, result["added"]


def op_add_broad(s, state, run):
    state["B"] = segments.new_segment("Bench broad", template_code=s.template, salesperson_code=s.salesperson)["no"]
    ours, result, raw = pair(s, run, lambda: criteria.add_contacts(state["B"], [BROAD]),
                             lambda: s.run_raw([insert_lines(s, raw_no(state, "B", run), BROAD_SQL)]))
    return ours, raw, result["added"]


def _removal(filters, raw_delete, entire=False, refine=False):
    def run_fn(s, state, run):
        action = criteria.refine_contacts if refine else criteria.reduce_contacts
        delete, params = raw_delete(s)
        ours, result, raw = pair(
            s, run, lambda: action(state["B"], filters, entire_companies=entire),
            lambda: s.run_raw([(f"DELETE FROM segment_line WHERE segment_no = ? AND removed_by IS NULL AND {delete}",
                                (raw_no(state, "B", run), *params))]))
        return ours, raw, result["removed"]
    return run_fn


def _go_back(raw_where, params=()):
    def run_fn(s, state, run):
        before = segments.count_lines(state["B"])
        state["base"] = state.get("base", 0) + 20_000_000  # raw line numbers that cannot clash
        ours, result, raw = pair(
            s, run, lambda: criteria.go_back(state["B"]),
            lambda: s.run_raw([insert_lines(s, raw_no(state, "B", run), f"{BROAD_SQL} AND {raw_where}", params,
                                            base=state["base"])]))
        return ours, raw, result["no_of_lines"] - before
    return run_fn


def refine_entire_raw(s):
    if s.kind == "sqlite":
        return f"{LINE_KEY} NOT IN ({IN_GROUP_KEYS})", (GROUP,)
    return (f"NOT EXISTS (SELECT 1 FROM contact c JOIN contact_mailing_group m ON m.contact_no = c.no WHERE "
            f"m.mailing_group_code = ? AND {COMPANY_KEY.format(p='c.')} = "
            f"COALESCE(NULLIF(segment_line.contact_company_no, ''), segment_line.contact_no))", (GROUP,))


def op_reuse_criteria(s, state, run):
    code = f"BENCH{run}{state['stamp'] % 1000:03d}"
    criteria.save_criteria(state["B"], code)
    state["C"] = segments.new_segment("Bench reuse", template_code=s.template, salesperson_code=s.salesperson)["no"]
    segment = raw_no(state, "C", run)
    delete, params = refine_entire_raw(s)
    ours, result, raw = pair(
        s, run, lambda: criteria.reuse_criteria(state["C"], code),
        lambda: s.run_raw([insert_lines(s, segment, BROAD_SQL),
                           (f"DELETE FROM segment_line WHERE segment_no = ? AND removed_by IS NULL AND {delete}",
                            (segment, *params))]))
    return ours, raw, result["added"]


def op_log_narrow(s, state, run):
    rows = segments.count_lines(state["A"])
    ours, result, raw = pair(s, run, lambda: segment_log.log_segment(state["A"], user_id="bench"),
                             lambda: s.run_raw(log_lines(raw_no(state, "A", run), -1 - 10 * run)))
    state["logged_A"] = result["logged_segment_entry_no"]
    return ours, raw, rows


def op_log_follow_up(s, state, run):
    rows = segments.count_lines(state["B"])
    entry = -2 - 10 * run
    follow = insert_lines(s, raw_no(state, "F", run),
                          "no IN (SELECT contact_no FROM interaction_log_entry WHERE logged_segment_entry_no = ?)",
                          (entry,))
    ours, result, raw = pair(s, run, lambda: segment_log.log_segment(state["B"], follow_up=True, user_id="bench"),
                             lambda: s.run_raw(log_lines(raw_no(state, "B", run), entry) + [follow]))
    return ours, raw, rows


def op_reuse_logged(s, state, run):
    state["D"] = segments.new_segment("Bench logged", template_code=s.template, salesperson_code=s.salesperson)["no"]
    ours, result, raw = pair(
        s, run, lambda: criteria.reuse_logged(state["D"], state["logged_A"], confirm=True),
        lambda: s.run_raw([insert_lines(
            s, raw_no(state, "D", run),
            "no IN (SELECT contact_no FROM interaction_log_entry WHERE logged_segment_entry_no = ?)",
            (-1 - 10 * run,))]))
    return ours, raw, result["added"]


def _page(where):
    def run_fn(s, state, run):
        try:
            from segtui.services import line_pages
        except ImportError:
            raise Unavailable("no segtui.services.line_pages") from None
        no = state["C"]
        keys = [k for (k,) in SegmentLine.select(SegmentLine.line_no).where(SegmentLine.live(no)).tuples()]
        rng = random.Random(run)
        afters = [rng.choice(keys) for _ in range(PAGES)] if where == "any depth" else [None] * PAGES
        sql = line_pages._sql("after" if where == "any depth" else "last", "?" if s.kind == "sqlite" else "%s")
        ours_times, raw_times = [], []
        for after in afters:
            start = time.perf_counter()
            line_pages.page(no, 100, after_line_no=after, last=after is None)
            ours_times.append(time.perf_counter() - start)
            params = (no, after, 100) if after is not None else (no, 100)
            start = time.perf_counter()
            s.fetch_raw(sql, params)
            raw_times.append(time.perf_counter() - start)
        return statistics.median(ours_times), statistics.median(raw_times), len(keys)
    return run_fn


OPERATIONS = [
    Operation(f"add, narrow ({NARROW[0]}={NARROW[1]})", op_add_narrow),
    Operation(f"add, broad ({BROAD[0]}={BROAD[1]})", op_add_broad),
    Operation(f"reduce by mailing group {GROUP}", _removal(
        [("mailing_group", GROUP)],
        lambda s: ("contact_no IN (SELECT contact_no FROM contact_mailing_group WHERE mailing_group_code = ?)",
                   (GROUP,)))),
    Operation("go back (reduce undone)", _go_back(
        "no IN (SELECT contact_no FROM contact_mailing_group WHERE mailing_group_code = ?)", (GROUP,))),
    Operation(f"reduce by mailing group {GROUP}, entire companies", _removal(
        [("mailing_group", GROUP)], lambda s: (f"{LINE_KEY} IN ({IN_GROUP_KEYS})", (GROUP,)), entire=True)),
    Operation("go back (entire companies undone)", _go_back(
        f"{COMPANY_KEY.format(p='')} IN ({IN_GROUP_KEYS})", (GROUP,))),
    Operation("refine to country_code=DE", _removal(
        [("country_code", "DE")],
        lambda s: ("NOT EXISTS (SELECT 1 FROM contact c WHERE c.no = segment_line.contact_no AND "
                   "c.country_code = 'DE')", ()), refine=True)),
    Operation("go back (refine undone)", _go_back("country_code = 'GB'")),
    Operation(f"refine by mailing group {GROUP}, entire companies", _removal(
        [("mailing_group", GROUP)], refine_entire_raw, entire=True, refine=True)),
    Operation("reuse criteria (add broad, refine)", op_reuse_criteria),
    Operation(f"log ({NARROW[0]}={NARROW[1]})", op_log_narrow),
    Operation("log --follow-up (broad, refined)", op_log_follow_up),
    Operation("reuse logged segment", op_reuse_logged),
    Operation("a page of 100 lines by key, any depth", _page("any depth"), ms=True),
    Operation("the last page of 100 lines (End)", _page("last"), ms=True),
]
