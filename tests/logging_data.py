"""Small, fast setup for the logging tests: a salesperson, a template, a campaign, contacts,
and segments written straight into the tables (bulk inserts), so 10,000 lines cost little."""
import datetime as dt
import types

from peewee import Value, fn

from segtui.models import (
    Campaign,
    Contact,
    InteractionGroup,
    InteractionTemplate,
    LineFields,
    NumberSeries,
    Salesperson,
    SegmentCriteriaLine,
    SegmentHeader,
    SegmentHistory,
    SegmentLine,
    database,
)

DAY = dt.date(2026, 3, 2)


def world(contacts=5):
    """Setup records and `contacts` contacts CT000001...; the last one has no e-mail address."""
    Salesperson.create(code="AK", name="Anna Kowalski")
    InteractionGroup.create(code="LETTER", description="Letters")
    InteractionGroup.create(code="PHONE", description="Phone calls")
    InteractionTemplate.create(code="LETTER", interaction_group_code="LETTER", description="Letter",
                               unit_cost=1.5, unit_duration_min=2)
    InteractionTemplate.create(code="PHONE", interaction_group_code="PHONE", description="Phone call",
                               unit_cost=0, unit_duration_min=10)
    Campaign.create(no="CP1001", description="Fair")
    Campaign.create(no="CP1002", description="Spring")
    add_contacts(contacts)


def add_contacts(count, start=1):
    rows = [(contact_no(i), "person", f"Person {i}", "Acme", "" if i == count else f"p{i}@example.com", "AK")
            for i in range(start, start + count)]
    defaults = {f.column_name: f.default for f in Contact._meta.sorted_fields
                if f.column_name not in ("no", "type", "name", "company_name", "email", "salesperson_code")}
    defaults = {k: (v() if callable(v) else v) for k, v in defaults.items()}
    columns = ["no", "type", "name", "company_name", "email", "salesperson_code", *defaults]
    # The database's own placeholder (`?` or `%s`): the logging tests run on PostgreSQL too.
    sql = (f"INSERT INTO contact ({', '.join(columns)}) VALUES ({', '.join([database.param] * len(columns))})")
    extra = tuple(defaults.values())
    with database.atomic():
        # Raw executemany: building 10,000 rows through the ORM would dominate the test's time.
        database.cursor().executemany(sql, [row + extra for row in rows])


def contact_no(i):
    return f"CT{i:06d}"


def segment(lines=3, no=None, description="Spring letter", campaign_no="", **line_values):
    """A segment with `lines` lines (contacts CT000001... in order), line numbers 10000, 20000, ..."""
    if no is None:
        series = NumberSeries.get(NumberSeries.code == "SEGMENT")
        series.last_no += 1
        series.save()
        no = f"SM{series.last_no:05d}"
    SegmentHeader.create(no=no, description=description, date=DAY, salesperson_code="AK",
                         interaction_template_code="LETTER", interaction_group_code="LETTER",
                         campaign_no=campaign_no)
    base = {f.name: f.default for f in LineFields._meta.sorted_fields if f.name not in ("id", "contact_no")}
    base.update(segment_no=no, correspondence_type="hard_copy", interaction_template_code="LETTER",
                interaction_group_code="LETTER", description=description, subject="Hello", date=DAY,
                cost=1.5, duration_min=2, salesperson_code="AK", campaign_no=campaign_no)
    base.update(line_values)
    with database.atomic():
        # Lines for contacts 1..lines in one INSERT ... SELECT, numbered 10000, 20000, ...
        fields = [getattr(SegmentLine, k) for k in base] + [SegmentLine.line_no, SegmentLine.contact_no]
        query = (Contact.select(*[Value(v) for v in base.values()],
                                fn.ROW_NUMBER().over(order_by=[Contact.no]) * 10000, Contact.no)
                 .where(Contact.no <= contact_no(lines)).order_by(Contact.no))
        if lines:
            SegmentLine.insert_from(query, fields).execute()
        SegmentCriteriaLine.create(segment_no=no, action_no=1, seq=0, kind="action", action="add",
                                   no_of_contacts=lines)
        SegmentHistory.create(segment_no=no, action_no=1, event="inserted", line_no=10000,
                              contact_no=contact_no(1))
    return no


def set_line(no, line_no, **values):
    SegmentLine.update(**values).where((SegmentLine.segment_no == no) & (SegmentLine.line_no == line_no)).execute()


def fake_delivery(monkeypatch, refusals=(), fail=()):
    """Stands in for segtui.services.delivery's functions (patched on the real module, which
    logging and resend import): records what it was asked and what the database held then."""
    from segtui.models import InteractionLogEntry

    calls = []

    def delivery_refusals(segment_no):
        calls.append(("refusals", segment_no))
        return list(refusals)

    def deliver_logged(logged_entry_no, out_dir=None):
        calls.append(("deliver_logged", logged_entry_no, database.in_transaction(),
                      InteractionLogEntry.select().where(
                          (InteractionLogEntry.logged_segment_entry_no == logged_entry_no)
                          & (InteractionLogEntry.delivery_status == "in_progress")).count()))
        done = (InteractionLogEntry.update(delivery_status="")
                .where((InteractionLogEntry.logged_segment_entry_no == logged_entry_no)
                       & (InteractionLogEntry.delivery_status == "in_progress")).execute())
        return {"delivered": done, "errors": 0}

    def deliver_entries(entry_nos, out_dir=None):
        # What the database holds when delivery starts: the new entries, committed, in progress.
        calls.append(("deliver_entries", list(entry_nos), database.in_transaction(),
                      [n for (n,) in InteractionLogEntry.select(InteractionLogEntry.entry_no).where(
                          InteractionLogEntry.entry_no.in_(list(entry_nos))
                          & (InteractionLogEntry.delivery_status == "in_progress")).tuples()]))
        return {"delivered": len(entry_nos) - len(fail), "errors": len(fail)}

    from segtui.services import delivery

    module = types.SimpleNamespace(delivery_refusals=delivery_refusals, deliver_logged=deliver_logged,
                                   deliver_entries=deliver_entries, calls=calls)
    for name in ("delivery_refusals", "deliver_logged", "deliver_entries"):
        monkeypatch.setattr(delivery, name, getattr(module, name))
    return module


class StatementCounter:
    """Counts the SQL statements SQLite runs while active (its trace callback sees every one)."""

    def __init__(self):
        self.statements = []

    def __enter__(self):
        database.connection().set_trace_callback(self.statements.append)
        return self

    def __exit__(self, *exc):
        database.connection().set_trace_callback(None)

    @property
    def count(self):
        return len(self.statements)
