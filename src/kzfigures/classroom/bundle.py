"""The class folder: what a student needs on a laptop with Python and nothing else.

The student edition of every lesson, the article's text, ``wheels/`` (the kzfigures wheel, built with pip from the
checkout, and every other wheel of ``dist/wheelhouse`` when ``make wheelhouse`` has written one, so the folder
installs offline), and a one-page README for students. The wheel is built by pip from the files git lists in the
checkout, copied to a temporary folder, so the checkout gains no build/ folder.
"""
from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..collection.listing import describe
from .edition import make_student

ARTICLE_FILE = "article.txt"
WHEELS = "wheels"
#: With every wheel there: the list pip installs, each pinned, with no resolver (``--no-deps``). pip cannot leave
#: out what requirements-excludes.txt names, as make venv does with uv, so it installs exactly these.
ALL_WHEELS = "all.txt"
#: What a student's laptop runs besides kzfigures' own dependencies: JupyterLab and the lessons' kernel. Everything
#: they need comes with them; the project's tools (pytest, playwright, mypy, ruff, papermill…) do not.
STUDENT_ROOTS = ("jupyterlab", "ipykernel")


def canonical(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503): lower case, runs of -_. as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def student_packages(roots: tuple[str, ...] = STUDENT_ROOTS) -> set[str]:
    """Every distribution a student's notebook needs, from the installed packages' own requirements: kzfigures'
    (without its extras), the roots', and theirs in turn (with the extras they ask for), as canonical names."""
    from importlib import metadata

    from packaging.requirements import Requirement

    queue = [r for r in map(Requirement, [*(metadata.requires("kzfigures") or []), *roots])
             if r.marker is None or r.marker.evaluate({"extra": ""})]  # each marker is read when it is queued
    seen: set[tuple[str, str]] = set()
    installed: set[str] = set()
    while queue:
        requirement = queue.pop()
        name = canonical(requirement.name)
        for extra in ("", *sorted(requirement.extras)):
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            try:
                needs = [Requirement(r) for r in metadata.requires(name) or []]
            except metadata.PackageNotFoundError:
                break  # not installed here (left out on purpose): nothing of it to ship
            installed.add(name)
            queue += [r for r in needs if r.marker is None or r.marker.evaluate({"extra": extra})]
    return installed


def student_wheels(wheelhouse: Path) -> list[Path]:
    """The wheels of the wheelhouse a student's notebook needs (student_packages), sorted."""
    needed = student_packages()
    return sorted(p for p in wheelhouse.glob("*.whl") if canonical(p.name.split("-")[0]) in needed)


def folder_size(folder: Path) -> int:
    """The bytes of every file below a folder."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def checkout_files(root: Path) -> list[str]:
    """The checkout's files as git lists them: the tracked ones still there, and new ones .gitignore does not exclude.

    New files count because a teacher's article added with `kzfigures add` (and not committed yet) is data the
    wheel must carry; what git ignores (build/, .venv/, *.egg-info/) never goes in.
    """
    done = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise FileNotFoundError(f"{root} is not a git checkout ({why}): the kzfigures wheel is built from the files "
                                "git lists there; run this in a clone of the repository")
    return sorted({name for name in done.stdout.split("\0") if name and (root / name).is_file()})


def _declared(root: Path) -> set[str]:
    """The files of data/ and seeds/ that are the data package: data/datapackage.json and each resource's path, and
    each article of seeds/ (its metadata and the text it names), as paths relative to root."""
    declared = {"data/datapackage.json"}
    with contextlib.suppress(OSError, ValueError):
        resources = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8")).get("resources")
        for resource in resources if isinstance(resources, list) else []:
            paths = resource.get("path") if isinstance(resource, dict) else None
            declared |= {f"data/{path}" for path in (paths if isinstance(paths, list) else [paths])
                         if isinstance(path, str)}
    for meta in (root / "seeds").glob("*.json"):
        with contextlib.suppress(OSError, ValueError):
            text = json.loads(meta.read_text(encoding="utf-8")).get("file")
            declared |= {f"seeds/{meta.name}"} | ({f"seeds/{text}"} if isinstance(text, str) else set())
    return declared


def _instructor(path: Path) -> bool:
    """True for a teacher's file: an answer key, or a notebook with solutions or hidden tests."""
    from .edition import BEGIN_HIDDEN, BEGIN_SOLUTION

    if path.name.endswith(("-key.html", "-key.pdf", "-key.json")):  # printables-key.json: each answer's why
        return True
    text = path.read_text(encoding="utf-8", errors="replace") if path.suffix == ".ipynb" else ""
    return BEGIN_SOLUTION in text or BEGIN_HIDDEN in text


def wheel_files(root: Path) -> list[str]:
    """The checkout's files the wheel is built from (checkout_files): of data/ and seeds/ only the data package
    (_declared), so a folder written there (a lesson, printables) is left out; and never a teacher's file."""
    declared = _declared(root)
    return [name for name in checkout_files(root)
            if (name in declared or not name.startswith(("data/", "seeds/"))) and not _instructor(root / name)]


def build_wheel(root: Path, target: Path) -> Path:
    """Build the kzfigures wheel with ``pip wheel`` from the checkout's files (wheel_files) into target; return it.

    pip builds in a temporary copy of those files, so the checkout gains no build/ folder.
    """
    with tempfile.TemporaryDirectory(prefix="kzfigures-wheel-") as tmp:
        source = Path(tmp) / "source"
        for name in wheel_files(root):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, source / name)
        target.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                               "--disable-pip-version-check", "-w", str(target), str(source)],
                              capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip could not build the kzfigures wheel: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    return max(target.glob("kzfigures-*.whl"), key=lambda p: p.stat().st_mtime)


def article_text() -> str:
    """The article's text as the class reads it, after a line naming its source and its rights."""
    from ..figures.citation import cite
    from ..figures.seeds import FLAGSHIP, load_seed

    seed = load_seed(FLAGSHIP)  # the article the lessons read
    meta = seed.meta
    head = f"{cite(meta)}{', ' + meta['url'] if meta.get('url') else ''}\n{meta['rights']}\n\n"
    return head + seed.text.rstrip("\n") + "\n"


def readme(lessons: list[Path], wheel: Path, offline: bool) -> str:
    """The students' one-page README: what is in the folder, how to set it up, how to work and hand in."""
    listed = "\n".join(f"- `{p.name}`: {describe(p, need_parameters=False).title}" for p in lessons)
    install = (f"--no-index --no-deps -r {WHEELS}/{ALL_WHEELS}" if offline
               else f"--find-links {WHEELS} kzfigures jupyterlab")
    where = ("Everything comes from `wheels/`, each package at the version the lessons were tested with: no "
             "network is needed. Those wheels suit the operating system and Python version of the machine that "
             "made them; on another (Windows, a Mac, another Python), connect to the internet and type instead "
             f"`kz/bin/python -m pip install --find-links {WHEELS} kzfigures jupyterlab`: kzfigures comes from "
             "`wheels/`, the rest from the internet (PyPI), for your system." if offline else
             "kzfigures comes from `wheels/` (it suits every system); pandas, matplotlib and JupyterLab come from "
             "the internet (PyPI), for your system.")
    return f"""# Reading numbers in the news: the lessons

This folder is all you need, with Python 3.11 or newer. In it:

{listed}
- `{ARTICLE_FILE}`: the whole article the lessons read (each lesson also quotes the words it needs)
- `{WHEELS}/`: the kzfigures library ({wheel.name}){' and every package it needs' if offline else ''}

## Set up, once

Open a terminal in this folder and type (on Windows, `kz\\Scripts\\` instead of `kz/bin/`):

```sh
python3 -m venv kz
kz/bin/python -m pip install {install}
kz/bin/jupyter lab
```

{where}

## Work through a lesson

1. Open a lesson in JupyterLab and run its first code cell (the set-up): it finds kzfigures, or says in one line
   what to do.
2. For each question, write your answer in its cell, in place of `# YOUR ANSWER HERE`, and run the cell
   (Shift+Enter). The box under it says **✓ Right**, **Not yet** with a hint, or **Not answered yet**. Change
   the answer and run the cell again as often as you like.
3. The last cell says how far you got. Save (Ctrl+S) and hand in the `.ipynb` file, as your teacher asks.
"""


def write_class_folder(lessons: Path, target: Path, root: Path, wheelhouse: Path | None = None) -> list[Path]:
    """Write the class folder into target: the student lessons, the article, the wheels, the README."""
    written = make_student(lessons, target)
    (target / ARTICLE_FILE).write_text(article_text(), encoding="utf-8")
    wheels = target / WHEELS
    wheels.mkdir(exist_ok=True)
    for old in wheels.glob("kzfigures-*.whl"):
        old.unlink()
    wheel = build_wheel(root, wheels)
    offline = False
    if wheelhouse is not None and any(wheelhouse.glob("pandas-*.whl")):
        for path in student_wheels(wheelhouse):  # what a student's notebook needs, not the project's tools
            shutil.copy2(path, wheels / path.name)
        offline = True
        names = sorted(p.name for p in wheels.glob("*.whl"))
        (wheels / ALL_WHEELS).write_text("".join(f"{WHEELS}/{name}\n" for name in names), encoding="utf-8")
    sources = sorted(lessons.glob("[0-9][0-9]-*.ipynb"))
    (target / "README.md").write_text(readme(sources, wheel, offline), encoding="utf-8")
    return [*written, target / ARTICLE_FILE, wheel, target / "README.md"]
