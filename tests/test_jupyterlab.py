"""The lessons in a student's hands: JupyterLab on 127.0.0.1, Debian's chromium through Playwright, Run All.

For every lesson of the student edition (what `make student` writes) and for one instructor lesson: the
notebook opens unmodified (its metadata is what Lab writes), Run All runs every cell, no traceback appears,
each question shows its feedback box and the last cell the summary. Screenshots go to build/test-artifacts/.
Skipped, saying why, where no chromium is installed; in CI a missing chromium fails (see test_browser.py).
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from kzfigures.classroom.edition import make_student
from test_browser import ARTEFACTS

#: The full tier (make test): a real client, an install, or report builds of its own.
pytestmark = pytest.mark.full

LESSONS = sorted((ROOT / "notebooks" / "lessons").glob("[0-9][0-9]-*.ipynb"))
TOKEN = "kzfigures-test"
#: Lab settings for the test: every cell in the page (Lab 4 otherwise draws only the visible ones), no news popup.
SETTINGS = {"notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
            "apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on the student edition and a copy of the instructor lessons; yields its base URL."""
    root = tmp_path_factory.mktemp("lab")
    make_student(ROOT / "notebooks" / "lessons", root / "student")
    shutil.copytree(ROOT / "notebooks" / "lessons", root / "instructor")
    home = tmp_path_factory.mktemp("lab-home")
    for name, values in SETTINGS.items():
        path = home / "settings" / "@jupyterlab" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("KZFIGURES_", "JUPYTER"))},
           "HOME": str(home), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    port = free_port()
    log = (ARTEFACTS.mkdir(parents=True, exist_ok=True) or ARTEFACTS / "jupyterlab.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                               f"--ServerApp.port={port}", f"--IdentityProvider.token={TOKEN}",
                               f"--ServerApp.root_dir={root}", *(["--allow-root"] if os.geteuid() == 0 else [])],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, "JupyterLab did not start: see build/test-artifacts/jupyterlab.log"
                time.sleep(0.5)
        yield url, root
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def open_notebook(browser, lab, path: str):
    """Open a notebook in a fresh workspace and wait for its kernel to be idle."""
    url, _ = lab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/lab/workspaces/t{time.monotonic_ns()}/tree/{path}?token={TOKEN}&reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached", timeout=60_000)
    page.wait_for_timeout(1000)  # Lab fills in the kernel's language_info just after the kernel is ready
    return page


def run_all(page, boxes: int) -> dict:
    """Run > Run All Cells, wait until every prompt has its number and the feedback boxes are drawn (or a minute
    and a half has passed, on a busy machine), and read what the page shows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in (1, 2):
        page.locator(".jp-Notebook").first.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).first.click()
        try:  # begun once a prompt shows [*] or a number; a menu click made while Lab is busy can be lost
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]"
                ".some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))", timeout=30_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                page.screenshot(path=str(ARTEFACTS / "lab-run-all-never-began.png"))
                raise
    code = page.locator(".jp-CodeCell .jp-InputArea-prompt")
    try:
        page.wait_for_function(
            "() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];"
            " return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent)); }", timeout=120_000)
    except PlaywrightTimeout:
        page.screenshot(path=str(ARTEFACTS / "lab-run-all-never-ended.png"))
        raise
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached", timeout=60_000)
    with contextlib.suppress(Exception):  # the count is asserted below, with what the page shows
        page.wait_for_function(f"() => document.querySelectorAll('.jp-OutputArea-output div[role=status]').length"
                               f" >= {boxes}", timeout=90_000)
    return {"prompts": code.all_inner_texts(),
            "stderr": page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count(),
            "errors": page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count(),
            "text": page.locator(".jp-Notebook").inner_text(),
            "boxes": page.locator(".jp-OutputArea-output div[role=status]").all_inner_texts()}


def screenshots(page, name: str) -> None:
    """The first question's feedback and the summary, as the student sees them (Lab scrolls inside the page)."""
    boxes = page.locator(".jp-OutputArea-output div[role=status]")
    for where, box in (("first", boxes.first), ("end", boxes.last)):
        box.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTEFACTS / f"{name}-{where}.png"))


def questions(path: Path) -> int:
    return sum("lessons.check(" in "".join(c["source"]) for c in json.loads(path.read_text())["cells"])


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_a_students_run_all_reaches_the_summary_with_feedback_and_no_traceback(browser, lab, lesson):
    page = open_notebook(browser, lab, f"student/{lesson.name}")
    assert page.locator(".lm-TabBar-tab.jp-mod-dirty").count() == 0, "opening the notebook modified it"
    seen = run_all(page, questions(lesson) + 1)
    screenshots(page, f"lab-student-{lesson.stem}")
    assert seen["prompts"] and all(re.fullmatch(r"\[\d+\]:", p) for p in seen["prompts"]), seen["prompts"]
    assert seen["stderr"] == seen["errors"] == 0 and "Traceback" not in seen["text"]
    boxes, n = seen["boxes"], questions(lesson)
    assert len(boxes) == n + 1, boxes
    assert all(b.startswith("Not answered yet") for b in boxes[:-1]), boxes
    assert f"0 of {n} answered correctly" in boxes[-1] and "not answered yet: questions 1," in boxes[-1]
    page.close()


def test_an_instructor_lesson_opens_unmodified_saves_byte_identical_and_runs_right(browser, lab):
    lesson = LESSONS[1]
    page = open_notebook(browser, lab, f"instructor/{lesson.name}")
    assert page.locator(".lm-TabBar-tab.jp-mod-dirty").count() == 0, "opening the notebook modified it"
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1500)
    saved = lab[1] / "instructor" / lesson.name
    assert saved.read_bytes() == lesson.read_bytes(), "saving in JupyterLab rewrote the committed notebook"
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Clear Outputs of All Cells")).click()
    assert page.locator(".jp-OutputArea-output div[role=status]").count() == 0  # what follows is this run's
    seen = run_all(page, questions(lesson) + 1)
    screenshots(page, f"lab-instructor-{lesson.stem}")
    assert seen["stderr"] == seen["errors"] == 0 and "Traceback" not in seen["text"]
    n = questions(lesson)
    assert len(seen["boxes"]) == n + 1 and f"{n} of {n} answered correctly" in seen["boxes"][-1], seen["boxes"]
    page.close()


def test_a_student_edits_an_answer_and_runs_its_cell_and_the_box_follows_the_edit(browser, lab):
    """The student edition's answer and check share a cell: after an edit, running the cell checks the answer as
    written (a check run apart from its answer could only show the verdict on the answer last run)."""
    lesson = LESSONS[0]
    page = open_notebook(browser, lab, f"student/{lesson.name}")
    run_all(page, questions(lesson) + 1)
    cell = page.locator(".jp-CodeCell").filter(has_text='lessons.check("reading", "more-than-15000"').first
    for answer, verdict in (("(15_001, math.inf)", "✓ Right"), ("(15_000, 20_000)", "Not yet")):
        cell.locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(f'answer_1 = {answer}\n\nlessons.check("reading", "more-than-15000", answer_1)')
        page.keyboard.press("Shift+Enter")
        page.wait_for_function("(v) => [...document.querySelectorAll('.jp-CodeCell')].some(c => c.textContent"
                               ".includes('more-than-15000') && c.querySelector('div[role=status]') &&"
                               " c.querySelector('div[role=status]').textContent.startsWith(v))", arg=verdict,
                               timeout=60_000)
        cell.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTEFACTS / f"lab-student-edited-{verdict[-5:].strip().lower()}.png"))
        assert cell.locator("div[role=status]").inner_text().startswith(verdict)
    page.close()
