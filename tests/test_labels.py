"""The table of labels: every stored choice has words, menus keep the model's order, typed words
map back to stored values, and counted nouns agree with their count."""
import pytest

from segtui import labels
from segtui.models import InteractionLogEntry, SegmentHeader


@pytest.mark.parametrize("choice", sorted(labels.STORED))
def test_every_stored_value_has_words(choice):
    for value in labels.STORED[choice]:
        assert value in labels.CHOICES[choice], (choice, value)
        if value:
            words = labels.label(choice, value)
            assert words and "_" not in words and words[0].isupper()


def test_words_for_the_values_users_saw_as_codes():
    assert labels.label("correspondence_type", "hard_copy") == "Hard copy"
    assert labels.label("correspondence_type", "email") == "E-mail"
    assert labels.label("information_flow", "outbound") == "Outbound"
    assert labels.label("initiated_by", "us") == "Us"
    assert labels.label("type", "person") == "Person"
    assert labels.label("evaluation", "very_negative") == "Very negative"
    assert labels.label("delivery_status", "in_progress") == "Pending"
    assert labels.label("correspondence_type", "") == ""
    assert labels.label("correspondence_type", None) == ""
    # An unexpected value is shown as it is, not hidden.
    assert labels.label("evaluation", "odd") == "odd"


def test_field_names_of_records_find_their_choice():
    for field in ("correspondence_type", "correspondence_type_default", "information_flow", "initiated_by",
                  "evaluation", "delivery_status"):
        model = InteractionLogEntry if field in InteractionLogEntry._meta.fields else SegmentHeader
        stored_values = [v for v, _ in model._meta.fields[field].choices]
        assert [labels.field_label(field, v) for v in stored_values] == \
            [labels.label(labels.FIELDS[field], v) for v in stored_values]
    assert labels.field_label("description", "hard_copy") == "hard_copy"
    assert labels.field_label("cost", 2.5) == "2.5"


def test_options_keep_the_model_order_and_name_blank():
    assert labels.options("correspondence_type") == [("", "(blank)"), ("hard_copy", "Hard copy"), ("email", "E-mail")]
    assert labels.options("correspondence_type", blank=False) == [("hard_copy", "Hard copy"), ("email", "E-mail")]
    assert [v for v, _ in labels.options("evaluation")] == list(labels.STORED["evaluation"])


@pytest.mark.parametrize("typed, expected", [
    ("E-mail", "email"), ("email", "email"), ("EMAIL", "email"), ("Hard copy", "hard_copy"),
    ("hard_copy", "hard_copy"), ("hard-copy", "hard_copy"), ("", ""), ("blank", ""), ("fax", None),
])
def test_stored_value_from_typed_words(typed, expected):
    assert labels.stored("correspondence_type", typed) == expected


def test_stored_contact_type_has_no_blank():
    assert labels.stored("type", "Company") == "company"
    assert labels.stored("type", "") is None


@pytest.mark.parametrize("count, noun, expected", [
    (1, "entry", "1 entry"), (2, "entry", "2 entries"), (0, "entry", "0 entries"), (1, "line", "1 line"),
    (1234, "line", "1,234 lines"), (3, "day", "3 days"), (2, "box", "2 boxes"), (1, "new entry", "1 new entry"),
    (5, "new entry", "5 new entries"), (2, "person", "2 people"),
])
def test_plural(count, noun, expected):
    many = "people" if noun == "person" else None
    assert labels.plural(count, noun, many) == expected
