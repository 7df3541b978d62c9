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
later per-language CSVs (``2023H1_raw_data_gov_French.csv``) have headers not seen in any
stored sample, so they are rejected with the header line rather than guessed at.

The half-year comes from the file name in ``source_url`` (``..._2022_H1.xlsx``, ``2023H1_...``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
import zlib
from xml.etree import ElementTree
from typing import Iterator

from .archives import check_archive, check_member
from .common import Count, Reject, country_code, csv_records, overlong_reason, decode_text, half_year_ending, \
    half_year_from_label, is_blank, normalise_header, parse_count, parse_share
from .meta import file_name

SOURCE = "tiktok_removals"
PLATFORM = "TikTok"
GRFCR_MAP = [
    "country", "total requests received", "total content received",
    "content actioned due to community guidelines violations",
    "content actioned due to (local) law violations", "content not actioned",
    "total accounts received", "accounts actioned due to community guidelines violations",
    "accounts actioned due to (local) law violations", "accounts not actioned", "removal rate",
]
GRFCR_HISTORICAL = ["date", "total government requests"]
IP_SHEETS = {"ip cr": ("tiktok/ip_copyright", "copyright"), "ip tm": ("tiktok/ip_trademark", "trademark")}


def schema_version(data: bytes) -> str:
    """``tiktok-xlsx`` for a workbook, ``tiktok-grfcr-csv`` for a GRFCR map CSV, else ``tiktok-unknown``."""
    if _is_xlsx(data):
        return "tiktok-xlsx"
    for _, _, cells in csv_records(decode_text(data)):
        return "tiktok-grfcr-csv" if _trimmed(cells) == GRFCR_MAP else "tiktok-unknown"
    return "tiktok-unknown"


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
        except (zlib.error, EOFError, KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError) as exc:
            # a damaged workbook (corrupt part, broken XML): refused whole, with the reason
            raise ValueError(f"{name}: unreadable xlsx workbook ({type(exc).__name__}: {exc})") from exc
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
    records = ((line, cells) for line, _, cells in csv_records(decode_text(data), overlong=True))
    yield from _parse_table("grfcr map", records, name, period, csv=True)


def _parse_table(kind, records, where, period, csv=False):
    header = None
    for number, cells in records:
        if cells is None:  # an over-long CSV record (csv_records)
            yield f"{where}:{number}", Reject(overlong_reason(), "")
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
                yield location, Reject(f"TikTok: unrecognised header in {where}", raw)
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
            yield location, Reject(f"TikTok {kind}: {error}", raw)
            continue
        yield location, {**row, "platform": PLATFORM}


def _period_columns(period) -> dict:
    if period is None:
        raise ValueError("no half-year in the file name")
    return {"period_start": period[0], "period_end": period[1]}


def _sum(counts: list[Count]) -> Count:
    if all(count.value is not None for count in counts):
        return Count(sum(count.value for count in counts), "+".join(count.raw for count in counts))
    return Count(None, "+".join(count.raw or "" for count in counts),
                 next(count.flag for count in counts if count.flag))


def _grfcr_map(cells, period):
    cells = cells[: len(GRFCR_MAP)]
    if len(cells) < len(GRFCR_MAP):
        raise ValueError(f"expected {len(GRFCR_MAP)} cells, found {len(cells)}")
    counts = [parse_count(cell) for cell in cells[1:10]]
    requests, content, content_cg, content_law, _, accounts, accounts_cg, accounts_law, _ = counts
    country = str(cells[0]).strip()
    return {
        **_period_columns(period), "report": "tiktok/government_removal_requests",
        "country": country_code(name=country), "country_name_raw": country, "counts_in_total": 1,
        **requests.columns("requests"),
        **_sum([content, accounts]).columns("items_requested"),
        **_sum([content_cg, content_law, accounts_cg, accounts_law]).columns("items_actioned"),
        **parse_share(cells[10], scale=100).columns("compliance_pct"), "compliance_basis": "items",
        "extra": json.dumps(dict(zip(GRFCR_MAP[1:], [count.value if count.value is not None else count.raw
                                                     for count in counts] + [cells[10]]))),
    }


def _grfcr_historical(cells):
    date = cells[0]
    if not isinstance(date, (dt.date, dt.datetime)):
        date = str(date)
    period_start, period_end = half_year_ending(date)
    return {"period_start": period_start, "period_end": period_end,
            "report": "tiktok/government_requests_global", "country": None, "counts_in_total": 0,
            **parse_count(cells[1]).columns("requests")}


def _ip(kind, cells, period):
    report, what = IP_SHEETS[kind]
    region = str(cells[0]).strip()
    return {
        **_period_columns(period), "report": report, "requester": "Rights holders",
        "reason": what.capitalize(), "country": None if region.lower() == "global" else country_code(name=region),
        "country_name_raw": region, "counts_in_total": 0,
        **parse_count(cells[2]).columns("requests"),
        **parse_share(cells[4], scale=100).columns("compliance_pct"), "compliance_basis": "requests",
        "extra": json.dumps({"Date range": cells[1], f"Successful {what} removal requests": cells[3]}),
    }
