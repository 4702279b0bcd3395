"""The contact card: its fields (F2 edits them in place, ctrl+s saves), a groups tab with its
profile answers and opt-outs (ctrl+n adds, Delete removes) and its interactions (F9 records a
new one); and the dialogs the contacts list shares with it: a new contact, Create Interaction."""
from __future__ import annotations

import datetime as dt

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static, TabbedContent, TabPane

from ...errors import SegtuiError
from ...labels import BLANK, field_label
from ...labels import label as choice_words
from ...labels import CONTACT_TYPES, CORRESPONDENCE_TYPES, EVALUATIONS
from ..widgets.tick import Tick
from .dialogs import ConfirmDialog, Field, FormDialog

CARD_FIELDS = [
    ("no", "No."), ("type", "Type"), ("name", "Name"), ("company_no", "Company no."),
    ("company_name", "Company"), ("job_title", "Job title"), ("address", "Address"),
    ("address_2", "Address 2"), ("post_code", "Post code"), ("city", "City"), ("county", "County"),
    ("country_code", "Country"), ("phone", "Phone"), ("mobile", "Mobile"), ("email", "E-mail"),
    ("language_code", "Language"), ("salesperson_code", "Salesperson"), ("territory_code", "Territory"),
    ("correspondence_type", "Corresp. type"), ("exclude_from_segment", "Excluded from segments"),
]
GROUPS = [("mailing_groups", "Mailing groups"), ("industry_groups", "Industry groups"),
          ("business_relations", "Business relations"), ("job_responsibilities", "Job responsibilities")]
# What F2 lets the user change (the company's name follows its number; the number is the key).
EDITABLE = [(key, label) for key, label in CARD_FIELDS if key not in ("no", "company_name")]
CHOICES = {"type": CONTACT_TYPES, "correspondence_type": CORRESPONDENCE_TYPES}
INTERACTION_COLUMNS = (("entry_no", "Entry", 6), ("date", "Date", 10), ("interaction_template_code", "Template", 9),
                       ("description", "Description", 28), ("correspondence_type", "Corresp.", 9),
                       ("evaluation", "Evaluation", 12), ("segment_no", "Segment", 8), ("canceled", "Canceled", 8))


def _value(value, key: str = "") -> str:
    """A card value as shown: yes or no, a stored choice in words (hard_copy -> Hard copy)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return field_label(key, value)


def _choice_label(value: str) -> str:
    """A stored choice's words in a menu (the blank choice named)."""
    for choice in ("correspondence_type", "contact_type", "evaluation"):
        words = choice_words(choice, value)
        if words != value:
            return words or BLANK
    return value or BLANK


class ContactCard(ModalScreen[bool]):
    """A contact with its groups and its interactions; dismissed with True when it changed."""

    DEFAULT_CSS = """
    ContactCard { align: center middle; }
    ContactCard > #card {
        width: 110; max-width: 98%; height: 90%;
        border: round $accent; border-title-color: $accent; background: $panel; padding: 0 1;
    }
    ContactCard #card-tabs { height: auto; }
    ContactCard #card-groups { height: auto; max-height: 10; }
    ContactCard .card-label { color: $text-muted; }
    ContactCard #card-fields { height: auto; }
    ContactCard #card-form { display: none; height: auto; grid-size: 4; grid-columns: 13 1fr 13 1fr;
        grid-rows: 1; grid-gutter: 0 1; }
    ContactCard.-editing #card-form { display: block; }
    ContactCard.-editing #card-fields { display: none; }
    ContactCard #card-form Label { color: $text-muted; }
    ContactCard #card-error { color: $error; height: auto; }
    /* At 80x24 the table has three rows: a horizontal scrollbar took the one under the header,
       and a contact with interactions showed none. Left and Right still scroll it. */
    ContactCard #card-interactions { height: 1fr; scrollbar-size-horizontal: 0; }
    ContactCard .card-note { color: $text-muted; height: 1; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="close_card"),
        Binding("f2", "edit", "Edit", id="edit_contact"),
        Binding("ctrl+g", "groups", "Groups", id="card_groups"),
        Binding("ctrl+s", "save", "Save", id="save_contact", priority=True),
        Binding("ctrl+n", "add_group", "Add group", id="add_group"),
        Binding("delete", "remove_group", "Remove group", id="remove_group"),
        Binding("f9", "new_interaction", "Interaction", id="new_interaction_card"),
    ]

    def __init__(self, card: dict) -> None:
        super().__init__()
        self.card = card
        self.changed = False

    @property
    def editing(self) -> bool:
        return self.has_class("-editing")

    def compose(self) -> ComposeResult:
        box = Vertical(id="card")
        box.border_title = self._title()
        with box:
            with TabbedContent(id="card-tabs"):
                with TabPane("General", id="tab-general"):
                    yield Static(self._fields_grid(), id="card-fields")
                    with Grid(id="card-form"):
                        for key, label in EDITABLE:
                            yield Label(label)
                            yield self._editor(key)
                    yield Static("", id="card-error")
                with TabPane("Groups", id="tab-groups"):
                    yield DataTable(id="card-groups", cursor_type="row", zebra_stripes=True)
                    yield Static("ctrl+n adds a group, profile answer or opt-out, Delete removes the highlighted "
                                 "one; industry groups and business relations belong to the company",
                                 classes="card-note")
            yield Label(self._interactions_label(), classes="card-label", id="card-interactions-label")
            yield DataTable(id="card-interactions", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def _title(self) -> str:
        return f"Contact {self.card['no']}  {self.card.get('name', '')}"

    def _interactions_label(self) -> str:
        count = len(self.card.get("interactions") or [])
        return f"Interactions ({count}{'+' if count >= 50 else ''})   F9 records a new one"

    def _fields_grid(self) -> Table:
        card = self.card
        fields = Table.grid(padding=(0, 2), expand=True)
        fields.add_column(style="dim", no_wrap=True)
        fields.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        fields.add_column(style="dim", no_wrap=True)
        fields.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        pairs = [(label, _value(card.get(key), key)) for key, label in CARD_FIELDS]
        pairs += [(label, ", ".join(card.get(key) or []) or "–") for key, label in GROUPS]
        pairs.append(("Profile", ", ".join(a["key"] for a in card.get("profile") or []) or "–"))
        opted = [f"{o['channel']} {o['date']}" + (f" {o['reason']}" if o["reason"] else "")
                 for o in card.get("opt_outs") or []]
        pairs.append(("Opted out of", ", ".join(opted) or "–"))
        half = (len(pairs) + 1) // 2
        for left, right in zip(pairs[:half], pairs[half:] + [("", "")]):
            fields.add_row(left[0], left[1], right[0], right[1])
        return fields

    def _editor(self, key: str):
        value = self.card.get(key)
        if key in CHOICES:
            return Select([(_choice_label(v), v) for v in CHOICES[key]], value=value or "", allow_blank=False,
                          id=f"e-{key}", compact=True)
        if key == "exclude_from_segment":
            return Tick("", bool(value), id=f"e-{key}", compact=True)
        return Input(self._shown(key), id=f"e-{key}", compact=True)

    def _shown(self, key: str) -> str:
        if key == "company_no" and self.card.get("type") == "company":
            return ""  # a company's own number there is bookkeeping
        return _value(self.card.get(key))

    def on_mount(self) -> None:
        table = self.query_one("#card-interactions", DataTable)
        for key, label, width in INTERACTION_COLUMNS:
            table.add_column(label, key=key, width=width)
        groups = self.query_one("#card-groups", DataTable)
        for key, label in (("kind", "Kind"), ("code", "Code"), ("description", "Description"), ("via", "Held by")):
            groups.add_column(label, key=key)
        self._fill()
        self._error("")
        table.focus()

    def _fill(self) -> None:
        table = self.query_one("#card-interactions", DataTable)
        table.clear()
        for entry in self.card.get("interactions") or []:
            table.add_row(*(_value(entry.get(k), k) if k != "canceled" else ("yes" if entry.get(k) else "")
                            for k, _l, _w in INTERACTION_COLUMNS))
        self._fill_groups()

    def _fill_groups(self) -> None:
        from ...services import contact_edit

        table = self.query_one("#card-groups", DataTable)
        table.clear()
        card = self.card
        for name, kind in contact_edit.GROUP_KINDS.items():
            descriptions = contact_edit.group_descriptions(name)
            via = card["company_no"] if kind.companies and card["type"] == "person" else ""
            for code in card.get(kind.plural) or []:
                table.add_row(kind.label.capitalize(), code, descriptions.get(code, ""),
                              f"company {via}" if via else "", key=f"{name}|{code}")
        for answer in card.get("profile") or []:
            table.add_row("Profile answer", answer["key"], f"{answer['question']}: {answer['description']}", "",
                          key=f"profile|{answer['key']}")
        for opted in card.get("opt_outs") or []:
            table.add_row("Opt-out", opted["channel"], f"{opted['date']} {opted['reason']}".strip(), "",
                          key=f"opt-out|{opted['channel']}")

    def refresh_card(self) -> None:
        from ...services import contacts

        self.card = contacts.contact_card(self.card["no"])
        self.changed = True
        self.query_one("#card-fields", Static).update(self._fields_grid())
        self.query_one("#card", Vertical).border_title = self._title()
        self.query_one("#card-interactions-label", Label).update(self._interactions_label())
        self._fill()

    def _tab(self) -> str:
        return self.query_one(TabbedContent).active or "tab-general"

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "save":
            return self.editing
        if action in ("add_group", "remove_group"):
            return self._tab() == "tab-groups" and not self.editing
        if action == "groups":
            return not self.editing
        return True

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    def action_groups(self) -> None:
        """Switch between the fields and the groups tab."""
        tabs = self.query_one(TabbedContent)
        tabs.active = "tab-general" if tabs.active == "tab-groups" else "tab-groups"
        if tabs.active == "tab-groups":
            self.query_one("#card-groups", DataTable).focus()

    # --- fields, edited in place --------------------------------------------------------------------------

    def action_edit(self) -> None:
        self.query_one(TabbedContent).active = "tab-general"
        self.add_class("-editing")
        self._error("")
        self.query_one("#e-name", Input).focus()
        self.refresh_bindings()

    def _error(self, text: str) -> None:
        error = self.query_one("#card-error", Static)
        error.update(text)
        error.display = bool(text)

    def _edited(self) -> dict:
        """The fields the user changed, as the service takes them."""
        changes = {}
        for key, _label in EDITABLE:
            value = self.query_one(f"#e-{key}").value
            old = self.card.get(key)
            if key == "company_no" and self.card.get("type") == "company":
                old = ""
            if isinstance(old, bool) or key == "exclude_from_segment":
                if bool(value) != bool(old):
                    changes[key] = "yes" if value else "no"
            elif str(value or "") != _value(old):
                changes[key] = value or ""
        return changes

    def action_save(self) -> None:
        from ...services import contact_edit

        changes = self._edited()
        if changes:
            try:
                _contact, warnings = contact_edit.set_contact(self.card["no"], changes,
                                                              expected_version=self.card.get("version"))
            except SegtuiError as exc:
                self._error(str(exc))
                return
            for text in warnings:
                self.notify(text, severity="warning", title="Possible duplicate")
            self.refresh_card()
            self.notify(f"Contact {self.card['no']} saved", timeout=2)
        self._leave_editing()

    def _leave_editing(self) -> None:
        self.remove_class("-editing")
        for key, _label in EDITABLE:  # back to the card's values: the next F2 starts from them
            widget = self.query_one(f"#e-{key}")
            if key in CHOICES:
                widget.value = self.card.get(key) or ""
            elif key == "exclude_from_segment":
                widget.value = bool(self.card.get(key))
            else:
                widget.value = self._shown(key)
        self._error("")
        self.query_one("#card-interactions", DataTable).focus()
        self.refresh_bindings()

    def action_close(self) -> None:
        if self.editing:
            self._leave_editing()  # Esc while editing forgets the edits, keeps the card open
            return
        self.dismiss(self.changed)

    # --- groups -------------------------------------------------------------------------------------------

    def _give(self, kind: str, code: str, reason: str = "") -> None:
        """Add a group, a profile answer (code QUESTIONNAIRE.ANSWER) or an opt-out (code = channel)."""
        from ...services import contact_edit, opt_outs, profiles

        no = self.card["no"]
        if kind == "profile":
            questionnaire, _dot, answer = code.partition(".")
            profiles.answer(no, questionnaire, answer)
        elif kind == "opt-out":
            opt_outs.opt_out(no, code, reason=reason)
        else:
            contact_edit.link(no, kind, code)

    def _take(self, kind: str, code: str) -> None:
        from ...services import contact_edit, opt_outs, profiles

        no = self.card["no"]
        if kind == "profile":
            questionnaire, _dot, answer = code.partition(".")
            profiles.remove_answer(no, questionnaire, answer)
        elif kind == "opt-out":
            opt_outs.opt_in(no, code)
        else:
            contact_edit.unlink(no, kind, code)

    def action_add_group(self) -> None:
        from ...services import contact_edit

        no = self.card["no"]
        kinds = [(name, kind.label.capitalize()) for name, kind in contact_edit.GROUP_KINDS.items()]
        kinds += [("profile", "Profile answer"), ("opt-out", "Opt-out")]
        fields = [Field("kind", "Kind", kinds[0][0], kind="choice", choices=kinds),
                  Field("code", "Code", "", placeholder="a code; QUESTIONNAIRE.ANSWER; email, letter or phone"),
                  Field("reason", "Reason (opt-out)", "", placeholder="unsubscribed, returned mail, ...")]

        def save(values) -> None:
            self._give(values["kind"], values["code"], values.get("reason", ""))

        def done(values) -> None:
            if values is not None:
                self.refresh_card()
                self.notify(f"{values['code'].upper()} added", timeout=2)

        self.app.push_screen(FormDialog(f"Add to {no}", fields, save=save), done)

    def action_remove_group(self) -> None:
        table = self.query_one("#card-groups", DataTable)
        if table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key((table.cursor_row, 0))
        kind, code = row_key.value.split("|", 1)

        def answer(yes) -> None:
            if not yes:
                return
            try:
                self._take(kind, code)
            except SegtuiError as exc:
                self.notify(str(exc), severity="error", title="Remove")
                return
            self.refresh_card()

        self.app.push_screen(ConfirmDialog("Remove", f"Take {code} from {self.card['no']}?", yes="Remove"),
                             answer)

    # --- interactions -------------------------------------------------------------------------------------

    def action_new_interaction(self) -> None:
        def done(entry) -> None:
            if entry is not None:
                self.refresh_card()

        open_interaction_dialog(self, self.card["no"], done)


# --- dialogs the card and the contacts list share ---------------------------------------------------------

def open_interaction_dialog(screen, contact_no: str, done) -> None:
    """Create Interaction for one contact; `done(entry)` gets the new entry (None on Esc)."""
    from ...services import interaction_entry

    templates = [(c, f"{c}  {d}") for c, d in interaction_entry.template_choices()]
    if not templates:
        screen.notify("There is no interaction template yet: F7 sets them up", severity="warning")
        return
    corres = [("", "(the template's or the contact's)")] + [(v, _choice_label(v)) for v in CORRESPONDENCE_TYPES if v]
    fields = [
        Field("template", "Template", templates[0][0], kind="choice", choices=templates),
        Field("description", "Description", placeholder="the template's description"),
        Field("date", "Date", dt.date.today().isoformat(), placeholder="YYYY-MM-DD"),
        Field("time", "Time", placeholder="HH:MM (now)"),
        Field("salesperson", "Salesperson", placeholder="the contact's"),
        Field("correspondence_type", "Corresp. type", "", kind="choice", choices=corres),
        Field("cost", "Cost", placeholder="the template's"),
        Field("duration", "Duration (min)", placeholder="the template's"),
        Field("evaluation", "Evaluation", "", kind="choice", choices=[(v, _choice_label(v)) for v in EVALUATIONS]),
        Field("attempt_failed", "Attempt failed", False, kind="bool"),
        Field("campaign", "Campaign", placeholder="the template's"),
        Field("campaign_target", "Campaign target", False, kind="bool"),
        Field("campaign_response", "Campaign response", False, kind="bool"),
        Field("deliver", "Merge and deliver", False, kind="bool"),
    ]
    made = {}

    def save(values) -> None:
        given = {k: v for k, v in values.items() if k not in ("template", "deliver") and v not in ("", False, None)}
        made["entry"] = interaction_entry.new_interaction(contact_no, values["template"], given,
                                                          deliver=bool(values["deliver"]))

    def closed(values) -> None:
        entry = made.get("entry")
        if values is not None and entry:
            extra = ""
            if "delivered" in entry:
                extra = f"; delivered {entry['delivered']}, errors {entry['errors']}"
            screen.notify(f"Interaction log entry {entry['entry_no']} recorded{extra}", timeout=3)
        done(entry if values is not None else None)

    screen.app.push_screen(FormDialog(f"Create interaction with {contact_no}", fields, save=save,
                                      note="ctrl+s records it   Esc cancels   blank fields take the defaults"),
                           closed)


NEW_CONTACT_FIELDS = [("type", "Type"), ("name", "Name"), ("first_name", "First name"), ("surname", "Surname"),
                      ("company_no", "Company no."), ("job_title", "Job title"), ("email", "E-mail"),
                      ("phone", "Phone"), ("mobile", "Mobile"), ("address", "Address"), ("post_code", "Post code"),
                      ("city", "City"), ("country_code", "Country"), ("salesperson_code", "Salesperson"),
                      ("language_code", "Language"), ("correspondence_type", "Corresp. type")]


def open_new_contact_dialog(screen, done) -> None:
    """A new contact; `done(contact)` gets it (None on Esc). Likely duplicates are told after saving."""
    from ...services import contact_edit

    fields = []
    for key, label in NEW_CONTACT_FIELDS:
        if key in CHOICES:
            values = CHOICES[key]
            fields.append(Field(key, label, "person" if key == "type" else "", kind="choice",
                                choices=[(v, _choice_label(v)) for v in values]))
        else:
            fields.append(Field(key, label, placeholder="a company's no., for a person" if key == "company_no"
                                else ""))
    made = {}

    def save(values) -> None:
        made["contact"], made["warnings"] = contact_edit.new_contact({k: v for k, v in values.items() if v != ""})

    def closed(values) -> None:
        contact = made.get("contact") if values is not None else None
        if contact:
            screen.notify(f"Contact {contact['no']} created", timeout=2)
            for text in made.get("warnings") or []:
                screen.notify(text, severity="warning", title="Possible duplicate", timeout=8)
        done(contact)

    screen.app.push_screen(FormDialog("New contact", fields, save=save), closed)
