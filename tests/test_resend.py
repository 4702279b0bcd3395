"""Resend a logged segment (issue 14, point 6): Business Central's choices, entries without a document
skipped, through a real SMTP server on loopback; the screen's F4 as a user presses it."""

import pytest
import tomli_w

from segtui.errors import NotFound, SegtuiError
from segtui.models import Contact, InteractionLogEntry, InteractionTemplate
from segtui.services import logged, resend, segment_log, templates
from segtui.tui.screens.dialogs import FormDialog

from tui_helpers import SIZE_IDS, SIZES, fill_form, make_app, notes, settle, wait_for
from word_helpers import DATA, add_line, make_segment, make_world


def _settings(port, tmp_path):
    return {"smtp": {"host": "127.0.0.1", "port": port, "starttls": False, "user": "", "password_env": "X",
                     "sender": "letters@ourco.example"}, "output_dir": str(tmp_path / "printed")}


@pytest.fixture
def sent(db, server, tmp_path):
    """Logged segment 1, delivered: Eve and Jan by e-mail, Acme on paper, and a call to Eve
    (template without a Word template, no correspondence type)."""
    contacts = make_world()
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    InteractionTemplate.create(code="CALL", interaction_group_code="LETTER", description="Call")
    make_segment()
    add_line("SM00001", contacts["eve"], 10000, correspondence_type="email")
    add_line("SM00001", contacts["jan"], 20000, correspondence_type="email")
    add_line("SM00001", contacts["acme"], 30000)
    add_line("SM00001", contacts["eve"], 40000, correspondence_type="", interaction_template_code="CALL")
    settings = _settings(server.port, tmp_path)
    from segtui.services import delivery

    delivery_load = delivery.config.load
    delivery.config.load = lambda *a, **k: settings
    try:
        result = segment_log.log_segment("SM00001", deliver=True)
    finally:
        delivery.config.load = delivery_load
    assert result["delivered"] == 3
    server.handler.received.clear()
    (tmp_path / "settings.toml").write_text(tomli_w.dumps(settings))
    return settings


def _new_entries():
    e = InteractionLogEntry
    return list(e.select().where(e.resent_from_entry_no.is_null(False)).order_by(e.entry_no))


def test_resend_same_sends_the_documents_as_delivered_and_skips_one_without_a_document(sent, server):
    Contact.update(first_name="Evelyn").where(Contact.no == "CT000003").execute()
    result = resend.resend_logged(1, settings=sent)
    assert [s["entry_no"] for s in result["skipped"]] == [4] and "no correspondence type" in result["skipped"][0][
        "reason"]
    new = _new_entries()
    assert [(e.resent_from_entry_no, e.correspondence_type) for e in new] == [(1, "email"), (2, "email"),
                                                                           (3, "hard_copy")]
    assert all(e.description.startswith("Resend: ") and e.delivery_status == "" for e in new)
    assert result["delivered"] == 3 and result["errors"] == 0
    bodies = {str(m["To"]): m.get_body(("plain",)).get_content() for m in server.handler.received}
    assert "Dear Eve," in bodies["eve@example.org"]  # as it was delivered, not merged again


def test_resend_with_update_merge_fields_merges_today_s_data(sent, server):
    Contact.update(first_name="Evelyn").where(Contact.no == "CT000003").execute()
    resend.resend_logged(1, correspondence_type="email", update_merge_fields=True, settings=sent)
    bodies = {str(m["To"]): m.get_body(("plain",)).get_content() for m in server.handler.received}
    assert "Dear Evelyn," in bodies["eve@example.org"]
    assert sorted(bodies) == ["eve@example.org", "jan@acme.example", "office@acme.example"]


def test_an_entry_without_a_document_is_skipped(sent, server):
    # The call entry gets a correspondence type, but nothing was delivered and CALL has no Word template.
    result = resend.resend_logged(1, correspondence_type="hard_copy", settings=sent)
    skipped = {s["entry_no"]: s["reason"] for s in result["skipped"]}
    assert list(skipped) == [4] and skipped[4].startswith("no document")
    assert len(_new_entries()) == 3


def test_canceled_entries_are_skipped_and_a_canceled_logged_segment_is_refused(sent, server):
    InteractionLogEntry.update(canceled=True).where(InteractionLogEntry.entry_no == 2).execute()
    result = resend.resend_logged(1, settings=sent)
    assert {s["entry_no"]: s["reason"] for s in result["skipped"]}[2] == "canceled"
    logged.toggle_canceled([1])
    with pytest.raises(SegtuiError, match="canceled: restore it"):
        resend.resend_logged(1, settings=sent)
    with pytest.raises(NotFound):
        resend.resend_logged(99, settings=sent)


def test_bad_settings_refuse_the_resend_and_create_nothing(sent, server):
    with pytest.raises(SegtuiError, match="smtp.port"):
        resend.resend_logged(1, settings={"smtp": {"port": "abc"}})
    assert _new_entries() == [] and server.handler.received == []


def test_the_command_line_resends_with_the_choices(sent, server, run_cli):
    code, out, err = run_cli("logged", "resend", "1", "--correspondence-type", "email", "--update-merge-fields")
    assert code == 0, err
    assert len(out["entries"]) == 3 and out["delivered"] == 3 and out["skipped"][0]["entry_no"] == 4
    code, out, err = run_cli("logged", "resend", "1", "--correspondence-type", "fax", json_out=False)
    assert code == 2 and "fax" in err


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_f4_on_logged_segments_resends_as_email(sent, server, db_path, size):
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("g")
        await settle(pilot)
        await fill_form(pilot, "f4", dialog=FormDialog)
        await wait_for(pilot, lambda: any("resent 3 entries" in note for note in notes(app)), timeout=30)
    assert len(_new_entries()) == 3 and len(server.handler.received) == 2
