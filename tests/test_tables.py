"""The library's one table writer (charts/tables.py): a DataFrame as a reader reads it, written from its values."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzfigures.charts.tables import STYLE, UNDER, ReaderTable, column_texts, figure_labels, header, reader_table

LABELS = {"foreign_fighters": "foreign fighters who fought in Syria", "kz_fighters_karin": "Kazakhstan citizens"}
QUOTE = "Some estimates count more than 15,000 foreign fighters from more than 80 nations fighting in Syria."


def headers(html: str) -> list[str]:
    """The column names a table shows, in order."""
    return re.findall(r"<th[^>]*>([^<]*)</th>", html)


def notes(html: str) -> list[str]:
    """The names of the values shown under their row, in order (of the first row that has any)."""
    line = re.search(r'<tr class="kz-under">(.*?)</tr>', html)
    return re.findall(r'<span class="kz-note-label">([^<]*): </span>', line.group(1)) if line else []


def cells(html: str, label: str) -> list[str]:
    """The contents of every cell under one column's name."""
    return re.findall(rf'<td(?: class="num")? data-label="{re.escape(label)}"><div class="kz-value">(.*?)</div></td>',
                      html)


@pytest.mark.parametrize(("column", "reads"), [
    ("attributed_to", "credited to"), ("number_text", "as written"), ("measure", "what is counted"),
    ("source_type", "kind of source"), ("role_in_article", "role in the article"), ("date_text", "date as written"),
    ("date_start", "from"), ("date_end", "to"), ("figure_id", "id"), ("event_id", "id"),
    ("external_id", "external id"), ("same_as", "restates"), ("coordinates_source", "coordinates from"),
    ("lower_open", "lower open"), ("external says", "external says"),
])
def test_a_column_is_named_in_words(column, reads):
    assert header(column) == reads
    shown = headers(reader_table(pd.DataFrame({column: ["x y"], "unit": ["people"]})))
    assert shown.count(reads) == (0 if reads in UNDER else 1)  # an id or a source goes under its row


# (the columns a notebook shows, as named in the data) -> (the row's columns, in order; what goes under the row)
LAYOUTS = [
    (["figure_id", "number_text", "quote"], ["what is counted", "as written"], ["quote"]),  # lesson 03
    (["figure_id", "number_text"], ["what is counted", "as written"], []),  # lesson 01: the id as its measure
    (["what is counted", "as written", "interval", "unit", "credited to", "restates", "quote", "figure_id"],
     ["what is counted", "as written", "interval", "unit", "credited to"], ["quote", "id", "restates"]),  # readable
    (["external_id", "external says", "article says", "as of", "publisher", "credited to"],
     ["article says", "external says", "credited to", "publisher", "as of"], ["external id"]),  # lesson 04
    (["date_text", "date_start", "date_end", "label", "notes"],
     ["label", "date as written", "from", "to"], ["notes"]),  # notebook 03's events
    (["quote", "role_in_article", "latitude", "longitude", "coordinates_source"],
     ["quote", "role in the article", "latitude", "longitude"], ["coordinates from"]),  # a place's name stays
]


@pytest.mark.parametrize(("columns", "row", "under"), LAYOUTS)
def test_meaning_first_long_text_and_ids_under_the_row(columns, row, under):
    values = {"figure_id": "foreign_fighters", "external_id": "tsg_2014_06_fighters", "quote": QUOTE,
              "notes": "Open period: runs to the article's date.", "coordinates_source": "External: an atlas"}
    if "role_in_article" in columns:
        values["quote"] = "Almaty"  # a place's name as quoted: short, so the words of the row
    html = reader_table(pd.DataFrame({c: [values.get(c, "2")] for c in columns}), LABELS)
    assert headers(html) == row and notes(html) == under


def test_a_figure_id_without_its_measure_reads_as_the_measure_with_the_id_under_it():
    table = pd.DataFrame({"figure_id": ["foreign_fighters", "not_a_figure"], "number_text": ["more than 15,000", "x"]})
    html = reader_table(table, LABELS)
    assert cells(html, "what is counted") == [
        'foreign fighters who fought in Syria<br/><span class="kz-id">foreign_fighters</span>', "not a figure"]
    bare = reader_table(table)  # no labels: the id stays an id, in code, under its row
    assert headers(bare) == ["as written"] and '<code class="kz-id">foreign_fighters</code>' in bare


@pytest.mark.parametrize(("column", "value", "shown"), [
    ("bound", "more_than", "more than"),  # snake_case reads as words
    ("bound", "at_least", "at least"),
    ("unit", "people", "people"),
    ("publisher", "RFE/RL", "RFE/RL"),
    ("url", "https://www.rferl.org/a/x.html", '<a class="kz-url" href="https://www.rferl.org/a/x.html">'
                                              "https://www.rferl.org/a/x.html</a>"),
    ("measure", "<b>attacks</b> & more", "&lt;b&gt;attacks&lt;/b&gt; &amp; more"),  # text from data is text
    ("label", 'javascript:alert("x")', 'javascript:alert("x")'),
    ("label", None, ""), ("label", math.nan, ""), ("label", pd.NA, ""),  # an empty value is an empty cell
    ("label", "None", "None"),  # a word the data holds is shown as written
])
def test_each_value_reads_as_a_reader_reads_it(column, value, shown):
    html = reader_table(pd.DataFrame({column: [value], "words": ["w"]}))
    found = cells(html, header(column)) or re.findall(r'<span class="kz-note-label">[^<]*: </span>(.*?)</span>', html)
    assert found == [shown]


#: A curator's reason of ordinary length (issue 33: it made the interval cell, kept on one line, as wide as itself).
READING = ("read as 20 by the curator: a score is twenty, an old English word for twenty; the article uses it as a "
           "round count")


@pytest.mark.parametrize(("column", "value", "shown"), [
    ("interval", f"[20, 20] ({READING})", f'[20, 20] <span class="kz-aside">({READING})</span>'),
    ("interval", "(300, ∞) (read as 300 to 400 by the curator: <b>x</b>)",  # the notation starts with a bracket too
     '(300, ∞) <span class="kz-aside">(read as 300 to 400 by the curator: &lt;b&gt;x&lt;/b&gt;)</span>'),
    ("external bounds", "[2,000, ∞) (as the source words it)", '[2,000, ∞) <span class="kz-aside">(as the source '
                                                                'words it)</span>'),
    ("interval", "(15,000, ∞)", "(15,000, ∞)"),  # a notation alone is as it was
    ("interval", "[180, 250]", "[180, 250]"),
    ("date_start", "2014-09-30", "2014-09-30"),
    ("attributed_to", "Zhakip Assanov (official statement, quoted)",  # a column that wraps anyway: as it was
     "Zhakip Assanov (official statement, quoted)"),
])
def test_words_in_brackets_after_a_notation_are_text_apart_from_it(column, value, shown):
    """Issue 33: a curator's reading in the interval cell, which the page keeps on one line, scrolled the table
    sideways at 1280 px; the notation stays whole, the words after it are a box of their own that wraps."""
    assert cells(reader_table(pd.DataFrame({column: [value], "words": ["w"]})), header(column)) == [shown]


def test_the_page_keeps_on_one_line_the_columns_whose_readings_wrap():
    """The report's stylesheet keeps on one line the very columns (by name) whose bracketed words the writer sets
    apart, and lets those words wrap."""
    from kzfigures.charts import tables
    from kzfigures.report.pages import TEMPLATES

    css = (TEMPLATES / "kzreport" / "index.html.j2").read_text(encoding="utf-8")
    rule = re.search(r"td:is\(([^)]*)\) \{ white-space: nowrap; \}", css)
    assert rule and sorted(re.findall(r'data-label="([^"]+)"', rule.group(1))) == sorted(tables.WHOLE)
    assert re.search(r"td \.kz-aside \{[^}]*white-space: normal;", css)


def test_a_reading_holding_a_long_address_breaks_anywhere_in_its_box():
    """A curator's reason holding a pasted address (one long word) pushed the reader table's columns off the page at
    1280 px (a tester): break-word leaves a table cell as wide as the word, only anywhere lets it narrow."""
    from kzfigures.report.pages import TEMPLATES

    css = (TEMPLATES / "kzreport" / "index.html.j2").read_text(encoding="utf-8")
    rule = re.search(r"td \.kz-aside \{([^}]*)\}", css)
    assert rule and "overflow-wrap: anywhere;" in rule.group(1)


@pytest.mark.parametrize(("values", "right"), [
    ([10, 2, 4], True), ([0.0167, 12.5], True), ([1.5, math.nan], True), (["15", "21"], True),
    (["15", "nine"], False), (["2014-06", "2015-12"], False), (["(15,000, ∞)", "[2, ∞)"], False),
    (["1,200", "-5", "12.5%", "inf"], True), ([None, None], False),
])
def test_a_column_is_right_aligned_only_when_every_cell_is_a_number(values, right):
    html = reader_table(pd.DataFrame({"figures": values}))
    assert headers(html) == ["figures"]
    assert ('<th class="num" scope="col">' in html) == right
    assert len(re.findall(r'<td class="num"', html)) == (len(values) if right else 0)


def test_numbers_and_dates_read_as_pandas_shows_them():
    assert column_texts(pd.Series([43.2775, 42.9])) == ["43.2775", "42.9000"]  # notebook 02's latitudes
    assert column_texts(pd.Series([1.0, math.inf, math.nan])) == ["1.0", "inf", ""]
    dates = pd.to_datetime(pd.Series(["2004-01-01", None, "2014-09-30"]))
    assert column_texts(dates) == ["2004-01-01", "", "2014-09-30"]  # an open end (NaT) is empty
    assert column_texts(pd.Series([pd.Timestamp("2014-09-24 12:30")])) == ["2014-09-24 12:30:00"]


@given(st.lists(st.one_of(st.just(math.nan), st.floats(min_value=-1e5, max_value=1e5).filter(
    lambda v: v == 0 or abs(v) >= 1e-6)), min_size=1, max_size=6))
def test_a_float_column_reads_as_pandas_prints_it(values):
    """pandas is the oracle: its own printout of the column, cell by cell (NaN an empty cell)."""
    printed = [t.strip() for t in pd.Series(values, dtype=float).to_string(index=False).split("\n")]
    assert column_texts(pd.Series(values, dtype=float)) == ["" if t == "NaN" else t for t in printed]


def test_every_cell_is_labelled_and_the_table_stacks_on_a_phone():
    html = reader_table(pd.DataFrame({"measure": ["a", "b"], "number_text": ["one", "two"], "quote": [QUOTE] * 2}))
    assert html.startswith(STYLE + '<table class="dataframe kz-stack">') and "<th></th>" not in html  # no index
    assert html.count('data-label="what is counted"') == 2 and html.count('data-label="as written"') == 2
    assert html.count('<tr class="kz-under"><td colspan="2">') == 2


def test_a_named_index_is_a_column_an_unnamed_one_is_not_shown():
    counts = pd.Series([3, 1], index=pd.Index(["exact", "range"], name="bound"), name="figures").to_frame()
    assert headers(reader_table(counts)) == ["kind of bound", "figures"]
    assert headers(reader_table(counts.reset_index(drop=True))) == ["figures"]


def test_a_notebook_shows_the_readers_table_and_pandas_text():
    """What IPython's display sends: text/html from the writer, text/plain as pandas prints the frame."""
    from IPython.core.formatters import DisplayFormatter

    table = pd.DataFrame({"figure_id": ["foreign_fighters"], "number_text": ["more than 15,000"]})
    data, _ = DisplayFormatter().format(ReaderTable(table, LABELS))
    assert data["text/html"] == reader_table(table, LABELS) and data["text/plain"] == repr(table)
    loaded = DisplayFormatter().format(ReaderTable(table))[0]["text/html"]  # the collection's own measures
    assert cells(loaded, "what is counted")[0].startswith("foreign fighters who fought in Syria<br/>")


def test_outputs_table_displays_the_readers_table_with_its_name(monkeypatch):
    from IPython.core.formatters import DisplayFormatter

    from kzfigures import Outputs

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, metadata=None: shown.append((obj, metadata)))
    table = pd.DataFrame({"figure_id": ["foreign_fighters"], "lower": [15000.0], "quote": [QUOTE]})
    Outputs().table(table, "fighters")
    ((obj, metadata),) = shown
    assert metadata == {"kzfigures": {"table": "fighters"}}
    html = DisplayFormatter().format(obj)[0]["text/html"]
    assert html == reader_table(table.drop(columns=["lower"]), figure_labels())  # the interval's numbers left out
    assert "lower" not in html and notes(html) == ["quote"] and headers(html) == ["what is counted"]
