"""Drift as a first-class event: the ``source_status`` table (definition: ``db/migrations_sources.py``).

Every attempt at a source rewrites its row, and says in one sentence why a source is not ``ok``:

- a file whose header matches no known layout -> ``drifted`` (the file is not loaded; the
  previous current rows stay current);
- a download or parse error, a file that stores no row, a crawl that returns nothing ->
  ``failed``;
- data loaded (or unchanged) whose newest period is older than the source's allowed lag
  (:data:`MAX_LAG_DAYS`: the source stopped advancing, or the download is an old copy) ->
  ``stale``;
- otherwise ``ok``.

Within one crawl run the worst event of a source wins (a drifted Meta file is not hidden by
the next file loading fine). A source is a spider's source family: ``meta_restrictions`` for
the datasets ``meta_restrictions/2018-H2`` ... (:func:`family`). Writers: the transparency
pipeline (:func:`record_dataset`, :func:`record_load_error`) and the ``crawl`` command
(:func:`record_run`); ``crawl`` reads the rows of its runs back (:func:`rows_for_run`) to set
its exit status and print the reason.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from db.timestamps import iso_utc

OK, STALE, DRIFTED, FAILED = "ok", "stale", "drifted", "failed"
_RANK = {OK: 0, STALE: 1, DRIFTED: 2, FAILED: 3}

#: a half-yearly report is stale when its newest period ended more than this many days before the
#: attempt (Google publishes a half-year about 8 months after it ends; 400 days = a half-year missed)
MAX_LAG_DAYS = 400


def family(source: str) -> str:
    """The ``source_status`` key of a dataset source: ``meta_restrictions/2018-H2`` -> ``meta_restrictions``."""
    return source.split("/", 1)[0]


def record(
    db: sqlite_utils.Database,
    source: str,
    *,
    state: str,
    reason: str | None,
    crawl_run_id: int | None = None,
    dataset_id: int | None = None,
    layout_seen: str | None = None,
    layouts_known: tuple[str, ...] | None = None,
    at: str | None = None,
) -> dict:
    """Write the ``source_status`` row of ``source`` (a family) for one attempt and return it.

    ``newest_period``, ``rows`` and ``copy_kind`` are read from the current datasets of the
    family. A second event of the same crawl run keeps the worse state and its reason.
    ``last_success`` is set when the state is ``ok`` or ``stale`` (the data was read).
    """
    if state not in _RANK:
        raise ValueError(f"not a source state: {state!r}")
    at = at or iso_utc()
    key = family(source)
    table = db["source_status"]
    previous = next(iter(table.rows_where("source = ?", [key])), None)
    row = {
        "source": key,
        "state": state,
        "reason": reason,
        "last_attempt": at,
        "last_success": previous["last_success"] if previous else None,
        "crawl_run_id": crawl_run_id,
        **current_figures(db, key),
    }
    if dataset_id is not None:
        row["dataset_id"] = dataset_id
    if layout_seen is not None:
        row["layout_seen"] = layout_seen
    if layouts_known is not None:
        row["layouts_known"] = ", ".join(layouts_known)
    if state in (OK, STALE):
        row["last_success"] = at
    if (
        previous
        and crawl_run_id is not None
        and previous["crawl_run_id"] == crawl_run_id
        and _RANK[previous["state"]] > _RANK[state]
    ):
        row.update(state=previous["state"], reason=previous["reason"])
        row.pop("layout_seen", None)
        row.pop("dataset_id", None)  # the dataset the kept reason is about, not the later one
    with db.atomic():
        table.upsert(row, pk="source", alter=False)
    return next(iter(table.rows_where("source = ?", [key])))


def current_figures(db: sqlite_utils.Database, key: str) -> dict:
    """``newest_period``, ``rows`` and ``copy_kind`` of the current datasets of family ``key``; for a
    spider without datasets (news) the newest publication day and count of the articles its crawl
    runs stored; ``{}`` when there is neither."""
    newest, rows, kinds = db.execute(
        "select max(newest_period), sum(rows_stored), group_concat(distinct copy_kind) from datasets "
        "where is_current = 1 and (source = ? or source like ? escape '\\')",
        [key, key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"],
    ).fetchone()
    if rows is not None:
        return {"newest_period": newest, "rows": rows, "copy_kind": kinds}
    # a news spider: the articles its crawl runs stored, and the newest day they were published
    newest, rows = db.execute(
        "select max(substr(a.published_at, 1, 10)), count(*) from articles a "
        "join crawl_runs r on r.id = a.crawl_run_id where r.spider = ?",
        [key],
    ).fetchone()
    return {"newest_period": newest, "rows": rows} if rows else {}


def annotate_dataset(
    db: sqlite_utils.Database,
    dataset_id: int,
    *,
    copy_kind: str,
    notes: list[str] = (),
    table: str = "removal_requests",
) -> str | None:
    """Set ``copy_kind``, ``newest_period`` (the newest ``period_end`` of its rows in ``table``)
    and ``notes`` on a ``datasets`` row; return the newest period."""
    newest = db.execute(f"select max(period_end) from [{table}] where dataset_id = ?", [dataset_id]).fetchone()[0]
    with db.atomic():
        db["datasets"].update(
            dataset_id, {"copy_kind": copy_kind, "newest_period": newest, "notes": "\n".join(notes) or None}
        )
    return newest


def staleness(newest_period: str | None, at: str, max_lag_days: int = MAX_LAG_DAYS) -> str | None:
    """The reason a source whose data ends on ``newest_period`` is stale at ``at``, or ``None``."""
    if not newest_period:
        return None
    age = (dt.date.fromisoformat(at[:10]) - dt.date.fromisoformat(newest_period[:10])).days
    if age <= max_lag_days:
        return None
    return (
        f"newest period ends {newest_period[:10]}, {age} days before {at[:10]} "
        f"(more than {max_lag_days}): the source stopped advancing or the copy is old"
    )


def record_dataset(
    db: sqlite_utils.Database,
    *,
    source: str,
    result: dict,
    copy_kind: str,
    layouts_known: tuple[str, ...],
    notes: list[str] = (),
    crawl_run_id: int | None = None,
    at: str | None = None,
) -> dict:
    """Record the outcome of :func:`modwatch.load.datasets.load_dataset` (``result``) for a transparency file."""
    at = at or iso_utc()
    dataset_id = result["dataset_id"]
    dataset = db["datasets"].get(dataset_id)
    if result["status"] not in ("loaded", "unchanged"):  # nothing stored, or a file held back as implausible
        if result["status"] == "empty":
            why = f"stored no rows ({result['rows_rejected']} rejected)"
        else:
            why = f"not made current ({result['status']}: {dataset.get('error') or 'no reason given'})"
        return record(
            db,
            source,
            state=FAILED,
            crawl_run_id=crawl_run_id,
            dataset_id=dataset_id,
            at=at,
            layout_seen=dataset["schema_version"],
            layouts_known=layouts_known,
            reason=f"{dataset['url']} {why}; the previous data stays current",
        )
    if result["status"] == "loaded" or dataset["newest_period"] is None:
        annotate_dataset(db, dataset_id, copy_kind=copy_kind, notes=notes)
    figures = current_figures(db, family(source))
    why_stale = staleness(figures.get("newest_period"), at)
    return record(
        db,
        source,
        state=STALE if why_stale else OK,
        reason=why_stale,
        crawl_run_id=crawl_run_id,
        dataset_id=dataset_id,
        layout_seen=dataset["schema_version"],
        layouts_known=layouts_known,
        at=at,
    )


def record_load_error(
    db: sqlite_utils.Database,
    *,
    source: str,
    url: str,
    error: BaseException,
    layouts_known: tuple[str, ...],
    unknown_header: str | None = None,
    crawl_run_id: int | None = None,
    at: str | None = None,
) -> dict:
    """Record a file that could not be loaded: ``drifted`` for an unknown layout (``unknown_header``:
    the header the parser did not know, from its ``LayoutError``), else ``failed``."""
    if unknown_header is not None:
        return record(
            db,
            source,
            state=DRIFTED,
            crawl_run_id=crawl_run_id,
            at=at,
            layouts_known=layouts_known,
            layout_seen=f"unknown: {unknown_header[:200]}",
            reason=f"{url}: {error}; not loaded, the previous data stays current",
        )
    return record(
        db,
        source,
        state=FAILED,
        crawl_run_id=crawl_run_id,
        at=at,
        layouts_known=layouts_known,
        reason=f"{url} not loaded: {type(error).__name__}: {error}"[:500],
    )


def record_run(
    db: sqlite_utils.Database,
    spider: str,
    *,
    status: str,
    problems: list[str],
    data_items: int,
    nothing_due: bool,
    crawl_run_id: int | None,
    at: str | None = None,
) -> dict | None:
    """Record a spider's crawl run as an attempt at its source (``crawl`` calls it after each run).

    An interrupted run (Ctrl-C, SIGTERM; resumed next time) changes nothing. A state the pipeline
    already recorded for this run that is not ``ok`` stands (it is the precise reason). A run that is not healthy is ``failed`` with its first problem; a run that returned nothing
    (no item, no unchanged page) and was not told it had nothing to do is ``failed``: "returned
    nothing". Otherwise the row's state from the run's datasets (if the pipeline wrote one)
    stands, else ``ok``.
    """
    existing = next(iter(db["source_status"].rows_where("source = ?", [family(spider)])), None)
    if status == "interrupted":  # stopped on purpose; the next crawl resumes it: no verdict on the source
        return existing
    if existing and crawl_run_id is not None and existing["crawl_run_id"] == crawl_run_id and existing["state"] != OK:
        return existing  # the pipeline said what went wrong with this run's files: the precise reason
    if status not in ("ok", "skipped"):
        return record(
            db,
            spider,
            state=FAILED,
            crawl_run_id=crawl_run_id,
            at=at,
            reason=f"crawl run {status}: {problems[0] if problems else 'see the log'}",
        )
    if data_items == 0 and not nothing_due:
        return record(
            db,
            spider,
            state=FAILED,
            crawl_run_id=crawl_run_id,
            at=at,
            reason="returned nothing: no article or file found by any discovery method "
            "(the site or its feeds, sitemaps or download URLs may have moved)",
        )
    if existing and crawl_run_id is not None and existing["crawl_run_id"] == crawl_run_id:
        return existing  # the pipeline recorded this run's datasets
    return record(db, spider, state=OK, reason=None, crawl_run_id=crawl_run_id, at=at)


def rows_for_run(db: sqlite_utils.Database, crawl_run_id: int) -> list[dict]:
    """The ``source_status`` rows written by crawl run ``crawl_run_id``."""
    return list(db["source_status"].rows_where("crawl_run_id = ?", [crawl_run_id], order_by="source"))


def datasets_of_run(db: sqlite_utils.Database, crawl_run_id: int) -> list[dict]:
    """The datasets a crawl run loaded (source, copy kind, newest period), for the crawl summary."""
    return list(
        db["datasets"].rows_where(
            "crawl_run_id = ? and status = 'loaded'",
            [crawl_run_id],
            order_by="id",
            select="id, source, status, copy_kind, newest_period, notes",
        )
    )
