"""Check a data package as read, all of it at once (store.py keeps the packages that passed).

Two sources of rules. The schema checks (required, type, enum, pattern, minimum, unique, foreign keys, and
words that must stand inside the row's quote) are read from datapackage.json, so a constraint is written once.
The rules no schema can say are functions below: those that follow from a table's fields (a quote at its
offsets in the seed, a period that ends before it starts) apply to every table that has the fields, and each
resource's own rules are listed in RESOURCE_RULES. Written by hand rather than with the frictionless library:
it reports by row number, and we want every problem named by its id.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .bounds import OPERATIONS, BoundsOrderError
from .literal import hidden_character
from .package import Package, Row, Table, read_package
from .parse import parse_quantity
from .problems import Problem
from .proposals import PREFIX as PROPOSED
from .seeds import Seed

#: The credit of a figure whose source the article does not name.
UNATTRIBUTED = "unattributed"
#: Columns that open and close a period: the second may not come before the first.
DATE_PAIRS = (("period_start", "period_end"), ("date_start", "date_end"))


# -- schema checks, from datapackage.json ----------------------------------------------------------------
def _is_date(value: str) -> bool:
    """True for an ISO date YYYY-MM-DD that exists."""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value))


TYPE_CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "string": (lambda v: True, "text"),
    "integer": (lambda v: bool(re.fullmatch(r"-?[0-9]+", v)), "a whole number (digits 0-9)"),
    "number": (lambda v: bool(re.fullmatch(r"-?(?:[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?|inf)", v)),
               "a number (digits 0-9)"),
    "date": (_is_date, "an ISO date (YYYY-MM-DD)"),
    "boolean": (lambda v: v in ("true", "false"), "true or false"),
}


def _check_field(table: Table, row: Row, rid: str, spec: dict[str, Any]) -> list[Problem]:
    """Check one cell against its field's type and constraints."""
    name, value = spec["name"], row.get(spec["name"], "")
    cons = spec.get("constraints", {})
    say = lambda msg: [Problem(table.file, rid, name, msg)]
    if value == "":
        return say("is empty but required") if cons.get("required") and (rid, name) not in table.oversized else []
    check, expected = TYPE_CHECKS[spec.get("type", "string")]
    if not check(value):
        return say(f"{value!r} is not {expected}")
    if "enum" in cons and value not in cons["enum"]:
        return say(f"{value!r} is not one of: {', '.join(cons['enum'])}")
    if "pattern" in cons and not re.fullmatch(cons["pattern"], value):
        return say(f"{value!r} does not match the pattern {cons['pattern']}")
    if "minimum" in cons and float(value) < cons["minimum"]:
        return say(f"{value} is below the minimum {cons['minimum']}")
    return []


def _spec_problem(spec: dict[str, Any]) -> str | None:
    """What is wrong with one field's description (an unknown type, a pattern that is no regular expression, …)."""
    if spec.get("type", "string") not in TYPE_CHECKS:
        return f"type {spec.get('type')!r} is not one of: {', '.join(TYPE_CHECKS)}"
    cons = spec.get("constraints", {})
    if not isinstance(cons, dict):
        return "constraints is not an object"
    if "pattern" in cons:
        try:
            re.compile(cons["pattern"])
        except (re.error, TypeError) as err:
            return f"pattern {cons['pattern']!r} is not a regular expression ({err})"
    if "enum" in cons and not (isinstance(cons["enum"], list) and all(isinstance(v, str) for v in cons["enum"])):
        return "enum is not a list of values"
    if "minimum" in cons and (isinstance(cons["minimum"], bool) or not isinstance(cons["minimum"], (int, float))):
        return f"minimum {cons['minimum']!r} is not a number"
    return None


def _descriptor_problems(table: Table) -> tuple[list[Problem], list[dict[str, Any]]]:
    """A table's field descriptions that cannot be used, each a problem on the descriptor, and the ones that can."""
    problems, good = [], []
    for spec in table.descriptor["schema"]["fields"]:
        fault = _spec_problem(spec)
        if fault:
            problems.append(Problem("data/datapackage.json", f"resource {table.name}", spec["name"], fault))
        else:
            good.append(spec)
    for number, fk in enumerate(_foreign_keys(table), start=1):
        if not _foreign_key(fk):
            problems.append(Problem("data/datapackage.json", f"resource {table.name}", f"foreignKeys #{number}",
                                    "expected {fields: [one field], reference: {resource: a resource or '', "
                                    "fields: [one field]}}"))
    return problems, good


def _foreign_keys(table: Table) -> list[Any]:
    """A table's foreign keys as described (a list), or none."""
    found = table.descriptor["schema"].get("foreignKeys", [])
    return found if isinstance(found, list) else [found]


def _foreign_key(fk: Any) -> tuple[str, str, str] | None:
    """A foreign key as (local field, resource, target field) when it is well formed, else None."""
    try:
        (local,), ref = fk["fields"], fk["reference"]
        (target,) = ref["fields"]
        resource = ref["resource"]
    except (KeyError, TypeError, ValueError):
        return None
    return (local, resource, target) if all(isinstance(v, str) for v in (local, target, resource)) else None


def _schema_problems(table: Table, tables: dict[str, Table]) -> list[Problem]:
    """Required, type, enum, pattern, minimum, unique and foreign-key checks for one table."""
    problems, fields = _descriptor_problems(table)
    seen: dict[tuple[str, str], str] = {}
    for line, row in enumerate(table.rows, start=2):
        rid = table.row_id(row, line)
        for spec in (f for f in fields if f["name"] in table.header):
            problems += _check_field(table, row, rid, spec)
            value = row.get(spec["name"], "")
            if spec.get("constraints", {}).get("unique") and value:
                if (spec["name"], value) in seen:
                    problems.append(Problem(table.file, rid, spec["name"],
                                            f"duplicate value {value!r} (first at {seen[(spec['name'], value)]})"))
                else:
                    seen[(spec["name"], value)] = f"line {line}"
    for fk in _foreign_keys(table):
        found = _foreign_key(fk)
        if found is None:
            continue  # reported by _descriptor_problems
        local, resource, target = found
        other = tables.get(resource) if resource else table
        if other is not None and not other.readable:
            continue  # the file could not be read: its one problem says so
        values = {r.get(target, "") for r in (other.rows if other else [])}
        where = f"{other.file if other else resource}" if resource else "this table"
        for line, row in enumerate(table.rows, start=2):
            value = row.get(local, "")
            if value and value not in values:
                problems.append(Problem(table.file, table.row_id(row, line), local,
                                        f"{value!r} refers to no {target} in {where}"))
    return problems


# -- rules no schema can say -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    """What the row rules need to know about the rest of the package."""

    seeds: dict[str, Seed]
    #: seed ids whose own problems were already reported while reading (not reported again per row)
    broken_seeds: frozenset[str]
    #: the names in people.csv, or None when that table could not be read
    people: frozenset[str] | None
    #: figures.csv rows by figure_id
    figures: dict[str, Row]
    #: the figure ids scopes.csv describes
    scoped: frozenset[str] | None = frozenset()  # None when scopes.csv could not be read
    #: the figure ids whose bounds a curator gave (overrides.csv)
    overridden: frozenset[str] = frozenset()
    #: (file, seed id) already reported as no readable seed: once per table, not once per row
    said: set[tuple[str, str]] = field(default_factory=set)


#: A row rule: (context, table, row, row id) -> the problems it finds.
RowRule = Callable[[Context, Table, Row, str], list[Problem]]


def _int(value: str) -> int | None:
    """A cell as int, or None when it is not one (the schema check reports that)."""
    return int(value) if re.fullmatch(r"-?[0-9]+", value or "") else None


def seed_is_readable(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """The row's seed_id names a seed that was read and passed its checksum (said once per table and seed id)."""
    seed_id = row.get("seed_id", "")
    if not seed_id or seed_id in ctx.seeds or seed_id in ctx.broken_seeds or (table.file, seed_id) in ctx.said:
        return []
    ctx.said.add((table.file, seed_id))
    known = ", ".join(sorted(ctx.seeds)) or "none readable"
    rows = sum(r.get("seed_id") == seed_id for r in table.rows)
    more = f"; so do {rows - 1} more rows of this table" if rows > 1 else ""
    return [Problem(table.file, rid, "seed_id", f"{seed_id!r} is not a readable seed (seeds: {known}){more}")]


def quote_at_offsets(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """The quote must stand in its seed exactly at start:end."""
    seed = ctx.seeds.get(row.get("seed_id", ""))
    start, end, quote = _int(row.get("start", "")), _int(row.get("end", "")), row.get("quote", "")
    if seed is None or start is None or end is None or not quote:
        return []
    if seed.text[start:end] == quote:
        return []
    found = seed.text.find(quote)
    where = f"the quote stands at {found}:{found + len(quote)}" if found >= 0 else "the quote is not in the text at all"
    column = "start" if found >= 0 and found != start else ("end" if found == start else "quote")
    return [Problem(table.file, rid, column, f"text[{start}:{end}] is {seed.text[start:end][:40]!r}…, not the "
                                             f"quote; {where}{_look_alike(quote, seed.text[start:end])}")]


def _look_alike(quote: str, text: str) -> str:
    """Where a quote differs from the text at its offsets by a character or three (a curly quote, a Cyrillic а)."""
    import unicodedata

    if len(quote) != len(text):
        return ""
    differ = [i for i, (a, b) in enumerate(zip(quote, text, strict=True)) if a != b]
    if not differ or len(differ) > 3:
        return ""
    i = differ[0]
    said = lambda c: f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})"
    return f"; at character {i + 1} the quote has {said(quote[i])} where the text has {said(text[i])}"


def words_inside_quote(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """Each field marked kzfigures:inside_quote holds words that stand inside the row's quote ("once": once)."""
    out = []
    quote = row.get("quote", "")
    for spec in table.descriptor["schema"]["fields"]:
        mode, words = spec.get("kzfigures:inside_quote"), row.get(spec["name"], "")
        if not mode or not words or not quote:
            continue
        count = quote.count(words)
        if count == 0:
            out.append(Problem(table.file, rid, spec["name"], f"{words!r} is not inside the quote"))
        elif mode == "once" and count > 1:
            out.append(Problem(table.file, rid, spec["name"],
                               f"{words!r} stands {count} times in the quote: shorten the quote"))
    return out


def text_is_plain(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """No field holds a control character (NUL, ESC, backspace, CR, NEL, …) or a line separator: nothing a reader
    cannot see, and nothing an SVG or a page cannot carry (a line feed or a tab may stand, as an article has them)."""
    out = []
    for name, value in row.items():
        hidden = hidden_character(value, allow="\n\t") if value else None
        if hidden is not None:
            out.append(Problem(table.file, rid, name, f"holds the control character U+{ord(hidden):04X}, which no "
                                                      "one can see on a page: write plain text"))
    return out


def dates_in_order(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """A period does not end before it starts."""
    out = []
    for first, last in DATE_PAIRS:
        begin, finish = row.get(first, ""), row.get(last, "")
        if _is_date(begin) and _is_date(finish) and begin > finish:
            out.append(Problem(table.file, rid, last, f"ends ({finish}) before it starts ({begin})"))
    return out


def _phrase_problems(table: Table, row: Row, rid: str) -> list[Problem]:
    """number_text is a phrase the parser reads for sure (a figure's bounds are never typed), in digits 0-9."""
    other = next((c for c in row["number_text"] if c.isdigit() and not c.isascii()), None)
    if other is not None:
        return [Problem(table.file, rid, "number_text", f"holds the digit {other!r} (U+{ord(other):04X}): write "
                                                        "numbers with the digits 0-9")]
    try:
        parse_quantity(row["number_text"])
    except BoundsOrderError as err:
        return [Problem(table.file, rid, "number_text", f"{err} (lower > upper)")]
    except ValueError as err:
        return [Problem(table.file, rid, "number_text", str(err))]
    return []


#: A minus sign (not a hyphen: no letter or digit before it) just before a number phrase.
_MINUS_BEFORE = re.compile(r"(?:^|(?<=[^\w]))[-\u2212]$")


def phrase_parses(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """A figure's number phrase parses (when it stands in its quote; words_inside_quote reports it otherwise), and
    no minus sign stands just before it ("fell -3.2%": the bounds of "3.2%" would drop the sign); a figure whose
    bounds a curator gave in overrides.csv needs neither."""
    words, quote = row.get("number_text", ""), row.get("quote", "")
    if not words or words not in quote or row.get("figure_id") in ctx.overridden:
        return []
    at = quote.index(words)
    if _MINUS_BEFORE.search(quote[max(0, at - 2):at]):
        return [Problem(table.file, rid, "number_text", f"{words!r} has a minus sign just before it in the quote: "
                                                        "put the sign in number_text or fix the quote")]
    if _TOUCH_BEFORE.search(quote[max(0, at - 2):at]) or _TOUCH_AFTER.match(quote, at + len(words)):
        return [Problem(table.file, rid, "number_text", f"{words!r} touches a digit in the quote: it is part of a "
                                                        "longer number (\"1,50,000\", \"15 000\", \"2,5 million\"); "
                                                        "give the whole number in number_text")]
    return _phrase_problems(table, row, rid)


#: Characters that join two runs of digits into one number (a comma, a dot, an apostrophe, a middle dot, an Arabic or
#: full-width separator, a no-break, thin or invisible space).
_JOINERS = ",.'’·\u066c\uff0c\u00a0\u2009\u202f\u200b\u200c\u200d\u2060\ufeff"
_TOUCH_BEFORE = re.compile(rf"\d[{_JOINERS}]?$")
_TOUCH_AFTER = re.compile(rf"[{_JOINERS}]?\d")


def _credit(ctx: Context, table: Table, row: Row, rid: str, allowed: frozenset[str]) -> list[Problem]:
    """attributed_to names someone in people.csv, the publisher of the row's article (its own narration's source, named
    by its metadata), or one of ``allowed``."""
    credit = row.get("attributed_to", "")
    if not credit or credit in allowed or ctx.people is None or credit in ctx.people or \
            credit == _publisher(ctx, row):
        return []
    also = f" nor {', '.join(repr(a) for a in sorted(allowed))}" if allowed else ""
    return [Problem(table.file, rid, "attributed_to", f"{credit!r} is not a name in people.csv{also}")]


def credit_is_named(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """attributed_to names someone in people.csv."""
    return _credit(ctx, table, row, rid, frozenset())


def credit_is_named_or_unattributed(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """attributed_to names someone in people.csv, or says the article names no source."""
    return _credit(ctx, table, row, rid, frozenset({UNATTRIBUTED}))


def candidate_credit_stands(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """A proposal's candidate credit is words standing in its article, its publisher, or a name in people.csv."""
    seed = ctx.seeds.get(row.get("seed_id", ""))
    credit = row.get("attributed_to", "")
    if seed is None or not credit or credit in seed.text or (ctx.people is not None and credit in ctx.people) or \
            credit == _publisher(ctx, row):
        return []
    return [Problem(table.file, rid, "attributed_to", f"{credit!r}, a candidate credit, stands nowhere in the "
                                                      "article nor in people.csv, and is not its publisher")]


def _publisher(ctx: Context, row: Row) -> str:
    """The publisher of the row's article as its metadata names it, or "" (no such article, or none named)."""
    seed = ctx.seeds.get(row.get("seed_id", ""))
    publisher = seed.meta.get("publisher") if seed is not None else None
    return publisher.strip() if isinstance(publisher, str) and publisher.strip() else ""


def phrase_at_offsets(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """A proposal's number_text stands in its article exactly at number_start:number_end."""
    seed = ctx.seeds.get(row.get("seed_id", ""))
    start, end = _int(row.get("number_start", "")), _int(row.get("number_end", ""))
    if seed is None or start is None or end is None or seed.text[start:end] == row.get("number_text", ""):
        return []
    return [Problem(table.file, rid, "number_start", f"text[{start}:{end}] is {seed.text[start:end][:40]!r}, not "
                                                     f"{row.get('number_text', '')!r}")]


def override_is_an_interval(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """A curator's bounds make an interval (lower <= upper, an open end not on a single value)."""
    from .bounds import Bounds
    from .parse import kept_exactly

    try:
        Bounds(float(kept_exactly(row["lower"])), float(kept_exactly(row["upper"])), row.get("lower_open") == "true",
               row.get("upper_open") == "true")
    except (KeyError, ValueError) as err:
        return [Problem(table.file, rid, "upper", f"the curator's bounds are no interval: {err}")]
    return []


def restates_a_first_statement(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """same_as links to a figure that is not itself a restatement, and never to the row itself."""
    same = row.get("same_as", "")
    if same and same == row.get("figure_id"):
        return [Problem(table.file, rid, "same_as", "a figure cannot restate itself")]
    if same in ctx.figures and ctx.figures[same].get("same_as"):
        return [Problem(table.file, rid, "same_as", f"{same!r} is itself a restatement; link to the first statement")]
    return _of_its_article(ctx, table, rid, "same_as", same, row.get("seed_id", ""))


def _of_its_article(ctx: Context, table: Table, rid: str, column: str, figure_id: str, article: str) -> list[Problem]:
    """A figure a row names (a restated figure, a derivation's input) is one of the row's own article: a figure is
    traced to the words of its own article, never linked to another's."""
    other = ctx.figures.get(figure_id, {}).get("seed_id", "")
    if not figure_id or not other or not article or other == article:
        return []
    return [Problem(table.file, rid, column, f"{figure_id!r} is a figure of {other}, not of {article}: link only to "
                                             f"a figure of the same article")]


def inputs_of_one_article(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """A derived figure's two inputs are figures of one article (a derivation never mixes articles)."""
    left = ctx.figures.get(row.get("left", ""), {}).get("seed_id", "")
    return _of_its_article(ctx, table, rid, "right", row.get("right", ""), left)


def attribution_matches_credit(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """attribution is 'none' exactly when attributed_to is 'unattributed'."""
    none, unattributed = row.get("attribution") == "none", row.get("attributed_to") == UNATTRIBUTED
    if not row.get("attribution") or none == unattributed:
        return []
    why = ("the article names no source, so attribution is 'none'" if unattributed
           else "'none' is only for figures attributed to 'unattributed'")
    return [Problem(table.file, rid, "attribution", f"{row['attribution']!r} does not fit the credit: {why}")]


def partial_date(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a partial ISO date covers ("2014" -> 1 Jan to 31 Dec 2014), or None if it is no date."""
    import calendar

    parts = text.split("-")
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return None
    try:
        if len(parts) == 3:
            day = dt.date.fromisoformat(text)
            return day, day
        year, month = int(parts[0]), int(parts[1]) if len(parts) == 2 else None
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        return None


def dates_are_real_and_past(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """as_of and published are dates that exist, not after today, and nothing is published before it happened."""
    out, spans = [], {}
    for column in ("as_of", "published"):
        value = row.get(column, "")
        if not value:
            continue
        span = partial_date(value)
        if span is None:
            out.append(Problem(table.file, rid, column,
                               f"{value!r} is not a date that exists (YYYY, YYYY-MM or YYYY-MM-DD)"))
        elif span[0] > dt.date.today():
            out.append(Problem(table.file, rid, column, f"{value} is after today"))
        else:
            spans[column] = span
    if "as_of" in spans and "published" in spans and spans["published"][1] < spans["as_of"][0]:
        out.append(Problem(table.file, rid, "published", f"{row['published']} is before the date it describes "
                                                          f"({row['as_of']})"))
    return out


def phrase_parses_alone(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """An external figure's number phrase parses (it has no quote to stand in)."""
    return _phrase_problems(table, row, rid) if row.get("number_text") else []


def comparison_has_a_scope(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """The article figure an external figure is compared with has its scope in scopes.csv."""
    target = row.get("compares_with", "")
    if target and ctx.figures.get(target) is not None and ctx.scoped is not None and target not in ctx.scoped:
        return [Problem(table.file, rid, "compares_with", f"{target!r} has no row in scopes.csv, so no relation can "
                                                          "be computed")]
    return []


#: The origin of an external figure that is its source's own count (any other names what it restates).
OWN_COUNT = "own count"


def origin_names_its_original(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """A restated, repeated or compiled figure names its original in restates; an own count names none."""
    origin, original = row.get("origin", ""), row.get("restates", "")
    if origin and origin != OWN_COUNT and not original:
        return [Problem(table.file, rid, "restates", f"is empty, but origin {origin!r} needs the original named")]
    if origin == OWN_COUNT and original:
        return [Problem(table.file, rid, "restates", f"names an original, but origin is {OWN_COUNT!r}: set the "
                                                     "origin, or empty restates")]
    return []


def new_figure_id(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """A derived figure's id is not already a stated figure's."""
    if row.get("figure_id") in ctx.figures:
        return [Problem(table.file, rid, "figure_id", "is already a figure_id in figures.csv")]
    return []


def derivation_is_possible(ctx: Context, table: Table, row: Row, rid: str) -> list[Problem]:
    """A derived figure can be computed from its inputs, and the result is not negative (a count cannot be)."""
    left, right = ctx.figures.get(row.get("left", "")), ctx.figures.get(row.get("right", ""))
    operation = OPERATIONS.get(row.get("op", ""))
    if left is None or right is None or operation is None:
        return []  # the foreign keys and the enum report these
    try:
        inputs = parse_quantity(left["number_text"]), parse_quantity(right["number_text"])
    except ValueError:
        return []  # reported on figures.csv
    try:
        result = operation[0](*inputs)
    except ZeroDivisionError:
        return [Problem(table.file, rid, "right", f"{row['right']} can be 0, so dividing by it is undefined")]
    except ValueError as err:
        return [Problem(table.file, rid, "op", f"cannot be computed: {err}")]
    if result.lower < 0:
        return [Problem(table.file, rid, "op", f"the result can be negative ({result.describe()} {row.get('unit', '')}),"
                                               " which no count can be: check the order of left and right")]
    return []


#: Rules that apply to every table having the fields they read.
FIELD_RULES: tuple[tuple[frozenset[str], RowRule], ...] = (
    (frozenset({"seed_id"}), seed_is_readable),
    (frozenset({"quote", "start", "end"}), quote_at_offsets),
    (frozenset({"quote"}), words_inside_quote),
    (frozenset(), dates_in_order),
    (frozenset(), text_is_plain),
)

#: Each resource's own rules, beside the schema's.
RESOURCE_RULES: dict[str, tuple[RowRule, ...]] = {
    "figures": (phrase_parses, credit_is_named_or_unattributed, attribution_matches_credit, restates_a_first_statement),
    "categories": (credit_is_named,),
    "claims": (credit_is_named,),
    "derived": (new_figure_id, derivation_is_possible, inputs_of_one_article),
    "external_figures": (phrase_parses_alone, dates_are_real_and_past, comparison_has_a_scope,
                         origin_names_its_original),
    "scopes": (dates_are_real_and_past,),
    "overrides": (override_is_an_interval,),
}
#: The rules of every proposal table (resources named proposed-<article>).
PROPOSAL_RULES: tuple[RowRule, ...] = (phrase_at_offsets, candidate_credit_stands)


def _ids(package: Package, name: str, missing: frozenset[str]) -> frozenset[str] | None:
    """The figure ids a table holds; ``missing`` when there is no such table, None when it could not be read (its
    one problem says so, and nothing that depends on it is checked)."""
    table = package.tables.get(name)
    if table is None:
        return missing
    return frozenset(r.get("figure_id", "") for r in table.rows) if table.readable else None


def context_of(package: Package) -> Context:
    """What the row rules need, from the package as read."""
    people = package.tables.get("people")
    figures = package.tables.get("figures")
    return Context(
        seeds=package.seeds,
        broken_seeds=frozenset(p.row for p in package.problems if p.file.startswith("seeds/")),
        people=frozenset(r.get("name", "") for r in people.rows) if people and people.readable and people.header
        else None,
        figures={r.get("figure_id", ""): r for r in figures.rows} if figures else {},
        scoped=_ids(package, "scopes", frozenset()),
        overridden=_ids(package, "overrides", frozenset()) or frozenset(),
    )


def validate(package: Package) -> list[Problem]:
    """Every problem in a package as read: reading, schema, and the row rules of each table; each problem of one
    article's row (or proposal file, or seed) knows its article (Problem.article), the others are package-wide."""
    ctx = context_of(package)
    owners = {table.file: _row_articles(ctx, table) for table in package.tables.values()}
    problems = [_scope(p, owners) for p in package.problems]
    for table in package.tables.values():
        problems += [_scope(p, owners) for p in _schema_problems(table, package.tables)]
        fields = {f["name"] for f in table.descriptor["schema"]["fields"]}
        own = PROPOSAL_RULES if table.name.startswith(PROPOSED) else RESOURCE_RULES.get(table.name, ())
        rules = [rule for needs, rule in FIELD_RULES if needs <= fields] + list(own)
        for line, row in enumerate(table.rows, start=2):
            rid = table.row_id(row, line)
            for rule in rules:
                problems += [replace(p, article=owners[table.file].get(rid, "")) for p in rule(ctx, table, row, rid)]
    return problems


#: Columns that name a figure, so a row holding one is of that figure's article.
FIGURE_COLUMNS = ("figure_id", "compares_with", "left", "right")


def row_article(ctx: Context, table: Table, row: Row) -> str:
    """The article a row is of: its proposal file's, its seed_id, or the article of the figure it names; "" when it
    is of none (a table of the whole package)."""
    if table.name.startswith(PROPOSED):
        return table.name.removeprefix(PROPOSED)
    if row.get("seed_id"):
        return row["seed_id"]
    named = next((ctx.figures[row[c]] for c in FIGURE_COLUMNS if row.get(c) in ctx.figures), None)
    return named.get("seed_id", "") if named else ""


def _row_articles(ctx: Context, table: Table) -> dict[str, str]:
    """Each row of a table, by the id problems name it with, -> its article ("" for none, and for an id that names
    no article of the collection: a row no article owns is the whole package's to fix)."""
    known = set(ctx.seeds) | ctx.broken_seeds
    found = {table.row_id(row, line): row_article(ctx, table, row) for line, row in enumerate(table.rows, start=2)}
    return {rid: article if article in known else "" for rid, article in found.items()}


def _scope(problem: Problem, owners: dict[str, dict[str, str]]) -> Problem:
    """A problem with its article, when it is one article's: a row of a table, a proposal file, a seed."""
    if problem.article:
        return problem
    if problem.file.startswith("data/proposed/") and problem.file.endswith(".csv"):
        return replace(problem, article=problem.file.removeprefix("data/proposed/").removesuffix(".csv"))
    if problem.file.startswith("seeds/") and problem.row not in ("-", ""):
        return replace(problem, article=problem.row)  # a seed's problems name its id as their row
    return replace(problem, article=owners.get(problem.file, {}).get(problem.row, ""))


def validate_package(root: str | Path | None = None) -> list[Problem]:
    """Check the whole data package and return every problem (an empty list when all is well): every check the
    report's notebooks make, the coverage audit included (every numeric word of a drafted article accounted for)."""
    from .coverage import coverage_problems

    package = read_package(root)
    problems = validate(package)
    readable = all(name in package.tables and package.tables[name].readable for name in ("figures", "non_figures"))
    return problems + (coverage_problems(package) if readable else [])


def spreadsheet_warnings(root: str | Path | None = None) -> list[Problem]:
    """Cells of data/ a spreadsheet would run as a formula (= + - @ first): kept as the article's words, but worth
    knowing before a person opens the file in a spreadsheet (the report's downloads defuse them)."""
    from .literal import FORMULA_STARTS

    out = []
    for table in read_package(root).tables.values():
        for line, row in enumerate(table.rows, start=2):
            for name, value in row.items():
                if value.startswith(FORMULA_STARTS) and not re.fullmatch(r"[-+]?[0-9][0-9.,]*", value):
                    out.append(Problem(table.file, table.row_id(row, line), name,
                                       f"begins with {value[0]!r}: a spreadsheet opening this file would run it as "
                                       "a formula"))
    return out
