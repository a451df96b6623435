"""Views of the figures table for reading: slices, counts and words. Nothing here loads or computes a figure."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..figures.bounds import BOUND_VALUES, Bounds, Number
from ..figures.formatting import number, percent, stated, unread
from ..figures.seeds import FLAGSHIP
from ..figures.table import (
    CHANGE_NOUNS,
    bounds_of,
    change_words,
    credit_line,
    curated_rows,
    curator_reading,
    figure_bounds,
    is_change,
    load_figures,
    select,
)
from .tables import ReaderTable as ReaderTable  # a notebook shows a table as a reader reads it: views.ReaderTable(t)

#: Columns a topic view keeps: what a reader needs to use and cite a figure.
VIEW_COLUMNS: list[str] = [
    "figure_id", "seed_id", "measure", "number_text", "lower", "upper", "lower_open", "upper_open", "bound", "unit",
    "period_start", "period_end", "period_text", "place", "attributed_to", "source_type", "attribution", "same_as",
    "derived", "derived_from", "quote", "bounds", "change",
]


#: The column that says, in an article that states a change, whether each figure is a level or a change.
LEVEL_OR_CHANGE = "level or change"


def show_full_text() -> None:
    """Let pandas show whole quotes in notebook tables instead of cutting them at 50 characters."""
    pd.set_option("display.max_colwidth", None)


def topic_view(topic: str, root: str | Path | None = None, include_restatements: bool = False,
               include_derived: bool = True, seed: str = FLAGSHIP) -> pd.DataFrame:
    """The figures of one topic (the ``topic`` column: fighters, attacks, legal, society, cooperation) of one
    article, the flagship by default: a topic is never counted across articles."""
    figures = load_figures(root, include_derived=include_derived, seed=seed)
    topics = sorted(set(figures["topic"]))
    if topic not in topics:
        raise ValueError(f"topic {topic!r} is not one of: {', '.join(topics)}")
    view = figures.loc[figures["topic"] == topic]
    if not include_restatements:
        view = view.loc[view["same_as"].isna()]
    return view[VIEW_COLUMNS].reset_index(drop=True)


def _words_for(row: pd.Series) -> Callable[[Number], str]:
    """How a figure's values are written: a share as a percentage ("1.67%"), anything else as a number; a stated
    figure with every digit it has ("44.38", "0.125%"), a derived one to a few (number, percent)."""
    if row["unit"] == "share":
        return (lambda v: percent(v, 2)) if row["derived"] else (lambda v: f"{stated(float(v) * 100)}%")
    return number if row["derived"] else stated


def readable(figures: pd.DataFrame) -> pd.DataFrame:
    """A figures table for reading: what is counted, the words as written (a derived figure's in words), its
    interval, who says so, the quote and the id; then the interval as numbers (lower, upper and whether each end
    is open) for the CSV, which a shown table leaves out (outputs.SHOWN_WITHOUT). When the article states a change
    ("fell 0.8%"), a column says which figures are changes, "a fall of 0.8 percent", and which are levels; and
    ``change`` says it for the CSV (up, down, empty for a level), which a shown table leaves out."""
    rows = [r for _, r in figures.iterrows()]
    changes = {LEVEL_OR_CHANGE: [change_words(r, _words_for(r)) or "a level" for r in rows],
               "change": [r["change"] if is_change(r) else "" for r in rows]} if any(is_change(r) for r in rows) else {}
    return pd.DataFrame({
        "what is counted": figures["measure"].to_numpy(),
        "as written": [f"{bounds_of(r).describe(_words_for(r))} (derived)" if r["derived"] else r["number_text"]
                       for r in rows],
        **changes,
        "interval": [_interval_words(r) for r in rows],
        "unit": figures["unit"].to_numpy(),
        "credited to": [credit_line(r) for r in rows],
        "restates": figures["same_as"].fillna("").to_numpy(),
        "quote": [r["quote"] if isinstance(r["quote"], str) else derivation_in_words(r["derived_from"])
                  for r in rows],
        "figure_id": figures["figure_id"].to_numpy(),
        **bound_columns(figures),
    })


def _interval_words(row: pd.Series) -> str:
    """A figure's interval, and how a curator read its words when they did."""
    reading = curator_reading(row)
    return bounds_of(row).notation(_words_for(row)) + (f" ({reading})" if reading else "")


def decided_summary(figures: pd.DataFrame, proposals: pd.DataFrame | None = None) -> str:
    """What is curated and what is only proposed, in one line: "26 proposed, 0 curated"."""
    stated = figures.loc[~figures["derived"]] if "derived" in figures else figures
    pending = proposals.loc[proposals["kind"] == "figure"] if proposals is not None and not proposals.empty else None
    proposed = 0 if pending is None else len(pending)
    return (f"{proposed} proposed, {len(stated)} curated" + (
        " (the proposals are what kzfigures draft read in the text; none is a fact until a person accepts it)"
        if proposed else ""))


def proposed_view(proposals: pd.DataFrame) -> pd.DataFrame:
    """An article's figure proposals for reading, marked as such: the words, the grammar's interval, the candidate
    credit ("not yet checked" when the draft found none), the quote and the id."""
    shown = proposals.loc[proposals["kind"] == "figure"]
    moves = shown["change"].fillna("") if "change" in shown else pd.Series("", index=shown.index)
    changes = {"change as the grammar reads it": [f"a {CHANGE_NOUNS[m]}" if m in CHANGE_NOUNS else "" for m in moves]
               } if moves.isin(list(CHANGE_NOUNS)).any() else {}
    return pd.DataFrame({
        "proposed (not curated)": shown["number_text"].to_numpy(),
        **changes,
        "interval as the grammar reads it": [b.notation() if b is not None else unread(str(why))
                                             for b, why in zip(shown["bounds"], shown["reason"], strict=True)],
        "unit": shown["unit"].to_numpy(),
        "candidate credit": shown["credit"].to_numpy(),
        "quote": shown["quote"].to_numpy(),
        "proposal_id": shown["proposal_id"].to_numpy(),
    })


def derivation_in_words(derived_from: str, root: str | Path | None = None) -> str:
    """How a derived figure is computed, in the article's words for its inputs, never their ids: "not in the article:
    kzfigures computes it from “between 180 and 250” ÷ “more than 15,000”"."""
    words = dict(zip(*curated_rows(root, include_derived=True)[["figure_id", "number_text"]].to_numpy().T,
                     strict=True))
    said = re.sub(r"[a-z][a-z0-9_]*", lambda m: f"“{words[m.group()]}”" if isinstance(words.get(m.group()), str)
                  else m.group(), str(derived_from))
    return f"not in the article: kzfigures computes it from {said}"


def bound_columns(figures: pd.DataFrame) -> dict[str, list]:
    """A table's intervals as numbers: lower, upper (inf when there is no upper end) and whether each end is open."""
    bounds = [bounds_of(r) for _, r in figures.iterrows()]
    return {"lower": [float(b.lower) for b in bounds], "upper": [float(b.upper) for b in bounds],
            "lower_open": [bool(b.lower_open) for b in bounds], "upper_open": [bool(b.upper_open) for b in bounds]}


#: What a page says for an article no figure row has been drafted for yet.
NO_FIGURES = "No figures drafted yet for this article: `kzfigures draft {article}` proposes them for a person to curate."


#: What a page says for an article drafted but with no figure decided yet.
NONE_CURATED = ("No figure of this article is curated yet: {proposed} proposed by kzfigures draft, shown below and "
                "marked in the text as proposals, not facts. Decide them in notebooks/05-curate.ipynb "
                "(article = \"{article}\").")


def no_figures_note(figures: pd.DataFrame, article: str, proposals: pd.DataFrame | None = None) -> str:
    """The note for an article with no curated figure ("no figures drafted yet", or how many are proposed), else ""."""
    if not figures.empty:
        return ""
    pending = 0 if proposals is None or proposals.empty else int((proposals["kind"] == "figure").sum())
    return NONE_CURATED.format(proposed=pending, article=article) if pending else NO_FIGURES.format(article=article)


def count_by(figures: pd.DataFrame, column: str = "bound") -> pd.DataFrame:
    """How many stated figures have each value of ``column``, restatements counted apart (bounds in their order)."""
    stated = figures.loc[~figures["derived"]]
    first = stated.loc[stated["same_as"].isna(), column].value_counts()
    again = stated.loc[stated["same_as"].notna(), column].value_counts()
    present = set(stated[column])
    order = [v for v in BOUND_VALUES if v in present] if column == "bound" else sorted(present)
    return pd.DataFrame({column: order, "figures": [int(first.get(v, 0)) for v in order],
                         "restatements": [int(again.get(v, 0)) for v in order]})


def find_figures(figures: pd.DataFrame, word: str) -> pd.DataFrame:
    """The figures whose quote, measure, number phrase or credit contains ``word`` (case-insensitive)."""
    if not isinstance(word, str) or not word.strip():
        raise ValueError("search: give a word to look for, such as 'attacks'")
    columns = ["quote", "measure", "number_text", "attributed_to"]
    if figures.empty:
        return figures[["figure_id", "number_text", "measure", "attributed_to", "quote"]].reset_index(drop=True)
    text = figures[columns].fillna("").astype(str).agg(" ".join, axis=1).str.lower()
    hits = figures.loc[text.str.contains(word.strip().lower(), regex=False)]
    return hits[["figure_id", "number_text", "measure", "attributed_to", "quote"]].reset_index(drop=True)


def without_restatements(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures less those that restate another (same_as set)."""
    return figures.loc[figures["same_as"].isna()].reset_index(drop=True)


def restatements(figures: pd.DataFrame) -> pd.DataFrame:
    """Each restated figure beside the figure it repeats."""
    again = figures.loc[figures["same_as"].notna()]
    first = figures.set_index("figure_id")
    return pd.DataFrame({
        "figure_id": again["figure_id"].to_numpy(),
        "says again": again["quote"].to_numpy(),
        "restates": again["same_as"].to_numpy(),
        "first said": [first.loc[i, "quote"] for i in again["same_as"]],
    })


def parts_of(figures: pd.DataFrame, parts: dict[str, str]) -> pd.DataFrame:
    """Rows of the given figure ids, in order, with a short label each (for a chart's rows)."""
    return select(figures, list(parts)).assign(label=list(parts.values()))


def one_row_each(figures: pd.DataFrame, figure_id: str, count_id: str, label: str = "{i} of {n}") -> pd.DataFrame:
    """The row of ``figure_id`` repeated once per unit that ``count_id`` counts ("two … sentenced to five years
    each": one row per person), each labelled from the template ``label`` with its number {i} and the count {n}."""
    count = figure_bounds(figures, count_id)
    if not count.is_point or not float(count.lower).is_integer():
        raise ValueError(f"{count_id} is not an exact whole count: {count.describe()}")
    n = int(count.lower)
    rows = pd.concat([select(figures, [figure_id])] * n, ignore_index=True)
    return rows.assign(label=[label.format(i=i + 1, n=n) for i in range(n)])


def in_years(frame: pd.DataFrame, first_year: int, last_year: int, column: str = "date_start") -> pd.DataFrame:
    """The rows whose date in ``column`` falls in [first_year, last_year]."""
    years = frame[column].dt.year
    return frame.loc[(years >= first_year) & (years <= last_year)].reset_index(drop=True)


def in_percent(fraction: Bounds, decimals: int = 2) -> str:
    """A share's bounds in words as percentages: "under 1.67%"."""
    return fraction.describe(lambda v: percent(v, decimals))


def tally(frame: pd.DataFrame, column: str, counted: str = "rows") -> pd.DataFrame:
    """How many rows have each value of ``column``, most first: a table of two columns, the value and ``counted``."""
    return frame[column].value_counts().rename_axis(column).reset_index(name=counted)
