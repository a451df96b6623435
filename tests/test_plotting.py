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
    assert "unnamed sources (unnamed estimate)" in chart.source and "Erlan Karin (analyst report)" in chart.source
    assert "The Astana Times" in chart.source
    # alt text short: what the chart is; the numbers are in the caption (issue 32)
    assert chart.alt == "Chart: T. Its caption gives every number it shows." and len(chart.alt.split()) < 30


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
    assert "kz_fighters_karin ÷ foreign_fighters" in chart.source


def test_estimates_are_labelled_in_their_sources_own_words(figures):
    """ICCT wrote "nearly 30,000": its key, caption and alt text say so, never our reading of it (issue 22)."""
    from kzfigures import context

    external = context.estimates_for("foreign_fighters", 2015)
    chart = plotting.estimates_chart(external, kzfigures.figure_row(figures, "foreign_fighters"),
                                     kzfigures.published(), name="e", title="E", ylabel="people", log_scale=True)
    key = "\n".join(t.get_text() for t in chart.figure.axes[0].texts)
    for words in (chart.caption, " ".join(key.split())):
        assert "nearly 30,000" in words and "under 30,000" not in words
        assert "Over 12,000" in words and "the article" in words and "more than 15,000" in words


def test_png_and_svg_are_byte_stable(figures):
    make = lambda: plotting.count_chart(views.count_by(figures), name="k", title="K",
                                          article=kzfigures.citation())
    first, second = make(), make()
    png, svg = first.png(), first.svg()  # each drawn once
    assert png == second.png() and svg == second.svg()
    assert b"Software" not in png and "<dc:date>" not in svg


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


# -- faults a reader saw: "nearly", log axes, legends -------------------------------------------------------------
from kzfigures import context  # noqa: E402


def _nearly(figures, words="nearly 30,000"):
    """foreign_fighters restated with other words (a "nearly" row, parsed as the data would parse it)."""
    row = figures.loc[figures.figure_id == "foreign_fighters"].copy()
    return row.assign(number_text=words, bounds=[kzfigures.parse_quantity(words)], bound="fewer_than")


@pytest.mark.parametrize("words, close", [("nearly 30,000", True), ("almost 30,000", True),
                                          ("fewer than 30,000", False), ("under 30,000", False)])
def test_nearly_is_drawn_close_below_its_number_and_its_bounds_stay_what_the_words_allow(figures, words, close):
    row = _nearly(figures, words)
    chart = plotting.interval_chart(row, labels=["x"], name="n", title="N", xlabel="people")
    lows = [min(ln.get_xdata()) for ln in chart.figure.axes[0].lines if len(ln.get_xdata()) == 2]
    assert bool(min(lows) >= 0.9 * 30_000) is close  # "nearly": a short mark under 30,000; "fewer than": a bar from 0
    data = chart.data.iloc[0]
    assert (data["lower"], data["upper"], data["upper_open"]) == (0.0, 30_000.0, True)  # the bounds are unchanged
    said = any("how far under is not stated" in t.get_text() for t in chart.figure.legends[0].get_texts()) \
        if chart.figure.legends else any("how far under" in t.get_text()
                                         for ax in chart.figure.axes for lg in [ax.get_legend()] if lg
                                         for t in lg.get_texts())
    assert said is close


def test_the_icct_nearly_30000_is_not_a_bar_to_zero_in_the_estimates_chart(figures):
    external = context.estimates_for("foreign_fighters", 2022)
    chart = plotting.estimates_chart(external, kzfigures.figure_row(figures, "foreign_fighters"), kzfigures.published(),
                                     name="e", title="E", ylabel="fighters", log_scale=True)
    ax = chart.figure.axes[0]
    assert ax.get_yscale() == "linear"  # 12,000 to 31,000 is not a decade: no log axis
    verticals = [ln for ln in ax.lines if len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == ln.get_xdata()[1]
                 and ln.get_linestyle() != "--"]  # the marks, not the dashed line of the publication date
    assert verticals and min(min(ln.get_ydata()) for ln in verticals) > 10_000  # no bar reaches down to zero
    near = chart.data.loc[chart.data["as written"].str.startswith("nearly")].iloc[0]
    assert (near["lower"], near["upper"]) == (0.0, 30_000.0)


@pytest.mark.parametrize("ids, log", [(["foreign_fighters", "kz_fighters_karin"], True),
                                      (["killed_since_2011", "killed_officers"], False)])
def test_a_log_axis_only_where_values_span_more_than_a_decade_with_enough_labelled_ticks(figures, ids, log):
    rows = kzfigures.select(figures, ids)
    chart = plotting.interval_chart(rows, labels=ids, name="l", title="L", xlabel="people", log_scale=True)
    ax = chart.figure.axes[0]
    chart.png()
    assert (ax.get_xscale() == "log") is log
    low, high = ax.get_xlim()
    labelled = [t for t in ax.get_xticklabels() if t.get_text() and low <= t.get_position()[0] <= high]
    assert len(labelled) >= 4, [t.get_text() for t in labelled]


def _boxes(chart):
    """The legend's and the source line's boxes, in display units, after drawing."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(chart.figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    foot = chart.figure.axes[-1]
    legend = foot.get_legend()
    source = next(t for t in foot.texts if t.get_text().startswith("Source:"))
    return legend.get_window_extent(renderer), source.get_window_extent(renderer)


def test_the_legend_never_overlaps_the_source_line(figures):
    external = context.estimates_for("kz_fighters_karin", 2022)
    many = plotting.estimates_chart(external, kzfigures.figure_row(figures, "kz_fighters_karin"), kzfigures.published(),
                                    name="e", title="E", ylabel="people")
    attacks = kzfigures.topic_view("attacks")
    panels = plotting.panels_chart(attacks[~attacks.derived], name="p", title="P", log_scale=True)
    for chart in (many, panels):
        legend, source = _boxes(chart)
        assert source.y1 <= legend.y0 + 1, (chart.name, legend, source)


def test_each_legend_marker_is_the_marker_drawn(figures):
    rows = kzfigures.select(figures, ["foreign_fighters", "killed_since_2011"])
    chart = plotting.interval_chart(rows, labels=["a", "b"], name="m", title="M", xlabel="x")
    drawn = {ln.get_marker() for ln in chart.figure.axes[0].lines if ln.get_marker() not in ("None", None, "")}
    shown = {h.get_marker() for h in chart.figure.axes[-1].get_legend().legend_handles}
    assert "D" not in drawn and "D" not in shown
    approximate = kzfigures.select(figures, ["foreign_fighters"]).assign(
        bounds=[kzfigures.Bounds(12_000, 12_000, bound="approximate")], bound="approximate", number_text="about 12,000")
    chart = plotting.interval_chart(approximate, labels=["a"], name="m", title="M", xlabel="x")
    shown = {h.get_marker() for h in chart.figure.axes[-1].get_legend().legend_handles}
    assert "D" in shown and any(ln.get_marker() == "D" for ln in chart.figure.axes[0].lines)


def test_a_long_legend_and_key_never_collapse_the_layout(figures):
    """The footer grows to hold the legend and the source line: matplotlib never gives up on the layout (its
    UserWarning reached a reader page once). Drawn once, as the page's PNG: the layout that warns is matplotlib's
    constrained layout, the same for every format (the report's real charts, drawn as PNG and SVG by the default
    report build, would show a warning in the notebooks compared with the committed ones)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fid in ("foreign_fighters", "kz_fighters_karin"):
            external = context.estimates_for(fid, 2025)
            chart = plotting.estimates_chart(external, kzfigures.figure_row(figures, fid), kzfigures.published(),
                                             name="e", title="E " * 40, ylabel="people", log_scale=True)
            legend, source = _boxes(chart)  # drawn once (as the PNG is): inside the figure, one below the other
            assert source.y1 <= legend.y0 + 1 and source.y0 >= 0, (fid, legend, source)


# -- issue 32: a mark is drawn where and when it happened, nowhere else -------------------------------------------
import functools  # noqa: E402

import pandas as pd  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@pytest.mark.parametrize("figure_id", ["foreign_fighters", "kz_fighters_karin"])
def test_every_mark_is_drawn_inside_its_dates_and_the_articles_by_publication(figures, figure_id):
    """Each chart's data gives per mark the dates it describes and where it is drawn: drawn_at within them, the
    article's within 24–30 September 2014 (it reports resolution 2178 as adopted), never after publication. Before
    the fix the article's "between 180 and 250" was drawn about 13 October, after the publication line."""
    first, last = kzfigures.published_between()
    assert (first, last) == (pd.Timestamp("2014-09-24"), pd.Timestamp("2014-09-30"))
    external = context.estimates_for(figure_id, 2025)
    chart = plotting.estimates_chart(external, kzfigures.figure_row(figures, figure_id), (first, last), name="e",
                                     title="E", ylabel="people", published_because=kzfigures.published_because())
    data = chart.data
    assert ((data["date_start"] <= data["drawn_at"]) & (data["drawn_at"] <= data["date_end"])).all(), data
    article = data.loc[data["label"] == "the article"].iloc[0]
    assert first.date() <= article["drawn_at"] <= last.date()
    assert "(our inference: it reports the UN Security Council's resolution" in chart.caption
    # the marks as drawn: each vertical mark's x is the drawn_at of a mark of that chart
    ax = chart.figure.axes[0]
    import matplotlib.dates as mdates
    drawn = {pd.Timestamp(mdates.num2date(ln.get_xdata(orig=False)[0])).tz_localize(None).date()
             for ln in ax.lines if len(set(ln.get_xdata(orig=False))) == 1 and ln.get_linestyle() != "--"}
    assert drawn <= set(data["drawn_at"]), drawn - set(data["drawn_at"])


def test_a_mark_set_inside_its_dates_to_keep_clear_is_named_in_the_caption(figures):
    external = context.estimates_for("kz_fighters_karin", 2025).copy()
    tengri = external["external_id"] == "tengri_karin_2014_09"  # dated to 16 September: here, the whole month, as
    external.loc[tengri, ["as_of", "as_of_start", "as_of_end"]] = external.loc[  # Jamestown's 250 is dated
        external["external_id"] == "jamestown_karin_2014", ["as_of", "as_of_start", "as_of_end"]].to_numpy()
    chart = plotting.estimates_chart(external, kzfigures.figure_row(figures, "kz_fighters_karin"),
                                     kzfigures.published_between(), name="e", title="E", ylabel="people")
    moved = chart.data.loc[chart.data["drawn_at"] != [s + (e - s) / 2 for s, e in
                                                      zip(chart.data["date_start"], chart.data["date_end"],
                                                          strict=True)]]
    assert len(moved), "two marks of September 2014 at 250 would hide one another"
    assert "No mark is drawn outside the dates it describes" in chart.caption
    for mark in moved["mark"]:
        assert f"mark {mark} is drawn on" in chart.caption


@functools.cache
def _figures():
    return kzfigures.load_figures()


_day = st.dates(min_value=pd.Timestamp("2014-01-01").date(), max_value=pd.Timestamp("2015-12-31").date())


@given(st.lists(st.tuples(_day, st.integers(0, 120), st.sampled_from(["more than 15,000", "about 15,000",
                                                                       "between 14,000 and 16,000", "nearly 16,000"])),
                min_size=1, max_size=8))
@settings(deadline=None)  # a busy machine is slow, not wrong: the placement is checked, not its speed
def test_no_estimate_is_ever_drawn_outside_its_dates(marks):
    """However many marks crowd one date, each is drawn inside its own span and the article's by publication."""
    figures = _figures()
    rows = pd.DataFrame({
        "as_of_start": [pd.Timestamp(d) for d, _, _ in marks],
        "as_of_end": [pd.Timestamp(d) + pd.Timedelta(days=n) for d, n, _ in marks],
        "bounds": [kzfigures.parse_quantity(w) for _, _, w in marks], "number_text": [w for _, _, w in marks],
        "label": [f"source {i}" for i in range(len(marks))], "same_scope": [i % 2 == 0 for i in range(len(marks))],
        "as_of": ["" for _ in marks], "bound": ["more_than" for _ in marks]})
    window = (pd.Timestamp("2014-09-24"), pd.Timestamp("2014-09-30"))
    placed, _axis = plotting.placed_marks(rows, kzfigures.figure_row(figures, "foreign_fighters"), window)
    assert all(m.first <= m.drawn_at <= m.last for m in placed)
    (article,) = [m for m in placed if m.is_article]
    assert window[0] <= article.drawn_at <= window[1]


def test_an_svg_keeps_its_words_as_text_a_designer_can_edit(figures):
    """svg.fonttype none, with a font stack: every label is a <text> element, read back as written, markup and all."""
    import xml.etree.ElementTree as ET

    rows = views.parts_of(figures, {"foreign_fighters": "<b>fighters</b> & “friends” $5"})
    chart = plotting.interval_chart(rows, labels=rows["label"], name="t", title="Foreign fighters", xlabel="people")
    svg = chart.svg()
    tree = ET.fromstring(svg)
    words = [t.text for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    assert "Foreign fighters" in words and "more than 15,000" in words
    assert "<b>fighters</b> & “friends” $5" in words
    styles = [t.get("style", "") for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    assert all("font-family: 'DejaVu Sans'" in s and s.rstrip("; ").count("sans-serif") for s in styles if s)
    assert "DejaVuSans-" not in svg  # no glyph outlines: the words are not drawn as paths


def test_a_figure_that_is_no_independent_check_is_never_drawn_as_one(figures):
    """The Post's compiled "An estimated 15,000" has the article's scope but compiles others' figures: drawn hollow,
    its legend entry saying no independent check, never the filled mark of a same-scope check (issue 32)."""
    external = context.estimates_for("foreign_fighters", 2022)
    assert dict(zip(external["external_id"], external["independent"], strict=True))["wapo_2014_10"] is False
    chart = plotting.estimates_chart(external, kzfigures.figure_row(figures, "foreign_fighters"),
                                     kzfigures.published_between(), name="e", title="E", ylabel="people")
    green_points = [ln for ln in chart.figure.axes[0].lines if ln.get_marker() == "o" and len(ln.get_xdata()) == 1
                    and ln.get_color() == plotting.COLOURS["range"] and len(set(ln.get_ydata())) == 1
                    and ln.get_ydata()[0] == 15_000]
    assert green_points and all(ln.get_markerfacecolor() == "white" for ln in green_points)
    assert "external value, same scope, no independent check (EXTERNAL)" in legend_of(chart)


@pytest.mark.parametrize("make", ["estimates", "intervals", "panels", "parts", "timeline", "count", "places", "penalty"])
def test_a_phone_drawing_is_narrow_with_type_a_phone_can_read(figures, make):
    """Issue 32: every chart has a phone drawing (PHONE_WIDTH inches, shown about 370 px wide at 390 px), its every
    text at least PHONE_LEAST_FONT points (about 13 px there, the page's small print), without the legend, numbered
    key or source line, whose words go under it as text (chart.key, chart.source)."""
    import io

    import PIL.Image

    chart = _every_chart(figures)[make]
    phone = chart.phone
    assert phone is not None and phone.get_size_inches()[0] == plotting.PHONE_WIDTH
    png = chart.png(phone=True)  # drawn once, as the report draws it: its tick labels are set, its texts laid out
    texts = [t for t in phone.findobj(lambda o: hasattr(o, "get_fontsize") and hasattr(o, "get_text"))
             if t.get_text().strip() and t.get_visible()]
    assert texts and min(t.get_fontsize() for t in texts) >= plotting.PHONE_LEAST_FONT, \
        sorted((t.get_fontsize(), t.get_text()[:30]) for t in texts)[:3]
    words = " ".join(t.get_text() for t in texts)
    assert "Source:" not in words and not any(ax.get_legend() for ax in phone.axes)
    assert chart.source.startswith("Source:") and chart.key[:len(plotting._legend_words(chart.figure))] \
        == plotting._legend_words(chart.figure)
    width = PIL.Image.open(io.BytesIO(png)).size[0]
    assert width <= plotting.PHONE_WIDTH * plotting.PHONE_DPI * 1.15  # no text runs out of the drawing's width


@functools.cache
def _every_chart_cached():
    figures = kzfigures.load_figures(include_derived=True)
    rows = views.parts_of(figures, {"foreign_fighters": "all", "kz_fighters_karin": "Kazakhstan"})
    attacks = kzfigures.topic_view("attacks")
    killed = views.parts_of(figures, {"killed_officers": "officers", "killed_not_officers": "others"})
    places = kzfigures.places()
    events = kzfigures.events()
    term = kzfigures.figure_row(figures, "penalty_term")
    sentences = views.one_row_each(figures, "sentence_each", "sentenced_supporters", "person {i} of {n}")
    charts = {
        "estimates": plotting.estimates_chart(context.estimates_for("foreign_fighters", 2022),
                                              kzfigures.figure_row(figures, "foreign_fighters"),
                                              kzfigures.published_between(), name="e", title="E " * 20,
                                              ylabel="people", log_scale=True),
        "intervals": plotting.interval_chart(rows, labels=rows["label"], name="i", title="I", xlabel="people",
                                             log_scale=True),
        "panels": plotting.panels_chart(attacks[~attacks.derived], name="p", title="P", log_scale=True),
        "parts": plotting.parts_chart(kzfigures.figure_row(figures, "killed_since_2011"), killed, name="k", title="K",
                                      xlabel="people"),
        "timeline": plotting.timeline_chart(events, kzfigures.external_events(), kzfigures.published(), name="t",
                                            title="T", first_year=2004, last_year=2015),
        "count": plotting.count_chart(views.count_by(figures), name="c", title="C", article=kzfigures.citation()),
        "places": plotting.places_chart(places, name="m", title="M"),
    }
    charts["penalty"] = plotting.penalty_chart(term, sentences, name="s", title="S")
    return charts


def _every_chart(figures):
    return _every_chart_cached()


def test_a_key_written_as_text_says_how_each_mark_looks(figures):
    """Under a phone drawing the key is text: each entry says what its mark looks like, then what it means."""
    key = _every_chart(figures)["places"].key
    assert key == ["red-orange circle: named as where attacks occurred", "grey square: for reference"]
    counted = _every_chart(figures)["count"].key
    assert counted == ["blue bar: figures", "white bar hatched in blue: restatements of a figure"]
