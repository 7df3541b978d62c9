"""Benchmark: ``python -m modwatch dsa-load`` end to end vs ``sqlite3``'s ``.import``, same CSV.

The synthetic day repeats the 33 real sample rows of both schemas (2024 v1 and 2025 v2 sample
CSVs from ``../shared/data/transparency/dsa_transparency_db/``, or ``$MODWATCH_SHARED``) with
random uuid4 ids, as the real dumps have (seeded, so every run writes the same file), until it
has ``--rows`` statements, written as one CSV (header = the v2 columns; v1 rows get an empty
``content_id_ean``) and, with ``--zip``, also in the nested zip layout of the real dumps (outer
zip of ``.csv.zip`` parts of 100,000 rows).

Each measurement is one command a user runs, in its own process, timed from its start to its
exit (Python start-up and imports included) with its CPU time (user + system) and peak RSS:

- ``modwatch dsa-load``: ``python -m modwatch dsa-load DAY.csv --db NEW.db``: migrations,
  validation, de-duplication by uuid, provenance, then the search index of the new statements;
- ``modwatch dsa-load zip`` (``--zip``): the same command on the nested zip (the download format);
- ``sqlite3 .import``: the Debian ``sqlite3`` shell, ``.import DAY.csv`` into a new table (no
  indexes, no de-duplication, no validation, no search index: the floor, not an equivalent).

Each size is measured ``--repeat`` times (interleaved) and the fastest run is shown. Rates are
given by wall-clock time and by CPU time; on a shared machine the CPU ratio is the steadier one.
The ratio falls as the table grows: each insert walks the ``uuid`` unique index, whose random
keys touch pages all over it once it no longer fits the page cache.

Figures: see the README (``benchmarks/run_all.py`` summary table).

The load stays in WAL mode (issue 13), so readers of the database are never locked out while
statements are added, at ~25 % more CPU than a rollback-journal load (issue 13's measurement).

Usage: ``python benchmarks/dsa_ingest.py [--rows 1000000 5000000] [--repeat 1] [--zip] [--workdir DIR]``
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from pathlib import Path

from benchdata import same_work, shared_data, summary  # noqa: E402  (benchmarks/ is sys.path[0])

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


def write_synthetic(csv_path: Path, zip_path: Path | None, n_rows: int, seed: int = 18) -> None:
    """Write ``n_rows`` statements (random uuid4 ids, seeded) as one CSV and, if ``zip_path``, as a
    nested zip dump with the same rows.

    Streams: rows are written as they are made and each 100,000-row part goes through a temporary
    file, so this process stays small (its peak RSS would otherwise be inherited by the measured
    child processes on Linux).
    """
    rows = sample_rows()
    rng = random.Random(seed)
    with (
        open(csv_path, "w", encoding="utf-8", newline="") as out,
        zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) if zip_path else contextlib.nullcontext() as outer,
    ):
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for part, first in enumerate(range(0, n_rows, ROWS_PER_PART)):
            with _part_writer(outer, f"{csv_path.stem}-{part:05d}") as part_writer:
                for i in range(first, min(first + ROWS_PER_PART, n_rows)):
                    row = list(rows[i % len(rows)])
                    row[0] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                    writer.writerow(row)
                    if part_writer:
                        part_writer.writerow(row)


@contextlib.contextmanager
def _part_writer(outer: zipfile.ZipFile | None, stem: str):
    """A csv writer of one ``<stem>.csv.zip`` part of ``outer`` (header written), through a temporary
    file; None without ``outer``."""
    if outer is None:
        yield None
        return
    with tempfile.TemporaryFile() as inner_file:
        with (
            zipfile.ZipFile(inner_file, "w", zipfile.ZIP_DEFLATED) as inner,
            inner.open(f"{stem}-00000.csv", "w") as member,
        ):
            text = io.TextIOWrapper(member, encoding="utf-8", newline="")
            part_writer = csv.writer(text, lineterminator="\n")
            part_writer.writerow(COLUMNS)
            yield part_writer
            text.flush()
            text.detach()
        inner_file.seek(0)
        with outer.open(f"{stem}.csv.zip", "w") as target:
            shutil.copyfileobj(inner_file, target)


# ---------------------------------------------------------------------------------------------
# measured runs (each in a child process)

# a small wrapper whose only child is the measured command: its RUSAGE_CHILDREN is that command's
CHILD = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
out = subprocess.run(sys.argv[2:], input=sys.argv[1], check=True, capture_output=True, text=True)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "peak_rss_kib": usage.ru_maxrss, "stdout": out.stdout}))
"""


def measure(command: list[str], stdin: str = "") -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, stdin, *command], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_dsa_load(path: Path, db_path: Path) -> dict:
    """``python -m modwatch dsa-load PATH --db DB``, as a user runs it; rows = its ``rows_stored``."""
    result = measure([sys.executable, "-m", "modwatch", "dsa-load", str(path), "--db", str(db_path)])
    loaded = json.loads(result.pop("stdout").strip().splitlines()[-1])
    return {**result, "rows": loaded["rows_stored"], "indexed": loaded.get("indexed_for_search")}


def run_sqlite_import(csv_path: Path, db_path: Path) -> dict:
    sqlite3 = shutil.which("sqlite3")
    if not sqlite3:
        raise SystemExit("sqlite3 shell not found (Debian package sqlite3; .ci/run installs it)")
    script = f".mode csv\n.import {csv_path} statements_of_reasons\nselect count(*) from statements_of_reasons;\n"
    result = measure([sqlite3, str(db_path)], script)
    return {**result, "rows": int(result.pop("stdout").strip().splitlines()[-1])}


def report(label: str, result: dict, reference: dict | None = None) -> str:
    """One line: rows, wall and CPU seconds, rows/s by wall and by CPU time, peak RSS, ratios."""
    rate, cpu_rate = result["rows"] / result["seconds"], result["rows"] / result["cpu_seconds"]
    line = (
        f"{label:<24} {result['rows']:>9,} rows {result['seconds']:>7.1f} s wall {result['cpu_seconds']:>7.1f} s CPU"
        f" {rate:>8,.0f} rows/s {cpu_rate:>8,.0f} rows/CPU-s  peak RSS {result['peak_rss_kib'] / 1024:>6.1f} MiB"
    )
    if reference:
        line += (
            f"  = {rate / (reference['rows'] / reference['seconds']):.0%} (wall),"
            f" {cpu_rate / (reference['rows'] / reference['cpu_seconds']):.0%} (CPU) of .import"
        )
    return line


def ratios(result: dict, reference: dict) -> tuple[float, float]:
    """(wall, CPU) rows/s of ``result`` as a share of ``reference``'s."""
    return (
        reference["seconds"] / result["seconds"] * result["rows"] / reference["rows"],
        reference["cpu_seconds"] / result["cpu_seconds"] * result["rows"] / reference["rows"],
    )


def best(runs: list[dict]) -> dict:
    """The fastest (wall) of repeated runs; the CPU time and RSS of that run."""
    return min(runs, key=lambda r: r["seconds"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000], help="statements per day")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temp dir)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the fastest is shown")
    parser.add_argument("--zip", action="store_true", help="also dsa-load the nested zip of the same rows")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dsa-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        print(f"synthetic DSA days from {len(sample_rows())} real rows, random uuid4 ids; scratch {workdir}")
        same_work(
            "`python -m modwatch dsa-load DAY.csv --db NEW.db` (validate, de-duplicate, provenance, search index)",
            "`sqlite3 NEW.db` `.import DAY.csv` into a bare table; both whole processes, the same CSV file",
        )
        for n_rows in args.rows:
            csv_path = workdir / f"sor-global-2099-01-01-full-{n_rows}.csv"
            zip_path = workdir / f"sor-global-2099-01-01-full-{n_rows}.zip" if args.zip else None
            write_synthetic(csv_path, zip_path, n_rows)
            print(
                f"\n{n_rows:,} statements: CSV {csv_path.stat().st_size / 2**20:,.0f} MiB"
                + (f", nested zip {zip_path.stat().st_size / 2**20:,.0f} MiB" if zip_path else ""),
                flush=True,
            )
            kinds = [
                ("import", lambda db: run_sqlite_import(csv_path, db)),
                ("csv", lambda db: run_dsa_load(csv_path, db)),
            ]
            if zip_path:
                kinds.append(("zip", lambda db: run_dsa_load(zip_path, db)))
            runs: dict[str, list[dict]] = {kind: [] for kind, _ in kinds}
            for _ in range(args.repeat):  # interleaved, so a busy moment of the machine hits every kind
                for kind, run in kinds:
                    db_path = workdir / f"{kind}-{n_rows}.db"
                    runs[kind].append(run(db_path))
                    for path in workdir.glob(f"{kind}-{n_rows}.db*"):
                        path.unlink()
            reference = best(runs["import"])
            print(report("sqlite3 .import (ref)", reference))
            print(report("modwatch dsa-load csv", best(runs["csv"]), reference))
            if zip_path:
                print(report("modwatch dsa-load zip", best(runs["zip"]), reference))
            mine = best(runs["csv"])
            wall, cpu = ratios(mine, reference)
            summary(
                f"DSA ingest, {n_rows:,} statements (random ids)",
                f"{mine['rows'] / mine['seconds']:,.0f} rows/s ({mine['seconds']:.0f} s; CPU {cpu:.0%})",
                f"{reference['rows'] / reference['seconds']:,.0f} rows/s ({reference['seconds']:.0f} s)",
                wall,
                "`python -m modwatch dsa-load DAY.csv` (search index included) vs `sqlite3 .import DAY.csv`, "
                "whole processes, wall-clock",
            )
            csv_path.unlink()
            if zip_path:
                zip_path.unlink()
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
