"""The parser, table-driven: the seed's own phrases first, then the other forms it promises to read."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, read_rows
from kzfigures import BoundsOrderError, parse_quantity

INF = math.inf

# phrase, lower, upper, lower_open, upper_open, bound
SEED_PHRASES = [
    ("more than 15,000", 15000, INF, True, True, "more_than"),
    ("more than 80", 80, INF, True, True, "more_than"),
    ("a number of", 2, INF, False, True, "vague"),
    ("many months", 2, INF, False, True, "vague"),
    ("three", 3, 3, False, False, "exact"),
    ("more than 130", 130, INF, True, True, "more_than"),
    ("17", 17, 17, False, False, "exact"),
    ("three to seven years", 3, 7, False, False, "range"),
    ("nine", 9, 9, False, False, "exact"),
    ("two", 2, 2, False, False, "exact"),
    ("five years", 5, 5, False, False, "exact"),
    ("one", 1, 1, False, False, "exact"),
    ("thousands", 2000, INF, False, True, "vague"),
    ("15", 15, 15, False, False, "exact"),
    ("six", 6, 6, False, False, "exact"),
    ("more than 10", 10, INF, True, True, "more_than"),
    ("21", 21, 21, False, False, "exact"),
    ("between 180 and 250", 180, 250, False, False, "range"),
    ("somewhere between 180 and 250", 180, 250, False, False, "range"),
]

OTHER_FORMS = [
    ("1,500", 1500, 1500, False, False, "exact"),
    ("2.5", 2.5, 2.5, False, False, "exact"),
    ("15 thousand", 15000, 15000, False, False, "exact"),
    ("1.5 million", 1_500_000, 1_500_000, False, False, "exact"),
    ("two million", 2_000_000, 2_000_000, False, False, "exact"),
    ("twenty-one", 21, 21, False, False, "exact"),
    ("one hundred and thirty", 130, 130, False, False, "exact"),
    ("over 80", 80, INF, True, True, "more_than"),
    ("at least 3", 3, INF, False, True, "at_least"),
    ("up to 7 years", 0, 7, False, False, "at_most"),
    ("fewer than 5", 0, 5, False, True, "fewer_than"),
    ("less than 5", 0, 5, False, True, "fewer_than"),
    ("about 200", 200, 200, False, False, "approximate"),
    ("some 15,000", 15000, 15000, False, False, "approximate"),
    # the Washington Post, October 2014 (external_figures.csv, wapo_2014_10)
    ("An estimated 15,000", 15000, 15000, False, False, "approximate"),
    ("estimated 15,000", 15000, 15000, False, False, "approximate"),
    ("Over 12,000", 12000, INF, True, True, "more_than"), ("27,000 to 31,000", 27000, 31000, False, False, "range"),
    ("nearly 100", 0, 100, False, True, "fewer_than"), ("almost 200", 0, 200, False, True, "fewer_than"),
    ("180–250", 180, 250, False, False, "range"),
    ("180 - 250", 180, 250, False, False, "range"),
    ("from 3 to 7", 3, 7, False, False, "range"),
    ("dozens", 24, INF, False, True, "vague"),
    ("hundreds", 200, INF, False, True, "vague"),
    ("tens of thousands", 20000, INF, False, True, "vague"),
    ("several", 3, INF, False, True, "vague"),
    ("More  Than\u00a015,000", 15000, INF, True, True, "more_than"),
]


@pytest.mark.parametrize("phrase, lower, upper, lower_open, upper_open, bound", SEED_PHRASES + OTHER_FORMS)
def test_phrase_gives_bounds(phrase, lower, upper, lower_open, upper_open, bound):
    b = parse_quantity(phrase)
    assert (b.lower, b.upper, b.lower_open, b.upper_open, b.bound) == (lower, upper, lower_open, upper_open, bound)


def test_every_curated_phrase_is_in_the_table_above():
    """The table-driven cases cover every number_text the data uses, so a new phrase needs a new case."""
    tested = {case[0] for case in SEED_PHRASES}
    used = {row["number_text"] for row in read_rows(ROOT / "data" / "figures.csv")}
    assert used <= tested, f"add cases for: {sorted(used - tested)}"


@pytest.mark.parametrize("phrase", [
    "", "   ", "lots", "more than", "3 to", "15,00", "1,2345", "twenty twenty", "five three", "15 two",
    "hundred", "abc years", "between 180 or 250", "more than fifteen-ish", "–",
])
def test_refuses_with_the_phrase_quoted(phrase):
    with pytest.raises(ValueError) as err:
        parse_quantity(phrase)
    assert repr(phrase) in str(err.value)


def test_reversed_range_is_an_order_error():
    with pytest.raises(BoundsOrderError, match=r"lower 250 > upper 180"):
        parse_quantity("between 250 and 180")


def test_not_a_string_is_refused():
    with pytest.raises(ValueError):
        parse_quantity(None)  # type: ignore[arg-type]


# The shapes newspapers write (issue 21), from the test articles in tests/articles/: each with its documented bounds.
NEWS_PHRASES = [
    # percentages: the number as written, in percent
    ("0.4%", 0.4, 0.4, False, False, "exact"),
    ("about 40%", 40, 40, False, False, "approximate"),
    ("60 per cent", 60, 60, False, False, "exact"),
    ("Between 60 and 70 per cent", 60, 70, False, False, "range"),
    ("at least 5%", 5, INF, False, True, "at_least"),
    # money, with its currency sign or word and a scale written as newspapers write it
    ("$21bn", 21e9, 21e9, False, False, "exact"),
    ("£10.8bn", 10.8e9, 10.8e9, False, False, "exact"),
    ("5bn euros", 5e9, 5e9, False, False, "exact"),
    ("$35 million", 35e6, 35e6, False, False, "exact"),
    ("2.5bn", 2.5e9, 2.5e9, False, False, "exact"),
    ("$35m", 35e6, 35e6, False, False, "exact"),
    ("US$ 5m", 5e6, 5e6, False, False, "exact"),
    ("between $1.5bn and $2bn", 1.5e9, 2e9, False, False, "range"),
    # fractions and ratios, as a share of 1
    ("half", 0.5, 0.5, False, False, "exact"),
    ("a third", 1 / 3, 1 / 3, False, False, "exact"),
    ("two-thirds", 2 / 3, 2 / 3, False, False, "exact"),
    ("three quarters", 0.75, 0.75, False, False, "exact"),
    ("one in five", 0.2, 0.2, False, False, "exact"),
    ("nearly half", 0, 0.5, False, True, "fewer_than"),
    # multipliers: how many times
    ("double", 2, 2, False, False, "exact"),
    ("twice", 2, 2, False, False, "exact"),
    ("triple", 3, 3, False, False, "exact"),
    ("12-fold", 12, 12, False, False, "exact"),
    ("more than double", 2, INF, True, True, "more_than"),
    ("more than doubled", 2, INF, True, True, "more_than"),
    # counts
    ("a dozen", 12, 12, False, False, "exact"),
    ("two dozen", 24, 24, False, False, "exact"),
    ("dozens", 24, INF, False, True, "vague"),
    ("as many as 40", 0, 40, False, False, "at_most"),
    ("just over 100", 100, INF, True, True, "more_than"),
    ("more than a million", 1e6, INF, True, True, "more_than"),
    ("a million", 1e6, 1e6, False, False, "exact"),
    ("90-odd", 90, 100, True, True, "range"),
    ("300-odd", 300, 400, True, True, "range"),
    ("some 24,000", 24000, 24000, False, False, "approximate"),
    ("14 or less", 0, 14, False, False, "at_most"),
    ("18 or more", 18, INF, False, True, "at_least"),
    ("exceed 16.5bn", 16.5e9, INF, True, True, "more_than"),
    ("exceed 16.5bn euros", 16.5e9, INF, True, True, "more_than"),
    ("just under 50", 0, 50, False, True, "fewer_than"),
    ("scores", 40, INF, False, True, "vague"),
]


@pytest.mark.parametrize("phrase, lower, upper, lower_open, upper_open, bound", NEWS_PHRASES)
def test_news_phrase_gives_its_documented_bounds(phrase, lower, upper, lower_open, upper_open, bound):
    b = parse_quantity(phrase)
    assert (b.lower, b.upper) == pytest.approx((lower, upper), rel=1e-12)
    assert (b.lower_open, b.upper_open, b.bound) == (lower_open, upper_open, bound)


@pytest.mark.parametrize("phrase", [
    "third",          # an ordinal ("the third week"), not a fraction
    "a",              # an article alone
    "a dozens",       # an article before a plural
    "two third",      # a plural numerator needs a plural fraction
    "90.5-odd",       # '-odd' needs a whole number
    "12-folds", "$", "bn", "15.000bn", "one in", "or less",
])
def test_refuses_what_it_cannot_read_for_sure(phrase):
    with pytest.raises(ValueError) as err:
        parse_quantity(phrase)
    assert repr(phrase) in str(err.value)


def test_every_news_shape_of_the_issue_is_in_the_table():
    """The issue lists these shapes; each stands in the table above, so none is read by accident."""
    shapes = ["0.4%", "about 40%", "$21bn", "£10.8bn", "5bn euros", "$35 million", "2.5bn", "half", "a third",
              "two-thirds", "one in five", "double", "triple", "12-fold", "more than double", "a dozen", "dozens",
              "as many as 40", "just over 100", "more than a million", "90-odd", "some 24,000", "14 or less",
              "exceed 16.5bn", "nearly half"]
    assert set(shapes) <= {case[0] for case in NEWS_PHRASES}


# The adversarial pass of issue 21 (each fails without its fix).
# 1. "in" joins a ratio only between small whole numbers: an amount is never divided by the year after it.
@pytest.mark.parametrize("phrase", [
    "£5bn in 2020", "$21bn in 2023", "doubled to £5.5m in 2023", "£5.5m in 2023", "5% in 2020", "5bn in 2020",
    "one in 2020", "one in zero", "0 in 0", "five in three", "1.5 in 10", "a million in ten", "fifty-fifty", "5-5",
])
def test_in_is_a_ratio_only_between_small_whole_numbers(phrase):
    with pytest.raises(ValueError) as err:
        parse_quantity(phrase)
    assert repr(phrase) in str(err.value)


@pytest.mark.parametrize("phrase, share", [
    ("one in five", 0.2), ("3 out of 10", 0.3), ("one in every five", 0.2), ("about one in ten", 0.1),
    ("twenty-one in 100", 0.21),
])
def test_small_ratios_still_read(phrase, share):
    assert parse_quantity(phrase).lower == pytest.approx(share)


# 2. a scale written on the upper end of a range applies to the bare lower end too (news convention)
@pytest.mark.parametrize("phrase, lower, upper", [
    ("between 5 and 7 million", 5e6, 7e6), ("5 to 7 million", 5e6, 7e6), ("£2-3bn", 2e9, 3e9),
    ("$5-7bn", 5e9, 7e9), ("5-10m", 5e6, 10e6), ("2.5-3bn", 2.5e9, 3e9), ("five to seven million", 5e6, 7e6),
    ("between $1.5bn and $2bn", 1.5e9, 2e9), ("between 500,000 and 2 million", 5e5, 2e6),
    ("three to seven years", 3, 7), ("27,000 to 31,000", 27000, 31000),
])
def test_a_range_scale_applies_to_both_ends(phrase, lower, upper):
    b = parse_quantity(phrase)
    assert (b.lower, b.upper, b.bound) == (pytest.approx(lower), pytest.approx(upper), "range")


def test_a_multiple_is_no_end_of_a_range():
    with pytest.raises(ValueError):
        parse_quantity("doubled to £5.5m")


@pytest.mark.parametrize("phrase, value", [
    ("a quarter of a million", 250_000), ("half a million", 500_000), ("three quarters of a million", 750_000),
    ("a third of a billion", 1e9 / 3),
])
def test_a_fraction_of_a_scale_is_one_number(phrase, value):
    assert parse_quantity(phrase).lower == pytest.approx(value)


@given(st.integers(0, 10**6), st.integers(1, 10**6), st.sampled_from(["", "£", "$"]),
       st.sampled_from(["to", "up to"]))
def test_from_x_to_y_and_from_x_up_to_y_are_the_same_range(low, width, sign, closer):
    """ "from £5 up to £20" is the range "from £5 to £20" is: both ends as written, closed."""
    b = parse_quantity(f"from {sign}{low:,} {closer} {sign}{low + width:,}")
    assert (b.lower, b.upper, b.bound, b.lower_open, b.upper_open) == (low, low + width, "range", False, False)


@given(st.integers(0, 999), st.integers(1, 999))
def test_x_to_y_with_hyphens_is_the_range_x_to_y_is(low, width):
    """ "18-to-34" is the range "18 to 34" is."""
    hyphens, spaces = parse_quantity(f"{low}-to-{low + width}"), parse_quantity(f"{low} to {low + width}")
    assert (hyphens.lower, hyphens.upper, hyphens.bound) == (spaces.lower, spaces.upper, spaces.bound) == \
        (low, low + width, "range")


# a number in plain digits is read on a quick path (float of the digits); the exact reading (a Fraction of the digits,
# then one rounding) must give the same float, grouped by commas or not, with or without decimals
@given(st.integers(0, 10**15), st.integers(0, 10**6), st.booleans(), st.booleans())
def test_plain_digits_read_as_their_exact_value(whole, decimals, grouped, has_decimals):
    from fractions import Fraction

    if has_decimals:
        whole %= 10**8  # at most 15 significant digits in all (more are refused: they would be shown rounded)
    written = f"{whole:,}" if grouped else str(whole)
    if has_decimals:
        written += f".{decimals:07d}"
    exact = float(Fraction(written.replace(",", "")))
    bounds = parse_quantity(written)
    assert bounds.lower == bounds.upper == exact and bounds.bound == "exact"


@pytest.mark.parametrize("phrase", ["15.000", "1" + "0" * 400, "1,000,000,000,000,000" + ",000" * 130])
def test_plain_digits_the_quick_path_cannot_read_are_refused_as_before(phrase):
    with pytest.raises(ValueError):
        parse_quantity(phrase)
