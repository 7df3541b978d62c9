"""The pure matcher over real article texts, the Vietnam seed rows and the spellings of laws."""

import unicodedata

import pytest

from modwatch.tagging import article_text, summarize, tag_article, tag_text
from tests.tagging.helpers import articles, seed_text

REAL = articles()


def tags_of(fixture_id, vocabulary):
    entry = REAL[fixture_id]
    return tag_article(entry["title"], entry["body"], vocabulary)


# fixture id -> (tags that must be there, tags that must not)
REAL_ARTICLES = {
    "wikimedia-turkey": (
        {"platform:wikipedia", "country:TR", "topic:censorship"},
        {"platform:x", "country:US", "topic:takedown"},
    ),
    "kulu-meta-outage": (
        {"platform:facebook", "platform:instagram", "platform:messenger"},
        {"topic:censorship", "topic:internet-shutdown", "law:eu-dsa"},
    ),
    "zdnet-facebook-netzdg": (
        {"platform:facebook", "law:de-netzdg", "country:DE", "topic:takedown", "topic:content-regulation"},
        {"law:eu-dsa", "country:VN"},
    ),
    "wolfgangmichal-sorgfaltspflicht": (
        {"platform:facebook", "platform:x", "platform:youtube", "law:de-netzdg", "topic:censorship"},
        {"law:eu-dsa"},
    ),
    "smithsonian-plague-censors": (
        {"country:CN", "platform:weibo", "topic:censorship", "topic:takedown"},
        {"country:TR", "platform:facebook"},
    ),
    "chron-esper-vietnam": (
        {"country:VN", "country:US", "country:CN"},
        {"topic:censorship", "topic:takedown", "platform:facebook"},
    ),
    "aclu-facebook-tracking": (
        {"platform:facebook", "topic:personal-data"},
        {"topic:censorship", "country:VN"},
    ),
    "globalvoices-nicaragua": ({"country:NI"}, {"country:VN", "law:de-netzdg"}),
}


@pytest.mark.parametrize("fixture_id", sorted(REAL_ARTICLES))
def test_real_articles_get_the_right_tags(fixture_id, vocabulary):
    must, must_not = REAL_ARTICLES[fixture_id]
    refs = {tag.ref for tag in tags_of(fixture_id, vocabulary)}
    assert must <= refs, f"missing {must - refs}"
    assert not (must_not & refs), f"false positives {must_not & refs}"


def test_wikimedia_turkey_evidence_is_the_matched_text(vocabulary):
    tags = {tag.ref: tag for tag in tags_of("wikimedia-turkey", vocabulary)}
    assert tags["country:TR"].evidence == "Turkey"
    assert "Turkish" in tags["country:TR"].matches
    assert tags["topic:censorship"].evidence == "block imposed"
    assert "more than two and a half year block imposed by the Turkish government" in tags["topic:censorship"].snippet
    assert tags["platform:wikipedia"].count >= 10
    text = article_text(REAL["wikimedia-turkey"]["title"], REAL["wikimedia-turkey"]["body"])
    first = tags["platform:wikipedia"]
    assert text[first.first_offset : first.first_offset + len(first.evidence)] == first.evidence


@pytest.mark.parametrize("fixture_id", ["vi-pet-food"])
def test_a_page_mentioning_nothing_gets_no_tag(fixture_id, vocabulary):
    """A real Vietnamese article about pet food: no platform, law, country or topic (its text
    has 'Pháp', 'Anh'-like syllables only inside ordinary words)."""
    assert REAL[fixture_id]["language"] == "vi" and len(REAL[fixture_id]["body"]) > 5000
    assert tags_of(fixture_id, vocabulary) == []


def test_unrelated_english_article_gets_only_countries(vocabulary):
    tags = summarize(tags_of("planetarypress-forestlands", vocabulary))
    assert tags["platform"] == [] and tags["law"] == [] and tags["topic"] == []
    assert "GB" in tags["country"]  # "Britain's Manchester Metropolitan University"


# ---- the Vietnam seed topics, tagged from the real rows of the seed tables -------------------
SEED = {
    # Facebook restricting "anti-state" posts (Reuters, April 2020)
    "https://www.thestar.com.my/tech/tech-news/2020/04/22/facebook-agreed-to-censor-posts-after-vietnam-slowed-traffic-say-sources": {
        "platform:facebook",
        "country:VN",
        "topic:censorship",
        "topic:anti-state-content",
        "topic:internet-shutdown",
    },
    "https://www.medianama.com/2020/04/223-facebook-vietnam-censorship/": {
        "platform:facebook",
        "country:VN",
        "topic:censorship",
        "law:vn-cybersecurity-law-2018",
    },
    "https://hanoitimes.vn/facebook-enhances-restricted-access-to-content-in-vietnam-594.html": {
        "platform:facebook",
        "country:VN",
        "topic:takedown",
    },
    # the social-media code of conduct, Decision 874/QĐ-BTTTT
    "https://lawnet.vn/en/laws/what-is-the-code-of-conduct-for-social-media-in-vietnam-how-many-codes-of-conduct-for-social-media--136929.html": {
        "law:vn-decision-874-2021",
        "country:VN",
        "topic:content-regulation",
    },
    "https://vci-legal.com/news/code-of-conducts-for-social-networks-2021": {"law:vn-decision-874-2021"},
    "https://indochinecounsel.com/special-alert-vietnam-tightens-grip-on-social-media-under-the-new-code-of-conduct": {
        "law:vn-decision-874-2021",
        "law:vn-decree-72-2013",
        "country:VN",
    },
    "https://khmerdaily.com/vietnam-says-over-3200-toxic-social-media-posts-removed-in-q1": {
        "law:vn-decision-874-2021",
        "platform:facebook",
        "platform:youtube",
        "platform:tiktok",
        "country:VN",
        "topic:takedown",
    },
    # the draft decree replacing Decree 72/2013 (became Decree 147/2024)
    "http://tothethao.com/bong-da_en/many-accounts-on-cross-border-platforms-spreading-illegal-content-removed-2218326.html": {
        "law:vn-decree-72-2013",
        "platform:facebook",
        "platform:youtube",
        "platform:tiktok",
    },
    "https://decode11.com/vietnams-strict-new-social-media-regulations-strangle-free-speech": {
        "law:vn-decree-147-2024"
    },
    # platform figures and compliance
    "https://www.pakistanpoint.com/en/story/1101481/watchdog-urges-facebook-youtube-to-stop-helping-vietna.html": {
        "platform:facebook",
        "platform:youtube",
        "topic:platform-compliance",
        "topic:censorship",
    },
    "https://vietnamprisoners.info/faq": {"topic:speech-prosecution"},
}


@pytest.mark.parametrize("url", sorted(SEED))
def test_vietnam_seed_topics(url, vocabulary):
    refs = {tag.ref for tag in tag_text(seed_text(url), vocabulary)}
    assert SEED[url] <= refs, f"missing {SEED[url] - refs}"


def test_misprint_decision_847_maps_to_874_next_to_code_of_conduct(vocabulary):
    """The brief's "Decision 847" is a transposition of 874/QĐ-BTTTT (seed_urls.csv calls the
    same instrument "Decision 874/QD-BTTTT (2021) code of conduct on social media")."""
    text = seed_text(
        "https://lawnet.vn/en/laws/what-is-the-code-of-conduct-for-social-media-in-vietnam-how-many-codes-of-conduct-for-social-media--136929.html"
    )
    tags = {t.ref: t for t in tag_text(text.replace("874", "847"), vocabulary)}
    assert "Decision 847/QD-BTTTT" in tags["law:vn-decision-874-2021"].matches
    assert "Decision 847/QD-BTTTT" not in {
        m
        for t in tag_text(
            text.replace("874", "847").replace("code of conduct", "").replace("code-of-conduct", ""), vocabulary
        )
        for m in t.matches
    }


# ---- spellings of one law map to one tag --------------------------------------------------
LAW_SPELLINGS = [
    ("Nghị định 72", "vn-decree-72-2013"),
    ("Nghị định số 72/2013/NĐ-CP", "vn-decree-72-2013"),
    ("Nghị định 72/2013/NĐ-CP", "vn-decree-72-2013"),
    ("Decree No. 72/2013/ND-CP", "vn-decree-72-2013"),
    ("Decree 72/2013", "vn-decree-72-2013"),
    ("72/2013/NĐ-CP", "vn-decree-72-2013"),
    ("Decree 72 of 2013", "vn-decree-72-2013"),
    ("Luật An ninh mạng", "vn-cybersecurity-law-2018"),
    ("Luật An ninh mạng năm 2018", "vn-cybersecurity-law-2018"),
    ("Law No. 24/2018/QH14", "vn-cybersecurity-law-2018"),
    ("Decision 874/QD-BTTTT", "vn-decision-874-2021"),
    ("Quyết định 874/QĐ-BTTTT", "vn-decision-874-2021"),
    ("Bộ Quy tắc ứng xử trên mạng xã hội", "vn-decision-874-2021"),
    ("Decree 147/2024/ND-CP", "vn-decree-147-2024"),
    ("Nghị định 147", "vn-decree-147-2024"),
    ("Nghị định 53/2022/NĐ-CP", "vn-decree-53-2022"),
    ("Nghị định 13/2023/NĐ-CP", "vn-decree-13-2023"),
    ("NetzDG", "de-netzdg"),
    ("Netzwerkdurchsetzungsgesetz", "de-netzdg"),
    ("Digital Services Act", "eu-dsa"),
    ("Regulation (EU) 2022/2065", "eu-dsa"),
]


@pytest.mark.parametrize(("spelling", "key"), LAW_SPELLINGS)
def test_law_spellings(spelling, key, vocabulary):
    tags = tag_text(spelling, vocabulary, kinds=("law",))
    assert [(t.key, t.evidence, t.count) for t in tags] == [(key, spelling, 1)]


def test_vietnamese_and_english_spellings_are_one_tag_with_both_as_evidence(vocabulary):
    text = "Nghị định 72 đã được thay thế. Decree No. 72/2013/ND-CP regulated online information."
    (tag,) = tag_text(text, vocabulary, kinds=("law",))
    assert tag.key == "vn-decree-72-2013"
    assert tag.count == 2
    assert tag.matches == ("Nghị định 72", "Decree No. 72/2013/ND-CP")


def test_decomposed_vietnamese_is_matched(vocabulary):
    text = unicodedata.normalize("NFD", "Luật An ninh mạng ở Việt Nam")
    assert {t.ref for t in tag_text(text, vocabulary)} == {"law:vn-cybersecurity-law-2018", "country:VN"}


# ---- false positives, on real articles ------------------------------------------------------
@pytest.mark.parametrize(
    ("fixture_id", "word", "absent"),
    [
        ("slashgear-vw-id-space-vizzion", "X", "platform:x"),  # a car name
        ("livescience-feather-duvet", "X", "platform:x"),  # "chest X-ray"
        ("rollingstone-doobie-brothers", "X", "platform:x"),  # "Gen-X'ers"
        ("floridatoday-hs-roundup", "Jordan", "country:JO"),  # "Jordan Munoz 8 saves"
        ("dawgsbynature-browns", "Chad", "country:TD"),  # "DL Chad Thomas"
        ("mysanantonio-cat-new-mexico", "New Mexico", "country:MX"),
        ("nj-florida-man", "New Jersey", "country:JE"),
        ("planetarypress-forestlands", "Indigenous", "country:IN"),
        ("kulu-meta-outage", "Meta", "country:VN"),
        ("vi-pet-food", "Thức", "country:FR"),
    ],
)
def test_no_false_positive_on_real_articles(fixture_id, word, absent, vocabulary):
    entry = REAL[fixture_id]
    assert word in entry["body"] or word in (entry["title"] or "")
    assert absent not in {t.ref for t in tags_of(fixture_id, vocabulary)}


def test_ambiguous_country_name_counts_with_its_context(vocabulary):
    """ "Jordan" the country (polygraph.info: "the Jordanian government") is tagged."""
    tags = {t.ref: t for t in tags_of("polygraph-russia-al-tanf", vocabulary)}
    assert tags["country:JO"].evidence == "Jordan" and tags["country:JO"].count >= 5


@pytest.mark.parametrize(
    ("identifier", "absent"),
    [
        ("Decree 72/2018/ND-CP", "law:vn-decree-72-2013"),  # another Decree 72
        ("Decree 72", "law:vn-decree-72-2013"),  # no Vietnam context in the text
        ("Luật An ninh mạng 116/2025/QH15", "law:vn-cybersecurity-law-2018"),  # the 2025 law
        ("Decision 847", "law:vn-decision-874-2021"),  # no "code of conduct" nearby
    ],
)
def test_other_instruments_are_not_confused(identifier, absent, vocabulary):
    assert absent not in {t.ref for t in tag_text(identifier, vocabulary)}


@pytest.mark.parametrize(
    ("text", "present", "evidence"),
    [
        ("X (formerly Twitter)", "platform:x", "X (formerly Twitter)"),
        ("X Corp", "platform:x", "X Corp"),
        ("mạng xã hội X", "platform:x", "mạng xã hội X"),
        ("Papua New Guinea", "country:PG", "Papua New Guinea"),
        ("Việt Nam", "country:VN", "Việt Nam"),
        ("Viet Nam", "country:VN", "Viet Nam"),
    ],
)
def test_names(text, present, evidence, vocabulary):
    tags = {t.ref: t for t in tag_text(text, vocabulary)}
    assert tags[present].evidence == evidence


def test_bare_x_counts_once_the_rebrand_is_named(vocabulary):
    (tag,) = tag_text("X (formerly Twitter) and X", vocabulary, kinds=("platform",))
    assert (tag.key, tag.count, tag.matches) == ("x", 2, ("X (formerly Twitter)", "X"))


def test_longest_match_wins_within_a_kind(vocabulary):
    refs = {t.ref for t in tag_text("Papua New Guinea", vocabulary)}
    assert refs == {"country:PG"}  # not GN "Guinea"


def test_empty_text(vocabulary):
    assert tag_text("", vocabulary) == [] and tag_text(None, vocabulary) == []


def test_language_names_are_not_countries(vocabulary):
    """demo.worona.org: "Lake Constance (known as Bodensee in German)" is a language; the post
    names Germany elsewhere ("the border to Austria and Germany")."""
    body = REAL["worona-switzerland"]["body"]
    assert "in German)" in body
    tags = {t.ref: t for t in tags_of("worona-switzerland", vocabulary)}
    assert tags["country:DE"].matches == ("Germany",)
    assert {"country:CH", "country:FR", "country:AT", "country:NL"} <= set(tags)


def test_the_literal_prefilter_never_changes_the_tags(vocabulary):
    """Each alias regex runs only if one of its required literals (from the regex's parse tree)
    is in the text; the tags must equal those of running every regex on every text."""
    import dataclasses

    from modwatch.tagging.phrases import required_literals
    from modwatch.tagging.vocabulary import Vocabulary

    assert required_literals(r"remov(?:e|ed|al)\W+(?:\w+\W+){0,4}?(?:posts?|videos?)") == ("remov",)
    assert required_literals(r"\w*[Zz]ensur\w*|zensier\w*") == ("ensur", "zensier")
    assert required_literals(r"(?<![\w.-])X(?![\w-])") is None
    reference = Vocabulary(
        entries=tuple(
            dataclasses.replace(e, aliases=tuple(dataclasses.replace(a, anchors=None) for a in e.aliases))
            for e in vocabulary.entries
        ),
        sha256="reference",
    )
    assert len(REAL) == 21  # tests/fixtures/tagging/articles.json
    for fixture_id, entry in REAL.items():
        text = article_text(entry["title"], entry["body"])
        assert tag_text(text, vocabulary) == tag_text(text, reference), fixture_id
