"""template attach / map-field and segment merge: Word templates and merged letters (docs/cli.md)."""
from .common import connect, parse_assignments
from .output import Text, count


def register(groups, common):
    tp = groups["template"]

    p = tp.add_parser("attach", parents=[common], help="set a template's Word template (.docx) for a language")
    p.add_argument("code", help="interaction template code")
    p.add_argument("file", help="a Word .docx with merge fields")
    p.add_argument("--language", default="", help="language code (default: all languages)")
    p.set_defaults(handler=cmd_attach)

    p = tp.add_parser("map-field", parents=[common],
                      help="map a Word merge field the template uses to a field segtui knows")
    p.add_argument("code", help="interaction template code")
    p.add_argument("mappings", nargs="+", metavar="TEMPLATE_FIELD=FIELD")
    p.add_argument("--language", default="", help="language code of the Word template (default: all)")
    p.set_defaults(handler=cmd_map_field)

    p = tp.add_parser("fields", parents=[common], help="the merge fields of a template's Word template")
    p.add_argument("code", help="interaction template code")
    p.add_argument("--language", default="", help="language code (default: all languages)")
    p.set_defaults(handler=cmd_fields)

    p = tp.add_parser("detach", parents=[common], help="remove a template's Word template for a language")
    p.add_argument("code", help="interaction template code")
    p.add_argument("--language", default="", help="language code (default: the one for all languages)")
    p.set_defaults(handler=cmd_detach)

    p = tp.add_parser("documents", parents=[common], help="a template's Word templates, one per language")
    p.add_argument("code", help="interaction template code")
    p.set_defaults(handler=cmd_documents)

    p = groups["segment"].add_parser("merge", parents=[common],
                                     help="merged documents, one per line (and one combined file), without logging")
    p.add_argument("no", help="segment no")
    p.add_argument("--out", required=True, help="folder for the merged documents")
    p.add_argument("--combined", help="also write one .docx with a section per letter")
    p.add_argument("--workers", type=int, help="processes to merge with (default: all cores for many letters)")
    p.set_defaults(handler=cmd_merge)

    p = groups["segment"].add_parser("labels", parents=[common],
                                     help="address labels for the segment's contacts, as a Word document to print")
    p.add_argument("no", help="segment no")
    p.add_argument("--out", required=True, help="the labels file (.docx)")
    p.add_argument("--layout", default="a4-3x8", help="a4-3x8 (default), a4-3x7 or letter-3x10")
    p.add_argument("--log", action="store_true", help="log a hard-copy interaction per contact")
    p.set_defaults(handler=cmd_labels)

    p = groups["segment"].add_parser("cover-sheets", parents=[common],
                                     help="a cover sheet per contact (address block and a text), merged from a Word template")
    p.add_argument("no", help="segment no")
    p.add_argument("--out", required=True, help="the cover sheets file (.docx)")
    p.add_argument("--template", help="interaction template whose Word template is the cover sheet "
                                      "(default: segtui's own)")
    p.add_argument("--text", default="", help="the text on every sheet (merge field cover_text)")
    p.add_argument("--log", action="store_true", help="log a hard-copy interaction per contact")
    p.set_defaults(handler=cmd_cover_sheets)

    p = groups["segment"].add_parser("line-document", parents=[common],
                                     help="give a line its own document, replacing the template's for that contact")
    p.add_argument("no", help="segment no")
    p.add_argument("line_no", type=int)
    p.add_argument("file", nargs="?", help="a .docx (merged) or any other file (sent as it is)")
    p.add_argument("--clear", action="store_true", help="remove the line's own document")
    p.set_defaults(handler=cmd_line_document)


def _fields_sentence(result, verb):
    text = f"{verb} template {result['template_code']}"
    text += f" (language {result['language_code']})" if result["language_code"] else " (all languages)"
    text += f": fields {', '.join(result['fields']) or '(none)'}"
    if result["unknown_fields"]:
        text += (f"\nunknown fields: {', '.join(result['unknown_fields'])}; map them with "
                 f"'segtui template map-field {result['template_code']} FIELD=KNOWN_FIELD'")
    for note in result.get("notes") or []:
        text += f"\nnote: {note}"
    return text


def cmd_attach(args):
    from ..services import templates

    connect(args)
    result = templates.attach(args.code, args.file, language_code=args.language)
    return Text(_fields_sentence(result, "attached to"), result)


def cmd_map_field(args):
    from ..services import templates

    connect(args)
    mapping = templates.map_fields(args.code, parse_assignments(args.mappings), language_code=args.language)
    lines = [f"{source} -> {target}" for source, target in sorted(mapping.items())]
    return Text("mapping:\n" + ("\n".join(lines) or "(none)"), mapping)


def cmd_fields(args):
    from ..services import templates

    connect(args)
    result = templates.template_fields(args.code, language_code=args.language)
    return Text(_fields_sentence(result, "Word template of"), result)


def cmd_detach(args):
    from ..services import templates

    connect(args)
    result = templates.detach(args.code, language_code=args.language)
    which = f"language {result['language_code']}" if result["language_code"] else "all languages"
    return Text(f"template {result['template_code']}: Word template for {which} removed", result)


def cmd_documents(args):
    from ..services import templates

    connect(args)
    return [{"language_code": d["language_code"], "file_name": d["file_name"], "kind": d["kind"],
             "fields": d["fields"], "unknown_fields": d["unknown_fields"], "ignored_fields": d["ignored_fields"],
             "unsupported_fields": d["unsupported_fields"]} for d in templates.attachments(args.code)]


def cmd_merge(args):
    from ..services import merge

    connect(args)
    result = merge.merge_segment(args.no, args.out, combined=args.combined, workers=args.workers)
    text = f"{count(result['documents'], 'document')} written to {args.out}"
    if result["combined"]:
        text += f"; combined: {', '.join(result['combined'])}"
    if result["without_document"]:
        skipped = len(result["without_document"])
        one = skipped == 1
        text += (f"; {count(skipped, 'line')} {'has' if one else 'have'} no document and "
                 f"{'was' if one else 'were'} skipped")
    return Text(text, result)


def cmd_labels(args):
    from ..services import labels

    connect(args)
    r = labels.segment_labels(args.no, args.out, layout_name=args.layout, log=args.log)
    text = f"{r['labels']} labels on {r['pages']} sheets ({r['layout']}) written to {r['file']}"
    if r["logged_entries"]:
        text += f"; logged as {len(r['logged_entries'])} hard-copy interactions"
    return Text(text, r)


def cmd_cover_sheets(args):
    from ..services import cover

    connect(args)
    r = cover.cover_sheets(args.no, args.out, template_code=args.template, text=args.text, log=args.log)
    text = f"{r['sheets']} cover sheets written to {r['file']}"
    if r["logged_entries"]:
        text += f"; logged as {len(r['logged_entries'])} hard-copy interactions"
    return Text(text, r)


def cmd_line_document(args):
    from ..errors import SegtuiError
    from ..services import merge

    if bool(args.file) == bool(args.clear):
        raise SegtuiError("give either FILE or --clear")
    connect(args)
    result = merge.set_line_document(args.no, args.line_no, None if args.clear else args.file)
    if args.clear:
        return Text(f"line {result['line_no']} of segment {result['segment_no']} uses its template's document", result)
    text = (f"line {result['line_no']} of segment {result['segment_no']} has its own document "
            f"{result['attachment_name']}")
    if result["unknown_fields"]:
        text += f"; unknown fields: {', '.join(result['unknown_fields'])}"
    return Text(text, result)
