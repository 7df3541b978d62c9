"""parse_date / parse_feed_date on the real date strings listed in issue 4 (as they stand on Vietnamese, English
and German pages and feeds)."""

from datetime import datetime, timezone

import feedparser
import pytest

from modwatch.extract.dates import ParsedDate, day_first_for, parse_date, parse_feed_date

FETCHED_AT = datetime(2026, 6, 12, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "languages", "utc_iso", "offset", "precision"),
    [
        # ISO 8601 with an offset: converted to UTC, the offset kept
        ("2021-06-17T10:00:00+07:00", None, "2021-06-17T03:00:00Z", "+07:00", "second"),
        ("2019-03-13T07:00:40+00:00", None, "2019-03-13T07:00:40Z", "+00:00", "second"),
        # month and year precision are never presented as a day
        ("2023/12", None, "2023-12", None, "month"),
        ("Tháng 6/2021", ["vi"], "2021-06", None, "month"),
        ("2023", None, "2023", None, "year"),
        # day first per source language: 5 August on a Vietnamese page, May 8 on a US-English one
        ("05/08/2018", ["vi"], "2018-08-05", None, "day"),
        ("05/08/2018", ["en"], "2018-05-08", None, "day"),
        ("05/08/2018", ["en-GB"], "2018-08-05", None, "day"),
        ("05.08.2018", None, "2018-08-05", None, "day"),  # dotted dates are day first everywhere
        ("25/06/2021", ["en"], "2021-06-25", None, "day"),  # unambiguous whatever the language
        # labels and decorations
        ("Published on June 12, 2026", ["en"], "2026-06-12", None, "day"),
        ("Published 2 months ago on June 12, 2026", ["en"], "2026-06-12", None, "day"),
        ("Cập nhật: 16/04/2019", ["vi"], "2019-04-16", None, "day"),
        ("Ngày đăng: 25/06/2021", ["vi"], "2021-06-25", None, "day"),
        ("24/03/2020 14:01 | 4 năm trước", ["vi"], "2020-03-24T14:01:00", None, "minute"),
        ("Thứ Hai, 17/06/2021", ["vi"], "2021-06-17", None, "day"),
        ("Ngày 17 tháng 6 năm 2021", ["vi"], "2021-06-17", None, "day"),
        ("Thứ Năm, 17/06/2021 10:00 (GMT+7)", ["vi"], "2021-06-17T03:00:00Z", "+07:00", "minute"),
        ("Stand: 28.04.2020 18:00 Uhr", ["de"], "2020-04-28T18:00:00", None, "minute"),
        ("Veröffentlicht am 10. Februar 2019", ["de"], "2019-02-10", None, "day"),
        ("Published November 9, 2023 3:02am EST", ["en"], "2023-11-09T08:02:00Z", "-05:00", "minute"),
        ("Alta Floresta - MT, 22 de novembro de 2020. 18:20", ["pt-BR"], "2020-11-22T18:20:00", None, "minute"),
        ("28.01.22", ["de"], "2022-01-28", None, "day"),
        ("17 Tháng Sáu, 2021", ["vi"], "2021-06-17", None, "day"),
        ("Chủ nhật, 20/6/2021, 08:15 (GMT+7)", ["vi"], "2021-06-20T01:15:00Z", "+07:00", "minute"),
        ("10:00 | 17/06/2021", ["vi"], "2021-06-17T10:00:00", None, "minute"),
    ],
)
def test_parse_date(text, languages, utc_iso, offset, precision):
    parsed = parse_date(text, languages=languages, fetched_at=FETCHED_AT)
    assert parsed == ParsedDate(utc_iso, text, offset, precision)


def test_absolute_date_wins_over_relative():
    parsed = parse_date("24/03/2020 14:01 | 4 năm trước", languages=["vi"], fetched_at=FETCHED_AT)
    assert parsed.utc_iso == "2020-03-24T14:01:00"  # not 2022, four years before the fetch


def test_gmt_note_gives_the_offset_and_utc():
    parsed = parse_date("Thứ Năm, 17/06/2021 10:00 (GMT+7)", languages=["vi"])
    assert (parsed.offset, parsed.utc_iso, parsed.local_day) == ("+07:00", "2021-06-17T03:00:00Z", "2021-06-17")
    assert parsed.as_datetime() == datetime(2021, 6, 17, 3, 0, tzinfo=timezone.utc)


def test_default_offset_applies_only_without_an_explicit_one():
    assert parse_date("17/06/2021 10:00", languages=["vi"], default_offset="+07:00").utc_iso == "2021-06-17T03:00:00Z"
    assert parse_date("2021-06-17T10:00:00+02:00", default_offset="+07:00").utc_iso == "2021-06-17T08:00:00Z"


def test_ambiguous_numeric_date_without_language_is_refused():
    # 05/08/2018 is 5 August or May 8: with no language and no day_first nothing is guessed
    assert parse_date("05/08/2018") is None
    assert parse_date("05/08/2018", day_first=True).utc_iso == "2018-08-05"
    assert parse_date("05/08/2018", day_first=False).utc_iso == "2018-05-08"


def test_day_order_comes_from_the_language():
    assert day_first_for(["vi"]) is True
    assert day_first_for(["de"]) is True
    assert day_first_for(["en"]) is False
    assert day_first_for(["en-GB"]) is True
    assert day_first_for(None) is None


@pytest.mark.parametrize(
    ("text", "languages", "utc_iso", "precision"),
    [
        ("2 giờ trước", ["vi"], "2026-06-12T08:00:00Z", "hour"),
        ("hôm qua", ["vi"], "2026-06-11", "day"),
        ("3 days ago", ["en"], "2026-06-09", "day"),
        ("vor 3 Tagen", ["de"], "2026-06-09", "day"),
    ],
)
def test_relative_dates_resolve_against_fetch_time(text, languages, utc_iso, precision):
    parsed = parse_date(text, languages=languages, fetched_at=FETCHED_AT)
    assert (parsed.utc_iso, parsed.precision, parsed.raw) == (utc_iso, precision, text)
    # another fetch time, another date: the page's fetch time counts, not the time of parsing
    later = parse_date(text, languages=languages, fetched_at=datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc))
    assert later.utc_iso != utc_iso


@pytest.mark.parametrize("text", ["2 giờ trước", "hôm qua", "3 days ago"])
def test_relative_dates_without_fetch_time_are_refused(text):
    assert parse_date(text, languages=["vi", "en"]) is None


@pytest.mark.parametrize("text", ["", "   ", "© 2023 Báo Mới", "Bình luận (0)", "Version 1.2.3"])
def test_no_date(text):
    assert parse_date(text, languages=["vi"]) is None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # RFC 822, as WordPress writes it (the Vietnamese feed in demo/files/99hainnguyen.github.io/)
        (
            "Sun, 09 Jul 2023 06:42:38 +0000",
            "vi",
            ParsedDate("2023-07-09T06:42:38Z", "Sun, 09 Jul 2023 06:42:38 +0000", "+00:00", "second"),
        ),
        (
            "Thu, 17 Jun 2021 10:00:00 +0700",
            None,
            ParsedDate("2021-06-17T03:00:00Z", "Thu, 17 Jun 2021 10:00:00 +0700", "+07:00", "second"),
        ),
        # no time zone: kept as written, offset None, nothing invented
        (
            "Thu, 17 Jun 2021 10:00:00",
            None,
            ParsedDate("2021-06-17T10:00:00", "Thu, 17 Jun 2021 10:00:00", None, "second"),
        ),
        # slash-separated and a Vietnamese weekday: feedparser returns nothing for these
        (
            "Thứ Hai, 17/06/2021 10:00",
            "vi",
            ParsedDate("2021-06-17T10:00:00", "Thứ Hai, 17/06/2021 10:00", None, "minute"),
        ),
        (
            "17/06/2021 - 10:00 (GMT+7)",
            "vi",
            ParsedDate("2021-06-17T03:00:00Z", "17/06/2021 - 10:00 (GMT+7)", "+07:00", "minute"),
        ),
        ("2021/06/17", None, ParsedDate("2021-06-17", "2021/06/17", None, "day")),
    ],
)
def test_parse_feed_date(text, language, expected):
    assert parse_feed_date(text, language=language) == expected


def feed_with_pub_date(text: str) -> str:
    return f"<rss version='2.0'><channel><item><title>t</title><pubDate>{text}</pubDate></item></channel></rss>"


def test_feedparser_cannot_read_what_parse_feed_date_reads():
    text = "Thứ Hai, 17/06/2021 10:00"
    (entry,) = feedparser.parse(feed_with_pub_date(text)).entries
    assert entry.published == text and entry.get("published_parsed") is None
    assert parse_feed_date(text, language="vi").utc_iso == "2021-06-17T10:00:00"
    # the RFC 822 form it does read, to the same instant as parse_feed_date
    (entry,) = feedparser.parse(feed_with_pub_date("Thu, 17 Jun 2021 10:00:00 +0700")).entries
    assert entry.published_parsed[:6] == (2021, 6, 17, 3, 0, 0)
    assert parse_feed_date("Thu, 17 Jun 2021 10:00:00 +0700").utc_iso == "2021-06-17T03:00:00Z"


def test_parse_feed_date_empty():
    assert parse_feed_date("") is None
    assert parse_feed_date("n/a", language="vi") is None
