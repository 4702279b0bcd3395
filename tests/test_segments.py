"""Segments and lines: header, template defaults, line defaults, manual line changes (services)."""
import datetime as dt
import decimal

import pytest

from segtui.errors import FilterError, NotFound, SegtuiError
from segtui.models import (
    Campaign,
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateAttachment,
    Language,
    LoggedSegment,
    MailingGroup,
    Salesperson,
    SegmentCriteriaLine,
    SegmentHeader,
    SegmentHistory,
    SegmentLine,
)
from segtui.services import criteria, segments

# Contacts of the small world every engine test uses: two companies with persons, a lone person.
CONTACTS = [
    # no, type, name, company_no, company_name, city, salesperson, correspondence, language, excluded
    ("C1", "company", "Alpha GmbH", "C1", "Alpha GmbH", "Berlin", "AL", "email", "DEU", False),
    ("P11", "person", "Zed Alpha", "C1", "Alpha GmbH", "Berlin", "BO", "", "ENU", False),
    ("P12", "person", "Ann Alpha", "C1", "Alpha GmbH", "Hamburg", "", "hard_copy", "DEU", False),
    ("C2", "company", "Beta Ltd", "C2", "Beta Ltd", "London", "", "email", "ENU", False),
    ("P21", "person", "Bob Beta", "C2", "Beta Ltd", "London", "BO", "email", "ENU", True),
    ("P22", "person", "Cat Beta", "C2", "Beta Ltd", "Berlin", "", "", "", False),
    ("P30", "person", "Dan Solo", "", "", "Paris", "AL", "email", "FRA", False),
]


def build_small():
    """Setup and seven contacts; returns nothing (tests read the models)."""
    Salesperson.insert_many([{"code": "AL", "name": "Al"}, {"code": "BO", "name": "Bo"}]).execute()
    Language.insert_many([{"code": c} for c in ("ENU", "DEU", "FRA")]).execute()
    InteractionGroup.create(code="LETTER")
    InteractionTemplate.create(code="LTR", interaction_group_code="LETTER", unit_cost=2.5, unit_duration_min=5,
                               information_flow="outbound", initiated_by="us", correspondence_type_default="hard_copy",
                               language_code_default="ENU", ignore_contact_corres_type=False)
    InteractionTemplate.create(code="MAIL", interaction_group_code="LETTER", correspondence_type_default="email",
                               ignore_contact_corres_type=True, campaign_no="CP01", campaign_target=True)
    InteractionTemplateAttachment.create(template_code="LTR", language_code="DEU", file_name="de.docx", content=b"x")
    Campaign.create(no="CP01", description="Spring")
    MailingGroup.insert_many([{"code": "NEWS"}, {"code": "VIP"}]).execute()
    Contact.insert_many([
        dict(no=no, type=t, name=n, company_no=cn, company_name=cname, city=city, salesperson_code=sp,
             correspondence_type=ct, language_code=lang, exclude_from_segment=ex)
        for no, t, n, cn, cname, city, sp, ct, lang, ex in CONTACTS]).execute()
    ContactMailingGroup.insert_many([
        {"contact_no": "P11", "mailing_group_code": "NEWS"}, {"contact_no": "P22", "mailing_group_code": "NEWS"},
        {"contact_no": "C2", "mailing_group_code": "VIP"}]).execute()
    ContactIndustryGroup.create(contact_no="C1", industry_group_code="RET")
    ContactBusinessRelation.create(contact_no="C2", business_relation_code="CUST")
    ContactJobResponsibility.create(contact_no="P12", job_responsibility_code="PURCH")
    logged = LoggedSegment.create(segment_no="SM99999", description="old")
    InteractionLogEntry.create(contact_no="P30", interaction_template_code="LTR", date=dt.date(2026, 1, 5),
                               evaluation="positive", segment_no="SM99999", logged_segment_entry_no=logged.entry_no)
    InteractionLogEntry.create(contact_no="P21", interaction_template_code="LTR", date=dt.date(2026, 1, 5),
                               segment_no="SM99999", logged_segment_entry_no=logged.entry_no)


@pytest.fixture
def small(db):
    build_small()
    return db


def line_of(no, contact_no):
    return SegmentLine.get(SegmentLine.live(no) & (SegmentLine.contact_no == contact_no))


# --- header -------------------------------------------------------------------------------------

def test_new_segment_numbers_come_from_the_series(small):
    first = segments.new_segment("One")
    second = segments.new_segment("Two")
    assert (first["no"], second["no"]) == ("SM00001", "SM00002")
    assert first["date"] == dt.date.today().isoformat()
    assert first["no_of_lines"] == 0 and first["no_of_criteria_actions"] == 0


def test_choosing_a_template_copies_its_defaults_to_the_header(small):
    h = segments.new_segment("Mail", template_code="mail")
    assert h["interaction_template_code"] == "MAIL"
    assert h["interaction_group_code"] == "LETTER"
    assert h["correspondence_type_default"] == "email" and h["ignore_contact_corres_type"] is True
    assert h["campaign_no"] == "CP01" and h["campaign_target"] is True
    h = segments.new_segment("Letter", template_code="LTR")
    assert (h["unit_cost"], h["unit_duration_min"], h["information_flow"], h["initiated_by"]) == \
        (2.5, 5.0, "outbound", "us")
    assert h["language_code_default"] == "ENU" and h["campaign_no"] == ""


def test_typed_values_win_over_template_defaults_and_codes_are_upper_cased(small):
    h = segments.new_segment("x", template_code="ltr", salesperson_code="al", language_code="deu",
                             correspondence_type="email", subject="Hello", date="2026-12-01", unit_cost="7")
    assert h["salesperson_code"] == "AL" and h["language_code_default"] == "DEU"
    assert h["correspondence_type_default"] == "email" and h["subject_default"] == "Hello"
    assert h["date"] == "2026-12-01" and h["unit_cost"] == 7.0


@pytest.mark.parametrize("kwargs, word", [
    ({"template_code": "NOPE"}, "interaction template 'NOPE'"),
    ({"salesperson_code": "zz"}, "salesperson 'ZZ'"),
    ({"campaign_no": "CP99"}, "campaign 'CP99'"),
    ({"language_code": "xx"}, "language 'XX'"),
    ({"correspondence_type": "fax"}, "'fax' is not one of"),
    ({"date": "31.12.2026"}, "not a date"),
    ({"unit_cost": "-1"}, "zero or more"),
    ({"colour": "red"}, "unknown segment field 'colour'"),
])
def test_new_segment_refuses_bad_values_and_creates_nothing(small, kwargs, word):
    with pytest.raises(SegtuiError, match=word):
        segments.new_segment("x", **kwargs)
    assert SegmentHeader.select().count() == 0


def test_list_segments_counts_lines_and_searches(small):
    a = segments.new_segment("Berlin mailing")
    segments.new_segment("Other")
    criteria.add_contacts(a["no"], [("city", "Berlin")])
    rows = segments.list_segments()
    assert [r["no"] for r in rows] == ["SM00001", "SM00002"]
    assert rows[0]["no_of_lines"] == 3 and rows[0]["no_of_criteria_actions"] == 1 and rows[1]["no_of_lines"] == 0
    assert [r["no"] for r in segments.list_segments("berlin")] == ["SM00001"]



def test_a_segment_filter_on_a_mistyped_field_names_the_field_meant(small):
    with pytest.raises(FilterError) as typo:
        segments.check_segment_filters([("descripton", "@*fair*")])
    assert str(typo.value).endswith("unknown field 'descripton' for segments; did you mean 'description'?")
    assert typo.value.unknown_field
    with pytest.raises(FilterError, match="unknown field 'xyzzy' for segments; known: campaign_no, "):
        segments.check_segment_filters([("xyzzy", "1")])


def test_get_segment_refuses_unknown_and_logged_segments(small):
    with pytest.raises(NotFound, match="segment 'SM12345' does not exist"):
        segments.get_segment("SM12345")
    with pytest.raises(NotFound, match="SM99999 was logged"):
        segments.get_segment("sm99999")


def test_get_segment_counts_cost_and_duration(small):
    h = segments.new_segment("x", template_code="LTR")
    criteria.add_contacts(h["no"], [("city", "Berlin")])
    s = segments.get_segment(h["no"])
    assert s["no_of_lines"] == 3 and s["cost"] == 7.5 and s["duration"] == 15.0


def test_set_header_changes_fields_and_a_new_template_brings_its_defaults(small):
    h = segments.new_segment("x", template_code="LTR")
    s = segments.set_header(h["no"], {"template": "MAIL", "description": "New"})
    assert s["interaction_template_code"] == "MAIL" and s["correspondence_type_default"] == "email"
    assert s["campaign_no"] == "CP01" and s["description"] == "New"


def test_set_header_refuses_unknown_field_and_code(small):
    h = segments.new_segment("x")
    with pytest.raises(SegtuiError, match="unknown segment field 'nope'"):
        segments.set_header(h["no"], {"nope": "1"})
    with pytest.raises(NotFound, match="salesperson 'ZZ'"):
        segments.set_header(h["no"], {"salesperson_code": "zz", "description": "changed"})
    assert SegmentHeader.get_by_id(h["no"]).description == "x"
    with pytest.raises(SegtuiError, match="date cannot be blank"):
        segments.set_header(h["no"], {"date": ""})


def test_update_lines_touches_only_lines_that_still_carry_the_header_template(small):
    h = segments.new_segment("Old text", template_code="LTR")
    criteria.add_contacts(h["no"], [("city", "Berlin")])
    own = line_of(h["no"], "P11")
    segments.set_line(h["no"], own.line_no, {"interaction_template_code": "MAIL", "description": "mine"})
    segments.set_header(h["no"], {"description": "New text", "subject_default": "S"}, update_lines=True)
    assert line_of(h["no"], "C1").description == "New text" and line_of(h["no"], "P22").subject == "S"
    kept = line_of(h["no"], "P11")
    assert kept.description == "mine" and kept.subject == ""


def test_set_header_without_update_lines_leaves_the_lines(small):
    h = segments.new_segment("Old", template_code="LTR")
    criteria.add_contacts(h["no"], [("city", "Berlin")])
    segments.set_header(h["no"], {"description": "New"})
    assert {line.description for line in SegmentLine.select()} == {"Old"}


def test_update_lines_reapplies_salesperson_rule(small):
    h = segments.new_segment("x", template_code="LTR", salesperson_code="AL")
    criteria.add_contacts(h["no"], [("city", "Berlin")])
    assert {line.salesperson_code for line in SegmentLine.select()} == {"AL"}
    segments.set_header(h["no"], {"salesperson_code": ""}, update_lines=True)
    # Header blank: each line takes its contact's salesperson.
    assert line_of(h["no"], "P11").salesperson_code == "BO" and line_of(h["no"], "C1").salesperson_code == "AL"
    assert line_of(h["no"], "P22").salesperson_code == ""


def test_update_lines_with_a_new_template_moves_lines_to_it(small):
    h = segments.new_segment("x", template_code="LTR")
    criteria.add_contacts(h["no"], [("city", "Berlin")])
    segments.set_header(h["no"], {"template": "MAIL"}, update_lines=True)
    lines = list(SegmentLine.select())
    assert {line.interaction_template_code for line in lines} == {"MAIL"}
    assert {line.correspondence_type for line in lines} == {"email"}  # MAIL ignores the contact's type
    assert {line.campaign_no for line in lines} == {"CP01"}


def test_delete_segment_removes_lines_criteria_and_history(small):
    h = segments.new_segment("x")
    criteria.add_contacts(h["no"], [])
    assert segments.delete_segment(h["no"]) == {"deleted": h["no"]}
    for model in (SegmentHeader, SegmentLine, SegmentCriteriaLine, SegmentHistory):
        assert model.select().count() == 0
    with pytest.raises(NotFound):
        segments.delete_segment(h["no"])


# --- line defaults ------------------------------------------------------------------------------

def test_line_takes_header_values(small):
    h = segments.new_segment("Desc", template_code="LTR", subject="Subj", campaign_no="CP01", date="2026-12-24")
    criteria.add_contacts(h["no"], [("no", "P11")])
    line = line_of(h["no"], "P11")
    assert (line.description, line.subject, line.date, line.campaign_no) == \
        ("Desc", "Subj", dt.date(2026, 12, 24), "CP01")
    assert (line.interaction_template_code, line.interaction_group_code) == ("LTR", "LETTER")
    assert line.cost == decimal.Decimal("2.5") and line.duration_min == 5
    assert (line.information_flow, line.initiated_by, line.contact_company_no) == ("outbound", "us", "C1")


def test_line_salesperson_is_the_headers_else_the_contacts(small):
    h = segments.new_segment("x", salesperson_code="AL")
    criteria.add_contacts(h["no"], [("no", "P11")])
    assert line_of(h["no"], "P11").salesperson_code == "AL"
    h2 = segments.new_segment("y")
    criteria.add_contacts(h2["no"], [("no", "P11")])
    assert line_of(h2["no"], "P11").salesperson_code == "BO"


def test_correspondence_type_contact_own_else_template_default(small):
    h = segments.new_segment("x", template_code="LTR")  # LTR: default hard_copy, does not ignore
    criteria.add_contacts(h["no"], [])
    assert line_of(h["no"], "C1").correspondence_type == "email"  # contact's own
    assert line_of(h["no"], "P11").correspondence_type == "hard_copy"  # contact has none: template default


def test_correspondence_type_template_that_ignores_contact(small):
    h = segments.new_segment("x", template_code="MAIL")
    segments.set_header(h["no"], {"ignore_contact_corres_type": "no"})
    criteria.add_contacts(h["no"], [("no", "P12")])  # contact: hard_copy; MAIL ignores it -> email
    assert line_of(h["no"], "P12").correspondence_type == "email"


def test_correspondence_type_header_ignores_contact_and_has_default(small):
    h = segments.new_segment("x", template_code="LTR", correspondence_type="email",
                             ignore_contact_corres_type=True)
    criteria.add_contacts(h["no"], [("no", "P12|P11")])
    assert {line.correspondence_type for line in SegmentLine.select()} == {"email"}


def test_language_is_the_contacts_when_the_template_has_an_attachment_in_it(small):
    h = segments.new_segment("x", template_code="LTR")  # attachment in DEU; default ENU
    criteria.add_contacts(h["no"], [])
    assert line_of(h["no"], "C1").language_code == "DEU"
    assert line_of(h["no"], "P30").language_code == "ENU"  # FRA has no attachment
    h2 = segments.new_segment("y", template_code="LTR", language_code="FRA")
    criteria.add_contacts(h2["no"], [("no", "P11")])
    assert line_of(h2["no"], "P11").language_code == "FRA"


def test_a_single_add_uses_the_same_rules_as_a_set_add(small):
    h = segments.new_segment("x", template_code="LTR")
    criteria.add_contacts(h["no"], [])
    by_set = segments.get_line(h["no"], line_of(h["no"], "P12").line_no)
    by_hand = segments.add_contact(h["no"], "p12")
    for name in ("correspondence_type", "language_code", "salesperson_code", "cost", "description",
                 "interaction_template_code", "contact_company_no"):
        assert by_hand[name] == by_set[name], name


# --- manual line changes ------------------------------------------------------------------------

def test_add_contact_adds_a_line_with_fields_and_is_an_action(small):
    h = segments.new_segment("x")
    line = segments.add_contact(h["no"], "P30", {"personal_note": "Hi Dan", "evaluation": "positive"})
    assert line["contact_no"] == "P30" and line["contact_name"] == "Dan Solo"
    assert line["personal_note"] == "Hi Dan" and line["evaluation"] == "positive"
    actions = segments.get_segment(h["no"])["criteria"]
    assert [(a["action"], a["reference"]) for a in actions] == [("add_contact", "P30")]
    criteria.go_back(h["no"])
    assert segments.count_lines(h["no"]) == 0


def test_add_contact_refusals_change_nothing(small):
    h = segments.new_segment("x")
    with pytest.raises(NotFound, match="contact 'NOBODY'"):
        segments.add_contact(h["no"], "nobody")
    with pytest.raises(SegtuiError, match="evaluation"):
        segments.add_contact(h["no"], "P30", {"evaluation": "great"})
    with pytest.raises(NotFound, match="segment 'SM55555'"):
        segments.add_contact("SM55555", "P30")
    assert SegmentLine.select().count() == 0 and SegmentCriteriaLine.select().count() == 0


def test_set_line_changes_fields(small):
    h = segments.new_segment("x")
    line = segments.add_contact(h["no"], "P30")
    changed = segments.set_line(h["no"], line["line_no"], {
        "description": "D", "subject": "S", "correspondence_type": "hard_copy", "language_code": "deu",
        "evaluation": "very_negative", "personal_note": "note", "cost": "3.5", "date": "2026-12-01",
        "template": "LTR"})
    assert (changed["description"], changed["subject"], changed["correspondence_type"]) == ("D", "S", "hard_copy")
    assert (changed["language_code"], changed["evaluation"], changed["cost"]) == ("DEU", "very_negative", 3.5)
    assert changed["interaction_group_code"] == "LETTER" and changed["date"] == "2026-12-01"
    assert len(segments.get_segment(h["no"])["criteria"]) == 1  # a field edit is not an action


def test_set_line_attachment_from_a_file(small, tmp_path):
    h = segments.new_segment("x")
    line = segments.add_contact(h["no"], "P30")
    doc = tmp_path / "own.docx"
    doc.write_bytes(b"PK-own")
    changed = segments.set_line(h["no"], line["line_no"], {"attachment": str(doc)})
    assert changed["has_attachment"] is True and changed["attachment_name"] == "own.docx"
    with pytest.raises(SegtuiError, match="does not exist"):
        segments.set_line(h["no"], line["line_no"], {"attachment": str(tmp_path / "missing.docx")})


@pytest.mark.parametrize("fields, word", [
    ({"evaluation": "super"}, "evaluation"),
    ({"salesperson_code": "ZZ"}, "salesperson 'ZZ'"),
    ({"contact_no": ""}, "cannot be blank"),
    ({"contact_no": "NOBODY"}, "contact 'NOBODY'"),
    ({"size": "XL"}, "unknown line field 'size'"),
    ({"cost": "abc"}, "not a number"),
])
def test_set_line_refusals_change_nothing(small, fields, word):
    h = segments.new_segment("x")
    line = segments.add_contact(h["no"], "P30", {"description": "before"})
    with pytest.raises(SegtuiError, match=word):
        segments.set_line(h["no"], line["line_no"], dict(fields, description="after"))
    assert segments.get_line(h["no"], line["line_no"])["description"] == "before"


def test_set_line_refuses_unknown_line(small):
    h = segments.new_segment("x")
    with pytest.raises(NotFound, match="has no line 990"):
        segments.set_line(h["no"], 990, {"description": "x"})


def test_changing_a_lines_contact_reapplies_defaults_and_can_be_undone(small):
    h = segments.new_segment("x", template_code="LTR")
    line = segments.add_contact(h["no"], "P11", {"personal_note": "keep me"})
    assert (line["salesperson_code"], line["correspondence_type"], line["language_code"]) == ("BO", "hard_copy", "ENU")
    changed = segments.set_line(h["no"], line["line_no"], {"contact_no": "C1"})
    assert changed["contact_no"] == "C1" and changed["contact_name"] == "Alpha GmbH"
    assert (changed["salesperson_code"], changed["correspondence_type"], changed["language_code"]) == \
        ("AL", "email", "DEU")
    assert changed["personal_note"] == "keep me"
    actions = segments.get_segment(h["no"])["criteria"]
    assert actions[-1]["action"] == "set_contact" and actions[-1]["reference"] == "P11>C1"
    criteria.go_back(h["no"])
    back = segments.get_line(h["no"], line["line_no"])
    assert back["contact_no"] == "P11" and back["salesperson_code"] == "BO"


def test_remove_line_is_an_action_and_go_back_restores_its_edits(small):
    h = segments.new_segment("x")
    line = segments.add_contact(h["no"], "P30")
    segments.set_line(h["no"], line["line_no"], {"personal_note": "edited", "evaluation": "neutral"})
    assert segments.remove_line(h["no"], line["line_no"])["removed"] == 1
    assert segments.count_lines(h["no"]) == 0
    assert segments.get_segment(h["no"])["criteria"][-1]["action"] == "remove_line"
    criteria.go_back(h["no"])
    back = segments.get_line(h["no"], line["line_no"])
    assert back["personal_note"] == "edited" and back["evaluation"] == "neutral"
    with pytest.raises(NotFound, match="has no line 12345"):
        segments.remove_line(h["no"], 12345)


def test_lines_page_by_key_and_by_offset(small):
    h = segments.new_segment("x")
    criteria.add_contacts(h["no"], [], ignore_exclusion=True)
    all_lines = segments.lines(h["no"], limit=100)
    assert len(all_lines) == 7 == segments.count_lines(h["no"])
    keys = [r["line_no"] for r in all_lines]
    assert keys == sorted(keys)
    page = segments.lines(h["no"], limit=3, after_line_no=keys[2])
    assert [r["line_no"] for r in page] == keys[3:6]
    assert [r["line_no"] for r in segments.lines(h["no"], limit=2, offset=5)] == keys[5:7]
    row = all_lines[0]
    for key in ("contact_name", "contact_company_name", "contact_email", "contact_phone", "personal_note"):
        assert key in row


def test_a_page_by_key_gives_the_same_lines_as_the_offset_path(small):
    from segtui.services import line_pages

    h = segments.new_segment("x", template_code="LTR")
    criteria.add_contacts(h["no"], [], ignore_exclusion=True)
    segments.set_line(h["no"], segments.lines(h["no"])[1]["line_no"], {"evaluation": "positive", "cost": "3.5"})
    fast = segments.lines(h["no"], limit=100)
    slow = [segments.lines(h["no"], limit=1, offset=i)[0] for i in range(1, 7)]
    assert fast[1:] == slow  # the slow path is Peewee's own conversion: the same values and types
    assert {type(fast[0][k]) for k in ("cost", "campaign_target", "has_attachment")} == {float, bool}
    assert fast[0]["date"] == dt.date.today().isoformat()
    rows = line_pages.page(h["no"], limit=3, last=True)
    assert [r[line_pages.INDEX["line_no"]] for r in rows] == [r["line_no"] for r in fast[-3:]]
    before = line_pages.page(h["no"], limit=2, before_line_no=fast[3]["line_no"])
    assert [r[line_pages.INDEX["contact_no"]] for r in before] == [r["contact_no"] for r in fast[1:3]]


def test_ends_paged_source_reads_the_end_and_back_by_key_never_by_offset(small):
    from segtui.models import Contact
    from segtui.tui.widgets.sheet import EndsPagedSource

    Contact.insert_many([{"no": f"X{i:04d}", "name": f"Bulk {i:04d}"} for i in range(243)]).execute()
    no = segments.new_segment("Long")["no"]
    criteria.add_contacts(no, [])
    every = [r["line_no"] for r in segments.lines(no, limit=1000)]
    assert len(every) == 249
    source = EndsPagedSource(segments.line_fetcher(no), lambda: segments.count_lines(no), key="line_no")
    assert [r["line_no"] for r in source.rows(200, 100)] == every[200:]  # ctrl+End: the last rows
    assert [r["line_no"] for r in source.rows(100, 100)] == every[100:200]  # PageUp: before a key
    assert [r["line_no"] for r in source.rows(0, 100)] == every[:100]
    assert [r["line_no"] for r in source.rows(100, 100)] == every[100:200]  # after a key
    assert source.offset_reads == 0
    assert [r["line_no"] for r in source.rows(150, 10)] == every[150:160]  # a jump pays one offset
    assert source.offset_reads == 1
    source.invalidate()
    assert source.count() == 249


def test_set_header_with_a_stale_version_is_a_conflict(small):
    from segtui.errors import Conflict

    h = segments.new_segment("x")
    segments.set_header(h["no"], {"description": "first"}, expected_version=h["version"])
    with pytest.raises(Conflict, match="changed by another user since you read it"):
        segments.set_header(h["no"], {"description": "second"}, expected_version=h["version"])
    assert SegmentHeader.get_by_id(h["no"]).description == "first"


# --- the command line ---------------------------------------------------------------------------

def test_cli_segment_commands(small, cli_main):
    code, h, err = cli_main("segment", "new", "--description", "Cli", "--template", "ltr", "--salesperson", "al")
    assert code == 0 and h["no"] == "SM00001" and h["interaction_template_code"] == "LTR", err
    no = h["no"]
    code, dry, _ = cli_main("segment", "add", no, "--filter", "city=Berlin", "--dry-run")
    assert dry["would_add"] == 3 and len(dry["sample"]) == 3 and segments.count_lines(no) == 0
    code, added, _ = cli_main("segment", "add", no, "--filter", "city=Berlin", "--expand-contact")
    assert added == {"added": 5, "no_of_lines": 5}
    code, reduced, _ = cli_main("segment", "reduce", no, "--filter", "mailing_group=NEWS", "--entire-companies")
    assert reduced == {"removed": 5, "no_of_lines": 0}
    code, back, _ = cli_main("segment", "go-back", no)
    assert back == {"undone": 1, "no_of_lines": 5}
    code, refined, _ = cli_main("segment", "refine", no, "--filter", "type=company", "--dry-run")
    assert refined["would_remove"] == 3
    code, rows, _ = cli_main("segment", "lines", no, "--limit", "2")
    assert [r["contact_no"] for r in rows] == ["C1", "P12"] and rows[0]["contact_name"] == "Alpha GmbH"
    code, line, _ = cli_main("segment", "set-line", no, rows[0]["line_no"], "personal_note=Hello",
                             "evaluation=positive")
    assert line["personal_note"] == "Hello" and line["evaluation"] == "positive"
    code, line, _ = cli_main("segment", "add-contact", no, "p30", "subject=Own")
    assert line["contact_no"] == "P30" and line["subject"] == "Own"
    code, removed, _ = cli_main("segment", "remove-line", no, line["line_no"])
    assert removed["removed"] == 1
    code, header, _ = cli_main("segment", "set", no, "description=Changed", "--update-lines")
    assert header["description"] == "Changed"
    assert {r.description for r in SegmentLine.select().where(SegmentLine.live(no))} == {"Changed"}
    code, shown, _ = cli_main("segment", "show", no)
    assert [a["action"] for a in shown["criteria"]] == ["add", "add_contact", "remove_line"]
    code, text, _ = cli_main("segment", "show", no, json_out=False)
    assert "1 add city=Berlin [expand contact] -> 5 contacts" in text
    code, listed, _ = cli_main("segment", "list")
    assert [s["no"] for s in listed] == [no] and listed[0]["no_of_lines"] == 5
    code, applied, _ = cli_main("segment", "apply-mailing-group", no, "vip")
    assert applied["applied"] == 5
    code, deleted, _ = cli_main("segment", "delete", no)
    assert deleted == {"deleted": no} and SegmentHeader.select().count() == 0


def test_cli_criteria_commands(small, cli_main):
    no = segments.new_segment("x")["no"]
    criteria.add_contacts(no, [("city", "Berlin")])
    code, saved, _ = cli_main("segment", "save-criteria", no, "ber", "--description", "Berlin")
    assert code == 0 and saved["code"] == "BER"
    code, listed, _ = cli_main("criteria", "list")
    assert [c["code"] for c in listed] == ["BER"]
    code, shown, _ = cli_main("criteria", "show", "ber")
    assert shown["actions"][0]["filters"][0]["expression"] == "Berlin"
    other = segments.new_segment("y")["no"]
    code, reused, _ = cli_main("segment", "reuse-criteria", other, "BER")
    assert reused == {"added": 3, "removed": 0, "no_of_lines": 3}
    code, _, err = cli_main("segment", "reuse-criteria", other, "BER")
    assert code == 1 and "--yes" in err
    code, reused, _ = cli_main("segment", "reuse-criteria", other, "BER", "--yes")
    assert reused["added"] == 0
    entry = LoggedSegment.get().entry_no
    code, logged, _ = cli_main("segment", "reuse-logged", other, entry, "--yes")
    assert logged == {"added": 1, "no_of_lines": 4}
    code, deleted, _ = cli_main("criteria", "delete", "ber")
    assert deleted == {"deleted": "BER"}


@pytest.mark.parametrize("argv, word", [
    (["segment", "show", "SM404"], "segment 'SM404' does not exist"),
    (["segment", "add", "SM00001", "--filter", "city=..", "--dry-run"], "city"),
    (["segment", "add", "SM00001", "--filter", "nosuch=1"], "unknown field 'nosuch'"),
    (["segment", "add", "SM00001", "--filter", "citty=Berlin"],
     "filter citty='Berlin': unknown field 'citty' for contact; did you mean 'city'?"),
    (["segment", "reduce", "SM00001", "--filter", "mailing_group.cod=NEWS"], "mailing group; did you mean 'code'?"),
    (["segment", "add-contact", "SM00001", "NOBODY"], "contact 'NOBODY'"),
    (["segment", "set", "SM00001", "salesperson_code=ZZ"], "salesperson 'ZZ'"),
    (["segment", "set-line", "SM00001", "10", "evaluation=great"], "no line 10"),
    (["segment", "remove-line", "SM00001", "10"], "no line 10"),
    (["segment", "go-back", "SM00001"], "no criteria actions to undo"),
    (["segment", "save-criteria", "SM00001", "X"], "no criteria actions to save"),
    (["segment", "reuse-criteria", "SM00001", "NOPE"], "saved criteria 'NOPE'"),
    (["segment", "reuse-logged", "SM00001", "99"], "logged segment 99"),
    (["segment", "apply-mailing-group", "SM00001", "NOPE"], "mailing group 'NOPE'"),
    (["segment", "new", "--description", "x", "--template", "NOPE"], "interaction template 'NOPE'"),
    (["criteria", "show", "NOPE"], "'NOPE'"),
    (["criteria", "delete", "NOPE"], "'NOPE'"),
])
def test_cli_refusals_exit_1_naming_what(small, cli_main, argv, word):
    segments.new_segment("x")
    code, out, err = cli_main(*argv)
    assert code == 1 and err.startswith("error:") and word in err, err
    assert SegmentLine.select().count() == 0 and SegmentHeader.select().count() == 1


def test_cli_reduce_without_filter_is_a_usage_error(small, cli_main):
    no = segments.new_segment("x")["no"]
    code, _, err = cli_main("segment", "reduce", no)
    assert code == 2 and "--filter" in err


def test_check_header_refuses_like_set_header_and_changes_nothing(small):
    no = segments.new_segment("Checked")["no"]
    with pytest.raises(SegtuiError, match="NOPE"):
        segments.check_header({"salesperson_code": "nope"})
    with pytest.raises(SegtuiError, match="unknown segment field"):
        segments.check_header({"colour": "red"})
    segments.check_header({"description": "fine"})
    assert segments.get_segment(no)["description"] == "Checked"


def test_filter_segments_in_the_filter_language(small):
    from segtui.errors import FilterError

    segments.new_segment("Spring fair")
    segments.new_segment("Autumn letters")
    rows = segments.list_segments()
    assert [r["description"] for r in segments.filter_segments(rows, [("description", "@*FAIR*")])] == ["Spring fair"]
    assert len(segments.filter_segments(rows, [("lines", "0")])) == 2
    assert segments.filter_segments(rows, []) == rows
    with pytest.raises(FilterError, match="unknown field"):
        segments.check_segment_filters([("colour", "red")])
    with pytest.raises(FilterError, match="position"):
        segments.check_segment_filters([("lines", "abc")])


def test_the_command_line_says_counts_as_a_person_would(demo_db, run_cli):
    """'the segment has 1,156 lines', not '1156 line(s)'."""
    code, made, _ = run_cli("segment", "new", "--description", "Counts", "--template", "LETTER")
    no = made["no"]
    for _ in range(4):  # 289 of the 300 demo contacts each time
        code, out, err = run_cli("segment", "add", no, "--allow-existing", json_out=False)
        assert code == 0, err
    lines = segments.count_lines(no)
    assert lines > 1_000 and out.strip().endswith(f"; the segment has {lines:,} lines"), out
    code, out, _ = run_cli("segment", "reduce", no, "--filter", "no=CT000001", json_out=False)
    assert out.strip() == f"removed 4 lines; the segment has {lines - 4:,} lines", out
    code, out, _ = run_cli("segment", "go-back", no, json_out=False)
    assert out.strip() == f"undid 1 action; the segment has {lines:,} lines", out


def test_answers_of_one_say_one(demo_db, run_cli, tmp_path):
    code, made, _ = run_cli("segment", "new", "--description", "One", "--template", "LETTER", "--salesperson", "AK")
    no = made["no"]
    code, out, err = run_cli("segment", "add", no, "--filter", "no=CT000002", json_out=False)
    assert out.strip() == "added 1 contact; the segment has 1 line", out + err
    code, out, err = run_cli("segment", "log", no, json_out=False)
    assert code == 0 and out.strip().endswith(": 1 interaction, 0 campaign entries"), out + err
    path = tmp_path / "one.csv"
    path.write_text("First Name,Last Name,E-mail Address\nUlla,Berg,ulla@example.org\n", encoding="utf-8")
    code, out, err = run_cli("contacts", "import", path, json_out=False)
    assert out.startswith("imported 1 new contact (0 companies), updated 0"), out + err
