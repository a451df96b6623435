"""nbgrader's autograded lessons as a student reads them: the lesson's own box, never a traceback or a path.

nbgrader scores a test cell from its outputs: an error is no credit, and any other result is read as a number
(with a warning for each box, which is not one). So, after autograde runs a lesson, each check's box becomes a
display (``quiet_results``: no warning, the same credit); and in the feedback a student gets, a failed check shows
the box the lesson shows for that answer, built from what ``lessons.require`` raised, every other error shows as
one line, and no hidden test is shown (``student_feedback``). Used by the preprocessors in nbgrader_config.py.
"""
from __future__ import annotations

import re
from typing import Any

from .edition import BEGIN_HIDDEN, END_HIDDEN, _replace_regions

CHECK_ID = "check-"


def is_check(cell: Any) -> bool:
    """True for a lesson's autograder test cell (its nbgrader grade id starts with "check-")."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and str(meta.get("grade_id", "")).startswith(CHECK_ID)


def without_hidden(source: str) -> str:
    """A cell's source with its hidden tests (marker lines included) taken out, as nbgrader releases it."""
    return _replace_regions(source, BEGIN_HIDDEN, END_HIDDEN, None, "a test cell")


#: How a hidden test calls require once own_require has rewritten it: through an import of its own, not the
#: notebook's ``lessons`` name (which the notebook can rebind); the module refuses ``require`` being rebound.
OWN_REQUIRE = '__import__("kzfigures.classroom.lessons", fromlist=["require"]).require('


def own_require(nb: Any) -> Any:
    """The notebook with each hidden test's ``lessons.require(`` calling require through its own import."""
    for cell in nb["cells"]:
        source = cell.get("source", "")
        if cell.get("cell_type") == "code" and BEGIN_HIDDEN in source:
            cell["source"] = re.sub(r"^lessons\.require\(", lambda _: OWN_REQUIRE, source, flags=re.M)
    return nb


def quiet_results(nb: Any) -> Any:
    """The notebook with each check cell's result (its box) shown as a display: the same box, and nbgrader no
    longer tries to read it as a partial score."""
    for cell in nb["cells"]:
        if is_check(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "execute_result":
                    output["output_type"] = "display_data"
                    output.pop("execution_count", None)
    return nb


def box(name: str, message: str, answer: str = "the answer") -> dict[str, Any]:
    """The lesson's box for a check that failed with this error (name and message), as a display output."""
    from .lessons import Feedback

    if name in ("NotYet", "NotAnswered", "AssertionError", "TakenOut"):
        said = Feedback({"NotAnswered": "unanswered", "TakenOut": "taken out"}.get(name, "not yet"), message)
    elif name == "NameError":
        said = Feedback("unanswered", f"{answer} was never set: its cell stopped before the end (see its error above)")
    else:
        said = Feedback("not yet", f"{answer} could not be checked ({name})")
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/html": said._repr_html_(), "text/plain": repr(said)}}


def _one_line(output: dict[str, Any]) -> dict[str, Any]:
    """An error output reduced to its last line (the error and its message): no frames, no paths."""
    return {**output, "traceback": [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]}


def student_feedback(nb: Any) -> Any:
    """The autograded notebook as its feedback shows it: hidden tests out of the source, a failed check as the
    lesson's box, every other error as one line."""
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        if BEGIN_HIDDEN in cell.get("source", ""):
            cell["source"] = without_hidden(cell["source"]).strip("\n")
        answer = (re.findall(r"\b(answer_\w+)\)", cell["source"]) or ["the answer"])[-1]
        outputs = []
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                outputs.append(output)
            elif is_check(cell):
                outputs.append(box(output.get("ename", ""), output.get("evalue", ""), answer))
            else:
                outputs.append(_one_line(output))
        cell["outputs"] = outputs
    return nb


#: A hidden test's call: ``lessons.require("lesson", "question", answer_N)`` (or through OWN_REQUIRE).
REQUIRE = re.compile(r'require\("([^"]+)", "([^"]+)", (answer_\d+)\)')


def probed_cell(client: Any, run: Any, found: list[str], timeout: float = 20, seen: dict[str, Any] | None = None,
                source: str = "") -> Any:
    """Run any other code cell (``run()``, its ``source``), then add to ``found`` what the grader's probe finds
    changed in how the notebook's cells run (a hook registered now and gone before the next test is still seen), and
    each answer that changed since the last reading (``seen``) though the cell does not set it. Returns what
    ``run()`` returned."""
    result = run()
    answers, trouble = _probe(client, answer_names(client) if seen is not None else [], timeout)
    found += [t for t in trouble if t not in found]
    _changed(seen, answers, source, found)
    return result


def answer_names(client: Any) -> list[str]:
    """The answers the hidden tests of the notebook a client runs check (``answer_3``, …)."""
    cells = getattr(getattr(client, "nb", None), "cells", None) or []
    return sorted({answer for cell in cells for _, _, answer in REQUIRE.findall(str(cell.get("source", "")))})


def names_in_code(source: str) -> set[str] | None:
    """The names a cell's code names (a cell magic's body and a line magic's arguments read as Python too, as
    ``%%time`` and ``%time`` run them), never words of a comment or a string; None when it cannot be tokenized."""
    import io
    import tokenize

    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        lines = lines[1:]
    code = "\n".join(re.sub(r"^(\s*)[%!]+\S*", r"\1", line) for line in lines)
    try:
        return {t.string for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type == tokenize.NAME}
    except (SyntaxError, tokenize.TokenError):
        return None


def names_it(name: str, source: str, names: set[str] | None = None) -> bool:
    """Whether a cell's code names an answer (a comment or a string that does is not its code: a sixth adversarial
    pass made a thread's change in another cell pass as that cell's through a comment)."""
    found = names_in_code(source) if names is None else names
    return name in found if found is not None else bool(re.search(rf"\b{name}\b", source))


def _changed(seen: dict[str, Any] | None, answers: dict[str, Any], source: str, found: list[str]) -> None:
    """Add to ``found`` each answer that changed since it was last read while no cell that sets it ran (a thread,
    a timer), and remember these answers as the last read."""
    if seen is None:
        return
    names = names_in_code(source)
    for name, value in answers.items():
        if name in seen and repr(seen[name]) != repr(value) and not names_it(name, source, names):
            said = f"{name} changed while no cell that sets it ran"
            found += [said] if said not in found else []
        seen[name] = value


def _probe(client: Any, names: list[str], timeout: float, reset: bool = False) -> tuple[dict[str, Any], list[str]]:
    """The probe's answers and trouble; a probe that gets no answer in time is trouble too, never a crash of
    nbgrader's autograde."""
    from .probe import ProbeFailed, ask

    try:
        return ask(client, names, timeout, reset)
    except ProbeFailed as err:
        return {}, [str(err)]
    except (TimeoutError, RuntimeError) as err:  # CellTimeoutError, DeadKernelError
        return {}, [f"its kernel did not answer the grader within {timeout:.0f} s ({type(err).__name__})"]


def verified_test(client: Any, cell: Any, run: Any, timeout: float = 20, earlier: list[str] | None = None,
                  seen: dict[str, Any] | None = None) -> Any:
    """Run a hidden test cell (``run()``, nbgrader's own execution) as nbgrader's autograde does, made sure of by
    this process: before it, the notebook's input transformers are reset (probe.py), and after it, its answers are
    read by the grader's own probe and checked here with the answer key. A test the notebook silenced, or whose
    answer is not right, or a notebook that changed how its cells run, gets an error output: no credit, never full
    credit; so does every test after a cell that did (``earlier``: what probed_cell found), and a test whose
    answer changed since it was last read (``seen``) while no cell that sets it ran. Returns what ``run()``
    returned."""
    from nbformat.v4 import new_output

    from . import lessons

    calls = REQUIRE.findall(cell.get("source", ""))
    trouble: list[str] = list(earlier or [])
    before, reset = _probe(client, answer_names(client) if seen is not None else [], timeout, reset=True)
    trouble += reset
    _changed(seen, before, "", trouble)
    result = run()
    answers, after = _probe(client, [answer for _, _, answer in calls], timeout)
    trouble += [t for t in after if t not in trouble]
    _changed(seen, answers, cell.get("source", ""), trouble)
    said = [lessons.check(lesson, question, answers.get(answer)) for lesson, question, answer in calls]
    wrong = next((f for f in said if f.state not in ("right", "as asked")), None)
    if not calls:
        trouble.append("no hidden test found in the cell")
    if (wrong or trouble) and not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
        name = "NotAnswered" if wrong is not None and wrong.state == "unanswered" else "NotYet"
        text = (f"the notebook changes how its cells run ({'; '.join(trouble)}): this test is not counted"
                if trouble else wrong.text if wrong is not None else "")
        cell.setdefault("outputs", []).append(new_output("error", ename=name, evalue=text, traceback=[]))
    return result
