"""Charts: honest marks for each kind of bound, words that state the numbers, and stable bytes."""
from __future__ import annotations

import pytest

import kzfigures
from kzfigures import plotting, views


@pytest.fixture(scope="module")
def figures():
    return kzfigures.load_figures(include_derived=True)


def test_interval_chart_words_state_the_bounds_and_the_source(figures):
    rows = views.parts_of(figures, {"foreign_fighters": "all", "kz_fighters_karin": "Kazakhstan"})
    chart = plotting.interval_chart(rows, labels=rows["label"], name="t", title="T", xlabel="people", log_scale=True)
    assert "all: more than 15,000" in chart.caption and "Kazakhstan: between 180 and 250" in chart.caption
    assert "unnamed sources (unnamed estimate)" in chart.alt and "Erlan Karin (analyst report)" in chart.alt
    assert chart.alt.startswith("Chart: T.") and "The Astana Times" in chart.alt


def test_open_bound_is_an_arrow_not_a_point(figures):
    rows = views.parts_of(figures, {"foreign_fighters": "all"})
    chart = plotting.interval_chart(rows, labels=rows["label"], name="t", title="T", xlabel="people")
    ax = chart.figure.axes[0]
    arrows = [a for a in ax.texts if getattr(a, "arrow_patch", None) is not None]
    assert arrows, "an open upper end is drawn as an arrow"
    hollow = [ln for ln in ax.lines if ln.get_marker() == "o" and ln.get_markerfacecolor() == "white"]
    assert hollow, "the excluded lower end is a hollow marker"


def test_derived_figures_say_so_and_name_inputs(figures):
    rows = figures[figures.figure_id == "kz_share_of_foreign_fighters"]
    chart = plotting.interval_chart(rows, scale=100, labels=["share"], value_format="{:.2f}%", name="s", title="S",
                                    xlabel="percent")
    assert "share: under 1.67% (derived)" in chart.caption
    assert "kz_fighters_karin ÷ foreign_fighters" in chart.alt


def test_estimates_are_labelled_in_their_sources_own_words(figures):
    """ICCT wrote "nearly 30,000": its key, caption and alt text say so, never our reading of it (issue 22)."""
    from kzfigures import context

    external = context.estimates_for("foreign_fighters", 2015)
    chart = plotting.estimates_chart(external, kzfigures.figure_row(figures, "foreign_fighters"),
                                     kzfigures.published(), name="e", title="E", ylabel="people", log_scale=True)
    key = "\n".join(t.get_text() for t in chart.figure.axes[0].texts)
    for words in (chart.caption, chart.alt, " ".join(key.split())):
        assert "nearly 30,000" in words and "under 30,000" not in words
        assert "Over 12,000" in words and "the article" in words and "more than 15,000" in words


def test_png_and_svg_are_byte_stable(figures):
    make = lambda: plotting.count_chart(views.count_by(figures), name="k", title="K")
    first, second = make(), make()
    assert first.png() == second.png() and first.svg() == second.svg()
    assert b"Software" not in first.png() and "<dc:date>" not in first.svg()


def legend_of(chart):
    """Each legend entry's label, with its marker fill ("none" when it has no marker)."""
    legend = next(ax.get_legend() for ax in chart.figure.axes if ax.get_legend() is not None)
    return {h.get_label(): h.get_markerfacecolor() if h.get_marker() not in ("None", "", None) else "none"
            for h in legend.legend_handles}


def test_legend_shows_what_the_marks_show(figures):
    """The share is open at both ends: the legend explains hollow ends and shows no filled end it does not use."""
    rows = kzfigures.select(figures, ["kz_share_of_foreign_fighters"])
    entries = legend_of(plotting.interval_chart(rows, scale=100, labels=["s"], name="s", title="S", xlabel="%"))
    assert entries.get("hollow end: that value is not included") == "white"
    assert "filled end: that value is included" not in entries
    assert not [label for label, face in entries.items() if "derived" in label and face not in ("none", "white")]
    ranged = legend_of(plotting.interval_chart(kzfigures.select(figures, ["kz_fighters_karin"]), labels=["k"],
                                               name="k", title="K", xlabel="people"))
    assert "filled end: that value is included" in ranged and "hollow end: that value is not included" not in ranged


def test_panels_never_mix_units_and_label_each_period(figures):
    rows = kzfigures.topic_view("attacks")
    rows = rows[~rows.derived]
    chart = plotting.panels_chart(rows, name="p", title="P", log_scale=True)
    panels = [ax for ax in chart.figure.axes if ax.axison]
    assert [ax.get_title(loc="left") for ax in panels] == list(dict.fromkeys(rows["unit"]))
    labels = " ".join(t.get_text() for ax in panels for t in ax.get_yticklabels())
    assert "(since 2011)" in labels.replace("\n", " ") and "(in 2013 and 2014)" in labels.replace("\n", " ")
    assert "attacks: terrorist attacks" in chart.caption and "items: online extremist" in chart.caption
    assert "taken down: at least 2,000" in chart.caption
