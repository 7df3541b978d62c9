"""One platform's half-year loaded from two files counts once: precedence between current datasets.

Two current datasets of different sources can cover the same platform, report and half-year: TikTok's
workbook ``English_LIPGR_2022_H1.xlsx`` and a CSV derived from its ``GRFCR map`` sheet both give
TikTok's 2022-H1 requests per country. Summing ``counts_in_total = 1`` rows would count Australia's
231 requests twice (462). :func:`settle_overlaps` keeps one dataset per (platform, report,
half-year) counting, by this precedence:

1. the publisher's original over a derived or re-exported copy: ``schema_version`` earlier in
   :data:`PRECEDENCE` wins (an unlisted layout ranks after the listed ones);
2. then the dataset fetched last; then the higher dataset id.

The other datasets' rows keep their figures but get ``counts_in_total = 0`` and ``duplicate_of =
"dataset <id>: <url>"`` (the winner). Re-run after every load: rows it demoted are restored first, so
the outcome depends only on which datasets are current.
"""

from __future__ import annotations

import sqlite_utils

#: ``datasets.schema_version`` in order of precedence (first wins)
PRECEDENCE = ("tiktok-xlsx", "tiktok-grfcr-csv")

_MARK = "dataset "


def _rank(schema_version: str | None) -> int:
    return PRECEDENCE.index(schema_version) if schema_version in PRECEDENCE else len(PRECEDENCE)


def settle_overlaps(db: sqlite_utils.Database, platform: str) -> int:
    """Apply the precedence to the current rows of ``platform``; returns the rows demoted."""
    with db.atomic():
        db.execute(
            "update removal_requests set counts_in_total = 1, duplicate_of = null "
            "where platform = ? and duplicate_of like ?",
            [platform, _MARK + "%"],
        )
        groups: dict[tuple, list[tuple]] = {}
        for report, period_end, dataset_id, schema, fetched_at, url in db.execute(
            "select distinct r.report, r.period_end, d.id, d.schema_version, d.fetched_at, d.url "
            "from removal_requests r join datasets d on d.id = r.dataset_id "
            "where r.platform = ? and r.is_current = 1 and r.counts_in_total = 1",
            [platform],
        ):
            groups.setdefault((report, period_end), []).append((dataset_id, schema, fetched_at or "", url))
        demoted = 0
        for (report, period_end), datasets in groups.items():
            if len(datasets) < 2:
                continue
            winner = min(datasets, key=lambda d: (_rank(d[1]), _negated(d[2]), -d[0]))
            for dataset_id, *_ in datasets:
                if dataset_id == winner[0]:
                    continue
                demoted += db.execute(
                    "update removal_requests set counts_in_total = 0, duplicate_of = ? where dataset_id = ? "
                    "and report is ? and period_end is ? and counts_in_total = 1 and is_current = 1",
                    [f"{_MARK}{winner[0]}: {winner[3]}", dataset_id, report, period_end],
                ).rowcount
        return demoted


def _negated(text: str) -> tuple:
    """Sort key putting the later ISO timestamp first."""
    return tuple(-ord(character) for character in text)
