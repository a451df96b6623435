"""NewsQuant (590 news sentences, 904 hand-tagged quantities; CQE paper, EMNLP 2023) scored with the paper's metric.

The metric, re-implemented from its description (the paper's evaluate_models.py): per sentence, a gold quantity is
found when an unused prediction has the same value (numpy.isclose, rtol 1e-5; a range matches a range with both
ends equal); precision = found / predictions, recall = found / gold, F1 their harmonic mean, in percent to one
decimal. "value+change" also needs the change symbol (=, ~, >, <, up, down) to match. For quantulum3 the gold
ranges are averaged, as the paper does (quantulum3 gives one value per quantity).

Times are CPU seconds of this process (time.process_time), so that other work on a shared machine does not count.

The data stay in ../shared/bench/newsquant.json (not ours: never copied into the repository); without it every
function here says "skipped".
"""
from __future__ import annotations

import json
import math
import re
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "bench" / "newsquant.json"

#: Published on NewsQuant (the paper's table; data/evaluation_output/NewsQuant.csv): value F1, value+change F1.
PUBLISHED = {"CQE": (92.0, 88.1), "quantulum3": (73.0, None), "Recognizers-Text": (69.1, None), "GPT-3": (70.6, 51.9)}

Value = float | tuple[float, float]
#: One predicted or gold quantity: its value and its change symbol.
Quantity = tuple[Value, str]

#: The change symbol of each bound kind (a change, "up" or "down", overrides it).
CHANGE_OF_BOUND = {"exact": "=", "approximate": "~", "more_than": ">", "at_least": ">", "at_most": "<",
                   "fewer_than": "<", "range": "=", "vague": "~"}


@dataclass(frozen=True)
class Score:
    """Found, gold and predicted counts, and P, R, F1 in percent."""

    found: int
    gold: int
    predicted: int

    @property
    def precision(self) -> float:
        return round(100 * self.found / self.predicted, 1) if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return round(100 * self.found / self.gold, 1) if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.found / max(self.predicted, 1), self.found / max(self.gold, 1)
        return round(100 * 2 * p * r / (p + r), 1) if p + r else 0.0


def load(path: Path = DATA) -> list[dict] | None:
    """The NewsQuant items, or None when ../shared is absent."""
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def gold_value(text: str, average_ranges: bool = False) -> Value:
    """A gold value as the paper decodes it: "252.0-287.0" is a range (or its mean), anything else one number."""
    if "E" not in text and not text.startswith("-") and "-" in text:
        low, high = (float(x) for x in text.split("-", 1))
        return (low + high) / 2 if average_ranges else (low, high)
    return float(text)


def values_match(gold: Value, predicted: Value) -> bool:
    """The paper's equality: numpy.isclose (rtol 1e-5), a range only against a range."""
    if isinstance(gold, tuple) != isinstance(predicted, tuple):
        return False
    if isinstance(gold, tuple) and isinstance(predicted, tuple):
        return bool(np.isclose(gold[0], predicted[0], rtol=1e-5) and np.isclose(gold[1], predicted[1], rtol=1e-5))
    return bool(np.isclose(gold, predicted, rtol=1e-5))


def match(gold: list[Quantity], predicted: list[Quantity], with_change: bool) -> int:
    """How many gold quantities an unused prediction matches (each prediction used at most once)."""
    used: set[int] = set()
    found = 0
    for value, change in gold:
        for i, (p_value, p_change) in enumerate(predicted):
            if i in used or not values_match(value, p_value) or (with_change and p_change != change):
                continue
            used.add(i)
            found += 1
            break
    return found


def score(items: list[dict], predictions: list[list[Quantity]], average_ranges: bool = False) -> dict[str, Score]:
    """Value and value+change scores of one system's predictions (one list per sentence)."""
    totals = {"value": [0, 0, 0], "value+change": [0, 0, 0]}
    for item, predicted in zip(items, predictions, strict=True):
        gold = [(gold_value(q["value"], average_ranges), q["change"]) for q in item["quantities"]]
        for name, with_change in (("value", False), ("value+change", True)):
            totals[name][0] += match(gold, predicted, with_change)
            totals[name][1] += len(gold)
            totals[name][2] += len(predicted)
    return {name: Score(*t) for name, t in totals.items()}


def ours(frame) -> list[Quantity]:
    """The draft's figures (rows with bounds) as NewsQuant quantities: a range's two ends, an upper bound's upper
    end, else the lower end; the change symbol from ``change`` or the bound kind. Vague quantities ("dozens",
    "thousands") state no number and are left out."""
    out: list[Quantity] = []
    for row in frame.itertuples():
        if math.isnan(row.lower) or row.bound == "vague":
            continue
        if row.bound == "range":
            value: Value = (float(row.lower), float(row.upper))
        elif row.bound in ("at_most", "fewer_than"):
            value = float(row.upper)
        else:
            value = float(row.lower)
        qualified = row.bound not in ("exact", "range")  # NewsQuant marks "lost more than 60%" ">", not "down"
        out.append((value, CHANGE_OF_BOUND[row.bound] if qualified else row.change or CHANGE_OF_BOUND[row.bound]))
    return out


def run_ours(items: list[dict]) -> tuple[list[list[Quantity]], list, float]:
    """The draft of every sentence: predictions, the tables, and the seconds draft_text took in all."""
    from kzfigures import draft_text

    draft_text("warm up: 3 apples")
    frames, started = [], time.process_time()
    for item in items:
        frames.append(draft_text(item["text"]))
    seconds = time.process_time() - started
    return [ours(f) for f in frames], frames, seconds


def run_quantulum3(items: list[dict]) -> tuple[list[list[Quantity]], float] | None:
    """quantulum3 on every sentence (one value each, change "="), and its seconds; None when it is not installed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from quantulum3 import parser as qparser
    except ImportError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        qparser.parse("warm up: 3 apples")
        out, started = [], time.process_time()
        for item in items:
            out.append([(float(q.value), "=") for q in qparser.parse(item["text"])])
        seconds = time.process_time() - started
    return out, seconds


def _category(reason: str) -> str:
    """A non-figure reason as a category ("year", "part of a name", "unread")."""
    head = reason.split(":", 1)[0].strip()
    return head or "no reason"


def disagreements(items: list[dict], frames: list, predictions: list[list[Quantity]]) -> tuple[Counter, Counter]:
    """Why gold values were missed and predictions were extra, as categories with counts.

    A missed value is put in the category of the draft's own non-figure reason for a numeric word of that value
    ("year", "part of a name", "ordinal", "unread") when there is one, "change differs" never (a value match only),
    else "not proposed"; an extra is "vague"/"range"/… by its bound, or "NewsQuant tags no quantity here" when the
    sentence has none."""
    missed, extra = Counter(), Counter()
    for item, frame, predicted in zip(items, frames, predictions, strict=True):
        gold = [(gold_value(q["value"]), q["change"]) for q in item["quantities"]]
        used_gold, used_pred = _pairs(gold, predicted)
        for i, (value, _) in enumerate(gold):
            if i not in used_gold:
                missed[_miss_category(item["text"], frame, value, predicted)] += 1
        for j, (value, _) in enumerate(predicted):
            if j not in used_pred:
                extra[_extra_category(gold, value)] += 1
    return missed, extra


def _extra_category(gold: list[Quantity], value: Value) -> str:
    """The category of one prediction NewsQuant has no value for."""
    if not gold:
        return "NewsQuant tags no quantity in the sentence"
    return "a range NewsQuant reads otherwise" if isinstance(value, tuple) else "a value NewsQuant does not tag"


def _pairs(gold: list[Quantity], predicted: list[Quantity]) -> tuple[set[int], set[int]]:
    """The indices of the gold and predicted quantities the value match paired."""
    used_gold, used_pred = set(), set()
    for i, (value, _) in enumerate(gold):
        for j, (p_value, _) in enumerate(predicted):
            if j not in used_pred and values_match(value, p_value):
                used_gold.add(i)
                used_pred.add(j)
                break
    return used_gold, used_pred


def _miss_category(text: str, frame, value: Value, predicted: list[Quantity]) -> str:
    """The category of one missed gold value: a convention of ours it contradicts, or what we failed to read."""
    if isinstance(value, tuple):
        return _missed_range(frame, value, predicted)
    for row in frame.itertuples():
        if not row.reason:
            continue
        digits = re.sub(r"[^\d.]", "", row.number_text)
        try:
            same = digits and np.isclose(float(digits), value, rtol=1e-5)
        except ValueError:
            same = False
        if same:
            return "our convention: " + _category(row.reason)
    if value < 0:
        return "a negative value"
    return "not proposed or read as another value"


def _missed_range(frame, value: tuple[float, float], predicted: list[Quantity]) -> str:
    """Why a gold range was missed: our vague-word convention, our "from X to Y after a change is two levels"
    convention, a score, or a range we did not read."""
    ends = [v for v, _ in predicted if not isinstance(v, tuple)]
    if any(np.isclose(value[0], v, rtol=1e-5) for v in ends) and any(np.isclose(value[1], v, rtol=1e-5) for v in ends):
        return "our convention: 'from X to Y' after a change is two levels, not a range"
    if any(row.bound == "vague" for row in frame.itertuples()):
        return "our convention: a vague word ('dozens', 'thousands') is a lower bound, not one order of magnitude"
    if any(row.reason.startswith("a score") for row in frame.itertuples()):
        return "our convention: a score is no quantity"
    return "a range we did not read"


def section(runs_quantulum: bool = True) -> list[tuple[str, str, str]]:
    """The NewsQuant rows of `make bench`: ours, quantulum3 re-run, the published figures, times, disagreements."""
    items = load()
    if items is None:
        return [("draft: NewsQuant", "skipped", f"{DATA} is absent (the benchmark data live beside the project)")]
    predictions, frames, ours_seconds = run_ours(items)
    mine = score(items, predictions)
    rows = [(f"draft: NewsQuant, kzfigures.draft_text ({len(items)} sentences, "
             f"{sum(len(i['quantities']) for i in items)} quantities)",
             f"value F1 {mine['value'].f1} (P {mine['value'].precision}, R {mine['value'].recall}); "
             f"value+change F1 {mine['value+change'].f1}",
             "goal: value F1 ≥ 93, value+change F1 ≥ 90; published: " +
             ", ".join(f"{k} {v[0]}" + (f" / {v[1]}" if v[1] is not None else "") for k, v in PUBLISHED.items()))]
    q = run_quantulum3(items) if runs_quantulum else None
    if q is not None:
        theirs = score(items, q[0], average_ranges=True)
        rows.append(("draft: NewsQuant, quantulum3 re-run here", f"value F1 {theirs['value'].f1} "
                     f"(P {theirs['value'].precision}, R {theirs['value'].recall})", "published: 73.0"))
        rows.append(("draft: CPU time over the NewsQuant sentences (one run each, warmed on one phrase)",
                     f"draft_text {ours_seconds:.2f} s, quantulum3 {q[1]:.2f} s",
                     f"quantulum3 / draft_text = {q[1] / ours_seconds:.1f}x (goal ≥ 3x)"))
    else:
        rows.append(("draft: time over the NewsQuant sentences", f"draft_text {ours_seconds:.2f} s",
                     "quantulum3 not installed"))
    missed, extra = disagreements(items, frames, predictions)
    rows.append(("draft: NewsQuant values we miss, by category", "; ".join(f"{k} {v}" for k, v in missed.most_common()),
                 f"{sum(missed.values())} missed"))
    rows.append(("draft: our values NewsQuant lacks, by category", "; ".join(f"{k} {v}" for k, v in extra.most_common()),
                 f"{sum(extra.values())} extra"))
    return rows


def misses(limit: int = 40, kind: str = "missed") -> None:
    """Print sentences with missed (or extra) values, to see what to fix next (python benchmarks/newsquant.py)."""
    items = load()
    if items is None:
        print("skipped: no NewsQuant data")
        return
    predictions, frames, _ = run_ours(items)
    shown = 0
    for item, frame, predicted in zip(items, frames, predictions, strict=True):
        gold = [(gold_value(q["value"]), q["change"]) for q in item["quantities"]]
        used_gold, used_pred = _pairs(gold, predicted)
        wrong = [g for i, g in enumerate(gold) if i not in used_gold] if kind == "missed" else \
            [p for j, p in enumerate(predicted) if j not in used_pred]
        if kind == "change":
            wrong = [g for g in gold if any(values_match(g[0], p[0]) for p in predicted)
                     and not any(values_match(g[0], p[0]) and g[1] == p[1] for p in predicted)]
        if wrong and shown < limit:
            shown += 1
            print(item["text"])
            print("   gold:", gold, "\n   ours:", predicted)
            print("   rows:", [(r.number_text, r.bound, r.change, r.reason[:50]) for r in frame.itertuples()])


def main(argv: list[str] | None = None) -> int:
    """Print the NewsQuant rows (or, with `missed`/`extra`/`change`, the sentences behind them)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args:
        misses(int(args[1]) if len(args) > 1 else 40, args[0])
        return 0
    for name, value, note in section():
        print(f"| {name} | {value} | {note} |")
    return 0


Predict = Callable[[str], list[Quantity]]

if __name__ == "__main__":
    raise SystemExit(main())
