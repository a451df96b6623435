"""A table as a reader reads it: the library's one table writer, HTML written from a DataFrame.

A notebook shows a table through it (``Outputs.table``, or ``views.ReaderTable(frame)`` as a cell's result), so the
executed notebook holds the reader's table and the report shows that output as it is. How it reads:

- the index is not shown (a named index is a column like the others);
- columns are named in words (HEADERS: "attributed_to" -> "credited to", any other name with its underscores as
  spaces) and the meaning comes first (FIRST's order, then the rest as they were);
- long text and ids (UNDER) go in a line under their row, across the whole table (a short quote, a place's name,
  stays in the row and comes first: it is the words);
- a figure id without its measure beside it becomes the measure in words (``labels``) with the id under it;
- a snake_case value reads as words ("more_than" -> "more than"); an id is shown in code;
- a notation the page keeps on one line (an interval, a date: WHOLE) has the words in brackets after it (a curator's
  reading) in a box of their own (kz-aside) that wraps, anywhere in a long address too, so it never widens the table;
- an empty cell (None, NaN, NaT) is empty; a cited http(s) address is a link (a link, never a load);
- a column is right-aligned only when every cell in it is a number or empty (and one is a number);
- each cell carries its column's name (data-label), so a phone can stack the rows.

Values become text as pandas shows them: a float column with the same number of decimals in every row (at most six,
no trailing zeros common to all), a date column as dates when no row has a time of day.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ..figures.parse import DIGITS

if TYPE_CHECKING:
    import pandas as pd

#: How a table's column names read on a page (any other name: its underscores as spaces).
HEADERS: dict[str, str] = {
    "measure": "what is counted", "attributed_to": "credited to", "source_type": "kind of source",
    "role_in_article": "role in the article", "coordinates_source": "coordinates from", "date_text": "date as written",
    "date_start": "from", "date_end": "to", "number_text": "as written", "bound": "kind of bound",
    "figure_id": "id", "external_id": "external id", "event_id": "id", "same_as": "restates",
}
#: The columns that carry the meaning come first, in this order (the rest keep theirs, after them).
FIRST: list[str] = [
    "position", "what is counted", "label", "name", "claim", "words", "as written", "level or change", "article says",
    "external says", "interval", "external bounds", "unit", "date as written", "date", "from", "to", "credited to",
    "kind of source", "publisher", "as of", "relation", "origin", "scope differs in",
]
#: Long text and references: shown under their row, across the whole table, not squeezed into a column.
UNDER: list[str] = ["quote", "says again", "first said", "notes", "reason", "how the scope differs", "located",
                    "source", "url", "read in", "coordinates from",
                    "id", "external id", "restates"]
#: Text columns that stay in the row when every value in them is this short or shorter (a place's name as quoted).
TEXT, SHORT = {"quote", "source", "notes", "reason"}, 24
#: The column that says what a figure counts, and the id columns (an id in code, under its row).
COUNTED, IDS = "what is counted", {"id", "external id", "restates"}
#: A plain number as a table shows it (the parser's digits): 1,234 / -5 / 0.0167 / 12.5% / inf.
NUMBER = re.compile(rf"^[−-]?{DIGITS}%?$|^-?inf$")
#: A value that is an identifier in snake_case ("more_than"): shown in words ("more than") outside id columns.
SNAKE = re.compile(r"^[a-z]+(?:_[a-z0-9]+)+$")
URL = re.compile(r"^https?://[^\s<>\"']+$")
#: Columns of notations the report's stylesheet keeps on one line ("(15,000, ∞)", "2014-09-30"), by data-label.
WHOLE = ("as of", "from", "to", "date", "interval", "external bounds")
#: A notation and the words in brackets after it: "[20, 20] (read as 20 by the curator: …)".
ASIDE = re.compile(r"^(?P<value>\S.*?) (?P<aside>\(.*\))$", re.S)
#: How a right-aligned cell is marked (the page's stylesheet aligns it). Attributes are written in alphabetical
#: order, as nbconvert's page writer (BeautifulSoup) writes them, so a page holds the table's very bytes.
NUM = ' class="num"'
#: How the table reads in JupyterLab, which knows none of the report's stylesheet: text left (over JupyterLab's
#: right), numbers right, each value under a row on a line of its own after its name in bold. Every rule names
#: table.dataframe.kz-stack and says what the report's own stylesheet (templates/kzreport/index.html.j2) says, so a
#: page looks as without it (the phone's stacked rows are the report's alone).
STYLE = ("<style>table.dataframe.kz-stack th, table.dataframe.kz-stack td { text-align: left; } "
         "table.dataframe.kz-stack td { vertical-align: top; } table.dataframe.kz-stack .num { text-align: right; } "
         "table.kz-stack .kz-note { display: block; } table.kz-stack .kz-note-label { font-weight: 600; }</style>\n")
#: Decimals a float column is shown with at most (pandas' display.precision).
PRECISION = 6


def _attribute(value: str) -> str:
    """A value escaped for a double-quoted attribute (&, <, > and " escaped; an apostrophe kept, as nbconvert's page
    writer keeps it)."""
    return escape(value, quote=False).replace('"', "&quot;")


def header(name: object) -> str:
    """A column's name as a reader reads it: "attributed_to" -> "credited to"."""
    return HEADERS.get(str(name), str(name).replace("_", " "))


def _floats(values: list[float]) -> list[str]:
    """A float column as pandas shows it: every row with the same decimals, at most PRECISION, no trailing zeros
    common to all (one decimal kept); NaN empty; inf as "inf"."""
    import math

    texts = [f"{v:.{PRECISION}f}" if math.isfinite(v) else "" if math.isnan(v) else str(v) for v in values]
    finite = [i for i, v in enumerate(values) if math.isfinite(v)]
    while finite and all(texts[i].endswith("0") and not texts[i].endswith(".0") for i in finite):
        for i in finite:
            texts[i] = texts[i][:-1]
    return texts


def column_texts(column: pd.Series) -> list[str]:
    """Each value of a column as text, as pandas shows it in a table; an empty value (None, NaN, NaT, NA) as ""."""
    import pandas as pd

    if pd.api.types.is_float_dtype(column.dtype):
        return _floats([float(v) for v in column])
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        known = column.dropna()
        dated = bool((known == known.dt.normalize()).all())
        return ["" if pd.isna(v) else v.strftime("%Y-%m-%d") if dated else str(v) for v in column]
    return ["" if _missing(v) else str(v) for v in column]


def _missing(value: object) -> bool:
    """Whether one value is empty: None, NaN, NaT or pandas' NA (a list or other container never is)."""
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a container: pd.isna answers for each element
        return False


@dataclass(frozen=True)
class _Layout:
    """How one table is shown: its columns' names in words, the ones in the row (in order), the ones under it,
    and the ones right-aligned."""

    names: list[str]
    order: list[int]
    under: list[int]
    numeric: set[int]


def _layout(names: list[str], rows: list[list[str]], labels: Mapping[str, str]) -> _Layout:
    """Which columns a table shows in its rows, in which order, which go under the row, which are numbers."""
    names = list(names)
    if "id" in names and COUNTED not in names and any(r[names.index("id")].strip() in labels for r in rows):
        names[names.index("id")] = COUNTED  # the measure in words, the id kept under it
    under = [i for i, n in enumerate(names) if n in UNDER and (n not in TEXT or any(
        len(r[i].strip()) > SHORT for r in rows))]
    under.sort(key=lambda i: UNDER.index(names[i]))  # the words first, the ids last
    rank = {name: i for i, name in enumerate(FIRST)} | {"quote": -1}  # a short quote (a place's name) is the words
    order = sorted((i for i in range(len(names)) if i not in under), key=lambda i: (rank.get(names[i], len(FIRST)), i))
    numeric = {i for i in order if rows and all(NUMBER.match(r[i].strip()) or not r[i].strip() for r in rows)
               and any(r[i].strip() for r in rows)}
    return _Layout(names, order, under, numeric)


def words(text: str, name: str, labels: Mapping[str, str]) -> str:
    """One cell's contents as HTML, as a reader reads them (see the module's docstring); every text escaped."""
    value = text.strip()
    if name == COUNTED and value in labels:
        return f'{escape(labels[value], quote=False)}<br/><span class="kz-id">{escape(value, quote=False)}</span>'
    if name in IDS:  # an id in code; a sentence in an id column (what a figure restates) as text
        return f'<code class="kz-id">{escape(value, quote=False)}</code>' if value and " " not in value else escape(
            text, quote=False)
    if URL.match(value):  # its words are its address: printed once
        return f'<a class="kz-url" href="{_attribute(value)}">{escape(value, quote=False)}</a>'
    if SNAKE.match(value):
        return escape(value.replace("_", " "), quote=False)
    aside = ASIDE.match(value) if name in WHOLE else None
    if aside:  # the notation kept whole, its reading as text that wraps
        return (f'{escape(aside["value"], quote=False)} '
                f'<span class="kz-aside">{escape(aside["aside"], quote=False)}</span>')
    return escape(text, quote=False)


def _row(cells: list[str], layout: _Layout, labels: Mapping[str, str]) -> str:
    """One row: its shown cells in order, each in words and labelled; its long text and ids in a line under it."""
    shown = []
    for i in layout.order:
        name = layout.names[i]
        right = NUM if i in layout.numeric else ""
        # one box for the value, so a stacked row keeps it whole
        shown.append(f'<td{right} data-label="{_attribute(name)}"><div class="kz-value">'
                     f'{words(cells[i], name, labels)}</div></td>')
    line = f'<tr class="kz-row">\n{"".join(shown)}</tr>'
    notes = [f'<span class="kz-note kz-note-{_attribute(layout.names[i].replace(" ", "-"))}"><span class="kz-note-label">'
             f'{escape(layout.names[i], quote=False)}: </span>{words(cells[i], layout.names[i], labels)}</span> '
             for i in layout.under if cells[i].strip()]
    if notes:
        line += f'<tr class="kz-under"><td colspan="{len(layout.order)}">{"".join(notes)}</td></tr>'
    return line + "\n"


def reader_table(table: pd.DataFrame, labels: Mapping[str, str] | None = None) -> str:
    """A table as HTML for readers (see the module's docstring); ``labels`` gives each figure id's measure in words,
    for a table that shows only the id."""
    frame = table.reset_index() if any(n is not None for n in table.index.names) else table
    names = [header(c) for c in frame.columns]
    columns = [column_texts(frame.iloc[:, i]) for i in range(frame.shape[1])]
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    layout = _layout(names, rows, labels or {})
    heads = "".join(f'<th{NUM if i in layout.numeric else ""} scope="col">{escape(layout.names[i], quote=False)}</th>'
                    for i in layout.order)
    body = "".join(_row(cells, layout, labels or {}) for cells in rows)
    return (f'{STYLE}<table class="dataframe kz-stack">\n<thead>\n<tr>{heads}</tr>\n</thead>\n'
            f'<tbody>\n{body}</tbody>\n</table>\n')


def figure_labels(root: str | Path | None = None) -> dict[str, str]:
    """Each figure id (stated or derived) with what it counts in words, for tables that show only the id."""
    from ..figures.table import curated_rows

    figures = curated_rows(root, include_derived=True)
    return dict(zip(figures["figure_id"], figures["measure"], strict=True))


class ReaderTable:
    """A table shown as a reader reads it: ``text/html`` from reader_table, ``text/plain`` as pandas gives it.

    A notebook cell that ends with ``views.ReaderTable(frame)`` shows it; without ``labels``, a table with an id
    column gets the figures' measures (figure_labels), one without does not load them.
    """

    def __init__(self, table: pd.DataFrame, labels: Mapping[str, str] | None = None) -> None:
        self.table = table
        self.labels = labels

    def _repr_html_(self) -> str:
        """The reader's table (IPython's text/html)."""
        labels = self.labels
        if labels is None:
            labels = figure_labels() if "id" in [header(c) for c in self.table.columns] else {}
        return reader_table(self.table, labels)

    def __repr__(self) -> str:
        """The table as pandas prints it (IPython's text/plain)."""
        return repr(self.table)
