"""The crawl command's summary: what each crawl run saw, the table printed at the end, the last error of a log."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cli.crawl import SpiderRun


def seen_count(row: dict) -> int:
    """What a run saw: items scraped that were not rejects (``modwatch/rejected_items``: a 404
    page is a RejectItem) plus unchanged article pages skipped (``modwatch/unchanged``)."""
    return data_items(row) + int(row.get("stats", {}).get("modwatch/unchanged", 0) or 0)


def data_items(row: dict) -> int:
    """Items scraped minus those stored as rejects (``modwatch/rejected_items``)."""
    rejected = int(row.get("stats", {}).get("modwatch/rejected_items", 0) or 0)
    return max((row.get("items_scraped") or 0) - rejected, 0)


#: crawler stats counting the rows a run stored (articles, notices, removal-request rows, statements of reasons,
#: URL checks): a Lumen results page is one item holding up to 20 notices, a transparency file one item of thousands
STORED_STATS = (
    "modwatch/articles",
    "modwatch/notices",
    "modwatch/removal_rows",
    "modwatch/statements_of_reasons",
    "modwatch/url_checks",
)


def stored_rows(row: dict) -> int:
    """Rows the run stored (:data:`STORED_STATS`)."""
    stats = row.get("stats", {})
    return sum(int(stats.get(name, 0) or 0) for name in STORED_STATS)


_ERROR_LINE = re.compile(r"^\S+ \S+ \[[^\]]+\] (?:ERROR|CRITICAL): (.+)$")


def last_error(log_file: Path) -> str | None:
    """The message of the last ERROR/CRITICAL line of a Scrapy log file (first line of it), or None."""
    try:
        lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    messages = [m[1] for m in map(_ERROR_LINE.match, lines) if m]
    return messages[-1] if messages else None


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def _shown_path(path: Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def summary_table(runs: list[SpiderRun]) -> str:
    """The summary printed at the end: one line per spider run, problems indented below, then the
    datasets each run loaded with their copy kind and newest period."""
    from modwatch.transparency.copies import LABELS

    header = ("spider", "status", "items", "stored", "unchanged", "errors", "rejects", "duration", "run", "log")
    rows = []
    for run in runs:
        row = run.row or {}
        rows.append(
            (
                run.spider,
                run.status,
                str(data_items(row)),
                str(stored_rows(row)),
                str(int(row.get("stats", {}).get("modwatch/unchanged", 0) or 0)),
                str(row.get("errors") or 0),
                str(row.get("rejects") or 0),
                _duration(run.duration),
                str(row.get("id", "-")),
                _shown_path(run.log_file) if run.log_file else "-",
            )
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in [header, *rows]]
    for run in runs:
        lines += [f"  {run.spider}: {problem}" for problem in run.problems]
    for run in runs:
        lines += [
            f"  {run.spider}: dataset {d['id']} {d['source']} ({d['status']}): "
            f"{LABELS.get(d['copy_kind'], d['copy_kind'] or 'copy kind unknown')}, "
            f"newest period {d['newest_period'] or 'none'}"
            + (f"; {d['notes'].splitlines()[0]}" if d.get("notes") else "")
            for d in run.datasets
        ]
    return "\n".join(lines)
