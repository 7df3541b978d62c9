"""Browser tests run Chromium headless against a local Datasette; see test_site_in_chromium.py."""
