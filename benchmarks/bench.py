"""`make bench`: how long the report takes, against the naive pipeline and against the floor.

Measures, on the project's own notebooks, the median of several runs of:
  (a) naive: for each notebook, the `papermill` command, then `jupyter nbconvert --to html`;
  (b) `make report` cold: no cache, no previous report;
  (c) `make report` again with nothing changed;
  (d) floor: one plain Python process that runs the notebooks' code (same library calls, same charts saved);
and, once each:
  (e) `make test` with everything installed (no goal: the whole suite holds about 300 s of work for two cores);
  (h) `make check`, the fast tier (goal: at most 3 cold reports, h/b ≤ 3);
  (f) a newcomer's first report the plain way: `python -m venv`, `pip install -r requirements.txt`, cold report;
  (g) a newcomer's first report as the README says: `make report` on a fresh clone (it installs .venv itself).
The CPU seconds of (b) and (h) (every process, user and system) are printed beside their times: on a machine shared
with other work the times stretch with the load, the CPU far less. (f) and (g) start from an empty pip / uv cache
each, in a fresh clone of HEAD. Prints a Markdown table for the docs/speed.md. Timings are printed, never asserted:
they depend on the machine.

The draft section (`--only draft` runs it alone) drafts the flagship's text as if it were a new article (added with
`kzfigures add` to an empty copy of the package, drafted with `kzfigures draft --output`) and scores the proposals
against the curated figures as the key: figures found (a proposal's span overlaps the figure's number phrase),
found with the right bounds (both ends and their openness), found with the exact span, and proposals that are no
figure; beside it, quantulum3 on the same text (installed for the bench only, requirements-bench.txt). Then
NewsQuant (benchmarks/newsquant.py): value F1 and value+change F1 with the CQE paper's metric, the published figures
beside ours, quantulum3 re-run, both timed over the same 590 sentences, and where we disagree, by category ("skipped"
when ../shared is absent), and the hand keys of real news articles (benchmarks/news.py, news_keys.json): a dev set
the grammar was tuned on and a test set kept aside.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOKS = (sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
             + sorted((ROOT / "notebooks" / "lessons").glob("[0-9][0-9]-*.ipynb")))  # all that `make report` builds

FLOOR = r'''
import io, json, os, sys, contextlib
from pathlib import Path
out = Path(sys.argv[1])
for path in sys.argv[2:]:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    os.environ["KZFIGURES_OUTPUT_DIR"] = str(out / Path(path).stem)
    os.chdir(Path(path).parent)
    scope = {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            with contextlib.redirect_stdout(io.StringIO()):
                exec("".join(cell["source"]), scope)
'''


#: CPU seconds (user and system, every process) of the last cold report and of make check: on a machine shared with
#: other work the wall times stretch with the load, the CPU they take far less.
CPU: dict[str, list[float]] = {"b": [], "h": []}


def children_cpu() -> float:
    """CPU seconds used so far by every finished child process (and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> float:
    """Seconds one command takes; it must succeed."""
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=cwd, env={**os.environ, **(env or {})},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def naive(work: Path) -> float:
    """papermill then nbconvert, one command each, per notebook."""
    started = time.perf_counter()
    for nb in NOTEBOOKS:
        executed = work / nb.name
        subprocess.run([str(BIN / "papermill"), str(nb), str(executed), "--cwd", str(nb.parent)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def report_cold(work: Path) -> tuple[float, float]:
    """`make report` with an empty cache and no report, then again with nothing changed."""
    env = {"KZFIGURES_CACHE": str(work / "cache")}
    args = f"ARGS=--output {work / 'reports'}"
    cpu = children_cpu()
    cold = timed(["make", "--no-print-directory", "report", args], env)
    CPU["b"].append(children_cpu() - cpu)
    again = timed(["make", "--no-print-directory", "report", args], env)
    return cold, again


def floor(work: Path) -> float:
    """One Python process running every notebook's code."""
    return timed([sys.executable, "-c", FLOOR, str(work), *map(str, NOTEBOOKS)])


def median_of(runs: int, measure) -> list[float]:
    """Run a measurement `runs` times, each in a fresh temporary folder."""
    values = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            values.append(measure(Path(tmp)))
    return values


def tests_time(target: str = "test") -> float:
    """Seconds `make TARGET` (test or check) takes; its output goes to build/bench-TARGET.log, and a failure says so."""
    log = ROOT / "build" / f"bench-{target}.log"
    log.parent.mkdir(exist_ok=True)
    cpu, started = children_cpu(), time.perf_counter()
    with log.open("w", encoding="utf-8") as handle:
        done = subprocess.run(["make", "--no-print-directory", target], cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise SystemExit(f"make {target} failed (exit {done.returncode}): see {log}")
    if target == "check":
        CPU["h"].append(children_cpu() - cpu)
    return time.perf_counter() - started


def fresh_clone(work: Path) -> Path:
    """A clone of this checkout's HEAD (what a newcomer gets), with no .venv and no cache."""
    clone = work / "kzfigures"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    return clone


def first_run_env(work: Path) -> dict[str, str]:
    """An environment with empty installer caches and no venv of ours active."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "KZFIGURES_", "PYTHON"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if str(BIN) != p)
    return {**env, "PIP_NO_CACHE_DIR": "1", "UV_CACHE_DIR": str(work / "uv-cache"),
            "KZFIGURES_CACHE": str(work / "report-cache")}


def first_run_plain(work: Path) -> float:
    """(f) python -m venv, pip install -r requirements.txt, then a cold report, in a fresh clone."""
    clone, env = fresh_clone(work), first_run_env(work)
    started = time.perf_counter()
    for command in (["python3", "-m", "venv", ".venv"],
                    [".venv/bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                     "-r", "requirements.txt"],
                    [".venv/bin/kzfigures", "report"]):
        subprocess.run(command, check=True, cwd=clone, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def first_run_make(work: Path) -> float:
    """(g) `make report` in a fresh clone: the README's way, which sets up .venv itself."""
    clone, env = fresh_clone(work), first_run_env(work)
    started = time.perf_counter()
    subprocess.run(["make", "--no-print-directory", "report"], check=True, cwd=clone, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _ensure_quantulum3() -> bool:
    """quantulum3 importable in this Python, installed from requirements-bench.txt when missing; False if it cannot be."""
    try:
        import quantulum3  # noqa: F401
        return True
    except ImportError:
        pass
    print("installing quantulum3 for the draft section (requirements-bench.txt)", file=sys.stderr, flush=True)
    for installer in ([str(BIN / "python"), "-m", "uv", "pip", "install", "--quiet", "--python", str(BIN / "python")],
                      [str(BIN / "python"), "-m", "pip", "install", "--quiet"]):
        if subprocess.run([*installer, "-r", str(ROOT / "requirements-bench.txt")], check=False).returncode == 0:
            return True
    return False


def _score(key: list[dict], proposals: list[tuple[int, int, tuple | None]]) -> dict[str, float]:
    """Found, right bounds, exact span and non-figure proposals of one tool's (start, end, bounds) against the key."""
    found = right = exact = 0
    for figure in key:
        hits = [p for p in proposals if p[0] < figure["end"] and figure["start"] < p[1]]
        found += bool(hits)
        right += any(p[2] == figure["bounds"] for p in hits)
        exact += any((p[0], p[1]) == (figure["start"], figure["end"]) for p in hits)
    stray = sum(1 for p in proposals if not any(p[0] < f["end"] and f["start"] < p[1] for f in key))
    return {"found": found, "right": right, "exact": exact, "stray": stray, "proposals": len(proposals)}


def draft_section() -> list[tuple[str, str, str]]:
    """Draft the flagship as if new, and run quantulum3 on it; rows for the table."""
    import csv
    import shutil

    import kzfigures

    seed = kzfigures.load_seed(kzfigures.FLAGSHIP)
    figures = kzfigures.load_figures(seed=kzfigures.FLAGSHIP)
    key = [{"start": int(r.number_start), "end": int(r.number_end),
            "bounds": (float(r.lower), float(r.upper), bool(r.lower_open), bool(r.upper_open))}
           for r in figures.itertuples()]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "seeds").mkdir()
        shutil.copytree(ROOT / "data", root / "data")
        for table in (root / "data").glob("*.csv"):  # an empty package: headers only
            table.write_text(table.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
        text_file = root / "article.txt"
        text_file.write_bytes((ROOT / "seeds" / seed.meta["file"]).read_bytes())
        env = {**os.environ, "KZFIGURES_ROOT": str(root)}
        added = subprocess.run([str(BIN / "kzfigures"), "add", str(text_file), "--title", seed.meta["title"],
                                "--publisher", "As new", "--published", seed.meta["published"]],
                               env=env, capture_output=True, text=True, check=True)
        new_id = added.stdout.split()[-1]
        rows_csv = root / "rows.csv"
        cli_time = timed([str(BIN / "kzfigures"), "draft", new_id, "--output", str(rows_csv)], env=env)
        with rows_csv.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    started = time.perf_counter()
    kzfigures.propose(seed.text)
    in_process = time.perf_counter() - started
    ours = [(int(r["number_start"]), int(r["number_end"]),
             (float(r["lower"]), float(r["upper"]), r["lower_open"] == "True", r["upper_open"] == "True")
             if r["lower"] else None) for r in rows]
    scores = {"kzfigures draft": _score(key, ours)}
    q_time = None
    if _ensure_quantulum3():
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from quantulum3 import parser as qparser

            qparser.parse("warm up: 3 apples")
            started = time.perf_counter()
            found = qparser.parse(seed.text)
            q_time = time.perf_counter() - started
        theirs = []
        for q in found:
            spread = q.uncertainty or 0
            theirs.append((q.span[0], q.span[1], (float(q.value - spread), float(q.value + spread), False, False)))
        scores["quantulum3 0.10"] = _score(key, theirs)
    n = len(key)
    out = []
    for tool, s in scores.items():
        out.append((f"draft: {tool}, flagship as new (key: {n} curated figures)",
                    f"found {s['found']}/{n}, right bounds {s['right']}/{n}, exact span {s['exact']}/{n}",
                    f"not figures {s['stray']} of {s['proposals']} proposals (goal: right bounds ≥ 20, not figures ≤ 2)"
                    if tool.startswith("kzfigures") else f"not figures {s['stray']} of {s['proposals']} proposals"))
    out.append(("draft: time to draft the flagship", f"{in_process * 1000:.0f} ms in process, "
                f"{cli_time:.2f} s as `kzfigures draft --output`",
                f"quantulum3.parse: {q_time * 1000:.0f} ms (warm)" if q_time is not None else "quantulum3 not installed"))
    return out + newsquant_section()


def newsquant_section() -> list[tuple[str, str, str]]:
    """NewsQuant with the CQE paper's metric, quantulum3 re-run beside it (benchmarks/newsquant.py)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import news
    import newsquant

    _ensure_quantulum3()
    return newsquant.section() + news.section()


def machine() -> str:
    """The machine the figures were measured on."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median reported)")
    parser.add_argument("--skip-tests", action="store_true", help="do not time `make test`")
    parser.add_argument("--skip-check", action="store_true", help="do not time `make check`")
    parser.add_argument("--skip-first-run", action="store_true", help="do not time a fresh clone's first report")
    parser.add_argument("--skip-draft", action="store_true", help="do not run the draft and NewsQuant section")
    parser.add_argument("--only", choices=["draft"], default=None,
                        help="run one section alone (draft: the draft of the flagship against its curated figures)")
    args = parser.parse_args()
    if args.only == "draft":
        print(f"Measured on {machine()}, {time.strftime('%Y-%m-%d')}.\n")
        print("| measurement | result | ratio / goal |\n|---|---|---|")
        for name, value, note in draft_section():
            print(f"| {name} | {value} | {note} |")
        return 0
    print(f"measuring on {machine()}; {len(NOTEBOOKS)} notebooks; median of {args.runs} runs", file=sys.stderr)
    a = statistics.median(median_of(args.runs, naive))
    print(f"(a) naive {a:.1f} s", file=sys.stderr, flush=True)
    pairs = median_of(args.runs, report_cold)
    b = statistics.median(p[0] for p in pairs)
    c = statistics.median(p[1] for p in pairs)
    print(f"(b) cold {b:.1f} s, (c) no-op {c:.2f} s", file=sys.stderr, flush=True)
    d = statistics.median(median_of(args.runs, floor))
    print(f"(d) floor {d:.1f} s", file=sys.stderr, flush=True)
    h = None if args.skip_check else tests_time("check")
    if h is not None:
        print(f"(h) make check {h:.0f} s", file=sys.stderr, flush=True)
    e = None if args.skip_tests else tests_time()
    if e is not None:
        print(f"(e) make test {e:.0f} s", file=sys.stderr, flush=True)
    f = g = None
    if not args.skip_first_run:
        f = median_of(1, first_run_plain)[0]
        g = median_of(1, first_run_make)[0]
        print(f"(f) plain first run {f:.0f} s, (g) make report first run {g:.0f} s", file=sys.stderr, flush=True)
    rows = [
        ("(a) naive: papermill + nbconvert commands per notebook", f"{a:.1f} s", ""),
        ("(b) `make report`, cold", f"{b:.1f} s (CPU {statistics.median(CPU['b']):.1f} s)",
         f"b/a = {b / a:.2f} (goal ≤ 0.25)"),
        ("(c) `make report`, nothing changed", f"{c:.2f} s", "goal ≤ 1.0 s"),
        ("(d) floor: one plain Python process, same charts", f"{d:.1f} s", f"b/d = {b / d:.2f}"),
    ]
    if h is not None:
        h_cpu, b_cpu = CPU["h"][0], statistics.median(CPU["b"])
        rows.append(("(h) `make check`, the fast tier (unit, property, data, the report and its notebooks)",
                     f"{h:.0f} s (CPU {h_cpu:.0f} s)", f"h/b = {h / b:.1f} (goal ≤ 3; in CPU {h_cpu / b_cpu:.1f})"))
    if e is not None:
        rows.append(("(e) `make test`, installed, every test (browser, JupyterLab, nbgrader included)", f"{e:.0f} s",
                     f"e/b = {e / b:.1f} (no goal)"))
    if f is not None and g is not None:
        rows.append(("(f) first report, plain way: venv + `pip install -r requirements.txt` + report", f"{f:.0f} s", ""))
        rows.append(("(g) first report, README's way: `make report` on a fresh clone", f"{g:.0f} s",
                     f"g/f = {g / f:.2f} (goal ≤ 0.40)"))
    if not args.skip_draft:
        rows += draft_section()
    print(f"Measured on {machine()}, {time.strftime('%Y-%m-%d')}.\n")
    print("| measurement | time | ratio / goal |\n|---|---|---|")
    for name, value, note in rows:
        print(f"| {name} | {value} | {note} |")
    print(json.dumps({"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h, "cpu": CPU}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
