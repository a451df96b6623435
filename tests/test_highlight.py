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


def test_proposals_are_dashed_and_say_so():
    from kzfigures.figures.proposals import frame

    figures = load_figures(seed=FLAGSHIP)
    first = figures.iloc[0]
    proposal = {"proposal_id": "p1", "kind": "figure", "seed_id": FLAGSHIP, "quote": first["quote"],
                "start": str(first["start"]), "end": str(first["end"]), "number_text": first["number_text"],
                "number_start": str(first["number_start"]), "number_end": str(first["number_end"]), "lower": "15000",
                "upper": "inf", "lower_open": "true", "upper_open": "true", "bound": "more_than", "unit": "",
                "measure": "", "period_text": "", "attributed_to": "", "reason": ""}
    page = highlighted_html(load_seed(FLAGSHIP).text, figures.iloc[1:2], None, frame([proposal]))
    assert page.count('class="kz-proposed') == 1 and page.count('class="kz-curated') == 1
    assert "dashed" in page and "p1: more_than, (15,000, ∞) (proposed, not yet curated)" in page


def test_markup_in_the_text_or_the_data_stays_text():
    text = "<script>alert(1)</script> cost 5 dollars & more"
    figures = pd.DataFrame([{"figure_id": "x", "number_text": "5", "number_start": 31, "number_end": 32,
                             "bound": "exact", "bounds": load_figures().iloc[0]["bounds"]}])
    non = pd.DataFrame([{"start": 0, "end": 8, "reason": '<img src=x onerror="1">'}])
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
    assert source_line(load_figures(seed=FLAGSHIP).head(1)).startswith(f"Source: {citation(FLAGSHIP)}. Figures")
    assert citation(FLAGSHIP) == ("The Astana Times, “Terrorism Presents Multi-Pronged Threat, Requires International "
                                  "Cooperation to Defeat”, September 2014")


def test_an_unread_proposal_says_unread_once():
    """The adversarial pass: “unread: unread: …” on the page and in proposed.csv."""
    from kzfigures.figures.formatting import unread

    assert unread("unread: “1,50,000” is one number") == "unread: “1,50,000” is one number"
    assert unread("a date") == "unread: a date"
