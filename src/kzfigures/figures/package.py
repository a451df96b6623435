"""Read the data package: data/datapackage.json, its CSVs as rows of strings, and the seeds.

Reading collects problems (a missing file, undeclared columns) instead of raising; validation.py checks
what was read. Nothing here interprets a value.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .files import SAVE_JOURNAL
from .paths import project_root
from .problems import Problem
from .seeds import Seed, read_seeds

Row = dict[str, str]


@dataclass
class Table:
    """One CSV resource: its descriptor, rows as strings, and where it lives."""

    name: str
    file: str
    descriptor: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    #: False when the file could not be read at all (missing, outside data/, not UTF-8, not CSV): its one problem
    #: is reported, and no other table's reference to it is reported again
    readable: bool = True
    #: the cells read as too long (row id, column): emptied, their one problem said, and checked for nothing else
    oversized: set[tuple[str, str]] = field(default_factory=set)

    @property
    def key(self) -> list[str]:
        """The primary key's field names (Frictionless allows one name as a string)."""
        key = self.descriptor.get("schema", {}).get("primaryKey", [])
        if isinstance(key, str):
            return [key]
        return [k for k in key if isinstance(k, str)] if isinstance(key, list) else []

    def row_id(self, row: Row, line: int) -> str:
        """How a row is named in messages: its primary key, or its line if that is empty."""
        value = "/".join(row.get(k, "") for k in self.key)
        return value if value.strip("/") else f"line {line}"


@dataclass
class Package:
    """The seeds and the tables, as read; ``problems`` holds what went wrong while reading.

    ``memo`` keeps what is built from a checked package (the figures table, …), so it lives and goes with the
    package in the one cache (store.py) instead of in caches of its own.
    """

    root: Path
    descriptor: dict[str, Any]
    seeds: dict[str, Seed]
    tables: dict[str, Table]
    problems: list[Problem]
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    #: the articles left out of a checked package for problems of their own (id -> its problems): store.py
    set_apart: dict[str, list[Problem]] = field(default_factory=dict)


#: Where the descriptor is, from the root.
DESCRIPTOR = "data/datapackage.json"
#: The longest field a CSV may hold (128 KiB, the csv module's own limit): a longer one is a problem, not a crash.
MAX_FIELD = 128 * 1024
#: The longest field the csv module is let read, so a field over MAX_FIELD is named; longer still is a CSV error.
READ_LIMIT = 64 * 1024 * 1024


def _resource_problems(index: int, resource: Any) -> list[Problem]:
    """What makes a resource unreadable: not an object, no name, no single path, no schema with a list of fields."""
    if not isinstance(resource, dict):
        return [Problem(DESCRIPTOR, f"resource #{index + 1}", "-", f"is {type(resource).__name__}, not an object")]
    where = f"resource {resource['name']}" if isinstance(resource.get("name"), str) else f"resource #{index + 1}"
    say = lambda column, message: [Problem(DESCRIPTOR, where, column, message)]
    if not isinstance(resource.get("name"), str) or not resource["name"].strip():
        return say("name", "is missing: every resource needs a name")
    if not isinstance(resource.get("path"), str) or not resource["path"].strip():
        return say("path", "is missing or not one file name (such as figures.csv)")
    schema = resource.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return say("schema", "is missing or has no list of fields: describe every column under schema.fields")
    unnamed = [i + 1 for i, f in enumerate(schema["fields"])
               if not (isinstance(f, dict) and isinstance(f.get("name"), str))]
    if unnamed:
        return say("schema.fields", f"field #{unnamed[0]} has no name")
    return []


def _inside_data(root: Path, path: str) -> Path | None:
    """The file a resource path names, if it lies inside data/ (symbolic links resolved); None if it is outside."""
    data = (root / "data").resolve()
    target = (data / path).resolve()
    return target if target.is_relative_to(data) and target != data else None


def _undecodable(path: Path, rel: str, err: UnicodeDecodeError) -> Problem:
    """Where a CSV stops being UTF-8: its line and column, and what to do."""
    raw = path.read_bytes()
    line = raw[: err.start].count(b"\n") + 1
    begin = raw.rfind(b"\n", 0, err.start) + 1
    header = next(csv.reader([raw.split(b"\n", 1)[0].decode("utf-8-sig", "replace").rstrip("\r")]), [])
    index = len(next(csv.reader([raw[begin: err.start].decode("utf-8", "replace")]), [""])) - 1
    column = header[index] if 0 <= index < len(header) else "-"
    return Problem(rel, "header" if line == 1 else f"line {line}", column,
                   f"byte 0x{raw[err.start]:02x} is not UTF-8: the file was saved in another encoding (such as "
                   "Latin-1 or Windows-1252); save it again as “CSV UTF-8”")


def _read_table(root: Path, resource: dict[str, Any], problems: list[Problem]) -> Table:
    """Read one CSV resource, reporting a missing or unreadable file, a path outside data/, columns that differ from
    the schema or appear twice, and rows with more or fewer fields than the header."""
    rel = f"data/{resource['path']}"
    table = Table(resource["name"], rel, resource)
    path = _inside_data(root, resource["path"])
    if path is None:
        problems.append(Problem(DESCRIPTOR, f"resource {resource['name']}", "path",
                                f"{resource['path']!r} is outside data/; a resource's file must be inside data/ "
                                "(it was not read)"))
        table.readable = False
        return table
    if not path.is_file():
        problems.append(Problem(rel, "-", "-", "the data file is missing"))
        table.readable = False
        return table
    declared = [f["name"] for f in resource["schema"]["fields"]]
    limit = csv.field_size_limit(READ_LIMIT)  # a field over MAX_FIELD is read, then reported by its row and column
    try:
        # utf-8-sig: a CSV saved by a spreadsheet as "CSV UTF-8" starts with a byte-order mark, which is not data
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = table.header = next(reader, [])
            separator = _other_separator(header, declared)
            if separator:
                problems.append(Problem(rel, "header", "-", f"the columns are separated by {separator}, not commas: "
                                                            "save the file again as “CSV UTF-8 (comma delimited)”"))
                table.readable = False
                return table
            _header_problems(rel, header, declared, problems, optional_columns(resource))
            for record in reader:
                if not any(field.strip() for field in record):
                    if record:  # a spreadsheet's blank row (,,,,): one line, not a problem per column
                        problems.append(Problem(rel, f"line {reader.line_num}", "-", "the row is empty (a "
                                                                                     "spreadsheet's blank row?): "
                                                                                     "delete it"))
                    continue
                _add_row(table, header, record, reader.line_num, problems)
    except UnicodeDecodeError as err:
        problems.append(_undecodable(path, rel, err))
        table.rows.clear()
        table.readable = False
    except csv.Error as err:
        where = f"line {reader.line_num}"
        problems.append(Problem(rel, where, "-", f"cannot be read as CSV ({err}); a field may be far longer "
                                                  f"than {MAX_FIELD // 1024} KiB or a quote left open"))
        table.rows.clear()
        table.readable = False
    finally:
        csv.field_size_limit(limit)
    return table


#: Separators a spreadsheet may save a "CSV" with, as a person would name them.
SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _other_separator(header: list[str], declared: list[str]) -> str | None:
    """The name of the separator a file was saved with when it is not a comma (the header reads as one column that
    holds the declared names joined by it), else None."""
    if len(header) != 1 or len(declared) < 2:
        return None
    for mark, name in SEPARATORS.items():
        if header[0].split(mark)[:2] == declared[:2] or len(header[0].split(mark)) >= len(declared) > 1:
            return name
    return None


#: A field marked so may be missing from the file (a table written before the field was added): its cells read empty.
OPTIONAL = "kzfigures:optional_column"


def optional_columns(resource: dict[str, Any]) -> set[str]:
    """The fields of a resource a file may lack (marked kzfigures:optional_column): a table made before them."""
    return {f["name"] for f in resource["schema"]["fields"] if f.get(OPTIONAL) is True}


def _header_problems(rel: str, header: list[str], declared: list[str], problems: list[Problem],
                     optional: set[str] | None = None) -> None:
    """Columns missing from the header (unless optional), not described, or given twice."""
    for name in declared:
        if name not in header and name not in (optional or set()):
            problems.append(Problem(rel, "header", name, "column is missing"))
    blank = [number for number, name in enumerate(header, start=1) if not name.strip()]
    if blank:  # a spreadsheet's empty columns beside the table ("name,role,,,"): one line, not two per column
        problems.append(Problem(rel, "header", "-", f"{len(blank)} column(s) have no name (column(s) "
                                                    f"{', '.join(map(str, blank[:5]))}{'…' if len(blank) > 5 else ''}"
                                                    "; a spreadsheet's empty columns?): delete them"))
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if not name.strip():
            continue
        if name in seen:
            problems.append(Problem(rel, "header", name, f"column appears twice (columns {seen[name]} and {number})"))
        seen.setdefault(name, number)
        if name not in declared:
            problems.append(Problem(rel, "header", name, "column is not described in datapackage.json"))


def _add_row(table: Table, header: list[str], record: list[str], line: int, problems: list[Problem]) -> None:
    """Keep one CSV record as a row; report a record whose field count differs from the header's, or a field that
    is too long."""
    row = dict(zip(header, (record + [""] * len(header))[: len(header)], strict=True))
    rid = table.row_id(row, line)
    if len(record) != len(header):
        more = "more" if len(record) > len(header) else "fewer"
        problems.append(Problem(table.file, rid, header[-1] if header else "-",
                                f"the row has {len(record)} fields, {more} than the header's {len(header)} "
                                "(a comma in an unquoted value?)"))
    for problem in too_long(table, row, rid):
        problems.append(problem)
        row[problem.column] = ""
        table.oversized.add((rid, problem.column))
    table.rows.append(row)


def too_long(table: Table, row: Row, rid: str) -> list[Problem]:
    """Each cell of a row longer than a field may hold (MAX_FIELD): read from a file, or about to be written."""
    return [Problem(table.file, rid, name, f"is {len(value) // 1024} KiB long; a field may hold at most "
                                           f"{MAX_FIELD // 1024} KiB") for name, value in row.items()
            if len(value) > MAX_FIELD]


def read_package(root: str | Path | None = None) -> Package:
    """Read seeds/ and data/ from ``root`` (default: this checkout); problems are collected, not raised."""
    base = project_root(root)
    seeds, problems = read_seeds(base)
    if (base / SAVE_JOURNAL).exists():
        problems.append(Problem(SAVE_JOURNAL, "-", "-", "a save was stopped before all its files were in place: the "
                                                        "next `kzfigures draft` or curation save finishes it"))
    descriptor_path = base / DESCRIPTOR
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as err:  # RecursionError: JSON nested thousands deep
        problems.append(Problem(DESCRIPTOR, "-", "-", f"cannot read the descriptor: {err}"))
        return Package(base, {}, seeds, {}, problems)
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        what = "has no list of resources" if isinstance(descriptor, dict) else \
            f"is a JSON {type(descriptor).__name__}, not an object with a list of resources"
        problems.append(Problem(DESCRIPTOR, "-", "resources", f"the descriptor {what}"))
        return Package(base, descriptor if isinstance(descriptor, dict) else {}, seeds, {}, problems)
    tables = {}
    for index, resource in enumerate(descriptor["resources"]):
        faults = _resource_problems(index, resource)
        problems += faults
        if not faults and resource["name"] in tables:
            problems.append(Problem(DESCRIPTOR, f"resource {resource['name']}", "name", "is used by two resources"))
        elif not faults:
            tables[resource["name"]] = _read_table(base, resource, problems)
    return Package(base, descriptor, seeds, tables, problems)
