"""Turn a number phrase as written ("more than 15,000", "three to seven years", "thousands") into Bounds."""
from __future__ import annotations

import re
from fractions import Fraction

from .bounds import INF, Bounds, BoundsOrderError
from .lexicon import lexicon

#: A number written in digits: 21, 15,000 (separators only in groups of three), 1.5. The coverage audit uses it too.
DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_DIGITS_ONLY = re.compile(rf"^{DIGITS}$")
#: A dot followed by exactly three digits ("15.000") is a thousands separator in much European news text and a
#: decimal point in English: which one cannot be told, so it is refused.
_AMBIGUOUS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_DASHES = {"\u2013": "–", "\u2014": "—", "\u2212": "-"}

#: How each qualifier kind turns a number x into an interval (lower, upper, lower_open, upper_open).
_QUALIFIED = {
    "more_than": lambda x: (x, INF, True, True),
    "at_least": lambda x: (x, INF, False, True),
    "at_most": lambda x: (0, x, False, False),
    "fewer_than": lambda x: (0, x, False, True),
    "approximate": lambda x: (x, x, False, False),
}


def _normalise(phrase: str) -> str:
    """Lower-case, fold white space and non-breaking spaces, keep dashes as they are."""
    text = phrase.replace("\u00a0", " ").strip().lower()
    return re.sub(r"\s+", " ", text)


def _strip_unit(text: str) -> str:
    """Drop one trailing unit word listed in the lexicon ("three to seven years" -> "three to seven")."""
    for unit in sorted(lexicon()["unit_words"], key=len, reverse=True):
        for sep in (" ", ""):
            tail = sep + unit
            if text.endswith(tail) and len(text) > len(tail) and (sep or not unit.isalpha()):
                return text[: -len(tail)].strip()
    return text


def _number_from_words(words: list[str]) -> float:
    """Read number words ("one hundred and thirty", "twenty-one", "15 thousand") as one value.

    Only well-formed sequences pass: a units word may follow a tens word ("twenty one"), anything may
    follow "hundred" or a scale word, and nothing but a multiplier or scale word may follow digits or a
    units word, so "five three" or "15 two" raise instead of being added up.
    """
    lex = lexicon()
    total, current, last = Fraction(0), Fraction(0), "start"
    for word in words:
        value = lex["number_words"].get(word)
        if word == "and" and last == "multiplier":
            continue
        if _AMBIGUOUS.match(word):
            raise ValueError(word)
        if _DIGITS_ONLY.match(word) and last == "start":
            current, last = Fraction(word.replace(",", "")), "closed"
        elif value is not None and (last in ("start", "multiplier", "scale") or (last == "tens" and value < 10)):
            current += value
            last = "tens" if value >= 20 and value % 10 == 0 else "closed"
        elif word in lex["multiplier_words"] and last in ("tens", "closed"):
            current, last = current * lex["multiplier_words"][word], "multiplier"
        elif word in lex["scale_words"] and last in ("tens", "closed", "multiplier"):
            total, current, last = total + current * lex["scale_words"][word], Fraction(0), "scale"
        else:
            raise ValueError(word)
    if last == "start":
        raise ValueError("no number")
    return float(total + current)


def _read_number(text: str) -> float:
    """Parse one number written in digits or words, with an optional scale word."""
    words = [w for w in re.split(r"[ ]+|(?<=[a-z])-(?=[a-z])", text) if w]
    return _number_from_words(words)


def _range(text: str) -> tuple[str, str] | None:
    """Split "between X and Y", "from X to Y", "X to Y" or "X–Y" into its two ends, or None."""
    lex = lexicon()
    for opener, joiner in sorted(lex["range_openers"].items(), key=lambda kv: -len(kv[0])):
        m = re.fullmatch(rf"{re.escape(opener)} (.+?) {re.escape(joiner)} (.+)", text)
        if m:
            return m.group(1), m.group(2)
    for sep in lex["range_separators"]:
        pattern = rf"(.+?) {re.escape(sep)} (.+)" if sep.isalpha() else rf"(.+?)\s*{re.escape(sep)}\s*(.+)"
        m = re.fullmatch(pattern, text)
        if m:
            return m.group(1), m.group(2)
    return None


def parse_quantity(phrase: str) -> Bounds:
    """Return the Bounds a number phrase states, or raise ValueError quoting the phrase; never a guess.

    Bounds and conventions (the ``bound`` column of the figures table):

    - exact: "21", "nine", "five years", "15 thousand", "1.5 million" -> [x, x].
    - range: "between 180 and 250", "three to seven years", "180–250" -> [a, b].
    - more_than ("more than", "over", "above") -> (x, inf); at_least -> [x, inf);
      at_most ("up to", "at most") -> [0, x]; fewer_than ("fewer than", "less than", "under") -> [0, x).
    - approximate ("about", "around", "some") -> [x, x]: the tolerance is not known, so none is invented; the
      bound says the value is not exact. "nearly" and "almost" say less than x: [0, x), like "fewer than".
    - vague plurals and quantifiers -> [least the word allows, inf): "a number of" >= 2, "several" >= 3,
      "dozens" >= 24, "hundreds" >= 200, "thousands" >= 2,000, "millions" >= 2,000,000 (lexicon.json).

    One trailing unit word from the lexicon ("years", "months", "people", "%") is allowed and ignored.
    """
    if not isinstance(phrase, str) or not phrase.strip():
        raise ValueError(f"cannot parse an empty number phrase: {phrase!r}")
    text = _normalise(phrase)
    for dash, plain in _DASHES.items():
        text = text.replace(dash, plain)
    lex = lexicon()
    try:
        return _parse(text, lex)
    except BoundsOrderError as err:
        raise BoundsOrderError(f"cannot parse {phrase!r}: {err}") from None
    except ValueError:
        if re.search(r"\d\.\d{3}\b", text):
            raise ValueError(f"cannot parse {phrase!r}: a dot before three digits may be a thousands separator or a "
                             "decimal point; write 15,000 or 15.0") from None
        raise ValueError(f"cannot parse {phrase!r} as a quantity") from None


def _parse(text: str, lex: dict) -> Bounds:
    """Parse a normalised phrase; raise ValueError on anything not in the grammar."""
    body = _strip_unit(text)
    if body in lex["vague_quantities"]:
        return Bounds(lex["vague_quantities"][body], INF, False, True, "vague")
    for words, kind in sorted(lex["qualifiers"].items(), key=lambda kv: -len(kv[0])):
        if body.startswith(words + " "):
            lower, upper, lo_open, up_open = _QUALIFIED[kind](_read_number(body[len(words) + 1:]))
            return Bounds(lower, upper, lo_open, up_open, kind)
    try:
        value = _read_number(body)
    except ValueError:
        ends = _range(body)
        if ends is None:
            raise
        lower, upper = _read_number(ends[0]), _read_number(ends[1])
        return Bounds(lower, upper, False, False, "range")
    return Bounds.exact(value)
