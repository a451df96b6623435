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


def test_png_and_svg_are_byte_stable(figures):
    make = lambda: plotting.count_chart(views.count_by(figures), name="k", title="K")  # noqa: E731
    first, second = make(), make()
    assert first.png() == second.png() and first.svg() == second.svg()
    assert b"Software" not in first.png() and "<dc:date>" not in first.svg()
