"""Start-up of the command line: a one-line command, timed as a user runs it (a new process).

    python bench/bench_startup.py [--runs 10]

Runs `segtui --version` and `segtui segment list --json` on an empty database, each --runs
times in a fresh interpreter, and prints min / median / max seconds; then the modules the
listing imported that take longest (`python -X importtime`). Target: 0.15 s (issue 13, point 4).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args, env):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "segtui", *args], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def slowest_imports(args, env, count=8):
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "segtui", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:count]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, SEGTUI_DB=str(Path(folder) / "empty.db"),
                   SEGTUI_CONFIG=str(Path(folder) / "settings.toml"), SEGTUI_DATA_DIR=str(Path(folder) / "data"))
        run(["init"], env)
        for command in (["--version"], ["segment", "list", "--json"]):
            times = [run(command, env) for _ in range(args.runs)]
            print(f"segtui {' '.join(command):<22} min {min(times):.3f} s  median {statistics.median(times):.3f} s  "
                  f"max {max(times):.3f} s  ({args.runs} runs)")
        print("slowest imports of `segment list --json` (cumulative microseconds):")
        for micros, name in slowest_imports(["segment", "list", "--json"], env):
            print(f"  {micros:>8}  {name}")


if __name__ == "__main__":
    main()
