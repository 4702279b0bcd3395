"""Rules the suite keeps so that every xdist worker collects the same tests.

pytest-xdist refuses to run when two workers collect different test ids. An id built from
bytes (a zip carries the current time), a temporary path or an object's address differs between
processes or runs: such parameters must be given readable `ids=`.
"""
import re

_UNSTABLE = [
    (re.compile(r"/tmp/|pytest-of-|\bpytest-\d+"), "a temporary path in the id"),
    (re.compile(r"0x[0-9a-f]{6,}"), "a memory address in the id"),
]


def _escaped(data):
    return "".join(chr(b) if 32 <= b < 127 and b != 92 else f"\\x{b:02x}" for b in data)


def unstable_id_reason(nodeid, values=()):
    """Why the parameter part of `nodeid` may differ between runs, or '' when it is fine.
    `values`: the test's parameter values; bytes shown in the id are refused."""
    start = nodeid.find("[")
    if start < 0:
        return ""
    params = nodeid[start + 1:-1]
    for value in values:
        if isinstance(value, (bytes, bytearray)) and value and _escaped(value[:16]) in params:
            return "bytes in the id"
    for pattern, reason in _UNSTABLE:
        if pattern.search(params):
            return reason
    return ""
