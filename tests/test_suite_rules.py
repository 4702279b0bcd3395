"""The collection guard catches the ids that made `pytest -n 2` fail before running any test."""
import pytest

from suite_rules import unstable_id_reason


def test_bytes_shown_in_an_id_are_named():
    data = b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x18=\x83]"
    assert "bytes" in unstable_id_reason("tests/test_word.py::t[PK\\x03\\x04\\x14\\x00\\x00\\x00\\x00"
                                         "\\x00\\x18=\\x83]-missing part]", [data, "missing part"])
    assert unstable_id_reason("tests/test_word.py::t[cut-off-zip]", [data, "missing part"]) == ""


@pytest.mark.parametrize("nodeid, reason", [
    ("tests/test_io.py::t[/tmp/pytest-of-root/pytest-7/x.csv]", "temporary path"),
    ("tests/test_a.py::t[<object at 0x7f1535a2b880>]", "memory address"),
], ids=["tmp-path", "address"])
def test_unstable_ids_are_named(nodeid, reason):
    assert reason in unstable_id_reason(nodeid)


@pytest.mark.parametrize("nodeid", [
    "tests/test_word.py::test_corrupt_and_non_docx_files_are_refused_with_a_reason[cut-off-zip]",
    "tests/test_filters.py::test_x[city=@ber*-True]",
    "tests/test_plain.py::test_no_parameters",
], ids=["named", "filter", "plain"])
def test_readable_ids_pass(nodeid):
    assert unstable_id_reason(nodeid) == ""

