"""The coverage audit: every numeric token in the seed is a figure, a period, or a reasoned non-figure."""
from __future__ import annotations

from conftest import read_rows
from kzfigures import coverage_audit, find_tokens


def test_every_token_is_accounted_for():
    audit = coverage_audit()
    unaccounted = audit.loc[audit["status"] == "unaccounted"]
    assert unaccounted.empty, unaccounted.to_string()
    assert len(audit) >= 36
    assert set(audit["status"]) == {"figure", "period", "non-figure"}


def test_tokens_include_digits_words_ordinals_and_vague():
    tokens = find_tokens("More than 15,000 from 80 nations; the first two; thousands of items; a number of them")
    assert list(tokens["token"]) == ["15,000", "80", "first", "two", "thousands", "a number of"]
    assert list(tokens["kind"]) == ["digits", "digits", "ordinal", "number word", "vague", "vague"]


def test_dropping_a_non_figure_leaves_its_token_unaccounted(package_copy, edit_csv):
    edit_csv(package_copy, "non_figures.csv", lambda rows: rows[:-1])
    audit = coverage_audit(package_copy)
    missing = audit.loc[audit["status"] == "unaccounted"]
    assert list(missing["token"]) == ["one"] and list(missing["start"]) == [7236]


def test_dropping_a_figure_leaves_its_number_unaccounted(package_copy, edit_csv):
    edit_csv(package_copy, "figures.csv", lambda rows: [r for r in rows if r["figure_id"] != "religious_denominations"])
    audit = coverage_audit(package_copy)
    missing = audit.loc[audit["status"] == "unaccounted"]
    assert list(missing["token"]) == ["17"] and list(missing["start"]) == [3633]


def test_a_number_only_inside_a_long_quote_is_not_enough(package_copy, edit_csv):
    """ethnic_groups' quote holds '17 religious denominations' too, but only number_text counts."""
    edit_csv(package_copy, "figures.csv", lambda rows: [r for r in rows if r["figure_id"] != "religious_denominations"])
    kept = read_rows(package_copy / "data" / "figures.csv")
    assert "17 religious" in next(r["quote"] for r in kept if r["figure_id"] == "ethnic_groups")
    audit = coverage_audit(package_copy)
    row = audit.loc[(audit["token"] == "17") & (audit["start"] == 3633)]
    assert row["status"].item() == "unaccounted"
