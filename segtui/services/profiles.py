"""Profile questionnaires (Business Central's Profile Questionnaire): questions with the answers
they allow, and each contact's answers. A contact gives one answer per question; the filter
source `profile=QUESTIONNAIRE.ANSWER` selects contacts by their answers (services.contacts).
"""
from peewee import JOIN, fn

from .. import db as dbmod
from ..errors import NotFound, SegtuiError
from ..labels import plural
from ..models import (
    Contact,
    ContactProfileAnswer,
    ProfileAnswer,
    ProfileQuestion,
    ProfileQuestionnaire,
    normal_code,
)

DESCRIPTION_MAX = ProfileQuestion._meta.fields["description"].max_length


def _questionnaire(code):
    value = normal_code(code)
    if not ProfileQuestionnaire.select().where(ProfileQuestionnaire.code == value).exists():
        raise NotFound(f"questionnaire {value or '(blank)'} does not exist")
    return value


def _question_no(value):
    try:
        number = int(str(value).strip())
    except ValueError:
        raise SegtuiError(f"question number {value!r} is not a number") from None
    if number <= 0:
        raise SegtuiError("a question number is 1 or more")
    return number


def _description(text):
    text = str(text or "").strip()
    if not text:
        raise SegtuiError("a description is needed")
    if len(text) > DESCRIPTION_MAX:
        raise SegtuiError(f"a description is at most {DESCRIPTION_MAX} characters ({len(text)} given)")
    return text


def set_question(questionnaire, question_no, description):
    """Create or change a question; returns the questionnaire."""
    with dbmod.transaction():
        code = _questionnaire(questionnaire)
        number, text = _question_no(question_no), _description(description)
        (ProfileQuestion.insert(questionnaire_code=code, question_no=number, description=text)
         .on_conflict(conflict_target=[ProfileQuestion.questionnaire_code, ProfileQuestion.question_no],
                      preserve=[ProfileQuestion.description]).execute())
    return questionnaire_tree(code)


def set_answer(questionnaire, answer_code, question_no, description):
    """Create or change an answer a question allows; its code is unique in the questionnaire."""
    with dbmod.transaction():
        code = _questionnaire(questionnaire)
        answer, number, text = normal_code(answer_code), _question_no(question_no), _description(description)
        if not answer or len(answer) > 10 or "." in answer:
            raise SegtuiError(f"answer code {answer_code!r} must be 1 to 10 characters without a dot")
        if not ProfileQuestion.select().where((ProfileQuestion.questionnaire_code == code)
                                              & (ProfileQuestion.question_no == number)).exists():
            raise NotFound(f"questionnaire {code} has no question {number}")
        existing = ProfileAnswer.get_or_none((ProfileAnswer.questionnaire_code == code)
                                             & (ProfileAnswer.code == answer))
        if existing is not None and existing.question_no != number:
            raise SegtuiError(f"answer {answer} belongs to question {existing.question_no} of {code}")
        if existing is None:
            ProfileAnswer.create(questionnaire_code=code, code=answer, question_no=number, description=text)
        else:
            ProfileAnswer.update(description=text).where(ProfileAnswer.id == existing.id).execute()
    return questionnaire_tree(code)


def delete_question(questionnaire, question_no):
    """Delete a question with the answers it allows; refused while a contact gave one of them."""
    with dbmod.transaction():
        code, number = _questionnaire(questionnaire), _question_no(question_no)
        q = ProfileQuestion.get_or_none((ProfileQuestion.questionnaire_code == code)
                                        & (ProfileQuestion.question_no == number))
        if q is None:
            raise NotFound(f"questionnaire {code} has no question {number}")
        used = (ContactProfileAnswer.select(fn.COUNT(ContactProfileAnswer.id))
                .where((ContactProfileAnswer.questionnaire_code == code)
                       & (ContactProfileAnswer.question_no == number)).scalar())
        if used:
            raise SegtuiError(f"question {number} of {code} cannot be deleted: {plural(used, 'contact')} answered it")
        ProfileAnswer.delete().where((ProfileAnswer.questionnaire_code == code)
                                     & (ProfileAnswer.question_no == number)).execute()
        ProfileQuestion.delete().where(ProfileQuestion.id == q.id).execute()
    return questionnaire_tree(code)


def delete_answer(questionnaire, answer_code):
    with dbmod.transaction():
        code, answer = _questionnaire(questionnaire), normal_code(answer_code)
        used = (ContactProfileAnswer.select(fn.COUNT(ContactProfileAnswer.id))
                .where(ContactProfileAnswer.profile_code == f"{code}.{answer}").scalar())
        if used:
            raise SegtuiError(f"answer {code}.{answer} cannot be deleted: {plural(used, 'contact')} gave it")
        gone = ProfileAnswer.delete().where((ProfileAnswer.questionnaire_code == code)
                                            & (ProfileAnswer.code == answer)).execute()
        if not gone:
            raise NotFound(f"questionnaire {code} has no answer {answer}")
    return questionnaire_tree(code)


def questionnaire_tree(questionnaire):
    """{"code", "description", "questions": [{"question_no", "description", "answers": [...]}]}"""
    code = normal_code(questionnaire)
    header = ProfileQuestionnaire.get_or_none(ProfileQuestionnaire.code == code)
    if header is None:
        raise NotFound(f"questionnaire {code} does not exist")
    answers: dict = {}
    for a in ProfileAnswer.select().where(ProfileAnswer.questionnaire_code == code).order_by(ProfileAnswer.code):
        answers.setdefault(a.question_no, []).append({"code": a.code, "description": a.description})
    questions = [{"question_no": q.question_no, "description": q.description,
                  "answers": answers.get(q.question_no, [])}
                 for q in ProfileQuestion.select().where(ProfileQuestion.questionnaire_code == code)
                 .order_by(ProfileQuestion.question_no)]
    return {"code": code, "description": header.description, "questions": questions}


def delete_questionnaire_rows(code):
    """A questionnaire's questions and answers (its contacts' answers keep it from being deleted)."""
    ProfileAnswer.delete().where(ProfileAnswer.questionnaire_code == code).execute()
    ProfileQuestion.delete().where(ProfileQuestion.questionnaire_code == code).execute()


# --- contacts' answers -----------------------------------------------------------------------

def contact_answers(contact_no):
    """[{"questionnaire", "question_no", "question", "answer", "description", "key"}] of a contact."""
    a, q, pa = ContactProfileAnswer, ProfileQuestion, ProfileAnswer
    rows = (a.select(a.questionnaire_code, a.question_no, a.answer_code, a.profile_code,
                     fn.COALESCE(q.description, "").alias("question"),
                     fn.COALESCE(pa.description, "").alias("description"))
            .join(q, on=((q.questionnaire_code == a.questionnaire_code) & (q.question_no == a.question_no)),
                  join_type=JOIN.LEFT_OUTER)
            .join(pa, on=((pa.questionnaire_code == a.questionnaire_code) & (pa.code == a.answer_code)),
                  join_type=JOIN.LEFT_OUTER, src=a)
            .where(a.contact_no == contact_no).order_by(a.questionnaire_code, a.question_no).dicts())
    return [{"questionnaire": r["questionnaire_code"], "question_no": r["question_no"], "question": r["question"],
             "answer": r["answer_code"], "description": r["description"], "key": r["profile_code"]} for r in rows]


def answer(contact_no, questionnaire, answer_code):
    """Give the contact this answer (it replaces the contact's answer to the same question)."""
    with dbmod.transaction():
        contact = Contact.get_or_none(Contact.no == normal_code(contact_no))
        if contact is None:
            raise NotFound(f"contact {contact_no!r} does not exist")
        code, value = _questionnaire(questionnaire), normal_code(answer_code)
        allowed = ProfileAnswer.get_or_none((ProfileAnswer.questionnaire_code == code) & (ProfileAnswer.code == value))
        if allowed is None:
            raise SegtuiError(f"questionnaire {code} has no answer {value}")
        a = ContactProfileAnswer
        (a.insert(contact_no=contact.no, questionnaire_code=code, answer_code=value,
                  question_no=allowed.question_no, profile_code=f"{code}.{value}")
         .on_conflict(conflict_target=[a.contact_no, a.questionnaire_code, a.question_no],
                      preserve=[a.answer_code, a.profile_code]).execute())
    return contact_answers(contact.no)


def remove_answer(contact_no, questionnaire, answer_code):
    code, value = normal_code(questionnaire), normal_code(answer_code)
    contact = normal_code(contact_no)
    with dbmod.transaction():
        gone = (ContactProfileAnswer.delete().where((ContactProfileAnswer.contact_no == contact)
                                                    & (ContactProfileAnswer.profile_code == f"{code}.{value}"))
                .execute())
    if not gone:
        raise NotFound(f"contact {contact} has not given answer {code}.{value}")
    return contact_answers(contact)
