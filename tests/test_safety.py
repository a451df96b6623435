"""Tried as a careless or unlucky user would: nothing the user owns is lost, two builds do not lose an update, the
cache never serves a wrong page, every failure is one line, and a value means the same in -p and -f."""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kzfigures
from conftest import ROOT, SEED_TEXT, as_built
from kzfigures import cli
from kzfigures.collection.params import ParameterError, convert, read_params_file
from kzfigures.report import build as report
from kzfigures.report.build import build_report
from kzfigures.report.cache import CHECKSUMS
from kzfigures.report.folders import REPORT_MARKER, WORK_MARKER, OutputRefused

#: The full tier (make test): a real client, an install, or report builds of its own.
pytestmark = pytest.mark.full

QUIET = {"progress": lambda line: None}


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kzfigures.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})}, **kw)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def one_line(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


# -- 1. data loss ----------------------------------------------------------------------------------------------
@pytest.fixture
def thesis(tmp_path) -> Path:
    """A user's folder: a thesis and a git repository."""
    folder = tmp_path / "mine"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (folder / "thesis.txt").write_text("three years of work", encoding="utf-8")
    return folder


def test_a_folder_that_is_not_a_report_is_refused_and_untouched(thesis):
    before = files(thesis)
    done = run_cli("report", "--only", "00", "--output", str(thesis))
    assert done.returncode == 2
    assert "is not empty and is not a kzfigures report" in one_line(done) and str(thesis) in done.stderr
    assert files(thesis) == before


@pytest.mark.parametrize("output", [".", ""])
def test_output_dot_or_empty_from_a_full_folder_is_refused(thesis, output):
    before = files(thesis)
    done = run_cli("report", "--only", "00", "--output", output, cwd=thesis)
    assert done.returncode == 2 and one_line(done).startswith("kzfigures: error: --output")
    assert files(thesis) == before


def test_a_file_as_output_is_refused(tmp_path):
    target = tmp_path / "notes.md"
    target.write_text("mine", encoding="utf-8")
    done = run_cli("report", "--only", "00", "--output", str(target))
    assert done.returncode == 2 and "is a file, not a folder" in one_line(done)
    assert target.read_text(encoding="utf-8") == "mine"


@pytest.fixture(scope="module")
def small_report(tmp_path_factory, checkout_state) -> Path:
    """A report of notebook 00 only, built once for the module and copied by the tests that change it (as
    checkout_state: a test compares a page it builds again with these bytes)."""
    with as_built(checkout_state):
        return build_report(tmp_path_factory.mktemp("small") / "reports", only=["00"], **QUIET).output


def copy_of(report_folder: Path, tmp_path: Path) -> Path:
    out = tmp_path / "reports"
    shutil.copytree(report_folder, out)
    return out


def test_a_users_file_inside_the_report_is_named_and_kept(small_report, tmp_path):
    out = copy_of(small_report, tmp_path)
    (out / "my-notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputRefused, match=r"holds 1 file\(s\) the report did not write \(my-notes.txt\)"):
        build_report(out, only=["00"], use_cache=False, **QUIET)
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "keep me"


def test_an_empty_or_absent_folder_and_a_report_are_accepted(small_report, tmp_path):
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "empty", tmp_path / "new" / "reports", copy_of(small_report, tmp_path)):
        result = build_report(out, only=["00"], **QUIET)
        assert (result.output / REPORT_MARKER).is_file() and (result.output / "index.html").is_file()


def test_clean_up_removes_only_folders_a_build_marked(small_report, tmp_path):
    out = copy_of(small_report, tmp_path)
    dead = 2**22 + 4321
    mine = tmp_path / f".reports.backup-{dead}"
    mine.mkdir()
    (mine / "precious.txt").write_text("mine", encoding="utf-8")
    ours = tmp_path / f".reports.building-{dead}"
    ours.mkdir()
    (ours / WORK_MARKER).write_text(str(dead), encoding="utf-8")
    build_report(out, only=["00"], use_cache=False, **QUIET)
    assert (mine / "precious.txt").read_text(encoding="utf-8") == "mine" and not ours.exists()


# -- 2. two builds at once -------------------------------------------------------------------------------------
def test_a_second_build_waits_for_the_lock_and_says_so(small_report, tmp_path):
    out = copy_of(small_report, tmp_path)
    from kzfigures.figures.files import lock_path

    with open(lock_path(out), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.Popen([sys.executable, "-m", "kzfigures.cli", "report", "--only", "00", "--no-cache",
                                 "--output", str(out)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        first = proc.stderr.readline()
        assert "another kzfigures build is writing" in first and "waiting" in first
        time.sleep(0.5)
        assert proc.poll() is None, "it waits while the lock is held"
        fcntl.flock(lock, fcntl.LOCK_UN)
    rest = proc.communicate(timeout=120)[1]
    assert proc.returncode == 0 and "report written" in rest


def test_two_builds_at_once_both_land(small_report, tmp_path):
    out = copy_of(small_report, tmp_path)
    build_report(out, only=["01", "02"], **QUIET)
    runs = [subprocess.Popen([sys.executable, "-m", "kzfigures.cli", "report", "--output", str(out), *args],
                             cwd=ROOT, stderr=subprocess.PIPE, text=True)
            for args in (["--only", "01", "-p", "decimals", "3"], ["--only", "02", "-p", "log_scale", "false"])]
    for proc in runs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
    pages = {p["name"]: p["parameters"] for p in json.loads((out / "manifest.json").read_text(encoding="utf-8"))}
    assert pages["01-foreign-fighters"] == {"decimals": "3"}
    assert pages["02-attacks-and-security"] == {"log_scale": "False"}


# -- 3. the cache never serves a wrong page --------------------------------------------------------------------
@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KZFIGURES_CACHE", str(folder))
    return folder


def entry_of(cache: Path) -> Path:
    (entry,) = [p for p in cache.iterdir() if (p / CHECKSUMS).is_file()]
    return entry


@pytest.mark.parametrize("damage", [
    lambda e: (e / "00-article-in-numbers" / "figure-kinds.png").write_bytes(b"\x89PNG" + b"\0" * 96),
    lambda e: (e / "notebooks" / "00-article-in-numbers.ipynb").unlink(),
    lambda e: (e / "00-article-in-numbers" / "outputs.json").write_text("{broken", encoding="utf-8"),
], ids=["truncated-png", "deleted-notebook", "corrupt-json"])
def test_a_damaged_cache_entry_is_said_removed_and_rebuilt(cache, tmp_path, damage, same_checkout):
    first = build_report(tmp_path / "a", only=["00"], **QUIET).output
    damage(entry_of(cache))
    lines: list[str] = []
    second = build_report(tmp_path / "b", only=["00"], progress=lines.append).output
    assert any("was damaged" in line and "running it again" in line for line in lines), lines
    assert files(second) == files(first)
    assert (entry_of(cache) / "notebooks" / "00-article-in-numbers.ipynb").is_file()


def test_no_cache_rebuilds_and_overwrites_the_entry(cache, tmp_path):
    build_report(tmp_path / "a", only=["00"], **QUIET)
    entry = entry_of(cache)
    page = entry / "notebooks" / "00-article-in-numbers.ipynb"
    good = page.read_bytes()
    page.write_text("a wrong notebook, with a matching checksum list", encoding="utf-8")
    sums = json.loads((entry / CHECKSUMS).read_text(encoding="utf-8"))
    sums["notebooks/00-article-in-numbers.ipynb"] = __import__("hashlib").sha256(page.read_bytes()).hexdigest()
    (entry / CHECKSUMS).write_text(json.dumps(sums), encoding="utf-8")
    build_report(tmp_path / "b", only=["00"], use_cache=False, **QUIET)
    assert page.read_bytes() == good


def test_inputs_changed_during_the_build_are_not_cached_nor_up_to_date(cache, tmp_path, monkeypatch):
    from kzfigures.report import cache as cache_module

    real, calls = cache_module.inputs_fingerprint, []

    def drifting(base):
        calls.append(1)
        return real(base) + ("" if len(calls) == 1 else "-edited")

    monkeypatch.setattr(cache_module, "inputs_fingerprint", drifting)
    lines: list[str] = []
    out = build_report(tmp_path / "r", only=["00"], progress=lines.append).output
    assert any("changed while" in line for line in lines)
    assert not cache.exists() or not [p for p in cache.iterdir() if (p / CHECKSUMS).is_file()]
    monkeypatch.setattr(cache_module, "inputs_fingerprint", real)
    again: list[str] = []
    build_report(out, only=["00"], progress=again.append)
    assert not any("up to date" in line for line in again)


@pytest.mark.parametrize("damage", [lambda r: (r / "00-article-in-numbers.html").write_text("", encoding="utf-8"),
                                    lambda r: (r / "00-article-in-numbers" / "figure-kinds.svg").unlink()],
                         ids=["truncated", "deleted"])
def test_a_damaged_report_is_not_up_to_date(small_report, tmp_path, damage, same_checkout):
    out = copy_of(small_report, tmp_path)
    damage(out)
    lines: list[str] = []
    build_report(out, only=["00"], progress=lines.append)
    assert any("is damaged" in line for line in lines) and not any("up to date" in line for line in lines)
    assert files(out) == files(small_report)


def test_make_clean_removes_the_cache_and_the_docs_say_so():
    dry = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True)
    assert ".cache" in dry.stdout.split()
    assert "make clean" in (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")  # linked from the README


def test_a_users_matplotlibrc_changes_no_chart(tmp_path):
    rc = tmp_path / "rc"
    rc.mkdir()
    (rc / "matplotlibrc").write_text("lines.linewidth: 12\nfont.size: 30\naxes.facecolor: red\n", encoding="utf-8")
    code = ("import hashlib, kzfigures; from kzfigures import plotting, views; "
            "f = kzfigures.load_figures(include_derived=True); "
            "c = plotting.interval_chart(views.parts_of(f, {'foreign_fighters': 'a'}), name='t', title='T', xlabel='x');"
            "print(hashlib.sha256(c.png() + c.svg().encode()).hexdigest())")
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    styled = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "MPLCONFIGDIR": str(rc)}).stdout
    assert plain == styled


# -- 4. every failure is one line ------------------------------------------------------------------------------
def broken_notebook(tmp_path: Path, source: str) -> Path:
    folder = tmp_path / "nbs"
    folder.mkdir(exist_ok=True)
    nb = json.loads((ROOT / "notebooks" / "00-article-in-numbers.ipynb").read_text(encoding="utf-8"))
    nb["cells"] = [*nb["cells"][:4], {"cell_type": "code", "execution_count": None, "id": "x", "metadata": {},
                                      "outputs": [], "source": source}]
    (folder / "00-broken.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return folder


@pytest.mark.parametrize("source, args, words", [
    ("import os\nos._exit(1)", [], "failed in cell 4 (DeadKernelError: the kernel died"),
    ("import time\ntime.sleep(60)", ["--timeout", "2"], "(CellTimeoutError: a cell ran longer than 2 s; raise the "
                                                        "limit with --timeout SECONDS)"),
], ids=["kernel-dies", "cell-never-ends"])
def test_a_notebook_that_dies_or_hangs_is_one_line_and_kept(tmp_path, source, args, words):
    folder = broken_notebook(tmp_path, source)
    done = run_cli("report", "--output", str(tmp_path / "reports"), "--notebooks", str(folder), *args)
    assert done.returncode == 1
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("kzfigures:")]
    assert len(line) == 1 and "notebook 00-broken" in line[0] and words in line[0], done.stderr
    assert "Traceback" not in done.stderr and (tmp_path / "reports-failed" / "00-broken.ipynb").is_file()


def test_a_long_cell_is_reported_while_it_runs(tmp_path, monkeypatch):
    from kzfigures.report import run as run_step

    monkeypatch.setattr(run_step, "HEARTBEAT", 0.5)
    lines: list[str] = []
    build_report(tmp_path / "reports", notebooks_folder=broken_notebook(tmp_path, "import time\ntime.sleep(2)"),
                 progress=lines.append, use_cache=False)
    assert any("00-broken: still running" in line and "--timeout" in line for line in lines), lines


def test_a_cache_that_cannot_be_written_is_a_warning(tmp_path, monkeypatch):
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("KZFIGURES_CACHE", str(blocker))
    lines: list[str] = []
    result = build_report(tmp_path / "reports", only=["00"], progress=lines.append)
    assert (result.output / "00-article-in-numbers.html").is_file()
    assert any("warning: 00-article-in-numbers was built but not cached" in line for line in lines), lines


def test_a_full_disk_is_one_line_and_the_previous_report_stays(small_report, tmp_path, monkeypatch, capsys):
    out = copy_of(small_report, tmp_path)
    before = files(out)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "index_page", full)
    code = cli.main(["report", "--only", "00", "--no-cache", "--output", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and err[-1] == ("kzfigures: error: No space left on device; nothing was changed in the report "
                                     "folder")
    assert files(out) == before and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_output_under_a_file_is_one_line(tmp_path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    done = run_cli("report", "--only", "00", "--output", str(tmp_path / "a-file" / "reports"))
    assert done.returncode == 2 and "a-file is a file, so no folder can be made there" in one_line(done)


@pytest.mark.parametrize("make, words", [
    (lambda p: p.mkdir(), "not a regular file"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00"), "not a UTF-8 text file"),
    (lambda p: p.write_text("population: 1\n" * 10_000, encoding="utf-8"), "larger than 64 KiB"),
    (lambda p: p.write_text('a: &a ["x","x","x"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n', encoding="utf-8"),
     "anchors and aliases are not allowed"),
    (lambda p: p.write_text("decimals: 2\ndecimals: 3\n", encoding="utf-8"), "decimals is given twice"),
], ids=["folder", "binary", "huge", "alias-bomb", "duplicate-key"])
def test_a_bad_params_file_is_one_line(tmp_path, make, words):
    path = tmp_path / "params.yaml"
    make(path)
    done = run_cli("report", "--output", str(tmp_path / "reports"), "-f", str(path))
    assert done.returncode == 2 and words in one_line(done)


def test_dev_zero_as_params_file_is_refused_at_once(tmp_path):
    done = run_cli("report", "--output", str(tmp_path / "reports"), "-f", "/dev/zero")
    assert done.returncode == 2 and "not a regular file" in one_line(done)


def test_a_notebook_without_a_parameters_cell_is_named(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    nb = json.loads((ROOT / "notebooks" / "00-article-in-numbers.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell["metadata"].pop("tags", None)
    (folder / "00-untagged.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    done = run_cli("report", "--output", str(tmp_path / "reports"), "--notebooks", str(folder))
    assert done.returncode == 1 and "00-untagged.ipynb: a notebook needs exactly one cell tagged 'parameters'" in \
        one_line(done)


# -- 5. one reading of a value ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name, text", [
    ("population", "010000000"), ("population", "17,289,111"), ("population", "1_000"), ("population", "٥"),
    ("population", "1,2,3"), ("population", "12,34"), ("search", "yes"), ("log_scale", "yes"), ("log_scale", "Off"),
    ("decimals", "3"), ("per", "1,000,000"),
])
def test_a_value_reads_the_same_in_a_file_and_on_the_command_line(tmp_path, name, text):
    path = tmp_path / "p.yaml"
    path.write_text(f"{name}: {text}\n", encoding="utf-8")
    try:
        expected = convert(name, text)
    except ParameterError as err:
        with pytest.raises(ParameterError, match="is not"):
            read_params_file(str(path))
        assert "is not" in str(err)
    else:
        assert read_params_file(str(path)) == {name: expected}


@pytest.mark.parametrize("text", ["1_000", "٥", "1,2,3", "12,34", "1e6", "0x10"])
def test_only_plain_whole_numbers_are_read(text):
    with pytest.raises(ParameterError, match="digits 0-9 and commas between groups of three"):
        convert("population", text)


def test_octal_looking_numbers_and_words_are_read_as_written():
    assert convert("population", "010000000") == 10_000_000
    assert convert("search", "yes") == "yes"


def test_an_empty_search_is_refused_before_anything_runs(tmp_path):
    done = run_cli("report", "--output", str(tmp_path / "reports"), "--only", "00", "-p", "search", "")
    assert done.returncode == 2 and "parameter search: it is empty" in one_line(done)
    assert not (tmp_path / "reports").exists()


# -- 6. data and text ------------------------------------------------------------------------------------------
def test_a_spreadsheet_csv_with_a_byte_order_mark_is_read(package_copy):
    path = package_copy / "data" / "figures.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert kzfigures.validate_package(package_copy) == []


def test_a_derivation_with_its_operands_swapped_is_refused(package_copy, edit_csv):
    def swap(rows):
        row = next(r for r in rows if r["figure_id"] == "killed_not_officers")
        row["left"], row["right"] = row["right"], row["left"]

    edit_csv(package_copy, "derived.csv", swap)
    (problem,) = kzfigures.validate_package(package_copy)
    assert (problem.row, problem.column) == ("killed_not_officers", "op")
    assert "the result can be negative (-4 people)" in problem.message


def test_a_division_by_a_figure_that_can_be_0_is_refused():
    from kzfigures.figures.package import Table
    from kzfigures.figures.validation import Context, derivation_is_possible

    figures = {"a": {"number_text": "21"}, "z": {"number_text": "up to 5"}}
    ctx = Context({}, frozenset(), None, figures)
    row = {"figure_id": "d", "op": "divide", "left": "a", "right": "z", "unit": "people"}
    (problem,) = derivation_is_possible(ctx, Table("derived", "data/derived.csv", {}), row, "d")
    assert problem.column == "right" and "can be 0" in problem.message


def test_a_dot_before_three_digits_is_refused_as_ambiguous():
    with pytest.raises(ValueError, match=re.escape("cannot parse 'more than 15.000': a dot before three digits")):
        kzfigures.parse_quantity("more than 15.000")
    assert kzfigures.parse_quantity("1.5 million").lower == 1_500_000


def test_a_seed_url_that_is_not_http_is_refused(package_copy):
    meta_path = next((package_copy / "seeds").glob("*.json"))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["url"] = "javascript:alert(1)"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    problems = kzfigures.validate_package(package_copy)
    assert [(p.column, p.message) for p in problems if p.file.startswith("seeds/")] == [
        ("url", "'javascript:alert(1)' is not an http(s) URL")]


# -- 7. checkouts and standard tools ---------------------------------------------------------------------------
def test_git_keeps_the_seed_s_bytes_and_scripts_lf():
    attrs = subprocess.run(["git", "check-attr", "text", "eol", "--", "seeds/" + SEED_TEXT.name, ".ci/run"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert f"seeds/{SEED_TEXT.name}: text: unset" in attrs and ".ci/run: eol: lf" in attrs


def test_crlf_line_endings_are_named_as_the_cause(package_copy):
    text_path = package_copy / "seeds" / SEED_TEXT.name
    text_path.write_bytes(text_path.read_bytes().replace(b"\n", b"\r\n"))
    (problem,) = [p for p in kzfigures.validate_package(package_copy) if p.column == "sha256"]
    assert "Windows line endings (CRLF)" in problem.message and "core.autocrlf" in problem.message


def test_nbval_runs_from_inside_notebooks():
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                           "lessons/01-reading-numbers-in-the-news.ipynb"], cwd=ROOT / "notebooks",
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and " passed" in done.stdout, done.stdout[-2000:]


def test_adjacent_prints_come_out_as_one_stream(tmp_path):
    import nbformat

    from kzfigures.report.execute import execute

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import sys, time\nprint('a', flush=True)\ntime.sleep(0.3)\nprint('b')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source = tmp_path / "n.ipynb"
    nbformat.write(nb, str(source))
    (cell,) = execute(source, None, {}).cells
    assert [(o.output_type, o.text) for o in cell.outputs] == [("stream", "a\nb\n")]


def test_a_kernel_killed_while_starting_is_one_line(tmp_path, small_report):
    """Found by hand: a kernel killed before it answered printed two tracebacks. A sitecustomize makes every kernel
    exit at start-up, as `kill -9` during start-up does."""
    out = copy_of(small_report, tmp_path)
    before = files(out)
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import os, sys\nif 'ipykernel_launcher' in ' '.join(sys.orig_argv):\n    os._exit(9)\n",
        encoding="utf-8")
    done = run_cli("report", "--only", "00", "--no-cache", "--output", str(out), env={"PYTHONPATH": str(site)})
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    (line,) = [ln for ln in done.stderr.splitlines() if ln.startswith("kzfigures:")]
    assert "notebook 00-article-in-numbers failed while its kernel was starting (DeadKernelError" in line
    assert files(out) == before
