"""X (Twitter) "Removal requests": one CSV holding two tables, all half-years 2012-H1 .. 2020-H2.

Layout (``Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv``): a marker line
``Table 1/2: Legal Demands,,,...``, a 16-column header, one row per country x half-year
(``Time period start`` = first day of the half-year); blank ``,,,`` separator lines; a marker
``Table 2/2: Local Law(s)``, a 7-column header padded to 16 columns, one global row per
half-year. Compliance rates are fractions (``0.67``) or ``NULL`` when there was no request of
that kind.

Rows (``removal_requests``, ``platform`` = ``X``):

- ``x/legal_demands``: per country x half-year, requester ``All legal demands`` (the
  ``Combined`` columns, ``counts_in_total = 1``), plus ``Court orders`` and ``Other legal
  demands`` rows (``counts_in_total = 0``). ``requests``; ``items_requested`` = accounts
  specified; ``items_actioned`` = accounts withheld (combined row only; tweets withheld and TOS
  actions in ``extra``); ``compliance_pct`` = rate x 100 (share of requests).
- ``x/local_law``: global (``country`` NULL) reports under local law, ``counts_in_total = 0``.
"""

from __future__ import annotations

import json
import re
from typing import Iterator

from .common import (
    Reject,
    country_code,
    csv_records,
    overlong_reason,
    decode_text,
    half_year_starting,
    is_blank,
    normalise_header,
    parse_count,
    parse_share,
)

SOURCE = "x_removals"
PLATFORM = "X"
_MARKER = re.compile(r"^\s*table\s+(\d+)\s*/\s*(\d+)\s*:\s*(.*?)\s*$", re.IGNORECASE)
LEGAL_DEMANDS = [
    "time period start",
    "country",
    "court orders",
    "other legal demands",
    "combined requests",
    "court orders compliance rate",
    "other legal demands compliance rate",
    "combined compliance rate",
    "court orders accounts specified",
    "other legal demands accounts specified",
    "combined accounts specified",
    "combined accounts withheld",
    "combined tweets withheld",
    "court orders accounts tos",
    "other legal demands accounts tos",
    "combined accounts tos",
]
LOCAL_LAW = [
    "time period start",
    "reports",
    "compliance rate",
    "accounts specified",
    "accounts withheld",
    "tweets withheld",
    "accounts tos",
]


def schema_version(data: bytes) -> str:
    """``x-two-tables`` when both table markers are present, else ``x-unknown``."""
    titles = [
        _MARKER.match(cells[0]).group(3).lower()
        for _, _, cells in csv_records(decode_text(data))
        if cells and _MARKER.match(cells[0])
    ]
    return "x-two-tables" if titles == ["legal demands", "local law(s)"] else "x-unknown"


def parse_x_removals(data: bytes, *, source_url: str) -> Iterator[tuple[str, dict | Reject]]:
    """Parse the two-table CSV into ``(location, row | Reject)``; location ``<file>:<line>``.

    Rows before a known table header, or under an unknown one, become ``Reject`` rows.
    """
    name = source_url.rstrip("/").rsplit("/", 1)[-1] or source_url
    table = None  # "legal demands" | "local law" | None
    expect_header = False
    for line, raw, cells in csv_records(decode_text(data), overlong=True):
        location = f"{name}:{line}"
        if cells is None:
            yield location, Reject(location, overlong_reason(), raw)
            continue
        if is_blank(cells):
            continue
        if marker := _MARKER.match(cells[0]):
            table, expect_header = marker.group(3).lower(), True
            continue
        if expect_header:
            expect_header = False
            headers = [normalise_header(cell) for cell in cells]
            while headers and headers[-1] == "":
                headers.pop()
            if (table, headers) not in (("legal demands", LEGAL_DEMANDS), ("local law(s)", LOCAL_LAW)):
                yield location, Reject(location, f"X removal requests: unknown header for table {table!r}", raw)
                table = None
            continue
        if table is None:
            yield location, Reject(location, "X removal requests: row outside a known table", raw)
            continue
        try:
            if table == "legal demands":
                rows = list(_legal_demands(cells))
            else:
                rows = list(_local_law(cells))
        except (ValueError, IndexError) as error:
            yield location, Reject(location, f"X removal requests ({table}): {error}", raw)
            continue
        for row in rows:
            yield location, {**row, "platform": PLATFORM}


def _legal_demands(cells):
    if len(cells) < len(LEGAL_DEMANDS) or not is_blank(cells[len(LEGAL_DEMANDS) :]):
        raise ValueError(f"expected {len(LEGAL_DEMANDS)} cells, found {len(cells)}")
    period_start, period_end = half_year_starting(cells[0])
    base = {
        "period_start": period_start,
        "period_end": period_end,
        "report": "x/legal_demands",
        "country": country_code(name=cells[1]),
        "country_name_raw": cells[1],
        "compliance_basis": "requests",
    }
    yield {
        **base,
        "requester": "All legal demands",
        "counts_in_total": 1,
        **parse_count(cells[4]).columns("requests"),
        **parse_share(cells[7], scale=100).columns("compliance_pct"),
        **parse_count(cells[10]).columns("items_requested"),
        **parse_count(cells[11]).columns("items_actioned"),
        "extra": json.dumps({"Combined tweets withheld": cells[12], "Combined accounts TOS": cells[15]}),
    }
    for label, requests, rate, accounts, tos in (("Court orders", 2, 5, 8, 13), ("Other legal demands", 3, 6, 9, 14)):
        yield {
            **base,
            "requester": label,
            "counts_in_total": 0,
            **parse_count(cells[requests]).columns("requests"),
            **parse_share(cells[rate], scale=100).columns("compliance_pct"),
            **parse_count(cells[accounts]).columns("items_requested"),
            "extra": json.dumps({f"{label} accounts TOS": cells[tos]}),
        }


def _local_law(cells):
    if len(cells) < len(LOCAL_LAW) or not is_blank(cells[len(LOCAL_LAW) :]):
        raise ValueError(f"expected {len(LOCAL_LAW)} cells plus padding, found {len(cells)}")
    period_start, period_end = half_year_starting(cells[0])
    yield {
        "period_start": period_start,
        "period_end": period_end,
        "report": "x/local_law",
        "country": None,
        "requester": "Local law reports",
        "counts_in_total": 0,
        **parse_count(cells[1]).columns("requests"),
        **parse_share(cells[2], scale=100).columns("compliance_pct"),
        "compliance_basis": "requests",
        **parse_count(cells[3]).columns("items_requested"),
        **parse_count(cells[4]).columns("items_actioned"),
        "extra": json.dumps({"Tweets withheld": cells[5], "Accounts TOS": cells[6]}),
    }
