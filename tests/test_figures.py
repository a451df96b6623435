"""The table contract of load_figures(), the topic views and the derived figures."""
from __future__ import annotations

import math

import pandas as pd
import pytest

import kzfigures
from conftest import SEED_TEXT
from kzfigures import Bounds, credit_line, figure_bounds, load_figures

CONTRACT = ["figure_id", "seed_id", "quote", "start", "end", "number_text", "lower", "upper", "bound", "unit",
            "measure", "period_start", "period_end", "place", "attributed_to", "source_type", "same_as", "derived"]


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return load_figures()


@pytest.fixture(scope="module")
def text() -> str:
    return SEED_TEXT.read_bytes().decode("utf-8")


def test_contract_columns(figures):
    assert set(CONTRACT) <= set(figures.columns)
    assert figures["figure_id"].is_unique
    assert figures["lower"].dtype == float and figures["upper"].dtype == float
    assert set(figures["bound"]) <= set(kzfigures.BOUND_VALUES)
    assert not figures["derived"].any()


def test_every_quote_stands_at_its_offsets_in_the_seed(figures, text):
    for row in figures.itertuples():
        assert text[row.start:row.end] == row.quote, row.figure_id
        assert text[row.number_start:row.number_end] == row.number_text, row.figure_id
        assert row.start <= row.number_start < row.number_end <= row.end


def test_bounds_agree_with_their_kind(figures):
    for row in figures.itertuples():
        assert row.lower <= row.upper, row.figure_id
        assert (row.upper == math.inf) == (row.bound in {"more_than", "at_least", "vague"}), row.figure_id
        assert (row.lower == row.upper) == (row.bound in {"exact", "approximate"}), row.figure_id
        assert row.lower_open == (row.bound == "more_than"), row.figure_id


# figure_id: (lower, upper, bound, period_start, period_end, attributed_to) as the article words require
EXPECTED = {
    "foreign_fighters": (15000, math.inf, "more_than", None, None, "unattributed"),
    "foreign_fighter_nations": (80, math.inf, "more_than", None, None, "unattributed"),
    "kz_fighters_karin": (180, 250, "range", None, None, "Erlan Karin"),
    "penalty_term": (3, 7, "range", "2015-01-01", None, "The Astana Times"),
    "attacks_prevented": (9, 9, "exact", "2013-01-01", "2014-09-30", "Zhakip Assanov"),
    "attacks_since_2011": (10, math.inf, "more_than", "2011-01-01", "2014-09-30", "The Astana Times"),
    "killed_since_2011": (21, 21, "exact", "2011-01-01", "2014-09-30", "The Astana Times"),
    "killed_officers": (17, 17, "exact", "2011-01-01", "2014-09-30", "The Astana Times"),
    "orgs_banned_terrorist": (15, 15, "exact", "2004-01-01", "2014-09-30", "Zhakip Assanov"),
    "orgs_banned_extremist": (6, 6, "exact", "2004-01-01", "2014-09-30", "Zhakip Assanov"),
    "online_materials_removed": (2000, math.inf, "vague", None, None, "Zhakip Assanov"),
    "sentence_each": (5, 5, "exact", None, None, "Zhakip Assanov"),
    "sentenced_supporters": (2, 2, "exact", "2014-04-01", "2014-04-30", "Zhakip Assanov"),
}


@pytest.mark.parametrize("figure_id", list(EXPECTED))
def test_key_figures(figures, figure_id):
    lower, upper, bound, p_start, p_end, credit = EXPECTED[figure_id]
    row = figures.set_index("figure_id").loc[figure_id]
    assert (row["lower"], row["upper"], row["bound"], row["attributed_to"]) == (lower, upper, bound, credit)
    date = lambda v: None if pd.isna(v) else v.date().isoformat()
    assert (date(row["period_start"]), date(row["period_end"])) == (p_start, p_end)


def test_restatement_is_linked_not_counted_twice(figures):
    restated = figures.set_index("figure_id").loc["attacks_prevented_restated"]
    assert restated["same_as"] == "attacks_prevented"
    view = kzfigures.topic_view("attacks", )
    assert "attacks_prevented_restated" not in set(view["figure_id"])
    assert "attacks_prevented_restated" in set(kzfigures.topic_view("attacks", include_restatements=True)["figure_id"])


def test_every_stated_number_has_a_row(figures):
    assert len(figures) == 21


def test_topic_views_are_tidy_and_partition_the_table(figures):
    views = [kzfigures.topic_view(t, include_restatements=True, include_derived=False)
             for t in ("fighters", "attacks", "legal", "society", "cooperation")]
    assert sorted(pd.concat(views)["figure_id"]) == sorted(figures["figure_id"])
    for view in views:
        assert view.columns.is_unique and "quote" in view and "attributed_to" in view


def test_unknown_topic_names_the_allowed_ones():
    with pytest.raises(ValueError, match=r"topic 'weather' is not one of: attacks, cooperation, fighters"):
        kzfigures.topic_view("weather")


def test_derived_figures_are_flagged_and_name_their_inputs():
    derived = kzfigures.derived_figures().set_index("figure_id")
    assert derived["derived"].all()
    others = derived.loc["killed_not_officers"]
    assert (others["lower"], others["upper"], others["bound"]) == (4, 4, "exact")
    assert others["derived_from"] == "killed_since_2011 − killed_officers"
    share = derived.loc["kz_share_of_foreign_fighters"]
    assert share["lower"] == 0 and share["lower_open"] and share["upper_open"]
    assert share["upper"] == pytest.approx(250 / 15000)
    assert share["bound"] == "fewer_than"
    assert derived.loc["orgs_banned_total", "lower"] == 21


def test_figure_bounds_round_trip(figures):
    b = figure_bounds(figures, "foreign_fighters")
    assert b.describe() == "more than 15,000"
    with pytest.raises(KeyError, match="nope"):
        figure_bounds(figures, "nope")


def test_credit_line_says_who(figures):
    rows = figures.set_index("figure_id", drop=False)
    assert credit_line(rows.loc["attacks_prevented"]) == "according to Zhakip Assanov (official statement, paraphrased)"
    assert credit_line(rows.loc["foreign_fighters"]).startswith("unattributed (unnamed estimate")


def test_companion_tables():
    categories = kzfigures.fighter_categories()
    assert list(categories["name"]) == ["victims of their problems", "lied to", "fanatics"]
    assert set(kzfigures.people()["name"]) >= {"Erlan Karin", "Yerzhan Ashikbayev", "Zhakip Assanov"}
    assert {"OSCE", "SCO", "CICA"} <= set(kzfigures.organisations()["abbreviation"])


def test_published_is_the_end_of_the_publication_month():
    assert kzfigures.published() == pd.Timestamp("2014-09-30")


def test_select_keeps_order_and_names_missing_ids(figures):
    assert list(kzfigures.select(figures, ["killed_officers", "foreign_fighters"])["figure_id"]) == [
        "killed_officers", "foreign_fighters"]
    with pytest.raises(KeyError, match="nowhere"):
        kzfigures.select(figures, ["foreign_fighters", "nowhere"])


def test_in_years_filters_events_of_either_table():
    from kzfigures import views

    own = views.in_years(kzfigures.events(), 2013, 2014)
    assert set(own["date_start"].dt.year) <= {2013, 2014} and "banning_since_2004" not in set(own["event_id"])
    external = views.in_years(kzfigures.external_events(), 2013, 2014, column="date")
    assert list(external["event_id"]) == ["criminal_code_adopted", "unsc_resolution_2178"]


def test_the_bounds_column_holds_the_exact_bounds_the_parser_gives(figures):
    for row in figures.itertuples():
        if row.figure_id != "intl_organisations":  # its quote names its examples (next test)
            assert row.bounds == kzfigures.parse_quantity(row.number_text), row.figure_id
        assert (row.lower, row.upper, row.bound) == (row.bounds.lower, row.bounds.upper, row.bounds.bound)


def test_a_vague_word_followed_by_named_examples_allows_no_fewer_than_those_named(figures):
    """'a number of international organisations such as' OSCE, SCO, CICA and the CSTO: at least 4, not 2."""
    rows = figures.set_index("figure_id")
    assert rows.loc["intl_organisations", "bounds"] == Bounds(4, math.inf, False, True, "vague")
    assert rows.loc["kz_fighters_some_reports", "lower"] == 2  # names no examples: the word's own least


def test_one_builder_makes_derived_rows_like_derived_csv(figures):
    karin = kzfigures.select(figures, ["kz_fighters_karin"])
    rate = kzfigures.rate_per(kzfigures.figure_bounds(figures, "kz_fighters_karin"), 18_000_000, 1_000_000)
    row = kzfigures.derive(rate, karin, "rate", "per million", "people", "kz_fighters_karin × 1e6 ÷ 18e6").iloc[0]
    assert list(kzfigures.derive(rate, karin, "r", "m", "u", "h").columns) == kzfigures.FIGURE_COLUMNS
    assert row["derived"] and row["source_type"] == "derived" and row["bound"] == "range"
    assert row["attributed_to"] == "derived by kzfigures from figures credited to Erlan Karin"
    assert row["bounds"] == rate and row["lower"] == pytest.approx(10.0)


def test_the_package_is_read_checked_and_built_once_until_a_file_changes(package_copy, edit_csv, monkeypatch):
    """One way through the data: one read, one check and one figures table per file state (store.py)."""
    from kzfigures.figures import store
    from kzfigures.figures import table as figures

    calls: dict[str, int] = {"read": 0, "validate": 0, "build": 0}

    def counted(name, real):
        return lambda *args: calls.__setitem__(name, calls[name] + 1) or real(*args)

    monkeypatch.setattr(store, "read_package", counted("read", store.read_package))
    monkeypatch.setattr(store, "validate", counted("validate", store.validate))
    monkeypatch.setattr(figures, "_build_tables", counted("build", figures._build_tables))
    for _ in range(3):
        load_figures(package_copy)
        kzfigures.derived_figures(package_copy)
        kzfigures.topic_view("fighters", package_copy)
        kzfigures.people(package_copy)
    assert calls == {"read": 1, "validate": 1, "build": 1}
    edit_csv(package_copy, "figures.csv", lambda rows: rows[0].update(notes="edited") or None)
    assert load_figures(package_copy).loc[0, "notes"] == "edited"
    assert calls == {"read": 2, "validate": 2, "build": 2}


def test_each_call_gets_a_table_of_its_own(figures):
    first = load_figures()
    first.loc[0, "lower"] = -1
    assert load_figures().loc[0, "lower"] != -1


def test_the_bound_values_are_the_data_dictionary_s(root):
    import json

    descriptor = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    (figures,) = [r for r in descriptor["resources"] if r["name"] == "figures"]
    (bound,) = [f for f in figures["kzfigures:computed_fields"] if f["name"] == "bound"]
    assert tuple(bound["constraints"]["enum"]) == kzfigures.BOUND_VALUES


def test_no_period_runs_past_what_the_article_can_know(figures):
    """A period ends by the publication month at the latest, unless the article states a later start ("Starting
    Jan. 1, 2015"); the words stay as written."""
    published = kzfigures.published()
    for row in figures.itertuples():
        if pd.notna(row.period_end):
            assert row.period_end <= published, row.figure_id
    events = kzfigures.events()
    stated_future = events["date_start"] > published  # "Starting Jan. 1, 2015": a start the article announces
    assert (events.loc[~stated_future, "date_end"].dropna() <= published).all()


def test_inferred_credits_are_marked_and_said_so(figures):
    inferred = figures.loc[figures["attribution"] == "inferred"]
    assert set(inferred["figure_id"]) == {"ethnic_groups", "religious_denominations"}
    assert set(inferred["source_type"]) == {"article narration"}
    for _, row in inferred.iterrows():
        assert "a credit inferred by kzfigures" in credit_line(row) and "does not say" in credit_line(row)
    assert set(figures.loc[figures["attributed_to"] == "unattributed", "attribution"]) == {"none"}


def test_claims_without_numbers_have_their_words_and_a_source():
    claims = kzfigures.claims()
    assert {"growing rapidly", "relatively small", "considerably reducing the amount of drug money"} <= set(
        claims["words"])
    text = SEED_TEXT.read_text(encoding="utf-8")
    for row in claims.itertuples():
        assert text[row.start:row.end] == row.quote and row.words in row.quote
    assert set(claims["attributed_to"]) <= set(kzfigures.people()["name"])


@pytest.mark.parametrize("figure_id, words", [
    ("kz_share_of_foreign_fighters", "kzfigures computes it from “between 180 and 250” ÷ “more than 15,000”"),
    ("killed_not_officers", "kzfigures computes it from “21” − “17”"),
])
def test_a_derived_row_says_how_in_the_articles_words_not_in_ids(figure_id, words):
    """A reader's table says how a derived figure is computed from the article's own words (issue 32); the ids stay in
    derived_from, in the CSV."""
    from kzfigures import views

    table = views.readable(kzfigures.load_figures(include_derived=True))
    quote = table.loc[table["figure_id"] == figure_id, "quote"].item()
    assert words in quote and "_" not in quote


def test_no_eight_words_of_the_article_stand_outside_quotation_marks_in_our_own_words():
    """Issue 32: measures, labels, roles and claims are our words; the article's own run of eight words or more is
    kept only inside quotation marks (a proper name such as an organisation's is its own exception)."""
    import csv
    import re

    from conftest import ROOT, SEED_TEXT

    words = lambda t: re.findall(r"[a-z0-9']+", t.lower().replace("’", "'"))
    article = words(SEED_TEXT.read_text(encoding="utf-8"))
    runs = {tuple(article[i:i + 8]) for i in range(len(article) - 7)}
    names = {"central asian regional information and coordination centre"}
    ours = {"figures": ["measure"], "events": ["label"], "people": ["role"], "claims": ["claim"],
            "places": ["role_in_article"], "organisations": ["notes"]}
    found = []
    for table, columns in ours.items():
        for row in csv.DictReader((ROOT / "data" / f"{table}.csv").open(encoding="utf-8")):
            for column in columns:
                text = re.sub(r"“[^”]*”|\"[^\"]*\"|'[^']*'", " ", row.get(column) or "")
                for name in names:
                    text = text.lower().replace(name, " ")
                said = words(text)
                found += [(table, column, " ".join(said[i:i + 8])) for i in range(len(said) - 7)
                          if tuple(said[i:i + 8]) in runs]
    assert not found, found
