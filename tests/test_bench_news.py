"""The dev-set score of benchmarks/news.py on a text written here: what it counts as found, right, and a credit
right, wrong, not found or given where the key has none."""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import news

TEXT = ("Jane Doe said sales rose 5% to 40 cars. The firm sold more than 30 vans. "
        "Prices fell 2%, Acme Corp said. In 2014, 12 shops closed.")


def _key(phrase: str, lower: float, upper: float | str, unit: str, credit: str, change: str = "",
         measure: str = "", opens: tuple[bool, bool] = (False, False)) -> dict:
    start = TEXT.index(phrase)
    return {"start": start, "end": start + len(phrase), "lower": lower, "upper": upper, "lower_open": opens[0],
            "upper_open": opens[1], "unit": unit, "change": change, "credit": credit, "measure": measure}


def test_the_score_counts_each_kind_of_credit_apart():
    keys = [
        _key("5%", 5, 5, "percent", "Jane Doe", "up"),                    # right ("Doe" is "Jane Doe")
        _key("40 cars", 40, 40, "cars", "Doe", measure="cars"),          # right
        _key("more than 30", 30, "inf", "vans", "", opens=(True, True)),  # no credit in the key nor the draft
        _key("2%", 2, 2, "percent", "Someone Else", "down"),              # wrong: the draft names Acme Corp
        _key("12", 12, 12, "shops", "Acme Corp"),                         # not found: the draft names no one
    ]
    counts: Counter = Counter()
    news.score_article(TEXT, keys, counts)
    assert (counts["figures"], counts["found"], counts["right"], counts["read"]) == (5, 5, 5, 5)
    assert (counts["credited"], counts["credit right"], counts["credit wrong"], counts["credit missed"]) == (4, 2, 1, 1)
    assert (counts["uncredited"], counts["credit invented"]) == (1, 0)
    assert counts["unit"] == 5 and counts["measured"] == 1 and counts["measure"] == 1
    assert counts["extra"] == 0


def test_a_credit_where_the_key_has_none_is_counted_wrong():
    counts: Counter = Counter()
    news.score_article(TEXT, [_key("2%", 2, 2, "percent", "", "down")], counts)
    assert (counts["uncredited"], counts["credit invented"]) == (1, 1)


@pytest.mark.parametrize("key, ours, same", [
    ("Robert Brusca", "Brusca", True), ("gold dealers", "dealers", True), ("the ministry", "Finance Ministry", True),
    ("Hofer", "Credit Suisse Paul Hofer", True), ("Jones", "Smith", False), ("Jones", "", False), ("", "", False),
])
def test_names_agree_on_a_word(key, ours, same):
    assert news._names_same(key, ours) is same


@pytest.mark.parametrize("key, ours, same", [
    ("dlrs", "dlrs", True), ("tonnes", "tonne", True), ("percentage point", "points", True), ("", "", True),
    ("years", "", False), ("dollars", "pounds", False),
])
def test_units_agree_on_their_last_word(key, ours, same):
    assert news._unit_equal(key, ours) is same
