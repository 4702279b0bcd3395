"""The worksheet's header form: the segment's General and Interaction fields.

Each field is stored when it is left (Enter, Tab, blur); a code field opens its lookup when
the typed code is unknown, and a change that the lines carry asks whether to update them.
"""
from __future__ import annotations

import datetime as dt
import decimal
from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import Horizontal
from textual.suggester import Suggester, SuggestFromList
from textual.widgets import Input, Label, Static

from ....errors import Conflict, SegtuiError
from ....labels import label as choice_label
from ....labels import options, stored
from ....text import visible
from ...widgets.tick import Tick
from ..segment_dialogs import ConfirmDialog, LookupDialog

if TYPE_CHECKING:  # types only
    from ....services.results import Segment

# Header fields: (field, label, kind, lookup kind or choice name in segtui.labels).
# kind: text | code | choice | check | readonly
GENERAL_ROWS = [
    [("no", "No.", "readonly", None), ("date", "Date", "text", None)],
    [("description", "Description", "text", None)],
    [("salesperson_code", "Salesperson", "code", "salesperson")],
    [("campaign_no", "Campaign", "code", "campaign"), ("campaign_target", "Target", "check", None),
     ("campaign_response", "Response", "check", None)],
]
INTERACTION_ROWS = [
    [("interaction_template_code", "Template", "code", "template"),
     ("interaction_group_code", "Group", "readonly", None)],
    [("correspondence_type_default", "Corresp.", "choice", "correspondence_type"),
     ("ignore_contact_corres_type", "Ignore contact corresp.", "check", None)],
    [("subject_default", "Subject", "text", None)],
    [("language_code_default", "Language", "code", "language"),
     ("send_word_docs_as_attmt", "Word doc as attachment", "check", None)],
    [("information_flow", "Info flow", "choice", "information_flow"),
     ("initiated_by", "Initiated by", "choice", "initiated_by")],
    [("unit_cost", "Unit cost", "text", None), ("unit_duration_min", "Duration (min)", "text", None)],
]
HEADER_FIELDS = {f[0]: f for row in GENERAL_ROWS + INTERACTION_ROWS for f in row}
CODE_DESCRIPTIONS = {"salesperson_code": "salesperson", "interaction_template_code": "template",
                     "campaign_no": "campaign", "language_code_default": "language"}

class CodeSuggester(Suggester):
    """Completes a code field as the user types, from the lookup's search."""

    def __init__(self, kind: str) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.kind = kind

    async def get_suggestion(self, value: str) -> str | None:
        from ....services import lookups

        if not value:
            return None
        try:
            for code, _desc in lookups.search(self.kind, value, limit=5):
                if code.lower().startswith(value.lower()):
                    return code
        except Exception:  # a suggestion is a nicety; never an error
            return None
        return None


def lookup_search(kind: str):
    def search(text: str):
        from ....services import lookups

        return lookups.search(kind, text, limit=100)

    return search


def choice_search(choice: str):
    """A lookup over a choice's values in words (segtui.labels); blank is listed as ''."""
    def search(text: str):
        text = text.strip().lower().strip("'")
        return [(v or "''", words) for v, words in options(choice)
                if not text or text in v or text in words.lower()]

    return search



class HeaderForm:
    """The header form's part of WorksheetScreen (a mixin: the screen routes its events here)."""

    _descriptions: dict  # code field -> its description, for the compact header

    def _rows(self, rows):
        for row in rows:
            with Horizontal(classes="hrow"):
                for i, (name, label, kind, extra) in enumerate(row):
                    if kind == "check":
                        yield Tick(label, False, id=f"h-{name}", compact=True)
                        continue
                    yield Label(label, classes="lbl2" if i else "")
                    # Code and choice fields are short inputs: typing suggests, Enter/F4 opens the list.
                    classes = "code" if kind in ("code", "choice") else ("short" if i or name in (
                        "no", "unit_cost") else "")
                    if kind == "code":
                        suggester = CodeSuggester(extra)
                    elif kind == "choice":
                        suggester = SuggestFromList([w for _v, w in options(extra, blank=False)],
                                                    case_sensitive=False)
                    else:
                        suggester = None
                    yield Input("", id=f"h-{name}", classes=classes, compact=True, suggester=suggester,
                                disabled=(kind == "readonly"))
                    if kind == "code":
                        yield Label("", id=f"d-{name}", classes="desc")


    def _fill_header(self) -> None:
        self._applying = True
        try:
            for name, (_f, _label, kind, extra) in HEADER_FIELDS.items():
                value = self.header_data.get(name)
                widget = self.query_one(f"#h-{name}")
                if kind == "check":
                    widget.value = bool(value)
                else:
                    widget.value = shown_text(name, value)
                    widget.remove_class("-invalid")
                if kind == "code":
                    self._describe(name)
        finally:
            self.call_after_refresh(self._done_applying)
        self.query_one("#header-error").remove_class("-shown")

    def _done_applying(self) -> None:
        self._applying = False

    def _describe(self, name: str) -> None:
        from ....services import lookups

        kind = CODE_DESCRIPTIONS.get(name)
        if kind:
            try:
                text = lookups.describe(kind, self.header_data.get(name))
            except Exception:
                text = ""
            self._descriptions[name] = text
            self._fit_description(name)

    def _fit_description(self, name: str) -> None:
        """A code's description in the room its label has, whole words only (or nothing)."""
        label = self.query_one(f"#d-{name}", Label)
        width = label.content_region.width
        text = self._descriptions.get(name, "")
        text = visible(text)
        label.update(shorten(text, width) if width else text)

    def fit_descriptions(self) -> None:
        for name in CODE_DESCRIPTIONS:
            self._fit_description(name)

    def _fill_summary(self) -> None:
        """The compact header: the key fields on two lines, whole items only (F3 shows them all)."""
        if not self.header_data:
            return
        widget = self.query_one("#header-summary", Static)
        width = max(20, (widget.content_region.width or self.size.width - 2))
        items = summary_items(self.header_data, getattr(self, "_descriptions", {}))
        widget.update(summary_text(items, width, lines=2))

    def _header_name(self, widget) -> str | None:
        wid = getattr(widget, "id", None) or ""
        return wid[2:] if wid.startswith("h-") and wid[2:] in HEADER_FIELDS else None

    def header_submitted(self, event: Input.Submitted) -> None:
        name = self._header_name(event.input)
        if name is None:
            return
        event.stop()
        kind = HEADER_FIELDS[name][2]
        value = event.value.strip()
        if kind == "choice" and choice_value(name, value) is None:
            self._open_lookup(name, value)
            return
        if kind == "code" and value and not self._is_code(name, value):
            self._open_lookup(name, value)
            return
        if kind == "code" and not value and field_text(self.header_data.get(name)) == "":
            self._open_lookup(name, "")
            return
        self.commit_field(name, value)

    def header_blurred(self, event: Input.Blurred) -> None:
        name = self._header_name(event.input)
        if name is None or self._busy or not self.is_current:
            return
        # What the field holds now, not at the blur: a blur queued while the screen opened (the
        # first field had the focus a moment) would otherwise store the empty value it had then.
        self.commit_field(name, event.input.value.strip())

    def leave_field(self, then) -> None:
        """Leave the header field that has the focus, then `then()`. An edit not stored yet is
        asked about first: save it, discard it, or (Esc) keep editing."""
        widget = self.focused
        name = self._header_name(widget)
        if name is None or not isinstance(widget, Input):
            then()
            return
        typed, stored = widget.value.strip(), shown_text(name, self.header_data.get(name))
        if typed == stored:
            then()
            return
        label = HEADER_FIELDS[name][1]

        def answered(save):
            if save is None:  # keep editing
                widget.focus()
                return
            if not save:
                widget.value = stored
                widget.remove_class("-invalid")
            then()  # leaving the field stores what it holds (see header_blurred)

        self.app.push_screen(ask_unsaved(label, typed, stored), answered)

    def header_ticked(self, event) -> None:
        name = self._header_name(event.checkbox)
        if name is None or self._applying:
            return
        self.commit_field(name, event.value)

    def _is_code(self, name: str, value: str) -> bool:
        from ....services import lookups

        kind = CODE_DESCRIPTIONS[name]
        return any(code.lower() == value.lower() for code, _ in lookups.search(kind, value, limit=20))

    def _open_lookup(self, name: str, text: str) -> None:
        widget = self.query_one(f"#h-{name}", Input)
        field_kind, extra = HEADER_FIELDS[name][2], HEADER_FIELDS[name][3]
        if field_kind == "choice":
            search = choice_search(extra)
            allow_blank = False
        else:
            search = lookup_search(CODE_DESCRIPTIONS[name])
            allow_blank = True
        # Opened on the value the form shows: that value highlighted among all of them.
        current = None
        if text.strip() == shown_text(name, self.header_data.get(name)):
            current, text = field_text(self.header_data.get(name)) or ("''" if field_kind == "choice" else None), ""

        def chosen(code):
            widget.focus()
            if code is None:
                return
            code = "" if code == "''" else code
            widget.value = shown_text(name, code)
            self.commit_field(name, code)

        self.app.push_screen(LookupDialog(HEADER_FIELDS[name][1], search, text, allow_blank=allow_blank,
                                          current=current), chosen)

    def commit_field(self, name: str, value) -> None:
        """A header field changed: ask about the lines when there are some, then store it."""
        if self._applying or not self.header_data:  # still reading the segment
            return
        if HEADER_FIELDS[name][2] == "choice" and isinstance(value, str):
            choice = choice_value(name, value)  # the field shows words: "Hard copy" is hard_copy
            if choice is None:
                words = ", ".join(w for _v, w in options(HEADER_FIELDS[name][3], blank=False))
                self.refuse_field(name, f"{value!r} is not one of {words} (F4 lists them)")
                return
            value = choice
        current = self.header_data.get(name)
        if field_text(current) == field_text(value) and not isinstance(value, bool):
            return
        if isinstance(value, str) and value == shown_text(name, current):
            return  # as shown (control characters as escapes): not an edit
        if isinstance(value, bool) and bool(current) == value:
            return
        refused = header_refusal(name, value)
        if refused:  # refused before asking about the lines: the question would be moot
            self.refuse_field(name, refused)
            return
        lines = int(self.header_data.get("no_of_lines") or 0)
        if lines == 0 or name in ("description", "no"):
            self._store_header(name, value, False)
            return
        label = HEADER_FIELDS[name][1]

        def answered(update):
            if update is None:  # Esc: keep everything as it was
                self._fill_header()
                return
            self._store_header(name, value, bool(update))

        self.app.push_screen(ConfirmDialog(
            f"{label} changed. Update the {lines:,} lines that carry the header's template too?",
            title="Update lines?", yes="Update lines", no="Header only", cancellable=True), answered)

    def _store_header(self, name: str, value, update_lines: bool) -> None:
        from ....services import segments

        # The version the form showed: another user's change since then is a Conflict, never
        # overwritten (see stale()).
        shown = self.header_data.get("version")

        def store():
            return segments.set_header(self.segment_no, {name: value}, update_lines=update_lines,
                                       expected_version=shown)

        def done(result: Segment) -> None:
            self.reload(result)  # set_header gives the whole segment back, criteria included
            self.notify(f"{HEADER_FIELDS[name][1]} saved" + (" and lines updated" if update_lines else ""),
                        timeout=2)

        def failed(exc):
            if isinstance(exc, Conflict):
                self.stale(f"your change to {HEADER_FIELDS[name][1]} was not saved")
                return
            self.refuse_field(name, str(exc))

        if update_lines:
            self.run_long("Updating lines…", store, done, failed)
            return
        try:
            result = store()
        except SegtuiError as exc:
            failed(exc)
            return
        done(result)

    def stale(self, what: str) -> None:
        """Another user changed the segment since it was shown: say so, offer to reload."""
        def answered(reload):
            if reload:
                self.reload()
                self.notify("Reloaded: the segment as it is now")

        self.notify(f"Another user changed segment {self.segment_no} since it was shown: {what}",
                    severity="error")
        self.app.push_screen(ConfirmDialog(
            f"Another user changed segment {self.segment_no} since you opened it, so {what}. "
            "Reload it to see their change (your edit is dropped)?",
            title="Changed by another user", yes="Reload", no="Not now"), answered)

    def refuse_field(self, name: str, message: str) -> None:
        """Show a refused header value at its field (the stored value is unchanged)."""
        widget = self.query_one(f"#h-{name}")
        widget.add_class("-invalid")
        error = self.query_one("#header-error", Static)
        error.update(f"{HEADER_FIELDS[name][1]}: {message}")
        error.add_class("-shown")
        self.notify(message, title=HEADER_FIELDS[name][1], severity="error")


def shown_text(name: str, value) -> str:
    """A header value as its field shows it: choices in words, the rest as text, control
    characters as visible escapes (an escape sequence never reaches the terminal)."""
    if HEADER_FIELDS[name][2] == "choice":
        return choice_label(HEADER_FIELDS[name][3], value)
    return visible(field_text(value))


def choice_value(name: str, text: str) -> str | None:
    """The stored value of a choice typed as its words or its value (any case), or None."""
    return stored(HEADER_FIELDS[name][3], text)


def ask_unsaved(label: str, typed: str, stored: str) -> ConfirmDialog:
    """The question when a field with an unsaved edit is left with Esc."""
    was = f" (it was {stored!r})" if stored else ""
    return ConfirmDialog(f"{label}: save {typed!r}{was}? Esc keeps editing.", title="Unsaved edit",
                         yes="Save", no="Discard", cancellable=True)


def summary_items(h: dict, descriptions: dict) -> list[tuple[str, str]]:
    """(label, value) of the header fields the compact header shows, blanks left out."""
    def code(name):
        value = visible(field_text(h.get(name)))
        return " ".join(x for x in (value, visible(descriptions.get(name, ""))) if x)

    items = [("Date", field_text(h.get("date"))), ("Salesperson", code("salesperson_code")),
             ("Template", code("interaction_template_code")),
             ("Corresp.", choice_label("correspondence_type", h.get("correspondence_type_default"))),
             ("Subject", visible(field_text(h.get("subject_default")))),
             ("Language", code("language_code_default")),
             ("Campaign", code("campaign_no"))]
    return [(label, value) for label, value in items if value]


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` columns, cut after a whole word and marked with an ellipsis."""
    if len(text) <= width:
        return text
    cut = text[:max(0, width - 1)]
    if len(text) > len(cut) and text[len(cut)] != " ":  # the cut falls inside a word: drop it
        cut = cut[:cut.rfind(" ")] if " " in cut else ""
    return cut.rstrip() + "…" if cut.strip() else ""


def summary_text(items: list[tuple[str, str]], width: int, lines: int = 2) -> Text:
    """Items packed on `lines` lines of `width` columns; an item never breaks across lines."""
    sep = "  "
    rows: list[list[tuple[str, str]]] = [[]]
    used = 0
    for label, value in items:
        if len(label) + 1 + len(value) > width:
            value = shorten(value, width - len(label) - 1)
        size = len(label) + 1 + len(value)
        if rows[-1] and used + len(sep) + size > width:
            if len(rows) == lines:
                break
            rows.append([])
            used = 0
        used += size + (len(sep) if rows[-1] else 0)
        rows[-1].append((label, value))
    text = Text(no_wrap=True, overflow="crop")
    for i, row in enumerate(rows):
        if i:
            text.append("\n")
        for j, (label, value) in enumerate(row):
            if j:
                text.append(sep)
            text.append(label, style="dim")
            text.append(" " + value, style="bold")
    return text


def header_refusal(name: str, value) -> str | None:
    """Why the service would refuse this header value, without changing anything (or None)."""
    from ....services import segments

    try:
        segments.check_header({name: value})
    except SegtuiError as exc:
        return str(exc)
    return None


def field_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return f"{value:.2f}" if value != int(value) else str(int(value))
    if isinstance(value, decimal.Decimal):
        return field_text(float(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)

