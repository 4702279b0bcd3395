"""The benchmark runs end to end at 20,000 contacts, as CI runs it (errors fail; timings never do)."""
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_smoke_writes_a_results_table_for_every_operation(tmp_path):
    out = tmp_path / "RESULTS.md"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--out", str(out),
                           "--cache", str(tmp_path / "cache")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    print(f"\nbench --smoke: {time.perf_counter() - started:.0f} s")  # a figure to read, never asserted
    assert "SQLite 3." in done.stdout and "20,000 contacts, 1 run(s)" in done.stdout
    text = out.read_text(encoding="utf-8")
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_ops import OPERATIONS

    for op in OPERATIONS:
        assert f"| {op.name} |" in text
    assert "commit" in text and "| operation | rows |" in text
    # The merge: 50 letters against docx-mailmerge2 alone in the same run, the combined file, sizes.
    merge = text[text.index("## Merge"):]
    assert "| one file each, 1 core | 50 |" in merge and "| one combined file, 1 core | 50 |" in merge
    assert "| one file each, in all |" in merge and "python-docx's default document" in merge
    # Start-up: each one-line command against its target, with the machine, versions and commit.
    startup = text[text.index("## Command-line start-up"):]
    assert "| `segtui segment list --json` |" in startup and "≤ 0.15 s" in startup
    assert "Python 3." in startup and "SQLite 3." in startup and "commit " in startup


def test_a_part_run_alone_replaces_its_own_section_and_keeps_the_others_as_they_are(tmp_path):
    out = tmp_path / "RESULTS.md"
    others = {
        "head": "# segtui benchmark results\n\nWritten by someone else.\n",
        "sqlite": "## SQLite\n\n| operation | rows |\n| add | 1 |\n",
        "sheet": "## Worksheet and Contacts list on a large segment\n\nsheet text kept\n",
        "merge": "## Merge\n\nmerge text kept\n",
        "another": "## A table of someone else's\n\nkept too\n",
    }
    old_startup = "## Command-line start-up\n\nold figures\n"
    out.write_text("\n".join([*others.values(), old_startup]), encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--only", "startup",
                           "--startup-runs", "1", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    for name, kept in others.items():
        assert kept in text, name
    assert "old figures" not in text and "| `segtui --version` |" in text
    assert text.index("## SQLite") < text.index("## Merge") < text.index("## Command-line start-up")


def test_an_unknown_part_is_a_usage_error(tmp_path):
    out = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--only", "merge,speed",
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "unknown part(s) speed" in done.stderr
    assert not out.exists()


def _bench_module(name):
    sys.path.insert(0, str(ROOT / "bench"))
    import importlib

    return importlib.import_module(name)


def test_start_up_is_timed_with_compiled_bytecode_in_a_scratch_folder(tmp_path, monkeypatch):
    # Without bytecode every run would compile segtui's sources again (what no installed package does).
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = _bench_module("bench_startup").environment(tmp_path)
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert Path(env["PYTHONPYCACHEPREFIX"]).parent == tmp_path
    assert Path(env["SEGTUI_DB"]).parent == tmp_path and Path(env["SEGTUI_CONFIG"]).parent == tmp_path


def test_the_start_up_table_says_met_or_missed_by_the_median_against_the_target():
    bench_startup = _bench_module("bench_startup")
    figures = {"runs": 3, "load": (2.0, 2.0, 2.0), "runner": "segtui script", "imports": [(30000, "peewee")],
               "commands": {bench_startup.PYTHON_ALONE: {"wall": [0.03, 0.03, 0.04], "cpu": [0.03] * 3},
                            "segtui --version": {"wall": [0.05, 0.06, 0.07], "cpu": [0.05] * 3},
                            "segtui segment list --json": {"wall": [0.12, 0.2, 0.3], "cpu": [0.1] * 3},
                            "segtui criteria list --json": {"wall": [0.2, 0.2, 0.3], "cpu": [0.1] * 3}}}
    text = bench_startup.section(figures, "2026-01-01 10:00", "a machine, commit abc")
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| `")}
    assert rows["`segtui --version`"].endswith("| met |")
    assert "missed at this load (the fastest run met it)" in rows["`segtui segment list --json`"]
    assert rows["`segtui criteria list --json`"].endswith("| missed |")
    assert "0.120 / 0.200 / 0.300 s" in rows["`segtui segment list --json`"]
    assert "commit abc" in text and "peewee 30.0 ms" in text


def test_the_merge_bench_script_loads_no_segtui_code_when_imported():
    # A worker of the all-cores merge (spawn) imports the script as its main module first.
    code = ("import sys; sys.path.insert(0, 'bench'); import bench_merge; "
            "print(sorted(m for m in sys.modules if m.startswith('segtui')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
