"""benchmarks/newsquant.py: the CQE paper's metric, and the disagreements with NewsQuant's conventions counted and set
aside only in the second, labelled score (items written here, in NewsQuant's shape; the data set is not needed)."""
from __future__ import annotations

import sys

import pytest

from conftest import ROOT
from kzfigures import draft_text

sys.path.insert(0, str(ROOT / "benchmarks"))
import newsquant

ITEMS = [
    {"text": "Prices dropped from $75 to $45.88 last month.", "quantities": [{"value": "75.0-45.88", "change": "="}]},
    {"text": "Shares rose 8.1 percent to 99.20 yuan.",
     "quantities": [{"value": "8.1", "change": "up"}, {"value": "99.2", "change": "up"}]},
    {"text": "Dozens of people came, and 40 stayed.",
     "quantities": [{"value": "12.0-120.0", "change": "="}, {"value": "40", "change": "="}]},
    {"text": "It made 7 cars.", "quantities": [{"value": "8", "change": "="}]},
]


@pytest.fixture(scope="module")
def judged():
    frames = [draft_text(item["text"]) for item in ITEMS]
    predictions = [newsquant.ours(f) for f in frames]
    return predictions, newsquant.judge(ITEMS, frames, predictions)


def test_the_paper_metric_counts_every_disagreement(judged):
    predictions, _ = judged
    scores = newsquant.score(ITEMS, predictions)
    assert (scores["value"].found, scores["value"].gold, scores["value"].predicted) == (3, 6, 6)
    assert scores["value+change"].found == 2  # 8.1 up and 40; the level 99.20 is a level for us


def test_our_conventions_are_named_and_counted_and_a_real_miss_is_not(judged):
    _, j = judged
    assert j.missed == {newsquant.OURS + "'from X to Y' after a change is two levels, not a range": 1,
                        newsquant.OURS + "a vague word ('dozens', 'thousands') is a lower bound, not one order of "
                                         "magnitude": 1,
                        "not proposed or read as another value": 1}
    assert j.extra == {newsquant.OURS + "the two levels of 'from X to Y' after a change (NewsQuant: one range)": 2,
                       "a value NewsQuant does not tag": 1}  # the 7 we read where the key says 8 stays an error
    assert sum(j.change.values()) == 1 and all(k.startswith(newsquant.OURS) for k in j.change)
    assert (j.gold_aside, j.predicted_aside, j.change_aside) == (2, 2, 1)


def test_the_set_aside_score_removes_only_what_our_conventions_account_for(judged):
    predictions, j = judged
    aside = newsquant.aside_scores(ITEMS, predictions, j)
    assert (aside["value"].found, aside["value"].gold, aside["value"].predicted) == (3, 4, 4)
    assert (aside["value+change"].found, aside["value+change"].gold, aside["value+change"].predicted) == (2, 3, 3)


def test_a_range_of_two_words_and_a_set_phrase_are_our_conventions():
    items = [{"text": "Lunch costs eight or nine euros, one of the best deals in town.",
              "quantities": [{"value": "8", "change": "="}, {"value": "9", "change": "="},
                             {"value": "1", "change": "="}]}]
    frames = [draft_text(items[0]["text"])]
    predictions = [newsquant.ours(frames[0])]
    j = newsquant.judge(items, frames, predictions)
    assert j.missed == {newsquant.OURS + "'eight or nine euros' is one range (NewsQuant: two values)": 2,
                        newsquant.OURS + "a set expression with “one”": 1}
    assert (j.gold_aside, j.predicted_aside) == (3, 1)
    aside = newsquant.aside_scores(items, predictions, j)["value"]
    assert (aside.found, aside.gold, aside.predicted) == (0, 0, 0)


def test_a_multiple_newsquant_does_not_tag_is_our_convention_and_set_aside():
    items = [{"text": "Sales more than doubled, to 40 cars.", "quantities": [{"value": "40", "change": "="}]}]
    frames = [draft_text(items[0]["text"])]
    predictions = [newsquant.ours(frames[0])]
    j = newsquant.judge(items, frames, predictions)
    assert j.extra == {newsquant.OURS + "a multiple ('doubled', 'twice') is a figure (NewsQuant tags none)": 1}
    aside = newsquant.aside_scores(items, predictions, j)["value"]
    assert (aside.found, aside.gold, aside.predicted) == (1, 1, 1)


def test_a_noun_of_change_newsquant_marks_equal_is_our_convention_and_a_bare_change_is_not():
    items = [{"text": "Analysts see a 19% drop in sales.", "quantities": [{"value": "19", "change": "="}]},
             {"text": "Output grew by just 3% last year.", "quantities": [{"value": "3", "change": "="}]}]
    frames = [draft_text(item["text"]) for item in items]
    predictions = [newsquant.ours(f) for f in frames]
    assert [p[0][1] for p in predictions] == ["down", "up"]  # what the words say, in our columns
    j = newsquant.judge(items, frames, predictions)
    assert j.change == {newsquant.OURS + "a noun of change after a figure ('a 19% drop') is that change (NewsQuant: "
                                         "'=')": 1,
                        "a change NewsQuant does not mark ('grew by just 3%': '=')": 1}
    assert j.change_aside == 1


def test_how_newsquant_marks_counts_each_kind_of_reading_around_a_change():
    items = [{"text": "Shares rose 8.1 percent to 99.20 yuan.",
              "quantities": [{"value": "8.1", "change": "up"}, {"value": "99.2", "change": "up"}]},
             {"text": "Sales fell 3% to $40 million.",
              "quantities": [{"value": "3", "change": "="}, {"value": "40000000", "change": "="}]},
             {"text": "Walmart rose about 1.5% in early trading.", "quantities": [{"value": "1.5", "change": "~"}]},
             {"text": "It made 7 cars.", "quantities": [{"value": "7", "change": "="}]}]  # a level, no change
    frames = [draft_text(item["text"]) for item in items]
    marks = newsquant.how_newsquant_marks(items, frames, [newsquant.ours(f) for f in frames])
    assert marks == {"a level reached after a change: up/down": 1, "a level reached after a change: '='": 1,
                     "a change: the same": 1, "a change: '='": 1, "a qualified change: its bound's symbol": 1}
