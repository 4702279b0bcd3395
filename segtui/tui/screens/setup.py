"""Setup (F7): interaction templates (with their Word template and its field mapping),
salespeople, interaction groups, mailing groups, campaigns, industry groups, business relations,
job responsibilities, languages and profile questionnaires: list, new, edit, delete; F5 on a
questionnaire opens its questions and answers (questionnaire_dialog)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from ...errors import SegtuiError
from ...labels import FIELDS, field_label, options
from ..widgets.keybar import KeyBar, AppKeys, refresh_app_keys
from ..widgets.message_line import MessageLine, show_latest
from .dialogs import ConfirmDialog, Field, FormDialog

TABS = [("template", "1 Templates"), ("salesperson", "2 Salespeople"), ("group", "3 Interaction groups"),
        ("mailing_group", "4 Mailing groups"), ("campaign", "5 Campaigns"),
        ("industry_group", "6 Industry groups"), ("business_relation", "7 Business relations"),
        ("job_responsibility", "8 Job responsibilities"), ("language", "9 Languages"),
        ("questionnaire", "0 Questionnaires")]


def shown(value, name: str = "") -> str:
    """A setup value as a cell shows it: choices in words, yes for a ticked box, money with decimals."""
    if name in FIELDS:
        return field_label(name, value)
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return "" if value is None else str(value)


class SetupScreen(Screen):
    HELP_TITLE = "Setup"
    DEFAULT_CSS = """
    SetupScreen #setup-tabs { height: 1fr; }
    SetupScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("f2", "edit", "Edit", id="edit_setup"),
        Binding("ctrl+n", "new", "New", id="new_setup"),
        Binding("delete", "delete", "Delete", id="delete_setup"),
        Binding("f3", "attach_word", "Word template", id="attach_word"),
        Binding("f4", "map_fields", "Field mapping", id="map_fields"),
        Binding("f5", "questions", "Questions", id="questionnaire_questions"),
        Binding("ctrl+r", "reload", "Reload", id="reload", show=False),
        *(Binding(str((i + 1) % 10), f"show_tab('{kind}')", f"List {i + 1}", show=False, id=f"setup_tab_{i + 1}")
          for i, (kind, _label) in enumerate(TABS)),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="setup-tabs"):
            for kind, label in TABS:
                with TabPane(label, id=f"tab-{kind}"):
                    yield DataTable(id=f"table-{kind}", cursor_type="row", zebra_stripes=True)
        yield MessageLine(id="message")
        with Horizontal(id="status-row"):
            yield Static("0-9 switch lists   Enter or F2 edits", classes="status-line", id="status")
            yield AppKeys(id="app-keys")
        yield KeyBar(id="keys")  # whole keys only, fitted to the width; F1 lists them all

    def on_screen_resume(self) -> None:
        refresh_app_keys(self)
        show_latest(self)

    def on_mount(self) -> None:
        self.sub_title = "Setup"
        self.reload()
        self.table().focus()

    # --- data -------------------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        active = self.query_one(TabbedContent).active or "tab-template"
        return active.removeprefix("tab-")

    def table(self, kind: str | None = None) -> DataTable:
        return self.query_one(f"#table-{kind or self.kind}", DataTable)

    def reload(self) -> None:
        from ...services import setup

        for kind, _label in TABS:
            table = self.table(kind)
            row = table.cursor_row
            table.clear(columns=True)
            specs = setup.fields(kind)
            for name, label, _typ in specs:
                table.add_column(label, key=name)
            if kind == "template":
                table.add_column("Word templates", key="word_templates")
            try:
                records = setup.list_records(kind)
            except SegtuiError as exc:
                self.notify(str(exc), severity="error")
                continue
            key = specs[0][0]
            for record in records:
                cells = [shown(record.get(name), name) for name, _l, _t in specs]
                if kind == "template":
                    cells.append(record.get("word_templates", ""))
                table.add_row(*cells, key=str(record[key]))
            if records:
                table.move_cursor(row=min(row, len(records) - 1))

    def action_reload(self) -> None:
        self.reload()

    def action_show_tab(self, kind: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{kind}"
        self.table(kind).focus()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters) -> bool | None:
        if action in ("attach_word", "map_fields") and self.kind != "template":
            return False
        if action == "questions" and self.kind != "questionnaire":
            return False
        return True

    def current_key(self) -> str | None:
        table = self.table()
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key((table.cursor_row, 0))
        return row_key.value

    # --- editing ---------------------------------------------------------------------------------------------

    def _form_fields(self, kind: str, record: dict | None) -> list[Field]:
        from ...services import setup

        out = []
        for i, (name, label, typ) in enumerate(setup.fields(kind)):
            value = (record or {}).get(name, "")
            if typ == "bool":
                out.append(Field(name, label, bool(value), kind="bool"))
            elif typ.startswith("choice:"):
                out.append(Field(name, label, value or "", kind="choice", choices=options(typ.split(":", 1)[1])))
            else:
                if isinstance(value, float):
                    value = f"{value:.2f}"
                out.append(Field(name, label, value or "", readonly=(i == 0 and record is not None),
                                 placeholder="YYYY-MM-DD" if typ == "date" else ""))
        return out

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_new(self) -> None:
        self._edit(None)

    def action_edit(self) -> None:
        key = self.current_key()
        if key is None:
            self.action_new()
            return
        self._edit(key)

    def _edit(self, key: str | None) -> None:
        from ...services import setup

        kind = self.kind
        record = None
        if key is not None:
            try:
                record = setup.get_record(kind, key)
            except SegtuiError as exc:
                self.notify(str(exc), severity="error")
                return
        title = dict(TABS)[kind].split(" ", 1)[1]

        def save(values) -> None:
            if record is not None:
                values = {**values, setup.fields(kind)[0][0]: key}
            setup.save_record(kind, values, new=record is None)

        def done(values) -> None:
            if values is not None:
                self.reload()
                self.notify(f"{title}: saved", timeout=2)

        heading = f"{title}: {key}" if key else f"{title}: new"
        self.app.push_screen(FormDialog(heading, self._form_fields(kind, record), save=save), done)

    def action_delete(self) -> None:
        from ...services import setup

        key = self.current_key()
        if key is None:
            return
        kind = self.kind

        def answer(yes) -> None:
            if not yes:
                return
            try:
                setup.delete_record(kind, key)
            except SegtuiError as exc:
                self.notify(str(exc), severity="error", title="Delete")
                return
            self.reload()
            self.notify(f"{key} deleted", timeout=2)

        self.app.push_screen(ConfirmDialog("Delete", f"Delete {key}?", yes="Delete"), answer)

    # --- questionnaire: its questions and answers ------------------------------------------------

    def action_questions(self) -> None:
        from .questionnaire_dialog import QuestionnaireDialog

        key = self.current_key()
        if key is None or self.kind != "questionnaire":
            if self.kind == "questionnaire":
                self.notify("Make a questionnaire first (ctrl+n)", severity="warning")
            return
        self.app.push_screen(QuestionnaireDialog(key), lambda _result: self.reload())

    # --- Word template -----------------------------------------------------------------------------------------

    def action_attach_word(self) -> None:
        from ...services import templates

        key = self.current_key()
        if key is None or self.kind != "template":
            return
        report = {}

        def save(values) -> None:
            report.update(templates.attach(key, values["path"].strip(),
                                           language_code=values.get("language_code", "").strip()))

        def done(values) -> None:
            if values is None:
                return
            self.reload()
            unknown = report.get("unknown_fields") or []
            text = f"Word template attached to {key}: {len(report.get('fields') or [])} merge fields"
            notes = "".join(f". Note: {note}" for note in report.get("notes") or [])
            if unknown:
                self.notify(text + f"; unknown: {', '.join(unknown)}. F4 maps them{notes}", severity="warning",
                            title="Word template")
            else:
                self.notify(text + notes, title="Word template",
                            severity="warning" if report.get("unsupported_fields") else "information")

        self.app.push_screen(FormDialog(f"Word template of {key}", [
            Field("path", "File (.docx)", placeholder="path to a Word file with merge fields"),
            Field("language_code", "Language", placeholder="blank = every language"),
        ], save=save), done)

    def action_map_fields(self) -> None:
        from ...services import templates

        key = self.current_key()
        if key is None or self.kind != "template":
            return

        def ask_language(language: str) -> None:
            try:
                report = templates.template_fields(key, language_code=language)
            except SegtuiError as exc:
                self.notify(str(exc), severity="error", title="Field mapping")
                return
            mapping = report.get("mapping") or {}
            fields = report.get("fields") or []
            if not fields:
                self.notify(f"The Word template of {key} has no merge fields", title="Field mapping")
                return
            form = [Field(f"m{i}", name, mapping.get(name, ""),
                          placeholder="known" if templates.resolve(name, {}) else "unknown: type a known field")
                    for i, name in enumerate(fields)]

            def save(values) -> None:
                changed = {fields[int(k[1:])]: v.strip() for k, v in values.items()
                           if v.strip() != mapping.get(fields[int(k[1:])], "")}
                if changed:
                    templates.map_fields(key, changed, language_code=language)

            def done(values) -> None:
                if values is not None:
                    self.notify(f"Field mapping of {key} saved", title="Field mapping")

            self.app.push_screen(FormDialog(
                f"Merge fields of {key} ({report.get('file_name', '')})", form, save=save,
                note="Each merge field → a field segtui knows (contact_name, contact_city, salesperson_name, "
                     "date…); blank = use its own name   ctrl+s saves"), done)

        ask_language("")
