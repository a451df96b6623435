"""Notebook parameters: one rule per name (type, allowed values), used by the report command and the notebooks.

papermill injects whatever it is given. These rules refuse an unknown name, a wrong type or an out-of-range
value before anything runs, with one line that names the parameter and what is allowed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .formatting import number


class ParameterError(ValueError):
    """A parameter name or value that is not allowed; the message is one line for the user."""


@dataclass(frozen=True)
class Rule:
    """What one parameter may be."""

    type: type
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None
    #: a year: written without thousands separators
    year: bool = False

    def allowed(self) -> str:
        """The allowed values, in words."""
        say = lambda v: number(v, grouped=not self.year)  # noqa: E731
        if self.choices is not None:
            return "one of " + ", ".join(say(c) if isinstance(c, int) else repr(c) for c in self.choices)
        if self.minimum is not None and self.maximum is not None:
            return f"{self.type.__name__} from {say(self.minimum)} to {say(self.maximum)}"
        return "true or false" if self.type is bool else f"any {self.type.__name__}"


#: Every parameter any notebook has. The article's dated events run from 2004 to 2015.
RULES: dict[str, Rule] = {
    "search": Rule(str, "a word to find figures by, in their quote, measure, number or credit"),
    "include_restatements": Rule(bool, "also list figures the article states a second time"),
    "include_derived": Rule(bool, "also list the figures kzfigures computes from the article's"),
    "population": Rule(int, "Kazakhstan's population, for rates per inhabitants (external figure)",
                       minimum=1, maximum=10_000_000_000),
    "per": Rule(int, "rates are per this many inhabitants", choices=(1_000, 100_000, 1_000_000)),
    "decimals": Rule(int, "decimal places for percentages", minimum=0, maximum=4),
    "log_scale": Rule(bool, "draw counts on a logarithmic axis"),
    "show_reference_places": Rule(bool, "also show places named for other reasons than attacks (Astana)"),
    "timeline_start_year": Rule(int, "first year on the timeline", minimum=2004, maximum=2015, year=True),
    "timeline_end_year": Rule(int, "last year on the timeline", minimum=2004, maximum=2015, year=True),
    "show_external_events": Rule(bool, "add dated events from outside the article, marked external"),
    "show_solutions": Rule(bool, "lessons: show the worked answers in the report (False hides them, as for students)"),
}

#: Pairs whose first may not exceed the second.
ORDERED = (("timeline_start_year", "timeline_end_year"),)

_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}


def rule(name: str) -> Rule:
    """The rule for a parameter name; ParameterError listing the known names if there is none."""
    if name not in RULES:
        raise ParameterError(f"unknown parameter {name!r}; known parameters: {', '.join(sorted(RULES))}")
    return RULES[name]


def convert(name: str, text: str) -> Any:
    """A command-line string as the parameter's type ("18000000" -> 18000000, "no" -> False)."""
    r = rule(name)
    if r.type is bool:
        lowered = text.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ParameterError(f"parameter {name}: {text!r} is not true or false")
    if r.type is int:
        try:
            return int(text.replace(",", ""))
        except ValueError:
            raise ParameterError(f"parameter {name}: {text!r} is not a whole number ({r.allowed()})") from None
    if r.type is float:
        try:
            return float(text)
        except ValueError:
            raise ParameterError(f"parameter {name}: {text!r} is not a number ({r.allowed()})") from None
    return text


def check_parameter(name: str, value: Any) -> Any:
    """Refuse a value of the wrong type or outside the allowed range; return it unchanged otherwise."""
    r = rule(name)
    wrong_type = not isinstance(value, r.type) or (r.type is not bool and isinstance(value, bool))
    if r.type is float and isinstance(value, int) and not isinstance(value, bool):
        wrong_type = False
    if wrong_type:
        raise ParameterError(f"parameter {name}: {value!r} is not {r.type.__name__} ({r.allowed()})")
    if r.choices is not None and value not in r.choices:
        raise ParameterError(f"parameter {name}: {value!r} is not allowed; {r.allowed()}")
    if (r.minimum is not None and value < r.minimum) or (r.maximum is not None and value > r.maximum):
        raise ParameterError(f"parameter {name}: {value!r} is out of range; allowed: {r.allowed()}")
    return value


def check_parameters(**values: Any) -> None:
    """Check a notebook's parameters (names, types, ranges, order); raise ParameterError on the first fault."""
    for name, value in values.items():
        check_parameter(name, value)
    for first, last in ORDERED:
        if first in values and last in values and values[first] > values[last]:
            raise ParameterError(f"parameter {first} ({values[first]}) must not be after {last} ({values[last]})")
