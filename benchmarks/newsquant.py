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
from dataclasses import dataclass, field
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
        if row.bound == "range" and _ABOUT.match(row.number_text):
            out.append((value, "~"))  # "about 14-18 mpg": a range the words soften, NewsQuant's "~"
            continue
        out.append((value, CHANGE_OF_BOUND[row.bound] if qualified else row.change or CHANGE_OF_BOUND[row.bound]))
    return out


#: The words of approximation a range may open with ("about 14-18", "~25 – 40").
_ABOUT = re.compile(r"(?i)(?:about|around|approximately|roughly|some|an estimated|estimated|close to)\s|~")


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


#: A category that names a rule of docs/conventions.md NewsQuant reads otherwise: set aside in the second score.
OURS = "our convention: "


@dataclass
class Judged:
    """Why values were missed, extra, or matched with another change symbol (categories with counts), and how many
    gold and predicted quantities our conventions' disagreements account for (set aside in the second score)."""

    missed: Counter = field(default_factory=Counter)
    extra: Counter = field(default_factory=Counter)
    change: Counter = field(default_factory=Counter)
    gold_aside: int = 0
    predicted_aside: int = 0
    change_aside: int = 0


def figure_rows(frame) -> list:
    """The rows of a draft table ours() turns into quantities, in the same order."""
    return [row for row in frame.itertuples() if not math.isnan(row.lower) and row.bound != "vague"]


def judge(items: list[dict], frames: list, predictions: list[list[Quantity]]) -> Judged:
    """Every miss, extra and change disagreement as a category (a rule of ours NewsQuant reads otherwise is named
    "our convention: …"); the quantities those rules account for are counted to be set aside."""
    judged = Judged()
    for item, frame, predicted in zip(items, frames, predictions, strict=True):
        gold = [(gold_value(q["value"]), q["change"]) for q in item["quantities"]]
        pairs = _pairs(gold, predicted)
        aside: set[int] = set()
        for i, (value, _) in enumerate(gold):
            if i in pairs:
                continue
            category, ends = _miss_category(frame, value, predicted, (set(pairs.values()), aside))
            judged.missed[category] += 1
            if category.startswith(OURS):
                judged.gold_aside += 1
                aside |= ends
        judged.predicted_aside += len(aside)
        for j in sorted(aside):
            judged.extra[OURS + ("'eight or nine euros' is one range (NewsQuant: two values)"
                                 if isinstance(predicted[j][0], tuple) else
                                 "the two levels of 'from X to Y' after a change (NewsQuant: one range)")] += 1
        rows = figure_rows(frame)
        for j, (value, _) in enumerate(predicted):
            if j not in pairs.values() and j not in aside:
                category = _extra_category(gold, value, rows[j].number_text)
                judged.extra[category] += 1
                judged.predicted_aside += category.startswith(OURS)
        for i, j in pairs.items():
            if gold[i][1] != predicted[j][1]:
                category = _change_category(item["text"], rows, j, gold[i][1])
                judged.change[category] += 1
                judged.change_aside += category.startswith(OURS)
    return judged


def disagreements(items: list[dict], frames: list, predictions: list[list[Quantity]]) -> tuple[Counter, Counter]:
    """Why gold values were missed and predictions were extra, as categories with counts (see judge)."""
    judged = judge(items, frames, predictions)
    return judged.missed, judged.extra


def _extra_category(gold: list[Quantity], value: Value, words: str) -> str:
    """The category of one prediction NewsQuant has no value for (``words``: its phrase)."""
    if _MULTIPLE.search(words):
        return OURS + "a multiple ('doubled', 'twice') is a figure (NewsQuant tags none)"
    if not gold:
        return "NewsQuant tags no quantity in the sentence"
    return "a range NewsQuant reads otherwise" if isinstance(value, tuple) else "a value NewsQuant does not tag"


#: A multiple as the draft reads it ("doubled", "more than double", "twice", "12-fold").
_MULTIPLE = re.compile(r"(?i)\b(?:doubl\w*|twice|tripl\w*|trebl\w*|quadrupl\w*|halv\w*|\w*-?fold)$")


def _pairs(gold: list[Quantity], predicted: list[Quantity]) -> dict[int, int]:
    """The gold index -> predicted index pairs of the value match (greedy, as the metric)."""
    pairs: dict[int, int] = {}
    for i, (value, _) in enumerate(gold):
        for j, (p_value, _) in enumerate(predicted):
            if j not in pairs.values() and values_match(value, p_value):
                pairs[i] = j
                break
    return pairs


def _miss_category(frame, value: Value, predicted: list[Quantity],
                   taken: tuple[set[int], set[int]]) -> tuple[str, set[int]]:
    """The category of one missed gold value (a convention of ours it contradicts, or what we failed to read) and
    the unused predictions that convention made instead of it ("from $75 to $45.88": the two levels); ``taken``:
    the predictions matched, and those already set aside (a range "eight or nine" stands for both its ends)."""
    matched, aside = taken
    if isinstance(value, tuple):
        return _missed_range(frame, value, predicted, matched | aside)
    for row in frame.itertuples():
        read = _word_value(row.number_text) if row.reason else None
        if read is not None and np.isclose(read, value, rtol=1e-5):
            return OURS + _category(row.reason), set()
    for j, (p_value, _) in enumerate(predicted):
        if j not in matched and isinstance(p_value, tuple) and any(np.isclose(end, value, rtol=1e-5) for end in p_value):
            return OURS + "'eight or nine euros' is one range (NewsQuant: two values)", {j}
    if value < 0:
        return "a negative value", set()
    return "not proposed or read as another value", set()


def _word_value(word: str) -> float | None:
    """The value of a numeric word the draft set aside ("2014", "one", "three"), or None when it reads none."""
    from kzfigures.figures.parse import parse_quantity

    try:
        return float(parse_quantity(word).lower)
    except ValueError:
        digits = re.sub(r"[^\d.]", "", word)
        return float(digits) if re.fullmatch(r"\d+(?:\.\d+)?", digits) else None


def _missed_range(frame, value: tuple[float, float], predicted: list[Quantity],
                  used: set[int]) -> tuple[str, set[int]]:
    """Why a gold range was missed: our vague-word convention, our "from X to Y after a change is two levels"
    convention (with the two levels), a score, or a range we did not read."""
    ends = [next((j for j, (v, _) in enumerate(predicted) if j not in used and not isinstance(v, tuple)
                  and np.isclose(end, v, rtol=1e-5)), None) for end in value]
    if ends[0] is not None and ends[1] is not None and ends[0] != ends[1]:
        return OURS + "'from X to Y' after a change is two levels, not a range", {ends[0], ends[1]}
    if any(row.bound == "vague" for row in frame.itertuples()):
        return OURS + "a vague word ('dozens', 'thousands') is a lower bound, not one order of magnitude", set()
    if any(row.reason.startswith("a score") for row in frame.itertuples()):
        return OURS + "a score is no quantity", set()
    return "a range we did not read", set()


def _change_category(text: str, rows: list, j: int, gold_change: str) -> str:
    """Why a value we read matches NewsQuant's with another change symbol."""
    row = rows[j]
    if gold_change in ("up", "down") and not row.change and row.bound in ("exact", "range") and \
            re.search(r"\b(?:to|at)\s+$", text[max(0, row.number_start - 6):row.number_start]) and \
            (any(r.change for r in rows[:j]) or _LEVEL_REACHED.search(text[max(0, row.number_start - 30):
                                                                           row.number_start])):
        return OURS + "the level a change reached is a level ('rose 8.1% to 99.20 yuan': NewsQuant marks it up)"
    if gold_change == "~" and row.bound == "fewer_than" and \
            re.match(r"(?:nearly|almost)\b", row.number_text, re.IGNORECASE):
        return OURS + "'nearly', 'almost' say less than (NewsQuant: about)"
    if gold_change in ("up", "down") and row.change == gold_change:
        return OURS + "a qualified change ('rose about 1.5%') keeps its bound's symbol; the change is in `change`"
    if row.change and gold_change == "=" and _CHANGE_NOUN_AFTER.match(text, row.number_end):
        return OURS + "a noun of change after a figure ('a 19% drop') is that change (NewsQuant: '=')"
    if row.change and gold_change not in ("up", "down"):
        return "a change NewsQuant does not mark ('grew by just 3%': '=')"
    if gold_change in ("up", "down"):
        return "a change we read as a level"
    return f"bound read otherwise (NewsQuant '{gold_change}')"


#: A noun of change right after a figure ("a 19% drop", "a 25 basis point cut"; docs/conventions.md).
_CHANGE_NOUN_AFTER = re.compile(r"(?i)(?:[- ](?:basis[- ])?points?|[- ]cents?|[- ]pence)?[- ](?:rise|increase|gain|jump|"
                                r"surge|boost|hike|climb|drop|fall|decline|decrease|cut|slump|plunge|slide|dip)\b")

#: A word of change and "to" right before a number: the level reached ("climbed to 6.7%", "fell to 49.55 Hz").
_LEVEL_REACHED = re.compile(r"\b(?:rose|climbed|increased|jumped|fell|dropped|decreased?|declined|dipped|dip down|"
                            r"eased|slipped|narrowed|widened|grew|surged|plunged|tumbled)\s+to\s+$")


def how_newsquant_marks(items: list[dict], frames: list, predictions: list[list[Quantity]]) -> Counter:
    """How NewsQuant's own change symbols fall on each kind of reading the draft makes around a change, over the
    values both read (so whether a rule of ours, or its opposite, can agree with it): a level reached after a change
    ("rose 8.1% to 99.20 yuan"), a change ("rose 8.1%"), a qualified change ("rose about 1.5%")."""
    counts: Counter = Counter()
    for item, frame, predicted in zip(items, frames, predictions, strict=True):
        gold = [(gold_value(q["value"]), q["change"]) for q in item["quantities"]]
        rows = figure_rows(frame)
        for i, j in _pairs(gold, predicted).items():
            row, symbol = rows[j], gold[i][1]
            moved = "up/down" if symbol in ("up", "down") else f"'{symbol}'"
            if not row.change and row.bound in ("exact", "range") and _reached(item["text"], rows, j):
                counts[f"a level reached after a change: {moved}"] += 1
            elif row.change and row.bound in ("exact", "range"):
                counts["a change: " + ("the same" if symbol == row.change else moved)] += 1
            elif row.change:
                counts["a qualified change: " + ("its bound's symbol" if symbol == CHANGE_OF_BOUND[row.bound]
                                                  else moved)] += 1
    return counts


def _reached(text: str, rows: list, j: int) -> bool:
    """True for a level right after "to" or "at" following a change ("rose 8.1% to 99.20 yuan", "fell to 49.55")."""
    start = rows[j].number_start
    return bool(re.search(r"\b(?:to|at)\s+$", text[max(0, start - 6):start]) and
                (any(r.change for r in rows[:j]) or _LEVEL_REACHED.search(text[max(0, start - 30):start])))


def aside_scores(items: list[dict], predictions: list[list[Quantity]], judged: Judged) -> dict[str, Score]:
    """The paper's scores with the quantities our conventions' disagreements account for set aside (removed from
    gold and predictions alike): what the draft gets right or wrong where the two sets of rules agree."""
    full = score(items, predictions)
    value, change = full["value"], full["value+change"]
    return {"value": Score(value.found, value.gold - judged.gold_aside, value.predicted - judged.predicted_aside),
            "value+change": Score(change.found, change.gold - judged.gold_aside - judged.change_aside,
                                  change.predicted - judged.predicted_aside - judged.change_aside)}


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
    judged = judge(items, frames, predictions)
    for name, counts, what in (("NewsQuant values we miss", judged.missed, "missed"),
                               ("our values NewsQuant lacks", judged.extra, "extra"),
                               ("values we match with another change symbol", judged.change, "change differs")):
        rows.append((f"draft: {name}, by category", "; ".join(f"{k} {v}" for k, v in counts.most_common()),
                     f"{sum(counts.values())} {what}"))
    marks = how_newsquant_marks(items, frames, predictions)
    rows.append(("draft: how NewsQuant itself marks the values we read around a change (both read the value)",
                 "; ".join(f"{k} {v}" for k, v in sorted(marks.items())),
                 "where NewsQuant marks one kind of reading both ways, a rule either way loses the smaller side"))
    aside = aside_scores(items, predictions, judged)
    rows.append(("draft: NewsQuant with our conventions' disagreements set aside (NOT the paper's metric)",
                 f"value F1 {aside['value'].f1} (P {aside['value'].precision}, R {aside['value'].recall}); "
                 f"value+change F1 {aside['value+change'].f1}",
                 f"the categories marked 'our convention' above removed from gold and predictions: "
                 f"{judged.gold_aside} gold, {judged.predicted_aside} predicted, {judged.change_aside} change "
                 "symbols; compare with published figures only through the paper's metric above"))
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
        pairs = _pairs(gold, predicted)
        wrong = [g for i, g in enumerate(gold) if i not in pairs] if kind == "missed" else \
            [p for j, p in enumerate(predicted) if j not in pairs.values()]
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
