"""What an export bundle says about counting, citing and spreadsheets (used by :mod:`modwatch.export`).

- :data:`FIGURES_VIEW`: the per-country, per-half-year table that counts each figure once
  (the view ``removal_requests_by_country_period``: current rows with ``counts_in_total = 1``
  summed per platform x country x half-year). It is exported beside ``removal_requests.csv``.
- :func:`how_to_count`: the README section explaining the series of ``removal_requests`` and
  which rows add up.
- :func:`citation`: the README lines naming modwatch's version and every dataset the figures
  come from (source, URL, fetch time, sha256 of the file as downloaded).
- :func:`neutralise`: OWASP's CSV-injection defence for a cell
  (https://owasp.org/www-community/attacks/CSV_Injection): a text cell starting with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so that a spreadsheet
  shows it as text instead of running it as a formula. Numbers stay numbers: integer and real
  values, and text that is a plain decimal number (``-5``, ``+1.5``), are written unchanged.
"""

from __future__ import annotations

import re
import sqlite3
from importlib import metadata

from db.export import FIGURES_VIEW  # the bundle's per-country, per-half-year table

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value):
    """The cell ``value`` as written to a bundle CSV: formula-like text prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def modwatch_version() -> str:
    """The installed modwatch version (``pyproject.toml``), or ``unknown`` outside an install."""
    try:
        return metadata.version("modwatch")
    except metadata.PackageNotFoundError:
        return "unknown"


def how_to_count(used: set[str]) -> list[str]:
    """README lines: the series of ``removal_requests`` and which rows add up."""
    if "removal_requests" not in used and FIGURES_VIEW not in used:
        return []
    return [
        "## How to count removal requests",
        "",
        f'- **Use `{FIGURES_VIEW}.csv`** for "how many requests did country C send to platform P in',
        '  half-year H": one row per platform × country × half-year, each figure counted once (current data,',
        "  one series per platform). `rows_added` says how many `removal_requests` rows it sums, `reports` which",
        "  series, `requests_not_numeric` how many of them had no number (`<10`, `?`, `N/A`).",
        "- `removal_requests.csv` holds **every series** each platform publishes, side by side, and they",
        "  overlap: Google gives per-requester rows (`report` = `google/by_requester`) *and* per product ×",
        "  reason rows (`google/by_product_reason`, a different count that does not reconcile with the first),",
        "  and a historical file covering the same early periods; X gives court orders and other legal",
        "  demands beside their combined total. **Summing every row counts figures twice.**",
        "- The rows that add up to the per-country total are those with `is_current = 1` and",
        "  `counts_in_total = 1` (exactly what the per-country table sums). `is_current = 0`: a figure from an",
        "  earlier download that the publisher revised. `duplicate_of` names the file or dataset that",
        "  supersedes a row for the same period (a historical file, or a CSV derived from the workbook of the",
        "  same half-year); such rows never count.",
        "- Measures differ by platform: Google and TikTok count requests (`requests`); Meta publishes items",
        "  restricted (`items_actioned`, no request counts); X requests and accounts (`items_requested` =",
        "  accounts specified). Compare platforms on the same measure only.",
        "",
    ]


def citation(conn: sqlite3.Connection, bundle_name: str) -> list[str]:
    """README lines: how to cite the bundle, with modwatch's version and each current dataset."""
    lines = [
        f"Cite this bundle as: modwatch {modwatch_version()}, export {bundle_name} (SHA256SUMS of this folder),",
        "with the sources below. The figures come from these downloaded files (current datasets):",
        "",
    ]
    try:
        datasets = conn.execute(
            "select source, url, fetched_at, sha256 from datasets where is_current = 1 and status = 'loaded' "
            "order by source, id"
        ).fetchall()
    except sqlite3.OperationalError:  # a database without the datasets table
        datasets = []
    lines += [
        f"- `{source}`: {url}, fetched {fetched_at}, sha256 `{sha256}`" for source, url, fetched_at, sha256 in datasets
    ] or ["- no downloaded dataset"]
    lines.append("")
    return lines
