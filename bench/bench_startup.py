"""Start-up of the command line: one-line commands, timed as a user runs them (a new process each).

    python bench/bench_startup.py [--runs 10] [--json FILE]

Runs `segtui --version`, `segtui segment list --json`, `segtui contacts list --json` and
`segtui criteria list --json` on an empty database, each --runs times in a fresh interpreter
(the `segtui` script of this environment, else `python -m segtui`), next to Python starting
alone, and prints min / median / max seconds (wall, and the CPU the process used, which a busy
machine disturbs less); then the modules `segment list` imported that took longest
(`python -X importtime`). Target: 0.15 s (issue 13, point 4). bench/run.py runs this and puts
the table in bench/RESULTS.md.

Python's compiled bytecode is used as an installed package has it: the runs write it to a
scratch folder (PYTHONPYCACHEPREFIX) after one warm-up, even where PYTHONDONTWRITEBYTECODE is
set; without it every run compiles segtui's sources again (about 50 ms here).
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.15
HEADING = "## Command-line start-up"
COMMANDS = (["--version"], ["segment", "list", "--json"], ["contacts", "list", "--json"],
            ["criteria", "list", "--json"])
PYTHON_ALONE = "python alone (-c pass)"


def segtui_command():
    """What a user types: the environment's `segtui` script when there is one."""
    script = Path(sys.executable).with_name("segtui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "segtui"]


def environment(folder):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(SEGTUI_DB=str(Path(folder) / "empty.db"), SEGTUI_CONFIG=str(Path(folder) / "settings.toml"),
               SEGTUI_DATA_DIR=str(Path(folder) / "data"), PYTHONPYCACHEPREFIX=str(Path(folder) / "pycache"))
    return env


def timed_run(command, env):
    """(wall seconds, CPU seconds of the child) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def slowest_imports(args, env, count=8):
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "segtui", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:count]


def measure(runs=10, log=print):
    """{"runs", "load", "commands": {name: {"wall": [...], "cpu": [...]}}, "imports": [(us, name)]}.
    The commands take turns run by run, so a burst of load falls on all of them alike."""
    folder = tempfile.mkdtemp(prefix="segtui-bench-startup-")
    try:
        env = environment(folder)
        segtui = segtui_command()
        subprocess.run([*segtui, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
        named = {PYTHON_ALONE: [sys.executable, "-c", "pass"]}
        named.update({"segtui " + " ".join(args): [*segtui, *args] for args in COMMANDS})
        for command in named.values():  # warm-up: writes the bytecode
            timed_run(command, env)
        results = {name: {"wall": [], "cpu": []} for name in named}
        load = os.getloadavg()
        for _ in range(runs):
            for name, command in named.items():
                wall, cpu = timed_run(command, env)
                results[name]["wall"].append(wall)
                results[name]["cpu"].append(cpu)
        for name, r in results.items():
            log(f"{name:<34} wall {spread(r['wall'])}  CPU median {statistics.median(r['cpu']):.3f} s")
        imports = slowest_imports(["segment", "list", "--json"], env)
        return {"runs": runs, "load": load, "commands": results, "imports": imports,
                "runner": "segtui script" if len(segtui) == 1 else "python -m segtui"}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def spread(values):
    return " / ".join(f"{v:.3f}" for v in (min(values), statistics.median(values), max(values))) + " s"


# What profiling showed (python -X importtime, cProfile of main()); kept with the table it explains.
PROFILE_NOTE = """What the profile shows (`python -X importtime -m segtui segment list --json`, cProfile of
`segtui.cli.main`, load 1.7-3): Python alone starts in 0.025-0.05 s; then imports: peewee 22-40 ms
(with its own logging, socket, uuid, hashlib, decimal, inspect), the segment services 12-32 ms
(models 6-13 ms, filters 4-8 ms), the settings module 17-20 ms (dataclasses and typing, which the
services would import anyway), the editable install's path finder 10-18 ms (not there in a normal
install). Building the parser of every group took 13 ms in process (85 parsers; argparse looks up a
gettext catalogue for each help text): a command now builds the sub-commands of its own group only
(6 ms for `segment`, 2 ms for a top-level command), and the settings import tomllib, tomli_w and
platformdirs only when they read or write a file. Before and after in one run (load 1.7, 15 runs
each, medians): `--version` 0.052 -> 0.040 s, `segment list --json` 0.141 -> 0.128 s, `criteria
list --json` 0.143 -> 0.117 s. Without compiled bytecode (PYTHONDONTWRITEBYTECODE, set in this
machine's shells) every run compiles segtui's sources again, about 50 ms more: the bench uses
bytecode as an installed package has it. Where a median misses, the machine's other work shows in
Python alone (its median against its fastest run); what is left of ours is importing what the
command uses: peewee, the models module (34 peewee models, 6-13 ms) and the segment services,
whose package loads all its parts (undo history, filters, statements, lines) for a listing. Those
are the places for further cuts; with the other cores busy, the median stays above 0.15 s."""


def section(result, when, machine_line):
    """The markdown section bench/run.py puts in bench/RESULTS.md."""
    commands = result["commands"]
    alone = statistics.median(commands[PYTHON_ALONE]["wall"])
    lines = [
        HEADING, "",
        f"Measured by `bench/bench_startup.py` on {when}: {machine_line}. Each command {result['runs']} times "
        f"in a new process ({result['runner']}, compiled bytecode, an empty database), the commands taking "
        f"turns; load before {', '.join(f'{x:.1f}' for x in result['load'])}. CPU: what the process used "
        "(less disturbed by other work than the wall time).",
        "",
        "| command | wall min / median / max | CPU median | median less Python alone | target | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, r in commands.items():
        median = statistics.median(r["wall"])
        if name == PYTHON_ALONE:
            lines.append(f"| {name} | {spread(r['wall'])} | {statistics.median(r['cpu']):.3f} s | | | |")
            continue
        verdict = ("met" if median <= TARGET else
                   "missed at this load (the fastest run met it)" if min(r["wall"]) <= TARGET else "missed")
        lines.append(f"| `{name}` | {spread(r['wall'])} | {statistics.median(r['cpu']):.3f} s | "
                     f"{median - alone:.3f} s | ≤ {TARGET} s | {verdict} |")
    lines += ["", "Slowest imports of `segment list --json` (cumulative): "
              + ", ".join(f"{name.strip()} {us / 1000:.1f} ms" for us, name in result["imports"]) + ".",
              "", PROFILE_NOTE, ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", help="also write the figures to this file (bench/run.py reads it)")
    args = parser.parse_args(argv)
    result = measure(args.runs)
    print("slowest imports of `segment list --json` (cumulative microseconds):")
    for micros, name in result["imports"]:
        print(f"  {micros:>8}  {name}")
    if args.json:
        Path(args.json).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
