"""The teacher's guide states counts computed from the data, and the committed guide is what the tool writes."""
from __future__ import annotations

import pytest

from conftest import ROOT
from kzfigures.classroom.guide import GUIDE, guide_text, sources_table, write_guide
from kzfigures.data.figures import load_figures


def test_the_committed_guide_is_what_make_notebooks_writes():
    assert write_guide(ROOT, check=True) == [], "run `make notebooks` and commit docs/teachers.md"


def test_the_sources_table_counts_the_data():
    figures = load_figures()
    table = sources_table(figures)
    stated = figures.loc[~figures["derived"] & figures["same_as"].isna()]
    for kind, count in stated["source_type"].value_counts().items():
        assert f"| {kind} | {count} |" in table
    official = stated["source_type"].str.startswith("official").sum()
    assert f"Officials give {official} of the {len(stated)} figures" in table


def test_a_changed_credit_changes_the_table():
    figures = load_figures()
    before = sources_table(figures)
    figures.loc[figures["figure_id"] == "kz_fighters_karin", "source_type"] = "official statement, quoted"
    after = sources_table(figures)
    assert before != after and "| official statement, quoted | 6 |" in after


def test_an_unknown_passage_is_named():
    with pytest.raises(KeyError, match="no computed passage named 'nope'"):
        guide_text("<!-- computed: nope -->\nold\n<!-- end computed -->")


def test_the_guide_claims_nothing_the_data_contradicts():
    text = (ROOT / GUIDE).read_text(encoding="utf-8")
    assert "Most figures come from officials" not in text and "close to the state" not in text.lower()
