"""Where a setup code is used, so a code in use is not deleted and the refusal says where.

One query per place (a count and the first few numbers), never a loop over records.
"""
from peewee import SQL, fn

from ..labels import plural
from ..models import (
    Campaign,
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    ContactProfileAnswer,
    Country,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateAttachment,
    SegmentHeader,
    SegmentLine,
)

SHOWN = 3  # numbers named per place; the count says the rest

# setup list -> [(column that holds the code, column that names the user, what the user is)]
USES = {
    "template": [(SegmentHeader.interaction_template_code, SegmentHeader.no, "segment"),
                 (SegmentLine.interaction_template_code, SegmentLine.segment_no, "segment line"),
                 (InteractionLogEntry.interaction_template_code, InteractionLogEntry.entry_no,
                  "interaction log entry")],
    "group": [(InteractionTemplate.interaction_group_code, InteractionTemplate.code, "interaction template"),
              (InteractionLogEntry.interaction_group_code, InteractionLogEntry.entry_no, "interaction log entry")],
    "salesperson": [(Contact.salesperson_code, Contact.no, "contact"),
                    (Campaign.salesperson_code, Campaign.no, "campaign"),
                    (SegmentHeader.salesperson_code, SegmentHeader.no, "segment"),
                    (SegmentLine.salesperson_code, SegmentLine.segment_no, "segment line"),
                    (InteractionLogEntry.salesperson_code, InteractionLogEntry.entry_no, "interaction log entry")],
    "campaign": [(InteractionTemplate.campaign_no, InteractionTemplate.code, "interaction template"),
                 (SegmentHeader.campaign_no, SegmentHeader.no, "segment"),
                 (SegmentLine.campaign_no, SegmentLine.segment_no, "segment line"),
                 (InteractionLogEntry.campaign_no, InteractionLogEntry.entry_no, "interaction log entry")],
    "mailing_group": [(ContactMailingGroup.mailing_group_code, ContactMailingGroup.contact_no, "contact")],
    "industry_group": [(ContactIndustryGroup.industry_group_code, ContactIndustryGroup.contact_no, "contact")],
    "business_relation": [(ContactBusinessRelation.business_relation_code, ContactBusinessRelation.contact_no,
                           "contact")],
    "job_responsibility": [(ContactJobResponsibility.job_responsibility_code, ContactJobResponsibility.contact_no,
                            "contact")],
    "questionnaire": [(ContactProfileAnswer.questionnaire_code, ContactProfileAnswer.contact_no, "contact")],
    "language": [(Contact.language_code, Contact.no, "contact"),
                 (Country.language_code, Country.code, "country"),
                 (InteractionTemplate.language_code_default, InteractionTemplate.code, "interaction template"),
                 (InteractionTemplateAttachment.language_code, InteractionTemplateAttachment.template_code,
                  "interaction template Word template"),
                 (SegmentHeader.language_code_default, SegmentHeader.no, "segment"),
                 (SegmentLine.language_code, SegmentLine.segment_no, "segment line"),
                 (InteractionLogEntry.language_code, InteractionLogEntry.entry_no, "interaction log entry")],
}


def uses_of(kind, code):
    """['2 contacts (CT000001, CT000002)', '1 segment (SM00001)', ...]; empty when unused."""
    out = []
    for column, name_column, what in USES.get(kind, []):
        model = column.model
        where = column == code
        if model is SegmentLine:
            where &= SegmentLine.removed_by.is_null()  # a line a criteria action removed is not a use
        count = model.select(fn.COUNT(SQL("*"))).where(where).scalar()
        if not count:
            continue
        names = [str(n) for (n,) in model.select(name_column).distinct().where(where)
                 .order_by(name_column).limit(SHOWN + 1).tuples()]
        more = ", ..." if len(names) > SHOWN else ""
        out.append(f"{plural(count, what)} ({', '.join(names[:SHOWN])}{more})")
    return out
