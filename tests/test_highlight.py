"""The article's text with its figures marked in place: every figure at its offsets, proposed told apart from
curated, coloured by bound, and every piece of text escaped."""
from __future__ import annotations

import itertools
import re

import pandas as pd

from kzfigures import FLAGSHIP, citation, load_figures, load_seed, non_figures
from kzfigures.charts.highlight import BOUND_COLOURS, Highlighted, highlighted_html, marks
from kzfigures.charts.plotting import source_line


def test_every_flagship_figure_is_marked_at_its_words():
    seed, figures = load_seed(FLAGSHIP), load_figures(seed=FLAGSHIP)
    found = re.findall(r'<mark class="kz-curated kz-([a-z_]+)"[^>]*>([^<]*)</mark>', highlighted_html(seed.text, figures))
    expected = sorted(zip(figures["bound"], figures["number_text"], strict=True), key=lambda x: x[1])
    assert sorted(found, key=lambda x: x[1]) == expected


def test_proposed_rows_are_dashed_and_say_so():
    figures = load_figures(seed=FLAGSHIP).head(2).assign(status=["proposed", "curated"])
    page = highlighted_html(load_seed(FLAGSHIP).text, figures)
    assert page.count('class="kz-proposed') == 1 and "dashed" in page and "(proposed, not yet curated)" in page


def test_markup_in_the_text_or_the_data_stays_text():
    text = "<script>alert(1)</script> cost 5 dollars & more"
    figures = pd.DataFrame([{"figure_id": "x", "number_text": "5", "number_start": 31, "number_end": 32,
                             "bound": "exact", "status": "proposed", "bounds": load_figures().iloc[0]["bounds"]}])
    non = pd.DataFrame([{"start": 0, "end": 8, "reason": '<img src=x onerror="1">', "status": "proposed"}])
    page = highlighted_html(text, figures, non)
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page and "&amp; more" in page


def test_overlapping_marks_keep_the_first_and_colours_cover_every_bound():
    from kzfigures import BOUND_VALUES

    assert set(BOUND_COLOURS) == set(BOUND_VALUES)
    figures = load_figures(seed=FLAGSHIP)
    kept = marks(figures, non_figures(seed=FLAGSHIP))
    assert all(a.end <= b.start for a, b in itertools.pairwise(kept))
    assert repr(Highlighted(load_seed(FLAGSHIP).text, figures)).startswith("<the article's text with 21")


def test_the_charts_source_line_cites_the_flagship_from_its_metadata():
    assert source_line() == f"Source: {citation(FLAGSHIP)}."
    assert citation(FLAGSHIP) == ("The Astana Times, “Terrorism Presents Multi-Pronged Threat, Requires International "
                                  "Cooperation to Defeat”, September 2014")
