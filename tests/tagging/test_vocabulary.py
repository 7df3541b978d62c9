"""The vocabulary files: valid, documented, extensible without code, clear errors."""

import shutil
from pathlib import Path

import pycountry
import pytest

from modwatch.tagging import VocabularyError, load_vocabulary, tag_text
from modwatch.tagging.vocabulary import FILES, VOCAB_DIR

BRIEF_PLATFORMS = {"facebook", "youtube", "google", "tiktok", "x", "telegram", "zalo", "instagram"}
BRIEF_LAWS = {
    "vn-cybersecurity-law-2018",
    "vn-decree-72-2013",
    "vn-decree-53-2022",
    "vn-decree-147-2024",
    "vn-decision-874-2021",
    "eu-dsa",
    "de-netzdg",
}
BRIEF_TOPICS = {
    "takedown",
    "censorship",
    "internet-shutdown",
    "speech-prosecution",
    "data-localisation",
    "platform-compliance",
}


def test_every_kind_has_the_entries_the_analysts_asked_for(vocabulary):
    keys = {kind: {e.key for e in vocabulary.of_kind(kind)} for kind in FILES}
    assert BRIEF_PLATFORMS <= keys["platform"]
    assert BRIEF_LAWS <= keys["law"]
    assert BRIEF_TOPICS <= keys["topic"]
    assert {c.alpha_2 for c in pycountry.countries} <= keys["country"]
    assert vocabulary.get("country", "VN").label == "Viet Nam"


def test_laws_carry_in_force_dates_and_countries(vocabulary):
    assert vocabulary.get("law", "vn-cybersecurity-law-2018").in_force == "2019-01-01"
    assert vocabulary.get("law", "vn-decision-874-2021").in_force == "2021-06-17"
    assert vocabulary.get("law", "vn-decree-147-2024").in_force == "2024-12-25"
    assert vocabulary.get("law", "vn-decree-72-2013").countries == ("VN",)
    assert vocabulary.get("law", "de-netzdg").countries == ("DE",)
    assert len(vocabulary.get("law", "eu-dsa").countries) == 27


def test_platforms_name_their_removal_request_platform(vocabulary):
    assert vocabulary.get("platform", "facebook").report_platforms == ("Meta",)
    assert vocabulary.get("platform", "youtube").report_platforms == ("Google",)
    assert vocabulary.get("platform", "x").report_platforms == ("X",)


@pytest.mark.parametrize("name", sorted(FILES.values()))
def test_each_file_documents_its_format_at_the_top(name):
    head = (VOCAB_DIR / name).read_text(encoding="utf-8").splitlines()[:5]
    assert len(head) == 5 and all(line.startswith("#") for line in head)


def test_no_phrase_alias_belongs_to_two_entries_of_a_kind(vocabulary):
    clashes, checked = [], {}
    for kind in FILES:
        seen = {}
        for entry in vocabulary.of_kind(kind):
            for alias in entry.aliases:
                if alias.source.startswith("/"):
                    continue
                checked[kind] = checked.get(kind, 0) + 1
                owner = seen.setdefault(alias.source.casefold(), entry.key)
                if owner != entry.key:
                    clashes.append(f"{kind} alias {alias.source!r}: {owner} and {entry.key}")
    assert clashes == []
    assert set(checked) == set(FILES)  # every kind has phrase aliases, so the check ran on each


@pytest.fixture
def vocab_copy(tmp_path) -> Path:
    target = tmp_path / "vocab"
    shutil.copytree(VOCAB_DIR, target)
    return target


def test_an_analyst_adds_a_platform_without_code(vocab_copy):
    path = vocab_copy / "platforms.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "  - key: mastodon\n    label: Mastodon\n    aliases: [Mastodon]\n",
        encoding="utf-8",
    )
    vocabulary = load_vocabulary(vocab_copy)
    assert vocabulary.sha256 != load_vocabulary().sha256
    assert [t.ref for t in tag_text("Mastodon", vocabulary)] == ["platform:mastodon"]


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "platforms.yaml",
            "  - key: zalo\n",
            "  - key: zalo\n    colour: blue\n",
            "entry 'zalo': unknown keys ['colour']",
        ),
        ("platforms.yaml", "aliases: [Reddit]", "aliases: [{regex: 'Red(dit'}]", "bad regular expression"),
        ("platforms.yaml", "requires: '@twitter_rebrand'", "requires: '@nope'", "unknown context '@nope'"),
        ("laws.yaml", "in_force: 2017-10-01", "in_force: October 2017", "'in_force' must be YYYY-MM-DD"),
        ("laws.yaml", "{type: decree, number: 53,", "{type: edict, number: 53,", "instrument type must be one of"),
        ("topics.yaml", "  - key: censorship\n", "  - key: Censorship!\n", "'key' must be [a-z0-9-]+"),
        ("countries.yaml", "  - key: VN\n", "  - key: VNM\n", "ISO 3166-1 alpha-2"),
        ("countries.yaml", "report_names: [Brunei]", "report_names: Brunei", "'report_names' must be a list"),
        ("topics.yaml", "entries:\n", "entrys:\n", "unknown top-level keys ['entrys']"),
    ],
)
def test_invalid_vocabulary_gives_a_clear_error(vocab_copy, file, old, new, message):
    path = vocab_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(VocabularyError) as error:
        load_vocabulary(vocab_copy)
    assert message in str(error.value)
    assert file in str(error.value)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Viet Nam", "VN"),  # label in countries.yaml
        ("Russia", "RU"),  # alias in countries.yaml
        ("Germany", "DE"),  # pycountry name
        ("Republic of Korea", "KR"),  # pycountry "Korea, Republic of", reordered
        ("Mexico", "MX"),  # a pycountry name compiled to a regex (not after "New") is still a name
        ("Kosovo", "XK"),  # entry for a code pycountry lacks
        ("St. Kitts & Nevis", "KN"),  # report_names
        ("Hong Kong SAR", "HK"),  # report_names of an entry that also has aliases
        ("Curacao", "CW"),  # pycountry "Curaçao": accents do not matter
        ("Côte d’Ivoire", "CI"),  # curly apostrophe
        ("Bosnia & Herzegovina", "BA"),  # "&" for "and"
        ("  trinidad   AND tobago ", "TT"),
        ("Hanoi Times", None),  # a whole name, not text containing one
        ("New Mexico", None),
        ("Europol", None),
    ],
)
def test_country_code_of_a_whole_name(vocabulary, name, code):
    assert vocabulary.country_code(name) == code


def test_report_names_are_not_matched_in_article_text(vocabulary):
    assert vocabulary.country_code("Swaziland") == "SZ"
    assert "country:SZ" not in [t.ref for t in tag_text("Swaziland's king dissolved parliament.", vocabulary)]
    assert "country:SZ" in [t.ref for t in tag_text("Eswatini's king dissolved parliament.", vocabulary)]


def test_missing_folder(tmp_path):
    with pytest.raises(VocabularyError, match="cannot read vocabulary"):
        load_vocabulary(tmp_path / "nowhere")
