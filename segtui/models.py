"""Peewee models: the records of docs/domain.md, section 1.

Codes are stored upper-case. Option fields keep their allowed values in `choices` so the
filter compiler and validation know them.
"""
import datetime as dt

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    DecimalField,
    IntegerField,
    Model,
    SQL,
    TextField,
    TimeField,
)

database = DatabaseProxy()

CONTACT_TYPES = ("company", "person")
CORRESPONDENCE_TYPES = ("", "hard_copy", "email")
EVALUATIONS = ("", "very_positive", "positive", "neutral", "negative", "very_negative")
INFORMATION_FLOWS = ("", "outbound", "inbound")
INITIATED_BY = ("", "us", "them")
OPT_OUT_CHANNELS = ("email", "letter", "phone")
DELIVERY_STATUSES = ("", "in_progress", "error")
CRITERIA_ACTIONS = ("add", "reduce", "refine", "add_contact", "remove_line", "set_contact", "reuse_logged")


def options(values):
    return [(v, v) for v in values]


def money():
    return DecimalField(max_digits=18, decimal_places=2, default=0, auto_round=True)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


# --- schema bookkeeping -------------------------------------------------------------

class SchemaInfo(BaseModel):
    version = IntegerField()


class NumberSeries(BaseModel):
    code = CharField(max_length=20, primary_key=True)
    prefix = CharField(max_length=10)
    width = IntegerField(default=5)
    last_no = IntegerField(default=0)


class CompanyInformation(BaseModel):
    id = AutoField()
    name = CharField(default="")
    address = CharField(default="")
    post_code = CharField(max_length=20, default="")
    city = CharField(max_length=50, default="")
    country_code = CharField(max_length=10, default="")
    phone = CharField(max_length=30, default="")
    email = CharField(max_length=80, default="")


# --- setup ----------------------------------------------------------------------------

class Salesperson(BaseModel):
    code = CharField(max_length=20, primary_key=True)
    name = CharField(max_length=50, default="")
    email = CharField(max_length=80, default="")
    phone = CharField(max_length=30, default="")
    blocked = BooleanField(default=False)


class Language(BaseModel):
    code = CharField(max_length=10, primary_key=True)
    name = CharField(max_length=50, default="")
    date_format = CharField(max_length=30, default="%Y-%m-%d")


class Country(BaseModel):
    code = CharField(max_length=10, primary_key=True)
    name = CharField(max_length=50, default="")
    language_code = CharField(max_length=10, default="")


class InteractionGroup(BaseModel):
    code = CharField(max_length=10, primary_key=True)
    description = CharField(max_length=100, default="")


class InteractionTemplate(BaseModel):
    code = CharField(max_length=10, primary_key=True)
    interaction_group_code = CharField(max_length=10)
    description = CharField(max_length=100, default="")
    unit_cost = money()
    unit_duration_min = money()
    information_flow = CharField(max_length=10, default="", choices=options(INFORMATION_FLOWS))
    initiated_by = CharField(max_length=10, default="", choices=options(INITIATED_BY))
    campaign_no = CharField(max_length=20, default="")
    campaign_target = BooleanField(default=False)
    campaign_response = BooleanField(default=False)
    correspondence_type_default = CharField(max_length=10, default="email",
                                            choices=options(CORRESPONDENCE_TYPES))
    language_code_default = CharField(max_length=10, default="")
    ignore_contact_corres_type = BooleanField(default=False)

    class Meta:
        indexes = ((("interaction_group_code",), False),)


class InteractionTemplateAttachment(BaseModel):
    """A template's document for one language ('' = any language)."""
    id = AutoField()
    template_code = CharField(max_length=10)
    language_code = CharField(max_length=10, default="")
    file_name = CharField(max_length=250, default="")
    kind = CharField(max_length=10, default="word")  # word | file
    content = BlobField()
    field_map = TextField(default="{}")  # JSON: template field -> known field

    class Meta:
        indexes = ((("template_code", "language_code"), True),)


class Campaign(BaseModel):
    no = CharField(max_length=20, primary_key=True)
    description = CharField(max_length=100, default="")
    starting_date = DateField(null=True)
    ending_date = DateField(null=True)
    salesperson_code = CharField(max_length=20, default="")


class MailingGroup(BaseModel):
    code = CharField(max_length=10, primary_key=True)
    description = CharField(max_length=100, default="")


class IndustryGroup(BaseModel):
    code = CharField(max_length=10, primary_key=True)
    description = CharField(max_length=100, default="")


class BusinessRelation(BaseModel):
    code = CharField(max_length=10, primary_key=True)
    description = CharField(max_length=100, default="")


class JobResponsibility(BaseModel):
    code = CharField(max_length=10, primary_key=True)
    description = CharField(max_length=100, default="")


# --- contacts ---------------------------------------------------------------------------

class Contact(BaseModel):
    no = CharField(max_length=20, primary_key=True)
    type = CharField(max_length=10, default="person", choices=options(CONTACT_TYPES))
    name = CharField(max_length=100, default="")
    first_name = CharField(max_length=50, default="")
    surname = CharField(max_length=50, default="")
    company_no = CharField(max_length=20, default="")
    company_name = CharField(max_length=100, default="")
    search_name = CharField(max_length=100, default="")
    address = CharField(max_length=100, default="")
    address_2 = CharField(max_length=100, default="")
    post_code = CharField(max_length=20, default="")
    city = CharField(max_length=50, default="")
    county = CharField(max_length=50, default="")
    country_code = CharField(max_length=10, default="")
    phone = CharField(max_length=30, default="")
    mobile = CharField(max_length=30, default="")
    email = CharField(max_length=80, default="")
    language_code = CharField(max_length=10, default="")
    salesperson_code = CharField(max_length=20, default="")
    territory_code = CharField(max_length=10, default="")
    correspondence_type = CharField(max_length=10, default="", choices=options(CORRESPONDENCE_TYPES))
    exclude_from_segment = BooleanField(default=False)
    job_title = CharField(max_length=50, default="")
    created_at = DateTimeField(default=dt.datetime.now)
    modified_at = DateTimeField(default=dt.datetime.now)
    # Bumped on every change so a second user's stale edit is a conflict (contacts set --if-version).
    # A database default too: the demo and the import write rows with raw INSERTs.
    version = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])

    class Meta:
        indexes = (
            (("type",), False),
            (("company_no",), False),
            (("city",), False),
            (("post_code",), False),
            (("country_code",), False),
            (("salesperson_code",), False),
            (("name",), False),
            (("email",), False),
            (("company_name", "company_no", "type", "name"), False),
        )


def _link(name, code_field):
    attrs = {
        "__module__": __name__,
        "contact_no": CharField(max_length=20),
        code_field: CharField(max_length=10),
        "Meta": type("Meta", (), {
            "primary_key": False,
            "indexes": ((("contact_no", code_field), True), ((code_field, "contact_no"), False)),
        }),
    }
    return type(name, (BaseModel,), attrs)


ContactMailingGroup = _link("ContactMailingGroup", "mailing_group_code")
ContactIndustryGroup = _link("ContactIndustryGroup", "industry_group_code")
ContactBusinessRelation = _link("ContactBusinessRelation", "business_relation_code")
ContactJobResponsibility = _link("ContactJobResponsibility", "job_responsibility_code")


class ContactOptOut(BaseModel):
    """A contact asked not to be reached on a channel (e-mail, letter, phone): when and why."""
    id = AutoField()
    contact_no = CharField(max_length=20)
    channel = CharField(max_length=10, choices=options(OPT_OUT_CHANNELS))
    date = DateField(default=dt.date.today)
    reason = CharField(max_length=100, default="")

    class Meta:
        indexes = ((("contact_no", "channel"), True), (("channel", "contact_no"), False))


# --- profile questionnaires (Business Central's Profile Questionnaire) -------------------------

class ProfileQuestionnaire(BaseModel):
    code = CharField(max_length=10, primary_key=True)
    description = CharField(max_length=100, default="")


class ProfileQuestion(BaseModel):
    id = AutoField()
    questionnaire_code = CharField(max_length=10)
    question_no = IntegerField()
    description = CharField(max_length=100, default="")

    class Meta:
        indexes = ((("questionnaire_code", "question_no"), True),)


class ProfileAnswer(BaseModel):
    """An answer a question allows; its code is unique within the questionnaire (Q.A in filters)."""
    id = AutoField()
    questionnaire_code = CharField(max_length=10)
    code = CharField(max_length=10)
    question_no = IntegerField()
    description = CharField(max_length=100, default="")

    class Meta:
        indexes = ((("questionnaire_code", "code"), True),)


class ContactProfileAnswer(BaseModel):
    """A contact's answer to one question. `profile_code` is QUESTIONNAIRE.ANSWER, what the
    filter source profile= compares (a *_code, so filters read it as a code)."""
    id = AutoField()
    contact_no = CharField(max_length=20)
    questionnaire_code = CharField(max_length=10)
    answer_code = CharField(max_length=10)
    question_no = IntegerField()
    profile_code = CharField(max_length=21)

    class Meta:
        indexes = ((("contact_no", "questionnaire_code", "question_no"), True),
                   (("profile_code", "contact_no"), False))


# --- segments -----------------------------------------------------------------------------

class LineFields(BaseModel):
    """Columns a segment line carries and an interaction log entry keeps."""
    contact_no = CharField(max_length=20, default="")
    contact_company_no = CharField(max_length=20, default="")
    correspondence_type = CharField(max_length=10, default="", choices=options(CORRESPONDENCE_TYPES))
    interaction_template_code = CharField(max_length=10, default="")
    interaction_group_code = CharField(max_length=10, default="")
    language_code = CharField(max_length=10, default="")
    subject = CharField(max_length=100, default="")
    description = CharField(max_length=100, default="")
    date = DateField(null=True)
    time_of_interaction = TimeField(null=True)
    cost = money()
    duration_min = money()
    salesperson_code = CharField(max_length=20, default="")
    campaign_no = CharField(max_length=20, default="")
    campaign_target = BooleanField(default=False)
    campaign_response = BooleanField(default=False)
    evaluation = CharField(max_length=15, default="", choices=options(EVALUATIONS))
    attempt_failed = BooleanField(default=False)
    information_flow = CharField(max_length=10, default="", choices=options(INFORMATION_FLOWS))
    initiated_by = CharField(max_length=10, default="", choices=options(INITIATED_BY))
    personal_note = TextField(default="")
    attachment = BlobField(null=True)
    attachment_name = CharField(max_length=250, default="")
    # Business Central's line field "Send Word Docs. as Attmt.": this line's letter goes attached
    # to its e-mail (so does every line's when the header says so). A default in the table too:
    # set-based inserts that name the older columns only leave it false.
    send_word_docs_as_attmt = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])


class SegmentHeader(BaseModel):
    no = CharField(max_length=20, primary_key=True)
    description = CharField(max_length=100, default="")
    date = DateField(default=dt.date.today)
    salesperson_code = CharField(max_length=20, default="")
    interaction_template_code = CharField(max_length=10, default="")
    interaction_group_code = CharField(max_length=10, default="")
    language_code_default = CharField(max_length=10, default="")
    subject_default = CharField(max_length=100, default="")
    correspondence_type_default = CharField(max_length=10, default="", choices=options(CORRESPONDENCE_TYPES))
    ignore_contact_corres_type = BooleanField(default=False)
    send_word_docs_as_attmt = BooleanField(default=False)
    information_flow = CharField(max_length=10, default="", choices=options(INFORMATION_FLOWS))
    initiated_by = CharField(max_length=10, default="", choices=options(INITIATED_BY))
    unit_cost = money()
    unit_duration_min = money()
    campaign_no = CharField(max_length=20, default="")
    campaign_target = BooleanField(default=False)
    campaign_response = BooleanField(default=False)
    # The line defaults this header gives (schema 9): bumped when a field that lines take from the
    # header changes without updating them, so a removed line that followed older defaults is kept
    # whole for go back instead of being made again from the header (SegmentLine.defaults_of).
    line_defaults = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])
    # Bumped on every change so a second user's stale edit is a conflict, not a silent overwrite.
    version = IntegerField(default=0)
    # The number of live lines (schema 10), right while `line_count_version` equals `version`:
    # each change that adds or removes lines carries it on (segments.touch_header), so an action
    # answers with it instead of counting (PostgreSQL visits every line to count: 10-15 ms for
    # 20,000 lines). A change that bumps `version` without carrying it on leaves it unknown, and
    # the lines are counted again; NULL (a new or upgraded segment) is unknown too.
    line_count = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    line_count_version = IntegerField(null=True)


class SegmentLine(LineFields):
    """A line of a segment. A criteria action deletes the lines it removes (services/history.py
    keeps what go back needs). A line a contact swap replaced stays here, parked: `removed_by`
    holds that action's number until go back brings it back or the segment is logged or deleted.
    Every read of a segment's lines takes live lines only (SegmentLine.live)."""
    id = AutoField()
    segment_no = CharField(max_length=20)
    line_no = IntegerField()
    removed_by = IntegerField(null=True)
    # The header's `line_defaults` the line's values follow, so that go back can make it again
    # from its contact and the header; 0 once the line has values of its own (an edit by hand, a
    # letter of its own): such a line is kept whole when removed.
    defaults_of = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])

    @classmethod
    def live(cls, segment_no):
        """The condition for a segment's live lines: it also lets both databases use the partial
        indexes below (a condition without `removed_by IS NULL` cannot)."""
        return (cls.segment_no == segment_no) & cls.removed_by.is_null()

    @classmethod
    def parked(cls, segment_no, action_no=None):
        """The lines a contact swap (or, before schema 9, a removal) parked: of one action or all."""
        if action_no is None:
            return (cls.segment_no == segment_no) & cls.removed_by.is_null(False)
        return (cls.segment_no == segment_no) & (cls.removed_by == action_no)


# Partial indexes (schema 8): live lines in two, parked lines (a contact swap's old line) in one.
# Line numbers are unique among live lines. The contact index finds a contact on a segment (add's
# NOT EXISTS) and, carrying cost and duration, covers the header's totals: one index for both, as
# each costs a write per line.
SegmentLine.add_index(SegmentLine.index(SegmentLine.segment_no, SegmentLine.line_no, unique=True,
                                        where=SegmentLine.removed_by.is_null(), name="segment_line_live_line_no"))
# removed_by (always NULL in it) ends the contact index so that SQLite counts and totals live lines
# from the index alone: it takes an index as covering only when it has every column the query names.
SegmentLine.add_index(SegmentLine.index(SegmentLine.segment_no, SegmentLine.contact_no, SegmentLine.cost,
                                        SegmentLine.duration_min, SegmentLine.removed_by,
                                        where=SegmentLine.removed_by.is_null(), name="segment_line_live_contact"))
SegmentLine.add_index(SegmentLine.index(SegmentLine.segment_no, SegmentLine.removed_by,
                                        where=SegmentLine.removed_by.is_null(False), name="segment_line_parked"))


class SegmentCriteriaLine(BaseModel):
    """One row per criteria action, then one row per filter it used (kind 'filter')."""
    id = AutoField()
    segment_no = CharField(max_length=20)
    action_no = IntegerField()
    seq = IntegerField(default=0)  # 0 = the action row, 1.. = its filters
    kind = CharField(max_length=10)  # action | filter
    action = CharField(max_length=15, default="", choices=options(CRITERIA_ACTIONS))
    # action options
    allow_existing_contacts = BooleanField(default=False)
    expand_contact = BooleanField(default=False)
    allow_company_with_persons = BooleanField(default=False)
    ignore_exclusion = BooleanField(default=False)
    entire_companies = BooleanField(default=False)
    # filter row
    source = CharField(max_length=30, default="")  # contact | mailing_group | ... | interaction
    field = CharField(max_length=50, default="")
    expression = TextField(default="")
    # outcome of the action, for the criteria panel
    no_of_contacts = IntegerField(default=0)
    reference = CharField(max_length=40, default="")  # e.g. logged segment entry no, contact no

    class Meta:
        indexes = ((("segment_no", "action_no", "seq"), True),)


# The columns a line carries (everything but its key, id, parking and defaults mark), in one fixed order.
LINE_COLUMNS = [f for f in SegmentLine._meta.sorted_field_names
                if f not in ("id", "segment_no", "line_no", "removed_by", "defaults_of")]


class SegmentHistory(LineFields):
    """What a criteria action inserted or deleted, so it can be undone with the line's edits."""
    id = AutoField()
    segment_no = CharField(max_length=20)
    action_no = IntegerField()
    event = CharField(max_length=10)  # added | removed | kept | inserted
    line_no = IntegerField()
    # "removed": the removed lines that followed the header's defaults, as a JSON list of
    # [line number, contact number] pairs (one row per action, whatever the number of lines).
    numbers = TextField(null=True)

    class Meta:
        indexes = ((("segment_no", "action_no", "event"), False),)


class SavedSegmentCriteria(BaseModel):
    code = CharField(max_length=20, primary_key=True)
    description = CharField(max_length=100, default="")
    user_id = CharField(max_length=50, default="")
    created_at = DateTimeField(default=dt.datetime.now)


class SavedSegmentCriteriaLine(BaseModel):
    id = AutoField()
    criteria_code = CharField(max_length=20)
    action_no = IntegerField()
    seq = IntegerField(default=0)
    kind = CharField(max_length=10)
    action = CharField(max_length=15, default="")
    allow_existing_contacts = BooleanField(default=False)
    expand_contact = BooleanField(default=False)
    allow_company_with_persons = BooleanField(default=False)
    ignore_exclusion = BooleanField(default=False)
    entire_companies = BooleanField(default=False)
    source = CharField(max_length=30, default="")
    field = CharField(max_length=50, default="")
    expression = TextField(default="")
    reference = CharField(max_length=40, default="")

    class Meta:
        indexes = ((("criteria_code", "action_no", "seq"), True),)


# --- after logging ---------------------------------------------------------------------------

class LoggedSegment(BaseModel):
    entry_no = AutoField()
    segment_no = CharField(max_length=20)
    description = CharField(max_length=100, default="")
    creation_date = DateField(default=dt.date.today)
    user_id = CharField(max_length=50, default="")
    canceled = BooleanField(default=False)

    class Meta:
        indexes = ((("segment_no",), False),)


class InteractionLogEntry(LineFields):
    entry_no = AutoField()
    user_id = CharField(max_length=50, default="")
    segment_no = CharField(max_length=20, default="")
    logged_segment_entry_no = IntegerField(null=True)
    canceled = BooleanField(default=False)
    delivery_status = CharField(max_length=15, default="", choices=options(DELIVERY_STATUSES))
    delivery_error = TextField(default="")
    message_id = CharField(max_length=250, default="")
    send_word_docs_as_attmt = BooleanField(default=False)
    resent_from_entry_no = IntegerField(null=True)

    class Meta:
        indexes = (
            (("contact_no",), False),
            (("date",), False),
            (("segment_no",), False),
            (("logged_segment_entry_no",), False),
            (("interaction_template_code",), False),
            # No index on delivery_status: it is only ever read with the logged segment or entry no.
        )


class InteractionComment(BaseModel):
    """Business Central's comment lines on an interaction log entry: dated, by user."""
    id = AutoField()
    entry_no = IntegerField()
    line_no = IntegerField()
    date = DateField(default=dt.date.today)
    user_id = CharField(max_length=50, default="")
    comment = CharField(max_length=250, default="")

    class Meta:
        indexes = ((("entry_no", "line_no"), True),)


class CampaignEntry(BaseModel):
    entry_no = AutoField()
    campaign_no = CharField(max_length=20)
    logged_segment_entry_no = IntegerField()
    segment_no = CharField(max_length=20, default="")
    description = CharField(max_length=100, default="")
    date = DateField(default=dt.date.today)
    user_id = CharField(max_length=50, default="")
    canceled = BooleanField(default=False)
    cost = money()
    duration_min = money()

    class Meta:
        indexes = ((("logged_segment_entry_no",), False), (("campaign_no",), False))


ALL_MODELS = [
    SchemaInfo, NumberSeries, CompanyInformation, Salesperson, Language, Country,
    InteractionGroup, InteractionTemplate, InteractionTemplateAttachment, Campaign,
    MailingGroup, IndustryGroup, BusinessRelation, JobResponsibility,
    Contact, ContactMailingGroup, ContactIndustryGroup, ContactBusinessRelation,
    ContactJobResponsibility, SegmentHeader, SegmentLine, SegmentCriteriaLine, SegmentHistory,
    SavedSegmentCriteria, SavedSegmentCriteriaLine, LoggedSegment, InteractionLogEntry,
    CampaignEntry, InteractionComment, ContactOptOut, ProfileQuestionnaire, ProfileQuestion,
    ProfileAnswer, ContactProfileAnswer,
]


def to_dict(record, exclude=("attachment", "content")):
    """A record as a JSON-ready dict with the domain's field names."""
    out = {}
    for name in record._meta.sorted_field_names:
        if name in exclude:
            continue
        value = getattr(record, name)
        out[name] = json_value(value)
    return out


def normal_code(value):
    """A code or number as stored and compared: trimmed, upper case ('' for None)."""
    return str(value or "").strip().upper()


def json_value(value):
    import decimal

    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return None
    return value
