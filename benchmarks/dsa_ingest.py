"""Benchmark: ingest a synthetic EU DSA daily dump through modwatch vs ``sqlite3``'s ``.import``.

The synthetic day repeats the 33 real sample rows of both schemas (2024 v1 and 2025 v2 sample
CSVs from ``../shared/data/transparency/dsa_transparency_db/``, or ``$MODWATCH_SHARED``) with
fresh uuids until it has ``--rows`` statements, written as

- one CSV (header = the v2 columns; v1 rows get an empty ``content_id_ean``), and
- the nested zip layout of the real dumps (outer zip of ``.csv.zip`` parts of 100,000 rows).

Each measurement runs in its own subprocess so that peak RSS (``resource.getrusage``
``ru_maxrss`` of the child) belongs to that run only:

- ``modwatch csv``: ``db.dsa.load_dump`` of the CSV into a fresh database made by ``db.connect``
- ``modwatch zip``: the same from the nested zip (the real download format)
- ``sqlite3 .import``: the Debian ``sqlite3`` shell importing the same CSV into a new table
  (no indexes, no de-duplication, no validation: the reference, not an equivalent)

Two sizes (``--rows`` and ``--rows // 4``) show whether memory grows with the file size.
Target (issue 7): modwatch >= 50 % of ``.import`` rows/s and flat peak RSS.

Each measurement runs ``--repeat`` times (interleaved) and the fastest is shown. Rates are given
by wall-clock time and by CPU time (user + system of the measured process): on a shared machine
the CPU-time ratio is the steadier comparison.

Figures (``--rows 250000 --repeat 2``, 2-core shared machine, 2026-11-29; fastest of 2)::

    250,000 statements (CSV 260 MiB)  rows/s    rows/CPU-s  peak RSS   wall / CPU ratio to .import
    sqlite3 .import (ref)             91,167    96,788       11 MiB
    modwatch csv, before              42,895    49,872      122 MiB    49 % / 52 %
    modwatch csv, after               59,128    61,770      111 MiB    65 % / 64 %
    modwatch zip, before              30,228    47,174      141 MiB    35 % / 49 %
    modwatch zip, after               55,169    57,150      129 MiB    61 % / 59 %
    (62,500 statements, after: csv 67 % / 63 %, zip 61 % / 60 %; peak RSS 111 / 116 MiB)
    (1,000,000 statements, 1,039 MiB CSV, ``--rows 1000000 --repeat 1``, after: csv 60,055
    rows/s = 64 % / 64 %, zip 56,657 rows/s = 60 % / 60 %; peak RSS 111 / 131 MiB, as at 250,000)

"before" wrote through the WAL (every page twice: WAL, then checkpoint) in ``executemany``
batches of 5,000 rows; "after" switches the database to a rollback journal for the load (pages
appended to a growing table are not journaled; since issue 13 the load stays in WAL instead, so
readers are never locked out, at ~25 % more CPU) and uses batches of
200 rows (a 5,000-row batch of ~40 strings a row no longer fits the CPU caches: +12 % CPU).
The rest of the time is ``csv.reader`` (~40 %) and SQLite's insert with the ``uuid`` unique
index (~45 %). Peak RSS is mostly the 64 MiB SQLite page cache of the load; it does not grow
with the file (the zip's inner parts are capped at 100,000 rows).

Usage: ``python benchmarks/dsa_ingest.py [--rows 1000000] [--repeat 2] [--workdir DIR]``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from pathlib import Path

from benchdata import shared_data  # noqa: E402  (benchmarks/ is sys.path[0])

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from modwatch.transparency.dsa import COLUMNS  # noqa: E402

SAMPLES = (
    "sor-global-2024-03-14-full-00000-00000.head29.csv",
    "sor-global-2025-07-01-full-00000-00000.head4.csv",
)
ROWS_PER_PART = 100_000


def shared_dir() -> Path:
    return shared_data() / "transparency" / "dsa_transparency_db"


def sample_rows() -> list[list[str]]:
    """The real sample rows, each mapped onto the v2 column order."""
    rows = []
    for name in SAMPLES:
        with open(shared_dir() / name, encoding="utf-8", newline="") as fh:
            for record in csv.DictReader(fh):
                rows.append([record.get(column, "") for column in COLUMNS])
    return rows


def write_synthetic(csv_path: Path, zip_path: Path, n_rows: int) -> None:
    """Write ``n_rows`` statements (unique uuids) as one CSV and as a nested zip dump.

    Streams: each 100,000-row part goes through a temporary file, so this process stays small
    (its peak RSS would otherwise be inherited by the measured child processes on Linux).
    """
    rows = sample_rows()
    stem = zip_path.name.removesuffix(".zip")
    with open(csv_path, "w", encoding="utf-8", newline="") as out, \
            zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as outer:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for part, first in enumerate(range(0, n_rows, ROWS_PER_PART)):
            with tempfile.TemporaryFile() as inner_file:
                with zipfile.ZipFile(inner_file, "w", zipfile.ZIP_DEFLATED) as inner, \
                        inner.open(f"{stem}-{part:05d}-00000.csv", "w") as member:
                    text = io.TextIOWrapper(member, encoding="utf-8", newline="")
                    part_writer = csv.writer(text, lineterminator="\n")
                    part_writer.writerow(COLUMNS)
                    for i in range(first, min(first + ROWS_PER_PART, n_rows)):
                        row = list(rows[i % len(rows)])
                        row[0] = str(uuid.UUID(int=i + 1))
                        writer.writerow(row)
                        part_writer.writerow(row)
                    text.flush()
                    text.detach()
                inner_file.seek(0)
                with outer.open(f"{stem}-{part:05d}.csv.zip", "w") as target:
                    shutil.copyfileobj(inner_file, target)


# ---------------------------------------------------------------------------------------------
# measured runs (each in a child process)

CHILD_MODWATCH = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import db
from db.dsa import load_dump
path, db_path = sys.argv[2], sys.argv[3]
database = db.connect(db_path)
database.execute("PRAGMA synchronous = NORMAL")
start, cpu_start = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
with open(path, "rb") as fh:
    result = load_dump(database, fh, url="file://" + path, name=path.rsplit("/", 1)[-1],
                       fetched_at="2026-01-01T00:00:00Z")
seconds = time.perf_counter() - start
cpu_end = resource.getrusage(resource.RUSAGE_SELF)
cpu = (cpu_end.ru_utime + cpu_end.ru_stime) - (cpu_start.ru_utime + cpu_start.ru_stime)
# VmHWM: this process image's own peak RSS (ru_maxrss would include the parent's peak on Linux)
peak = next((int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")),
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "rows": result["rows_stored"], "peak_rss_kib": peak}))
"""


def run_modwatch(path: Path, db_path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD_MODWATCH, str(ROOT), str(path), str(db_path)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


CHILD_SQLITE = r"""
import json, resource, subprocess, sys, time
sqlite3, db_path, script = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
out = subprocess.run([sqlite3, db_path], input=script, check=True, capture_output=True, text=True)
seconds = time.perf_counter() - start
# this small wrapper's only child is the sqlite3 shell
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "rows": int(out.stdout.strip().splitlines()[-1]), "peak_rss_kib": usage.ru_maxrss}))
"""


def run_sqlite_import(csv_path: Path, db_path: Path) -> dict:
    sqlite3 = shutil.which("sqlite3")
    if not sqlite3:
        raise SystemExit("sqlite3 shell not found (Debian package sqlite3; .ci/run installs it)")
    script = f".mode csv\n.import {csv_path} statements_of_reasons\nselect count(*) from statements_of_reasons;\n"
    out = subprocess.run([sys.executable, "-c", CHILD_SQLITE, sqlite3, str(db_path), script],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(label: str, result: dict, reference: dict | None = None) -> str:
    """One line: rows, wall and CPU seconds, rows/s by wall and by CPU time, peak RSS, ratios."""
    rate, cpu_rate = result["rows"] / result["seconds"], result["rows"] / result["cpu_seconds"]
    line = (f"{label:<24} {result['rows']:>9,} rows {result['seconds']:>7.1f} s wall {result['cpu_seconds']:>7.1f} s CPU"
            f" {rate:>8,.0f} rows/s {cpu_rate:>8,.0f} rows/CPU-s  peak RSS {result['peak_rss_kib'] / 1024:>6.1f} MiB")
    if reference:
        line += (f"  = {rate / (reference['rows'] / reference['seconds']):.0%} (wall),"
                 f" {cpu_rate / (reference['rows'] / reference['cpu_seconds']):.0%} (CPU) of .import")
    return line


def best(runs: list[dict]) -> dict:
    """The fastest (wall) of repeated runs; the CPU time and RSS of that run."""
    return min(runs, key=lambda r: r["seconds"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="statements in the large day")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temp dir)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each measurement; the fastest is shown")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dsa-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        sizes = [args.rows // 4, args.rows]
        print(f"synthetic DSA days from {len(sample_rows())} real rows; scratch {workdir}")
        for n_rows in sizes:
            csv_path = workdir / f"sor-global-2099-01-01-full-{n_rows}.csv"
            zip_path = workdir / f"sor-global-2099-01-01-full-{n_rows}.zip"
            write_synthetic(csv_path, zip_path, n_rows)
            print(f"\n{n_rows:,} statements: CSV {csv_path.stat().st_size / 2**20:,.0f} MiB, "
                  f"nested zip {zip_path.stat().st_size / 2**20:,.0f} MiB")
            runs = {"import": [], "csv": [], "zip": []}
            for _ in range(args.repeat):  # interleaved, so a busy moment of the machine hits all three
                for kind, run in (("import", lambda db: run_sqlite_import(csv_path, db)),
                                  ("csv", lambda db: run_modwatch(csv_path, db)),
                                  ("zip", lambda db: run_modwatch(zip_path, db))):
                    db_path = workdir / f"{kind}-{n_rows}.db"
                    runs[kind].append(run(db_path))
                    for path in workdir.glob(f"{kind}-{n_rows}.db*"):
                        path.unlink()
            reference = best(runs["import"])
            print(report("sqlite3 .import (ref)", reference))
            print(report("modwatch load_dump csv", best(runs["csv"]), reference))
            print(report("modwatch load_dump zip", best(runs["zip"]), reference))
            csv_path.unlink()
            zip_path.unlink()
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
