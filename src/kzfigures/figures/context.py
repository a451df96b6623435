"""The article's figures in context: what other sources published (EXTERNAL), and how each relates to the article.

Each external figure names the article figure it bears on (compares_with). Its relation is computed here, from
where the figure comes from (origin), the two intervals, the two scopes (where, who is counted, 'ever went' or
'there now') and the two dates, never written in the data:

- same origin: it restates or summarises the article's own source, so agreeing with the article checks nothing;
- repeats an earlier figure: its own source says it repeats an earlier statement, so it is no new count;
- compiled from others: a compilation of other sources' figures, not a count of its own;
- different scope: the scopes differ, so the numbers get no verdict (the table says in words how they differ);
- same words: same scope and time, and the article's very number phrase: the article may be repeating it;
- consistent: same scope, and the intervals share a value at the same time, or at another time without both
  ends moving the same way (an open end, such as the top of "more than", states no end, so cannot move: "Over
  12,000" in June beside "more than 15,000" in September has only a lower floor, and is consistent);
- conflicting: same scope and time, and the intervals share no value;
- higher later / lower later (and higher earlier / lower earlier): same scope at another time, with every value of
  the interval above (or below) the article's, or, for two finite intervals that overlap (a span such as a
  penalty range), both ends at or above (or below) the article's;
- term differs, change not established: a term the law sets (count_kind 'term in law'), for an offence described in nearly
  the same terms, at another time, and not the article's (at the same time it is conflicting): a law is changed by an
  amendment, not by a later report, so a different term says the law was amended or one of the two describes it
  wrongly; which, here, is not established.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from .bounds import Bounds
from .companions import companion
from .formatting import number
from .lexicon import lexicon
from .parse import parse_quantity
from .seeds import FLAGSHIP
from .table import figure_bounds, load_figures
from .validation import partial_date


def _span(text: str) -> tuple[dt.date, dt.date]:
    """The days a checked partial date covers (validation has refused any that is no date)."""
    span = partial_date(text)
    if span is None:
        raise ValueError(f"{text!r} is not a partial ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return span

SCOPE = ("where", "who_counted", "count_kind")
#: The relation of a figure that is not its source's own count, by its origin (datapackage.json lists origins).
ORIGIN_RELATIONS = {"restates the article's source": "same origin",
                    "repeats an earlier statement": "repeats an earlier figure",
                    "compiles other sources": "compiled from others"}
#: Relations that are no independent check of the article's figure.
NOT_INDEPENDENT = tuple(ORIGIN_RELATIONS.values())
#: The relation of a term in law that differs at another time: whether the law changed is not established.
TERM_DIFFERS = "term differs, change not established"
#: Every relation in_context() can give, in the order tables list them.
RELATIONS = ("same words", "consistent", "conflicting", "higher later", "lower later", "higher earlier",
             "lower earlier", TERM_DIFFERS, *NOT_INDEPENDENT, "different scope")
#: Relations of the same thing in the same place whose numbers neither agree nor disagree: counted apart.
UNSETTLED = (TERM_DIFFERS,)
#: How a table names each scope column when it says how two scopes differ.
SCOPE_WORDS = {"where": "where", "who_counted": "who is counted", "count_kind": "kind of count"}
#: The count_kind of a term the law sets (a penalty), not a count.
TERM_IN_LAW = "term in law"


def overlap(a: Bounds, b: Bounds) -> bool:
    """True when some value lies in both intervals (open ends respected)."""
    low, high = max(a.lower, b.lower), min(a.upper, b.upper)
    if low < high:
        return True
    return low == high and a.contains(low) and b.contains(low)


def whole(bounds: Bounds) -> Bounds:
    """The same interval read in whole things: an open whole-number end becomes the next whole number, closed."""
    lower, upper, lower_open, upper_open = bounds.lower, bounds.upper, bounds.lower_open, bounds.upper_open
    if lower_open and math.isfinite(lower) and float(lower).is_integer():
        lower, lower_open = lower + 1, False
    if upper_open and math.isfinite(upper) and float(upper).is_integer():
        upper, upper_open = upper - 1, False
    if lower > upper:  # an open interval with no whole number inside: leave it as it is
        return bounds
    return Bounds(lower, upper, lower_open, upper_open)


def counted_whole(unit: str) -> bool:
    """True for a unit of whole things (people, countries), listed in lexicon.json."""
    return unit in lexicon()["whole_units"]["units"]


def _moved(external: Bounds, article: Bounds) -> str | None:
    """'higher' when every value is above the article's, or, for two finite intervals, both ends are at or above
    the article's (one strictly); 'lower' likewise; else None (an infinite end states no end, so cannot move)."""
    if not overlap(external, article):
        return "higher" if external.lower >= article.upper else "lower"
    ends = [(external.lower, article.lower), (external.upper, article.upper)]
    if not all(math.isfinite(v) for pair in ends for v in pair):
        return None
    if all(e >= a for e, a in ends) and any(e > a for e, a in ends):
        return "higher"
    if all(e <= a for e, a in ends) and any(e < a for e, a in ends):
        return "lower"
    return None


def relation(external: Bounds, article: Bounds, external_scope: tuple[str, ...], article_scope: tuple[str, ...],
             external_when: tuple[dt.date, dt.date], article_when: tuple[dt.date, dt.date],
             origin: str = "own count", same_words: bool = False) -> str:
    """How an external figure relates to the article's (see the module's docstring); ``same_words`` when its
    number phrase is the article's own."""
    if origin in ORIGIN_RELATIONS:
        return ORIGIN_RELATIONS[origin]
    if external_scope != article_scope:
        return "different scope"
    same_time = external_when[0] <= article_when[1] and article_when[0] <= external_when[1]
    if external_scope[-1] == TERM_IN_LAW and external != article:
        return "conflicting" if same_time else TERM_DIFFERS
    if same_time:
        if not overlap(external, article):
            return "conflicting"
        return "same words" if same_words else "consistent"
    moved = _moved(external, article)
    if moved is None:
        return "consistent"
    return f"{moved} {'later' if external_when[0] > article_when[1] else 'earlier'}"


def same_phrase(a: str, b: str) -> bool:
    """True when two number phrases are the same words (case and spacing aside)."""
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def scope_difference(external: pd.Series, article: pd.Series) -> str:
    """How an external figure's scope differs from the article figure's, in words a reader sees ("" if it does not):
    "where: Syria and Iraq (the article: Syria)"."""
    return "; ".join(f"{SCOPE_WORDS[c]}: {external[c]} (the article: {article[c]})"
                     for c in SCOPE if external[c] != article[c])


def external_figures(root: str | Path | None = None) -> pd.DataFrame:
    """EXTERNAL: one row per figure another source published, with its citation, scope, dates and bounds (parsed)."""
    frame = companion("external_figures", root)
    bounds = [parse_quantity(text) for text in frame["number_text"]]
    frame["bounds"] = bounds
    frame["lower"] = [float(b.lower) for b in bounds]
    frame["upper"] = [float(b.upper) for b in bounds]
    frame["bound"] = [b.bound for b in bounds]
    frame["as_of_start"] = [pd.Timestamp(_span(v)[0]) for v in frame["as_of"]]
    frame["as_of_end"] = [pd.Timestamp(_span(v)[1]) for v in frame["as_of"]]
    return frame


def scopes(root: str | Path | None = None) -> pd.DataFrame:
    """The scope of each article figure that external figures are compared with."""
    return companion("scopes", root)


def in_context(root: str | Path | None = None, last_year: int | None = None,
               include_different_scope: bool = True, seed: str = FLAGSHIP) -> pd.DataFrame:
    """One row per (article figure, external figure) pair, with the relation computed from bounds, scopes and dates;
    only figures describing ``last_year`` or before, and without those of another scope unless asked; the figures
    of one article (``seed``, the flagship by default), never several articles' at once."""
    figures = load_figures(root, seed=seed).set_index("figure_id", drop=False)
    article_scopes = scopes(root).set_index("figure_id")
    rows = []
    external = external_figures(root)
    for _, ext in external.loc[external["compares_with"].isin(figures.index)].iterrows():
        mine = article_scopes.loc[ext["compares_with"]]
        article = figure_bounds(figures, ext["compares_with"])
        counts = counted_whole(ext["unit"]) and counted_whole(figures.loc[ext["compares_with"], "unit"])
        found = relation(whole(ext["bounds"]) if counts else ext["bounds"], whole(article) if counts else article,
                         tuple(ext[c] for c in SCOPE), tuple(mine[c] for c in SCOPE),
                         _span(ext["as_of"]), _span(mine["as_of"]), origin=ext["origin"],
                         same_words=same_phrase(ext["number_text"], figures.loc[ext["compares_with"], "number_text"]))
        differs = [c.replace("_", " ") for c in SCOPE if ext[c] != mine[c]]
        rows.append({
            "figure_id": ext["compares_with"], "article says": article.describe(number),
            "external_id": ext["external_id"], "external says": ext["number_text"],
            "external bounds": ext["bounds"].notation(number), "as of": ext["as_of"], "relation": found,
            "scope differs in": ", ".join(differs), "how the scope differs": scope_difference(ext, mine),
            "origin": ext["origin"], "restates": ext["restates"] or "", "publisher": ext["publisher"],
            "credited to": ext["attributed_to"], "located": ext["located"], "url": ext["url"],
            "read in": ext["read_in"],
            "lower": float(ext["bounds"].lower), "upper": float(ext["bounds"].upper),
            "lower_open": bool(ext["bounds"].lower_open), "upper_open": bool(ext["bounds"].upper_open),
        })
    table = pd.DataFrame(rows)
    if last_year is not None:
        table = up_to(table, last_year)
    if not include_different_scope:
        table = table.loc[table["relation"] != "different scope"].reset_index(drop=True)
    return table


def relation_counts(compared: pd.DataFrame) -> pd.DataFrame:
    """How many external figures have each relation, in RELATIONS order (relations that do not occur left out): a
    table of two columns, relation and external figures."""
    counts = compared["relation"].value_counts().reindex(RELATIONS).dropna().astype(int)
    return counts.rename_axis("relation").reset_index(name="external figures")


def up_to(table: pd.DataFrame, last_year: int, column: str = "as of") -> pd.DataFrame:
    """The rows whose date (a partial ISO date in ``column``) begins in ``last_year`` or before."""
    keep = [_span(v)[0].year <= last_year for v in table[column]]
    return table.loc[keep].reset_index(drop=True)


def estimates_for(figure_id: str, last_year: int, include_different_scope: bool = True,
                  root: str | Path | None = None) -> pd.DataFrame:
    """The external figures that bear on one article figure, up to ``last_year``, ready for estimates_chart: each
    with its bounds, the date it describes, a label naming its publisher, whether its scope is the article's, and
    whether it is an independent check (its origin its own count)."""
    external = external_figures(root)
    mine = scopes(root).set_index("figure_id").loc[figure_id]
    rows = up_to(external.loc[external["compares_with"] == figure_id], last_year, column="as_of")
    same = [all(row[c] == mine[c] for c in SCOPE) for _, row in rows.iterrows()]
    labels = [(_credit_label(p, a))
              + (f" ({ORIGIN_RELATIONS[o]})" if o in ORIGIN_RELATIONS else "")
              for p, a, o in zip(rows["publisher"], rows["attributed_to"], rows["origin"], strict=True)]
    rows = rows.assign(same_scope=same, label=labels, independent=[o not in ORIGIN_RELATIONS for o in rows["origin"]])
    return rows if include_different_scope else rows.loc[rows["same_scope"]].reset_index(drop=True)


def _credit_label(publisher: str, credited: str) -> str:
    """Who a mark is credited to: the publisher, with whom it cites ("United Nations Security Council (citing
    reports)", never its "own count" when it credits reports)."""
    if credited.startswith(publisher):
        return credited if "citing" in credited[len(publisher):] else publisher
    return f"{publisher}, citing {credited}"


def year_span(external: pd.DataFrame) -> str:
    """The years the external figures describe, for a title: "2014–2015", or "2014" when they share one."""
    years = sorted({start.year for start in external["as_of_start"]})
    if not years:
        return "none shown"
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def conclusions(compared: pd.DataFrame) -> str:
    """What the comparison allows us to say, in sentences whose numbers are counted from ``compared``: Markdown
    paragraphs for a reader (no internal ids; those stay in the table's CSV)."""
    counts = compared["relation"].value_counts()
    total = len(compared)
    other = int(counts.get("different scope", 0))
    borrowed = sum(int(counts.get(r, 0)) for r in NOT_INDEPENDENT)
    unsettled = sum(int(counts.get(r, 0)) for r in UNSETTLED)
    like = total - other - borrowed - unsettled
    lines = [f"{total} external figures were compared with {compared['figure_id'].nunique()} of the article's; "
             f"{like} count the same thing in the same place; {borrowed} are no independent check (they restate "
             f"the article's own source, repeat an earlier figure or compile others'); "
             + (f"{unsettled} {'gives' if unsettled == 1 else 'give'} another term in law, later, for an offence "
                "described in nearly the same terms (whether it is the same provision and whether the law changed is not "
                "established); " if unsettled else "")
             + f"and {other} count something else, so their numbers get no verdict."]
    for relation_name in (r for r in RELATIONS if r != "different scope"):
        hits = compared.loc[compared["relation"] == relation_name]
        if len(hits):
            pairs = "; ".join(f"“{r['external says']}” ({r['publisher']}, {date_words(r['as of'])}) beside the "
                              f"article's {r['article says']}" for _, r in hits.iterrows())
            lines.append(f"*{relation_name.capitalize()}*: {pairs}.")
    if "conflicting" not in counts:
        lines.append("No external figure conflicts with the article's at the same time and in the same scope.")
    return "\n\n".join(lines)


def date_words(text: str) -> str:
    """A partial ISO date as a reader says it: "2015", "March 2015", "20 March 2015"."""
    parts = str(text).split("-")
    day = dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    return {1: f"{day:%Y}", 2: f"{day:%B %Y}", 3: f"{day.day} {day:%B %Y}"}[len(parts)]
