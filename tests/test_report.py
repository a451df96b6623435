"""The report checked as a reader would: the default report (built once per run, shared with test_notebooks), and in
the full tier the same checks on one built with non-default parameters for every notebook, and what they change."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CACHE_ENV, ROOT
from kzfigures.collection.listing import list_notebooks
from kzfigures.report.build import build_report

PARAMS = {"search": "Karin", "population": 20_000_000, "decimals": 3, "include_restatements": True,
          "show_reference_places": False, "timeline_start_year": 2013, "show_external_events": False}


@pytest.fixture(scope="module")
def report(tmp_path_factory, default_report) -> Path:
    """Built with the default report's cache: the notebooks these parameters change run, the others (the lessons,
    04) are the default report's pages, as their cache keys say nothing they depend on changed."""
    out = tmp_path_factory.mktemp("built") / "reports"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(default_report.parent / "cache"))
        build_report(out, PARAMS, progress=lambda line: None)
    return out


@pytest.fixture(params=["defaults", pytest.param("parameters", marks=pytest.mark.full)])
def built(request) -> Path:
    """A report as a reader finds it: the default one (the fast tier), and the one built with parameters (the full
    tier: four more kernels)."""
    return request.getfixturevalue("default_report" if request.param == "defaults" else "report")


def executed(report: Path, stem: str) -> str:
    """All text outputs of an executed notebook in the report."""
    nb = json.loads((report / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", (stem, out)
            parts.append("".join(out.get("text", "")))
            for key in ("text/plain", "text/markdown", "text/html"):
                parts.append("".join(out.get("data", {}).get(key, "")))
    return "\n".join(parts)


def cell_output(report: Path, stem: str, needle: str) -> str:
    """The text outputs of the one cell whose source contains needle."""
    nb = json.loads((report / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if c["cell_type"] == "code" and needle in "".join(c["source"])]
    return "\n".join("".join(o.get("data", {}).get("text/plain", o.get("text", ""))) for o in cell["outputs"])


@pytest.mark.full  # the report built with parameters: four more kernels, 11 s of CPU (the reader checks use the default)
def test_parameters_change_00(report):
    found = cell_output(report, "00-article-in-numbers", "find_figures(")
    assert "kz_fighters_karin" in found and "attacks_since_2011" not in found


@pytest.mark.full  # the report built with parameters: four more kernels, 11 s of CPU (the reader checks use the default)
def test_parameters_change_01(report):
    text = executed(report, "01-foreign-fighters")
    assert "per 1,000,000 inhabitants: between 9.00 and 12.50" in text
    assert "under 1.667%" in text


@pytest.mark.full  # the report built with parameters: four more kernels, 11 s of CPU (the reader checks use the default)
def test_parameters_change_02(report):
    text = executed(report, "02-attacks-and-security")
    assert "attacks_prevented_restated" in text
    assert "Almaty" in text and "Astana (" not in text


@pytest.mark.full  # the report built with parameters: four more kernels, 11 s of CPU (the reader checks use the default)
def test_parameters_change_03(report):
    text = executed(report, "03-legal-penalties")
    assert "Since 2004" not in text.split("Timeline:")[-1].split("\n")[0]
    assert "(external)" not in text


def test_index_links_every_page_and_asset(built):
    report = built
    index = (report / "index.html").read_text(encoding="utf-8")
    pages = sorted(p.name for p in report.glob("*.html") if p.name != "index.html")
    assert pages == sorted(f"{nb.name}.html" for nb in list_notebooks())
    links = set(re.findall(r'(?:href|src)="([^"]+)"', index))
    for page in pages:
        assert page in links
    for link in links - {ln for ln in links if ln.startswith(("https://astanatimes.com/", "https://creativecommons.org/"))}:
        assert (report / link).is_file(), link


def test_every_chart_as_png_and_svg_and_tables_as_csv(built):
    report = built
    pngs = sorted(p for p in report.rglob("*.png") if not p.stem.endswith("-phone"))
    assert all(png.with_name(f"{png.stem}-phone.png").is_file() for png in pngs)  # each with its phone drawing
    shown = sum("image/png" in o.get("data", {}) for nb in (report / "notebooks").glob("*.ipynb")
                for c in json.loads(nb.read_text(encoding="utf-8"))["cells"] for o in c.get("outputs", []))
    assert len(pngs) == shown >= 8
    for png in pngs:
        assert png.read_bytes().startswith(b"\x89PNG") and png.with_suffix(".svg").read_text().startswith("<?xml")
        data = png.with_name(f"{png.stem}-data.csv").read_text(encoding="utf-8")
        assert data.count("\n") >= 2, png  # a chart's data beside it: a header and a row at least
    published = sum("table" in o.get("metadata", {}).get("kzfigures", {})  # each table a notebook showed
                    for nb in (report / "notebooks").glob("*.ipynb")
                    for c in json.loads(nb.read_text(encoding="utf-8"))["cells"] for o in c.get("outputs", []))
    assert len([p for p in report.rglob("*.csv") if not p.stem.endswith("-data")]) == published


def test_pages_fetch_nothing_and_images_have_alt_text(built):
    report = built
    for page in report.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<script[^>]+src=', html), page.name
        assert not re.search(r'<link[^>]+href="https?:', html), page.name
        for img in re.findall(r"<img[^>]*>", html):
            alt = re.search(r'alt="([^"]*)"', img)
            assert alt and len(alt.group(1)) > 30 and "No description" not in alt.group(1), (page.name, img[:80])
        assert "Traceback" not in html, page.name


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """The kzfigures command run in this process (its logic, not its start-up): exit code, stdout and stderr."""
    import contextlib

    from kzfigures.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(["kzfigures", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture
def previous(tmp_path) -> Path:
    """A stand-in for an earlier report, to prove a refused or failed build leaves it alone."""
    from kzfigures.report.folders import mark_report

    out = tmp_path / "reports"
    out.mkdir()
    (out / "index.html").write_text("previous report", encoding="utf-8")
    mark_report(out)
    return out


@pytest.mark.parametrize("args, words", [
    (["-p", "populaton", "5"], "unknown parameter 'populaton'"),
    (["-p", "population", "abc"], "parameter population: 'abc' is not a whole number"),
    (["-p", "population", "-5"], "parameter population: -5 is out of range"),
    (["-p", "timeline_start_year", "1999"], "parameter timeline_start_year: 1999 is out of range"),
    (["-p", "per", "7"], "parameter per: 7 is not allowed; one of 1,000, 100,000, 1,000,000"),
    (["-p", "show_external_events", "maybe"], "parameter show_external_events: 'maybe' is not true or false"),
    (["-p", "timeline_start_year", "2015", "-p", "timeline_end_year", "2010"], "must not be after timeline_end_year"),
    (["--only", "nope"], "--only: 'nope' is not a notebook; choose from: 00-article-in-numbers"),
    (["--only", "00", "-p", "population", "5"], "parameter 'population' is not used by the notebooks built "
                                                 "(00-article-in-numbers); 01-foreign-fighters uses it"),
    (["--only", "00", "-p", "decimals", "2"], "parameter 'decimals' is not used by the notebooks built "
                                              "(00-article-in-numbers); 01-foreign-fighters uses it"),
    (["--jobs", "-3"], "--jobs: -3 is not a number of notebooks to run at once (1 or more)"),
    (["--jobs", "0"], "--jobs: 0 is not a number of notebooks to run at once (1 or more)"),
])
def test_bad_parameters_are_refused_before_anything_runs(previous, args, words):
    done = run_cli("report", "--output", str(previous), *args)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert (previous / "index.html").read_text(encoding="utf-8") == "previous report"


@pytest.mark.parametrize("content, words", [
    ("population: [1, 2\n", "not valid YAML at line"),
    ("- population\n", "expected NAME: VALUE lines"),
    ("population: abc\n", "parameter population: 'abc' is not a whole number"),
])
def test_bad_params_file_is_refused(previous, tmp_path, content, words):
    params = tmp_path / "params.yaml"
    params.write_text(content, encoding="utf-8")
    done = run_cli("report", "--output", str(previous), "-f", str(params))
    assert done.returncode == 2 and words in done.stderr, done.stderr
    assert (previous / "index.html").read_text(encoding="utf-8") == "previous report"


@pytest.mark.full  # builds reports of its own
def test_a_failing_notebook_is_named_kept_and_the_old_report_stays(previous, tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    nb = json.loads((ROOT / "notebooks" / "00-article-in-numbers.ipynb").read_text(encoding="utf-8"))
    nb["cells"] = [*nb["cells"][:4], {"cell_type": "code", "execution_count": None, "id": "boom", "metadata": {},
                                      "outputs": [], "source": "raise RuntimeError('broken on purpose')"}]
    (folder / "00-broken.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    done = run_cli("report", "--output", str(previous), "--notebooks", str(folder))
    assert done.returncode == 1
    assert "notebook 00-broken failed in cell 4 (RuntimeError: broken on purpose)" in done.stderr, done.stderr
    kept = tmp_path / "reports-failed" / "00-broken.ipynb"
    assert kept.is_file() and "broken on purpose" in kept.read_text(encoding="utf-8")
    assert (previous / "index.html").read_text(encoding="utf-8") == "previous report"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".reports")] == []


@pytest.mark.full  # builds reports of its own
def test_only_rebuilds_one_page_and_keeps_the_others(report, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(report, out)
    before = (out / "00-article-in-numbers.html").read_bytes()
    build_report(out, {"population": 10_000_000}, only=["01"], progress=lambda line: None)
    assert (out / "00-article-in-numbers.html").read_bytes() == before
    assert "between 18.00 and 25.00" in executed(out, "01-foreign-fighters")
    assert len(json.loads((out / "manifest.json").read_text())) == len(list_notebooks())


def test_each_page_s_charts_and_tables_are_what_its_outputs_json_lists(built):
    """The index is built from each notebook's outputs.json (read_outputs), which lists every file it saved."""
    report = built
    from kzfigures.charts.outputs import MANIFEST, read_outputs

    pages = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    for page in pages:
        folder = report / page["name"]
        if not (folder / MANIFEST).is_file():
            assert page["charts"] == [] and page["tables"] == [], page["name"]
            continue
        outputs = read_outputs(folder)
        assert sorted(c["png"] for c in page["charts"]) == sorted(f"{page['name']}/{c.name}.png" for c in outputs.charts)
        listed = {f for entry in [*outputs.charts, *outputs.tables] for f in entry.files} | {MANIFEST, "datapackage.json"}
        assert {p.name for p in folder.iterdir()} == listed, page["name"]


@pytest.mark.full  # the report built with parameters: four more kernels, 11 s of CPU (the reader checks use the default)
def test_a_page_says_in_one_line_what_the_build_used(report):
    page = (report / "01-foreign-fighters.html").read_text(encoding="utf-8")
    assert "Built with population = 20,000,000, decimals = 3." in page
    assert "injected-parameters" not in page and "# Parameters" not in page
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "Built with population = 20,000,000, decimals = 3." in index
    assert "Built with the defaults." in index  # the lessons got no parameter


def test_committed_navigation_is_what_the_tool_writes():
    from kzfigures.collection.navigation import write_navigation

    assert write_navigation(ROOT / "notebooks", check=True) == []


def test_navigation_is_generated_from_the_notebook_list(tmp_path):
    """Reordering the collection (a new notebook) changes every neighbour's links, and contents.md lists it."""
    from kzfigures.collection.navigation import write_navigation

    folder = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    nb = json.loads((folder / "03-legal-penalties.ipynb").read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "# 05 — Extra\n\n**Question:** Is this linked?"
    (folder / "05-extra.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    changed = {p.name for p in write_navigation(folder)}
    assert {"04-in-context.ipynb", "05-extra.ipynb", "01-reading-numbers-in-the-news.ipynb", "contents.md"} <= changed
    four = json.loads((folder / "04-in-context.ipynb").read_text(encoding="utf-8"))
    navs = ["".join(c["source"]) for c in four["cells"] if "navigation" in c["metadata"].get("tags", [])]
    assert len(navs) == 2 and navs[0] == navs[1] and "[05 — Extra →](05-extra.ipynb)" in navs[0]
    assert "[05 — Extra](05-extra.ipynb): Is this linked?" in (folder / "contents.md").read_text(encoding="utf-8")


def test_every_download_is_a_valid_data_package_under_frictionless_validate(built):
    """Each page's downloads carry their source: frictionless' own validator passes every datapackage.json, which
    names the article, the external sources, the licence, and the kzfigures version and commit."""
    report = built
    folders = sorted(p.parent for p in report.glob("*/outputs.json"))
    assert len(folders) >= 5
    from frictionless import validate

    for folder in folders:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert {r["path"] for r in package["resources"]} == {p.name for p in folder.glob("*.csv")}
        article = package["sources"][0]
        assert article["publisher"] == "The Astana Times" and article["path"].startswith("https://astanatimes.com/")
        assert package["licenses"][0]["name"] == "CC-BY-4.0" and package["kzfigures:version"] and package["kzfigures:commit"]
        checked = validate(folder / "datapackage.json")  # frictionless' own validator, in this process
        assert checked.valid, (folder.name, checked.flatten(["type", "note"])[:5])
    external = json.loads((report / "04-in-context" / "datapackage.json").read_text(encoding="utf-8"))["sources"]
    cited = {s["path"] for s in external[1:] if s.get("path", "").startswith("https://")}
    assert len(cited) >= 5 and not any("astanatimes.com" in p for p in cited)  # the other sources, each named


@pytest.mark.full  # the report built with parameters: four more kernels, 11 s of CPU (the reader checks use the default)
def test_a_charts_own_source_in_the_download_is_the_parameter_it_was_built_with(report):
    population = json.loads((report / "01-foreign-fighters" / "datapackage.json").read_text(encoding="utf-8"))
    assert any("Population 20,000,000: external" in s["title"] for s in population["sources"])  # a chart's own source


def test_a_download_that_breaks_its_schema_fails_frictionless_validate(default_report, tmp_path):
    """The validator can fail: a word where the schema says a number is an error it reports."""
    folder = tmp_path / "broken"
    shutil.copytree(default_report / "01-foreign-fighters", folder)
    data = folder / "fighters-compared-data.csv"
    lines = data.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    assert "lower" in header
    row = next(csv.reader([lines[1]]))
    row[header.index("lower")] = "fifteen thousand"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    data.write_text("\n".join([lines[0], out.getvalue(), *lines[2:]]), encoding="utf-8")
    from frictionless import validate

    assert not validate(folder / "datapackage.json").valid


def test_every_page_ends_with_how_to_cite_it_the_licence_version_commit_and_date(built):
    report = built
    for page in report.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        foot = text[text.index('<footer class="kz-footer">'):]
        for words in ("How to cite:", "Licence:", "CC-BY-4.0", "kzfigures 0.", "commit", "astanatimes.com"):
            assert words in foot, (page.name, words)
        assert re.search(r"on \d{4}-\d\d-\d\d\.", foot), page.name


def test_the_build_date_is_source_date_epoch_when_set_else_the_last_commit(monkeypatch, tmp_path):
    from kzfigures.report.provenance import provenance

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert provenance(ROOT).built == "2023-11-14T22:13:20Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    first, second = provenance(ROOT), provenance(ROOT)
    assert first == second  # two builds of one checkout say the same date, so their bytes stay the same
    outside = provenance(tmp_path)  # not a git checkout: said, and the fixed date
    assert outside.commit == "not a git checkout" and outside.built == "2014-09-01T00:00:00Z"
