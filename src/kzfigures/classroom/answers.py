"""An answer as plain JSON and back: how a student's answer leaves their kernel for a grader, and what every check
reads.

Never pickle: unpickling runs whatever the pickled object names, so a crafted answer could change the grader
itself. An answer is made of plain values (numbers, words, truth values, None), tuples, lists, sets, fractions
and intervals; anything else travels as its words (``repr``, cut short) and is never right.

``plain`` writes a value as the probe writes it in the student's kernel (probe.SOURCE's ``enc``, the same order
and the same base types' own methods), and ``read`` is the one reading every check takes (``lessons.check``): an
answer as it reaches the grader, ``decode(plain(answer))``. So the lesson's box and the grader read one value and
give one verdict: a number is its value whatever its type (int, float, numpy's, Fraction, Decimal), a collection
its items (a set, a dict's keys, a list, a numpy array, a pandas Series or Index).
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

#: How deep an answer's nesting is read (the probe's limit): beyond, it is its words "nested too deep".
DEEPEST = 20
#: The words the probe writes for values it cannot write as a literal, read back as those values (never right).
_WORDS_READ = {"nan": math.nan, "Ellipsis": Ellipsis}
#: The types read as a set: a set, a frozenset, a dict's keys.
_SETS: tuple[Any, ...] = (set, frozenset, type({}.keys()))


def plain(value: Any, depth: int = 0) -> Any:
    """An answer as JSON-ready values, with sets, tuples, fractions and intervals tagged (as the probe writes it)."""
    kind = type(value)
    if value is None or value is True or value is False:
        return value
    if issubclass(kind, int):
        return int.__int__(value)
    if issubclass(kind, float):
        number = float.__float__(value)
        return {"$repr": "nan"} if math.isnan(number) else number
    if issubclass(kind, str):
        return str.__str__(value)[:10000]
    if depth > DEEPEST:
        return {"$repr": "nested too deep"}
    if issubclass(kind, tuple):
        return {"$tuple": [plain(v, depth + 1) for v in tuple.__iter__(value)]}
    if issubclass(kind, list):
        return [plain(v, depth + 1) for v in list.__iter__(value)]
    for base in _SETS:
        if issubclass(kind, base):
            return {"$set": [plain(v, depth + 1) for v in base.__iter__(value)]}
    if issubclass(kind, dict):
        return _words(value)
    return _duck(value, depth)


def _words(value: Any) -> dict[str, str]:
    """A value that is no answer's form, as its words (its type's own repr, cut short)."""
    try:
        said: Any = type(value).__repr__(value)  # type: ignore[call-arg]  # its class's, as the probe's
    except Exception:
        said = "?"
    return {"$repr": said[:200] if isinstance(said, str) else "?"}


def _duck(value: Any, depth: int) -> Any:
    """A value of another type, by what it holds: an interval's ends, a Decimal's value, a numpy or pandas value's
    items (``tolist``), a fraction's parts; else its words."""
    try:
        ends = [value.lower, value.upper, value.lower_open, value.upper_open]
    except Exception:
        ends = None
    if ends is not None:
        bound = getattr(value, "bound", None)
        return {"$bounds": [plain(ends[0], depth + 1), plain(ends[1], depth + 1), bool(ends[2]), bool(ends[3]),
                            plain(bound, depth + 1)]}
    listed = getattr(value, "tolist", None)
    if listed is not None:
        return plain(listed(), depth + 1)
    if issubclass(type(value), Decimal):
        return _decimal(value)
    try:
        pair = [value.numerator, value.denominator]
    except Exception:
        return _words(value)
    return {"$fraction": [plain(pair[0], depth + 1), plain(pair[1], depth + 1)]}


def _decimal(value: Decimal) -> Any:
    """A Decimal as its exact value (by Decimal's own methods): a fraction, an infinity, or nan."""
    if Decimal.is_nan(value):
        return {"$repr": "nan"}
    if Decimal.is_infinite(value):
        return -math.inf if Decimal.is_signed(value) else math.inf
    numerator, denominator = Decimal.as_integer_ratio(value)
    return {"$fraction": [numerator, denominator]}


def decode(value: Any) -> Any:
    """An answer back from its plain form (an interval or fraction that is not one is kept as its words); a
    fraction that is a whole number is that number (Fraction(15001) is 15001)."""
    from fractions import Fraction

    from ..figures.bounds import Bounds

    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$set" in value:
        items = [decode(v) for v in value["$set"]]
        return set(items) if all(isinstance(v, (str, int, float, bool, tuple)) for v in items) else items
    if "$tuple" in value:
        return tuple(decode(v) for v in value["$tuple"])
    try:
        if "$bounds" in value:
            return Bounds(*[decode(v) for v in value["$bounds"]])
        if "$fraction" in value:
            number = Fraction(*[int(v) for v in value["$fraction"]])
            return int(number) if number.denominator == 1 else number
    except (TypeError, ValueError, ZeroDivisionError):
        return str(value.get("$bounds", value.get("$fraction")))
    said = str(value.get("$repr", value))
    return _WORDS_READ.get(said, said)


def read(answer: Any) -> Any:
    """An answer as every check reads it: as it reaches the grader (``decode(plain(answer))``), so the lesson's box
    and the grader read the same value; an answer that cannot be read is its words saying so, as the probe's."""
    try:
        return decode(plain(answer))
    except Exception:
        return "an answer the grader could not read"
