"""Demo profile questionnaire and answers, and phone opt-outs, so the filter sources profile=
and opt_out= have data. Only phone: e-mail and letter opt-outs would change which contacts every
demo add and delivery takes.

Set-based like the rest of the demo: one INSERT ... SELECT per question over the contacts, the
answer picked from the contact's number, so a seed's data stays the same on every run.
"""
from peewee import Case, Value, fn

from ..models import Contact, ContactOptOut, ContactProfileAnswer, ProfileAnswer, ProfileQuestion, ProfileQuestionnaire

QUESTIONNAIRE = ("CUSTOMER", "Customer profile")
# question no, text, who answers it, [(answer code, text)]; a person answers only 3 in 4 times.
QUESTIONS = [
    (1, "Number of employees", "company", [("SMALL", "Fewer than 50"), ("MEDIUM", "50 to 249"),
                                           ("LARGE", "250 or more")]),
    (2, "Preferred way to be contacted", "person", [("EMAIL", "E-mail"), ("PHONE", "Phone"),
                                                    ("VISIT", "A visit")]),
]


def fill_profiles(prefix):
    """The questionnaire, its questions and answers, and the contacts' answers; returns their count."""
    code, description = QUESTIONNAIRE
    ProfileQuestionnaire.insert(code=code, description=description).on_conflict_ignore().execute()
    added = 0
    for number, text, kind, answers in QUESTIONS:
        ProfileQuestion.insert(questionnaire_code=code, question_no=number, description=text) \
            .on_conflict_ignore().execute()
        ProfileAnswer.insert_many([dict(questionnaire_code=code, code=a, question_no=number, description=d)
                                   for a, d in answers]).on_conflict_ignore().execute()
        serial = fn.SUBSTR(Contact.no, len(prefix) + 1, 20).cast("INTEGER")
        ways = len(answers) + (1 if kind == "person" else 0)
        pick = serial - (serial / ways) * ways  # the remainder; peewee's % means LIKE
        answer = Case(pick, [(i, a) for i, (a, _d) in enumerate(answers)])
        key = Case(pick, [(i, f"{code}.{a}") for i, (a, _d) in enumerate(answers)])
        query = (Contact.select(Contact.no, Value(code), answer, Value(number), key)
                 .where((Contact.type == kind) & (pick < len(answers))))
        a = ContactProfileAnswer
        added += a.insert_from(query, [a.contact_no, a.questionnaire_code, a.answer_code, a.question_no,
                                       a.profile_code]).on_conflict_ignore().as_rowcount().execute()
    return added


def fill_opt_outs(prefix, day):
    """About one person in 29 asked by phone not to be called again; returns how many."""
    serial = fn.SUBSTR(Contact.no, len(prefix) + 1, 20).cast("INTEGER")
    query = (Contact.select(Contact.no, Value("phone"), Value(day), Value("asked by phone"))
             .where((Contact.type == "person") & (serial - (serial / 29) * 29 == 7)))
    o = ContactOptOut
    return (o.insert_from(query, [o.contact_no, o.channel, o.date, o.reason])
            .on_conflict_ignore().as_rowcount().execute())
