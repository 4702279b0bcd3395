"""interactions new / show / comment: one interaction with one contact, one entry, its comments."""
from .common import connect, parse_assignments

# The fields `interactions new` takes, for its help: services.interaction_entry.FIELD_NAMES, written
# out here so that building the parser (every command's start) does not load the services
# (tests/test_cli_startup.py checks the two agree).
FIELD_NAMES = ("description", "subject", "date", "time", "salesperson", "correspondence_type", "cost",
               "duration", "evaluation", "attempt_failed", "campaign", "campaign_target", "campaign_response",
               "language", "information_flow", "initiated_by", "note", "attachment")


def _intermixed(base):
    """A parser class that takes FIELD=VALUE words before and after options, as the contract
    writes `interactions new CONTACT_NO --template CODE FIELD=VALUE...` (plain argparse stops the
    positionals at the first option)."""

    class Intermixed(base):
        _mixing = False

        def parse_known_args(self, args=None, namespace=None):
            if self._mixing:  # parse_known_intermixed_args calls back here for its two passes
                return super().parse_known_args(args, namespace)
            self._mixing = True
            try:
                return self.parse_known_intermixed_args(args, namespace)
            finally:
                self._mixing = False

    return Intermixed


def register(groups, common):
    ia = groups["interactions"]
    plain = ia._parser_class  # argparse has no public way to give one sub-command its own class
    ia._parser_class = _intermixed(plain)
    try:
        p = ia.add_parser("new", parents=[common],
                          help="record one interaction with one contact (Create Interaction): "
                               f"CONTACT_NO --template CODE [FIELD=VALUE]...; fields: {', '.join(FIELD_NAMES)}")
    finally:
        ia._parser_class = plain
    p.add_argument("contact_no", metavar="CONTACT_NO")
    p.add_argument("fields", nargs="*", metavar="FIELD=VALUE")
    p.add_argument("--template", required=True, metavar="CODE", help="the interaction template")
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

    fields = parse_assignments(args.fields)
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
