"""The figures table: every number in the article as a row, the figures derived from them, and look-ups.

Each row carries its exact interval as a ``bounds`` object (the parser's Bounds, or the result of interval
arithmetic) beside the plain ``lower``/``upper`` columns, so nothing is parsed or rebuilt twice. A derived
figure is a row like the others with ``derived`` set: one builder, ``derive``, makes those rows both for
data/derived.csv and for what a notebook computes.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from .bounds import OPERATIONS, Bounds
from .package import Package
from .parse import parse_quantity
from .seeds import FLAGSHIP
from .store import check_article, checked_package, memo
from .validation import UNATTRIBUTED

#: The columns of load_figures(), in order (the table contract; datapackage.json describes each).
FIGURE_COLUMNS: list[str] = [
    "figure_id", "seed_id", "topic", "quote", "start", "end", "number_text", "number_start", "number_end",
    "lower", "upper", "lower_open", "upper_open", "bound", "change", "unit", "measure", "period_start", "period_end",
    "period_text", "place", "attributed_to", "source_type", "attribution", "same_as", "derived", "derived_from", "notes",
    "override_reason", "bounds",
]

_TEXT_COLUMNS = ("same_as", "period_text", "place", "derived_from", "notes", "quote", "number_text", "override_reason",
                 "change")


def _interval_columns(bounds: Bounds) -> dict[str, Any]:
    """The columns that show an interval: lower, upper, which ends are open, the bound, and the Bounds itself."""
    return {"lower": float(bounds.lower), "upper": float(bounds.upper), "lower_open": bounds.lower_open,
            "upper_open": bounds.upper_open, "bound": bounds.bound, "bounds": bounds}


def _typed(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as the figures table: its column order and types (ints, floats, bools, dates, missing for blanks)."""
    df = pd.DataFrame(rows).reindex(columns=FIGURE_COLUMNS)
    for col in ("start", "end", "number_start", "number_end"):
        df[col] = df[col].astype("Int64")
    for col in ("period_start", "period_end"):
        df[col] = pd.to_datetime(df[col].replace("", None), format="%Y-%m-%d")
    for col in _TEXT_COLUMNS:
        text = df[col].astype(object).fillna("").astype(str)
        df[col] = text.where(text != "", None)
    for col in ("lower_open", "upper_open", "derived"):
        df[col] = df[col].astype(bool)
    return df.reset_index(drop=True)


def named_examples(raw: dict[str, str], package: Package) -> int:
    """How many organisations the quote names after its number phrase and "such as" ("a number of international
    organisations such as" four named ones: 4), from organisations.csv; 0 when it names none that way."""
    quote, number = raw["quote"], raw["number_text"]
    after = quote.index(number) + len(number)
    if " such as " not in quote[after:]:
        return 0
    first = int(raw["start"]) + quote.index(" such as ", after)
    rows = package.tables["organisations"].rows if "organisations" in package.tables else []
    return sum(1 for o in rows if o.get("seed_id") == raw["seed_id"] and first <= int(o["start"])
               and int(o["end"]) <= int(raw["end"]))


def overridden_bounds(override: dict[str, str]) -> Bounds:
    """The bounds a curator gave for a figure (a row of overrides.csv)."""
    return Bounds(float(override["lower"]), float(override["upper"]), override["lower_open"] == "true",
                  override["upper_open"] == "true")


def _stated_row(raw: dict[str, str], named: int = 0, override: dict[str, str] | None = None) -> dict[str, Any]:
    """One figures.csv row with its bounds parsed and its number's offsets in the text; a vague quantity whose
    quote names ``named`` examples allows no fewer than those; a curator's ``override`` (overrides.csv) gives the
    bounds instead, and its reason goes in override_reason."""
    start = int(raw["start"])
    offset = start + raw["quote"].index(raw["number_text"])
    if override is not None:
        bounds = overridden_bounds(override)
    else:
        bounds = parse_quantity(raw["number_text"])
        if bounds.bound == "vague" and named > bounds.lower:
            bounds = Bounds(named, bounds.upper, False, bounds.upper_open, "vague")
    return {**raw, "start": start, "end": int(raw["end"]), "number_start": offset,
            "number_end": offset + len(raw["number_text"]), **_interval_columns(bounds),
            "derived": False, "derived_from": "", "override_reason": override["reason"] if override else ""}


def _derived_row(bounds: Bounds, inputs: pd.DataFrame, figure_id: str, measure: str, unit: str, how: str,
                 topic: str = "", notes: str = "") -> dict[str, Any]:
    """The one builder of a derived figure's row: its bounds, how it was computed, and whose figures went in."""
    first = inputs.iloc[0]
    credits = " and ".join(sorted(set(inputs["attributed_to"])))
    return {
        "figure_id": figure_id, "seed_id": first["seed_id"], "topic": topic or first["topic"], "quote": "",
        "number_text": "", **_interval_columns(bounds), "unit": unit, "measure": measure,
        "period_start": "", "period_end": "", "place": first["place"] if isinstance(first["place"], str) else "",
        "attributed_to": f"derived by kzfigures from figures credited to {credits}", "source_type": "derived",
        "attribution": "inferred" if (inputs["attribution"] == "inferred").any() else "explicit",
        "same_as": "", "derived": True, "derived_from": how, "notes": notes,
    }


def derive(bounds: Bounds, inputs: pd.DataFrame, figure_id: str, measure: str, unit: str, how: str,
           notes: str = "") -> pd.DataFrame:
    """A figure computed from ``inputs`` (rows of the figures table) as a one-row figures table, flagged derived."""
    return _typed([_derived_row(bounds, inputs, figure_id, measure, unit, how, notes=notes)])


def _derived_rows(package: Package, stated: pd.DataFrame) -> list[dict[str, Any]]:
    """The figures declared in data/derived.csv, computed with interval arithmetic."""
    rows = []
    for raw in package.tables["derived"].rows:
        compute, sign = OPERATIONS[raw["op"]]
        inputs = select(stated, [raw["left"], raw["right"]])
        result = compute(*(bounds_of(row) for _, row in inputs.iterrows()))
        rows.append(_derived_row(result, inputs, raw["figure_id"], raw["measure"], raw["unit"],
                                 f"{raw['left']} {sign} {raw['right']}", raw["topic"], raw["notes"]))
    return rows


def _build_tables(package: Package) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stated and the derived figures of a checked package."""
    overrides = {r["figure_id"]: r for r in package.tables["overrides"].rows} if "overrides" in package.tables else {}
    stated = _typed([_stated_row(raw, named_examples(raw, package), overrides.get(raw["figure_id"]))
                     for raw in package.tables["figures"].rows])
    return stated, _typed(_derived_rows(package, stated))


def _tables(root: str | Path | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stated and the derived figures, built once per checked package (store.py)."""
    return memo(checked_package(root), "figures", _build_tables)


#: How load_figures' warning begins when it leaves an article out (the report names those articles itself, so its
#: pages do not repeat it: report/run.py).
LEFT_OUT = "load_figures left out"


def load_figures(root: str | Path | None = None, include_derived: bool = False, seed: str | None = None) -> pd.DataFrame:
    """Every figure the articles state, as a person curated it, one row each (``seed_id`` says whose); validates the
    whole package first.

    ``seed`` keeps one article's rows. What `kzfigures draft` proposed is never here (kzfigures.proposals() has
    it). With ``include_derived`` the derived figures (derived_figures()) are appended, flagged ``derived``. The
    package is read and checked once per file state; each call returns a table of its own to change at will. An
    article whose rows have problems of their own is left out, and a warning says so in one line.
    """
    table = curated_rows(root, include_derived, seed)
    apart = checked_package(root).set_apart if seed is None else {}
    if apart:
        said = "; ".join(f"{article} (first: {problems[0]})" for article, problems in sorted(apart.items()))
        warnings.warn(f"{LEFT_OUT} {len(apart)} article(s) whose rows have problems: {said}; run `kzfigures "
                      "validate` to see every one", UserWarning, stacklevel=2)
    return table


def curated_rows(root: str | Path | None = None, include_derived: bool = False, seed: str | None = None) -> pd.DataFrame:
    """load_figures' table, without its warning: for the library's own look-ups."""
    stated, derived = _tables(root)
    table = pd.concat([stated, derived], ignore_index=True) if include_derived else stated
    if seed is not None:
        _check_seed(root, seed)
        table = table.loc[table["seed_id"] == seed]
    return in_text_order(table).reset_index(drop=True).copy()


def in_text_order(table: pd.DataFrame) -> pd.DataFrame:
    """Each article's figures in the order they stand in its text (number_start), the articles in the order they
    were first saved, then the derived figures as they were (a save appends, so data/figures.csv need not be)."""
    first = {seed: i for i, seed in enumerate(dict.fromkeys(table["seed_id"]))}
    key = pd.DataFrame({"derived": table["derived"].astype(bool), "seed": table["seed_id"].map(first),
                        "at": table["number_start"]}, index=table.index)
    return table.loc[key.sort_values(["derived", "seed", "at"], kind="stable", na_position="last").index]


def _check_seed(root: str | Path | None, seed: str) -> None:
    """ValueError in one line when ``seed`` is not an article of the collection; DataPackageError with its own
    problems when it was set apart for them."""
    check_article(checked_package(root), seed)


def derived_figures(root: str | Path | None = None) -> pd.DataFrame:
    """The figures kzfigures computes from the article's (data/derived.csv), flagged derived, with their inputs."""
    return _tables(root)[1].copy()


# -- look-ups ---------------------------------------------------------------------------------------------
def select(figures: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """The rows of the given figure ids, in that order; KeyError naming any id not in the table."""
    missing = [i for i in ids if i not in set(figures["figure_id"])]
    if missing:
        raise KeyError(f"figure_id not in the table: {', '.join(missing)}")
    return figures.set_index("figure_id", drop=False).loc[ids].reset_index(drop=True)


def figure_row(figures: pd.DataFrame, figure_id: str) -> pd.Series:
    """One row of a figures table, by id."""
    return select(figures, [figure_id]).iloc[0]


def bounds_of(row: pd.Series) -> Bounds:
    """The exact Bounds of one figures-table row."""
    return row["bounds"]


def figure_bounds(figures: pd.DataFrame, figure_id: str) -> Bounds:
    """The Bounds of one row of a figures table, by id."""
    return bounds_of(figure_row(figures, figure_id))


def _article_meta(root: str | Path | None, seed: str | None) -> dict[str, Any]:
    """An article's metadata: ``seed``'s; by default the only article's, else the flagship's."""
    package = checked_package(root)
    if seed is not None:
        check_article(package, seed)
    seeds = package.seeds
    chosen = seeds[seed] if seed in seeds else (next(iter(seeds.values())) if len(seeds) == 1 and seed is None
                                                 else seeds.get(FLAGSHIP if seed is None else seed))
    if chosen is None:
        raise ValueError(f"no article {seed!r} in the collection; articles: {', '.join(sorted(seeds))}")
    return chosen.meta


def _period(text: str) -> pd.Period:
    """The period a partial ISO date covers (YYYY, YYYY-MM or YYYY-MM-DD)."""
    return pd.Period(text, freq={4: "Y", 7: "M", 10: "D"}[len(text)])


def published(root: str | Path | None = None, seed: str | None = None) -> pd.Timestamp:
    """The last day an article's publication date covers (the flagship's metadata gives the month only).

    ``seed`` names the article; by default the only one, else the flagship.
    """
    return _period(str(_article_meta(root, seed)["published"])).end_time.normalize()


def published_between(root: str | Path | None = None, seed: str | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day an article can have appeared: from its metadata's ``published_after`` (an inference
    from its text; published_because() says which) or else the first day ``published`` covers, to published()."""
    meta = _article_meta(root, seed)
    after = meta.get("published_after")
    first = pd.Timestamp(after) if isinstance(after, str) and after else _period(str(meta["published"])).start_time
    return first.normalize(), published(root, seed)


def published_because(root: str | Path | None = None, seed: str | None = None) -> str:
    """Why an article appeared no earlier than published_between() says ("" when that is its metadata's date)."""
    meta = _article_meta(root, seed)
    note = meta.get("published_after_note")
    return note if isinstance(note, str) and meta.get("published_after") else ""


# -- arithmetic on figures -------------------------------------------------------------------------------
def share(part_id: str, whole_id: str, figures: pd.DataFrame) -> Bounds:
    """The share one figure is of another, as bounds (a fraction of 1)."""
    return figure_bounds(figures, part_id) / figure_bounds(figures, whole_id)


def rate_per(count: Bounds, population: int, per: int = 1_000_000) -> Bounds:
    """A count per ``per`` inhabitants, with the count's bounds carried through."""
    for name, value in (("population", population), ("per", per)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"{name} must be a positive number; got {value!r}")
    return count * Bounds.exact(per) / Bounds.exact(population)


# -- credits ---------------------------------------------------------------------------------------------
#: What an unattributed figure whose kind of source no person gave says: the draft found no source, not that the
#: article names none (a person who says so classifies it: "unnamed estimate", "unnamed report").
NO_SOURCE_FOUND = "no source found by the draft"


def _drafted_unattributed(figure: pd.Series) -> bool:
    """True for an unattributed figure still "unclassified": accepted from a draft that found no credit."""
    return bool(figure["attributed_to"] == UNATTRIBUTED and figure.get("source_type") == "unclassified")


def credit(figure: pd.Series) -> str:
    """Who a figure is credited to, for a source line: "Zhakip Assanov (official statement, quoted)"; a credit the
    article does not make is marked inferred."""
    if figure.get("derived"):
        return f"{figure['attributed_to']} ({figure['derived_from']})"
    if _drafted_unattributed(figure):
        return f"unattributed ({NO_SOURCE_FOUND})"
    if figure["attributed_to"] == UNATTRIBUTED:
        return f"unnamed sources ({figure['source_type']})"
    if figure.get("attribution") == "inferred":
        return (f"{figure['attributed_to']}, a credit inferred by kzfigures ({figure['source_type']}: the article does "
                f"not say the figure is {figure['attributed_to']}'s)")
    return f"{figure['attributed_to']} ({figure['source_type']})"


def curator_reading(figure: pd.Series) -> str:
    """How a curator read a figure's words, when they did ("read as 0 to 5 by the curator: …"), else ""."""
    reason = figure.get("override_reason")
    if not isinstance(reason, str) or not reason:
        return ""
    return f"read as {bounds_of(figure).describe()} by the curator: {reason}"


#: A change in words: "up" is a rise, "down" a fall.
CHANGE_NOUNS = {"up": "rise", "down": "fall"}
#: Units a change's words leave to the unit column (no unit, or one no person has described yet).
_UNSAID_UNITS = ("", "share", "(to be described)")


def is_change(figure: pd.Series) -> bool:
    """True for a figure that is a rise or a fall (its ``change`` is up or down), not a level."""
    return figure.get("change") in CHANGE_NOUNS


def change_words(figure: pd.Series, fmt: Any = None) -> str:
    """A change as a reader reads it, "a fall of 0.8 percent", "a rise of more than 3 points"; "" for a level."""
    if not is_change(figure):
        return ""
    amount = bounds_of(figure).describe(fmt) if fmt is not None else bounds_of(figure).describe()
    unit = figure.get("unit")
    said = f" {unit}" if isinstance(unit, str) and unit not in _UNSAID_UNITS else ""
    return f"a {CHANGE_NOUNS[figure['change']]} of {amount}{said}"


def credit_line(figure: pd.Series) -> str:
    """Who a figure is credited to, as a table says it: "according to Zhakip Assanov (official statement, quoted)"."""
    if figure["derived"]:
        return credit(figure)
    if _drafted_unattributed(figure):
        return credit(figure)
    if figure["attributed_to"] == UNATTRIBUTED:
        return f"unattributed ({figure['source_type']}: the article names no source)"
    if figure.get("attribution") == "inferred":
        return credit(figure)
    return f"according to {credit(figure)}"
