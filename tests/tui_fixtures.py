"""Fixed data for the TUI list tests and snapshots: fixed codes, names and dates, no clock.

Written with the models directly (test set-up, not screen code) so every run is identical.
"""
import datetime as dt

from segtui.models import (
    Campaign,
    CampaignEntry,
    Contact,
    ContactMailingGroup,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    MailingGroup,
    Salesperson,
)

FIXED = dt.datetime(2026, 1, 15, 9, 30)
CITIES = ["Malmö", "Lund", "Berlin", "Bern", "Sevilla", "Lyon"]


def fill_fixed(contacts=60):
    Salesperson.insert_many([
        {"code": "JO", "name": "Jonas Berg", "email": "jonas@example.com"},
        {"code": "KL", "name": "Klara Lind", "email": "klara@example.com"},
    ]).execute()
    InteractionGroup.insert_many([{"code": "LETTER", "description": "Letters"},
                                  {"code": "EMAIL", "description": "E-mails"}]).execute()
    InteractionTemplate.insert_many([
        {"code": "LETTER", "interaction_group_code": "LETTER", "description": "Letter", "unit_cost": 2,
         "correspondence_type_default": "hard_copy"},
        {"code": "NEWS", "interaction_group_code": "EMAIL", "description": "Newsletter", "unit_cost": 0},
    ]).execute()
    Campaign.insert(no="CP1001", description="Spring fair", starting_date=dt.date(2026, 3, 1),
                    ending_date=dt.date(2026, 3, 31), salesperson_code="JO").execute()
    MailingGroup.insert_many([{"code": "FAIR", "description": "Fair visitors"},
                              {"code": "NEWS", "description": "Newsletter"}]).execute()
    rows = []
    for i in range(1, contacts + 1):
        company = (i - 1) // 5 * 5 + 1
        is_company = i == company
        city = CITIES[(company // 5) % len(CITIES)]
        name = f"Company {company:03d} AB" if is_company else f"Person {i:03d} Example"
        rows.append({
            "no": f"CT{i:06d}", "type": "company" if is_company else "person", "name": name,
            "first_name": "" if is_company else "Person", "surname": "" if is_company else f"{i:03d}",
            "company_no": f"CT{company:06d}", "company_name": f"Company {company:03d} AB",
            "search_name": name.upper(), "city": city, "post_code": f"{10000 + company}",
            "country_code": "SE", "salesperson_code": "JO" if company % 2 else "KL",
            "email": f"contact{i:03d}@example.com", "phone": f"+46 40 {i:06d}",
            "correspondence_type": "email" if i % 3 else "hard_copy",
            "created_at": FIXED, "modified_at": FIXED,
        })
    Contact.insert_many(rows).execute()
    ContactMailingGroup.insert_many([{"contact_no": f"CT{i:06d}", "mailing_group_code": "FAIR"}
                                     for i in range(1, contacts + 1, 4)]).execute()
    for entry_no, (segment, description, canceled) in enumerate(
            [("SM00001", "Spring fair invitations", False), ("SM00002", "Newsletter January", False)], start=1):
        LoggedSegment.insert(entry_no=entry_no, segment_no=segment, description=description,
                             creation_date=dt.date(2026, 1, 10 + entry_no), user_id="ANNA",
                             canceled=canceled).execute()
        CampaignEntry.insert(campaign_no="CP1001", logged_segment_entry_no=entry_no, segment_no=segment,
                             description=description, date=dt.date(2026, 1, 10 + entry_no), user_id="ANNA").execute()
        entries = []
        for k in range(1, 6):
            contact = (entry_no - 1) * 5 + k + 1
            entries.append({
                "contact_no": f"CT{contact:06d}", "contact_company_no": f"CT{(contact - 1) // 5 * 5 + 1:06d}",
                "correspondence_type": "hard_copy" if entry_no == 1 else "email",
                "interaction_template_code": "LETTER" if entry_no == 1 else "NEWS",
                "interaction_group_code": "LETTER" if entry_no == 1 else "EMAIL",
                "description": description, "subject": description, "date": dt.date(2026, 1, 10 + entry_no),
                "cost": 2 if entry_no == 1 else 0, "salesperson_code": "JO", "campaign_no": "CP1001",
                "segment_no": segment, "logged_segment_entry_no": entry_no, "user_id": "ANNA",
                "evaluation": "positive" if k == 1 else "",
            })
        InteractionLogEntry.insert_many(entries).execute()
