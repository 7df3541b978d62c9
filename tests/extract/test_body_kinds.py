"""Body text on real pages showing the failure kinds of issue 14 (pages and snippets: trafilatura's evaluation
corpus, see tests/fixtures/extraction/SOURCE.md), and list markup broken the way issue 14 quotes it."""

import gzip
import re

import pytest

from modwatch.extract.text import extract_body
from tests.helpers import FIXTURES


def body_of(folder: str, name: str) -> str:
    page = gzip.decompress((FIXTURES / folder / f"{name}.gz").read_bytes())
    return re.sub(r"\s+", " ", extract_body(page))


@pytest.mark.parametrize(
    ("folder", "name", "with_", "without"),
    [
        # a bullet list with short links inside its items is article text, not a list of other stories
        (
            "extraction",
            "github.blog.spiceland.html",
            ["Research Consultant at Adelard LLP", "Erin Spiceland is a Software Engineer for SpaceX."],
            ["Related posts", "Missed the main event?"],
        ),
        (
            "quality/trafilatura",
            "nurmeinstandpunkt.wordpress.com.blogposting.html",
            ["Presseförderung: Studie zweifelt an Stütze vom Staat", "via netzpolitik.org", "via t3n News"],
            ["Hier könnte Ihre Meinung stehen"],
        ),
        # the article's wrapper carries a "share" class: its prose keeps it
        (
            "extraction",
            "0a4a8ab61c054192b1ec70cc3570cf45.html",
            ["Die Deutsche Bahn streicht den Zutritt zu ihrer DB Lounge", "Neues gastronomisches Konzept"],
            ["Das könnte Dich auch interessieren"],
        ),
        # the theme container holds a small part of the text: the whole page is read
        (
            "extraction",
            "colours-of-the-soul.alhelm.net.html",
            ["Einen Paralel-Scan", "1 Projektfahrplan-Broschüre"],
            ["ein Buch-Gewinn"],
        ),
        # the article's own list of press links, two thirds of its text in links, is no list of other stories
        (
            "extraction",
            "infocomcgt.fr.caisse.html",
            ["Reportage JT 13 heures de France 2", "1 545 500 EUROS", "ou tout autre régression sociale"],
            ["Votre adresse e-mail ne sera pas publiée", "Contactez vos représentants"],
        ),
        # a section heading that the article's table of contents links to (#anchor) is no other story's headline
        (
            "extraction",
            "selbstversorger.de-Huhn.html",
            ["Ab wann legen Hühner Eier?", "Die jeweilige Hühnerrasse spielt in Bezug"],
            ["Atme tief durch bevor du Michaela", "20 Zeichen, dass ein Herzinfarkt"],
        ),
        # nor is a paragraph that is an email address (mailto:)
        (
            "extraction",
            "sauvonsluniversite.com.spip.html",
            ["suivi.reformes.blanquer@gmail.com", "Grève et mobilisation pour le climat"],
            ["La semaine de SLU"],
        ),
        # a legal note far above the article is no chunk of a split body
        (
            "extraction",
            "finanzcheck.de.finanzierung.html",
            [
                "Im Vergleich zum Leasing gehört bei der Finanzierung das Fahrzeug am Ende dem Halter",
                "höheres Verschleißrisiko aufgrund einer längeren Nutzungsdauer",
            ],
            ["Gemeinsam finden wir Ihren passenden Kredit!"],
        ),
        # the article's lead under a class saying "teaser" is no other story's card; the linked contact box is
        (
            "extraction",
            "hss.de-Regierung.html",
            ["Najla Bouden ist die", "Tunesier landesweit die", "tunesische Bevölkerung durchaus in einer"],
            ["Naher Osten, Nordafrika", "Bourguiba, Tunis.", "Ahmed Zarrouki, Avenue Hbib"],
        ),
        # the lead above the text (<div class="text-intro">) is article text, though the cascade starts below it
        (
            "quality/trafilatura",
            "spdfraktion.de-Vizepräsidentin.html",
            ["ist zur stellvertretenden Präsidentin", "und arbeitete als wissenschaftliche", "türkischen Wurzeln am"],
            ["Arbeitsgruppen", "Bei Fragen und Anregungen", "Foto: DBT/Stella"],
        ),
        # "Zum Weiterlesen:" above links to other articles is a "read more" label in German
        (
            "extraction",
            "wirtschaftspsychologie-aktuell.de.starken.html",
            ["Stärkenorientierte Führung", "Rund zwei Millionen Stellen", "Positive Leadership lässt sich s"],
            ["Zum Weiterlesen:"],
        ),
    ],
)
def test_failure_kind_on_a_real_page(folder, name, with_, without):
    text = body_of(folder, name)
    assert [snippet for snippet in with_ if snippet not in text] == []
    assert [snippet for snippet in without if snippet in text] == []


INTRO = "The release ships three changes that users asked for over the last two years of work. " * 3
AFTER_ONE = "The first paragraph after the list explains how to upgrade an existing installation safely. " * 3
AFTER_TWO = "The second paragraph after the list thanks the people who reported the bugs it fixes. " * 3


def test_broken_list_markup_keeps_items_and_paragraphs_apart():
    # issue 14's markup: an unclosed <div> in the first item nests the next items and the paragraphs after
    # the list inside that item
    html = (
        f"<html><body><article><h1>Release 2.0</h1><p>{INTRO}</p>"
        "<ul><li>Faster exports of large tables<div></li><li>Accents ignored in search</li>"
        f"<li>Dates shown in the page's own time zone</li></ul><p>{AFTER_ONE}</p><p>{AFTER_TWO}</p>"
        "</article></body></html>"
    )
    lines = extract_body(html).split("\n")
    assert lines == [
        INTRO.strip(),
        "- Faster exports of large tables",
        "- Accents ignored in search",
        "- Dates shown in the page's own time zone",
        AFTER_ONE.strip(),
        AFTER_TWO.strip(),
    ]


def test_a_paragraph_cut_at_its_link_is_mended():
    """The demo's real Times of India page (demo/SOURCES.md): its text is a <div> of text, links and
    <br>; trafilatura's full cascade cuts the first paragraph around the link "Pakistan"."""
    from tests.helpers import ROOT

    page = (ROOT / "demo/files/timesofindia.indiatimes.com/pakistani-netizens-walled-off.html").read_text()
    lines = extract_body(page).split("\n")
    assert lines[0].startswith('NEW DELHI: Pakistan\'s "whole-of-system approach" to countering militancy is')
    assert lines[1].startswith("Pakistan's Chief of Army Staff General Asim Munir has over the past few months")


def test_bare_text_between_paragraphs_goes_back_into_its_paragraph():
    from lxml import etree

    from modwatch.extract.blocks import rejoin_split_paragraphs

    body = etree.fromstring(
        "<div><p>NEW DELHI: </p>Pakistan<p>'s army said so.</p><p>Then</p>X<p>Other news.</p></div>"
    )
    rejoin_split_paragraphs(body)
    assert [p.text for p in body.iter("p")] == ["NEW DELHI: Pakistan's army said so.", "ThenX", "Other news."]


def test_text_after_a_paragraph_that_ends_a_sentence_is_a_paragraph_of_its_own():
    """chip.de (trafilatura-eval, tune half): the review's second paragraph stands bare after ``<p>...</p>``; it
    was glued to the first one ("verschlüsselt wird.Das Programm")."""
    page = gzip.decompress((FIXTURES / "extraction" / "chip.de.bestcrypt.html.gz").read_bytes())
    lines = extract_body(page).split("\n")
    first = lines.index("BestCrypt erstellt virtuelle Laufwerke, deren Inhalt zusätzlich verschlüsselt wird.")
    assert lines[first + 1].startswith("Das Programm integriert sich im System, als wäre es eine zusätzliche")


def test_a_slideshow_keeps_its_steps_and_loses_its_controls():
    # backen.de (trafilatura-eval, tune half): 17 recipe steps in a slideshow, each with "Bild anzeigen",
    # "Bild schließen" and its counter "N von 17"
    page = gzip.decompress((FIXTURES / "extraction" / "backen.de.maulwurfkuchen.html.gz").read_bytes())
    lines = extract_body(page).split("\n")
    assert "Wasche nun 250 g Erdbeeren und schneide sie in kleine Würfel." in lines
    assert "Verstreiche die Sahne kuppelartig auf dem Boden." in lines
    assert [line for line in lines if line in ("Bild anzeigen", "Bild schließen")] == []
    assert [line for line in lines if re.fullmatch(r"\d+ von 17", line)] == []


def test_a_photo_gallery_loses_its_credits_and_the_article_stays():
    # outdoor-magazin.com (trafilatura-eval, tune half): a 44-slide gallery whose only text is each photo's credit
    page = gzip.decompress((FIXTURES / "extraction" / "outdoor-magazin.com-vanlife.html.gz").read_bytes())
    text = extract_body(page)
    assert text.count("imagebank.sweden.se") == 2  # the two credits of the article's own photos, with a name
    assert "Moa Karlberg/imagebank.sweden.se" in text.split("\n")
    assert "Bei Veranstaltungen mit mehr als 20 Teilnehmern gilt die 2G-Regel." in text
    assert "Parkpätze zum Übernachten mit dem Van" in text


def test_repeated_lines_of_a_meal_plan_are_not_a_gallery():
    # a short line under each item that is not next to a slide counter, nor repeated in a row, is the text's own
    meal = "<p>Eat every 2–3 hours</p>"
    html = (
        "<html><body><article><h1>Plan</h1>"
        + "".join(
            f"<h2>Meal {n}</h2><p>{'A full description of what this meal holds and why it comes now. ' * 3}</p>{meal}"
            for n in range(1, 6)
        )
        + "</article></body></html>"
    )
    assert extract_body(html).split("\n").count("Eat every 2–3 hours") == 5


def test_teasers_of_several_stories_are_no_lead():
    """Two unlinked teasers holding sentences: cards of a listing, not the article's one lead (both dropped)."""
    card = '<div class="teaser-text">{} The card of another story says what it is about in two sentences.</div>'
    body = "<p>" + "The article itself says what happened and why it matters to the readers of the page. " * 6 + "</p>"
    cards = card.format("First card.") + card.format("Second card.")
    page = f"<html><body><article>{body}{cards}</article></body></html>"
    text = extract_body(page)
    assert "The article itself says what happened" in text
    assert "card of another story" not in text


LEAD = "The lead says in two sentences what the article is about. It stands under the headline."
TEXT = "The article itself says what happened and why it matters to the readers of the page. " * 6


def test_the_lead_goes_in_front_of_the_text():
    page = (
        f'<html><body><div class="head"><h1>Headline</h1><p class="article-lead">{LEAD}</p></div>'
        f"<article><p>{TEXT}</p><p>{TEXT}</p></article></body></html>"
    )
    lines = extract_body(page).split("\n")
    assert lines[0] == LEAD
    assert lines[1] == TEXT.strip()


def test_excerpts_of_several_posts_are_no_lead():
    from modwatch.extract.lead import lead_text
    from modwatch.extract.text import to_tree

    post = '<div class="post"><p class="excerpt">{} The excerpt of a post says what it is about. Read on.</p></div>'
    article = f"<article><p>{TEXT}</p><p>{TEXT}</p></article>"
    one = to_tree(f"<html><body>{post.format('First post.')}{article}</body></html>")
    two = to_tree(f"<html><body>{post.format('First post.')}{post.format('Second post.')}{article}</body></html>")
    assert lead_text(one, TEXT) == "First post. The excerpt of a post says what it is about. Read on."
    assert lead_text(two, TEXT) is None


def test_a_list_of_teaser_cards_of_the_site_is_no_body():
    """lexikon.huettenhilfe.de (trafilatura-eval, tune half): inside the article, a box of three recipes of the
    site, each its headline linked and a blurb; the page's own lists (literature, links to other sites' banana
    pages) stay."""
    page = gzip.decompress((FIXTURES / "extraction" / "lexikon.huettenhilfe.de.banane.html.gz").read_bytes())
    lines = extract_body(page).split("\n")
    assert [line for line in lines if "Bananeneis" in line or "Windsor" in line or "Erdnussbutter" in line] == []
    assert "- Rocken mit Banane: www.banane-rockt.de" in lines
    assert "- Liebster, Günther. Gemüse Warenkunde. Weil der Stadt: Walter Hädecke Verlag, 2002." in lines
    assert any(line.startswith("Bananen verderben - wie es bestimmt jeder schon erlebt hat") for line in lines)


def test_similar_threads_with_author_and_date_are_no_body():
    """pocketpc.ch (htmldate's evaluation pages, ../shared/data/date-benchmark): a forum thread ends with
    "Ähnliche Themen", cards of other threads (linked title, "Von <author> im Forum ...", last post's date)."""
    page = gzip.decompress((FIXTURES / "extraction" / "pocketpc.ch.auslieferung.html.gz").read_bytes())
    url = "https://www.pocketpc.ch/windows-phone-7-allgemein/122760-microsoft-beginnt-auslieferung-vorbereitungsupdate-34.html"
    lines = extract_body(page, url=url).split("\n")
    assert lines[-1] == "ich glaube bei mir auch net, firmware ist auch noch 1601, aber 7008, komisch, oder?"
    assert "Bei mir ging es im Endeffekt au sehr schnell ca.7min =) " in lines
    assert [line for line in lines if "Ähnliche Themen" in line or "Letzter Beitrag" in line] == []


def test_cards_of_other_sites_or_of_the_page_itself_stay():
    from lxml import html as lxml_html

    from modwatch.extract.preclean import _is_teaser_cards, site_of

    def cards(href: str) -> str:
        return (
            '<html><head><link rel="canonical" href="https://news.example.org/a/1"></head><body><ul>'
            + "".join(
                f'<li><a href="{href}{n}">Headline of story number {n}</a><br>Its short blurb.</li>' for n in range(3)
            )
            + "</ul></body></html>"
        )

    for href, expected in [
        ("/b/", True),
        ("https://www.example.org/b/", True),
        ("https://netzpolitik.org/b/", False),  # a reading list citing another site
        ("#section-", False),  # a table of contents
        ("http://[ccpa-preferences]/", False),  # a link urlsplit refuses (a real page's): no URL, no crash
    ]:
        tree = lxml_html.fromstring(cards(href))
        assert _is_teaser_cards(tree.find(".//ul"), site_of(tree)) is expected, href
