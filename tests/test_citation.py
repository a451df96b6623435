"""One citation of an article, from its metadata (figures/citation.py): the date as far as it is known, in words."""
from __future__ import annotations

import pytest

from conftest import ROOT
from kzfigures import add_article, citation
from kzfigures.figures.citation import cite, published_words

ARTICLES = ROOT / "tests" / "articles"


@pytest.mark.parametrize(("published", "words"), [
    ("2014", "2014"), ("2014-09", "September 2014"), ("2014-09-05", "5 September 2014"), ("2024-12-31", "31 December 2024"),
])
def test_a_date_is_said_as_far_as_it_is_known(published, words):
    assert published_words(published) == words


def test_an_article_is_cited_by_publisher_title_and_date_and_markup_stays_as_written():
    meta = {"publisher": "Ridge & Vale <Gazette>", "title": "Ten \"new\" wells", "published": "2021-03"}
    assert cite(meta) == "Ridge & Vale <Gazette>, “Ten \"new\" wells”, March 2021"


def test_an_added_article_is_cited_from_the_metadata_add_wrote(tmp_path):
    import shutil

    for folder in ("data", "seeds"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    text = next(ARTICLES.glob("*.txt"))
    new_id = add_article(text, "Wells dug in the valley", "Valley Courier", "2023-07-14", root=tmp_path)
    assert citation(new_id, root=tmp_path) == "Valley Courier, “Wells dug in the valley”, 14 July 2023"
