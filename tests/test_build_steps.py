"""The report build's four steps, tried without a kernel: plan is a pure function, run keeps a failed notebook without
overwriting anything it did not write, a failing page of an added article leaves every other page built, and a bad
article is refused before a kernel starts."""
from __future__ import annotations

import html
import json
import os

import nbformat
import pytest

from conftest import ROOT
from kzfigures import add_article, validate_package
from kzfigures.cli import main
from kzfigures.collection.listing import list_notebooks
from kzfigures.collection.params import ParameterError
from kzfigures.report import run as run_step
from kzfigures.report.build import build_report
from kzfigures.report.plan import collection_articles, plan

ECONOMY = ROOT / "tests" / "articles" / "economy-budget.txt"
META = dict(title="Budget gap widens as oil revenue falls", publisher="Test Gazette", published="2024-07-24")
FLAGSHIP = "astanatimes-2014-09-terrorism"
QUIET = {"progress": lambda line: None}


# -- plan: a pure function of the checkout, the parameters and the cache ----------------------------------------------
def test_plan_gives_one_run_per_page_with_its_parameters_key_and_cache_state(package_copy, tmp_path):
    collection = list_notebooks(package_copy / "notebooks")
    new_id = add_article(ECONOMY, **META, root=package_copy)
    articles = collection_articles(package_copy)
    cache = tmp_path / "cache"
    runs = plan(collection, {"population": 18_000_000}, collection, articles, "f" * 64, cache)
    names = [r.name for r in runs]
    assert names == [nb.name for nb in collection] + [f"00-article-in-numbers--{new_id}"]
    (extra,) = [r for r in runs if r.article]
    assert extra.article == new_id and extra.parameters == {"article": new_id}
    assert extra.notebook.path == collection[0].path and extra.values["article"] == new_id
    assert [r.parameters for r in runs if "population" in r.notebook.parameters] != []
    assert all(r.parameters.get("population") == 18_000_000 for r in runs if "population" in r.notebook.parameters)
    assert len({r.key for r in runs}) == len(runs) and not any(r.cached for r in runs)
    (cache / runs[1].key).mkdir(parents=True)
    (cache / runs[1].key / "sha256.json").write_text("{}", encoding="utf-8")
    again = plan(collection, {"population": 18_000_000}, collection, articles, "f" * 64, cache)
    assert [r.cached for r in again] == [i == 1 for i in range(len(runs))]
    assert [r.key for r in again] == [r.key for r in runs]  # pure: the same inputs, the same plan
    other = plan(collection, {"population": 18_000_001}, collection, articles, "f" * 64, cache)
    assert [r.key == o.key for r, o in zip(runs, other, strict=True)] == [
        "population" not in r.notebook.parameters for r in runs]


def test_run_starts_the_largest_notebooks_first_and_keeps_names_in_order_among_equals():
    """A cold build starts the notebooks with the most saved output (the longest to run) first, so the short ones
    fill the gaps instead of a long one running alone at the end."""
    from kzfigures.report.plan import PageRun

    collection = list_notebooks()
    runs = [PageRun(nb, {}, "k") for nb in collection]
    ordered = run_step.longest_first(runs)
    sizes = [r.notebook.path.stat().st_size for r in ordered]
    assert sizes == sorted(sizes, reverse=True) and sorted(r.name for r in ordered) == sorted(nb.name for nb in collection)
    assert ordered[0].name == max(collection, key=lambda nb: nb.path.stat().st_size).name != collection[0].name
    twins = [PageRun(collection[0], {}, "k"), PageRun(collection[0], {"article": "b"}, "k", article="b")]
    assert [r.article for r in run_step.longest_first(twins)] == [None, "b"]  # equal sizes keep their order


@pytest.mark.parametrize("given, words", [
    ({"article": "nope"}, "-p article nope: no such article in the collection; its articles are: "
                          "astanatimes-2014-09-terrorism"),
    ({"nosuch": 1}, "unknown parameter 'nosuch'"),
])
def test_plan_refuses_a_parameter_before_anything_runs(given, words):
    collection = list_notebooks()
    with pytest.raises(ParameterError, match="^" + words.replace("(", r"\(").replace(")", r"\)")):
        plan(collection, given, collection, collection_articles(ROOT), "f" * 64, None)


def test_report_with_an_unknown_article_is_one_line_before_a_kernel_starts(monkeypatch, capsys, tmp_path):
    """Issue 33 (low): `report -p article nope` was checked only by the notebook, in a kernel."""
    monkeypatch.setattr(run_step, "execute", lambda *a, **k: pytest.fail("a kernel was started"))
    code = main(["report", "--only", "00", "-p", "article", "nope", "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "-p article nope: no such article in the collection" in err[0]
    assert not (tmp_path / "out").exists()


# -- run: a failed notebook is kept for its reader, never over a file kzfigures did not write --------------------------
@pytest.fixture
def runner(tmp_path) -> run_step.Runner:
    building = tmp_path / ".reports.building-1"
    (building / "notebooks").mkdir(parents=True)
    (building / "notebooks" / "00-x.ipynb").write_text('{"ran": 1}', encoding="utf-8")
    return run_step.Runner(building, tmp_path / "kernels", tmp_path / "reports", ROOT, tmp_path / "cache", True, 1,
                           10, "f", "0", lambda line: None)


def _kept(runner: run_step.Runner) -> str:
    return run_step.keep_failed(runner.building / "notebooks" / "00-x.ipynb", runner)


def test_a_failed_notebook_is_kept_and_a_later_failure_replaces_what_kzfigures_wrote(runner, tmp_path):
    failed = tmp_path / "reports-failed"
    assert f"kept at {failed / '00-x.ipynb'}" in _kept(runner)
    (runner.building / "notebooks" / "00-x.ipynb").write_text('{"ran": 2}', encoding="utf-8")
    assert f"kept at {failed / '00-x.ipynb'}" in _kept(runner)
    assert (failed / "00-x.ipynb").read_text(encoding="utf-8") == '{"ran": 2}'
    assert sorted(p.name for p in failed.iterdir()) == [".kzfigures-failed.json", "00-x.ipynb"]


def test_a_failed_notebook_never_follows_a_link_in_reports_failed(runner, tmp_path):
    """Issue 33 item 2: the link's target was overwritten."""
    failed = tmp_path / "reports-failed"
    failed.mkdir()
    precious = tmp_path / "thesis.ipynb"
    precious.write_text("three years of work", encoding="utf-8")
    (failed / "00-x.ipynb").symlink_to(precious)
    line = _kept(runner)
    assert precious.read_text(encoding="utf-8") == "three years of work"
    assert (failed / "00-x.ipynb").is_symlink() and f"kept at {failed / '00-x-2.ipynb'}" in line
    assert (failed / "00-x-2.ipynb").read_text(encoding="utf-8") == '{"ran": 1}'


def test_a_failed_notebook_never_replaces_a_file_changed_since_kzfigures_wrote_it(runner, tmp_path):
    failed = tmp_path / "reports-failed"
    _kept(runner)
    (failed / "00-x.ipynb").write_text("my fix, half done", encoding="utf-8")  # opened and edited by its reader
    line = _kept(runner)
    assert (failed / "00-x.ipynb").read_text(encoding="utf-8") == "my fix, half done"
    assert f"kept at {failed / '00-x-2.ipynb'}" in line
    (failed / "mine.ipynb").write_text("someone's", encoding="utf-8")
    runner.building.joinpath("notebooks", "00-x.ipynb").rename(runner.building / "notebooks" / "mine.ipynb")
    assert "mine-2.ipynb" in run_step.keep_failed(runner.building / "notebooks" / "mine.ipynb", runner)
    assert (failed / "mine.ipynb").read_text(encoding="utf-8") == "someone's"


def test_a_reports_failed_that_is_a_link_is_left_alone(runner, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "reports-failed").symlink_to(elsewhere)
    assert "not kept" in _kept(runner) and list(elsewhere.iterdir()) == []


# -- one failing added article leaves every other page built ---------------------------------------------------------
def _fake_execute(fails: str):
    """An execute that gives each notebook as committed (already executed), and fails the pages of one article as
    notebook 00's coverage check would."""

    def execute(source, target, parameters, env=None, **kw):
        nb = nbformat.read(source, as_version=4)
        nbformat.write(nb, str(target))
        if parameters.get("article") == fails:
            raise run_step.ExecutionFailed(24, "AssertionError", "   seed_id  start  end  token  status\n"
                                           "0  x  1  2  3  unaccounted", nb)
        return nb

    return execute


def test_a_failing_added_article_leaves_every_other_page_built_and_says_why_in_one_line(package_copy, monkeypatch,
                                                                                         tmp_path):
    """Issue 29 part 5 (the report's side): one bad added article stopped every page, the flagship's included."""
    new_id = add_article(ECONOMY, **META, root=package_copy)
    monkeypatch.setattr(run_step, "execute", _fake_execute(new_id))
    lines: list[str] = []
    result = build_report(tmp_path / "reports", only=["00", "01"], root=package_copy, progress=lines.append)
    built = sorted(p["name"] for p in result.pages)
    assert built == ["00-article-in-numbers", "01-foreign-fighters"]
    assert (tmp_path / "reports" / "00-article-in-numbers.html").is_file()
    (line,) = result.left_out
    assert f"00-article-in-numbers--{new_id} (article {new_id}) failed in cell 24 (AssertionError: seed_id start " \
           "end token status (and 1 more lines)); the executed notebook is kept at" in line
    assert "\n" not in line and "unaccounted" not in line
    assert any(said.startswith("left out of the report: notebook 00-article-in-numbers--") for said in lines)
    kept = tmp_path / "reports-failed" / f"00-article-in-numbers--{new_id}.ipynb"
    assert kept.is_file()


def test_a_failing_flagship_page_still_stops_the_build(package_copy, monkeypatch, tmp_path):
    monkeypatch.setattr(run_step, "execute", _fake_execute(FLAGSHIP))
    with pytest.raises(run_step.NotebookFailed, match="notebook 00-article-in-numbers failed in cell 24"):
        build_report(tmp_path / "reports", only=["00"], parameters={"article": FLAGSHIP}, root=package_copy, **QUIET)
    assert not (tmp_path / "reports").exists()


def test_a_failed_build_never_writes_through_a_link_in_reports_failed(package_copy, monkeypatch, tmp_path):
    """Issue 33 item 2, through a whole build: reports-failed/NAME.ipynb, a link to a reader's file, is left alone."""
    monkeypatch.setattr(run_step, "execute", _fake_execute(FLAGSHIP))
    failed = tmp_path / "reports-failed"
    failed.mkdir()
    precious = tmp_path / "thesis.ipynb"
    precious.write_text("three years of work", encoding="utf-8")
    (failed / "00-article-in-numbers.ipynb").symlink_to(precious)
    with pytest.raises(run_step.NotebookFailed, match=r"kept at .*00-article-in-numbers-2\.ipynb"):
        build_report(tmp_path / "reports", only=["00"], parameters={"article": FLAGSHIP}, root=package_copy, **QUIET)
    assert precious.read_text(encoding="utf-8") == "three years of work"
    assert (failed / "00-article-in-numbers.ipynb").is_symlink()


def test_the_cli_says_the_left_out_article_and_exits_1(package_copy, monkeypatch, capsys, tmp_path):
    new_id = add_article(ECONOMY, **META, root=package_copy)
    monkeypatch.setattr(run_step, "execute", _fake_execute(new_id))
    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    code = main(["report", "--only", "00", "--output", str(tmp_path / "reports")])
    err = capsys.readouterr().err
    assert code == 1 and (tmp_path / "reports" / "index.html").is_file()
    left = [line for line in err.splitlines() if line.startswith("left out of the report:")]
    assert len(left) == 1 and f"(article {new_id})" in left[0]
    manifest = json.loads((tmp_path / "reports" / "manifest.json").read_text(encoding="utf-8"))
    assert [p["name"] for p in manifest] == ["00-article-in-numbers"]
    assert os.environ.get("KZFIGURES_ROOT") == str(package_copy)


@pytest.mark.full  # two kernels
def test_an_added_article_with_an_unaccounted_number_is_left_out_and_the_flagship_built(package_copy, tmp_path):
    """Issue 29's journalist: a wrong proposal deleted from the article's proposal file, its number unaccounted;
    notebook 00 asserts coverage, and the report stopped every page with a DataFrame flattened onto one line. Now
    the flagship's page is built and the added article's is left out before its kernel starts, in one line that
    names the problem `kzfigures validate` lists first."""
    from conftest import read_rows, write_rows
    from kzfigures import draft_article

    new_id = add_article(ECONOMY, **META, root=package_copy)
    draft_article(new_id, root=package_copy)
    path = package_copy / "data" / "proposed" / f"{new_id}.csv"  # the draft's proposals, not yet decided
    rows = read_rows(path)
    gone = next(r for r in rows if r["number_text"] == "$21bn")  # a wrong reading, removed by hand
    write_rows(path, [r for r in rows if r is not gone])
    at = int(gone["number_start"])
    result = build_report(tmp_path / "reports", only=["00"], root=package_copy, use_cache=False, **QUIET)
    assert [p["name"] for p in result.pages] == ["00-article-in-numbers"]
    (line,) = result.left_out
    (problem,) = validate_package(package_copy)
    assert problem.article == new_id and problem.row == f"{new_id} at {at + 1}"  # "21", after its "$"
    assert line == (f"article {new_id} (00-article-in-numbers--{new_id} not built): 1 problem(s), first: {problem}; "
                    "run `kzfigures validate` to see every one")
    assert "\n" not in line
    assert "previous report" not in line and (tmp_path / "reports" / "00-article-in-numbers.html").is_file()


# -- render: a page shows the tables the executed notebook holds, as they are -------------------------------------
def test_render_keeps_a_tables_html_as_the_notebook_displayed_it():
    """Issue 28: tables are written for readers when the notebook shows them (charts/tables.py); render used to
    rewrite every pandas table after the run (a BeautifulSoup pass). A table the notebook displayed, even a plain
    pandas one, reaches the page byte for byte."""
    import pandas as pd

    from kzfigures.charts.tables import reader_table
    from kzfigures.report.pages import exporter, for_readers

    info = list_notebooks()[0]
    table = pd.DataFrame({"figure_id": ["foreign_fighters"], "attributed_to": ["Erlan Karin"]})
    shown = [table.to_html(), reader_table(table, {"foreign_fighters": "foreign fighters"})]
    outputs = [nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "t"}) for html in shown]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# title"),
                                         nbformat.v4.new_code_cell("show()", outputs=outputs)])
    page = for_readers(nb, info, {}, {})
    assert [o.data["text/html"] for o in page.cells[-1].outputs] == shown
    assert shown[1] in exporter().from_notebook_node(page)[0]  # nbconvert re-indents pandas' own HTML, not ours


def test_every_table_on_a_page_is_the_executed_notebooks_output_unchanged(default_report):
    """Each table of each page is, byte for byte, the text/html its executed notebook (reports/notebooks/) holds,
    and that is the library's reader table (a kz-stack table, no index)."""
    from kzfigures.charts.tables import STYLE

    seen = 0
    for executed in sorted((default_report / "notebooks").glob("*.ipynb")):
        page = (default_report / f"{executed.stem}.html").read_text(encoding="utf-8")
        nb = nbformat.read(executed, as_version=4)
        for output in (o for cell in nb.cells for o in cell.get("outputs", [])):
            html = output.get("data", {}).get("text/html", "")
            if 'class="dataframe' in html:
                seen += 1
                assert html.startswith(STYLE + '<table class="dataframe kz-stack">'), (executed.name, html[:80])
                assert html in page, executed.name
    assert seen >= 20


# -- an article's own problems: its pages left out before any kernel starts, the others built -----------------------
def _article_with_a_bad_row(base):
    """An added article, drafted, one figure accepted through the curation API, then its quote changed by hand so it
    no longer stands in the article (one bad row of its own); its id and the problem validate lists for it."""
    from conftest import read_rows, write_rows
    from kzfigures import curation, draft_article

    new_id = add_article(ECONOMY, **META, root=base)
    draft_article(new_id, root=base)
    c = curation(new_id, root=base)
    c.accept(c.proposals.index[0])
    c.save()
    path = base / "data" / "figures.csv"
    rows = read_rows(path)
    row = next(r for r in rows if r["seed_id"] == new_id)
    row["quote"] = row["quote"].replace(row["number_text"], row["number_text"].replace("8", "9"))
    write_rows(path, rows)
    problems = validate_package(base)
    assert problems and all(p.article == new_id for p in problems), [str(p) for p in problems]
    return new_id, problems


def _recording_execute(ran: list):
    """An execute that gives each notebook as committed and records the article each page was run for."""
    def execute(source, target, parameters, env=None, **kw):
        ran.append(parameters.get("article"))
        nb = nbformat.read(source, as_version=4)
        nbformat.write(nb, str(target))
        return nb

    return execute


def test_an_added_article_with_one_bad_row_leaves_the_flagship_pages_built_and_is_named_in_one_line(
        package_copy, monkeypatch, tmp_path):
    """Issue 29 part 5: one bad row of an added article stopped every page of the report, the flagship's included.
    Now its pages are left out before a kernel starts, named in one line that gives the problem validate lists."""
    new_id, problems = _article_with_a_bad_row(package_copy)
    ran: list = []
    monkeypatch.setattr(run_step, "execute", _recording_execute(ran))
    lines: list[str] = []
    result = build_report(tmp_path / "reports", only=["00", "01"], root=package_copy, progress=lines.append)
    assert sorted(p["name"] for p in result.pages) == ["00-article-in-numbers", "01-foreign-fighters"]
    assert new_id not in ran  # its page never ran
    page = f"00-article-in-numbers--{new_id}"
    assert result.left_out == [f"article {new_id} ({page} not built): {len(problems)} problem(s), first: "
                               f"{problems[0]}; run `kzfigures validate` to see every one"]
    assert [said for said in lines if said.startswith("left out of the report:")] == [
        f"left out of the report: {result.left_out[0]}"]
    reports = tmp_path / "reports"
    assert (reports / "00-article-in-numbers.html").is_file() and not (reports / f"{page}.html").exists()
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'id="not-built"' in index and f"href=\"{page}.html\"" not in index
    assert f"<li>{result.left_out[0]}</li>" in html.unescape(index)


def test_the_pages_of_an_article_that_became_bad_are_not_kept_from_the_previous_report(package_copy, monkeypatch,
                                                                                       tmp_path):
    """A page built while its article was valid goes when the article has problems, with --only too: the report
    never shows a page its data no longer allows."""
    new_id = add_article(ECONOMY, **META, root=package_copy)
    monkeypatch.setattr(run_step, "execute", _recording_execute([]))
    for other in [*package_copy.glob("notebooks/0[1-9]-*.ipynb"), *package_copy.glob("notebooks/lessons/*.ipynb")]:
        other.unlink()  # the whole build below is notebook 00's pages alone: rendering eight more proves nothing here
    build_report(tmp_path / "reports", only=["00"], root=package_copy, **QUIET)
    page = tmp_path / "reports" / f"00-article-in-numbers--{new_id}.html"
    assert page.is_file()
    from conftest import read_rows, write_rows

    path = package_copy / "data" / "people.csv"
    rows = read_rows(path)
    write_rows(path, [*rows, {**rows[0], "person_id": "nobody_here", "seed_id": new_id, "name": "Nobody Here"}])
    (problem, *_) = validate_package(package_copy)
    assert problem.article == new_id and problem.file == "data/people.csv"
    for only in (["00"], None):
        result = build_report(tmp_path / "reports", only=only, root=package_copy, **QUIET)
        assert f"00-article-in-numbers--{new_id}" not in {p["name"] for p in result.pages}
        assert not page.exists() and len(result.left_out) == 1 and str(problem) in result.left_out[0]


def test_the_cli_report_and_validate_name_the_same_problem_of_a_bad_article(package_copy, monkeypatch, capsys,
                                                                            tmp_path):
    new_id, problems = _article_with_a_bad_row(package_copy)
    monkeypatch.setattr(run_step, "execute", _recording_execute([]))
    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    capsys.readouterr()
    assert main(["report", "--only", "00", "--output", str(tmp_path / "reports")]) == 1
    left = [line for line in capsys.readouterr().err.splitlines() if line.startswith("left out of the report:")]
    assert len(left) == 1 and f"article {new_id} (" in left[0] and str(problems[0]) in left[0]
    assert main(["validate"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [str(p) for p in problems]
    assert f"{len(problems)} problem(s) ({len(problems)} of article {new_id}: its pages are left out of the report)" \
        in err


def test_a_bad_flagship_row_still_stops_the_whole_build_before_a_kernel_starts(package_copy, edit_csv, monkeypatch,
                                                                              tmp_path):
    from kzfigures import DataPackageError

    _article_with_a_bad_row(package_copy)
    edit_csv(package_copy, "figures.csv",
             lambda rows: next(r for r in rows if r["figure_id"] == "killed_officers").update(attributed_to="Mr X"))
    ran: list = []
    monkeypatch.setattr(run_step, "execute", _recording_execute(ran))
    with pytest.raises(DataPackageError, match="row killed_officers, column attributed_to"):
        build_report(tmp_path / "reports", only=["00"], root=package_copy, **QUIET)
    assert ran == [] and not (tmp_path / "reports").exists()


@pytest.mark.full  # two kernels
def test_the_flagship_pages_really_run_beside_an_added_article_with_a_bad_row(package_copy, tmp_path):
    """The same, with real kernels: the flagship's notebooks read the checked package (store.py), which sets the bad
    article apart, so they run as if it were not there; its page is left out in one line."""
    new_id, problems = _article_with_a_bad_row(package_copy)
    result = build_report(tmp_path / "reports", only=["00", "01", "03"], root=package_copy, use_cache=False, **QUIET)
    assert sorted(p["name"] for p in result.pages) == ["00-article-in-numbers", "01-foreign-fighters",
                                                       "03-legal-penalties"]
    (line,) = result.left_out
    assert line.startswith(f"article {new_id} (00-article-in-numbers--{new_id} not built): ") and \
        str(problems[0]) in line
    for name in ("00-article-in-numbers", "03-legal-penalties"):  # 03 calls load_figures(): its warning is the build's
        page = (tmp_path / "reports" / f"{name}.html").read_text(encoding="utf-8")
        assert "Traceback" not in page and new_id not in page and "load_figures left out" not in page, name
