"""Small computations the notebooks present: readable figure tables, look-ups, rates from uncertain counts."""
from __future__ import annotations

import pandas as pd

from .bounds import Bounds
from .figures import bounds_of, credit_line, external_events, figure_bounds, figure_row
from .figures import events as article_events

#: Order in which kinds of bound are listed.
KIND_ORDER = ["exact", "range", "more_than", "at_least", "at_most", "fewer_than", "approximate", "vague"]


def number(value: float) -> str:
    """A value as people read it: whole numbers with thousands separators, others to four significant digits."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def show_full_text() -> None:
    """Let pandas show whole quotes in notebook tables instead of cutting them at 50 characters."""
    pd.set_option("display.max_colwidth", None)


def readable(figures: pd.DataFrame) -> pd.DataFrame:
    """A figures table for reading: the words, the bounds in words and notation, what is counted, who says so."""
    rows = [r for _, r in figures.iterrows()]
    return pd.DataFrame({
        "figure_id": figures["figure_id"].to_numpy(),
        "as written": figures["number_text"].fillna("(derived)").to_numpy(),
        "bounds": [bounds_of(r).describe(number) for r in rows],
        "interval": [bounds_of(r).notation(number) for r in rows],
        "unit": figures["unit"].to_numpy(),
        "measure": figures["measure"].to_numpy(),
        "credited to": [credit_line(r) for r in rows],
        "restates": figures["same_as"].fillna("").to_numpy(),
        "quote": [r["quote"] if isinstance(r["quote"], str) else f"derived: {r['derived_from']}" for r in rows],
    })


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


def derived_row(bounds: Bounds, figure_id: str, measure: str, unit: str, derived_from: str,
                attributed_to: str) -> pd.DataFrame:
    """A one-row figures-like table for a figure computed in a notebook (flagged derived), ready to chart."""
    return pd.DataFrame([{
        "figure_id": figure_id, "measure": measure, "unit": unit, "number_text": None,
        "lower": float(bounds.lower), "upper": float(bounds.upper), "lower_open": bounds.lower_open,
        "upper_open": bounds.upper_open, "bound": bounds.shape(), "derived": True, "derived_from": derived_from,
        "attributed_to": attributed_to, "source_type": "derived", "same_as": None,
    }])


def select(figures: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """The rows of the given figure ids, in that order; KeyError naming any id not in the table."""
    missing = [i for i in ids if i not in set(figures["figure_id"])]
    if missing:
        raise KeyError(f"figure_id not in the table: {', '.join(missing)}")
    return figures.set_index("figure_id", drop=False).loc[ids].reset_index(drop=True)


def parts_of(figures: pd.DataFrame, parts: dict[str, str]) -> pd.DataFrame:
    """Rows of the given figure ids, in order, with a short label each (for a chart's rows)."""
    return select(figures, list(parts)).assign(label=list(parts.values()))


def individual_sentences(figures: pd.DataFrame, sentence_id: str = "sentence_each",
                         people_id: str = "sentenced_supporters") -> pd.DataFrame:
    """One row per person sentenced, from "N people ... sentenced to X years each"."""
    people = figure_bounds(figures, people_id)
    if not people.is_point:
        raise ValueError(f"{people_id} is not an exact count of people")
    sentence = figure_row(figures, sentence_id)
    rows = pd.DataFrame([sentence] * int(people.lower)).reset_index(drop=True)
    rows["label"] = [f"person {i + 1} of {int(people.lower)} (April 2014 case)" for i in range(len(rows))]
    return rows


def in_years(events: pd.DataFrame, first_year: int, last_year: int, column: str = "date_start") -> pd.DataFrame:
    """The events whose date falls in [first_year, last_year]."""
    years = events[column].dt.year
    return events.loc[(years >= first_year) & (years <= last_year)].reset_index(drop=True)


def timeline(first_year: int, last_year: int, include_external: bool = True,
             root: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The article's dated events and (if asked) the external ones, both within [first_year, last_year]."""
    own = in_years(article_events(root), first_year, last_year)
    external = external_events(root)
    external = in_years(external, first_year, last_year, column="date") if include_external else external.iloc[0:0]
    return own, external
