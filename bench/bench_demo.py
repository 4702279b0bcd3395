"""How long demo data takes, next to a raw sqlite3 insert of as many plain rows.

    python bench/bench_demo.py                 # 2000, 100000 and 1000000 contacts
    python bench/bench_demo.py 2000 100000     # chosen sizes

For each size: fill_demo on a fresh SQLite file (wall and CPU seconds), then a raw sqlite3
executemany of the same number of 25-column rows into an index-free table in one transaction
(the floor for writing that many rows), and the ratio demo / raw. The ratio is what to compare
between runs: both sides slow down alike when the machine is busy.
"""
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from segtui import db as dbmod
from segtui.services import demo


def bench_demo(directory, contacts):
    path = Path(directory) / f"demo_{contacts}.db"
    database = dbmod.open_database(str(path))
    dbmod.init_database()
    cpu, wall = time.process_time(), time.perf_counter()
    result = demo.fill_demo(contacts=contacts, seed=1)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    database.close()
    size = sum(p.stat().st_size for p in Path(directory).glob(f"demo_{contacts}.db*"))
    return wall, cpu, result, size


def bench_raw(directory, rows):
    """The same number of plain rows with sqlite3 executemany, same pragmas, one transaction."""
    path = Path(directory) / f"raw_{rows}.db"
    con = sqlite3.connect(str(path), isolation_level=None)
    for pragma, value in dbmod.SQLITE_PRAGMAS.items():
        con.execute(f"PRAGMA {pragma} = {value}")
    columns = demo.CONTACT_COLUMNS
    con.execute(f"CREATE TABLE plain ({', '.join(c + ' TEXT' for c in columns)})")
    values = ("person", "Anna Müller", "Anna", "Müller", "CT000001", "Müller & Partner GmbH",
              "ANNA MÜLLER", "Hauptstraße 12", "", "10115", "Berlin", "", "DE", "+49 30 1234567", "",
              "anna.mueller@example.com", "DEU", "AK", "DACH", "email", 0, "Buyer",
              "2024-01-01 09:00:00", "2024-01-01 09:00:00")
    started = time.perf_counter()
    con.execute("BEGIN")
    con.executemany(f"INSERT INTO plain VALUES ({', '.join('?' * len(columns))})",
                    ((f"CT{i:06d}",) + values for i in range(1, rows + 1)))
    con.execute("COMMIT")
    seconds = time.perf_counter() - started
    con.close()
    return seconds


def main(sizes):
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    print(f"{'contacts':>10} {'demo s':>8} {'cpu s':>8} {'raw s':>8} {'ratio':>6} {'MB':>6}  links")
    with tempfile.TemporaryDirectory(prefix="segtui-bench-") as directory:
        for contacts in sizes:
            wall, cpu, result, size = bench_demo(directory, contacts)
            raw = bench_raw(directory, contacts)
            links = sum(v for k, v in result.items() if k.endswith("_links"))
            print(f"{contacts:>10} {wall:>8.2f} {cpu:>8.2f} {raw:>8.2f} {wall / raw:>6.1f} "
                  f"{size / 1e6:>6.0f}  {links}", flush=True)
            for p in Path(directory).glob("*.db*"):
                p.unlink()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000, 100_000, 1_000_000])
