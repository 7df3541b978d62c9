"""Cell, country and period parsing shared by the transparency parsers."""

import shutil

import pytest

from modwatch.tagging.vocabulary import VOCAB_DIR
from modwatch.transparency.common import (
    Count,
    country_code,
    csv_records,
    half_year_ending,
    half_year_from_label,
    half_year_starting,
    normalise_header,
    parse_count,
    parse_share,
)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("735", Count(735, "735")),
        ("1,553", Count(1553, "1,553")),
        ("0", Count(0, "0")),
        (16.0, Count(16, "16")),  # openpyxl gives Excel counts as floats
        ("16.0", Count(16, "16.0")),
        ("<10", Count(None, "<10", "less_than", upper=9)),
        ("?", Count(None, "?", "unknown")),
        ("", Count(None, "", "blank")),
        (None, Count(None, None, "blank")),
        ("N/A", Count(None, "N/A", "not_available")),
        ("NULL", Count(None, "NULL", "null")),
        ("9223372036854775807", Count(2**63 - 1, "9223372036854775807")),
        ("9223372036854775808", Count(None, "9223372036854775808", "too_large")),
    ],
)
def test_parse_count(cell, expected):
    assert parse_count(cell) == expected


@pytest.mark.parametrize("cell", ["abc", "1,55", "2.5", "1.553,0", True])
def test_parse_count_rejects_text(cell):
    with pytest.raises(ValueError, match=r"^not a count: "):
        parse_count(cell)


def test_less_than_ten_is_neither_zero_nor_missing():
    fewer, zero, blank = parse_count("<10"), parse_count("0"), parse_count("")
    assert fewer.value is None and fewer.flag == "less_than" and fewer.raw == "<10"
    assert zero.value == 0 and zero.flag is None
    assert blank.value is None and blank.flag == "blank"


@pytest.mark.parametrize(
    "cell, scale, value", [("63", 1, 63.0), ("0.67", 100, 67.0), (0.6747, 100, 67.47), ("45%", 1, 45.0)]
)
def test_parse_share(cell, scale, value):
    assert parse_share(cell, scale=scale).value == value


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"code": "VN", "name": "Vietnam"}, "VN"),
        ({"code": "TR", "name": "Türkiye"}, "TR"),
        ({"name": "Turkey"}, "TR"),
        ({"name": "Türkiye"}, "TR"),
        ({"code": "XK", "name": "Kosovo"}, "XK"),  # CLDR code, not in ISO 3166-1
        ({"name": "Hong Kong SAR"}, "HK"),
        ({"name": "Iran**"}, "IR"),  # X's footnote marks
        ({"name": "Russia"}, "RU"),
        ({"name": "Côte d’Ivoire"}, "CI"),
        ({"name": "Germany"}, "DE"),
        ({"name": "Europol", "code": ""}, None),
        ({"name": "Worldwide"}, None),
        ({"name": "St. Lucia"}, "LC"),  # report_names in modwatch/vocab/countries.yaml
        ({"name": "Macao SAR China"}, "MO"),
        ({"name": "Netherlands Antilles"}, "AN"),  # pycountry's historic countries
        ({"code": "EU", "name": "European Union"}, "EU"),  # Google's CLDR code, kept as given
    ],
)
def test_country_code(kwargs, code):
    assert country_code(**kwargs) == code


def test_country_code_reads_the_vocabulary_file(tmp_path, monkeypatch):
    """Country names come from countries.yaml (MODWATCH_VOCAB_DIR), not from a table in code."""
    vocab = tmp_path / "vocab"
    shutil.copytree(VOCAB_DIR, vocab)
    path = vocab / "countries.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("report_names: [Brunei]", "report_names: [Brunei, Negara Brunei]"),
        encoding="utf-8",
    )
    assert country_code(name="Negara Brunei") is None
    monkeypatch.setenv("MODWATCH_VOCAB_DIR", str(vocab))
    assert country_code(name="Negara Brunei") == "BN"
    assert country_code(name="Brunei") == "BN"


@pytest.mark.parametrize(
    "function, value, period",
    [
        (half_year_ending, "2023-12-31", ("2023-07-01", "2023-12-31")),
        (half_year_ending, "2019-06-30", ("2019-01-01", "2019-06-30")),
        (half_year_starting, "2020-07-01", ("2020-07-01", "2020-12-31")),
        (half_year_from_label, "Content_Restrictions_2018_H2.csv", ("2018-07-01", "2018-12-31")),
        (half_year_from_label, "2023H1_raw_data_gov_French.csv", ("2023-01-01", "2023-06-30")),
        (half_year_from_label, "H1 '23 LIGR", ("2023-01-01", "2023-06-30")),
    ],
)
def test_half_years(function, value, period):
    assert function(value) == period


def test_half_year_rejects_other_dates():
    with pytest.raises(ValueError, match="not the end of a half-year: '2023-11-30'"):
        half_year_ending("2023-11-30")


@pytest.mark.parametrize(
    "header, normal",
    [
        ("% Not Enough Information ", "% not enough information"),
        ("Requestor", "requester"),  # Google's spelling -> the field's term
        ("Requester", "requester"),
        ("Legal Request\nAccounts Specified", "legal request accounts specified"),
    ],
)
def test_normalise_header(header, normal):
    assert normalise_header(header) == normal


def test_csv_records_line_numbers_and_raw_text():
    text = 'a,b\n1,"two\nlines"\n\n3,4'
    records = list(csv_records(text))
    assert records[0] == (1, "a,b", ["a", "b"])
    assert records[1] == (2, '1,"two\nlines"', ["1", "two\nlines"])
    assert records[-1] == (5, "3,4", ["3", "4"])
