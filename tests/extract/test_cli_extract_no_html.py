"""``python -m modwatch extract`` refuses files that hold no HTML and bad ``--fetched-at`` (new-user finding 7)."""

import gzip
import io
import json
import random
import zipfile
from importlib import resources

import pytest

from cli.main import main
from tests.helpers import DEMO_FILES, KULU_PAGE

GOOGLE_ZIP = DEMO_FILES / "storage.googleapis.com" / "google-government-removals.zip"
#: a real PNG image shipped with Datasette (a dependency)
FAVICON = resources.files("datasette") / "static" / "favicon.png"


def _docx_like_zip() -> bytes:  # a zip whose member is an HTML page: still a zip, not a page
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("page.html", KULU_PAGE.read_bytes())
    return out.getvalue()


@pytest.mark.parametrize(
    "content, reason",
    [
        (FAVICON.read_bytes(), "binary data"),
        (GOOGLE_ZIP.read_bytes(), "binary data"),
        (_docx_like_zip(), "binary data"),
        (random.Random(7).randbytes(4096), "binary data"),
        (gzip.compress(random.Random(7).randbytes(4096)), "binary data"),  # gunzipped first, still binary
        ("Meta outage hits Facebook, Instagram and Messenger worldwide.\n".encode() * 20, "no HTML tag"),
    ],
    ids=["png", "google-zip", "zip-of-a-page", "random", "gzip-of-random", "plain-text"],
)
def test_file_without_html_exits_2(tmp_path, capsys, content, reason):
    page = tmp_path / "page.html"
    page.write_bytes(content)
    assert main(["extract", str(page)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"extract: {page} holds no HTML: {reason}")


def test_page_cut_short_is_still_extracted(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_bytes(KULU_PAGE.read_bytes()[:20000])  # a download that stopped early
    assert main(["extract", str(page), "--fields", "title"]) == 0
    # the <title> (the headline in the body is past the cut)
    assert json.loads(capsys.readouterr().out) == {"title": "Meta Outage Hits Facebook, Instagram and Messenger"}


@pytest.mark.parametrize("value", ["yesterday", "29/11/2026", ""])
def test_fetched_at_not_iso_8601_exits_2_with_a_message(capsys, value):
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", str(KULU_PAGE), "--fetched-at", value])
    assert exit_info.value.code == 2
    assert f"argument --fetched-at: not an ISO 8601 date-time: {value!r}" in capsys.readouterr().err
