"""Date strings and traps of issue 14: a Unix ``date`` string, impossible day-first strings, year-less listing
dates resolved against the fetch time, and the page's own local date (``local_iso`` -> ``published_local``)."""

from datetime import datetime, timezone

from modwatch.extract.dates import parse_date


def test_unix_date_string_reads_day_time_and_zone():
    # the ``date`` / Java ``Date.toString()`` form: month name, day, clock time, zone abbreviation, year
    parsed = parse_date("Mon Aug 03 12:45:00 EDT 2015", languages=["en"])
    assert parsed.utc_iso == "2015-08-03T16:45:00Z"
    assert parsed.offset == "-04:00"
    assert parsed.precision == "second"
    assert parsed.local_day == "2015-08-03"
    assert parsed.local_iso == "2015-08-03T12:45:00-04:00"


def test_unix_date_string_without_language_and_in_another_zone():
    parsed = parse_date("Sat May 09 23:01:31 BST 2020")
    assert (parsed.utc_iso, parsed.offset, parsed.local_day) == ("2020-05-09T22:01:31Z", "+01:00", "2020-05-09")


def test_impossible_day_first_string_is_refused_on_a_day_first_page():
    # Vietnamese writes numeric dates day first: "02-23-2004" would be the 2nd of a 23rd month
    assert parse_date("02-23-2004", languages=["vi"]) is None
    assert parse_date("Ngày đăng: 02/23/2004", languages=["vi"]) is None
    # the same order is read on a month-first (US English) page, and a possible day-first string still is
    assert parse_date("02-23-2004", languages=["en"]).utc_iso == "2004-02-23"
    assert parse_date("23-02-2004", languages=["vi"]).utc_iso == "2004-02-23"
    # dotted dates are day first everywhere: 02.23.2004 is no date, 23.02.2004 is one
    assert parse_date("23.02.2004", languages=["vi"]).utc_iso == "2004-02-23"


def test_yearless_listing_date_is_the_nearest_past_day_of_the_fetch():
    fetched = datetime(2015, 1, 6, 9, 0, tzinfo=timezone.utc)
    parsed = parse_date("Dec 14 11:00", languages=["en"], fetched_at=fetched)
    assert parsed.utc_iso == "2014-12-14T11:00:00"
    assert parsed.precision == "minute"
    assert parsed.local_day == "2014-12-14"
    # a day earlier in the fetch year stays in that year; day-first spelling too
    assert parse_date("Jan 2", languages=["en"], fetched_at=fetched).utc_iso == "2015-01-02"
    assert parse_date("14. Dezember", languages=["de"], fetched_at=fetched).utc_iso == "2014-12-14"
    # dateparser settles the year (nearest past day, one day of slack for pages ahead of UTC): "Jan 7" fetched on
    # the 6th is the 7th, "Jan 8" is last year's, and 29 February the last leap year's
    assert parse_date("Jan 7", languages=["en"], fetched_at=fetched).utc_iso == "2015-01-07"
    assert parse_date("Jan 8", languages=["en"], fetched_at=fetched).utc_iso == "2014-01-08"
    assert parse_date("29 Feb", languages=["en"], fetched_at=fetched).utc_iso == "2012-02-29"
    # without a fetch time a year-less date is no date (never the current year guessed)
    assert parse_date("Dec 14 11:00", languages=["en"]) is None


def test_local_iso_keeps_the_page_time_and_offset():
    hanoi = parse_date("Thứ Năm, 17/06/2021 06:30 (GMT+7)", languages=["vi"])
    assert hanoi.utc_iso == "2021-06-16T23:30:00Z"  # the UTC day is the day before the page's
    assert hanoi.local_iso == "2021-06-17T06:30:00+07:00"
    assert hanoi.local_day == "2021-06-17"
    assert parse_date("2023/12").local_iso == "2023-12"
    assert parse_date("Stand: 28.04.2020 18:00 Uhr", languages=["de"]).local_iso == "2020-04-28T18:00:00"
    relative = parse_date("2 hours ago", languages=["en"], fetched_at=datetime(2026, 6, 12, 10, 0, tzinfo=timezone.utc))
    assert relative.utc_iso == "2026-06-12T08:00:00Z"
    assert relative.local_iso is None  # the page showed no clock time of its own


def test_a_widget_named_by_its_heading_never_dates_the_article():
    # wikimediafoundation.org (the demo snapshot's page, also in date-benchmark/): under the article, a block with a plain layout class ("mw-980")
    # headed "Related" lists three stories, each with a <time datetime="2019-07-22…"> scoring like the
    # article's own dateline; the heading makes it a widget, so only the article's 15 January 2020 remains
    from modwatch.extract.dates import find_publication_date
    from modwatch.extract.dates.find import html_tree
    from modwatch.extract.dates.visible import Exclusions, _visible_candidates
    from tests.helpers import WIKIMEDIA_PAGE

    html = WIKIMEDIA_PAGE.read_bytes()
    tree = html_tree(html)
    values = [candidate.value for candidate in _visible_candidates(tree, Exclusions(tree))]
    assert "15 January 2020" in values
    assert not [value for value in values if "2019-07-22" in value or "22 July 2019" in value]
    url = "https://wikimediafoundation.org/news/2020/01/15/access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/"
    assert find_publication_date(html, url).local_day == "2020-01-15"


def test_the_url_print_day_never_overrides_the_page_dateline():
    # washingtonpost.com (date-benchmark): the URL holds /2020/07/08/ (the print edition), JSON-LD the UTC time
    # 2020-07-09T10:04:04Z, the dateline "July 9, 2020 at 6:40 PM EDT": the page's own day is 9 July
    import gzip

    from modwatch.extract.dates import find_publication_date
    from tests.helpers import FIXTURES

    html = gzip.decompress((FIXTURES / "dates" / "1676872902.html.gz").read_bytes())
    url = (
        "https://www.washingtonpost.com/politics/federal-workers-are-returning-to-the-office-some-members-of-"
        "congress-say-they-shouldnt-be/2020/07/08/c3d22ec8-c151-11ea-b4f6-cb39cd8940fb_story.html"
    )
    found = find_publication_date(html, url)
    assert found.utc_iso == "2020-07-09T10:04:04Z"
    assert found.local_day == "2020-07-09"
    assert found.local_iso == "2020-07-09T10:04:04+00:00"


WAPO_URL = (
    "https://www.washingtonpost.com/politics/federal-workers-are-returning-to-the-office-some-members-of-"
    "congress-say-they-shouldnt-be/2020/07/08/c3d22ec8-c151-11ea-b4f6-cb39cd8940fb_story.html"
)
WAPO_DATELINE = '<div class="display-date">July 9, 2020 at 6:40 PM EDT</div>'


def _wapo_page(before_dateline: str = "") -> str:
    import gzip

    from tests.helpers import FIXTURES

    html = gzip.decompress((FIXTURES / "dates" / "1676872902.html.gz").read_bytes()).decode("utf-8")
    assert html.count(WAPO_DATELINE) == 1
    return html.replace(WAPO_DATELINE, before_dateline + WAPO_DATELINE)


def test_a_byline_agreeing_with_json_ld_beats_an_updated_date():
    # washingtonpost.com (date-benchmark): JSON-LD datePublished 2020-07-09T10:04:04Z and the byline's dateline
    # "July 9, 2020 at 6:40 PM EDT" agree; an "Updated August 5, 2020" in a link box below does not date it
    from modwatch.extract.dates import find_modified_date, find_publication_date

    page = _wapo_page()
    assert "Updated August 5, 2020" in page
    assert find_publication_date(page, WAPO_URL).local_day == "2020-07-09"
    # the same byline with an "Updated <time>" line above the dateline, as many sites print it: that time is the
    # modification date; neither it nor the URL's print day (/2020/07/08/) moves the publication day
    page = _wapo_page(
        '<div class="display-date">Updated <time datetime="2020-07-11T14:00:00Z">July 11, 2020 at '
        "10:00 AM EDT</time></div>"
    )
    found = find_publication_date(page, WAPO_URL)
    assert (found.local_day, found.found_in) == ("2020-07-09", "json-ld:datePublished")
    assert find_modified_date(page, WAPO_URL).local_day == "2020-07-11"
    # an unlabelled <time> of another day by the byline does not outvote JSON-LD and the dateline it agrees with
    page = _wapo_page('<time datetime="2020-07-11T14:00:00Z">July 11, 2020 at 10:00 AM EDT</time>')
    found = find_publication_date(page, WAPO_URL)
    assert (found.local_day, found.found_in) == ("2020-07-09", "json-ld:datePublished")
