"""The article's figures in context: external figures with their provenance, and relations computed, never typed."""
from __future__ import annotations

import datetime as dt
import math

import pytest

import kzfigures
from kzfigures import Bounds, DataPackageError, parse_quantity
from kzfigures.figures.context import RELATIONS, overlap, relation, scope_difference, whole
from kzfigures.figures.validation import partial_date

SAME = ("Syria", "fighters only", "ever went")
TERM = ("Kazakhstan", "prison term: taking part in a foreign conflict", "term in law")
OTHER = ("Syria and Iraq", "fighters only", "ever went")
SEPT_2014 = partial_date("2014-09")


# external phrase, article phrase, external scope, external date, origin, same words?, expected relation
OWN = "own count"
CASES = [
    ("250", "between 180 and 250", SAME, "2014-09", OWN, False, "consistent"),
    ("more than 300", "between 180 and 250", SAME, "2014-09", OWN, False, "conflicting"),
    ("more than 300", "between 180 and 250", SAME, "2014-11", OWN, False, "higher later"),
    ("around 150", "between 180 and 250", SAME, "2015-03-20", OWN, False, "lower later"),
    ("approximately 12,000", "more than 15,000", SAME, "2014-06", OWN, False, "lower earlier"),
    # only the floor is lower: the open tops state no end, so nothing moved and the two agree
    ("Over 12,000", "more than 15,000", SAME, "2014-06", OWN, False, "consistent"),
    ("between 27,000 and 31,000", "more than 15,000", SAME, "2015-12", OWN, False, "consistent"),
    ("between 27,000 and 31,000", "more than 15,000", OTHER, "2015-12", OWN, False, "different scope"),
    ("15,000", "more than 15,000", SAME, "2014-09", OWN, False, "conflicting"),
    ("at least 15,000", "more than 15,000", SAME, "2014-09", OWN, False, "consistent"),
    ("five to nine years", "three to seven years", SAME, "2022", OWN, False, "higher later"),
    # a term the law sets, for an offence described in nearly the same terms, later and different:
    # whether the law changed is not established
    ("5 to 9 years", "three to seven years", TERM, "2022-09-22", OWN, False, "term differs, change not established"),
    ("three to seven years", "three to seven years", TERM, "2022", OWN, False, "consistent"),
    ("five to nine years", "three to seven years", TERM, "2014-09", OWN, False, "conflicting"),
    ("nearly 30,000", "more than 15,000", SAME, "2014", OWN, False, "consistent"),
    ("more than 300", "between 180 and 250", SAME, "2014", OWN, False, "conflicting"),
    # the article's own words, the same month: the article may be repeating this source
    ("more than 15,000", "more than 15,000", SAME, "2014-09-24", OWN, True, "same words"),
    # Jamestown summarising Karin's report, the article's own source: agreement checks nothing
    ("250", "between 180 and 250", OTHER, "2014-09", "restates the article's source", False, "same origin"),
    ("around 250", "between 180 and 250", SAME, "2014-09", "restates the article's source", False, "same origin"),
    # RFE/RL: the KNB's 150 repeats earlier statements (a 2013 video): not a fall
    ("around 150", "between 180 and 250", SAME, "2015-03-20", "repeats an earlier statement", False,
     "repeats an earlier figure"),
    ("An estimated 15,000", "more than 15,000", SAME, "2014-10", "compiles other sources", False,
     "compiled from others"),
]


@pytest.mark.parametrize("external, article, scope, when, origin, same_words, expected", CASES,
                         ids=[f"{c[0]} vs {c[1]} {c[3]} {c[4]}" for c in CASES])
def test_relation(external, article, scope, when, origin, same_words, expected):
    mine = TERM if scope == TERM else SAME
    found = relation(parse_quantity(external), parse_quantity(article), scope, mine, partial_date(when), SEPT_2014,
                     origin=origin, same_words=same_words)
    assert found == expected and found in RELATIONS


# whole things: 'more than 80' nations is 'at least 81', so Soufan's 'at least 81' is the same interval
WHOLE = [("at least 81", "more than 80", "consistent"), ("Over 12,000", "more than 15,000", "consistent"),
         ("at least 82", "more than 80", "consistent"), ("79", "more than 80", "lower earlier")]


@pytest.mark.parametrize("external, article, expected", WHOLE)
def test_whole_things_compare_as_whole_numbers(external, article, expected):
    found = relation(whole(parse_quantity(external)), whole(parse_quantity(article)), SAME, SAME,
                     partial_date("2014-06"), SEPT_2014)
    assert found == expected


# The moved-ends rule (issue 22, Soufan's "Over 12,000"): an interval moved only when every value moved, or when
# both intervals are finite (a span) and both ends moved the same way. An open end states no end, so cannot move.
# external phrase, article phrase, expected relation at another time (same scope)
MOVED = [
    ("Over 12,000", "more than 15,000", "consistent"),            # both tops open: only the floor is lower
    ("more than 20,000", "more than 15,000", "consistent"),        # only the floor is higher
    ("nearly 30,000", "more than 15,000", "consistent"),           # [0, 30,000) overlaps; the article has no top
    ("more than 200", "between 180 and 250", "consistent"),        # overlapping, one interval open
    ("approximately 12,000", "more than 15,000", "lower earlier"),  # every value below
    ("more than 300", "between 180 and 250", "higher earlier"),    # every value above, one end open
    ("around 150", "between 180 and 250", "lower earlier"),        # finite, both ends lower
    ("five to nine years", "three to seven years", "higher earlier"),  # finite spans that overlap: both ends up
    ("three to nine years", "three to seven years", "higher earlier"),  # finite: one end up, none down
    ("two to nine years", "three to seven years", "consistent"),   # finite, ends moved apart
]


@pytest.mark.parametrize("external, article, expected", MOVED, ids=[f"{m[0]} vs {m[1]}" for m in MOVED])
def test_ends_move_only_when_both_are_stated_or_every_value_moved(external, article, expected):
    found = relation(parse_quantity(external), parse_quantity(article), SAME, SAME, partial_date("2014-06"),
                     SEPT_2014)
    assert found == expected


def test_whole_leaves_an_interval_with_no_whole_number_alone():
    assert whole(Bounds(5, 6, True, True)) == Bounds(5, 6, True, True)
    assert whole(parse_quantity("more than 80")) == Bounds(81, math.inf, False, True)


def test_open_ends_decide_overlap():
    assert not overlap(Bounds(15_000, math.inf, True, True), Bounds.exact(15_000))
    assert overlap(Bounds(15_000, math.inf, False, True), Bounds.exact(15_000))
    assert overlap(parse_quantity("between 180 and 250"), parse_quantity("250"))


@pytest.fixture(scope="module")
def external():
    return kzfigures.external_figures()


@pytest.fixture(scope="module")
def compared():
    return kzfigures.in_context()


def test_enough_figures_from_enough_publishers_on_every_topic(external):
    assert len(external) >= 12 and external["publisher"].nunique() >= 6
    assert {"foreign_fighters", "kz_fighters_karin", "killed_since_2011", "penalty_term"} <= set(external["compares_with"])
    assert external["url"].str.match(r"^https?://").all() and external["read_in"].str.len().gt(10).all()


def test_bounds_come_from_the_parser(external):
    for row in external.itertuples():
        assert row.bounds == parse_quantity(row.number_text), row.external_id
        assert (row.lower, row.upper) == (float(row.bounds.lower), float(row.bounds.upper))


def test_the_real_data_gives_several_relations(compared):
    assert len(set(compared["relation"])) >= 3
    pairs = dict(zip(compared["external_id"], compared["relation"], strict=True))
    assert pairs["jamestown_karin_2014"] == "same origin" and pairs["tengri_karin_2014_09"] == "same origin"
    assert pairs["knb_2015_03_fighters"] == "repeats an earlier figure"
    assert pairs["obama_2014_09"] == "same words" and pairs["tsg_2014_06_countries"] == "consistent"
    assert pairs["knb_2014_11"] == "different scope" and pairs["aljazeera_taraz_2011"] == "different scope"
    # Soufan's June 2014 "Over 12,000": only the floor is lower, so no move (issue 22)
    assert pairs["tsg_2014_06_fighters"] == "consistent"
    # Babel describes the offence clause by clause in nearly the article's terms; its term differs, and no stored source
    # establishes a change: a relation of its own, not "different scope" and not "higher later" (issue 32)
    assert pairs["babel_art172_2022"] == pairs["babel_art172_2023"] == "term differs, change not established"
    assert pairs["code1997_art162"] == "different scope"  # the 1997 Code's mercenaries: another offence
    assert "consistent" not in {pairs[i] for i in compared["external_id"]
                                if compared.set_index("external_id").loc[i, "origin"] != "own count"}


def test_every_external_row_says_where_its_phrase_stands(external):
    assert external["located"].str.len().gt(3).all()
    restated = external["origin"] != "own count"
    assert external.loc[restated, "restates"].str.len().gt(10).all()


def test_a_scope_difference_is_said_in_words(compared):
    row = compared.set_index("external_id").loc["knb_2014_11"]
    # the KNB statement counts them all as fighting: a family reading would be an inference, so not its scope
    assert row["how the scope differs"] == "where: Syria and Iraq (the article: not stated)"
    penalty = compared.set_index("external_id").loc["code1997_art162", "how the scope differs"]
    assert penalty == "who is counted: prison term: mercenary (the article: prison term: taking part in a foreign conflict)"
    same = compared.loc[compared["relation"] == "same words", "how the scope differs"]
    assert (same == "").all()
    assert scope_difference({"where": "Syria", "who_counted": "x", "count_kind": "y"},
                            {"where": "Syria", "who_counted": "x", "count_kind": "y"}) == ""


def test_no_date_is_in_the_future(external):
    today = dt.date.today()
    assert all(partial_date(v)[0] <= today for v in list(external["as_of"]) + list(external["published"]))


def test_a_summary_states_what_the_table_counts(compared):
    from kzfigures.figures.context import conclusions

    text = conclusions(compared)
    assert text.startswith(f"{len(compared)} external figures were compared")
    assert "*Repeats an earlier figure*: “around 150” (RFE/RL, 20 March 2015)" in text
    assert "another term in law, later, for an offence described in nearly the same terms" in text
    for figure_id in compared["figure_id"]:  # prose for a reader: the ids stay in the CSV
        assert figure_id not in text
    assert "Lower later" not in text and "5 are no independent check" in text
    assert "Higher later" not in text and "Lower earlier" not in text


def set_ext(external_id: str, column: str, value: str):
    def change(rows):
        next(r for r in rows if r["external_id"] == external_id)[column] = value
    return change


MUTATIONS = [
    ("compares_with", "nowhere", "refers to no figure_id in data/figures.csv"),
    ("compares_with", "killed_officers", "has no row in scopes.csv"),
    ("number_text", "many many", "cannot parse 'many many'"),
    ("as_of", "2015-02-30", "is not a date that exists"),
    ("as_of", "2099-01", "after today"),
    ("published", "2013", "is before the date it describes"),
    ("url", "javascript:alert(1)", "does not match the pattern"),
    ("publisher", "", "is empty but required"),
    ("where", "Mars", "is not one of"),
    ("located", "", "is empty but required"),
    ("origin", "hearsay", "is not one of"),
    ("origin", "repeats an earlier statement", "needs the original named"),  # reported on restates
    ("restates", "the KNB's statement of 18 November", "names an original, but origin is 'own count'"),
]


@pytest.mark.parametrize("column, value, words", MUTATIONS, ids=[f"{m[0]}={m[1]}" for m in MUTATIONS])
def test_each_rule_on_external_figures_is_enforced(package_copy, edit_csv, column, value, words):
    assert kzfigures.validate_package(package_copy) == []
    edit_csv(package_copy, "external_figures.csv", set_ext("knb_2014_11", column, value))
    problems = [p for p in kzfigures.validate_package(package_copy)
                if (p.file, p.row) == ("data/external_figures.csv", "knb_2014_11")
                and p.column in (column, "restates")]
    assert problems and words in problems[0].message, [str(p) for p in problems]
    with pytest.raises(DataPackageError):
        kzfigures.load_figures(package_copy)


def test_in_context_keeps_the_years_and_scopes_asked_for():
    early = kzfigures.in_context(last_year=2014)
    assert len(early) and all(partial_date(v)[0].year <= 2014 for v in early["as of"])
    same = kzfigures.in_context(include_different_scope=False)
    assert len(same) and "different scope" not in set(same["relation"])


@pytest.mark.parametrize("last_year, span", [(2014, "2014"), (2015, "2014–2015"), (2022, "2014–2015")])
def test_a_chart_title_names_the_years_its_external_figures_describe(last_year, span):
    from kzfigures.figures.context import estimates_for, year_span

    external = estimates_for("foreign_fighters", last_year)
    assert year_span(external) == span
    assert year_span(external.iloc[0:0]) == "none shown"


def test_a_source_read_in_a_mirror_names_the_publishers_document_and_the_mirror_apart(compared):
    """Issue 32: where a stored source gives the publisher's own address (ICCT's PDF, in START's catalogue; The Soufan
    Center's page for its December 2015 report), url is the publisher's and read in names the mirror with its
    address; the comparison table carries both."""
    rows = compared.set_index("external_id")
    for external_id, publisher in [("icct_2015_10", "icct.nl"), ("tsg_2015_12_fighters", "thesoufancenter.org")]:
        assert publisher in rows.loc[external_id, "url"] and "doczz.net" not in rows.loc[external_id, "url"]
        assert "doczz.net" in rows.loc[external_id, "read in"] and "https://" in rows.loc[external_id, "read in"]
