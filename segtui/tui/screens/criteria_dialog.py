"""The Add / Reduce / Refine contacts dialog.

One tab per filter source, each field a filter expression checked as it is typed (the error
shows under the field, with its position), the action's options as checkboxes, and a live
count of the contacts that would enter or leave: a dry run of the same service call, debounced
and run in a worker thread so typing never waits for the database.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import get_current_worker

from ...errors import FilterError, SegtuiError
from ..widgets.progress import worker_connection
from ..widgets.tick import Tick
from .segment_dialogs import DIALOG_CSS

if TYPE_CHECKING:  # types only
    from ...services.results import ContactRow

# (tab id, tab title, [(typed field name, label)]). Typed names are what services accept.
SOURCE_TABS = [
    ("contact", "Contact", [
        ("no", "No."), ("type", "Type"), ("name", "Name"), ("company_no", "Company no."),
        ("company_name", "Company name"), ("city", "City"), ("post_code", "Post code"),
        ("country_code", "Country"), ("salesperson_code", "Salesperson"),
        ("territory_code", "Territory"), ("language_code", "Language"),
        ("correspondence_type", "Corresp. type"), ("job_title", "Job title"), ("email", "E-mail"),
    ]),
    ("mailing_group", "Mailing group", [("mailing_group", "Mailing group")]),
    ("industry_group", "Industry group", [("industry_group", "Industry group")]),
    ("business_relation", "Business relation", [("business_relation", "Business relation")]),
    ("job_responsibility", "Job resp.", [("job_responsibility", "Job responsibility")]),
    ("profile", "Profile", [("profile", "Answer (Q.A)")]),
    ("interaction", "Interactions", [
        ("interaction.date", "Date"), ("interaction.template_code", "Template"),
        ("interaction.group_code", "Group"), ("interaction.segment_no", "Segment no."),
        ("interaction.campaign_no", "Campaign no."), ("interaction.evaluation", "Evaluation"),
        ("interaction.salesperson_code", "Salesperson"),
        ("interaction.correspondence_type", "Corresp. type"),
    ]),
]

# Examples shown in empty fields: the language and the values each field takes.
PLACEHOLDERS = {
    "no": "CT000001..CT000100", "type": "company | person", "name": "@*gmbh*", "company_no": "CT000001",
    "company_name": "@nord*", "city": "@ber*|LONDON", "post_code": "10000..19999", "country_code": "DE|FR",
    "salesperson_code": "JO|KL", "territory_code": "NORTH", "language_code": "DEU|ENU",
    "correspondence_type": "email | hard_copy | ''", "job_title": "@*manager*", "email": "<>''",
    "mailing_group": "FAIR|NEWS", "industry_group": "RETAIL", "business_relation": "CUST",
    "job_responsibility": "PURCHASE", "profile": "CUSTOMER.LARGE|CUSTOMER.MEDIUM", "interaction.date": "2026-01-01..t",
    "interaction.template_code": "LETTER",
    "interaction.group_code": "LETTER", "interaction.segment_no": "SM00001",
    "interaction.campaign_no": "CP1001", "interaction.evaluation": "positive|very_positive",
    "interaction.salesperson_code": "JO", "interaction.correspondence_type": "email",
}

ADD_OPTIONS = [
    ("allow_existing", "Allow existing contacts"),
    ("expand_contact", "Expand contact (whole company)"),
    ("allow_company_with_persons", "Allow company with persons"),
    ("ignore_exclusion", "Ignore exclusion"),
]
REMOVE_OPTIONS = [("entire_companies", "Entire companies")]

TITLES = {"add": "Add contacts", "reduce": "Reduce contacts", "refine": "Refine contacts"}
VERBS = {"add": ("would enter", "would_add"), "reduce": ("would leave", "would_remove"),
         "refine": ("would leave", "would_remove")}

PREVIEW_DELAY_S = 0.35


def field_input_id(typed: str) -> str:
    return "flt-" + typed.replace(".", "--")


def sample_names(sample: list[ContactRow]) -> str:
    """A few names from a dry run's sample of contacts: 'Name (no)', the no alone when nameless."""
    names = [f"{c['name']} ({c['no']})" if c.get("name") and c["name"] != c["no"] else str(c["no"])
             for c in sample[:5]]
    return ", ".join(names)


class CriteriaDialog(ModalScreen[dict | None]):
    """Returns {"action", "filters": [(field, expression)], "options": {...}} or None."""

    SCOPED_CSS = False  # the rules name the dialog class themselves
    DEFAULT_CSS = DIALOG_CSS + """
    CriteriaDialog.segtui-dialog > #dialog {
        width: 100;
        height: 34;
        max-height: 100%;
    }
    CriteriaDialog.segtui-dialog TabbedContent {
        height: 1fr;
    }
    CriteriaDialog.segtui-dialog TabPane {
        padding: 0;
    }
    CriteriaDialog.segtui-dialog VerticalScroll {
        height: 1fr;
    }
    CriteriaDialog.segtui-dialog .field-label {
        width: 20;
    }
    CriteriaDialog.segtui-dialog .field-error {
        padding-left: 20;
    }
    CriteriaDialog.segtui-dialog .field-label {
        padding: 0 1 0 0;
    }
    CriteriaDialog.segtui-dialog .field-row Input.-invalid {
        background: $error 30%;
    }
    CriteriaDialog.segtui-dialog #options {
        height: auto;
        layout: grid;
        grid-size: 2;
        grid-rows: 1;
        margin: 1 0;
    }
    CriteriaDialog.segtui-dialog #preview {
        height: 3;
        border-top: solid $primary;
        color: $text;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="criteria_cancel"),
        Binding("ctrl+s", "apply", "Apply", id="criteria_apply"),
        Binding("f6", "next_tab", "Next source", id="criteria_next_source"),
        Binding("f5", "previous_tab", "Previous source", id="criteria_previous_source"),
        Binding("down", "app.focus_next", "Next field", show=False, id="criteria_next_field"),
        Binding("up", "app.focus_previous", "Previous field", show=False, id="criteria_previous_field"),
    ]

    def __init__(self, segment_no: str, action: str = "add", preview=None) -> None:
        """`preview(segment_no, action, filters, options)` returns the dry run (tests may swap it)."""
        super().__init__(classes="segtui-dialog")
        if action not in TITLES:
            raise ValueError(f"unknown criteria action {action!r}")
        self.segment_no = segment_no
        self.action = action
        self.preview_fn = preview or run_preview
        self._errors: dict[str, str] = {}
        self._timer = None
        self.last_preview: dict | None = None
        self.previewed_filters: list | None = None  # the filters the shown count is for

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = f"{TITLES[self.action]} · {self.segment_no}"
            with TabbedContent(id="sources"):
                for tab_id, title, fields in SOURCE_TABS:
                    with TabPane(title, id=f"tab-{tab_id}"):
                        with VerticalScroll():
                            for typed, label in fields:
                                with Horizontal(classes="field-row"):
                                    yield Label(label, classes="field-label")
                                    yield Input(placeholder=PLACEHOLDERS.get(typed, ""),
                                                id=field_input_id(typed), compact=True)
                                yield Static("", id="err-" + field_input_id(typed), classes="field-error")
            with Vertical(id="options"):
                for name, label in (ADD_OPTIONS if self.action == "add" else REMOVE_OPTIONS):
                    yield Tick(label, False, id=f"opt-{name}", compact=True)
            yield Static("", id="preview")
            with Horizontal(classes="buttons"):
                yield Button(TITLES[self.action].split()[0], id="apply", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        first = SOURCE_TABS[0][2][0][0]
        self.query_one("#" + field_input_id(first), Input).focus()
        self.schedule_preview()

    # --- values ------------------------------------------------------------------------------

    def filters(self) -> list[tuple[str, str]]:
        out = []
        for _tab, _title, fields in SOURCE_TABS:
            for typed, _label in fields:
                value = self.query_one("#" + field_input_id(typed), Input).value
                if value.strip():
                    out.append((typed, value.strip()))
        return out

    def options(self) -> dict:
        return {cb.id[4:]: cb.value for cb in self.query(Checkbox)}

    # --- checking as you type ---------------------------------------------------------------------

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        typed = self._typed_of(event.input)
        if typed is None:
            return
        message = check_one(typed, event.value)
        error = self.query_one("#err-" + event.input.id, Static)
        if message:
            self._errors[typed] = message
            error.update(message)
            error.add_class("-shown")
            event.input.add_class("-invalid")
        else:
            self._errors.pop(typed, None)
            error.remove_class("-shown")
            event.input.remove_class("-invalid")
        self.schedule_preview()

    @on(Checkbox.Changed)
    def _option_changed(self) -> None:
        self.schedule_preview()

    def _typed_of(self, widget) -> str | None:
        wid = widget.id or ""
        if not wid.startswith("flt-"):
            return None
        return wid[4:].replace("--", ".")

    # --- live count ---------------------------------------------------------------------------------

    def schedule_preview(self) -> None:
        """Debounced: the count runs once typing pauses."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_DELAY_S, self._start_preview)

    def _start_preview(self) -> None:
        self._timer = None
        preview = self.query_one("#preview", Static)
        if self._errors:
            preview.update("Fix the filter marked in red to see how many contacts it selects.")
            return
        filters = self.filters()
        if self.action != "add" and not filters:
            preview.update("Type at least one filter: it selects the lines to "
                           + ("remove." if self.action == "reduce" else "keep."))
            return
        preview.update("Counting…")
        self._preview_worker(filters, self.options())

    @work(thread=True, exclusive=True, group="criteria-preview", exit_on_error=False)
    def _preview_worker(self, filters, options) -> None:
        worker = get_current_worker()
        with worker_connection():  # its own connection, closed before the screen hears
            try:
                result = self.preview_fn(self.segment_no, self.action, filters, options)
                error = None
            except SegtuiError as exc:
                result, error = None, str(exc)
            except Exception as exc:  # shown, never fatal: the user may still apply or cancel
                result, error = None, f"could not count: {exc}"
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_preview, result, error, filters)

    def _show_preview(self, result, error, filters=None) -> None:
        self.previewed_filters = filters
        preview = self.query_one("#preview", Static)
        if error:
            preview.update(error)
            return
        self.last_preview = result
        words, key = VERBS[self.action]
        count = result.get(key, result.get("would_add", result.get("would_remove", 0)))
        names = sample_names(result.get("sample", []))
        text = f"{count:,} contact{'s' if count != 1 else ''} {words}"
        if names:
            text += f": {names}" + (" …" if count > 5 else "")
        from ...services.opt_outs import left_out_text

        why = left_out_text(result.get("left_out"))
        if why:
            text += f"\n{why}"
        preview.update(text)

    # --- actions --------------------------------------------------------------------------------------

    def action_apply(self) -> None:
        if self._errors:
            typed, message = next(iter(self._errors.items()))
            self.notify(message, title="Filter refused", severity="error")
            self.query_one("#" + field_input_id(typed), Input).focus()
            return
        filters = self.filters()
        if self.action != "add" and not filters:
            self.notify(f"{TITLES[self.action]} needs at least one filter", severity="error")
            return
        self.dismiss({"action": self.action, "filters": filters, "options": self.options()})

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _switch_tab(self, step: int) -> None:
        tabs = self.query_one("#sources", TabbedContent)
        ids = [f"tab-{t[0]}" for t in SOURCE_TABS]
        index = (ids.index(tabs.active) + step) % len(ids) if tabs.active in ids else 0
        tabs.active = ids[index]
        first = SOURCE_TABS[index][2][0][0]
        self.query_one("#" + field_input_id(first), Input).focus()

    def action_next_tab(self) -> None:
        self._switch_tab(1)

    def action_previous_tab(self) -> None:
        self._switch_tab(-1)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    @on(Button.Pressed, "#apply")
    def _apply_pressed(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)


def check_one(typed: str, expression: str) -> str | None:
    """A user-facing message if the filter cannot be used, else None."""
    if not expression.strip():
        return None
    from ...services.contacts import check_filters

    try:
        check_filters([(typed, expression.strip())])
    except FilterError as exc:
        reason = getattr(exc, "reason", None) or str(exc)
        if exc.position is not None:
            return f"position {exc.position}: {reason}"
        return reason
    except SegtuiError as exc:
        return str(exc)
    return None


def run_preview(segment_no, action, filters, options) -> dict:
    """The dry run of the action the dialog would apply."""
    from ...services import criteria

    if action == "add":
        return criteria.add_contacts(segment_no, filters, dry_run=True, **options)
    fn = criteria.reduce_contacts if action == "reduce" else criteria.refine_contacts
    return fn(segment_no, filters, dry_run=True, **options)
