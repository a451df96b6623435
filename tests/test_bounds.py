"""Bounds arithmetic: exact checks with Fractions, and properties over random intervals (hypothesis)."""
from __future__ import annotations

import itertools
import math
import operator
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzfigures import Bounds, BoundsOrderError, parse_quantity

INF = math.inf
OPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}


@st.composite
def intervals(draw, min_lower: int = 0) -> Bounds:
    """A non-negative interval with Fraction ends: a point, closed, half-open, open, or unbounded above."""
    lower = Fraction(draw(st.integers(min_lower, 60)), draw(st.sampled_from([1, 2, 3])))
    shape = draw(st.sampled_from(["point", "finite", "unbounded"]))
    if shape == "point":
        return Bounds(lower, lower)
    lower_open = draw(st.booleans())
    if shape == "unbounded":
        return Bounds(lower, INF, lower_open, True)
    upper = lower + Fraction(draw(st.integers(1, 60)), draw(st.sampled_from([1, 2, 5])))
    return Bounds(lower, upper, lower_open, draw(st.booleans()))


@st.composite
def point_in(draw, b: Bounds) -> Fraction:
    """A value inside b: a closed end sometimes, otherwise strictly between the ends."""
    ends = [e for e, is_open in ((b.lower, b.lower_open), (b.upper, b.upper_open)) if not is_open]
    if ends and draw(st.booleans()):
        return draw(st.sampled_from(ends))
    top = b.lower + 100 if b.upper == INF else b.upper
    t = Fraction(draw(st.integers(1, 99)), 100)
    return b.lower + (top - b.lower) * t


def witnesses(b: Bounds) -> list[Fraction]:
    """Values inside b that reach its closed ends, plus an interior value."""
    top = b.lower + 1 if b.upper == INF else b.upper
    inside = [(b.lower + top) / 2] if not b.is_point else []
    return [e for e, is_open in ((b.lower, b.lower_open), (b.upper, b.upper_open)) if not is_open] + inside


def operands(data, name: str) -> tuple[Bounds, Bounds, Bounds]:
    """Two random intervals (a divisor bounded away from 0) and the result of the operation on them."""
    x_b = data.draw(intervals())
    y_b = data.draw(intervals(min_lower=1 if name == "div" else 0))
    return x_b, y_b, OPS[name](x_b, y_b)


@pytest.mark.parametrize("name", list(OPS))
@settings(deadline=None)  # max_examples: the profile (tests/conftest.py)
@given(data=st.data())
def test_every_combination_of_inside_points_lands_inside(name, data):
    x_b, y_b, result = operands(data, name)
    x, y = data.draw(point_in(x_b)), data.draw(point_in(y_b))
    value = OPS[name](x, y)
    assert result.contains(value), f"{x} {name} {y} = {value} is outside {result.notation()}"


@pytest.mark.parametrize("name", list(OPS))
@settings(deadline=None)  # max_examples: the profile (tests/conftest.py)
@given(data=st.data())
def test_a_closed_end_is_reached_by_some_pair(name, data):
    x_b, y_b, result = operands(data, name)
    reached = {OPS[name](x, y) for x, y in itertools.product(witnesses(x_b), witnesses(y_b))}
    for end, is_open in ((result.lower, result.lower_open), (result.upper, result.upper_open)):
        if not is_open:
            assert end in reached, f"{result.notation()} claims {end} is reached; no pair gives it"


def test_share_of_karin_range_in_more_than_15000_is_under_1_67_percent():
    share = parse_quantity("between 180 and 250") / parse_quantity("more than 15,000")
    assert (share.lower, share.lower_open, share.upper_open) == (0, True, True)
    assert share.upper == pytest.approx(250 / 15000)
    assert (share * 100).describe(lambda v: f"{v:.2f}%") == "under 1.67%"
    assert share.upper != 215 / 15000


def test_difference_of_exact_figures_is_exact():
    assert (parse_quantity("21") - parse_quantity("17")) == Bounds(4.0, 4.0, bound="exact")


def test_open_bounds_propagate_through_sum():
    total = parse_quantity("more than 10") + parse_quantity("nine")
    assert (total.lower, total.lower_open, total.upper) == (19, True, INF)
    assert total.describe() == "more than 19"


def test_zero_times_unbounded_is_zero():
    assert Bounds(0, 0) * Bounds(5, INF, False, True) == Bounds(0, 0)


def test_division_by_an_interval_that_includes_zero_is_refused():
    with pytest.raises(ZeroDivisionError):
        Bounds(1, 2) / Bounds(0, 3)


def test_negative_quantities_are_refused_for_products():
    with pytest.raises(ValueError, match="non-negative"):
        Bounds(-1, 2) * Bounds(1, 2)


@pytest.mark.parametrize("args", [(5, 3), (math.nan, 1), (INF, INF), (2, 2, True, False)])
def test_malformed_intervals_are_refused(args):
    with pytest.raises(ValueError):
        Bounds(*args)


def test_lower_above_upper_is_an_order_error():
    with pytest.raises(BoundsOrderError, match="lower 5 > upper 3"):
        Bounds(5, 3)


@pytest.mark.parametrize("b, words, notation", [
    (Bounds(15000, INF, True, True), "more than 15,000", "(15,000, ∞)"),
    (Bounds(2000, INF, False, True), "at least 2,000", "[2,000, ∞)"),
    (Bounds(180, 250), "between 180 and 250", "[180, 250]"),
    (Bounds(0, 7), "at most 7", "[0, 7]"),
    (Bounds(0, 5, False, True), "under 5", "[0, 5)"),
    (Bounds(9, 9), "9", "[9, 9]"),
    (Bounds(200, 200, bound="approximate"), "about 200", "[200, 200]"),
    (Bounds(3, 7, True, False), "more than 3 and at most 7", "(3, 7]"),
])
def test_words_and_notation(b, words, notation):
    assert (b.describe(), b.notation()) == (words, notation)


@pytest.mark.parametrize("b, shape", [
    (Bounds(4, 4), "exact"), (Bounds(1, INF, True, True), "more_than"), (Bounds(1, INF), "at_least"),
    (Bounds(0, 1, True, True), "fewer_than"), (Bounds(0, 1), "at_most"), (Bounds(1, 2), "range"),
])
def test_a_bound_left_out_is_read_from_the_shape(b, shape):
    assert b.bound == shape


def test_arithmetic_results_take_the_bound_of_their_shape():
    assert (parse_quantity("between 180 and 250") / parse_quantity("more than 15,000")).bound == "fewer_than"
    assert (parse_quantity("about 200") + 1).bound == "exact"


def test_an_unknown_bound_is_refused():
    with pytest.raises(ValueError, match="bound 'derived' is not one of"):
        Bounds(1, 2, bound="derived")
