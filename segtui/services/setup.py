"""Setup records the worksheet and `segtui setup` edit: interaction templates, salespeople,
interaction groups, mailing groups, campaigns, industry groups, business relations, job
responsibilities and languages. List, save (create or change) and delete, with validation that
names the field; one save is one transaction; a code in use is not deleted. No Textual here.
"""
import datetime as dt
import decimal
from typing import Any

from .. import db as dbmod
from ..errors import NotFound, SegtuiError, unknown_name_hint
from ..text import yes_no
from ..models import (
    CORRESPONDENCE_TYPES,
    INFORMATION_FLOWS,
    INITIATED_BY,
    BusinessRelation,
    Campaign,
    IndustryGroup,
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateAttachment,
    JobResponsibility,
    Language,
    MailingGroup,
    ProfileQuestionnaire,
    Salesperson,
    normal_code,
    to_dict,
)
from .setup_uses import uses_of

# kind -> (model, key field, title, [(field, label, type)]) ; type: code|text|money|bool|date|choice:<values>|ref:<kind>
KINDS = {
    "template": (InteractionTemplate, "code", "Interaction templates", [
        ("code", "Code", "code"), ("description", "Description", "text"),
        ("interaction_group_code", "Interaction group", "ref:group"),
        ("unit_cost", "Unit cost", "money"), ("unit_duration_min", "Unit duration (min)", "money"),
        ("information_flow", "Information flow", "choice:information_flow"),
        ("initiated_by", "Initiated by", "choice:initiated_by"),
        ("campaign_no", "Campaign", "ref:campaign"),
        ("campaign_target", "Campaign target", "bool"), ("campaign_response", "Campaign response", "bool"),
        ("correspondence_type_default", "Corresp. type", "choice:correspondence_type"),
        ("language_code_default", "Language", "ref:language"),
        ("ignore_contact_corres_type", "Ignore contact corresp. type", "bool"),
    ]),
    "salesperson": (Salesperson, "code", "Salespeople", [
        ("code", "Code", "code"), ("name", "Name", "text"), ("email", "E-mail", "text"),
        ("phone", "Phone", "text"), ("blocked", "Blocked", "bool"),
    ]),
    "group": (InteractionGroup, "code", "Interaction groups", [
        ("code", "Code", "code"), ("description", "Description", "text"),
    ]),
    "mailing_group": (MailingGroup, "code", "Mailing groups", [
        ("code", "Code", "code"), ("description", "Description", "text"),
    ]),
    "campaign": (Campaign, "no", "Campaigns", [
        ("no", "No.", "code"), ("description", "Description", "text"),
        ("starting_date", "Starting date", "date"), ("ending_date", "Ending date", "date"),
        ("salesperson_code", "Salesperson", "ref:salesperson"),
    ]),
    "industry_group": (IndustryGroup, "code", "Industry groups", [
        ("code", "Code", "code"), ("description", "Description", "text"),
    ]),
    "business_relation": (BusinessRelation, "code", "Business relations", [
        ("code", "Code", "code"), ("description", "Description", "text"),
    ]),
    "job_responsibility": (JobResponsibility, "code", "Job responsibilities", [
        ("code", "Code", "code"), ("description", "Description", "text"),
    ]),
    "language": (Language, "code", "Languages", [
        ("code", "Code", "code"), ("name", "Name", "text"),
    ]),
    # Its questions and answers are kept by services.profiles.
    "questionnaire": (ProfileQuestionnaire, "code", "Profile questionnaires", [
        ("code", "Code", "code"), ("description", "Description", "text"),
    ]),
}
# The names the command line uses (docs/cli.md) -> the list.
CLI_KINDS = {"salesperson": "salesperson", "campaign": "campaign", "interaction-group": "group",
             "mailing-group": "mailing_group", "industry-group": "industry_group",
             "business-relation": "business_relation", "job-responsibility": "job_responsibility",
             "language": "language", "template": "template", "questionnaire": "questionnaire"}


def kind_of(name):
    """The list a command-line name means (interaction-group, mailing-group, ...)."""
    key = (name or "").strip().lower().replace("_", "-")
    if key not in CLI_KINDS:
        raise SegtuiError(f"unknown setup list {name!r}; known: {', '.join(CLI_KINDS)}")
    return CLI_KINDS[key]
CHOICES = {"information_flow": INFORMATION_FLOWS, "initiated_by": INITIATED_BY,
           "correspondence_type": CORRESPONDENCE_TYPES}
REF_MODELS = {"group": (InteractionGroup, "code"), "campaign": (Campaign, "no"),
              "salesperson": (Salesperson, "code"), "language": (Language, "code")}


def _kind(kind):
    if kind not in KINDS:
        raise SegtuiError(f"unknown setup list {kind!r}; known: {', '.join(KINDS)}")
    return KINDS[kind]


def fields(kind):
    """[(field, label, type)] of a setup list, for forms."""
    return list(_kind(kind)[3])


def list_records(kind):
    model, key, _title, _fields = _kind(kind)
    rows = [to_dict(r) for r in model.select().order_by(getattr(model, key))]
    if kind == "template":
        languages: dict = {}
        for code, language, name in (InteractionTemplateAttachment.select(
                InteractionTemplateAttachment.template_code, InteractionTemplateAttachment.language_code,
                InteractionTemplateAttachment.file_name).tuples()):
            languages.setdefault(code, []).append(f"{language or 'all'}: {name}")
        for row in rows:
            row["word_templates"] = "; ".join(sorted(languages.get(row["code"], [])))
    return rows


def get_record(kind, key_value):
    model, key, _title, _fields = _kind(kind)
    record = model.get_or_none(getattr(model, key) == normal_code(key_value))
    if record is None:
        raise NotFound(f"{_kind(kind)[2].lower()[:-1]} {key_value!r} does not exist")
    return to_dict(record)


def _clean(kind, values):
    model, key, title, specs = _kind(kind)
    what = title.lower().rstrip("s")
    unknown = sorted(set(values) - {name for name, _label, _typ in specs})
    if unknown:
        known = [name for name, _label, _typ in specs]
        raise SegtuiError(f"unknown field {unknown[0]!r} for {title.lower()}{unknown_name_hint(unknown[0], known)}")
    out: dict[str, Any] = {}
    for name, label, typ in specs:
        if name not in values:
            continue
        raw = values[name]
        field = model._meta.fields[name]
        if typ == "bool":
            out[name] = bool(raw) if not isinstance(raw, str) else yes_no(raw, False)
            continue
        text = "" if raw is None else str(raw).strip()
        if typ == "code" or typ.startswith("ref:"):
            text = text.upper()
        if typ == "money":
            try:
                number = decimal.Decimal(text.replace(",", "") or "0")
            except decimal.InvalidOperation:
                raise SegtuiError(f"{label}: {raw!r} is not a number") from None
            if number < 0:
                raise SegtuiError(f"{label} cannot be negative")
            out[name] = number
            continue
        if typ == "date":
            if not text:
                out[name] = None
                continue
            try:
                out[name] = dt.date.fromisoformat(text)
            except ValueError:
                raise SegtuiError(f"{label}: {raw!r} is not a date (write 2026-11-28)") from None
            continue
        if typ.startswith("choice:"):
            allowed = CHOICES[typ.split(":", 1)[1]]
            text = text.lower().replace(" ", "_").replace("-", "_")
            if text not in allowed:
                raise SegtuiError(f"{label}: {raw!r} is not one of {', '.join(v or '(blank)' for v in allowed)}")
        limit = getattr(field, "max_length", None)
        if limit and len(text) > limit:
            raise SegtuiError(f"{label} is {len(text)} characters long; at most {limit} fit")
        if typ.startswith("ref:") and text:
            ref_model, ref_key = REF_MODELS[typ.split(":", 1)[1]]
            if not ref_model.select().where(getattr(ref_model, ref_key) == text).exists():
                raise SegtuiError(f"{label}: {text} does not exist")
        out[name] = text
    if kind == "template" and "interaction_group_code" in out and not out["interaction_group_code"]:
        raise SegtuiError(f"an interaction template needs an interaction group ({what})")
    if kind == "campaign" and out.get("starting_date") and out.get("ending_date"):
        if out["ending_date"] < out["starting_date"]:
            raise SegtuiError("Ending date is before the starting date")
    return out


def save_record(kind, values, new=False):
    """Create (new=True) or change a setup record; returns it. Refusals name the field."""
    model, key, title, _specs = _kind(kind)
    data = _clean(kind, values)
    code = data.get(key) or str(values.get(key, "")).strip().upper()
    if not code:
        raise SegtuiError(f"{dict((n, lbl) for n, lbl, _ in KINDS[kind][3])[key]} is required")
    with dbmod.transaction():
        exists = model.select().where(getattr(model, key) == code).exists()
        if new and exists:
            raise SegtuiError(f"{code} exists already in {title.lower()}")
        if not new and not exists:
            raise NotFound(f"{code} does not exist in {title.lower()}")
        if new:
            if kind == "template" and not data.get("interaction_group_code"):
                raise SegtuiError("an interaction template needs an interaction group")
            model.insert(**data).execute()
        else:
            changes = {k: v for k, v in data.items() if k != key}
            if changes:
                model.update(**changes).where(getattr(model, key) == code).execute()
    return get_record(kind, code)


def delete_record(kind, key_value):
    """Delete a setup record nobody uses; refused, saying where it is used, when one is in use."""
    model, key, title, _specs = _kind(kind)
    code = normal_code(key_value)
    with dbmod.transaction():
        if not model.select().where(getattr(model, key) == code).exists():
            raise NotFound(f"{code} does not exist in {title.lower()}")
        used = uses_of(kind, code)
        if used:
            raise SegtuiError(f"{code} cannot be deleted: it is used by {'; '.join(used)}")
        if kind == "template":
            InteractionTemplateAttachment.delete().where(
                InteractionTemplateAttachment.template_code == code).execute()
        if kind == "questionnaire":
            from .profiles import delete_questionnaire_rows

            delete_questionnaire_rows(code)
        model.delete().where(getattr(model, key) == code).execute()
    return {"deleted": code}
