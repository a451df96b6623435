"""Issue 25, the adversarial pass: each probe that broke, as a test that fails without its fix."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CHROMIUM, FLAGS, ROOT, as_built, read_rows, write_rows
from kzfigures.report.build import build_report

#: The full tier (make test): a real client, an install, or report builds of its own.
pytestmark = pytest.mark.full

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

    from kzfigures.collection.listing import list_notebooks
    from kzfigures.report.pages import exporter, for_readers

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
            page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
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


# -- 2. --only on a damaged report never loses a page it did not rebuild ------------------------------------------
@pytest.fixture(scope="module")
def two_page_report(tmp_path_factory, checkout_state) -> Path:
    """A report of 00 (built with search=fighters) and 01 (defaults), built by two --only runs (as checkout_state:
    a test compares a page it builds again with these bytes)."""
    out = tmp_path_factory.mktemp("two") / "reports"
    with as_built(checkout_state):
        build_report(out, parameters={"search": "fighters"}, only=["00"], **QUIET)
        build_report(out, only=["01"], **QUIET)
    return out


def test_only_on_a_damaged_report_rebuilds_the_damaged_page_with_its_parameters(two_page_report, tmp_path,
                                                                               same_checkout):
    from kzfigures.report.folders import damaged

    out = tmp_path / "reports"
    shutil.copytree(two_page_report, out)
    page = out / "00-article-in-numbers.html"
    page.write_bytes(page.read_bytes()[:100])
    lines: list[str] = []
    build_report(out, only=["01"], progress=lines.append)
    manifest = {p["name"]: p for p in json.loads((out / "manifest.json").read_text(encoding="utf-8"))}
    assert sorted(manifest) == ["00-article-in-numbers", "01-foreign-fighters"], lines
    assert manifest["00-article-in-numbers"]["parameters"] == {"search": "'fighters'"}
    assert damaged(out) == [] and page.read_bytes() == (two_page_report / page.name).read_bytes()
    assert any("00-article-in-numbers: damaged, so built again too (search = fighters)" in ln for ln in lines), lines


def test_only_on_a_report_whose_manifest_is_damaged_is_refused(two_page_report, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(two_page_report, out)
    (out / "manifest.json").write_text("[{", encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    done = run_cli("report", "--only", "01", "--output", str(out))
    assert done.returncode == 2 and "manifest.json cannot be read, so --only would lose" in one_line(done)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


# -- 3, 4. the cache key covers every file the descriptor can name, and the notebook's name ------------------------
def test_a_file_in_a_data_sub_folder_changes_the_key_and_the_file_state(package_copy):
    from kzfigures.figures.paths import file_state
    from kzfigures.report.cache import inputs_fingerprint

    (package_copy / "data" / "sub").mkdir()
    extra = package_copy / "data" / "sub" / "more.csv"
    extra.write_text("a\n1\n", encoding="utf-8")
    key, state = inputs_fingerprint(package_copy), file_state(package_copy)
    extra.write_text("a\n2\n", encoding="utf-8")
    assert inputs_fingerprint(package_copy) != key and file_state(package_copy) != state


def test_two_notebooks_with_the_same_bytes_have_their_own_pages(package_copy, tmp_path):
    from kzfigures.report.cache import inputs_fingerprint, page_key

    books = package_copy / "notebooks"
    shutil.copy2(books / "01-foreign-fighters.ipynb", books / "05-my-variant.ipynb")
    fingerprint = inputs_fingerprint(package_copy)
    assert page_key(fingerprint, books / "01-foreign-fighters.ipynb", {}) != \
        page_key(fingerprint, books / "05-my-variant.ipynb", {})
    out = tmp_path / "reports"
    options = dict(only=["01", "05"], root=package_copy, notebooks_folder=books, **QUIET)
    build_report(out, **options)
    assert (out / "05-my-variant.html").is_file() and (out / "01-foreign-fighters.html").is_file()
    assert build_report(out, **options).up_to_date


# -- 5. no formula cells in a CSV written for people ---------------------------------------------------------------
@pytest.mark.parametrize("field, written", [
    ('=HYPERLINK("http://x.example/?"&A1,"click")', '\'=HYPERLINK("http://x.example/?"&A1,"click")'),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\r=1", "'\n=1"),
    ("two\rlines", "two\nlines"),
    ("more than 15,000", "more than 15,000"), ("a=b", "a=b"), ("", ""),
])
def test_a_published_table_neutralises_formula_cells(tmp_path, field, written):
    import csv

    import pandas as pd

    from kzfigures.charts.outputs import Outputs

    outputs = Outputs()
    outputs.table(pd.DataFrame({"measure": [field], "=head": ["x"], "count": [-4]}), "t")
    outputs.save(tmp_path)
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as handle:
        header, row = list(csv.reader(handle))
    assert header == ["measure", "'=head", "count"] and row == [written, "x", "-4"]


# -- 7. lessons: every answer a student can type gets a box; require cannot be fooled by rebinding ----------------
def _answers():
    import math

    import numpy as np

    import kzfigures

    figures = kzfigures.load_figures()
    return [np.int64(7), np.float64(0.5), (250, 180), (math.nan, math.nan), (math.inf, math.inf), 10**400, -10**400,
            [1, 2, 3], figures[["figure_id"]].values, figures["figure_id"].values, figures.index, figures, b"x",
            {1: 2}, (np.int64(180), np.int64(250)), np.array([180, 250]), 1j, math.nan, (1, 2, 3), object(), True,
            "", (None, None), ("180", "250"), [(180, 250)], (0.0167, np.True_)]


def test_every_answer_a_student_can_type_gets_a_box_never_a_traceback():
    from kzfigures.classroom import lessons as L

    for key in sorted(L.ANSWER_KEY):
        for answer in _answers():
            feedback = L.check(*key, answer)  # raises nothing
            assert feedback.state in ("right", "as asked", "not yet", "unanswered"), (key, answer)
            assert "Traceback" not in feedback.text and len(feedback.text) < 400, (key, feedback.text)


@pytest.mark.parametrize("key, answer, words", [
    (("sources", "officials-count"), "np.int64(7)", "✓ Right"),
    (("reading", "karin-range"), "(np.int64(180), np.int64(250))", "✓ Right"),
    (("reading", "karin-range"), "(250, 180)", "lower end above its upper end"),
    (("reading", "karin-range"), "(math.nan, math.nan)", "is nan (not a number)"),
    (("reading", "karin-range"), "(math.inf, math.inf)", "both ends at inf"),
    (("reading", "least-thousands"), "10**400", "too large to compute with"),
    (("reading", "open-at-top"), "[1, 2, 3]", "a row number or value is not an id"),
    (("reading", "open-at-top"), "figures[['figure_id']].values", "one-item rows"),
])
def test_plausible_mistakes_get_words(key, answer, words):
    import math  # noqa: F401 - used by the answers

    import numpy as np  # noqa: F401

    import kzfigures
    from kzfigures.classroom import lessons as L

    figures = kzfigures.load_figures()  # noqa: F841
    assert words in repr(L.check(*key, eval(answer)))


def test_require_does_not_depend_on_names_the_notebook_can_rebind(monkeypatch):
    import math

    from kzfigures.classroom import lessons as L

    L.require("reading", "karin-range", (180, 250))
    monkeypatch.setattr(L, "_close", lambda a, b: True)
    monkeypatch.setattr(L, "check_bounds", lambda *a, **k: "yes")
    monkeypatch.setitem(L.ANSWER_KEY, ("reading", "karin-range"), lambda a, n: "yes")
    monkeypatch.setitem(vars(L), "check", lambda *a: L.Feedback("right", "yes"))  # past the module's guard
    monkeypatch.setattr(math, "isclose", lambda *a, **k: True)
    with pytest.raises(AssertionError, match="lower bound 1 is too low"):
        L.require("reading", "karin-range", (1, 2))

    class AlwaysEqual(tuple):
        def __eq__(self, other):
            return True

    with pytest.raises(AssertionError):
        L.require("reading", "karin-range", AlwaysEqual((1, 2)))
    L.require("reading", "karin-range", (180, 250))
    with pytest.raises(KeyError, match="no question 'nope'"):
        L.require("reading", "nope", 1)


# -- 8, 9. a hand-edited package: one line per problem naming file, row and column; nothing silently wrong ---------
def _descriptor(base: Path, change) -> None:
    path = base / "data" / "datapackage.json"
    body = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(change(body) or body), encoding="utf-8")


def _resource(body: dict, name: str) -> dict:
    return next(r for r in body["resources"] if r["name"] == name)


def _figures_text(base: Path, change) -> None:
    path = base / "data" / "figures.csv"
    path.write_bytes(change(path.read_bytes()))


def _first_row(edit):
    def change(rows):
        edit(rows[0])
    return change


BROKEN = {
    "310-digit number_text": (lambda b: _csv(b, _first_row(lambda r: r.update(
        number_text="1" * 310, quote=r["quote"].replace(r["number_text"], "1" * 310)))),
        "data/figures.csv, row foreign_fighters, column ", "has 310 significant digits, more than are kept exactly"),
    "a field over 128 KiB": (lambda b: _csv(b, _first_row(lambda r: r.update(notes="x" * 140_000))),
                             "data/figures.csv, row foreign_fighters, column notes:", "is 136 KiB long"),
    "a Latin-1 CSV": (lambda b: _figures_text(b, lambda raw: raw.decode("utf-8").replace(
        "more than 80", "more than 80 caf\u00e9", 1).encode("latin-1", "replace")),
        "data/figures.csv, row line ", "is not UTF-8: the file was saved in another encoding"),
    "a resource without schema": (lambda b: _descriptor(b, lambda d: _resource(d, "people").pop("schema") and None),
                                  "data/datapackage.json, row resource people, column schema:", "is missing"),
    "a resource without name": (lambda b: _descriptor(b, lambda d: _resource(d, "people").pop("name") and None),
                                "data/datapackage.json, row resource #", "column name: is missing"),
    "an unknown type": (lambda b: _descriptor(b, lambda d: _resource(d, "people")["schema"]["fields"][0].update(
        type="text")), "data/datapackage.json, row resource people, column person_id:", "type 'text' is not one of"),
    "a bad pattern": (lambda b: _descriptor(b, lambda d: _resource(d, "figures")["schema"]["fields"][0].setdefault(
        "constraints", {}).update(pattern="[a-z")), "data/datapackage.json, row resource figures, column figure_id:",
        "is not a regular expression"),
    "the descriptor a JSON list": (lambda b: _descriptor(b, lambda d: [d]),
                                   "data/datapackage.json, row -, column resources:", "is a JSON list"),
    "a duplicated header column": (lambda b: _figures_text(b, lambda raw: raw.replace(b"\n", b",notes\n", 1)),
                                   "data/figures.csv, row header, column notes:", "column appears twice"),
    "a row with an extra field": (lambda b: _figures_text(b, lambda raw: raw.replace(b"\n", b",extra\n", 2).replace(
        b",extra\n", b"\n", 1)), "data/figures.csv, row foreign_fighters, column ", "more than the header's"),
    "a descriptor nested 200,000 deep": (lambda b: (b / "data" / "datapackage.json").write_text(
        "[" * 200_000 + "]" * 200_000, encoding="utf-8"), "data/datapackage.json, row -, column -:",
        "cannot read the descriptor: maximum recursion depth"),
    "seed metadata that is a JSON list": (lambda b: next((b / "seeds").glob("*.json")).write_text("[1]"),
                                          "seeds/", "the metadata is a JSON list, not an object"),
    "seed metadata that cannot be read": (lambda b: next((b / "seeds").glob("*.json")).write_text('{"id": '),
                                          "data/figures.csv, row foreign_fighters, column seed_id:",
                                          "is not a readable seed (seeds: none readable); so do 20 more rows"),
    "a seed text outside seeds/": (lambda b: _seed_meta(b, file="/etc/passwd"), "column file:",
                                   "'/etc/passwd' is outside seeds/"),
    "a path outside data/": (lambda b: _descriptor(b, lambda d: _resource(d, "people").update(
        path="../../../../../../etc/passwd")), "data/datapackage.json, row resource people, column path:",
        "is outside data/"),
}


def _seed_meta(base: Path, **changes) -> None:
    path = next((base / "seeds").glob("*.json"))
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), **changes}), encoding="utf-8")


def _csv(base: Path, change) -> None:
    path = base / "data" / "figures.csv"
    rows = read_rows(path)
    change(rows)
    write_rows(path, rows)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_hand_edited_package_is_one_line_per_problem(package_copy, name):
    breaks, where, words = BROKEN[name]
    breaks(package_copy)
    done = run_cli("validate", env={"KZFIGURES_ROOT": str(package_copy)})
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if where in line and words in line]
    assert lines, done.stdout[:3000]
    assert "root:" not in done.stdout and all(len(line) < 400 for line in done.stdout.splitlines())


# -- 10. every data string reaches a chart as literal text ---------------------------------------------------------
def test_dollar_signs_in_data_are_drawn_as_written():
    import kzfigures
    from kzfigures import plotting, views

    figures = kzfigures.load_figures()
    rows = views.parts_of(figures, {"foreign_fighters": "all", "kz_fighters_karin": "Kazakhstan"})
    chart = plotting.interval_chart(rows, labels=["$5 and $10", "a_b^c"], name="t", title="costs $5 and $10",
                                    xlabel="$x$")
    svg = chart.svg()
    assert "$5 and $10" in svg and "costs $5 and $10" in svg  # drawn as text, as written
    assert "Oblique" not in svg  # no mathtext italics
    texts = [t.get_text() for t in chart.figure.findobj(lambda o: hasattr(o, "get_parse_math")) if t.get_text()]
    assert "$5 and $10" in texts and "costs $5 and $10" in texts


# -- 11. the installed package says what to install for the report ------------------------------------------------
BLOCK = '''
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"nbconvert", "papermill"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
'''


def test_the_report_without_its_packages_says_what_to_install(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCK, encoding="utf-8")
    out = tmp_path / "reports"
    done = run_cli("report", "--only", "00", "--output", str(out),
                   env={"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])})
    assert done.returncode == 1 and not out.exists()
    assert one_line(done) == ("kzfigures: error: kzfigures report needs packages that are not installed "
                              "(nbconvert, papermill): pip install 'kzfigures[report]'")


def test_the_report_extra_declares_every_package_the_report_imports():
    import re
    import tomllib

    from kzfigures.cli import REPORT_MODULES

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    declared = {re.split(r"[<>=!~ ]", spec)[0].lower() for spec in extra["report"]}
    assert declared == {p.lower() for p in REPORT_MODULES.values()}
    import ast

    imported = set()
    for path in (ROOT / "src" / "kzfigures").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    from importlib.metadata import packages_distributions

    core = {re.split(r"[<>=!~ ]", spec)[0].lower() for spec in
            tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]}
    given = {name for name, dists in packages_distributions().items() if {d.lower() for d in dists} & core}
    third_party = imported - set(sys.stdlib_module_names) - given - {"kzfigures", "numpy", "IPython", "__future__"}
    curate = {re.split(r"[<>=!~ ]", spec)[0].lower() for spec in extra["curate"]}  # notebook 05's view only
    assert third_party <= set(REPORT_MODULES) | curate, third_party - set(REPORT_MODULES) - curate


# -- 12. a kill -9 between the swap's two renames is finished by the next build -----------------------------------
KILL_AT_SECOND_RENAME = '''
import os, signal, sys
from pathlib import Path
from kzfigures.report.build import build_report
out = Path(sys.argv[1])
real = Path.rename
def rename(self, target):
    if Path(target) == out and self.name.startswith(f".{out.name}.building-"):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(self, target)
Path.rename = rename
build_report(out, parameters={"search": "officers"}, only=["00"], progress=lambda line: None)
'''


def _beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_a_kill_between_the_two_renames_is_finished_by_the_next_build(two_page_report, tmp_path):
    from kzfigures.report.folders import damaged

    out = tmp_path / "reports"
    shutil.copytree(two_page_report, out)
    done = subprocess.run([sys.executable, "-c", KILL_AT_SECOND_RENAME, str(out)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == -9, done.stderr[-2000:]
    assert not out.exists() and len(_beside(out)) == 3, _beside(out)  # the built and old reports, the journal
    lines: list[str] = []
    result = build_report(out, parameters={"search": "officers"}, only=["00"], progress=lines.append)
    assert any("finished, " in line and "is the new report" in line for line in lines), lines
    assert result.up_to_date and damaged(out) == [] and _beside(out) == []
    manifest = {p["name"]: p for p in json.loads((out / "manifest.json").read_text(encoding="utf-8"))}
    assert manifest["00-article-in-numbers"]["parameters"] == {"search": "'officers'"}
    assert sorted(manifest) == ["00-article-in-numbers", "01-foreign-fighters"]


def test_an_unfinished_new_report_gives_the_old_one_back(two_page_report, tmp_path):
    from kzfigures.report.folders import WORK_MARKER, damaged
    from kzfigures.report.publish import begin_swap, recover_swap

    out = tmp_path / "reports"
    retired, built = tmp_path / ".reports.old-999999", tmp_path / ".reports.building-999999"
    shutil.copytree(two_page_report, retired)
    built.mkdir()
    (built / "index.html").write_text("half", encoding="utf-8")  # no marker: not a finished report
    begin_swap(out, built, retired)
    (retired / WORK_MARKER).write_text("999999", encoding="utf-8")
    lines: list[str] = []
    recover_swap(out, lines.append)
    assert damaged(out) == [] and not (out / WORK_MARKER).exists() and _beside(out) == []
    assert any("is the previous report again" in line for line in lines)


# -- low: a killed build leaves no kernel connection file (it holds the kernel's HMAC key) in TMPDIR ---------------
def test_a_build_killed_outright_leaves_its_kernels_key_only_for_the_next_build_to_remove(tmp_path):
    """Each kernel's connection file is written in a work folder of the build beside the output, not in TMPDIR: a
    build killed outright leaves it there, and the next build removes it first (remove_stale). This replaces the
    expected failure of the warm-kernel server's race (issue 33 item 16)."""
    import signal
    import time

    from kzfigures.report.folders import remove_stale

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out" / "reports"
    proc = subprocess.Popen([sys.executable, "-m", "kzfigures.cli", "report", "--only", "00", "--no-cache",
                             "--output", str(out)], stderr=subprocess.DEVNULL, cwd=ROOT,
                            env={**os.environ, "TMPDIR": str(tmp)})
    deadline = time.monotonic() + 240
    while not list(out.parent.glob(".reports.kernels-*/*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)  # the kernel's connection file is written
    (key,) = out.parent.glob(".reports.kernels-*/*.json")
    assert key.stat().st_mode & 0o077 == 0
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert sorted(p.name for p in tmp.rglob("*")) == []
    remove_stale(out)  # what the next build does first, under the lock
    assert sorted(p.name for p in out.parent.iterdir()) == []  # no lock file beside the output either


# -- low: the cache ------------------------------------------------------------------------------------------------
def test_a_page_from_the_cache_gets_this_builds_umask(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("KZFIGURES_CACHE", str(cache))
    old = os.umask(0o077)
    try:
        build_report(tmp_path / "first", only=["00"], **QUIET)
    finally:
        os.umask(old)
    assert all(p.stat().st_mode & 0o077 == 0 for p in cache.rglob("*") if p.is_file())
    old = os.umask(0o022)
    try:
        out = build_report(tmp_path / "second", only=["00"], **QUIET).output
    finally:
        os.umask(old)
    modes = {oct(p.stat().st_mode & 0o777) for p in out.rglob("*") if p.is_file()}
    assert modes == {"0o644"}, modes


def test_two_builds_storing_one_key_leave_no_partial_folder(tmp_path, monkeypatch):
    from kzfigures.report import cache as cache_module

    page = tmp_path / "page"
    page.mkdir()
    (page / "a.html").write_text("page", encoding="utf-8")
    cache, real = tmp_path / "cache", Path.rename

    def other_build_first(self, target):  # the other build renames its partial entry in just before this one
        if ".partial-" in self.name and not Path(target).exists():
            shutil.copytree(self, target)
        return real(self, target)

    monkeypatch.setattr(Path, "rename", other_build_first)
    cache_module.store(cache, "k", {"a.html": page / "a.html"}, replace=True)
    assert sorted(p.name for p in cache.iterdir()) == ["k"]
    assert cache_module.fetch(cache, "k", tmp_path / "into") and (tmp_path / "into" / "a.html").is_file()


# -- low: progress lines, notebooks that are not built --------------------------------------------------------------
def test_progress_lines_said_at_once_never_share_a_line(monkeypatch):
    import threading
    import time

    from kzfigures.report.build import say_on_stderr

    class Slow:
        """A stderr whose every write takes a moment, as a busy terminal's does."""

        def __init__(self) -> None:
            self.text = ""

        def write(self, text: str) -> int:
            time.sleep(0.002)
            self.text += text
            return len(text)

        def flush(self) -> None:
            pass

    slow = Slow()
    monkeypatch.setattr(sys, "stderr", slow)
    threads = [threading.Thread(target=lambda n=n: [say_on_stderr(f"      0{n}: running…") for _ in range(5)])
               for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slow.text.splitlines()) == sorted(f"      0{n}: running…" for n in range(4) for _ in range(5))


def test_a_notebook_named_with_a_space_or_an_accent_is_named_not_ignored(package_copy, tmp_path):
    books = package_copy / "notebooks"
    shutil.copy2(books / "01-foreign-fighters.ipynb", books / "05-my variant.ipynb")
    shutil.copy2(books / "01-foreign-fighters.ipynb", books / "06-Café.ipynb")
    lines: list[str] = []
    build_report(tmp_path / "reports", only=["00"], root=package_copy, notebooks_folder=books,
                 progress=lines.append)
    assert ("notebooks/05-my variant.ipynb is not built: a notebook's name has only a-z, 0-9 and dashes "
            "(NN-topic.ipynb); rename it 05-my-variant.ipynb") in lines
    assert any(line.startswith("notebooks/06-Café.ipynb is not built") and line.endswith("rename it 06-cafe.ipynb")
               for line in lines), lines


def test_a_look_alike_character_in_a_quote_is_pointed_at(package_copy, edit_csv):
    from kzfigures.figures.validation import validate_package

    def cyrillic(rows):
        row = next(r for r in rows if r["figure_id"] == "kz_fighters_karin")
        at = row["quote"].index("a")
        row["quote"] = row["quote"][:at] + "\u0430" + row["quote"][at + 1:]
        return rows

    edit_csv(package_copy, "figures.csv", cyrillic)
    (problem,) = [str(p) for p in validate_package(package_copy) if p.column == "quote"]
    assert "the quote is not in the text at all; at character " in problem
    assert "has 'а' (U+0430 CYRILLIC SMALL LETTER A) where the text has 'a' (U+0061 LATIN SMALL LETTER A)" in problem


@pytest.mark.parametrize("value", ["a\x01b", "line1\nline2", "\x1b[31mred", "abc\u202edcba"])
def test_a_text_parameter_with_a_control_character_is_refused(value):
    done = run_cli("report", "--only", "00", "-p", "search", value, "--output", "/nonexistent/never-made")
    assert done.returncode == 2 and "parameter search: it holds the control character U+" in one_line(done)


def test_a_build_killed_while_storing_leaves_no_partial_entry_for_ever(tmp_path):
    from kzfigures.report import cache as cache_module

    cache = tmp_path / "cache"
    left = cache / f".k.partial-{2**22 + 4321}"  # a build killed while it stored: its process is gone
    left.mkdir(parents=True)
    (left / "a.html").write_text("half", encoding="utf-8")
    (tmp_path / "a.html").write_text("page", encoding="utf-8")
    cache_module.store(cache, "other", {"a.html": tmp_path / "a.html"})
    assert sorted(p.name for p in cache.iterdir()) == ["other"]


@pytest.mark.parametrize("inside", ["data", "seeds"])
def test_an_output_inside_the_data_it_is_built_from_is_refused(package_copy, inside):
    before = sorted(p.relative_to(package_copy).as_posix() for p in package_copy.rglob("*"))
    done = run_cli("report", "--only", "00", "--output", str(package_copy / inside / "out"),
                   env={"KZFIGURES_ROOT": str(package_copy)})
    assert done.returncode == 2 and f"is inside {inside}/, one of the project's own folders" in one_line(done)
    assert sorted(p.relative_to(package_copy).as_posix() for p in package_copy.rglob("*")) == before


def test_a_damaged_page_of_another_article_is_rebuilt_from_its_notebook_with_its_article():
    from kzfigures.collection.listing import list_notebooks
    from kzfigures.report.plan import repairs

    page = {"name": "00-article-in-numbers--other-2015", "title": "00: other", "html": "00-article-in-numbers--other"
            "-2015.html", "notebook": "notebooks/00-article-in-numbers--other-2015.ipynb",
            "parameters": {"article": "'other-2015'"}}
    lines: list[str] = []
    ((nb, values, article),) = repairs([page], [page["html"]], {"01-foreign-fighters"}, list_notebooks(), lines.append)
    assert nb.name == page["name"] and nb.path.name == "00-article-in-numbers.ipynb" and article == "other-2015"
    assert values == {"article": "other-2015"} and "damaged, so built again too (article = other-2015)" in lines[0]


# Adversarial H1: an added article curated under the flagship's topics changed the flagship's pages (its figures in
# page 02's table and chart, credited to the flagship's publisher; 22 distinct figures on the index, not 20). Built
# in real kernels, each flagship page is the committed notebook byte for byte, and the index says the flagship's
# findings.
def test_an_added_curated_article_leaves_every_flagship_page_as_committed(package_copy, tmp_path):
    from kzfigures.report.findings import findings
    from test_articles import _curated

    new_id = _curated(package_copy)
    pages = ["00-article-in-numbers", "01-foreign-fighters", "02-attacks-and-security", "03-legal-penalties",
             "04-in-context"]
    out = tmp_path / "reports"
    build_report(out, only=[p[:2] for p in pages], root=package_copy, use_cache=False, **QUIET)
    assert (out / "notebooks" / f"00-article-in-numbers--{new_id}.ipynb").is_file()  # the added article's own page
    for page in pages:
        assert (out / "notebooks" / f"{page}.ipynb").read_bytes() == (ROOT / "notebooks" / f"{page}.ipynb").read_bytes()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "The article states 20 distinct figures" in index
    assert [f.text for f in findings(package_copy, pages={"04-in-context": {"last_year": 2022}})] == [
        f.text for f in findings(ROOT, pages={"04-in-context": {"last_year": 2022}})]
