"""An answer as plain JSON and back: how a student's answer leaves their kernel for a grader.

Never pickle: unpickling runs whatever the pickled object names, so a crafted answer could change the grader
itself. An answer is made of plain values (numbers, words, truth values, None), tuples, lists, sets, fractions
and intervals; anything else travels as its words (``repr``, cut short) and is never right.
"""
from __future__ import annotations

from typing import Any


def plain(value: Any) -> Any:
    """An answer as JSON-ready values, with sets, tuples, fractions and intervals tagged."""
    if hasattr(value, "lower") and hasattr(value, "upper_open"):
        ends = [plain(value.lower), plain(value.upper), bool(value.lower_open), bool(value.upper_open)]
        return {"$bounds": [*ends, getattr(value, "bound", None)]}
    if isinstance(value, (set, frozenset)):
        return {"$set": [plain(v) for v in value]}
    if isinstance(value, tuple):
        return {"$tuple": [plain(v) for v in value]}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if hasattr(value, "tolist"):  # a numpy number or array, a pandas Series or Index
        return plain(value.tolist())
    if hasattr(value, "numerator") and hasattr(value, "denominator"):
        return {"$fraction": [plain(value.numerator), plain(value.denominator)]}
    return {"$repr": repr(value)[:200]}


def decode(value: Any) -> Any:
    """An answer back from its plain form (an interval or fraction that is not one is kept as its words)."""
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
            return Fraction(*[int(v) for v in value["$fraction"]])
    except (TypeError, ValueError, ZeroDivisionError):
        return str(value.get("$bounds", value.get("$fraction")))
    return str(value.get("$repr", value))
