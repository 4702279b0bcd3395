"""Hard copy as one file to print per delivery run (issue 14, point 4), and its PDF when LibreOffice
is installed; the files are opened afterwards with python-docx."""
import os
import stat
from pathlib import Path

import docx
import pytest

from segtui.services import delivery, hardcopy, templates
from docx_build import build, merge
from word_helpers import DATA, body_text, make_logged, make_world, sample


def _settings(tmp_path):
    return {"smtp": {"port": 25}, "output_dir": str(tmp_path / "printed")}


@pytest.fixture
def world(db, monkeypatch):
    # No LibreOffice unless a test puts one on the PATH.
    monkeypatch.setattr(hardcopy, "libreoffice", lambda: None)
    contacts = make_world()
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    templates.attach("LETTER", DATA / "letter_macword2011.docx", language_code="NLD")
    return contacts


def test_letters_of_several_documents_go_into_one_file_to_print(world, tmp_path):
    own = build(["Statement for ", merge("contact_name")])
    logged, entries = make_logged([
        (world["eve"], {"correspondence_type": "hard_copy"}),                      # all languages
        (world["jan"], {"correspondence_type": "hard_copy"}),                      # Dutch template
        (world["acme"], {"correspondence_type": "hard_copy", "language_code": "",
                         "attachment": own, "attachment_name": "statement.docx"}),  # its own Word document
        (world["eve"], {"correspondence_type": "hard_copy", "attachment": b"%PDF-1.4 leaflet",
                        "attachment_name": "leaflet.pdf"}),                        # not Word: a file of its own
    ])
    result = delivery.deliver_logged(logged.entry_no, settings=_settings(tmp_path))
    assert (result["delivered"], result["errors"]) == (4, 0)
    (combined,) = result["combined_files"]
    printed = Path(combined)
    assert printed.parent == tmp_path / "printed" and printed.name.endswith("hard-copy.docx")
    text = body_text(printed.read_bytes())
    assert "Dear Eve," in text and "Dear Jan," in text and "Statement for Acme B.V." in text
    assert len([p for p in (tmp_path / "printed").iterdir() if p.suffix == ".docx"]) == 1
    (leaflet,) = (tmp_path / "printed").glob("*.pdf")
    assert leaflet.read_bytes() == b"%PDF-1.4 leaflet"
    assert result["pdf"] is None and "LibreOffice is not installed" in result["pdf_note"]


def test_combine_starts_each_document_on_a_new_page():
    parts = [sample("letter_macword2011.docx"), sample("table_rows.docx")]
    combined = docx.Document(__import__("io").BytesIO(hardcopy.combine(parts)))
    xml = combined.element.xml
    assert 'w:type="page"' in xml
    assert hardcopy.combine(parts[:1]) == parts[0]


def _fake_soffice(folder):
    """A stand-in `soffice` that writes a PDF where LibreOffice would, and notes its arguments."""
    script = folder / "soffice"
    script.write_text("#!/bin/sh\n"
                      "echo \"$@\" > \"$(dirname \"$0\")/args.txt\"\n"
                      "for last; do :; done\n"
                      "while [ \"$1\" != \"--outdir\" ]; do shift; done\n"
                      "out=\"$2\"\n"
                      "name=$(basename \"$last\" .docx)\n"
                      "printf '%%PDF-1.7 fake' > \"$out/$name.pdf\"\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_a_pdf_is_made_when_libreoffice_is_installed(world, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_soffice(bin_dir)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(hardcopy, "libreoffice", lambda: str(bin_dir / "soffice"))
    logged, _ = make_logged([(world["eve"], {"correspondence_type": "hard_copy"})])
    result = delivery.deliver_logged(logged.entry_no, settings=_settings(tmp_path))
    pdf = Path(result["pdf"])
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stem == Path(result["combined"]).stem
    args = (bin_dir / "args.txt").read_text()
    assert "--headless" in args and "--convert-to pdf" in args and result["combined"] in args


def test_the_command_line_names_the_file_to_print_and_says_there_is_no_pdf(world, cli_main, tmp_path):
    from word_helpers import add_line, make_segment

    make_segment()
    add_line("SM00001", world["jan"], 10000)
    add_line("SM00001", world["eve"], 20000)
    code, out, err = cli_main("segment", "log", "SM00001", "--deliver", "--out", tmp_path / "print", json_out=False)
    assert code == 0, err
    assert "hard copy to print:" in out and "LibreOffice is not installed" in out
