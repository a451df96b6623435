"""Misreads an adversarial tester found (issue 30): each a test that fails without its fix."""
from __future__ import annotations

import math

import pytest

from kzfigures import draft_text
from kzfigures.figures.parse import parse_quantity


def _rows_over(text: str, phrase: str):
    """The draft's rows whose span overlaps the first occurrence of ``phrase``."""
    at = text.index(phrase)
    table = draft_text(text)
    return [r for r in table.itertuples() if r.number_start < at + len(phrase) and at < r.number_end]


# a date written with dots, slashes or hyphens between day, month and year says when, never "12.05"
DATES = [
    ("The law took effect on 12.05.2014 in Astana.", "12.05.2014"),
    ("The law took effect on 12/05/2014 in Astana.", "12/05/2014"),
    ("The law took effect on 05-12-2014 in Astana.", "05-12-2014"),
    ("The law took effect on 1.5.14 in Astana.", "1.5.14"),
    ("The law took effect on 2014.05.12 in Astana.", "2014.05.12"),
]


@pytest.mark.parametrize("text, date", DATES, ids=[d for _, d in DATES])
def test_a_date_with_separators_is_no_figure(text, date):
    rows = _rows_over(text, date)
    assert rows and all(math.isnan(r.lower) for r in rows), [(r.number_text, r.lower) for r in rows]
    assert all("says when" in r.reason for r in rows), [r.reason for r in rows]


def test_numbers_that_look_like_a_date_but_are_not_stay_figures():
    table = draft_text("Scores of 4-4-2 and a range of 1.5-2.5 mm.")
    assert not table.reason.str.contains("says when").any(), table.to_dict("records")


# a phone number set out with spaces, brackets or a country code is a number to dial
PHONES = [
    "Tel: +44 (0)20 7946 0958.",
    "Call +7 7172 74 12 34 today.",
    "Call +1 212 555 0199 today.",
    "Call +33 1 23 45 67 89 today.",
    "Call +44 7700 900123 today.",
    "Call +49 30 123456 today.",
    "+44 20 7946 0958 is the number.",
]


@pytest.mark.parametrize("text", PHONES)
def test_a_phone_number_is_no_figure(text):
    table = draft_text(text)
    assert table.lower.isna().all(), table[["number_text", "lower"]].to_dict("records")
    assert table.reason.str.startswith("phone-like").all(), table.reason.tolist()


def test_a_plus_sign_before_a_change_is_still_a_rise():
    (row,) = draft_text("Shares closed +0.2% on the day.").itertuples()
    assert (row.lower, row.change) == (0.2, "up")


# fifteen million with plain (or no-break, thin) spaces is a number, not a phone number
@pytest.mark.parametrize("written", ["15 000 000", "15\u00a0000\u00a0000", "15\u2009000\u2009000", "1 500 000"])
def test_digit_groups_of_three_set_apart_by_spaces_are_one_number(written):
    text = f"They counted {written} votes."
    (row,) = draft_text(text).itertuples()
    assert (row.number_text, row.lower, row.upper) == (written, float(written.replace(" ", "").replace(
        "\u00a0", "").replace("\u2009", "")), float(written.replace(" ", "").replace("\u00a0", "").replace(
        "\u2009", "")))


def test_a_number_to_dial_starting_with_zero_stays_phone_like():
    (row, *_) = draft_text("Call 0800 123 456 today.").itertuples()
    assert row.reason.startswith("phone-like")


# a soft hyphen (U+00AD, an invisible break point) before a scale word keeps the scale; offsets stay the text's own
@pytest.mark.parametrize("text, phrase, value", [
    ("It cost 15\u00admillion dollars.", "15\u00admillion dollars", 15e6),
    ("It cost 15 \u00admillion dollars.", "15 \u00admillion dollars", 15e6),
    ("It cost $2.5\u00ad billion in all.", "$2.5\u00ad billion", 2.5e9),
    ("The mil\u00adlion-strong crowd of 40 cheered.", "40", 40),
])
def test_a_soft_hyphen_is_read_through(text, phrase, value):
    figures = [r for r in draft_text(text).itertuples() if not math.isnan(r.lower)]
    (row,) = [r for r in figures if r.number_text == phrase]
    assert row.lower == value and text[row.number_start:row.number_end] == phrase


def test_parse_quantity_reads_through_a_soft_hyphen():
    assert parse_quantity("15\u00admillion").lower == 15e6


# a number with more digits than a float keeps is refused in one line, never shown rounded
@pytest.mark.parametrize("phrase", ["12345678901234567890", "12,345,678,901,234,567,890 dollars",
                                    "1234567890123456.5"])
def test_a_number_a_float_cannot_keep_is_refused_in_one_line(phrase):
    with pytest.raises(ValueError, match="significant digits") as err:
        parse_quantity(phrase)
    assert "\n" not in str(err.value)


def test_a_huge_number_is_proposed_unread_with_its_reason():
    (row,) = draft_text("The debt is 12345678901234567890 dollars.").itertuples()
    assert math.isnan(row.lower) and "significant digits" in row.reason


@pytest.mark.parametrize("phrase, value", [("1,000,000,000,000,000,000", 1e18), ("123456789012345", 123456789012345),
                                           ("$1.5 trillion", 1.5e12), ("0.000000000000001", 1e-15)])
def test_large_numbers_a_float_keeps_are_read(phrase, value):
    assert parse_quantity(phrase).lower == value


def test_a_curator_s_bound_with_more_digits_than_kept_is_refused_in_one_line():
    from kzfigures.figures.curation import _number

    for given in (12345678901234567890, "12,345,678,901,234,567,890"):
        with pytest.raises(ValueError, match="19 significant digits") as err:
            _number(given)
        assert "\n" not in str(err.value)
    assert _number("15,000") == 15000 and _number(10**18) == 1e18 and _number("inf") == math.inf


def test_validation_flags_an_override_with_more_digits_than_kept():
    from types import SimpleNamespace

    from kzfigures.figures.validation import override_is_an_interval

    table = SimpleNamespace(file="data/overrides.csv")
    row = {"lower": "12345678901234567890", "upper": "12345678901234567890", "lower_open": "false",
           "upper_open": "false"}
    (problem,) = override_is_an_interval(None, table, row, "f1")
    assert "significant digits" in str(problem)
    assert override_is_an_interval(None, table, {**row, "lower": "15000", "upper": "15000"}, "f1") == []


@pytest.mark.parametrize("text, date", [("Stocks stood at 428 mln tonnes on April one this year.", "April one"),
                                        ("Stocks fell from the level of January one.", "January one")])
def test_a_day_written_in_words_after_its_month_is_a_date(text, date):
    rows = _rows_over(text, date)
    assert rows and all(math.isnan(r.lower) and "says when" in r.reason for r in rows), rows


def test_may_one_day_is_no_date_when_may_is_a_verb():
    (row,) = [r for r in draft_text("Prices may one day fall by 5 pct.").itertuples() if r.number_text == "5 pct"]
    assert row.lower == 5
