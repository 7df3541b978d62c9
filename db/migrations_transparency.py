"""Migrations of the transparency area: ``datasets``, ``removal_requests``, ``meta_global_geoblocks``.

Column types are declared up front in SQL so that a column whose first values are NULL is still
INTEGER/REAL. Numbers that a report does not give as numbers (``<10``, ``?``, ``N/A``, ``NULL``,
blank) are stored as NULL in the number column, the cell text in ``<name>_raw`` and a reason in
``<name>_flag`` (see ``modwatch.transparency.common.Count``).

Tables
------
``datasets``
    One row per downloaded file. ``source`` is the replacement scope (see ``db/datasets.py``);
    ``status`` is ``loading`` | ``loaded`` | ``failed``; ``is_current`` = 1 for the newest loaded
    dataset of its source. ``rows_read`` / ``rows_stored`` / ``rows_rejected`` count data rows.
    ``filters``: JSON object of the row filters the load applied (a DSA dump loaded for some
    platforms only), NULL when every row was loaded.

``removal_requests``
    The common table all platform transparency reports map into. One row = one figure set for
    one platform x report series x country x half-year x (requester | product x reason).

    - ``platform``: ``Google`` | ``Meta`` | ``X`` | ``TikTok``; ``report``: the series inside the
      platform's report (e.g. ``google/by_requester``, ``google/by_product_reason``,
      ``meta/content_restrictions``, ``x/legal_demands``, ``tiktok/government_removal_requests``).
    - ``country``: ISO 3166-1 alpha-2, the CLDR territory code when the source gives one
      (``XK`` Kosovo); NULL for global rows. ``country_name_raw``: the name as written.
    - ``period_start`` / ``period_end``: ISO dates of the half-year (``2023-07-01``/``2023-12-31``).
    - ``requester``: requester type as the report names it (``Information and Communications
      Authority``, ``Court Orders`` ...); ``product``; ``reason``.
    - ``requests``: number of removal requests; ``items_requested``: items (URLs, posts,
      accounts) named in them; ``items_actioned``: items removed or restricted;
      ``compliance_pct``: share complied with, 0-100, on the basis ``compliance_basis``
      (``items`` or ``requests``).
    - ``counts_in_total``: 1 when the row is part of the platform's one non-overlapping
      per-country, per-period total (the rows the view ``removal_requests_by_country_period`` adds
      up); 0 for other breakdowns of the same requests (Google's product x reason counts, branch
      splits), global rows, and ``duplicate_of`` rows (a period a newer file also covers).
    - ``extra``: JSON object of the source-specific columns, raw, under their original headers.
    - ``dataset_id`` -> ``datasets.id``; ``location``: ``file:line`` in the dataset.

``meta_global_geoblocks``
    Meta's "Global GB" (geo-block) columns: a global figure repeated in (almost) every country
    row of a file, so it must never be summed across countries. Stored once per period and
    column, with how many country rows repeat it.

``rejects`` (core table) gains ``dataset_id`` and ``location`` so a rejected data row points to
its file and line.
"""

from sqlite_utils.migrations import Migrations

migrations = Migrations("modwatch.transparency")

NUMBER_COLUMNS = ("requests", "items_requested", "items_actioned")


@migrations()
def m001_datasets(db):
    db.execute(
        """
        create table if not exists datasets (
            id integer primary key,
            source text not null,
            url text,
            fetched_at text,
            sha256 text,
            byte_size integer,
            rows_read integer,
            rows_stored integer,
            rows_rejected integer,
            schema_version text,
            crawl_run_id integer,
            warc_record_id text,
            status text not null default 'loading' check (status in ('loading', 'loaded', 'failed')),
            is_current integer not null default 0,
            error text
        )
        """
    )
    db.execute("create index if not exists idx_datasets_source on datasets (source, is_current)")
    db.execute("create index if not exists idx_datasets_sha256 on datasets (sha256)")


@migrations()
def m002_rejects_provenance(db):
    if "rejects" not in db.table_names():
        # the core migration set normally runs first and owns this table; same columns
        db.execute(
            """
            create table rejects (
                id integer primary key, crawl_run_id integer, spider text, url text, reason text,
                excerpt text, fetched_at text, warc_record_id text
            )
            """
        )
    columns = db["rejects"].columns_dict
    if "dataset_id" not in columns:
        db["rejects"].add_column("dataset_id", int)
    if "location" not in columns:
        db["rejects"].add_column("location", str)


@migrations()
def m003_removal_requests(db):
    numbers = ",\n".join(f"{name} integer, {name}_raw text, {name}_flag text" for name in NUMBER_COLUMNS)
    db.execute(
        f"""
        create table removal_requests (
            id integer primary key,
            dataset_id integer not null references datasets(id),
            location text not null,
            is_current integer not null default 0,
            platform text not null,
            report text not null,
            counts_in_total integer not null default 0,
            country text,
            country_name_raw text,
            period_start text,
            period_end text,
            requester text,
            product text,
            reason text,
            {numbers},
            compliance_pct real, compliance_pct_raw text, compliance_pct_flag text,
            compliance_basis text check (compliance_basis in ('items', 'requests')),
            duplicate_of text,
            extra text
        )
        """
    )
    db.execute("create index idx_removal_requests_country on removal_requests (country, period_end)")
    db.execute("create index idx_removal_requests_dataset on removal_requests (dataset_id, is_current)")
    db.execute("create index idx_removal_requests_report on removal_requests (platform, report)")
    db.execute(
        """
        create table meta_global_geoblocks (
            id integer primary key,
            dataset_id integer not null references datasets(id),
            location text not null,
            is_current integer not null default 0,
            period_start text,
            period_end text,
            surface text not null,
            kind text not null,
            items integer,
            items_raw text,
            rows_repeating integer,
            rows_total integer,
            other_values text
        )
        """
    )
    # "how many removal requests did each country send to each platform per half-year, and what
    # share was complied with": one row per platform x country x half-year, current data only.
    db.execute(
        """
        create view removal_requests_by_country_period as
        select
            platform,
            country,
            period_start,
            period_end,
            sum(requests) as requests,
            sum(items_requested) as items_requested,
            sum(items_actioned) as items_actioned,
            round(
                sum(compliance_pct * case compliance_basis when 'items' then items_requested
                                                           else requests end)
                / nullif(sum(case when compliance_pct is not null then
                             case compliance_basis when 'items' then items_requested
                                                   else requests end end), 0),
                1) as compliance_pct,
            count(*) as rows_added,
            sum(requests_flag is not null) as requests_not_numeric,
            group_concat(distinct report) as reports
        from removal_requests
        where is_current = 1 and counts_in_total = 1
        group by platform, country, period_start, period_end
        """
    )


@migrations()
def m004_datasets_filters(db):
    # the row filters a load applied (JSON, e.g. a DSA dump loaded for some platforms only); NULL: every row
    db["datasets"].add_column("filters", str)
