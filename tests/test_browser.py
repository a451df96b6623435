"""The report in a real browser: Debian's headless Chromium, driven by Playwright, with no network at all.

Locally these tests skip, saying why, when no Chromium is installed (`make browser` installs it); in CI
(CI=true) a missing Chromium is a failure, because .ci/run installs it.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import CHROMIUM, ROOT
from kzfigures.collection.listing import list_notebooks

#: The full tier (make test): a real client, an install, or report builds of its own.
pytestmark = pytest.mark.full

ARTEFACTS = ROOT / "build" / "test-artifacts"

if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        pytest.fail("CI must run the browser tests: no chromium found (.ci/run installs it)", pytrace=False)
    print("\nbrowser tests skipped: no chromium on PATH (run `make browser` to install it)")
    pytest.skip("no chromium on PATH: run `make browser` to install Debian's chromium", allow_module_level=True)


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


AXE = ROOT / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTICLE_URL = __import__("kzfigures").load_seed().meta["url"]
#: The only addresses outside the report a page may link to: the article and the external sources it cites.
CITED = {ARTICLE_URL, *__import__("kzfigures").external_figures()["url"],
         __import__("kzfigures.report.provenance", fromlist=["DATA_LICENCE"]).DATA_LICENCE["path"]}


def links_of(page) -> list[str]:
    """Every href and src on the page."""
    return page.eval_on_selector_all("[href], [src]", "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))")


def test_every_link_and_source_on_every_page_resolves_inside_the_report(browser, default_report):
    """Navigation is generated: prev / contents / next reach pages of the report, and nothing leaves it but the
    article's own URL and the addresses of the external sources the report cites."""
    for path in sorted(default_report.glob("*.html")):
        page = browser.new_page()
        page.goto(path.as_uri())
        for target in links_of(page):
            if target.startswith(("data:", "#")):
                continue
            if target.startswith(("http://", "https://")):
                assert target in CITED, (path.name, target)
                continue
            resolved = (path.parent / target.split("#")[0]).resolve()
            assert resolved.is_file(), (path.name, target)
            assert default_report.resolve() in resolved.parents, (path.name, target)
        page.close()


def test_navigation_links_walk_the_whole_collection(browser, default_report):
    """From the first page, "→" links lead through every page in order, and "Contents" goes to the index."""
    names = [f"{nb.name}.html" for nb in list_notebooks()]
    page = browser.new_page()
    page.goto((default_report / names[0]).as_uri())
    for expected in names[1:]:
        page.locator(".celltag_navigation").first.get_by_text("→").click()
        assert page.url.endswith(expected)
    page.locator(".celltag_navigation").first.get_by_text("Contents").click()
    assert page.url.endswith("index.html")
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_fit_the_screen_and_are_looked_at(browser, default_report, width):
    """No page is wider than the screen (a wide table scrolls in its own box); screenshots of the index, a topic
    page and a lesson page are saved for a person to look at."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    for path in sorted(default_report.glob("*.html")):
        page.goto(path.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (path.name, width)
        if path.name in ("index.html", "01-foreign-fighters.html", "lesson-02-shares-and-rates.html"):
            shot = ARTEFACTS / f"{path.stem}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
    page.close()


def test_pages_read_as_pages_code_folded_no_prompts_no_markers(browser, default_report):
    page = browser.new_page()
    for path in sorted(default_report.glob("*-*.html")):
        page.goto(path.as_uri())
        assert page.locator(".jp-InputPrompt, .jp-OutputPrompt").count() == 0, path.name
        inputs = page.locator(".jp-CodeCell .jp-InputArea").count()
        assert inputs > 0 and page.locator("details.kz-code:not([open]) .jp-InputArea").count() == inputs, path.name
        assert not page.locator(".jp-CodeCell .jp-InputArea").first.is_visible(), path.name
        text = page.content()
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, path.name
        assert page.locator("table.dataframe tbody th").count() == 0, path.name
        assert page.get_by_text("Built with the defaults.").count() == 1, path.name
    page.goto((default_report / "00-article-in-numbers.html").as_uri())
    assert page.locator("td.num").count() > 0
    href = page.get_by_text("the full table as CSV (figures.csv)").get_attribute("href")
    assert href == "00-article-in-numbers/figures.csv" and (default_report / href).is_file()
    page.close()


def test_print_hides_navigation_and_code(browser, default_report):
    page = browser.new_page()
    page.goto((default_report / "03-legal-penalties.html").as_uri())
    assert page.locator(".celltag_navigation").first.is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".celltag_navigation").first.is_visible()
    assert not page.locator("details.kz-code").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    page.close()


def test_axe_finds_no_serious_or_critical_violation(browser, default_report):
    if not AXE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run axe-core: `make browser` installs it", pytrace=False)
        pytest.skip("axe-core not installed: run `make browser`")
    page = browser.new_page()
    found = {}
    for path in sorted(default_report.glob("*.html")):
        page.goto(path.as_uri())
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("async () => (await axe.run(document)).violations"
                                   ".map(v => ({id: v.id, impact: v.impact}))")
        bad = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
        if bad:
            found[path.name] = bad
    assert found == {}
    page.close()


# -- the report as a finished data story: tables that fit, no plumbing, a footer, data beside every chart -----------
TABLES_JS = """() => [...document.querySelectorAll('.kz-table')].map(box => {
  const table = box.querySelector('table'), frame = box.getBoundingClientRect();
  const inside = el => { const r = el.getBoundingClientRect();
                         return r.width > 0 && r.left >= frame.left - 1 && r.right <= frame.right + 1; };
  const cells = [...table.querySelectorAll('tr.kz-row > td')];
  return {name: box.getAttribute('aria-label'), scroll: box.scrollWidth - box.clientWidth,
          stacked: getComputedStyle(table).display === 'block', rows: table.querySelectorAll('tr.kz-row').length,
          headers: [...table.querySelectorAll('thead th')].map(th => ({text: th.textContent, shown: inside(th)})),
          fields: cells.map(td => ({label: td.dataset.label || '', shown: inside(td),
                                    said: getComputedStyle(td, '::before').content}))};
})"""


@pytest.mark.parametrize("width", [1280, 390])
def test_every_table_on_every_page_fits_and_shows_every_column(browser, default_report, width):
    """No table (nor its page) scrolls sideways; at 1280 px every column's header is in view, at 390 px each row is
    stacked and every field is shown under its column's name."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = 0
    for path in sorted(default_report.glob("*.html")):
        page.goto(path.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (path.name, width)
        for table in page.evaluate(TABLES_JS):
            seen += 1
            where = (path.name, width, table["name"])
            assert table["scroll"] <= 0, where
            assert table["rows"] > 0 and table["headers"], where
            if width >= 1000:
                assert not table["stacked"], where
                assert all(h["shown"] for h in table["headers"]), (where, table["headers"])
            else:
                assert table["stacked"], where
                assert all(f["shown"] and f["label"] and f["label"] in f["said"] for f in table["fields"]), where
            assert all(f["label"] in [h["text"] for h in table["headers"]] for f in table["fields"]), where
    assert seen >= 15
    page.close()


#: A curator's reason of ordinary length (issue 33), and its last words (cut off when the table did not fit).
REASON, REASON_END = ("a score is twenty, an old English word for twenty; the article uses it as a round count",
                      "round count")


@pytest.fixture(scope="module")
def read_by_a_curator(tmp_path_factory) -> Path:
    """A page of the report's template holding page 00's table of the flagship's figures, one of them read by a
    curator with a reason of ordinary length (as its notebook shows it: the reader's table, less its numbers)."""
    import nbformat

    from kzfigures.charts.outputs import SHOWN_WITHOUT
    from kzfigures.charts.tables import ReaderTable
    from kzfigures.charts.views import readable
    from kzfigures.figures.table import load_figures
    from kzfigures.report.pages import exporter

    figures = load_figures()
    figures.loc[figures.index[2], "override_reason"] = REASON
    shown = readable(figures).drop(columns=list(SHOWN_WITHOUT), errors="ignore")
    html = ReaderTable(shown)._repr_html_()
    assert f"by the curator: {REASON}" in html
    cell = nbformat.v4.new_code_cell("outputs.table(views.readable(figures), 'figures')", outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": repr(shown)},
                               metadata={"kzfigures": {"table": "figures"}})])
    page = tmp_path_factory.mktemp("read-by-a-curator") / "00-article-in-numbers.html"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Every figure, with its words"), cell])
    page.write_text(exporter().from_notebook_node(notebook, resources={"metadata": {"name": page.stem}})[0],
                    encoding="utf-8")
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_a_curators_reason_wraps_and_every_column_shows(browser, read_by_a_curator, width):
    """Issue 33: a curator's reason in the interval cell, which the page keeps on one line, scrolled the table
    sideways in its box at 1280 px: only three columns showed and the reason was cut off. It wraps now, under the
    interval, and the table fits at 1280 px (every column's header in view) and at 390 px (every field shown)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(read_by_a_curator.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    (table,) = page.evaluate(TABLES_JS)
    assert table["scroll"] <= 0 and table["rows"] > 20, (width, table["scroll"])
    if width >= 1000:
        assert not table["stacked"] and [h["text"] for h in table["headers"] if not h["shown"]] == []
        assert {"interval", "unit", "credited to"} <= {h["text"] for h in table["headers"]}
    else:
        assert table["stacked"] and all(f["shown"] for f in table["fields"])
    reading = page.locator("td[data-label='interval'] .kz-aside")
    assert reading.count() == 1 and reading.inner_text().endswith(f"{REASON_END})")
    assert reading.evaluate("""e => { const r = e.getBoundingClientRect(), c = e.closest('td').getBoundingClientRect();
                                      return r.width > 0 && r.left >= c.left - 1 && r.right <= c.right + 1; }""")
    page.close()


def test_on_paper_a_curators_reason_is_printed_whole_beside_every_column(browser, read_by_a_curator):
    """Issue 33 on paper: the table cut at the page's edge printed the reason half and no "credited to"."""
    import io
    import re

    from pypdf import PdfReader

    page = browser.new_page()
    page.goto(read_by_a_curator.as_uri(), wait_until="load")
    printed = PdfReader(io.BytesIO(page.pdf(format="A4"))).pages
    page.close()
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in printed))
    assert REASON_END in text and "credited to" in text, text[:600]


def test_tables_put_the_meaning_first_and_the_quote_under_its_row(browser, default_report):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((default_report / "01-foreign-fighters.html").as_uri())
    box = page.locator(".kz-table[aria-label='table fighters']")
    headers = box.locator("thead th").all_inner_texts()
    assert headers[:3] == ["what is counted", "as written", "interval"] and "quote" not in headers, headers
    assert box.locator("tr.kz-under .kz-note-quote").count() == box.locator("tr.kz-row").count()
    assert "more_than" not in box.inner_text() and "attributed_to" not in box.inner_text()
    assert box.locator(".kz-id", has_text="kz_fighters_karin").count() == 1  # the id is still there
    page.goto((default_report / "04-in-context.html").as_uri())
    first = page.locator(".kz-table").first.locator("tr.kz-row").first.locator("td").first
    assert first.get_attribute("data-label") == "what is counted" and "foreign fighters" in first.inner_text()
    page.close()


def test_no_reader_page_shows_parameters_a_save_cell_or_a_dtype_line(browser, default_report):
    import re

    page = browser.new_page()
    for path in sorted(default_report.glob("*.html")):
        page.goto(path.as_uri())
        assert page.locator("h1, h2, h3", has_text=re.compile(r"^\s*Parameters\s*$")).count() == 0, path.name
        html = page.content()
        assert "outputs.save(" not in html and "saved for the report" not in html.lower(), path.name
        assert not re.search(r"dtype: \w+|^Name: ", page.inner_text("body"), flags=re.MULTILINE), path.name
        assert "Warning:" not in page.inner_text("body"), path.name  # no library warning reaches a reader
        assert page.locator(".celltag_parameters, .celltag_injected-parameters").count() == 0, path.name
    page.close()


def test_every_page_ends_with_its_citation_licence_version_commit_and_date(browser, default_report):
    import re

    page = browser.new_page()
    for path in sorted(default_report.glob("*.html")):
        page.goto(path.as_uri())
        footer = page.locator("footer.kz-footer")
        assert footer.count() == 1 and footer.is_visible(), path.name
        text = footer.inner_text()
        for words in ("How to cite:", "Licence:", "CC-BY-4.0", "kzfigures 0.", "commit"):
            assert words in text, (path.name, words)
        assert re.search(r"on \d{4}-\d\d-\d\d\.", text), path.name
        title = page.title()
        assert title in text or path.name == "index.html", (path.name, title)
    page.close()


def test_every_chart_has_its_data_beside_it_and_opens_full_size(browser, default_report):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    charts = 0
    for path in sorted(default_report.glob("*-*.html")):
        page.goto(path.as_uri())
        images = page.locator(".jp-RenderedImage img").count()
        assert page.locator(".kz-chart").count() == images, path.name
        for i in range(images):
            chart = page.locator(".kz-chart").nth(i)
            svg = chart.locator("a:has(img)").get_attribute("href")
            data = chart.locator("a[href$='-data.csv']").get_attribute("href")
            assert svg.endswith(".svg") and (default_report / svg).is_file(), (path.name, svg)
            header = (default_report / data).read_text(encoding="utf-8").split("\n")[0].split(",")
            assert "label" in header or "bound" in header or "quote" in header, (path.name, data, header)
            charts += 1
        if images:
            page.locator(".kz-chart a:has(img)").first.click()
            assert page.url.endswith(".svg")
    page.goto((default_report / "index.html").as_uri())
    for figure in page.locator(".charts figure").all():
        assert figure.locator("a[href$='-data.csv']").count() == 1 and figure.locator("a[href$='.svg']").count() >= 1
    assert charts >= 10
    page.close()


def test_on_a_phone_every_chart_is_its_phone_drawing_with_type_as_large_as_the_small_print(browser, default_report):
    """Issue 32: at 390 px a chart was a 1,000-px PNG shrunk to 370 px, its labels 2–3 px tall. Now <picture> serves
    the phone drawing, whose least type (PHONE_LEAST_FONT points at PHONE_DPI) shows at least as large as the page's
    small print (the download line), with the key and source line as text under it; at 1280 px the wide drawing."""
    from kzfigures.charts.plotting import PHONE_DPI, PHONE_LEAST_FONT

    for path in (default_report / "04-in-context.html", default_report / "02-attacks-and-security.html"):
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.goto(path.as_uri(), wait_until="load")
        shown = page.eval_on_selector_all(".kz-chart img", "els => els.map(e => [e.currentSrc, "
                                          "e.getBoundingClientRect().width, e.naturalWidth])")
        small = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.kz-download')).fontSize)")
        assert shown
        for src, width, natural in shown:
            assert src.endswith("-phone.png"), src
            least = PHONE_LEAST_FONT / 72 * PHONE_DPI * width / natural  # CSS px of the smallest label
            assert least >= small, (src, least, small)
        assert page.locator(".kz-chart-key").first.is_visible()
        assert page.locator(".kz-chart-source").first.inner_text().startswith("Source:")
        page.close()
        wide = browser.new_page(viewport={"width": 1280, "height": 900})
        wide.goto(path.as_uri(), wait_until="load")
        assert not any(s.endswith("-phone.png") for s in wide.eval_on_selector_all(".kz-chart img",
                                                                                   "els => els.map(e => e.currentSrc)"))
        assert not wide.locator(".kz-chart-key").first.is_visible()
        wide.close()


def test_on_paper_an_address_is_printed_once_and_the_first_page_is_full(browser, default_report):
    """Issue 32: printed, a source's address came twice (as the link's words, then "(address)"), and a long table
    kept whole left the first page half empty. Read back from chromium's PDF with pypdf."""
    import io
    import re

    from pypdf import PdfReader

    page = browser.new_page()
    page.goto((default_report / "01-foreign-fighters.html").as_uri(), wait_until="load")
    printed = PdfReader(io.BytesIO(page.pdf(format="A4"))).pages
    page.close()
    words = [p.extract_text() for p in printed]
    text = re.sub(r"\s+", "", "".join(words))
    address = "astanatimes.com/2014/09/terrorism-presents-multi-pronged-threat"
    assert text.count(address) == 1, text.count(address)  # the footer's citation, once
    assert "quote:" in words[0] and len(words[0]) > 0.6 * len(words[1]), (len(words[0]), len(words[1]))
