"""What the article's numbers allow us to say, computed from the data: the index page's opening and the README's.

Each finding is a sentence whose numbers come from the figures table (or the comparison with other sources) and
the page that shows how; nothing here is typed by hand but the words around the numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..figures.context import NOT_INDEPENDENT, UNSETTLED, in_context
from ..figures.formatting import number, percent
from ..figures.seeds import FLAGSHIP
from ..figures.table import figure_bounds, load_figures, share


@dataclass(frozen=True)
class Finding:
    """One thing the numbers allow us to say, and the report page (a notebook's name) that shows it."""

    text: str
    page: str


#: The page that compares the article with other sources, whose ``last_year`` the comparison's finding follows.
CONTEXT_PAGE = "04-in-context"


def findings(root: str | Path | None = None, last_year: int | None = None,
             pages: dict[str, dict[str, Any]] | None = None) -> list[Finding]:
    """The findings, in the order of the pages that show them; ``last_year`` is the in-context page's (its
    figures from other sources up to that year, as the page shows them), or read from ``pages`` (each page's name
    with the parameters it was built with) when that page is there."""
    last_year = (pages or {}).get(CONTEXT_PAGE, {}).get("last_year", last_year)
    figures = load_figures(root, include_derived=True, seed=FLAGSHIP)  # the flagship's findings: its rows only
    words = dict(zip(figures["figure_id"], figures["number_text"], strict=True))
    stated = figures.loc[~figures["derived"] & figures["same_as"].isna()]
    exact = int((stated["bound"] == "exact").sum())
    kz_share = share("kz_fighters_karin", "foreign_fighters", figures)
    killed, officers = figure_bounds(figures, "killed_since_2011"), figure_bounds(figures, "killed_officers")
    others = figure_bounds(figures, "killed_not_officers")
    compared = in_context(root, last_year=last_year)
    other = int((compared["relation"] == "different scope").sum())
    borrowed = int(compared["relation"].isin(NOT_INDEPENDENT).sum())
    conflicting = int((compared["relation"] == "conflicting").sum())
    unsettled = int(compared["relation"].isin(UNSETTLED).sum())
    same = len(compared) - other - borrowed - unsettled
    return [
        Finding(f"The article states {len(stated)} distinct figures; {exact} of them are exact numbers and the "
                f"other {len(stated) - exact} are ranges, open bounds (“more than”) or vague words.",
                "00-article-in-numbers"),
        Finding(f"If Erlan Karin's “{words['kz_fighters_karin']}” Kazakhstan citizens are among the "
                f"“{words['foreign_fighters']}” foreign fighters counted in Syria, they are "
                f"{kz_share.describe(lambda v: percent(v, 2))} of them, an upper bound as the total has no upper end. "
                "The two figures count different things (as kzfigures reads it, everyone who fought in Syria in "
                "recent years; those fighting now, anywhere), so the share of those fighting now could be higher.",
                "01-foreign-fighters"),
        Finding(f"The attacks since 2011 killed {killed.describe(number)} people, {officers.describe(number)} of them "
                f"law enforcement officers and special service agents; the other {others.describe(number)} are "
                "derived (the article does not say who they were).", "02-attacks-and-security"),
        Finding(f"Of {len(compared)} figures from other sources up to {last_year or 'now'}, {same} count the same "
                f"thing in the same place as the article's, {borrowed} more are no independent check (they restate "
                f"its source, repeat or compile others), "
                + (f"{unsettled} {'gives' if unsettled == 1 else 'give'} a later, different term in law for an "
                   "offence described in nearly the same terms (whether it is the same provision, and whether the law "
                   "changed, is not established), " if unsettled else "")
                + f"and {other} count something else; "
                + ("none conflicts with the article at the same time and place." if not conflicting else
                   f"{conflicting} conflict with it at the same time and place."), CONTEXT_PAGE),
    ]
