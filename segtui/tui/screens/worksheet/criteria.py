"""The worksheet's criteria panel and the actions on it: add, reduce, refine, go back,
save and reuse criteria, reuse a logged segment, apply a mailing group."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable, Static

from ....errors import SegtuiError
from ....labels import label, plural
from ....text import visible
from ..criteria_dialog import CriteriaDialog
from ..segment_dialogs import ConfirmDialog, FormDialog, FormField, LookupDialog
from .header import lookup_search

if TYPE_CHECKING:  # types only: the screen reads the services' results by these names
    from ....services.results import CriteriaAction, LinesChanged, MailingGroupApplied


class CriteriaPanel:
    """The criteria panel's part of WorksheetScreen (a mixin)."""

    def _fill_criteria(self) -> None:
        table = self.query_one("#criteria", DataTable)
        table.clear()
        for i, action in enumerate(self.criteria, 1):
            number, name, filters, contacts = criteria_row(action, i)
            table.add_row(str(number), name, contacts, filters, key=str(number))
        if self.criteria:
            table.move_cursor(row=len(self.criteria) - 1)
        box = self.query_one("#criteria-box")
        box.border_title = f"Criteria  {len(self.criteria)}"
        self._fill_criteria_folded()

    def _fill_criteria_folded(self) -> None:
        """The folded panel's one line: the count, then the latest actions that fit whole."""
        widget = self.query_one("#criteria-folded", Static)
        width = max(20, widget.content_region.width or self.size.width - 2)
        widget.update(folded_criteria_text(self.criteria, width))


    def _criteria_dialog(self, action: str) -> None:
        if not self._idle():
            return

        def chosen(answer):
            if answer:
                self.apply_criteria(answer["action"], answer["filters"], answer["options"])

        self.app.push_screen(CriteriaDialog(self.segment_no, action), chosen)

    def apply_criteria(self, action: str, filters, options) -> None:
        from ....services import criteria

        fn = {"add": criteria.add_contacts, "reduce": criteria.reduce_contacts,
              "refine": criteria.refine_contacts}[action]
        verb = {"add": "Adding", "reduce": "Reducing", "refine": "Refining"}[action]

        def done(result):
            self.reload()
            if action == "add":
                self.notify(f"{plural(result.get('added', 0), 'contact')} added; "
                            f"{plural(result.get('no_of_lines', 0), 'line')}")
            else:
                self.notify(f"{plural(result.get('removed', 0), 'line')} removed; "
                            f"{plural(result.get('no_of_lines', 0), 'line')}")

        self.run_long(f"{verb} contacts…", lambda progress: fn(self.segment_no, filters, progress=progress, **options),
                      done, progress=True)

    def action_add_contacts(self) -> None:
        self._criteria_dialog("add")

    def action_reduce_contacts(self) -> None:
        self._criteria_dialog("reduce")

    def action_refine_contacts(self) -> None:
        self._criteria_dialog("refine")

    def action_go_back(self) -> None:
        """Undo the last action, or back to before the action highlighted in the criteria panel."""
        from ....services import criteria

        if not self._idle():
            return
        if not self.criteria:
            self.notify("There is nothing to go back from: the segment has no criteria actions",
                        severity="warning")
            return
        steps = 1
        table = self.query_one("#criteria", DataTable)
        if self.focused is table and table.cursor_row is not None:
            steps = len(self.criteria) - table.cursor_row

        def run(ok=True):
            if not ok:
                return

            def done(result: LinesChanged) -> None:
                self.reload()
                undone, lines = result.get("undone", steps), result["no_of_lines"]
                self.notify(f"Went back {plural(undone, 'step')}; {plural(lines, 'line')}")

            self.run_long("Going back…", lambda: criteria.go_back(self.segment_no, steps=steps), done)

        if steps > 1:
            self.app.push_screen(ConfirmDialog(
                f"Go back {steps} steps, undoing actions {len(self.criteria) - steps + 1} to "
                f"{len(self.criteria)}?", title="Go back"), run)
        else:
            run()

    def action_save_criteria(self) -> None:
        from ....services import criteria

        if not self._idle():
            return
        if not self.criteria:
            self.notify("There are no criteria to save: add, reduce or refine first", severity="error")
            return

        def validate(values):
            try:
                criteria.save_criteria(self.segment_no, values["code"], values["description"])
            except SegtuiError as exc:
                return ("code", str(exc))
            return None

        def saved(values):
            if values:
                self.notify(f"Criteria saved as {values['code'].upper()}")

        self.app.push_screen(FormDialog("Save criteria", [
            FormField("code", "Code", required=True, placeholder="e.g. FAIR-INVITE"),
            FormField("description", "Description", self.header_data.get("description", "")),
        ], ok="Save", validate=validate), saved)

    def action_reuse_criteria(self) -> None:
        from ....services import criteria

        if not self._idle():
            return

        def chosen(code):
            if not code:
                return
            self._confirm_when_actions(
                f"The segment already has {len(self.criteria)} criteria actions. "
                f"Replay criteria {code} after them?",
                lambda: self.run_long(f"Reusing criteria {code}…",
                                      lambda progress: criteria.reuse_criteria(self.segment_no, code, confirm=True,
                                                                               progress=progress),
                                      lambda r: self._after_reuse(r, f"Criteria {code} reused"), progress=True))

        self.app.push_screen(LookupDialog("Saved criteria", lookup_search("criteria")), chosen)

    def action_reuse_logged(self) -> None:
        from ....services import criteria

        if not self._idle():
            return

        def chosen(entry_no):
            if not entry_no:
                return
            self._confirm_when_actions(
                f"The segment already has {len(self.criteria)} criteria actions. "
                f"Add the contacts of logged segment {entry_no} too?",
                lambda: self.run_long(f"Adding logged segment {entry_no}…",
                                      lambda progress: criteria.reuse_logged(self.segment_no, int(entry_no),
                                                                             confirm=True, progress=progress),
                                      lambda r: self._after_reuse(r, f"Logged segment {entry_no} reused"),
                                      progress=True))

        self.app.push_screen(LookupDialog("Logged segments", lookup_search("logged_segment")), chosen)

    def _confirm_when_actions(self, question: str, go) -> None:
        if not self.criteria:
            go()
            return
        self.app.push_screen(ConfirmDialog(question, title="Confirm"), lambda ok: go() if ok else None)

    def _after_reuse(self, result: LinesChanged, what: str) -> None:
        self.reload()
        parts = []
        if "added" in result:
            parts.append(f"{result['added']:,} added")
        if result.get("removed"):
            parts.append(f"{result.get('removed', 0):,} removed")
        self.notify(f"{what}: " + (", ".join(parts) or "done") + f"; {plural(result['no_of_lines'], 'line')}")

    def action_apply_mailing_group(self) -> None:
        from ....services import criteria

        if not self._idle():
            return

        def chosen(values):
            if not values:
                return
            self.run_long("Applying mailing group…",
                          lambda: criteria.apply_mailing_group(self.segment_no, values["code"],
                                                               delete_old=values["delete_old"]),
                          lambda r: self._after_mailing_group(r, values["code"]))

        self.app.push_screen(FormDialog("Apply mailing group", [
            FormField("code", "Mailing group", required=True, lookup=lookup_search("mailing_group"),
                      placeholder="code (F4 lookup)"),
            FormField("delete_old", "First remove it from all contacts", False, kind="checkbox"),
        ], ok="Apply"), chosen)


    def _after_mailing_group(self, result: MailingGroupApplied, code: str) -> None:
        self.notify(f"Mailing group {code.upper()} given to {plural(result['applied'], 'contact')}")

def folded_criteria_text(actions: list, width: int) -> Text:
    """'Criteria 2  1 Add city=@b* +74  2 Refine type=person −11': the latest actions that fit whole."""
    count = len(actions)
    head = f"Criteria {count}" if count else "Criteria: none yet (a adds contacts by criteria)"
    items = []
    for i, action in enumerate(actions, 1):
        number, name, filters, contacts = criteria_row(action, i)
        items.append(" ".join(x for x in (str(number), name, filters, contacts) if x))
    room = width - len(head)
    shown: list[str] = []
    for item in reversed(items):  # the most recent first, so they survive a narrow terminal
        need = len(item) + 2 + (2 if len(shown) < len(items) - 1 else 0)
        if need > room:
            break
        shown.insert(0, item)
        room -= len(item) + 2
    text = Text(head, style="bold", no_wrap=True, overflow="crop")
    if len(shown) < len(items):
        text.append("  …", style="dim")
    for item in shown:
        text.append("  " + item)
    return text


def reference_words(action: str | None, reference: str) -> str:
    """What an action's reference is, in words: 'logged segment 3', not a bare '3'."""
    if action == "reuse_logged":
        return f"logged segment {reference}"
    if action == "set_contact" and ">" in reference:
        old, _, new = reference.partition(">")
        return f"contact {old} changed to {new}"
    if action in ("add_contact", "remove_line"):
        return f"contact {reference}"
    return reference


def criteria_row(action: CriteriaAction, index: int):
    """(number, action, filters text, contacts text) for the criteria panel."""
    number = action.get("action_no", index)
    name = label("criteria_action", action.get("action", ""))
    parts = []
    for f in action.get("filters") or []:
        field, source = f["field"], f["source"] or "contact"
        typed = field if source == "contact" else (
            f"{source}.{field}" if source == "interaction" else (
                source if field in ("code", f"{source}_code") else f"{source}.{field}"))
        parts.append(f"{typed}={f['expression']}")
    if action.get("reference"):
        parts.append(reference_words(action.get("action"), str(action["reference"])))
    options = [label for key, label in (("allow_existing_contacts", "allow existing"),
                                        ("expand_contact", "expand contact"),
                                        ("allow_company_with_persons", "company with persons"),
                                        ("ignore_exclusion", "ignore exclusion"),
                                        ("entire_companies", "entire companies")) if action.get(key)]
    # Filters and references are stored text: control characters show as escapes.
    text = visible("  ".join(parts)) + (f"  [{', '.join(options)}]" if options else "")
    count = int(action.get("no_of_contacts") or 0)
    sign = "−" if action.get("action") in ("reduce", "refine", "remove_line") else "+"
    return number, name, text, f"{sign}{count:,}"

