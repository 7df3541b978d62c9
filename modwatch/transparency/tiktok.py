"""TikTok "Government removal requests": the xlsx workbook (2022-H1) and per-report CSV files.

Workbook ``English_LIPGR_2022_H1.xlsx`` (read with openpyxl, values as stored: counts are
floats such as ``16.0``, rates fractions). Sheets used, header found as the first non-empty
row (header cells may contain line breaks; sheets are padded with empty cells):

- ``GRFCR map`` (government requests for content restriction, per country, this period) ->
  ``tiktok/government_removal_requests``, ``counts_in_total = 1``: ``requests`` = Total requests
  received; ``items_requested`` = content + accounts received; ``items_actioned`` = content and
  accounts actioned (community guidelines + local law); ``compliance_pct`` = Removal rate x 100
  (share of items, it equals actioned / received). Every column is kept in ``extra``.
- ``GRFCR historical`` (global totals per half-year) -> ``tiktok/government_requests_global``.
- ``IP CR`` / ``IP TM`` (global copyright / trademark removal requests; ``Succesful`` sic) ->
  ``tiktok/ip_copyright`` / ``tiktok/ip_trademark``, requester ``Rights holders``.

``LRFUI`` sheets (law-enforcement requests for *user information*) are not removal requests
and are skipped. A CSV is read when its header is the ``GRFCR map`` header (English); TikTok's
per-half-year CSVs are read with the same tolerant header matching as Google's
(:mod:`modwatch.transparency.layouts`): the ``GRFCR map`` columns as a set, in any order, in
any case, ``_`` or spaces, with the aliases listed in :data:`GRFCR_LAYOUT`, an optional
period column (``January - June 2025``); an extra column is kept in ``extra`` and named in
:func:`notes`. A CSV whose header matches no layout (the per-language files such as
``2023H1_raw_data_gov_French.csv``, whose headers no stored sample shows) raises
:class:`~modwatch.transparency.layouts.LayoutError` naming the header: never guessed, the
file is not loaded, and its source's previous data stays current.

The half-year comes from the file name in ``source_url`` (``..._2022_H1.xlsx``, ``2023H1_...``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from xml.etree import ElementTree
from typing import Iterator

from .archives import ZIP_ERRORS, check_archive, check_member
from .common import (
    Count,
    Reject,
    country_code,
    csv_records,
    overlong_reason,
    decode_text,
    half_year_ending,
    half_year_from_label,
    is_blank,
    normalise_header,
    parse_count,
    parse_share,
)
from .layouts import Layout, LayoutError, half_year_from_text, match_header
from .meta import file_name

SOURCE = "tiktok_removals"
PLATFORM = "TikTok"
GRFCR_MAP = [
    "country",
    "total requests received",
    "total content received",
    "content actioned due to community guidelines violations",
    "content actioned due to (local) law violations",
    "content not actioned",
    "total accounts received",
    "accounts actioned due to community guidelines violations",
    "accounts actioned due to (local) law violations",
    "accounts not actioned",
    "removal rate",
]
#: the GRFCR map columns as a header set with the spellings accepted in CSVs
GRFCR_LAYOUT = Layout(
    "tiktok-grfcr-csv",
    {
        "country": ("country/region", "country / region", "market", "country or region"),
        "total requests received": ("total requests", "requests received", "total government requests"),
        "total content received": ("content received", "total content"),
        "content actioned due to community guidelines violations": (
            "content removed due to community guidelines violations",
        ),
        "content actioned due to (local) law violations": (
            "content actioned due to local law violations",
            "content restricted due to local law violations",
        ),
        "content not actioned": ("content no action",),
        "total accounts received": ("accounts received", "total accounts"),
        "accounts actioned due to community guidelines violations": (
            "accounts removed due to community guidelines violations",
        ),
        "accounts actioned due to (local) law violations": (
            "accounts actioned due to local law violations",
            "accounts restricted due to local law violations",
        ),
        "accounts not actioned": ("accounts no action",),
        "removal rate": ("removal rate (%)", "removal rate %"),
        "period": ("time period", "date range", "reporting period"),
    },
    optional=frozenset({"period"}),
)
LAYOUT_NAMES = ("tiktok-xlsx", "tiktok-grfcr-csv")
GRFCR_HISTORICAL = ["date", "total government requests"]
IP_SHEETS = {"ip cr": ("tiktok/ip_copyright", "copyright"), "ip tm": ("tiktok/ip_trademark", "trademark")}


def schema_version(data: bytes) -> str:
    """``tiktok-xlsx`` for a workbook, ``tiktok-grfcr-csv`` for a GRFCR map CSV, else ``tiktok-unknown``."""
    if _is_xlsx(data):
        return "tiktok-xlsx"
    for _, _, cells in csv_records(decode_text(data)):
        return "tiktok-grfcr-csv" if match_header(cells, [GRFCR_LAYOUT]) else "tiktok-unknown"
    return "tiktok-unknown"


def notes(data: bytes, source_url: str = "") -> list[str]:
    """The extra columns of a CSV (kept in ``extra``), as one note; none for a workbook."""
    if _is_xlsx(data):
        return []
    for _, _, cells in csv_records(decode_text(data)):
        match = match_header(cells, [GRFCR_LAYOUT])
        return [note] if match and (note := match.note(file_name(source_url) or "csv")) else []
    return []


#: what reading a damaged workbook raises (a corrupt part, broken XML): the file is refused with the reason
WORKBOOK_ERRORS = (*ZIP_ERRORS, KeyError, ElementTree.ParseError, OSError)


class WorkbookError(ValueError):
    """A damaged xlsx workbook (a corrupt part, broken XML): the file is refused with the reason."""


def parse_tiktok_removals(data: bytes, *, source_url: str) -> Iterator[tuple[str, dict | Reject]]:
    """Parse a workbook or CSV into ``(location, row | Reject)``.

    ``location`` is ``<file>#<sheet>:<row>`` for workbooks and ``<file>:<line>`` for CSVs.
    """
    name = file_name(source_url)
    try:
        period = half_year_from_label(name)
    except ValueError:
        period = None
    if _is_xlsx(data):
        try:
            yield from _parse_workbook(data, name, period)
        except WORKBOOK_ERRORS as exc:
            # a damaged workbook (corrupt part, broken XML): refused whole, with the reason
            raise WorkbookError(f"{name}: unreadable xlsx workbook ({type(exc).__name__}: {exc})") from exc
    else:
        yield from _parse_csv(data, name, period)


def _is_xlsx(data: bytes) -> bool:
    if data[:4] != b"PK\x03\x04":
        return False
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_archive(archive)
        for info in archive.infolist():  # openpyxl inflates every part: a bomb is refused first
            check_member(info)
        return "xl/workbook.xml" in archive.namelist()


def _trimmed(cells) -> list[str]:
    headers = [normalise_header(cell) for cell in cells]
    while headers and headers[-1] == "":
        headers.pop()
    return headers


def _parse_workbook(data, name, period):
    import openpyxl  # imported here: only workbooks need it

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            title = sheet.title.strip()
            records = ((number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), 1))
            yield from _parse_table(title.lower(), records, f"{name}#{title}", period)
    finally:
        workbook.close()


def _parse_csv(data, name, period):
    """A per-half-year GRFCR CSV: header matched as a set (raises LayoutError if unknown)."""
    records = csv_records(decode_text(data), overlong=True)
    match = None
    for line, raw, cells in records:
        if cells is None:  # an over-long header cell
            raise LayoutError(name, raw[:300], LAYOUT_NAMES)
        if is_blank(cells):
            continue
        match = match_header(cells, [GRFCR_LAYOUT])
        if match is None:
            raise LayoutError(name, raw, LAYOUT_NAMES)
        break
    if match is None:
        raise LayoutError(name, "(empty file)", LAYOUT_NAMES)
    for line, raw, cells in records:
        if cells is None:
            yield f"{name}:{line}", Reject(f"{name}:{line}", overlong_reason(), raw)
            continue
        if is_blank(cells):
            continue
        record = match.record(cells)
        try:
            row_period = half_year_from_text(record["period"]) if record.get("period") else period
            if period is not None and row_period != period:
                raise ValueError(f"period {record['period']!r} is not the file's half-year {period[0]}..{period[1]}")
            row = _grfcr_map([record[column] for column in GRFCR_MAP], row_period)
        except (ValueError, IndexError) as error:
            yield f"{name}:{line}", Reject(f"{name}:{line}", f"TikTok grfcr map: {error}", raw)
            continue
        if extras := match.extras(cells):
            row["extra"] = json.dumps({**json.loads(row["extra"]), **extras}, ensure_ascii=False, default=str)
        yield f"{name}:{line}", {**row, "platform": PLATFORM}


def _parse_table(kind, records, where, period, csv=False):
    header = None
    for number, cells in records:
        if cells is None:  # an over-long CSV record (csv_records)
            yield f"{where}:{number}", Reject(f"{where}:{number}", overlong_reason(), "")
            continue
        if is_blank(cells):
            continue
        location = f"{where}:{number}"
        raw = json.dumps(cells, ensure_ascii=False, default=str) if not csv else ",".join(cells)
        if header is None:
            header = _trimmed(cells)
            expected = {"grfcr map": GRFCR_MAP, "grfcr historical": GRFCR_HISTORICAL}.get(kind)
            if kind in IP_SHEETS:
                expected = header if header[:2] == ["country/region", "date range"] else None
            elif kind.startswith("lrfui"):
                return  # user-information requests: not removal requests
            if expected is None or header != expected:
                yield location, Reject(location, f"TikTok: unrecognised header in {where}", raw)
                return
            continue
        try:
            if kind == "grfcr map":
                row = _grfcr_map(cells, period)
            elif kind == "grfcr historical":
                row = _grfcr_historical(cells)
            else:
                row = _ip(kind, cells, period)
        except (ValueError, IndexError) as error:
            yield location, Reject(location, f"TikTok {kind}: {error}", raw)
            continue
        yield location, {**row, "platform": PLATFORM}


def _period_columns(period) -> dict:
    if period is None:
        raise ValueError("no half-year in the file name")
    return {"period_start": period[0], "period_end": period[1]}


def _sum(counts: list[Count]) -> Count:
    if all(count.value is not None for count in counts):
        return Count(sum(count.value for count in counts), "+".join(count.raw for count in counts))
    return Count(
        None, "+".join(count.raw or "" for count in counts), next(count.flag for count in counts if count.flag)
    )


def _grfcr_map(cells, period):
    cells = cells[: len(GRFCR_MAP)]
    if len(cells) < len(GRFCR_MAP):
        raise ValueError(f"expected {len(GRFCR_MAP)} cells, found {len(cells)}")
    counts = [parse_count(cell) for cell in cells[1:10]]
    requests, content, content_cg, content_law, _, accounts, accounts_cg, accounts_law, _ = counts
    country = str(cells[0]).strip()
    return {
        **_period_columns(period),
        "report": "tiktok/government_removal_requests",
        "country": country_code(name=country),
        "country_name_raw": country,
        "counts_in_total": 1,
        **requests.columns("requests"),
        **_sum([content, accounts]).columns("items_requested"),
        **_sum([content_cg, content_law, accounts_cg, accounts_law]).columns("items_actioned"),
        **parse_share(cells[10], scale=100).columns("compliance_pct"),
        "compliance_basis": "items",
        "extra": json.dumps(
            dict(
                zip(
                    GRFCR_MAP[1:],
                    [count.value if count.value is not None else count.raw for count in counts] + [cells[10]],
                )
            )
        ),
    }


def _grfcr_historical(cells):
    date = cells[0]
    if not isinstance(date, (dt.date, dt.datetime)):
        date = str(date)
    period_start, period_end = half_year_ending(date)
    return {
        "period_start": period_start,
        "period_end": period_end,
        "report": "tiktok/government_requests_global",
        "country": None,
        "counts_in_total": 0,
        **parse_count(cells[1]).columns("requests"),
    }


def _ip(kind, cells, period):
    report, what = IP_SHEETS[kind]
    region = str(cells[0]).strip()
    return {
        **_period_columns(period),
        "report": report,
        "requester": "Rights holders",
        "reason": what.capitalize(),
        "country": None if region.lower() == "global" else country_code(name=region),
        "country_name_raw": region,
        "counts_in_total": 0,
        **parse_count(cells[2]).columns("requests"),
        **parse_share(cells[4], scale=100).columns("compliance_pct"),
        "compliance_basis": "requests",
        "extra": json.dumps({"Date range": cells[1], f"Successful {what} removal requests": cells[3]}),
    }
