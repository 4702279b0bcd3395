"""segtui's speed, all of it: set operations, merge and start-up; writes bench/RESULTS.md.

    python bench/run.py                              # 100,000 contacts, 3 runs; merge; start-up
    python bench/run.py --contacts 100000 --pg postgresql://user@host/db   # and a PostgreSQL table
    python bench/run.py --smoke                      # 20,000 contacts, 50 letters, 3 start-ups (CI)
    python bench/run.py --worksheet                  # and the worksheet on 1,000,000 lines (bench_worksheet.py)
    python bench/run.py --only merge,startup         # only those; the file's other sections are kept

Parts (--only, default operations,merge,startup; --worksheet adds worksheet), each its own
section of the results file; a part not run keeps the section the file has:
  operations  the set operations against raw SQL (the head of the file and its SQLite/PostgreSQL tables)
  merge       bench_merge.py: 1,000 letters one file each on one core against docx-mailmerge2 alone
              in the same run (target 1.1x), on all cores, one combined file (target 1 s), sizes
  startup     bench_startup.py: one-line commands in a new process each, min/median/max
              (target 0.15 s)
  worksheet   bench_worksheet.py

For each operation: segtui's own service call (in process, so without the command line's
start-up), and a raw sqlite3 / psycopg2 statement that writes the same rows into segtui's own
tables and indexes (an INSERT ... SELECT of the lines, a DELETE ... WHERE of the same lines),
run alternately on the same database. The table gives min / median / max of each, the ratio
of the medians and the ratio of the fastest runs (the least disturbed by other work on a shared
machine). The demo database is built once per size and seed and kept in the cache folder.
Timings are figures to read, never a pass/fail: the machine may be busy (its load is written too).
A PostgreSQL database given with --pg is emptied and filled with the demo first.
"""
import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bench_startup  # noqa: E402
import bench_worksheet  # noqa: E402
from bench_ops import OPERATIONS, STATEMENT_BOUND_S, Setting, Unavailable  # noqa: E402

NOTES = Path(__file__).with_name("notes.md")
PARTS = ("operations", "merge", "startup", "worksheet")
MERGE_HEADING = "## Merge"  # bench_merge.HEADING (not imported here: it loads the Word modules)


def split_sections(text):
    """{heading: text} of a results file; the part before the first "## " heading is under ""."""
    out, heading, lines = {}, "", []
    for line in text.splitlines():
        if line.startswith("## "):
            out[heading] = "\n".join(lines).rstrip() + "\n"
            heading, lines = line, []
        lines.append(line)
    out[heading] = "\n".join(lines).rstrip() + "\n"
    return out


def kept(sections, prefix):
    """The sections of the file whose heading starts with `prefix`, as they are."""
    return [text for heading, text in sections.items() if heading.startswith(prefix) and heading]


def measure_merge(letters, repeat, when, machine_line, log):
    """bench_merge.py in a process of its own (it opens its own database), then its section."""
    with tempfile.TemporaryDirectory() as folder:
        figures = Path(folder) / "merge.json"
        subprocess.run([sys.executable, str(Path(__file__).with_name("bench_merge.py")), "--merge-only",
                        "--contacts", str(letters), "--repeat", str(repeat), "--json", str(figures)],
                       check=True)
        import bench_merge  # here: it loads segtui's Word modules

        return bench_merge.section(json.loads(figures.read_text(encoding="utf-8")), when, machine_line)


def median_ratio(ours, raw):
    if not raw or statistics.median(raw) <= 0:
        return None
    return statistics.median(ours) / statistics.median(raw)


def fmt(values, ms=False):
    if not values:
        return "n/a"
    scale, unit = (1000, " ms") if ms else (1, " s")
    parts = [min(values), statistics.median(values), max(values)]
    digits = 2 if ms else 3
    return " / ".join(f"{v * scale:.{digits}f}" for v in parts) + unit


def run_backend(setting, repeat, log):
    """{operation name: {"rows": n, "ours": [s...], "raw": [s...], "ms": bool}} over `repeat` runs."""
    results = {}
    for run in range(repeat):
        state = {}
        for op in OPERATIONS:
            if setting.kind == "postgresql" and op.sqlite_only:
                continue
            try:
                ours, raw, rows = op.run(setting, state, run)
            except Unavailable as exc:
                log(f"  {op.name}: skipped ({exc})")
                continue
            except Exception as exc:
                if "statement timeout" in str(exc):
                    raise SystemExit(f"{op.name}: a statement ran past the time bound of "
                                     f"{STATEMENT_BOUND_S} s on {setting.kind}: {exc}") from exc
                raise
            entry = results.setdefault(op.name, {"rows": rows, "ours": [], "raw": [], "ms": op.ms})
            entry["ours"].append(ours)
            if raw is not None:
                entry["raw"].append(raw)
            entry["rows"] = rows
            log(f"  run {run + 1}/{repeat} {op.name:<44} {rows:>9,} rows  ours {ours:8.4f} s"
                + (f"  raw {raw:8.4f} s" if raw is not None else ""))
    return results


def min_ratio(ours, raw):
    """Fastest against fastest: on a shared machine the run least disturbed by others' load."""
    if not raw or min(raw) <= 0:
        return None
    return min(ours) / min(raw)


def table(results, raw_name, compare=None, bound=None):
    head = f"| operation | rows | segtui min / median / max | raw {raw_name} median | ratio | ratio of mins |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if compare is not None:
        head += " to SQLite |"
        rule += "---:|"
    lines = [head, rule]
    for name, r in results.items():
        ratio = median_ratio(r["ours"], r["raw"])
        raw = f"{statistics.median(r['raw']) * (1000 if r['ms'] else 1):.{2 if r['ms'] else 3}f}" \
            f"{' ms' if r['ms'] else ' s'}" if r["raw"] else "n/a"
        text = f"{ratio:.2f}" if ratio is not None else "n/a"
        if bound and ratio is not None and ratio > bound:
            text += " (over " + f"{bound}" + ")"
        fastest = min_ratio(r["ours"], r["raw"])
        row = (f"| {name} | {r['rows']:,} | {fmt(r['ours'], r['ms'])} | {raw} | {text} | "
               f"{f'{fastest:.2f}' if fastest is not None else 'n/a'} |")
        if compare is not None:
            other = compare.get(name)
            if other and other["ours"]:
                row += f" {statistics.median(r['ours']) / statistics.median(other['ours']):.2f} |"
            else:
                row += " n/a |"
        lines.append(row)
    return "\n".join(lines)


def machine(with_load=True):
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    if not with_load:
        return f"{cpu}, {os.cpu_count()} cores"
    return f"{cpu}, {os.cpu_count()} cores, load {', '.join(f'{x:.1f}' if isinstance(x, float) else x for x in load)}"


def commit():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
        return head + (" (with uncommitted changes)" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_operations(args, cache, log):
    """The set operations on SQLite (and PostgreSQL with --pg): [head of the file, its tables]."""
    work = Path(tempfile.mkdtemp(prefix="segtui-bench-run-"))
    try:
        base = Setting.demo_sqlite(cache, args.contacts, args.seed, log)
        path = work / "bench.db"
        shutil.copy(base, path)
        sqlite_setting = Setting.sqlite(path)
        log(f"SQLite {sqlite3.sqlite_version}, {args.contacts:,} contacts, {args.repeat} run(s)")
        sqlite_results = run_backend(sqlite_setting, args.repeat, log)
        sqlite_setting.close()
        pg_results = pg_version = None
        if args.pg:
            pg_setting = Setting.postgresql(args.pg, args.contacts, args.seed, log)
            pg_version = pg_setting.version
            log(f"PostgreSQL {pg_version}")
            pg_results = run_backend(pg_setting, args.repeat, log)
            pg_setting.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    command = "python bench/run.py " + " ".join(args.argv)
    head = [
        "# segtui benchmark results",
        "",
        # {seconds}: filled in when every part has run.
        f"Written by `{command.strip()}` on {dt.datetime.now():%Y-%m-%d %H:%M} in {{seconds}} s.",
        "",
        f"- machine: {machine()} (shared: only the ratios mean something)",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
        + (f", PostgreSQL {pg_version}" if pg_version else ""),
        f"- commit {commit()}",
        f"- {args.contacts:,} demo contacts (seed {args.seed}), {args.repeat} run(s) of each operation; "
        "segtui's service calls in process against raw SQL writing the same rows into segtui's own tables",
        "",
    ]
    out = ["\n".join(head), "\n".join(["## SQLite", "", table(sqlite_results, "sqlite3", bound=1.3), ""])]
    if pg_results is not None:
        out.append("\n".join(["## PostgreSQL", "", table(pg_results, "psycopg2", compare=sqlite_results, bound=1.5),
                               "", "'to SQLite': segtui on PostgreSQL against segtui on SQLite (issue 16 asks for "
                               "at most 3).", ""]))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000, help="demo contacts (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each operation and of the merge (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg", help="a PostgreSQL URL: also run there (its tables are emptied first)")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")), help="where to write the table")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "segtui-bench"),
                        help="folder that keeps the demo databases between runs")
    parser.add_argument("--smoke", action="store_true",
                        help="20,000 contacts, one run, 50 letters, 3 start-ups; results to a temporary file")
    parser.add_argument("--worksheet", action="store_true",
                        help="also drive the worksheet and the Contacts list on a large segment")
    parser.add_argument("--worksheet-lines", type=int, default=1_000_000,
                        help="lines of that segment and contacts (default 1,000,000; --smoke: 20,000)")
    parser.add_argument("--only", help=f"comma-separated parts to run, of {', '.join(PARTS)} "
                                       "(default all but worksheet); the others keep their sections")
    parser.add_argument("--letters", type=int, default=1000, help="letters merged (default 1,000; --smoke: 50)")
    parser.add_argument("--startup-runs", type=int, default=10,
                        help="runs of each one-line command (default 10; --smoke: 3)")
    args = parser.parse_args(argv)
    args.argv = argv if argv is not None else sys.argv[1:]
    parts = set(PARTS[:3]) | ({"worksheet"} if args.worksheet else set())
    if args.only:
        parts = {part.strip() for part in args.only.split(",") if part.strip()}
        unknown = parts - set(PARTS)
        if unknown:
            parser.error(f"--only: unknown part(s) {', '.join(sorted(unknown))}; the parts are {', '.join(PARTS)}")
        parts |= {"worksheet"} if args.worksheet else set()
    if args.smoke and args.worksheet_lines == parser.get_default("worksheet_lines"):
        args.worksheet_lines = 20_000
    if args.smoke:
        args.contacts, args.repeat = min(args.contacts, 20_000), 1
        args.letters = min(args.letters, 50)
        args.startup_runs = min(args.startup_runs, 3)
        if args.out == parser.get_default("out"):
            args.out = str(Path(tempfile.gettempdir()) / "segtui-bench-smoke.md")

    def log(text):
        print(text, flush=True)

    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    existing = split_sections(Path(args.out).read_text(encoding="utf-8")) if Path(args.out).exists() else {}
    if "operations" in parts:
        operations = run_operations(args, cache, log)
    else:
        operations = [existing.get("", "# segtui benchmark results\n"), *kept(existing, "## SQLite"),
                      *kept(existing, "## PostgreSQL")]
    # The worksheet's section: measured now with --worksheet, else the one the file has is kept.
    sheet_section = (bench_worksheet.measure(cache, args.worksheet_lines, args.repeat, log) if "worksheet" in parts
                     else "".join(kept(existing, bench_worksheet.HEADING)))
    when = f"{dt.datetime.now():%Y-%m-%d %H:%M}"
    machine_line = (f"{machine(with_load=False)}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
                    f"commit {commit()}")
    if "merge" in parts:
        log(f"merge: {args.letters:,} letters, {args.repeat} run(s)")
        merge_section = measure_merge(args.letters, args.repeat, when, machine_line, log)
    else:
        merge_section = "".join(kept(existing, MERGE_HEADING))
    if "startup" in parts:
        log(f"start-up: {args.startup_runs} run(s) of each command")
        startup_section = bench_startup.section(bench_startup.measure(args.startup_runs, log), when, machine_line)
    else:
        startup_section = "".join(kept(existing, bench_startup.HEADING))
    if "operations" in parts:
        operations[0] = operations[0].replace("{seconds}", f"{time.perf_counter() - started:.0f}")

    out = [*(text.rstrip() + "\n" for text in operations)]
    for text in (sheet_section, merge_section, startup_section):
        if text:
            out += [text.rstrip() + "\n"]
    # Sections of the file no part writes (someone else's) stay, before the notes (written anew).
    ours = ("## SQLite", "## PostgreSQL", bench_worksheet.HEADING, MERGE_HEADING, bench_startup.HEADING, "## Notes")
    out += [text.rstrip() + "\n" for heading, text in existing.items() if heading and not heading.startswith(ours)]
    if NOTES.exists():
        out += [NOTES.read_text(encoding="utf-8").strip(), ""]
    Path(args.out).write_text("\n".join(out), encoding="utf-8")
    log(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
