"""The benchmark runs end to end on a small demo (errors fail; timings never do)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_run_writes_a_results_table_for_every_operation(tmp_path):
    out = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--contacts", "2000", "--repeat", "1",
                           "--out", str(out), "--cache", str(tmp_path / "cache")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_ops import OPERATIONS

    for op in OPERATIONS:
        assert f"| {op.name} |" in text
    assert "SQLite" in text and "commit" in text and "| operation | rows |" in text
