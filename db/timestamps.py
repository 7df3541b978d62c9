"""UTC timestamps as stored in the database: ISO 8601 with a ``Z`` suffix, second precision."""

from datetime import datetime, timezone


def iso_utc(moment: datetime | None = None) -> str:
    """Return ``moment`` (default: now) as ``"YYYY-MM-DDTHH:MM:SSZ"`` in UTC.

    A naive ``datetime`` is taken to be UTC already.
    """
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
