"""Shared fixtures: the project root, and writable copies of the data package to break on purpose."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings

#: Property tests: 300 examples each in the whole suite; make check asks for fewer with --hypothesis-profile=check
#: (a small count in the edit-test loop, the full count in the full run, as hypothesis's docs advise; 20 rather than
#: 40 took the fast tier's property tests from 3.0 s to 1.3 s of CPU). A failure found once is replayed first from
#: hypothesis's example database either way.
settings.register_profile("full", max_examples=300)
settings.register_profile("check", max_examples=20)
settings.load_profile("full")


def at_most(examples: int) -> settings:
    """A slow property test's settings: the profile's example count (``--hypothesis-profile`` is loaded before the
    test modules are imported), but at most ``examples``; no deadline, as a busy machine is slow, not wrong."""
    return settings(max_examples=min(examples, settings.default.max_examples), deadline=None)

ROOT = Path(__file__).resolve().parents[1]
CACHE_ENV = "KZFIGURES_CACHE"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SEED_TEXT = ROOT / "seeds" / "astanatimes-2014-09-terrorism-multi-pronged-threat.txt"


@pytest.hookimpl(trylast=True)  # after -m has deselected the other tier
def pytest_collection_modifyitems(config, items) -> None:
    """The order in which pytest-xdist hands out the files (make check and make test pass --no-loadscope-reorder):
    the first file whose first test reads the default report goes first, so the run's longest piece of work, that
    report's cold build (three kernels at once), starts at once beside the other worker's files instead of midway,
    where one worker was left to finish the run alone; then the files with the most tests first, as xdist orders them
    itself. Each file's tests keep their order."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)
    first = next((name for name, tests in files.items()
                  if "default_report" in getattr(tests[0], "fixturenames", ())), None)
    order = sorted(files, key=lambda name: (name != first, -len(files[name])))
    items[:] = [item for name in order for item in files[name]]


def pytest_collection_finish(session) -> None:
    """Once the tests are collected (in each xdist worker), what was imported and collected so far is frozen out of
    the cyclic garbage collector's sweeps, and a sweep of the young objects waits for 20,000 allocations instead of
    700: the fast tier spent 8 % of a worker's CPU in the collector, and about half of that no more (it keeps finding
    the same garbage, later; gc.freeze and gc.set_threshold are the standard library's own knobs for this)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


@pytest.fixture
def root() -> Path:
    """The checkout's root (seeds/, data/)."""
    return ROOT


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of seeds/, data/ and notebooks/ in a temporary folder (a checkout to break)."""
    for folder in ("seeds", "data", "notebooks"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows as dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def assert_read_as(text: str, phrase: str, lower: float | None, upper: float | None, bound: str, change: str = "",
                   unit: str = "") -> None:
    """The draft of ``text`` proposes ``phrase`` once, read as these bounds (None: unread with its reason), this kind
    of bound and change, and this unit when one is given: the check every table of real phrases makes."""
    import math

    from kzfigures import draft_text

    table = draft_text(text)
    rows = table[table.number_text == phrase]
    assert len(rows) == 1, table[["number_text", "bound", "reason"]].to_dict("records")
    row = rows.iloc[0]
    if lower is None:  # what cannot be read for sure: a proposal with empty bounds and its reason
        assert math.isnan(row.lower) and row.reason.startswith("unread: ")
        return
    assert (row.lower, row.upper, row.bound, row.change) == (pytest.approx(lower), pytest.approx(upper), bound, change)
    assert not unit or row.unit == unit


def write_rows(path: Path, rows: list[dict[str, str]], fieldnames: list[str] | None = None) -> None:
    """Write rows back as CSV, in the project's style."""
    names = fieldnames or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def edit_csv() -> Callable[[Path, str, Callable[[list[dict[str, str]]], list[dict[str, str]] | None]], None]:
    """Edit a CSV of a package copy in place: edit(root, 'figures.csv', fn) where fn changes the rows."""

    def edit(base: Path, name: str, change: Callable[[list[dict[str, str]]], list[dict[str, str]] | None]) -> None:
        path = base / "data" / name
        rows = read_rows(path)
        result = change(rows)
        write_rows(path, rows if result is None else result)

    return edit


def reseed(base: Path, text: str) -> None:
    """Replace a package copy's seed text and record its new checksum (a deliberate, consistent change)."""
    meta_path = next((base / "seeds").glob("*.json"))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    (base / "seeds" / meta["file"]).write_text(text, encoding="utf-8")
    meta["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")


@pytest.fixture(scope="session")
def checkout_state():
    """What built the reports, asked of the checkout once (its commit, "+ local changes" when its tracked files
    differ from it, the date). A page's footer says what the build saw at that moment, so a test that compares the
    bytes of two builds made minutes apart builds both as_built(checkout_state): a file edited or committed in the
    checkout between them, while the tests run, is no change of the page (seen on a busy machine: byte 395507 of
    page 00, " + local changes" in one build and not in the other)."""
    from kzfigures.report.provenance import provenance

    return provenance(ROOT)


@contextmanager
def as_built(made) -> Iterator[None]:
    """Every report built in this block says it was built by ``made`` (a Provenance), whatever the checkout is now."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("kzfigures.report.provenance.provenance", lambda root: made)
        yield


@pytest.fixture
def same_checkout(checkout_state) -> Iterator[None]:
    """The test's report builds say checkout_state, as the module's fixtures built with as_built did."""
    with as_built(checkout_state):
        yield


@pytest.fixture(scope="session", autouse=True)
def own_cache(tmp_path_factory) -> Path:
    """The tests build with a cache of their own, empty at the start, never the checkout's .cache/."""
    folder = tmp_path_factory.mktemp("cache")
    os.environ[CACHE_ENV] = str(folder)
    return folder


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """A report built by one test process only: under pytest-xdist the first worker that asks builds it into the
    run's shared temporary folder, with a cold cache of its own, while the others wait on a lock and read it."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, done = shared / f"shared-{name}", shared / f"shared-{name}.done"
    with (shared / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a half-built one, left by a worker that died
            folder.mkdir()
            before = os.environ[CACHE_ENV]
            os.environ[CACHE_ENV] = str(folder / "cache")
            try:
                build(folder)
            finally:
                os.environ[CACHE_ENV] = before
            done.touch()
    return folder / "reports"


@pytest.fixture(scope="session")
def default_report(tmp_path_factory) -> Path:
    """The report with every default, built once for the whole run (notebooks in parallel, cold cache)."""
    from kzfigures.report.build import build_report

    return built_once(tmp_path_factory, "default",
                      lambda folder: build_report(folder / "reports", progress=lambda line: None))


@pytest.fixture
def default_cache(default_report, monkeypatch) -> Path:
    """Build with the cache the default report filled (a test that needs a warm cache, not its own build)."""
    folder = default_report.parent / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


SCRIPT = "<script>window.pwned=true</script><img src=x onerror=\"window.hacked=true\">"


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory) -> Path:
    """A report built (once for the whole run) from a data package whose quote and measure carry HTML and script."""
    return built_once(tmp_path_factory, "hostile", _build_hostile)


def _build_hostile(base: Path) -> None:
    """Copy the checkout into base, put HTML and script into one quote and measure, and build pages 00 and 01."""
    from kzfigures.report.build import build_report

    for folder in ("seeds", "data", "notebooks"):
        shutil.copytree(ROOT / folder, base / folder)
    text = SEED_TEXT.read_text(encoding="utf-8")
    anchor = "in foreign terrorist organisations."
    at = text.index(anchor) + len(anchor) - 1
    reseed(base, text[:at] + " " + SCRIPT + text[at:])
    shift = len(SCRIPT) + 1
    for name in ("figures", "people", "non_figures", "categories", "organisations", "events", "places"):
        path = base / "data" / f"{name}.csv"
        rows = read_rows(path)
        for row in rows:
            if int(row["start"]) > at:
                row["start"], row["end"] = str(int(row["start"]) + shift), str(int(row["end"]) + shift)
            elif int(row["end"]) > at:
                row["quote"] = row["quote"][:-1] + " " + SCRIPT + "."
                row["end"] = str(int(row["end"]) + shift)
                if name == "figures":
                    row["measure"] = "<b>bold</b> " + SCRIPT
        write_rows(path, rows)
    build_report(base / "reports", only=["00", "01"], root=base, progress=lambda line: None)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, driven by Playwright (the browser and JupyterLab tests skip without it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()
