"""Curating an article as a person does (issue 29 part 7): JupyterLab on 127.0.0.1, Debian's chromium through
Playwright, notebooks/05-curate.ipynb on a test article the project wrote (tests/articles/harbour-plan.txt): accept,
edit a unit, read bounds otherwise with a reason, reject to a non-figure, add a missed figure by selecting its words
with the mouse, undo, save; then validate is clean and notebook 00 shows the curated article. Screenshots go to
build/test-artifacts/. Skipped, saying why, where no chromium is installed (see test_browser.py)."""
from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT
from kzfigures import load_figures, proposals, validate_package
from kzfigures.figures.articles import add_article
from kzfigures.figures.draft import draft_article
from test_browser import ARTEFACTS
from test_jupyterlab import open_notebook, run_all, serving_lab

pytestmark = pytest.mark.full
HARBOUR = ROOT / "tests" / "articles" / "harbour-plan.txt"


@pytest.fixture(scope="module")
def curating_lab(tmp_path_factory):
    """A project copy with the harbour article drafted, notebook 05 set to it, and JupyterLab serving it (its kernels
    read that copy through KZFIGURES_ROOT); yields (url, root, article)."""
    root = tmp_path_factory.mktemp("curate")
    for folder in ("seeds", "data", "notebooks"):
        shutil.copytree(ROOT / folder, root / folder)
    article = add_article(HARBOUR, "Harbour plan approved", "Test Gazette", "2024-05-06", root=root)
    draft_article(article, root=root)
    path = root / "notebooks" / "05-curate.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"][0] = f'article: str = "{article}"  # which article: an id from kzfigures.articles()\n'
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    with serving_lab(root, tmp_path_factory.mktemp("curate-home"), "jupyterlab-curate.log",
                     KZFIGURES_ROOT=str(root)) as url:
        yield url, root, article


def _progress(view, words: str) -> None:
    """Wait until the view's progress line says ``words`` (the kernel answers each click)."""
    view.locator(".kz-progress").filter(has_text=words).wait_for(timeout=30_000)


def _card(view, words: str) -> None:
    """Wait until the proposal under review is the one of ``words``."""
    view.locator(".kz-card").filter(has_text=f"“{words}”").wait_for(timeout=30_000)


def _select_with_the_mouse(page, view, words: str) -> None:
    """Select ``words`` in the article by dragging the mouse over them, as a person does."""
    box = page.evaluate("""(words) => {
        const article = document.querySelector('.kz-curate .kz-article');
        const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.textContent.indexOf(words);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + words.length);
            range.startContainer.parentElement.scrollIntoView({block: 'center'});
            const rects = range.getClientRects();
            const first = rects[0], last = rects[rects.length - 1];
            return {x0: first.left + 1, y0: first.top + first.height / 2, x1: last.right - 1,
                    y1: last.top + last.height / 2};
        }
        return null;
    }""", words)
    assert box, f"{words!r} is not in the article shown"
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, (box["y0"] + box["y1"]) / 2, steps=4)
    page.mouse.move(box["x1"], box["y1"], steps=4)
    page.mouse.up()


def _edit(view, fields: dict[str, str]) -> None:
    """Edit…, fill the fields, accept with them."""
    view.locator("button.kz-edit").click()
    form = view.locator("form.kz-form")
    for name, value in fields.items():
        form.locator(f"input[name={name}]").fill(value)
    form.locator("button.kz-accept-changes").click()


#: What a phone-width view measures: the article's and the view's widths, the card's place, the page's and the view's
#: scrolling widths, and every control shown that is under 44 px tall or reaches past the window's right edge (a
#: checkbox is tapped through its label).
PHONE = """() => { const v = document.querySelector('.kz-curate'), box = (s) => v.querySelector(s).getBoundingClientRect();
  const shown = [...v.querySelectorAll('button, select, input')].filter(e => e.offsetParent !== null);
  const target = (e) => (e.type === 'checkbox' ? e.closest('label') : e).getBoundingClientRect();
  return {view: v.getBoundingClientRect().width, article: box('.kz-article').width,
    articleBottom: box('.kz-article').bottom, articleRight: box('.kz-article').right, sideTop: box('.kz-side').top,
    sideLeft: box('.kz-side').left, page: document.documentElement.scrollWidth, window: window.innerWidth,
    viewScroll: v.scrollWidth - v.clientWidth, controls: shown.length,
    small: shown.filter(e => target(e).height < 44).map(e => e.className || e.name),
    outside: shown.filter(e => target(e).right > window.innerWidth).map(e => e.className || e.name)}; }"""


def _run_to_the_view(page):
    """Run All on notebook 05: no error, and the view open on the first of the article's seven proposals."""
    seen = run_all(page, 0)
    assert seen["errors"] == 0 and "Traceback" not in seen["text"], seen["text"][-2000:]
    view = page.locator(".kz-curate")
    view.wait_for(timeout=60_000)
    _progress(view, "0 of 7 decided")
    _card(view, "five years")
    return view


def test_on_a_phone_the_article_is_full_width_the_card_under_it_every_control_tappable(browser, curating_lab):
    """At 390 by 560 px (a phone with its browser's bars shown; the file browser Lab opens beside the notebook
    closed, as a person on a phone does) the article's text takes the view's width, not one word a line, the card comes
    under it, every control shown is at least 44 px tall and inside the window, and nothing scrolls sideways; Next
    moves the mark inside the article's box, the notebook staying put; words selected without a mouse (a long press)
    are offered as a figure; widened to 1280 px, the card is beside the article again."""
    url, root, _ = curating_lab
    page = open_notebook(browser, (url, root), "notebooks/05-curate.ipynb", width=390, height=560)
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
    page.wait_for_selector("#jp-left-stack", state="hidden")
    view = _run_to_the_view(page)
    view.locator(".kz-card").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTEFACTS / "lab-curate-phone.png"))
    for opened in ("none", "button.kz-edit", "button.kz-reject"):
        if opened != "none":
            view.locator(opened).click()
        got = page.evaluate(PHONE)
        assert got["view"] > 250 and got["article"] >= got["view"] - 1, got
        assert got["sideTop"] >= got["articleBottom"], got
        assert got["page"] <= got["window"] and got["viewScroll"] <= 0, got
        assert got["controls"] >= 6 and got["small"] == [] and got["outside"] == [], (opened, got)
        if opened == "button.kz-edit":
            view.locator("form.kz-form input[name=lower_open]").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTEFACTS / "lab-curate-phone-edit.png"))

    # the card's buttons under the article: Next (or Accept) shows the next mark inside the article's own box, and
    # the notebook stays where it is, the buttons under the person's thumb
    view.locator("button.kz-next").scroll_into_view_if_needed()
    where = "() => document.querySelector('.jp-WindowedPanel-outer').scrollTop"
    before = page.evaluate(where)
    for words in ("£240m", "one", "About 1,200", "one in four", "first", "2027"):
        view.locator("button.kz-next").click()
        _card(view, words)
    assert abs(page.evaluate(where) - before) < 2, (before, page.evaluate(where))
    shown = page.evaluate("""() => { const a = document.querySelector('.kz-curate .kz-article');
      const box = a.getBoundingClientRect(), mark = a.querySelector('mark.kz-current').getBoundingClientRect();
      return [a.scrollHeight > a.clientHeight, box.top <= mark.top && mark.bottom <= box.bottom]; }""")
    assert shown == [True, True], "the last mark of an article taller than its box is not scrolled into the box"

    page.evaluate("""(words) => { const article = document.querySelector('.kz-curate .kz-article');
      const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent.indexOf(words);
        if (at >= 0) { window.getSelection().setBaseAndExtent(node, at, node, at + words.length); return; } } }""",
                  "A score of")
    view.locator(".kz-selection").filter(has_text="“A score of”").wait_for(timeout=10_000)
    assert view.locator(".kz-selection button.kz-propose").bounding_box()["height"] >= 44

    page.set_viewport_size({"width": 1280, "height": 900})
    # JupyterLab lays its panels out again after a resize on its own time (seconds on a loaded machine)
    page.wait_for_function("() => document.querySelector('.kz-curate').getBoundingClientRect().width > 400",
                           timeout=60_000)
    wide = page.evaluate(PHONE)
    assert wide["sideLeft"] >= wide["articleRight"] and wide["article"] > 400, wide
    page.close()


def test_a_person_curates_an_article_in_jupyterlab(browser, curating_lab):
    url, root, article = curating_lab
    page = open_notebook(browser, (url, root), "notebooks/05-curate.ipynb")
    view = _run_to_the_view(page)
    assert view.locator(".kz-article mark.kz-proposed, .kz-article mark.kz-current").count() == 7
    view.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTEFACTS / "lab-curate-start.png"))
    view.screenshot(path=str(ARTEFACTS / "lab-curate-view.png"))  # the view alone, for docs/images

    # “within five years”: the words say at most five; a reason is required, and asked for in one line
    _edit(view, {"lower": "0"})
    view.locator(".kz-message.kz-error").filter(has_text="needs override_reason").wait_for(timeout=30_000)
    _progress(view, "0 of 7 decided")
    view.locator("form.kz-form input[name=override_reason]").fill("“within five years”: at most five, not five")
    view.locator("form.kz-form button.kz-accept-changes").click()
    _progress(view, "1 of 7 decided; 1 not saved yet")

    _card(view, "£240m")
    view.locator("button.kz-accept").click()  # a right proposal: one click
    _progress(view, "2 of 7 decided")

    _card(view, "one")
    view.locator("button.kz-reject").click()
    reason = 'pronoun: "one of the longest meetings" <b>not</b> a count'  # text from a person stays text
    view.locator("input.kz-reason").fill(reason)
    view.locator("button.kz-reject-confirm").click()
    _progress(view, "3 of 7 decided")
    decided = view.locator(".kz-article mark.kz-decided").filter(has_text="one").first
    assert reason in decided.get_attribute("title") and view.locator(".kz-curate b").count() == 0

    _card(view, "About 1,200")
    _edit(view, {"unit": "workers", "measure": "people working at the harbour"})
    _progress(view, "4 of 7 decided")

    _card(view, "one in four")
    view.locator("button.kz-accept").click()
    _progress(view, "5 of 7 decided")
    view.locator("button.kz-undo").click()  # taken back, and decided again
    _progress(view, "4 of 7 decided")
    view.locator(".kz-message").filter(has_text="undone: accepted “one in four”").wait_for(timeout=30_000)
    view.locator(f".kz-article mark[data-pid$='_at_{HARBOUR.read_text(encoding='utf-8').index('one in four')}']").click()
    _card(view, "one in four")
    view.locator("button.kz-accept").click()
    _progress(view, "5 of 7 decided")
    for words in ("first", "2027"):  # proposed as not figures, and right
        _card(view, words)
        view.locator("button.kz-accept").click()
    _progress(view, "7 of 7 decided; 7 not saved yet")

    _select_with_the_mouse(page, view, "A score of")
    view.locator(".kz-selection").wait_for(timeout=30_000)
    view.screenshot(path=str(ARTEFACTS / "lab-curate-selected.png"))
    view.locator(".kz-selection button.kz-propose").click()
    _card(view, "A score of")
    _edit(view, {"lower": "20", "upper": "20", "override_reason": "a score is twenty", "unit": "firms",
                 "measure": "local firms asking to take part"})
    _progress(view, "8 of 8 decided; 8 not saved yet")
    view.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTEFACTS / "lab-curate-decided.png"))

    view.locator("button.kz-save").click()
    view.locator(".kz-message").filter(has_text="saved 8 decision(s)").wait_for(timeout=60_000)
    _progress(view, "8 of 8 decided")

    # a saved decision taken back in the view: its mark clicked, Take back, its proposal to decide again
    at = HARBOUR.read_text(encoding="utf-8").index("£240m")
    view.locator(f".kz-article mark.kz-decided[data-pid$='_at_{at}']").click()
    view.locator(".kz-card").filter(has_text="Saved: accepted “£240m”").wait_for(timeout=30_000)
    view.scroll_into_view_if_needed()
    view.screenshot(path=str(ARTEFACTS / "lab-curate-take-back.png"))
    view.locator("button.kz-take-back").click()
    view.locator(".kz-message").filter(has_text="taken back: accepted “£240m”").wait_for(timeout=60_000)
    _progress(view, "7 of 8 decided")
    _card(view, "£240m")
    view.screenshot(path=str(ARTEFACTS / "lab-curate-taken-back.png"))
    assert "£240m" in proposals(article, root)["number_text"].tolist()
    view.locator("button.kz-accept").click()
    view.locator("button.kz-save").click()
    view.locator(".kz-message").filter(has_text="saved 1 decision(s)").wait_for(timeout=60_000)
    page.close()

    assert validate_package(root) == []
    figures = load_figures(root, seed=article).set_index("number_text")
    assert set(figures.index) == {"five years", "£240m", "About 1,200", "one in four", "A score of"}
    assert figures.loc["About 1,200", "unit"] == "workers"
    assert (figures.loc["five years", "lower"], figures.loc["five years", "upper"]) == (0, 5)
    assert figures.loc["A score of", "override_reason"] == "a score is twenty"
    assert proposals(article, root).empty

    from kzfigures.report.execute import execute

    nb = execute(root / "notebooks" / "00-article-in-numbers.ipynb", None, {"article": article},
                 env={"KZFIGURES_ROOT": str(root)})
    shown = "\n".join(str(out) for cell in nb.cells for out in cell.get("outputs", []))
    assert "0 proposed, 5 curated" in shown and "read as at most 5 by the curator" in shown
    assert "Traceback" not in shown



ECONOMY = ROOT / "tests" / "articles" / "economy-budget.txt"
#: The notebook's cells and which is active, as JupyterLab holds them (a key JupyterLab handled would change them).
CELLS = """() => { const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  return [cells.map(c => c.classList.contains('jp-CodeCell') ? 'code' : 'markdown'),
          cells.findIndex(c => c.classList.contains('jp-mod-active')),
          document.querySelector('.jp-Notebook').classList.contains('jp-mod-commandMode')]; }"""


def _choose(page, form, path) -> None:
    """Click the form's file button and choose ``path`` in the file chooser it opens, as a person does."""
    with page.expect_file_chooser() as chooser:
        form.locator(".widget-upload").click()
    chooser.value.set_files(str(path))


def test_a_teacher_uploads_a_file_and_curates_it_with_the_keys(browser, curating_lab):
    """Issue 29 part 4 (a file uploaded, beside pasting) and the view's keys: a .txt file chosen in the form, its
    title, publisher and date typed, one click opens it drafted in the view; then a accept, u undo, j/k and the
    arrows next and previous, e edit, r reject, each answered by the view and none seen by JupyterLab (whose own
    a, j, k would insert a cell or move the active one)."""
    url, root, _ = curating_lab
    page = open_notebook(browser, (url, root), "notebooks/05-curate.ipynb")
    seen = run_all(page, 0)
    assert seen["errors"] == 0 and "Traceback" not in seen["text"], seen["text"][-2000:]
    form = page.locator(".kz-upload")
    form.wait_for(timeout=60_000)
    form.scroll_into_view_if_needed()
    (root / "refused.txt").write_bytes(b"The port handled 12 ships.\x1b[2J\n")
    _choose(page, form, root / "refused.txt")
    for name, value in (("title", "Budget gap widens"), ("publisher", "Test Gazette"), ("published", "2024-07-24")):
        form.locator(".widget-text", has_text=name).locator("input").fill(value)
    form.get_by_role("button", name="Add, draft and curate").click()
    form.locator(".kz-upload-message").filter(has_text="refused.txt holds the control character U+001B").wait_for(
        timeout=30_000)
    _choose(page, form, ECONOMY)
    form.get_by_role("button", name="Add, draft and curate").click()
    form.locator(".kz-upload-message").filter(has_text="added economy-budget.txt as ").wait_for(timeout=60_000)
    form.screenshot(path=str(ARTEFACTS / "lab-curate-upload.png"))
    view = page.locator(".kz-curate")
    view.locator(".kz-message").filter(has_text="now curating test-gazette-2024-07-24-budget").wait_for(timeout=30_000)
    _progress(view, "0 of 18 decided")
    _card(view, "£10.8bn")
    assert "a accept · e edit · r reject · u undo" in view.locator(".kz-keys").inner_text()

    view.locator(".kz-article span").first.click()  # the view has the focus; the notebook is in command mode
    before = page.evaluate(CELLS)
    for key, words in (("j", "$21bn"), ("ArrowRight", "0.4%"), ("k", "$21bn"), ("ArrowLeft", "£10.8bn")):
        page.keyboard.press(key)
        _card(view, words)
    page.keyboard.press("a")
    _progress(view, "1 of 18 decided; 1 not saved yet")
    _card(view, "$21bn")
    page.keyboard.press("u")
    _progress(view, "0 of 18 decided")
    view.locator(".kz-message").filter(has_text="undone: accepted “£10.8bn”").wait_for(timeout=30_000)
    page.keyboard.press("e")
    unit = view.locator("form.kz-form input[name=unit]")
    unit.wait_for(timeout=10_000)
    assert unit.evaluate("e => e === document.activeElement")
    page.keyboard.type(" ja")  # keys typed in a field are the field's: no accept, no next
    assert unit.input_value().endswith(" ja") and view.locator(".kz-progress").inner_text() == "0 of 18 decided"
    view.locator(".kz-article span").first.click()
    page.keyboard.press("r")
    assert view.locator("form.kz-rejecting").is_visible()
    assert view.locator(".kz-reason-pick").evaluate("e => e === document.activeElement")
    view.screenshot(path=str(ARTEFACTS / "lab-curate-keys.png"))
    view.locator(".kz-article span").first.click()
    for key in ("d", "d", "x", "m", "b", "Enter"):  # JupyterLab's: delete, cut, Markdown, insert, edit the cell
        page.keyboard.press(key)
    _progress(view, "0 of 18 decided")
    assert page.evaluate(CELLS) == before, "JupyterLab saw a key pressed in the view"
    assert before[2], "the notebook was not in command mode, where JupyterLab's keys act"
    page.close()


def test_an_article_pasted_into_the_parameters_cell_is_kept_as_pasted(browser, curating_lab):
    """Issue 33: a person pastes (Ctrl+V, the clipboard) an article ending with a quote and holding C:\\users and a
    typed \\n on the empty line of pasted_text, fills in its title, publisher and date, and runs all: the article is
    added word for word, every cell runs, no error. (Last in this file: the pasted article stays in the copy.)"""
    url, root, _ = curating_lab
    text = ('Astana, 3 March 2025. Files in C:\\users\\new hold 40 reports, typed \\n as is. "More than 300 firms '
            'took part," the minister said. "We will go on."')
    page = open_notebook(browser, (url, root), "notebooks/05-curate.ipynb")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    lines = page.locator(".jp-CodeCell").first.locator(".cm-line")
    for at, value in ((1, "Firms took part"), (2, "Test Daily"), (3, "2025-03-03")):  # inside each field's quotes
        lines.nth(at).click()
        page.keyboard.press("End")
        for _ in range(len(lines.nth(at).inner_text()) - lines.nth(at).inner_text().index('""') - 1):
            page.keyboard.press("ArrowLeft")
        page.keyboard.insert_text(value)
    lines.nth(6).click()  # the empty line between the triple quotes
    page.evaluate("t => navigator.clipboard.writeText(t)", text)
    page.keyboard.press("Control+V")
    page.screenshot(path=str(ARTEFACTS / "lab-curate-pasted.png"))
    seen = run_all(page, 0)
    assert seen["errors"] == 0 and "Traceback" not in seen["text"], seen["text"][-2000:]
    said = seen["text"][seen["text"].find("nothing is added twice"):][:1500]
    assert "added the pasted article as test-daily-2025-03-03-firms-took-part" in said, said
    assert (root / "seeds" / "test-daily-2025-03-03-firms-took-part.txt").read_text(encoding="utf-8") == text + "\n"
    page.close()
