"""What services return, typed: the screens and the CLI read these fields instead of guessing a shape.

They are TypedDicts on purpose: at run time a result stays a plain dict, so `--json` prints it
byte for byte as before, while mypy checks that a service builds and a caller reads the fields
named here. A field that only some results carry is NotRequired: read it with .get().
"""
from typing import Any, NotRequired, TypedDict

# A segment as segments.get_segment gives it (header fields, counts and its "criteria" actions)
# and a line as segments.get_line gives it (line fields, the contact's name..., its "version").
# Their fields follow the models: typed by the models, not repeated here.
Segment = dict[str, Any]
Line = dict[str, Any]
# A contact as contacts.contact_dict gives it ("no", "name", ...): a dry run's sample.
ContactRow = dict[str, Any]


class CriteriaFilter(TypedDict):
    source: str  # "contact", "interaction", "mailing_group"...
    field: str
    expression: str


class CriteriaAction(TypedDict):
    """One criteria action of a segment (segments.criteria_actions), oldest first."""
    action_no: int
    action: str  # add, reduce, refine, add_contact, remove_line, reuse_logged, set_contact
    allow_existing_contacts: bool
    expand_contact: bool
    allow_company_with_persons: bool
    ignore_exclusion: bool
    entire_companies: bool
    reference: str
    no_of_contacts: int | None
    filters: list[CriteriaFilter]


class LinesChanged(TypedDict):
    """A change to a segment's lines (add, reduce, refine, go back, reuse, remove a line): how many
    lines it added, removed or actions it undid, and how many lines the segment has now."""
    no_of_lines: int
    added: NotRequired[int]
    removed: NotRequired[int]
    undone: NotRequired[int]


class CriteriaResult(LinesChanged):
    """An add, reduce or refine: what it did (added, removed), or with dry_run what it would do
    (would_add or would_remove, a sample of the contacts; nothing changed)."""
    sample: NotRequired[list[ContactRow]]
    would_add: NotRequired[int]
    would_remove: NotRequired[int]
    left_out: NotRequired[dict[str, Any]]  # contacts an add leaves out, by reason (opt-outs...)


class MailingGroupApplied(TypedDict):
    applied: int  # contacts of the segment that have the group now
    new: int  # of them, those that got it just now
    removed_old: int  # links taken from every contact first (delete_old)


class CanceledRestored(TypedDict):
    """Cancel or restore toggles each chosen entry: the entry numbers of each kind."""
    canceled: list[int]
    restored: list[int]


class Delivered(TypedDict):
    """A delivery run (delivery.deliver_logged / deliver_entries)."""
    delivered: int
    errors: int
    same_address: int  # entries not sent: another entry's mail went to the same address
    combined: str | None  # the first combined letters file of hard copies
    combined_files: list[str]
    files: list[str]
    skipped: NotRequired[int]  # entries left alone (sent already, nothing to send)
    failure: NotRequired[str]  # why the run stopped early ("" when it did not)
    pdf: NotRequired[str | None]
    pdf_note: NotRequired[str]
    cancelled: NotRequired[bool]  # Esc stopped it; the entries it did not reach stay pending


class DeliveryState(TypedDict):
    entries: int
    delivered: int
    pending: int
    errors: int
    first_errors: list[dict[str, Any]]  # {"entry_no", "contact_no", "error"}, up to 5


class Resent(TypedDict):
    """resend.resend_logged: the new entries and how their delivery went."""
    logged_segment_entry_no: int
    entries: list[dict[str, Any]]
    skipped: list[dict[str, Any]]  # {"entry_no", "reason"}
    delivered: int
    errors: int
    same_address: int
    failure: str


class Logged(TypedDict):
    """segment_log.log_segment: the logged segment and, with deliver, how delivery went."""
    logged_segment_entry_no: int
    segment_no: str
    interactions: int
    campaign_entries: int
    follow_up_segment_no: str | None
    delivered: int
    errors: int
    without_correspondence_type: int
    combined: NotRequired[str | None]
    files: NotRequired[list[str]]
    same_address: NotRequired[int]
    failure: NotRequired[str]
    pdf: NotRequired[str | None]
    pdf_note: NotRequired[str]


class TemplateDocument(TypedDict):
    """A template's Word document for a language (templates.attach, map_fields, template_fields)."""
    template_code: str
    language_code: str  # "" for all languages
    file_name: str
    fields: list[str]
    unknown_fields: list[str]  # merge fields segtui does not know and the mapping does not name
    mapping: dict[str, str]
    ignored_fields: list[str]
    unsupported_fields: list[str]
    notes: list[str]
    kind: NotRequired[str]  # in templates.attachments: "word" or another file sent as it is


class TemplateDetached(TypedDict):
    template_code: str
    language_code: str


class LineDocument(TypedDict):
    """merge.set_line_document: a line's own document (attachment_name "" when cleared)."""
    segment_no: str
    line_no: int
    attachment_name: str
    fields: list[str]
    unknown_fields: list[str]


class Merged(TypedDict):
    """merge.merge_segment: the documents written, one per line, and the combined file(s)."""
    segment_no: str
    documents: int
    unknown_fields: list[str]
    files: list[str]
    combined: list[str]
    without_document: list[int]  # line numbers


class Written(TypedDict):
    """What an import wrote (or, as a dry run, would write)."""
    imported: int
    updated: int
    unchanged: int
    companies: int
    opted_out: int


class Exported(TypedDict):
    exported: int  # contacts written to the file


class Imported(Written):
    """contact_io.import_contacts: what it wrote, what it refused and how it read the file."""
    rejected: list[dict[str, Any]]  # {"line", "reason"}
    warnings: list[dict[str, Any]]  # {"line", "field", "reason"}
    unmapped_columns: list[str]
    format: str
    source: str
    encoding: str | None
    dry_run: bool
