"""segment new/list/show/lines/set/add/reduce/refine/add-contact/set-line/remove-line/go-back/
save-criteria/reuse-criteria/reuse-logged/apply-mailing-group/delete, and criteria list/show/delete.

Each handler connects, makes one service call and returns its result (docs/cli.md).
"""
from .common import add_filter_option, add_if_version_option, command, connect, parse_assignments, parse_filters
from .output import Text, count, record, table

LINE_COLUMNS_SHOWN = ["line_no", "contact_no", "contact_name", "contact_company_name", "correspondence_type",
                      "language_code", "salesperson_code", "evaluation", "description", "version"]
SEGMENT_COLUMNS_SHOWN = ["no", "description", "date", "interaction_template_code", "salesperson_code",
                         "campaign_no", "no_of_lines", "no_of_criteria_actions"]


def parse_expected(value):
    from ..services.versions import parse_expected as parse

    return parse(value)


def _services():
    from ..services import criteria, segments

    return segments, criteria


def register(groups, common):
    seg = groups["segment"]

    p = command(seg, "new", common, cmd_new, "new segment")
    p.add_argument("--description", required=True)
    p.add_argument("--template", help="interaction template code (its defaults fill the header)")
    p.add_argument("--salesperson")
    p.add_argument("--campaign")
    p.add_argument("--subject")
    p.add_argument("--correspondence-type", choices=["", "hard_copy", "email"])
    p.add_argument("--language")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")

    p = command(seg, "list", common, cmd_list, "open segments")
    p.add_argument("--search", help="text in the number or description")

    command(seg, "show", common, cmd_show, "header, counts, criteria actions", "no")

    p = command(seg, "lines", common, cmd_lines, "the segment's lines with contact name, company, e-mail", "no")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--after", type=int, help="lines after this line number (fast paging)")

    p = command(seg, "set", common, cmd_set, "change header fields", "no")
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    p.add_argument("--update-lines", action="store_true",
                   help="apply the change to lines that still carry the header's template")
    add_if_version_option(p, "header")

    p = command(seg, "add", common, cmd_add, "add contacts by filters", "no")
    add_filter_option(p)
    p.add_argument("--allow-existing", action="store_true", help="also add contacts already on the segment")
    p.add_argument("--expand-contact", action="store_true", help="add every contact of a matching contact's company")
    p.add_argument("--allow-company-with-persons", action="store_true", help="also add the company of each person")
    p.add_argument("--ignore-exclusion", action="store_true", help="include contacts excluded from segments")
    p.add_argument("--dry-run", action="store_true", help="say how many would be added, change nothing")

    for name, text in (("reduce", "remove the lines whose contact matches"),
                       ("refine", "keep only the lines whose contact matches")):
        p = command(seg, name, common, cmd_reduce if name == "reduce" else cmd_refine, text, "no")
        add_filter_option(p, required=True)
        p.add_argument("--entire-companies", action="store_true",
                       help="test every contact of the line's company and widen a match to the whole company")
        p.add_argument("--dry-run", action="store_true", help="say how many would be removed, change nothing")

    p = command(seg, "add-contact", common, cmd_add_contact, "add one line by hand", "no", "contact_no")
    p.add_argument("assignments", nargs="*", metavar="FIELD=VALUE")

    p = command(seg, "set-line", common, cmd_set_line, "change one line", "no")
    p.add_argument("line_no", type=int)
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    add_if_version_option(p, "line")

    p = command(seg, "remove-line", common, cmd_remove_line, "delete one line", "no")
    p.add_argument("line_no", type=int)

    p = command(seg, "go-back", common, cmd_go_back, "undo the last criteria actions", "no")
    p.add_argument("--steps", type=int, default=1)

    p = command(seg, "save-criteria", common, cmd_save_criteria, "save the segment's criteria under a code",
                "no", "code")
    p.add_argument("--description", default="")

    p = command(seg, "reuse-criteria", common, cmd_reuse_criteria, "replay saved criteria on today's data",
                "no", "code")
    p.add_argument("--yes", action="store_true", help="confirm when the segment already has criteria actions")

    p = command(seg, "reuse-logged", common, cmd_reuse_logged, "add a logged segment's contacts", "no", "entry_no")
    p.add_argument("--yes", action="store_true", help="confirm when the segment already has criteria actions")
    p.add_argument("--ignore-exclusion", action="store_true", help="include contacts excluded from segments")

    p = command(seg, "apply-mailing-group", common, cmd_apply_mailing_group,
                "give the segment's contacts a mailing group", "no", "code")
    p.add_argument("--delete-old", action="store_true", help="first remove the group from all contacts")

    command(seg, "delete", common, cmd_delete, "delete an open segment", "no")

    crit = groups["criteria"]
    command(crit, "list", common, cmd_criteria_list, "saved criteria")
    command(crit, "show", common, cmd_criteria_show, "one saved criteria set with its actions", "code")
    command(crit, "delete", common, cmd_criteria_delete, "delete saved criteria", "code")


# --- handlers -----------------------------------------------------------------------------------

def cmd_new(args):
    segments, _ = _services()
    connect(args)
    return segments.new_segment(args.description, template_code=args.template, salesperson_code=args.salesperson,
                                campaign_no=args.campaign, subject=args.subject,
                                correspondence_type=args.correspondence_type, language_code=args.language,
                                date=args.date)


def cmd_list(args):
    from ..services import segments  # not criteria: a listing needs only this (start-up time)

    connect(args)
    rows = segments.list_segments(args.search)
    return Text(table(rows, SEGMENT_COLUMNS_SHOWN), rows)


def cmd_show(args):
    segments, _ = _services()
    connect(args)
    data = segments.get_segment(args.no)
    header = {k: v for k, v in data.items() if k != "criteria"}
    lines = [record(header), "", "criteria actions (newest last):" if data["criteria"] else "no criteria actions"]
    lines += [f"  {action_text(a)}" for a in data["criteria"]]
    return Text("\n".join(lines), data)


def action_text(action):
    """One criteria action as a line people read: '2 add city=Berlin [expand contact] -> 12 contacts'."""
    from ..services.criteria import filters_of

    filters = "; ".join(f"{f}={e}" for f, e in filters_of(action)) or ("all contacts" if action["action"] == "add"
                                                                        else "")
    options = [name.replace("_", " ") for name in ("allow_existing_contacts", "expand_contact",
                                                   "allow_company_with_persons", "ignore_exclusion",
                                                   "entire_companies") if action.get(name)]
    text = f"{action['action_no']} {action['action'].replace('_', ' ')}"
    if action.get("reference"):
        text += f" {action['reference']}"
    elif filters:
        text += f" {filters}"
    if options:
        text += f" [{', '.join(options)}]"
    if action.get("no_of_contacts") is not None:
        text += f" -> {count(action['no_of_contacts'], 'contact')}"
    return text


def _has_lines(result):
    return f"the segment has {count(result['no_of_lines'], 'line')}"


def cmd_lines(args):
    segments, _ = _services()
    connect(args)
    rows = segments.lines(args.no, limit=args.limit, offset=args.offset, after_line_no=args.after)
    return Text(table(rows, LINE_COLUMNS_SHOWN), rows)


def cmd_set(args):
    segments, _ = _services()
    connect(args)
    return segments.set_header(args.no, parse_assignments(args.assignments), update_lines=args.update_lines,
                               expected_version=parse_expected(args.if_version))


def _sample_text(result, verb):
    names = ", ".join(f"{c['no']} {c['name']}" for c in result["sample"])
    from ..services.opt_outs import left_out_text

    why = left_out_text(result.get("left_out"))  # an add's dry run says who was left out and why
    return f"{verb} {count(result.get('would_add', result.get('would_remove')), 'contact')}; nothing changed" + (
        f"\n{why}" if why else "") + (f"\nfor example: {names}" if names else "")


def cmd_add(args):
    _, criteria = _services()
    connect(args)
    result = criteria.add_contacts(args.no, parse_filters(args.filter), allow_existing=args.allow_existing,
                                   expand_contact=args.expand_contact,
                                   allow_company_with_persons=args.allow_company_with_persons,
                                   ignore_exclusion=args.ignore_exclusion, dry_run=args.dry_run)
    if args.dry_run:
        return Text(_sample_text(result, "would add"), result)
    return Text(f"added {count(result['added'], 'contact')}; {_has_lines(result)}", result)


def _remove(args, function):
    connect(args)
    result = function(args.no, parse_filters(args.filter), entire_companies=args.entire_companies,
                      dry_run=args.dry_run)
    if args.dry_run:
        return Text(_sample_text(result, "would remove"), result)
    return Text(f"removed {count(result['removed'], 'line')}; {_has_lines(result)}", result)


def cmd_reduce(args):
    return _remove(args, _services()[1].reduce_contacts)


def cmd_refine(args):
    return _remove(args, _services()[1].refine_contacts)


def cmd_add_contact(args):
    segments, _ = _services()
    connect(args)
    return segments.add_contact(args.no, args.contact_no, parse_assignments(args.assignments))


def cmd_set_line(args):
    segments, _ = _services()
    connect(args)
    return segments.set_line(args.no, args.line_no, parse_assignments(args.assignments),
                             expected_version=parse_expected(args.if_version))


def cmd_remove_line(args):
    segments, _ = _services()
    connect(args)
    result = segments.remove_line(args.no, args.line_no)
    return Text(f"removed line {args.line_no}; {_has_lines(result)}", result)


def cmd_go_back(args):
    _, criteria = _services()
    connect(args)
    result = criteria.go_back(args.no, steps=args.steps)
    return Text(f"undid {count(result['undone'], 'action')}; {_has_lines(result)}", result)


def cmd_save_criteria(args):
    _, criteria = _services()
    connect(args)
    return criteria.save_criteria(args.no, args.code, args.description)


def cmd_reuse_criteria(args):
    _, criteria = _services()
    connect(args)
    result = criteria.reuse_criteria(args.no, args.code, confirm=args.yes)
    return Text(f"added {result['added']:,}, removed {result['removed']:,}; {_has_lines(result)}", result)


def cmd_reuse_logged(args):
    _, criteria = _services()
    connect(args)
    result = criteria.reuse_logged(args.no, args.entry_no, confirm=args.yes, ignore_exclusion=args.ignore_exclusion)
    return Text(f"added {count(result['added'], 'contact')}; {_has_lines(result)}", result)


def cmd_apply_mailing_group(args):
    _, criteria = _services()
    connect(args)
    result = criteria.apply_mailing_group(args.no, args.code, delete_old=args.delete_old)
    return Text(f"mailing group {args.code.upper()} applied to {count(result['applied'], 'contact')}", result)


def cmd_delete(args):
    segments, _ = _services()
    connect(args)
    result = segments.delete_segment(args.no)
    return Text(f"segment {result['deleted']} deleted", result)


def cmd_criteria_list(args):
    _, criteria = _services()
    connect(args)
    return criteria.list_criteria()


def cmd_criteria_show(args):
    _, criteria = _services()
    connect(args)
    data = criteria.show_criteria(args.code)
    header = {k: v for k, v in data.items() if k != "actions"}
    return Text("\n".join([record(header), "", "actions:"] + [f"  {action_text(a)}" for a in data["actions"]]), data)


def cmd_criteria_delete(args):
    _, criteria = _services()
    connect(args)
    result = criteria.delete_criteria(args.code)
    return Text(f"saved criteria {result['deleted']} deleted", result)
