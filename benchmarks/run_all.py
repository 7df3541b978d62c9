"""Run every benchmark in ``benchmarks/`` one after the other and print their tables.

Each script measures modwatch beside a reference run in the same script (trafilatura, htmldate,
``sqlite3 .import``, plain Scrapy, plain sqlite-utils) and prints its own figures; this runner
only calls them in turn with their default sizes. The data comes from ``../shared/data``
(or ``$MODWATCH_SHARED``); a benchmark whose data is missing fails with a message naming it.

Usage::

    make bench                                   # all of them
    .venv/bin/python benchmarks/run_all.py dates article_extraction
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: benchmark name -> extra arguments (defaults chosen to finish in minutes on 2 cores)
BENCHMARKS: dict[str, list[str]] = {
    "article_extraction": [],
    "dates": [],
    "storage": [],
    "tagging": [],
    "dsa_ingest": ["--rows", "1000000"],
    "dsa_download": ["--mib", "512"],
    "distributed_crawl": [],
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        print(f"\n=== benchmarks/{name}.py {' '.join(BENCHMARKS[name])}", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *BENCHMARKS[name]], cwd=HERE.parent)
        print(f"=== {name}: exit {result.returncode} after {time.monotonic() - started:.0f} s", flush=True)
        if result.returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
