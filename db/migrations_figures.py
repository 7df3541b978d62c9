"""Migrations for trustworthy figures (validate before replacing): the ``quarantined`` dataset status.

``datasets.status`` gains ``quarantined``: a downloaded file whose rows were stored but not made
current, because it is partial, of an unknown layout or implausibly small (the reason is in
``datasets.error``; see :mod:`modwatch.transparency.validate`). The column's CHECK constraint
is widened by editing the stored table definition (``PRAGMA writable_schema``), the documented
way to change a CHECK constraint without rebuilding the table
(https://sqlite.org/lang_altertable.html#otheralter): every existing row satisfies the wider
constraint, and tables referring to ``datasets`` are untouched.

``country_names`` (m002): typed country names and codes -> ISO 3166-1 alpha-2 (``db/country_names.py``).
"""

from sqlite_utils.migrations import Migrations

migrations = Migrations("modwatch-figures")

_OLD = "check (status in ('loading', 'loaded', 'failed'))"
_NEW = "check (status in ('loading', 'loaded', 'failed', 'quarantined'))"


@migrations()
def m001_datasets_quarantined(db):
    row = db.execute("select sql from sqlite_master where type = 'table' and name = 'datasets'").fetchone()
    if row is None or _OLD not in row[0]:
        return  # created elsewhere without the constraint, or already widened
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    db.execute(
        "update sqlite_master set sql = replace(sql, ?, ?) where type = 'table' and name = 'datasets'", [_OLD, _NEW]
    )
    db.execute(f"PRAGMA schema_version = {int(version) + 1}")
    db.execute("PRAGMA writable_schema = OFF")


@migrations()
def m002_country_names(db):
    # typed country names -> ISO 3166-1 alpha-2, for the dashboard's country input (db/country_names.py)
    db.execute("create table if not exists country_names (name text primary key, country text not null)")
