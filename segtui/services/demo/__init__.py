"""Demo data: a small business's CRM, from 300 to a million contacts, deterministic per seed.

`fill_demo(contacts, seed)` adds setup (salespeople, countries, languages, groups, interaction
templates with a Word letter, a campaign, company information), then companies each followed by
their persons (CT000001...), their links to mailing groups, industry groups, business relations
and job responsibilities, and two past logged segments with interactions.

Speed: rows come from precomputed pools picked by index (no per-row formatting beyond a few
f-strings) and go to the database in big batches inside one transaction. On SQLite the rows go
through the raw connection's executemany and the secondary indexes of the empty tables are
dropped first and built once at the end (building an index from sorted data is much cheaper than
maintaining it row by row). Other databases use peewee insert_many in chunks.
"""
import datetime as dt
import itertools
import queue
import random
import threading
import time

from ... import db as dbmod
from ... import planner_stats
from ...errors import SegtuiError
from ...models import (
    BusinessRelation,
    Campaign,
    CampaignEntry,
    CompanyInformation,
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    Country,
    IndustryGroup,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateAttachment,
    JobResponsibility,
    Language,
    LoggedSegment,
    MailingGroup,
    NumberSeries,
    Salesperson,
    database,
)
from ..default_letter import build_default_letter
# The package is split by what it does (data: the setup tables; people: the generated contacts;
# here: writing them); the names below keep `demo.fill_demo`, `demo.slug`... working.
from .data import (BLOCKED_SALESPERSON, BUSINESS_RELATIONS, CAMPAIGN_NO, CONTACT_COLUMNS, COUNTRIES,  # noqa: F401
                   GROUPS, INDUSTRY_GROUPS, INTERACTION_GROUPS, INTERACTION_TEMPLATES, JOB_RESPONSIBILITIES,
                   LANGUAGES, MAILING_GROUPS, OUR_COMPANY, OUR_DOMAIN, SALESPEOPLE)
from .people import _company, _contacts, _LanguageGroup, _PickLists, slug  # noqa: F401

CHUNK = 20_000  # contacts per batch (bounded memory, progress steps)

# --- writing -----------------------------------------------------------------------------------

LINK_MODELS = {
    "mg": (ContactMailingGroup, "mailing_group_code"),
    "ig": (ContactIndustryGroup, "industry_group_code"),
    "br": (ContactBusinessRelation, "business_relation_code"),
    "jr": (ContactJobResponsibility, "job_responsibility_code"),
}


class _BatchInserter:
    """Batches rows into a table: raw executemany on SQLite, peewee insert_many elsewhere."""

    def __init__(self):
        self.sqlite = dbmod.is_sqlite()
        self.dropped = []  # CREATE INDEX statements to run at the end

    def drop_indexes(self, model):
        """SQLite: drop the secondary indexes of an empty table; rebuild_indexes() restores them.

        Building an index once from all rows is several times cheaper than keeping it up to date
        row by row (measured: 930k link rows took 10 s with indexes, under 2 s without plus rebuild).
        """
        if not self.sqlite or model.select().limit(1).exists():
            return
        for index in database.get_indexes(model._meta.table_name):
            if index.sql:  # automatic indexes (primary key, UNIQUE columns) have none and stay
                database.execute_sql(f'DROP INDEX "{index.name}"')
                self.dropped.append(index.sql)

    def rebuild_indexes(self):
        for sql in self.dropped:
            database.execute_sql(sql)
        self.dropped = []

    def insert(self, model, columns, rows):
        if not rows:
            return
        if self.sqlite:
            sql = (f'INSERT INTO "{model._meta.table_name}" ({", ".join(columns)}) '
                   f'VALUES ({", ".join("?" * len(columns))})')
            database.connection().executemany(sql, rows)
        else:
            # Portable DB-API path (PostgreSQL): multi-row VALUES with the driver's parameter mark.
            # peewee's insert_many builds each value as an object, ~50x slower for a million rows.
            mark = database.param
            one = f"({', '.join([mark] * len(columns))})"
            head = f'INSERT INTO "{model._meta.table_name}" ({", ".join(columns)}) VALUES '
            step = max(1, 30_000 // len(columns))  # stay under the drivers' parameter limits
            for i in range(0, len(rows), step):
                part = rows[i:i + step]
                database.execute_sql(head + ", ".join([one] * len(part)),
                                     [value for row in part for value in row])


def _setup(picks, letter):
    """Setup rows; existing rows with the same key are kept, so this is idempotent."""
    def put(model, rows):
        if rows:
            model.insert_many(rows).on_conflict_ignore().execute()

    put(Language, [dict(code=c, name=n, date_format=f) for c, n, f in LANGUAGES])
    put(Country, [dict(code=c[0], name=c[1], language_code=c[2]) for c in COUNTRIES])
    put(Salesperson, [
        dict(code=code, name=name, phone=phone, blocked=code == BLOCKED_SALESPERSON,
             email=f"{slug(name, umlaut=True, sep='.')}@{OUR_DOMAIN}")
        for code, name, phone, _ in SALESPEOPLE])
    put(MailingGroup, [dict(code=c, description=d) for c, d in MAILING_GROUPS])
    put(IndustryGroup, [dict(code=c, description=d) for c, d in INDUSTRY_GROUPS])
    put(BusinessRelation, [dict(code=c, description=d) for c, d in BUSINESS_RELATIONS])
    put(JobResponsibility, [dict(code=c, description=d) for c, d in JOB_RESPONSIBILITIES])
    put(InteractionGroup, [dict(code=c, description=d) for c, d in INTERACTION_GROUPS])
    put(InteractionTemplate, [
        dict(code=code, interaction_group_code=group, description=desc, unit_cost=cost,
             unit_duration_min=duration, information_flow=flow, initiated_by=by, campaign_no=campaign,
             campaign_target=target, campaign_response=response, correspondence_type_default=corres)
        for code, group, desc, cost, duration, flow, by, campaign, target, response, corres
        in INTERACTION_TEMPLATES])
    start = picks.reference.date() + dt.timedelta(days=60)
    put(Campaign, [dict(no=CAMPAIGN_NO, description=f"Office furniture fair {start.year}",
                        starting_date=start - dt.timedelta(days=90), ending_date=start + dt.timedelta(days=4),
                        salesperson_code="AK")])
    put(InteractionTemplateAttachment, [dict(template_code="LETTER", language_code="", kind="word",
                                             file_name="letter.docx", content=letter)])
    if not CompanyInformation.select().exists():
        CompanyInformation.create(**OUR_COMPANY)


def _past_interactions(picks, rng, fair_persons, writer):
    """Two logged segments: fair invitations (campaign CP1001) and phone follow-ups."""
    if not fair_persons:
        return 0
    from ...db import next_no

    ref = picks.reference.date()
    templates = {t[0]: t for t in INTERACTION_TEMPLATES}
    plans = [
        ("FAIR", "Invitation to the office furniture fair", ref - dt.timedelta(days=40), fair_persons),
        ("PHONE", "Follow-up call on the fair invitation", ref - dt.timedelta(days=25),
         fair_persons[::3]),
    ]
    evaluations = ["", "", "very_positive", "positive", "positive", "neutral", "negative", "very_negative"]
    count = 0
    columns = ("contact_no", "contact_company_no", "correspondence_type", "interaction_template_code",
               "interaction_group_code", "language_code", "subject", "description", "date",
               "time_of_interaction", "cost", "duration_min", "salesperson_code", "campaign_no",
               "campaign_target", "campaign_response", "evaluation", "attempt_failed", "information_flow",
               "initiated_by", "user_id", "segment_no", "logged_segment_entry_no", "canceled",
               "delivery_status", "personal_note", "attachment_name", "delivery_error", "message_id",
               "send_word_docs_as_attmt")
    r = rng.random
    for code, description, date, persons in plans:
        t = templates[code]
        segment_no = next_no("SEGMENT")
        logged = LoggedSegment.create(segment_no=segment_no, description=description, creation_date=date,
                                      user_id="DEMO")
        day = date.isoformat()
        rows = [
            (no, company_no, corres if t[10] else "", code, t[1], lang, description, description, day,
             f"{9 + i % 8:02d}:{(i * 7) % 60:02d}:00", t[3], t[4], salesperson, t[7], t[8], t[9],
             evaluations[int(r() * len(evaluations))] if code == "PHONE" else "",
             code == "PHONE" and r() < 0.1, t[5], t[6], "DEMO", segment_no, logged.entry_no, False,
             "", "", "", "", "", False)
            for i, (no, company_no, lang, salesperson, corres) in enumerate(persons)]
        writer.insert(InteractionLogEntry, columns, rows)
        if t[7]:
            CampaignEntry.create(campaign_no=t[7], logged_segment_entry_no=logged.entry_no,
                                 segment_no=segment_no, description=description, date=date, user_id="DEMO",
                                 cost=round(t[3] * len(rows), 2), duration_min=t[4] * len(rows))
        count += len(rows)
    return count


def _batches(rng, picks, contacts, prefix, width, fair):
    """Yield (contact rows, link rows by table) in chunks, generated in a helper thread.

    The thread builds the next chunk in Python while this one is inside SQLite's executemany
    and index builds (which release the GIL), so generation and writing overlap. The stream is
    one generator in one thread, so the data stays deterministic.
    """
    chunks: queue.Queue = queue.Queue(maxsize=3)
    stop = threading.Event()

    def produce():
        try:
            links: dict[str, list] = {key: [] for key in LINK_MODELS}
            stream = _contacts(rng, picks, contacts, prefix, width, links, fair,
                               fair_cap=max(10, min(5000, contacts // 40)))
            while not stop.is_set():
                rows = list(itertools.islice(stream, CHUNK))
                if not rows:
                    break
                chunk_links = {key: list(pairs) for key, pairs in links.items()}
                for pairs in links.values():
                    pairs.clear()
                chunks.put((rows, chunk_links))
            chunks.put(None)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            chunks.put(exc)

    thread = threading.Thread(target=produce, name="demo-rows", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                chunks.get(timeout=0.1)
            except queue.Empty:
                pass
        thread.join()


def fill_demo(contacts: int = 2000, seed: int = 1, progress=None) -> dict:
    """Fill an empty database with `contacts` demo contacts (companies included).

    Deterministic for a seed. Refuses when the database already has contacts.
    `progress(done, total)` is called after each batch.
    """
    if contacts < 1:
        raise SegtuiError("the number of demo contacts must be at least 1")
    started = time.perf_counter()
    letter = build_default_letter()
    rng = random.Random(seed)
    picks = _PickLists(rng, seed)
    with dbmod.transaction():
        existing = Contact.select().count()
        if existing:
            raise SegtuiError(f"the database already has {existing} contacts; use a new database for demo data")
        series = NumberSeries.get_or_none(NumberSeries.code == "CONTACT")
        prefix, width = (series.prefix, series.width) if series else ("CT", 6)
        # Widen the numbers for a million contacts so they still sort in number order.
        width = max(width, len(str(contacts)))
        _setup(picks, letter)

        writer = _BatchInserter()
        for model in [Contact] + [model for model, _ in LINK_MODELS.values()]:
            writer.drop_indexes(model)
        fair: list = []
        counts = {key: 0 for key in LINK_MODELS}
        done = 0
        for rows, links in _batches(rng, picks, contacts, prefix, width, fair):
            writer.insert(Contact, CONTACT_COLUMNS, rows)
            for key, (model, column) in LINK_MODELS.items():
                writer.insert(model, ("contact_no", column), links[key])
                counts[key] += len(links[key])
            done += len(rows)
            if progress:
                progress(done, contacts)
        writer.rebuild_indexes()
        NumberSeries.update(last_no=contacts, width=width).where(NumberSeries.code == "CONTACT").execute()
        interactions = _past_interactions(picks, rng, fair, writer)
        from ..demo_profiles import fill_opt_outs, fill_profiles

        profile_answers = fill_profiles(prefix)
        opted_out = fill_opt_outs(prefix, picks.reference.date())
        # The first actions on it plan on real counts (a company key's contacts among them).
        planner_stats.analyze_everything()
    companies = Contact.select().where(Contact.type == "company").count()
    return {
        "contacts": contacts, "companies": companies, "persons": contacts - companies,
        "mailing_group_links": counts["mg"], "industry_group_links": counts["ig"],
        "business_relation_links": counts["br"], "job_responsibility_links": counts["jr"],
        "interactions": interactions, "profile_answers": profile_answers, "phone_opt_outs": opted_out,
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 3),
    }
