"""A series is never replaced by nothing: carry a series a new download lacks from the previous one.

A transparency source's download holds several series (``removal_requests.report``: Google's
``google/by_requester``, ``google/historical_by_country`` ...). When a new download of the source
lacks a series the previous current dataset had (Google ships the 2026 layout without the
``historical/`` folder, say), loading it would demote that series' rows and the per-country
totals they carried would vanish from every current view. :func:`carry_absent_series` copies the
previous current rows of each absent series into the new dataset instead (``location`` =
``carried from dataset <id>: <location>``), so they stay current and the history keeps every
original row untouched. A carried row that counts in the per-country total gives way
(``counts_in_total = 0``, ``duplicate_of`` = the series that covers it) where the new dataset
already counts that country and period, so nothing is counted twice. The notes returned (for
``datasets.notes``) say what was carried.
"""

from __future__ import annotations

import sqlite_utils

#: columns of ``removal_requests`` not copied as they are
_OWN = {"id", "dataset_id", "location", "is_current"}


def carry_absent_series(db: sqlite_utils.Database, *, dataset_id: int, previous_id: int | None) -> list[str]:
    """Copy into ``dataset_id`` (already current) the current rows of ``previous_id`` whose series
    (``report``) ``dataset_id`` does not hold; return one note per series carried."""
    if previous_id is None or previous_id == dataset_id:
        return []
    reports_now = {row[0] for row in db.execute(
        "select distinct report from removal_requests where dataset_id = ?", [dataset_id])}
    absent = [row[0] for row in db.execute(
        "select distinct report from removal_requests where dataset_id = ? order by report", [previous_id])
        if row[0] not in reports_now]
    if not absent:
        return []
    columns = [name for name in db["removal_requests"].columns_dict if name not in _OWN]
    listed = ", ".join(f"[{name}]" for name in columns)
    notes = []
    with db.atomic():
        for report in absent:
            cursor = db.execute(
                f"insert into removal_requests (dataset_id, location, is_current, {listed}) "
                f"select ?, 'carried from dataset ' || dataset_id || ': ' || location, 1, {listed} "
                "from removal_requests where dataset_id = ? and report = ?",
                [dataset_id, previous_id, report])
            notes.append(f"series {report} absent from this download: {cursor.rowcount} rows carried "
                         f"from dataset {previous_id} (still current)")
        # a carried total gives way where a series of this download already counts country x period
        db.execute(
            """
            update removal_requests as carried
            set counts_in_total = 0,
                duplicate_of = (select group_concat(distinct own.report) from removal_requests own
                                where own.dataset_id = carried.dataset_id and own.counts_in_total = 1
                                and own.location not like 'carried from dataset %'
                                and coalesce(own.country, own.country_name_raw) = coalesce(carried.country, carried.country_name_raw) and own.period_end = carried.period_end)
            where carried.dataset_id = ? and carried.location like 'carried from dataset %'
              and carried.counts_in_total = 1
              and exists (select 1 from removal_requests own
                          where own.dataset_id = carried.dataset_id and own.counts_in_total = 1
                          and own.location not like 'carried from dataset %'
                          and coalesce(own.country, own.country_name_raw) = coalesce(carried.country, carried.country_name_raw) and own.period_end = carried.period_end)
            """,
            [dataset_id])
    return notes
