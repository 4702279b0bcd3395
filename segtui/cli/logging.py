"""segment log; logged segments; interaction log entries; template list/show (docs/cli.md)."""
from .common import add_filter_option, connect, parse_filters
from .output import Text, count


def register(groups, common):
    seg = groups["segment"]
    p = seg.add_parser("log", parents=[common], help="log the segment: interactions, campaign entries; "
                                                     "the segment is deleted")
    p.add_argument("no", metavar="NO")
    p.add_argument("--deliver", action="store_true", help="merge and send the documents (Word module)")
    p.add_argument("--follow-up", action="store_true", help="create a follow-up segment with the same contacts")
    p.add_argument("--out", metavar="DIR", help="where merged hard-copy documents go")
    p.add_argument("--every-address", action="store_true",
                   help="send an e-mail for every line, even several to one address (default: one per address)")
    p.set_defaults(handler=cmd_log)

    lg = groups["logged"]
    p = lg.add_parser("list", parents=[common], help="logged segments")
    p.set_defaults(handler=cmd_logged_list)
    p = lg.add_parser("show", parents=[common], help="one logged segment with its entries")
    p.add_argument("entry_no", metavar="ENTRY_NO")
    p.add_argument("--limit", type=int, default=100, help="entries shown (default 100)")
    p.add_argument("--offset", type=int, default=0)
    p.set_defaults(handler=cmd_logged_show)
    p = lg.add_parser("toggle-canceled", parents=[common],
                      help="cancel or restore logged segments, with their entries")
    p.add_argument("entry_nos", nargs="+", metavar="ENTRY_NO")
    p.set_defaults(handler=cmd_logged_toggle)
    p = lg.add_parser("follow-up", parents=[common], help="new segment with the logged segment's contacts")
    p.add_argument("entry_no", metavar="ENTRY_NO")
    p.set_defaults(handler=cmd_logged_follow_up)
    p = lg.add_parser("delete-canceled", parents=[common],
                      help="delete canceled logged segments and their entries")
    p.set_defaults(handler=cmd_logged_delete_canceled)
    p = lg.add_parser("deliver", parents=[common],
                      help="deliver the entries that are pending, were cut off or failed (never one already sent)")
    p.add_argument("entry_no", metavar="ENTRY_NO")
    p.add_argument("--out", metavar="DIR", help="where merged hard-copy documents go")
    p.add_argument("--every-address", action="store_true",
                   help="send an e-mail for every entry, even several to one address (default: one per address)")
    p.set_defaults(handler=cmd_logged_deliver)
    p = lg.add_parser("resend", parents=[common],
                      help="resend the logged segment's documents as new entries (Business Central's Resend)")
    p.add_argument("entry_no", metavar="ENTRY_NO")
    p.add_argument("--correspondence-type", default="same", choices=["same", "hard_copy", "email"],
                   help="same (each entry's own, the default), hard_copy or email")
    p.add_argument("--update-merge-fields", action="store_true",
                   help="merge the template again with today's data (default: send the documents as delivered)")
    p.add_argument("--out", metavar="DIR", help="where merged hard-copy documents go")
    p.add_argument("--every-address", action="store_true",
                   help="send an e-mail for every entry, even several to one address (default: one per address)")
    p.set_defaults(handler=cmd_logged_resend)

    ia = groups["interactions"]
    p = ia.add_parser("list", parents=[common], help="interaction log entries")
    add_filter_option(p)
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--offset", type=int, default=0)
    p.set_defaults(handler=cmd_interactions_list)
    p = ia.add_parser("toggle-canceled", parents=[common], help="cancel or restore entries")
    p.add_argument("entry_nos", nargs="+", metavar="ENTRY_NO")
    p.set_defaults(handler=cmd_interactions_toggle)
    p = ia.add_parser("evaluate", parents=[common], help="set the evaluation")
    p.add_argument("entry_nos", nargs="+", metavar="ENTRY_NO")
    p.add_argument("--evaluation", required=True,
                   help="very_positive, positive, neutral, negative, very_negative or '' to clear")
    p.set_defaults(handler=cmd_interactions_evaluate)
    p = ia.add_parser("resend", parents=[common], help="deliver again as new entries")
    p.add_argument("entry_nos", nargs="+", metavar="ENTRY_NO")
    p.add_argument("--correspondence-type", help="hard_copy or email (default: the entry's own)")
    p.add_argument("--out", metavar="DIR", help="where merged hard-copy documents go")
    p.set_defaults(handler=cmd_interactions_resend)
    p = ia.add_parser("delete-canceled", parents=[common], help="delete canceled entries")
    p.set_defaults(handler=cmd_interactions_delete_canceled)
    p = ia.add_parser("statistics", parents=[common],
                      help="count, cost and duration per template or group (canceled entries left out)")
    p.add_argument("--by", choices=["template", "group"], default="template")
    p.set_defaults(handler=cmd_interactions_statistics)

    tp = groups["template"]
    p = tp.add_parser("list", parents=[common], help="interaction templates with statistics")
    p.set_defaults(handler=cmd_template_list)
    p = tp.add_parser("show", parents=[common], help="one interaction template with statistics")
    p.add_argument("code", metavar="CODE")
    p.set_defaults(handler=cmd_template_show)


# --- segment log -----------------------------------------------------------------------------

def cmd_log(args):
    from ..services import segment_log

    connect(args)
    if args.deliver:
        # The delivery check of the log dialog, with its sentences: refused here, nothing logged.
        refusal = segment_log.delivery_settings_refusal(args.no)
        if refusal is not None:
            raise refusal
    r = segment_log.log_segment(args.no, deliver=args.deliver, follow_up=args.follow_up, out_dir=args.out,
                                one_mail_per_address=not args.every_address)
    text = (f"segment {r['segment_no']} logged as logged segment {r['logged_segment_entry_no']}: "
            f"{count(r['interactions'], 'interaction')}, {count(r['campaign_entries'], 'campaign entry')}")
    if r["without_correspondence_type"]:
        text += (f"; {r['without_correspondence_type']} e-mail lines whose contact has no e-mail address "
                 f"were logged with no correspondence type")
    if r["follow_up_segment_no"]:
        text += f"; follow-up segment {r['follow_up_segment_no']}"
    if args.deliver:
        text += "\n" + _delivery_report(r["logged_segment_entry_no"], r)
    return Text(text, r)


def _delivery_report(logged_no, r):
    """What the delivery did and what failed, read back from the entries (the log is committed
    whatever happened to the mail: this never fails the command)."""
    from ..services import delivery

    try:
        state = delivery.delivery_state(logged_no)
    except Exception as exc:  # noqa: BLE001 - the report must not turn a done log into an error
        return f"delivery: delivered {r.get('delivered', 0)}, errors {r.get('errors', 0)} ({exc})"
    r["delivery"] = state
    text = f"delivery: delivered {r.get('delivered', 0)}, errors {r.get('errors', 0)}"
    if r.get("same_address"):
        text += f"; {r['same_address']} not sent: their address had its mail from another entry (one mail per address)"
    if r.get("combined"):
        text += f"\nhard copy to print: {r['combined']}"
        text += f" and {r['pdf']}" if r.get("pdf") else (f" ({r['pdf_note']})" if r.get("pdf_note") else "")
    if r.get("failure"):
        text += f"; {r['failure']}"
    for item in state["first_errors"]:
        text += f"\n  entry {item['entry_no']}, contact {item['contact_no']}: {item['error']}"
    if state["pending"] or state["errors"]:
        text += (f"\n{state['pending']} pending and {state['errors']} failed: deliver them with "
                 f"'segtui logged deliver {logged_no}'")
    return text


# --- logged segments ---------------------------------------------------------------------------

def cmd_logged_list(args):
    from ..services import logged

    connect(args)
    return logged.list_logged()


def cmd_logged_show(args):
    from ..services import logged

    connect(args)
    return logged.show_logged(args.entry_no, limit=args.limit, offset=args.offset)


def _toggled(result, what):
    parts = []
    if result["canceled"]:
        parts.append(f"canceled {what} {', '.join(map(str, result['canceled']))}")
    if result["restored"]:
        parts.append(f"restored {what} {', '.join(map(str, result['restored']))}")
    return Text("; ".join(parts) or "nothing changed", result)


def cmd_logged_toggle(args):
    from ..services import logged

    connect(args)
    return _toggled(logged.toggle_canceled(args.entry_nos), "logged segment")


def cmd_logged_follow_up(args):
    from ..services import logged

    connect(args)
    return logged.follow_up(args.entry_no)


def cmd_logged_deliver(args):
    from ..services import delivery

    connect(args)
    r = delivery.deliver_logged_segment(args.entry_no, out_dir=args.out, one_per_address=not args.every_address)
    out = {"delivered": r["delivered"], "errors": r["errors"], "skipped": r["skipped"],
           "same_address": r.get("same_address", 0),
           "combined": r.get("combined_files", []), "files": r.get("files", []), "failure": r.get("failure", ""),
           "pdf": r.get("pdf"), "pdf_note": r.get("pdf_note", "")}
    text = f"logged segment {args.entry_no}: " + _delivery_report(int(args.entry_no), dict(r, skipped=None))
    text = text.replace(f"errors {r['errors']}", f"errors {r['errors']}, skipped {r['skipped']}", 1)
    return Text(text, out)


def cmd_logged_resend(args):
    from ..services import resend

    connect(args)
    r = resend.resend_logged(args.entry_no, correspondence_type=args.correspondence_type,
                             update_merge_fields=args.update_merge_fields, out_dir=args.out,
                             one_per_address=not args.every_address)
    nos = [e["entry_no"] for e in r["entries"]]
    text = f"logged segment {r['logged_segment_entry_no']}: resent {count(len(nos), 'entry')}"
    if nos:
        text += f" as entries {nos[0]}..{nos[-1]}" if len(nos) > 1 else f" as entry {nos[0]}"
        text += f"; delivered {r['delivered']}, errors {r['errors']}"
    if r["same_address"]:
        text += f"; {r['same_address']} not sent (one mail per address)"
    if r["failure"]:
        text += f"; {r['failure']}"
    if r["skipped"]:
        text += f"\nskipped {len(r['skipped'])}:"
        text += "".join(f"\n  entry {s['entry_no']} ({s['contact_no']}): {s['reason']}" for s in r["skipped"][:10])
        if len(r["skipped"]) > 10:
            text += f"\n  ... and {len(r['skipped']) - 10} more"
    return Text(text, r)


def cmd_logged_delete_canceled(args):
    from ..services import logged

    connect(args)
    r = logged.delete_canceled()
    return Text(f"deleted {r['deleted']} canceled logged segments with their entries", r)


# --- interaction log entries -------------------------------------------------------------------

def cmd_interactions_list(args):
    from ..services import interactions

    connect(args)
    return interactions.list_interactions(parse_filters(args.filter), limit=args.limit, offset=args.offset)


def cmd_interactions_toggle(args):
    from ..services import interactions

    connect(args)
    return _toggled(interactions.toggle_canceled(args.entry_nos), "interaction log entry")


def cmd_interactions_evaluate(args):
    from ..services import interactions

    connect(args)
    r = interactions.evaluate(args.entry_nos, args.evaluation)
    return Text(f"evaluation set on {count(r['updated'], 'entry')}", r)


def cmd_interactions_resend(args):
    from ..services import interactions

    connect(args)
    r = interactions.resend(args.entry_nos, correspondence_type=args.correspondence_type,
                            out_dir=args.out)
    nos = ", ".join(str(e["entry_no"]) for e in r["entries"])
    return Text(f"resent as entries {nos}: delivered {r['delivered']}, errors {r['errors']}", r)


def cmd_interactions_delete_canceled(args):
    from ..services import interactions

    connect(args)
    r = interactions.delete_canceled()
    return Text(f"deleted {r['deleted']} canceled interaction log entries", r)


def cmd_interactions_statistics(args):
    from ..services import interactions

    connect(args)
    return interactions.statistics(by=args.by)


# --- templates ----------------------------------------------------------------------------------

def cmd_template_list(args):
    from ..services import interactions

    connect(args)
    return interactions.template_list()


def cmd_template_show(args):
    from ..services import interactions

    connect(args)
    return interactions.template_show(args.code)
