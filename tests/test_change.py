"""A fall is shown as a fall (issue 30, part 3): the draft's `change` ("up"/"down"/"") goes into the proposals file,
the curation (set or cleared by a person), data/figures.csv, validation, the reader's tables and tooltips, and no
level chart draws a change. The article is one the project wrote for these tests (tests/articles/markets-close.txt).
"""
from __future__ import annotations

import re
from html import escape as html_escape
from pathlib import Path

import pytest

from conftest import ROOT, read_rows, write_rows
from kzfigures import DataPackageError, curation, load_figures, load_seed, proposals, validate_package
from kzfigures.charts import plotting, views
from kzfigures.charts.highlight import highlighted_html
from kzfigures.charts.outputs import SHOWN_WITHOUT
from kzfigures.charts.tables import ReaderTable
from kzfigures.figures.articles import add_article
from kzfigures.figures.draft import draft_article
from kzfigures.figures.seeds import FLAGSHIP

MARKETS = ROOT / "tests" / "articles" / "markets-close.txt"

#: Each number phrase of the article, and the change the draft reads in it ("" for a level).
DRAFTED = [
    ("0.8%", "down"),          # "The Harbour 40 index fell 0.8% to 4,736 points"
    ("4,736 points", ""),      # … the level it fell to
    ("2.11%", "down"),         # "the smaller Quay index dropped 2.11%"
    ("51 cents", "up"),        # "Ferry company shares rose 51 cents to $44.38"
    ("$44.38", ""),
    ("3%", "up"),              # "Tidewater was up 3% at $12.50"
    ("$12.50", ""),
    ("About 120 million", ""),
]

#: What a person decides (a change given, None: the draft's kept) and what data/figures.csv then holds.
DECIDED = [
    ("0.8%", None, "down"),      # accepted as drafted: a fall
    ("4,736 points", None, ""),  # a level
    ("2.11%", None, "down"),
    ("51 cents", "", ""),        # cleared by a person: a level (say they read it so)
    ("$44.38", "up", "up"),      # set by a person
    ("3%", None, "up"),
    ("$12.50", None, ""),
    ("About 120 million", None, ""),
]


@pytest.fixture
def markets(package_copy) -> tuple[Path, str]:
    """A package copy with the markets article added and drafted."""
    new_id = add_article(MARKETS, "Harbour shares close lower", "Test Gazette", "2024-05-07", root=package_copy)
    draft_article(new_id, root=package_copy)
    return package_copy, new_id


def _pid(c, words: str) -> str:
    return c.proposals.index[c.proposals["number_text"] == words][0]


def _decide_all(root: Path, article: str) -> str:
    """Every proposal decided as DECIDED says (a non-figure accepted as one), then saved; the save's line."""
    c = curation(article, root)
    for words, given, _ in DECIDED:
        c.accept(_pid(c, words), **({} if given is None else {"change": given}))
    for pid in list(c.proposals.index):
        c.accept(pid)
    return c.save()


def test_the_proposals_file_carries_the_change(markets):
    root, article = markets
    rows = {r["number_text"]: r for r in read_rows(root / "data" / "proposed" / f"{article}.csv")}
    assert "change" in next(iter(rows.values()))
    assert [(words, rows[words]["change"]) for words, _ in DRAFTED] == DRAFTED
    table = proposals(article, root).set_index("number_text")
    assert [(words, table.loc[words, "change"]) for words, _ in DRAFTED] == DRAFTED
    assert validate_package(root) == []


def test_a_proposals_file_drafted_before_the_column_still_curates(markets):
    """A proposal file (and its declared schema) from before the column: read as levels; a save writes it anew."""
    root, article = markets
    path = root / "data" / "proposed" / f"{article}.csv"
    rows = read_rows(path)
    write_rows(path, [{k: v for k, v in r.items() if k != "change"} for r in rows])
    import json

    descriptor = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == f"proposed-{article}")
    resource["schema"]["fields"] = [f for f in resource["schema"]["fields"] if f["name"] != "change"]
    resource.pop("hash")
    (root / "data" / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert validate_package(root) == []
    assert set(proposals(article, root)["change"]) == {""}
    c = curation(article, root)
    c.accept(_pid(c, "0.8%"), change="down")
    c.save()
    assert validate_package(root) == []
    assert "change" in read_rows(path)[0]


@pytest.mark.parametrize("words, given, saved", DECIDED, ids=[d[0] for d in DECIDED])
def test_a_save_writes_the_change_a_person_decided(markets, words, given, saved):
    root, article = markets
    _decide_all(root, article)
    row = next(r for r in read_rows(root / "data" / "figures.csv") if r["number_text"] == words)
    assert row["change"] == saved
    figure = load_figures(root, seed=article).set_index("number_text").loc[words]
    assert (figure["change"] if isinstance(figure["change"], str) else "") == saved
    assert validate_package(root) == []


@pytest.mark.parametrize("given", ["sideways", "fell", "UP", 1])
def test_a_change_that_is_none_is_refused_in_one_line(markets, given):
    root, article = markets
    c = curation(article, root)
    with pytest.raises(ValueError, match=r"a change is 'up' \(a rise\) or 'down' \(a fall\), or '' for a level") as err:
        c.accept(_pid(c, "0.8%"), change=given)
    assert "\n" not in str(err.value) and c.unsaved == 0


@pytest.mark.parametrize("value", ["sideways", "Down", "fall"])
def test_validate_flags_a_change_that_is_not_up_or_down(package_copy, edit_csv, value):
    edit_csv(package_copy, "figures.csv", lambda rows: rows[0].update(change=value))
    problems = [str(p) for p in validate_package(package_copy)]
    assert problems == [f"data/figures.csv, row foreign_fighters, column change: {value!r} is not one of: up, down"]
    with pytest.raises(DataPackageError, match="column change"):
        load_figures(package_copy)


def test_a_figures_table_without_the_column_loads_and_a_change_saved_adds_it(markets):
    """A curated table from before the column is never refused; the first save of a change adds the column, empty
    for its rows, every other byte of them as it was."""
    root, article = markets
    path = root / "data" / "figures.csv"
    rows = read_rows(path)
    write_rows(path, [{k: v for k, v in r.items() if k != "change"} for r in rows])
    old = path.read_text(encoding="utf-8")
    assert validate_package(root) == []
    assert load_figures(root)["change"].isna().all()
    said = _decide_all(root, article)
    assert "data/figures.csv got the column change" in said
    new = path.read_text(encoding="utf-8")
    old_lines, new_lines = old.splitlines(), new.splitlines()
    assert new_lines[0] == old_lines[0] + ",change"
    assert new_lines[1:len(old_lines)] == [line + "," for line in old_lines[1:]]
    assert validate_package(root) == []
    c = curation(article, root)
    figure = next(r for r in read_rows(path) if r["number_text"] == "0.8%")["figure_id"]
    c.take_back(figure)  # the grown file's lines are found again
    assert validate_package(root) == []


#: How the reader's table and the marked text say each figure (the change column, the tooltip's words).
SHOWN = [
    ("0.8%", "a fall of 0.8 percent"),
    ("4,736 points", ""),
    ("2.11%", "a fall of 2.11 percent"),
    ("51 cents", ""),                # a person cleared it: a level
    ("$44.38", "a rise of 44.38 dollars"),
    ("3%", "a rise of 3 percent"),
]


@pytest.mark.parametrize("words, shown", SHOWN, ids=[s[0] for s in SHOWN])
def test_the_page_shows_a_fall_as_a_fall(markets, words, shown):
    root, article = markets
    _decide_all(root, article)
    figures = load_figures(root, seed=article)
    table = views.readable(figures).set_index("as written")
    assert table.loc[words, "level or change"] == (shown or "a level")
    assert table.loc[words, "change"] == next(saved for w, _, saved in DECIDED if w == words)  # for the CSV
    shown_table = views.readable(figures).drop(columns=list(SHOWN_WITHOUT))  # as Outputs.table shows it
    html = ReaderTable(shown_table)._repr_html_()
    assert ">level or change<" in html and (shown or "a level") in html and ">change<" not in html
    marked = highlighted_html(MARKETS.read_text(encoding="utf-8"), figures)
    title = re.search(rf'class="([^"]*)"[^>]*title="([^"]*)">{re.escape(html_escape(words))}</mark>', marked)
    assert title is not None and ("not a level" in title.group(2)) == bool(shown)
    assert ("kz-change-" in title.group(1)) == bool(shown) and "a change</mark> (double underline" in marked
    assert not shown or f"{shown}, not a level" in title.group(2)


def test_a_table_without_a_change_has_no_change_column(root):
    """The flagship states no change: its tables are as they were."""
    figures = load_figures(root)
    assert "level or change" not in views.readable(figures).columns
    marked = highlighted_html(load_seed(FLAGSHIP).text, figures)
    assert "kz-change-" not in marked and "a change</mark> (double underline" not in marked


def test_the_proposals_shown_say_which_are_changes(markets):
    root, article = markets
    shown = views.proposed_view(proposals(article, root)).set_index("proposed (not curated)")
    assert [shown.loc[w, "change as the grammar reads it"] for w, _ in DRAFTED] == [
        {"up": "a rise", "down": "a fall"}.get(c, "") for _, c in DRAFTED]


#: How a level chart's caption names the changes it leaves out.
LEFT_OUT = "Not drawn, as they are changes (the size of a rise or a fall), not levels: "


def test_no_level_chart_gets_a_change(markets):
    root, article = markets
    _decide_all(root, article)
    figures = load_figures(root, seed=article)
    changes = {w for w, _, saved in DECIDED if saved}
    one = plotting.interval_chart(figures, name="levels", title="Levels", xlabel="value")
    panels = plotting.panels_chart(figures, name="panels", title="Levels by unit")
    for chart in (one, panels):
        assert not set(chart.data["as written"]) & changes, chart.data["as written"].tolist()
        assert set(chart.data["as written"]) == set(figures["number_text"]) - changes
        for words in changes:
            assert f"“{words}”" in chart.caption.split(LEFT_OUT)[1]
    with pytest.raises(ValueError, match="every figure given is a change"):
        plotting.interval_chart(figures.loc[figures["change"].notna()], name="c", title="C", xlabel="value")


def test_the_curation_view_shows_the_change_and_lets_a_person_clear_it(markets):
    from kzfigures.charts.curating import CurationView

    root, article = markets
    view = CurationView(curation(article, root))
    view._on_message(view, {"action": "show", "pid": _pid(view.curation, "0.8%")}, None)
    assert view.card["change"] == "down" and view.card["change_words"].startswith("down: a fall")
    assert next(m["title"] for m in view.marks if m["pid"] == view.card["pid"]).endswith(
        ", a fall (proposed, not yet curated)")
    view._on_message(view, {"action": "accept", "pid": view.card["pid"], "changes": {"change": ""}}, None)
    assert not view.error, view.message
    view._on_message(view, {"action": "show", "pid": _pid(view.curation, "51 cents")}, None)
    view._on_message(view, {"action": "accept", "pid": view.card["pid"], "changes": {}}, None)
    view._on_message(view, {"action": "save"}, None)
    saved = {r["number_text"]: r["change"] for r in read_rows(root / "data" / "figures.csv")}
    assert (saved["0.8%"], saved["51 cents"]) == ("", "up")


def test_a_descriptor_made_before_the_field_gets_it_with_the_first_change_saved(markets):
    """An older data/datapackage.json (no change field) and figures.csv (no column): both loaded, and the first save
    of a change adds the field as the flagship's descriptor has it, so validate stays clean."""
    import json

    from kzfigures.figures.curation import CHANGE_FIELD

    root, article = markets
    path = root / "data" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    figures = next(r for r in descriptor["resources"] if r["name"] == "figures")
    assert next(f for f in figures["schema"]["fields"] if f["name"] == "change") == CHANGE_FIELD
    figures["schema"]["fields"] = [f for f in figures["schema"]["fields"] if f["name"] != "change"]
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = read_rows(root / "data" / "figures.csv")
    write_rows(root / "data" / "figures.csv", [{k: v for k, v in r.items() if k != "change"} for r in rows])
    assert validate_package(root) == [] and load_figures(root)["change"].isna().all()
    _decide_all(root, article)
    assert validate_package(root) == []
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert next(f for r in saved["resources"] if r["name"] == "figures" for f in r["schema"]["fields"]
                if f["name"] == "change") == CHANGE_FIELD
    assert load_figures(root, seed=article).set_index("number_text").loc["0.8%", "change"] == "down"
