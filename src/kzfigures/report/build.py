"""Build the HTML report in four steps, each its own module: plan (which notebooks run, with which parameters and
cache keys), run (nbclient kernels, in parallel, or the cache), render (each page and the index through the
templates) and publish (the swap into the output folder, with its manifest and journal).

This module only checks where the report may go, holds the output's lock, and hands each step's result to the
next. A failed or interrupted build leaves the previous report as it was.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..collection.listing import NotebookInfo, choose, ignored_notebooks, list_notebooks
from ..figures.paths import check_outside_project
from .folders import (
    OutputRefused,
    check_output,
    damaged,
    locked,
    recorded_files,
    remove_stale,
    remove_work,
    work_folder,
)
from .plan import PageRun, collection_articles, page_run, plan, repairs, set_apart
from .publish import carry_over, previous_pages, publish, recover_swap
from .render import Renderer, index_page, render_page
from .run import INTERRUPTED, NotebookFailed, Runner, run_pages, say_on_stderr, stop_if_interrupted

__all__ = ["DEFAULT_TIMEOUT", "BuildResult", "NotebookFailed", "build_report", "default_jobs"]

#: How long one cell may run, in seconds, unless --timeout says otherwise.
DEFAULT_TIMEOUT = 300


@dataclass
class BuildResult:
    """What a build wrote: the report folder, the pages, how long each notebook took, and the pages of added
    articles left out (each with its one line)."""

    output: Path
    pages: list[dict[str, Any]] = field(default_factory=list)
    up_to_date: bool = False
    seconds: dict[str, float] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Build:
    """One build's settings, as given: where it reads and writes, and how."""

    base: Path
    output: Path
    folder: Path
    collection: list[NotebookInfo]
    say: Callable[[str], None]
    jobs: int
    timeout: int
    use_cache: bool
    partial: bool
    #: one line for each article whose own problems keep its pages out (plan.set_apart), and the names of those pages
    apart: tuple[str, ...] = ()
    apart_pages: frozenset[str] = frozenset()


def default_jobs() -> int:
    """Notebooks run at once unless told: one per core, and one more while this process renders pages."""
    import os

    return (os.cpu_count() or 1) + 1


def _output(output: str | Path, base: Path) -> Path:
    """The output folder, resolved; refused when empty or inside the folders the report is built from."""
    if not str(output).strip():
        raise OutputRefused("--output: give a folder name for the report")
    resolved = Path(output).resolve()
    check_outside_project(resolved, base, "--output", OutputRefused)  # a report in data/ would be one of its inputs
    return resolved


def build_report(output: str | Path = "reports", parameters: dict[str, Any] | None = None,
                 only: list[str] | None = None, notebooks_folder: str | Path | None = None,
                 root: str | Path | None = None, progress: Callable[[str], None] | None = None,
                 jobs: int | None = None, use_cache: bool = True, timeout: int = DEFAULT_TIMEOUT) -> BuildResult:
    """Execute the notebooks and write the HTML report to ``output``; the old report stays if anything fails.

    Notebooks run ``jobs`` at a time (default: one more than the cores, as this process renders pages while they
    run), each in a fresh kernel, each cell for at most ``timeout`` seconds. With ``use_cache`` a notebook whose
    inputs are unchanged is taken from the cache, and a report that is already up to date (and undamaged) is left
    alone; without it every notebook runs and its cache entry is written anew. The output must be absent, empty or
    a report a build wrote (folders.check_output). The pages of an added article with problems of its own (those
    `kzfigures validate` lists for it) are left out before any kernel starts, and a page of an added article that
    fails is left out as it ends (``BuildResult.left_out`` says why, one line each); a problem of the whole package
    raises DataPackageError, any other failure NotebookFailed.
    """
    from ..figures.paths import notebooks_root, project_root
    from ..figures.problems import by_article
    from ..figures.store import checked_package
    from ..figures.validation import validate_package
    from .cache import cache_dir, inputs_fingerprint

    say = progress or say_on_stderr
    base = project_root(root)
    target = _output(output, base)
    folder = Path(notebooks_folder) if notebooks_folder else notebooks_root(base)
    collection = list_notebooks(folder)
    for line in ignored_notebooks(folder):
        say(line)
    if not collection:
        raise FileNotFoundError(f"no NN-topic.ipynb notebooks in {folder}")
    chosen = list(choose(collection, only))  # a copy: the collection itself stays as listed (links, targets)
    fingerprint = inputs_fingerprint(base)
    pages = plan(chosen, parameters or {}, collection, collection_articles(base), fingerprint,
                 cache_dir(base) if use_cache else None)
    checked_package(base)  # the data package checked here, before any kernel starts: each problem in one line
    planned = {page.name for page in pages}
    pages, apart = set_apart(pages, by_article(validate_package(base))[1])  # validate's problems, by article
    check_output(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    build = Build(base, target, folder, collection, say, jobs or default_jobs(), timeout, use_cache, bool(only),
                  tuple(apart), frozenset(planned - {page.name for page in pages}))
    with locked(target, say):
        recover_swap(target, say)
        remove_stale(target)  # the work folders of a build killed outright (its kernels' keys among them)
        check_output(target)
        return _build(build, pages, fingerprint)


def _build(build: Build, pages: list[PageRun], fingerprint: str) -> BuildResult:
    """Under the output's lock: leave an up-to-date report alone, else plan the repairs and build."""
    output, say = build.output, build.say
    previous = _previous(build)
    broken = damaged(output) if previous else []
    stale = [p for p in previous if p["name"] in build.apart_pages]  # built before its article had problems
    if build.use_cache and not broken and not stale and _up_to_date(output, previous, pages, build.partial):
        return _unchanged(build, previous)
    previous = [p for p in previous if p not in stale]
    if broken:
        say(f"the report in {output} is damaged ({', '.join(broken[:3])}{' …' if len(broken) > 3 else ''}): "
            "building it again")
    if build.partial and broken:  # a page --only would not rebuild is never lost: a damaged one is rebuilt too
        planned = {page.name for page in pages}
        pages = pages + [page_run(nb, values, fingerprint, None, article)
                         for nb, values, article in repairs(previous, broken, planned, build.collection, say)]
        previous = [p for p in previous if p["name"] in planned or p["name"] not in _damaged_names(previous, broken)]
    return _write(build, pages, previous if build.partial else [], fingerprint)


def _previous(build: Build) -> list[dict[str, Any]]:
    """The pages of the report already in the output; refused for --only when its manifest cannot be read."""
    previous = previous_pages(build.output)
    if build.partial and not previous and "manifest.json" in (recorded_files(build.output) or {}):
        raise OutputRefused(f"--output {build.output}: the report's manifest.json cannot be read, so --only would "
                            "lose the pages it does not rebuild; build the whole report (without --only)")
    return previous


def _unchanged(build: Build, previous: list[dict[str, Any]]) -> BuildResult:
    """An up-to-date report, left alone: said, with the articles its pages still leave out."""
    build.say(f"report is up to date: {build.output}/index.html")
    for line in build.apart:
        build.say(f"left out of the report: {line}")
    return BuildResult(build.output, previous, up_to_date=True, left_out=list(build.apart))


def _damaged_names(previous: list[dict[str, Any]], broken: list[str]) -> set[str]:
    """The names of the previous pages with a damaged file."""
    from .plan import page_damaged

    return {p["name"] for p in previous if page_damaged(p, broken)}


def _write(build: Build, pages: list[PageRun], previous: list[dict[str, Any]], fingerprint: str) -> BuildResult:
    """Run and render every page into a work folder, and publish it; SIGTERM stops the build as Ctrl-C does."""
    in_main = threading.current_thread() is threading.main_thread()
    INTERRUPTED.clear()
    old = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)} if in_main else {}
    building = work_folder(build.output, "building")
    (building / "notebooks").mkdir()
    kernels = work_folder(build.output, "kernels")  # a build killed outright leaves them to the next (remove_stale)
    try:
        result = _steps(build, pages, previous, fingerprint, building, kernels)
    finally:
        remove_work(building)
        remove_work(kernels)
        for sig, handler in old.items():
            signal.signal(sig, handler)
    for line in result.left_out:
        build.say(f"left out of the report: {line}")
    build.say(f"report written to {build.output}/index.html")
    return result


def _steps(build: Build, pages: list[PageRun], previous: list[dict[str, Any]], fingerprint: str,
           building: Path, kernels: Path) -> BuildResult:
    """Run, render and publish into ``building``."""
    from .cache import cache_dir, inputs_fingerprint
    from .pages import exporter, page_targets
    from .provenance import article_epoch, provenance

    names = {page.name for page in pages}
    kept = [p for p in previous if p["name"] not in names]
    carry_over(build.output, building, kept)
    entries = {p["name"]: p for p in kept}
    made = provenance(build.base)

    @cache
    def renderer() -> Renderer:  # made once the kernels have started, while they run
        return Renderer(building, build.base, exporter(), page_targets(build.collection, build.folder), made)

    def ready(page: PageRun, executed: Any) -> None:
        entries[page.name] = render_page(page, executed, renderer())

    runner = Runner(building, kernels, build.output, build.base, cache_dir(build.base), build.use_cache, build.jobs,
                    build.timeout, fingerprint, str(article_epoch(build.base)), build.say)
    failures = run_pages(pages, runner, ready)
    remove_work(kernels)  # every kernel has ended: their connection files went with them
    if inputs_fingerprint(build.base) != fingerprint:
        build.say("the data, seeds or library changed while the build ran: the report is written, but marked to be "
                  "built again next time")
        for entry in entries.values():
            entry["key"] = "inputs-changed-during-build"
    result = BuildResult(build.output, [entries[name] for name in sorted(entries)], seconds=runner.seconds,
                         left_out=list(build.apart) + [str(failed) for failed in failures])
    stop_if_interrupted()  # never publish after an interrupt, even one whose KeyboardInterrupt was swallowed
    values = _page_values(result.pages, build.collection)
    not_built = list(build.apart) + [failed.brief for failed in failures]
    publish(building, build.output, result.pages, index_page(result.pages, values, build.base, made, not_built))
    return result


def _page_values(pages: list[dict[str, Any]], collection: list[NotebookInfo]) -> dict[str, dict[str, Any]]:
    """Each page's parameters as it was built with them: its notebook's defaults, then those its entry records."""
    from .pages import ARTICLE_PAGE
    from .plan import literal_values

    defaults = {nb.name: nb.parameters for nb in collection}
    return {p["name"]: {**defaults.get(p["name"].split(ARTICLE_PAGE)[0], {}), **literal_values(p.get("parameters"))}
            for p in pages}


def _up_to_date(output: Path, previous: list[dict[str, Any]], pages: list[PageRun], partial: bool) -> bool:
    """True when the report on disk was built from exactly these inputs and is complete."""
    built = {p["name"]: p.get("key") for p in previous}
    if not previous or any(built.get(page.name) != page.key for page in pages):
        return False
    if not partial and set(built) != {page.name for page in pages}:
        return False
    needed = ["index.html"] + [p["html"] for p in previous] + [p["notebook"] for p in previous]
    return all((output / rel).is_file() for rel in needed)


def _interrupt(signum: int, frame: Any) -> None:
    """Record SIGINT or SIGTERM (run.INTERRUPTED) and raise KeyboardInterrupt, so the build cleans up and stops."""
    INTERRUPTED.append(signum)
    raise KeyboardInterrupt(f"signal {signum}")
