"""setup list / new / set / delete KIND ...: the eight setup lists (docs/cli.md)."""
from .common import connect, parse_assignments
from .output import Text, table

KINDS_HELP = ("salesperson, campaign, interaction-group, mailing-group, industry-group, business-relation, "
              "job-responsibility, language, questionnaire")


def register(groups, common):
    g = groups["setup"]
    p = g.add_parser("list", parents=[common], help=f"one setup list ({KINDS_HELP})")
    p.add_argument("kind")
    p.set_defaults(handler=cmd_list)
    p = g.add_parser("new", parents=[common], help="a new record: KIND CODE [FIELD=VALUE]...")
    p.add_argument("kind")
    p.add_argument("code")
    p.add_argument("fields", nargs="*", metavar="FIELD=VALUE")
    p.set_defaults(handler=cmd_new)
    p = g.add_parser("set", parents=[common], help="change a record: KIND CODE FIELD=VALUE...")
    p.add_argument("kind")
    p.add_argument("code")
    p.add_argument("fields", nargs="+", metavar="FIELD=VALUE")
    p.set_defaults(handler=cmd_set)
    p = g.add_parser("delete", parents=[common], help="delete a record nothing uses: KIND CODE")
    p.add_argument("kind")
    p.add_argument("code")
    p.set_defaults(handler=cmd_delete)

    # Profile questionnaires (setup new questionnaire CODE makes one): questions and their answers.
    p = g.add_parser("questions", parents=[common], help="a profile questionnaire's questions and answers")
    p.add_argument("questionnaire")
    p.set_defaults(handler=cmd_questions)
    p = g.add_parser("question", parents=[common], help="create or change a question: QUESTIONNAIRE NO TEXT")
    p.add_argument("questionnaire")
    p.add_argument("question_no")
    p.add_argument("description")
    p.set_defaults(handler=cmd_question)
    p = g.add_parser("answer", parents=[common],
                     help="create or change an answer a question allows: QUESTIONNAIRE CODE QUESTION_NO TEXT")
    p.add_argument("questionnaire")
    p.add_argument("code")
    p.add_argument("question_no")
    p.add_argument("description")
    p.set_defaults(handler=cmd_answer)


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
