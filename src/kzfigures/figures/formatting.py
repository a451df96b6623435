"""How numbers are written for people: the one formatter every table, chart, message and check uses."""
from __future__ import annotations

import math
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


def percent(fraction: float | Fraction, decimals: int = 2) -> str:
    """A fraction of 1 as a percentage with a fixed number of decimals: 0.016667 -> "1.67%"."""
    return f"{float(fraction) * 100:.{decimals}f}%"


def unread(reason: str) -> str:
    """Why the grammar could not read a phrase, said once: "unread: …" (a reason that already says so is kept)."""
    return reason if reason.startswith("unread") else f"unread: {reason}"
