"""Importing read rows in one transaction: matching them against the existing contacts and
writing new and changed ones in bulk."""
import datetime as dt
import operator
import re
from typing import Any

from ... import db as dbmod
from ... import planner_stats
from ...errors import SegtuiError
from ...models import Contact, ContactOptOut, NumberSeries, database
from ..batches import chunks
from ..progress import report
from .rows import ALL_FIELDS, COMPARED, DEFAULTS
from ..results import Written

WHAT = "contacts imported"


class ImportRefused(SegtuiError):
    """--strict and some rows are bad: nothing was imported. `rejected` lists them."""

    def __init__(self, rejected):
        from ...labels import plural

        self.rejected = rejected
        listed = "; ".join(f"line {r['line']}: {r['reason']}" for r in rejected[:20])
        more = f" (and {len(rejected) - 20} more)" if len(rejected) > 20 else ""
        super().__init__(f"{plural(len(rejected), 'row')} cannot be imported, so nothing was imported "
                         f"(strict): {listed}{more}")


class DryRun(Exception):
    pass


def _bulk_write(records, upsert=False):
    """Insert (or upsert on the contact no) full contact records with one prepared statement.

    Peewee builds the statement from the first record; the driver's executemany then runs it
    for every record, which is many times faster than letting Peewee render each chunk."""
    if not records:
        return
    columns = [getattr(Contact, n) for n in ALL_FIELDS]
    query = Contact.insert_many([[records[0][n] for n in ALL_FIELDS]], fields=columns)
    if upsert:
        keep = [getattr(Contact, n) for n in ALL_FIELDS if n not in ("no", "created_at")]
        query = query.on_conflict(conflict_target=[Contact.no], preserve=keep)
    sql, _ = query.sql()
    cursor = database.cursor()
    values = operator.itemgetter(*ALL_FIELDS)
    step = 5000
    if not dbmod.is_sqlite():
        # psycopg2's executemany sends one statement per row; execute_values sends pages of rows.
        from psycopg2.extras import execute_values

        sql = re.sub(r"VALUES \((?:%s, )*%s\)", "VALUES %s", sql, count=1)
        for i in range(0, len(records), step):
            execute_values(cursor, sql, [values(r) for r in records[i:i + step]], page_size=1000)
        return
    for i in range(0, len(records), step):
        cursor.executemany(sql, [values(r) for r in records[i:i + step]])


def write(rows, progress=None) -> Written:
    now: Any = dt.datetime.now().replace(microsecond=0)
    if dbmod.is_sqlite():
        # As Peewee stores it; a string spares sqlite3's datetime adapter on every row.
        now = now.strftime("%Y-%m-%d %H:%M:%S")
    # ONE query for every existing contact, then dicts for matching.
    # The timestamps are left out: parsing 2 datetimes per contact is most of the cost of the
    # query, and neither is compared (created_at is kept by the upsert, modified_at is now).
    existing = {}
    for values in Contact.select(*[getattr(Contact, n) for n in COMPARED]).tuples():
        existing[values[0]] = dict(zip(COMPARED, values))
    by_email: dict = {}
    by_name: dict = {}
    companies: dict = {}
    for rec in existing.values():
        _index(rec, by_email, by_name, companies)

    query = NumberSeries.select().where(NumberSeries.code == "CONTACT")
    if not dbmod.is_sqlite():
        query = query.for_update()  # SQLite's write lock is already held (IMMEDIATE transaction)
    series = query.first()
    if series is None:
        raise SegtuiError("number series CONTACT is missing: run 'segtui init'")
    counter = [series.last_no]
    prefix, width = series.prefix, series.width

    def allocate():
        while True:
            counter[0] += 1
            no = f"{prefix}{counter[0]:0{width}d}"
            if no not in existing:
                return no

    new: dict = {}  # no -> full record
    changed: dict = {}
    matched = set()  # existing contacts the file names

    def upsert(rec_no, values):
        """Apply non-empty values to an existing or pending contact; returns the record."""
        if rec_no in new:
            record = new[rec_no]
        else:
            base = changed.get(rec_no) or existing[rec_no]
            record = dict(base)
        if rec_no not in new:
            matched.add(rec_no)
        for key, value in values.items():
            record[key] = value
        record["search_name"] = record["name"].upper()
        if rec_no in new:
            new[rec_no] = record
        else:
            old = existing[rec_no]
            record["version"] = old["version"]
            if any(record[k] != old[k] for k in COMPARED):
                # A changed contact is a new version, so an edit read before the import is stale.
                record["version"] = old["version"] + 1
                # created_at only fills the insert half of the upsert; the stored one is kept.
                record["created_at"] = record["modified_at"] = now
                changed[rec_no] = record
            else:
                changed.pop(rec_no, None)
        _index(record, by_email, by_name, companies)
        return record

    def create(values, email_key=None):
        """A new contact; `email_key` is its lower-cased e-mail when the caller has it."""
        no = allocate()
        record = {**DEFAULTS, "no": no, "created_at": now, "modified_at": now, **values}
        name_up = record["search_name"] = record["name"].upper()
        new[no] = record
        if record["type"] == "company":
            record["company_no"], record["company_name"] = no, record["name"]
            _index(record, by_email, by_name, companies)
            return record
        # A person, indexed here without working out the same keys twice (the inner loop).
        if record["email"]:
            by_email.setdefault(("person", email_key or record["email"].lower()), no)
        by_name.setdefault((name_up, record["company_name"].upper()), no)
        return record

    def by_file_no(fields):
        """A contact the file names by its segtui no, only if it is plausibly the same one."""
        if "no" not in fields:
            return None
        rec = existing.get(fields["no"])
        if rec is None or rec["type"] != fields["type"]:
            return None
        same_email = fields.get("email") and fields["email"].lower() == rec["email"].lower()
        if same_email or fields["name"].upper() == rec["name"].upper():
            return rec["no"]
        return None

    def company_for(name, fields=None):
        no = companies.get(name.upper())
        if no is not None and not fields:  # the usual case: a person's company, known already
            return no, False
        values = dict(fields or {}, type="company", name=name)
        if no is None:
            return create(values)["no"], True
        current = new.get(no) or changed.get(no) or existing[no]
        values["company_no"], values["company_name"] = no, current["name"]
        upsert(no, values)
        return no, False

    total = len(rows)
    done = 0
    every = min(5000, max(1, total // 100))  # about a hundred reports, whatever the size
    report(progress, 0, total, WHAT)
    # Companies first, so persons link to the right one.
    company_rows = [row for row in rows if row.fields["type"] == "company"]
    opt_outs: set[tuple[str, str]] = set()  # (contact no, channel) the file's opt-out columns say yes to
    for row in company_rows:
        done += 1
        values = {k: v for k, v in row.fields.items() if k != "no"}
        values.pop("company_name", None)
        values.pop("company_no", None)
        no = by_file_no(row.fields)
        if no is not None:
            values.update(company_no=no)
            current = new.get(no) or changed.get(no) or existing[no]
            if current["name"].upper() != values["name"].upper():
                companies.pop(current["name"].upper(), None)
            values["company_name"] = values["name"]
            upsert(no, values)
        else:
            no, _ = company_for(values["name"], values)
        if row.opt_outs:
            opt_outs.update((no, channel) for channel in row.opt_outs)
    for row in rows:
        if row.fields["type"] == "company":
            continue
        values = dict(row.fields)
        values.pop("no", None)
        company_no = values.pop("company_no", "")
        values.pop("company_name", None)
        org = row.organisation
        if company_no and company_no in existing and existing[company_no]["type"] == "company" and (
                not org or existing[company_no]["name"].upper() == org.upper()):
            values["company_no"] = company_no
            values["company_name"] = (new.get(company_no) or changed.get(company_no)
                                      or existing[company_no])["name"]
        elif org:
            values["company_no"], _ = company_for(org)
            values["company_name"] = org if values["company_no"] in new else \
                (changed.get(values["company_no"]) or existing[values["company_no"]])["name"]
        no = by_file_no(row.fields) if "no" in row.fields else None
        email_key = values["email"].lower() if "email" in values else None
        if no is None and email_key:
            no = by_email.get(("person", email_key))
        if no is None:
            # No e-mail match: the same name at the same company, unless that contact has
            # another e-mail (then it is a namesake, not the same person).
            same = by_name.get((values["name"].upper(), values.get("company_name", "").upper()))
            if same is not None:
                email = (new.get(same) or changed.get(same) or existing[same])["email"]
                if not email or not values.get("email") or email.lower() == values["email"].lower():
                    no = same
        if no is None:
            values.setdefault("company_no", "")
            values.setdefault("company_name", "")
            no = create(values, email_key)["no"]
        else:
            upsert(no, values)
        if row.opt_outs:
            opt_outs.update((no, channel) for channel in row.opt_outs)
        done += 1
        if progress is not None and done % every == 0 and done < total:
            progress(done, total, WHAT)

    new_companies = sum(1 for r in new.values() if r["type"] == "company")
    _bulk_write(list(new.values()))
    # Changed contacts are rewritten with an upsert on their no: set-based, any number at once.
    _bulk_write(list(changed.values()), upsert=True)
    planner_stats.analyze_contacts_after(len(new) + len(changed))  # the company key's counts too
    opted_out = _write_opt_outs(opt_outs)
    if counter[0] != series.last_no:
        # Advance the number series once for the whole import.
        NumberSeries.update(last_no=counter[0]).where(NumberSeries.code == "CONTACT").execute()
    report(progress, total, total, WHAT)  # after the write: done means written
    return {"imported": len(new), "updated": len(changed), "unchanged": len(matched - set(changed)),
            "companies": new_companies, "opted_out": opted_out}


def _write_opt_outs(pairs):
    """Record the file's opt-outs (reason "imported", today), set-based; an opt-out the contact
    already has keeps its date and reason, and an import never takes one back. Returns how many
    are new."""
    if not pairs:
        return 0
    o = ContactOptOut
    have = set()
    wanted = sorted(pairs)
    for part in chunks(wanted, 500):
        have.update(o.select(o.contact_no, o.channel)
                    .where(o.contact_no.in_(sorted({no for no, _ in part}))).tuples())
    fresh = [p for p in wanted if p not in have]
    today = dt.date.today()
    for part in chunks(fresh, 1000):
        o.insert_many([(no, channel, today, "imported") for no, channel in part],
                      fields=[o.contact_no, o.channel, o.date, o.reason]).on_conflict_ignore().execute()
    return len(fresh)


def _index(record, by_email, by_name, companies):
    if record["type"] == "company":
        companies.setdefault(record["name"].upper(), record["no"])
    if record["email"]:
        by_email.setdefault((record["type"], record["email"].lower()), record["no"])
    if record["type"] == "person":
        by_name.setdefault((record["name"].upper(), (record["company_name"] or "").upper()), record["no"])
