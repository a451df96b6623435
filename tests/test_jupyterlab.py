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
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from kzfigures.classroom.edition import make_student
from test_browser import ARTEFACTS

#: The full tier (make test): a real client, an install, or report builds of its own.
pytestmark = pytest.mark.full

LESSONS = sorted((ROOT / "notebooks" / "lessons").glob("[0-9][0-9]-*.ipynb"))
TOKEN = "kzfigures-test"
#: Lab's application object in the page (``window.jupyterapp``): the tests wait on Lab's own state, never on time.
EXPOSE_APP = "--LabApp.expose_app_in_browser=True"
#: Lab settings for the test: every cell in the page (Lab 4 otherwise draws only the visible ones), no news popup.
SETTINGS = {"notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
            "apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(server: subprocess.Popen) -> None:
    """Stop JupyterLab: it shuts its kernels down first, which on a busy machine can take more than a minute; then
    kill it (a kernel whose server is gone ends itself: jupyter_client gives it JPY_PARENT_PID to watch)."""
    server.terminate()
    try:
        server.wait(timeout=90)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@contextlib.contextmanager
def serving_lab(root: Path, home: Path, log_name: str, **env: str) -> Iterator[str]:
    """JupyterLab on 127.0.0.1 serving root, with SETTINGS in home, the app exposed to the tests (EXPOSE_APP) and
    env added to its environment; yields its base URL once it answers, and stops it (see stop) afterwards."""
    for name, values in SETTINGS.items():
        path = home / "settings" / "@jupyterlab" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("KZFIGURES_", "JUPYTER"))},
           "HOME": str(home), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), **env}
    port = free_port()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTEFACTS / log_name).open("w")
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                               f"--ServerApp.port={port}", f"--IdentityProvider.token={TOKEN}",
                               f"--ServerApp.root_dir={root}", EXPOSE_APP,
                               *(["--allow-root"] if os.geteuid() == 0 else [])],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180  # a busy machine: Lab's start is waited for, not timed
        while True:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            assert server.poll() is None, f"JupyterLab did not start: see build/test-artifacts/{log_name}"
            assert time.monotonic() < deadline, f"JupyterLab did not answer in 3 minutes: see {log_name}"
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)
        log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on the student edition and a copy of the instructor lessons; yields its base URL."""
    root = tmp_path_factory.mktemp("lab")
    make_student(ROOT / "notebooks" / "lessons", root / "student")
    shutil.copytree(ROOT / "notebooks" / "lessons", root / "instructor")
    with serving_lab(root, tmp_path_factory.mktemp("lab-home"), "jupyterlab.log") as url:
        yield url, root


#: The notebook panel at a path, once Lab has loaded the file into it (``null`` before).
PANEL = """(path) => { const app = window.jupyterapp;
  const panel = app && [...app.shell.widgets('main')].find(w => w.context && w.context.path === path);
  return panel && panel.context.isReady ? panel : null; }"""
#: The kernel of the notebook at a path once its session is ready and the kernel idle (``null`` before).
KERNEL = f"""(path) => {{ const panel = ({PANEL})(path);
  const session = panel && panel.sessionContext.isReady && panel.sessionContext.session;
  return session && session.kernel && session.kernel.status === 'idle' ? session.kernel : null; }}"""
#: Resolves once the kernel's info and spec have arrived and the panel, whose handlers of both were attached first
#: and so run first, has written language_info and kernelspec into the model.
APPLIED = f"""async (path) => {{ const kernel = ({PANEL})(path).sessionContext.session.kernel;
  await kernel.info; await kernel.spec; await new Promise(done => setTimeout(done, 0)); }}"""


def open_notebook(browser, lab, path: str, width: int = 1280, height: int = 900):
    """Open a notebook in a fresh workspace, in a window ``width`` by ``height``, and wait until Lab has loaded it and
    its kernel is idle with its info applied (JupyterLab must run with EXPOSE_APP)."""
    url, _ = lab
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{url}/lab/workspaces/t{time.monotonic_ns()}/tree/{path}?token={TOKEN}&reset")
    config = json.loads(page.locator("#jupyter-config-data").text_content() or "{}")
    assert config.get("exposeAppInBrowser"), f"the tests read Lab's state: start JupyterLab with {EXPOSE_APP}"
    page.wait_for_function(f"(path) => ({KERNEL})(path) !== null", arg=path, timeout=120_000)
    page.evaluate(APPLIED, path)
    return page


def modified(page, path: str) -> bool:
    """Whether the notebook's model is dirty (what the tab's dot shows): a new model is dirty until the file is
    loaded into it, so this means something only once open_notebook has returned."""
    return page.evaluate(f"(path) => ({PANEL})(path).context.model.dirty", path)


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
    assert not modified(page, f"student/{lesson.name}"), "opening the notebook modified it"
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
    assert not modified(page, f"instructor/{lesson.name}"), "opening the notebook modified it"
    saved_at = f"(path) => ({PANEL})(path).context.contentsModel.last_modified"
    before = page.evaluate(saved_at, f"instructor/{lesson.name}")
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+s")
    page.wait_for_function(f"([path, before]) => ({saved_at})(path) !== before",  # the server answered the save
                           arg=[f"instructor/{lesson.name}", before], timeout=60_000)
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


def test_a_notebook_whose_metadata_the_kernel_rewrites_is_seen_modified(browser, lab):
    """The check above can fail: a lesson whose language_info differs from what the kernel reports becomes dirty
    only when the kernel's info arrives, and open_notebook waits for that."""
    lesson = LESSONS[0]
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    nb["metadata"]["language_info"]["version"] = "3.0.0"
    altered = lab[1] / "altered" / lesson.name
    altered.parent.mkdir(exist_ok=True)
    altered.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    page = open_notebook(browser, lab, f"altered/{lesson.name}")
    assert modified(page, f"altered/{lesson.name}"), "a notebook Lab rewrites on opening was not seen modified"
    page.locator(".lm-TabBar-tab.jp-mod-dirty").wait_for(timeout=30_000)  # and the student sees the tab's dot
    page.close()


def test_slips_in_a_students_lesson_get_one_line_each_and_run_all_reaches_the_summary(browser, lab):
    """A student's copy of lesson 01 with the usual slips typed where the README says: an answer without
    `answer_1 =`, 2,000 with its comma, parse_quantity without kzfigures., math.Inf. Run All in JupyterLab: no
    traceback, each box names its slip in one line, and the summary counts them as not right."""
    lesson = LESSONS[0]
    nb = json.loads((lab[1] / "student" / lesson.name).read_text(encoding="utf-8"))
    slips = iter(["(15_001, math.inf)", "# (left for later)", "answer_3 = 2,000",
                  'answer_4 = parse_quantity("three to seven years")', "answer_5 = {math.Inf}"])
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "# YOUR ANSWER HERE" in "".join(cell["source"]):
            cell["source"] = "".join(cell["source"]).replace("# YOUR ANSWER HERE", next(slips))
    (lab[1] / "student" / "slips.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    page = open_notebook(browser, lab, "student/slips.ipynb")
    seen = run_all(page, questions(lesson) + 1)
    screenshots(page, "lab-student-slips")
    assert seen["stderr"] == seen["errors"] == 0 and "Traceback" not in seen["text"]
    boxes = seen["boxes"]
    assert len(boxes) == questions(lesson) + 1, boxes
    assert boxes[0].startswith("Not answered yet") and "write answer_1 = in front of it" in boxes[0], boxes[0]
    assert boxes[1].startswith("Not answered yet"), boxes[1]
    assert "write 2000 or 2_000" in boxes[2] and "write kzfigures.parse_quantity" in boxes[3], boxes
    assert "infinity is math.inf, in small letters" in boxes[4], boxes[4]
    assert "0 of 5 answered correctly" in boxes[-1], boxes[-1]
    page.close()
