"""What a reader of another article's page would correct (found by hand adding a real article): its charts cite it,
not the flagship; a figure is shown with every digit it has; its figures are listed in text order; a lesson asks
no level question of a change. The article is one the project wrote (tests/articles/markets-close.txt)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from kzfigures import citation, curation, load_figures
from kzfigures.charts import plotting, views
from kzfigures.figures.articles import add_article
from kzfigures.figures.draft import draft_article
from kzfigures.figures.seeds import FLAGSHIP

MARKETS = ROOT / "tests" / "articles" / "markets-close.txt"
MARKETS_CITED = "Test Gazette, “Harbour shares close lower”, 7 May 2024"


@pytest.fixture
def markets(package_copy, monkeypatch) -> tuple[Path, str]:
    """A package copy (the collection $KZFIGURES_ROOT names) with the markets article added, drafted, all accepted."""
    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    new_id = add_article(MARKETS, "Harbour shares close lower", "Test Gazette", "2024-05-07", root=package_copy)
    draft_article(new_id, root=package_copy)
    c = curation(new_id, package_copy)
    for pid in list(c.proposals.index):
        c.accept(pid)
    c.save()
    return package_copy, new_id


def _levels(figures):
    return figures.loc[figures["change"].isna()]


def test_a_chart_of_another_article_cites_it_not_the_flagship(markets):
    root, article = markets
    figures = load_figures(root, seed=article)
    assert citation(article) == MARKETS_CITED
    for chart in (plotting.interval_chart(_levels(figures), name="i", title="I", xlabel="value"),
                  plotting.panels_chart(figures, name="p", title="P")):
        assert chart.source.startswith(f"Source: {MARKETS_CITED}.")
        assert citation(FLAGSHIP) not in chart.source


def test_a_chart_of_two_articles_cites_both(markets):
    root, article = markets
    both = pd.concat([load_figures(root).head(1), _levels(load_figures(root, seed=article)).head(1)])
    source = plotting.source_line(both)
    assert source.startswith(f"Source: {citation(FLAGSHIP)}; {MARKETS_CITED}.")


def test_a_source_line_that_names_no_article_is_refused_not_the_flagships():
    with pytest.raises(ValueError, match="needs its article"):
        plotting.source_line(extra="Counted by kzfigures.")


#: Figures of the markets article as the article writes them, as the reader's table and a level chart show them.
DIGITS = ["$44.38", "$12.50", "4,736 points"]
SHOWN_AS = {"$44.38": "44.38", "$12.50": "12.5", "4,736 points": "4,736"}


@pytest.mark.parametrize("words", DIGITS)
def test_a_figure_keeps_every_digit_the_article_gave_it(markets, words):
    root, article = markets
    figures = load_figures(root, seed=article)
    shown = SHOWN_AS[words]
    assert views.readable(figures).set_index("as written").loc[words, "interval"] == f"[{shown}, {shown}]"
    levels = _levels(figures)
    chart = plotting.interval_chart(levels, name="i", title="I", xlabel="value")
    assert f"{levels.loc[levels['number_text'] == words, 'measure'].iloc[0]}: {shown}" in chart.caption
    panels = plotting.panels_chart(figures, name="p", title="P")
    assert f": {shown}" in panels.caption


@pytest.mark.parametrize("value, written", [(44.38, "44.38"), (12345.67, "12,345.67"), (0.125, "0.125"),
                                            (15000, "15,000"), (0.1 * 3, "0.3"), (-2.11, "-2.11")])
def test_stated_writes_every_digit_a_value_has(value, written):
    from kzfigures.figures.formatting import stated

    assert stated(value) == written


def test_the_readers_table_lists_figures_in_text_order_whatever_the_save_order(package_copy, monkeypatch):
    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    article = add_article(MARKETS, "Harbour shares close lower", "Test Gazette", "2024-05-07", root=package_copy)
    draft_article(article, root=package_copy)
    c = curation(article, package_copy)
    for pid in reversed(list(c.proposals.index)):  # saved last to first
        c.accept(pid)
    c.save()
    text = MARKETS.read_text(encoding="utf-8")
    figures = load_figures(package_copy, seed=article)
    shown = list(views.readable(figures)["as written"])
    assert shown == sorted(shown, key=text.index) and len(shown) == 8  # every number phrase of the article
    assert list(load_figures(package_copy)["seed_id"]) == [FLAGSHIP] * 21 + [article] * len(shown)


#: The lesson's questions that read a figure as a level: none may ask about a change ("fell 0.8%").
LEVEL_QUESTIONS = {"bounds", "kind", "compare", "share"}


def test_a_lesson_asks_no_level_question_about_a_change(markets):
    from kzfigures.classroom.exercises import article as lesson_article
    from kzfigures.classroom.exercises import exercises

    root, article = markets
    figures = load_figures(root, seed=article).set_index("figure_id")
    changes = set(figures.index[figures["change"].isin(("up", "down"))])
    assert changes  # the article states falls and rises
    made = exercises(lesson_article(article, root))
    asked = {fid for e in made if e.template in LEVEL_QUESTIONS for fid in e.figures}
    assert {"bounds", "kind"} <= {e.template for e in made} and asked and not asked & changes
