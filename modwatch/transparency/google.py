"""Google Transparency Report, "Government requests to remove content": the bulk download.

Upstream: ``https://storage.googleapis.com/transparencyreport/google-government-removals.zip``,
one zip with the full history (a new download replaces the previous one entirely: Google
renames countries retroactively and back-fills old periods). Its four CSVs (under
``google-government-removals/``) are recognised by their header, not their name, and give the
series (``report``):

- ``google/by_requester`` from ``google-government-removal-requests.csv`` (2019-H1 onward):
  one row per country x requester; requests, items, six ``% <outcome>`` columns.
- ``google/by_product_reason`` from ``google-government-detailed-removal-requests.csv``
  (2011-H1 onward): one row per country x product x reason, a request count (``Total``).
- ``google/historical_by_country`` from ``historical/...-removal-requests-historical.csv``
  (2009-H2 to 2019-H1): rows ``All Requests``, ``Court Orders``, ``Other Requests (Executive,
  Police, etc.)`` with requests, % complied, items (``<10``, ``?`` and blanks occur).
- ``google/historical_by_product_reason`` from ``historical/...-detailed-...-historical.csv``
  (2009-H2 to 2019-H1): requests = court orders + executive requests, items.

Overlaps (documented choice): the current files win. A historical row whose country and
period also appear in the matching current file (2019-06-30 for the by-country file; 2011-H1 to
2019-H1 for the product x reason file) is stored with ``duplicate_of`` = the current member's
name and ``counts_in_total = 0``, so nothing is counted twice and nothing is lost.

``counts_in_total = 1`` (the per-country total): every ``by_requester`` row, and the
``All Requests`` row of ``historical_by_country`` for periods the current file does not cover.
The product x reason counts are a different count (they do not reconcile with the requester
file) and never count in the total.

Percentages: ``compliance_pct`` of a requester row is ``% Removed-Legal + % Removed-Policy``
(share of *items* removed; a blank outcome cell means none of the items, 0 %, as the
rows of outcome shares sum to ~100); of a historical row the published ``% Fully Or Partially
Complied With`` (share of *requests*).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Iterator

from .archives import check_archive, read_member
from .common import Count, Reject, csv_records, overlong_reason, country_code, decode_text, half_year_ending, \
    is_blank, normalise_header, parse_count, parse_share

SOURCE = "google_removals"
PLATFORM = "Google"
URL = "https://storage.googleapis.com/transparencyreport/google-government-removals.zip"

_KEY = ["period ending", "country/region", "cldr territory code"]
_OUTCOMES = ["% removed-legal", "% removed-policy", "% content not found", "% not enough information",
             "% no action taken", "% content already removed"]
#: normalised header -> layout name
LAYOUTS = {
    tuple(_KEY + ["requester", "number of requests", "items requested to be removed"] + _OUTCOMES):
        "by_requester",
    tuple(_KEY + ["product", "reason", "total"]): "by_product_reason",
    tuple(_KEY + [f"{part}: {measure}" for part in
                  ["all requests", "court orders", "other requests (executive, police, etc.)"]
                  for measure in ["number of requests", "% fully or partially complied with",
                                  "items requested to be removed"]]): "historical_by_country",
    tuple(_KEY + ["product", "reason", "court orders", "executive, police, etc.",
                  "items requested to be removed"]): "historical_by_product_reason",
}
#: a historical layout -> the current layout that supersedes it for the periods both cover
SUPERSEDED_BY = {"historical_by_country": "by_requester",
                 "historical_by_product_reason": "by_product_reason"}
_BRANCHES = [("all requests", "All Requests"), ("court orders", "Court Orders"),
             ("other requests (executive, police, etc.)", "Other Requests (Executive, Police, etc.)")]


def schema_version(data: bytes) -> str:
    """``google-<layouts>``: the layouts found in the zip, e.g. ``google-by_product_reason+...``."""
    layouts = sorted({layout for _, layout, _ in _members(data) if layout})
    return "google-" + "+".join(layouts)


def parse_google_removals(data: bytes, *, source_url: str = URL) -> Iterator[tuple[str, dict | Reject]]:
    """Parse the zip (or one of its CSVs) into ``(location, row | Reject)`` pairs.

    Rows are ``removal_requests`` dicts (see ``db/migrations_transparency.py``) without
    ``dataset_id``/``is_current``; ``location`` is ``<member>:<line>``. A CSV member with an
    unknown header yields one ``Reject`` for its header line; a bad data line yields a
    ``Reject`` and parsing goes on. Raises ``zipfile.BadZipFile`` only if ``data`` is neither a
    zip nor a CSV with a known header.
    """
    members = list(_members(data))
    seen = {}  # current layout -> {(country, period_end)}
    for name, layout, text in members:
        if layout in SUPERSEDED_BY.values():
            seen[layout] = {(cells[2].strip().upper(), cells[0].strip())
                            for line, _, cells in csv_records(text) if line > 1 and len(cells) > 2}
    for name, layout, text in members:
        if layout is None:
            header = text.splitlines()[0] if text else ""
            yield f"{name}:1", Reject(f"unrecognised CSV header in {name}", header)
            continue
        current = SUPERSEDED_BY.get(layout)
        covered = seen.get(current, set())
        current_name = next((n for n, lay, _ in members if lay == current), None)
        yield from _parse_member(name, layout, text, covered, current_name)


def _members(data: bytes) -> Iterator[tuple[str, str | None, str]]:
    """``(member name, layout or None, text)`` for each CSV in the zip (or the one CSV given)."""
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive)
            for info in archive.infolist():
                if info.is_dir() or not info.filename.lower().endswith(".csv"):
                    continue  # README.txt and folders
                text = decode_text(read_member(archive, info))  # a zip bomb: ArchiveTooLarge
                yield info.filename, _layout(text), text
        return
    text = decode_text(data)
    layout = _layout(text)
    if layout is None:
        raise zipfile.BadZipFile("neither a zip nor a Google removals CSV with a known header")
    yield "google-government-removals.csv", layout, text


def _layout(text: str) -> str | None:
    for _, _, cells in csv_records(text):
        return LAYOUTS.get(tuple(normalise_header(cell) for cell in cells))
    return None


def _parse_member(name, layout, text, covered, current_name):
    records = csv_records(text, overlong=True)
    next(records, None)  # header
    for line, raw, cells in records:
        location = f"{name}:{line}"
        if cells is None:
            yield location, Reject(overlong_reason(), raw)
            continue
        if is_blank(cells):
            continue
        try:
            rows = list(_ROW_PARSERS[layout](cells))
        except (ValueError, IndexError) as error:
            yield location, Reject(f"{layout}: {error}", raw)
            continue
        for row in rows:
            row.update(platform=PLATFORM, report=f"google/{layout}")
            if (row["country"], row["period_end"]) in covered:
                row.update(duplicate_of=current_name, counts_in_total=0)
            yield location, row


def _expect(cells, count):
    if len(cells) != count:
        raise ValueError(f"expected {count} cells, found {len(cells)}")


def _place(cells) -> dict:
    period_start, period_end = half_year_ending(cells[0])
    # Europol / Interpol have no territory code: country NULL, the name kept
    code = country_code(code=cells[2], name=cells[1])
    return {"period_start": period_start, "period_end": period_end, "country": code,
            "country_name_raw": cells[1]}


def _by_requester(cells):
    _expect(cells, 12)
    outcomes = {header: parse_share(cell) for header, cell in zip(_OUTCOMES, cells[6:])}
    legal, policy = outcomes["% removed-legal"], outcomes["% removed-policy"]
    removed = None
    if any(share.value is not None for share in outcomes.values()):
        removed = (legal.value or 0) + (policy.value or 0)  # blank outcome = 0 %
    extra = {header: cell for header, cell in zip(
        ["% Removed-Legal", "% Removed-Policy", "% Content Not Found", "% Not Enough Information",
         "% No Action Taken", "% Content Already Removed"], cells[6:])}
    yield {
        **_place(cells), "requester": cells[3], "counts_in_total": 1,
        **parse_count(cells[4]).columns("requests"),
        **parse_count(cells[5]).columns("items_requested"),
        "compliance_pct": removed, "compliance_pct_raw": None,  # the cells are in extra
        "compliance_pct_flag": None if removed is not None else "blank", "compliance_basis": "items",
        "extra": json.dumps(extra, ensure_ascii=False),
    }


def _by_product_reason(cells):
    _expect(cells, 6)
    yield {**_place(cells), "product": cells[3], "reason": cells[4] or None, "counts_in_total": 0,
           **parse_count(cells[5]).columns("requests")}


def _historical_by_country(cells):
    _expect(cells, 12)
    place = _place(cells)
    for index, (_, label) in enumerate(_BRANCHES):
        requests, share, items = cells[3 + 3 * index: 6 + 3 * index]
        if index > 0 and is_blank([requests, share, items]):
            continue  # no split published for this branch
        yield {
            **place, "requester": label, "counts_in_total": int(index == 0),
            **parse_count(requests).columns("requests"),
            **parse_count(items).columns("items_requested"),
            **parse_share(share).columns("compliance_pct"), "compliance_basis": "requests",
        }


def _historical_by_product_reason(cells):
    _expect(cells, 8)
    court, executive = parse_count(cells[5]), parse_count(cells[6])
    if court.value is not None and executive.value is not None:
        requests = Count(court.value + executive.value, f"{cells[5]}+{cells[6]}")
    else:
        requests = Count(None, f"{cells[5]}+{cells[6]}", court.flag or executive.flag)
    yield {
        **_place(cells), "product": cells[3], "reason": cells[4] or None, "counts_in_total": 0,
        **requests.columns("requests"), **parse_count(cells[7]).columns("items_requested"),
        "extra": json.dumps({"Court Orders": cells[5], "Executive, Police, etc.": cells[6]}),
    }


_ROW_PARSERS = {
    "by_requester": _by_requester,
    "by_product_reason": _by_product_reason,
    "historical_by_country": _historical_by_country,
    "historical_by_product_reason": _historical_by_product_reason,
}
