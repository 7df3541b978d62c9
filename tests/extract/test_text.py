"""Body text: word boundaries, one paragraph per line, boilerplate left out (real pages + small cases)."""

from pathlib import Path

import feedparser
import pytest

from modwatch.extract.language import detect_language, normalise_language
from modwatch.extract.text import extract_body, html_to_text, to_tree
from tests.helpers import ACLU_PAGE, NETZPOLITIK_PAGE, VI_FEED, WPTAVERN_PAGE

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


@pytest.mark.parametrize(
    "html, expected",
    [
        ("<p>Con<b>tent</b></p><p>Next</p>", "Content\nNext"),
        ("<div>one<br>two<br/>three</div>", "one\ntwo\nthree"),
        ("<p>in<i>line</i> <a href='#'>link</a>s stay <span>joined</span></p>", "inline links stay joined"),
        ("<ul><li>first</li><li>second</li></ul><h2>Head</h2><p>para\n  graph</p>", "first\nsecond\nHead\npara graph"),
        ("<td>cell</td><td>cell2</td>", "cell\ncell2"),
    ],
)
def test_block_tags_and_br_separate_words_inline_tags_do_not(html, expected):
    assert html_to_text(to_tree(f"<html><body>{html}</body></html>")) == expected
    assert extract_body(f"<html><body>{html}</body></html>") == expected


def test_html_to_text_leaves_out_captions_share_bars_related_newsletter_comments_scripts():
    html = """<html><body><article>
      <p>First paragraph.</p>
      <figure><img src="x.jpg"><figcaption>Photo: caption</figcaption></figure>
      <div class="sharedaddy sd-sharing-enabled">Share this: Twitter Facebook</div>
      <p>Second <script>var x = 1;</script>paragraph.</p>
      <div class="jp-relatedposts">Related: another story</div>
      <div class="newsletter-signup">Sign up for our newsletter</div>
      <div id="comments"><p>A reader's comment.</p></div>
      <style>p {color: red}</style>
    </article></body></html>"""
    assert html_to_text(to_tree(html)) == "First paragraph.\nSecond paragraph."
    # the same blocks are kept when asked for the whole text
    assert "Photo: caption" not in html_to_text(to_tree(html), skip_boilerplate=False)  # figcaption: never text
    assert "A reader's comment." in html_to_text(to_tree(html), skip_boilerplate=False)


def test_a_boilerplate_looking_wrapper_of_the_whole_text_is_kept():
    html = '<html><body><div class="content has-sidebar"><p>All of the article.</p></div></body></html>'
    assert html_to_text(to_tree(html)) == "All of the article."


@pytest.fixture(scope="module")
def wptavern_body():
    return extract_body(
        WPTAVERN_PAGE.read_bytes(),
        "https://wptavern.com/stack-overflow-jobs-data-shows-reactjs-skills-in-high-demand-"
        "wordpress-market-oversaturated-with-developers",
    )


def test_real_page_body_paragraphs(wptavern_body):
    lines = wptavern_body.splitlines()
    assert lines[0].startswith("Stack Overflow published its analysis of 2017 hiring trends")
    assert lines[-1].startswith("Regardless of how much credibility you give Stack Overflow’s analysis")
    assert len(lines) == 9
    # the headline is metadata, not body
    assert "Stack Overflow Jobs Data Shows ReactJS Skills in High Demand" not in wptavern_body


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Click to share on Twitter",  # share bar
        "Stack Overflow Documentation is Now in Beta",  # related posts
        "If there were really no demand for WordPress developers",  # a reader comment
        "Previous Post: Google Launches Invisible reCAPTCHA",  # post navigation
    ],
)
def test_real_page_boilerplate_is_not_body(wptavern_body, boilerplate):
    assert boilerplate not in wptavern_body


def test_tree_argument_is_not_modified():
    tree = to_tree(NETZPOLITIK_PAGE.read_bytes())
    before = len(list(tree.iter()))
    body = extract_body(tree)
    assert body.split("\n")[1].startswith("Zwei Männer Arm in Arm.")  # after the lead
    assert len(list(tree.iter())) == before


def test_empty_input():
    assert extract_body("") == ""
    assert extract_body("   \n") == ""


# --- language ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vietnamese_post():
    """The one item of a real Vietnamese WordPress category feed (content:encoded HTML)."""
    entry = feedparser.parse(str(VI_FEED)).entries[0]
    return entry.title, entry.content[0].value


def test_vietnamese_text_is_vi(vietnamese_post):
    title, html = vietnamese_post
    body = extract_body(f"<html><body><article><h1>{title}</h1>{html}</article></body></html>")
    assert body.startswith("Cung cấp dinh dưỡng cần thiết: Thức ăn cho thú cưng chất lượng đảm bảo")
    assert detect_language(body) == "vi"
    assert detect_language(title) == "vi"  # 80 letters of a headline are enough


def test_english_and_german_real_bodies(wptavern_body):
    assert detect_language(wptavern_body) == "en"
    netzpolitik = extract_body(NETZPOLITIK_PAGE.read_bytes())
    assert detect_language(netzpolitik) == "de"
    # the page's declared language does not override what the text clearly is
    assert detect_language(wptavern_body, hint="vi") == "en"


@pytest.mark.parametrize(
    "text, hint, expected",
    [
        ("Tin mới", "vi-VN", "vi"),  # too short to judge: the hint decides
        ("OK", None, None),
        ("", "en_US", "en"),
    ],
)
def test_short_text_falls_back_to_hint(text, hint, expected):
    assert detect_language(text, hint=hint) == expected


@pytest.mark.parametrize(
    "tag, expected", [("vi-VN", "vi"), ("en_US", "en"), ("EN", "en"), ("", None), ("x-default-1", None)]
)
def test_normalise_language(tag, expected):
    assert normalise_language(tag) == expected


def test_bare_fragment_is_parsed():
    # the brief's example exactly, without <html>/<body>
    assert html_to_text(to_tree("<p>Con<b>tent</b></p><p>Next</p>")) == "Content\nNext"
    assert extract_body("<div><p>Hello <b>w</b>örld</p></div>") == "Hello wörld"


def _shingles(text):
    import re
    from collections import Counter

    words = re.findall(r"\w+", text)
    return Counter(zip(*[words[i:] for i in range(4)]))


@pytest.mark.parametrize("name, source", [("aclu", ACLU_PAGE), ("wptavern", WPTAVERN_PAGE)])
def test_body_equals_readability_expected_text(name, source):
    """Mozilla Readability's expected output for these pages (tests/fixtures/pages/<name>.expected.html)
    has the same words in the same order as our body: every 4-word shingle matches both ways."""
    expected = html_to_text(to_tree((FIXTURES / f"{name}.expected.html").read_bytes()))
    body = extract_body(source.read_bytes())
    assert _shingles(body) == _shingles(expected)
    assert body.splitlines()[0] == expected.splitlines()[0]


def test_detector_languages_are_iso_639_1_without_look_alikes():
    from modwatch.extract.language import EXCLUDED, languages

    codes = languages()
    assert {"vi", "en", "de", "fr", "zh", "th", "km", "my"} <= set(codes)
    assert all(len(code) == 2 for code in codes)
    assert not EXCLUDED & set(codes)


def test_short_page_text_comes_from_its_article_element():
    html = (
        '<html><body><div class="menu"><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a></div>'
        "<article><h1>Tin ngắn</h1><p>Một đoạn <b>ngắn</b>.</p></article>"
        "<div>© 2024 Báo</div></body></html>"
    )
    assert extract_body(html) == "Một đoạn ngắn."  # the headline is metadata


def test_cascade_path_leaves_out_captions_share_bar_and_comments():
    first = " ".join(f"Câu số {i} của đoạn đầu nói về tự do internet ở Việt Nam." for i in range(6))
    second = " ".join(f"Câu số {i} của đoạn sau nói về việc gỡ bỏ nội dung." for i in range(6))
    comment = " ".join(f"Bình luận số {i} của một độc giả về bài viết này." for i in range(6))
    html = (
        f"<html><body><article><h1>Tiêu đề</h1><p>{first}</p>"
        '<figure><img src="a.jpg"><figcaption>Ảnh: chú thích ảnh</figcaption></figure>'
        '<div class="wp-caption"><img src="b.jpg"><p class="wp-caption-text">Chú thích WordPress</p></div>'
        f'<p>{second}</p><div class="sharedaddy">Chia sẻ: Facebook Twitter</div>'
        f'<div id="comments"><p>{comment}</p></div></article></body></html>'
    )
    assert extract_body(html) == f"{first}\n{second}"
