"""Read the data package (data/datapackage.json and its CSVs) and check all of it at once.

The schema checks (required, type, enum, pattern, minimum, unique, foreign keys) are read from
datapackage.json, so a constraint is written once. The rules no schema can say (a quote at its offsets in
the seed, a phrase the parser refuses, a period that ends before it starts) are below. Written by hand rather
than with the frictionless library: it reports by row number, and we want every problem named by its id.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .bounds import BoundsOrderError
from .parse import parse_quantity
from .paths import project_root
from .problems import DataPackageError, Problem
from .seeds import Seed, read_seeds

UNATTRIBUTED = "unattributed"
#: Columns that open and close a period: the second may not come before the first.
DATE_PAIRS = (("period_start", "period_end"), ("date_start", "date_end"))

Row = dict[str, str]


@dataclass
class Table:
    """One CSV resource: its descriptor, rows as strings, and where it lives."""

    name: str
    file: str
    descriptor: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    header: list[str] = field(default_factory=list)

    @property
    def key(self) -> list[str]:
        """The primary key's field names."""
        return self.descriptor.get("schema", {}).get("primaryKey", [])

    def row_id(self, row: Row, line: int) -> str:
        """How a row is named in messages: its primary key, or its line if that is empty."""
        value = "/".join(row.get(k, "") for k in self.key)
        return value if value.strip("/") else f"line {line}"


@dataclass
class Package:
    """The seeds and the tables, as read; ``problems`` holds what went wrong while reading."""

    root: Path
    descriptor: dict[str, Any]
    seeds: dict[str, Seed]
    tables: dict[str, Table]
    problems: list[Problem]


def _read_table(root: Path, resource: dict[str, Any], problems: list[Problem]) -> Table:
    """Read one CSV resource, reporting a missing file or columns that differ from the schema."""
    rel = f"data/{resource['path']}"
    table = Table(resource["name"], rel, resource)
    path = root / rel
    if not path.is_file():
        problems.append(Problem(rel, "-", "-", "the data file is missing"))
        return table
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        declared = [f["name"] for f in resource["schema"]["fields"]]
        header = table.header = list(reader.fieldnames or [])
        for name in declared:
            if name not in header:
                problems.append(Problem(rel, "header", name, "column is missing"))
        for name in header:
            if name not in declared:
                problems.append(Problem(rel, "header", name, "column is not described in datapackage.json"))
        for row in reader:
            table.rows.append({k: (v if v is not None else "") for k, v in row.items() if k is not None})
    return table


def read_package(root: str | Path | None = None) -> Package:
    """Read seeds/ and data/ from ``root`` (default: this checkout); problems are collected, not raised."""
    base = project_root(root)
    seeds, problems = read_seeds(base)
    descriptor_path = base / "data" / "datapackage.json"
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        problems.append(Problem("data/datapackage.json", "-", "-", f"cannot read the descriptor: {err}"))
        return Package(base, {}, seeds, {}, problems)
    tables = {r["name"]: _read_table(base, r, problems) for r in descriptor.get("resources", [])}
    return Package(base, descriptor, seeds, tables, problems)


# -- schema checks, from datapackage.json ----------------------------------------------------------------
def _is_date(value: str) -> bool:
    """True for an ISO date YYYY-MM-DD that exists."""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


TYPE_CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "string": (lambda v: True, "text"),
    "integer": (lambda v: bool(re.fullmatch(r"-?\d+", v)), "a whole number"),
    "number": (lambda v: bool(re.fullmatch(r"-?\d+(\.\d+)?", v)), "a number"),
    "date": (_is_date, "an ISO date (YYYY-MM-DD)"),
    "boolean": (lambda v: v in ("true", "false"), "true or false"),
}


def _check_field(table: Table, row: Row, rid: str, spec: dict[str, Any]) -> list[Problem]:
    """Check one cell against its field's type and constraints."""
    name, value = spec["name"], row.get(spec["name"], "")
    cons = spec.get("constraints", {})
    say = lambda msg: [Problem(table.file, rid, name, msg)]  # noqa: E731
    if value == "":
        return say("is empty but required") if cons.get("required") else []
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


def _schema_problems(table: Table, tables: dict[str, Table]) -> list[Problem]:
    """Required, type, enum, pattern, minimum, unique and foreign-key checks for one table."""
    problems: list[Problem] = []
    fields = table.descriptor["schema"]["fields"]
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
    for fk in table.descriptor["schema"].get("foreignKeys", []):
        (local,), ref = fk["fields"], fk["reference"]
        (target,) = ref["fields"]
        other = tables.get(ref["resource"]) if ref["resource"] else table
        values = {r.get(target, "") for r in (other.rows if other else [])}
        where = f"{other.file if other else ref['resource']}" if ref["resource"] else "this table"
        for line, row in enumerate(table.rows, start=2):
            value = row.get(local, "")
            if value and value not in values:
                problems.append(Problem(table.file, table.row_id(row, line), local,
                                        f"{value!r} refers to no {target} in {where}"))
    return problems


# -- rules no schema can say ---------------------------------------------------------------------------
def _int(value: str) -> int | None:
    """A cell as int, or None when it is not one (the schema check reports that)."""
    return int(value) if re.fullmatch(r"-?\d+", value or "") else None


def _quote_problems(table: Table, row: Row, rid: str, seeds: dict[str, Seed]) -> list[Problem]:
    """The quote must stand in its seed exactly at start:end."""
    seed = seeds.get(row.get("seed_id", ""))
    start, end, quote = _int(row.get("start", "")), _int(row.get("end", "")), row.get("quote", "")
    if seed is None or start is None or end is None or not quote:
        return []
    if seed.text[start:end] == quote:
        return []
    found = seed.text.find(quote)
    where = f"the quote stands at {found}:{found + len(quote)}" if found >= 0 else "the quote is not in the text at all"
    column = "start" if found >= 0 and found != start else ("end" if found == start else "quote")
    return [Problem(table.file, rid, column,
                    f"text[{start}:{end}] is {seed.text[start:end][:40]!r}…, not the quote; {where}")]


def _inside(table: Table, row: Row, rid: str, column: str, once: bool = False) -> list[Problem]:
    """A phrase column's words must stand inside the row's quote (exactly once when ``once``)."""
    words, quote = row.get(column, ""), row.get("quote", "")
    if not words or not quote:
        return []
    count = quote.count(words)
    if count == 0:
        return [Problem(table.file, rid, column, f"{words!r} is not inside the quote")]
    if once and count > 1:
        return [Problem(table.file, rid, column, f"{words!r} stands {count} times in the quote: shorten the quote")]
    return []


def _figure_problems(table: Table, row: Row, rid: str, people: set[str] | None, ids: dict[str, Row]) -> list[Problem]:
    """Rules for one figures.csv row: its phrase parses, its period is ordered, its credit and link exist."""
    out: list[Problem] = []
    say = lambda col, msg: out.append(Problem(table.file, rid, col, msg))  # noqa: E731
    if row.get("number_text") and row["number_text"] in row.get("quote", ""):
        try:
            parse_quantity(row["number_text"])
        except BoundsOrderError as err:
            say("number_text", f"{err} (lower > upper)")
        except ValueError as err:
            say("number_text", str(err))
    credit = row.get("attributed_to", "")
    if credit and credit != UNATTRIBUTED and people is not None and credit not in people:
        say("attributed_to", f"{credit!r} is not a name in people.csv nor {UNATTRIBUTED!r}")
    same = row.get("same_as", "")
    if same and same == row.get("figure_id"):
        say("same_as", "a figure cannot restate itself")
    elif same in ids and ids[same].get("same_as"):
        say("same_as", f"{same!r} is itself a restatement; link to the first statement")
    return out


def validate(package: Package) -> list[Problem]:
    """Every problem in a package as read: reading, schema, quotes at offsets, and the figures' own rules."""
    problems = list(package.problems)
    people_table = package.tables.get("people")
    people = {r.get("name", "") for r in people_table.rows} if people_table and people_table.header else None
    reported_seeds = {p.row for p in package.problems if p.file.startswith("seeds/")}
    figure_ids = {r.get("figure_id", "") for r in package.tables.get("figures", Table("", "", {})).rows}
    for table in package.tables.values():
        problems += _schema_problems(table, package.tables)
        fields = {f["name"] for f in table.descriptor["schema"]["fields"]}
        ids = {r.get("figure_id", ""): r for r in table.rows} if table.name == "figures" else {}
        for line, row in enumerate(table.rows, start=2):
            rid = table.row_id(row, line)
            if ("seed_id" in fields and row.get("seed_id") and row["seed_id"] not in package.seeds
                    and row["seed_id"] not in reported_seeds):
                known = ", ".join(sorted(package.seeds)) or "none readable"
                problems.append(Problem(table.file, rid, "seed_id",
                                        f"{row['seed_id']!r} is not a readable seed (seeds: {known})"))
            if {"quote", "start", "end"} <= fields:
                problems += _quote_problems(table, row, rid, package.seeds)
            if table.name == "figures":
                problems += _figure_problems(table, row, rid, people, ids)
            for spec in table.descriptor["schema"]["fields"]:
                if "kzfigures:inside_quote" in spec:
                    problems += _inside(table, row, rid, spec["name"], once=spec["kzfigures:inside_quote"] == "once")
            for first, last in DATE_PAIRS:
                begin, finish = row.get(first, ""), row.get(last, "")
                if _is_date(begin) and _is_date(finish) and begin > finish:
                    problems.append(Problem(table.file, rid, last, f"ends ({finish}) before it starts ({begin})"))
            if table.name == "derived" and row.get("figure_id") in figure_ids:
                problems.append(Problem(table.file, rid, "figure_id", "is already a figure_id in figures.csv"))
            if "attributed_to" in fields and table.name != "figures":
                credit = row.get("attributed_to", "")
                if credit and people is not None and credit not in people:
                    problems.append(Problem(table.file, rid, "attributed_to", f"{credit!r} is not a name in people.csv"))
    return problems


def validate_package(root: str | Path | None = None) -> list[Problem]:
    """Check the whole data package and return every problem (an empty list when all is well)."""
    return validate(read_package(root))


def checked_package(root: str | Path | None = None) -> Package:
    """Read the package and raise DataPackageError listing every problem, if there is any."""
    package = read_package(root)
    problems = validate(package)
    if problems:
        raise DataPackageError(problems)
    return package
