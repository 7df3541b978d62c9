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

Overlaps (documented choice): the newer file wins. A historical product x reason row whose
country and period also appear in the current product x reason file (2011-H1 to 2019-H1) is
stored with ``duplicate_of`` = the current member's name; for the per-country totals see
:data:`TOTAL_PRECEDENCE` below. Nothing is counted twice and nothing is lost.

``counts_in_total = 1`` (the per-country total): the rows of the first series of
:data:`TOTAL_PRECEDENCE` present for that country and half-year. The product x reason counts are
a different count (they do not reconcile with the requester files) and never count in the total.

Percentages: ``compliance_pct`` of a requester row is ``% Removed-Legal + % Removed-Policy``
(share of *items* removed; a blank outcome cell means none of the items, 0 %, as the
rows of outcome shares sum to ~100); of a historical row the published ``% Fully Or Partially
Complied With`` (share of *requests*).

The current layout (2026, ``by_requester_product_reason``): one row per country x requester x
product x reason with item *counts* per outcome and the half-year written as text
(``January - June 2025``), possibly nested in a dated bundle folder
``government-removals_<start>_<end>_en_v1/`` (inside the zip, or the file's parent in its URL),
which dates rows that carry no period column. ``compliance_pct`` = (items removed-legal +
removed-policy) / items requested x 100, computed from the counts; ``items_actioned`` = those
removed items. Its request counts are not the detailed file's ``Total`` (Vietnam, YouTube,
2021-H1: 611 here, 326 there): both are kept, each under its own ``report`` (the series).

Headers are matched as a set of known columns with aliases (``country`` / ``country_name`` /
``Country/Region``, ``items_requested_removal`` / ``items_requested``, ``Requestor`` /
``Requester``), in any order (:mod:`modwatch.transparency.layouts`); an extra column is kept in
``extra`` and named in :func:`notes`. A CSV member whose header matches no layout raises
:class:`~modwatch.transparency.layouts.LayoutError` before any row is read: the download is a
new layout, it is not loaded, and the previous dataset stays current.

Per-country total (``counts_in_total = 1``) when several series cover a country and half-year:
the first of :data:`TOTAL_PRECEDENCE` present in the download wins (the 2026 layout, then the
2019+ requester file, then the historical ``All Requests`` row); the rows of the others for that
country and half-year get ``duplicate_of`` = the winning member and ``counts_in_total = 0``.
So a half-year is counted once whether the zip holds the new file, the old one, or both (the
sums agree: Vietnam 2023-H2 = 787 requests in both).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import PurePosixPath
from typing import Iterator
from urllib.parse import unquote, urlsplit

from .archives import check_archive, read_member
from .common import Count, Reject, country_code, csv_records, decode_text, half_year_ending, \
    is_blank, overlong_reason, parse_count, parse_share
from .layouts import Layout, LayoutError, bundle_period, half_year_from_text, is_half_year, match_header

SOURCE = "google_removals"
PLATFORM = "Google"
URL = "https://storage.googleapis.com/transparencyreport/google-government-removals.zip"

_KEY = {"period_end": ("period ending",), "country_name": ("country/region", "country", "country name"),
        "country_code": ("cldr territory code", "cldr territory", "cldr code")}
_OUTCOMES = {"pct_removed_legal": "% Removed-Legal", "pct_removed_policy": "% Removed-Policy",
             "pct_content_not_found": "% Content Not Found",
             "pct_not_enough_information": "% Not Enough Information",
             "pct_no_action_taken": "% No Action Taken", "pct_content_already_removed": "% Content Already Removed"}
_ITEM_OUTCOMES = {"items_removed_legal": ("items removed-legal",),
                  "items_removed_policy": ("items removed-policy",),
                  "items_content_not_found": (), "items_not_enough_info": ("items not enough information",),
                  "items_no_action_taken": (), "items_content_already_removed": ()}
_BRANCH_COLUMNS = {f"{prefix}_{measure}": (f"{part}: {heading}",)
                   for prefix, part in [("all", "all requests"), ("court", "court orders"),
                                        ("other", "other requests (executive, police, etc.)")]
                   for measure, heading in [("requests", "number of requests"),
                                            ("share", "% fully or partially complied with"),
                                            ("items", "items requested to be removed")]}
#: every layout Google has used, by name (the series is ``google/<name>``)
LAYOUTS = [
    Layout("by_requester_product_reason", {
        "period_text": ("time period", "period"), "period_end": ("period ending",),
        "country_name": _KEY["country_name"], "country_code": _KEY["country_code"],
        "requester": (), "product": (), "reason": (), "requests": ("number of requests",),
        "items_requested": ("items requested removal", "items requested to be removed"),
        **_ITEM_OUTCOMES}, optional=frozenset({"period_text", "period_end"})),
    Layout("by_requester", {**_KEY, "requester": (), "requests": ("number of requests",),
                            "items_requested": ("items requested to be removed",),
                            **{key: (label,) for key, label in _OUTCOMES.items()}}),
    Layout("by_product_reason", {**_KEY, "product": (), "reason": (), "total": ()}),
    Layout("historical_by_country", {**_KEY, **_BRANCH_COLUMNS}),
    Layout("historical_by_product_reason", {**_KEY, "product": (), "reason": (), "court_orders": ("court orders",),
                                            "executive": ("executive, police, etc.",),
                                            "items_requested": ("items requested to be removed",)}),
]
LAYOUT_NAMES = tuple(layout.name for layout in LAYOUTS)
#: series giving the per-country total, best first: a lower one counts only where no higher one is present
TOTAL_PRECEDENCE = ("by_requester_product_reason", "by_requester", "historical_by_country")
#: a historical layout -> the current layout that supersedes it for the periods both cover
SUPERSEDED_BY = {"historical_by_product_reason": "by_product_reason"}
_BRANCHES = [("all", "All Requests"), ("court", "Court Orders"),
             ("other", "Other Requests (Executive, Police, etc.)")]


def schema_version(data: bytes) -> str:
    """``google-<layouts>``: the layouts found in the zip, e.g. ``google-by_product_reason+...``."""
    try:
        layouts = sorted({match.layout.name for _, match, _ in _members(data)})
    except LayoutError:
        return "google-unknown"
    return "google-" + "+".join(layouts)


def notes(data: bytes, source_url: str = URL) -> list[str]:
    """What the download holds beyond the layouts: the extra columns of each member (kept in ``extra``)."""
    try:
        return [note for name, match, _ in _members(data) if (note := match.note(name))]
    except LayoutError:
        return []


def parse_google_removals(data: bytes, *, source_url: str = URL) -> Iterator[tuple[str, dict | Reject]]:
    """Parse the zip (or one of its CSVs) into ``(location, row | Reject)`` pairs.

    Rows are ``removal_requests`` dicts (see ``db/migrations_transparency.py``) without
    ``dataset_id``/``is_current``; ``location`` is ``<member>:<line>``. A bad data line yields a
    ``Reject`` and parsing goes on. Raises :class:`LayoutError` (naming the member and its header)
    before yielding anything if a CSV member's header matches no layout, and
    ``zipfile.BadZipFile`` if ``data`` is neither a zip nor a CSV.
    """
    members = list(_members(data, source_url))
    url_bundle = bundle_period(unquote(urlsplit(source_url or "").path))
    rows_of = {}  # member name -> [(location, row | Reject)]
    for name, match, text in members:
        bundle = bundle_period(name) or url_bundle
        rows_of[name] = list(_parse_member(name, match, text, bundle))
    # which member gives each (country, period) its per-country total / product x reason count
    owner: dict[tuple[str, tuple], str] = {}
    for chain in [TOTAL_PRECEDENCE, *([current, old] for old, current in SUPERSEDED_BY.items())]:
        for layout in chain:
            for name, match, _ in members:
                if match.layout.name != layout:
                    continue
                for _, row in rows_of[name]:
                    if isinstance(row, dict):
                        owner.setdefault((chain[0], _place_key(row)), name)
    for name, match, _ in members:
        layout = match.layout.name
        chain = next((chain for chain in [TOTAL_PRECEDENCE, *([c, o] for o, c in SUPERSEDED_BY.items())]
                      if layout in chain), None)
        for location, row in rows_of[name]:
            if isinstance(row, dict) and chain is not None:
                first = owner.get((chain[0], _place_key(row)))
                if first is not None and first != name:
                    row.update(duplicate_of=first, counts_in_total=0)
            yield location, row


def _place_key(row: dict) -> tuple:
    return (row["country"] or row["country_name_raw"], row["period_end"])


def _members(data: bytes, source_url: str = URL) -> Iterator[tuple[str, object, str]]:
    """``(member name, HeaderMatch, text)`` for each CSV in the zip (or the one CSV given).

    Raises :class:`LayoutError` for a CSV whose header matches no layout.
    """
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive)
            for info in archive.infolist():
                if info.is_dir() or not info.filename.lower().endswith(".csv"):
                    continue  # README.txt and folders
                text = decode_text(read_member(archive, info))  # a zip bomb: ArchiveTooLarge
                yield info.filename, _layout(text, info.filename), text
        return
    text = decode_text(data)
    name = PurePosixPath(unquote(urlsplit(source_url or "").path)).name or "google-government-removals.csv"
    header = next(iter(csv_records(text)), (1, "", []))[2]
    match = match_header(header, LAYOUTS)
    if match is None:
        if data[:1] in (b"", b"<", b"{") or not text.strip():
            raise zipfile.BadZipFile("neither a zip nor a Google removals CSV with a known header")
        raise LayoutError(name, header, LAYOUT_NAMES)
    yield name, match, text


def _layout(text: str, name: str):
    for _, _, cells in csv_records(text):
        if (match := match_header(cells, LAYOUTS)) is None:
            raise LayoutError(name, cells, LAYOUT_NAMES)
        return match
    raise LayoutError(name, "(empty file)", LAYOUT_NAMES)


def _parse_member(name, match, text, bundle):
    layout = match.layout.name
    records = csv_records(text, overlong=True)
    next(records, None)  # header
    for line, raw, cells in records:
        location = f"{name}:{line}"
        if cells is None:
            yield location, Reject(location, overlong_reason(), raw)
            continue
        if is_blank(cells):
            continue
        record = match.record(cells)
        try:
            if len(cells) != len(match.positions) + len(match.extra):
                raise ValueError(f"expected {len(match.positions) + len(match.extra)} cells, found {len(cells)}")
            rows = list(_ROW_PARSERS[layout](record, bundle))
        except (ValueError, IndexError) as error:
            yield location, Reject(location, f"{layout}: {error}", raw)
            continue
        extras = match.extras(cells)
        for row in rows:
            row.update(platform=PLATFORM, report=f"google/{layout}")
            if extras:
                row["extra"] = json.dumps({**json.loads(row.get("extra") or "{}"), **extras}, ensure_ascii=False)
            yield location, row


def _place(record, bundle) -> dict:
    """Period and country of a row: ``period_end`` (ISO date), else ``period_text``, else the bundle."""
    if record.get("period_end") not in (None, ""):
        period_start, period_end = half_year_ending(record["period_end"])
    elif record.get("period_text") not in (None, ""):
        period_start, period_end = half_year_from_text(record["period_text"])
    elif bundle is not None and is_half_year(bundle):
        period_start, period_end = bundle
    else:
        raise ValueError("no half-year: no period column and no dated bundle folder of one half-year")
    if bundle is not None and not (bundle[0] <= period_start and period_end <= bundle[1]):
        raise ValueError(f"half-year {period_start}..{period_end} outside its bundle {bundle[0]}..{bundle[1]}")
    # Europol / Interpol have no territory code: country NULL, the name kept
    code = country_code(code=record["country_code"], name=record["country_name"])
    return {"period_start": period_start, "period_end": period_end, "country": code,
            "country_name_raw": record["country_name"]}


def _by_requester_product_reason(record, bundle):
    counts = {key: parse_count(record[key]) for key in _ITEM_OUTCOMES}
    requested = parse_count(record["items_requested"])
    legal, policy = counts["items_removed_legal"], counts["items_removed_policy"]
    removed = Count(None, f"{legal.raw}+{policy.raw}", legal.flag or policy.flag)
    if legal.value is not None and policy.value is not None:
        removed = Count(legal.value + policy.value, f"{legal.raw}+{policy.raw}")
    share = None
    if removed.value is not None and requested.value:
        share = round(100 * removed.value / requested.value, 4)
    yield {
        **_place(record, bundle), "requester": record["requester"], "product": record["product"],
        "reason": record["reason"] or None, "counts_in_total": 1,
        **parse_count(record["requests"]).columns("requests"), **requested.columns("items_requested"),
        **removed.columns("items_actioned"),
        "compliance_pct": share, "compliance_pct_raw": None,  # computed from the counts, in extra
        "compliance_pct_flag": None if share is not None else "not_computable", "compliance_basis": "items",
        "extra": json.dumps({key: record[key] for key in _ITEM_OUTCOMES}, ensure_ascii=False),
    }


def _by_requester(record, bundle):
    outcomes = {key: parse_share(record[key]) for key in _OUTCOMES}
    legal, policy = outcomes["pct_removed_legal"], outcomes["pct_removed_policy"]
    removed = None
    if any(share.value is not None for share in outcomes.values()):
        removed = (legal.value or 0) + (policy.value or 0)  # blank outcome = 0 %
    extra = {label: record[key] for key, label in _OUTCOMES.items()}
    yield {
        **_place(record, bundle), "requester": record["requester"], "counts_in_total": 1,
        **parse_count(record["requests"]).columns("requests"),
        **parse_count(record["items_requested"]).columns("items_requested"),
        "compliance_pct": removed, "compliance_pct_raw": None,  # the cells are in extra
        "compliance_pct_flag": None if removed is not None else "blank", "compliance_basis": "items",
        "extra": json.dumps(extra, ensure_ascii=False),
    }


def _by_product_reason(record, bundle):
    yield {**_place(record, bundle), "product": record["product"], "reason": record["reason"] or None,
           "counts_in_total": 0, **parse_count(record["total"]).columns("requests")}


def _historical_by_country(record, bundle):
    place = _place(record, bundle)
    for index, (prefix, label) in enumerate(_BRANCHES):
        requests, share, items = (record[f"{prefix}_{measure}"] for measure in ("requests", "share", "items"))
        if index > 0 and is_blank([requests, share, items]):
            continue  # no split published for this branch
        yield {
            **place, "requester": label, "counts_in_total": int(index == 0),
            **parse_count(requests).columns("requests"),
            **parse_count(items).columns("items_requested"),
            **parse_share(share).columns("compliance_pct"), "compliance_basis": "requests",
        }


def _historical_by_product_reason(record, bundle):
    court, executive = parse_count(record["court_orders"]), parse_count(record["executive"])
    if court.value is not None and executive.value is not None:
        requests = Count(court.value + executive.value, f"{record['court_orders']}+{record['executive']}")
    else:
        requests = Count(None, f"{record['court_orders']}+{record['executive']}", court.flag or executive.flag)
    yield {
        **_place(record, bundle), "product": record["product"], "reason": record["reason"] or None,
        "counts_in_total": 0, **requests.columns("requests"),
        **parse_count(record["items_requested"]).columns("items_requested"),
        "extra": json.dumps({"Court Orders": record["court_orders"], "Executive, Police, etc.": record["executive"]}),
    }


_ROW_PARSERS = {
    "by_requester_product_reason": _by_requester_product_reason,
    "by_requester": _by_requester,
    "by_product_reason": _by_product_reason,
    "historical_by_country": _historical_by_country,
    "historical_by_product_reason": _historical_by_product_reason,
}
