"""Grading a folder of submitted lesson notebooks without nbgrader: each student's answers, right or not, in a table.

A submitted notebook is untrusted code. Each one is run (not read statically: most answers are computed, such as
``set(figures.loc[…])``, so only running them gives their values) in a child process of its own with a time limit,
in a scratch folder holding only a copy of the notebook, with HOME pointed there; the child runs it with nbclient
in a fresh kernel and, last, prints each answer's value as JSON. This process then checks those values with the
answer key itself, so nothing a notebook rebinds or prints changes another answer's verdict. None of this is a
sandbox: the code runs as the user who grades, and can read what that user can (the teacher's guide says so).
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .edition import check_call

MARK = "<<kzfigures-answers>>"
#: The cell run after a submission's own: each answer as JSON, with sets, tuples and intervals tagged.
REPORT_CELL = """\
import json as _json
def _plain(value):
    if hasattr(value, "lower") and hasattr(value, "upper_open"):
        return {"$bounds": [_plain(value.lower), _plain(value.upper), bool(value.lower_open), bool(value.upper_open)]}
    if isinstance(value, (set, frozenset)):
        return {"$set": [_plain(v) for v in value]}
    if isinstance(value, tuple):
        return {"$tuple": [_plain(v) for v in value]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if hasattr(value, "item") and not hasattr(value, "__len__"):
        return value.item()
    return {"$repr": repr(value)[:200]}
print(%(mark)r + _json.dumps({name: _plain(globals().get(name)) for name in %(names)r}))
"""
SYMBOL = {"right": "✓", "as asked": "✓", "not yet": "✗", "unanswered": "·"}


@dataclass
class Graded:
    """One submitted notebook, graded."""

    student: str
    lesson: str  # the lesson's file stem ("01-reading-numbers-in-the-news"), or the file's name if not a lesson
    states: list[str] = field(default_factory=list)  # per question: right, as asked, not yet, unanswered
    note: str = ""

    @property
    def right(self) -> int:
        """How many answers are right."""
        return sum(s in ("right", "as asked") for s in self.states)


def lesson_questions(lessons: Path) -> dict[str, tuple[str, str, list[tuple[str, str]]]]:
    """Each instructor lesson's file stem -> (its key in the answer key, its stem, [(question, answer name)])."""
    found = {}
    for path in sorted(lessons.glob("[0-9][0-9]-*.ipynb")):
        calls = [m for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if (m := check_call(c))]
        if calls:
            found[path.stem] = (calls[0]["lesson"], path.stem, [(m["question"], m["answer"]) for m in calls])
    return found


def _decode(value: Any) -> Any:
    """A value as the kernel reported it, back as Python (an interval that is not one is kept as its words)."""
    from ..figures.bounds import Bounds

    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$set" in value:
        items = [_decode(v) for v in value["$set"]]
        return set(items) if all(isinstance(v, (str, int, float, bool, tuple)) for v in items) else items
    if "$tuple" in value:
        return tuple(_decode(v) for v in value["$tuple"])
    if "$bounds" in value:
        try:
            return Bounds(*[_decode(v) for v in value["$bounds"]])
        except (TypeError, ValueError):
            return str(value["$bounds"])
    return str(value.get("$repr", value))


def run_submission(path: Path, names: list[str], timeout: int) -> dict[str, Any] | str:
    """Run one submitted notebook in a child process (time limit ``timeout`` seconds); return its answers, or a
    one-line reason it gave none."""
    try:
        json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return "not a notebook: the file is not JSON (damaged, or saved as something else)"
    with tempfile.TemporaryDirectory(prefix="kzfigures-grade-") as scratch:
        copy = Path(scratch) / "submission.ipynb"
        copy.write_bytes(path.read_bytes())
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KZFIGURES_", "JUPYTER_", "IPYTHON"))}
        env.update(HOME=scratch, MPLBACKEND="Agg")
        child = subprocess.Popen([sys.executable, "-m", "kzfigures.classroom.grading", str(copy), json.dumps(names),
                                  str(timeout)], cwd=scratch, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            return f"stopped after {timeout} s (the time limit): no answers from it"
    lines = [line for line in out.splitlines() if line.startswith(MARK)]
    if child.returncode != 0 or not lines:
        last = (err.strip().splitlines() or ["no answers reported"])[-1]
        return f"could not be run: {last[:160]}"
    try:
        reported = json.loads(lines[-1][len(MARK):])
    except ValueError:
        return "could not be run: its answers could not be read"
    return {name: _decode(reported.get(name)) for name in names} if isinstance(reported, dict) else "no answers"


def _execute(path: Path, names: list[str], timeout: int) -> None:
    """In the child: run the notebook (errors allowed, each cell time-limited), then print its answers."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type == "code"]
    nb.cells.append(nbformat.v4.new_code_cell(REPORT_CELL % {"mark": MARK, "names": names}))
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for output in nb.cells[-1].outputs:
        for line in output.get("text", "").splitlines():
            if line.startswith(MARK):
                print(line)


def student_and_lesson(path: Path, folder: Path, stems: list[str]) -> tuple[str, str | None]:
    """Who handed the notebook in (its first folder under FOLDER, else its file name less the lesson's) and
    which lesson it is (the lesson stem its file name holds)."""
    rel = path.relative_to(folder)
    lesson = next((s for s in stems if s in path.stem), None)
    if len(rel.parts) > 1:
        return rel.parts[0], lesson
    name = path.stem.replace(lesson, "") if lesson else path.stem
    name = re.sub(r"\(\d+\)|\bcopy\b", "", name)  # a browser's "(1)" on a second download, a file manager's "copy"
    return name.strip(" -_.") or path.stem, lesson


def grade(folder: Path, lessons: Path, timeout: int = 180, jobs: int | None = None) -> list[Graded]:
    """Grade every .ipynb under folder (checkpoint copies left out), ``jobs`` at once; one row per notebook."""
    from concurrent.futures import ThreadPoolExecutor

    from . import lessons as checks

    known = lesson_questions(lessons)
    paths = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not paths:
        raise FileNotFoundError(f"{folder}: no .ipynb files in it (or below it) to grade")

    def run(path: Path) -> tuple[str, str | None, dict[str, Any] | str]:
        student, stem = student_and_lesson(path, folder, list(known))
        return student, stem, (run_submission(path, [n for _, n in known[stem][2]], timeout) if stem else "")

    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:  # the children run at once
        ran = list(pool.map(run, paths))
    rows = []
    for path, (student, stem, answers) in zip(paths, ran, strict=True):  # the checks, here, one at a time
        if stem is None:
            rows.append(Graded(student, path.name, note="not one of the lessons (its name holds no lesson's)"))
            continue
        key, _, questions = known[stem]
        if isinstance(answers, str):
            rows.append(Graded(student, stem, ["unanswered"] * len(questions), note=answers))
            continue
        states = []
        for question, name in questions:
            try:
                states.append(checks.check(key, question, answers[name]).state)
            except Exception:  # an answer the check cannot take is not right (the check should never raise)
                states.append("not yet")
        rows.append(Graded(student, stem, states))
    return rows


def table(rows: list[Graded]) -> str:
    """The summary table: one line per student and lesson, a symbol per question, and the legend."""
    header = ("student", "lesson", "right", "answers", "note")
    lines = [(r.student, r.lesson, f"{r.right}/{len(r.states)}" if r.states else "",
              " ".join(SYMBOL[s] for s in r.states), r.note) for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=True)]
    text = ["  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)).rstrip() for line in [header, *lines]]
    return "\n".join(text) + "\n\n✓ right   ✗ not right yet   · not answered (questions in the lesson's order)\n"


def csv_text(rows: list[Graded], questions: dict[str, tuple[str, str, list[tuple[str, str]]]]) -> str:
    """The same as CSV, one column per question; a cell starting = + - @ gets a leading ' (spreadsheets run them)."""
    import csv
    import io

    def safe(text: str) -> str:
        return "'" + text if text[:1] in ("=", "+", "-", "@") else text

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", "lesson", "right", "of", "question", "result", "note"])
    for r in rows:
        names = [q for q, _ in questions[r.lesson][2]] if r.lesson in questions else []
        for name, state in zip(names, r.states, strict=False):  # a row without states has none
            writer.writerow([safe(r.student), r.lesson, r.right, len(r.states), name, state, safe(r.note)])
        if not r.states:
            writer.writerow([safe(r.student), safe(r.lesson), "", "", "", "", safe(r.note)])
    return buffer.getvalue()


if __name__ == "__main__":  # the child process of run_submission
    _execute(Path(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3]))
