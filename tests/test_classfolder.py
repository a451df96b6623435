"""The class folder on a laptop with Python and nothing else: a new venv, the folder only (copied away from the
checkout), kzfigures installed from the folder's wheels/ as its README says (the rest from dist/wheelhouse when
`make wheelhouse` wrote it, else from the package index), and every lesson run to the end with nbclient, untouched
and filled in. Before kzfigures is installed, a lesson handed out alone says in one line how to get it, and stops
there without a traceback. And `kzfigures student` keeps to its folder rules (issue 25, item 6)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from kzfigures.classroom.bundle import write_class_folder
from kzfigures.classroom.edition import BEGIN_SOLUTION, END_SOLUTION

#: The full tier (make test): a real client, an install, or report builds of its own.
pytestmark = pytest.mark.full

LESSONS = sorted((ROOT / "notebooks" / "lessons").glob("[0-9][0-9]-*.ipynb"))
WHEELHOUSE = ROOT / "dist" / "wheelhouse"
#: Runs a notebook in the new venv with nbclient; prints its outputs as JSON (the error's name, if any).
RUN = """
import json, sys, nbformat, nbclient
nb = nbformat.read(sys.argv[1], as_version=4)
try:
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": sys.argv[2]}}).execute()
    error = None
except nbclient.exceptions.CellExecutionError as err:
    error = err.ename
print(json.dumps({"error": error, "cells": [[c.source, c.get("outputs", [])] for c in nb.cells if c.cell_type == "code"]}))
"""


def clean_env(home: Path) -> dict[str, str]:
    """An environment that knows nothing of the checkout: no KZFIGURES_ROOT, no PYTHONPATH, a HOME of its own."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KZFIGURES_", "PYTHON", "VIRTUAL_ENV", "JUPYTER", "IPYTHON"))}
    return {**env, "HOME": str(home), "JUPYTER_DATA_DIR": str(home / "jupyter"), "PATH": env.get("PATH", "")}


def install(venv: Path, *args: str) -> None:
    """Install into the venv with uv (pip's resolver, quicker), from the given sources only."""
    subprocess.run([sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                    *args], check=True, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def laptop(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """The class folder, copied away from the checkout, and a new venv with only Jupyter's runner (no kzfigures)."""
    base = tmp_path_factory.mktemp("laptop")
    folder = base / "class"
    write_class_folder(ROOT / "notebooks" / "lessons", folder, ROOT, WHEELHOUSE if WHEELHOUSE.is_dir() else None)
    venv = base / "venv"
    if WHEELHOUSE.is_dir():  # every package but kzfigures, from the folder's list, as its README installs them
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        listed = (folder / "wheels" / "all.txt").read_text(encoding="utf-8").splitlines()
        (base / "all-but-kzfigures.txt").write_text("\n".join(line for line in listed if "kzfigures-" not in line))
        pip(venv, folder, "--no-index", "--no-deps", "-r", str(base / "all-but-kzfigures.txt"))
    else:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        install(venv, "ipykernel", "nbclient")
    return folder, venv, clean_env(base / "home")


def pip(venv: Path, folder: Path, *args: str) -> None:
    """pip in the venv, in the class folder, with every package index pointed at an address where nothing answers."""
    env = {**os.environ, "PIP_INDEX_URL": "http://127.0.0.1:9/nothing", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *args], cwd=folder,
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]


def run(laptop, notebook: Path, cwd: Path) -> dict:
    _, venv, env = laptop
    done = subprocess.run([str(venv / "bin" / "python"), "-c", RUN, str(notebook), str(cwd)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def texts(outputs: list[dict]) -> list[str]:
    return ["".join(o.get("text", "")) or "".join(o.get("data", {}).get("text/plain", "")) for o in outputs]


def test_a_lone_lesson_without_kzfigures_says_in_one_line_how_to_get_it(laptop, tmp_path):
    """Handed one notebook and nothing else, the first code cell prints one line and Run All stops there."""
    folder, _, _ = laptop
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy2(folder / LESSONS[1].name, lone)
    result = run(laptop, lone / LESSONS[1].name, lone)
    setup_source, setup_outputs = result["cells"][0]
    assert result["error"] == "KzfiguresMissing" and "Set-up" in setup_source
    assert [o["output_type"] for o in setup_outputs] == ["stream"], setup_outputs  # no traceback output
    (line,) = texts(setup_outputs)[0].strip().splitlines()
    assert line.startswith("kzfigures is not installed here: open this notebook from the class folder and follow")
    assert all(outputs == [] for _, outputs in result["cells"][1:])  # nothing after it ran
    # the same notebook beside the class folder's wheels names the command that installs from there
    shutil.copytree(folder / "wheels", lone / "wheels")
    (line,) = texts(run(laptop, lone / LESSONS[1].name, lone)["cells"][0][1])[0].strip().splitlines()
    assert "%pip install " in line and "--find-links wheels kzfigures" in line


def filled(student: dict, instructor: dict) -> dict:
    """A student's copy with each answer as the instructor's solution writes it (the line after the prompt)."""
    solutions = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in instructor["cells"]
                 if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c["cell_type"] == "code"}
    out = json.loads(json.dumps(student))
    for cell in out["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            lines = solutions[grade_id].split("\n")
            answer = "\n".join(lines[lines.index(BEGIN_SOLUTION) + 1:lines.index(END_SOLUTION)])
            cell["source"] = "".join(cell["source"]).replace("# YOUR ANSWER HERE", answer)
    return out


def test_every_lesson_runs_to_the_end_in_a_new_venv_from_the_class_folder_only(laptop, tmp_path):
    folder, venv, _ = laptop
    readme = (folder / "README.md").read_text(encoding="utf-8")
    if WHEELHOUSE.is_dir():  # the README's own command, offline
        command = re.search(r"^kz/bin/python -m pip install (.*)$", readme, re.M).group(1).split()
        assert command == ["--no-index", "--no-deps", "-r", "wheels/all.txt"]
        pip(venv, folder, *command)
        assert (venv / "bin" / "jupyter-lab").is_file()
    else:
        install(venv, "--find-links", str(folder / "wheels"), "kzfigures")
    found = subprocess.run([str(venv / "bin" / "python"), "-c", "import kzfigures, sys; print(kzfigures.__file__)"],
                           capture_output=True, text=True, check=True, env=laptop[2], cwd=tmp_path).stdout
    assert str(venv) in found and str(ROOT) not in found  # the wheel, not the checkout
    command = subprocess.run([str(venv / "bin" / "kzfigures"), "validate"], capture_output=True, text=True,
                             env=laptop[2], cwd=tmp_path)  # the wheel's own command, every layer importable
    assert command.returncode == 0 and command.stderr == "0 problem(s)\n", command.stderr
    for lesson in LESSONS:
        untouched = run(laptop, folder / lesson.name, folder)
        assert untouched["error"] is None, (lesson.stem, untouched["error"])
        checks = [texts(o)[-1] for s, o in untouched["cells"] if "lessons.check(" in s]
        assert checks and all(t.startswith("Not answered yet") for t in checks), (lesson.stem, checks)
        copy = tmp_path / lesson.name
        copy.write_text(json.dumps(filled(json.loads((folder / lesson.name).read_text(encoding="utf-8")),
                                          json.loads(lesson.read_text(encoding="utf-8")))), encoding="utf-8")
        shutil.copy2(folder / "article.txt", tmp_path)
        done = run(laptop, copy, tmp_path)
        assert done["error"] is None, lesson.stem
        checks = [texts(o)[-1] for s, o in done["cells"] if "lessons.check(" in s]
        assert all(t.startswith(("✓ Right", "Computed as asked")) for t in checks), (lesson.stem, checks)
        summary = [texts(o)[-1] for s, o in done["cells"] if "lessons.summary(" in s]
        assert summary and f"{len(checks)} of {len(checks)} answered correctly" in summary[0]


def test_the_class_folder_holds_the_article_and_a_readme_naming_every_lesson(laptop):
    from kzfigures.figures.citation import cite
    from kzfigures.figures.seeds import FLAGSHIP, load_seed

    folder, _, _ = laptop
    article = load_seed(FLAGSHIP)
    text = (folder / "article.txt").read_text(encoding="utf-8")
    assert article.text.strip() in text
    assert text.splitlines()[0] == f"{cite(article.meta)}, {article.meta['url']}"  # the one citation, and where
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert all(lesson.name in readme for lesson in LESSONS)
    assert ("-r wheels/all.txt" if WHEELHOUSE.is_dir() else "--find-links wheels kzfigures jupyterlab") in readme
    assert len(readme.splitlines()) < 60  # one page


# -- the student command's folder rules (issue 25, item 6) ------------------------------------------------------
def student(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kzfigures.cli", "student", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_student_refuses_the_instructor_lessons_and_a_folder_it_did_not_write(tmp_path):
    lessons = ROOT / "notebooks" / "lessons"
    before = {p.name: p.read_bytes() for p in lessons.glob("*.ipynb")}
    done = student("--output", str(lessons), cwd=tmp_path)
    assert done.returncode == 2 and "holds the instructor lessons" in done.stderr and "Traceback" not in done.stderr
    assert {p.name: p.read_bytes() for p in lessons.glob("*.ipynb")} == before
    copy = tmp_path / "copy"  # a copy of the instructor lessons elsewhere is refused too
    shutil.copytree(lessons, copy)
    done = student("--output", str(copy), cwd=tmp_path)
    assert done.returncode == 2 and "holds the instructor lessons" in done.stderr
    assert f"({', '.join(p.name for p in sorted(lessons.glob('*.ipynb')))})" in done.stderr  # every one, in order
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    done = student("--output", str(mine), cwd=tmp_path)
    assert done.returncode == 2 and "is not a folder kzfigures student wrote" in done.stderr
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    done = student("--output", str(tmp_path / "out"), "--no-pdf", "--printables", str(mine / "notes.txt"), cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith(f"kzfigures: error: --printables {mine / 'notes.txt'}: is a file")
    assert not (tmp_path / "out").exists()  # every folder is checked before any is written
    done = student("--output", str(tmp_path / "out"), "--printables", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 2 and "--printables names the same folder as --output" in done.stderr


def test_student_run_again_keeps_a_students_saved_answer(tmp_path):
    out = tmp_path / "student"
    assert student("--output", str(out), cwd=tmp_path).returncode == 0
    lesson = out / LESSONS[0].name
    saved = lesson.read_text(encoding="utf-8").replace("# YOUR ANSWER HERE", "answer_1 = (15_001, math.inf)", 1)
    lesson.write_text(saved, encoding="utf-8")
    (out / LESSONS[1].name).unlink()  # a deleted lesson comes back
    done = student("--output", str(out), cwd=tmp_path)
    assert done.returncode == 0 and f"kept {lesson}" in done.stderr
    assert lesson.read_text(encoding="utf-8") == saved and (out / LESSONS[1].name).is_file()
    done = student("--output", str(out), cwd=tmp_path)  # and again: still kept
    assert lesson.read_text(encoding="utf-8") == saved and f"kept {lesson}" in done.stderr


def test_in_the_student_edition_each_check_shares_the_cell_of_its_answer(tmp_path):
    """No check can run without the answer it checks as written: each lessons.check(…, answer_N) is in the cell
    that sets answer_N, below it, and that cell says to run it after every change; the set-up cell comes first."""
    from kzfigures.classroom.edition import CHECK_NOTE, SETUP_SOURCE, make_student

    for path in make_student(ROOT / "notebooks" / "lessons", tmp_path):
        code = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        assert "".join(code[0]["source"]) == SETUP_SOURCE
        checks = [("".join(c["source"]), m) for c in code
                  for m in re.finditer(r'lessons\.check\("[a-z-]+", "[a-z0-9-]+", (answer_\d+)\)', "".join(c["source"]))]
        assert checks, path.name
        for source, match in checks:
            assert re.search(rf"^{match.group(1)} = ", source[:match.start()], re.M), (path.name, source)
            assert CHECK_NOTE in source


@pytest.mark.parametrize("flags", [
    ("--class-folder", "{t}/class", "--printables", "{t}/class/keys"),  # the answer keys where students get them
    ("--output", "{t}/student", "--printables", "{t}/student/printables"),
    ("--output", "{t}/all/student", "--class-folder", "{t}/all"),
])
def test_student_refuses_any_folder_of_the_run_inside_another(tmp_path, flags):
    done = student("--no-pdf", *[f.format(t=tmp_path) for f in flags], cwd=tmp_path)
    assert done.returncode == 2 and " is inside " in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert not [p for p in tmp_path.iterdir() if p.name not in ("out",)]  # nothing written


KILLED_AFTER_ONE_REPLACE = """
import os, signal, sys
from pathlib import Path
from kzfigures import cli
real = os.replace
def replace(a, b):
    real(a, b)
    os.kill(os.getpid(), signal.SIGKILL)  # killed just after replacing the first file
def write(tmp):
    for name in ("a.ipynb", "b.ipynb"):
        (tmp / name).write_text(sys.argv[2], encoding="utf-8")
if sys.argv[3] == "kill":
    os.replace = replace
print(cli._write_in_place(Path(sys.argv[1]), write))
"""


def test_a_student_run_killed_after_replacing_a_lesson_leaves_it_ours_and_no_work_folder(tmp_path):
    out = tmp_path / "out"

    def run(text: str, how: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", KILLED_AFTER_ONE_REPLACE, str(out), text, how],
                              capture_output=True, text=True, timeout=60)

    assert run("v1", "whole").stdout.strip() == "(2, [])"
    assert run("v2", "kill").returncode == -9
    assert sorted(p.read_text() for p in out.glob("*.ipynb")) == ["v1", "v2"]  # one replaced, then killed
    done = run("v3", "whole")
    assert done.stdout.strip() == "(2, [])", done  # nothing kept as "changed since it was written"
    assert [p.read_text() for p in sorted(out.glob("*.ipynb"))] == ["v3", "v3"]
    assert [p.name for p in tmp_path.iterdir() if ".new-" in p.name] == []  # the killed run's work folder is gone


def test_the_class_folder_ships_what_a_students_notebook_needs_and_not_the_projects_tools(tmp_path):
    from kzfigures.classroom.bundle import readme, student_packages, student_wheels

    needed = student_packages()
    assert {"pandas", "matplotlib", "numpy", "jupyterlab", "ipykernel"} <= needed
    assert not needed & {"pytest", "playwright", "mypy", "ruff", "hypothesis", "nbval", "papermill", "pytest-xdist"}
    house = tmp_path / "wheelhouse"
    house.mkdir()
    names = ["pandas-2.2.3-cp311-cp311-manylinux_2_17_x86_64.whl", "jupyterlab-4.4.0-py3-none-any.whl",
             "pytest-8.3.0-py3-none-any.whl", "playwright-1.50.0-py3-none-manylinux1_x86_64.whl",
             "mypy-1.15.0-cp311-cp311-manylinux_2_17_x86_64.whl", "ruff-0.11.0-py3-none-manylinux_2_17_x86_64.whl",
             "typing_extensions-4.12.2-py3-none-any.whl"]
    for name in names:
        (house / name).write_bytes(b"")
    assert [p.name.split("-")[0] for p in student_wheels(house)] == ["jupyterlab", "pandas", "typing_extensions"]
    offline = readme(LESSONS, Path("kzfigures-1-py3-none-any.whl"), offline=True)
    assert "on another (Windows, a Mac, another Python)" in offline and "--find-links wheels kzfigures" in offline


def test_the_student_command_prints_the_class_folders_size(tmp_path):
    done = student("--output", str(tmp_path / "student"), "--class-folder", str(tmp_path / "class"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    line = next(ln for ln in done.stderr.splitlines() if "the class folder holds" in ln)
    size = float(line.split("holds ")[1].split(" MB")[0])
    total = sum(p.stat().st_size for p in (tmp_path / "class").rglob("*") if p.is_file()) / 1e6
    assert abs(size - total) < 0.1 and size > 0


def test_student_with_a_class_folder_outside_a_git_checkout_writes_nothing_and_says_one_line(tmp_path):
    root = tmp_path / "installed"  # a copy of the project with no .git: the wheel cannot be built from it
    root.mkdir()
    for name in ("data", "seeds", "notebooks"):
        (root / name).symlink_to(ROOT / name)
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run([sys.executable, "-m", "kzfigures.cli", "student", "--no-pdf", "--output", "out/student",
                           "--printables", "out/printables", "--class-folder", "out/class"], cwd=work,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "KZFIGURES_ROOT": str(root)})
    assert done.returncode == 1 and "is not a git checkout" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert list(work.iterdir()) == []  # no student edition, no printables, no folder made


def test_a_failure_while_preparing_one_folder_leaves_every_folder_of_the_run_untouched(tmp_path, monkeypatch):
    from kzfigures import cli

    first, second = tmp_path / "first", tmp_path / "new" / "second"

    def fine(tmp: Path) -> None:
        (tmp / "a.ipynb").write_text("new", encoding="utf-8")

    def broken(tmp: Path) -> None:
        (tmp / "half.ipynb").write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        cli._prepare_all([("--output", first, fine, "x"), ("--class-folder", second, broken, "y")])
    assert list(tmp_path.iterdir()) == []  # both work folders removed, the folder made for the second too


def test_a_folder_the_student_command_wrote_is_never_written_through_a_link(tmp_path):
    """Its wheels/ (or any sub-folder or file) replaced by a link to elsewhere: refused in one line before anything
    is written, and nothing appears where the link points."""
    from kzfigures import cli
    from kzfigures.report.folders import OutputRefused

    out, elsewhere = tmp_path / "class", tmp_path / "elsewhere"
    elsewhere.mkdir()

    def write(tmp: Path) -> None:
        (tmp / "wheels").mkdir()
        (tmp / "wheels" / "kzfigures.whl").write_text("wheel", encoding="utf-8")
        (tmp / "README.md").write_text("read me", encoding="utf-8")

    assert cli._write_in_place(out, write) == (2, [])
    shutil.rmtree(out / "wheels")
    (out / "wheels").symlink_to(elsewhere)
    (out / "README.md").unlink()
    (out / "README.md").symlink_to(elsewhere / "notes.md")
    with pytest.raises(OutputRefused, match="is a link, and kzfigures never writes through one"):
        cli._write_in_place(out, write)
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class", "elsewhere"]  # no work folder left
