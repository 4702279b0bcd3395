"""What a read file holds: its rows with their fields and problems, and the contact fields a
file can fill."""
from dataclasses import dataclass, field

from ...models import Contact

FORMATS = ("csv", "vcard")

# Contact fields a file can fill (and a --map can name); the rest are bookkeeping.
IMPORT_FIELDS = (
    "no", "type", "name", "first_name", "surname", "company_no", "company_name",
    "address", "address_2", "post_code", "city", "county", "country_code", "phone", "mobile",
    "email", "language_code", "salesperson_code", "territory_code", "correspondence_type",
    "exclude_from_segment", "job_title",
)
# Opt-out columns: read into these fields, then into the row's opt-out channels (validate).
OPT_OUT_FIELDS = {"opt_out_email": "email", "opt_out_bulk_email": "email", "opt_out_phone": "phone",
                  "opt_out_letter": "letter"}
MAP_FIELDS = IMPORT_FIELDS + ("organisation",) + tuple(OPT_OUT_FIELDS)
EXPORT_FIELDS = IMPORT_FIELDS
CODE_FIELDS = ("language_code", "salesperson_code", "territory_code", "country_code")
# Everything a contact row holds, in the order used for bulk writes, and a new one's defaults.
ALL_FIELDS = tuple(Contact._meta.sorted_field_names)
COMPARED = tuple(n for n in ALL_FIELDS if n not in ("created_at", "modified_at"))  # "no" first
DEFAULTS = {name: (None if callable(Contact._meta.fields[name].default) else Contact._meta.fields[name].default)
            for name in ALL_FIELDS}

GOOGLE_MULTI = " ::: "


# --- the parsed file -----------------------------------------------------------------------

class Row:
    """One contact as read from the file: where it starts, its fields, its problems.
    (A plain class with slots: an import makes one per row, and a dataclass with list
    defaults costs more than reading the row.)"""

    __slots__ = ("errors", "fields", "line", "opt_outs", "organisation", "warnings")

    def __init__(self, line, fields, organisation="", errors=None):
        self.line = line
        self.fields = fields
        self.organisation = organisation
        self.errors = [] if errors is None else errors
        self.warnings = []  # (field, reason): values left out or cut
        self.opt_outs = ()  # channels the row's opt-out columns say yes to

    def warn(self, name, reason):
        self.warnings.append((name, reason))

    @property
    def ok(self):
        return not self.errors

    @property
    def reason(self):
        return "; ".join(self.errors)

    @property
    def is_company(self):
        return self.fields.get("type") == "company"

    def as_dict(self):
        return {"line": self.line, "fields": dict(self.fields), "organisation": self.organisation,
                "errors": list(self.errors), "warnings": [reason for _, reason in self.warnings],
                "opt_outs": list(self.opt_outs)}


@dataclass
class ParsedFile:
    path: str
    format: str  # csv | vcard
    source: str  # the program the columns look like (google, outlook, ...), +map, mapped, vcard
    encoding: str = "utf-8"
    delimiter: str = ""
    columns: list = field(default_factory=list)
    mapping: dict = field(default_factory=dict)  # column -> field (CSV)
    rows: list = field(default_factory=list)
    unmapped_columns: list = field(default_factory=list)  # columns whose values nothing reads
    notes: list = field(default_factory=list)  # {"line", "field", "reason"} about the file itself

    @property
    def good(self):
        return [r for r in self.rows if not r.errors]

    @property
    def rejected(self):
        return [{"line": r.line, "reason": r.reason} for r in self.rows if r.errors]

    @property
    def warnings(self):
        """What the file says that will not be imported: unused columns that look like contact
        data, then each value left out or cut, with its line and field."""
        found = list(self.notes)
        for r in self.rows:
            if r.warnings and not r.errors:
                found += [{"line": r.line, "field": name, "reason": reason} for name, reason in r.warnings]
        return found

    def preview(self, n=20):
        """The first n rows, every rejected one and every warning, for a screen."""
        return {"format": self.format, "source": self.source, "encoding": self.encoding,
                "columns": list(self.columns), "unmapped_columns": list(self.unmapped_columns),
                "rows": [r.as_dict() for r in self.rows[:n]], "total": len(self.rows),
                "good": len(self.good), "rejected": self.rejected, "warnings": self.warnings}


def set_street(fields, street, extra=""):
    """The first line of a street into address, the rest and `extra` (an extended address)
    into address_2; with no street the extra's first line is the address."""
    lines = [s.strip() for s in street.split("\n") if s.strip()]
    lines += [s.strip() for s in extra.split("\n") if s.strip()]
    if lines:
        fields["address"] = lines[0]
    if lines[1:]:
        fields["address_2"] = ", ".join(lines[1:])


def join_names(*parts):
    return " ".join(p for p in parts if p)
