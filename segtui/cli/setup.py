"""setup list / new / set / delete KIND ...: the eight setup lists (docs/cli.md)."""
from .common import command, connect, parse_assignments
from .output import Text, table

KINDS_HELP = ("salesperson, campaign, interaction-group, mailing-group, industry-group, business-relation, "
              "job-responsibility, language, questionnaire")


def register(groups, common):
    g = groups["setup"]
    command(g, "list", common, cmd_list, f"one setup list ({KINDS_HELP})", "kind")
    p = command(g, "new", common, cmd_new, "a new record: KIND CODE [FIELD=VALUE]...", "kind", "code")
    p.add_argument("fields", nargs="*", metavar="FIELD=VALUE")
    p = command(g, "set", common, cmd_set, "change a record: KIND CODE FIELD=VALUE...", "kind", "code")
    p.add_argument("fields", nargs="+", metavar="FIELD=VALUE")
    command(g, "delete", common, cmd_delete, "delete a record nothing uses: KIND CODE", "kind", "code")

    # Profile questionnaires (setup new questionnaire CODE makes one): questions and their answers.
    command(g, "questions", common, cmd_questions, "a profile questionnaire's questions and answers",
            "questionnaire")
    command(g, "question", common, cmd_question, "create or change a question: QUESTIONNAIRE NO TEXT",
            "questionnaire", "question_no", "description")
    command(g, "answer", common, cmd_answer,
            "create or change an answer a question allows: QUESTIONNAIRE CODE QUESTION_NO TEXT",
            "questionnaire", "code", "question_no", "description")


def _save(args, new):
    from ..services import setup

    kind = setup.kind_of(args.kind)
    values = parse_assignments(args.fields)
    key = setup.fields(kind)[0][0]
    values[key] = args.code
    connect(args)
    return setup.save_record(kind, values, new=new)


def cmd_list(args):
    from ..services import setup

    kind = setup.kind_of(args.kind)
    connect(args)
    rows = setup.list_records(kind)
    return Text(table(rows, [name for name, _label, _typ in setup.fields(kind)]), rows)


def cmd_new(args):
    return _save(args, new=True)


def cmd_set(args):
    return _save(args, new=False)


def cmd_delete(args):
    from ..services import setup

    kind = setup.kind_of(args.kind)
    connect(args)
    return setup.delete_record(kind, args.code)


def cmd_questions(args):
    from ..services import profiles

    connect(args)
    return profiles.questionnaire_tree(args.questionnaire)


def cmd_question(args):
    from ..services import profiles

    connect(args)
    return profiles.set_question(args.questionnaire, args.question_no, args.description)


def cmd_answer(args):
    from ..services import profiles

    connect(args)
    return profiles.set_answer(args.questionnaire, args.code, args.question_no, args.description)
