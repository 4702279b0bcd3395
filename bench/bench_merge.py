"""Letters per second: 1,000 contacts merged into one .docx each and into one combined .docx,
on one core and on all cores; then 1,000 address labels and 1,000 HTML e-mail bodies.

    python bench/bench_merge.py [--contacts 1000] [--template PATH.docx]

Builds a throw-away SQLite database in a temporary folder with the contacts on one segment and
the demo's default letter (or the given template) on its interaction template, then times
segtui.services.merge.merge_segment. The combined file is one document merged by one process
(the library writes it in one pass), so "all cores" only applies to the one-file-each run.
Labels: segtui.services.labels.segment_labels (addresses formatted by country). HTML bodies:
segtui.services.mail.letter_html (mammoth) on the merged letters, and the whole message
(HTML, text alternative) with mail.build_message.

"docx-mailmerge2 alone" merges the same template with the same values, one file each on one
core, in a separate process that imports only the library (segtui changes a few of the
library's ways when imported), so the ratio compares our merge with the library as shipped.
"""
import argparse
import datetime as dt
import json
import subprocess
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from segtui import db as dbmod  # noqa: E402
from segtui.models import (  # noqa: E402
    CompanyInformation,
    Contact,
    InteractionGroup,
    InteractionTemplate,
    Language,
    Salesperson,
    SegmentHeader,
    SegmentLine,
)
from segtui.services import labels, mail, merge, templates  # noqa: E402
from segtui.services.default_letter import build_default_letter  # noqa: E402


def build(folder, contacts, template):
    dbmod.open_database(str(Path(folder) / "bench.db"))
    dbmod.init_database()
    with dbmod.transaction():
        Language.create(code="ENU", name="English", date_format="%m/%d/%Y")
        Salesperson.create(code="AK", name="Annette Klein", email="ak@ourco.example", phone="+49 1")
        CompanyInformation.create(name="Our Company Ltd", address="1 Main Street", post_code="10115", city="Berlin")
        InteractionGroup.create(code="LETTER", description="Letters")
        InteractionTemplate.create(code="LETTER", interaction_group_code="LETTER", description="Letter")
        Contact.insert_many([
            dict(no=f"CT{i:06d}", type="person", name=f"Person {i}", first_name="Person", surname=str(i),
                 address=f"{i} Long Street", post_code=f"{10000 + i}", city="Springfield",
                 email=f"p{i}@example.org", language_code="ENU")
            for i in range(1, contacts + 1)]).execute()
        SegmentHeader.create(no="SM00001", description="Benchmark letter", salesperson_code="AK",
                             interaction_template_code="LETTER")
        today = dt.date.today()
        SegmentLine.insert_many([
            dict(segment_no="SM00001", line_no=i * 10, contact_no=f"CT{i:06d}", correspondence_type="hard_copy",
                 interaction_template_code="LETTER", interaction_group_code="LETTER", language_code="ENU",
                 subject="Our offer", description="Benchmark letter", date=today, salesperson_code="AK",
                 personal_note=f"A note for person {i}")
            for i in range(1, contacts + 1)]).execute()
    data = Path(template).read_bytes() if template else build_default_letter()
    report = templates.attach("LETTER", data, file_name="letter.docx")
    if report["unknown_fields"]:
        raise SystemExit(f"the template has fields segtui does not know: {report['unknown_fields']}")


LIBRARY_ALONE = """
import io, json, sys, time, warnings
from mailmerge import MailMerge
template, rows_file, out = sys.argv[1:4]
data = open(template, "rb").read()
rows = json.load(open(rows_file))
start = time.perf_counter()
for i, row in enumerate(rows):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with MailMerge(io.BytesIO(data)) as merge:
            merge.merge(**row)
            merge.write(f"{out}/{i}.docx")
print(time.perf_counter() - start)
"""


def library_alone(folder, data, rows):
    """Seconds docx-mailmerge2 alone takes for one file per row (in its own process)."""
    folder = Path(folder)
    (folder / "alone").mkdir()
    (folder / "template.docx").write_bytes(data)
    (folder / "rows.json").write_text(json.dumps(rows))
    proc = subprocess.run([sys.executable, "-c", LIBRARY_ALONE, str(folder / "template.docx"),
                           str(folder / "rows.json"), str(folder / "alone")],
                          capture_output=True, text=True, check=True)
    return float(proc.stdout.strip())


def timed(label, contacts, fn):
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:8.2f} s  {contacts / seconds:9.1f} letters/s")
    return contacts / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--template", help="a .docx using known merge fields (default: the demo letter)")
    parser.add_argument("--letters-only", action="store_true",
                        help="time only one-file-each on 1 core, then labels and HTML bodies")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as folder:
        build(folder, args.contacts, args.template)
        print(f"{args.contacts} contacts, {cores} cores")
        ours = timed("one file each, 1 core", args.contacts,
                     lambda: merge.merge_segment("SM00001", Path(folder) / "one", workers=1))
        lines = list(SegmentLine.select().where(SegmentLine.live("SM00001")).order_by(SegmentLine.line_no))
        documents = merge.documents_for(lines)
        values = merge.values_for(lines)
        alone = library_alone(folder, documents[0].content, [documents[0].row(v) for v in values])
        print(f"{'docx-mailmerge2 alone, one file each, 1 core':<44} {alone:8.2f} s  "
              f"{args.contacts / alone:9.1f} letters/s")
        print(f"{'ratio segtui / library alone (time)':<44} {args.contacts / ours / alone:8.2f}")
        print(f"template: {len(documents[0].content) / 1e3:.1f} kB")
        if not args.letters_only:
            timed(f"one file each, all cores ({cores} processes)", args.contacts,
                  lambda: merge.merge_segment("SM00001", Path(folder) / "all", workers=cores))
            timed("one combined file, 1 core", args.contacts,
                  lambda: merge.write_combined(Path(folder) / "combined.docx", documents, values, overwrite=True))
            size = (Path(folder) / "combined.docx").stat().st_size
            each = sum(p.stat().st_size for p in (Path(folder) / "one").iterdir())
            print(f"combined file: {size / 1e3:.0f} kB; one file each: {each / 1e6:.1f} MB in all")
        timed("labels, A4 3x8 (per label)", args.contacts,
              lambda: labels.segment_labels("SM00001", Path(folder) / "labels.docx", overwrite=True))
        letters = [p.read_bytes() for p in sorted((Path(folder) / "one").iterdir())]
        timed("HTML bodies (mammoth), 1 core", len(letters), lambda: [mail.letter_html(d) for d in letters])
        doc = documents[0]
        timed("whole e-mails (HTML + text), 1 core", len(letters),
              lambda: [mail.build_message(line, doc, row, d, "letter.docx", "ak@ourco.example", as_attachment=False)
                       for line, row, d in zip(lines, values, letters)])


if __name__ == "__main__":
    main()
