"""contacts list (import and export live in contact_io)."""
from ..services import contacts
from .common import add_filter_option, connect, parse_filters
from .output import Text, table

# What a person reads in the table; --json prints every field.
LIST_COLUMNS = ["no", "type", "name", "company_name", "city", "country_code", "email", "salesperson_code"]


def register(groups, common):
    p = groups["contacts"].add_parser("list", parents=[common], help="list contacts")
    add_filter_option(p)
    p.add_argument("--limit", type=int, default=100, help="at most N contacts (default 100)")
    p.add_argument("--offset", type=int, default=0)
    p.set_defaults(handler=cmd_list)

    p = groups["contacts"].add_parser("show", parents=[common], help="one contact with its groups and interactions")
    p.add_argument("no")
    p.set_defaults(handler=cmd_show)


def cmd_list(args):
    filters = parse_filters(args.filter)
    connect(args)
    rows = contacts.list_contacts(filters, limit=max(args.limit, 0), offset=max(args.offset, 0))
    return Text(table(rows, LIST_COLUMNS), rows)


def cmd_show(args):
    connect(args)
    return contacts.contact_card(args.no)
