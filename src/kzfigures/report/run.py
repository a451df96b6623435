"""Step 2 of a build, run: every planned page's notebook executed, ``jobs`` at a time, or taken from the cache.

Each notebook runs in its own kernel, started by nbclient as papermill starts one (execute.py); this module only
schedules them, fills and reads the cache, says progress, and keeps a failed notebook for its reader. A page of an
added article that fails is left out and said in one line; any other failure stops the build.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..charts.outputs import OUTPUT_ENV, OutputsError, read_outputs
from ..figures.paths import ENV_VAR
from ..figures.table import LEFT_OUT
from .execute import ExecutionFailed, execute, stop_kernel
from .plan import PageRun

FAILED_DIR = "reports-failed"
#: Inside reports-failed/: each notebook a failed build kept there, with the sha256 it had when it was written.
FAILED_MARKER = ".kzfigures-failed.json"
#: While a notebook runs longer than this many seconds, a line says it is still running, this often.
HEARTBEAT = 30
#: The signals (SIGINT, SIGTERM) the build received, recorded by its handler (build.py) before it raises
#: KeyboardInterrupt: Python swallows an exception raised while a finalizer runs ("Exception ignored in …"), so
#: the build also stops at its next step when one is recorded (a fresh clone's test saw an interrupt lost).
INTERRUPTED: list[int] = []


def stop_if_interrupted() -> None:
    """Raise the KeyboardInterrupt of a signal the build received, if one was received."""
    if INTERRUPTED:
        raise KeyboardInterrupt(f"signal {INTERRUPTED[0]}")
#: At most this many characters of an error's first line in the one line a failure gets.
ERROR_WORDS = 200


class NotebookFailed(RuntimeError):
    """A notebook raised while it ran; the message names it, the cell and the error, in one line."""

    def __init__(self, message: str, page: PageRun | None = None, brief: str = ""):
        super().__init__(message)
        self.page = page
        #: the same line without where the executed notebook is kept (a path outside the report), for its index
        self.brief = brief or message


@dataclass
class Runner:
    """What every notebook of one build shares: its folders, cache, limits, progress line and running kernels."""

    building: Path
    #: a work folder beside the output for the kernels' connection files (they hold each kernel's key)
    kernels: Path
    output: Path
    base: Path
    cache: Path
    #: False: every notebook runs, and its cache entry is written anew
    use_cache: bool
    jobs: int
    timeout: int
    fingerprint: str
    #: the fixed date every kernel stamps (SOURCE_DATE_EPOCH)
    epoch: str
    say: Callable[[str], None]
    seconds: dict[str, float] = field(default_factory=dict)
    started: dict[str, float] = field(default_factory=dict)
    running: set[Any] = field(default_factory=set)
    #: set when the build stops early (interrupted, or a notebook failed): no kernel starts after it
    stopping: threading.Event = field(default_factory=threading.Event)


_SAYING = threading.Lock()


def say_on_stderr(line: str) -> None:
    """A progress line on stderr in one write, under a lock: lines said by two notebooks at once never share a line."""
    with _SAYING:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def from_cache(page: PageRun, runner: Runner) -> Any:
    """The executed notebook of a page taken from the cache (its files copied into the build folder), or None when
    it is not there; a damaged entry is said, and the page runs again."""
    import nbformat

    from .cache import CacheDamaged, fetch

    if not runner.use_cache:
        return None
    try:
        if fetch(runner.cache, page.key, runner.building):
            read_outputs(runner.building / page.name)
            return nbformat.read(runner.building / "notebooks" / f"{page.name}.ipynb", as_version=4)
    except (CacheDamaged, OutputsError, OSError, ValueError) as err:
        runner.say(f"      {page.name}: {err}; running it again")
        for stale in (runner.building / page.name, runner.building / "notebooks" / f"{page.name}.ipynb"):
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)
    return None


def to_cache(page: PageRun, runner: Runner) -> None:
    """Cache a page's executed notebook and outputs, unless the inputs changed while it ran; a cache that cannot be
    written is a warning."""
    from .cache import inputs_fingerprint, store

    if inputs_fingerprint(runner.base) != runner.fingerprint:
        runner.say(f"      {page.name}: not cached, as the data, seeds or library changed while it ran")
        return
    files = {f"notebooks/{page.name}.ipynb": runner.building / "notebooks" / f"{page.name}.ipynb",
             page.name: runner.building / page.name}
    try:
        store(runner.cache, page.key, files, replace=not runner.use_cache)
    except OSError as err:
        runner.say(f"      warning: {page.name} was built but not cached "
                   f"({err.strerror or err}: {err.filename or runner.cache})")


def run_pages(pages: list[PageRun], runner: Runner, ready: Callable[[PageRun, Any], None]) -> list[NotebookFailed]:
    """Run the pages not in the cache ``jobs`` at a time, and hand each executed notebook to ``ready`` (in this
    thread) as soon as it is there: cached ones while the kernels run. Returns the failures of added articles' pages
    (left out); any other failure is raised."""
    total, done = len(pages), 0
    cached = [(page, nb) for page in pages if (nb := from_cache(page, runner)) is not None]
    hit = {page.name for page, _ in cached}
    to_run = longest_first([page for page in pages if page.name not in hit])
    pool = ThreadPoolExecutor(max_workers=max(1, min(runner.jobs, len(to_run) or 1)))
    futures: dict[Future[Any], PageRun] = {}
    failures: list[NotebookFailed] = []
    try:
        futures.update({pool.submit(_run_one, page, runner): page for page in to_run})
        for page, nb in cached:
            done += 1
            runner.say(f"[{done}/{total}] {page.name}: unchanged, taken from the cache")
            ready(page, nb)
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=HEARTBEAT, return_when=FIRST_COMPLETED)
            stop_if_interrupted()
            if not finished:
                _heartbeat([futures[f] for f in pending], runner)
            for future in finished:
                done += 1
                _finished(futures[future], future, runner, ready, failures, f"[{done}/{total}]")
    except BaseException:
        _stop(pool, futures, runner)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return failures


def longest_first(pages: list[PageRun]) -> list[PageRun]:
    """The pages to run, the largest notebook file first: its saved outputs (charts, mostly) are what takes a kernel
    long, so the longest runs start at once and the short ones fill the gaps (a cold build ends sooner)."""
    return sorted(pages, key=lambda page: -page.notebook.path.stat().st_size)


def _finished(page: PageRun, future: Future[Any], runner: Runner, ready: Callable[[PageRun, Any], None],
              failures: list[NotebookFailed], count: str) -> None:
    """One notebook's run ended: cache and hand on its page, or say why an added article's page is left out."""
    try:
        executed = future.result()
    except NotebookFailed as failed:
        if page.article is None:
            raise
        failures.append(failed)
        runner.say(f"{count} {page.name}: left out, {failed}")
        return
    to_cache(page, runner)
    ready(page, executed)
    runner.say(f"{count} {page.name}: done in {runner.seconds[page.name]:.1f} s")


def _heartbeat(pending: list[PageRun], runner: Runner) -> None:
    """Say which notebooks are still running, and for how long."""
    now = time.perf_counter()
    for page in pending:
        if page.name in runner.started:
            runner.say(f"      {page.name}: still running ({now - runner.started[page.name]:.0f} s; "
                       f"a cell may run {runner.timeout} s, see --timeout)")


def _stop(pool: ThreadPoolExecutor, futures: dict[Future[Any], PageRun], runner: Runner) -> None:
    """Stop the build: no new kernel starts, and every running one is killed (one still starting, once it has a
    process)."""
    runner.stopping.set()
    pool.shutdown(wait=False, cancel_futures=True)
    while not all(f.done() for f in futures):
        for client in list(runner.running):
            stop_kernel(client)
        wait(futures, timeout=0.1)


def _run_one(page: PageRun, runner: Runner) -> Any:
    """Execute one page's notebook into the build folder (solutions hidden when its parameters say so); on failure
    keep it for its reader and raise NotebookFailed."""
    if runner.stopping.is_set():
        return None
    runner.say(f"      {page.name}: running…")
    started = runner.started[page.name] = time.perf_counter()
    target = runner.building / "notebooks" / f"{page.name}.ipynb"
    env = {OUTPUT_ENV: str(runner.building / page.name), ENV_VAR: str(runner.base),
           "SOURCE_DATE_EPOCH": runner.epoch,  # the articles load_figures leaves out: named by the build, not on pages
           "PYTHONWARNINGS": ",".join(filter(None, [os.environ.get("PYTHONWARNINGS"), f"ignore:{LEFT_OUT}"]))}
    try:
        executed = execute(page.notebook.path, target, page.parameters, env=env, running=runner.running,
                           timeout=runner.timeout, connection_file=runner.kernels / f"{page.name}.json")
    except ExecutionFailed as err:
        if runner.stopping.is_set():
            raise  # stopped by the build itself (interrupted, or another notebook failed): nothing to keep
        raise NotebookFailed(_failure_line(page, err, keep_failed(target, runner), runner.output), page,
                             _failure_line(page, err, "", runner.output)) from None
    shown_by = page.notebook.solutions_shown_by
    if shown_by and not page.values[shown_by]:
        import nbformat

        from ..classroom.edition import hide_solutions

        executed = hide_solutions(executed, page.name)
        nbformat.write(executed, str(target))
    runner.seconds[page.name] = time.perf_counter() - started
    return executed


def _failure_line(page: PageRun, err: ExecutionFailed, kept: str, output: Path) -> str:
    """What failed, in one line: the notebook (and its article), the cell, the error's first line, where it is kept."""
    lines = [line.strip() for line in str(err.evalue).splitlines() if line.strip()]
    value = " ".join(lines[0].split()) if lines else ""
    value = value if len(value) <= ERROR_WORDS else value[:ERROR_WORDS] + "…"
    more = f" (and {len(lines) - 1} more lines)" if len(lines) > 1 else ""
    where = f"in cell {err.cell_index}" if err.cell_index >= 0 else "while its kernel was starting"
    of = f" (article {page.article})" if page.article else ""
    # a page of an added article is left out of a report that is written; any other failure keeps the old one
    unchanged = "" if page.article else f"; the previous report in {output} is unchanged"
    return f"notebook {page.name}{of} failed {where} ({err.ename}: {value}{more}){kept}{unchanged}"


def keep_failed(executed: Path, runner: Runner) -> str:
    """Keep a failed notebook in reports-failed/ beside the output, for its reader; say where ("; … kept at …").

    Never through a symbolic link, and never over a file kzfigures did not write there or that changed since it
    wrote it (such a file is kept; the notebook gets a free name beside it).
    """
    folder = runner.output.parent / FAILED_DIR
    if not executed.is_file():
        return ""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return f"; the executed notebook is not kept, as {folder} is a link or a file, left as it is"
    folder.mkdir(exist_ok=True)
    written = _failed_written(folder)
    target = _free_name(folder, executed.name, written)
    from ..figures.files import write_atomic

    body = executed.read_text(encoding="utf-8")
    write_atomic(target, body, newline="")
    written[target.name] = hashlib.sha256(body.encode("utf-8")).hexdigest()
    write_atomic(folder / FAILED_MARKER, json.dumps(written, indent=1, sort_keys=True) + "\n")
    return f"; the executed notebook is kept at {target}"


def _failed_written(folder: Path) -> dict[str, str]:
    """What kzfigures wrote in reports-failed/ (name -> sha256), from its marker; {} when there is none."""
    marker = folder / FAILED_MARKER
    try:
        body = json.loads(marker.read_text(encoding="utf-8")) if not marker.is_symlink() else {}
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in body.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(body, dict) else {}


def _free_name(folder: Path, name: str, written: dict[str, str]) -> Path:
    """NAME.ipynb if it is absent or still as kzfigures wrote it; else the first NAME-2.ipynb, NAME-3.ipynb … that is."""
    stem, suffix = name.rsplit(".", 1)
    for number in range(1, 1000):
        target = folder / (name if number == 1 else f"{stem}-{number}.{suffix}")
        if not target.exists() and not target.is_symlink():
            return target
        if (not target.is_symlink() and target.is_file() and target.name in written
                and hashlib.sha256(target.read_bytes()).hexdigest() == written[target.name]):
            return target
    raise FileExistsError(f"{folder}: no free name for {name}")
