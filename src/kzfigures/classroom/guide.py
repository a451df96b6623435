"""The teacher's guide's computed passages: counts written into docs/teachers.md from the data, never typed.

A passage stands between ``<!-- computed: NAME -->`` and ``<!-- end computed -->``; ``write_guide`` replaces its
body with ``PASSAGES[NAME]()`` (run by ``make notebooks``), and a test fails when the committed text differs.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

GUIDE = Path("docs") / "teachers.md"
BLOCK = re.compile(r"(<!-- computed: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- end computed -->)", re.S)


def sources_table(figures: pd.DataFrame | None = None) -> str:
    """A Markdown table: how many of the article's figures each kind of source gives, and whom they credit."""
    from ..charts.views import count_by
    from ..figures.seeds import FLAGSHIP
    from ..figures.table import load_figures

    figures = load_figures(seed=FLAGSHIP) if figures is None else figures
    counts = count_by(figures, "source_type").sort_values(["figures", "source_type"], ascending=[False, True])
    stated = figures.loc[~figures["derived"]]
    lines = ["| kind of source | figures | restated | credited to |", "|---|---|---|---|"]
    for row in counts.itertuples(index=False):
        rows = stated.loc[stated["source_type"] == row.source_type]
        names = []
        for name, group in rows.groupby("attributed_to"):
            mark = " (credit inferred by kzfigures)" if (group["attribution"] == "inferred").all() else ""
            names.append(("no one" if name == "unattributed" else name) + mark)
        lines.append(f"| {row.source_type} | {row.figures} | {row.restatements} | {', '.join(names)} |")
    official = counts["source_type"].str.startswith("official")
    rest = ", ".join(counts.loc[~official].apply(lambda r: f"{r['source_type']} {r['figures']}", axis=1))
    lines += ["", f"Officials give {int(counts.loc[official, 'figures'].sum())} of the "
                  f"{int(counts['figures'].sum())} figures (restatements not counted); the others: {rest}."]
    return "\n".join(lines) + "\n"


MINUTES = re.compile(r"\*About (\d+) minutes\.")


def lesson_facts(folder: Path | None = None) -> list[dict[str, Any]]:
    """Each lesson's file, title, minutes, checked and written questions, and aims, read from the lesson itself."""
    import json

    from ..collection.listing import cell_source
    from ..figures.paths import notebooks_root
    from .edition import BEGIN_SOLUTION, check_call

    folder = folder or notebooks_root() / "lessons"
    facts = []
    for path in sorted(folder.glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        title = cell_source(cells[0])
        checked = sum(bool(check_call(c)) for c in cells)
        written = sum(BEGIN_SOLUTION in cell_source(c) for c in cells if c["cell_type"] == "markdown")
        aims = re.findall(r"^- (.+)$", title.split("**By the end you can:**")[-1], re.M)
        minutes = MINUTES.search(title)
        facts.append({"path": path, "title": title.splitlines()[0].lstrip("# "), "checked": checked,
                      "written": written, "aims": aims, "minutes": int(minutes.group(1)) if minutes else 0})
    return facts


def lessons_table() -> str:
    """A Markdown table of the lessons (time, questions, aims) and a sentence of totals, all read from the lessons."""
    facts = lesson_facts()
    lines = ["| lesson | time | questions | students learn to |", "|---|---|---|---|"]
    for f in facts:
        asked = f"{f['checked']}" + (f" + {f['written']} written" if f["written"] else "")
        lines.append(f"| [{f['title']}](../notebooks/lessons/{f['path'].name}) | {f['minutes']} min | {asked} | "
                     f"{'; '.join(f['aims'])} |")
    checked, written = sum(f["checked"] for f in facts), sum(f["written"] for f in facts)
    lines += ["", f"{len(facts)} lessons, about {sum(f['minutes'] for f in facts)} minutes in all: {checked} questions "
                  f"the notebook checks, and {written} written answers for you to read."]
    return "\n".join(lines) + "\n"


#: Each computed passage of the guide, by the name its markers give.
PASSAGES: dict[str, Callable[[], str]] = {"sources": sources_table, "lessons": lessons_table}


def guide_text(text: str) -> str:
    """The guide's text with every computed passage written anew (an unknown name is a KeyError naming it)."""
    def fill(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in PASSAGES:
            raise KeyError(f"{GUIDE}: no computed passage named {name!r}; known: {', '.join(PASSAGES)}")
        return match.group(1) + PASSAGES[name]() + match.group(4)

    return BLOCK.sub(fill, text)


def write_guide(root: Path, check: bool = False) -> list[Path]:
    """Rewrite the guide's computed passages; return [the guide] if it changed (with ``check``: would change)."""
    path = root / GUIDE
    if not path.is_file():
        return []
    old = path.read_text(encoding="utf-8")
    new = guide_text(old)
    if new != old and not check:
        path.write_text(new, encoding="utf-8")
    return [path] if new != old else []
