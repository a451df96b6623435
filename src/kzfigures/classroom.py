"""Student versions of the lessons, generated from the instructor notebooks (nbgrader's marker syntax).

In an instructor notebook, a solution stands between "### BEGIN SOLUTION" and "### END SOLUTION" (in code
or Markdown cells), and instructor-only checks between "### BEGIN HIDDEN TESTS" and "### END HIDDEN TESTS".
The student version replaces each solution with a prompt, drops hidden tests, and clears every output.
Written here rather than with nbgrader or otter-grader: both are heavy and pin the Jupyter stack; the markers
are theirs, so a teacher can move to them.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_PROMPT = "# YOUR ANSWER HERE"
TEXT_PROMPT = "*YOUR ANSWER HERE*"
HIDDEN_NOTE = "# (solution hidden in this edition)"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)


class MarkerError(ValueError):
    """A BEGIN marker without its END (or the other way round); names the notebook and cell."""


def _replace_regions(text: str, begin: str, end: str, replacement: str | None, where: str) -> str:
    """Replace each begin…end region (marker lines included) by replacement, keeping its indentation."""
    lines, out, inside, indent = text.split("\n"), [], False, ""
    for line in lines:
        stripped = line.strip()
        if stripped == begin:
            if inside:
                raise MarkerError(f"{where}: {begin!r} inside another {begin!r}")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            if replacement is not None:
                out.append(indent + replacement)
        elif stripped == end:
            if not inside:
                raise MarkerError(f"{where}: {end!r} without {begin!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{where}: {begin!r} without {end!r}")
    return "\n".join(out)


def strip_cell(cell: dict[str, Any], where: str, prompt: bool = True) -> dict[str, Any]:
    """A cell with its solutions replaced (by the prompt, or by a 'hidden' note) and hidden tests removed."""
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    if cell["cell_type"] == "code":
        stub = CODE_PROMPT if prompt else HIDDEN_NOTE
    else:
        stub = TEXT_PROMPT if prompt else "*(model answer hidden in this edition)*"
    source = _replace_regions(source, BEGIN_SOLUTION, END_SOLUTION, stub, where)
    source = _replace_regions(source, BEGIN_HIDDEN, END_HIDDEN, None, where)
    return {**cell, "source": source}


def has_solution(cell: dict[str, Any]) -> bool:
    """True when the cell holds a solution or hidden tests."""
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    return any(marker in source for marker in MARKERS)


def _without_parameter(cells: list[dict[str, Any]], parameter: str) -> list[dict[str, Any]]:
    """The cells without a build-only parameter: its line in the parameters cell and every line that uses it; a
    parameters cell left empty goes, with the "## Parameters" heading before it."""
    out: list[dict[str, Any]] = []
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and re.search(rf"\b{re.escape(parameter)}\b", source):
            source = "\n".join(line for line in source.split("\n") if not re.search(rf"\b{re.escape(parameter)}\b", line))
            if not source.strip() and "parameters" in cell.get("metadata", {}).get("tags", []):
                if out and out[-1]["cell_type"] == "markdown" and "".join(out[-1]["source"]).startswith("## Parameters"):
                    out.pop()
                continue
            cell = {**cell, "source": source.rstrip("\n")}
        out.append(cell)
    return out


def student_version(nb: dict[str, Any], name: str) -> dict[str, Any]:
    """The student version of an instructor notebook: solutions become prompts, outputs are cleared, and the
    parameter that only tells the report whether to show solutions is gone (it means nothing to a student)."""
    cells = []
    for index, cell in enumerate(nb["cells"]):
        new = strip_cell(cell, f"{name}, cell {index}")
        if new["cell_type"] == "code":
            new["outputs"], new["execution_count"] = [], None
        cells.append(new)
    metadata = json.loads(json.dumps(nb.get("metadata", {})))
    shown_by = metadata.get("kzfigures", {}).pop("solutions_shown_by", None)
    if shown_by:
        cells = _without_parameter(cells, shown_by)
    if metadata.get("kzfigures") == {}:
        metadata.pop("kzfigures")
    return {**nb, "metadata": metadata, "cells": cells}


def hide_solutions(nb: Any, name: str) -> Any:
    """An executed notebook with its solutions hidden for display: solution cells lose their code and outputs,
    check cells keep their results."""
    for index, cell in enumerate(nb.cells):
        if has_solution(cell):
            cell.source = strip_cell(dict(cell), f"{name}, cell {index}", prompt=False)["source"]
            if cell.cell_type == "code":
                cell.outputs = []
    return nb


def make_student(source: Path, target: Path) -> list[Path]:
    """Write the student version of every lesson in source to target; return the files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.glob("[0-9][0-9]-*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        out = target / path.name
        out.write_text(json.dumps(student_version(nb, path.name), indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")
        written.append(out)
    if not written:
        raise FileNotFoundError(f"no NN-topic.ipynb lessons in {source}")
    from .navigation import write_navigation

    write_navigation(target)  # previous / contents / next among the student notebooks, and their contents.md
    return written


def leaks(nb: dict[str, Any]) -> list[str]:
    """Marker lines left in a notebook (a student version must have none)."""
    found = []
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        found += [m for m in MARKERS if re.search(re.escape(m), source)]
    return found
