"""One user of the load test (tests/test_load.py): mixed segment work through the real command
line for a number of seconds, then a JSON summary of what it did and every error it met.

Usage: python load_worker.py SECONDS SEED [SHARED_SEGMENT_NO]   (SEGTUI_DB names the database)
"""
import io
import json
import random
import sys
import time
from contextlib import redirect_stderr, redirect_stdout

from segtui.cli import main

CITIES = ["Dresden", "Bremen", "Bruxelles", "Basel", "Hamburg", "Berlin", "Wien", "Paris"]


def call(summary, *args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([*map(str, args), "--json"])
    summary["ops"] += 1
    summary["codes"][str(code)] = summary["codes"].get(str(code), 0) + 1
    text = err.getvalue()
    if code != 0 or "Traceback" in text or "locked" in text.lower():
        summary["errors"].append({"command": list(map(str, args)), "code": code, "stderr": text[-500:]})
        return None
    return json.loads(out.getvalue())


def cycle(summary, rng):
    """A segment from start to end: new, add, reduce or refine, go back, edit a line, log or delete."""
    header = call(summary, "segment", "new", "--description", f"load {rng.random():.6f}", "--template", "PHONE",
                  "--salesperson", "AK")
    if header is None:
        return
    no = header["no"]
    summary["created"] += 1
    for city in rng.sample(CITIES, 2):
        call(summary, "segment", "add", no, "--filter", f"city={city}")
    if rng.random() < 0.5:
        call(summary, "segment", "reduce", no, "--filter", f"city={rng.choice(CITIES)}")
    if rng.random() < 0.5:
        call(summary, "segment", "go-back", no)
    lines = call(summary, "segment", "lines", no, "--limit", 5) or []
    if lines:
        line = rng.choice(lines)
        call(summary, "segment", "set-line", no, line["line_no"], "description=edited",
             "--if-version", line["version"])
    call(summary, "segment", "list")
    shown = call(summary, "segment", "show", no)
    if shown is None:
        return
    if shown["no_of_lines"] and rng.random() < 0.7:  # an empty segment cannot be logged
        logged = call(summary, "segment", "log", no)
        if logged is not None:
            summary["logged"] += 1
            summary["entries"] += logged["interactions"]
            summary["lines_at_log"] += shown["no_of_lines"]
    elif call(summary, "segment", "delete", no) is not None:
        summary["deleted"] += 1


def shared(summary, rng, no):
    """Work on the one segment every user shares: adding and reducing take turns, never fail."""
    if rng.random() < 0.6:
        call(summary, "segment", "add", no, "--filter", f"city={rng.choice(CITIES)}")
    else:
        call(summary, "segment", "reduce", no, "--filter", f"city={rng.choice(CITIES)}")
    summary["shared"] += 1


def run(seconds, seed, shared_no=None):
    rng = random.Random(seed)
    summary = {"ops": 0, "codes": {}, "errors": [], "created": 0, "logged": 0, "deleted": 0, "entries": 0,
               "lines_at_log": 0, "shared": 0}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        cycle(summary, rng)
        if shared_no:
            shared(summary, rng, shared_no)
    return summary


if __name__ == "__main__":
    print(json.dumps(run(float(sys.argv[1]), int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None)))
