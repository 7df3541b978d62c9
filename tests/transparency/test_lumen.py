"""Lumen notices: parsing and normalisation of the real 2015 notices, query planning, storage."""

import json
from datetime import datetime, timezone

import pytest

from modwatch.load.notices import store_notice_page
from modwatch.transparency import lumen
from tests.transparency.samples import NOTICES, search_page

#: the notices were fetched from chillingeffects.org on 2015-01-12 (source repo commit date)
FETCHED_2015 = datetime(2015, 1, 12, tzinfo=timezone.utc)


def notice_file(notice_id: int) -> dict:
    path = next(NOTICES.glob(f"*/*/{notice_id}.json"))
    return json.loads(path.read_bytes())


# --- normalisation of single notices ---------------------------------------------------------


@pytest.mark.parametrize(
    "notice_id, type_, title, date_sent, sender, product, works, urls",
    [
        (
            8,
            "Dmca",
            "Manga DMCA (Copyright) Complaint to Google",
            "2012-01-14T05:00:00Z",
            "TVM Comics",
            "Blogger",
            1,
            1,
        ),
        (5181, "Other", "Other notice to Google, Inc.", "2012-06-05T04:00:00Z", None, None, 1, 2),
        (177, "Dmca", None, "2012-11-14T05:00:00Z", None, None, 2, 807),
        (32599, "Other", "DMCA (Copyright) Complaint to Google", "2012-04-16T04:00:00Z", None, None, 1, 3),
    ],
)
def test_notice_fields(notice_id, type_, title, date_sent, sender, product, works, urls):
    parsed = lumen.parse_notice(notice_file(notice_id), fetched_at=FETCHED_2015)
    notice = parsed.notice
    assert notice["id"] == notice_id
    assert notice["type"] == type_
    if title is not None:
        assert notice["title"] == title
    assert notice["date_sent"] == date_sent
    if sender is not None:
        assert notice["sender_name"] == sender
    assert notice["recipient_product"] == product
    assert notice["works_count"] == works == len(parsed.works)
    assert notice["urls_count"] == urls
    assert parsed.problems == []
    assert json.loads(notice["original_json"]) == notice_file(notice_id)


def test_large_notice_keeps_every_infringing_url():
    parsed = lumen.parse_notice(notice_file(177), fetched_at=FETCHED_2015)
    targets = [u for u in parsed.urls if u["role"] == "target"]
    assert len(targets) == 805
    assert {u["list_key"] for u in targets} == {"infringing_urls"}


def test_other_notice_renames_are_normalised():
    """Notice 5181 (type Other): explanation/complaint/problematic_urls/original_work_urls."""
    raw = notice_file(5181)["other"]
    assert "explanation" in raw and "body" not in raw
    parsed = lumen.parse_notice(notice_file(5181), fetched_at=FETCHED_2015)
    assert parsed.works[0]["description_key"] == "complaint"
    assert [(u["role"], u["list_key"], u["url"], u["fqdn"]) for u in parsed.urls] == [
        ("target", "problematic_urls", "http://ja.favstar.fm/users/kanoko0123/discovered", "ja.favstar.fm"),
        ("target", "problematic_urls", "http://ja.favstar.fm/users/lawsuitys", "ja.favstar.fm"),
    ]
    dmca = lumen.parse_notice(notice_file(8), fetched_at=FETCHED_2015)
    assert dmca.works[0]["description_key"] == "description"
    assert dmca.works[0]["description"].startswith("This is Naruto manga that TVM Comics")
    assert [(u["role"], u["list_key"]) for u in dmca.urls] == [("target", "infringing_urls")]


def test_body_and_explanation_map_to_body():
    court_order = {
        "id": 1,
        "type": "CourtOrder",
        "title": "t",
        "explanation": "ordered by the court",
        "works": [{"subject_of_court_order": "a video", "targetted_urls": [{"url": "https://example.org/v/1"}]}],
    }
    parsed = lumen.parse_notice(court_order)
    assert parsed.notice["body"] == "ordered by the court"
    assert parsed.works[0]["description"] == "a video"
    assert parsed.urls[0]["role"] == "target" and parsed.urls[0]["list_key"] == "targetted_urls"


def test_trademark_marks_are_works_of_kind_mark():
    parsed = lumen.parse_notice(
        {
            "id": 2,
            "type": "Trademark",
            "marks": [{"description": "ACME", "infringing_urls": [{"url": "https://shop.example/acme"}]}],
        }
    )
    assert parsed.works == [
        {"position": 0, "kind": "mark", "description": "ACME", "description_key": "description", "extra": {}}
    ]


@pytest.mark.parametrize("notice_id", [116, 119, 145])
def test_rescinded_notices(notice_id):
    raw = notice_file(notice_id)
    assert set(raw["dmca"]) == {"id", "title", "body"}
    parsed = lumen.parse_notice(raw, fetched_at=FETCHED_2015)
    assert parsed.notice["rescinded"] is True
    assert parsed.notice["type"] == "Dmca"
    assert parsed.notice["body"] == "Notice Rescinded"
    assert parsed.notice["date_sent"] is None and parsed.problems == []
    assert parsed.works == [] and parsed.urls == []


@pytest.mark.parametrize("notice_id, raw_date", [(6335, "2911-06-28T04:00:00Z"), (6508, "2017-01-01T05:00:00Z")])
def test_impossible_dates_are_dropped_and_reported(notice_id, raw_date):
    parsed = lumen.parse_notice(notice_file(notice_id), fetched_at=FETCHED_2015)
    notice = parsed.notice
    assert notice["date_sent"] is None and notice["date_received"] is None
    assert notice["date_sent_raw"] == raw_date and notice["date_received_raw"] == raw_date
    assert len(parsed.problems) == 2 and all("impossible date" in p for p in parsed.problems)
    assert notice["type"] == "Dmca" and notice["works_count"] == 1 and notice["urls_count"] == 3


def test_impossible_date_message_gives_the_real_fetch_time_and_the_tolerance():
    """The message names the fetch time itself, not the fetch time plus the tolerance (new-user finding 14)."""
    parsed = lumen.parse_notice(notice_file(6508), fetched_at=datetime(2016, 11, 29, 15, 30, tzinfo=timezone.utc))
    assert parsed.problems[0] == (
        "date_sent: impossible date '2017-01-01T05:00:00Z' (later than the fetch time 2016-11-29T15:30:00Z "
        "plus 1 day allowed for time zones and clock skew)"
    )


def test_a_2017_date_is_fine_when_fetched_later():
    parsed = lumen.parse_notice(notice_file(6508), fetched_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert parsed.notice["date_sent"] == "2017-01-01T05:00:00Z" and parsed.problems == []


def test_redacted_aggregated_and_placeholder_urls():
    """LocalLaw notices come with every URL replaced by [REDACTED] (Lumen source); shown on notice 5181."""
    raw = notice_file(5181)["other"]
    local_law = {
        **raw,
        "type": "LocalLaw",
        "works": [
            {
                **raw["works"][0],
                "problematic_urls": [{"url": "[REDACTED]"} for _ in raw["works"][0]["problematic_urls"]],
                "original_work_urls": [{"url": "No URL submitted"}],
            }
        ],
    }
    parsed = lumen.parse_notice(local_law, fetched_at=FETCHED_2015)
    assert [(u["url"], u["redacted"], u["list_key"]) for u in parsed.urls] == [
        (None, True, "problematic_urls"),
        (None, True, "problematic_urls"),
    ]
    assert parsed.notice["urls_count"] == 2
    aggregated = {**raw, "works": [{"complaint": None, "problematic_urls": [{"fqdn": "ja.favstar.fm", "count": 2}]}]}
    url = lumen.parse_notice(aggregated, fetched_at=FETCHED_2015).urls[0]
    assert (url["url"], url["fqdn"], url["url_count"], url["redacted"]) == (None, "ja.favstar.fm", 2, False)


@pytest.mark.parametrize("bad", [[], {"title": "no id"}, {"id": "abc"}, {"dmca": {"title": "x"}}])
def test_notice_without_id_is_an_error(bad):
    with pytest.raises(lumen.NoticeError):
        lumen.parse_notice(bad)


def test_every_fixture_notice_parses():
    files = sorted(NOTICES.glob("*/*/*.json"))
    assert len(files) == 42
    problems = {}
    for path in files:
        parsed = lumen.parse_notice(json.loads(path.read_bytes()), fetched_at=FETCHED_2015)
        if parsed.problems:
            problems[parsed.notice["id"]] = len(parsed.problems)
    assert problems == {6335: 2, 6508: 2}


# --- query planning ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "total, per_page, pages",
    [
        (0, 100, [1]),
        (42, 20, [1, 2, 3]),
        (1000, 1000, [1]),
        (2500, 1000, [1, 2, 3]),
        (25_000, 1000, list(range(1, 11))),
        (10_001, 100, list(range(1, 101))),
    ],
)
def test_pages_to_fetch(total, per_page, pages):
    assert list(lumen.pages_to_fetch(total, per_page)) == pages


@pytest.mark.parametrize("per_page", [0, 1001])
def test_per_page_bounds(per_page):
    with pytest.raises(ValueError, match=f"per_page must be 1..1000, got {per_page}"):
        lumen.pages_to_fetch(10, per_page)


def test_split_range_halves_cover_the_range_without_overlap():
    start, end = lumen.to_epoch_ms("2024-01-01"), lumen.to_epoch_ms("2024-07-01") - 1
    (a, b), (c, d) = lumen.split_range(start, end)
    assert (a, d) == (start, end) and c == b + 1
    assert lumen.date_range_param(start, end) == "1704067200000..1719791999999"
    with pytest.raises(ValueError, match=r"cannot split the range 5\.\.5"):
        lumen.split_range(5, 5)


def test_bisection_until_every_slice_fits():
    """A simulated query with 35,000 results spread evenly is split into slices of <= 10,000."""
    start, end = 0, 35_000 * 1000 - 1  # one notice per second

    def total(a, b):
        return (b - a + 1) // 1000

    pending, slices = [(start, end)], []
    while pending:
        rng = pending.pop()
        if lumen.needs_split(total(*rng)):
            pending.extend(lumen.split_range(*rng))
        else:
            slices.append(rng)
    assert sum(total(*s) for s in slices) == 35_000
    assert max(total(*s) for s in slices) <= lumen.MAX_RESULTS
    assert len(slices) == 4


def test_search_url_is_stable_and_never_holds_the_token():
    url = lumen.search_url(
        {
            "term": "vietnam",
            "page": 2,
            "per_page": 100,
            "sort_by": "date_received asc",
            "country_code_facet": "VN",
            "topic_facet": None,
        }
    )
    assert url == (
        "https://lumendatabase.org/notices/search.json?country_code_facet=VN&page=2&per_page=100"
        "&sort_by=date_received+asc&term=vietnam"
    )
    with pytest.raises(ValueError, match="the Lumen token must be sent in the X-Authentication-Token header"):
        lumen.search_url({"authentication_token": "secret"})


@pytest.mark.parametrize(
    "value, seconds",
    [
        (None, 300.0),
        ("", 300.0),
        ("120", 120.0),
        (b"7", 7.0),
        ("garbage", 300.0),
        ("Wed, 01 Jan 2025 00:05:00 GMT", 300.0),
    ],
)
def test_retry_after(value, seconds):
    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert lumen.retry_after_seconds(value, now=now) == seconds


def test_epoch_ms():
    assert lumen.to_epoch_ms("2012-01-14T05:00:00Z") == 1326517200000
    assert lumen.to_epoch_ms("2012-01-14") == 1326499200000


# --- storage -----------------------------------------------------------------------------------


def test_page_with_impossible_date_stored_with_the_date_rejected(memory_db):
    page = search_page([notice_file(i) for i in (8, 6335, 116)])
    result = store_notice_page(
        memory_db, page, url="https://lumendatabase.org/notices/search.json?page=1", fetched_at="2015-01-12T00:00:00Z"
    )
    assert result["rows_read"] == 3 and result["rows_stored"] == 3 and result["problems"] == 2
    row = memory_db["notices"].get(6335)
    assert row["date_sent"] is None and row["date_sent_raw"] == "2911-06-28T04:00:00Z"
    assert row["title"] == "DMCA (Copyright) Complaint to Google"
    assert row["recipient_product"] == "Blogger" and row["works_count"] == 1
    assert memory_db.execute("select count(*) from notice_urls where notice_id = 6335").fetchone()[0] == 3
    rejects = list(memory_db.query("select reason, location, dataset_id from rejects order by id"))
    assert [r["location"] for r in rejects] == ["$.notices[1].date_sent", "$.notices[1].date_received"]
    assert all("2911-06-28" in r["reason"] and "rest of the notice stored" in r["reason"] for r in rejects)
    assert {r["dataset_id"] for r in rejects} == {result["dataset_id"]}
    dataset = memory_db["datasets"].get(result["dataset_id"])
    assert (dataset["source"], dataset["rows_read"], dataset["rows_stored"], dataset["status"]) == (
        "lumen",
        3,
        3,
        "loaded",
    )
    assert memory_db["notices"].get(116)["rescinded"] == 1


def test_storing_twice_is_idempotent_and_revisions_are_kept(memory_db):
    notices = [notice_file(i) for i in (8, 177, 5181)]
    url = "https://lumendatabase.org/notices/search.json?page=1"
    for _ in range(2):
        store_notice_page(memory_db, search_page(notices), url=url, fetched_at="2026-11-29T00:00:00Z")
    counts = {t: memory_db[t].count for t in ("notices", "notice_works", "notice_urls", "notice_revisions")}
    assert counts == {"notices": 3, "notice_works": 4, "notice_urls": 807 + 1 + 2, "notice_revisions": 0}
    revised = notice_file(8)
    revised["dmca"]["action_taken"] = "No"
    store_notice_page(memory_db, search_page([revised]), url=url, fetched_at="2026-11-30T00:00:00Z")
    assert memory_db["notices"].get(8)["action_taken"] == "No"
    assert memory_db["notices"].get(8)["first_seen_at"] == "2026-11-29T00:00:00Z"
    (revision,) = memory_db["notice_revisions"].rows
    assert json.loads(revision["original_json"])["action_taken"] == "Yes"  # the flat search-API form


def test_works_urls_and_full_text_search(memory_db):
    store_notice_page(
        memory_db, search_page([notice_file(8), notice_file(5181)]), url="u", fetched_at="2026-11-29T00:00:00Z"
    )
    rows = list(
        memory_db.query(
            "select n.id, u.role, u.fqdn from notice_urls u join notices n on n.id = u.notice_id order by n.id, u.position"
        )
    )
    assert rows == [
        {"id": 8, "role": "target", "fqdn": "home.blogtruyen.com"},
        {"id": 5181, "role": "target", "fqdn": "ja.favstar.fm"},
        {"id": 5181, "role": "target", "fqdn": "ja.favstar.fm"},
    ]
    assert json.loads(memory_db["notices"].get(8)["topics"]) == ["Copyright", "DMCA Safe Harbor"]
    hits = [r["id"] for r in memory_db["notices"].search("manga")]
    assert hits == [8]


def test_bad_document_and_notice_without_id_go_to_rejects(memory_db):
    result = store_notice_page(memory_db, b"<html>Retry later</html>", url="u1", fetched_at="2026-11-29T00:00:00Z")
    assert result["rows_rejected"] == 1
    page = json.dumps(
        {"notices": [{"title": "no id"}, {"type": "Dmca", **notice_file(8)["dmca"]}], "meta": {"total_entries": 2}}
    ).encode()
    result = store_notice_page(memory_db, page, url="u2", fetched_at="2026-11-29T00:00:00Z")
    assert (result["rows_read"], result["rows_stored"], result["rows_rejected"]) == (2, 1, 1)
    reasons = [r["reason"] for r in memory_db.query("select reason from rejects order by id")]
    assert reasons[0].startswith("not a Lumen notices document")
    assert reasons[1] == "notice without an integer id: None"
