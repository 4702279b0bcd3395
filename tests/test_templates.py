"""Attaching Word templates to interaction templates, their fields and field mapping."""
import json

import pytest

from segtui.errors import NotFound, SegtuiError
from segtui.models import InteractionTemplateAttachment
from segtui.services import templates, word
from word_helpers import DATA, make_world, sample

DUTCH = "letter_winword2010_dutch_fields.docx"
DUTCH_UNKNOWN = ["Achternaam", "Adresregel_1", "Land_of_regio", "Plaats", "Postcode", "Provincie", "Titel",
                 "Voornaam"]
DUTCH_MAPPING = {"Titel": "contact_job_title", "Voornaam": "first_name", "Achternaam": "contact_surname",
                 "Adresregel_1": "contact_address", "Postcode": "zip", "Plaats": "city",
                 "Provincie": "contact_county", "Land_of_regio": "country"}


@pytest.fixture
def world(db):
    return make_world()


def test_known_fields_are_those_of_the_domain_and_aliases_match_ignoring_case():
    for name in ("contact_no", "contact_name", "contact_company_name", "contact_job_title", "salesperson_phone",
                 "company_email", "date", "segment_no", "campaign_description", "personal_note", "language_code"):
        assert name in templates.KNOWN_FIELDS
    assert templates.known_name("Contact_Name") == "contact_name"
    assert templates.known_name("First_Name") == "contact_first_name"
    assert templates.known_name("ZIP") == "contact_post_code"
    assert templates.known_name("state") == "contact_county"
    assert templates.known_name("Voornaam") is None
    assert templates.resolve("voornaam", {"Voornaam": "contact_first_name"}) == "contact_first_name"


def test_attach_reports_fields_and_that_english_names_are_known(world):
    result = templates.attach("letter", DATA / "letter_macword2011.docx")
    assert result["fields"] == ["address_line", "city", "country", "date", "first_name", "last_name",
                                "postal_code", "state"]
    assert result["unknown_fields"] == []
    row = InteractionTemplateAttachment.get(template_code="LETTER", language_code="")
    assert bytes(row.content) == sample("letter_macword2011.docx")
    assert row.file_name == "letter_macword2011.docx" and row.kind == "word"


def test_dutch_fields_are_unknown_until_mapped_and_the_mapping_is_saved(world):
    result = templates.attach("LETTER", DATA / DUTCH, language_code="nld")
    assert result["unknown_fields"] == DUTCH_UNKNOWN
    assert result["language_code"] == "NLD"
    mapping = templates.map_fields("LETTER", {"voornaam": "First_Name"}, language_code="NLD")
    assert mapping == {"Voornaam": "contact_first_name"}  # template's spelling, canonical target
    assert "Voornaam" not in templates.template_fields("LETTER", "NLD")["unknown_fields"]
    templates.map_fields("LETTER", DUTCH_MAPPING, language_code="NLD")
    after = templates.template_fields("LETTER", "NLD")
    assert after["unknown_fields"] == []
    assert after["mapping"]["Postcode"] == "contact_post_code"
    row = InteractionTemplateAttachment.get(template_code="LETTER", language_code="NLD")
    assert json.loads(row.field_map)["Plaats"] == "contact_city"
    # Attaching a new version keeps the mapping of the fields it still has.
    templates.attach("LETTER", DATA / DUTCH, language_code="NLD")
    assert templates.template_fields("LETTER", "NLD")["unknown_fields"] == []


def test_an_empty_target_removes_a_mapping(world):
    templates.attach("LETTER", DATA / DUTCH)
    templates.map_fields("LETTER", {"Titel": "contact_job_title"})
    assert templates.map_fields("LETTER", {"Titel": ""}) == {}
    assert "Titel" in templates.template_fields("LETTER")["unknown_fields"]


def test_mapping_refuses_unknown_targets_and_fields_the_template_lacks(world):
    templates.attach("LETTER", DATA / DUTCH)
    with pytest.raises(SegtuiError, match="'shoe_size'.*not a field segtui knows"):
        templates.map_fields("LETTER", {"Titel": "shoe_size"})
    with pytest.raises(SegtuiError, match="no merge field 'Nickname'"):
        templates.map_fields("LETTER", {"Nickname": "contact_name"})
    with pytest.raises(NotFound, match="no Word template for language NLD"):
        templates.map_fields("LETTER", {"Titel": "contact_name"}, language_code="NLD")
    assert templates.template_fields("LETTER")["mapping"] == {}  # nothing half saved


def test_languages_have_their_own_word_templates(world):
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    templates.attach("LETTER", DATA / DUTCH, language_code="NLD")
    assert templates.template_fields("LETTER")["unknown_fields"] == []
    assert templates.template_fields("LETTER", "NLD")["unknown_fields"] == DUTCH_UNKNOWN
    assert InteractionTemplateAttachment.select().count() == 2


def test_attach_refuses_unknown_template_language_and_missing_file(world, tmp_path):
    with pytest.raises(NotFound, match="interaction template 'NOPE'"):
        templates.attach("nope", DATA / DUTCH)
    with pytest.raises(NotFound, match="language 'XXX'"):
        templates.attach("LETTER", DATA / DUTCH, language_code="XXX")
    with pytest.raises(SegtuiError, match="does not exist"):
        templates.attach("LETTER", tmp_path / "missing.docx")
    assert InteractionTemplateAttachment.select().count() == 0


@pytest.mark.parametrize("name, content, reason", [
    ("broken.docx", b"PK\x03\x04 this is not really a zip", "not a zip"),
    ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "old binary Word .doc"),
    ("letter.doc", None, "must end in .docx"),
    ("notes.txt", b"hello", "must end in .docx"),
], ids=["cut-off-zip", "old-binary-doc", "doc-name", "txt-name"])
def test_corrupt_or_non_docx_files_are_refused_and_change_nothing(world, tmp_path, name, content, reason):
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    before = bytes(InteractionTemplateAttachment.get(template_code="LETTER").content)
    path = tmp_path / name
    path.write_bytes(content if content is not None else sample("letter_macword2011.docx"))
    with pytest.raises(word.NotAWordDocument, match=reason):
        templates.attach("LETTER", path)
    row = InteractionTemplateAttachment.get(template_code="LETTER")
    assert bytes(row.content) == before and row.file_name == "letter_macword2011.docx"
    assert InteractionTemplateAttachment.select().count() == 1


def test_attach_accepts_bytes_with_a_file_name(world):
    result = templates.attach("LETTER", sample("table_rows.docx"), file_name="grades.docx")
    assert "student_name" in result["unknown_fields"]
    assert InteractionTemplateAttachment.get(template_code="LETTER").file_name == "grades.docx"


def test_cli_attach_map_field_and_refusal(world, cli_main, tmp_path):
    code, out, err = cli_main("template", "attach", "letter", DATA / DUTCH)
    assert code == 0, err
    assert out["unknown_fields"] == DUTCH_UNKNOWN and "Voornaam" in out["fields"]
    code, out, err = cli_main("template", "map-field", "LETTER", "Voornaam=contact_first_name", "Titel=job")
    assert code == 1 and "'job'" in err and "not a field segtui knows" in err
    code, out, err = cli_main("template", "map-field", "LETTER", *[f"{k}={v}" for k, v in DUTCH_MAPPING.items()])
    assert code == 0, err
    assert out["Voornaam"] == "contact_first_name"
    code, out, err = cli_main("template", "fields", "LETTER")
    assert code == 0 and out["unknown_fields"] == []
    bad = tmp_path / "renamed.docx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)
    code, out, err = cli_main("template", "attach", "LETTER", bad)
    assert code == 1 and err.startswith("error: ") and ".doc" in err
    code, text, err = cli_main("template", "attach", "LETTER", DATA / "letter_macword2011.docx", json_out=False)
    assert code == 0 and "first_name" in text


def test_documents_per_language_and_detach(world, cli_main):
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    templates.attach("LETTER", DATA / DUTCH, language_code="NLD")
    listed = templates.attachments("LETTER")
    assert [(d["language_code"], d["file_name"], d["unknown_fields"] == []) for d in listed] == [
        ("", "letter_macword2011.docx", True), ("NLD", DUTCH, False)]
    code, out, err = cli_main("template", "documents", "LETTER")
    assert code == 0 and [d["language_code"] for d in out] == ["", "NLD"]
    code, out, err = cli_main("template", "detach", "LETTER", "--language", "nld")
    assert code == 0 and out == {"template_code": "LETTER", "language_code": "NLD"}
    assert [d["language_code"] for d in templates.attachments("LETTER")] == [""]
    with pytest.raises(NotFound, match="no Word template for language NLD"):
        templates.detach("LETTER", "NLD")
