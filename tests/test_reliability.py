"""Reliability: byte-stable builds, bad input refused in one clear line, interruption, untrusted text, no network."""
from __future__ import annotations

import filecmp
import json
import os
import platform
import re
import signal
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, SEED_TEXT, reseed
from kzfigures.collection.listing import list_notebooks
from kzfigures.report.build import build_report
from kzfigures.report.folders import REPORT_MARKER, WORK_MARKER

#: The full tier (make test): a real client, an install, or report builds of its own.
pytestmark = pytest.mark.full

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ALL = list_notebooks()


def build(out: Path, **options) -> Path:
    build_report(out, progress=lambda line: None, **options)
    return out


@pytest.fixture(scope="module")
def no_network(tmp_path_factory) -> Path:
    """A sitecustomize that makes every Python socket refuse to connect, for kernels started with it."""
    site = tmp_path_factory.mktemp("site")
    (site / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def two_builds(default_report, no_network, tmp_path_factory) -> tuple[Path, Path]:
    """Two cold builds of the default report: the session's (parallel, cache cold) and one sequential, with no
    cache, whose kernels cannot open a network connection."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(no_network), before or ""])
    try:
        return default_report, build(tmp_path_factory.mktemp("second") / "reports", jobs=1, use_cache=False)
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH")
        else:
            os.environ["PYTHONPATH"] = before


def tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_two_cold_builds_are_byte_identical(two_builds):
    first, second = two_builds
    files = tree(first)
    assert files == tree(second) and len(files) > 40
    _, mismatch, errors = filecmp.cmpfiles(first, second, files, shallow=False)
    assert mismatch == [] and errors == []
    assert {Path(f).suffix for f in files} >= {".html", ".ipynb", ".png", ".svg", ".csv", ".json"}


def test_a_build_from_the_cache_is_byte_identical(two_builds, default_cache, tmp_path):
    cached = build(tmp_path / "reports")
    _, mismatch, errors = filecmp.cmpfiles(two_builds[0], cached, tree(cached), shallow=False)
    assert tree(cached) == tree(two_builds[0]) and mismatch == [] and errors == []


def test_an_unchanged_report_is_left_alone(default_cache, tmp_path):
    out = build(tmp_path / "reports")
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    result = build_report(out, progress=lambda line: None)
    assert result.up_to_date and {p: p.stat().st_mtime_ns for p in out.rglob("*")} == stamps


def test_a_changed_data_row_is_never_served_from_the_cache(package_copy, edit_csv):
    out = package_copy / "reports"
    build_report(out, only=["01"], root=package_copy, progress=lambda line: None)
    assert "Kazakhstan citizens fighting as jihadists" in (out / "01-foreign-fighters.html").read_text()
    edit_csv(package_copy, "figures.csv", set_figure("measure", "citizens of Kazakhstan abroad, per Karin"))
    result = build_report(out, only=["01"], root=package_copy, progress=lambda line: None)
    assert not result.up_to_date
    page = (out / "01-foreign-fighters.html").read_text()
    assert "citizens of Kazakhstan abroad, per Karin" in page


@pytest.mark.parametrize("nb", ALL, ids=lambda n: n.name)
def test_committed_notebook_is_what_make_notebooks_writes(two_builds, nb):
    """The report runs each notebook with its defaults and cleans it exactly as `make notebooks` does."""
    built = two_builds[0] / "notebooks" / f"{nb.name}.ipynb"
    assert same_python(built.read_bytes()) == same_python(nb.path.read_bytes()), \
        f"run `make notebooks` and commit {nb.path.name}"


def same_python(text: bytes) -> bytes:
    """A notebook with the kernel's Python version (kept, as JupyterLab writes it) read as this one's: a checkout
    run on another Python 3.11 release is still what `make notebooks` writes."""
    return re.sub(rb'("pygments_lexer": "ipython3",\s*"version": )"[0-9.]+"',
                  b'\\1"' + platform.python_version().encode() + b'"', text)


# -- bad input through the command line ---------------------------------------------------------------------
def cli(*args: str, root: Path | None = None, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"KZFIGURES_ROOT": str(root)} if root else {})}
    return subprocess.run([sys.executable, "-m", "kzfigures.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=ROOT, **kw)


@pytest.fixture
def previous(tmp_path) -> Path:
    from kzfigures.report.folders import mark_report

    out = tmp_path / "out" / "reports"
    out.mkdir(parents=True)
    (out / "index.html").write_text("previous report", encoding="utf-8")
    mark_report(out)
    return out


def set_figure(column: str, value) -> callable:
    def change(rows):
        row = next(r for r in rows if r["figure_id"] == "kz_fighters_karin")
        row[column] = value(row[column]) if callable(value) else value
    return change


CORRUPTIONS = [
    ("quote not in text", set_figure("quote", "Karin counts 999 fighters."), "row kz_fighters_karin, column quote"),
    ("offsets off by one", set_figure("start", lambda v: str(int(v) + 1)), "row kz_fighters_karin, column start"),
    ("unparseable phrase", set_figure("number_text", "Kazakhstan citizens"), "cannot parse 'Kazakhstan citizens'"),
    ("duplicate id", set_figure("figure_id", "foreign_fighters"), "column figure_id: duplicate value"),
    ("dangling same_as", set_figure("same_as", "nowhere"), "column same_as: 'nowhere' refers to no figure_id"),
    ("bad date", set_figure("period_start", "2014-02-30"), "column period_start: '2014-02-30' is not an ISO date"),
    ("empty required field", set_figure("unit", ""), "row kz_fighters_karin, column unit: is empty but required"),
]


@pytest.mark.parametrize("name, change, words", CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_corrupted_row_is_refused_in_one_line(package_copy, edit_csv, previous, name, change, words):
    edit_csv(package_copy, "figures.csv", change)
    done = cli("report", "--output", str(previous), root=package_copy)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert any(line.startswith("kzfigures: error: data/figures.csv, row ") and words in line for line in lines), lines
    assert (previous / "index.html").read_text() == "previous report"


def test_lower_above_upper_is_refused(package_copy, edit_csv, previous):
    reseed(package_copy, SEED_TEXT.read_text(encoding="utf-8").replace("between 180 and 250", "between 250 and 180"))
    edit_csv(package_copy, "figures.csv", set_figure("number_text", "between 250 and 180"))
    edit_csv(package_copy, "figures.csv", set_figure("quote", lambda q: q.replace("180 and 250", "250 and 180")))
    done = cli("report", "--output", str(previous), root=package_copy)
    assert done.returncode == 1 and "lower 250 > upper 180" in done.stderr, done.stderr


def test_changed_seed_is_refused(package_copy, previous):
    seed = package_copy / "seeds" / SEED_TEXT.name
    seed.write_text(seed.read_text(encoding="utf-8").replace("nine", "ten", 1), encoding="utf-8")
    done = cli("report", "--output", str(previous), root=package_copy)
    assert done.returncode == 1 and "column sha256: the text has changed" in done.stderr.splitlines()[0]
    assert (previous / "index.html").read_text() == "previous report"


def test_missing_data_file_is_refused(package_copy, previous):
    (package_copy / "data" / "figures.csv").unlink()
    done = cli("report", "--output", str(previous), root=package_copy)
    assert done.returncode == 1
    assert "kzfigures: error: data/figures.csv, row -, column -: the data file is missing" in done.stderr


def test_debug_shows_the_traceback(previous):
    done = cli("--debug", "report", "--output", str(previous), "-p", "population", "-1")
    assert done.returncode != 0 and "Traceback" in done.stderr and "ParameterError" in done.stderr


# -- interruption -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_interrupted_build_leaves_the_previous_report(previous, sig, code):
    env = {**os.environ}
    proc = subprocess.Popen([sys.executable, "-m", "kzfigures.cli", "report", "--no-cache", "--output", str(previous)],
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if line.strip().endswith("running…"):
            break
    proc.send_signal(sig)
    rest = proc.communicate(timeout=120)[1]
    assert proc.returncode == code, [*lines, rest]
    assert "the previous report is unchanged" in rest
    assert tree(previous) == [REPORT_MARKER, "index.html"] and (previous / "index.html").read_text() == "previous report"
    left = {p.name: tree(p) for p in previous.parent.iterdir() if p.name != "reports"}
    assert left == {}, f"no half-built folder left behind (pid {proc.pid}): {left}"


def test_an_interrupt_whose_keyboardinterrupt_was_swallowed_still_stops_the_build(previous, monkeypatch):
    """A fresh clone's make test: a build sent SIGINT as its first notebook started wrote the report and exited 0
    (Python drops an exception raised while a finalizer runs). The handler records the signal; the build stops at its
    next step and publishes nothing."""
    import contextlib

    from kzfigures.report import build, run

    real, calls = run.to_cache, []

    def to_cache(page, runner):  # the signal comes while the main thread is in code that swallows the exception
        if not calls:
            with contextlib.suppress(KeyboardInterrupt):
                build._interrupt(signal.SIGINT, None)
        calls.append(page.name)
        return real(page, runner)

    monkeypatch.setattr(run, "to_cache", to_cache)
    handler = signal.getsignal(signal.SIGINT)  # an xdist worker's is SIG_IGN, a shell's the default handler
    with pytest.raises(KeyboardInterrupt, match="signal 2"):
        build_report(previous, only=["00", "01"], use_cache=False, jobs=1, progress=lambda line: None)
    assert tree(previous) == [REPORT_MARKER, "index.html"] and (previous / "index.html").read_text() == "previous report"
    assert calls and signal.getsignal(signal.SIGINT) == handler  # put back as it was


def test_the_run_after_an_interruption_succeeds(previous):
    stale = previous.parent / f".reports.building-{2**22 + 12345}"
    stale.mkdir()
    (stale / "half.html").write_text("half", encoding="utf-8")
    (stale / WORK_MARKER).write_text(str(2**22 + 12345), encoding="utf-8")
    build_report(previous, only=["00"], progress=lambda line: None)
    assert (previous / "00-article-in-numbers.html").is_file() and not stale.exists()


# -- untrusted text stays text ----------------------------------------------------------------------------
class Elements(HTMLParser):
    """Every element of a page: its tag, attributes, and the text inside script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.attributes += [(name, value or "") for name, value in attrs]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_hostile_text_is_escaped_in_every_page(hostile_report):
    pages = sorted(hostile_report.glob("*.html"))
    assert len(pages) == 3
    shown = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        parsed = Elements()
        parsed.feed(html)
        assert not [a for a in parsed.attributes if a[0].startswith("on")], page.name
        assert not [s for s in parsed.scripts if "pwned" in s], page.name
        shown += html.count("&lt;script&gt;window.pwned=true&lt;/script&gt;")
    assert shown >= 2, "the text is shown, as text"


# -- no network ---------------------------------------------------------------------------------------------
NO_NETWORK = '''
import socket
def _refuse(*args, **kwargs):
    raise OSError("network refused by the kzfigures no-network test")
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
'''


def test_notebooks_run_with_socket_connections_refused(no_network, two_builds):
    """The sequential build's kernels started with Python sockets unable to connect; every notebook still ran."""
    env = {**os.environ, "PYTHONPATH": str(no_network)}
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
                           capture_output=True, text=True, env=env)
    assert "network refused by the kzfigures no-network test" in probe.stderr
    built = two_builds[1]
    for nb in ALL:
        executed = json.loads((built / "notebooks" / f"{nb.name}.ipynb").read_text())
        assert not [o for c in executed["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
