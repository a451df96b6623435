"""Notebook parameters: one rule per name (type, allowed values), used by the report command and the notebooks.

papermill injects whatever it is given. These rules refuse an unknown name, a wrong type or an out-of-range
value before anything runs, with one line that names the parameter and what is allowed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..figures.formatting import number
from ..figures.literal import hidden_character, is_blank


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
        say = lambda v: number(v, grouped=not self.year)
        if self.choices is not None:
            return "one of " + ", ".join(say(c) if isinstance(c, int) else repr(c) for c in self.choices)
        if self.minimum is not None and self.maximum is not None:
            return f"{self.type.__name__} from {say(self.minimum)} to {say(self.maximum)}"
        return "true or false" if self.type is bool else f"any {self.type.__name__}"


#: Every parameter any notebook has. The article's dated events run from 2004 to 2015.
RULES: dict[str, Rule] = {
    "article": Rule(str, "which article of the collection, by its id (`kzfigures.articles()` lists them)"),
    "search": Rule(str, "a word to find figures by, in their quote, measure, number or credit"),
    "include_restatements": Rule(bool, "also list figures the article states a second time"),
    "include_derived": Rule(bool, "also list the figures kzfigures computes from the article's"),
    "population": Rule(int, "Kazakhstan's population, for rates per inhabitants (external figure; default "
                       "17,288,280, World Bank SP.POP.TOTL for 2014 via indexmundi.com)",
                       minimum=1, maximum=10_000_000_000),
    "per": Rule(int, "rates are per this many inhabitants", choices=(1_000, 100_000, 1_000_000)),
    "decimals": Rule(int, "decimal places for percentages", minimum=0, maximum=4),
    "log_scale": Rule(bool, "draw counts on a logarithmic axis"),
    "show_reference_places": Rule(bool, "also show places named for other reasons than attacks (Astana)"),
    "timeline_start_year": Rule(int, "first year on the timeline", minimum=2004, maximum=2015, year=True),
    "timeline_end_year": Rule(int, "last year on the timeline", minimum=2004, maximum=2015, year=True),
    "show_external_events": Rule(bool, "add dated events from outside the article, marked external"),
    "last_year": Rule(int, "in context: the last year of external figures shown", minimum=2014, maximum=2025,
                      year=True),
    "include_different_scope": Rule(bool, "in context: also draw external figures whose scope differs from the "
                                          "article's (drawn hollow, no verdict)"),
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


#: A whole number as people write it: ASCII digits, thousands separators only in groups of three.
_WHOLE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)", re.ASCII)
#: Largest parameters file read (a few lines are expected).
MAX_FILE_BYTES = 64 * 1024


def convert(name: str, text: str) -> Any:
    """A value written as text (on the command line or in a -f file) as the parameter's type: the one reading
    of a value ("18,000,000" -> 18000000, "no" -> False); anything it cannot read for sure is refused."""
    r = rule(name)
    stripped = text.strip()
    if r.type is bool:
        if stripped.lower() in _TRUE | _FALSE:
            return stripped.lower() in _TRUE
        raise ParameterError(f"parameter {name}: {text!r} is not true or false")
    if r.type is int:
        if not _WHOLE.fullmatch(stripped):
            raise ParameterError(f"parameter {name}: {text!r} is not a whole number written with the digits 0-9 "
                                 f"and commas between groups of three ({r.allowed()})")
        return int(stripped.replace(",", ""))
    return text


def read_params_file(path: str) -> dict[str, Any]:
    """NAME: VALUE lines from a YAML file, each value read as text by ``convert`` (as -p reads it).

    Refused in one line: a file that is missing, not a regular file, larger than MAX_FILE_BYTES or not UTF-8
    text; YAML that is not one mapping of names to plain values; a name given twice; anchors and aliases.
    """
    import yaml

    file = Path(path)
    if not file.is_file():
        raise ParameterError(f"-f {path}: no such file" if not file.exists() else f"-f {path}: not a regular file")
    if file.stat().st_size > MAX_FILE_BYTES:
        raise ParameterError(f"-f {path}: larger than {MAX_FILE_BYTES // 1024} KiB; a parameters file has a few lines")
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ParameterError(f"-f {path}: not a UTF-8 text file") from None
    try:
        events = list(yaml.parse(text, Loader=yaml.BaseLoader))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ParameterError(f"-f {path}: not valid YAML{where}") from None
    return {name: convert(name, value) for name, value in _pairs(events, path)}


def _pairs(events: list[Any], path: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a YAML event stream that holds one mapping of plain scalars, or nothing."""
    import yaml

    body = [e for e in events if not isinstance(e, (yaml.StreamStartEvent, yaml.StreamEndEvent,
                                                      yaml.DocumentStartEvent, yaml.DocumentEndEvent))]
    if not body or (len(body) == 1 and isinstance(body[0], yaml.ScalarEvent) and body[0].value == ""):
        return []
    shape = "expected NAME: VALUE lines, one per parameter"
    if any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None) for e in body):
        raise ParameterError(f"-f {path}: YAML anchors and aliases are not allowed; {shape}")
    inner = body[1:-1]
    if (not isinstance(body[0], yaml.MappingStartEvent) or not isinstance(body[-1], yaml.MappingEndEvent)
            or not all(isinstance(e, yaml.ScalarEvent) for e in inner)):
        raise ParameterError(f"-f {path}: {shape}")
    pairs = [(inner[i].value, inner[i + 1].value) for i in range(0, len(inner), 2)]
    seen = set()
    for name, _ in pairs:
        if name in seen:
            raise ParameterError(f"-f {path}: {name} is given twice; give each parameter once")
        seen.add(name)
    return pairs


def check_parameter(name: str, value: Any) -> Any:
    """Refuse a value of the wrong type or outside the allowed range; return it unchanged otherwise."""
    r = rule(name)
    wrong_type = not isinstance(value, r.type) or (r.type is not bool and isinstance(value, bool))
    if wrong_type:
        raise ParameterError(f"parameter {name}: {value!r} is not {r.type.__name__} ({r.allowed()})")
    if r.type is str and is_blank(value):
        raise ParameterError(f"parameter {name}: it is empty; {r.help}")
    hidden = hidden_character(value) if r.type is str else None
    if hidden is not None:
        raise ParameterError(f"parameter {name}: it holds the control character U+{ord(hidden):04X}, which no one "
                             "can see on a page; write plain text")
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
