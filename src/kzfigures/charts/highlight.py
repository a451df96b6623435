"""An article's text with every figure highlighted in place, as HTML: coloured by bound, proposed rows told apart
from curated ones (dashed outline, "proposed" in the tooltip), non-figures underlined. Every piece of text from the
data is HTML-escaped, so markup in an article or a CSV is shown as text."""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from ..figures.bounds import BOUND_VALUES
from ..figures.formatting import unread
from ..figures.table import CHANGE_NOUNS, change_words, curator_reading

#: One colour per bound (the Okabe-Ito palette, readable by colour-blind readers), in BOUND_VALUES order.
BOUND_COLOURS: dict[str, str] = dict(zip(BOUND_VALUES, (
    "#56B4E9", "#009E73", "#E69F00", "#F0E442", "#CC79A7", "#D55E00", "#999999", "#0072B2"), strict=True))


@dataclass(frozen=True)
class Marked:
    """One span to mark: offsets, its bound (or "" for a non-figure), whether proposed, and its tooltip."""

    start: int
    end: int
    bound: str
    proposed: bool
    title: str
    #: "up" or "down" for a curated change (drawn with a double underline), "" for a level
    change: str = ""


def marks(figures: pd.DataFrame, non_figures: pd.DataFrame | None = None,
          proposals: pd.DataFrame | None = None) -> list[Marked]:
    """The spans to mark: each curated figure's number phrase, each non-figure's word, then each proposal not yet
    decided (kzfigures.proposals()); an overlapping later span is left out."""
    found = []
    for _, row in figures.iterrows():
        if not isinstance(row.get("number_text"), str) or pd.isna(row.get("number_start")):
            continue
        reading = f"; {curator_reading(row)}" if curator_reading(row) else ""
        moved = f"; {change_words(row)}, not a level" if change_words(row) else ""
        found.append(Marked(int(row["number_start"]), int(row["number_end"]), str(row["bound"]), False,
                            f"{row['figure_id']}: {row['bound']}, {row['bounds'].notation()}{moved}{reading}",
                            str(row["change"]) if moved else ""))
    for _, row in (non_figures if non_figures is not None else pd.DataFrame()).iterrows():
        found.append(Marked(int(row["start"]), int(row["end"]), "", False, f"not a figure: {row['reason']}"))
    for _, row in (proposals if proposals is not None else pd.DataFrame()).iterrows():
        bounds = row["bounds"]
        if row["kind"] == "figure":
            what = f"{bounds.bound}, {bounds.notation()}" if bounds is not None else unread(str(row["reason"]))
            what += f", a {CHANGE_NOUNS[row['change']]}" if row.get("change") in CHANGE_NOUNS else ""
            found.append(Marked(int(row["number_start"]), int(row["number_end"]), bounds.bound if bounds else "vague",
                                True, f"{row['proposal_id']}: {what} (proposed, not yet curated)"))
        else:
            found.append(Marked(int(row["start"]), int(row["end"]), "", True,
                                f"not a figure: {row['reason']} (proposed, not yet curated)"))
    kept: list[Marked] = []
    for mark in sorted(found, key=lambda m: (m.start, -m.end)):
        if not kept or mark.start >= kept[-1].end:
            kept.append(mark)
    return kept


def _mark_style(mark: Marked) -> str:
    """The inline style of one mark: its bound's colour, a dashed outline when proposed."""
    if not mark.bound:
        return "background:none;text-decoration:underline dotted;" + ("outline:1px dashed #555;" if mark.proposed else "")
    colour = BOUND_COLOURS.get(mark.bound, "#999999")
    line = "2px dashed #000" if mark.proposed else "3px double #000" if mark.change else f"2px solid {colour}"
    return f"background:{colour}55;border-bottom:{line};padding:0 1px;"


def highlighted_html(text: str, figures: pd.DataFrame, non_figures: pd.DataFrame | None = None,
                     proposals: pd.DataFrame | None = None) -> str:
    """The article's text as HTML with each figure marked in place (see the module's docstring), and a legend."""
    out, at, found = [], 0, marks(figures, non_figures, proposals)
    for mark in found:
        out.append(html.escape(text[at:mark.start]))
        kind = "proposed" if mark.proposed else "curated"
        moved = f" kz-change-{mark.change}" if mark.change else ""
        out.append(f'<mark class="kz-{kind} kz-{mark.bound or "non-figure"}{moved}" style="{_mark_style(mark)}" '
                   f'title="{html.escape(mark.title)}">{html.escape(text[mark.start:mark.end])}</mark>')
        at = mark.end
    out.append(html.escape(text[at:]))
    legend = " ".join(f'<mark style="{_mark_style(Marked(0, 0, b, False, ""))}">{html.escape(b.replace("_", " "))}</mark>'
                      for b in BOUND_VALUES)
    legend += (f' · <mark style="{_mark_style(Marked(0, 0, "exact", True, ""))}">proposed (dashed)</mark> · '
               '<span style="text-decoration:underline dotted">not a figure</span>')
    if any(m.change for m in found):
        legend += (f' · <mark style="{_mark_style(Marked(0, 0, "exact", False, "", "down"))}">a change</mark> (double '
                   'underline: a rise or a fall, not a level)')
    body = "".join(out).replace("\n\n", "</p><p>")
    return (f'<div class="kz-highlighted"><p style="font-size:90%">Bounds: {legend}</p>'
            f'<div style="line-height:1.6;max-width:48em"><p>{body}</p></div></div>')


class Highlighted:
    """The highlighted text as a notebook shows it (rich HTML, and plain text where HTML is not shown)."""

    def __init__(self, text: str, figures: pd.DataFrame, non_figures: pd.DataFrame | None = None,
                 proposals: pd.DataFrame | None = None):
        self.html = highlighted_html(text, figures, non_figures, proposals)
        self.count = len(marks(figures, non_figures, proposals))

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<the article's text with {self.count} numbers marked>"
