"""nbgrader itself, in its own venv (build/nbgrader-venv, made by `make nbgrader`), on the instructor lessons:
generate_assignment gives the student edition `make student` gives, and autograde scores a filled-in copy full
and an untouched one zero."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from kzfigures.classroom.edition import BEGIN_SOLUTION, CHECK_NOTE, END_SOLUTION, student_version

NBGRADER_BIN = ROOT / "build" / "nbgrader-venv" / "bin"
LESSONS = sorted((ROOT / "notebooks" / "lessons").glob("[0-9][0-9]-*.ipynb"))

pytestmark = [pytest.mark.full, pytest.mark.skipif(not (NBGRADER_BIN / "nbgrader").is_file(),
                                reason="nbgrader is not installed in build/nbgrader-venv: `make nbgrader` installs "
                                       "it (make test tries, and says so when it cannot)")]


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run nbgrader in the course folder, its venv first on PATH (nbgrader calls alembic by name)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KZFIGURES_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{NBGRADER_BIN}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(NBGRADER_BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=600)


#: A student's line that rebinds what the self-checks use, so that every box in the notebook says "✓ Right".
TAMPER = ("import math\nfrom kzfigures import lessons as _L\n_L.check = lambda *a: _L.Feedback('right', 'yes')\n"
          "_L._close = lambda a, b: True\nmath.isclose = lambda *a, **k: True\n")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course folder as the teacher's guide describes: the lessons, nbgrader_config.py, and the release
    nbgrader's generate_assignment writes."""
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "notebooks" / "lessons", course / "notebooks" / "lessons")
    shutil.copy2(ROOT / "nbgrader_config.py", course)
    done = nbgrader(course, "generate_assignment", "lessons")
    assert done.returncode == 0, done.stderr[-3000:]
    return course


def cells(nb: dict) -> dict[str, tuple[str, str]]:
    """The nbgrader cells of a notebook by grade_id: (cell type, source)."""
    return {c["metadata"]["nbgrader"]["grade_id"]: (c["cell_type"], "".join(c["source"]))
            for c in nb["cells"] if "nbgrader" in c.get("metadata", {})}


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_generate_assignment_gives_the_student_edition_make_student_gives(course, lesson):
    released = json.loads((course / "build" / "nbgrader" / "release" / "lessons" / lesson.name).read_text())
    ours = student_version(json.loads(lesson.read_text(encoding="utf-8")), lesson.name)
    # make student puts each check at the end of its answer cell (so it cannot check an answer edited and not run);
    # nbgrader keeps them apart, as its autograde needs a locked test cell
    theirs = cells(released)
    merged = {grade_id: (kind, source + ("\n\n" + CHECK_NOTE + "\n" + theirs["check-" + grade_id[7:]][1].strip()
                                         if grade_id.startswith("answer-") else ""))
              for grade_id, (kind, source) in theirs.items() if not grade_id.startswith("check-")}
    assert merged == cells(ours) and len(cells(ours)) >= 4
    assert all(c.get("outputs", []) == [] for c in released["cells"])
    assert not [c for c in released["cells"] if "navigation" in c.get("metadata", {}).get("tags", [])]  # no dead links
    for nb in (released, ours):
        text = json.dumps(nb)
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "NotImplementedError" not in text


def solved(released: dict, instructor: dict) -> dict:
    """A student's copy with every code answer filled in as the instructor's solution writes it."""
    answers = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in instructor["cells"]
               if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c["cell_type"] == "code"}
    out = json.loads(json.dumps(released))
    for cell in out["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            lines = answers[grade_id].split("\n")
            cell["source"] = "\n".join(ln for ln in lines if ln.strip() not in (BEGIN_SOLUTION, END_SOLUTION))
    return out


#: Rebinding what the hidden tests call: require on the module (refused), or the notebook's own ``lessons`` name.
REBIND = "from kzfigures import lessons as _L\n_L.require = lambda *a: None\n"
RENAME = "import types\nlessons = types.SimpleNamespace(require=lambda *a: None, check=lambda *a: 'right')\n"
#: Silencing the hidden tests from a student's cell: an input transformer that empties every later test cell, and
#: an AST transformer that drops every call in it (issue 33's pass: each scored full before).
SILENCE = ("get_ipython().input_transformers_cleanup.append(\n"
           "    lambda lines: ['pass\\n'] if any('require(' in ln for ln in lines) else lines)\n")
AST_SILENCE = ("import ast\nclass _Quiet(ast.NodeTransformer):\n"
               "    def visit_Expr(self, node):\n        return ast.Pass() if 'require' in ast.dump(node) else node\n"
               "get_ipython().ast_transformers.append(_Quiet())\n")


def answer_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c["cell_type"] == "code"]


def hooked(filled: dict, once: bool) -> dict:
    """A filled-in copy whose answer_2 is wrong, made right after every cell by an IPython event hook registered in
    the first answer cell (H2: it scored full), or by one that unregisters itself once it has fired."""
    nb = json.loads(json.dumps(filled))
    right = "".join(answer_cells(nb)[1]["source"])
    answer_cells(nb)[1]["source"] = "answer_2 = 'nowhere'"
    gone = "        get_ipython().events.unregister('post_execute', _f)\n" if once else ""
    hook = (f"def _f():\n    if 'answer_2' in get_ipython().user_ns:\n        exec({right!r}, get_ipython().user_ns)\n"
            f"{gone}get_ipython().events.register('post_execute', _f)\n")
    answer_cells(nb)[0]["source"] = hook + "".join(answer_cells(nb)[0]["source"])
    return nb


def test_autograde_scores_a_filled_in_copy_full_and_an_untouched_one_zero(course):
    release = course / "build" / "nbgrader" / "release" / "lessons"
    students = ("filled", "untouched", "tamperer", "rebinder", "renamer", "half", "silencer", "astsilencer", "hooker",
                "oncer")
    for student in students:
        (course / "build" / "nbgrader" / "submitted" / student / "lessons").mkdir(parents=True)
    for student, line in (("tamperer", TAMPER), ("rebinder", REBIND), ("renamer", RENAME), ("silencer", SILENCE),
                          ("astsilencer", AST_SILENCE)):
        tampered = json.loads((release / "02-shares-and-rates.ipynb").read_text(encoding="utf-8"))
        answer_cells(tampered)[0]["source"] = line + "".join(answer_cells(tampered)[0]["source"])
        (course / f"build/nbgrader/submitted/{student}/lessons/02-shares-and-rates.ipynb").write_text(json.dumps(tampered))
    for lesson in LESSONS:
        released = json.loads((release / lesson.name).read_text(encoding="utf-8"))
        filled = solved(released, json.loads(lesson.read_text(encoding="utf-8")))
        (course / "build/nbgrader/submitted/filled/lessons" / lesson.name).write_text(json.dumps(filled))
        if lesson.stem == "02-shares-and-rates":
            for student in ("hooker", "oncer"):
                (course / f"build/nbgrader/submitted/{student}/lessons/{lesson.name}").write_text(
                    json.dumps(hooked(filled, student == "oncer")))
        if lesson == LESSONS[0]:  # half: question 2 wrong, question 3 a syntax error, the rest right
            half = json.loads(json.dumps(filled))
            answer_cells(half)[1]["source"], answer_cells(half)[2]["source"] = "answer_2 = (180, 251)", "answer_3 = (2000"
            (course / "build/nbgrader/submitted/half/lessons" / lesson.name).write_text(json.dumps(half))
    shutil.copy2(release / "02-shares-and-rates.ipynb", course / "build/nbgrader/submitted/untouched/lessons")
    done = nbgrader(course, "autograde", "lessons")
    assert done.returncode == 0, done.stderr[-3000:]
    # nbgrader's false "checksum has changed" for hidden tests, and its "cannot be converted to a float" for a box
    assert "checksum" not in done.stderr and "cannot be converted" not in done.stderr, done.stderr[-3000:]
    script = ("import json; from nbgrader.api import Gradebook\n"
              "with Gradebook('sqlite:///build/nbgrader/gradebook.db') as gb:\n"
              "    print(json.dumps({s: {nb.name: [nb.code_score, nb.max_code_score] for nb in "
              f"gb.find_submission('lessons', s).notebooks}} for s in {students!r}}}))")
    scores = json.loads(subprocess.run([str(NBGRADER_BIN / "python"), "-c", script], cwd=course, check=True,
                                       capture_output=True, text=True).stdout)
    for lesson in LESSONS:
        got, most = scores["filled"][lesson.stem]
        assert most >= 4 and got == most, (lesson.stem, got, most)
    assert scores["untouched"]["02-shares-and-rates"] == [0, 6]
    for student in ("tamperer", "rebinder", "renamer", "silencer", "astsilencer", "hooker", "oncer"):  # nothing a
        # notebook rebinds or installs (a transformer that silences the hidden tests, an event hook) gives credit
        assert scores[student]["02-shares-and-rates"] == [0, 6], student
    assert scores["half"][LESSONS[0].stem] == [3, 5]


def test_the_feedback_shows_the_lessons_box_never_a_traceback_a_path_or_a_hidden_test(course):
    """Run after the autograde test (the module's tests run in order): half's feedback page."""
    done = nbgrader(course, "generate_feedback", "lessons", "--student", "half")
    assert done.returncode == 0 and "WARNING" not in done.stderr, done.stderr[-3000:]
    page = (course / "build/nbgrader/feedback/half/lessons" / f"{LESSONS[0].stem}.html").read_text(encoding="utf-8")
    assert "Not yet</strong>: your upper bound 251 is too high" in page  # the lesson's own box
    assert "Not answered yet</strong>: answer_3 was never set" in page
    assert "SyntaxError: incomplete input" in page  # the student's own error, in one line
    for never in ("most recent call last", "-----&gt;", str(course), str(ROOT), "HIDDEN TESTS", "require("):
        assert never not in page, never


def test_the_whole_loop_release_fetch_submit_collect_autograde_feedback(course, tmp_path):
    """nbgrader's loop as the teacher's guide gives it, with an exchange folder: the teacher releases, a student
    fetches, answers and submits, the teacher collects, autogrades and releases feedback, the student fetches it."""
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # nbgrader's exchange is shared by teacher and students
    where = [f"--Exchange.root={exchange}", "--CourseDirectory.course_id=kzfigures"]
    desk = tmp_path / "desk"  # the student's own folder
    desk.mkdir()
    assert nbgrader(course, "release_assignment", "lessons", *where).returncode == 0
    done = nbgrader(desk, "fetch_assignment", "lessons", "--course", "kzfigures", f"--Exchange.root={exchange}")
    assert done.returncode == 0, done.stderr[-2000:]
    lesson = LESSONS[0]
    fetched = desk / "lessons" / lesson.name
    fetched.write_text(json.dumps(solved(json.loads(fetched.read_text(encoding="utf-8")),
                                         json.loads(lesson.read_text(encoding="utf-8")))), encoding="utf-8")
    assert nbgrader(desk, "submit", "lessons", "--course", "kzfigures", f"--Exchange.root={exchange}").returncode == 0
    done = nbgrader(course, "collect", "lessons", *where)
    assert done.returncode == 0 and "Collecting submission" in done.stderr, done.stderr[-2000:]
    student = next(p.name for p in (course / "build/nbgrader/submitted").iterdir()
                   if p.name not in ("filled", "untouched", "tamperer", "rebinder", "renamer", "half", "byhand",
                                     "silencer", "astsilencer", "hooker", "oncer"))
    done = nbgrader(course, "autograde", "lessons", "--student", student)
    assert done.returncode == 0, done.stderr[-3000:]
    assert nbgrader(course, "generate_feedback", "lessons", "--student", student).returncode == 0
    by_hand = course / "build/nbgrader/submitted/byhand/lessons"  # a notebook the teacher put there, no exchange
    by_hand.mkdir(parents=True)
    shutil.copy2(fetched, by_hand / lesson.name)
    assert nbgrader(course, "autograde", "lessons", "--student", "byhand").returncode == 0
    assert nbgrader(course, "generate_feedback", "lessons", "--student", "byhand").returncode == 0
    done = nbgrader(course, "release_feedback", "lessons", *where)  # every student: a mix of both
    assert done.returncode == 0 and re.search(r"feedback not released for [^:]*\bbyhand\b", done.stderr), done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    done = nbgrader(desk, "fetch_feedback", "lessons", "--course", "kzfigures", f"--Exchange.root={exchange}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert list((desk / "lessons" / "feedback").glob(f"*/{lesson.stem}.html")), done.stderr[-2000:]
    (page,) = (desk / "lessons" / "feedback").glob(f"*/{lesson.stem}.html")
    text = page.read_text(encoding="utf-8")
    score = re.search(r"Score: ([\d.]+) / ([\d.]+)", text)
    assert score and score.group(1) == score.group(2) and float(score.group(2)) >= 5, score
