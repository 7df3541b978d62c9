"""UTC timestamps as stored in the database: ISO 8601 with a ``Z`` suffix, second precision.

One place for the three shapes modwatch writes and reads:

- :func:`iso_utc`: ``"2026-11-29T17:40:05Z"`` (database columns, item fields);
- :func:`file_stamp`: ``"20261129T174005Z"`` (file names: WARC files, reports, exports);
- :func:`parse_iso`: the reverse of :func:`iso_utc` (and any ISO 8601 date or date-time).
"""

from datetime import datetime, timezone


def _utc(moment: datetime | None) -> datetime:
    """``moment`` (default: now) in UTC; a naive ``datetime`` is taken to be UTC already."""
    if moment is None:
        return datetime.now(timezone.utc)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def iso_utc(moment: datetime | None = None) -> str:
    """Return ``moment`` (default: now) as ``"YYYY-MM-DDTHH:MM:SSZ"`` in UTC.

    A naive ``datetime`` is taken to be UTC already.
    """
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_stamp(moment: datetime | None = None) -> str:
    """Return ``moment`` (default: now) as ``"YYYYMMDDTHHMMSSZ"`` in UTC, for file names.

    ISO 8601 basic format: no ``:`` (not allowed in Windows file names), sorts by time.
    """
    return _utc(moment).strftime("%Y%m%dT%H%M%SZ")


def parse_iso(value: str) -> datetime:
    """An ISO 8601 date or date-time string -> an aware ``datetime`` in UTC.

    Accepts what :meth:`datetime.fromisoformat` reads on Python 3.11+ (``Z`` suffix,
    offsets, fractions, a bare date = midnight); a value without offset is taken to be UTC.
    Raises ``ValueError`` (not ISO 8601) or ``TypeError`` (not a string).
    """
    return _utc(datetime.fromisoformat(value))
