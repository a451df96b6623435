"""Every chart in kzfigures: uncertainty drawn honestly, each chart titled, sourced, captioned and described.

A range is drawn as a bar between its ends; an open bound ("more than 15,000") as an arrow from a hollow
marker, never as a point; a vague quantity as an arrow from its least value; a derived figure hatched. "Nearly" and
"almost" (lexicon close_below) keep their bounds, [0, x), but are drawn as a short dotted mark just under x, not
as a bar down to zero (docs/charts.md says why). A log axis is drawn only where the values span more than a decade.
Colours are the Okabe-Ito colour-blind-safe palette, and marker shape repeats what colour says.

Charts are matplotlib Figures made without pyplot, so nothing is shown twice in a notebook. This module only
draws: a notebook shows and keeps a chart with ``Outputs.chart`` (outputs.py), which also saves it for the report.
"""
from __future__ import annotations

import functools
import io
import math
import re
import textwrap
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar, cast

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerLine2D
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ..figures.bounds import Bounds
from ..figures.citation import citation
from ..figures.formatting import number
from ..figures.lexicon import lexicon
from ..figures.literal import xml_text
from ..figures.seeds import FLAGSHIP
from ..figures.table import bounds_of, credit, curator_reading

P = ParamSpec("P")
R = TypeVar("R")

#: Okabe-Ito colours by how a figure is bounded.
COLOURS = {"exact": "#0072B2", "range": "#009E73", "open": "#D55E00", "vague": "#CC79A7", "derived": "#E69F00",
           "external": "#999999", "text": "#333333"}

STYLE = {
    "font.size": 10, "axes.titlesize": 12, "axes.titleweight": "bold", "axes.labelsize": 10,
    "axes.spines.top": False, "axes.spines.right": False, "svg.hashsalt": "kzfigures", "svg.fonttype": "path",
    "figure.dpi": 100, "savefig.dpi": 110,
    # every string from the data is drawn as written: "$5 and $10" is not mathtext
    "text.parse_math": False,
}


def _style(params: dict[str, Any]) -> AbstractContextManager[None]:
    """matplotlib.rc_context for a plain dict (matplotlib's types name every rc key as a Literal)."""
    return matplotlib.rc_context(params)  # type: ignore[arg-type]  # a plain dict of valid rc keys


def _house_rc() -> dict[str, Any]:
    """Matplotlib's own defaults with the project style on top: a user's matplotlibrc changes no chart."""
    defaults: dict[str, Any] = {k: v for k, v in matplotlib.rcParamsDefault.items() if not k.startswith("backend")}
    return {**defaults, **STYLE}


def _in_house_style(draw: Callable[P, R]) -> Callable[P, R]:
    """Run a drawing function with _house_rc() in force, whatever rc the user has."""
    @functools.wraps(draw)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> R:
        with _style(_house_rc()):
            return draw(*args, **kwargs)
    return drawn


@dataclass
class Chart:
    """A finished chart: the figure, a file name, the words that go with it, and the data drawn (one row per mark,
    intervals as words and as numbers: lower, upper, lower_open, upper_open)."""

    name: str
    figure: Figure
    title: str
    alt: str
    caption: str
    data: pd.DataFrame
    #: the source line under the chart: the article, who is credited, and what is external
    source: str = ""

    def png(self) -> bytes:
        """The chart as PNG bytes (no software stamp, so rebuilds give the same bytes)."""
        buffer = io.BytesIO()
        with _style(_house_rc()):
            self.figure.savefig(buffer, format="png", metadata={"Software": None}, bbox_inches="tight")
        return buffer.getvalue()

    def svg(self) -> str:
        """The chart as SVG text (fixed hash salt, no date, clip-path ids numbered in order of use).

        Matplotlib names a clip path after its object's memory address, which differs from run to run; the ids
        are renumbered so that rebuilds give the same bytes.
        """
        buffer = io.StringIO()
        with _style(_house_rc()):
            self.figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
        text = buffer.getvalue()
        for n, old in enumerate(dict.fromkeys(re.findall(r"url\(#(p[0-9a-f]{10})\)", text))):
            text = text.replace(f"#{old})", f"#clip{n})").replace(f'id="{old}"', f'id="clip{n}"')
        return xml_text(text)  # a control character from the data would leave the SVG not well-formed XML


def chart_data(rows: pd.DataFrame, labels: Iterable[str], **extra: Iterable) -> pd.DataFrame:
    """The data of a chart's marks: each row's label, its words and interval (in words and as numbers), who gives it
    and its id; ``extra`` adds columns."""
    rows = rows.reset_index(drop=True)
    listed = [r for _, r in rows.iterrows()]
    bounds = [r["bounds"] for r in listed]

    def text(value: object) -> str:
        return value if isinstance(value, str) else ""

    return pd.DataFrame({
        "label": list(labels), "as written": [text(r.get("number_text")) for r in listed],
        "in words": [b.describe(number) for b in bounds],
        "lower": [float(b.lower) for b in bounds], "upper": [float(b.upper) for b in bounds],
        "lower_open": [bool(b.lower_open) for b in bounds], "upper_open": [bool(b.upper_open) for b in bounds],
        **{k: list(v) for k, v in extra.items()},
        "credited to": [credit(r) if text(r.get("figure_id")) else text(r.get("label")) for r in listed],
        "id": [text(r.get("figure_id")) or text(r.get("external_id")) for r in listed],
    })


# -- shared pieces -------------------------------------------------------------------------------------
def _new_figure(width: float, height: float, footer: float = 1.0) -> tuple[Figure, Axes, Axes]:
    """A figure in the project style: the plot above, a footer below it for the legend and the source line."""
    with _style(STYLE):
        figure = Figure(figsize=(width, height + footer), layout="constrained")
        grid = figure.add_gridspec(2, 1, height_ratios=[height, footer])
        ax, foot = figure.add_subplot(grid[0]), figure.add_subplot(grid[1])
    foot.axis("off")
    return figure, ax, foot


def _credits(rows: pd.DataFrame) -> str:
    """Who the drawn figures are credited to, for the source line."""
    return "; ".join(dict.fromkeys(credit(row) for _, row in rows.iterrows()))


def source_line(rows: pd.DataFrame | None = None, extra: str = "", article: str | None = None) -> str:
    """The source line under a chart: the article (the flagship unless ``article`` cites another), who is credited,
    and anything external."""
    line = f"Source: {article or citation(FLAGSHIP)}."
    if rows is not None and len(rows):
        line += f" Figures according to: {_credits(rows)}."
        if "override_reason" in rows:  # a curator's reading of the words, said wherever the figure is drawn
            readings = [f"“{r['number_text']}” {curator_reading(r)}" for _, r in rows.iterrows() if curator_reading(r)]
            line += "".join(f" {reading}." for reading in readings)
    if extra:
        line += f" {extra}"
    return line


def _finish(ax: Axes, foot: Axes, title: str, source: str, handles: list | None = None) -> None:
    """Title the chart; put its legend and then its source line in the footer, where they cover no data."""
    with _style(STYLE):
        ax.set_title(textwrap.fill(title, 80), loc="left")
        text = textwrap.fill(source, 115)
        if handles:
            legend = foot.legend(handles=handles, loc="upper left", ncol=2, fontsize=8, frameon=False,
                                 bbox_to_anchor=(0, 1.05), borderaxespad=0, handler_map=_HANDLERS)
            # the source line hangs under the legend's own box, so however many entries it has they never meet
            foot.annotate(text, xy=(0, 0), xycoords=legend, xytext=(0, -8), textcoords="offset points", ha="left",
                          va="top", fontsize=7.5, color=COLOURS["text"], annotation_clip=False)
        else:
            foot.text(0, 1, text, ha="left", va="top", fontsize=7.5, color=COLOURS["text"], transform=foot.transAxes)
        rows = -(-len(handles) // 2) if handles else 0
        _fit_footer(foot, 0.25 + 0.21 * rows + 0.13 * (text.count("\n") + 1))


def _fit_footer(foot: Axes, inches: float) -> None:
    """Make the footer at least ``inches`` tall (the figure grows by what it lacks), so the legend and the source line
    fit inside it and the plot above keeps its size."""
    figure = foot.get_figure()
    spec = foot.get_subplotspec()
    if not isinstance(figure, Figure) or spec is None:
        return
    grid = spec.get_gridspec()
    given = grid.get_height_ratios()  # typed as ArrayLike; a list of numbers here (as set by _new_figure)
    ratios = [float(r) for r in cast(list, given)] if given is not None else [1.0] * grid.nrows
    width, height = figure.get_size_inches()
    sizes = [height * r / sum(ratios) for r in ratios]
    if sizes[-1] >= inches:
        return
    grid.set_height_ratios([*sizes[:-1], inches])
    figure.set_size_inches(width, height - sizes[-1] + inches)


#: Legend entries drawn with a marker at both ends, as the marks they stand for are (filled ends of a range).
_HANDLERS: dict = {}


def _both_ends(handle: Line2D) -> Line2D:
    """A legend entry whose marker is drawn at both ends of its line, like the range it stands for."""
    _HANDLERS[handle] = HandlerLine2D(numpoints=2)
    return handle


def close_below(row: pd.Series) -> bool:
    """Whether a figure's words put it close below its number ("nearly 30,000", "almost 200"; lexicon close_below).

    Its bounds stay what the words allow, [0, x) ("fewer than"); only the drawing differs: a short mark just under
    x, not a bar down to zero, as the words make a value far below x unlikely without excluding it.
    """
    text = row.get("number_text")
    first = text.strip().split()[0].lower() if isinstance(text, str) and text.strip() else ""
    return first in lexicon()["close_below"]


#: How far aside (in days) an estimate moves when it would hide under one already drawn.
DODGE_DAYS = 14
#: How far under its number a "nearly" mark reaches: a fraction of the value (linear axis) or a factor (log axis).
CLOSE_BELOW_SPAN, CLOSE_BELOW_FACTOR = 0.08, 0.85


def spans_a_decade(values: Iterable[float]) -> bool:
    """Whether finite positive values span more than a factor of ten: only then is a log axis worth drawing."""
    finite = [float(v) for v in values if math.isfinite(float(v)) and float(v) > 0]
    return bool(finite) and max(finite) / min(finite) > 10


def _log_ticks(axis: Any, low: float, high: float) -> None:
    """Label a log axis often enough to read a value off it: at 1, 2 and 5 times each power of ten over two decades
    or fewer, at 1 and 3 times beyond (so the labels do not run into each other)."""
    decades = math.log10(high / low) if low > 0 and high > low else 1.0
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0) if decades <= 2.2 else (1.0, 3.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def _style_of(row: pd.Series) -> str:
    """Which colour family a figure is drawn in."""
    if row.get("derived"):
        return "derived"
    bound = row["bound"]
    if bound == "vague":
        return "vague"
    if bound in ("more_than", "at_least", "fewer_than", "at_most"):
        return "open"
    return "range" if bound == "range" else "exact"


def _wrap(label: str, width: int = 34) -> str:
    """Wrap a long label over lines."""
    return "\n".join(textwrap.wrap(label, width)) or label


# -- interval charts -----------------------------------------------------------------------------------
def _scaled(row: pd.Series, scale: float) -> Bounds:
    """A row's Bounds with both ends multiplied by ``scale`` (its bound kept)."""
    exact = bounds_of(row)
    return Bounds(exact.lower * scale, exact.upper * scale, exact.lower_open, exact.upper_open, exact.bound)


def _draw_intervals(ax: Axes, rows: pd.DataFrame, labels: list[str], *, log_scale: bool, fmt: Callable[..., str],
                    scale: float = 1.0, xlabel: str) -> list[str]:
    """Draw rows as intervals on one axis (points, bars, hollow or filled ends, arrows); return each row in words."""
    drawn = [_scaled(row, scale) for _, row in rows.iterrows()]
    finite = [v for b in drawn for v in (b.lower, b.upper) if math.isfinite(v) and v > 0]
    log_scale = log_scale and spans_a_decade(float(v) for v in finite)
    top = max(finite) if finite else 1.0
    right = top * (6 if log_scale else 1.35)
    left = (min(finite) / 3 if finite else 0.1) if log_scale else 0
    described = []
    for i, (b, (_, row)) in enumerate(zip(drawn, rows.iterrows(), strict=True)):
        y = len(rows) - 1 - i
        colour = COLOURS[_style_of(row)]
        lo = max(b.lower, left) if log_scale else b.lower
        hi = right if b.upper == math.inf else b.upper
        if close_below(row) and math.isfinite(b.upper):
            hi = float(b.upper)
            lo = hi * CLOSE_BELOW_FACTOR if log_scale else hi * (1 - CLOSE_BELOW_SPAN)
            ax.plot([lo, hi], [y, y], color=colour, lw=7, alpha=0.45, ls=":", solid_capstyle="butt", zorder=2)
            ax.plot([hi], [y], marker="o", ms=9, zorder=4, color=colour, markerfacecolor="white", markeredgewidth=2)
        elif b.is_point:
            ax.plot([float(lo)], [y], marker="D" if b.bound == "approximate" else "o", ms=9, color=colour, zorder=3)
        else:
            ax.plot([float(lo), float(hi)], [y, y], color=colour, lw=7, alpha=0.35 if b.upper == math.inf else 0.8,
                    solid_capstyle="butt", dash_capstyle="butt", zorder=2, ls=(0, (2, 1)) if row.get("derived") else "-")
            if b.upper == math.inf:
                ax.annotate("", xy=(right, y), xytext=(lo, y), zorder=3,
                            arrowprops=dict(arrowstyle="-|>", color=colour, lw=2, mutation_scale=18))
            for value, is_open in ((lo, b.lower_open), (hi, b.upper_open)):
                if value == right:
                    continue
                ax.plot([float(value)], [y], marker="o", ms=9, zorder=4, color=colour,
                        markerfacecolor="white" if is_open else colour, markeredgewidth=2)
        text = b.describe(fmt) + (" (derived)" if row.get("derived") else "")
        if (row["bound"] == "vague" or close_below(row)) and isinstance(row.get("number_text"), str):
            text += f" (“{row['number_text']}”)"
        ax.annotate(text, xy=(lo, y), xytext=(4, 9), textcoords="offset points", fontsize=9, color=COLOURS["text"])
        described.append(f"{labels[i]}: {text}")
    ax.set_yticks(range(len(rows)), [_wrap(lbl, 40) for lbl in reversed(labels)])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    if log_scale:
        ax.set_xscale("log")
        _log_ticks(ax.xaxis, float(left), float(right))
        xlabel += " (log scale)"
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
    ax.set_xlim(float(left), float(right))
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    return described


@_in_house_style
def interval_chart(rows: pd.DataFrame, *, name: str, title: str, xlabel: str, labels: Iterable[str] | None = None,
                   log_scale: bool = False, value_format: str = "{:,.0f}", caption_intro: str = "",
                   extra_source: str = "", scale: float = 1.0) -> Chart:
    """Draw figures as intervals on one axis: points for exact values, bars for ranges, arrows for open ends.

    ``scale`` multiplies the values drawn (100 to draw a share as percent).
    """
    rows = rows.reset_index(drop=True)
    labels = list(labels) if labels is not None else list(rows["measure"])
    figure, ax, foot = _new_figure(8.5, 1.1 + 0.62 * len(rows))
    described = _draw_intervals(ax, rows, labels, log_scale=log_scale, fmt=value_format.format, scale=scale,
                                xlabel=xlabel)
    source = source_line(rows, extra_source)
    _finish(ax, foot, title, source, _legend_handles([_scaled(r, scale) for _, r in rows.iterrows()], rows))
    caption = (caption_intro + " " if caption_intro else "") + "; ".join(described) + "."
    alt = f"Chart: {title}. " + "; ".join(described) + f". {source}"
    return Chart(name, figure, title, alt, caption, chart_data(rows, labels, derived=rows["derived"].astype(bool)),
                 source)


def period_label(row: pd.Series) -> str:
    """A row's measure with the article's words for its period: "recorded terrorist attacks (since 2011)"."""
    period = row.get("period_text")
    return f"{row['measure']} ({period})" if isinstance(period, str) and period else row["measure"]


@_in_house_style
def panels_chart(rows: pd.DataFrame, *, name: str, title: str, by: str = "unit", log_scale: bool = False,
                 extra_source: str = "") -> Chart:
    """Small multiples: one panel of intervals per value of ``by`` (a unit), so no axis mixes units; each row is
    labelled with its measure and its period in the article's words."""
    rows = rows.reset_index(drop=True)
    groups = list(dict.fromkeys(rows[by]))
    heights = [0.9 + 0.62 * int((rows[by] == g).sum()) for g in groups]
    with _style(STYLE):
        figure = Figure(figsize=(9.0, sum(heights) + 0.8 * len(groups) + 1.0), layout="constrained")
        grid = figure.add_gridspec(len(groups) + 1, 1, height_ratios=[*heights, 1.0])
        axes = [figure.add_subplot(grid[i]) for i in range(len(groups))]
        foot = figure.add_subplot(grid[len(groups)])
    foot.axis("off")
    described = []
    for ax, group in zip(axes, groups, strict=True):
        part = rows.loc[rows[by] == group].reset_index(drop=True)
        labels = [period_label(r) for _, r in part.iterrows()]
        words = _draw_intervals(ax, part, labels, log_scale=log_scale, fmt="{:,.0f}".format, xlabel=str(group))
        described.append(f"{group}: " + "; ".join(words))
    source = source_line(rows, extra_source)
    _finish(axes[0], foot, "", source, _legend_handles([bounds_of(r) for _, r in rows.iterrows()], rows))
    for ax, group in zip(axes, groups, strict=True):
        ax.set_title(f"{group}", loc="left", fontsize=10, fontweight="normal", color=COLOURS["text"])
    figure.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    caption = f"One panel per unit ({', '.join(map(str, groups))}). " + " | ".join(described) + "."
    data = chart_data(rows, [period_label(r) for _, r in rows.iterrows()], unit=rows[by])
    return Chart(name, figure, title, f"Chart in panels: {title}. {caption} {source}", caption, data, source)


def _legend_handles(drawn: list[Bounds], rows: pd.DataFrame) -> list:
    """Legend entries for the marks the chart uses, each drawn as the mark is: each colour, the diamond of an
    approximate value, the short dotted mark of a "nearly", and what hollow and filled ends mean."""
    listed = [r for _, r in rows.iterrows()]
    near = [close_below(r) for r in listed]
    used = {_style_of(r) for r, n in zip(listed, near, strict=True) if not n}
    approximate = any(b.is_point and b.bound == "approximate" for b in drawn)
    exact = any(b.is_point and b.bound != "approximate" for b in drawn)
    entries = {
        "exact": Line2D([], [], marker="o", ls="", color=COLOURS["exact"], ms=8, label="exact figure"),
        "range": _both_ends(Line2D([], [], color=COLOURS["range"], lw=6, marker="o", ms=8,
                                   label="range (both ends stated)")),
        "open": Line2D([], [], ls="-", lw=6, alpha=0.5, color=COLOURS["open"], marker=">", ms=8,
                       label="open bound: “more than”, no upper end (arrow)"),
        "vague": Line2D([], [], ls="-", lw=6, alpha=0.5, color=COLOURS["vague"], marker=">", ms=8,
                        label="vague word: from the least value it allows, no upper end (arrow)"),
        "derived": Line2D([], [], ls=(0, (2, 1)), lw=6, color=COLOURS["derived"], label="derived by kzfigures (dashed)"),
    }
    handles = []
    for key, entry in entries.items():
        if key == "exact" and "exact" in used:
            if exact:
                handles.append(entry)
            if approximate:
                handles.append(Line2D([], [], marker="D", ls="", color=COLOURS["exact"], ms=8,
                                      label="“about”: the value as stated (diamond)"))
        elif key in used:
            handles.append(entry)
    if any(near):
        handles.append(Line2D([], [], ls=":", lw=6, alpha=0.6, color=COLOURS["open"], marker="o", ms=8,
                              markerfacecolor="white", markeredgewidth=2, markevery=[1],
                              label="“nearly”, “almost”: just under the value; how far under is not stated"))
    ends = [(v, is_open) for b, n in zip(drawn, near, strict=True) if not b.is_point or n
            for v, is_open in (((b.upper, b.upper_open),) if n else ((b.lower, b.lower_open), (b.upper, b.upper_open)))
            if math.isfinite(v)]
    if any(is_open for _, is_open in ends):
        handles.append(Line2D([], [], marker="o", ls="", color=COLOURS["text"], markerfacecolor="white", ms=8,
                              markeredgewidth=2, label="hollow end: that value is not included"))
    if any(not is_open for _, is_open in ends):
        handles.append(Line2D([], [], marker="o", ls="", color=COLOURS["text"], ms=8,
                              label="filled end: that value is included"))
    return handles


# -- counts of figures ---------------------------------------------------------------------------------
@_in_house_style
def count_chart(counts: pd.DataFrame, *, name: str, title: str, article: str | None = None) -> Chart:
    """How many curated figures of each kind the article states (restatements shown apart; what the draft proposed
    is never counted); ``article`` cites it (see kzfigures.citation) when it is not the flagship."""
    figure, ax, foot = _new_figure(7.5, 3.6)
    if counts.empty:
        source = source_line(extra="Counted by kzfigures from the article's text.", article=article)
        ax.axis("off")
        ax.text(0.5, 0.5, "No figure curated yet", ha="center", va="center", transform=ax.transAxes)
        _finish(ax, foot, title, source)
        said = "No figure of this article is curated yet; what kzfigures draft proposed is not counted."
        return Chart(name, figure, title, f"Bar chart: {title}. {said} {source}", said, counts.copy(), source)
    labels = [k.replace("_", " ") for k in counts["bound"]]
    y = list(range(len(counts)))[::-1]
    ax.barh(y, counts["figures"], color=COLOURS["exact"], label="figures")
    ax.barh(y, counts["restatements"], left=counts["figures"], color="white", edgecolor=COLOURS["exact"],
            hatch="//", label="restatements of a figure")
    for yi, first, again in zip(y, counts["figures"], counts["restatements"], strict=True):
        ax.text(first + again + 0.15, yi, f"{first}" + (f" + {again} restated" if again else ""), va="center")
    ax.set_yticks(y, labels)
    ax.set_xlabel("number of figures in the article")
    ax.set_xlim(0, max(counts["figures"] + counts["restatements"]) + 2)
    source = source_line(extra="Counted by kzfigures from the article's text.", article=article)
    _finish(ax, foot, title, source, ax.get_legend_handles_labels()[0])
    described = "; ".join(f"{lbl}: {n}" + (f" (+{r} restated)" if r else "")
                          for lbl, n, r in zip(labels, counts["figures"], counts["restatements"], strict=True))
    caption = (f"The article states {int(counts['figures'].sum())} distinct figures (curated) by kind of bound: "
               f"{described}.")
    return Chart(name, figure, title, f"Bar chart: {title}. {described}. {source}", caption,
                 counts.reset_index(drop=True), source)


# -- parts of a total ----------------------------------------------------------------------------------
@_in_house_style
def parts_chart(total: pd.Series, parts: pd.DataFrame, *, name: str, title: str, xlabel: str) -> Chart:
    """A stated total split into parts, the derived part hatched and labelled as derived."""
    figure, ax, foot = _new_figure(8.5, 2.4)
    left = 0.0
    described = []
    for _, part in parts.iterrows():
        derived = bool(part["derived"])
        value = part["lower"]
        ax.barh([0], [value], left=left, color="white" if derived else COLOURS["exact"],
                edgecolor=COLOURS["derived"] if derived else COLOURS["exact"], hatch="//" if derived else None, lw=1.5)
        label = f"{part['label']}: {value:,.0f}" + (" (derived)" if derived else "")
        ax.text(left + value / 2, 0, label, ha="center", va="center", fontsize=9,
                color=COLOURS["text"] if derived else "white", fontweight="bold")
        described.append(label)
        left += value
    ax.axvline(total["lower"], color=COLOURS["text"], lw=1, ls="--")
    ax.text(total["lower"], 0.48, f"stated total: {total['lower']:,.0f}", ha="right", va="bottom", fontsize=9)
    ax.set_yticks([])
    ax.set_ylim(-0.6, 0.8)
    ax.set_xlim(0, total["lower"] * 1.08)
    ax.set_xlabel(xlabel)
    rows = pd.concat([total.to_frame().T, parts.loc[~parts["derived"].astype(bool)]], ignore_index=True)
    source = source_line(rows, "The remainder is derived by kzfigures (total minus the stated part); the article "
                               "does not say who the others were.")
    _finish(ax, foot, title, source)
    caption = f"{total['measure'].capitalize()}: {total['lower']:,.0f}, of which " + "; ".join(described) + "."
    whole = pd.concat([total.to_frame().T.assign(label="stated total"), parts], ignore_index=True)
    data = chart_data(whole, whole["label"], derived=whole["derived"].astype(bool))
    return Chart(name, figure, title, f"Stacked bar: {title}. {caption} {source}", caption, data, source)


# -- places --------------------------------------------------------------------------------------------
@_in_house_style
def places_chart(places: pd.DataFrame, *, name: str, title: str) -> Chart:
    """The places the article names, at their (external) coordinates; no borders are drawn."""
    figure, ax, foot = _new_figure(7.5, 4.6)
    described = []
    for _, place in places.iterrows():
        attack = place["role"] == "attacks"
        colour = COLOURS["open"] if attack else COLOURS["external"]
        ax.plot(place["longitude"], place["latitude"], marker="o" if attack else "s", ms=11, color=colour)
        ax.annotate(place["quote"], (place["longitude"], place["latitude"]), xytext=(8, 6),
                    textcoords="offset points", fontsize=10)
        described.append(f"{place['quote']} ({place['latitude']:.2f}° N, {place['longitude']:.2f}° E; "
                         f"{'attacks occurred here' if attack else 'for reference: ' + place['role_in_article']})")
    ax.set_xlim(places["longitude"].min() - 4, places["longitude"].max() + 5)
    ax.set_ylim(places["latitude"].min() - 3, places["latitude"].max() + 3)
    mid = math.radians(places["latitude"].mean())
    ax.set_aspect(1 / math.cos(mid))
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.grid(color="#eeeeee")
    handles = [Line2D([], [], marker="o", ls="", color=COLOURS["open"], ms=9,
                      label="named as where attacks occurred")]
    if (places["role"] != "attacks").any():
        handles.append(Line2D([], [], marker="s", ls="", color=COLOURS["external"], ms=9, label="for reference"))
    source = source_line(extra="Coordinates are external: the cities' Wikipedia infoboxes, not the article. "
                               "No borders are drawn.")
    _finish(ax, foot, title, source, handles)
    caption = "Places named in the article: " + "; ".join(described) + "."
    data = places[[c for c in ("quote", "role", "role_in_article", "latitude", "longitude", "coordinates_source")
                   if c in places.columns]].reset_index(drop=True)
    return Chart(name, figure, title, f"Map-like scatter chart: {title}. {caption} {source}", caption, data, source)


# -- penalty range -------------------------------------------------------------------------------------
@_in_house_style
def penalty_chart(term: pd.Series, sentences: pd.DataFrame, *, name: str, title: str, note: str = "") -> Chart:
    """The legal term as a range, and individual sentences as points beside it; ``note`` says what the comparison
    does not show (it goes into the source line and the caption)."""
    figure, ax, foot = _new_figure(8.5, 1.4 + 0.6 * (1 + len(sentences)))
    n = len(sentences) + 1
    b = bounds_of(term)
    ax.plot([float(b.lower), float(b.upper)], [n - 1, n - 1], color=COLOURS["range"], lw=9, solid_capstyle="butt")
    for end in (b.lower, b.upper):
        ax.plot([float(end)], [n - 1], marker="o", ms=10, color=COLOURS["range"])
    ax.annotate(f"{b.describe()} years", (b.lower, n - 1), xytext=(0, 10), textcoords="offset points")
    labels = [_wrap(f"term from {term['period_start']:%d %b %Y}", 30)]
    described = [f"the term for taking part in a foreign armed conflict from {term['period_start']:%d %B %Y}: "
                 f"{b.describe()} years"]
    for i, (_, sentence) in enumerate(sentences.iterrows()):
        y = n - 2 - i
        ax.plot([sentence["lower"]], [y], marker="o", ms=10, color=COLOURS["exact"])
        ax.annotate(f"{sentence['lower']:g} years", (sentence["lower"], y), xytext=(0, 10), textcoords="offset points")
        labels.append(_wrap(sentence["label"], 30))
        described.append(f"{sentence['label']}: {sentence['lower']:g} years")
    ax.set_yticks(range(n), list(reversed(labels)))
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0, max(b.upper, sentences["lower"].max() if len(sentences) else 0) + 1.5)
    ax.set_xlabel("years in prison")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    rows = pd.concat([term.to_frame().T, sentences], ignore_index=True)
    source = source_line(rows, note)
    handles = [_both_ends(Line2D([], [], color=COLOURS["range"], lw=6, marker="o", label="range the law allows")),
               Line2D([], [], marker="o", ls="", color=COLOURS["exact"], ms=8, label="a sentence given")]
    _finish(ax, foot, title, source, handles)
    caption = "; ".join(described) + "." + (f" {note}" if note else "")
    data = chart_data(rows, [f"term from {term['period_start']:%d %B %Y}", *sentences["label"]])
    return Chart(name, figure, title, f"Chart: {title}. {caption} {source}", caption, data, source)


# -- timeline ------------------------------------------------------------------------------------------
@_in_house_style
def timeline_chart(events: pd.DataFrame, external: pd.DataFrame, published: pd.Timestamp, *, name: str,
                   title: str, first_year: int, last_year: int) -> Chart:
    """Dated events on a time axis: periods as bars (open ones run to publication), external events in grey."""
    rows = [(e["date_start"], e["date_end"], e["label"], e["date_text"], False) for _, e in events.iterrows()]
    rows += [(e["date"], e["date"], e["label"] + " (external)", e["date"].strftime("%d %b %Y"), True)
             for _, e in external.iterrows()]
    rows.sort(key=lambda r: r[0])
    figure, ax, foot = _new_figure(9.5, 1.3 + 0.55 * len(rows))
    described = []
    for i, (first, last, label, when, is_external) in enumerate(rows):
        y = len(rows) - 1 - i
        colour = COLOURS["external"] if is_external else COLOURS["exact"]
        running = pd.isna(last)
        finish = published if running else last
        if finish > first:
            ax.plot([first, finish], [y, y], color=colour, lw=7, alpha=0.6 if running else 0.9, solid_capstyle="butt")
            if running:
                ax.annotate("", xy=(finish, y), xytext=(first, y),
                            arrowprops=dict(arrowstyle="-|>", color=colour, lw=2, mutation_scale=16))
        else:
            ax.plot([first], [y], marker="s" if is_external else "o", ms=9, color=colour)
        ax.annotate(f"“{when}”" if not is_external else when, (first, y), xytext=(0, 8), textcoords="offset points",
                    fontsize=8, color=COLOURS["text"])
        described.append(f"{label}: {when}" + (", still running at publication" if running else ""))
    ax.axvline(published, color=COLOURS["open"], ls="--", lw=1)
    ax.text(published, len(rows) - 0.4, f" article published ({published:%B %Y})", color=COLOURS["open"], fontsize=8,
            va="bottom")
    ax.set_yticks(range(len(rows)), [_wrap(r[2], 44) for r in reversed(rows)], fontsize=8)
    ax.set_ylim(-0.7, len(rows) + 0.1)
    ax.set_xlim(pd.Timestamp(first_year, 1, 1), pd.Timestamp(last_year, 12, 31))
    ax.set_xlabel("date")
    ax.grid(axis="x", color="#eeeeee")
    kinds = {("external" if r[4] else "day" if not pd.isna(r[1]) and not r[1] > r[0] else
              "running" if pd.isna(r[1]) else "period") for r in rows}
    entries = [("period", Line2D([], [], color=COLOURS["exact"], lw=6, alpha=0.9, label="from the article: a period")),
               ("day", Line2D([], [], marker="o", ls="", color=COLOURS["exact"], ms=8,
                              label="from the article: one day")),
               ("running", Line2D([], [], color=COLOURS["exact"], lw=6, alpha=0.6, marker=">", ms=8,
                                  label="still running at publication (arrow)")),
               ("external", Line2D([], [], marker="s", ls="", color=COLOURS["external"], ms=8,
                                   label="external (source in the table below)"))]
    handles = [handle for kind, handle in entries if kind in kinds]
    source = source_line(extra="Grey events are external: see their sources in the table.")
    _finish(ax, foot, title, source, handles)
    caption = "Timeline: " + "; ".join(described) + "."
    data = pd.DataFrame({"label": [r[2] for r in rows], "date as written": [r[3] for r in rows],
                         "from": [r[0] for r in rows], "to": [r[1] for r in rows], "external": [r[4] for r in rows]})
    return Chart(name, figure, title, f"Timeline chart: {title}. {caption} {source}", caption, data, source)


def _estimate_handles(used: set[str]) -> list:
    """The legend of an estimates chart: an entry for each kind of mark drawn, drawn as the mark is."""
    entries = [
        ("article point", Line2D([], [], marker="D", ls="", color=COLOURS["exact"], ms=8, label="the article's figure")),
        ("article range", _both_ends(Line2D([], [], marker="o", ls="-", lw=4, color=COLOURS["exact"], ms=7,
                                            label="the article's figure"))),
        ("same range", _both_ends(Line2D([], [], marker="o", ls="-", lw=4, color=COLOURS["range"], ms=7,
                                         label="external range, same scope as the article (EXTERNAL)"))),
        ("same point", Line2D([], [], marker="o", ls="", color=COLOURS["range"], ms=9,
                              label="external value, same scope as the article (EXTERNAL)")),
        ("other range", _both_ends(Line2D([], [], marker="o", ls="-", lw=4, color=COLOURS["external"], ms=7,
                                          markerfacecolor="white", markeredgewidth=2,
                                          label="external range, different scope: no verdict (EXTERNAL)"))),
        ("other point", Line2D([], [], marker="o", ls="", color=COLOURS["external"], ms=9, markerfacecolor="white",
                               markeredgewidth=2, label="external value, different scope: no verdict (EXTERNAL)")),
        ("near", Line2D([], [], ls=":", lw=4, alpha=0.6, color=COLOURS["external"], marker="o", ms=7,
                        markerfacecolor="white", markeredgewidth=2,
                        label="“nearly”, “almost”: just under the value; how far under is not stated")),
        ("arrow", Line2D([], [], ls="-", lw=4, alpha=0.5, color=COLOURS["text"], marker="^", ms=7,
                         label="arrow: no upper end")),
        ("hollow", Line2D([], [], marker="o", ls="", color=COLOURS["text"], markerfacecolor="white", ms=7,
                          markeredgewidth=2, label="hollow end: that value is not included")),
        ("filled", Line2D([], [], marker="o", ls="", color=COLOURS["text"], ms=7,
                          label="filled end: that value is included")),
        ("whisker", Line2D([], [], ls="-", lw=1, color=COLOURS["text"],
                           label="thin line: the span of a date known only to the month or year")),
    ]
    return [handle for kind, handle in entries if kind in used]


# -- estimates over time -----------------------------------------------------------------------------------
def own_words(row: pd.Series, bounds: Bounds) -> str:
    """A figure as its source wrote it (its number_text: "nearly 30,000", never our reading "under 30,000"); the
    bounds in words only for a row without one."""
    text = row.get("number_text")
    return str(text) if isinstance(text, str) and text.strip() else bounds.describe(lambda v: number(v))


@_in_house_style
def estimates_chart(estimates: pd.DataFrame, article: pd.Series, published: pd.Timestamp, *, name: str, title: str,
                    ylabel: str, log_scale: bool = False, extra_source: str = "") -> Chart:
    """Estimates as intervals on a date axis: each at the date it describes (vertical bar for a range, arrow for an
    open top, a point for a single value; a whisker spans a date known to the month or year only), numbered, with
    a key naming who published each; the article's figure is drawn at its publication month in its own colour.
    Estimates whose scope differs from the article's are drawn hollow and grey.

    ``estimates`` needs: bounds, as_of_start, as_of_end, label, same_scope (bool); ``article``: a figures-table row.
    """
    figure, ax, foot = _new_figure(10.5, 4.8, footer=1.2)
    drawn = [(row["as_of_start"], row["as_of_end"], row["bounds"], row["label"], bool(row["same_scope"]), False,
              own_words(row, row["bounds"]), close_below(row)) for _, row in estimates.iterrows()]
    month_end = published.normalize()
    drawn.append((month_end.replace(day=1), month_end, bounds_of(article), "the article", True, True,
                  own_words(article, bounds_of(article)), close_below(article)))
    finite = [float(v) for d in drawn for v in (d[2].lower, d[2].upper) if math.isfinite(v) and v > 0]
    log_scale = log_scale and spans_a_decade(finite)
    top = max(finite) * (3 if log_scale else 1.3)
    bottom = min(finite) / 2 if log_scale else 0
    described, key = [], []
    placed: list[tuple[pd.Timestamp, float, float]] = []
    used: set[str] = set()
    for number_on_chart, (first, last, b, label, same, is_article, words, near) in enumerate(
            sorted(drawn, key=lambda d: d[0]), 1):
        when = first + (last - first) / 2
        colour = COLOURS["exact"] if is_article else (COLOURS["range"] if same else COLOURS["external"])
        face = colour if same else "white"
        lo = max(float(b.lower), bottom) if log_scale else float(b.lower)
        hi = top if b.upper == math.inf else float(b.upper)
        if near and math.isfinite(b.upper):
            lo = hi * CLOSE_BELOW_FACTOR if log_scale else hi * (1 - CLOSE_BELOW_SPAN)
        # a mark that would hide under one already drawn (same month, overlapping values) moves aside
        while any(abs((when - w).days) < DODGE_DAYS and lo <= h and hi >= low for w, low, h in placed):
            when += pd.Timedelta(days=DODGE_DAYS)
        placed.append((when, lo, hi))
        if last > first:  # the date is known to the month or year only: a whisker spans it
            ax.plot([first, last], [lo, lo], color=colour, lw=1, alpha=0.7, zorder=1)
            used.add("whisker")
        if near and math.isfinite(b.upper):
            ax.plot([when, when], [lo, hi], color=colour, lw=5, alpha=0.8, ls=":", zorder=2)
            ax.plot([when], [hi], marker="o", ms=7, color=colour, zorder=4, markeredgewidth=2, markerfacecolor="white")
            used.update({"near", "hollow"})
        elif b.is_point:
            ax.plot([when], [lo], marker="D" if is_article else "o", ms=9, color=colour, markerfacecolor=face,
                    markeredgewidth=2, zorder=4)
            used.add("article point" if is_article else f"{'same' if same else 'other'} point")
        else:
            ax.plot([when, when], [lo, hi], color=colour, lw=5, alpha=0.45 if b.upper == math.inf else 0.85,
                    solid_capstyle="butt", zorder=2)
            if b.upper == math.inf:
                ax.annotate("", xy=(when, top), xytext=(when, lo),
                            arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.5, mutation_scale=14), zorder=3)
                used.add("arrow")
            for value, is_open, end in ((lo, b.lower_open, b.lower), (hi, b.upper_open, b.upper)):
                if math.isfinite(end) and not (log_scale and end <= 0):
                    ax.plot([when], [value], marker="o", ms=7, color=colour, zorder=4, markeredgewidth=2,
                            markerfacecolor="white" if is_open else colour)
                    used.add("hollow" if is_open else "filled")
            used.add("article range" if is_article else f"{'same' if same else 'other'} range")
        ax.annotate(str(number_on_chart), (when, lo), xytext=(5, -4), textcoords="offset points", fontsize=8,
                    fontweight="bold", color=COLOURS["text"])
        span = (last - first).days
        date = f"{first:%Y}" if span > 40 else (f"{first:%b %Y}" if span > 0 else f"{first:%d %b %Y}")
        key.append(f"{number_on_chart}. {label}, {date}: {words}" + ("" if same else " (different scope)"))
        described.append(f"{date}, {label}: {words}" + ("" if same else " (different scope)"))
    ax.text(1.02, 1.0, "\n".join(textwrap.fill(k, 42, subsequent_indent="   ") for k in key), transform=ax.transAxes,
            va="top", ha="left", fontsize=7.5, color=COLOURS["text"])
    ax.axvline(published, color=COLOURS["open"], ls="--", lw=1)
    ax.text(published, top, f" article published ({published:%B %Y})", color=COLOURS["open"], fontsize=8, va="top")
    if log_scale:
        ax.set_yscale("log")
        _log_ticks(ax.yaxis, float(bottom), float(top))
        ylabel += " (log scale)"
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    ax.set_ylim(bottom, top)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("date the figure describes")
    ax.grid(axis="y", color="#eeeeee")
    handles = _estimate_handles(used)
    publishers = "; ".join(dict.fromkeys(estimates["label"]))
    source = source_line(article.to_frame().T, f"External figures (not the article's): {publishers}; each with its "
                                               f"URL in the table below. {extra_source}".strip())
    _finish(ax, foot, title, source, handles)
    caption = "Estimates by the date they describe: " + "; ".join(described) + "."
    both = pd.concat([estimates, article.to_frame().T.assign(label="the article", as_of=article.get("period_text", ""),
                                                             same_scope=True)], ignore_index=True)
    data = chart_data(both, both["label"], as_of=both["as_of"].fillna(""), same_scope=both["same_scope"].astype(bool))
    return Chart(name, figure, title, f"Chart: {title}. {caption} {source}", caption, data, source)
