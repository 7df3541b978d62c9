"""``python -m modwatch extract``: one saved page -> JSON on stdout."""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from tests.helpers import KULU_PAGE

ROOT = Path(__file__).resolve().parents[2]
KULU = KULU_PAGE
KULU_URL = "https://kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger/"


def test_extract_prints_article_json(capsys):
    assert main(["extract", str(KULU), "--url", KULU_URL]) == 0
    article = json.loads(capsys.readouterr().out)
    assert article["title"] == "Meta Outage Hits Facebook, Instagram and Messenger Worldwide"
    assert article["authors"] == ["Kulu Media News Desk"]
    assert (article["published_at"], article["published_at_raw"], article["published_at_precision"]) == (
        "2026-06-12T15:11:51Z",
        "2026-06-12T18:11:51+03:00",
        "second",
    )
    assert article["language"] == "en"
    assert article["section"] == "Tech"
    assert article["body"].startswith("A major Meta outage disrupted access to Facebook")
    assert "Artemis II" not in article["body"]


def test_extract_gzip_file_and_fields(tmp_path, capsys):
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(KULU.read_bytes()))
    assert main(["extract", str(page), "--fields", "title,language", "--compact"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == {
        "title": "Meta Outage Hits Facebook, Instagram and Messenger Worldwide",
        "language": "en",
    }
    assert out.count("\n") == 1


def test_extract_stdin_with_charset_conflict():
    page = (
        '<html><head><meta charset="windows-1252"><title>Café – naïve</title></head>'
        "<body><p>Café – naïve.</p></body></html>"
    ).encode("cp1252")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "modwatch",
            "extract",
            "-",
            "--url",
            "https://example.org/x",
            "--content-type",
            "text/html; charset=utf-8",
            "--compact",
        ],
        input=page,
        capture_output=True,
        cwd=ROOT,
        check=True,
    )
    article = json.loads(result.stdout)
    assert article["title"] == "Café – naïve"
    assert article["body"] == "Café – naïve."


@pytest.mark.parametrize("content", [None, b"  \n"])
def test_unreadable_or_empty_page_exits_2(tmp_path, capsys, content):
    page = tmp_path / "page.html"
    if content is not None:
        page.write_bytes(content)
    assert main(["extract", str(page)]) == 2
    assert "extract:" in capsys.readouterr().err
