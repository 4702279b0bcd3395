"""contacts list, show, new, set, delete, link, unlink (import and export live in contact_io)."""
import sys

from ..errors import SegtuiError
from .common import add_filter_option, connect, parse_assignments, parse_filters
from .output import Text, table

# What a person reads in the table; --json prints every field.
LIST_COLUMNS = ["no", "type", "name", "company_name", "city", "country_code", "email", "salesperson_code"]
GROUP_KINDS = "mailing-group, industry-group, business-relation or job-responsibility"


def register(groups, common):
    g = groups["contacts"]
    p = g.add_parser("list", parents=[common], help="list contacts")
    add_filter_option(p)
    p.add_argument("--limit", type=int, default=100, help="at most N contacts (default 100)")
    p.add_argument("--offset", type=int, default=0)
    p.set_defaults(handler=cmd_list)

    p = g.add_parser("show", parents=[common], help="one contact with its groups and interactions")
    p.add_argument("no")
    p.set_defaults(handler=cmd_show)

    p = g.add_parser("new", parents=[common], help="a new contact: FIELD=VALUE... (type, name, company_no, email, ...)")
    p.add_argument("fields", nargs="+", metavar="FIELD=VALUE")
    p.set_defaults(handler=cmd_new)

    p = g.add_parser("set", parents=[common], help="change a contact: NO FIELD=VALUE...")
    p.add_argument("no")
    p.add_argument("fields", nargs="+", metavar="FIELD=VALUE")
    p.add_argument("--if-version", type=int, default=None, metavar="N",
                   help="change only if the contact's version is still N (else exit 3)")
    p.set_defaults(handler=cmd_set)

    p = g.add_parser("delete", parents=[common], help="delete a contact nothing uses")
    p.add_argument("no")
    p.add_argument("--if-version", type=int, default=None, metavar="N")
    p.set_defaults(handler=cmd_delete)

    for name, handler in (("link", cmd_link), ("unlink", cmd_unlink)):
        p = g.add_parser(name, parents=[common],
                         help=f"{'give' if name == 'link' else 'take'} a group: NO KIND CODE, or KIND CODE "
                              f"--filter ... for every contact the filter selects (KIND: {GROUP_KINDS})")
        p.add_argument("words", nargs="+", metavar="NO KIND CODE")
        add_filter_option(p)
        p.set_defaults(handler=handler)

    p = g.add_parser("answer", parents=[common],
                     help="the contact's answer in a profile questionnaire: NO QUESTIONNAIRE ANSWER "
                          "(it replaces the answer to the same question)")
    p.add_argument("no")
    p.add_argument("questionnaire")
    p.add_argument("answer")
    p.add_argument("--remove", action="store_true", help="take the answer back")
    p.set_defaults(handler=cmd_answer)

    p = g.add_parser("opt-out", parents=[common],
                     help="the contact asked not to be reached on a channel (email, letter, phone)")
    p.add_argument("no")
    p.add_argument("channel")
    p.add_argument("--reason", default="", help='e.g. "unsubscribed", "returned mail", "asked by phone"')
    p.add_argument("--date", default=None, help="when (default today), YYYY-MM-DD")
    p.set_defaults(handler=cmd_opt_out)
    p = g.add_parser("opt-in", parents=[common], help="take an opt-out back")
    p.add_argument("no")
    p.add_argument("channel")
    p.set_defaults(handler=cmd_opt_in)


def cmd_answer(args):
    from ..services import profiles

    connect(args)
    if args.remove:
        return profiles.remove_answer(args.no, args.questionnaire, args.answer)
    return profiles.answer(args.no, args.questionnaire, args.answer)


def cmd_opt_out(args):
    from ..services import opt_outs

    connect(args)
    return opt_outs.opt_out(args.no, args.channel, reason=args.reason, date=args.date)


def cmd_opt_in(args):
    from ..services import opt_outs

    connect(args)
    return opt_outs.opt_in(args.no, args.channel)


def cmd_list(args):
    from ..services import contacts

    filters = parse_filters(args.filter)
    connect(args)
    rows = contacts.list_contacts(filters, limit=max(args.limit, 0), offset=max(args.offset, 0))
    return Text(table(rows, LIST_COLUMNS), rows)


def cmd_show(args):
    from ..services import contacts

    connect(args)
    return contacts.contact_card(args.no)


def _warn(warnings):
    for text in warnings:
        print(f"warning: {text}", file=sys.stderr)


def cmd_new(args):
    from ..services import contact_edit

    fields = parse_assignments(args.fields)
    connect(args)
    contact, warnings = contact_edit.new_contact(fields)
    _warn(warnings)
    return contact


def cmd_set(args):
    from ..services import contact_edit

    fields = parse_assignments(args.fields)
    connect(args)
    contact, warnings = contact_edit.set_contact(args.no, fields, expected_version=args.if_version)
    _warn(warnings)
    return contact


def cmd_delete(args):
    from ..services import contact_edit

    connect(args)
    return contact_edit.delete_contact(args.no, expected_version=args.if_version)


def _link_words(args):
    """(NO, KIND, CODE) or, with --filter, (None, KIND, CODE)."""
    if args.filter:
        if len(args.words) != 2:
            raise SegtuiError("with --filter give KIND CODE (no contact number)")
        return None, *args.words
    if len(args.words) != 3:
        raise SegtuiError(f"give NO KIND CODE (KIND: {GROUP_KINDS}), or KIND CODE --filter ...")
    return tuple(args.words)


def cmd_link(args):
    from ..services import contact_edit

    no, kind, code = _link_words(args)
    filters = parse_filters(args.filter)
    connect(args)
    if no is None:
        return contact_edit.link_filtered(filters, kind, code)
    return contact_edit.link(no, kind, code)


def cmd_unlink(args):
    from ..services import contact_edit

    no, kind, code = _link_words(args)
    filters = parse_filters(args.filter)
    connect(args)
    if no is None:
        return contact_edit.unlink_filtered(filters, kind, code)
    return contact_edit.unlink(no, kind, code)
