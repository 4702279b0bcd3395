"""IF, NEXT, NEXTIF, SKIPIF and other Word fields in templates (issue 9, point 6)."""
import io
from pathlib import Path

import docx
import pytest

from segtui.services import templates, word, word_fields
from docx_build import build, field, merge, paragraphs
from word_helpers import all_xml, make_world

REALWORLD = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "realworld" / "word"
REALWORLD_FILES = sorted(p.name for p in REALWORLD.glob("*.docx")) if REALWORLD.is_dir() else []


def _if(*code, shown="OLD CACHED TEXT"):
    return field(" IF ", *code, shown=shown)


def _merged(template, **values):
    return paragraphs(word.merge_one(template, values))


@pytest.mark.parametrize("operator, value, expected", [
    ("=", "NL", "yes"), ("=", "US", "no"), ("<>", "US", "yes"), ("<>", "NL", "no"),
    ("=", "N?", "yes"), ("=", "N*", "yes"), ("=", "nl", "no"),
], ids=lambda v: str(v))
def test_if_compares_a_merge_field_with_a_text(operator, value, expected):
    template = build([_if(merge("country"), f' {operator} "{value}" "yes" "no" ')])
    assert _merged(template, country="NL") == [expected]
    assert "OLD CACHED TEXT" not in all_xml(word.merge_one(template, {"country": "NL"}))


@pytest.mark.parametrize("operator, amount, expected", [
    (">", "10", "big"), (">", "9", "small"), ("<", "9", "big"), ("<", "10", "small"),
    (">=", "9.5", "big"), (">=", "9", "small"), ("<=", "9.5", "big"), ("<=", "10", "small"),
    ("=", "9.50", "big"), ("<>", "9.5", "small"),
], ids=lambda v: str(v))
def test_if_compares_numbers_as_numbers(operator, amount, expected):
    # "10" > "9" is false as texts; Word compares numbers as numbers.
    template = build([_if(merge("amount"), f" {operator} 9.5 big small")])
    assert _merged(template, amount=amount) == [expected]


def test_if_texts_hold_merge_fields_and_switches_are_not_shown():
    template = build(["Dear ", _if(merge("gender"), ' = "f" "Ms ', merge("surname"), '" "Mr ', merge("surname"),
                                   '" \\* MERGEFORMAT ')])
    assert _merged(template, gender="f", surname="Adams") == ["Dear Ms Adams"]
    assert _merged(template, gender="m", surname="Vries") == ["Dear Mr Vries"]
    assert word.read_fields(template) == ["gender", "surname"]


def test_if_without_false_text_shows_nothing_and_no_switch():
    template = build([_if(merge("vip"), ' = "yes" "Thank you, valued customer." \\* MERGEFORMAT ')])
    assert _merged(template, vip="yes") == ["Thank you, valued customer."]
    assert _merged(template, vip="no") == [""]


def test_nested_if_is_evaluated_inside_out():
    inner = _if(merge("n"), ' = "2" "two" "many" ')
    template = build([_if(merge("n"), ' = "1" "one" "', inner, '" ')])
    assert [_merged(template, n=n)[0] for n in ("1", "2", "7")] == ["one", "two", "many"]


def test_braces_in_the_template_text_are_kept():
    template = build([_if(merge("a"), ' = "x" "{literal}" "none" ')])
    assert _merged(template, a="x") == ["{literal}"]


def test_combined_letters_evaluate_if_per_letter():
    template = build([_if(merge("country"), ' = "NL" "Beste" "Dear" '), " ", merge("name")])
    merged = word.merge_combined(template, [{"country": "NL", "name": "Jan"}, {"country": "US", "name": "Eve"}])
    texts = [p for p in paragraphs(merged) if p.strip()]
    assert texts == ["Beste Jan", "Dear Eve"]


@pytest.mark.parametrize("kind", ["NEXT", "NEXTIF", "SKIPIF"])
def test_record_fields_are_ignored_with_a_note_one_letter_per_contact(kind):
    code = f" {kind} "
    parts = [field(code)] if kind == "NEXT" else [field(code, merge("city"), ' = "Paris" ')]
    template = build([merge("name")], parts, [merge("name"), " again"])
    report = word.field_report(template)
    assert report.ignored == [kind] and report.unsupported == []
    assert "one letter per contact" in report.notes()[0]
    assert word.read_fields(template) == ["name"]  # no empty name, nothing to map
    assert _merged(template, name="Eve", city="Paris") == ["Eve", "", "Eve again"]
    # In a combined file each letter keeps its own contact: NEXT does not move on to the next one.
    combined = word.merge_combined(template, [{"name": "Eve"}, {"name": "Jan"}])
    assert [p for p in paragraphs(combined) if p.strip()] == ["Eve", "Eve again", "Jan", "Jan again"]


def test_fields_the_merge_cannot_fill_are_named_and_word_fields_are_left_to_word():
    template = build([field(" ADDRESSBLOCK \\f \"<<_FIRST0_>>\" ")], [field(' ASK answer "Question?" ')],
                     [field(' DATE \\@ "d MMMM yyyy" ', shown="1 May 2020")], [field(" PAGE ", shown="1")],
                     [_if(merge("x"), " ")], [merge("name")])
    report = word.field_report(template)
    assert report.left_to_word == ["DATE", "PAGE"]
    assert report.unsupported[:2] == ["ADDRESSBLOCK", "ASK"]
    assert "IF" in report.unsupported[2] and "without a comparison" in report.unsupported[2]
    assert report.fields == ["name", "x"]


def test_attaching_names_the_fields_the_merge_cannot_fill(db, tmp_path):
    make_world()
    path = tmp_path / "greeting.docx"
    path.write_bytes(build([field(" GREETINGLINE ")], [field(" NEXT ")], [merge("contact_name")]))
    result = templates.attach("LETTER", path)
    assert result["unsupported_fields"] == ["GREETINGLINE"]
    assert result["ignored_fields"] == ["NEXT"]
    assert result["unknown_fields"] == [] and result["fields"] == ["contact_name"]
    assert any("GREETINGLINE" in n for n in result["notes"]) and any("NEXT" in n for n in result["notes"])
    assert templates.template_fields("LETTER")["unsupported_fields"] == ["GREETINGLINE"]


def test_attach_through_the_command_line_prints_the_notes(db, run_cli, tmp_path):
    make_world()
    path = tmp_path / "t.docx"
    path.write_bytes(build([field(" FILLIN prompt ")], [merge("contact_name")]))
    code, out, err = run_cli("template", "attach", "LETTER", str(path), json_out=False)
    assert code == 0, err
    assert "note: fields the merge cannot fill" in out and "FILLIN" in out
    code, out, err = run_cli("template", "fields", "LETTER")
    assert code == 0 and out["unsupported_fields"] == ["FILLIN"]


def test_compare_follows_word():
    assert word_fields.compare("10", ">", "9") and not word_fields.compare("10", "<", "9")
    assert word_fields.compare("b", ">", "a") and word_fields.compare("Smith", "=", "Sm*")
    assert word_fields.compare("", "=", "") and word_fields.compare("", "<>", "x")
    assert word_fields.compare("1,000", ">", "999") and not word_fields.compare("1,5", "=", "15")
    assert word_fields.compare("nan", "<>", "NaN") and word_fields.compare("-2.5", "<", "-2")


@pytest.mark.skipif(not REALWORLD_FILES, reason="../shared/samples/realworld/word is absent")
@pytest.mark.parametrize("name", REALWORLD_FILES)
def test_realworld_templates_merge_with_no_field_left(name):
    data = (REALWORLD / name).read_bytes()
    report = word.field_report(data)
    assert "" not in report.fields
    merged = word.merge_one(data, {f: f"V{i}" for i, f in enumerate(report.fields)})
    xml = all_xml(merged)
    assert "MERGEFIELD" not in xml and " NEXT" not in xml and "\u00ab" not in xml
    docx.Document(io.BytesIO(merged))  # opens as a Word document


@pytest.mark.skipif(not (REALWORLD / "mm2_nested_if_inside.docx").is_file(), reason="sample absent")
def test_realworld_nested_if_is_evaluated():
    data = (REALWORLD / "mm2_nested_if_inside.docx").read_bytes()
    assert word.read_fields(data) == ["fieldname"]
    assert word.document_text(word.merge_one(data, {"fieldname": "two"})).strip().endswith("two")
    assert word.document_text(word.merge_one(data, {"fieldname": "seven"})).strip().endswith("more: seven")


@pytest.mark.skipif(not (REALWORLD / "mm2_next_record.docx").is_file(), reason="sample absent")
def test_realworld_next_record_template_can_be_attached(db):
    make_world()
    result = templates.attach("LETTER", REALWORLD / "mm2_next_record.docx")
    assert result["fields"] == ["field"] and result["ignored_fields"] == ["NEXT"]


async def test_the_setup_screen_names_the_fields_on_attach(db, db_path, tmp_path):
    from tui_helpers import make_app, settle

    make_world()
    path = tmp_path / "t.docx"
    path.write_bytes(build([field(" ADDRESSBLOCK ")], [field(" NEXT ")], [merge("contact_name")]))
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("f3")  # LETTER, the only template
        await pilot.pause()
        app.screen.query_one("#f-path").value = str(path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        note = next(n for n in app._notifications if "Word template attached" in n.message)
    assert "ADDRESSBLOCK" in note.message and "NEXT field ignored" in note.message
    assert note.severity == "warning"
