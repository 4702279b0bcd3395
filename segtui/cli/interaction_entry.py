"""interactions new / show / comment: one interaction with one contact, one entry, its comments."""
import argparse

from .common import connect, parse_assignments

# The fields `interactions new` takes, for its help: services.interaction_entry.FIELD_NAMES, written
# out here so that building the parser (every command's start) does not load the services
# (tests/test_cli_startup.py checks the two agree).
FIELD_NAMES = ("description", "subject", "date", "time", "salesperson", "correspondence_type", "cost",
               "duration", "evaluation", "attempt_failed", "campaign", "campaign_target", "campaign_response",
               "language", "information_flow", "initiated_by", "note", "attachment")


class TemplateAndFields(argparse.Action):
    """--template CODE [FIELD=VALUE]...: the contract writes the fields after the template
    (`interactions new CONTACT_NO --template CODE FIELD=VALUE...`), where plain argparse has
    stopped reading positionals; this option takes them itself, through argparse's public
    Action interface. Any other word after the code is a usage error."""

    def __call__(self, parser, namespace, values, option_string=None):
        code, *rest = values
        namespace.template = code
        fields = list(getattr(namespace, "template_fields", None) or [])
        for word in rest:
            if "=" in word:
                fields.append(word)
            else:
                parser.error(f"{option_string} {code}: {word!r} after the template must be FIELD=VALUE")
        namespace.template_fields = fields


def register(groups, common):
    ia = groups["interactions"]
    p = ia.add_parser("new", parents=[common],
                      help="record one interaction with one contact (Create Interaction): "
                           f"CONTACT_NO --template CODE [FIELD=VALUE]...; fields: {', '.join(FIELD_NAMES)}")
    p.add_argument("contact_no", metavar="CONTACT_NO")
    p.add_argument("fields", nargs="*", metavar="FIELD=VALUE")
    p.add_argument("--template", required=True, nargs="+", action=TemplateAndFields, metavar=("CODE", "FIELD=VALUE"),
                   help="the interaction template, then the fields to fill")
    p.add_argument("--deliver", action="store_true", help="merge and send the Word template's letter")
    p.add_argument("--out", metavar="DIR", help="where a merged hard-copy letter goes")
    p.set_defaults(handler=cmd_new)
    p = ia.add_parser("show", parents=[common], help="one entry: every field, delivery status and error, comments")
    p.add_argument("entry_no", metavar="ENTRY_NO")
    p.set_defaults(handler=cmd_show)
    p = ia.add_parser("comment", parents=[common], help="add a dated comment to an entry")
    p.add_argument("entry_no", metavar="ENTRY_NO")
    p.add_argument("text", metavar="TEXT")
    p.set_defaults(handler=cmd_comment)


def cmd_new(args):
    from ..services import interaction_entry

    fields = parse_assignments(list(args.fields) + list(getattr(args, "template_fields", [])))
    connect(args)
    return interaction_entry.new_interaction(args.contact_no, args.template, fields, deliver=args.deliver,
                                             out_dir=args.out)


def cmd_show(args):
    from ..services import interaction_entry

    connect(args)
    return interaction_entry.show_entry(args.entry_no)


def cmd_comment(args):
    from ..services import interaction_entry

    connect(args)
    return interaction_entry.add_comment(args.entry_no, args.text)
