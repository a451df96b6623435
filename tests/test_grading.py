"""`kzfigures grade FOLDER` on a folder as a class hands it in: filled-in, half-done, untouched, damaged and hostile
copies of the student edition, one folder per student or names with the lesson in them. Each notebook runs in a
child process with a time limit; the verdicts come from this process's answer key, not from the notebook."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import pytest

from conftest import ROOT
from kzfigures.classroom.edition import make_student
from kzfigures.classroom.grading import (
    Graded,
    copies_changed_line,
    csv_text,
    grade,
    lesson_questions,
    student_and_lesson,
    table,
)
from kzfigures.collection.kernels import on_unix_sockets
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
    looping = json.loads(json.dumps(full[two.name]))  # finn: two answers, then a cell that never ends
    answer_cells(looping)[2]["source"] = "while True:\n    pass"
    (folder / "finn").mkdir()
    (folder / "finn" / two.name).write_text(json.dumps(looping), encoding="utf-8")
    (folder / "notes.ipynb").write_text(json.dumps(blank[one.name]), encoding="utf-8")
    hostile_submissions(folder, full[one.name], one)
    forging(folder, blank[one.name], full[one.name], one)
    return folder


def forging(folder: Path, blank: dict, right: dict, lesson: Path) -> None:
    """Notebooks with no answers of their own that try to make the grader record right ones (issue 33's pass):
    one rebinds the helper the old report cell used, one installs an input transformer that rewrites any cell the
    grader runs into a forged report; and notebooks whose run breaks off (a kernel killed, endless output)."""
    solution = "".join(answer_cells(right)[0]["source"])
    forge = ("import kzfigures.classroom.answers as _a\n_ns = dict(globals())\n"
             f"exec({solution!r}, _ns)\n_real = _a.plain\n"
             "_a.plain = lambda v: _real(_ns['answer_1']) if v is None else _real(v)\n")
    (folder / f"val-{lesson.name}").write_text(json.dumps(with_code(blank, 1, forge)), encoding="utf-8")
    rewrite = ("_ns = dict(globals())\n"
               f"exec({solution!r}, _ns)\nimport json as _j\n"
               "_forged = 'print(' + repr('<<kzfigures-answers>>' + _j.dumps({'answer_1': _ns['answer_1']})) + ')\\n'\n"
               "get_ipython().input_transformers_cleanup.append(\n"
               "    lambda lines: [_forged] if any('answers' in ln for ln in lines) else lines)\n")
    (folder / f"wes-{lesson.name}").write_text(json.dumps(with_code(blank, 1, rewrite)), encoding="utf-8")
    killed = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    (folder / f"kai-{lesson.name}").write_text(json.dumps(with_code(right, 2, killed)), encoding="utf-8")
    endless = "while True:\n    print('x' * 10000)"
    (folder / f"lou-{lesson.name}").write_text(json.dumps(with_code(right, 2, endless)), encoding="utf-8")


def with_code(nb: dict, at: int, code: str) -> dict:
    """A copy of the notebook with code run first in its answer cell number ``at`` (from 0)."""
    nb = json.loads(json.dumps(nb))
    answer_cells(nb)[at]["source"] = code + "\n" + "".join(answer_cells(nb)[at]["source"])
    return nb


def hostile_submissions(folder: Path, right: dict, lesson: Path) -> None:
    """All-right notebooks that hold the grader up (a child keeping its output open, a fork, a daemon in a session
    of its own, megabytes on stderr), one with errors, links, a folder named like a notebook, a PDF, a copy."""
    pids = folder.parent / f"{folder.name}-pids"
    pids.mkdir()
    holders = (f"import subprocess\np = subprocess.Popen('sleep 7777', shell=True)\n"
               f"q = subprocess.Popen(['setsid', 'sleep', '7778'])\n"
               f"open({str(pids / 'ivy')!r}, 'w').write(f'{{p.pid}} {{q.pid}}')")
    (folder / f"ivy-{lesson.name}").write_text(json.dumps(with_code(right, 0, holders)), encoding="utf-8")
    fork = (f"import os, time\nif os.fork() == 0:\n    open({str(pids / 'jon')!r}, 'w').write(str(os.getpid()))\n"
            "    time.sleep(7779)")
    (folder / f"jon-{lesson.name}").write_text(json.dumps(with_code(right, 0, fork)), encoding="utf-8")
    loud = ("import os, sys\nfor _ in range(20):\n    os.write(2, b'x' * 1024 * 1024)\n"
            "    sys.stderr.write('y' * 1024 * 1024)")
    (folder / f"kim-{lesson.name}").write_text(json.dumps(with_code(right, 4, loud)), encoding="utf-8")
    broken = with_code(with_code(right, 1, "answer_2 = (180, 250"), 2, "print(undefined_name)")
    (folder / f"hal-{lesson.name}").write_text(json.dumps(broken), encoding="utf-8")
    os.symlink("/dev/zero", folder / f"lea-{lesson.name}")
    os.symlink(lesson, folder / f"max-{lesson.name}")  # the instructor lesson, out of the folder
    os.symlink(folder / "gone.ipynb", folder / f"pat-{lesson.name}")  # a dangling link
    (folder / f"oli-{lesson.name}").mkdir()
    (folder / f"quinn-{lesson.stem}.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "rae").mkdir()
    (folder / "rae" / f"{lesson.stem}-Copy1.ipynb").write_text(json.dumps(right), encoding="utf-8")
    os.symlink(lesson.parent, folder / "uma")  # a student folder that is a link to the instructor lessons
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
    finn = rows[("finn", "02")]  # the answers given before the endless cell are kept, and the note says where
    assert finn.states[:3] == ["as asked", "right", "unanswered"] and "question 3 ran past the time limit" in finn.note
    notes = rows[("notes", "01")]  # lesson 01 saved as notes.ipynb: graded as the lesson its cells are
    assert notes.states == ["unanswered"] * 5 and "read as 01-reading-numbers-in-the-news from its cells" in notes.note


def test_the_table_reads_as_a_summary(rows):
    text = table(sorted(rows.values(), key=lambda r: (r.student, r.lesson)))
    ben = ["ben", "01-reading-numbers-in-the-news", "1/5", "✓", "✗", "·", "·", "·"]
    assert ben in [line.split() for line in text.splitlines()]
    assert text.splitlines()[0].split() == ["student", "lesson", "right", "answers", "note"]


@pytest.mark.parametrize("rel, student, lesson", [
    ("ana/01-reading-numbers-in-the-news.ipynb", "ana", "01-reading-numbers-in-the-news"),
    ("ana/lessons/02-shares-and-rates.ipynb", "ana", "02-shares-and-rates"),  # nbgrader's submitted/<student>/<assignment>/
    ("ben-02-shares-and-rates (1).ipynb", "ben", "02-shares-and-rates"),
    ("02-shares-and-rates copy.ipynb", "f", "02-shares-and-rates"),  # no name in it: the folder's (graded alone)
    ("Copy of 02-shares-and-rates.ipynb", "f", "02-shares-and-rates"),  # a drive's copy: not a student "of"
    ("ben-02-shares-and-rate.ipynb", "ben", None),  # the lesson's name mistyped: not part of the student's
    ("homework.ipynb", "homework", None),
    # a fifth adversarial pass: a download's double extension was the student "ana-.ipynb"; case or "_" lost the lesson
    ("ana-01-reading-numbers-in-the-news.ipynb.ipynb", "ana", "01-reading-numbers-in-the-news"),
    ("Ben-01-Reading-Numbers-in-the-News.ipynb", "Ben", "01-reading-numbers-in-the-news"),
    ("cleo_02_shares_and_rates.IPYNB", "cleo", "02-shares-and-rates")])
def test_who_handed_in_which_lesson(rel, student, lesson):
    stems = [p.stem for p in LESSONS]
    assert student_and_lesson(Path("/f") / rel, Path("/f"), stems) == (student, lesson)


def test_students_folders_graded_one_by_one_keep_their_students_apart():
    """`kzfigures grade ana ben`: each folder holds 01-….ipynb; both rows were the student "01-…" (adversarial)."""
    stems = [p.stem for p in LESSONS]
    for who in ("ana", "ben"):
        assert student_and_lesson(Path("/class") / who / f"{stems[0]}.ipynb", Path("/class") / who, stems) == (
            who, stems[0])


def test_the_command_prints_the_table_and_refuses_a_missing_folder_in_one_line(handed_in, tmp_path):
    done = subprocess.run([sys.executable, "-m", "kzfigures.cli", "grade", str(tmp_path / "nowhere")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "no such folder" in done.stderr


@pytest.mark.parametrize("given, words", [(("{t}/class", "{t}/class/ana"), "is inside"),
                                          (("{t}/class/ana", "{t}/class"), "is inside"),
                                          (("{t}/class", "{t}/class/"), "is the same folder as")])
def test_grade_refuses_a_folder_named_twice_or_inside_another(tmp_path, given, words):
    """Found in issue 33's own pass: `grade class class/ana` graded ana's notebooks twice, once as a student named
    after the lesson, and counted both in the class's results."""
    (tmp_path / "class" / "ana").mkdir(parents=True)
    done = subprocess.run([sys.executable, "-m", "kzfigures.cli", "grade", *[g.format(t=tmp_path) for g in given]],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and words in done.stderr, done.stderr


def test_the_csv_neutralises_a_name_a_spreadsheet_would_run():
    from kzfigures.classroom.grading import Graded, csv_text, lesson_questions

    questions = lesson_questions(LESSONS_DIR)
    stem = LESSONS[0].stem
    rows = [Graded("=HYPERLINK(\"x\")", stem, ["right"] * 5), Graded("@eve", "x.ipynb", note="-not a lesson")]
    text = csv_text(rows, questions)
    assert "'=HYPERLINK" in text and "'@eve" in text and "'-not a lesson" in text
    assert text.count("\n") == 1 + 5 + 1  # the header, a row per answer, a row for the notebook that is no lesson


def test_a_students_control_characters_are_shown_not_run_in_the_table_and_the_csv():
    """A file name or an error message holding terminal escapes, a bell or new lines cannot clear the teacher's
    screen or print a fake line in the table: each shows as its escape."""
    from kzfigures.classroom.grading import Graded, csv_text, lesson_questions

    stem = LESSONS[0].stem
    rows = [Graded("\x1b[31mred\x1b[0m", stem, ["not yet"] * 5,
                   note="question 1 raised Exception: \x1b[2J\x1b]0;pwned\x07\n\nana  5/5")]
    shown = table(rows, lesson_questions(LESSONS_DIR)) + csv_text(rows, lesson_questions(LESSONS_DIR))
    assert not any(c in shown for c in "\x1b\x07") and "\\x1b[31mred" in shown and "\\n\\nana  5/5" in shown
    assert not any(line.startswith("ana") for line in shown.splitlines())


def alive(pid: int) -> bool:
    """True while a process runs (a zombie waiting for its parent is not running)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
    except (OSError, IndexError):
        return False


def test_grading_cannot_be_held_up_or_fooled_and_kills_what_a_submission_started(rows, handed_in):
    for student in ("ivy", "jon", "kim"):  # finished, all right: not "stopped" by what they left running
        assert rows[(student, "01")].states == ["right"] * 5 and rows[(student, "01")].note == "", rows[(student, "01")]
    pids = [int(p) for name in ("ivy", "jon") for p in (handed_in.parent / f"{handed_in.name}-pids" / name)
            .read_text().split()]
    assert len(pids) == 3
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in pids if alive(pid)]  # the sleeping child, the daemon in its own session, the fork


def test_links_folders_and_other_files_get_a_note_on_their_row_and_the_rest_are_graded(rows):
    for student in ("lea", "max", "pat"):  # /dev/zero, the instructor lesson (would score 5/5), a dangling link
        assert rows[(student, "01")].states == [] and "a link, not a file" in rows[(student, "01")].note
    assert rows[("oli", "01")].states == [] and "a folder named like a notebook" in rows[("oli", "01")].note
    assert "a link to a folder: not followed" in rows[("uma", "um")].note
    assert [key for key in rows if key[0] == "uma"] == [("uma", "um")]  # nothing below the link was run
    assert "handed in as .pdf, not as a notebook" in rows[("quinn", "qu")].note
    assert rows[("rae", "01")].states == ["right"] * 5  # JupyterLab's -Copy1 is rae's lesson 01, not a student "Copy1"
    assert rows[("ana", "01")].states == ["right"] * 5  # everyone else graded


def test_the_note_names_the_question_that_failed_and_why(rows):
    hal = rows[("hal", "01")]
    assert hal.states == ["right", "unanswered", "unanswered", "right", "right"]
    assert "question 2 raised SyntaxError: '(' was never closed (line 1 of the cell)" in hal.note
    assert "question 3 raised NameError: name 'undefined_name' is not defined" in hal.note


def test_a_second_copy_of_a_lesson_is_named_and_counted_once():
    rows = [Graded("rae", "01-x", ["right", "not yet"], file="rae/01-x.ipynb"),
            Graded("rae", "01-x", ["right", "right"], file="rae/01-x-Copy1.ipynb")]
    from kzfigures.classroom.grading import _copies

    _copies(rows)
    assert rows[0].note == "rae/01-x.ipynb: not counted (the better copy is); also handed in: rae/01-x-Copy1.ipynb"
    assert rows[1].note.startswith("rae/01-x-Copy1.ipynb: counted in the totals")


def test_the_table_gives_the_class_per_question_and_each_students_total_across_lessons():
    known = lesson_questions(LESSONS_DIR)
    one, two = LESSONS[0].stem, LESSONS[1].stem
    rows = [Graded("ana", one, ["right"] * 5), Graded("ana", two, ["right"] * 3 + ["not yet"] * 3),
            Graded("ben", one, ["right", "not yet", "unanswered", "right", "right"]),
            Graded("cy", one, note="a link, not a file: not graded")]
    text = table(rows, known)
    assert f"{one} (2 notebook(s)), right per question: Q1 2/2  Q2 1/2  Q3 1/2  Q4 2/2  Q5 2/2" in text
    assert "  ana  8/11 right (2 lesson(s))" in text  # across both lessons
    assert "  ben  3/5 right (1 lesson(s))" in text and "  cy " not in text  # a row not graded has no total


def test_the_csv_names_questions_by_number_and_title_and_shows_written_answers():
    known = lesson_questions(LESSONS_DIR)
    stem = LESSONS[0].stem
    row = Graded("ana", stem, ["right", "not yet", "unanswered", "right", "right"],
                 given=["(15001, inf)", "(180, 251)", "", "[3, 7]", "{'a'}"], written=["The source is not named.", ""])
    lines = csv_text([row], known).splitlines()
    assert lines[0] == "student,lesson,file,right,of,question,title,result,answer,note"
    assert lines[2].startswith(f"ana,{stem},,3,5,Q2,Karin's report puts") and lines[2].endswith(",not yet,\"(180, 251)\",")
    assert lines[6].endswith("written 1,,written (read it),The source is not named.,")
    assert lines[7].endswith("written 2,,unanswered,,")


def test_written_answers_are_read_from_the_notebook():
    from kzfigures.classroom.edition import student_version
    from kzfigures.classroom.grading import _written

    three = next(p for p in LESSONS if p.stem.startswith("03"))
    nb = student_version(json.loads(three.read_text(encoding="utf-8")), three.name)
    assert _written(nb) == [""]
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown" and c["metadata"].get("nbgrader", {}).get("solution"))
    cell["source"] = "".join(cell["source"]).replace("*YOUR ANSWER HERE*", "Nobody is named for it.")
    assert _written(nb) == ["Nobody is named for it."]


def test_a_progress_line_on_many_submissions(tmp_path):
    for n in range(12):
        (tmp_path / f"s{n}-{LESSONS[0].stem}.pdf").write_bytes(b"%PDF")
    said: list[str] = []
    grade(tmp_path, LESSONS_DIR, progress=said.append)
    assert said and said[-1].startswith("grade: 12 of 12 notebooks run")


@pytest.mark.parametrize("target, force, refused", [
    ("{root}/data/figures.csv", True, "is inside data/"),
    ("{root}/grades.csv", True, "is a file of the project"),
    ("{elsewhere}/kept.csv", False, "exists; give a new file name, or --force"),
    ("{elsewhere}/grades.txt", False, "is not a .csv name"),
])
def test_grade_csv_never_replaces_a_file_of_the_project_nor_an_existing_one_without_force(package_copy,
                                                                                         tmp_path_factory, target,
                                                                                         force, refused):
    """Refused in one line before any notebook runs, as draft --output is (the same check)."""
    tmp_path = tmp_path_factory.mktemp("elsewhere")  # outside the project (package_copy)
    (tmp_path / "kept.csv").write_text("mine\n", encoding="utf-8")
    (package_copy / "grades.csv").write_text("mine\n", encoding="utf-8")
    before = (package_copy / "data" / "figures.csv").read_bytes()
    env = {**os.environ, "KZFIGURES_ROOT": str(package_copy)}
    path = target.format(root=package_copy, elsewhere=tmp_path)
    done = subprocess.run([sys.executable, "-m", "kzfigures.cli", "grade", str(tmp_path), "--csv", path,
                           *(["--force"] if force else [])], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and refused in done.stderr, done.stderr
    assert (package_copy / "data" / "figures.csv").read_bytes() == before
    assert (tmp_path / "kept.csv").read_text(encoding="utf-8") == "mine\n"
    assert (package_copy / "grades.csv").read_text(encoding="utf-8") == "mine\n"


def test_grade_csv_replaces_an_outside_file_with_force(handed_in, tmp_path):
    """Tried on one notebook (ben's): the CSV is written whole, the table printed."""
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / f"ben-{LESSONS[0].name}").write_bytes((handed_in / f"ben-{LESSONS[0].name}").read_bytes())
    (tmp_path / "kept.csv").write_text("mine\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kzfigures.cli", "grade", str(folder), "--csv",
                           str(tmp_path / "kept.csv"), "--force", "--timeout", "60"], capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    assert "total per student:" in done.stdout and "ben  1/5 right" in done.stdout
    assert (tmp_path / "kept.csv").read_text(encoding="utf-8").startswith("student,lesson,file,right")


def test_a_crafted_answer_runs_nothing_in_the_grader_and_require_cannot_be_rebound():
    """nbgrader's hidden test, lessons.require: an answer that would run code when unpickled is only words there;
    rebinding require in a notebook is refused."""
    import kzfigures
    from kzfigures.classroom import lessons as checks

    class Crafted:
        def __reduce__(self):
            return (exec, ("import kzfigures.classroom.lessons as L\n"
                           "L.ANSWER_KEY[('reading', 'karin-range')] = lambda answer, name: 'patched'",))

    for answer in (Crafted(), (1, 2)):  # the second is wrong, and stays wrong
        with pytest.raises(AssertionError):
            checks.require("reading", "karin-range", answer)
    checks.require("reading", "karin-range", (180, 250))
    with pytest.raises(AttributeError, match="cannot be changed"):
        checks.require = lambda *a: None
    with pytest.raises(AttributeError, match="cannot be changed"):
        kzfigures.lessons.check = lambda *a: None
    assert checks.require.__name__ == "require"


def test_nbgraders_feedback_shows_the_lessons_box_and_one_line_errors():
    """classroom/feedback.py, as nbgrader_config.py's preprocessors use it (tested with nbgrader in test_nbgrader)."""
    from kzfigures.classroom.feedback import OWN_REQUIRE, own_require, quiet_results, student_feedback

    check = {"cell_type": "code", "metadata": {"nbgrader": {"grade": True, "grade_id": "check-karin-range"}},
             "source": '### BEGIN HIDDEN TESTS\nlessons.require("reading", "karin-range", answer_2)\n'
                       '### END HIDDEN TESTS\nlessons.check("reading", "karin-range", answer_2)',
             "outputs": [{"output_type": "error", "ename": "NotYet", "evalue": "your upper bound 251 is too high",
                          "traceback": ["File /home/teacher/kzfigures/lessons.py:348", "NotYet: …"]}]}
    answer = {"cell_type": "code", "metadata": {}, "source": "answer_3 = nope", "outputs": [
        {"output_type": "error", "ename": "NameError", "evalue": "name 'nope' is not defined",
         "traceback": ["Traceback (most recent call last)", "File /home/teacher/x.py", "NameError: …"]}]}
    right = {"cell_type": "code", "metadata": {"nbgrader": {"grade": True, "grade_id": "check-least-thousands"}},
             "source": "", "outputs": [{"output_type": "execute_result", "execution_count": 3, "metadata": {},
                                        "data": {"text/plain": "✓ Right: that is the number."}}]}
    assert OWN_REQUIRE in own_require({"cells": [json.loads(json.dumps(check))]})["cells"][0]["source"]
    nb = student_feedback(quiet_results({"cells": [check, answer, right]}))
    shown = json.dumps(nb)
    assert "/home/teacher" not in shown and "Traceback" not in shown and "HIDDEN" not in shown
    assert nb["cells"][0]["source"] == 'lessons.check("reading", "karin-range", answer_2)'
    assert "<strong>Not yet</strong>: your upper bound 251 is too high" in nb["cells"][0]["outputs"][0]["data"]["text/html"]
    assert nb["cells"][1]["outputs"][0]["traceback"] == ["NameError: name 'nope' is not defined"]
    assert nb["cells"][2]["outputs"][0]["output_type"] == "display_data"  # nbgrader reads no score from a box


def test_grade_terminated_stops_every_notebook_it_was_running_in_one_line(handed_in, tmp_path):
    import signal

    folder = tmp_path / "class"
    folder.mkdir()
    pids = tmp_path / "pids"
    right = json.loads((handed_in / "ana" / LESSONS[0].name).read_text(encoding="utf-8"))
    holder = (f"import subprocess, time\np = subprocess.Popen(['setsid', 'sleep', '7781'])\n"
              f"open({str(pids)!r}, 'w').write(str(p.pid))\ntime.sleep(7782)")
    (folder / f"zed-{LESSONS[0].name}").write_text(json.dumps(with_code(right, 0, holder)), encoding="utf-8")
    grading = subprocess.Popen([sys.executable, "-m", "kzfigures.cli", "grade", str(folder), "--timeout", "300"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not pids.is_file() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pids.is_file(), "the notebook never started"
    time.sleep(0.5)
    grading.send_signal(signal.SIGTERM)
    _, err = grading.communicate(timeout=60)  # not the 300 s of its time limit
    assert grading.returncode == 143 and err.strip().splitlines()[-1] == (
        "kzfigures: terminated; every notebook it was running was stopped, and nothing was written"), err
    daemon = int(pids.read_text())
    deadline = time.monotonic() + 10
    while alive(daemon) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(daemon)


@pytest.mark.parametrize("last", ["nbformat.reader.NotJSONError: Notebook does not appear to be JSON: '\\ufeff{'",
                                  "jsonschema.exceptions.ValidationError: 'nope' is not of type 'array'",
                                  "AttributeError: 'list' object has no attribute 'get'"])
def test_a_file_that_is_no_notebook_gets_one_plain_line_not_the_readers_error(tmp_path, last):
    from kzfigures.classroom.grading import _reported

    (tmp_path / "log").write_text(f"[IPKernelApp] WARNING | Kernel is running over TCP\nTraceback…\n{last}\n",
                                  encoding="utf-8")
    (tmp_path / "no-answers.json").write_bytes(b"")
    with (tmp_path / "no-answers.json").open("rb") as report, (tmp_path / "log").open("rb") as log:
        said = _reported(report, log, 20, 1)
    assert said == "not a notebook JupyterLab can open (its file is damaged or of another format): not graded"


def test_a_submission_cannot_forge_the_answers_the_grader_records(rows):
    val, wes = rows[("val", "01")], rows[("wes", "01")]
    assert val.states[0] == "unanswered" and "rebinds kzfigures.classroom.answers.plain" in val.note, val
    assert wes.states[0] == "unanswered" and "installs an input transformer" in wes.note, wes
    assert "read the notebook yourself" in val.note


def test_a_run_that_breaks_off_always_has_a_note_saying_what_happened(rows):
    kai, lou = rows[("kai", "01")], rows[("lou", "01")]
    assert kai.states[:2] == ["right", "right"] and kai.states[2:] == ["unanswered"] * 3, kai
    assert "its kernel" in kai.note and kai.note.count("\n") == 0, kai.note
    # endless output: what ends it depends on the machine (the time limit; the kernel's memory limit, after which
    # the kernel raises MemoryError, or goes on, or is too busy flushing to answer the grader in time), never the
    # grader's own crash: a probe that timed out made nbclient raise AssertionError in the child (CI, loaded)
    assert lou.states[:2] == ["right", "right"] and lou.note.count("\n") == 0, lou
    assert "ended early" not in lou.note, lou


def test_a_probe_the_kernel_does_not_answer_in_time_raises_a_timeout(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    from kzfigures.classroom.probe import ask

    client = NotebookClient(nbformat.v4.new_notebook(), kernel_name="python3", timeout=30,
                            resources={"metadata": {"path": str(tmp_path)}})
    with on_unix_sockets(client, str(tmp_path / "kernel.json")), client.setup_kernel():
        assert ask(client, ["answer_1"], 20)[0] == {"answer_1": None}
        client.kc.execute("import time; time.sleep(8)")  # the kernel busy: the probe waits behind it
        started = time.monotonic()
        with pytest.raises(TimeoutError):  # nbclient's CellTimeoutError; without a cell named, AssertionError
            ask(client, ["answer_1"], 1)
        assert time.monotonic() - started < 7


@pytest.mark.parametrize("code, written, said", [
    (1, '{"answers": {"answer_1": 3}, "errors": [], "stopped": null, "ended": ""}', "its run ended early (boom)"),
    (None, '{"answers": {"answer_1": 3}, "errors": [], "stopped": null, "ended": ""}', "stopped after 20 s"),
    (0, '{"answers": {"answer_1": 3}, "errors": [], "stopped": null, "ended": "its kernel died"}ended": "x"}',
     "its kernel died"),  # killed between writing a shorter state and cutting the old one's tail
])
def test_a_run_that_ended_early_is_always_said_on_its_row(tmp_path, code, written, said):
    from kzfigures.classroom.grading import _reported

    (tmp_path / "answers.json").write_text(written, encoding="utf-8")
    (tmp_path / "log").write_text("[IPKernelApp] WARNING | x\nRuntimeError: boom\nboom\n", encoding="utf-8")
    with (tmp_path / "answers.json").open("rb") as report, (tmp_path / "log").open("rb") as log:
        ran = _reported(report, log, 20, code)
    assert not isinstance(ran, str) and ran.answers == {"answer_1": 3} and said in ran.ended, ran


PROBED = ["from fractions import Fraction\nclass Lying(int):\n    def __repr__(self):\n        return '4300'\n"
          "a = []\na.append(a)\nanswer_1, answer_2, answer_3 = {1, 2}, Lying(5), (Fraction(1, 3), [1.5, float('inf')])\n"
          "answer_4, answer_5 = a, 10 ** 5000",
          "import kzfigures.classroom.answers as _a\n_a.plain = lambda v: 4300\n"
          "get_ipython().input_transformers_cleanup.append(lambda lines: ['answer_1 = 4300\\n'])"]


def test_the_probe_reads_what_the_kernel_holds_whatever_the_notebook_rebinds():
    import nbformat
    from nbclient import NotebookClient

    from kzfigures.classroom.probe import ask

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in [*PROBED, "answer_1 = 7", "answer_1 = 8"]])
    client = NotebookClient(nb, kernel_name="python3", timeout=60, allow_errors=True)
    names = [f"answer_{n}" for n in range(1, 6)]
    with on_unix_sockets(client), client.setup_kernel():
        client.execute_cell(nb.cells[0], 0)
        first = ask(client, names, 20)
        client.execute_cell(nb.cells[1], 1)
        second = ask(client, names, 20)
        client.execute_cell(nb.cells[2], 2)  # rewritten by the transformer, as the notebook asked
        rewritten = ask(client, ["answer_1"], 20, reset=True)
        client.execute_cell(nb.cells[3], 3)  # the transformer was taken out: run as written
        after = ask(client, ["answer_1"], 20)
    assert first[1] == [] and first[0]["answer_1"] == {1, 2} and first[0]["answer_2"] == 5  # not its repr's 4300
    assert first[0]["answer_3"] == (Fraction(1, 3), [1.5, math.inf])
    assert "nested too deep" in str(first[0]["answer_4"]) and first[0]["answer_5"] == "an answer the grader could not read"
    assert second[0] == first[0]  # the rebound helper forged nothing
    assert second[1] == ["it installs an input transformer (cleanup_transforms)",
                         "it rebinds kzfigures.classroom.answers.plain"]
    assert rewritten[0] == {"answer_1": 4300} and after[0] == {"answer_1": 8}
    assert after[1] == ["it rebinds kzfigures.classroom.answers.plain"]


def test_what_a_grading_killed_outright_left_running_is_killed_by_the_next(tmp_path):
    """kill -9 of `kzfigures grade` leaves its submissions' processes (sessions of their own) running; the next
    grading kills those whose mark names a grader that is gone, and no other (found in issue 33's own pass)."""
    from kzfigures.classroom.grading import TOKEN_ENV, kill_orphans

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    started = {}
    for name, mark in (("orphan", f"{gone.pid}-0123456789abcdef"), ("live grader's", f"{os.getpid()}-0123456789abcdef"),
                       ("unmarked", None)):
        env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
        started[name] = subprocess.Popen(["sleep", "7795"], env={**env, TOKEN_ENV: mark} if mark else env,
                                         start_new_session=True)
    try:
        killed = kill_orphans()
        assert started["orphan"].wait(timeout=10) == -9 and started["orphan"].pid in killed
        assert started["live grader's"].poll() is None and started["unmarked"].poll() is None
    finally:
        for proc in started.values():
            proc.kill()
            proc.wait()


#: A notebook's event hook that makes a wrong answer_3 right after every cell (the adversarial tester's H2); the
#: same hook that unregisters itself once it has fired; a thread that sets it once answer_4 is set.
HOOK = ("ip = get_ipython()\nfrom kzfigures import lessons as _L\n"
        "def _f(*a, **k):\n    import contextlib, io\n    for v in range(0, 10001, 500):\n"
        "        with contextlib.redirect_stdout(io.StringIO()): fb = _L.check('reading', 'least-thousands', v)\n"
        "        if getattr(fb, 'state', None) == 'right':\n            ip.user_ns['answer_3'] = v\n            return\n")
HOOKED = {"post_execute": HOOK + "ip.events.register('post_execute', _f)\n",
          "pre_run_cell": HOOK + "ip.events.register('pre_run_cell', _f)\n",
          "once": HOOK + "def _once(*a):\n    if 'answer_3' in ip.user_ns:\n        _f()\n"
                         "        ip.events.unregister('post_execute', _once)\n"
                         "ip.events.register('post_execute', _once)\n",
          "thread": HOOK + "import threading, time\ndef _later():\n    while 'answer_4' not in ip.user_ns:\n"
                           "        time.sleep(0.05)\n    _f()\nthreading.Thread(target=_later, daemon=True).start()\n"}


def test_the_probe_names_event_hooks_of_the_notebooks_own_and_nothing_a_plain_notebook_runs():
    import nbformat
    from nbclient import NotebookClient

    from kzfigures.classroom.probe import ask

    plain = ("import matplotlib.pyplot as plt\n%matplotlib inline\nplt.plot([1, 2])\n%load_ext autoreload\n"
             "%autoreload 2\nimport pandas, kzfigures\nanswer_3 = 1000")
    sources = [plain, HOOKED["post_execute"], "answer_3 = 1000", "get_ipython().events.unregister('post_execute', _f)",
               "import threading, time\nthreading.Thread(target=lambda: time.sleep(20)).start()"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in sources])
    client = NotebookClient(nb, kernel_name="python3", timeout=60, allow_errors=True)
    seen = []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
            seen.append(ask(client, ["answer_3"], 20))
    assert seen[0] == ({"answer_3": 1000}, [])  # matplotlib's inline hook and IPython's autoreload are not the notebook's
    assert seen[2] == ({"answer_3": 2000}, ["it registers a callback on IPython's post_execute event"])
    assert seen[3] == ({"answer_3": 2000}, [])
    assert seen[4] == ({"answer_3": 2000}, [])  # a thread that only waits changes nothing the reading sees


def test_grade_names_a_notebook_whose_answers_a_hook_or_a_thread_changed(tmp_path):
    """H2: a wrong answer_3 made right by an event hook (kept, or gone once it fired) or by a timer: the row's note
    says the notebook changes how it is run and it scores nothing (it scored 5/5), and the right answers of an honest
    copy say nothing."""
    lesson = LESSONS[0]
    right = _lesson_one(tmp_path)[1]
    cells = answer_cells(right)
    cells[2]["source"] = "answer_3 = 1000"
    folder = tmp_path / "class"
    folder.mkdir()
    for name, code in list(HOOKED.items())[:3]:
        (folder / f"{name.replace('_', '')}-{lesson.name}").write_text(json.dumps(with_code(right, 1, code)),
                                                                       encoding="utf-8")
    (folder / f"honest-{lesson.name}").write_text(json.dumps(right), encoding="utf-8")
    thread = with_code(right, 4, "import time\ntime.sleep(1)")  # the thread acts once answer_4 is set
    (folder / f"thread-{lesson.name}").write_text(json.dumps(with_code(thread, 1, HOOKED["thread"])), encoding="utf-8")
    rows = {r.student: r for r in grade(folder, LESSONS_DIR, timeout=60, jobs=2)}
    assert rows["honest"].states[2] == "not yet" and rows["honest"].note == "", rows["honest"]
    for name, said in (("postexecute", "callback on IPython's post_execute event"),
                       ("preruncell", "callback on IPython's pre_run_cell event"),
                       ("once", "callback on IPython's post_execute event"),
                       ("thread", "answer_3 changed while cell")):
        assert "the notebook changes how it is run or graded" in rows[name].note and said in rows[name].note, \
            rows[name]
        assert "right" not in rows[name].states and "none is counted as right" in rows[name].note, rows[name]
    assert "answer_3 changed while cell" in rows["thread"].note


def test_a_probe_that_gets_no_answer_in_time_scores_the_test_nothing_and_never_stops_autograde():
    """A probe that times out (the kernel busy: a hook that sleeps on post_execute could do it on purpose) stopped
    the whole student's autograde under nbgrader."""
    from types import SimpleNamespace

    from nbclient.exceptions import CellTimeoutError

    from kzfigures.classroom.feedback import probed_cell, verified_test

    def late(msg_id, cell):
        raise CellTimeoutError("Cell execution timed out")

    client = SimpleNamespace(kc=SimpleNamespace(execute=lambda *a, **k: "id"), wait_for_reply=late, timeout=30)
    found: list[str] = []
    assert probed_cell(client, lambda: "ran", found) == "ran"
    assert found == ["its kernel did not answer the grader within 20 s (CellTimeoutError)"]
    cell = {"source": 'lessons.require("reading", "karin-range", answer_2)', "outputs": []}
    assert verified_test(client, cell, lambda: "ran", earlier=found) == "ran"
    assert "did not answer the grader" in cell["outputs"][0]["evalue"] and cell["outputs"][0]["output_type"] == "error"


#: Ways a second fresh adversarial pass forged a full score with no note (each a cell of the notebook's own).
FORGERIES = {
    "a callable object as the tracer": ("import sys\nclass _T:\n    def __call__(self, *a):\n        return None\n"
                                        "sys.settrace(_T())", "it traces the code it runs (sys.settrace)"),
    "a callable object as the profiler": ("import sys\nclass _T:\n    def __call__(self, *a):\n        return None\n"
                                          "sys.setprofile(_T())", "it traces the code it runs (sys.setprofile)"),
    "a callable object for exec": ("import builtins\nclass _X:\n    def __call__(self, *a):\n        return None\n"
                                   "builtins.exec = _X()", None),  # the probe refuses to run: no answer counted
    "exec shadowed by an object whose __class__ lies": (
        "class _X:\n    __class__ = property(lambda self: [].append.__class__)\n    __self__ = __builtins__\n"
        "    def __call__(self, *a):\n        return None\nexec = _X()", None),
    "a replaced transformer manager": (
        "from IPython.core.inputtransformer2 import TransformerManager\nclass _M(TransformerManager):\n"
        "    def transform_cell(self, cell):\n        return super().transform_cell(cell)\n"
        "get_ipython().input_transformer_manager = _M()", "it replaces the shell's input_transformer_manager"),
    "a patched display hook": ("_cls = type(get_ipython().displayhook)\n_old = _cls.__call__\n"
                               "def _call(self, result=None):\n    return _old(self, result)\n_cls.__call__ = _call",
                               "it changes the shell's display hook"),
    "lessons rebound": ("class _L:\n    pass\nlessons = _L()", "it rebinds lessons"),
}


def test_the_probe_names_the_forgeries_a_second_adversarial_pass_found():
    import nbformat
    from nbclient import NotebookClient

    from kzfigures.classroom.probe import ProbeFailed, ask

    names = ["answer_1", "answer_3"]  # answer_1 first: reading it may run the notebook's code (H4)
    for name, (code, said) in FORGERIES.items():
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in ["answer_3 = 1000", code]])
        client = NotebookClient(nb, kernel_name="python3", timeout=60, allow_errors=True)
        with on_unix_sockets(client), client.setup_kernel():
            client.execute_cell(nb.cells[0], 0)
            assert ask(client, names, 20) == ({"answer_1": None, "answer_3": 1000}, []), name
            client.execute_cell(nb.cells[1], 1)
            assert not [o for o in nb.cells[1].outputs if o.output_type == "error"], (name, nb.cells[1].outputs)
            if said is None:
                with pytest.raises(ProbeFailed, match="replaced what the grader reads its answers with"):
                    ask(client, names, 20)
                continue
            answers, trouble = ask(client, names, 20)
        # a callback changes the answer itself (so nothing is counted as right); every other forgery fakes the reading
        assert said in trouble and (answers["answer_3"] == 1000 or "callback" in said), (name, answers, trouble)


#: Forgeries on the path the probe's reading takes now (its own mimetype through IPython's mimebundle formatter).
FORGERIES.update({
    "a mimebundle printer for every object": (
        "get_ipython().display_formatter.mimebundle_formatter.for_type(\n"
        "    object, lambda o: {'text/x-kzfigures-probe': \"{'answers': {'answer_3': 2000}, 'trouble': []}\"})",
        "it changes how the grader's reading is displayed"),
    "a formatter for the probe's own mimetype": (
        "from IPython.core.formatters import BaseFormatter\nclass _F(BaseFormatter):\n"
        "    def lookup(self, obj):\n        return lambda o: \"{'answers': {'answer_3': 2000}, 'trouble': []}\"\n"
        "get_ipython().display_formatter.formatters['text/x-kzfigures-probe'] = _F()",
        "it changes how the grader's reading is displayed"),
    "a display formatter of its own": (
        "from IPython.core.formatters import DisplayFormatter\nclass _D(DisplayFormatter):\n"
        "    def format(self, obj, include=None, exclude=None):\n        return super().format(obj, include, exclude)\n"
        "get_ipython().display_formatter = _D(parent=get_ipython())",
        "it changes how the grader's reading is displayed"),
    # a third fresh adversarial pass: the ipython_display formatter, which format() calls first, rewriting the reading
    "an ipython_display formatter of its own": (
        "from IPython.core.formatters import IPythonDisplayFormatter\nclass _P(IPythonDisplayFormatter):\n"
        "    def __call__(self, obj):\n        if type(obj).__name__ == 'GradersReading':\n"
        "            obj.text = \"{'answers': {'answer_3': 2000}, 'trouble': []}\"\n        return False\n"
        "_d = get_ipython().display_formatter\n_d.ipython_display_formatter = _P(parent=_d)",
        "it changes how the grader's reading is displayed"),
    "an ipython_display printer for every object": (
        "def _show(o):\n    if type(o).__name__ == 'GradersReading':\n"
        "        o.text = \"{'answers': {'answer_3': 2000}, 'trouble': []}\"\n\n"
        "get_ipython().display_formatter.ipython_display_formatter.for_type(object, _show)",
        "it changes how the grader's reading is displayed"),
    # a fourth pass: builtins of the notebook's own in its namespace, whose __import__ gave the probe a fake sys
    "builtins of its own in its namespace": (
        "import builtins as _b\n_own = dict(vars(_b))\nget_ipython().user_ns['__builtins__'] = _own",
        "it replaces Python's builtins in its namespace (__builtins__)"),
    "a callback whose code claims a file of the grader's own Python": (
        "import sys, os\n_ns = {'get_ipython': get_ipython}\n"
        "exec(compile(\"def fix(*a):\\n    get_ipython().user_ns['answer_3'] = 2000\\n\", "
        "os.path.join(sys.prefix, 'lib', 'helper.py'), 'exec'), _ns)\n"
        "get_ipython().events.register('post_run_cell', _ns['fix'])",
        "it registers a callback on IPython's post_run_cell event"),
    "a callback whose code claims a loaded library's file": (
        "import IPython.core.events as _e\n_ns = {'get_ipython': get_ipython}\n"
        "exec(compile(\"def fix(*a):\\n    get_ipython().user_ns['answer_3'] = 2000\\n\", _e.__file__, 'exec'), _ns)\n"
        "get_ipython().events.register('post_run_cell', _ns['fix'])",
        "it registers a callback on IPython's post_run_cell event"),
    "an ipython_display formatter of a class made callable by a C base": (
        "import functools\nfrom IPython.core.formatters import FormatterABC\n"
        "class _Q(functools.partial):\n    pass\nFormatterABC.register(_Q)\n"
        "def _fix(o):\n    if type(o).__name__ == 'GradersReading':\n"
        "        o.text = \"{'answers': {'answer_3': 2000}, 'trouble': []}\"\n    return False\n"
        "get_ipython().display_formatter.ipython_display_formatter = _Q(_fix)",
        "it changes how the grader's reading is displayed"),
})

#: A fifth adversarial pass: the namespace the probe read was not the one the cells ran in (H2); the parts of the
#: shell that run a cell changed another way than those named above (H3); reading one answer ran the notebook's
#: code, which rewrote the answers read after it (H4). Each forged answer_3 (or an answer cell's answer_3) as right.
FORGERIES.update({
    "a module of its own as the shell's user_module": (
        "import types, builtins\n_fake = types.ModuleType('__main__')\n_fake.__dict__['__builtins__'] = builtins\n"
        "_fake.answer_3 = 2000\nget_ipython().user_module = _fake", "it replaces the shell's namespace"),
    "a namespace of its own as the shell's user_ns": (
        "_ns = dict(globals())\nglobals()['answer_3'] = 2000\nget_ipython().user_ns = _ns",
        "it replaces the shell's namespace"),
    "an instance attribute over EventManager.trigger": (
        "_ev = get_ipython().events\n_orig = _ev.trigger\ndef _trigger(event, *a, **k):\n    _orig(event, *a, **k)\n"
        "    if event == 'post_run_cell' and a[0].info.raw_cell.startswith('answer_3 ='):\n"
        "        get_ipython().user_ns['answer_3'] = 2000\n_ev.trigger = _trigger",
        "it replaces the shell's events.trigger"),
    "a display trap's hook of its own": (
        "_sh = get_ipython()\n_hook = _sh.display_trap.hook\nclass _H:\n    def __call__(self, value):\n"
        "        _sh.user_ns['answer_3'] = 2000\n        return _hook(value)\n_sh.display_trap.hook = _H()",
        "it replaces the shell's display_trap.hook"),
    "an instance attribute over the compiler's ast_parse": (
        "_c = get_ipython().compile\n_parse = _c.ast_parse\ndef _ast_parse(source, *a, **k):\n"
        "    if source.lstrip().startswith('answer_3 ='):\n        source = source + '\\nanswer_3 = 2000'\n"
        "    return _parse(source, *a, **k)\n_c.ast_parse = _ast_parse", "it replaces the shell's compile.ast_parse"),
    "a compiler of its own class": (
        "from ipykernel.compiler import XCachingCompiler\nclass _C(XCachingCompiler):\n"
        "    def ast_parse(self, source, *a, **k):\n        return super().ast_parse(source, *a, **k)\n"
        "get_ipython().compile = _C()", "it replaces the shell's compile"),
    "the compiler's class patched": (
        "import IPython.core.compilerop as _co\n_old = _co.CachingCompiler.ast_parse\n"
        "def _p(self, source, *a, **k):\n    return _old(self, source, *a, **k)\n_co.CachingCompiler.ast_parse = _p",
        "it changes the shell's compile"),
    "a display publisher's method replaced": (
        "_p = get_ipython().display_pub\n_pub = _p.publish\n_p.publish = lambda *a, **k: _pub(*a, **k)",
        "it replaces the shell's display_pub.publish"),
    "the kernel's execute_request handler replaced": (
        "_k = get_ipython().kernel\n_old = _k.shell_handlers['execute_request']\nasync def _ex(*a, **k):\n"
        "    return await _old(*a, **k)\n_k.shell_handlers['execute_request'] = _ex",
        "it replaces the kernel's handling of execute_request"),
    "a property of answer_1 that rewrites answer_3": (
        "class Pair:\n    upper, lower_open, upper_open, bound = 2, True, True, 'more_than'\n    @property\n"
        "    def lower(self):\n        globals()['answer_3'] = 2000\n        return 1\nanswer_1 = Pair()",
        "reading answer_1 changed answer_3"),
})

#: A last adversarial pass: a callback whose code names a library's file, held by a module object made in memory
#: (its ``__file__`` the library's) and put in ``sys.modules``, passed as the library's own (5/5, no note).
FORGERIES.update({
    "a callback held by a module made in memory that names a library's file": (
        "import json, os, sys, types\n_file = os.path.join(os.path.dirname(json.__file__), 'tool.py')  # not imported\n"
        "_m = types.ModuleType('json.tool')\n_m.__file__, _m.get_ipython = _file, get_ipython\n"
        "exec(compile(\"def main(result):\\n    if result.info.raw_cell.startswith('answer_3'):\\n\"\n"
        "             \"        get_ipython().user_ns['answer_3'] = 2000\\n\", _file, 'exec'), _m.__dict__)\n"
        "sys.modules['json.tool'] = _m\nget_ipython().events.register('post_run_cell', _m.main)",
        "it registers a callback on IPython's post_run_cell event"),
})


def test_the_probe_with_reset_takes_out_what_it_named_over_the_shells_methods_and_puts_the_display_hook_back():
    """nbgrader's autograde reads with ``reset`` before each hidden test: an events.trigger, a compiler's ast_parse
    of the notebook's own and its display trap's hook are taken out, so the cells after run as IPython runs them."""
    import nbformat
    from nbclient import NotebookClient

    from kzfigures.classroom.probe import ask

    code = [FORGERIES[name][0] for name in ("an instance attribute over EventManager.trigger",
                                            "a display trap's hook of its own",
                                            "an instance attribute over the compiler's ast_parse")]
    cells = ["\n".join(code), "answer_3 = 1000\n7"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(nb, kernel_name="python3", timeout=60, allow_errors=True)
    with on_unix_sockets(client), client.setup_kernel():
        client.execute_cell(nb.cells[0], 0)
        _, trouble = ask(client, ["answer_3"], 20, reset=True)
        assert {"it replaces the shell's events.trigger", "it replaces the shell's display_trap.hook",
                "it replaces the shell's compile.ast_parse"} <= set(trouble), trouble
        client.execute_cell(nb.cells[1], 1)
        assert ask(client, ["answer_3"], 20) == ({"answer_3": 1000}, [])


#: Ordinary display customisations an honest notebook makes (issue 33: rich's made a right notebook score 0).
HONEST_DISPLAY = {
    "rich-pretty": "from rich import pretty\npretty.install()",
    "rich-ext": "%load_ext rich",
    "rich-traceback": "import rich.traceback\nrich.traceback.install()",
    "own-printer": ("class Mine:\n    pass\nget_ipython().display_formatter.formatters['text/plain'].for_type(\n"
                    "    Mine, lambda obj, p, cycle: p.text('mine'))"),
    "text-printer": ("get_ipython().display_formatter.formatters['text/plain'].for_type(\n"
                     "    str, lambda obj, p, cycle: p.text(obj.upper()))"),
    "sympy-like": ("_f = get_ipython().display_formatter.formatters\n"  # sympy.init_printing's own registrations
                   "for _t in (float, tuple, list, set, frozenset, dict, int):\n"
                   "    _f['text/plain'].for_type(_t, lambda obj, p, cycle: p.text('<' + repr(obj) + '>'))\n"
                   "    _f['text/latex'].for_type(_t, lambda obj: '$' + repr(obj) + '$')"),
    "pandas": "import pandas as pd\npd.set_option('display.max_rows', 5)\npd.set_option('display.precision', 2)",
    "inline": "%matplotlib inline\n%config InlineBackend.figure_formats = ['svg']",
}


def test_a_notebook_that_customises_its_display_grades_like_its_plain_twin(tmp_path):
    """Issue 33: `%load_ext rich` (or rich's pretty.install) replaced the text formatter the probe's answers came
    back through, so an all-right notebook scored 0 ("replaced what the grader reads its answers with")."""
    graded_like_their_plain_twin(tmp_path, HONEST_DISPLAY, 60)


def graded_like_their_plain_twin(tmp_path: Path, honest: dict[str, str], timeout: int) -> None:
    """Lesson 01 all right, plain and with each cell of ``honest`` run first: every one graded as the plain one."""
    lesson = LESSONS[0]
    right = _lesson_one(tmp_path)[1]
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / f"plain-{lesson.name}").write_text(json.dumps(right), encoding="utf-8")
    for name, code in honest.items():
        (folder / f"{name}-{lesson.name}").write_text(json.dumps(with_code(right, 0, code)), encoding="utf-8")
    rows = {r.student: r for r in grade(folder, LESSONS_DIR, timeout=timeout, jobs=2)}
    assert rows["plain"].states == ["right"] * 5 and rows["plain"].note == "", rows["plain"]
    for name in honest:
        assert (rows[name].states, rows[name].note) == (rows["plain"].states, ""), rows[name]


def test_a_reading_that_does_not_come_back_in_time_is_named_on_the_row(tmp_path):
    """The grader never loses answers without saying why (a flaky run scored an honest notebook all 'unanswered'
    with no note: another run's forging notebook had rewritten its answers file, gone since the answers travel in
    a file with no name, gradefix). A reading that does not come back within the probe's time (an answer whose
    tolist blocks, as a slow kernel's reply would) is named on the row, and the answers read before it are kept."""
    lesson = LESSONS[0]
    right = _lesson_one(tmp_path)[1]
    slow = json.loads(json.dumps(right))
    last = answer_cells(slow)[-1]
    last["source"] = "".join(last["source"]) + ("\nclass Slow:\n    def tolist(self):\n        import time\n"
                                                "        time.sleep(60)\nanswer_5 = Slow()")
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / f"slow-{lesson.name}").write_text(json.dumps(slow), encoding="utf-8")
    (row,) = grade(folder, LESSONS_DIR, timeout=60, jobs=1)
    assert row.states == ["right"] * 4 + ["unanswered"], row
    assert "its kernel stopped answering (out of time, or gone); the answers given before are kept" in row.note, row


def test_nbgraders_autograde_counts_a_right_notebook_that_loads_rich(tmp_path):
    """The same under nbgrader's autograde: each hidden test of the instructor lesson run as nbgrader_config.py's
    HiddenTestsVerified runs it (feedback.verified_test, probed_cell), in a kernel where rich is loaded first."""
    import nbformat
    from nbclient import NotebookClient

    from kzfigures.classroom.feedback import is_check, own_require, probed_cell, verified_test

    lesson = own_require(nbformat.read(LESSONS[0], as_version=4))
    answer_cells(lesson)[0]["source"] = "%load_ext rich\n" + answer_cells(lesson)[0]["source"]
    client = NotebookClient(lesson, kernel_name="python3", timeout=60, allow_errors=True,
                            resources={"metadata": {"path": str(LESSONS_DIR)}})
    found: list[str] = []
    checks = 0
    with on_unix_sockets(client), client.setup_kernel():
        for index, cell in enumerate(lesson.cells):
            if is_check(cell):
                checks += 1
                verified_test(client, cell, lambda c=cell, i=index: client.execute_cell(c, i), earlier=found)
            elif cell.cell_type == "code":
                probed_cell(client, lambda c=cell, i=index: client.execute_cell(c, i), found)
    errors = [o for c in lesson.cells if is_check(c) for o in c.outputs if o.output_type == "error"]
    assert checks == 5 and found == [] and errors == [], (found, errors)


def test_the_scratch_folders_of_a_grader_that_is_gone_are_removed_and_nothing_else(tmp_path, monkeypatch):
    """Issue 33: kill -9 of `kzfigures grade` left its kzfigures-grade-* and kzfigures-graded-* folders (the kernel's
    key in them); the next grading removes those whose mark names a grader that is gone, and nothing else. An
    adversarial pass: it removed any folder so named; now only one holding the proof a grading wrote as it made it
    (a look-alike without it, a copy of one with it, one whose proof names another mark or is a link, survive)."""
    import shutil
    import tempfile

    from kzfigures.classroom.grading import PROOF, prove_made, remove_orphan_folders

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    outside = tmp_path / "teachers-notes"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine", encoding="utf-8")
    mark = f"{gone.pid}-0123456789abcdef"
    names = {"orphan": f"kzfigures-grade-{mark}-ab12_cd", "orphan's private": f"kzfigures-graded-{mark}-zz9",
             "live grader's": f"kzfigures-grade-{os.getpid()}-0123456789abcdef-ab12",
             "live parent's": f"kzfigures-grade-{os.getppid()}-0123456789abcdef-ab12",
             "no mark": "kzfigures-grade-ab12cd34", "another prefix": f"kzfigures-grades-{mark}-x"}
    for name in names.values():
        (tmp_path / name / "sub").mkdir(parents=True)
        (tmp_path / name / "sub" / ".kernel.json").write_text("{}", encoding="utf-8")
        prove_made(tmp_path / name, name.split("-", 2)[2].rsplit("-", 1)[0])
    mine = {"look-alike": f"kzfigures-grade-{mark}-mine", "another mark's proof": f"kzfigures-grade-{mark}-other",
            "linked proof": f"kzfigures-graded-{mark}-linked"}
    for name in mine.values():
        (tmp_path / name).mkdir()
        (tmp_path / name / "keep.txt").write_text("mine", encoding="utf-8")
    prove_made(tmp_path / mine["another mark's proof"], f"{gone.pid}-fedcba9876543210")
    (tmp_path / mine["linked proof"] / PROOF).symlink_to(tmp_path / names["orphan"] / PROOF)
    copied = f"kzfigures-grade-{mark}-copy"  # a copy (cp -r) of a real one, the proof and all: another inode
    shutil.copytree(tmp_path / names["orphan"], tmp_path / copied)
    link = tmp_path / f"kzfigures-grade-{mark}-link"
    link.symlink_to(outside)
    (tmp_path / f"kzfigures-graded-{mark}-file").write_text("a file", encoding="utf-8")
    removed = remove_orphan_folders()
    assert sorted(p.name for p in removed) == sorted([names["orphan"], names["orphan's private"]])
    left = {p.name for p in tmp_path.iterdir()}
    assert left == (set(names.values()) - {names["orphan"], names["orphan's private"]} | set(mine.values())
                    | {"teachers-notes", link.name, copied, f"kzfigures-graded-{mark}-file"})
    for kept in [outside, *(tmp_path / name for name in mine.values())]:
        assert (kept / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_grade_killed_outright_leaves_scratch_folders_the_next_grading_removes(tmp_path):
    """The same by hand: `kzfigures grade` killed with kill -9 while a notebook runs, then run again."""
    student = tmp_path / "student"
    make_student(LESSONS_DIR, student)
    lesson = LESSONS[0]
    blank = json.loads((student / lesson.name).read_text(encoding="utf-8"))
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / f"slow-{lesson.name}").write_text(
        json.dumps(with_code(blank, 0, "import time\ntime.sleep(600)")), encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.ipynb").write_text(json.dumps(blank), encoding="utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    grader = subprocess.Popen([sys.executable, "-m", "kzfigures.cli", "grade", str(tmp_path / "class")], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list(scratch.glob("kzfigures-grade-*/.kernel.json")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list(scratch.glob("kzfigures-grade-*/.kernel.json")), "no kernel started"
    finally:
        grader.kill()
        grader.wait()
    left = sorted(p for p in scratch.iterdir() if p.name.startswith("kzfigures-grade"))
    assert all(f"-{grader.pid}-" in p.name for p in left), left  # the answers file: no name
    assert sorted((p / "submission.ipynb").is_file() for p in left) == [False, True], left  # the grader's, the notebook's
    assert all((p / "collection" / "data").is_dir() for p in left), left  # each with a copy of the collection
    done = subprocess.run([sys.executable, "-m", "kzfigures.cli", "grade", str(tmp_path / "other")], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not [p.name for p in scratch.iterdir() if p.name.startswith("kzfigures-grade")]


def test_grade_takes_one_notebook_named_alone(tmp_path):
    """Issue 33: `kzfigures grade FILE.ipynb` said "no such folder"; a notebook is graded alone, its student named by
    its file or, when the file holds only the lesson's name, by its folder; a file of another kind is one line."""
    student = tmp_path / "student"
    make_student(LESSONS_DIR, student)
    lesson = LESSONS[0]
    blank = json.loads((student / lesson.name).read_text(encoding="utf-8"))
    (tmp_path / "ana").mkdir()
    (tmp_path / "ana" / lesson.name).write_text(json.dumps(blank), encoding="utf-8")
    (tmp_path / f"ben-{lesson.name}").write_text(json.dumps(blank), encoding="utf-8")
    (tmp_path / "ana" / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    rows = grade([tmp_path / "ana" / lesson.name, tmp_path / f"ben-{lesson.name}"], LESSONS_DIR, timeout=60, jobs=2)
    assert [(r.student, r.lesson, r.states) for r in rows] == [(n, lesson.stem, ["unanswered"] * 5)
                                                              for n in ("ana", "ben")]
    done = subprocess.run([sys.executable, "-m", "kzfigures.cli", "grade", str(tmp_path / "ana" / "notes.pdf")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not a notebook (.ipynb)" in done.stderr
    (tmp_path / "ana" / f"{lesson.name}.json").write_text(json.dumps(blank), encoding="utf-8")  # a browser's name
    done = subprocess.run([sys.executable, "-m", "kzfigures.cli", "grade", str(tmp_path / "ana" / f"{lesson.name}.json")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "graded as the notebook it holds" in done.stdout, done.stderr


def test_a_notebook_that_changed_how_it_runs_scores_nothing_even_on_a_question_answered_as_asked(monkeypatch):
    """A fourth adversarial pass: a flagged lesson 02 kept 1/6 ("as asked" still counted)."""
    from types import SimpleNamespace

    from kzfigures.classroom import grading, lessons

    known = lesson_questions(LESSONS_DIR)
    stem = LESSONS[1].stem
    job = grading._Job(LESSONS[1], LESSONS_DIR, "ana", stem, b"{}")
    monkeypatch.setitem(vars(lessons), "check", lambda *a: SimpleNamespace(state="as asked"))  # past its guard
    ran = grading.Ran({}, [], trouble=["it registers a callback on IPython's post_run_cell event"])
    row = grading._graded(job, known, ran, 60)
    assert row.right == 0 and "as asked" not in row.states, row
    assert grading._graded(job, known, grading.Ran({}, []), 60).right == len(row.states)  # unflagged: all count


@pytest.mark.parametrize("where, stopped, error, said, unsaid", [
    ("appended", True, False, "cell 24 (after the last question) ran past the time limit (60 s): the answers before "
     "it are kept", ["question 5", "not run"]),
    ("appended", False, True, "cell 24 (after the last question) raised ValueError: late", ["question 5"]),
    ("summary", True, False, "cell 23 (after the last question) ran past", ["question 5"]),
    ("question 5", True, False, "question 5 ran past the time limit (60 s): the answers before it are kept, the "
     "ones after it were not run", ["after the last question"])], ids=["sleep", "error", "summary", "question-5"])
def test_a_slow_cell_after_the_last_question_is_named_as_such_and_every_answer_keeps_its_score(
        tmp_path, where, stopped, error, said, unsaid):
    """An adversarial pass: a time.sleep after the last question's cell that ran out the time was blamed on
    question 5; the note names the cell after the questions, and the five answers given before it keep their
    scores."""
    from kzfigures.classroom import grading

    make_student(LESSONS_DIR, tmp_path)
    lesson = LESSONS[0]
    nb = json.loads((tmp_path / lesson.name).read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                        "source": "import time\ntime.sleep(600)"})
    at = {"appended": len(nb["cells"]) - 1, "summary": len(nb["cells"]) - 2,
          "question 5": max(i for i, c in enumerate(nb["cells"]) if c["metadata"].get("nbgrader"))}[where]
    known = lesson_questions(LESSONS_DIR)
    right = {"answer_1": (15001, math.inf), "answer_2": (180, 250), "answer_3": 2000,
             "answer_4": None, "answer_5": None}
    ran = grading.Ran(right, [(at, "ValueError", "late")] if error else [], at if stopped else None)
    row = grading._graded(grading._Job(lesson, LESSONS_DIR, "ana", lesson.stem, json.dumps(nb).encode()), known, ran,
                          60)
    assert said in row.note and not [u for u in unsaid if u in row.note], row.note
    assert row.states[:3] == ["right"] * 3, row.states


def test_a_renamed_notebook_is_graded_as_the_lesson_its_cells_are(tmp_path):
    """An adversarial pass: lesson 01 saved as "my work.ipynb" or "01-reading-the-numbers.ipynb" was "not one of
    the lessons". The lesson is told by the notebook's own cells (its check calls' lesson, else its answer cells'
    nbgrader ids), then by its name; the row says how it was read; a notebook naming none gets one note."""
    from kzfigures.classroom import grading

    make_student(LESSONS_DIR, tmp_path / "student")
    one, two = (json.loads((tmp_path / "student" / p.name).read_text(encoding="utf-8")) for p in LESSONS[:2])
    no_checks = json.loads(json.dumps(one))  # the check lines deleted: the nbgrader ids still say lesson 01
    for cell in no_checks["cells"]:
        cell["source"] = "\n".join(x for x in grading.cell_source(cell).split("\n") if "lessons." not in x)
    both = {**one, "cells": one["cells"] + two["cells"]}  # two lessons' cells pasted together: its name decides
    plain = {**one, "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                               "source": "print(1)"}]}
    cases = [("ana/01-reading-numbers-in-the-news (1).ipynb", one, "ana", LESSONS[0].stem, ""),
             ("ana/Copy of 01-reading-numbers-in-the-news.ipynb", one, "ana", LESSONS[0].stem, ""),
             ("ana/my work.ipynb", one, "ana", LESSONS[0].stem, "its file name names no lesson"),
             ("ben-01-reading-the-numbers.ipynb", one, "ben", LESSONS[0].stem, "its file name names no lesson"),
             ("cleo/01-reading-numbers-in-the-news.ipynb", two, "cleo", LESSONS[1].stem,
              f"read as {LESSONS[1].stem} from its cells (its file name says {LESSONS[0].stem})"),
             ("dan/lesson.ipynb", no_checks, "dan", LESSONS[0].stem, "its file name names no lesson"),
             ("eve/02-shares-and-rates.ipynb", both, "eve", LESSONS[1].stem, ""),
             ("fay/homework.ipynb", plain, "fay", None, "")]
    folder = tmp_path / "class"
    for rel, nb, *_ in cases:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(json.dumps(nb), encoding="utf-8")
    jobs = {job.path.relative_to(folder).as_posix(): job for job in grading._jobs([folder], lesson_questions(LESSONS_DIR))}
    for rel, _, student, stem, said in cases:
        job = jobs[rel]
        assert (job.student, job.stem) == (student, stem) and said in job.read_as and bool(said) == bool(job.read_as), \
            (rel, job.student, job.stem, job.read_as)
    assert jobs["fay/homework.ipynb"].data == grading.UNKNOWN and "neither its file name nor its cells" in grading.UNKNOWN
    row = grading._graded(jobs["ana/my work.ipynb"], lesson_questions(LESSONS_DIR), grading.Ran({}, []), 60)
    assert (row.lesson, row.states) == (LESSONS[0].stem, ["unanswered"] * 5) and "read as" in row.note, row


#: Threads an honest notebook leaves alive (issue 33: each made a right notebook score 0, "it runs code of its own
#: in another thread").
HONEST_THREADS = {
    "timer": "import threading\nthreading.Timer(60, lambda: print('hi')).start()",
    "event": ("import threading\n_done = threading.Event()\ndef _wait():\n    _done.wait()\n"
              "threading.Thread(target=_wait, daemon=True).start()"),
    "thread-map": "from tqdm.contrib.concurrent import thread_map\n_squares = thread_map(lambda x: x * x, range(20))",
    "pool": ("from concurrent.futures import ThreadPoolExecutor\n_pool = ThreadPoolExecutor(2)\n"
             "_total = sum(_pool.map(lambda x: x * 2, range(10)))"),
    "progress": ("import threading, time\nprogress = 0\ndef _tick():\n    global progress\n    while True:\n"
                 "        time.sleep(0.5)\n        progress += 1\nthreading.Thread(target=_tick, daemon=True).start()"),
    # a fifth adversarial pass: multiprocessing's pools left open, a timer of a builtin (each scored 0 before)
    "thread-pool": "from multiprocessing.pool import ThreadPool\n_tp = ThreadPool(2)\nprint(_tp.map(abs, [1, -2, 3]))",
    "process-pool": "from multiprocessing import Pool\n_pp = Pool(2)\n_pp.map(abs, [-1, -2])",
    "timer-print": "import threading\nthreading.Timer(30, print, ['time is up']).start()",
}


def test_a_notebook_that_leaves_a_thread_of_its_own_alive_grades_like_its_plain_twin(tmp_path):
    """Issue 33: a timer still waiting, a thread blocked on an event, tqdm's thread_map, a pool left open, a progress
    thread that sleeps: each scored an all-right notebook 0 ("it runs code of its own in another thread")."""
    graded_like_their_plain_twin(tmp_path, HONEST_THREADS, 90)


#: A thread of the notebook's own that acts while the probe reads: it rewrites an answer in a tight loop (a list's
#: first and last items kept equal), or puts back a printer that forges the reading as fast as it can.
FORGED = "{'answers': {'answer_3': 2000}, 'trouble': []}"
PRINTER = "lambda o: {'text/x-kzfigures-probe': " + repr(FORGED) + "}"
RACING = {
    "rewriting": ("import threading\nanswer_1 = [0] * 6000\ndef _race():\n    n = 0\n    while True:\n"
                  "        n += 1\n        answer_1[0] = n\n        answer_1[-1] = n\n"
                  "threading.Thread(target=_race, daemon=True).start()"),
    "mimebundle printer": ("import threading\n_f = get_ipython().display_formatter\ndef _race():\n    while True:\n"
                           "        _f.mimebundle_formatter.for_type(object, " + PRINTER + ")\n"
                           "threading.Thread(target=_race, daemon=True).start()"),
    "mimebundle printer, yielding": (
        "import threading, time\n_f = get_ipython().display_formatter\ndef _race():\n    while True:\n"
        "        _f.mimebundle_formatter.for_type(object, " + PRINTER + ")\n"
        "        time.sleep(0)\nthreading.Thread(target=_race, daemon=True).start()"),
    "ipython_display printer": (
        "import threading\n_f = get_ipython().display_formatter\ndef _show(o):\n"
        "    if type(o).__name__ == 'GradersReading':\n        o.text = " + repr(FORGED) + "\ndef _race():\n"
        "    while True:\n        _f.ipython_display_formatter.for_type(object, _show)\n"
        "threading.Thread(target=_race, daemon=True).start()"),
}


@pytest.mark.parametrize("name", RACING)
def test_a_thread_racing_the_probe_never_forges_its_reading(name):
    """The probe reads with other threads held off (a long switch interval): a thread rewriting an answer, or putting
    back a forging printer in a loop, gets a reading true to one moment, or named trouble; never a forged one."""
    import nbformat
    from nbclient import NotebookClient

    from kzfigures.classroom.probe import ProbeFailed, ask

    cells = ["import sys\nsys.setswitchinterval(0.002)\nanswer_3 = 1000", RACING[name],
             "print(sys.getswitchinterval())"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(nb, kernel_name="python3", timeout=60, allow_errors=True)
    with on_unix_sockets(client), client.setup_kernel():
        client.execute_cell(nb.cells[0], 0)
        client.execute_cell(nb.cells[1], 1)
        readings = []
        for _ in range(8):
            try:
                readings.append(ask(client, ["answer_1", "answer_3"], 20))
            except ProbeFailed:  # no reading at all: nothing counted, never a forged score
                readings.append(({"answer_3": None}, ["refused"]))
        client.execute_cell(nb.cells[2], 2)
    for answers, trouble in readings:
        assert answers["answer_3"] == 1000 or trouble, (name, answers, trouble)
        if name == "rewriting":
            first, last = answers["answer_1"][0], answers["answer_1"][-1]
            assert first - 1 <= last <= first or trouble, (first, last, trouble)
    assert nb.cells[2].outputs[0]["text"] == "0.002\n"  # the notebook's own switch interval is put back


def test_nbgraders_autograde_names_an_answer_a_thread_made_right_between_cells():
    """With threads no longer trouble in themselves (issue 33), a thread that makes a wrong answer_3 right a moment
    after its cell, before its hidden test, is named as under `kzfigures grade`: the test scores nothing."""
    import nbformat
    from nbclient import NotebookClient

    from kzfigures.classroom.feedback import is_check, own_require, probed_cell, verified_test

    lesson = own_require(nbformat.read(LESSONS[0], as_version=4))
    cells = answer_cells(lesson)
    later = (HOOK + "import threading, time\ndef _later():\n    while 'answer_3' not in ip.user_ns:\n"
             "        time.sleep(0.01)\n    time.sleep(0.5)\n    _f()\n"
             "threading.Thread(target=_later, daemon=True).start()\n")
    cells[0]["source"] = later + cells[0]["source"]
    cells[2]["source"] = "answer_3 = 1000"
    at = lesson.cells.index(cells[2]) + 1
    lesson.cells.insert(at, nbformat.v4.new_code_cell("import time\ntime.sleep(1.5)"))
    client = NotebookClient(lesson, kernel_name="python3", timeout=60, allow_errors=True,
                            resources={"metadata": {"path": str(LESSONS_DIR)}})
    found: list[str] = []
    seen: dict = {}
    with on_unix_sockets(client), client.setup_kernel():
        for index, cell in enumerate(lesson.cells):
            if is_check(cell):
                verified_test(client, cell, lambda c=cell, i=index: client.execute_cell(c, i), earlier=found,
                              seen=seen)
            elif cell.cell_type == "code":
                probed_cell(client, lambda c=cell, i=index: client.execute_cell(c, i), found, seen=seen,
                            source=cell.source)
    assert found == ["answer_3 changed while no cell that sets it ran"], found
    checks = [c for c in lesson.cells if is_check(c)]
    assert all(any(o.output_type == "error" for o in c.outputs) for c in checks[2:]), [c.outputs for c in checks]


def _lesson_one(tmp_path: Path) -> tuple[dict, dict]:
    """Lesson 01's student edition, untouched and with every answer right."""
    student = tmp_path / "student"
    make_student(LESSONS_DIR, student)
    blank = json.loads((student / LESSONS[0].name).read_text(encoding="utf-8"))
    return blank, filled(blank, json.loads(LESSONS[0].read_text(encoding="utf-8")))


def _changed(nb: dict, change) -> bytes:
    """A copy of the notebook with ``change`` made to it, as JSON."""
    nb = json.loads(json.dumps(nb))
    change(nb)
    return json.dumps(nb).encode()


def _markdown_solution(nb: dict, source) -> None:
    nb["cells"][0].update(metadata={"nbgrader": {"solution": True, "grade": False}}, source=source)


def _error_after_sourceless_markdown(nb: dict) -> None:
    answer_cells(nb)[0]["source"] = "1 / 0"
    nb["cells"][nb["cells"].index(answer_cells(nb)[0]) - 1]["source"] = None


NOT_JUPYTER = "not a notebook: the file is JSON, but not a Jupyter notebook"
#: A fifth adversarial pass: each of these ended the whole grading with a traceback (or was run as a notebook).
MALFORMED = [  # (student, the file's bytes from the honest notebook, the row's note)
    ("nbgradernull", lambda nb: _changed(nb, lambda n: n["cells"][0].update(metadata={"nbgrader": None})),
     "not a valid notebook: cell 1's nbgrader metadata is not an object"),
    ("sourceint", lambda nb: _changed(nb, lambda n: _markdown_solution(n, 5)),
     "not a valid notebook: nbformat rejects cell 1's source"),
    ("sourcenull", lambda nb: _changed(nb, _error_after_sourceless_markdown), "not a valid notebook: nbformat rejects"),
    ("metadatalist", lambda nb: _changed(nb, lambda n: n["cells"][0].update(metadata=[])),
     "not a valid notebook: nbformat rejects cell 1's metadata"),
    ("cellsdict", lambda nb: _changed(nb, lambda n: n.update(cells={})),
     "not a valid notebook: nbformat rejects the notebook's cells"),
    ("outputsstring", lambda nb: _changed(nb, lambda n: answer_cells(n)[0].update(outputs="x")),
     "not a valid notebook: nbformat rejects cell"),
    ("notype", lambda nb: _changed(nb, lambda n: n["cells"][0].pop("cell_type")),
     "not a valid notebook: nbformat rejects cell 1 "),
    ("formatword", lambda nb: _changed(nb, lambda n: n.update(nbformat="4")), NOT_JUPYTER),
    ("empty", lambda nb: b"", "not a notebook: the file is not JSON"),
    ("invalid", lambda nb: json.dumps(nb).encode()[:-40], "not a notebook: the file is not JSON"),
    ("array", lambda nb: json.dumps(nb["cells"]).encode(), NOT_JUPYTER),
    ("deep", lambda nb: b"[" * 100_000 + b"]" * 100_000, "not a notebook: its JSON is nested too deeply"),
]


def test_a_malformed_notebook_gets_one_note_and_everyone_else_is_graded(tmp_path):
    """A fifth adversarial pass: `"nbgrader": null` in one notebook's cell (and the like) ended `kzfigures grade`
    with a traceback, no table, no CSV, exit 1; each is now refused before it runs, one note on its row."""
    _, right = _lesson_one(tmp_path)
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / f"ana-{LESSONS[0].name}").write_text(json.dumps(right), encoding="utf-8")
    for student, data, _ in MALFORMED:
        (folder / f"{student}-{LESSONS[0].name}").write_bytes(data(right))
    done = subprocess.run([sys.executable, "-m", "kzfigures.cli", "grade", str(folder), "--timeout", "60", "--csv",
                           str(tmp_path / "grades.csv")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert ["ana", LESSONS[0].stem, "5/5"] in [line.split()[:3] for line in done.stdout.splitlines()], done.stdout
    import csv

    rows = list(csv.DictReader((tmp_path / "grades.csv").open(encoding="utf-8")))
    assert [r["result"] for r in rows if r["student"] == "ana"] == ["right"] * 5
    for student, _, note in MALFORMED:
        mine = [r for r in rows if r["student"] == student]
        assert len(mine) == 1 and mine[0]["right"] == "" and mine[0]["note"].startswith(note), (student, mine)
        assert mine[0]["note"].count(";") == 0 and "\n" not in mine[0]["note"], mine


FORGER = '''import glob, json, os, tempfile, time
from kzfigures.classroom.answers import plain
_ns = dict(globals())
exec({solutions!r}, _ns)
forged = json.dumps({{"answers": {{n: plain(_ns[n]) for n in _ns if n.startswith("answer_")}}, "errors": [],
                     "stopped": None, "ended": "", "trouble": []}})
zero = json.dumps({{"answers": {{}}, "errors": [], "stopped": None, "ended": "", "trouble": []}})
mark = os.environ["{token}"]
until = time.monotonic() + 60
while not os.path.exists({sync!r} + "/honest") and time.monotonic() < until:
    time.sleep(0.05)
for folder in glob.glob(os.path.join(tempfile.gettempdir(), "kzfigures-grade*-" + mark.split("-")[0] + "-*")):
    for path in glob.glob(folder + "/*.json"):
        if not path.endswith("submission.ipynb"):
            os.unlink(path)
            with open(path, "w") as file:
                file.write(forged if mark in folder else zero)
open({sync!r} + "/forged", "w").close()
'''
HONEST_WAITS = '''import os, time
open({sync!r} + "/honest", "w").close()
until = time.monotonic() + 60
while not os.path.exists({sync!r} + "/forged") and time.monotonic() < until:
    time.sleep(0.05)
'''


def test_a_submission_cannot_rewrite_the_answers_the_grader_reads_back(tmp_path):
    """A fifth adversarial pass: the child wrote its answers through a descriptor but the grader read them back by
    name, in a kzfigures-graded-* folder; a notebook rewriting every such answers.json gave itself 5/5 and an honest
    notebook graded at the same time 0/5, both without a note. The answers now travel in a file with no name."""
    from kzfigures.classroom.grading import TOKEN_ENV

    blank, right = _lesson_one(tmp_path)
    sync = tmp_path / "sync"
    sync.mkdir()
    solutions = "\n".join("".join(c["source"]) for c in answer_cells(right))
    forger = json.loads(json.dumps(blank))
    forger["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                            "source": FORGER.format(solutions=solutions, token=TOKEN_ENV, sync=str(sync))})
    honest = json.loads(json.dumps(right))
    honest["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                            "source": HONEST_WAITS.format(sync=str(sync))})
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / f"forger-{LESSONS[0].name}").write_text(json.dumps(forger), encoding="utf-8")
    (folder / f"honest-{LESSONS[0].name}").write_text(json.dumps(honest), encoding="utf-8")
    rows = {r.student: r for r in grade(folder, LESSONS_DIR, timeout=120, jobs=2)}
    assert (sync / "forged").exists() and (sync / "honest").exists()  # both ran, the one while the other did
    assert rows["honest"].states == ["right"] * 5, rows["honest"]
    assert rows["forger"].right == 0, rows["forger"]


@pytest.mark.parametrize("source, names", [
    ("answer_5 = {'a'}  # unlike answer_3, a set", False),  # a sixth adversarial pass: a comment passed as setting it
    ("print('answer_3 is done')", False),
    ('"""answer_3"""', False),
    ("answer_3 = None", True),
    ("%%time\nanswer_3 = 2000", True),
    ("%time answer_3 = 2000", True),
    ("answer_3 += 1", True),
    ("answer_5.add(answer_3)", True),
    ("def f(:\n    answer_3", True)])  # no Python the tokenizer reads: the name standing in it, as before
def test_an_answer_changed_during_a_cell_that_names_it_only_in_words_is_named(source, names):
    from kzfigures.classroom.feedback import _changed

    found: list[str] = []
    _changed({"answer_3": None}, {"answer_3": 2000}, source, found)
    assert (found == []) == names, (source, found)


ODD_ENDINGS = ["01-reading-numbers-in-the-news.ipynb.txt", "01-reading-numbers-in-the-news.ipynb.json",
               "01-reading-numbers-in-the-news.ipynb~", "01-reading-numbers-in-the-news.ipynb ",
               "01-reading-numbers-in-the-news", "my work"]


@pytest.mark.parametrize("name", ODD_ENDINGS)
def test_a_notebook_saved_under_another_ending_is_graded_as_the_notebook_it_holds(tmp_path, name):
    """Issue 33: a notebook a browser saved as '….ipynb.json' (or '.ipynb~', a trailing space, no ending at all) had
    no row, or one asking to rename it: it is read as nbformat reads any file, graded, and its row says how it was
    saved."""
    from kzfigures.classroom import grading

    (tmp_path / "fay").mkdir()
    (tmp_path / "fay" / name).write_bytes(LESSONS[0].read_bytes())
    jobs = grading._jobs([tmp_path], lesson_questions(LESSONS_DIR))
    assert [(job.student, job.stem, job.data) for job in jobs] == [("fay", LESSONS[0].stem, LESSONS[0].read_bytes())]
    assert f"saved as {name!r}, not .ipynb: graded as the notebook it holds" in jobs[0].read_as


@pytest.mark.parametrize(("name", "data", "said"), [
    ("fay-notes.txt", b"my answers: 15000", "handed in as .txt, not as a notebook: not graded"),
    ("fay-README", b"hello", "handed in as a file with no ending, not as a notebook: not graded"),
    ("fay-01-reading-numbers-in-the-news.ipynb.json", b"{}", "saved as 'fay-01-reading-numbers-in-the-news.ipynb"
                                                             ".json', but not a notebook (damaged, or another file"),
    ("fay-01-reading-numbers-in-the-news.pdf", b"%PDF-1.4", "handed in as .pdf, not as a notebook: not graded"),
    ("fay.bin", bytes(range(256)), "handed in as .bin, not as a notebook: not graded"),
])
def test_every_file_handed_in_gets_a_row_a_file_that_is_no_notebook_one_line(tmp_path, name, data, said):
    """Issue 33: a file with an ending the grader did not list (or none) had no row: its student went missing from
    the table without a word. Hidden files (a desktop's .DS_Store) still get none."""
    (tmp_path / name).write_bytes(data)
    (tmp_path / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    rows = grade(tmp_path, LESSONS_DIR, timeout=30, known=lesson_questions(LESSONS_DIR))
    assert [r.states for r in rows] == [[]] and rows[0].student.startswith("fay") and said in rows[0].note, rows
    assert "\n" not in rows[0].note and rows[0].file == name


def test_notebooks_saved_as_json_or_without_an_ending_are_graded_in_the_table(tmp_path):
    """Issue 33, tried as a teacher would: two right notebooks saved under odd names score 5/5 on their rows."""
    lesson = LESSONS[0]
    right = _lesson_one(tmp_path)[1]
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / f"ana-{lesson.name}.json").write_text(json.dumps(right), encoding="utf-8")
    (folder / f"ben-{lesson.stem}").write_text(json.dumps(right), encoding="utf-8")
    rows = {r.student: r for r in grade(folder, LESSONS_DIR, timeout=60, jobs=2)}
    assert sorted(rows) == ["ana", "ben"]
    for row in rows.values():
        assert row.states == ["right"] * 5 and row.lesson == lesson.stem, row
        assert "not .ipynb: graded as the notebook it holds" in row.note, row


def test_a_collection_edited_while_grading_changes_no_verdict(package_copy, tmp_path, monkeypatch):
    """Issue 33: grading read the checkout's live data/, so a teacher curating while grading (here: a half-done edit
    of figures.csv made once the first notebook has run) made the next notebook's cells and checks raise, and its
    row blamed the notebook. Every check and every kernel now reads the collection as it was when grading began."""
    from kzfigures.classroom import grading

    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    lesson = LESSONS[0]
    right = _lesson_one(tmp_path)[1]
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("ana", "ben"):
        (folder / f"{name}-{lesson.name}").write_text(json.dumps(right), encoding="utf-8")
    real = grading.run_submission

    def then_curate(data: bytes, names: list[str], timeout: int):
        ran = real(data, names, timeout)
        (package_copy / "data" / "figures.csv").write_text("figure_id,value\nbroken\n", encoding="utf-8")
        return ran

    monkeypatch.setattr(grading, "run_submission", then_curate)
    rows = grade(folder, LESSONS_DIR, timeout=90, jobs=1)
    assert [(r.student, r.states, r.note) for r in rows] == [(n, ["right"] * 5, "") for n in ("ana", "ben")], rows
    assert os.environ["KZFIGURES_ROOT"] == str(package_copy)  # the grader's own setting is put back


def test_grade_refuses_a_collection_that_is_not_valid_in_one_line_before_grading_anyone(package_copy, tmp_path,
                                                                                       monkeypatch, capsys):
    """Issue 33: a collection left invalid (a curation half done) is named in one line, and no notebook is run."""
    from kzfigures import cli
    from kzfigures.classroom import grading

    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    (package_copy / "data" / "figures.csv").write_text("figure_id,value\nbroken\n", encoding="utf-8")
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / f"ana-{LESSONS[0].name}").write_bytes(LESSONS[0].read_bytes())
    monkeypatch.setattr(grading, "run_submission", lambda *a: pytest.fail("a notebook was run"))
    with pytest.raises(grading.CollectionInvalid, match="is not valid now"):
        grade(folder, LESSONS_DIR, timeout=30)
    assert cli.main(["grade", str(folder)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kzfigures: error: the collection in ") and "no one was graded" in err[0]
    assert not list(Path(tempfile.gettempdir()).glob(f"kzfigures-grade-{os.getpid()}-*")), "a snapshot left behind"


#: A cell a saboteur adds: it rewrites the collection its kernel is told about ($KZFIGURES_ROOT), so that every
#: classmate's question 5 (the open intervals of figures.csv) would be checked against "more than 16,000".
REWRITE_OWN = ('import os, pathlib\np = pathlib.Path(os.environ["KZFIGURES_ROOT"]) / "data" / "figures.csv"\n'
               'p.write_text(p.read_text(encoding="utf-8").replace("more than 15,000", "more than 16,000", 1), '
               'encoding="utf-8")\n')
#: One that looks for the grader's own copy instead: the scratch folders of its grader (named by the grading mark's
#: process id) in the temporary folder, other than its own, as a kernel running as the same user can.
REWRITE_GRADERS = ('import os, pathlib, tempfile\nown = pathlib.Path(os.environ["KZFIGURES_ROOT"]).resolve()\n'
                   'pid = os.environ["KZFIGURES_GRADING"].split("-")[0]\n'
                   'for p in pathlib.Path(tempfile.gettempdir()).glob(f"kzfigures-grade-{pid}-*/collection/data/'
                   'figures.csv"):\n'
                   '    if p.resolve().parents[1] != own:\n'
                   '        p.write_text(p.read_text(encoding="utf-8").replace("more than 15,000", "more than 16,000", '
                   '1), encoding="utf-8")\n')


def _class_of(tmp_path: Path, **students: str) -> Path:
    """A folder of lesson 01 handed in all right by each student named, with that student's code run first ("" none)."""
    lesson, right = LESSONS[0], _lesson_one(tmp_path)[1]
    folder = tmp_path / "class"
    folder.mkdir()
    for name, code in students.items():
        (folder / f"{name}-{lesson.name}").write_text(json.dumps(with_code(right, 0, code) if code else right),
                                                     encoding="utf-8")
    return folder


def test_a_submission_that_rewrites_its_collection_changes_no_classmates_grade_and_is_named(package_copy, tmp_path,
                                                                                          monkeypatch):
    """Issue 33, an adversarial pass: every kernel was told the grader's one copy of the collection, so a notebook
    with one extra cell rewrote its figures.csv and each classmate with five right answers got 4/5 ("question 5
    raised DataPackageError: …\\n …"), the saboteur unflagged. Each kernel now has a copy of its own: a classmate
    keeps 5/5, and the saboteur's row names the change, counts none of its answers right, and reads as one line."""
    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    lesson = LESSONS[0]
    folder = _class_of(tmp_path, aaa=REWRITE_OWN, ben="")
    rows = {r.student: r for r in grade(folder, LESSONS_DIR, timeout=90, jobs=1)}  # aaa runs first
    assert (rows["ben"].states, rows["ben"].note) == (["right"] * 5, ""), rows["ben"]
    assert rows["aaa"].note.startswith("the copy of the collection this notebook was graded against changed while "
                                       "it ran (data/figures.csv): by this notebook, or by another program running "
                                       "as you at the same time; none of its answers counted — grade it again "
                                       "alone (kzfigures grade FILE) to see which"), rows["aaa"].note
    assert copies_changed_line(list(rows.values())) == (
        "kzfigures: the copy of the collection changed while these notebooks ran (none of their answers counted): "
        f"aaa-{lesson.name}; nothing else ran at the same time; grade each again alone (kzfigures grade FILE) to see "
        "which changed it")
    assert rows["aaa"].right == 0 and "\n" not in rows["aaa"].note, rows["aaa"]
    assert "\\n" not in table(list(rows.values())), table(list(rows.values()))
    assert "more than 15,000" in (package_copy / "data" / "figures.csv").read_text(encoding="utf-8")


#: A saboteur that waits for a classmate's copy of the collection (a scratch folder of its grader with a
#: submission beside it, not its own) and adds a file to it, as any kernel running as the same user can.
REWRITE_CLASSMATES = ('import os, pathlib, tempfile, time\nown = pathlib.Path(os.environ["KZFIGURES_ROOT"]).resolve()\n'
                      'pid = os.environ["KZFIGURES_GRADING"].split("-")[0]\nfor _ in range(600):\n'
                      '    found = [p for p in pathlib.Path(tempfile.gettempdir()).glob(f"kzfigures-grade-{pid}-*/'
                      'collection/data") if p.resolve().parent != own and (p.parents[1] / "submission.ipynb").exists()]\n'
                      '    if found:\n        (found[0] / "x.txt").write_text("hi", encoding="utf-8")\n        break\n'
                      '    time.sleep(0.1)\n')
#: An honest notebook that only waits (reads, never writes) until its copy has been changed by someone else.
WAIT_FOR_CHANGE = ('import os, pathlib, time\nmine = pathlib.Path(os.environ["KZFIGURES_ROOT"]) / "data" / "x.txt"\n'
                   'for _ in range(600):\n    if mine.exists():\n        break\n    time.sleep(0.1)\n')


def test_a_classmate_that_changes_anothers_copy_never_has_the_victim_told_it_changed_it(package_copy, tmp_path,
                                                                                         monkeypatch):
    """An adversarial pass (repro_frame_classmate.sh): a kernel found a classmate's copy under $TMPDIR and changed
    it; the honest classmate's row said "the notebook changed the collection it was graded against", the saboteur's
    nothing. The row now says what is known (its copy changed while it ran, by it or another program running as
    the same user), and the run's last line names it and every notebook that ran at the same time."""
    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    lesson = LESSONS[0]
    folder = _class_of(tmp_path, ben=WAIT_FOR_CHANGE, zed=REWRITE_CLASSMATES)
    rows = {r.student: r for r in grade(folder, LESSONS_DIR, timeout=90, jobs=2)}
    assert rows["ben"].note.startswith("the copy of the collection this notebook was graded against changed while "
                                       "it ran (data/x.txt): by this notebook, or by another program"), rows["ben"]
    assert "the notebook changed" not in rows["ben"].note and rows["ben"].right == 0, rows["ben"]
    assert (rows["zed"].states, rows["zed"].note) == (["right"] * 5, ""), rows["zed"]  # its own copy is intact
    line = copies_changed_line(list(rows.values()))
    assert line.startswith("kzfigures: the copy of the collection changed while these notebooks ran (none of their "
                           f"answers counted): ben-{lesson.name}; running at the same time: zed-{lesson.name}; "), line
    assert "\n" not in line


def test_a_submission_that_rewrites_the_graders_copy_stops_the_grading_in_one_line_naming_it(package_copy, tmp_path,
                                                                                             monkeypatch, capsys):
    """Issue 33: a kernel can still find the grader's own copy (it runs as the same user); one that rewrites it
    stops the grading with one line naming the notebooks that were running, and no one is graded against it."""
    from kzfigures import cli

    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    lesson = LESSONS[0]
    right = _lesson_one(tmp_path)[1]
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / f"ben-{lesson.name}").write_text(json.dumps(right), encoding="utf-8")
    (folder / f"zed-{lesson.name}").write_text(json.dumps(with_code(right, 0, REWRITE_GRADERS)), encoding="utf-8")
    assert cli.main(["grade", str(folder), "--timeout", "90"]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert "✓" not in out and len(lines) == 1, (out, err)
    assert lines[0].startswith("kzfigures: error: the grader's copy of the collection changed (data/figures.csv) "
                               "while these notebooks were running: ") and f"zed-{lesson.name}" in lines[0], lines
    assert not list(Path(tempfile.gettempdir()).glob(f"kzfigures-grade-{os.getpid()}-*")), "a scratch folder left"


def test_the_graders_copy_changed_after_every_run_ended_is_refused_before_the_next_check(package_copy, tmp_path,
                                                                                        monkeypatch):
    """Issue 33: the copy is checked again before each row's check, so a change made once every notebook ended (a
    process one left behind) grades no one against it."""
    from kzfigures.classroom import grading

    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("ana", "ben"):
        (folder / f"{name}-{LESSONS[0].name}").write_bytes(LESSONS[0].read_bytes())
    monkeypatch.setattr(grading, "run_submission", lambda *a: grading.Ran({}, []))
    real, checked = grading._graded, []

    def then_tamper(*args):
        checked.append(real(*args))
        (grading.SNAPSHOT[-1].root / "data" / "figures.csv").write_text("figure_id\n", encoding="utf-8")
        return checked[-1]

    monkeypatch.setattr(grading, "_graded", then_tamper)
    with pytest.raises(grading.CollectionTampered, match="while no notebook was running"):
        grade(folder, LESSONS_DIR, timeout=30)
    assert len(checked) == 1


def test_an_error_message_of_many_lines_is_one_line_in_the_note():
    """Issue 33: a DataPackageError's message (a line per problem) showed as a literal "\\n" in the table."""
    from kzfigures.classroom import grading

    ran = grading.Ran({}, [(3, "DataPackageError", "the data package has 2 problem(s):\n  - data/figures.csv")])
    note = grading._note(ran, {"cells": []}, 60)
    assert note == ("cell 4 (after the last question) raised DataPackageError: the data package has 2 problem(s): "
                    "- data/figures.csv"), note
