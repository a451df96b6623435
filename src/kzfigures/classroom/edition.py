"""Student versions of the lessons, generated from the instructor notebooks (nbgrader's marker syntax).

In an instructor notebook, a solution stands between "### BEGIN SOLUTION" and "### END SOLUTION" (in code
or Markdown cells), and instructor-only checks between "### BEGIN HIDDEN TESTS" and "### END HIDDEN TESTS".
The student version replaces each solution with a prompt, drops hidden tests, and clears every output.
Written here rather than with nbgrader or otter-grader: both are heavy and pin the Jupyter stack. The markers
and the cell metadata are nbgrader's own (``graded`` writes the metadata from the markers, run by
``make notebooks``), so nbgrader's generate_assignment and autograde work on the lessons as they are.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from ..collection.listing import cell_source, write_notebook_json

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_PROMPT = "# YOUR ANSWER HERE"
TEXT_PROMPT = "*YOUR ANSWER HERE*"
HIDDEN_NOTE = "# (solution hidden in this edition)"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)


#: nbgrader's cell metadata schema, and the check call whose cell becomes an autograder test.
NBGRADER_SCHEMA = 3
CHECK_CALL = re.compile(r'^lessons\.check\("(?P<lesson>[a-z0-9-]+)", "(?P<question>[a-z0-9-]+)", (?P<answer>\w+)\)$')
#: A cell's instructor-only tests, markers included (the one pattern every part of the classroom reads them with).
HIDDEN_TESTS = re.compile(rf"{re.escape(BEGIN_HIDDEN)}.*?{re.escape(END_HIDDEN)}\n?", re.S)


def without_hidden_tests(source: str) -> str:
    """A cell's source with its hidden tests (and their markers) taken out."""
    return HIDDEN_TESTS.sub("", source)


def check_call(cell: dict[str, Any]) -> re.Match[str] | None:
    """The ``lessons.check(...)`` call a code cell makes, its hidden tests aside; None for any other cell."""
    if cell["cell_type"] != "code":
        return None
    return CHECK_CALL.match(without_hidden_tests(cell_source(cell)).strip())
ANSWER_NAME = re.compile(r"^(?P<answer>answer_\w+) = ", re.M)


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
    source = cell_source(cell)
    if cell["cell_type"] == "code":
        stub = CODE_PROMPT if prompt else HIDDEN_NOTE
    else:
        stub = TEXT_PROMPT if prompt else "*(model answer hidden in this edition)*"
    source = _replace_regions(source, BEGIN_SOLUTION, END_SOLUTION, stub, where)
    source = _replace_regions(source, BEGIN_HIDDEN, END_HIDDEN, None, where)
    return {**cell, "source": source}


def has_solution(cell: dict[str, Any]) -> bool:
    """True when the cell holds a solution or hidden tests."""
    source = cell_source(cell)
    return any(marker in source for marker in MARKERS)


def _nbgrader(grade_id: str, grade: bool, solution: bool, locked: bool) -> dict[str, Any]:
    """One cell's nbgrader metadata (schema 3); a graded cell is worth one point."""
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": NBGRADER_SCHEMA,
            "solution": solution, "task": False}
    return {**meta, "points": 1} if grade else meta


def graded(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook with nbgrader's metadata written from its markers: a code cell with a solution is an
    autograded answer; a ``lessons.check(...)`` cell is an autograder test (1 point) whose hidden part, before
    the check, calls ``lessons.require`` on the same answer; a Markdown cell with a solution is a manually
    graded answer (1 point)."""
    cells = copy.deepcopy(nb["cells"])
    calls = [check_call(c) for c in cells]
    questions = {call["answer"]: call["question"] for call in calls if call}
    for index, (cell, call) in enumerate(zip(cells, calls, strict=True)):
        cell.setdefault("metadata", {}).pop("nbgrader", None)
        source = cell_source(cell)
        if call:
            test = f'lessons.require("{call["lesson"]}", "{call["question"]}", {call["answer"]})'
            cell["source"] = f"{BEGIN_HIDDEN}\n{test}\n{END_HIDDEN}\n{call.group(0)}"  # the check's box shows last
            cell["metadata"]["nbgrader"] = _nbgrader(f"check-{call['question']}", True, False, True)
        elif BEGIN_SOLUTION in source and cell["cell_type"] == "code":
            name = ANSWER_NAME.search(source)
            grade_id = f"answer-{questions.get(name['answer'], name['answer']) if name else index}"
            cell["metadata"]["nbgrader"] = _nbgrader(grade_id, False, True, False)
        elif BEGIN_SOLUTION in source:
            cell["metadata"]["nbgrader"] = _nbgrader(f"written-answer-{index}", True, True, False)
    return {**nb, "cells": cells}


def _joined(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook with every cell's source as one string, for comparing content rather than form."""
    return {**nb, "cells": [{**c, "source": cell_source(c)} for c in nb["cells"]]}


def write_graded(folder: Path, check: bool = False) -> list[Path]:
    """Write nbgrader's metadata into every lesson in folder; return the files that changed (``check``: would)."""
    changed = []
    for path in sorted(folder.glob("[0-9][0-9]-*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        new = graded(nb)
        if _joined(new) != _joined(nb):  # nbformat stores a source as a list of lines or as one string
            changed.append(path)
            if not check:
                write_notebook_json(path, new)
    return changed


def _without_parameter(cells: list[dict[str, Any]], parameter: str) -> list[dict[str, Any]]:
    """The cells without a build-only parameter: its line in the parameters cell and every line that uses it; a
    parameters cell left empty goes, with the "## Parameters" heading before it."""
    out: list[dict[str, Any]] = []
    for cell in cells:
        source = cell_source(cell)
        if cell["cell_type"] == "code" and re.search(rf"\b{re.escape(parameter)}\b", source):
            source = "\n".join(line for line in source.split("\n") if not re.search(rf"\b{re.escape(parameter)}\b", line))
            if not source.strip() and "parameters" in cell.get("metadata", {}).get("tags", []):
                if out and out[-1]["cell_type"] == "markdown" and "".join(out[-1]["source"]).startswith("## Parameters"):
                    out.pop()
                continue
            cell = {**cell, "source": source.rstrip("\n")}
        out.append(cell)
    return out


#: The student edition's first code cell: it needs nothing but Python, finds kzfigures, or says in one line how to
#: get it and stops there (IPython shows the one line, without a traceback, and Run All stops at the cell).
SETUP_SOURCE = """\
# Set-up: run this cell first. It finds kzfigures, or says in one line how to get it.
import importlib.util, pathlib
if importlib.util.find_spec("kzfigures") is None:
    class KzfiguresMissing(Exception):
        \"\"\"Only its message is shown: kzfigures cannot be imported here.\"\"\"
    get_ipython().set_custom_exc((KzfiguresMissing,), lambda *error, **_: print(error[2]))
    found = [p for p in ("wheels", "../wheels", ".") if any(pathlib.Path(p).glob("kzfigures-*.whl"))]
    if not found:
        raise KzfiguresMissing("kzfigures is not installed here: open this notebook from the class "
                               "folder and follow its README.md, or pip install the kzfigures project")
    offline = "--no-index " if any(pathlib.Path(found[0]).glob("pandas-*.whl")) else ""
    raise KzfiguresMissing(f"kzfigures is not installed here: run  %pip install {offline}--find-links "
                           f"{found[0]} kzfigures  in a new cell, restart the kernel, and run all cells")"""
#: In the student edition the answer and its check share one cell, and its instructions say so (see below).
CHECK_NOTE = "# Run this cell after every change (Shift+Enter): it checks the answer above, as written."
HOW_TO_TAG = "how-to-answer"
STUDENT_HOW_TO = ("**How to answer.** Run the set-up cell first. Each question then has one cell for your answer, "
                  "ending with its check: write your answer in place of `# YOUR ANSWER HERE`, after the name the "
                  "cell gives it, as in `answer_1 = (10, 20)`, and run the cell "
                  "(Shift+Enter). Running it keeps your answer and checks it, so the check always sees the answer "
                  "as it is written.")


def _merged_checks(cells: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    """The cells with each check call moved into the end of its answer cell (the cell that sets its answer).

    The kernel sees a cell's code only when the cell runs, so no check can know that an answer cell was edited
    and not run again; with the answer and its check in one cell, running the check runs the answer."""
    out: list[dict[str, Any]] = []
    for cell in cells:
        call = CHECK_CALL.match(cell_source(cell).strip()) if cell["cell_type"] == "code" else None
        answer_at = next((i for i in range(len(out) - 1, -1, -1) if out[i]["cell_type"] == "code" and call and
                          re.search(rf"^{call['answer']} = ", cell_source(out[i]), re.M)), None)
        if call and answer_at is not None:
            merged = f"{cell_source(out[answer_at]).rstrip()}\n\n{CHECK_NOTE}\n{call.group(0)}"
            out[answer_at] = {**out[answer_at], "source": merged}
        else:
            out.append(cell)
    return out


def _setup_cell() -> dict[str, Any]:
    """The set-up cell that opens the student edition's code."""
    return {"cell_type": "code", "execution_count": None, "id": "setup", "metadata": {"tags": ["setup"]},
            "outputs": [], "source": SETUP_SOURCE}


def student_version(nb: dict[str, Any], name: str) -> dict[str, Any]:
    """The student version of an instructor notebook: solutions become prompts, outputs are cleared, each answer
    and its check share a cell, the first code cell finds kzfigures (or says how to get it), the navigation
    (dead links in a notebook handed out alone) is left out, and so is the parameter that only tells the report
    whether to show solutions (it means nothing to a student)."""
    cells = []
    for index, cell in enumerate(nb["cells"]):
        if "navigation" in cell.get("metadata", {}).get("tags", []):
            continue
        new = strip_cell(cell, f"{name}, cell {index}")
        if new["cell_type"] == "code":
            new["outputs"], new["execution_count"] = [], None
        if HOW_TO_TAG in new.get("metadata", {}).get("tags", []):
            new = {**new, "source": STUDENT_HOW_TO}
        cells.append(new)
    metadata = json.loads(json.dumps(nb.get("metadata", {})))
    shown_by = metadata.get("kzfigures", {}).pop("solutions_shown_by", None)
    if shown_by:
        cells = _without_parameter(cells, shown_by)
    if metadata.get("kzfigures") == {}:
        metadata.pop("kzfigures")
    cells = _merged_checks(cells, name)
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    cells.insert(first_code, _setup_cell())
    return {**nb, "metadata": metadata, "cells": cells}


def hide_solutions(nb: Any, name: str) -> Any:
    """An executed notebook with its solutions hidden for display: solution cells lose their code and outputs,
    check cells keep their results."""
    for index, cell in enumerate(nb.cells):
        if has_solution(cell):
            solution = BEGIN_SOLUTION in cell_source(cell)
            cell.source = strip_cell(dict(cell), f"{name}, cell {index}", prompt=False)["source"]
            if cell.cell_type == "code" and solution:
                cell.outputs = []
    return nb


def make_student(source: Path, target: Path) -> list[Path]:
    """Write the student version of every lesson in source to target; return the files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.glob("[0-9][0-9]-*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        out = target / path.name
        write_notebook_json(out, student_version(nb, path.name))
        written.append(out)
    if not written:
        raise FileNotFoundError(f"no NN-topic.ipynb lessons in {source}")
    return written


def leaks(nb: dict[str, Any]) -> list[str]:
    """Marker lines left in a notebook (a student version must have none)."""
    found = []
    for cell in nb["cells"]:
        source = cell_source(cell)
        found += [m for m in MARKERS if re.search(re.escape(m), source)]
    return found
