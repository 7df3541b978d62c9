"""The layouts of Google's government-removals CSVs (:data:`LAYOUTS`, the columns each accepts, with
aliases) and how a record of each becomes ``removal_requests`` rows (:data:`ROW_PARSERS`); the parser is
:mod:`modwatch.transparency.google`."""

from __future__ import annotations

import json

from .common import Count, country_code, half_year_ending, is_blank, parse_count, parse_share
from .layouts import Layout, half_year_from_text, is_half_year

_KEY = {
    "period_end": ("period ending",),
    "country_name": ("country/region", "country", "country name"),
    "country_code": ("cldr territory code", "cldr territory", "cldr code"),
}
_OUTCOMES = {
    "pct_removed_legal": "% Removed-Legal",
    "pct_removed_policy": "% Removed-Policy",
    "pct_content_not_found": "% Content Not Found",
    "pct_not_enough_information": "% Not Enough Information",
    "pct_no_action_taken": "% No Action Taken",
    "pct_content_already_removed": "% Content Already Removed",
}
_ITEM_OUTCOMES = {
    "items_removed_legal": ("items removed-legal",),
    "items_removed_policy": ("items removed-policy",),
    "items_content_not_found": (),
    "items_not_enough_info": ("items not enough information",),
    "items_no_action_taken": (),
    "items_content_already_removed": (),
}
_BRANCH_COLUMNS = {
    f"{prefix}_{measure}": (f"{part}: {heading}",)
    for prefix, part in [
        ("all", "all requests"),
        ("court", "court orders"),
        ("other", "other requests (executive, police, etc.)"),
    ]
    for measure, heading in [
        ("requests", "number of requests"),
        ("share", "% fully or partially complied with"),
        ("items", "items requested to be removed"),
    ]
}
#: every layout Google has used, by name (the series is ``google/<name>``)
LAYOUTS = [
    Layout(
        "by_requester_product_reason",
        {
            "period_text": ("time period", "period"),
            "period_end": ("period ending",),
            "country_name": _KEY["country_name"],
            "country_code": _KEY["country_code"],
            "requester": (),
            "product": (),
            "reason": (),
            "requests": ("number of requests",),
            "items_requested": ("items requested removal", "items requested to be removed"),
            **_ITEM_OUTCOMES,
        },
        optional=frozenset({"period_text", "period_end"}),
    ),
    Layout(
        "by_requester",
        {
            **_KEY,
            "requester": (),
            "requests": ("number of requests",),
            "items_requested": ("items requested to be removed",),
            **{key: (label,) for key, label in _OUTCOMES.items()},
        },
    ),
    Layout("by_product_reason", {**_KEY, "product": (), "reason": (), "total": ()}),
    Layout("historical_by_country", {**_KEY, **_BRANCH_COLUMNS}),
    Layout(
        "historical_by_product_reason",
        {
            **_KEY,
            "product": (),
            "reason": (),
            "court_orders": ("court orders",),
            "executive": ("executive, police, etc.",),
            "items_requested": ("items requested to be removed",),
        },
    ),
]
LAYOUT_NAMES = tuple(layout.name for layout in LAYOUTS)
_BRANCHES = [("all", "All Requests"), ("court", "Court Orders"), ("other", "Other Requests (Executive, Police, etc.)")]


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
    return {
        "period_start": period_start,
        "period_end": period_end,
        "country": code,
        "country_name_raw": record["country_name"],
    }


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
        **_place(record, bundle),
        "requester": record["requester"],
        "product": record["product"],
        "reason": record["reason"] or None,
        "counts_in_total": 1,
        **parse_count(record["requests"]).columns("requests"),
        **requested.columns("items_requested"),
        **removed.columns("items_actioned"),
        "compliance_pct": share,
        "compliance_pct_raw": None,  # computed from the counts, in extra
        "compliance_pct_flag": None if share is not None else "not_computable",
        "compliance_basis": "items",
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
        **_place(record, bundle),
        "requester": record["requester"],
        "counts_in_total": 1,
        **parse_count(record["requests"]).columns("requests"),
        **parse_count(record["items_requested"]).columns("items_requested"),
        "compliance_pct": removed,
        "compliance_pct_raw": None,  # the cells are in extra
        "compliance_pct_flag": None if removed is not None else "blank",
        "compliance_basis": "items",
        "extra": json.dumps(extra, ensure_ascii=False),
    }


def _by_product_reason(record, bundle):
    yield {
        **_place(record, bundle),
        "product": record["product"],
        "reason": record["reason"] or None,
        "counts_in_total": 0,
        **parse_count(record["total"]).columns("requests"),
    }


def _historical_by_country(record, bundle):
    place = _place(record, bundle)
    for index, (prefix, label) in enumerate(_BRANCHES):
        requests, share, items = (record[f"{prefix}_{measure}"] for measure in ("requests", "share", "items"))
        if index > 0 and is_blank([requests, share, items]):
            continue  # no split published for this branch
        yield {
            **place,
            "requester": label,
            "counts_in_total": int(index == 0),
            **parse_count(requests).columns("requests"),
            **parse_count(items).columns("items_requested"),
            **parse_share(share).columns("compliance_pct"),
            "compliance_basis": "requests",
        }


def _historical_by_product_reason(record, bundle):
    court, executive = parse_count(record["court_orders"]), parse_count(record["executive"])
    if court.value is not None and executive.value is not None:
        requests = Count(court.value + executive.value, f"{record['court_orders']}+{record['executive']}")
    else:
        requests = Count(None, f"{record['court_orders']}+{record['executive']}", court.flag or executive.flag)
    yield {
        **_place(record, bundle),
        "product": record["product"],
        "reason": record["reason"] or None,
        "counts_in_total": 0,
        **requests.columns("requests"),
        **parse_count(record["items_requested"]).columns("items_requested"),
        "extra": json.dumps({"Court Orders": record["court_orders"], "Executive, Police, etc.": record["executive"]}),
    }


#: layout name -> the function turning one of its records into ``removal_requests`` rows
ROW_PARSERS = {
    "by_requester_product_reason": _by_requester_product_reason,
    "by_requester": _by_requester,
    "by_product_reason": _by_product_reason,
    "historical_by_country": _historical_by_country,
    "historical_by_product_reason": _historical_by_product_reason,
}
