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
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar, cast

import matplotlib
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerLine2D
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ..figures.bounds import Bounds
from ..figures.citation import citation
from ..figures.formatting import number, stated
from ..figures.lexicon import lexicon
from ..figures.literal import xml_text
from ..figures.table import bounds_of, change_words, credit, curator_reading, is_change

P = ParamSpec("P")
R = TypeVar("R")

#: Okabe-Ito colours by how a figure is bounded.
COLOURS = {"exact": "#0072B2", "range": "#009E73", "open": "#D55E00", "vague": "#CC79A7", "derived": "#E69F00",
           "external": "#999999", "text": "#333333"}

STYLE = {
    "font.size": 10, "axes.titlesize": 12, "axes.titleweight": "bold", "axes.labelsize": 10,
    "axes.spines.top": False, "axes.spines.right": False, "svg.hashsalt": "kzfigures", "svg.fonttype": "none",
    # the SVG keeps its text as text (a designer can edit and search it), in this font or the next one a reader has
    "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans", "Verdana", "Arial", "Helvetica"],
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


#: True while a chart is drawn for a phone (_in_house_style draws each chart twice): narrow, with larger type,
#: and without the legend, the numbered key and the source line, which the report gives as text under it.
_PHONE: ContextVar[bool] = ContextVar("kzfigures_phone", default=False)
#: A phone drawing's width in inches: shown about 370 px wide at 390 px, 9-point type stands about 13 px tall, as
#: large as the page's small print.
PHONE_WIDTH = 3.6
#: A phone drawing's resolution: sharp on a phone's screen of two or three pixels to the CSS pixel.
PHONE_DPI = 220
#: The least type size (points) on a phone drawing.
PHONE_LEAST_FONT = 9.0


def _for_phone() -> bool:
    """Whether the chart being drawn is the phone drawing."""
    return _PHONE.get()


def _fs(size: float) -> float:
    """A type size, at least PHONE_LEAST_FONT on a phone drawing."""
    return max(size, PHONE_LEAST_FONT) if _for_phone() else size


def _in_house_style(draw: Callable[P, Chart]) -> Callable[P, Chart]:
    """Run a drawing function with _house_rc() in force, whatever rc the user has; then draw it again for a phone
    (chart.phone) and keep the legend's words (chart.key) for the text under the chart."""
    @functools.wraps(draw)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> Chart:
        with _style(_house_rc()):
            chart = draw(*args, **kwargs)
        token = _PHONE.set(True)
        try:
            with _style(_house_rc()):
                chart.phone = draw(*args, **kwargs).figure
        finally:
            _PHONE.reset(token)
        chart.key = [*_legend_words(chart.figure), *chart.key]
        return chart
    return drawn


#: The colours in words, for a key written as text.
COLOUR_WORDS = {"exact": "blue", "range": "green", "open": "red-orange", "vague": "pink", "derived": "orange",
                "external": "grey", "text": "black"}
#: Marker shapes in words.
MARKER_WORDS = {"o": "circle", "s": "square", "D": "diamond", ">": "arrow", "^": "arrow"}


def _mark_words(handle: Any) -> str:
    """How a legend entry's mark looks, in words: "green bar with circles", "hollow grey circle"."""
    from matplotlib.colors import to_hex

    names = {v.lower(): COLOUR_WORDS[k] for k, v in COLOURS.items()}
    if not isinstance(handle, Line2D):  # a bar (a Rectangle): filled, or white and hatched in its edge's colour
        face = to_hex(handle.get_facecolor())
        if face == "#ffffff":
            return f"white bar hatched in {names.get(to_hex(handle.get_edgecolor()), '')}".strip()
        return f"{names.get(face, '')} bar".strip()
    named = names.get(to_hex(handle.get_color()).lower(), "")
    marker = MARKER_WORDS.get(str(handle.get_marker()), "")
    hollow = marker and str(handle.get_markerfacecolor()).lower() in ("white", "#ffffff", "none")
    line = handle.get_linestyle() not in ("None", "", " ", "none")
    style = {":": "dotted ", "--": "dashed "}.get(str(handle.get_linestyle()), "")
    if line and marker:
        return f"{named} {style}bar with {'hollow ' if hollow else ''}{marker}s".strip()
    if line:
        return f"{named} {style}line".strip()
    return f"{'hollow ' if hollow else ''}{named} {marker}".strip()


def _legend_words(figure: Figure) -> list[str]:
    """What a figure's legend says, entry by entry, with how each mark looks ("hollow grey circle: …")."""
    return [f"{_mark_words(h)}: {t.get_text()}" if _mark_words(h) else t.get_text()
            for ax in figure.axes for legend in [ax.get_legend()] if legend is not None
            for h, t in zip(legend.legend_handles, legend.get_texts(), strict=True)]


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
    #: the chart drawn for a phone: narrow, larger type, no legend, key or source line (they go under it as text)
    phone: Figure | None = None
    #: what the legend and the numbered key say, for the text under a phone drawing
    key: list[str] = field(default_factory=list)

    def png(self, phone: bool = False) -> bytes:
        """The chart (or its phone drawing) as PNG bytes (no software stamp, so rebuilds give the same bytes)."""
        figure = self.phone if phone and self.phone is not None else self.figure
        buffer = io.BytesIO()
        with _style(_house_rc()):
            figure.savefig(buffer, format="png", metadata={"Software": None}, bbox_inches="tight",
                           dpi=PHONE_DPI if phone else None)
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


def _alt(kind: str, title: str) -> str:
    """A chart's alt text: short, what kind of chart and its title; every number is in the caption under it, and
    the source line under it too."""
    return f"{kind}: {title}. Its caption gives every number it shows."


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
    if _for_phone():
        width, footer = PHONE_WIDTH, 0.05
    with _style(STYLE):
        figure = Figure(figsize=(width, height + footer), layout="constrained")
        grid = figure.add_gridspec(2, 1, height_ratios=[height, footer])
        ax, foot = figure.add_subplot(grid[0]), figure.add_subplot(grid[1])
    foot.axis("off")
    return figure, ax, foot


def _credits(rows: pd.DataFrame) -> str:
    """Who the drawn figures are credited to, for the source line."""
    return "; ".join(dict.fromkeys(credit(row) for _, row in rows.iterrows()))


def articles_cited(rows: pd.DataFrame | None) -> str:
    """The articles ``rows`` come from (their seed_id), each cited once in the order met: "A; B"; "" when none."""
    if rows is None or "seed_id" not in rows:
        return ""
    seeds = [s for s in rows["seed_id"] if isinstance(s, str) and s]
    return "; ".join(_cite_seed(seed) for seed in dict.fromkeys(seeds))


def _cite_seed(seed: str) -> str:
    """An article cited from its metadata; by its id when this collection ($KZFIGURES_ROOT) does not hold it."""
    try:
        return citation(seed)
    except ValueError:  # the rows were loaded from another folder (load_figures(root=…))
        return f"the article “{seed}”"


def source_line(rows: pd.DataFrame | None = None, extra: str = "", article: str | None = None) -> str:
    """The source line under a chart: the article(s) its rows come from (or ``article``, a citation, when the rows
    do not say), who is credited, and anything external. ValueError when nothing says which article it is."""
    cited = article or articles_cited(rows)
    if not cited:
        raise ValueError("a chart's source line needs its article: rows with a seed_id, or "
                         "article=kzfigures.citation(seed_id)")
    line = f"Source: {cited}."
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
    if _for_phone():  # the legend and the source line go under the chart as text
        with _style(STYLE):
            ax.set_title(textwrap.fill(title, 34), loc="left", fontsize=_fs(11))
        return
    with _style(STYLE):
        ax.set_title(textwrap.fill(title, 80), loc="left")
        text = textwrap.fill(source, 115)
        if handles:
            legend = foot.legend(handles=handles, loc="upper left", ncol=2, fontsize=_fs(8), frameon=False,
                                 bbox_to_anchor=(0, 1.05), borderaxespad=0, handler_map=_HANDLERS)
            # the source line hangs under the legend's own box, so however many entries it has they never meet
            foot.annotate(text, xy=(0, 0), xycoords=legend, xytext=(0, -8), textcoords="offset points", ha="left",
                          va="top", fontsize=_fs(7.5), color=COLOURS["text"], annotation_clip=False)
        else:
            foot.text(0, 1, text, ha="left", va="top", fontsize=_fs(7.5), color=COLOURS["text"], transform=foot.transAxes)
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
    subs = (1.0, 2.0, 5.0) if decades <= 2.2 else (1.0, 3.0)
    axis.set_major_locator(LogLocator(base=10, subs=(1.0,) if _for_phone() and decades > 1.5 else subs))
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
    """Wrap a long label over lines (narrower on a phone drawing)."""
    return "\n".join(textwrap.wrap(label, min(width, 16) if _for_phone() else width)) or label


# -- interval charts -----------------------------------------------------------------------------------
def _scaled(row: pd.Series, scale: float) -> Bounds:
    """A row's Bounds with both ends multiplied by ``scale`` (its bound kept)."""
    exact = bounds_of(row)
    return Bounds(exact.lower * scale, exact.upper * scale, exact.lower_open, exact.upper_open, exact.bound)


def _rows_height(rows: int) -> float:
    """How tall (inches) the plot of an interval chart with ``rows`` rows is: taller on a phone, where each bar has
    its heading over it."""
    return 0.8 + (1.0 if _for_phone() else 0.62) * rows + (0 if _for_phone() else 0.3)


def _interval_axis(drawn: list[Bounds], log_scale: bool) -> tuple[bool, float, float]:
    """Whether an interval chart's axis is a log one, and its left and right ends."""
    finite = [v for b in drawn for v in (b.lower, b.upper) if math.isfinite(v) and v > 0]
    log_scale = log_scale and spans_a_decade(float(v) for v in finite)
    right = (max(finite) if finite else 1.0) * (6 if log_scale else 1.35)
    left = (min(finite) / 3 if finite else 0.1) if log_scale else 0
    return log_scale, float(left), float(right)


def _draw_close_below(ax: Axes, y: float, upper: float, colour: str, log_scale: bool) -> float:
    """A "nearly x" mark: a short dotted bar just under x, and a hollow end at x; return where it starts."""
    lo = upper * CLOSE_BELOW_FACTOR if log_scale else upper * (1 - CLOSE_BELOW_SPAN)
    ax.plot([lo, upper], [y, y], color=colour, lw=7, alpha=0.45, ls=":", solid_capstyle="butt", zorder=2)
    ax.plot([upper], [y], marker="o", ms=9, zorder=4, color=colour, markerfacecolor="white", markeredgewidth=2)
    return lo


def _draw_bar(ax: Axes, b: Bounds, y: float, lo: float, right: float, colour: str, derived: bool) -> None:
    """A range or an open bound as a bar (an arrow where there is no upper end), with hollow or filled ends."""
    hi = right if b.upper == math.inf else float(b.upper)
    ax.plot([lo, hi], [y, y], color=colour, lw=7, alpha=0.35 if b.upper == math.inf else 0.8,
            solid_capstyle="butt", dash_capstyle="butt", zorder=2, ls=(0, (2, 1)) if derived else "-")
    if b.upper == math.inf:
        ax.annotate("", xy=(right, y), xytext=(lo, y), zorder=3,
                    arrowprops=dict(arrowstyle="-|>", color=colour, lw=2, mutation_scale=18))
    for value, is_open in ((lo, b.lower_open), (hi, b.upper_open)):
        if value != right:
            ax.plot([float(value)], [y], marker="o", ms=9, zorder=4, color=colour,
                    markerfacecolor="white" if is_open else colour, markeredgewidth=2)


def _interval_words(b: Bounds, row: pd.Series, fmt: Callable[..., str]) -> str:
    """The words beside an interval: its bounds, "(derived)", and a vague or "nearly" figure's own words."""
    text = b.describe(fmt) + (" (derived)" if row.get("derived") else "")
    if (row["bound"] == "vague" or close_below(row)) and isinstance(row.get("number_text"), str):
        text += f" (“{row['number_text']}”)"
    return text


def _draw_intervals(ax: Axes, rows: pd.DataFrame, labels: list[str], *, log_scale: bool,
                    fmt: Callable[..., str] | None, scale: float = 1.0, xlabel: str) -> list[str]:
    """Draw rows as intervals on one axis (points, bars, hollow or filled ends, arrows); return each row in words.
    ``fmt`` None: a stated figure with every digit it has (stated), a derived one to a few (number)."""
    drawn = [_scaled(row, scale) for _, row in rows.iterrows()]
    log_scale, left, right = _interval_axis(drawn, log_scale)
    described = []
    for i, (b, (_, row)) in enumerate(zip(drawn, rows.iterrows(), strict=True)):
        y = len(rows) - 1 - i
        colour = COLOURS[_style_of(row)]
        lo = max(float(b.lower), left) if log_scale else float(b.lower)
        if close_below(row) and math.isfinite(b.upper):
            lo = _draw_close_below(ax, y, float(b.upper), colour, log_scale)
        elif b.is_point:
            ax.plot([lo], [y], marker="D" if b.bound == "approximate" else "o", ms=9, color=colour, zorder=3)
        else:
            _draw_bar(ax, b, y, lo, right, colour, bool(row.get("derived")))
        text = _interval_words(b, row, fmt or (number if row.get("derived") else stated))
        if _for_phone():  # its words just under each bar, across the drawing's width: no room beside it
            ax.text(0, y - 0.15, textwrap.fill(f"{labels[i]}: {text}", 38), transform=ax.get_yaxis_transform(),
                    fontsize=_fs(9), va="top", ha="left", color=COLOURS["text"])
        else:
            ax.annotate(text, xy=(lo, y), xytext=(4, 9), textcoords="offset points", fontsize=_fs(9),
                        color=COLOURS["text"])
        described.append(f"{labels[i]}: {text}")
    if _for_phone():
        ax.set_yticks([])
        ax.set_ylim(-0.95, len(rows) - 0.6)
    else:
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


def levels_only(rows: pd.DataFrame, labels: list[str] | None = None) -> tuple[pd.DataFrame, list[str] | None, str]:
    """The rows a level chart draws: every one that is no change ("fell 0.8%"), their labels, and a sentence naming
    the changes left out ("" when none was). A change is the size of a rise or a fall, not a level: on a level's
    axis it would read as one, so it is left out and named in the caption. ValueError when every row is a change."""
    rows = rows.reset_index(drop=True)
    moved = [is_change(r) for _, r in rows.iterrows()]
    if not any(moved):
        return rows, labels, ""
    if all(moved):
        raise ValueError("every figure given is a change (a rise or a fall), not a level: a level chart draws levels; "
                         "show changes in a table (views.readable says “a fall of …”)")
    out = [f"“{r['number_text']}” ({change_words(r)})" for (_, r), m in zip(rows.iterrows(), moved, strict=True) if m]
    kept = [i for i, m in enumerate(moved) if not m]
    said = (f"Not drawn, as {'it is a change' if len(out) == 1 else 'they are changes'} (the size of a rise or a "
            f"fall), not {'a level' if len(out) == 1 else 'levels'}: {', '.join(out)}.")
    return rows.iloc[kept].reset_index(drop=True), [labels[i] for i in kept] if labels is not None else None, said


@_in_house_style
def interval_chart(rows: pd.DataFrame, *, name: str, title: str, xlabel: str, labels: Iterable[str] | None = None,
                   log_scale: bool = False, value_format: str | None = None, caption_intro: str = "",
                   extra_source: str = "", scale: float = 1.0) -> Chart:
    """Draw figures as intervals on one axis: points for exact values, bars for ranges, arrows for open ends.

    ``scale`` multiplies the values drawn (100 to draw a share as percent); ``value_format`` ("{:,.2f}") writes the
    values, each with every digit it has when None ($44.38 stays 44.38).
    """
    rows, given, left_out = levels_only(rows, list(labels) if labels is not None else None)
    labels = given if given is not None else list(rows["measure"])
    figure, ax, foot = _new_figure(8.5, _rows_height(len(rows)))
    described = _draw_intervals(ax, rows, labels, log_scale=log_scale,
                                fmt=value_format.format if value_format else None, scale=scale,
                                xlabel=xlabel)
    source = source_line(rows, extra_source)
    _finish(ax, foot, title, source, _legend_handles([_scaled(r, scale) for _, r in rows.iterrows()], rows))
    caption = (caption_intro + " " if caption_intro else "") + "; ".join(described) + "." + (
        f" {left_out}" if left_out else "")
    return Chart(name, figure, title, _alt("Chart", title), caption,
                 chart_data(rows, labels, derived=rows["derived"].astype(bool)), source)


def period_label(row: pd.Series) -> str:
    """A row's measure with the article's words for its period: "recorded terrorist attacks (since 2011)"."""
    period = row.get("period_text")
    if not isinstance(period, str) or not period:
        return str(row["measure"])
    # the article's words for the period, less the capital of a sentence's start ("Since 2004" -> "since 2004")
    return f"{row['measure']} ({period[0].lower() + period[1:] if period[1:2].islower() else period})"


@_in_house_style
def panels_chart(rows: pd.DataFrame, *, name: str, title: str, by: str = "unit", log_scale: bool = False,
                 extra_source: str = "") -> Chart:
    """Small multiples: one panel of intervals per value of ``by`` (a unit), so no axis mixes units; each row is
    labelled with its measure and its period in the article's words. A change is left out (levels_only)."""
    rows, _, left_out = levels_only(rows)
    groups = list(dict.fromkeys(rows[by]))
    heights = [_rows_height(int((rows[by] == g).sum())) - 0.2 for g in groups]
    with _style(STYLE):
        figure = Figure(figsize=(PHONE_WIDTH if _for_phone() else 9.0, sum(heights) + 0.8 * len(groups) + 1.0),
                        layout="constrained")
        grid = figure.add_gridspec(len(groups) + 1, 1, height_ratios=[*heights, 0.05 if _for_phone() else 1.0])
        axes = [figure.add_subplot(grid[i]) for i in range(len(groups))]
        foot = figure.add_subplot(grid[len(groups)])
    foot.axis("off")
    described = []
    for ax, group in zip(axes, groups, strict=True):
        part = rows.loc[rows[by] == group].reset_index(drop=True)
        labels = [period_label(r) for _, r in part.iterrows()]
        words = _draw_intervals(ax, part, labels, log_scale=log_scale, fmt=None, xlabel=str(group))
        described.append(f"{group}: " + "; ".join(words))
    source = source_line(rows, extra_source)
    _finish(axes[0], foot, "", source, _legend_handles([bounds_of(r) for _, r in rows.iterrows()], rows))
    for ax, group in zip(axes, groups, strict=True):
        ax.set_title(f"{group}", loc="left", fontsize=_fs(10), fontweight="normal", color=COLOURS["text"])
    figure.suptitle(textwrap.fill(title, 34) if _for_phone() else title, x=0.01, ha="left", fontsize=_fs(12),
                    fontweight="bold")
    caption = f"One panel per unit ({', '.join(map(str, groups))}). " + " | ".join(described) + "." + (
        f" {left_out}" if left_out else "")
    data = chart_data(rows, [period_label(r) for _, r in rows.iterrows()], unit=rows[by])
    return Chart(name, figure, title, _alt("Chart in panels", title), caption, data, source)


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
    entries["approximate"] = Line2D([], [], marker="D", ls="", color=COLOURS["exact"], ms=8,
                                    label="“about”: the value as stated (diamond)")
    shown = {"exact": "exact" in used and exact, "approximate": "exact" in used and approximate,
             **{key: key in used for key in ("range", "open", "vague", "derived")}}
    handles = [entries[key] for key, show in shown.items() if show]
    if any(near):
        handles.append(Line2D([], [], ls=":", lw=6, alpha=0.6, color=COLOURS["open"], marker="o", ms=8,
                              markerfacecolor="white", markeredgewidth=2, markevery=[1],
                              label="“nearly”, “almost”: just under the value; how far under is not stated"))
    return handles + _end_handles(drawn, near)


def _end_handles(drawn: list[Bounds], near: list[bool]) -> list:
    """The legend entries for hollow and filled ends, for those the marks show."""
    ends = [is_open for b, n in zip(drawn, near, strict=True) if not b.is_point or n
            for v, is_open in (((b.upper, b.upper_open),) if n else ((b.lower, b.lower_open), (b.upper, b.upper_open)))
            if math.isfinite(v)]
    handles = []
    if any(ends):
        handles.append(Line2D([], [], marker="o", ls="", color=COLOURS["text"], markerfacecolor="white", ms=8,
                              markeredgewidth=2, label="hollow end: that value is not included"))
    if ends and not all(ends):
        handles.append(Line2D([], [], marker="o", ls="", color=COLOURS["text"], ms=8,
                              label="filled end: that value is included"))
    return handles


# -- counts of figures ---------------------------------------------------------------------------------
@_in_house_style
def count_chart(counts: pd.DataFrame, *, name: str, title: str, article: str) -> Chart:
    """How many curated figures of each kind the article states (restatements shown apart; what the draft proposed
    is never counted); ``article`` cites it (kzfigures.citation(seed_id)): the counts do not say which it is."""
    figure, ax, foot = _new_figure(7.5, 3.6)
    if counts.empty:
        source = source_line(extra="Counted by kzfigures from the article's text.", article=article)
        ax.axis("off")
        ax.text(0.5, 0.5, "No figure curated yet", ha="center", va="center", transform=ax.transAxes)
        _finish(ax, foot, title, source)
        said = "No figure of this article is curated yet; what kzfigures draft proposed is not counted."
        return Chart(name, figure, title, _alt("Bar chart", title), said, counts.copy(), source)
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
    return Chart(name, figure, title, _alt("Bar chart", title), caption,
                 counts.reset_index(drop=True), source)


#: The least share of the total a part's bar needs for its label to stand inside it (else it goes under the bar).
PARTS_LABEL_SHARE = 0.35


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
        fits = value / total["lower"] >= PARTS_LABEL_SHARE and not _for_phone()
        ax.text(left + value / 2, 0 if fits else -0.42, _wrap(label, 40) if fits else _wrap(label, 22),
                ha="center", va="center" if fits else "top", fontsize=_fs(9),
                color="white" if fits and not derived else COLOURS["text"], fontweight="bold")
        described.append(label)
        left += value
    ax.axvline(total["lower"], color=COLOURS["text"], lw=1, ls="--")
    ax.text(total["lower"], 0.48, f"stated total: {total['lower']:,.0f}", ha="right", va="bottom", fontsize=_fs(9))
    ax.set_yticks([])
    ax.set_ylim(-1.2, 0.8)
    ax.set_xlim(0, total["lower"] * 1.08)
    ax.set_xlabel(xlabel)
    rows = pd.concat([total.to_frame().T, parts.loc[~parts["derived"].astype(bool)]], ignore_index=True)
    source = source_line(rows, "The remainder is derived by kzfigures (total minus the stated part); the article "
                               "does not say who the others were.")
    _finish(ax, foot, title, source)
    caption = f"{total['measure'].capitalize()}: {total['lower']:,.0f}, of which " + "; ".join(described) + "."
    whole = pd.concat([total.to_frame().T.assign(label="stated total"), parts], ignore_index=True)
    data = chart_data(whole, whole["label"], derived=whole["derived"].astype(bool))
    return Chart(name, figure, title, _alt("Stacked bar", title), caption, data, source)


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
                    textcoords="offset points", fontsize=_fs(10))
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
                               "No borders are drawn.", article=articles_cited(places))
    _finish(ax, foot, title, source, handles)
    caption = "Cities named in the article (the countries it names are not drawn): " + "; ".join(described) + "."
    data = places[[c for c in ("quote", "role", "role_in_article", "latitude", "longitude", "coordinates_source")
                   if c in places.columns]].reset_index(drop=True)
    return Chart(name, figure, title, _alt("Map-like scatter chart", title), caption, data, source)


# -- penalty range -------------------------------------------------------------------------------------
@_in_house_style
def penalty_chart(term: pd.Series, sentences: pd.DataFrame, *, name: str, title: str, note: str = "") -> Chart:
    """The legal term as a range, and individual sentences as points beside it; ``note`` says what the comparison
    does not show (it goes into the source line and the caption)."""
    figure, ax, foot = _new_figure(8.5, (0.8 + 1.0 * (1 + len(sentences))) if _for_phone()
                                   else (1.4 + 0.6 * (1 + len(sentences))))
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
    _row_labels(ax, labels)
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
    return Chart(name, figure, title, _alt("Chart", title), caption, data, source)


def _row_labels(ax: Axes, labels: list[str]) -> None:
    """Label the rows of a chart, top row first: beside each row, or on a phone drawing just under its mark (a
    narrow drawing has no room beside it)."""
    n = len(labels)
    if not _for_phone():
        ax.set_yticks(range(n), list(reversed(labels)))
        ax.set_ylim(-0.7, n - 0.3)
        return
    ax.set_yticks([])
    for i, label in enumerate(labels):  # just under its row's mark, whose value stands just over it
        ax.text(0, n - 1 - i - 0.12, textwrap.fill(label.replace("\n", " "), 40), transform=ax.get_yaxis_transform(),
                fontsize=_fs(9), va="top", ha="left", color=COLOURS["text"], fontstyle="italic")
    ax.set_ylim(-0.9, n - 0.3)


_Event = tuple[pd.Timestamp, Any, str, str, bool]


def _draw_event(ax: Axes, y: float, event: _Event, published: pd.Timestamp) -> str:
    """Draw one dated event (a bar for a period, an arrow to publication for one still running, a point for a day);
    return it in words."""
    first, last, label, when, is_external = event
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
    said = f"“{when}”" if not is_external else when
    if _for_phone():  # its words just under each event, across the drawing's width: no room beside it
        ax.text(0, y - 0.15, textwrap.fill(f"{label}: {said}", 40), transform=ax.get_yaxis_transform(),
                fontsize=_fs(8), va="top", ha="left", color=COLOURS["text"])
    else:
        ax.annotate(said, (first, y), xytext=(0, 8), textcoords="offset points", fontsize=_fs(8),
                    color=COLOURS["text"])
    return f"{label}: {when}" + (", still running at publication" if running else "")


def _event_kind(event: _Event) -> str:
    """Which legend entry an event needs: external, day, running or period."""
    first, last, _label, _when, is_external = event
    if is_external:
        return "external"
    if pd.isna(last):
        return "running"
    return "period" if last > first else "day"


def _timeline_handles(kinds: set[str]) -> list:
    """The timeline's legend: an entry for each kind of event drawn."""
    entries = [("period", Line2D([], [], color=COLOURS["exact"], lw=6, alpha=0.9, label="from the article: a period")),
               ("day", Line2D([], [], marker="o", ls="", color=COLOURS["exact"], ms=8,
                              label="from the article: one day")),
               ("running", Line2D([], [], color=COLOURS["exact"], lw=6, alpha=0.6, marker=">", ms=8,
                                  label="still running at publication (arrow)")),
               ("external", Line2D([], [], marker="s", ls="", color=COLOURS["external"], ms=8,
                                   label="external (source in the table below)"))]
    return [handle for kind, handle in entries if kind in kinds]


# -- timeline ------------------------------------------------------------------------------------------
@_in_house_style
def timeline_chart(events: pd.DataFrame, external: pd.DataFrame, published: pd.Timestamp, *, name: str,
                   title: str, first_year: int, last_year: int) -> Chart:
    """Dated events on a time axis: periods as bars (open ones run to publication), external events in grey."""
    rows = [(e["date_start"], e["date_end"], e["label"], e["date_text"], False) for _, e in events.iterrows()]
    rows += [(e["date"], e["date"], e["label"] + " (external)", e["date"].strftime("%d %b %Y"), True)
             for _, e in external.iterrows()]
    rows.sort(key=lambda r: r[0])
    figure, ax, foot = _new_figure(9.5, (0.8 + 1.3 * len(rows)) if _for_phone() else (1.3 + 0.55 * len(rows)))
    described = [_draw_event(ax, len(rows) - 1 - i, row, published) for i, row in enumerate(rows)]
    ax.axvline(published, color=COLOURS["open"], ls="--", lw=1)
    ax.text(published, len(rows) - 0.4, " published" if _for_phone() else f" article published ({published:%B %Y})",
            color=COLOURS["open"], fontsize=_fs(8),
            va="bottom")
    if _for_phone():
        ax.set_yticks([])
        ax.set_ylim(-1.0, len(rows) - 0.2)
    else:
        ax.set_yticks(range(len(rows)), [_wrap(r[2], 44) for r in reversed(rows)], fontsize=_fs(8))
        ax.set_ylim(-0.7, len(rows) + 0.1)
    ax.set_xlim(pd.Timestamp(first_year, 1, 1), pd.Timestamp(last_year, 12, 31))
    ax.set_xlabel("date")
    if _for_phone():
        _few_dates(ax)
    ax.grid(axis="x", color="#eeeeee")
    handles = _timeline_handles({_event_kind(r) for r in rows})
    source = source_line(extra="Grey events are external: see their sources in the table.",
                         article=articles_cited(events) or articles_cited(external) or "external events only")
    _finish(ax, foot, title, source, handles)
    caption = "Timeline: " + "; ".join(described) + "."
    data = pd.DataFrame({"label": [r[2] for r in rows], "date as written": [r[3] for r in rows],
                         "from": [r[0] for r in rows], "to": [r[1] for r in rows], "external": [r[4] for r in rows]})
    return Chart(name, figure, title, _alt("Timeline", title), caption, data, source)


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
        ("borrowed range", _both_ends(Line2D([], [], marker="o", ls="-", lw=4, color=COLOURS["range"], ms=7,
                                             markerfacecolor="white", markeredgewidth=2,
                                             label="external range, same scope, no independent check (EXTERNAL)"))),
        ("borrowed point", Line2D([], [], marker="o", ls="", color=COLOURS["range"], ms=9, markerfacecolor="white",
                                  markeredgewidth=2, label="external value, same scope, no independent check (EXTERNAL)")),
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


@dataclass
class _Mark:
    """One mark of an estimates chart: the dates it describes (first to last), its interval and words, and where it
    is drawn (``drawn_at``, always inside first..last) with its values on the axis (lo to hi)."""

    first: pd.Timestamp
    last: pd.Timestamp
    bounds: Bounds
    label: str
    same: bool
    is_article: bool
    words: str
    near: bool
    #: its row in the chart's data (the estimates in their order, then the article)
    row: int = 0
    #: False for a figure that restates the article's source, repeats an earlier one or compiles others': no check
    independent: bool = True
    lo: float = 0.0
    hi: float = 0.0
    drawn_at: pd.Timestamp = pd.NaT
    #: where its number stands beside it (an index into _NUMBER_PLACES), set apart from a mark at the same date
    place: int = 0

    @property
    def middle(self) -> pd.Timestamp:
        """The middle of the dates the mark describes: where it is drawn unless another mark is there."""
        return self.first + (self.last - self.first) / 2

    @property
    def colour(self) -> str:
        """The article's blue, green for the same scope, grey for another."""
        return COLOURS["exact"] if self.is_article else (COLOURS["range"] if self.same else COLOURS["external"])

    def date_words(self) -> str:
        """The dates it describes as a reader says them: "2015", "Oct 2015", "24 Sep 2014", "24–30 Sep 2014"."""
        days = (self.last - self.first).days
        if days == 0:
            return f"{self.first:%d %b %Y}".lstrip("0")
        if self.first.day == 1 and self.last == self.first + pd.offsets.MonthEnd(0):
            return f"{self.first:%b %Y}"
        if self.first.day_of_year == 1 and self.last == self.first + pd.offsets.YearEnd(0):
            return f"{self.first:%Y}"
        if self.first.month == self.last.month and self.first.year == self.last.year:
            return f"{self.first.day}–{self.last:%d %b %Y}"
        return f"{self.first:%d %b %Y}–{self.last:%d %b %Y}"


#: Where a mark's number stands beside it, in points: right, left, right and higher, left and higher.
_NUMBER_PLACES = ((5, -4, "left"), (-5, -4, "right"), (5, 7, "left"), (-5, 7, "right"))
#: How near (a share of the date axis) two marks with overlapping values may stand before one hides the other.
CLOSE_SHARE = 0.02


def _window(published: pd.Timestamp | tuple[pd.Timestamp, pd.Timestamp]) -> tuple[pd.Timestamp,
                                                                                              pd.Timestamp]:
    """The first and last day an article can have appeared: a pair as given, or one day."""
    if isinstance(published, tuple):
        return pd.Timestamp(published[0]).normalize(), pd.Timestamp(published[1]).normalize()
    return pd.Timestamp(published).normalize(), pd.Timestamp(published).normalize()


def _estimate_marks(estimates: pd.DataFrame, article: pd.Series,
                    window: tuple[pd.Timestamp, pd.Timestamp]) -> list[_Mark]:
    """The marks of an estimates chart in date order: each external figure, and the article's over its window."""
    marks = [_Mark(row["as_of_start"], row["as_of_end"], row["bounds"], row["label"], bool(row["same_scope"]), False,
                   own_words(row, row["bounds"]), close_below(row), i, bool(row.get("independent", True)))
             for i, (_, row) in enumerate(estimates.iterrows())]
    marks.append(_Mark(window[0], window[1], bounds_of(article), "the article", True, True,
                       own_words(article, bounds_of(article)), close_below(article), len(marks)))
    return sorted(marks, key=lambda m: m.first)


def _value_axis(marks: list[_Mark], log_scale: bool) -> tuple[bool, float, float]:
    """Whether the value axis is a log one, and its bottom and top; each mark's lo and hi set on it."""
    finite = [float(v) for m in marks for v in (m.bounds.lower, m.bounds.upper) if math.isfinite(v) and v > 0]
    log_scale = log_scale and spans_a_decade(finite)
    top = max(finite) * (3 if log_scale else 1.3)
    bottom = min(finite) / 2 if log_scale else 0.0
    for m in marks:
        m.lo = max(float(m.bounds.lower), bottom) if log_scale else float(m.bounds.lower)
        m.hi = top if m.bounds.upper == math.inf else float(m.bounds.upper)
        if m.near and math.isfinite(m.bounds.upper):
            m.lo = m.hi * CLOSE_BELOW_FACTOR if log_scale else m.hi * (1 - CLOSE_BELOW_SPAN)
    return log_scale, bottom, top


def _hides(mark: _Mark, day: float, other: _Mark, other_day: float, gap: float) -> bool:
    """Whether ``mark`` drawn on ``day`` would stand on ``other`` drawn on ``other_day`` (days since the first mark):
    nearer than ``gap`` days, with overlapping values."""
    return abs(day - other_day) < gap and mark.lo <= other.hi and mark.hi >= other.lo


def _crowding(mark: _Mark, day: float, placed: list[tuple[_Mark, float]], near: float) -> tuple[int, float]:
    """How crowded ``day`` is for ``mark``: how many placed marks it would hide, then (the fewer the better) how
    near the nearest of them stands, so a mark that cannot keep clear stands as far off as its dates allow."""
    hidden = [abs(day - od) for o, od in placed if _hides(mark, day, o, od, near)]
    return len(hidden), -min(hidden, default=near)


def _place_marks(marks: list[_Mark], gap: pd.Timedelta) -> None:
    """Set each mark's drawn_at inside its own dates: the middle, or where inside them it hides the fewest marks
    already placed (nearest the middle first); a mark that must share a date gets its number set apart."""
    origin, near = min(m.first for m in marks), gap / pd.Timedelta(days=1)
    placed: list[tuple[_Mark, float]] = []
    for mark in marks:
        start, days = (mark.first - origin).days, (mark.last - mark.first).days
        middle = start + days / 2
        choices = sorted({middle, *range(start, start + days + 1, max(1, days // 60))}, key=lambda d: abs(d - middle))
        day = min(choices, key=lambda d: _crowding(mark, d, placed, near))
        mark.place = sum(_hides(mark, day, o, od, near) for o, od in placed) % len(_NUMBER_PLACES)
        mark.drawn_at = origin + pd.Timedelta(days=day)
        placed.append((mark, day))


def _draw_mark(ax: Axes, mark: _Mark, top: float, log_scale: bool) -> set[str]:
    """Draw one mark at its drawn_at (a whisker over its dates, then its value); return the legend kinds used."""
    when, colour, b = mark.drawn_at, mark.colour, mark.bounds
    used: set[str] = set()
    if mark.last > mark.first:  # the date is known to the month or year only: a whisker spans it
        ax.plot([mark.first, mark.last], [mark.lo, mark.lo], color=colour, lw=1, alpha=0.7, zorder=1)
        used.add("whisker")
    kind = "article" if mark.is_article else ("other" if not mark.same else "same" if mark.independent else "borrowed")
    if mark.near and math.isfinite(b.upper):
        ax.plot([when, when], [mark.lo, mark.hi], color=colour, lw=5, alpha=0.8, ls=":", zorder=2)
        ax.plot([when], [mark.hi], marker="o", ms=7, color=colour, zorder=4, markeredgewidth=2,
                markerfacecolor="white")
        return used | {"near", "hollow"}
    if b.is_point:
        ax.plot([when], [mark.lo], marker="D" if mark.is_article else "o", ms=9, color=colour,
                markerfacecolor=colour if kind in ("article", "same") else "white", markeredgewidth=2, zorder=4)
        return used | {f"{kind} point"}
    ax.plot([when, when], [mark.lo, mark.hi], color=colour, lw=5, alpha=0.45 if b.upper == math.inf else 0.85,
            solid_capstyle="butt", zorder=2)
    if b.upper == math.inf:
        ax.annotate("", xy=(when, top), xytext=(when, mark.lo),
                    arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.5, mutation_scale=14), zorder=3)
        used.add("arrow")
    return used | _draw_ends(ax, mark, log_scale) | {f"{kind} range"}


def _draw_ends(ax: Axes, mark: _Mark, log_scale: bool) -> set[str]:
    """A range's stated ends: hollow where the value is not included, filled where it is."""
    used = set()
    b = mark.bounds
    for value, is_open, end in ((mark.lo, b.lower_open, b.lower), (mark.hi, b.upper_open, b.upper)):
        if math.isfinite(end) and not (log_scale and end <= 0):
            ax.plot([mark.drawn_at], [value], marker="o", ms=7, color=mark.colour, zorder=4, markeredgewidth=2,
                    markerfacecolor="white" if is_open else mark.colour)
            used.add("hollow" if is_open else "filled")
    return used


def _placement_note(marks: list[_Mark]) -> str:
    """What the caption says when a mark is not drawn at the middle of its dates, or shares a date with another."""
    numbered = list(enumerate(marks, 1))
    moved = [f"mark {n} is drawn on {m.drawn_at.day} {m.drawn_at:%b %Y}, inside {m.date_words()}"
             for n, m in numbered if m.drawn_at.normalize() != m.middle.normalize()]
    shared = [str(n) for n, m in numbered if m.place]
    if not moved and not shared:
        return ""
    note = "No mark is drawn outside the dates it describes."
    if moved:
        note += " So that marks do not hide one another, " + "; ".join(moved) + ", not at the middle of its dates."
    if shared:
        many = len(shared) > 1
        names = f"{', '.join(shared[:-1])} and {shared[-1]}" if many else shared[0]
        note += (f" Mark{'s' if many else ''} {names} stand{'' if many else 's'} close to another mark, "
                 f"{'their numbers' if many else 'its number'} set to one side.")
    return note


def _publication(ax: Axes, window: tuple[pd.Timestamp, pd.Timestamp], top: float, because: str) -> str:
    """Draw when the article appeared (a band over its window, a dashed line at its last day); return the caption's
    sentence, with why when the window is our inference (``because``)."""
    first, last = window
    days = _Mark(first, last, Bounds(0, 0), "", True, True, "", False).date_words()
    if last > first:
        ax.axvspan(first, last, color=COLOURS["open"], alpha=0.15, lw=0, zorder=0)
    ax.axvline(last, color=COLOURS["open"], ls="--", lw=1)
    if _for_phone():  # along the line, inside the plot: a narrow drawing has no room beside it
        ax.text(last, top, "article published" + (" (inferred) " if because else " "), color=COLOURS["open"],
                fontsize=_fs(8), va="top", ha="right",
                rotation=90)
    else:
        ax.text(last, top, f" article published {days}" + (" (our inference)" if because else ""),
                color=COLOURS["open"], fontsize=_fs(8), va="top")
    when = f"between {first.day} and {last.day} {last:%b %Y}" if last > first and first.month == last.month \
        else days
    return f"The article appeared {when}" + (f" (our inference: {because})." if because else ".")


def _key_and_words(marks: list[_Mark]) -> tuple[list[str], list[str]]:
    """The numbered key beside the chart, and the same in the caption's words."""
    key, described = [], []
    for n, m in enumerate(marks, 1):
        scope = "" if m.same else " (different scope)"
        key.append(f"{n}. {m.label}, {m.date_words()}: {m.words}{scope}")
        described.append(f"{m.date_words()}, {m.label}: {m.words}{scope}")
    return key, described


def _date_axis_gap(marks: list[_Mark], window: tuple[pd.Timestamp, pd.Timestamp]) -> pd.Timedelta:
    """How near in date two marks stand before one hides the other: CLOSE_SHARE of the dates drawn."""
    first = min([m.first for m in marks] + [window[0]])
    last = max([m.last for m in marks] + [window[1]])
    return max(pd.Timedelta(days=1), (last - first) * CLOSE_SHARE)


def _few_dates(ax: Axes) -> None:
    """A date axis with a few ticks, written short, so a narrow drawing's labels do not run into each other."""
    low, high = (mdates.num2date(v) for v in ax.get_xlim())
    years = high.year - low.year
    ax.xaxis.set_major_locator(mdates.YearLocator(base=max(1, -(-years // 3))))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def _value_labels(ax: Axes, log_scale: bool, bottom: float, top: float, ylabel: str) -> None:
    """The value axis: log ticks or thousands, its limits and its label; the date axis's label."""
    if log_scale:
        ax.set_yscale("log")
        _log_ticks(ax.yaxis, float(bottom), float(top))
        ylabel += " (log scale)"
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    ax.set_ylim(bottom, top)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("date the figure describes")
    if _for_phone():
        _few_dates(ax)
    ax.grid(axis="y", color="#eeeeee")


def placed_marks(estimates: pd.DataFrame, article: pd.Series, window: tuple[pd.Timestamp, pd.Timestamp],
                 log_scale: bool = False) -> tuple[list[_Mark], tuple[bool, float, float]]:
    """The marks of an estimates chart in date order, each with where it is drawn (always inside its own dates),
    and the value axis (log or not, bottom, top): what estimates_chart draws, without drawing it."""
    marks = _estimate_marks(estimates, article, window)
    axis = _value_axis(marks, log_scale)
    _place_marks(marks, _date_axis_gap(marks, window))
    return marks, axis


@_in_house_style
def estimates_chart(estimates: pd.DataFrame, article: pd.Series,
                    published: pd.Timestamp | tuple[pd.Timestamp, pd.Timestamp], *, name: str, title: str,
                    ylabel: str, log_scale: bool = False, extra_source: str = "", published_because: str = "") -> Chart:
    """Estimates as intervals on a date axis, each drawn inside the dates it describes (vertical bar for a range,
    arrow for an open top, a point for a single value; a whisker spans a date known to the month or year only),
    numbered, with a key naming who published each; the article's figure in its own colour over the days it can
    have appeared (``published``: a day, or the first and last day; ``published_because`` says why, when inferred).
    Estimates whose scope differs from the article's are drawn hollow and grey. No mark is moved out of its dates:
    marks that would hide one another are drawn elsewhere inside their own dates, or share the date with their
    numbers set apart, and the caption says so.

    ``estimates`` needs: bounds, as_of_start, as_of_end, label, same_scope (bool); ``article``: a figures-table row.
    The chart's data gives each mark's date_start, date_end and drawn_at.
    """
    window = _window(published)
    figure, ax, foot = _new_figure(10.5, 4.8, footer=1.2)
    marks, (log_scale, bottom, top) = placed_marks(estimates, article, window, log_scale)
    used: set[str] = set()
    for n, mark in enumerate(marks, 1):
        used |= _draw_mark(ax, mark, top, log_scale)
        dx, dy, ha = _NUMBER_PLACES[mark.place]
        ax.annotate(str(n), (mark.drawn_at, mark.lo), xytext=(dx, dy), textcoords="offset points", fontsize=_fs(8),
                    fontweight="bold", color=COLOURS["text"], ha=ha)
    key, described = _key_and_words(marks)
    if not _for_phone():  # a phone drawing has its key under it, as text
        ax.text(1.02, 1.0, "\n".join(textwrap.fill(k, 42, subsequent_indent="   ") for k in key),
                transform=ax.transAxes, va="top", ha="left", fontsize=_fs(7.5), color=COLOURS["text"])
    when = _publication(ax, window, top, published_because)
    _value_labels(ax, log_scale, bottom, top, ylabel)
    publishers = "; ".join(dict.fromkeys(estimates["label"]))
    source = source_line(article.to_frame().T, f"External figures (not the article's): {publishers}; each with its "
                                               f"URL in the table below. {extra_source}".strip())
    _finish(ax, foot, title, source, _estimate_handles(used))
    caption = " ".join(filter(None, ["Estimates by the date they describe: " + "; ".join(described) + ".",
                                     when, _placement_note(marks)]))
    return Chart(name, figure, title, _alt("Chart", title), caption,
                 _estimates_data(estimates, article, marks), source, key=key)


def _estimates_data(estimates: pd.DataFrame, article: pd.Series, marks: list[_Mark]) -> pd.DataFrame:
    """The chart's data: each mark's figure (chart_data), the dates it describes and where it is drawn."""
    both = pd.concat([estimates, article.to_frame().T.assign(label="the article", as_of=article.get("period_text", ""),
                                                             same_scope=True)], ignore_index=True)
    data = chart_data(both, both["label"], as_of=both["as_of"].fillna(""), same_scope=both["same_scope"].astype(bool))
    chosen = sorted(marks, key=lambda m: m.row)
    data.insert(data.columns.get_loc("as_of") + 1, "date_start", [m.first.date() for m in chosen])
    data.insert(data.columns.get_loc("date_start") + 1, "date_end", [m.last.date() for m in chosen])
    data.insert(data.columns.get_loc("date_end") + 1, "drawn_at", [m.drawn_at.date() for m in chosen])
    data.insert(0, "mark", [marks.index(m) + 1 for m in chosen])
    return data
