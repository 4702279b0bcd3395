"""Interaction templates' Word templates: attach a .docx per language, read its merge fields,
map the fields segtui does not know to ones it does (docs/domain.md, section 6).
"""
import hashlib
import json
from pathlib import Path

from .. import db as dbmod
from ..errors import NotFound, SegtuiError
from ..models import InteractionTemplate, InteractionTemplateAttachment, Language, normal_code
from . import word
from .results import TemplateDetached, TemplateDocument

CONTACT_FIELDS = (
    "contact_no", "contact_name", "contact_first_name", "contact_surname", "contact_company_name",
    "contact_address", "contact_address_2", "contact_post_code", "contact_city", "contact_county",
    "contact_country", "contact_email", "contact_phone", "contact_mobile", "contact_job_title",
)
SALESPERSON_FIELDS = ("salesperson_code", "salesperson_name", "salesperson_email", "salesperson_phone")
COMPANY_FIELDS = ("company_name", "company_address", "company_post_code", "company_city", "company_country",
                  "company_phone", "company_email")
DOCUMENT_FIELDS = ("date", "segment_no", "campaign_no", "campaign_description", "description", "subject",
                   "personal_note", "language_code")
# address_block: the contact's postal address formatted by its country's rules (addresses.py);
# cover_text: the text given for cover sheets.
BLOCK_FIELDS = ("address_block", "cover_text")
KNOWN_FIELDS = CONTACT_FIELDS + SALESPERSON_FIELDS + COMPANY_FIELDS + DOCUMENT_FIELDS + BLOCK_FIELDS

# The English names Word users commonly type, as aliases of the contact's fields.
ALIASES = {
    "first_name": "contact_first_name",
    "last_name": "contact_surname",
    "name": "contact_name",
    "company": "contact_company_name",
    "address_line": "contact_address",
    "address": "contact_address",
    "postal_code": "contact_post_code",
    "zip": "contact_post_code",
    "city": "contact_city",
    "state": "contact_county",
    "country": "contact_country",
    "email": "contact_email",
    "phone": "contact_phone",
    "date": "date",
}
_KNOWN = {name: name for name in KNOWN_FIELDS}


def known_name(name):
    """The known field `name` stands for (a known name or an alias, any case), or None."""
    key = str(name or "").strip().lower()
    return _KNOWN.get(key) or ALIASES.get(key)


def resolve(field, mapping):
    """The known field a template's `field` is filled from: its saved mapping first (matched
    ignoring case), then the known names and aliases; None when unknown."""
    lowered = {k.lower(): v for k, v in (mapping or {}).items()}
    mapped = lowered.get(field.lower())
    if mapped:
        return mapped
    return known_name(field)


def unknown_fields(fields, mapping):
    return [f for f in fields if resolve(f, mapping) is None]


_FIELDS_CACHE: dict = {}  # sha1 of a document -> its field report; attachments are read often, parsed once


def document_report(data, what="the file"):
    """The word_fields.FieldReport of a .docx (NotAWordDocument when it is not one)."""
    digest = hashlib.sha1(data).hexdigest()
    report = _FIELDS_CACHE.get(digest)
    if report is None:
        report = word.field_report(bytes(data), what)
        if len(_FIELDS_CACHE) > 256:
            _FIELDS_CACHE.clear()
        _FIELDS_CACHE[digest] = report
    return report


def document_fields(data, what="the file"):
    """The merge fields of a .docx (NotAWordDocument when it is not one)."""
    return list(document_report(data, what).fields)


def load_mapping(attachment):
    try:
        mapping = json.loads(attachment.field_map or "{}")
    except ValueError:
        mapping = {}
    return mapping if isinstance(mapping, dict) else {}


def _template(code):
    code = normal_code(code)
    if not code:
        raise SegtuiError("no interaction template code given")
    template = InteractionTemplate.get_or_none(InteractionTemplate.code == code)
    if template is None:
        raise NotFound(f"interaction template {code!r} does not exist")
    return template


def _language(language_code):
    code = normal_code(language_code)
    if code and not Language.select().where(Language.code == code).exists():
        raise NotFound(f"language {code!r} does not exist")
    return code


def _attachment(code, language_code):
    attachment = InteractionTemplateAttachment.get_or_none(
        (InteractionTemplateAttachment.template_code == code)
        & (InteractionTemplateAttachment.language_code == language_code))
    if attachment is None:
        which = f"language {language_code}" if language_code else "all languages"
        raise NotFound(f"interaction template {code} has no Word template for {which}: "
                       f"attach one with 'segtui template attach {code} FILE"
                       f"{' --language ' + language_code if language_code else ''}'")
    return attachment


def read_input(path_or_bytes, file_name):
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(path_or_bytes), file_name or "template.docx"
    path = Path(path_or_bytes)
    if not path.is_file():
        raise SegtuiError(f"file {str(path)!r} does not exist or is not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SegtuiError(f"cannot read {str(path)!r}: {exc}") from exc
    return data, file_name or path.name


def _report(code, language_code, fields, mapping, file_name, data=None) -> TemplateDocument:
    report: TemplateDocument = {
        "template_code": code,
        "language_code": language_code,
        "file_name": file_name,
        "fields": fields,
        "unknown_fields": unknown_fields(fields, mapping),
        "mapping": mapping,
        "ignored_fields": [],
        "unsupported_fields": [],
        "notes": [],
    }
    if data is not None:
        # What the merge does not do as Word would: said when the template is attached or shown.
        fields_report = document_report(data)
        report["ignored_fields"] = list(fields_report.ignored)
        report["unsupported_fields"] = list(fields_report.unsupported)
        report["notes"] = fields_report.notes()
    return report


def attach(code, path_or_bytes, language_code="", file_name=None) -> TemplateDocument:
    """Store a .docx as the template's Word template for a language ('' = all languages).

    Returns {"fields", "unknown_fields", ...}. A file that is not a readable .docx is refused
    and nothing changes. A mapping saved earlier is kept for the fields the new file still uses.
    """
    template = _template(code)
    language_code = _language(language_code)
    data, name = read_input(path_or_bytes, file_name)
    if not name.lower().endswith(word.WORD_SUFFIXES):
        raise word.NotAWordDocument(f"{name!r} is not a Word .docx file (it must end in .docx)")
    fields = document_fields(data, repr(name))
    with dbmod.transaction():
        existing = InteractionTemplateAttachment.get_or_none(
            (InteractionTemplateAttachment.template_code == template.code)
            & (InteractionTemplateAttachment.language_code == language_code))
        old = load_mapping(existing) if existing else {}
        present = {f.lower() for f in fields}
        mapping = {k: v for k, v in old.items() if k.lower() in present}
        row = dict(file_name=name, kind="word", content=data, field_map=json.dumps(mapping, sort_keys=True))
        if existing:
            InteractionTemplateAttachment.update(**row).where(
                InteractionTemplateAttachment.id == existing.id).execute()
        else:
            InteractionTemplateAttachment.create(template_code=template.code, language_code=language_code, **row)
    return _report(template.code, language_code, fields, mapping, name, data)


def map_fields(code, mapping, language_code="") -> TemplateDocument:
    """Map the template's Word fields to known fields ({template field: known field}); saved with
    the template. An empty target removes a mapping. Returns the whole mapping."""
    template = _template(code)
    language_code = _language(language_code)
    if not mapping:
        raise SegtuiError("no field mapping given: write TEMPLATE_FIELD=FIELD")
    with dbmod.transaction():
        attachment = _attachment(template.code, language_code)
        fields = document_fields(attachment.content)
        by_lower = {f.lower(): f for f in fields}
        current = load_mapping(attachment)
        for source, target in mapping.items():
            field = by_lower.get(str(source).strip().lower())
            if field is None:
                raise SegtuiError(f"template {template.code} has no merge field {source!r}; "
                                  f"its fields are: {', '.join(fields) or '(none)'}")
            current = {k: v for k, v in current.items() if k.lower() != field.lower()}
            if not str(target or "").strip():
                continue
            known = known_name(target)
            if known is None:
                raise SegtuiError(f"{target!r} (for template field {field!r}) is not a field segtui knows; "
                                  f"known fields: {', '.join(KNOWN_FIELDS)}")
            current[field] = known
        InteractionTemplateAttachment.update(field_map=json.dumps(current, sort_keys=True)).where(
            InteractionTemplateAttachment.id == attachment.id).execute()
    return current


def template_fields(code, language_code="") -> TemplateDocument:
    """{"fields", "unknown_fields", "mapping"} of the template's Word template for a language."""
    template = _template(code)
    language_code = _language(language_code)
    attachment = _attachment(template.code, language_code)
    mapping = load_mapping(attachment)
    fields = document_fields(attachment.content) if attachment.kind == "word" else []
    return _report(template.code, language_code, fields, mapping, attachment.file_name,
                   bytes(attachment.content) if attachment.kind == "word" else None)


def attachments(code) -> list[TemplateDocument]:
    """The template's documents, one per language: [{"language_code", "file_name", "kind", "fields",
    "unknown_fields", "mapping"}], the one for all languages ('') first."""
    template = _template(code)
    a = InteractionTemplateAttachment
    out = []
    for row in a.select().where(a.template_code == template.code).order_by(a.language_code):
        mapping = load_mapping(row)
        fields = document_fields(row.content) if row.kind == "word" else []
        report = _report(template.code, row.language_code, fields, mapping, row.file_name,
                         bytes(row.content) if row.kind == "word" else None)
        report["kind"] = row.kind
        out.append(report)
    return out


def detach(code, language_code="") -> TemplateDetached:
    """Remove the template's document for a language. Returns {"template_code", "language_code"}."""
    template = _template(code)
    language_code = normal_code(language_code)
    with dbmod.transaction():
        attachment = _attachment(template.code, language_code)
        InteractionTemplateAttachment.delete().where(InteractionTemplateAttachment.id == attachment.id).execute()
    return {"template_code": template.code, "language_code": language_code}
