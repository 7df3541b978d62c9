"""Meta (Facebook, Instagram) "Content restrictions based on local law": one CSV per half-year.

The period is only in the file name (``Content_Restrictions_2018_H2.csv``), so the parser reads
it from ``source_url``. Three header layouts (see ``tests/fixtures/transparency/SOURCE.md``):

- ``meta-count`` (2013-H2 .. 2018-H1): ``Country,count``; one row per country, ``product`` NULL.
- ``meta-2018h2`` (2018-H2 .. 2023-H1) and ``meta-2023h2`` (2023-H2): ``ISO Code, Country``, one
  column per surface (``Facebook Post``, ``Instagram Account`` ...), ``<surface>: Global GB
  externally imposed | applied to others`` columns and ``total``.

Rows: one ``removal_requests`` row per country x surface (``product`` = the surface, number in
``items_actioned``: items restricted; Meta publishes no request counts), ``counts_in_total = 1``.
``"1,553"`` is 1553; ``N/A`` and blanks keep their text with a flag.

Global geo-blocks ("GB"): the ``Global GB`` columns carry one global figure repeated in every
country row (e.g. 2023-H2 ``Instagram Media: Global GB externally imposed`` = 37 in 250 of 251
rows), so they are *not* stored per country: each such column becomes one
``meta_global_geoblocks`` row per file with the repeated value, how many rows repeat it and the
rows that differ (``other_values``: ``{"<ISO code>": "<cell>"}``), which keeps every cell.
Per-country sums of ``removal_requests`` therefore exclude global geo-blocks; ``total`` (which
includes them) is not stored, it is the sum of the row's cells.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import PurePosixPath
from typing import Iterator
from urllib.parse import unquote, urlsplit

from .common import (
    Reject,
    country_code,
    csv_records,
    overlong_reason,
    decode_text,
    half_year_from_label,
    is_blank,
    normalise_header,
    parse_count,
)

SOURCE = "meta_restrictions"
PLATFORM = "Meta"
REPORT = "meta/content_restrictions"
_GB = re.compile(r"^(?P<surface>.+?):\s*global gb (?P<kind>externally imposed|applied to others)$", re.IGNORECASE)


def file_name(source_url: str) -> str:
    """The file name at the end of ``source_url`` (URL-decoded)."""
    return unquote(PurePosixPath(urlsplit(source_url).path).name) or source_url


def schema_version(data: bytes) -> str:
    """``meta-count``, ``meta-2018h2``, ``meta-2023h2`` or ``meta-unknown`` from the header."""
    for _, _, cells in csv_records(decode_text(data)):
        headers = [normalise_header(cell) for cell in cells]
        if headers == ["country", "count"]:
            return "meta-count"
        if headers[:2] == ["iso code", "country"] and headers[-1] == "total":
            return "meta-2023h2" if "instagram media: global gb externally imposed" in headers else "meta-2018h2"
        break
    return "meta-unknown"


def parse_meta_restrictions(data: bytes, *, source_url: str) -> Iterator[tuple[str, dict | Reject]]:
    """Parse one half-year CSV into ``(location, row | Reject)``; see the module docstring.

    ``location`` is ``<file name>:<line>`` (``:column <header>`` for global geo-block rows).
    A file name without a half-year or an unknown header yields one ``Reject`` for the file.
    """
    name = file_name(source_url)
    text = decode_text(data)
    records = csv_records(text, overlong=True)
    header_record = next(records, None)
    if header_record is None:
        yield f"{name}:1", Reject(f"{name}:1", "empty file", "")
        return
    _, header_raw, header = header_record
    if header is None:
        yield f"{name}:1", Reject(f"{name}:1", overlong_reason(), header_raw)
        return
    try:
        period_start, period_end = half_year_from_label(name)
    except ValueError as error:
        yield f"{name}:1", Reject(f"{name}:1", f"Meta content restrictions: {error}", header_raw)
        return
    layout = schema_version(data)
    if layout == "meta-unknown":
        yield f"{name}:1", Reject(f"{name}:1", "Meta content restrictions: unrecognised header", header_raw)
        return
    period = {"period_start": period_start, "period_end": period_end}
    headers = [re.sub(r"\s+", " ", cell).strip() for cell in header]
    global_cells: dict[str, list[tuple[str, str]]] = {}  # GB column -> [(country, cell)]
    for line, raw, cells in records:
        location = f"{name}:{line}"
        if cells is None:
            yield location, Reject(location, overlong_reason(), raw)
            continue
        if is_blank(cells):
            continue
        if len(cells) != len(headers):
            yield location, Reject(location, f"expected {len(headers)} cells, found {len(cells)}", raw)
            continue
        try:
            rows = list(_rows(layout, headers, cells, global_cells))
        except ValueError as error:
            yield location, Reject(location, f"Meta content restrictions: {error}", raw)
            continue
        for row in rows:
            yield location, {**period, **row, "platform": PLATFORM, "report": REPORT, "counts_in_total": 1}
    for column, values in global_cells.items():
        yield f"{name}:column {column}", {"_table": "meta_global_geoblocks", **period, **_global_row(column, values)}


def _rows(layout, headers, cells, global_cells):
    if layout == "meta-count":
        code = country_code(name=cells[0])
        yield {
            "country": code,
            "country_name_raw": cells[0],
            "product": None,
            **parse_count(cells[1]).columns("items_actioned"),
        }
        return
    code = country_code(code=cells[0], name=cells[1])
    counts = {header: parse_count(cell) for header, cell in zip(headers[2:-1], cells[2:-1])}
    parse_count(cells[-1])  # the row total must be a number too (it is not stored)
    for header, count in counts.items():
        if _GB.match(header):
            global_cells.setdefault(header, []).append((code or cells[1], count.raw))
            continue
        yield {"country": code, "country_name_raw": cells[1], "product": header, **count.columns("items_actioned")}


def _global_row(column: str, values: list[tuple[str, str]]) -> dict:
    match = _GB.match(column)
    repeated, repeats = Counter(cell for _, cell in values).most_common(1)[0]
    others = {country: cell for country, cell in values if cell != repeated}
    return {
        "surface": match.group("surface").strip(),
        "kind": match.group("kind").lower(),
        **{
            key.replace("items_actioned", "items"): value
            for key, value in parse_count(repeated).columns("items_actioned").items()
            if key != "items_actioned_flag"
        },
        "rows_repeating": repeats,
        "rows_total": len(values),
        "other_values": json.dumps(others, ensure_ascii=False) if others else None,
    }
