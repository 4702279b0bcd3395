"""Word files within bounds (issue 10, point 5): bombs refused before parsing, memory bounded."""
import io
import os
import random
import struct
import subprocess
import sys
import textwrap
import zipfile

import pytest

from segtui.models import InteractionTemplateAttachment
from segtui.services import templates, word
from docx_build import build, merge, rezip
from word_helpers import make_world

BASE = build([merge("name")])
_DOC = zipfile.ZipFile(io.BytesIO(BASE)).read("word/document.xml").decode()
HEAD, TAIL = _DOC.split("<w:body>")


def _with_body(body, **kw):
    return rezip(BASE, {"word/document.xml": (HEAD + "<w:body>" + body + TAIL).encode()}, **kw)


def _random_paragraphs(size):
    """Paragraphs of hex text: packs only about 2:1, so the ratio bound does not catch it."""
    text = os.urandom(size // 2).hex()
    return "".join(f"<w:p><w:r><w:t>{text[i:i + 4000]}</w:t></w:r></w:p>" for i in range(0, len(text), 4000))


@pytest.fixture
def no_parse(monkeypatch):
    """Fails the test if the merge library is ever asked to parse the file."""
    def refuse(*a, **k):
        raise AssertionError("the file was parsed")
    monkeypatch.setattr(word, "MailMerge", refuse)


def test_a_part_declared_past_50_mb_is_refused_before_parsing(no_parse):
    bomb = _with_body("<w:p/>" + " " * (60 * 1024 * 1024))
    assert len(bomb) < 1024 * 1024
    with pytest.raises(word.NotAWordDocument) as info:
        word.read_fields(bomb, "'bomb.docx'")
    assert "'bomb.docx'" in str(info.value) and "word/document.xml" in str(info.value)
    assert "more than the 50.0 MB allowed a part" in str(info.value)


def test_a_part_packed_more_than_100_to_1_is_refused(no_parse):
    bomb = _with_body("<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 200_000)  # 6.6 MB from a few KB
    with pytest.raises(word.NotAWordDocument) as info:
        word.merge_one(bomb, {"name": "x"})
    assert "more than 100 times its packed size" in str(info.value)


def test_xml_past_25_mb_in_all_is_refused(no_parse):
    data = _with_body(_random_paragraphs(27 * 1024 * 1024))
    with pytest.raises(word.NotAWordDocument) as info:
        word.read_fields(data)
    assert "its XML would unpack to" in str(info.value) and "25.0 MB" in str(info.value)


def test_too_many_elements_are_refused(no_parse):
    rnd = random.Random(7)
    data = _with_body("".join(f'<w:p w:rsidR="{rnd.getrandbits(32):08X}"/>' for _ in range(450_000)))
    with pytest.raises(word.NotAWordDocument) as info:
        word.read_fields(data)
    assert "XML tags" in str(info.value)


def test_a_doctype_is_refused(no_parse):
    data = rezip(BASE, {"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                                             + _DOC.split("?>", 1)[1].encode()})
    with pytest.raises(word.NotAWordDocument) as info:
        word.read_fields(data)
    assert "DOCTYPE" in str(info.value)


def _lie_about_size(data, name, declared):
    """The package with `name`'s uncompressed size written as `declared` in both of its headers."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(name)
        real = info.file_size
    local = info.header_offset
    assert buf[local:local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", buf, local + 22, declared)
    end = buf.rfind(b"PK\x05\x06")
    count, = struct.unpack_from("<H", buf, end + 10)
    central, = struct.unpack_from("<I", buf, end + 16)
    for _ in range(count):
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", buf, central + 28)
        if bytes(buf[central + 46:central + 46 + name_len]) == name.encode():
            struct.pack_into("<I", buf, central + 24, declared)
        central += 46 + name_len + extra_len + comment_len
    assert real > declared
    return bytes(buf)


def test_a_zip_that_lies_about_its_sizes_is_stopped_while_reading(no_parse):
    data = _with_body(_random_paragraphs(3 * 1024 * 1024))
    liar = _lie_about_size(data, "word/document.xml", 2000)
    with zipfile.ZipFile(io.BytesIO(liar)) as z:
        assert z.getinfo("word/document.xml").file_size == 2000  # the declared sizes pass
    with pytest.raises(word.NotAWordDocument) as info:
        word.read_fields(liar, "'liar.docx'")
    assert "'liar.docx'" in str(info.value) and "word/document.xml" in str(info.value)


def test_attaching_a_bomb_changes_nothing(db, tmp_path):
    make_world()
    path = tmp_path / "bomb.docx"
    path.write_bytes(_with_body("<w:p/>" + " " * (60 * 1024 * 1024)))
    with pytest.raises(word.NotAWordDocument):
        templates.attach("LETTER", path)
    assert InteractionTemplateAttachment.select().count() == 0


def test_the_command_line_refuses_a_bomb_with_exit_1_and_a_sentence(db, run_cli, tmp_path):
    make_world()
    path = tmp_path / "bomb.docx"
    path.write_bytes(_with_body("<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 200_000))
    code, out, err = run_cli("template", "attach", "LETTER", str(path), json_out=False)
    assert code == 1 and "100 times its packed size" in err and "Traceback" not in err


def test_an_ordinary_letter_passes_the_bounds():
    word.check_bounds(BASE)
    assert word.read_fields(BASE) == ["name"]


def _largest(shape):
    """The largest file the bounds let through: as many elements, or as much text in as many."""
    z = zipfile.ZipFile(io.BytesIO(BASE))
    other = sum(z.read(n).count(b"<") for n in z.namelist() if n.endswith((".xml", ".rels")))
    budget = word.ELEMENT_LIMIT - other - 1000
    rnd = random.Random(3)
    if shape == "elements":
        body = "".join(f'<w:p w:rsidR="{rnd.getrandbits(32):08X}"/>' for _ in range(budget))
    else:
        n = budget // 6
        per = (word.XML_LIMIT - 2 * 1024 * 1024) // n
        text = rnd.randbytes(per * n // 2 + 1).hex()
        body = "".join(f"<w:p><w:r><w:t>{text[i * per:(i + 1) * per - 40]}</w:t></w:r></w:p>" for i in range(n))
    return _with_body(body)


PEAK = textwrap.dedent("""
    import resource, sys
    from segtui.services import word
    data = open(sys.argv[1], "rb").read()
    fields = word.read_fields(data)
    merged = word.merge_one(data, {"name": "Eve"})
    text = word.document_text(merged)
    # VmHWM is this program's own peak. ru_maxrss is not: Linux keeps the peak of the process it
    # was forked from across exec, so under a busy pytest worker it reported the worker's size.
    try:
        status = open("/proc/self/status").read()
        print(int(status.split("VmHWM:")[1].split()[0]) // 1024)
    except (OSError, IndexError):
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
""")


@pytest.mark.parametrize("shape", ["elements", "text"])
def test_peak_memory_for_the_largest_file_the_bounds_let_through(shape, tmp_path):
    path = tmp_path / "largest.docx"
    path.write_bytes(_largest(shape))  # (the text one packs to about 12 MB: more than the 10 MB promised)
    p = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    peak_mb = int(p.stdout.split()[-1])
    print(f"{shape}: {path.stat().st_size / 1e6:.1f} MB file, peak {peak_mb} MB")
    assert peak_mb < 300
