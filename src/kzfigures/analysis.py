"""Small computations the notebooks present: readable figure tables, look-ups, rates from uncertain counts."""
from __future__ import annotations

import pandas as pd

from .bounds import Bounds
from .figures import credit_line, figure_bounds

#: Order in which kinds of bound are listed.
KIND_ORDER = ["exact", "range", "more_than", "at_least", "at_most", "fewer_than", "approximate", "vague"]


def bounds_of(row: pd.Series) -> Bounds:
    """The Bounds of one figures-table row."""
    return Bounds(row["lower"], row["upper"], bool(row["lower_open"]), bool(row["upper_open"]), "derived"
                  if row["derived"] else row["bound"])


def readable(figures: pd.DataFrame) -> pd.DataFrame:
    """A figures table for reading: the words, the bounds in words and notation, what is counted, who says so."""
    return pd.DataFrame({
        "figure_id": figures["figure_id"],
        "as written": figures["number_text"].fillna("(derived)"),
        "bounds": [bounds_of(r).describe() for _, r in figures.iterrows()],
        "interval": [bounds_of(r).notation() for _, r in figures.iterrows()],
        "unit": figures["unit"],
        "measure": figures["measure"],
        "credited to": [credit_line(r) for _, r in figures.iterrows()],
        "restates": figures["same_as"].fillna(""),
    }).reset_index(drop=True)


def kind_counts(figures: pd.DataFrame) -> pd.DataFrame:
    """How many figures of each kind of bound, counting restatements separately."""
    stated = figures.loc[~figures["derived"]]
    first = stated.loc[stated["same_as"].isna(), "bound"].value_counts()
    again = stated.loc[stated["same_as"].notna(), "bound"].value_counts()
    kinds = [k for k in KIND_ORDER if k in set(stated["bound"])]
    table = pd.DataFrame({"bound": kinds, "figures": [int(first.get(k, 0)) for k in kinds],
                          "restatements": [int(again.get(k, 0)) for k in kinds]})
    return table


def find_figures(figures: pd.DataFrame, word: str) -> pd.DataFrame:
    """The figures whose quote, measure, number phrase or credit contains ``word`` (case-insensitive)."""
    if not isinstance(word, str) or not word.strip():
        raise ValueError("search: give a word to look for, such as 'attacks'")
    columns = ["quote", "measure", "number_text", "attributed_to"]
    text = figures[columns].fillna("").astype(str).agg(" ".join, axis=1).str.lower()
    hits = figures.loc[text.str.contains(word.strip().lower(), regex=False)]
    return hits[["figure_id", "number_text", "measure", "attributed_to", "quote"]].reset_index(drop=True)


def rate_per(count: Bounds, population: int, per: int = 1_000_000) -> Bounds:
    """A count per ``per`` inhabitants, with the count's bounds carried through."""
    if isinstance(population, bool) or not isinstance(population, (int, float)) or population <= 0:
        raise ValueError(f"population must be a positive number of people; got {population!r}")
    if isinstance(per, bool) or not isinstance(per, (int, float)) or per <= 0:
        raise ValueError(f"per must be a positive number; got {per!r}")
    return count * Bounds.exact(per) / Bounds.exact(population)


def share(part_id: str, whole_id: str, figures: pd.DataFrame) -> Bounds:
    """The share one figure is of another, as bounds (a fraction of 1)."""
    return figure_bounds(figures, part_id) / figure_bounds(figures, whole_id)


def percent(fraction: Bounds, decimals: int = 2) -> str:
    """A share's bounds in words as percentages: "under 1.67%"."""
    return (fraction * 100).describe(lambda v: f"{v:.{decimals}f}%")
