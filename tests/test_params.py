"""Parameter rules: names, types, ranges and order, each refused with the parameter named."""
from __future__ import annotations

import pytest

from kzfigures import ParameterError, check_parameters
from kzfigures.collection.params import convert


@pytest.mark.parametrize("name, text, value", [
    ("population", "18000000", 18_000_000), ("population", "18,000,000", 18_000_000),
    ("include_restatements", "yes", True),
    ("include_restatements", "False", False), ("search", "Karin", "Karin"),
])
def test_convert(name, text, value):
    assert convert(name, text) == value


@pytest.mark.parametrize("values, words", [
    ({"populaton": 1}, "unknown parameter 'populaton'; known parameters:"),
    ({"population": "many"}, "parameter population: 'many' is not int"),
    ({"population": True}, "parameter population: True is not int"),
    ({"population": 0}, "parameter population: 0 is out of range; allowed: int from 1 to"),
    ({"decimals": 9}, "parameter decimals: 9 is out of range"),
    ({"per": 10}, "parameter per: 10 is not allowed; one of 1,000, 100,000, 1,000,000"),
    ({"log_scale": 1}, "parameter log_scale: 1 is not bool"),
    ({"timeline_start_year": 2014, "timeline_end_year": 2013}, "timeline_start_year (2014) must not be after"),
])
def test_refused_with_the_name(values, words):
    with pytest.raises(ParameterError) as err:
        check_parameters(**values)
    assert words in str(err.value)


def test_good_values_pass_through():
    values = {"population": 17_288_280, "per": 1_000_000, "timeline_start_year": 2004, "timeline_end_year": 2015}
    assert check_parameters(**values) is None
