"""The companion tables: the article's fighter categories, people, organisations, non-figures, claims without
numbers, dated events and places, and the external events, each as a DataFrame sliced from the checked package."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .seeds import FLAGSHIP
from .store import checked_package


def companion(name: str, root: str | Path | None) -> pd.DataFrame:
    """A companion table as a DataFrame with its offsets and positions as integers."""
    frame = pd.DataFrame(checked_package(root).tables[name].rows)
    for col in ("start", "end", "position"):
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    return frame


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The given ISO-date columns as Timestamps (missing for blanks), rows sorted by the first."""
    for col in columns:
        frame[col] = pd.to_datetime(frame[col].replace("", None), format="%Y-%m-%d")
    return frame.sort_values(columns[0], kind="stable").reset_index(drop=True)


def _of_article(frame: pd.DataFrame, seed: str | None) -> pd.DataFrame:
    """The rows of one article (``seed``), or every article's when ``seed`` is None."""
    return frame if seed is None else frame.loc[frame["seed_id"] == seed].reset_index(drop=True)


def fighter_categories(root: str | Path | None = None, seed: str | None = FLAGSHIP) -> pd.DataFrame:
    """The three categories of fighters in Erlan Karin's report, with the article's description of each (the
    flagship's by default; ``seed`` None: every article's)."""
    return _of_article(companion("categories", root), seed).sort_values("position").reset_index(drop=True)


def people(root: str | Path | None = None) -> pd.DataFrame:
    """The people (and the publisher) credited with statements, and their roles."""
    return companion("people", root)


def organisations(root: str | Path | None = None) -> pd.DataFrame:
    """The organisations and bodies the article names, at first mention."""
    return companion("organisations", root)


def non_figures(root: str | Path | None = None, seed: str | None = None) -> pd.DataFrame:
    """Numeric words in the articles that a person decided are not figures, with the reason for each; one
    article's with ``seed``."""
    frame = companion("non_figures", root)
    if seed is not None:
        frame = frame.loc[frame["seed_id"] == seed]
    return frame.reset_index(drop=True)


def claims(root: str | Path | None = None) -> pd.DataFrame:
    """Claims of quantity the article makes without a number ("growing rapidly"), with who makes them."""
    return companion("claims", root)


def events(root: str | Path | None = None, seed: str | None = FLAGSHIP) -> pd.DataFrame:
    """Dated events the article names, with the words that date them and dates as Timestamps (the flagship's by
    default; ``seed`` None: every article's)."""
    return _dates(_of_article(companion("events", root), seed), "date_start", "date_end")


def external_events(root: str | Path | None = None) -> pd.DataFrame:
    """Dated events from outside the article, each with its source (never to be shown as the article's)."""
    return _dates(companion("external_events", root), "date")


def places(root: str | Path | None = None, include_reference: bool = True,
           seed: str | None = FLAGSHIP) -> pd.DataFrame:
    """Places the article names, with external coordinates (see coordinates_source); the flagship's by default
    (``seed`` None: every article's).

    Without ``include_reference`` only the places named as where attacks occurred are kept.
    """
    frame = _of_article(companion("places", root), seed)
    frame[["latitude", "longitude"]] = frame[["latitude", "longitude"]].astype(float)
    if not include_reference:
        frame = frame.loc[frame["role"] == "attacks"]
    return frame.reset_index(drop=True)
