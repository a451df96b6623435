"""The report in a real browser: Debian's headless Chromium, driven by Playwright, with no network at all.

Locally these tests skip, saying why, when no Chromium is installed (`make browser` installs it); in CI
(CI=true) a missing Chromium is a failure, because .ci/run installs it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from kzfigures.notebooks import list_notebooks

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = ROOT / "build" / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        pytest.fail("CI must run the browser tests: no chromium found (.ci/run installs it)", pytrace=False)
    print("\nbrowser tests skipped: no chromium on PATH (run `make browser` to install it)")
    pytest.skip("no chromium on PATH: run `make browser` to install Debian's chromium", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def visit(browser, page_path: Path) -> dict:
    """Open a page; return its console errors, page errors, requests and images."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    seen = {"console": [], "errors": [], "requests": []}
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    response = page.goto(page_path.as_uri(), wait_until="load")
    seen["ok"] = response is not None and response.ok
    seen["images"] = page.eval_on_selector_all(
        "img", "els => els.map(e => ({shown: e.complete && e.naturalWidth > 0, alt: e.alt}))")
    seen["links"] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    seen["globals"] = page.evaluate("() => [typeof window.pwned, typeof window.hacked]")
    seen["page"] = page
    return seen


def test_every_page_loads_clean_offline_with_its_charts(browser, default_report):
    pages = sorted(default_report.glob("*.html"))
    assert len(pages) == 1 + len(list_notebooks())
    with_charts = {"index.html"} | {f"{nb.name}.html" for nb in list_notebooks() if not nb.is_lesson}
    for path in pages:
        seen = visit(browser, path)
        assert seen["ok"], path.name
        assert seen["console"] == [] and seen["errors"] == [], (path.name, seen["console"], seen["errors"])
        outside = [u for u in seen["requests"] if not u.startswith(("file://", "data:"))]
        assert outside == [], (path.name, outside)
        assert bool(seen["images"]) == (path.name in with_charts), path.name
        for image in seen["images"]:
            assert image["shown"] and len(image["alt"]) > 30, (path.name, image)
        seen["page"].close()


def test_index_links_reach_every_page(browser, default_report):
    seen = visit(browser, default_report / "index.html")
    linked = {h for h in seen["links"] if h.endswith(".html")}
    assert linked == {p.name for p in default_report.glob("*.html") if p.name != "index.html"}
    page = seen["page"]
    for href in sorted(linked):
        page.goto((default_report / "index.html").as_uri())
        page.click(f"a[href='{href}']")
        assert page.url.endswith(href) and page.locator("h1").count() >= 1
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.goto((default_report / "index.html").as_uri())
    page.screenshot(path=str(ARTEFACTS / "index.png"), full_page=True)
    assert (ARTEFACTS / "index.png").stat().st_size > 10_000
    page.close()


def test_hostile_text_runs_nothing(browser, hostile_report):
    for path in sorted(hostile_report.glob("*.html")):
        seen = visit(browser, path)
        assert seen["globals"] == ["undefined", "undefined"], path.name
        assert seen["errors"] == [], path.name
        assert seen["page"].get_by_text("<script>window.pwned=true</script>", exact=False).count() >= 1 or \
            path.name == "index.html"
        seen["page"].close()
