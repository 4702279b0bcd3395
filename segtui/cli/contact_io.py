"""contacts import / contacts export (docs/cli.md)."""
from ..errors import SegtuiError
from .common import connect
from .output import Text, count

# The formats services.contact_io.FORMATS reads and writes; named here so that building the
# parser (every command's start-up) does not load the import/export code (~20 ms).
FORMATS = ("csv", "vcard")


def register(groups, common):
    p = groups["contacts"].add_parser(
        "import", parents=[common],
        help="import contacts from CSV (read by its column names; --map for others) or vCard")
    p.add_argument("file", help="the CSV or vCard file to read")
    p.add_argument("--format", choices=FORMATS, help="csv or vcard (default: from the file)")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                   help="read COLUMN into contact FIELD (or 'organisation'); repeatable")
    p.add_argument("--encoding", metavar="NAME",
                   help="the file's encoding, e.g. utf-8, utf-16, windows-1252, shift_jis (default: detected)")
    p.add_argument("--dry-run", action="store_true", help="report what would happen, change nothing")
    p.add_argument("--strict", action="store_true", help="import nothing when any row is bad")
    p.set_defaults(handler=cmd_import)

    p = groups["contacts"].add_parser("export", parents=[common], help="export contacts to CSV or vCard 4.0")
    p.add_argument("file", help="the file to write (.vcf: vCard, else CSV, unless --format)")
    p.add_argument("--segment", metavar="NO", help="only the contacts on this segment")
    p.add_argument("--format", choices=FORMATS, help="csv or vcard (default: from the file name)")
    p.set_defaults(handler=cmd_export)


def parse_map(values):
    """--map COLUMN=FIELD values as a dict; the column may itself contain '=' only before the last one."""
    mapping = {}
    for value in values or []:
        column, sep, target = value.rpartition("=")
        if not sep or not column.strip() or not target.strip():
            raise SegtuiError(f"--map {value!r} must be COLUMN=FIELD, e.g. --map \"Full name=name\"")
        mapping[column.strip()] = target.strip()
    return mapping


def cmd_import(args):
    from ..services import contact_io

    mapping = parse_map(args.map)
    connect(args)
    result = contact_io.import_contacts(args.file, format=args.format, mapping=mapping,
                                        dry_run=args.dry_run, strict=args.strict, encoding=args.encoding)
    verb = "would import" if args.dry_run else "imported"
    text = (f"{verb} {count(result['imported'], 'new contact')} ({count(result['companies'], 'company')}), "
            f"updated {result['updated']}, unchanged {result['unchanged']}, "
            f"rejected {len(result['rejected'])}, warnings {len(result['warnings'])} "
            f"(read as {result['format']}, {result['source']}, {result['encoding']})")
    if result.get("opted_out"):
        text += f"; {result['opted_out']} new opt-outs from the file's opt-out columns"
    if args.dry_run:
        text += " (dry run: nothing was changed)"
    for bad in result["rejected"]:
        text += f"\n  line {bad['line']}: {bad['reason']}"
    for warning in result["warnings"]:
        text += f"\n  warning, line {warning['line']}, {warning['field']}: {warning['reason']}"
    if result["unmapped_columns"]:
        text += "\n  columns not read: " + ", ".join(result["unmapped_columns"])
    return Text(text, result)


def cmd_export(args):
    from ..services import contact_io

    connect(args)
    result = contact_io.export_contacts(args.file, segment_no=args.segment, format=args.format)
    return Text(f"exported {count(result['exported'], 'contact')} to {args.file}", result)
