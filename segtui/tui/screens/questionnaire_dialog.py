"""A profile questionnaire's questions and the answers each allows, edited from the Setup screen
(F5 on the Questionnaires list): one row per question, its answers indented below it.

ctrl+n adds a question, a adds an answer to the question under the cursor, Enter or F2 edits
the row, Delete deletes it (a question with its answers; refused while a contact gave one).
The services (services.profiles) check everything; a refusal stays in the form or is shown.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from ...errors import SegtuiError
from .dialogs import DIALOG_CSS, ConfirmDialog, Field, FormDialog


class QuestionnaireDialog(ModalScreen[None]):
    DEFAULT_CSS = DIALOG_CSS % {"name": "QuestionnaireDialog"} + """
    QuestionnaireDialog > #box { width: 96; }
    QuestionnaireDialog DataTable { height: auto; max-height: 24; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="close_questions"),
        Binding("ctrl+n", "new_question", "New question", id="new_question"),
        Binding("a", "new_answer", "New answer", id="new_answer"),
        Binding("f2", "edit_row", "Edit", id="edit_question_row"),
        Binding("delete", "delete_row", "Delete", id="delete_question_row"),
    ]

    def __init__(self, questionnaire: str) -> None:
        super().__init__()
        self.questionnaire = questionnaire
        self.contents: dict = {}

    def compose(self) -> ComposeResult:
        box = Vertical(id="box")
        box.border_title = f"Questionnaire {self.questionnaire}"
        with box:
            yield DataTable(id="questions", cursor_type="row", zebra_stripes=True)
            yield Static("ctrl+n new question   a new answer   Enter/F2 edit   Delete delete   Esc closes",
                         classes="note")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Question", key="question")
        table.add_column("Answer", key="answer")
        table.add_column("Description", key="description")
        self.reload()
        table.focus()

    def reload(self, select: str | None = None) -> None:
        from ...services import profiles

        self.contents = profiles.questionnaire_tree(self.questionnaire)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        keys = []
        for q in self.contents["questions"]:
            key = f"q:{q['question_no']}"
            table.add_row(str(q["question_no"]), "", q["description"], key=key)
            keys.append(key)
            for a in q["answers"]:
                key = f"a:{q['question_no']}:{a['code']}"
                table.add_row("", a["code"], a["description"], key=key)
                keys.append(key)
        if keys:
            table.move_cursor(row=keys.index(select) if select in keys else min(row, len(keys) - 1))

    def current(self) -> list[str] | None:
        """['q', NO] or ['a', NO, CODE] of the row under the cursor; None on an empty list."""
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key((table.cursor_row, 0))
        return row_key.value.split(":")

    def _question(self, number: int) -> dict:
        return next((q for q in self.contents["questions"] if q["question_no"] == number), {})

    def _form(self, heading: str, fields: list[Field], save, select) -> None:
        chosen: dict = {}

        def run(values) -> None:
            chosen["key"] = save(values)

        def done(values) -> None:
            if values is not None:
                self.reload(select=chosen.get("key") or select)
                self.notify(f"{heading}: saved", timeout=2)

        self.app.push_screen(FormDialog(heading, fields, save=run), done)

    # --- actions -------------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_row()

    def action_new_question(self) -> None:
        from ...services import profiles

        numbers = [q["question_no"] for q in self.contents.get("questions", [])]
        following = max(numbers, default=0) + 1

        def save(values):
            profiles.set_question(self.questionnaire, values["question_no"], values["description"])
            return f"q:{int(str(values['question_no']).strip())}"

        self._form(f"{self.questionnaire}: new question",
                   [Field("question_no", "Question no.", str(following)), Field("description", "Question")],
                   save, None)

    def action_new_answer(self) -> None:
        from ...services import profiles

        at = self.current()
        if at is None:
            self.notify("Add a question first (ctrl+n)", severity="warning")
            return
        number = int(at[1])

        def save(values):
            profiles.set_answer(self.questionnaire, values["code"], number, values["description"])
            return f"a:{number}:{values['code'].strip().upper()}"

        question = self._question(number).get("description", "")
        self._form(f"{self.questionnaire}: new answer to question {number} ({question})",
                   [Field("code", "Answer code"), Field("description", "Answer")], save, None)

    def action_edit_row(self) -> None:
        from ...services import profiles

        at = self.current()
        if at is None:
            self.action_new_question()
            return
        number = int(at[1])
        question = self._question(number)
        if at[0] == "q":
            def save(values):
                profiles.set_question(self.questionnaire, number, values["description"])

            self._form(f"{self.questionnaire}: question {number}",
                       [Field("question_no", "Question no.", str(number), readonly=True),
                        Field("description", "Question", question.get("description", ""))],
                       save, f"q:{number}")
            return
        code = at[2]
        answer = next((a for a in question.get("answers", []) if a["code"] == code), {})

        def save_answer(values):
            profiles.set_answer(self.questionnaire, code, number, values["description"])

        self._form(f"{self.questionnaire}: answer {code} to question {number}",
                   [Field("code", "Answer code", code, readonly=True),
                    Field("description", "Answer", answer.get("description", ""))],
                   save_answer, f"a:{number}:{code}")

    def action_delete_row(self) -> None:
        from ...services import profiles

        at = self.current()
        if at is None:
            return
        number = int(at[1])
        if at[0] == "q":
            what = f"question {number} and its answers"

            def delete() -> None:
                profiles.delete_question(self.questionnaire, number)
        else:
            what = f"answer {at[2]}"

            def delete() -> None:
                profiles.delete_answer(self.questionnaire, at[2])

        def answer(yes) -> None:
            if not yes:
                return
            try:
                delete()
            except SegtuiError as exc:
                self.notify(str(exc), severity="error", title="Delete")
                return
            self.reload()
            self.notify(f"{what.capitalize()} deleted", timeout=2)

        self.app.push_screen(ConfirmDialog("Delete", f"Delete {what}?", yes="Delete"), answer)
