"""`kzfigures grade FOLDER` on a folder as a class hands it in: filled-in, half-done, untouched, damaged and hostile
copies of the student edition, one folder per student or names with the lesson in them. Each notebook runs in a
child process with a time limit; the verdicts come from this process's answer key, not from the notebook."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from kzfigures.classroom.edition import make_student
from kzfigures.classroom.grading import grade, student_and_lesson, table
from test_classfolder import filled

#: The full tier (make test): a real client, an install, or report builds of its own.
pytestmark = pytest.mark.full

LESSONS_DIR = ROOT / "notebooks" / "lessons"
LESSONS = sorted(LESSONS_DIR.glob("[0-9][0-9]-*.ipynb"))


def answer_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")
            and c["cell_type"] == "code"]


@pytest.fixture(scope="module")
def handed_in(tmp_path_factory) -> Path:
    student = tmp_path_factory.mktemp("student")
    make_student(LESSONS_DIR, student)
    folder = tmp_path_factory.mktemp("submitted")
    one, two = LESSONS[0], LESSONS[1]
    blank = {p.name: json.loads((student / p.name).read_text(encoding="utf-8")) for p in (one, two)}
    full = {p.name: filled(blank[p.name], json.loads(p.read_text(encoding="utf-8"))) for p in (one, two)}
    (folder / "ana").mkdir()
    for name, nb in full.items():  # ana: everything right, in a folder of her own
        (folder / "ana" / name).write_text(json.dumps(nb), encoding="utf-8")
    half = json.loads(json.dumps(blank[one.name]))  # ben: questions 1 and 2 answered, 2 wrong, the rest untouched
    cells = answer_cells(half)
    cells[0]["source"] = answer_cells(full[one.name])[0]["source"]
    cells[1]["source"] = "".join(cells[1]["source"]).replace("# YOUR ANSWER HERE", "answer_2 = (180, 251)")
    (folder / f"ben-{one.name}").write_text(json.dumps(half), encoding="utf-8")
    (folder / f"cleo-{two.stem} (1).ipynb").write_text(json.dumps(blank[two.name]), encoding="utf-8")  # untouched
    (folder / f"dan-{one.name}").write_text("{not json", encoding="utf-8")
    hostile = json.loads(json.dumps(blank[one.name]))  # eve: no answers, but rebinds the checks and prints a fake report
    hostile["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source":
                             "lessons.check = lambda *a: 'right'\nlessons.require = lambda *a: None\n"
                             "print('<<kzfigures-answers>>{\"answer_1\": [15001, 1e999]}')\n"
                             "import kzfigures.classroom.lessons as L; L.ANSWER_KEY.clear()"})
    (folder / f"eve-{one.name}").write_text(json.dumps(hostile), encoding="utf-8")
    looping = json.loads(json.dumps(blank[two.name]))  # finn: a cell that never ends
    answer_cells(looping)[0]["source"] = "while True:\n    pass"
    (folder / "finn").mkdir()
    (folder / "finn" / two.name).write_text(json.dumps(looping), encoding="utf-8")
    (folder / "notes.ipynb").write_text(json.dumps(blank[one.name]), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rows(handed_in):
    return {(r.student, r.lesson[:2]): r for r in grade(handed_in, LESSONS_DIR, timeout=40, jobs=3)}


def test_grade_gives_each_students_answers_right_or_not(rows):
    assert rows[("ana", "01")].states == ["right"] * 5
    assert rows[("ana", "02")].states[0] == "as asked" and rows[("ana", "02")].right == 6
    assert rows[("ben", "01")].states == ["right", "not yet", "unanswered", "unanswered", "unanswered"]
    assert rows[("cleo", "02")].states == ["unanswered"] * 6 and rows[("cleo", "02")].note == ""


def test_grade_survives_damaged_hostile_and_endless_notebooks(rows):
    assert rows[("dan", "01")].right == 0 and "not JSON" in rows[("dan", "01")].note
    assert rows[("eve", "01")].states == ["unanswered"] * 5, rows[("eve", "01")]  # its rebinding changed nothing here
    assert rows[("finn", "02")].right == 0 and "time limit" in rows[("finn", "02")].note
    assert "not one of the lessons" in rows[("notes", "no")].note


def test_the_table_reads_as_a_summary(rows):
    text = table(sorted(rows.values(), key=lambda r: (r.student, r.lesson)))
    ben = ["ben", "01-reading-numbers-in-the-news", "1/5", "✓", "✗", "·", "·", "·"]
    assert ben in [line.split() for line in text.splitlines()]
    assert text.splitlines()[0].split() == ["student", "lesson", "right", "answers", "note"]


@pytest.mark.parametrize("rel, student, lesson", [
    ("ana/01-reading-numbers-in-the-news.ipynb", "ana", "01-reading-numbers-in-the-news"),
    ("ana/lessons/02-shares-and-rates.ipynb", "ana", "02-shares-and-rates"),  # nbgrader's submitted/<student>/<assignment>/
    ("ben-02-shares-and-rates (1).ipynb", "ben", "02-shares-and-rates"),
    ("02-shares-and-rates copy.ipynb", "02-shares-and-rates copy", "02-shares-and-rates"),
    ("homework.ipynb", "homework", None)])
def test_who_handed_in_which_lesson(rel, student, lesson):
    stems = [p.stem for p in LESSONS]
    assert student_and_lesson(Path("/f") / rel, Path("/f"), stems) == (student, lesson)


def test_the_command_prints_the_table_and_refuses_a_missing_folder_in_one_line(handed_in, tmp_path):
    done = subprocess.run([sys.executable, "-m", "kzfigures.cli", "grade", str(tmp_path / "nowhere")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "no such folder" in done.stderr


def test_the_csv_neutralises_a_name_a_spreadsheet_would_run():
    from kzfigures.classroom.grading import Graded, csv_text, lesson_questions

    questions = lesson_questions(LESSONS_DIR)
    stem = LESSONS[0].stem
    rows = [Graded("=HYPERLINK(\"x\")", stem, ["right"] * 5), Graded("@eve", "x.ipynb", note="-not a lesson")]
    text = csv_text(rows, questions)
    assert "'=HYPERLINK" in text and "'@eve" in text and "'-not a lesson" in text
    assert text.count("\n") == 1 + 5 + 1  # the header, a row per answer, a row for the notebook that is no lesson
