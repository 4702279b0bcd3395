"""Benchmark: import 100,000 contacts from an Outlook-style CSV.

Prints rows/second for a first import, for a re-import of the same file (every row matched,
nothing changed), and the ratio against a raw sqlite3 executemany of the same contact rows
into an identical table (the floor any import into SQLite can reach), by wall clock and by
CPU time (on a shared machine the wall clock mostly measures the other processes).

    python bench/bench_import.py [--rows 100000]
"""
import argparse
import csv
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from segtui import db as dbmod  # noqa: E402
from segtui.models import Contact  # noqa: E402
from segtui.services import contact_io  # noqa: E402

HEADER = ["First Name", "Last Name", "E-mail Address", "Company", "Job Title", "Business Phone",
          "Mobile Phone", "Business Street", "Business City", "Business Postal Code", "Business Country"]
FIRST = ["Anna", "Lars", "Eva", "Klaus", "Sophie", "Jonas", "Maria", "Peter", "Ingrid", "Åsa"]
LAST = ["Svensson", "Müller", "Martin", "Berg", "Holm", "Nilsson", "O'Neil", "Lindqvist"]
CITIES = [("Stockholm", "Sweden"), ("Berlin", "Germany"), ("Paris", "France"), ("London", "United Kingdom")]


def write_csv(path, rows, seed=1):
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(HEADER)
        for i in range(rows):
            city, country = rnd.choice(CITIES)
            w.writerow([rnd.choice(FIRST), rnd.choice(LAST), f"person{i}@example{i % 97}.com",
                        f"Company {i % 5000}" if i % 10 else "", "Buyer", f"+46 8 {i:07d}", "",
                        f"Street {i % 300}", city, f"{10000 + i % 9000}", country])


def raw_executemany(rows):
    """The same rows written by plain sqlite3 into a same-shaped table, timed."""
    with tempfile.TemporaryDirectory() as tmp:
        con = sqlite3.connect(str(Path(tmp) / "raw.db"))
        con.execute("PRAGMA journal_mode=wal")
        con.execute("PRAGMA synchronous=normal")
        cols = ", ".join(f'"{c}"' for c in rows[0].keys())
        con.execute(f"CREATE TABLE contact ({cols}, PRIMARY KEY(no))")
        for name in ("type", "company_no", "city", "post_code", "country_code", "salesperson_code",
                     "name", "email"):
            con.execute(f"CREATE INDEX ix_{name} ON contact({name})")
        con.execute("CREATE INDEX ix_cc ON contact(company_name, company_no, type, name)")
        marks = ", ".join("?" for _ in rows[0])
        data = [tuple(r.values()) for r in rows]
        start, cpu = time.perf_counter(), time.process_time()
        with con:
            con.executemany(f"INSERT INTO contact VALUES ({marks})", data)
        elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - cpu
        con.close()
    return elapsed, elapsed_cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "contacts.csv"
        write_csv(source, args.rows)
        dbmod.open_database(str(Path(tmp) / "bench.db"))
        dbmod.init_database()

        start, cpu = time.perf_counter(), time.process_time()
        result = contact_io.import_contacts(source)
        first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()
        again = contact_io.import_contacts(source)
        second, second_cpu = time.perf_counter() - start, time.process_time() - cpu

        rows = [dict(r) for r in Contact.select().dicts()]
        for r in rows:
            r["created_at"] = str(r["created_at"])
            r["modified_at"] = str(r["modified_at"])
        raw, raw_cpu = raw_executemany(rows)
        out = Path(tmp) / "export.csv"
        start = time.perf_counter()
        exported = contact_io.export_contacts(out)
        export_s = time.perf_counter() - start

    print(f"rows in file:          {args.rows}  (wall clock; CPU seconds in brackets, steadier on a busy machine)")
    print(f"first import:          {first:.2f} s [{first_cpu:.2f}] = {args.rows / first:,.0f} rows/s  "
          f"(new contacts {result['imported']}, of which companies {result['companies']})")
    print(f"re-import (no change): {second:.2f} s [{second_cpu:.2f}] = {args.rows / second:,.0f} rows/s  "
          f"(imported {again['imported']}, updated {again['updated']}, unchanged {again['unchanged']})")
    print(f"raw sqlite3 executemany of the same {len(rows)} contact rows: {raw:.2f} s [{raw_cpu:.2f}] "
          f"= {len(rows) / raw:,.0f} rows/s")
    print(f"ratio first import / raw executemany: {first / raw:.1f}x wall, {first_cpu / raw_cpu:.1f}x CPU")
    print(f"by CPU time (the machine's load left out): first import {args.rows / first_cpu:,.0f} rows/s, "
          f"re-import {args.rows / second_cpu:,.0f} rows/s; targets (issue 9): >= 25,000 rows/s, within 2x of "
          f"raw executemany")
    print(f"export CSV:            {export_s:.2f} s for {exported['exported']} contacts")

if __name__ == "__main__":
    main()
