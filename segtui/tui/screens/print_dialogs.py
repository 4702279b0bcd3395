"""Address labels (k) and cover sheets (o) from the worksheet: a form, then the services labels
and cover in the worksheet's worker (progress bar, Esc), then what was written."""
from __future__ import annotations

from pathlib import Path

from .segment_dialogs import FormDialog, FormField


def _logged(result) -> str:
    entries = result.get("logged_entries") or []
    return f"; logged as {len(entries):,} hard-copy interactions" if entries else ""


def labels_dialog(worksheet) -> None:
    """Ask for the sheet layout, the file and whether to log; then write the labels."""
    from ...services import labels

    if not worksheet._idle():
        return

    def chosen(values) -> None:
        if not values:
            return
        path = Path(str(values["path"])).expanduser()

        def make():
            path.parent.mkdir(parents=True, exist_ok=True)
            return labels.segment_labels(worksheet.segment_no, path, layout_name=values["layout"],
                                         log=bool(values["log"]))

        worksheet.run_long("Writing address labels…", make, lambda r: worksheet.notify(
            f"{r['labels']:,} labels on {r['pages']:,} sheets written to {r['file']}{_logged(r)}", timeout=10))

    options = [(layout.description, layout.name) for layout in labels.LAYOUTS.values()]
    worksheet.app.push_screen(FormDialog("Address labels", [
        FormField("layout", "Sheet", "a4-3x8", kind="select", options=options),
        FormField("path", "File", worksheet._out_dir("labels") + ".docx", required=True),
        FormField("log", "Log a hard-copy interaction per contact", False, kind="checkbox"),
    ], ok="Write", hint="Each address as its country writes it; a Word document to print."), chosen)


def cover_dialog(worksheet) -> None:
    """Ask for the template (blank: segtui's own), the text, the file and whether to log."""
    from ...services import cover

    if not worksheet._idle():
        return

    def chosen(values) -> None:
        if not values:
            return
        path = Path(str(values["path"])).expanduser()

        def make():
            path.parent.mkdir(parents=True, exist_ok=True)
            return cover.cover_sheets(worksheet.segment_no, path, template_code=values["template"] or None,
                                      text=values["text"], log=bool(values["log"]))

        worksheet.run_long("Writing cover sheets…", make, lambda r: worksheet.notify(
            f"{r['sheets']:,} cover sheets written to {r['file']}{_logged(r)}", timeout=10))

    worksheet.app.push_screen(FormDialog("Cover sheets", [
        FormField("template", "Template", "", placeholder="blank: segtui's own cover sheet"),
        FormField("text", "Text", "", placeholder="e.g. Enclosed: our catalogue"),
        FormField("path", "File", worksheet._out_dir("cover-sheets") + ".docx", required=True),
        FormField("log", "Log a hard-copy interaction per contact", False, kind="checkbox"),
    ], ok="Write", hint="One page per contact: its address block and the text."), chosen)
