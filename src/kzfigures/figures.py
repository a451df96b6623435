"""The figures table and its views: every number in the article, with its words, credit, period and bounds."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .bounds import Bounds
from .package import UNATTRIBUTED, Package, checked_package
from .parse import parse_quantity

#: The columns of load_figures(), in order (the table contract; datapackage.json describes each).
FIGURE_COLUMNS: list[str] = [
    "figure_id", "seed_id", "topic", "quote", "start", "end", "number_text", "number_start", "number_end",
    "lower", "upper", "lower_open", "upper_open", "bound", "unit", "measure", "period_start", "period_end",
    "period_text", "place", "attributed_to", "source_type", "same_as", "derived", "derived_from", "notes",
]

#: Columns a topic view keeps: what a reader needs to use and cite a figure.
VIEW_COLUMNS: list[str] = [
    "figure_id", "measure", "number_text", "lower", "upper", "lower_open", "upper_open", "bound", "unit",
    "period_start", "period_end", "place", "attributed_to", "source_type", "same_as", "derived", "derived_from",
    "quote",
]

_OPS = {"add": lambda a, b: a + b, "subtract": lambda a, b: a - b,
        "multiply": lambda a, b: a * b, "divide": lambda a, b: a / b}
_OP_SIGNS = {"add": "+", "subtract": "−", "multiply": "×", "divide": "÷"}


def _blank_to_na(series: pd.Series) -> pd.Series:
    """Empty strings as missing values."""
    return series.where(series != "", None)


def _figures_frame(package: Package) -> pd.DataFrame:
    """Build the stated figures (derived == False) from a checked package."""
    rows = []
    for raw in package.tables["figures"].rows:
        bounds = parse_quantity(raw["number_text"])
        start = int(raw["start"])
        offset = start + raw["quote"].index(raw["number_text"])
        rows.append({**raw, "start": start, "end": int(raw["end"]), "number_start": offset,
                     "number_end": offset + len(raw["number_text"]), "lower": float(bounds.lower),
                     "upper": float(bounds.upper), "lower_open": bounds.lower_open,
                     "upper_open": bounds.upper_open, "bound": bounds.kind, "derived": False, "derived_from": ""})
    return _typed(pd.DataFrame(rows))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Give the table its column order and types: ints, floats, bools, dates, missing for blanks."""
    df = df.reindex(columns=FIGURE_COLUMNS)
    for col in ("start", "end", "number_start", "number_end"):
        df[col] = df[col].astype("Int64")
    for col in ("period_start", "period_end"):
        df[col] = pd.to_datetime(df[col].replace("", None), format="%Y-%m-%d")
    for col in ("same_as", "period_text", "place", "derived_from", "notes", "quote", "number_text"):
        df[col] = _blank_to_na(df[col].astype(object).fillna("").astype(str))
    df["lower_open"] = df["lower_open"].astype(bool)
    df["upper_open"] = df["upper_open"].astype(bool)
    df["derived"] = df["derived"].astype(bool)
    return df.reset_index(drop=True)


def load_figures(root: str | Path | None = None, include_derived: bool = False) -> pd.DataFrame:
    """Every figure the article states, one row each; validates the whole package first and raises on any problem.

    With ``include_derived`` the derived figures (derived_figures()) are appended, flagged ``derived``.
    """
    package = checked_package(root)
    figures = _figures_frame(package)
    if include_derived:
        figures = pd.concat([figures, _derived_frame(package, figures)], ignore_index=True)
        figures = _typed(figures)
    return figures


def figure_row(figures: pd.DataFrame, figure_id: str) -> pd.Series:
    """One row of a figures table, by id."""
    match = figures.loc[figures["figure_id"] == figure_id]
    if match.empty:
        raise KeyError(f"figure_id {figure_id!r} is not in the table")
    return match.iloc[0]


def bounds_of(row: pd.Series) -> Bounds:
    """The Bounds of one figures-table row (kind "derived" for a derived figure)."""
    kind = "derived" if row["derived"] else row["bound"]
    return Bounds(row["lower"], row["upper"], bool(row["lower_open"]), bool(row["upper_open"]), kind)


def figure_bounds(figures: pd.DataFrame, figure_id: str) -> Bounds:
    """The Bounds of one row of a figures table, by id."""
    return bounds_of(figure_row(figures, figure_id))


def published(root: str | Path | None = None) -> pd.Timestamp:
    """The last day of the article's publication month (the seed metadata gives the month only)."""
    from .seeds import load_seed

    month = load_seed(root=root).meta["published"]
    return pd.Period(month, freq="M").end_time.normalize()


def _derived_frame(package: Package, figures: pd.DataFrame) -> pd.DataFrame:
    """Compute the derived figures of data/derived.csv with interval arithmetic."""
    rows = []
    by_id = figures.set_index("figure_id")
    for raw in package.tables["derived"].rows:
        left, right = figure_bounds(figures, raw["left"]), figure_bounds(figures, raw["right"])
        result = _OPS[raw["op"]](left, right)
        sources = [by_id.loc[raw["left"]], by_id.loc[raw["right"]]]
        credits = sorted({s["attributed_to"] for s in sources})
        rows.append({
            "figure_id": raw["figure_id"], "seed_id": sources[0]["seed_id"], "topic": raw["topic"],
            "quote": "", "number_text": "", "lower": float(result.lower),
            "upper": float(result.upper),
            "lower_open": result.lower_open, "upper_open": result.upper_open, "bound": result.shape(),
            "unit": raw["unit"], "measure": raw["measure"],
            "period_start": "", "period_end": "", "place": sources[0]["place"] or "",
            "attributed_to": "derived by kzfigures from figures credited to " + " and ".join(credits),
            "source_type": "derived", "same_as": "", "derived": True,
            "derived_from": f"{raw['left']} {_OP_SIGNS[raw['op']]} {raw['right']}", "notes": raw["notes"],
        })
    return pd.DataFrame(rows)


def derived_figures(root: str | Path | None = None) -> pd.DataFrame:
    """The figures kzfigures computes from the article's (data/derived.csv), flagged derived, with their inputs."""
    package = checked_package(root)
    return _typed(_derived_frame(package, _figures_frame(package)))


def topic_view(topic: str, root: str | Path | None = None, include_restatements: bool = False,
               include_derived: bool = True) -> pd.DataFrame:
    """The figures of one topic (fighters, attacks, legal, society, cooperation) as a tidy table."""
    figures = load_figures(root, include_derived=include_derived)
    topics = sorted(set(figures["topic"]))
    if topic not in topics:
        raise ValueError(f"topic {topic!r} is not one of: {', '.join(topics)}")
    view = figures.loc[figures["topic"] == topic]
    if not include_restatements:
        view = view.loc[view["same_as"].isna()]
    return view[VIEW_COLUMNS].reset_index(drop=True)


def fighters(root: str | Path | None = None, **kw: bool) -> pd.DataFrame:
    """Foreign terrorist fighters: the unnamed estimates, Karin's report and its categories count."""
    return topic_view("fighters", root, **kw)


def attacks(root: str | Path | None = None, **kw: bool) -> pd.DataFrame:
    """Attacks and security: attacks recorded and prevented, people killed, organisations banned."""
    return topic_view("attacks", root, **kw)


def penalties(root: str | Path | None = None, **kw: bool) -> pd.DataFrame:
    """Legal penalties: the 3-7 year term from 2015 and the April 2014 sentences."""
    return topic_view("legal", root, **kw)


def _companion(name: str, root: str | Path | None) -> pd.DataFrame:
    """A companion table (categories, people, organisations, non_figures) as a DataFrame, after validation."""
    package = checked_package(root)
    frame = pd.DataFrame(package.tables[name].rows)
    for col in ("start", "end", "position"):
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    return frame


def fighter_categories(root: str | Path | None = None) -> pd.DataFrame:
    """The three categories of fighters in Erlan Karin's report, with the article's description of each."""
    return _companion("categories", root).sort_values("position").reset_index(drop=True)


def people(root: str | Path | None = None) -> pd.DataFrame:
    """The people (and the publisher) credited with statements, and their roles."""
    return _companion("people", root)


def organisations(root: str | Path | None = None) -> pd.DataFrame:
    """The organisations and bodies the article names, at first mention."""
    return _companion("organisations", root)


def non_figures(root: str | Path | None = None) -> pd.DataFrame:
    """Numeric words in the article that are not figures, with the reason for each."""
    return _companion("non_figures", root)


def events(root: str | Path | None = None) -> pd.DataFrame:
    """Dated events the article names, with the words that date them and dates as Timestamps."""
    frame = _companion("events", root)
    for col in ("date_start", "date_end"):
        frame[col] = pd.to_datetime(frame[col].replace("", None), format="%Y-%m-%d")
    return frame.sort_values("date_start", kind="stable").reset_index(drop=True)


def external_events(root: str | Path | None = None) -> pd.DataFrame:
    """Dated events from outside the article, each with its source (never to be shown as the article's)."""
    frame = _companion("external_events", root)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def places(root: str | Path | None = None, include_reference: bool = True) -> pd.DataFrame:
    """Places the article names, with external coordinates (see coordinates_source).

    Without ``include_reference`` only the places named as where attacks occurred are kept.
    """
    frame = _companion("places", root)
    frame[["latitude", "longitude"]] = frame[["latitude", "longitude"]].astype(float)
    if not include_reference:
        frame = frame.loc[frame["role"] == "attacks"]
    return frame.reset_index(drop=True)


def credit(figure: pd.Series) -> str:
    """Who a figure is credited to, for a source line: "Zhakip Assanov (official statement, quoted)"."""
    if figure.get("derived"):
        return f"{figure['attributed_to']} ({figure['derived_from']})"
    if figure["attributed_to"] == UNATTRIBUTED:
        return f"unnamed sources ({figure['source_type']})"
    return f"{figure['attributed_to']} ({figure['source_type']})"


def credit_line(figure: pd.Series) -> str:
    """Who a figure is credited to, as a table says it: "according to Zhakip Assanov (official statement, quoted)"."""
    if figure["derived"]:
        return credit(figure)
    if figure["attributed_to"] == UNATTRIBUTED:
        return f"unattributed ({figure['source_type']}: the article names no source)"
    return f"according to {credit(figure)}"
