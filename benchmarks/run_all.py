"""Run every benchmark in ``benchmarks/`` one after the other and print their tables.

Each script measures modwatch beside a reference run in the same script (trafilatura, htmldate,
``sqlite3 .import``, plain Scrapy, plain sqlite-utils) and prints its own figures; this runner
only calls them in turn with their default sizes. The data comes from ``../shared/data``
(or ``$MODWATCH_SHARED``: the ``shared`` folder or its ``data`` folder); benchmarks whose data
is missing are skipped with one line naming the missing folders (exit status 1), the others run.

Usage::

    make bench                                   # all of them
    .venv/bin/python benchmarks/run_all.py dates article_extraction
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchdata import shared_data  # noqa: E402  (benchmarks/ is sys.path[0])

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: benchmark name -> extra arguments (defaults chosen to finish in minutes on 2 cores)
BENCHMARKS: dict[str, list[str]] = {
    "article_extraction": [],
    "trafilatura_eval": [],
    "dates": [],
    "storage": [],
    "tagging": [],
    "dsa_ingest": ["--rows", "1000000"],
    "dsa_download": ["--mib", "512"],
    "distributed_crawl": [],
}


#: benchmark name -> the data it reads, relative to the shared data folder (None: data in the repository)
DATA: dict[str, str | None] = {
    "article_extraction": "article-extraction-benchmark",
    "trafilatura_eval": "trafilatura-eval",
    "dates": "date-benchmark",
    "storage": "article-extraction-benchmark",
    "tagging": "article-extraction-benchmark/ground-truth.json",
    "dsa_ingest": "transparency/dsa_transparency_db",
    "dsa_download": None,
    "distributed_crawl": "date-benchmark/pages",
}




def missing_data(names: list[str]) -> dict[str, str]:
    """Benchmark name -> the path of its data that does not exist, for ``names``."""
    folder = shared_data()
    return {name: str(folder / DATA[name]) for name in names if DATA[name] and not (folder / DATA[name]).exists()}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    missing = missing_data(names)
    if missing:
        folder = shared_data()
        what = (f"no shared data folder {folder}" if not folder.is_dir()
                else ", ".join(p for p in sorted(set(missing.values())) if not any(
                    p.startswith(other + "/") for other in missing.values())))
        print(f"benchmark data not found: {what} (../shared/data or $MODWATCH_SHARED); "
              f"skipped: {', '.join(missing)}", file=sys.stderr)
    failed = []
    for name in (n for n in names if n not in missing):
        print(f"\n=== benchmarks/{name}.py {' '.join(BENCHMARKS[name])}", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *BENCHMARKS[name]], cwd=HERE.parent)
        print(f"=== {name}: exit {result.returncode} after {time.monotonic() - started:.0f} s", flush=True)
        if result.returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
