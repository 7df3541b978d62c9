"""Run the benchmarks of ``benchmarks/`` one after the other, then print one summary table.

Each script measures modwatch beside a reference doing the same work in the same run
(trafilatura, htmldate, ``sqlite3 .import``, a bare Scrapy spider, plain sqlite-utils), prints
its own figures, and reports its headline figures with ``benchdata.summary``; this runner
collects those rows (through the file named by ``$MODWATCH_BENCH_SUMMARY``) and ends with one
Markdown table: measure, modwatch, reference, ratio, what was compared, under a line with the
date, the machine and the mode. The README quotes that table verbatim.

Two modes: the default (full) sizes, and ``--quick``: smaller inputs, minutes on 2 cores, the
same comparisons. The data comes from ``../shared/data`` (or ``$MODWATCH_SHARED``: the
``shared`` folder or its ``data`` folder); benchmarks whose data is missing are skipped with one
line naming the missing folders (exit status 1), the others run.

Usage::

    make bench                                          # every benchmark, full sizes
    .venv/bin/python benchmarks/run_all.py --quick      # every benchmark, small inputs
    .venv/bin/python benchmarks/run_all.py dates article_extraction

To add a benchmark, append a :class:`Benchmark` to :data:`BENCHMARKS`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from benchdata import SUMMARY_ENV, shared_data  # noqa: E402  (benchmarks/ is sys.path[0])

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass(frozen=True)
class Benchmark:
    """One script of ``benchmarks/``: ``name`` (``benchmarks/<name>.py`` unless ``script``),
    the data it reads relative to the shared data folder (None: data in the repository), and
    its arguments in the full and in the quick mode."""

    name: str
    data: str | None
    full: tuple[str, ...] = ()
    quick: tuple[str, ...] = ()
    script: Path | None = None

    @property
    def path(self) -> Path:
        return self.script or HERE / f"{self.name}.py"


#: every benchmark, in the order they run (full sizes finish in about an hour on 2 free cores)
BENCHMARKS: list[Benchmark] = [
    Benchmark("article_extraction", "article-extraction-benchmark", full=("--repeat", "3"), quick=("--pages", "60")),
    Benchmark("trafilatura_eval", "trafilatura-eval", quick=("--limit", "60")),
    Benchmark("dates", "date-benchmark", quick=("--pages", "250")),
    Benchmark("storage", "article-extraction-benchmark", quick=("--articles", "1000")),
    Benchmark("tagging", "article-extraction-benchmark/ground-truth.json", quick=("--repeat", "1")),
    Benchmark(
        "distributed_crawl",
        "date-benchmark/pages",
        full=("--pages", "999", "--workers", "1"),
        quick=("--pages", "200", "--workers", "1"),
    ),
    Benchmark(
        "dsa_ingest",
        "transparency/dsa_transparency_db",
        full=("--rows", "1000000", "5000000"),
        quick=("--rows", "100000", "--repeat", "1"),
    ),
    Benchmark(
        "dsa_scale",
        "transparency/dsa_transparency_db",
        full=("--sizes", "1000000"),
        quick=("--sizes", "20000", "--repeat", "1"),
    ),
    Benchmark("dsa_download", None, full=("--mib", "512"), quick=("--mib", "64")),
]


def missing_data(benchmarks: list[Benchmark]) -> dict[str, str]:
    """Benchmark name -> the path of its data that does not exist."""
    folder = shared_data()
    return {b.name: str(folder / b.data) for b in benchmarks if b.data and not (folder / b.data).exists()}


def machine() -> str:
    """CPU model, cores, memory and load: the line that says where the figures were measured."""
    model = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in open("/proc/cpuinfo", encoding="utf-8")
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kib = next(
            int(line.split()[1]) for line in open("/proc/meminfo", encoding="utf-8") if line.startswith("MemTotal:")
        )
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return f"{model}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"


def ratio_text(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio:.2f}×"


def table(rows: list[dict]) -> str:
    """The summary rows as one Markdown table (what the README quotes)."""
    lines = ["| measure | modwatch | reference | ratio | what was compared |", "|---|---|---|---|---|"]
    for row in rows:
        cells = [row["measure"], row["modwatch"], row["reference"], ratio_text(row["ratio"]), row["compared"]]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def run(benchmark: Benchmark, quick: bool, summary_file: Path) -> int:
    """Run one benchmark in a subprocess (its output passes through); its exit status."""
    args = benchmark.quick if quick else benchmark.full
    print(f"\n=== benchmarks/{benchmark.path.name} {' '.join(args)}", flush=True)
    started = time.monotonic()
    env = {**os.environ, SUMMARY_ENV: str(summary_file)}
    result = subprocess.run([sys.executable, str(benchmark.path), *args], cwd=ROOT, env=env)
    print(f"=== {benchmark.name}: exit {result.returncode} after {time.monotonic() - started:.0f} s", flush=True)
    return result.returncode


def main(argv: list[str] | None = None, benchmarks: list[Benchmark] | None = None) -> int:
    known = {b.name: b for b in (BENCHMARKS if benchmarks is None else benchmarks)}
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run (default all: {', '.join(known)})")
    parser.add_argument("--quick", action="store_true", help="smaller inputs: minutes instead of an hour")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    chosen = [known[n] for n in args.names] if args.names else list(known.values())
    missing = missing_data(chosen)
    if missing:
        folder = shared_data()
        what = (
            f"no shared data folder {folder}"
            if not folder.is_dir()
            else ", ".join(
                p
                for p in sorted(set(missing.values()))
                if not any(p.startswith(other + "/") for other in missing.values())
            )
        )
        print(
            f"benchmark data not found: {what} (../shared/data or $MODWATCH_SHARED); skipped: {', '.join(missing)}",
            file=sys.stderr,
        )
    to_run = [b for b in chosen if b.name not in missing]
    if not to_run:
        return 1
    started, where = datetime.now(timezone.utc), machine()
    failed, interrupted = [], None
    with tempfile.TemporaryDirectory(prefix="modwatch-bench-") as scratch:
        summary_file = Path(scratch) / "summary.jsonl"
        summary_file.touch()
        for benchmark in to_run:
            try:
                if run(benchmark, args.quick, summary_file):
                    failed.append(benchmark.name)
            except KeyboardInterrupt:  # Ctrl-C: the table of what finished is still printed
                interrupted = benchmark.name
                break
        rows = [json.loads(line) for line in summary_file.read_text(encoding="utf-8").splitlines() if line]
    mode = "quick mode (`run_all.py --quick`)" if args.quick else "full mode (`run_all.py`)"
    if interrupted:
        mode += f", interrupted during {interrupted}"
        failed.append(interrupted)
    print(f"\nSummary, {started:%Y-%m-%d %H:%M} UTC, {mode}, {where}:\n")
    print(table(rows))
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
