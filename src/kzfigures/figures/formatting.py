"""How numbers are written for people: the one formatter every table, chart, message and check uses."""
from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction


def number(value: float | Fraction, digits: int = 4, grouped: bool = True) -> str:
    """A value as people read it: whole numbers in full ("15,000"), others to ``digits`` significant digits.

    ``grouped=False`` leaves out the thousands separators (for years: 2015).
    """
    x = float(value)
    comma = "," if grouped else ""
    if math.isfinite(x) and x.is_integer():
        return f"{x:{comma}.0f}"
    return f"{x:{comma}.{digits}g}"


def stated(value: float | Fraction, grouped: bool = True) -> str:
    """A value with every digit it has, none rounded away: 44.38 -> "44.38", 15000 -> "15,000", 0.125 -> "0.125"."""
    x = float(value)
    comma = "," if grouped else ""
    if not math.isfinite(x) or x.is_integer():
        return number(x, grouped=grouped)
    places = max(0, -int(Decimal(repr(round(x, 10))).as_tuple().exponent))  # round(…, 10): no float noise (0.1*3)
    return f"{x:{comma}.{places}f}"


def percent(fraction: float | Fraction, decimals: int = 2) -> str:
    """A fraction of 1 as a percentage with a fixed number of decimals: 0.016667 -> "1.67%"."""
    return f"{float(fraction) * 100:.{decimals}f}%"


def unread(reason: str) -> str:
    """Why the grammar could not read a phrase, said once: "unread: …" (a reason that already says so is kept)."""
    return reason if reason.startswith("unread") else f"unread: {reason}"
