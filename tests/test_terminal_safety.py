"""Control characters in stored text are shown as visible escapes in tables and sentences;
JSON output keeps the exact text."""
import pytest

from segtui.cli.output import table
from segtui.text import is_safe, visible

HOSTILE = {
    "clear-screen": "a\x1b[2Jb",
    "osc-title": "x\x1b]0;pwned\x07y",
    "carriage-return": "paid\rUNPAID",
    "newline-tab": "one\ntwo\tthree",
    "c1-csi": "a\x9b31mred",
    "bidi-override": "abc\u202eexe.txt",
    "soh-del": "a\x01b\x7fc",
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_visible_leaves_no_control_character(text):
    shown = visible(text)
    assert is_safe(shown)
    assert all(ch.isprintable() for ch in shown)


def test_visible_keeps_ordinary_text_and_names_what_it_escapes():
    assert visible("Åsa Lindqvist, Malmö – 東京") == "Åsa Lindqvist, Malmö – 東京"
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("one\ntwo\tx") == "one\\ntwo\\tx"
    assert visible("one\ntwo", keep_newlines=True) == "one\ntwo"
    assert visible("abc\u202e") == "abc\\u202e"
    assert visible(None) == "" and visible("a\x00") == "a\\x00"


def test_table_cells_and_headers_are_escaped():
    out = table([{"name\x1b[1m": "a\x1b[2Jb", "n": 1}], max_width=200)
    assert "\x1b" not in out and "a\\x1b[2Jb" in out and "name\\x1b[1m" in out


@pytest.mark.parametrize("key", list(HOSTILE), ids=list(HOSTILE))
def test_segment_description_is_escaped_in_tables_and_exact_in_json(run_cli, key):
    text = HOSTILE[key]
    assert run_cli("init")[0] == 0
    code, created, err = run_cli("segment", "new", "--description", text)
    assert code == 0, err
    assert created["description"] == text  # JSON: exact
    for command in (["segment", "list"], ["segment", "show", created["no"]]):
        code, out, _ = run_cli(*command, json_out=False)
        assert code == 0
        assert visible(text) in out
        assert is_safe(out.replace("\n", ""))
    code, listed, _ = run_cli("segment", "list")
    assert listed[0]["description"] == text


def test_error_messages_escape_what_the_user_typed(run_cli):
    run_cli("init")
    code, _, err = run_cli("segment", "show", "SM\x1b[2J", json_out=False)
    assert code == 1 and "\x1b" not in err
