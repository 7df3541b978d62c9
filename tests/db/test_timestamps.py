"""db.timestamps: the one place UTC timestamps are written (ISO 8601, file stamps) and read."""

from datetime import date, datetime, timedelta, timezone

import pytest

from db.timestamps import file_stamp, iso_utc, parse_iso

HANOI = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    "moment, iso, stamp",
    [
        (datetime(2024, 3, 14, 9, 5, 7, tzinfo=timezone.utc), "2024-03-14T09:05:07Z", "20240314T090507Z"),
        (datetime(2024, 3, 14, 9, 5, 7, 999_999), "2024-03-14T09:05:07Z", "20240314T090507Z"),  # naive = UTC
        (datetime(2024, 3, 15, 2, 0, 0, tzinfo=HANOI), "2024-03-14T19:00:00Z", "20240314T190000Z"),
    ],
)
def test_formats(moment, iso, stamp):
    assert iso_utc(moment) == iso
    assert file_stamp(moment) == stamp


def test_now_by_default():
    before = datetime.now(timezone.utc).replace(microsecond=0)
    value = parse_iso(iso_utc())
    assert before <= value <= datetime.now(timezone.utc)
    assert len(file_stamp()) == len("20240314T090507Z") and file_stamp().endswith("Z")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-03-14T09:05:07Z", datetime(2024, 3, 14, 9, 5, 7, tzinfo=timezone.utc)),
        ("2024-03-15T02:00:00+07:00", datetime(2024, 3, 14, 19, 0, tzinfo=timezone.utc)),
        ("2024-03-14T09:05:07.250Z", datetime(2024, 3, 14, 9, 5, 7, 250_000, tzinfo=timezone.utc)),
        ("2024-03-14T09:05:07", datetime(2024, 3, 14, 9, 5, 7, tzinfo=timezone.utc)),  # no offset = UTC
        ("2024-03-14", datetime(2024, 3, 14, tzinfo=timezone.utc)),
    ],
)
def test_parse_iso(value, expected):
    parsed = parse_iso(value)
    assert parsed == expected and parsed.utcoffset() == timedelta(0)


def test_round_trip():
    assert iso_utc(parse_iso("2025-07-01T23:59:59+02:00")) == "2025-07-01T21:59:59Z"


@pytest.mark.parametrize(
    "value, error", [("14/03/2024", ValueError), ("", ValueError), (None, TypeError), (date(2024, 3, 14), TypeError)]
)
def test_parse_iso_errors(value, error):
    with pytest.raises(error):
        parse_iso(value)
