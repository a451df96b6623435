"""Interval bounds for uncertain quantities, with arithmetic that keeps open ends and infinity honest.

A figure such as "more than 15,000" is the open interval (15000, inf), not the number 15,000. Sums,
differences, products and quotients of such intervals are computed end by end, and an end of the result is
closed only if some pair of values inside the inputs actually reaches it.

The arithmetic is exact for exact inputs: endpoints may be int, fractions.Fraction or float, and results keep
the type Python gives (so tests can check it with Fractions).
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from .formatting import number

INF = math.inf

#: How a figure's words bound it: the values of ``Bounds.bound`` and of the figures table's ``bound`` column, in
#: the order tables list them. Defined here only; datapackage.json's description of the column is tested against it.
#: Whether a figure is derived is a separate flag (the ``derived`` column), not a bound.
BOUND_VALUES: tuple[str, ...] = (
    "exact", "range", "more_than", "at_least", "at_most", "fewer_than", "approximate", "vague",
)

#: An endpoint: exact (int, Fraction) or float (inf among them).
Number = int | float | Fraction


class BoundsOrderError(ValueError):
    """Raised when a lower bound is above its upper bound."""


def _is_nan(x: Number) -> bool:
    """True for a float NaN."""
    return isinstance(x, float) and math.isnan(x)


def _mul(x: Number, y: Number) -> Number:
    """Multiply two non-negative endpoints, taking 0 × inf as 0 (a quantity fixed at zero stays zero)."""
    if x == 0 or y == 0:
        return 0
    return x * y


def _div(x: Number, y: Number) -> Number:
    """Divide two non-negative endpoints: x/inf is 0 and x/0 is inf for x > 0 (0/anything is 0)."""
    if x == 0:
        return 0
    if y == 0:
        return INF
    if y == INF:
        return 0
    return x / y


@dataclass(frozen=True)
class Bounds:
    """The interval a quantity lies in: ``lower``/``upper``, each end open or closed, and its ``bound``.

    ``bound`` says how words bound the quantity (one of BOUND_VALUES). Left out, it is read from the interval's
    shape, as for the results of arithmetic: [4, 4] is "exact", (0, 0.0167) is "fewer_than".
    """

    lower: Number
    upper: Number
    lower_open: bool = False
    upper_open: bool = False
    bound: str | None = None

    def __post_init__(self) -> None:
        """Check the interval is well formed; an infinite end is always open; a missing bound is the shape's."""
        if _is_nan(self.lower) or _is_nan(self.upper):
            raise ValueError("a bound cannot be NaN")
        if self.lower == INF or self.upper == -INF:
            raise ValueError(f"the interval [{self.lower}, {self.upper}] is empty")
        if self.lower > self.upper:
            raise BoundsOrderError(f"lower {self.lower:g} > upper {self.upper:g}")
        if self.upper == INF and not self.upper_open:
            object.__setattr__(self, "upper_open", True)
        if self.lower == -INF and not self.lower_open:
            object.__setattr__(self, "lower_open", True)
        if self.lower == self.upper and (self.lower_open or self.upper_open):
            raise ValueError(f"the interval around {self.lower:g} with an open end is empty")
        if self.bound is None:
            object.__setattr__(self, "bound", self._shape())
        elif self.bound not in BOUND_VALUES:
            raise ValueError(f"bound {self.bound!r} is not one of {', '.join(BOUND_VALUES)}")

    # -- constructors -------------------------------------------------------------------------------
    @classmethod
    def exact(cls, value: Number) -> Bounds:
        """A single known value."""
        return cls(value, value, False, False, "exact")

    @classmethod
    def coerce(cls, value: Bounds | Number) -> Bounds:
        """A Bounds as it is, or a plain number as an exact Bounds."""
        if isinstance(value, Bounds):
            return value
        if isinstance(value, numbers.Real):
            return cls.exact(value)
        raise TypeError(f"cannot use {value!r} as bounds")

    # -- questions ----------------------------------------------------------------------------------
    @property
    def is_point(self) -> bool:
        """True when lower == upper (an exact or approximate single value)."""
        return self.lower == self.upper

    def contains(self, x: Number) -> bool:
        """True when x lies inside, respecting open ends."""
        above = x > self.lower if self.lower_open else x >= self.lower
        below = x < self.upper if self.upper_open else x <= self.upper
        return bool(above and below)

    def _check_non_negative(self, op: str) -> None:
        """Products and quotients here are defined for non-negative quantities only."""
        if self.lower < 0:
            raise ValueError(f"{op} needs non-negative quantities; got lower bound {self.lower:g}")

    # -- arithmetic ---------------------------------------------------------------------------------
    def __add__(self, other: Bounds | Number) -> Bounds:
        o = Bounds.coerce(other)
        return Bounds(self.lower + o.lower, self.upper + o.upper,
                      self.lower_open or o.lower_open, self.upper_open or o.upper_open)

    __radd__ = __add__

    def __sub__(self, other: Bounds | Number) -> Bounds:
        o = Bounds.coerce(other)
        return Bounds(self.lower - o.upper, self.upper - o.lower,
                      self.lower_open or o.upper_open, self.upper_open or o.lower_open)

    def __rsub__(self, other: Number) -> Bounds:
        return Bounds.coerce(other) - self

    def __mul__(self, other: Bounds | Number) -> Bounds:
        o = Bounds.coerce(other)
        self._check_non_negative("multiplication")
        o._check_non_negative("multiplication")
        zero_reached = (self.lower == 0 and not self.lower_open) or (o.lower == 0 and not o.lower_open)
        lower_reached = (not self.lower_open and not o.lower_open) or zero_reached
        upper_zero = (self.upper == 0 and not self.upper_open) or (o.upper == 0 and not o.upper_open)
        upper_reached = (not self.upper_open and not o.upper_open) or upper_zero
        return Bounds(_mul(self.lower, o.lower), _mul(self.upper, o.upper),
                      not lower_reached, not upper_reached)

    __rmul__ = __mul__

    def __truediv__(self, other: Bounds | Number) -> Bounds:
        o = Bounds.coerce(other)
        self._check_non_negative("division")
        o._check_non_negative("division")
        if o.lower == 0 and not o.lower_open:
            raise ZeroDivisionError("the divisor's bounds include 0")
        x_zero_low = self.lower == 0 and not self.lower_open
        x_zero_high = self.upper == 0 and not self.upper_open
        # lower = x.lower / y.upper, reached only if both ends are reached (y.upper finite) or x can be 0
        lower_reached = (not self.lower_open and not o.upper_open) or x_zero_low
        # upper = x.upper / y.lower, reached only if both are reached, or x is fixed at 0
        upper_reached = (not self.upper_open and not o.lower_open) or x_zero_high
        return Bounds(_div(self.lower, o.upper), _div(self.upper, o.lower),
                      not lower_reached, not upper_reached)

    def __rtruediv__(self, other: Number) -> Bounds:
        return Bounds.coerce(other) / self

    def _shape(self) -> str:
        """The bound this interval's shape matches: exact, at_least, more_than, at_most, fewer_than or range."""
        if self.is_point:
            return "exact"
        if self.upper == INF:
            return "more_than" if self.lower_open else "at_least"
        if self.lower == 0:
            return "fewer_than" if self.upper_open else "at_most"
        return "range"

    # -- words --------------------------------------------------------------------------------------
    def describe(self, fmt: Callable[[Number], str] = lambda x: number(x, 10)) -> str:
        """The interval in plain words: "more than 15,000", "between 180 and 250", "under 1.67%"."""
        lo, hi = fmt(self.lower), fmt(self.upper)
        if self.is_point:
            return f"about {lo}" if self.bound == "approximate" else lo
        if self.upper == INF:
            return f"more than {lo}" if self.lower_open else f"at least {lo}"
        if self.lower == 0:
            return f"under {hi}" if self.upper_open else f"at most {hi}"
        if not self.lower_open and not self.upper_open:
            return f"between {lo} and {hi}"
        left = "more than" if self.lower_open else "at least"
        right = "under" if self.upper_open else "at most"
        return f"{left} {lo} and {right} {hi}"

    def notation(self, fmt: Callable[[Number], str] = lambda x: number(x, 10)) -> str:
        """Interval notation: "(15,000, ∞)", "[180, 250]"."""
        lo = "∞" if self.lower == -INF else fmt(self.lower)
        hi = "∞" if self.upper == INF else fmt(self.upper)
        return f"{'(' if self.lower_open else '['}{lo}, {hi}{')' if self.upper_open else ']'}"

    def __str__(self) -> str:
        return self.describe()


#: The operations derived.csv may name: the arithmetic on Bounds and the sign that shows it.
OPERATIONS: dict[str, tuple[Callable[[Bounds, Bounds], Bounds], str]] = {
    "add": (lambda a, b: a + b, "+"), "subtract": (lambda a, b: a - b, "−"),
    "multiply": (lambda a, b: a * b, "×"), "divide": (lambda a, b: a / b, "÷"),
}
