"""Hard copy as one file to print (issue 14, point 4): the Word letters of a delivery run
combined into one .docx (docxcompose appends documents with their styles, numbering and
images), and a PDF of it when LibreOffice is installed (said plainly when it is not).
"""
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

PDF_TIMEOUT_S = 300
NO_LIBREOFFICE = "no PDF: LibreOffice is not installed (no soffice or libreoffice command found)"


def combine(parts):
    """One .docx (bytes) of the given .docx documents, each starting on a new page."""
    from docx import Document
    from docxcompose.composer import Composer

    if not parts:
        raise ValueError("nothing to combine")
    if len(parts) == 1:
        return parts[0]
    composer = Composer(Document(io.BytesIO(parts[0])))
    for data in parts[1:]:
        composer.doc.add_page_break()
        composer.append(Document(io.BytesIO(data)))
    out = io.BytesIO()
    composer.save(out)
    return out.getvalue()


def libreoffice():
    """The LibreOffice command, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(path):
    """(the PDF's path or None, a note): the .docx at `path` converted next to it by LibreOffice."""
    command = libreoffice()
    if command is None:
        return None, NO_LIBREOFFICE
    path = Path(path)
    # A profile folder of its own: a LibreOffice the user has open would otherwise take the job.
    with tempfile.TemporaryDirectory(prefix="segtui-lo-") as profile:
        try:
            done = subprocess.run([command, f"-env:UserInstallation=file://{profile}", "--headless",
                                   "--convert-to", "pdf", "--outdir", str(path.parent), str(path)],
                                  capture_output=True, text=True, timeout=PDF_TIMEOUT_S,
                                  env=dict(os.environ, HOME=profile))
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"no PDF: LibreOffice failed ({exc})"
    pdf = path.with_suffix(".pdf")
    if done.returncode != 0 or not pdf.is_file():
        reason = (done.stderr or done.stdout or f"exit {done.returncode}").strip().splitlines()
        return None, f"no PDF: LibreOffice failed ({reason[-1] if reason else 'no output'})"
    return pdf, ""
