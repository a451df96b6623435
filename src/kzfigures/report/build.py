"""Build the HTML report: execute every notebook (papermill's parameter injection, nbclient kernels run two at a
time), export HTML, write an index, and swap the whole report in.

The report is built in a temporary folder beside the output and moved into place only when every notebook
has run, so a failed or interrupted build leaves the previous report as it was.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..charts.outputs import OUTPUT_ENV, OutputsError, read_outputs
from ..collection.listing import NotebookInfo, choose, ignored_notebooks, list_notebooks
from ..collection.params import ParameterError, check_parameter, check_parameters
from ..figures.paths import ENV_VAR
from ..figures.store import CHECKED_ENV
from .execute import ExecutionFailed, execute, stop_kernel
from .folders import (
    WORK_MARKER,
    OutputRefused,
    begin_swap,
    check_output,
    damaged,
    end_swap,
    locked,
    mark_report,
    recorded_files,
    recover_swap,
    remove_stale,
    remove_work,
    work_folder,
)
from .kernels import warm
from .pages import TEMPLATES, built_with, export, exporter, figure_labels, page_targets
from .provenance import Provenance, footer, provenance, write_datapackage

FAILED_DIR = "reports-failed"
#: Fixed for every build, so tools that stamp a date (matplotlib's PDF/PS/SVG writers) stamp the same one.
SOURCE_DATE_EPOCH = "1409529600"  # 2014-09-01, the article's month
#: How long one cell may run, in seconds, unless --timeout says otherwise.
DEFAULT_TIMEOUT = 300
#: While a notebook runs longer than this many seconds, a line says it is still running, this often.
HEARTBEAT = 30


class NotebookFailed(RuntimeError):
    """A notebook raised while it ran; the message names it and the cell."""


@dataclass
class BuildResult:
    """What a build wrote: the report folder, the pages, and how long each notebook took."""

    output: Path
    pages: list[dict[str, Any]] = field(default_factory=list)
    up_to_date: bool = False
    seconds: dict[str, float] = field(default_factory=dict)


_SAYING = threading.Lock()


def say_on_stderr(line: str) -> None:
    """A progress line on stderr in one write, under a lock: lines said by two notebooks at once never share a line."""
    with _SAYING:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def resolve_parameters(notebooks: list[NotebookInfo], given: dict[str, Any],
                       collection: list[NotebookInfo] | None = None) -> dict[str, dict[str, Any]]:
    """Check the given parameters against the rules and the notebooks; return each notebook's own values."""
    declared = {name for nb in notebooks for name in nb.parameters}
    for name, value in given.items():
        if name not in declared:
            owners = [nb.name for nb in (collection or notebooks) if name in nb.parameters]
            built = ", ".join(nb.name for nb in notebooks)
            if owners:
                raise ParameterError(f"parameter {name!r} is not used by the notebooks built ({built}); "
                                     f"{', '.join(owners)} uses it: add it to --only, or leave the parameter out")
            allowed = ", ".join(sorted(declared)) or "none"
            raise ParameterError(f"unknown parameter {name!r} for the notebooks built; theirs are: {allowed}")
        check_parameter(name, value)
    resolved = {}
    for nb in notebooks:
        values = {**nb.parameters, **{k: v for k, v in given.items() if k in nb.parameters}}
        check_parameters(**values)
        resolved[nb.name] = {k: v for k, v in given.items() if k in nb.parameters}
    return resolved


def article_pages(chosen: list[NotebookInfo], given: dict[str, Any], base: Path) -> list[tuple[NotebookInfo, str]]:
    """A page of each chosen notebook with an ``article`` parameter for every other article of the collection
    (named NAME--ID, its ``article`` set to ID), unless the build was given an article."""
    from ..figures.seeds import read_seeds

    if "article" in given:
        return []
    seeds, _ = read_seeds(base)
    return [(replace(nb, name=f"{nb.name}--{seed_id}", title=f"{nb.title}: {seed.meta['title']}"), seed_id)
            for nb in chosen if "article" in nb.parameters
            for seed_id, seed in sorted(seeds.items()) if seed_id != nb.parameters["article"]]


def _page(nb: NotebookInfo, parameters: dict[str, Any], folder: Path, key: str) -> dict[str, Any]:
    """The index entry for one built notebook: its links, parameters, and the charts and tables it saved."""
    outputs = read_outputs(folder / nb.name)
    charts = [{"title": c.title, "alt": c.alt, "png": f"{nb.name}/{c.name}.png", "svg": f"{nb.name}/{c.name}.svg",
               "csv": f"{nb.name}/{c.name}-data.csv"} for c in outputs.charts]
    tables = sorted(f"{nb.name}/{t.name}.csv" for t in outputs.tables)
    return {"name": nb.name, "title": nb.title, "question": nb.question, "html": f"{nb.name}.html",
            "notebook": f"notebooks/{nb.name}.ipynb", "parameters": {k: repr(v) for k, v in parameters.items()},
            "built_with": built_with(parameters),
            "charts": charts, "tables": tables, "key": key,
            "datapackage": f"{nb.name}/datapackage.json" if charts or tables else None}


def _article(root: Path, seed_id: str | None = None) -> dict[str, Any]:
    """An article's metadata (the flagship's unless ``seed_id`` names another), with its date in words."""
    from ..figures.seeds import load_seed

    meta = load_seed(seed_id, root=root).meta
    return {**meta, "published_words": "September 2014; the day is not known"
            if meta["published"] == "2014-09" else meta["published"]}


def _index(pages: list[dict[str, Any]], root: Path, made: Provenance) -> str:
    """The index page, from a Jinja template with autoescaping (data text stays text): what the numbers allow us
    to say first (computed, build/findings.py), then every page with its charts, downloads and notebook."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from ..figures.paths import notebooks_root
    from .findings import findings

    article = _article(root)
    built = {p["name"] for p in pages}
    context = next((p for p in pages if p["name"] == "04-in-context"), None)
    given = context["parameters"].get("last_year") if context else None
    if given is None:  # the page was built with its default: read it from the notebook, as the page did
        defaults = {nb.name: nb.parameters for nb in list_notebooks(notebooks_root(root))}
        given = repr(defaults.get("04-in-context", {}).get("last_year"))
    said = [f for f in findings(root, None if given == "None" else int(given)) if f.page in built]
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]))
    closing = footer("Every number in one article", article, made)  # every data text in it went through html.escape
    return env.get_template("index_page.html.j2").render(
        pages=pages, article=article, findings=said, titles={p["name"]: p["title"] for p in pages}, footer=closing)


def _sign(building: Path, pages: list[dict[str, Any]], root: Path, made: Provenance) -> None:
    """End every page built this time with its footer, and give its downloads a datapackage.json."""
    for page in pages:
        chosen = page.get("parameters", {}).get("article")  # a page of another article cites that article
        article = _article(root, ast.literal_eval(chosen) if chosen else None)
        html = building / page["html"]
        text = html.read_text(encoding="utf-8")
        if 'class="kz-footer"' in text:
            continue  # carried over from the previous report (--only), signed when it was built
        folder = building / page["name"]
        download = f"{page['name']}/datapackage.json" if folder.is_dir() else None
        if download:
            write_datapackage(folder, page["title"], article, made)
        closing = footer(page["title"], article, made, download)
        where = text.rfind("</main>") if "</main>" in text else text.rfind("</body>")
        html.write_text(text[:where] + closing + text[where:], encoding="utf-8")


def _carry_over(old: Path, new: Path, keep: list[dict[str, Any]]) -> None:
    """Copy the pages of notebooks not rebuilt (--only) from the previous report into the new one."""
    for page in keep:
        for rel in (page["html"], page["notebook"], page["name"]):
            source = old / rel
            if source.is_dir():
                shutil.copytree(source, new / rel)
            elif source.is_file():
                (new / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, new / rel)


def _swap(built: Path, output: Path) -> None:
    """Put the new report in place of the old; SIGINT and SIGTERM wait until both renames are done.

    The old report is checked once more first (under the lock), so a file the user put there meanwhile is never
    moved away with it.
    """
    check_output(output)
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
    begin_swap(output, built, retired)  # a kill -9 from here on is finished by the next build (recover_swap)
    (built / WORK_MARKER).unlink()
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        if output.exists():
            output.rename(retired)
            (retired / WORK_MARKER).write_text(str(os.getpid()), encoding="utf-8")
        built.rename(output)
        end_swap(output)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    remove_work(retired)


def _terminate_as_interrupt(signum: int, frame: Any) -> None:
    """Turn SIGTERM into KeyboardInterrupt so the build cleans up as it does for Ctrl-C."""
    raise KeyboardInterrupt(f"signal {signum}")


def build_report(output: str | Path = "reports", parameters: dict[str, Any] | None = None,
                 only: list[str] | None = None, notebooks_folder: str | Path | None = None,
                 root: str | Path | None = None, progress: Callable[[str], None] | None = None,
                 jobs: int | None = None, use_cache: bool = True, timeout: int = DEFAULT_TIMEOUT) -> BuildResult:
    """Execute the notebooks and write the HTML report to ``output``; the old report stays if anything fails.

    Notebooks run ``jobs`` at a time (default: one more than the cores, as this process exports pages while
    they run), each in a fresh kernel (forked from a warm one, see kernels.py), each cell for at most
    ``timeout`` seconds. With ``use_cache`` a notebook whose inputs are unchanged is taken from the cache, and a
    report that is already up to date (and undamaged) is left alone; without it every notebook runs and its cache
    entry is written anew. The output must be absent, empty or a report a build wrote (folders.check_output).
    """
    from ..figures.paths import notebooks_root, project_root
    from ..figures.store import checked_token
    from .cache import cache_dir, inputs_fingerprint, page_key

    say = progress or say_on_stderr
    if not str(output).strip():
        raise OutputRefused("--output: give a folder name for the report")
    base = project_root(root)
    output = Path(output).resolve()
    for inside in ("data", "seeds"):  # a report there would be part of the inputs it is built from
        if output.is_relative_to((base / inside).resolve()):
            raise OutputRefused(f"--output {output}: is inside {inside}/, which the report is built from; name a "
                                f"folder outside {base / 'data'} and {base / 'seeds'}")
    folder = Path(notebooks_folder) if notebooks_folder else notebooks_root(base)
    all_notebooks = list_notebooks(folder)
    for line in ignored_notebooks(folder):
        say(line)
    if not all_notebooks:
        raise FileNotFoundError(f"no NN-topic.ipynb notebooks in {folder}")
    chosen = list(choose(all_notebooks, only))  # a copy: the collection itself stays as listed (links, targets)
    given = resolve_parameters(chosen, parameters or {}, all_notebooks)
    for extra, seed_id in article_pages(chosen, parameters or {}, base):  # one page per article of the collection
        chosen.append(extra)
        given[extra.name] = {**given[extra.name.split("--")[0]], "article": seed_id}
    checked = checked_token(base)  # the package checked once, here: the kernels need not check this state again
    check_output(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with locked(output, say):
        recover_swap(output, say)
        check_output(output)
        fingerprint = inputs_fingerprint(base)
        keys = {nb.name: page_key(fingerprint, nb.path, given[nb.name]) for nb in chosen}
        previous = _previous_pages(output)
        if only and not previous and "manifest.json" in (recorded_files(output) or {}):
            raise OutputRefused(f"--output {output}: the report's manifest.json cannot be read, so --only would lose "
                                "the pages it does not rebuild; build the whole report (without --only)")
        broken = damaged(output) if previous else []
        if use_cache and not broken and _up_to_date(output, previous, keys, partial=bool(only)):
            say(f"report is up to date: {output}/index.html")
            return BuildResult(output, previous, up_to_date=True)
        if broken:
            say(f"the report in {output} is damaged ({', '.join(broken[:3])}{' …' if len(broken) > 3 else ''}): "
                "building it again")
        if only and broken:  # a page --only would not rebuild is never lost: a damaged one is rebuilt too
            repairs = _repairs(previous, broken, keys, all_notebooks, say)
            for nb, values in repairs:
                given.update(resolve_parameters([nb], values))
                keys[nb.name] = page_key(fingerprint, nb.path, given[nb.name])
            chosen = chosen + [nb for nb, _ in repairs]
            previous = [p for p in previous if p["name"] in keys or not _page_damaged(p, broken)]
        remove_stale(output)
        in_main = threading.current_thread() is threading.main_thread()
        old_handler = signal.signal(signal.SIGTERM, _terminate_as_interrupt) if in_main else None
        building = work_folder(output, "building")
        (building / "notebooks").mkdir()
        result = BuildResult(output)
        try:
            kept = [p for p in (previous if only else []) if p["name"] not in keys]
            _carry_over(output, building, kept)
            pages = {p["name"]: p for p in kept}
            run = Run(given, keys, building, output, base, cache_dir(base), use_cache, jobs or default_jobs(),
                      timeout, fingerprint, page_targets(all_notebooks, folder), say, result, checked=checked)
            pages.update(_execute_all(chosen, run))
            if inputs_fingerprint(base) != fingerprint:
                say("the data, seeds or library changed while the build ran: the report is written, but marked to be "
                    "built again next time")
                for page in pages.values():
                    page["key"] = "inputs-changed-during-build"
            result.pages = [pages[stem] for stem in sorted(pages)]
            made = provenance(base)
            _sign(building, result.pages, base, made)
            (building / "index.html").write_text(_index(result.pages, base, made), encoding="utf-8")
            (building / "manifest.json").write_text(json.dumps(result.pages, indent=1, ensure_ascii=False) + "\n",
                                                    encoding="utf-8")
            mark_report(building)
            _swap(building, output)
        finally:
            remove_work(building)
            if in_main:
                signal.signal(signal.SIGTERM, old_handler)
    say(f"report written to {output}/index.html")
    return result


def _page_damaged(page: dict[str, Any], broken: list[str]) -> bool:
    """True when one of a previous page's files (its HTML, its notebook, its outputs folder) is damaged."""
    return any(rel in (page["html"], page["notebook"]) or rel.startswith(page["name"] + "/") for rel in broken)


def _repairs(previous: list[dict[str, Any]], broken: list[str], keys: dict[str, str],
             notebooks: list[NotebookInfo], say: Callable[[str], None]) -> list[tuple[NotebookInfo, dict[str, Any]]]:
    """The damaged pages --only did not name, each with the parameters it was built with, to be rebuilt too."""
    import ast

    by_name = {nb.name: nb for nb in notebooks}
    repairs = []
    for page in previous:
        if page["name"] in keys or not _page_damaged(page, broken):
            continue
        nb = by_name.get(page["name"])
        first = by_name.get(page["name"].split("--")[0])
        if nb is None and first is not None and "article" in first.parameters:  # a page of another article
            nb = replace(first, name=page["name"], title=str(page.get("title", first.title)))
        if nb is None:
            say(f"      {page['name']}: damaged, and its notebook is gone, so it is left out of the report")
            continue
        try:
            values = {k: ast.literal_eval(v) for k, v in dict(page.get("parameters") or {}).items()}
        except (ValueError, SyntaxError, TypeError, AttributeError):
            values = {}
        say(f"      {page['name']}: damaged, so built again too"
            + (f" ({built_with(values).removeprefix('Built with ').rstrip('.')})" if values else ""))
        repairs.append((nb, values))
    return repairs


def _up_to_date(output: Path, previous: list[dict[str, Any]], keys: dict[str, str], partial: bool) -> bool:
    """True when the report on disk was built from exactly these inputs and is complete."""
    built = {p["name"]: p.get("key") for p in previous}
    if not previous or any(built.get(stem) != key for stem, key in keys.items()):
        return False
    if not partial and set(built) != set(keys):
        return False
    needed = ["index.html"] + [p["html"] for p in previous] + [p["notebook"] for p in previous]
    return all((output / rel).is_file() for rel in needed)


@dataclass
class Run:
    """What every notebook of one build shares: its parameters and keys, folders, cache, limits and progress line."""

    given: dict[str, dict[str, Any]]
    keys: dict[str, str]
    building: Path
    output: Path
    base: Path
    cache: Path
    use_cache: bool
    jobs: int
    timeout: int
    fingerprint: str
    #: where links to each notebook go in the report (pages.page_targets)
    targets: dict[Path, str]
    say: Callable[[str], None]
    result: BuildResult
    running: set[Any] = field(default_factory=set)
    #: set when the build stops early (interrupted, or another notebook failed): no kernel starts after it
    stopping: threading.Event = field(default_factory=threading.Event)
    #: the token of the package state this build checked (store.CHECKED_ENV), passed to every kernel
    checked: str = ""


def _from_cache(nb: NotebookInfo, run: Run) -> bool:
    """Take a notebook's page from the cache if it is there and intact; a damaged entry is said and run again."""
    from .cache import CacheDamaged, fetch

    if not run.use_cache:
        return False
    try:
        found = fetch(run.cache, run.keys[nb.name], run.building)
        if found:
            read_outputs(run.building / nb.name)
        return found
    except (CacheDamaged, OutputsError) as err:
        run.say(f"      {nb.name}: {err}; running it again")
        for stale in (run.building / nb.name, run.building / f"{nb.name}.html",
                      run.building / "notebooks" / f"{nb.name}.ipynb"):
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)
        return False


def _store(nb: NotebookInfo, run: Run) -> None:
    """Cache a built page, unless its inputs changed while it ran; a cache that cannot be written is a warning."""
    from .cache import inputs_fingerprint, store

    if inputs_fingerprint(run.base) != run.fingerprint:
        run.say(f"      {nb.name}: not cached, as the data, seeds or library changed while it ran")
        return
    files = {f"notebooks/{nb.name}.ipynb": run.building / "notebooks" / f"{nb.name}.ipynb",
             f"{nb.name}.html": run.building / f"{nb.name}.html", nb.name: run.building / nb.name}
    try:
        store(run.cache, run.keys[nb.name], files, replace=not run.use_cache)
    except OSError as err:
        run.say(f"      warning: {nb.name} was built but not cached ({err.strerror or err}: {err.filename or run.cache})")


def _execute_all(chosen: list[NotebookInfo], run: Run) -> dict[str, dict[str, Any]]:
    """Fetch cached pages, run the rest (with warm kernels), and return the pages."""
    pages: dict[str, dict[str, Any]] = {}
    total, done = len(chosen), 0
    to_run = []
    for nb in chosen:
        if _from_cache(nb, run):
            done += 1
            pages[nb.name] = _page(nb, run.given[nb.name], run.building, run.keys[nb.name])
            run.say(f"[{done}/{total}] {nb.name}: unchanged, taken from the cache")
        else:
            to_run.append(nb)
    if not to_run:
        return pages
    with warm():  # the kernels' server starts now, and imports while the exporter is made
        return _run_all(to_run, pages, done, run)


def _run_all(to_run: list[NotebookInfo], pages: dict[str, dict[str, Any]], done: int,
             run: Run) -> dict[str, dict[str, Any]]:
    """Run the notebooks not in the cache ``jobs`` at a time, exporting each to HTML as it finishes."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    total = done + len(to_run)
    html_exporter = exporter()
    labels = figure_labels(run.base)
    started: dict[str, float] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, min(run.jobs, len(to_run))))

    def execute_one(nb: NotebookInfo) -> Any:
        if run.stopping.is_set():
            return None
        run.say(f"      {nb.name}: running…")
        started[nb.name] = time.perf_counter()
        return _run_one(nb, run)

    futures: dict[Any, NotebookInfo] = {}
    try:
        futures.update({pool.submit(execute_one, nb): nb for nb in to_run})
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=HEARTBEAT, return_when=FIRST_COMPLETED)
            if not finished:
                for nb in (futures[f] for f in pending if futures[f].name in started):
                    run.say(f"      {nb.name}: still running ({time.perf_counter() - started[nb.name]:.0f} s; "
                            f"a cell may run {run.timeout} s, see --timeout)")
            for future in finished:
                nb = futures[future]
                executed = future.result()
                html = run.building / f"{nb.name}.html"
                page = export(executed, nb, run.given[nb.name], run.targets, html_exporter, labels)
                html.write_text(page, encoding="utf-8")
                _store(nb, run)
                pages[nb.name] = _page(nb, run.given[nb.name], run.building, run.keys[nb.name])
                done += 1
                run.result.seconds[nb.name] = time.perf_counter() - started[nb.name]
                run.say(f"[{done}/{total}] {nb.name}: done in {run.result.seconds[nb.name]:.1f} s")
    except BaseException:
        run.stopping.set()
        pool.shutdown(wait=False, cancel_futures=True)
        while not all(f.done() for f in futures):  # a kernel still starting is killed once it has a process
            for client in list(run.running):
                stop_kernel(client)
            wait(futures, timeout=0.1)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return pages


def default_jobs() -> int:
    """Notebooks run at once unless told: one per core, and one more while this process exports pages."""
    return (os.cpu_count() or 1) + 1


def _previous_pages(output: Path) -> list[dict[str, Any]]:
    """The pages listed in the previous report's manifest, if there is one that can be read."""
    try:
        pages = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return pages if isinstance(pages, list) and all(isinstance(p, dict) and "name" in p for p in pages) else []


def _run_one(nb: NotebookInfo, run: Run) -> Any:
    """Execute one notebook into the build folder, reading the data of ``base``; on failure keep it and say where."""
    target = run.building / "notebooks" / f"{nb.name}.ipynb"
    parameters = run.given[nb.name]
    env = {OUTPUT_ENV: str(run.building / nb.name), ENV_VAR: str(run.base), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
           CHECKED_ENV: run.checked}
    try:
        executed = execute(nb.path, target, parameters, env=env, running=run.running, timeout=run.timeout)
        if nb.solutions_shown_by and not {**nb.parameters, **parameters}[nb.solutions_shown_by]:
            import nbformat

            from ..classroom.edition import hide_solutions

            executed = hide_solutions(executed, nb.name)
            nbformat.write(executed, str(target))
        return executed
    except ExecutionFailed as err:
        if run.stopping.is_set():
            raise  # stopped by the build itself (interrupted, or another notebook failed): nothing to keep
        failed = run.output.parent / FAILED_DIR
        failed.mkdir(exist_ok=True)
        kept = failed / f"{nb.name}.ipynb"
        if target.exists():
            shutil.copy2(target, kept)
        value = " ".join(str(err.evalue).split())
        value = value if len(value) <= 200 else value[:200] + "…"
        where = f"in cell {err.cell_index}" if err.cell_index >= 0 else "while its kernel was starting"
        raise NotebookFailed(
            f"notebook {nb.name} failed {where} ({err.ename}: {value}); "
            f"the executed notebook is kept at {kept}; the previous report in {run.output} is unchanged"
        ) from None
