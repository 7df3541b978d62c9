"""Migrations of the sources area: ``source_status`` and what each ``datasets`` row came from.

``source_status``
    One row per source (a spider's source family: ``google_removals``, ``meta_restrictions``,
    ``thevietnamese`` ...), rewritten at every attempt, so an analyst sees at once which
    sources are healthy (:mod:`db.source_status` writes it):

    - ``last_attempt`` / ``last_success``: UTC ISO 8601 of the last crawl that tried the
      source and of the last one that stored (or found unchanged) its data;
    - ``layout_seen``: the layout of the last file read (``datasets.schema_version``, or the
      unknown header); ``layouts_known``: the layouts its parser accepts;
    - ``newest_period``: the end of the newest period (transparency reports) or the newest
      day (news) the current data covers; ``rows``: current data rows;
    - ``copy_kind``: what the current data was downloaded from (see ``datasets.copy_kind``);
    - ``state``: ``ok`` | ``stale`` (newest period not advancing: older than the source's
      allowed lag) | ``drifted`` (a file of unknown layout) | ``failed`` (nothing returned,
      nothing stored, download or parse error); ``reason``: one sentence saying why;
    - ``crawl_run_id`` / ``dataset_id``: the attempt's crawl run and dataset, if any.

``datasets`` gains
    ``copy_kind``: ``platform`` (the platform's own file), ``third_party_copy`` (an archived
    copy held by someone else: a GitHub repository, the Wayback Machine), ``local_file``
    (``file://``) or ``unknown_host``; ``newest_period``: the end of the newest half-year (or
    day) the dataset holds; ``notes``: what the parser noticed without rejecting the file
    (extra columns kept in ``extra``), one note per line.
"""

from sqlite_utils.migrations import Migrations

migrations = Migrations("modwatch-sources")

#: ``source_status.state`` values, best first
STATES = ("ok", "stale", "drifted", "failed")


@migrations()
def m001_source_status(db):
    db.execute(
        """
        create table if not exists source_status (
            source text primary key,
            state text not null check (state in ('ok', 'stale', 'drifted', 'failed')),
            reason text,
            last_attempt text,
            last_success text,
            layout_seen text,
            layouts_known text,
            newest_period text,
            rows integer,
            copy_kind text,
            crawl_run_id integer,
            dataset_id integer
        )
        """
    )
    columns = db["datasets"].columns_dict
    for name in ("copy_kind", "newest_period", "notes"):
        if name not in columns:
            db["datasets"].add_column(name, str)
