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


def _read_table(root: Path, resource: dict[str, Any], problems: list[Problem]) -> Table:
    """Read one CSV resource, reporting a missing file or columns that differ from the schema."""
    rel = f"data/{resource['path']}"
    table = Table(resource["name"], rel, resource)
    path = root / rel
    if not path.is_file():
        problems.append(Problem(rel, "-", "-", "the data file is missing"))
        return table
    # utf-8-sig: a CSV saved by a spreadsheet as "CSV UTF-8" starts with a byte-order mark, which is not data
    with path.open(encoding="utf-8-sig", newline="") as handle:
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
