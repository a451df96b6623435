"""The draft of an article's table (`kzfigures draft`): every number phrase proposed as a figure, every other numeric
word as a non-figure with its reason, all kept apart from the curated tables for a person to decide (kzfigures.curation()).

For each figure the draft proposes the exact phrase and its offsets, its sentence as the quote (shortened when the
phrase stands in it twice), the bounds parse_quantity reads, the unit word after it, a candidate credit ("according
to X", "X said", in the sentence or a neighbour; always marked inferred) and a candidate period phrase. A phrase the
grammar cannot read for sure is never guessed: it is proposed as a non-figure saying why, for a person to decide.
The word tables are lexicon.json's "draft" section. The proposals go to their own file, data/proposed/<article>.csv
(proposals.py), never to a curated table; a span a person already decided is never proposed again.
"""
from __future__ import annotations

import bisect
import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bounds import Bounds
from .coverage import token_spans
from .files import data_lock, replace, whole_csv
from .lexicon import lexicon
from .literal import spreadsheet_cell
from .measures import measure_in_context, needs_context
from .package import Table, read_package
from .parse import SOFT_HYPHEN_GAP, by_first_letter, parse_quantity, qualified
from .paths import check_new_file, project_root
from .problems import DataPackageError
from .proposals import COLUMNS, NOT_CHECKED, changed_by_hand, declare, descriptor, resource_name, resource_path
from .seeds import Seed, read_seeds
from .validation import validate

if TYPE_CHECKING:
    import pandas as pd

#: The columns `draft --output` adds to those of data/figures.csv (the contract scripts rely on).
OUTPUT_EXTRA = ["number_start", "number_end", "lower", "upper", "lower_open", "upper_open", "bound"]
#: What a drafted row says where only a person can say it.
TO_DESCRIBE = "(to be described)"
#: How far (in characters) the words before a number are searched for a qualifier or currency sign.
LEFT_REACH = 40
#: How many words after a number a phrase may run ("three to seven years", "and 250").
RIGHT_WORDS = 5


@dataclass
class Proposal:
    """One numeric span of an article as the draft reads it: a figure (with bounds) or a non-figure (with a reason)."""

    start: int
    end: int
    phrase: str
    bounds: Bounds | None = None
    reason: str = ""
    quote: tuple[int, int] = (0, 0)
    unit: str = ""
    measure: str = ""
    credit: str = ""
    period: str = ""
    tokens: list[tuple[int, int]] = field(default_factory=list)
    change: str = ""
    attribution: str = ""
    quote_cut: bool = False

    @property
    def is_figure(self) -> bool:
        """True when the phrase was read as a quantity."""
        return self.bounds is not None


@lru_cache(maxsize=1)
def _draft_tables() -> dict[str, Any]:
    """The draft's word tables, with their patterns compiled."""
    lex = lexicon()
    d = dict(lex["draft"])
    # a pattern keeps a capital where it says "(?-i:…)" ("Table 14", not "would table 14")
    d["not_count_needs"] = [tuple(r.get("needs", ())) for r in d["not_counts"]]
    d["not_counts"] = [(re.compile(r["pattern"], re.IGNORECASE), r["reason"]) for r in d["not_counts"]]
    d["any_not_count"] = re.compile("|".join(f"(?:{p.pattern})" for p, _ in d["not_counts"]), re.IGNORECASE)
    d["period_patterns"] = [re.compile(p) for p in d["period_patterns"]]
    roles = "(?:" + "|".join(map(re.escape, sorted(d["credit_roles"], key=len, reverse=True))) + ")"
    says = "(?:" + "|".join(d["credit_verbs"]) + ")"
    aux = "(?:" + "|".join(d["credit_auxiliaries"]) + ") "
    groups = "(?:" + "|".join(f"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" for w in d["credit_groups"]) + ")"
    mods = "(?:" + "|".join(map(re.escape, sorted(d["credit_group_modifiers"], key=len, reverse=True))) + ")"
    ties = "|".join(map(re.escape, d["credit_group_ties"]))
    d["credit_patterns"] = [re.compile(p.replace("NAME", d["credit_name"]).replace("OFROLE", d["credit_role_of"])
                                       .replace("ROLE", roles).replace("SAYS", says).replace("AUX", aux)
                                       .replace("GROUP", groups).replace("MODS", mods).replace("TIES", ties))
                            for p in d["credit_patterns"]]
    # a name right after a tie ("close to the Ministry of Defence said") is whom a group is close to, not a speaker
    d["credit_needs"] = tuple(sorted({*map(literal_head, d["credit_verbs"]), *d["credit_pattern_needs"]}))
    d["tied_before"] = re.compile(rf"\b(?:{ties})(?: the)?(?: [A-Z][\w’'.-]*| of| for| the)* $")
    d["group_tie"] = re.compile(rf" (?:{ties}) ")
    d["role_of"] = re.compile(rf"{roles} (?:of|for) ")
    audiences = "|".join(map(re.escape, sorted(d["credit_audiences"], key=len, reverse=True)))
    d["audience_word"] = re.compile(rf" (?:the |a |an )?(?:[A-Z][\w’'-]*|(?:{audiences})\b)")  # "told the BBC"
    d["name_says"] = re.compile(f"(?P<name>{d['credit_name']})>?,? (?:{aux})*{says}\\b")  # "X said": a speaker
    d["credit_other_source"] = re.compile(d["credit_other_source"])
    d["credit_they_says"] = re.compile(d["credit_they_says"])
    d["credit_groups_set"], d["credit_company_words"] = frozenset(d["credit_groups"]), frozenset(d["credit_company_words"])
    d["months"] = frozenset(d["months"])
    d["credit_titles_set"] = frozenset(d["credit_titles"])
    d["credit_organisation_set"] = frozenset(d["credit_organisation_words"])
    signs = "|".join(re.escape(s) for s in sorted(lex["currency_symbols"], key=len, reverse=True))
    d["currency_before_digits"] = re.compile(rf"(?<![a-z])({signs})\s?-?\d")
    d["openers"] = frozenset(w.split()[0] for w in (
        *lex["qualifiers"], *lex["range_openers"], *lex["vague_quantities"], *lex["article_words"],
        *lex["number_words"], *lex["multiplier_words"], *lex["scale_words"], *lex["fraction_words"],
        *lex["times_words"], *lex["currency_symbols"], "minus", "plus", "somewhere"))
    d["glued_prefixes"], d["change_particles"] = frozenset(d["glued_prefixes"]), frozenset(d["change_particles"])
    units = sorted({*lex["scale_words"], *lex["scale_abbreviations"], *lex["attached_units"], *lex["unit_words"],
                    "inch", "inches", "mile", "miles", "feet", "foot", "metres", "meters", "tonnes", "tons", "litres",
                    "degrees", "kilometres", "kilometers", "megawatt", "megawatts", "gigawatt", "gigawatts",
                    "kilowatt", "kilowatts"}, key=len, reverse=True)
    d["unit_after"] = re.compile(r"\s?(?:%|(?:" + "|".join(map(re.escape, units)) + r")\b)", re.IGNORECASE)
    d["number_run"] = frozenset({*lex["number_words"], *lex["multiplier_words"], *lex["scale_words"], "and"})
    d["change_up"], d["change_down"] = frozenset(d["change_up"]), frozenset(d["change_down"])
    d["written_units"], d["change_links"] = frozenset(d["written_units"]), frozenset(d["change_links"])
    d["conversion_units"] = frozenset(d["conversion_units"])
    d["motion_before_up_to"] = frozenset(d["motion_before_up_to"])
    d["time_of_day_after"] = re.compile(rf"\s?(?:{'|'.join(map(re.escape, d['time_of_day']))})\b", re.IGNORECASE)
    d["signs_by_last"] = {}
    for sign in lex["currency_symbols"]:
        d["signs_by_last"].setdefault(sign[-1], []).append(sign)
    d["month_after"] = re.compile(r"\s?(?:" + "|".join(d["months"]) + r")\b", re.IGNORECASE)
    d["year_qualifiers"] = tuple(q for q in {*lex["qualifiers"], *lex["currency_symbols"]}
                                 if q not in ("over", "under", "from"))  # a tuple: str.endswith takes it whole
    # the word sets a draft looks words up in for every token, made once
    d["numerators"] = frozenset({*lex["article_words"], *lex["number_words"]})
    d["glued_known"] = frozenset({*lex["scale_abbreviations"], *lex["attached_units"], "st", "nd", "rd", "th"})
    d["measure_stops_set"], d["name_skip_set"] = frozenset(d["measure_stops"]), frozenset(d["name_skip"])
    return d


def literal_head(pattern: str) -> str:
    """The letters (and spaces) every match of a word pattern starts with, in lower case: "added(?! …)" added,
    "says?" say, "sa(?:id|ys)" sa; "" when the pattern has an alternation outside brackets ("said|told")."""
    if "|" in re.sub(r"\([^()]*\)", "", pattern):
        return ""
    head = _LETTERS_HEAD.match(pattern).group()  # type: ignore[union-attr]  # [a-z ]* always matches
    return head[:-1] if pattern[len(head):len(head) + 1] in ("?", "*", "{") else head


_LETTERS_HEAD = re.compile(r"[a-z ]*")


# -- sentences ------------------------------------------------------------------------------------------
def bracketed(text: str) -> list[tuple[int, int]]:
    """The outermost (…) and […] pairs that close on their own line, as (open, close) offsets, in order; a bracket
    left open is none."""
    pairs, stack = [], list[tuple[int, str]]()
    for m in re.finditer(r"[(\[)\]\n]", text):
        sign = m.group()
        if sign == "\n":
            stack.clear()
        elif sign in "([":
            stack.append((m.start(), ")" if sign == "(" else "]"))
        elif stack and stack[-1][1] == sign:
            start = stack.pop()[0]
            if not stack:
                pairs.append((start, m.start()))
    return pairs


def _inside(pairs: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when start..end lies inside one of the bracket pairs (opened before it, closed after it)."""
    at = bisect.bisect_left(pairs, (start, -1)) - 1
    return at >= 0 and pairs[at][0] < start and pairs[at][1] >= end


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of a text as (start, end) offsets, white space trimmed; a dot after an abbreviation or a
    single capital ("Jan.", "Mr.", "U.S.") ends none, and no sentence ends inside brackets ("(@SUM(1+1). Then…)"); a
    quotation opening with an ellipsis (“… the 151,000”) starts one."""
    abbreviations = set(_draft_tables()["abbreviations"])
    pairs = bracketed(text)
    spans, begin = [], 0
    for m in re.finditer(r"[.!?]+[”’\"')\]]*(?=\s+(?:[“‘\"'(\[]?[A-Z0-9]|[“‘\"'](?:…|\.\.\.)))|\n\s*\n|\n", text):
        if not m.group().startswith("\n") and _inside(pairs, m.start(), m.end()):
            continue
        word = re.search(r"([\w.]+)\.$", text[begin:m.start() + 1])
        if m.group().startswith(".") and word and (word.group(1).lower() in abbreviations or len(word.group(1)) == 1):
            continue
        spans.append((begin, m.end()))
        begin = m.end()
    spans.append((begin, len(text)))
    out = []
    for start, end in spans:
        chunk = text[start:end]
        lead, trail = len(chunk) - len(chunk.lstrip()), len(chunk) - len(chunk.rstrip())
        if chunk.strip():
            out.append((start + lead, end - trail))
    return out


def _sentence_of(spans: list[tuple[int, int]], at: int) -> int:
    """The index of the sentence holding offset ``at`` (the nearest before it, between two)."""
    return max(0, bisect.bisect_right(spans, (at, math.inf)) - 1)


# -- patterns the number reading tries on every token, compiled once ------------------------------------------
_WORD_AT_END = re.compile(r"([A-Za-z][\w’'.-]*)\s$")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+")
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)\b")
_YEAR_THEN_MARK = re.compile(r"(?:1[89]|20)\d{2}[/–-]$")
_YEAR_THEN_SLASH = re.compile(r"(?:1[89]|20)\d{2}/$")
_CENTURY_YEAR = re.compile(r"(?:1[89]|20)\d{2}")
_SECOND_YEAR_AFTER = re.compile(r"/(?:\d{2}|\d{4})\b|[–-]\d{2}\b")
_TWO_DIGITS = re.compile(r"\d{2}")
_FOUR_DIGITS = re.compile(r"\d{4}")
_DECADE_S = re.compile(r"[’']?s\b")
_GLUED_PREFIX = re.compile(r"([A-Za-z$]+)(?:-|(?<=[A-Z])\.)?$")
_LETTERS_AFTER = re.compile(r"[A-Za-z]+\b")
_ALL_DIGITS = re.compile(r"\d+")
_PERCENT_AFTER = re.compile(r"\s?(?:%|per ?cent)")
_STOP_THEN_SPACE = re.compile(r"[,.;:]\s")
_TWO_ENDS = re.compile(r"\s(?:to|–|-)\s|\d[–-]\d")


# -- what a numeric word is when it is not a figure -------------------------------------------------------
def _word_before(text: str, start: int) -> str:
    """The word just before ``start`` (across one space), without its trailing dot."""
    m = _WORD_AT_END.search(text[max(0, start - 30):start])
    if not m:
        return ""
    word = m.group(1)
    if word.endswith(".") and word.rstrip(".").lower() not in _draft_tables()["abbreviations"] and \
            not _INITIALS.fullmatch(word):
        return ""  # "…the EU. Half of them": a sentence ends there; no name runs across it
    return word.rstrip(".")


def non_figure_reason(text: str, start: int, end: int, index: NotCounts | None = None) -> str:
    """Why the numeric token text[start:end] is not a figure (a year, a date, an ordinal, part of a name, a set
    expression, a score, a question), or "" when it may be one. The rules are tried in order; the first that
    applies gives the reason. ``index`` (not_counts_index of the text) saves searching the patterns again."""
    token = text[start:end]
    before, after = _word_before(text, start), text[end:end + 12]
    found = _set_expression(text, start, end) if index is None else index.reason(start, end)
    reason = found or _ordinal(token, before, after)
    if reason or not token[0].isdigit():
        return reason or _capitalised_word(token, before)
    for rule in (_fiscal_or_decade, _time_of_day, _glued_name, _day_or_year):
        reason = rule(text, start, end, after)
        if reason:
            return reason
    d, lex = _draft_tables(), lexicon()
    if before and (before[0].isupper() or _CAMEL_CASE.match(before)) and before.lower() not in d["name_skip_set"] and \
            before.lower() not in d["months"] and before.lower() not in lex["qualifiers"] and \
            before.lower() not in lex["number_words"] and \
            before.lower() not in lex["currency_symbols"] and not d["unit_after"].match(text, end):
        return f"part of a name: “{before} {token}”"  # "Hague 44"; not "Israel's 9 billion", "Pro 16 inch"
    return ""


#: A name written with a capital inside ("iOS 17", "macOS 14"): a capitalised word, as "Android 14" is.
_CAMEL_CASE = re.compile(r"[a-z]{1,3}[A-Z]")


def _set_expression(text: str, start: int, end: int) -> str:
    """The reason of the first lexicon pattern (draft.not_counts) whose match holds the token, or ""."""
    d = _draft_tables()
    lo, hi = max(0, start - 40), min(len(text), end + 40)
    if not d["any_not_count"].search(text, lo, hi):
        return ""  # none of the patterns matches near the token (one search instead of one per pattern)
    for pattern, reason in d["not_counts"]:
        for m in pattern.finditer(text, lo, hi):
            if m.start() <= start and end <= m.end():
                return str(reason).replace("{match}", m.group())
    return ""


@dataclass
class NotCounts:
    """Every match of the lexicon's not-a-count patterns in one text, found once: (start, end, rank, reason)."""

    spans: list[tuple[int, int, int, str]]
    starts: list[int]

    @classmethod
    def of(cls, text: str) -> NotCounts:
        """Search each pattern once over the whole text (linear, however many numbers it holds); a pattern whose
        "needs" (lexicon: strings every match holds, in lower case) are all absent is not searched."""
        d, lower = _draft_tables(), text.lower()
        searched = [(rank, pattern, reason) for rank, ((pattern, reason), needs) in
                    enumerate(zip(d["not_counts"], d["not_count_needs"], strict=True))
                    if not needs or any(map(lower.__contains__, needs))]
        spans = sorted((m.start(), m.end(), rank, str(reason).replace("{match}", m.group()))
                       for rank, pattern, reason in searched for m in pattern.finditer(text))
        return cls(spans, [s[0] for s in spans])

    def reason(self, start: int, end: int) -> str:
        """The reason of the first pattern (in lexicon order) whose match holds text[start:end], or ""."""
        i = bisect.bisect_right(self.starts, start)
        holders = [s for s in self.spans[max(0, i - 8):i] if s[1] >= end]
        return min(holders, key=lambda s: s[2])[3] if holders else ""


def _ordinal(token: str, before: str, after: str) -> str:
    """An ordinal word ("third", not "a third") or digits with an ordinal suffix ("3rd"), else ""."""
    lex = lexicon()
    if token.lower() in lex["ordinal_words"] and (token.lower() not in lex["fraction_words"]
                                                  or before.lower() not in _draft_tables()["numerators"]):
        return f"ordinal: “{token}” ranks, it does not count"
    if _ORDINAL_SUFFIX.match(after):
        return f"ordinal: “{token}{after[:2]}” ranks, it does not count"
    return ""


def _capitalised_word(token: str, before: str) -> str:
    """A capitalised number word after a capitalised word ("World War Two"): part of a name, else ""."""
    d, lex = _draft_tables(), lexicon()
    if token[0].isupper() and before[:1].isupper() and before.lower() not in d["name_skip_set"] and \
            before.lower() not in lex["qualifiers"]:
        return f"part of a name: “{before} {token}”"
    return ""


def _fiscal_or_decade(text: str, start: int, end: int, after: str) -> str:
    """A financial year ("2023/24") or a decade ("1990s"), else ""."""
    token = text[start:end]
    left = text[max(0, start - 5):start]
    fiscal = bool(_YEAR_THEN_MARK.search(left) and _TWO_DIGITS.fullmatch(token)) or \
        bool(_YEAR_THEN_SLASH.search(left) and _FOUR_DIGITS.fullmatch(token))
    if fiscal or (_CENTURY_YEAR.fullmatch(token) and _SECOND_YEAR_AFTER.match(after)):
        return f"financial year: “{_fiscal_year(text, start, end)}” says when, not how many"
    if _FOUR_DIGITS.fullmatch(token) and _DECADE_S.match(after):
        return f"decade: “{token}s” says when, not how many"
    return ""


def _time_of_day(text: str, start: int, end: int, after: str) -> str:
    """A time of day ("3pm", "10 GMT"), else ""."""
    if _draft_tables()["time_of_day_after"].match(after):
        return f"time of day: “{_whole_word(text, start, end)}”"
    return ""


def _glued_name(text: str, start: int, end: int, after: str) -> str:
    """Digits glued to letters that are neither a currency, a scale nor a unit ("Covid-19", "5G", "A380"), else ""."""
    prefix = _GLUED_PREFIX.search(text[max(0, start - 7):start])  # "Covid-19", "ID.3"
    glued = prefix.group(1).lower() in _draft_tables()["glued_prefixes"] if prefix else False
    if prefix and not glued and not _currency_before(text, start):
        return f"part of a name: “{_whole_word(text, start, end)}”"
    letters = _LETTERS_AFTER.match(after)
    if letters and letters.group().lower() not in _draft_tables()["glued_known"]:
        return f"part of a name: “{_whole_word(text, start, end)}”"
    return ""


def _currency_before(text: str, start: int) -> bool:
    """True when a currency sign or code stands right before offset ``start`` ("RM79", "US$5", "HK$3"), or before
    a minus sign there ("$-50.8bn")."""
    if start > 0 and text[start - 1] == "-" and _currency_before(text, start - 1):
        return True
    return bool(_signs_before(text, start))


def _signs_before(text: str, start: int) -> list[int]:
    """Where each currency sign or code standing right before offset ``start`` begins ("US$5": the "US$" and the
    "$"); a code glued to a word's letters is none ("ARM5")."""
    if start == 0:
        return []
    found = []
    for sign in _draft_tables()["signs_by_last"].get(text[start - 1].lower(), ()):
        at = start - len(sign)
        if at >= 0 and text[at:start].lower() == sign and (at == 0 or not text[at - 1].isalpha()):
            found.append(at)
    return found


def _day_or_year(text: str, start: int, end: int, after: str) -> str:
    """The day of a month ("4 July") or a year ("in 2014"), else ""."""
    d = _draft_tables()
    token, before = text[start:end], _word_before(text, start)
    digits_only = _ALL_DIGITS.fullmatch(token)
    beside_month = before.lower() in d["months"] or d["month_after"].match(after)
    if beside_month and digits_only and int(token) <= 31:
        return "date: the day of a month"
    low, high = d["year_range"]
    if digits_only and len(token) == 4 and low <= int(token) <= high and not _PERCENT_AFTER.match(after):
        left = text[max(0, start - 20):start].lower().rstrip()
        if not left.endswith(d["year_qualifiers"]):
            return "year: says when, not how many"
    if digits_only and len(token) == 4 and high < int(token) < 3000 and \
            before.lower() in _FUTURE_YEAR_OPENERS and re.match(r"\s?(?:[,.;:!?)]|$)", after):
        return "year: says when, not how many"  # "sea levels may rise by 2120, …"
    return ""


#: The words before a year beyond the usual range ("by 2120,", "in 2150."), when nothing is counted after it.
_FUTURE_YEAR_OPENERS = frozenset({"by", "in", "until", "till", "before", "after", "from", "since"})


def _fiscal_year(text: str, start: int, end: int) -> str:
    """The whole "2023/24" around one of its numbers."""
    m = re.search(r"\d{4}[/–-]\d{2,4}", text[max(0, start - 5):end + 5])
    return m.group() if m else text[start:end]


def _whole_word(text: str, start: int, end: int) -> str:
    """The run of letters, digits and hyphens around text[start:end] ("Covid-19")."""
    left = start
    while left > 0 and (text[left - 1].isalnum() or text[left - 1] == "-"):
        left -= 1
    right = end
    while right < len(text) and text[right].isalnum():
        right += 1
    return text[left:right]


# -- the span of a number phrase ---------------------------------------------------------------------------
def _right_ends(text: str, end: int, limit: int) -> list[int]:
    """Offsets where a phrase starting before ``end`` may stop: the token's end and the ends of the next few words
    (a phrase never runs across a comma, a full stop or a parenthesis)."""
    ends = [end]
    pos, words = end, 0
    number_words = _draft_tables()["number_run"]
    while words < RIGHT_WORDS and pos - end < RIGHT_REACH:
        m = _NEXT_WORD.match(text, pos, limit)
        if not m or not m.group().strip() or _STOP_THEN_SPACE.match(text, pos, pos + 2):
            break
        # "1.8 billion-mile", "0-to-60-mph": the phrase may stop at any hyphen inside the word
        ends.extend(pos + i for i, ch in enumerate(m.group()) if ch == "-" and i > 0 and m.group()[:i].strip())
        pos = m.end()
        ends.append(pos)
        words += m.group().strip(" -–—").lower() not in number_words  # "four hundred and fifty-six" runs on
    tail = _NOTATION.match(text, end, limit)
    if tail:
        ends.append(tail.end())
    if text.startswith("%", end):
        ends.append(end + 1)
    return sorted(set(ends))


#: The next word after a number (a phrase runs over a few: "three to seven years", "and 250").
_NEXT_WORD = re.compile(r"(?:\s?[-–—]\s?|\s)?[\w$£€%.,’'-]*[\w%]")
#: A slash fraction's second half or a power of ten written after the digits ("1/2", "1.5 x 10^6", "3×10⁸").
_NOTATION = re.compile(r"[/⁄]\d{1,3}\b|\s?[x×*]\s?10(?:\^|\*\*)?\s?[-−]?(?:\d{1,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)|e-?\d{1,3}\b")
#: How far (in characters) a phrase may run after its number at most.
RIGHT_REACH = 120


def _acceptable(phrase: str) -> bool:
    """A phrase the draft may propose: it ends with a number, a scale, a unit the curation keeps with it (durations,
    percent, currencies, times, ages) or a bounding word, and not with a noun such as "people"."""
    pattern, reach = _acceptable_pattern()
    return bool(pattern.search(phrase.lower().rstrip()[-reach:]))  # the tail only: the pattern is anchored at the end


@lru_cache(maxsize=1)
def _acceptable_pattern() -> tuple[re.Pattern[str], int]:
    """The endings _acceptable allows, as one pattern (built once from the lexicon), and how many characters at the
    end of a phrase it can look at (the longest ending, a digit before it and the character before that)."""
    d, lex = _draft_tables(), lexicon()
    endings = [*d["span_units"], *lex["suffix_qualifiers"], *lex["vague_quantities"], *lex["fraction_words"],
               *lex["times_words"], *lex["number_words"], *lex["scale_abbreviations"], *lex["scale_words"],
               *lex["multiplier_words"], "odd", "fold", "year-old", "years-old", "year old", "years old"]
    words = by_first_letter(sorted(set(endings)))  # longest first, as one alternation grouped by first letter
    glued = "|".join(re.escape(e) for e in sorted({*lex["scale_abbreviations"], *lex["attached_units"]}, key=len,
                                                   reverse=True))
    longest = max(len(e) for e in {*endings, *lex["scale_abbreviations"], *lex["attached_units"]})
    return re.compile(rf"(?:[\d⁰¹²³⁴⁵⁶⁷⁸⁹]%?|(?<![^\W\d_])(?:{words})|\d(?:{glued}))$"), longest + 2


def _left_starts(text: str, start: int, floor: int = 0) -> list[int]:
    """Offsets where a phrase ending at a token starting at ``start`` may begin: the token, a currency sign or minus
    sign just before it, and the starts of the few words before it in the same sentence ("as many as", "more than
    $"); never before ``floor`` (the end of the phrase before: two proposals never overlap)."""
    starts = [start, *_sign_starts(text, start, floor)]
    glued = re.search(r"(?<![\w-])(?:minus|sub)-$", text[max(0, start - 7):start], re.IGNORECASE)
    if glued:
        starts.append(start - len(glued.group()))  # "minus-5", "sub-300"
    window = text[max(0, start - LEFT_REACH):start]
    base = start - len(window)
    openers = _draft_tables()["openers"]
    for m in _WORD_BEFORE.finditer(window):
        if m.group().split()[0].lower() not in openers and not (m.group()[0].isdecimal() or m.group()[0] in "$£€¥₸₽"):
            continue  # a phrase begins with a qualifier, a number word, a currency: "as many as", "US $84"
        if _STOP_AT_END.search(window, m.start()) is None or window[m.start():].strip() == "":
            starts.append(base + m.start())
    return sorted({s for s in starts if s >= floor})


#: A word (and the space after it) before a number; a stop and space at the end of the words before it.
_WORD_BEFORE = re.compile(r"(?<![\w$£€¥₸₽])[\w$£€¥₸₽][^\s]*\s+")
_STOP_AT_END = re.compile(r"[.,;:!?”)]\s+$")


def _sign_starts(text: str, start: int, floor: int) -> list[int]:
    """Where a currency sign or code, or a minus or plus sign, right before ``start`` begins ("US$5", "-0.6%",
    "+0.2%", "$-50.8bn")."""
    starts = _signs_before(text, start)
    if start > 0 and text[start - 1] in "+-\u2212" and (start < 2 or not text[start - 2].isalnum()):
        starts.append(start - 1)  # "-0.6%": a minus sign, not a hyphen; "+0.2%" a plus sign
        if text[start - 1] == "-" and _currency_before(text, start - 1):
            starts.extend(s for s in _left_starts(text, start - 1, floor) if s < start - 1)  # "$-50.8bn"
    if start > 0 and text[start - 1] == "~":
        starts.append(start - 1)  # "~1.2mm": about
    return starts


def _is_change(text: str, left: int, phrase: str) -> bool:
    """True for "X to Y" right after a word of change, or after one and "from" ("rose from 5.1% to 5.6%", "fell
    5 to 7"): two figures, a before and an after, not a range ("range from $200 to $4m", "dropped by 1 to 1.5
    degrees" stay ranges)."""
    if not _TWO_ENDS.search(phrase) or phrase.lower().startswith(("between", "somewhere")):
        return False
    before = re.findall(r"[a-z]+", text[max(0, left - 30):left].lower())[-3:]
    if before[-1:] == ["from"] and not phrase.lower().startswith("from "):
        if _FROM_END.match(text, left + len(phrase)):
            return False  # "rose from about 14-18 mpg to 24": the phrase is the "from" end, a range itself
        before = before[:-1]
    if before[-1:] == ["by"]:
        return _change_and_level(phrase)
    return bool(before) and _moves(before[-1])


#: The "to" of "from X to Y" after X (and its unit word): X is then one end, whole.
_FROM_END = re.compile(r"(?:\s[A-Za-z]+)?\s(?:to|up to)\s")


def _change_and_level(phrase: str) -> bool:
    """True for "by X to Y" when Y is at least three times X ("increased by $43.6 billion to $419.2 billion"): a
    change and the level reached. Closer ends ("dropped by 1 to 1.5 degrees") may be a range of change: _doubtful
    leaves them unread."""
    ends = re.split(r"\s(?:to|–|-)\s|(?<=\d)[–-](?=\d)", phrase, maxsplit=1)
    percent = [bool(re.search(r"(?:%|per ?cent|pct)$", end.strip().lower())) for end in ends]
    if len(ends) == 2 and percent[0] and not percent[1]:
        return True  # "tumbled by 10 per cent to 18.97 yuan": a percent change, then a level
    values = [_parsed(end.strip()) for end in ends]
    if len(values) != 2 or values[0] is None or values[1] is None:
        return False
    return float(values[1].lower) >= 3 * float(values[0].lower) > 0


def _moves(word: str) -> bool:
    """True for a word of change ("rose", "fell", "cut", "up")."""
    d = _draft_tables()
    return (word in d["change_words"] and word != "from") or word in d["change_up"] or word in d["change_down"]


#: A percent with a minus sign ("-0.6%", "−1.3 per cent").
_SIGNED_PERCENT = re.compile(r"[-\u2212]\d[\d,]*(?:\.\d+)?\s?(?:%|per ?cent\b)")
#: A name right before a figure, with nothing between: a capitalised word or a name's number ("FTSE ", "Stoxx 50 ").
_INDEX_NAME_BEFORE = re.compile(r"\b([A-Z][\w&]*)(?: \d+)?\s+$")


def change_of(text: str, left: int, floor: int) -> str:
    """ "up" or "down" when the phrase starting at ``left`` is a change ("rose 6.1%", "fell by 19 cents", "up 58.06
    points"), "" when it is a level ("rose 6.1% to $2.18 trillion": the $2.18 trillion); words before ``floor``
    are not read."""
    d = _draft_tables()
    if text.startswith("+", left):
        return "up"  # "Dow +0.2%"
    name = _INDEX_NAME_BEFORE.search(text, max(0, left - 30), left) if _SIGNED_PERCENT.match(text, left) else None
    if name and name.group(1).lower() not in d["months"]:
        return "down"  # "FTSE -0.6%": a minus sign before a percent, right after a name, is a fall as "+" is a rise
    words = re.findall(r"[a-z]+", text[max(floor, left - 40):left].lower())[-5:]
    if re.search(r"[,;:()]\s*$", text[max(floor, left - 3):left]):
        return ""
    if words[-1:] in (["a"], ["an"]):
        return ""  # "cut a 5% stake", "added a 30 degree homer": the number names a thing, not the change
    by = False
    while words and words[-1] in d["change_links"]:
        by = words.pop() == "by" or by
    if not words or (words[-1] in ("up", "down") and words[-2:-1] and words[-2] in d["change_particles"]):
        return ""  # "gave up 517 yards": a particle, not a change
    if words[-1] == "of" and len(words) > 1:
        words.pop()  # "an increase of 14.9 mln dlrs": the noun of change before "of"
    for word in reversed(words if by else words[-1:]):  # "boost government income by 6.1%": the verb before "by"
        if word in d["change_up"]:
            return "up"
        if word in d["change_down"]:
            return "down"
    return ""


def _restatements(text: str, proposals: list[Proposal]) -> None:
    """A figure restating the change before it ("lost 190 points, or 0.6%", "grew by 125,600 jobs or 2.2%") is a
    change the same way; one converting a qualified figure into another unit ("more than 100 kilometers (60
    miles)") keeps its bound."""
    previous: Proposal | None = None
    for p in proposals:
        if not p.is_figure:
            continue
        if previous is not None and previous.change and not p.change and \
                (_OR_GAP.fullmatch(text, previous.end, p.start) or _GAPPED_BY.fullmatch(text, previous.end, p.start)):
            p.change = previous.change
        if previous is not None and p.bounds is not None and _converts(text, previous, p):
            p.bounds = qualified(float(p.bounds.lower), str(previous.bounds.bound))  # type: ignore[union-attr]
        previous = p


def _changes_named_after(text: str, proposals: list[Proposal]) -> None:
    """A figure a noun of change follows, in a noun phrase opened by an article ("a 19% drop", "an overall 3%
    increase"), is that change."""
    d = _draft_tables()
    for p in proposals:
        if not p.is_figure or p.change:
            continue
        noun = _CHANGE_NOUN_AFTER.match(text, p.end)
        opened = _ARTICLE_BEFORE.search(text, max(0, p.start - 60), p.start)
        if noun and noun.group(1).lower() in d["change_nouns"] and opened:
            p.change = "up" if noun.group(1).lower() in d["change_up"] else "down"


#: The word right after a figure, with a space or a hyphen between, past a unit of points or cents ("19% drop",
#: "3-point rise", "25 basis point cut").
_CHANGE_NOUN_AFTER = re.compile(r"(?i)(?:[- ](?:basis[- ])?points?|[- ]cents?|[- ]pence)?[- ]([a-z]+)\b(?![-’'])")
#: An article or a possessive and at most two words before a figure: a noun phrase, not a plural subject ("the
#: 3 firms rise" has its unit word between).
_ARTICLE_BEFORE = re.compile(r"(?i)\b(?:a|an|the|its|their|his|her|our|this|that|another)(?:\s+[a-z][\w-]*){0,2}\s+$")


#: Between a change and its restatement: ", or", or its unit word and "or" ("125,600 jobs or 2.2%").
_OR_GAP = re.compile(r"(?:\s[A-Za-z]+)?,?\s+or\s+")
#: Between a change and the next one of a list whose verb is left out: ", another name by" ("A was down 2.3%,
#: B by 2.6%").
_GAPPED_BY = re.compile(r"(?:\s[A-Za-z]+)?,\s+(?:and\s+)?(?:[A-Z][\w&’'.-]*\s+){1,4}by\s+")
#: Between a figure and its conversion: unit words, then "(" or "/" ("100 kilometers (", "224 kW / ").
_CONVERSION_GAP = re.compile(r"\s?(?:[A-Za-z.]+\s?){0,3}[(/]\s?")
#: The bound kinds a conversion keeps.
_ONE_SIDED = frozenset({"more_than", "at_least", "at_most", "fewer_than", "approximate"})


def _converts(text: str, previous: Proposal, p: Proposal) -> bool:
    """True when ``p`` converts the qualified figure before it into a unit of measure ("more than 100 kilometers
    (60 miles)"): an exact figure in parentheses or after a slash, in one of the lexicon's conversion units."""
    return previous.bounds is not None and previous.bounds.bound in _ONE_SIDED and p.bounds is not None and \
        p.bounds.bound == "exact" and bool(_CONVERSION_GAP.fullmatch(text, previous.end, p.start)) and \
        p.unit.lower() in _draft_tables()["conversion_units"]


def _is_duration_opener(text: str, left: int, phrase: str) -> bool:
    """True for "over five years": a period a figure covers, not "more than five years" (the duration alone is
    proposed instead); but "for over two years" is "for more than two years"."""
    words = phrase.lower().split()
    time_units = ("year", "years", "month", "months", "week", "weeks", "day", "days", "decade", "decades")
    if words[:1] == ["over"] and _word_before(text, left).lower() == "for":
        return False
    return len(words) > 2 and words[0] in _draft_tables()["duration_openers"] and words[-1] in time_units


#: "in" before a year ends a phrase: "£5bn in 2020" is an amount and its year, never a ratio.
_YEAR_AFTER_IN = re.compile(r"\b[Ii]n (?:1[89]|20)\d{2}\b")


def read_span(text: str, start: int, end: int, limit: int, floor: int = 0) -> tuple[int, int, Bounds | None, str]:
    """The longest phrase around the token text[start:end] that parse_quantity reads: (start, end, bounds, "");
    or the token alone with no bounds and the parser's reason when no phrase around it can be read for sure. The
    phrase starts at ``floor`` or after (where the phrase before ends)."""
    best: tuple[int, int, Bounds] | None = None
    rights = _right_ends(text, end, limit)[::-1]  # longest first: the first phrase read is the longest from left
    for left in _left_starts(text, start, floor):
        for right in rights:
            if best is not None and right - left <= best[1] - best[0]:
                break
            bounds = _phrase_bounds(text, left, right)
            if bounds is not None:
                best = (left, right, bounds)
                break
    if best is not None:
        why = _doubtful(text, best[0], best[1])
        return (best[0], best[1], None, why) if why else (best[0], best[1], best[2], "")
    try:
        parse_quantity(text[start:end])
    except ValueError as err:
        return start, end, None, f"unread: {err}; a person decides whether it is a figure"
    return start, end, None, "unread"  # pragma: no cover - the token alone would have been found above


def _phrase_bounds(text: str, left: int, right: int) -> Bounds | None:
    """The bounds of text[left:right] when the draft may propose it as one phrase, else None."""
    phrase = text[left:right]
    if not _acceptable(phrase) or _is_change(text, left, phrase) or _is_duration_opener(text, left, phrase) or \
            _YEAR_AFTER_IN.search(phrase) or _moved_up_to(text, left, phrase):
        return None
    bounds = _parsed(phrase)
    if bounds is not None and bounds.bound == "range" and (_unit_breaks_range(text, phrase, right) or
                                                            _respectively(text, phrase, right)):
        return None
    return bounds


def _respectively(text: str, phrase: str, right: int) -> bool:
    """True for "25k or 40k" when "respectively" follows in the sentence ("25k or 40k cheaper than its two rivals
    respectively"): each number goes with its own thing, two figures, not a range."""
    return bool(_OR_OR_AND.search(phrase) and _RESPECTIVELY.match(text, right))


#: The "or" of "X or Y" (never the "and" of "between X and Y", which opens its range itself).
_OR_OR_AND = re.compile(r"(?i)^(?!between\b|somewhere\b).*\d.*\s(?:or|and)\s")
#: "respectively" later in the same sentence, with no other number before it.
_RESPECTIVELY = re.compile(r"[^.;!?\d]*\brespectively\b")


def _moved_up_to(text: str, left: int, phrase: str) -> bool:
    """True for "up to 4.8 percent" after a word of movement ("inching back up to 4.8 percent"): a level reached,
    not "at most"."""
    return phrase[:6].lower() == "up to " and _word_before(text, left).lower() in _draft_tables()["motion_before_up_to"]


def _unit_breaks_range(text: str, phrase: str, right: int) -> bool:
    """True for "10 per cent to 18.97" before "yuan": with the unit word after it the range is refused (its two
    ends write different units), so it is two figures, not a range."""
    m = _UNIT_WORD_AFTER.match(text, right)
    return bool(m and m.group(1).lower() in lexicon()["unit_words"] and _parsed(phrase + m.group()) is None)


#: One word right after a phrase.
_UNIT_WORD_AFTER = re.compile(r" ([A-Za-z]+)\b")


@lru_cache(maxsize=4096)
def _parsed(phrase: str) -> Bounds | None:
    """parse_quantity's bounds for a phrase, or None when it refuses it (remembered: a draft tries many phrases)."""
    try:
        return parse_quantity(phrase)
    except ValueError:
        return None


#: "three quarters" read as a share needs "of" after it or a hyphen ("three-quarters"): otherwise it may be three
#: quarters of a year.
_QUARTERS = re.compile(r"(?i)\b(?:[a-z]+|\d+) quarters$")


def _doubtful(text: str, left: int, right: int) -> str:
    """Why a phrase the grammar reads is still not sure (the reason of an unread proposal), or ""."""
    phrase = text[left:right]
    ends = re.sub(r"(?i)^up to\s", "", phrase)  # "by up to £24": at most £24, one end
    if re.search(r"\bby\s+$", text[max(0, left - 4):left]) and re.search(r"\s(?:to|–|-)\s|\d[–-]\d", ends):
        return (f"unread: “by {phrase}” may be a change between two values or a change and the level it reached; "
                "a person decides")
    if _QUARTERS.search(phrase) and not re.match(r"\s+of\b", text[right:right + 4]):
        return (f"unread: “{phrase}” may be a share (three quarters, 0.75) or quarters of a year (three quarters, 3); "
                "a person decides")
    return ""


def _reads(phrase: str) -> bool:
    """True when parse_quantity reads the phrase."""
    try:
        parse_quantity(phrase)
    except ValueError:
        return False
    return True


# -- what is proposed around a figure ------------------------------------------------------------------------
def quote_for(text: str, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The quote for the phrase text[start:end]: its sentence, cut between the phrase's other occurrences when it
    stands there more than once (a figure's number_text must stand in its quote exactly once)."""
    phrase = text[start:end]
    lo, hi = min(sentence[0], start), max(sentence[1], end)
    others = [at for at in _occurrences(text, phrase, lo, hi) if at != start]
    before = [a for a in others if a < start]
    after = [a for a in others if a > start]
    if before:
        lo = max(before) + 1
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if after:
        hi = min(after) + len(phrase) - 1
        space = text.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    return lo, hi


def _occurrences(text: str, phrase: str, lo: int, hi: int) -> list[int]:
    """Where ``phrase`` starts in text[lo:hi], overlapping occurrences included (str.find: no pattern to compile)."""
    found, at = [], text.find(phrase, lo, hi)
    while at >= 0:
        found.append(at)
        at = text.find(phrase, at + 1, hi)
    return found


#: "out of" and the whole after a part ("12 out of 23 agencies"): the part counts what the whole counts.
_OUT_OF = re.compile(r"\s+out of\s+(?:the\s+)?(?:\d[\d,.]*\d|\d|[a-z]+(?:-[a-z]+)?)(?=\s)", re.IGNORECASE)


#: A word as written, accents and combining marks included ("cafés", "élèves", "cafe" + U+0301 "s"), or one other
#: character (which ends the measure).
_WORD = re.compile(r"[^\W\d_][\w’'\-\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*|\S")


def _compared(word: str) -> str:
    """A word as it is compared with the word tables: NFC, lower case (never kept: a unit stays as written)."""
    return unicodedata.normalize("NFC", word).lower()


def unit_and_measure(text: str, end: int, limit: int) -> tuple[str, str]:
    """The words after a number up to a stop word or punctuation: the measure ("foreign fighters") and its last word
    as the unit ("fighters"); TO_DESCRIBE when none follow."""
    stops = _draft_tables()["measure_stops_set"]
    whole = _OUT_OF.match(text, end, limit)  # "12 out of 23 agencies": the 12 counts agencies too
    end = whole.end() if whole else end + bool(re.match(r"-[A-Za-z]", text[end:end + 2]))  # "0-to-60-mph time"
    words: list[str] = []
    for m in _WORD.finditer(text, end, limit):
        word = m.group()
        if not word[0].isalpha() or _compared(word) in stops or len(words) == 3:
            break
        words.append(word)
    plural = [i for i, w in enumerate(words) if re.search(r"[^\W\d_][^su]s$", _compared(w))]
    # "ethnic groups", "nations fighting": the measure ends with its plural noun; "people signed": with none, the
    # first word alone, unless it is a verb ("backed")
    words = words[: plural[0] + 1] if plural else [w for w in words[:1] if not re.search(r"(?:ed|ing)$", w)]
    if not words:
        return TO_DESCRIBE, TO_DESCRIBE
    return words[-1], " ".join(words)


def _written_unit(phrase: str) -> str:
    """The unit a phrase writes itself: its currency (sign, code or word), percent, a unit glued to the digits, an
    age, a sub-unit (cents, pence, points); "" when it writes none."""
    lex = lexicon()
    low = phrase.lower()
    sign = _draft_tables()["currency_before_digits"].search(low)
    if sign:
        return str(lex["currency_symbols"][sign.group(1)])
    attached = re.search(r"\d\s?([a-z]+)$", low)
    if attached and attached.group(1) in lex["attached_units"]:
        return str(lex["attached_units"][attached.group(1)])
    if re.search(r"[- ]years?[- ]old$", low) or re.search(r"\bthe age of [\w.]+$", low):
        return "years of age"  # "a 15-year-old", "under the age of 5"
    if low.endswith(("%", "percent", "per cent", " pct")):
        return "percent"
    words = low.split()
    for tail in (" ".join(words[-2:]), words[-1]):  # "58.06 points", "40.4 mln dlrs", "60 basis points"
        if len(words) > 1 and tail in _draft_tables()["written_units"]:
            return tail
    return ""


#: An age written on after the number ("16-year-olds", "16 year olds").
_AGE_AFTER = re.compile(r"[- ]years?[- ]olds?\b")


#: Words that open a sentence before its speaker's name ("But Mr Letwin said", "And Jones added").
_OPENING_WORDS = frozenset({"but", "and", "yet", "so", "however,", "meanwhile,"})
#: Words before a lower-case source that are no part of it ("Some analysts", "Yesterday dealers").
_GROUP_OPENERS = frozenset({"some", "many", "most", "other", "several", "few", "two", "three", "all", "both", "a", "an",
                            "however", "yesterday", "today", "meanwhile", "earlier", "also", "but", "and"})
#: Lower-case words a name may hold ("Office for National Statistics", "Bank of England").
_CONNECTORS = frozenset({"of", "the", "for", "de", "van", "von"})


def candidate_credit(text: str, spans: list[tuple[int, int]], index: int) -> str:
    """Who a sentence itself credits ("according to X", "X said"): a name, or "" (a neighbour's speaker is never
    borrowed: a narrator's sentence is not the last person quoted)."""
    return _credit_in(text, spans[index][0], spans[index][1])[0]


def _name_in(text: str, lo: int, hi: int, speakers_only: bool = False) -> str:
    """The first name a credit pattern finds in text[lo:hi], cleaned of titles; "" when none (``speakers_only``: a
    speaker, "X said", not a source, "according to X")."""
    return _credit_in(text, lo, hi, speakers_only)[0]


def _credit_in(text: str, lo: int, hi: int, speakers_only: bool = False) -> tuple[str, int, int]:
    """_name_in's name and the offsets between which it credits the sentence's numbers: ``lo`` to ``hi``, or from
    where the words said begin when the pattern marks it ("Interior wants the 1.5 million acre plain, but it said …":
    from "said" on), to where a relative clause of saying ends ("Bush, who told reporters that …, left")."""
    d = _draft_tables()
    if not any(map(text[lo:hi].lower().__contains__, d["credit_needs"])):
        return "", lo, hi  # no word any credit pattern needs: none can match
    for pattern in d["credit_patterns"][1 if speakers_only else 0:]:
        for m in pattern.finditer(text, lo, hi):
            name = _clean_name(m.group("name"), text)
            if name and not d["tied_before"].search(text, max(lo, m.start("name") - 80), m.start("name")):
                end = m.end("clause") if "clause" in pattern.groupindex else hi
                other = d["credit_other_source"].search(text, m.end(), end)  # "… but some other institutes have …"
                return _resolve_role(text, name, m.start()), (
                    m.end("said") if "said" in pattern.groupindex else
                    _reported_from(text, m, lo, hi) if "says" in pattern.groupindex else lo), (
                    min(other.start() if other else end, _next_speaker(text, name, m.end(), end)))
    return "", lo, hi


def _next_speaker(text: str, name: str, lo: int, hi: int) -> int:
    """Where another name than ``name`` is credited in text[lo:hi] ("Jones said exports fell 4 pct, while Smith said
    they rose 2 pct": at Smith), the earliest of any credit pattern's; ``hi`` when none."""
    d = _draft_tables()
    if not any(map(text[lo:hi].lower().__contains__, d["credit_needs"])):
        return hi
    starts = [m.start() for pattern in d["credit_patterns"] for m in pattern.finditer(text, lo, hi)
              if (other := _clean_name(m.group("name"), text)) and other != name]
    return min(starts, default=hi)


#: What may follow a verb of saying that closes its sentence ("…, dealers said on Friday.", "said in a statement").
_CLAUSE_ENDS = re.compile(r"(?:\s+(?:on|in|at|late|early|yesterday|today|last|this|earlier|later|recently|after|"
                          r"before)\b[^,;:]{0,60})?[\s.!?”\"’']*")


def _reported_from(text: str, m: re.Match[str], lo: int, hi: int) -> int:
    """Where the words a lower-case source reports begin: the sentence's start when its reporting clause closes the
    sentence ("Prices fell 5 pct, dealers said."), else the source itself ("As the dollar fell to a 40-year low,
    traders said …": the 40-year low is the narrator's)."""
    ends = [m.end()]
    while text[m.start("says"):m.end("says")] == "told" and len(ends) <= 4:  # "…, sources told Tengri News."
        word = _draft_tables()["audience_word"].match(text, ends[-1], hi)  # whom they told, a word at a time
        if not word:
            break
        ends.append(word.end())
    return lo if any(_CLAUSE_ENDS.fullmatch(text, end, hi) for end in ends) else m.start("name")



#: Roles that stand for the organisation the article named before them ("the department" after "the Interior
#: Department"); other roles ("the chancellor") stand as written.
_RESOLVED_ROLES = frozenset({"company", "firm", "bank", "department", "agency", "board", "commission", "committee",
                             "institute", "federation", "association", "authority", "group", "organisation",
                             "organization", "ministry"})
#: How far back (in characters) a role looks for the name it stands for.
ROLE_REACH = 3000


def _resolve_role(text: str, name: str, at: int) -> str:
    """A role as the nearest speaker before ``at`` whose name holds its word ("the company" after "<Hudson's Bay Co>
    said"), or the role as written; any other name unchanged."""
    first, _, role = name.partition(" ")
    if first.lower() != "the" or role.lower() not in _RESOLVED_ROLES:
        return name
    d = _draft_tables()
    words = d["credit_company_words"] if role.lower() in ("company", "firm") else {role.capitalize()}
    found = ""
    for m in d["name_says"].finditer(text, max(0, at - ROLE_REACH), at):
        if words & {w.strip(".,’'") for w in m.group("name").replace("’s", "").replace("'s", "").split()}:
            found = m.group("name")
    return _clean_name(found, text) or name


def _is_group(name: str) -> bool:
    """True for a group's credit ("dealers", "sources close to the ministry"): no one a later "he said" stands for."""
    d = _draft_tables()
    tie = d["group_tie"].search(name)
    return (name[:tie.start()] if tie else name).rsplit(" ", 1)[-1].lower() in d["credit_groups_set"]


def _is_role(name: str) -> bool:
    """True for a role as the article writes it: "the chancellor", "the port authority", "the ministry of labour"."""
    d = _draft_tables()
    first, _, rest = name.partition(" ")
    return first.lower() == "the" and (rest.lower() in d["credit_roles"] or (rest.islower() and bool(
        rest.rsplit(" ", 1)[-1] in d["credit_roles"] or d["role_of"].match(rest))))


def _clean_name(name: str, text: str) -> str:
    """A credit pattern's name without titles ("Deputy Prosecutor General Assanov" -> "Assanov"), the role as written
    ("the chancellor"), or "" when it is no name ("Some estimates", "The report")."""
    d = _draft_tables()
    if _is_role(name):
        return name  # "the chancellor said", "according to the port authority", "the ministry of labour said": as written
    tie = d["group_tie"].search(name)
    if tie and name[:tie.start()].rsplit(" ", 1)[-1].lower() in d["credit_groups_set"]:
        group = _clean_name(name[:tie.start()], text)  # "Sources close to the ministry": the group, tied as written
        return group + name[tie.start():] if group else ""
    if name.rsplit(" ", 1)[-1].lower() in d["credit_groups_set"]:  # "Some currency traders": "currency traders"
        words = name.split()
        while len(words) > 1 and words[0].lower().strip(",") in _GROUP_OPENERS | {*d["name_skip"], *_OPENING_WORDS}:
            words = words[1:]
        return " ".join(words)
    words = re.sub(r"[’']s$", "", name.rstrip(".,’'")).split()
    while words and (words[0].lower().strip(".") in d["credit_titles_set"] or words[0].lower() in _OPENING_WORDS):
        words = words[1:]  # a title, or a word opening the sentence ("But Mr Letwin said")
    if any(w.lower() in d["name_skip_set"] for w in words if w[0].isupper() or w not in _CONNECTORS):
        return ""
    return " ".join(words) if words and words[0][0].isupper() and " ".join(words) in text else ""


#: The longest quotation read as one (an unclosed mark opens nothing).
QUOTATION_REACH = 3000
_QUOTE_MARK = re.compile(r"[“”\"]")


def quotations(text: str) -> list[tuple[int, int]]:
    """The quotations of a text as (start, end) offsets, quote marks included, in order. A quotation that runs on
    over paragraphs opens each again without closing the one before (“… now. “The difficult …”): one quotation."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for m in _QUOTE_MARK.finditer(text):
        at, mark = m.start(), m.group()
        if start is not None and at - start > QUOTATION_REACH:
            start = None  # never closed: it opens nothing
        if start is None:
            start = at if mark != "”" else None
        elif _opens_again(text, at, mark):
            continue  # the same quotation, a new paragraph of it
        else:
            spans.append((start, at + 1))
            start = None
    return spans


def _opens_again(text: str, at: int, mark: str) -> bool:
    """True for a mark that opens a new paragraph of the quotation still open: after the end of a sentence and a space,
    before a word (“… until now. “The difficult”)."""
    return (mark == "“" or (mark == '"' and at + 1 < len(text) and text[at + 1].isalnum())) and \
        bool(re.search(r"[.?!…]\s+$", text[max(0, at - 4):at]))


def speaker(text: str, quotation: tuple[int, int]) -> str:
    """Who says a quotation: "…,” Assanov said", "…,” said the minister", "Assanov said: “…": a name, or ""."""
    q0, q1 = quotation
    ended = text[q0:q1].rstrip("”\"").endswith(".")  # "…in the UK.” The Tories say…": a new sentence, no speaker
    after = None if ended else re.match(r"[^.!?“\"]{0,80}", text[q1:q1 + 80])
    name = _name_in(text, q1, q1 + after.end()) if after else ""
    if name:
        return name
    before = re.search(r"[^.!?”\"]{0,100}$", text[max(0, q0 - 100):q0])
    return _name_in(text, q0 - len(before.group()), q0) if before and re.search(
        r"(?:said|says|told [\w ]{1,30}|added|wrote|stated|explained|warned)[:,]?\s*$", before.group()) else ""


#: A pronoun that says ("he said", "She also told"): it stands for the speaker just named, if any.
_PRONOUN_SAYS = re.compile(r"\b(?:[Hh]e|[Ss]he|[Ii]t)(?: also| later)? (?:said|says|added|told|believes|expects|"
                           r"estimates|estimated|warned|thinks|noted|explained|argued|stressed|admitted)\b")
#: A verb of saying with or without a name: a sentence where someone unnamed speaks ("dealers said") ends the search
#: for whom a later pronoun stands for.
_SAYS = re.compile(r"\b(?:said|says|say|told|added|noted|estimates|estimated|reported|claimed|claims|explained|"
                   r"argued|stressed|admitted)\b")
#: How many sentences back a pronoun or a quotation looks for the speaker it stands for.
SPEAKER_REACH = 2
#: A sentence that credits someone of its own ("according to …", "an official said"): its figures are never the
#: narrator's, even when the draft cannot name whom ("all told" tells nothing; "estimated" is a bound word).
_ATTRIBUTED = re.compile(r"\b(?:[Aa]ccording to|said|says|(?<!a )say|(?<![Aa]ll )told|stated|claimed|claims|warned|"
                         r"insisted|counted|(?<![Aa]n )(?<!the )estimated|puts? (?:the|its|their) (?:[a-z]+ ){1,4}at|"
                         r"explained|argued|stressed|cautioned|admitted|acknowledged|conceded|reckons|reckoned)\b")
# "have a say" says nothing; "police estimated", "witnesses counted", "organisers put the number at" credit someone
# ("an estimated 300" is a bound)
#: An age between commas after a name ("Dana Example, 34, who …"): the reporter describing a speaker, not the
#: speaker's claim; a list after a name ("in Paris, 12, 15 and 20 homes") is no age.
_AGE_AFTER_NAME = re.compile(r"[A-Z][\w’'.-]*, $")
_AGE_ENDS = re.compile(r"\d{1,3}, (?:who|whose|said|says|told|added|also|an?|the|from|of|is|was|has|had)\b")


def period_phrases(text: str, quote: tuple[int, int]) -> list[tuple[str, int, int]]:
    """Every period phrase of the lexicon's patterns in text[quote[0]:quote[1]], pattern by pattern."""
    return [(m.group(), m.start(), m.end()) for pattern in _draft_tables()["period_patterns"]
            for m in pattern.finditer(text, quote[0], quote[1])]


def nearest_period(found: list[tuple[str, int, int]], at: int) -> tuple[str, int, int]:
    """The period phrase starting nearest to offset ``at`` (the first found of equals), or ("", 0, 0)."""
    return min(found, key=lambda f: abs(f[1] - at)) if found else ("", 0, 0)


# -- the whole article ------------------------------------------------------------------------------------
@dataclass
class _Context:
    """What a draft computes once per text: its sentences, its quotations, and the credits found so far."""

    spans: list[tuple[int, int]]
    quoted: list[tuple[int, int]]
    not_counts: NotCounts
    found: dict[tuple[str, int], str] = field(default_factory=dict)
    credits_from: dict[int, tuple[str, int, int]] = field(default_factory=dict)
    rest_credits: dict[int, tuple[str, int, int]] = field(default_factory=dict)  # after a second speaker's name
    speakers: list[str] = field(default_factory=list)
    periods: dict[tuple[int, int], list[tuple[str, int, int]]] = field(default_factory=dict)

    def credit(self, text: str, index: int, at: int) -> tuple[str, str]:
        """credit_of, each sentence's and each quotation's credit looked for once (a long sentence stays linear)."""
        i = bisect.bisect_right(self.quoted, (at, math.inf)) - 1
        if i >= 0 and self.quoted[i][0] < at < self.quoted[i][1]:
            if ("quote", i) not in self.found:
                self.found["quote", i] = speaker(text, self.quoted[i]) or self._quote_borrows(text, self.quoted[i])
            name = self.found["quote", i]
            return (name, "inferred") if name else ("", "none")
        if _AGE_AFTER_NAME.search(text, max(0, at - 40), at) and _AGE_ENDS.match(text, at):
            return "", "narration"
        named = self._sentence_credit(text, index, at)
        if named:
            return named
        if ("pronoun", index) not in self.found:
            self.found["pronoun", index] = self.pronoun_speaker(text, index)
        name = self.found["pronoun", index]
        if name:
            return name, "inferred"
        if ("attributed", index) not in self.found:  # looked for once a sentence (a long one stays linear)
            self.found["attributed", index] = "yes" if _ATTRIBUTED.search(text, *self.spans[index]) else ""
        attributed = not self.found["sentence", index] and self.found["attributed", index]
        return "", "none" if attributed else "narration"

    def _sentence_credit(self, text: str, index: int, at: int) -> tuple[str, str] | None:
        """Whom sentence ``index`` itself credits for offset ``at`` (its first speaker, or a second one from that
        one's name on), ("", "none") after a contrast opening another unnamed source's clause, or None."""
        if ("sentence", index) not in self.found:
            self.credits_from[index] = _credit_in(text, *self.spans[index])
            self.found["sentence", index] = self.credits_from[index][0]
        name, lo, hi = self.credits_from[index]
        if not name or at < lo:
            return None
        if at < hi:
            return name, "explicit"
        if _draft_tables()["credit_other_source"].match(text, hi):
            return "", "none"  # "… but some other institutes have revised forecasts to 2 pct": theirs, unnamed
        if at < self.spans[index][1]:  # "…, while Smith said they rose 2 pct": Smith's, from his name on
            if index not in self.rest_credits:
                self.rest_credits[index] = _credit_in(text, hi, self.spans[index][1])
            rest = self.rest_credits[index]
            if rest[0] and rest[1] <= at < rest[2]:
                return rest[0], "explicit"
        return None

    def speaker_of(self, text: str, index: int) -> str:
        """Who sentence ``index`` names as a speaker ("X said"), or whom its "he said" stands for (a run of them each
        standing for the one before); "" when none. Found in text order, each sentence once (no recursion)."""
        while len(self.speakers) <= index:
            i = len(self.speakers)
            lo, hi = self.spans[i]
            name = _name_in(text, lo, hi, speakers_only=True)
            if _is_group(name):
                name = ""  # a group ("dealers") is no one a pronoun stands for
            elif not name and _PRONOUN_SAYS.search(text, lo, hi):
                name = self._speaker_before(text, i)
            self.speakers.append(name)
        return self.speakers[index]

    def pronoun_speaker(self, text: str, index: int) -> str:
        """Whom a "he said" in sentence ``index`` stands for: the speaker named (or stood for) in one of the
        SPEAKER_REACH sentences before it (the nearest); "" when the sentence has no such pronoun or no speaker is
        that near."""
        lo, hi = self.spans[index]
        if _PRONOUN_SAYS.search(text, lo, hi):
            return self._speaker_before(text, index)
        return self._group_before(text, index) if _draft_tables()["credit_they_says"].search(text, lo, hi) else ""

    def _group_before(self, text: str, index: int) -> str:
        """Whom a "they said" stands for: the group named as speaker ("dealers said") in the nearest sentence that
        speaks of the SPEAKER_REACH before ``index``; "" when that sentence names a person, an organisation or no one."""
        for j in range(index - 1, max(-1, index - 1 - SPEAKER_REACH), -1):
            name = _name_in(text, *self.spans[j], speakers_only=True)
            if name or _SAYS.search(text, *self.spans[j]):
                return name if _is_group(name) else ""
        return ""

    def _speaker_before(self, text: str, index: int) -> str:
        """The speaker named (or stood for) in the nearest of the SPEAKER_REACH sentences before ``index``."""
        if index > 0:
            self.speaker_of(text, index - 1)  # every sentence before it, found once
        for j in range(index - 1, max(-1, index - 1 - SPEAKER_REACH), -1):
            name = self.speakers[j]
            if name or _SAYS.search(text, *self.spans[j]):
                return name  # the nearest who speaks: named, or not ("dealers said"), then no one further back
        return ""

    def _quote_borrows(self, text: str, quotation: tuple[int, int]) -> str:
        """The speaker of a quotation no name stands beside: whom its "he said" stands for, or, when it opens its
        sentence, the speaker of the sentence just before ("Lord Moynihan said … “We aim …”")."""
        q0, q1 = quotation
        index = _sentence_of(self.spans, q0)
        gap = re.match(r"[\s,]*", text[q1:q1 + 5])
        if _PRONOUN_SAYS.match(text, q1 + (gap.end() if gap else 0)) or _PRONOUN_SAYS.search(
                text, self.spans[index][0], q0):
            return self._speaker_before(text, index)
        if self.spans[index][0] == q0 and index > 0:
            return self.speaker_of(text, index - 1)
        return ""

    def period(self, text: str, quote: tuple[int, int], at: int) -> str:
        """The period phrase nearest to ``at`` in the quote ("since 2011"), each quote's phrases found once."""
        if quote not in self.periods:
            self.periods[quote] = period_phrases(text, quote)
        return nearest_period(self.periods[quote], at)[0]


#: The most a draft reads at once: longer texts are refused in one line (split them), so drafting stays quick.
MAX_CHARS = 1_000_000
MAX_TOKENS = 20_000
#: How far (in characters) a quote reaches either side of its number when the sentence is longer: the quote is then
#: cut (at a space) and the row's notes say so.
QUOTE_REACH = 300


def propose(text: str) -> list[Proposal]:
    """Every numeric word of a text accounted for: a figure proposal for each number phrase, a non-figure
    proposal (with its reason) for each other numeric word; in text order, never two overlapping. Linear in the
    text's length; a text over MAX_CHARS characters or MAX_TOKENS numbers is refused (ValueError, one line)."""
    if len(text) > MAX_CHARS:
        raise ValueError(f"the text is too long to draft at once: {len(text):,} characters (at most {MAX_CHARS:,}); "
                         "split it into articles")
    if "\u00ad" in text:
        return _read_through_soft_hyphens(text)
    spans = sentences(text)
    tokens = token_spans(text)
    if len(tokens) > MAX_TOKENS:
        raise ValueError(f"the text holds too many numbers to draft at once: {len(tokens):,} (at most "
                         f"{MAX_TOKENS:,}); split it into articles")
    out: list[Proposal] = []
    covered_until, context = 0, _Context(spans, quotations(text), NotCounts.of(text))
    for start, end, kind in tokens:
        if out and start < covered_until:
            out[-1].tokens.append((start, end))
            continue
        proposal = _propose_token(text, context, (start, end, kind), covered_until)
        covered_until = max(covered_until, proposal.end)
        out.append(proposal)
    out = _ranges_with_units(text, out)
    _periods_account(text, out)
    _changes_named_after(text, out)
    _restatements(text, out)
    _lengths(text, out)
    _shared_scale(text, out)
    _distances_run(text, out)
    out = _mixed_fractions(text, out)
    _ages_after_names(text, out)
    _scales_after_words(text, out)
    out = _ratios_to_one(text, out)
    _measures_from_sentences(text, out)
    return out


#: Between a figure and one converting it: "$33.6 billion (£17.7 billion)", "A$3.1bn ($2.4bn; £1.25bn)".
_CONVERTS = re.compile(r"\s*[(/;]\s*")
#: A sentence's end between two figures.
_SENTENCE_END = re.compile(r"[.!?]\s")


def _measures_from_sentences(text: str, proposals: list[Proposal]) -> None:
    """A figure whose words after it name only its unit counts what its sentence says ("60% of its budget":
    figures/measures.py); one converting the figure before it ("$33.6 billion (£17.7 billion)"), or with nothing
    said of it in the same sentence and unit as the one before ("rose to 15.5 bpd from 16.5 bpd"), counts what
    that one counts."""
    previous: Proposal | None = None
    known = False  # the previous figure's measure is a counted noun or was read from its sentence
    for p in proposals:
        if not p.is_figure:
            continue
        if needs_context(p.measure, p.unit):
            gap = previous.end if previous is not None else 0
            before = previous.measure if previous is not None and known and gap > p.start - 120 and \
                not _SENTENCE_END.search(text, gap, p.start) else ""
            found = before if before and _CONVERTS.fullmatch(text, gap, p.start) else \
                measure_in_context(text, p.quote, p.start, p.end, p.unit)
            same_unit = previous is not None and previous.unit == p.unit and p.unit != TO_DESCRIBE
            p.measure = found or (before if same_unit else "") or p.measure
            known = bool(found or (before and same_unit))
        else:
            known = True
        previous = p


def _read_through_soft_hyphens(text: str) -> list[Proposal]:
    """propose() for a text with soft hyphens (U+00AD, invisible break points: "15\u00admillion", "mil\u00adlion"): read
    without them (one between digits and a word as a space), every offset mapped back to the text as given."""
    spaced = SOFT_HYPHEN_GAP.sub(" ", text)  # the same length: offsets unchanged
    kept = [i for i, c in enumerate(spaced) if c != "\u00ad"]
    proposals = propose("".join(spaced[i] for i in kept))

    def start(at: int) -> int:
        return kept[at] if at < len(kept) else len(text)

    def end(at: int) -> int:
        return kept[at - 1] + 1 if at > 0 else 0

    for p in proposals:
        p.start, p.end = start(p.start), end(p.end)
        p.phrase, p.quote = text[p.start:p.end], (start(p.quote[0]), end(p.quote[1]))
        p.tokens = [(start(a), end(b)) for a, b in p.tokens]
    return proposals


#: Between the two ends of a range that writes its unit twice: the first end's unit words, then "to", "up to" or
#: "and" ("450 sq ft up to 900", "4 miles and 12").
_UNIT_THEN_TO = re.compile(r"\s+((?:[A-Za-z]+\.?\s+){1,2}?)(to|up to|and)\s+")
#: The opener of a range before its first end, at the end of the words before it ("from ", "between ").
_RANGE_OPENER = re.compile(r"(?i)\b(from|between)\s+$")


def _ranges_with_units(text: str, proposals: list[Proposal]) -> list[Proposal]:
    """ "from 450 sq ft up to 900 sq ft", "between 4 miles and 12 miles", "5 euros to 8 euros": a range that writes
    its unit on both ends is one range, as "from 450 up to 900 sq ft" is; "from X to Y" after a word of change
    stays two levels ("dropped from 208 pounds to 193 pounds"), and ends that fall are no range."""
    out: list[Proposal] = []
    for q in proposals:
        p = out[-1] if out else None
        merged = _unit_range(text, p, q) if p is not None else None
        if merged is None:
            out.append(q)
        else:
            out[-1] = merged
    return out


def _unit_range(text: str, p: Proposal, q: Proposal) -> Proposal | None:
    """The range ``p`` and ``q`` make when they are its two ends with the same unit written after each (see
    _ranges_with_units), or None."""
    if p.bounds is None or q.bounds is None or p.change or q.change or p.bounds.bound != "exact":
        return None
    joiner = _unit_joiner(text, p, q)
    if joiner is None:
        return None
    opener = _RANGE_OPENER.search(text, max(0, p.start - 9), p.start)
    if (joiner == "and") != (opener is not None and opener.group(1).lower() == "between"):
        return None  # "and" closes "between", and only "between"
    before = re.findall(r"[a-z]+", text[max(0, p.start - 40):opener.start() if opener else p.start].lower())
    lower, upper = p.bounds.lower, q.bounds.upper
    if (opener is not None and before and _moves(before[-1])) or not lower < upper:
        return None  # "dropped from 208 pounds to 193 pounds": two levels; "1.3 A/cm2 to 0.03 A/cm2": no range
    start = opener.start() if opener else p.start
    return Proposal(start, q.end, text[start:q.end], Bounds(lower, upper, False, False, "range"),
                    quote=(min(p.quote[0], q.quote[0]), max(p.quote[1], q.quote[1])), unit=p.unit,
                    measure=p.measure, credit=p.credit, period=p.period or q.period, tokens=p.tokens + q.tokens,
                    attribution=p.attribution)


def _unit_joiner(text: str, p: Proposal, q: Proposal) -> str | None:
    """ "to", "up to" or "and" when the same unit words follow ``p`` and ``q`` and that word joins them ("450 sq ft
    up to 900 sq ft"), else None; ``q`` is exact or "up to" (it then holds the "up to")."""
    up_to = q.phrase.lower().startswith("up to ")
    gap = _UNIT_THEN_TO.fullmatch(text[p.end:q.start] + ("up to " if up_to else ""))
    if gap is None or (q.bounds is not None and q.bounds.bound != "exact" and not up_to):
        return None
    return gap.group(2) if text.startswith(" ".join(gap.group(1).split()), q.end + 1) else None


#: "from X to Y": the gap between the two levels, and a bare number (no scale, no sign) as X.
_FROM_BEFORE = re.compile(r"(?i)\bfrom\s+$")
_TO_BETWEEN = re.compile(r"\s+to\s+")
_BARE = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SCALED = re.compile(r"(?i)(\d[\d,]*(?:\.\d+)?)(?:[-–]\d[\d,]*(?:\.\d+)?)?\s?([a-z]+)\b")


def _shared_scale(text: str, proposals: list[Proposal]) -> None:
    """ "from 5 to 7 million", "from 24.2 to 33-35 billion euros": the bare first level takes the second's scale
    when its number is smaller than the second's, as for a range ("from 500,000 to 2 million" stays)."""
    scales = {**lexicon()["scale_words"], **lexicon()["scale_abbreviations"]}
    for p, q in pairwise(proposals):
        if p.bounds is None or q.bounds is None or not _BARE.fullmatch(p.phrase) or \
                not _TO_BETWEEN.fullmatch(text, p.end, q.start) or \
                not _FROM_BEFORE.search(text[max(0, p.start - 6):p.start]):
            continue
        m = _SCALED.search(q.phrase)
        scale = scales.get(m.group(2).lower()) if m else None
        first = Fraction(p.phrase.replace(",", ""))
        if m and isinstance(scale, int) and first < Fraction(m.group(1).replace(",", "")):
            p.bounds = Bounds.exact(float(first * scale))


#: "37m" then a length in feet or "-long": the "m" is metres, not million ("the 37m (121ft)-long skeleton").
_METRES = re.compile(r"(?i)\d+(?:\.\d+)?m")
_LENGTH_AFTER = re.compile(r"(?i)\s?\(\s?[\d.,]+\s?(?:ft|feet|foot)\b|-(?:long|tall|high|wide|deep)\b")


def _lengths(text: str, proposals: list[Proposal]) -> None:
    """A bare "37m" followed by its length in feet or by "-long" is 37 metres, not 37 million."""
    for p in proposals:
        if p.bounds is not None and _METRES.fullmatch(p.phrase) and _LENGTH_AFTER.match(text, p.end):
            p.bounds, p.unit = Bounds.exact(float(p.phrase[:-1])), "metres"


#: After a bare "200m" in an article about races: punctuation, the end, or a word that starts no counted noun
#: (a pronoun: "over the last 100m she faded").
_NO_NOUN_AFTER = re.compile(r"\s?(?:[,.;:!?)]|$)|\s(?:in|at|as|and|but|on|over|with|for|to|from|before|after|when|while|"
                            r"he|she|they|we|I)\b")


def _distances_run(text: str, proposals: list[Proposal]) -> None:
    """In an article about races (lexicon draft.race_words), a bare "200m" with no counted noun after it is 200
    metres run, not 200 million ("over the last 200m as Kelly dominated"), unless its sentence speaks of money
    (lexicon draft.money_words: a sponsor "paid 5m in fees" may be millions): then it is left unread. A race's name
    is a non-figure already."""
    bare = [p for p in proposals if p.bounds is not None and _METRES.fullmatch(p.phrase) and
            _NO_NOUN_AFTER.match(text, p.end) and not _currency_before(text, p.start)]
    if not bare or not _race_words().search(text):
        return
    for p in bare:
        if not _words_of("money_words").search(text, *p.quote):
            p.bounds, p.unit, p.measure = Bounds.exact(float(p.phrase[:-1])), "metres", "metres"
        else:
            p.bounds, p.unit, p.measure = None, "", ""
            p.reason = (f"unread: “{p.phrase}” in an article about races may be metres or millions; a person "
                        "decides how to read it")


def _race_words() -> re.Pattern[str]:
    """Any of the lexicon's race words (draft.race_words), as a whole word, in any case."""
    return _words_of("race_words")


@lru_cache(maxsize=4)
def _words_of(table: str) -> re.Pattern[str]:
    """Any word of one of the lexicon's draft word lists, as a whole word, in any case."""
    words = sorted(_draft_tables()[table], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


#: A whole number, then a hyphen or a space, then a fraction with a slash: "7-3/4 pct", "6 1/2 miles".
_MIXED_GAP = re.compile(r"[-\s]")
_FRACTION_START = re.compile(r"(\d{1,3})/(\d{1,3})\b")
_WHOLE_END = re.compile(r"(?<![\d.,/-])\d{1,4}$")
_QUALIFIED_KINDS = frozenset({"exact", "approximate", "more_than", "at_least", "at_most", "fewer_than"})


#: A person's name (two capitalised words, or a title and one) and a comma: "Anna Berg, 15, was charged".
_NAME_BEFORE = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr)\.? [A-Z][\w’'-]+|\b[A-Z][\w’'-]+ (?:[A-Z][\w’'.-]* )?[A-Z][\w’'-]+), $")

#: A newswire's scale abbreviation written as a word after a number word: "about four mln shares", "two bln dlrs".
_SCALE_WORD_AFTER = re.compile(r" (mln|bln|mn|bn|trn)\b")
_SCALE_OR_DIGIT = re.compile(r"(?i)\b(?:thousand|million|billion|trillion|mln|bln|mn|bn|trn)\b|\d")


def _scales_after_words(text: str, proposals: list[Proposal]) -> None:
    """A number in words followed by "mln", "bln" … ("about four mln shares") takes that scale: 4 million, the
    phrase running on over it (digits take it already: "40.4 mln")."""
    numbers, scales = lexicon()["number_words"], lexicon()["scale_abbreviations"]
    for p in proposals:
        m = _SCALE_WORD_AFTER.match(text, p.end)
        last = p.phrase.rsplit(None, 1)[-1].lower() if p.phrase.strip() else ""
        if p.bounds is None or m is None or last.split("-")[-1] not in numbers or \
                _SCALE_OR_DIGIT.search(p.phrase):
            continue
        scale, b = float(scales[m.group(1)]), p.bounds
        p.bounds = Bounds(b.lower * scale, b.upper * scale, b.lower_open, b.upper_open, b.bound)
        p.end, p.phrase = m.end(), text[p.start:m.end()]
        p.unit, p.measure = unit_and_measure(text, p.end, p.quote[1])


#: "ratio" or "odds" shortly before a number: its "X to one" is the ratio X.
_RATIO_BEFORE = re.compile(r"(?i)\b(?:ratio|ratios|odds)\b")


def _ratios_to_one(text: str, proposals: list[Proposal]) -> list[Proposal]:
    """ "a debt to equity ratio of 1.8 to one" is the ratio 1.8: one figure, its "to one" in the phrase and no
    figure "one" (after "ratio" or "odds" in the 60 characters before the number)."""
    out: list[Proposal] = []
    for p in proposals:
        x = out[-1] if out else None
        if x is not None and x.bounds is not None and p.bounds is not None and p.phrase.lower() in ("one", "1") and \
                text[x.end:p.start] == " to " and _RATIO_BEFORE.search(text, max(0, x.start - 60), x.start):
            x.end, x.phrase, x.tokens = p.end, text[x.start:p.end], x.tokens + p.tokens
            x.unit = x.measure = "ratio"
            continue
        out.append(p)
    return out


#: Last words of a name that is no person's ("Apple Inc, 15, …").
_NO_PERSON = frozenset({"inc", "ltd", "corp", "co", "plc", "group", "bank", "llc", "ag", "sa", "nv", "city", "county",
                        "united", "fc", "club", "street", "road"})


def _ages_after_names(text: str, proposals: list[Proposal]) -> None:
    """A bare whole number between commas just after a person's name is an age: "Anna Berg, 15," is 15 years of
    age (newspaper style)."""
    skip = _draft_tables()["name_skip"]
    for p in proposals:
        if p.bounds is None or not re.fullmatch(r"\d{1,3}", p.phrase) or not 0 < int(p.phrase) < 120 or \
                not text.startswith(",", p.end):
            continue
        name = _NAME_BEFORE.search(text[max(0, p.start - 60):p.start])
        words = name.group().rstrip(", ").lower().split() if name else []
        if words and words[0] not in skip and words[-1].rstrip(".") not in _NO_PERSON:
            p.unit, p.measure = "years of age", "age"


def _mixed_fractions(text: str, proposals: list[Proposal]) -> list[Proposal]:
    """A whole number and the fraction written on after it ("7-3/4 pct", "6 1/2 miles") are one number, 7.75 and
    6.5, not two figures (nor a range from 7 to 0.75); the fraction's unit is the number's."""
    out: list[Proposal] = []
    for p in proposals:
        whole = out[-1] if out else None
        m, n = _FRACTION_START.match(p.phrase), _WHOLE_END.search(whole.phrase) if whole else None
        if whole is None or whole.bounds is None or p.bounds is None or m is None or n is None or \
                str(whole.bounds.bound) not in _QUALIFIED_KINDS or not _MIXED_GAP.fullmatch(text, whole.end, p.start):
            out.append(p)
            continue
        numerator, denominator = int(m.group(1)), int(m.group(2))
        if not 0 < numerator < denominator:
            out.append(p)
            continue
        whole.bounds = qualified(int(n.group()) + numerator / denominator, str(whole.bounds.bound))
        whole.end, whole.phrase = p.end, text[whole.start:p.end]
        whole.unit, whole.measure, whole.tokens = p.unit, p.measure, whole.tokens + p.tokens
        whole.quote = (min(whole.quote[0], p.quote[0]), max(whole.quote[1], p.quote[1]))
    return out


def _propose_token(text: str, context: _Context, token: tuple[int, int, str], floor: int) -> Proposal:
    """The proposal for one numeric token: a non-figure with its reason, an unread phrase, or a figure with its
    bounds and what is proposed around it."""
    start, end, kind = token
    spans = context.spans
    index = _sentence_of(spans, start)
    sentence = spans[index]
    window = quote_window(text, sentence, start, end)
    reason = odd_digits_reason(text[start:end]) if kind == "odd digits" else \
        non_figure_reason(text, start, end, context.not_counts)
    if reason:
        return Proposal(start, end, text[start:end], reason=reason, quote=window, tokens=[(start, end)])
    left, right, bounds, why = read_span(text, start, end, window[1], floor)
    proposal = Proposal(left, right, text[left:right], bounds, why, quote=window, tokens=[(start, end)],
                        quote_cut=window != sentence)
    if bounds is not None:
        proposal.quote = quote_for(text, window, left, right)
        proposal.unit, proposal.measure = unit_and_measure(text, right, window[1])
        written = _written_unit(proposal.phrase) or ("years of age" if _AGE_AFTER.match(text, right) else "")
        if written:
            proposal.unit = written
            proposal.measure = proposal.measure if proposal.measure != TO_DESCRIBE else written
        proposal.credit, proposal.attribution = context.credit(text, index, left)
        proposal.period = context.period(text, proposal.quote, left)
        proposal.change = change_of(text, left, max(floor, sentence[0]))
    return proposal


def quote_window(text: str, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end], cut at a space QUOTE_REACH characters either side when it is longer."""
    lo, hi = sentence
    if start - lo > QUOTE_REACH:
        space = text.find(" ", start - QUOTE_REACH, start)
        lo = space + 1 if space >= 0 else start - QUOTE_REACH
    if hi - end > QUOTE_REACH:
        space = text.rfind(" ", end, end + QUOTE_REACH)
        hi = space if space >= 0 else end + QUOTE_REACH
    return lo, hi


#: What each odd separator is, for the reason of a number written with it.
_ODD_SEPARATORS = {"'": "an apostrophe", "’": "an apostrophe", "٬": "an Arabic thousands separator",
                   "，": "a full-width comma", "·": "a middle dot (a decimal point in some styles)"}


def odd_digits_reason(token: str) -> str:
    """The reason of a number written with separators the grammar does not read for sure ("1,50,000", "2,5
    million", "5'000", "3٬400", "1·5", digits with an invisible space)."""
    found = next((name for char, name in _ODD_SEPARATORS.items() if char in token), "")
    if not found:
        invisible = re.search(r"[\u200b\u200c\u200d\u2060\ufeff]", token)
        found = "an invisible character inside the digits" if invisible else \
            "dots between groups of three (a thousands separator in much European text)" if "." in token else \
            ("Indian grouping (lakh, crore)" if token.count(",") > 1 else "a decimal comma")
    shown = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "\u2423", token)
    return f"unread: “{shown}” is one number written with {found}; a person decides how to read it"


def _periods_account(text: str, proposals: list[Proposal]) -> None:
    """A year inside a proposed figure's period phrase is that period's, not a non-figure: say so in its reason."""
    periods = []
    for p in proposals:
        if p.is_figure and p.period:
            at = text.find(p.period, p.quote[0], p.quote[1])
            periods.append((at, at + len(p.period), p.period))
    periods.sort()
    starts = [a for a, _, _ in periods]
    for p in proposals:
        if p.is_figure or not periods:
            continue
        i = bisect.bisect_right(starts, p.start) - 1  # periods never overlap much: the nearest start is enough
        holder = next((w for a, b, w in periods[max(0, i - 2):i + 1] if a <= p.start and p.end <= b), None)
        if holder is not None:
            p.reason = f"period: {holder} (“{p.phrase}” dates a figure)"


#: The columns of draft_text's table, in order.
DRAFT_COLUMNS = ["number_start", "number_end", "number_text", "lower", "upper", "lower_open", "upper_open", "bound",
                 "change", "unit", "measure", "credit", "attribution", "period", "reason"]


def draft_text(text: str, publisher: str = "") -> pd.DataFrame:
    """Every number phrase of a text as a proposal, one row each, in text order (pure: reads and writes no file).

    A figure has its bounds (lower, upper, their openness, the bound kind); ``change`` says "up" or "down" when the
    number is a change rather than a level; a phrase the grammar cannot read for sure, or a numeric word that is no
    figure (a year, a rank, part of a name), has empty bounds and its ``reason``. ``credit`` is who the text says
    gives the figure: "explicit" when its sentence names them ("according to X", "X said"), "inferred" when it stands
    in a quotation whose speaker is named beside it or just before, or in a sentence whose "he said" stands for the
    speaker just named, "narration" for the article's own words (credited to
    ``publisher`` when given), "none" inside a quotation whose speaker is not named. docs/conventions.md lists the
    rules, each with an example.
    """
    import numpy as np
    import pandas as pd

    rows = [_draft_row(p, publisher) for p in propose(text)]
    columns: dict[str, Any] = {c: [r[c] for r in rows] for c in DRAFT_COLUMNS}  # a list a column: quicker
    columns["lower"] = np.array(columns["lower"], dtype="float64")
    columns["upper"] = np.array(columns["upper"], dtype="float64")
    if rows:
        columns.update(_typed_columns(columns))
    return pd.DataFrame(columns, copy=False)


#: The text columns of draft_text's table.
_TEXT_COLUMNS = ("number_text", "bound", "change", "unit", "measure", "credit", "attribution", "period", "reason")


def _typed_columns(columns: dict[str, Any]) -> dict[str, Any]:
    """The offsets and text columns as the arrays pandas would infer from their lists (int64, its string dtype),
    built directly: inferring them took a third of draft_text's time on a sentence. With another string dtype
    (pandas without its string default), the text columns are left to inference."""
    import numpy as np
    import pandas as pd

    typed: dict[str, Any] = {c: np.array(columns[c], dtype="int64") for c in ("number_start", "number_end")}
    dtype = _text_dtype()
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "python":
        typed.update({c: pd.arrays.StringArray(np.array(columns[c], dtype=object), dtype=dtype)
                      for c in _TEXT_COLUMNS})
    return typed


@lru_cache(maxsize=1)
def _text_dtype() -> Any:
    """The dtype pandas infers for a list of strings."""
    import pandas as pd

    return pd.Series([""]).dtype


def credit_of(p: Proposal, publisher: str = "") -> str:
    """A proposal's credit: the name the text gives, or ``publisher`` for the article's own narration ("" if none)."""
    return p.credit or (publisher if p.attribution == "narration" else "")


def credit_at(text: str, at: int, publisher: str = "") -> str:
    """Who the text credits for a figure at offset ``at``, as draft_text would (narration: ``publisher``)."""
    return credit_and_attribution_at(text, at, publisher)[0]


def credit_and_attribution_at(text: str, at: int, publisher: str = "") -> tuple[str, str]:
    """credit_at and how the text gives it, as a figures row says it: "explicit" (the sentence names it, or the
    article's own words, credited to ``publisher``) or "inferred" (a quotation's or a pronoun's speaker); ("", "")
    when none."""
    spans = sentences(text)
    name, attribution = _Context(spans, quotations(text), NotCounts.of(text)).credit(text, _sentence_of(spans, at), at)
    if name:
        return name, attribution
    return (publisher, "explicit") if attribution == "narration" and publisher else ("", "")


def credit_kind(name: str) -> str:
    """The kind of a credit for people.csv: "organisation" when its head word is an organisation's (lexicon
    ``credit_organisation_words``: "the ministry of labour", "Bank of England", "Example Trading Co", "EPA"), else
    "person" ("The president of the company", a group: "sources close to the ministry")."""
    d = _draft_tables()
    if _is_group(name):
        return "person"
    head = re.split(r" (?:of|for) ", name, maxsplit=1)[0].split()
    last = head[-1].strip(".,’'") if head else ""
    if last.lower() in d["credit_organisation_set"] or {last, last.title()} & d["credit_company_words"] or (
            len(head) == 1 and len(last) >= 2 and last.isupper()):
        return "organisation"
    return "person"


def publisher_of(seed: Seed) -> str:
    """The article's publisher as its metadata names it (credited with the article's own narration), or ""."""
    publisher = seed.meta.get("publisher")
    return publisher.strip() if isinstance(publisher, str) else ""


def _draft_row(p: Proposal, publisher: str = "") -> dict[str, Any]:
    """One proposal as a row of draft_text's table (narration credited to ``publisher`` when given)."""
    b = p.bounds
    credit = credit_of(p, publisher)
    return {"number_start": p.start, "number_end": p.end, "number_text": p.phrase,
            "lower": float(b.lower) if b else math.nan, "upper": float(b.upper) if b else math.nan,
            "lower_open": bool(b.lower_open) if b else None, "upper_open": bool(b.upper_open) if b else None,
            "bound": b.bound if b else "", "change": p.change, "unit": p.unit if b else "",
            "measure": p.measure if b else "", "credit": credit if b else "",
            "attribution": (p.attribution or ("inferred" if p.credit else "none")) if b else "",
            "period": p.period if b else "", "reason": p.reason}


# -- rows -------------------------------------------------------------------------------------------------------
def _slug(seed_id: str) -> str:
    """An article id as a figure-id prefix (lower case, digits and _)."""
    return re.sub(r"[^a-z0-9]+", "_", seed_id.lower()).strip("_") or "article"


def figure_rows(seed: Seed, proposals: list[Proposal]) -> list[dict[str, Any]]:
    """The figure proposals as rows of data/figures.csv, plus the extra columns of the --output contract."""
    rows = []
    text, publisher = seed.text, publisher_of(seed)
    for p in proposals:
        if not p.is_figure:
            continue
        assert p.bounds is not None
        q0, q1 = p.quote
        credit, narration = credit_of(p, publisher), not p.credit and p.attribution == "narration" and publisher
        rows.append({
            "figure_id": f"{_slug(seed.seed_id)}_at_{p.start}", "seed_id": seed.seed_id, "topic": "general",
            "quote": text[q0:q1], "start": q0, "end": q1, "number_text": p.phrase, "unit": p.unit,
            "measure": p.measure, "period_start": "", "period_end": "", "period_text": p.period, "place": "",
            "attributed_to": credit,  # no credit found: not yet checked, never "none"
            "source_type": "article narration" if narration else "unclassified",
            "attribution": "explicit" if narration else ("inferred" if credit else ""), "same_as": "",
            "notes": "Proposed by kzfigures draft" + (
                f"; the article's own words, credited to its publisher, {credit}" if narration else
                f"; the credit “{credit}” is a candidate, inferred from the sentence or its quotation" if credit else
                f"; credit {NOT_CHECKED}")
                     + ("; the quote is cut from a longer sentence" if p.quote_cut else ""),
            "number_start": p.start, "number_end": p.end, **_interval_cells(p.bounds),
        })
    return rows


def _number_cell(x: float) -> str:
    """A bound as the CSV writes it: 15000, 0.5, inf."""
    if math.isinf(x):
        return "inf"
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _interval_cells(bounds: Bounds | None) -> dict[str, str]:
    """lower, upper, lower_open, upper_open and bound as CSV cells (all empty for no bounds)."""
    if bounds is None:
        return {k: "" for k in ("lower", "upper", "lower_open", "upper_open", "bound")}
    return {"lower": _number_cell(float(bounds.lower)), "upper": _number_cell(float(bounds.upper)),
            "lower_open": str(bounds.lower_open), "upper_open": str(bounds.upper_open), "bound": str(bounds.bound)}


def output_rows(seed: Seed, proposals: list[Proposal]) -> list[dict[str, Any]]:
    """The rows `draft --output` writes: every figure proposal, and every phrase that could not be read, with
    empty bounds and the reason in its notes."""
    rows = figure_rows(seed, proposals)
    for p in proposals:
        if p.is_figure or not p.reason.startswith("unread"):
            continue
        rows.append({"figure_id": f"{_slug(seed.seed_id)}_at_{p.start}", "seed_id": seed.seed_id, "topic": "general",
                     "quote": seed.text[p.quote[0]:p.quote[1]], "start": p.quote[0], "end": p.quote[1],
                     "number_text": p.phrase, "unit": TO_DESCRIBE, "measure": TO_DESCRIBE, "period_start": "",
                     "period_end": "", "period_text": "", "place": "", "attributed_to": "",
                     "source_type": "unclassified", "attribution": "", "same_as": "",
                     "notes": f"{p.reason}; credit {NOT_CHECKED}",
                     "number_start": p.start, "number_end": p.end, **_interval_cells(None)})
    return sorted(rows, key=lambda r: int(r["number_start"]))


# -- writing ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DraftResult:
    """What a draft did: figures and non-figures proposed, and proposals left out because a person decided them."""

    figures_added: int
    non_figures_added: int
    already_covered: int
    output: Path | None = None
    written: bool = True  # False: every phrase already decided and no proposal file yet, so none was made or declared


def _covered(rows: list[dict[str, str]], seed_id: str) -> list[tuple[int, int]]:
    """The spans existing rows of one article cover: a figure's number phrase and period, a non-figure's word."""
    spans = []
    for row in rows:
        if row.get("seed_id") != seed_id:
            continue
        try:
            if "number_text" in row:
                for words in (row["number_text"], row.get("period_text", "")):
                    if words and words in row["quote"]:
                        at = int(row["start"]) + row["quote"].index(words)
                        spans.append((at, at + len(words)))
            else:
                spans.append((int(row["start"]), int(row["end"])))
        except ValueError:
            continue  # a row validation reports; it covers nothing here
    return spans


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """True when [start, end) shares a character with one of the spans."""
    return any(a < end and start < b for a, b in spans)


def draft_article(seed_id: str, root: str | Path | None = None, output: str | Path | None = None,
                  force: bool = False) -> DraftResult:
    """Propose an article's figures and non-figures: write them to data/proposed/<article>.csv (declared in the
    data package; every span a person already decided left out; no curated table touched), or, with ``output``,
    write the figure proposals to that CSV and touch nothing else (a new .csv file; an existing one outside the
    project only with ``force``)."""
    base = project_root(root)
    if output is not None:
        check_new_file(Path(output), base, "--output", force)
    seeds, problems = read_seeds(base)
    if seed_id not in seeds:
        broken = [p for p in problems if p.row == seed_id]
        if broken:
            raise DataPackageError(broken)
        raise ValueError(f"no article {seed_id!r} in the collection; articles: {', '.join(sorted(seeds))}")
    seed = seeds[seed_id]
    proposals = propose(seed.text)
    if output is not None:
        return _write_output(seed, proposals, Path(output), base)
    with data_lock(base):
        return _write_proposals(base, seed, proposals, force)


def _write_output(seed: Seed, proposals: list[Proposal], target: Path, base: Path) -> DraftResult:
    """Write the --output CSV whole (a temporary file renamed over it), once check_new_file has let it."""
    rows = output_rows(seed, proposals)
    columns = _figure_columns(base) + [c for c in OUTPUT_EXTRA if c not in _figure_columns(base)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows([{k: spreadsheet_cell(v) for k, v in row.items()} for row in rows])  # a file for people to open
    replace(target, buffer.getvalue())
    return DraftResult(len(rows), 0, 0, target)


def _figure_columns(base: Path) -> list[str]:
    """The columns of data/figures.csv, as datapackage.json declares them."""
    import json

    descriptor = json.loads((base / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor.get("resources", []):
        if resource["name"] == "figures":
            return [f["name"] for f in resource["schema"]["fields"]]
    raise ValueError("data/datapackage.json declares no figures resource")


def _proposal_cells(bounds: Bounds | None) -> dict[str, str]:
    """A proposal's interval cells, booleans as the data package writes them (true/false)."""
    cells = _interval_cells(bounds)
    return {k: v.lower() if k.endswith("_open") else v for k, v in cells.items()}


def proposal_file_rows(seed: Seed, proposals: list[Proposal]) -> list[dict[str, Any]]:
    """Every proposal as a row of data/proposed/<article>.csv: a figure (with the grammar's bounds, or none and the
    reason when it cannot read the phrase) or a non-figure word (with its reason), in the order of the text."""
    text, rows, publisher = seed.text, [], publisher_of(seed)
    for p in proposals:
        if p.is_figure or p.reason.startswith("unread"):
            q0, q1 = p.quote
            rows.append({"proposal_id": f"{_slug(seed.seed_id)}_at_{p.start}", "kind": "figure",
                         "seed_id": seed.seed_id, "quote": text[q0:q1], "start": q0, "end": q1,
                         "number_text": p.phrase, "number_start": p.start, "number_end": p.end,
                         **_proposal_cells(p.bounds), "unit": p.unit if p.is_figure else TO_DESCRIBE,
                         "measure": p.measure if p.is_figure else TO_DESCRIBE, "period_text": p.period,
                         "attributed_to": credit_of(p, publisher) if p.is_figure else p.credit, "reason": p.reason,
                         "change": p.change if p.is_figure else ""})
            continue
        for start, end in p.tokens:
            rows.append({"proposal_id": f"{_slug(seed.seed_id)}_at_{start}", "kind": "non-figure",
                         "seed_id": seed.seed_id, "quote": text[start:end], "start": start, "end": end,
                         "number_text": text[start:end], "number_start": start, "number_end": end,
                         **_proposal_cells(None), "unit": "", "measure": "", "period_text": "", "attributed_to": "",
                         "reason": p.reason})
    return sorted(rows, key=lambda r: int(r["number_start"]))


def _write_proposals(base: Path, seed: Seed, proposals: list[Proposal], force: bool = False) -> DraftResult:
    """Write the article's proposal file whole (spans a person decided left out), after checking it with the
    package, and declare it in data/datapackage.json with its hash; no curated table is opened for writing. A
    proposal file a person changed since the library wrote it is kept (one line) unless ``force``; one that cannot
    be used (curation() refuses it) is written anew."""
    package = read_package(base)
    own = f"data/{resource_path(seed.seed_id)}"
    if not force and changed_by_hand(package, seed.seed_id) and not [p for p in validate(package) if p.file == own]:
        raise ValueError(f"data/{resource_path(seed.seed_id)} was changed since kzfigures wrote it (by hand?), so a "
                         f"new draft would lose that change: nothing was written; curate it as it is "
                         f"(kzfigures.curation({seed.seed_id!r})), or run kzfigures draft {seed.seed_id} --force to "
                         "write the proposals anew")
    taken = _covered(package.tables["figures"].rows, seed.seed_id) + \
        _covered(package.tables["non_figures"].rows, seed.seed_id)
    every = proposal_file_rows(seed, proposals)
    kept = [r for r in every if not _overlaps(int(r["number_start"]), int(r["number_end"]), taken)]
    name, rel = resource_name(seed.seed_id), resource_path(seed.seed_id)
    if every and not kept and not (base / "data" / rel).is_file():  # every phrase decided (the flagship): no empty file
        return DraftResult(0, 0, len(every), written=False)
    table = Table(name, f"data/{rel}", descriptor(seed.seed_id), [{k: str(v) for k, v in r.items()} for r in kept],
                  list(COLUMNS))
    package.tables[name] = table
    problems = [p for p in validate(package) if p.file == table.file]
    if problems:
        raise DataPackageError(problems)
    target, text = base / "data" / rel, whole_csv(COLUMNS, kept)
    if not target.is_file() or target.read_bytes() != text.encode("utf-8"):
        replace(target, text)
    declare(base, seed.seed_id, text)
    figures = sum(r["kind"] == "figure" for r in kept)
    return DraftResult(figures, len(kept) - figures, len(every) - len(kept))
