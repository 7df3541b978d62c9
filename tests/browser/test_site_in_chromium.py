"""End to end in a real headless browser: Debian's Chromium, driven by Selenium, against
``python -m modwatch serve`` over a database built from the demo snapshot.

The database: ``python -m modwatch demo`` (offline replay of ``demo/snapshot.warc.gz``: 24 real
articles about censorship and takedowns in English, German, Spanish and French, Google/Meta/X/TikTok
transparency files, Lumen notices, DSA statements, a takedown re-check), then two rows that
carry a ``<script>`` setting ``window.__modwatch_xss`` (an article and a reject, through the
storage API), then tagging of every article (``sitedb.tag_articles``).

Checks: the home page loads; an unaccented search finds the accented articles (table search box
and the search-all page); the home page's example search shows short rows with highlighted
snippets; the platform-and-law query answers from its form; a facet narrows a table; a chart renders (non-blank
SVG: bar marks with height); a CSV download has every row; the scraped script never runs. Screenshots go to
``test-artifacts/browser/``. Needs ``/usr/bin/chromium`` and ``/usr/bin/chromedriver``
(Debian packages ``chromium`` and ``chromium-driver``, installed by ``make test``: scripts/system-deps).
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import db
from db.articles import upsert_article
from db.rejects import insert_reject
from tests.datasette import sitedb
from tests.helpers import ROOT, crawl_env, free_port, modwatch, wait_for

ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ZDNET_TITLE = "Facebook wehrt sich gegen Maas-Gesetz"
TWENTY_MIN_TITLE = "Tiktok: Brüssel untersucht Wahleinmischung"


@pytest.fixture(scope="module", autouse=True)
def chromium():
    """Fail (never skip) without the browser: ``make test`` installs it (scripts/system-deps)."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found: install the Debian packages chromium and chromium-driver "
            "(make test does, as root)"
        )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    path = folder / "modwatch.db"
    env = crawl_env(folder, MODWATCH_PROGRESS="0")
    demo = subprocess.run(
        modwatch("demo", "--db", path), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    database = db.connect(path)
    upsert_article(
        database,
        {
            "url": sitedb.XSS_URL,
            "source": "xss-probe",
            "title": f"Probe {sitedb.XSS_SCRIPT}",
            "body": f"A scraped page quoting markup: {sitedb.XSS_SCRIPT} {sitedb.XSS_IMG}",
            "published_at": "2024-01-05T00:00:00Z",
            "language": "en",
            "http_status": 200,
        },
    )
    insert_reject(
        database,
        url="https://example.org/broken/",
        reason="no article title found",
        spider="news",
        excerpt=f"<html><head>{sitedb.XSS_SCRIPT}</head><body>{sitedb.XSS_IMG}</body></html>",
    )
    assert sitedb.tag_articles(database) > 0
    database.conn.close()
    return path


@pytest.fixture(scope="module")
def server(demo_db):
    """``python -m modwatch serve`` on a free port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        modwatch("serve", demo_db, "--port", port),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read())
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1).read()
            return True
        except OSError:
            return False

    try:
        wait_for(answers, timeout=20, what="datasette to start")
        yield base
    finally:  # the whole process group: nothing of the server outlives the tests
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def xss_ran(driver) -> bool:
    return driver.execute_script("return window.__modwatch_xss !== undefined || document.title === 'XSS'")


def test_home_page_loads(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    assert "modwatch" in browser.title
    assert browser.find_element(By.LINK_TEXT, "modwatch").is_displayed()
    assert "censorship" in browser.find_element(By.TAG_NAME, "body").text
    browser.save_screenshot(str(ARTIFACTS / "01-home.png"))


def test_unaccented_search_finds_accented_articles(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/modwatch/articles")
    box = browser.find_element(By.ID, "_search")
    box.send_keys("loschung", Keys.ENTER)  # finds "Löschung"
    wait_for(lambda: "_search=loschung" in browser.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert len(rows) == 2 and any(ZDNET_TITLE in row.text for row in rows)
    browser.save_screenshot(str(ARTIFACTS / "02-search-loschung.png"))

    # the home page's search across all searchable tables (datasette-search-all)
    browser.get(server + "/")
    box = browser.find_element(By.CSS_SELECTOR, "form[action$='/-/search'] input[name=q]")
    box.send_keys("brussel", Keys.ENTER)
    wait_for(lambda: TWENTY_MIN_TITLE in browser.find_element(By.ID, "search-all-results").text)
    browser.save_screenshot(str(ARTIFACTS / "03-search-all-brussel.png"))


def test_home_page_example_search_shows_snippets_an_analyst_can_read(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    examples = browser.find_elements(By.CSS_SELECTOR, "a.example-search")
    assert {e.text for e in examples} >= {"NetzDG", "Löschung", "loschung", "libertad de prensa"}
    next(e for e in examples if e.text == "loschung").click()
    wait_for(lambda: "/modwatch/search?q=loschung" in browser.current_url)
    header = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns thead th")]
    assert header == ["kind", "title", "source", "date", "snippet", "link"]
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert {row.find_element(By.CSS_SELECTOR, "td.col-source").text for row in rows} == {"CNET.de", "ZDNet.de"}
    for row in rows:
        marks = row.find_elements(By.CSS_SELECTOR, "td.col-snippet mark")
        assert marks and {m.text for m in marks} == {"Löschung"}  # the match, highlighted
        assert row.size["height"] < 250  # one short row per hit, not the whole article
        link = row.find_element(By.CSS_SELECTOR, "td.col-link a")
        assert link.get_attribute("href").startswith("https://www.")
    browser.save_screenshot(str(ARTIFACTS / "03b-search-snippets-loschung.png"))


def test_platform_and_law_query_from_its_form(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/modwatch/articles_naming_platform_and_law")
    form = browser.find_element(By.CSS_SELECTOR, "form.sql")
    form.find_element(By.NAME, "platform").send_keys("facebook")
    form.find_element(By.NAME, "law").send_keys("de-netzdg")
    form.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait_for(lambda: "law=de-netzdg" in browser.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert [row.find_element(By.CSS_SELECTOR, "td.col-source").text for row in rows] == ["wolfgangmichal", "zdnet-de"]
    assert (
        ZDNET_TITLE in rows[1].text
        and "Maas-Gesetz" in rows[1].find_element(By.CSS_SELECTOR, "td.col-law_evidence").text
    )
    browser.save_screenshot(str(ARTIFACTS / "03c-platform-and-law-facebook-netzdg.png"))


def test_facet_narrows_a_table(server, browser, demo_db):
    from selenium.webdriver.common.by import By

    with sqlite3.connect(demo_db) as conn:
        total = conn.execute("select count(*) from articles").fetchone()[0]
        german = conn.execute("select count(*) from articles where language = 'de'").fetchone()[0]
    browser.get(server + "/modwatch/articles")
    assert f"{total} rows" in browser.find_element(By.CSS_SELECTOR, "h3").text
    facet = browser.find_element(By.CSS_SELECTOR, ".facet-info[data-column=language]")
    facet.find_element(By.XPATH, ".//a[normalize-space(text())='de']").click()
    wait_for(lambda: "language=de" in browser.current_url)
    heading = browser.find_element(By.CSS_SELECTOR, "h3").text
    assert heading.startswith(f"{german} row") and german < total
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert len(rows) == german
    browser.save_screenshot(str(ARTIFACTS / "04-facet-language-de.png"))


def test_chart_renders(server, browser, demo_db):
    from selenium.webdriver.common.by import By

    browser.get(server + "/-/dashboards/removal-requests?country=VN")
    # vega-embed draws SVG: wait for the bar marks (one per platform x half-year with a figure)
    bars = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#chart-requests-by-platform svg g.mark-rect path"))
    with sqlite3.connect(demo_db) as conn:
        expected = conn.execute(
            "select count(*) from removal_requests_by_country_period where country = 'VN' and requests is not null"
        ).fetchone()[0]
    assert len(bars) == expected > 0
    heights = [b.size["height"] for b in bars]
    assert max(heights) > 50  # drawn, not a blank chart
    legend = browser.find_element(By.CSS_SELECTOR, "#chart-requests-by-platform svg").text
    assert "Google" in legend
    browser.save_screenshot(str(ARTIFACTS / "05-chart-removal-requests-VN.png"))

    browser.get(server + "/-/dashboards/articles")
    assert wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#chart-articles-per-month svg g.mark-rect path"))
    browser.save_screenshot(str(ARTIFACTS / "06-chart-articles-per-month.png"))


def test_csv_download_has_every_row(server, browser, demo_db, tmp_path):
    from selenium.webdriver.common.by import By

    with sqlite3.connect(demo_db) as conn:
        expected = [r[0] for r in conn.execute("select id from removal_requests order by id")]
    assert len(expected) > 1000  # larger than max_returned_rows
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.get(server + "/modwatch/removal_requests")
    link = browser.find_element(By.CSS_SELECTOR, ".export-links a[href*='.csv']")
    assert "_stream" not in link.get_attribute("href")  # the page's plain CSV link ...
    # ... and the advanced export form with only "download file" ticked (not "stream all rows"):
    # the modwatch_guards plugin streams every row anyway
    form = browser.find_element(By.CSS_SELECTOR, "form[action$='removal_requests.csv']")
    form.find_element(By.NAME, "_dl").click()
    assert not form.find_element(By.NAME, "_stream").is_selected()
    form.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    downloaded = wait_for(lambda: [p for p in tmp_path.glob("*.csv")], timeout=120)[0]
    wait_for(lambda: not list(tmp_path.glob("*.crdownload")), timeout=120)
    with open(downloaded, encoding="utf-8", newline="") as f:
        ids = sorted(int(row["id"]) for row in csv.DictReader(f))
    assert ids == expected


@pytest.mark.parametrize(
    "path",
    [
        "/modwatch/articles?source=xss-probe",
        "/modwatch/articles?_search=Probe",
        "/modwatch/rejects?spider=news",
        "/-/search?q=Probe",
        "/modwatch/search?q=quoting+markup",
    ],
)
def test_scraped_script_never_runs(server, browser, path):
    from selenium.webdriver.common.by import By

    browser.get(server + path)
    if path.startswith("/-/search"):
        wait_for(lambda: "window.__modwatch_xss" in browser.find_element(By.ID, "search-all-results").text)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "<script>window.__modwatch_xss = 1;" in body  # shown as text ...
    time.sleep(0.5)
    assert not xss_ran(browser)  # ... never executed
    name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-")
    browser.save_screenshot(str(ARTIFACTS / f"07-xss-{name}.png"))
