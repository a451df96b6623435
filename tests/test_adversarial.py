"""Issue 25, the adversarial pass: each probe that broke, as a test that fails without its fix."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CHROMIUM, FLAGS, ROOT, read_rows, write_rows
from kzfigures.build.report import build_report

QUIET = {"progress": lambda line: None}
SHOTS = Path("/work/notes/shots/reliability")
INJECTION = "<img src=x onerror=alert(1)> [x](javascript:alert(2))"


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kzfigures.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


def one_line(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


# -- 1. a parameter value is text on every page -------------------------------------------------------------------
def test_built_with_line_is_markdown_escaped():
    import nbformat

    from kzfigures.build.pages import exporter, for_readers
    from kzfigures.notebooks.collection import list_notebooks

    info = list_notebooks()[0]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# title")])
    html = exporter().from_notebook_node(for_readers(nb, info, {"search": INJECTION}, {}))[0]
    assert "<img src=x" not in html and 'href="javascript' not in html
    assert "&lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(2))" in html


@pytest.fixture(scope="module")
def injected_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("injected") / "reports"
    build_report(out, parameters={"search": INJECTION}, only=["00"], **QUIET)
    return out


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium")
def test_a_parameter_runs_no_script_and_makes_no_javascript_link_in_chromium(injected_report):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for page_path in sorted(injected_report.glob("*.html")):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(page_path.as_uri(), wait_until="load")
            page.wait_for_timeout(200)
            links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
            text = page.inner_text("body")
            if page_path.name != "index.html":
                page.screenshot(path=str(SHOTS / f"injected-{page_path.stem}.png"))
            page.close()
            assert dialogs == [], (page_path.name, dialogs)
            assert not [h for h in links if h.strip().lower().startswith("javascript")], page_path.name
            assert "<img src=x onerror=alert(1)>" in text, page_path.name
        browser.close()
