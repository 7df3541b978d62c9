"""A series is never replaced by nothing: carry a series a new download lacks from the previous one.

A transparency source's download holds several series (``removal_requests.report``: Google's
``google/by_requester``, ``google/historical_by_country`` ...). When a new download of the source
lacks a series the previous current dataset had (Google ships the 2026 layout without the
``historical/`` folder, say), loading it would demote that series' rows and the per-country
totals they carried would vanish from every current view. :func:`carry_absent_series` copies the
previous current rows of each absent series into the new dataset instead (``location`` =
``carried from dataset <id>: <location>``), so they stay current and the history keeps every
original row untouched. A carried line (all rows of one source line) whose per-country total the
new dataset already counts for that country and half-year in another series is not carried, so
nothing is counted twice and a superseded series (Google's 2019+ requester file, replaced by the
2026 layout) does not linger; a country the new download lacks keeps its figures. The notes returned (for
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
    reports_now = {
        row[0] for row in db.execute("select distinct report from removal_requests where dataset_id = ?", [dataset_id])
    }
    absent = [
        row[0]
        for row in db.execute(
            "select distinct report from removal_requests where dataset_id = ? order by report", [previous_id]
        )
        if row[0] not in reports_now
    ]
    if not absent:
        return []
    columns = [name for name in db["removal_requests"].columns_dict if name not in _OWN]
    listed = ", ".join(f"[{name}]" for name in columns)
    with db.atomic():
        for report in absent:
            db.execute(
                f"insert into removal_requests (dataset_id, location, is_current, {listed}) "
                "select ?, case when location like 'carried from dataset %' then location "  # carried twice: first origin
                "else 'carried from dataset ' || dataset_id || ': ' || location end, "
                f"1, {listed} "
                "from removal_requests where dataset_id = ? and report = ?",
                [dataset_id, previous_id, report],
            )
        # a carried line whose total this download already counts (same country x half-year) is not
        # carried: the download covers it (Google's 2026 layout replaces the 2019+ requester file)
        cursor = db.execute(
            """
            delete from removal_requests
            where dataset_id = ? and location in (
                select carried.location from removal_requests carried
                join (select distinct coalesce(country, country_name_raw) as place, period_end
                      from removal_requests
                      where dataset_id = ? and counts_in_total = 1
                        and location not like 'carried from dataset %') own
                  on coalesce(carried.country, carried.country_name_raw) = own.place
                 and carried.period_end = own.period_end
                where carried.dataset_id = ? and carried.location like 'carried from dataset %'
                  and carried.counts_in_total = 1)
            """,
            [dataset_id, dataset_id, dataset_id],
        )
        dropped = cursor.rowcount
        counts = dict(
            db.execute(
                "select report, count(*) from removal_requests where dataset_id = ? "
                "and location like 'carried from dataset %' group by report",
                [dataset_id],
            ).fetchall()
        )
    notes = [
        f"series {report} absent from this download: {counts[report]} rows of dataset {previous_id} "
        f"carried (still current)"
        for report in absent
        if counts.get(report)
    ]
    if dropped:
        notes.append(
            f"{dropped} rows of dataset {previous_id} not carried: this download counts their "
            f"country and half-year in another series"
        )
    return notes
