"""An article's proposals, kept apart from what a person decided: data/proposed/<article>.csv, declared in
data/datapackage.json as the resource proposed-<article> (the curated columns plus what only a proposal has: its
kind, its bounds as the grammar reads them, the reason a word is not a figure).

`kzfigures draft` writes this file whole; a person decides each row through kzfigures.curation(), which writes the
curated tables. No curated table ever holds a proposal, so nothing proposed can be taken for a fact.
"""
from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from .bounds import Bounds
from .files import replace
from .package import DESCRIPTOR, Package

#: A proposal resource's name is this prefix and the article's id.
PREFIX = "proposed-"
#: What the draft could not yet say about a credit (never "the article names no source": it has not looked).
NOT_CHECKED = "not yet checked"

_FIELDS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("proposal_id", "string", "The proposal's id, made by the library (the figure id it becomes when accepted).",
     {"required": True, "unique": True}),
    ("kind", "string", "'figure' (a number phrase read as a quantity) or 'non-figure' (a numeric word that says "
                       "when, ranks or names, with its reason).", {"required": True, "enum": ["figure", "non-figure"]}),
    ("seed_id", "string", "The article.", {"required": True}),
    ("quote", "string", "The sentence the phrase stands in (a figure), or the word itself (a non-figure).",
     {"required": True}),
    ("start", "integer", "Where the quote starts in the article's text.", {"required": True, "minimum": 0}),
    ("end", "integer", "Where the quote ends (exclusive).", {"required": True, "minimum": 0}),
    ("number_text", "string", "The number phrase (or word) exactly as written.", {"required": True}),
    ("number_start", "integer", "Where the phrase starts in the article's text.", {"required": True, "minimum": 0}),
    ("number_end", "integer", "Where the phrase ends (exclusive).", {"required": True, "minimum": 0}),
    ("lower", "number", "The least value the grammar reads in the phrase (empty when it cannot read it).", {}),
    ("upper", "number", "The greatest value the grammar reads (inf when there is no upper end).", {}),
    ("lower_open", "boolean", "true when the lower end is excluded.", {}),
    ("upper_open", "boolean", "true when the upper end is excluded.", {}),
    ("bound", "string", "How the words bound the quantity, as the grammar reads them.", {}),
    ("change", "string", "'up' or 'down' when the number is a change (\"fell 0.8%\"), as the grammar reads it; empty "
                         "for a level.", {"enum": ["up", "down"]}),
    ("unit", "string", "The unit word after the phrase, a candidate.", {}),
    ("measure", "string", "What is counted, a candidate (or '(to be described)').", {}),
    ("period_text", "string", "A candidate period phrase in the sentence.", {}),
    ("attributed_to", "string", "A candidate credit standing in the article (\"according to X\"), or its publisher "
                                "for the article's own words; empty when the draft found none: not yet checked.", {}),
    ("reason", "string", "Why a non-figure is not a figure, or why a phrase could not be read.", {}),
]

#: The columns of a proposal file, in order.
COLUMNS: list[str] = [name for name, *_ in _FIELDS]


def resource_name(seed_id: str) -> str:
    """The data-package resource of one article's proposals."""
    return PREFIX + seed_id


def resource_path(seed_id: str) -> str:
    """Where one article's proposals are, inside data/."""
    return f"proposed/{seed_id}.csv"


def descriptor(seed_id: str) -> dict[str, Any]:
    """The data-package resource that declares one article's proposal file."""
    fields = [{"name": n, "type": t, "description": d, **({"constraints": c} if c else {})} for n, t, d, c in _FIELDS]
    return {"name": resource_name(seed_id), "path": resource_path(seed_id), "profile": "tabular-data-resource",
            "format": "csv", "encoding": "utf-8", "title": f"Proposals for {seed_id}, not yet decided",
            "description": "What `kzfigures draft` read in the article, for a person to accept, correct or reject "
                           "(kzfigures.curation()); never shown as a fact.",
            "schema": {"fields": fields, "primaryKey": ["proposal_id"]}}


def file_hash(text: str) -> str:
    """A proposal file's hash as a data package resource records it (Frictionless "hash": "sha256:…")."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def declared(package: dict[str, Any], seed_id: str, text: str, by_hand: bool = False) -> str:
    """data/datapackage.json's text with an article's proposal file declared (if it was not) and the hash of
    ``text``, what the library writes to it, recorded on its resource; the rest unchanged. ``by_hand``: the file holds
    a person's edits (changed_by_hand), which a curation's save keeps: the old hash stays, so `draft` still sees them."""
    resource = next((r for r in package.get("resources", []) if isinstance(r, dict)
                     and r.get("name") == resource_name(seed_id)), None)
    if resource is None:
        resource = descriptor(seed_id)
        package["resources"].append(resource)
    resource["schema"] = descriptor(seed_id)["schema"]  # the library's own file: its columns as written now
    if not (by_hand and isinstance(resource.get("hash"), str)):
        resource["hash"] = file_hash(text)
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def declare(base: Path, seed_id: str, text: str) -> None:
    """Declare an article's proposal file in data/datapackage.json with the hash of what was written to it."""
    path = base / DESCRIPTOR
    before = path.read_text(encoding="utf-8")
    after = declared(json.loads(before), seed_id, text)
    if after != before:
        replace(path, after)


def changed_by_hand(package: Package, seed_id: str) -> bool:
    """True when an article's proposal file is not what the library last wrote to it (its recorded hash differs:
    a person edited it); False when it matches, or when no hash was recorded."""
    resource = next((r for r in package.descriptor.get("resources", []) if isinstance(r, dict)
                     and r.get("name") == resource_name(seed_id)), None)
    path = package.root / "data" / resource_path(seed_id)
    if resource is None or not isinstance(resource.get("hash"), str) or not path.is_file():
        return False
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest() != resource["hash"]


def proposal_tables(package: Package) -> list[Any]:
    """The package's proposal tables (one per drafted article)."""
    return [t for name, t in package.tables.items() if name.startswith(PREFIX)]


def proposal_rows(package: Package, seed_id: str | None = None) -> list[dict[str, str]]:
    """The proposal rows of one article (or all), as read."""
    rows = [r for t in proposal_tables(package) for r in t.rows]
    return [r for r in rows if seed_id is None or r.get("seed_id") == seed_id]


def bounds_of_row(row: dict[str, Any]) -> Bounds | None:
    """A proposal's bounds as the grammar read them, or None when it read none (or it is a non-figure)."""
    if row.get("kind") != "figure" or row.get("lower") in ("", None):
        return None
    try:
        return Bounds(float(row["lower"]), float(row["upper"]), str(row["lower_open"]).lower() == "true",
                      str(row["upper_open"]).lower() == "true", row.get("bound") or None)
    except (ValueError, KeyError):
        return None


def frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    """Proposal rows as a table: offsets as ints, the bounds as a Bounds (None when unread), indexed by id."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["change"] = df["change"].astype(object).fillna("")  # a file drafted before the column: every proposal read as a level
    for col in ("start", "end", "number_start", "number_end"):
        df[col] = df[col].astype(int)
    df["bounds"] = [bounds_of_row(r) for r in rows]
    df["lower"] = [b.lower if b else math.nan for b in df["bounds"]]
    df["upper"] = [b.upper if b else math.nan for b in df["bounds"]]
    df["credit"] = [r.get("attributed_to") or NOT_CHECKED for r in rows]
    return df.set_index("proposal_id", drop=False).rename_axis(None)


def proposals(seed: str, root: str | Path | None = None) -> pd.DataFrame:
    """An article's proposals not yet decided, one row each (empty before its draft): never curated facts."""
    from .store import check_article, checked_package

    package = checked_package(root)
    check_article(package, seed)
    return frame(proposal_rows(package, seed))
