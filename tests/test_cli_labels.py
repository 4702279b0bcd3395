"""The command line's tables show stored choices in words; --json keeps the stored values."""
from segtui.models import Contact


def test_contact_table_shows_words_and_json_keeps_values(run_cli, db_path):
    assert run_cli("init")[0] == 0
    from segtui import db as dbmod

    database = dbmod.open_database(str(db_path))
    Contact.create(no="CT000001", type="person", name="Åsa Lindqvist", correspondence_type="hard_copy")
    Contact.create(no="CT000002", type="company", name="Nordwind AB", correspondence_type="email")
    database.close()
    code, text, err = run_cli("contacts", "list", json_out=False)
    assert code == 0, err
    rows = {line.split()[0]: line for line in text.splitlines() if line.startswith("CT")}
    assert "Person" in rows["CT000001"] and "person" not in rows["CT000001"]
    assert "Company" in rows["CT000002"]
    code, data, err = run_cli("contacts", "list")
    assert code == 0, err
    assert {r["no"]: r["type"] for r in data} == {"CT000001": "person", "CT000002": "company"}
    code, text, err = run_cli("contacts", "show", "CT000001", json_out=False)
    assert code == 0, err
    assert "Hard copy" in text and "hard_copy" not in text
    code, data, err = run_cli("contacts", "show", "CT000001")
    assert data["correspondence_type"] == "hard_copy"
