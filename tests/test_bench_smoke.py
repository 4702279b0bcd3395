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
