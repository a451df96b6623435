"""The notebooks: a uniform opening, executed and clean as committed, parameters that change what they show."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from conftest import ROOT
from kzfigures.collection.listing import list_notebooks
from kzfigures.collection.params import RULES
from kzfigures.report.execute import KERNELSPEC

MAIN = sorted((ROOT / "notebooks").glob("*.ipynb"))
NOTEBOOKS = MAIN + sorted((ROOT / "notebooks" / "lessons").glob("*.ipynb"))
EXPECTED = ["00-article-in-numbers", "01-foreign-fighters", "02-attacks-and-security", "03-legal-penalties",
            "04-in-context", "05-curate"]
#: Notebooks that are tools to use in JupyterLab (05-curate), not pages of the report: they open like the others.
INTERACTIVE = {p.stem for p in MAIN if json.loads(p.read_text(encoding="utf-8"))["metadata"].get("kzfigures", {})
               .get("interactive")}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("nb", list_notebooks(), ids=lambda nb: nb.name)
def test_the_report_runs_each_committed_notebook_to_its_committed_bytes(nb, default_report):
    """The notebooks are checked once per run, by the report the tests build (not again by nbval): each notebook
    as the report executed it is the committed one, byte for byte (as `make notebooks` writes it)."""
    ran, committed = load(default_report / "notebooks" / f"{nb.name}.ipynb"), load(nb.path)
    differ = [i for i, (a, b) in enumerate(zip(ran["cells"], committed["cells"], strict=False)) if a != b]
    assert (default_report / "notebooks" / f"{nb.name}.ipynb").read_bytes() == nb.path.read_bytes(), (
        f"{nb.path.name}: not what it gives when run (cells {differ or 'none'} differ, or its metadata); "
        "`make notebooks` writes it anew")


def test_the_collection_and_nothing_stray():
    assert [p.stem for p in MAIN] == EXPECTED
    import os

    stray = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [s for s in subfolders if s not in (".venv", ".git")]  # tens of thousands of files, none Lab's
        stray += [Path(folder, n) for n in names if n.startswith("Untitled") and n.endswith(".ipynb")]
    assert not stray


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_uniform_opening(path):
    cells = load(path)["cells"]
    title, nav, params_heading, params, imports = cells[0], cells[1], cells[2], cells[3], cells[4]
    first = "".join(title["source"])
    title_start = f"# Lesson {path.stem[:2]} — " if path.parent.name == "lessons" else f"# {path.stem[:2]} — "
    assert first.startswith(title_start) and "**Question:**" in first
    assert nav["metadata"].get("tags") == ["navigation"] and "[Contents](" in "".join(nav["source"])
    assert cells[-1]["source"] == nav["source"] and cells[-1]["metadata"].get("tags") == ["navigation"]
    assert "".join(params_heading["source"]).startswith("## Parameters")
    assert params["cell_type"] == "code" and params["metadata"].get("tags") == ["parameters"]
    lines, body = "".join(params["source"]).splitlines(), ast.parse("".join(params["source"])).body
    spans = {n for node in body for n in range(node.lineno, node.end_lineno + 1)}  # a pasted text spans lines
    assert all(n + 1 in spans for n, ln in enumerate(lines) if ln.strip()), "a line in the parameters cell is no parameter"
    for node in body:
        line = lines[node.end_lineno - 1]  # its comment follows the value: after the closing quotes of a pasted text
        assert isinstance(node, ast.AnnAssign), line
        ast.literal_eval(node.value)
        assert "  # " in line, f"parameter without a comment: {line}"
        if path.stem in INTERACTIVE and node.target.id not in RULES:  # a tool's own, never a report's parameter
            assert node.annotation.id == type(ast.literal_eval(node.value)).__name__, line
            continue
        rule = RULES[node.target.id]
        assert node.annotation.id == rule.type.__name__, line
    source = "".join(imports["source"])
    assert source.startswith("import ") and "import kzfigures" in source and "check_parameters(" in source
    assert all("sys.path" not in "".join(c["source"]) for c in cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_executed_and_clean(path):
    nb = load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] == i for i, c in enumerate(code, start=1)), "run top to bottom, once"
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert any(c["outputs"] for c in code)
    assert "papermill" not in nb["metadata"] and nb["metadata"]["kernelspec"] == KERNELSPEC
    assert [c["id"] for c in nb["cells"]] == [f"cell-{i:02d}" for i in range(len(nb["cells"]))]
    assert not any("papermill" in c["metadata"] or "execution" in c["metadata"] for c in nb["cells"])


def test_every_parameter_has_a_rule_and_every_rule_a_user():
    used = {name for nb in list_notebooks() for name in nb.parameters}
    assert used == set(RULES)


def test_charts_carry_alt_text_in_the_committed_notebooks():
    for path in (p for p in MAIN if p.stem not in INTERACTIVE):
        images = [o for c in load(path)["cells"] if c["cell_type"] == "code" for o in c["outputs"]
                  if "image/png" in o.get("data", {})]
        assert images, path.stem
        for image in images:
            alt = image["metadata"]["image/png"]["alt"]
            assert alt.startswith(("Chart", "Bar chart", "Stacked bar", "Map-like", "Timeline"))
            assert alt.endswith("Its caption gives every number it shows.") and len(alt.split()) < 40  # short


def test_notebook_04_concludes_from_the_table_it_shows():
    """The conclusions count the compared table the page shows (its last_year, its scopes), not every row (issue 22)."""
    import re

    import kzfigures

    cells = load(ROOT / "notebooks" / "04-in-context.ipynb")["cells"]
    params = {node.target.id: ast.literal_eval(node.value)
              for node in ast.parse("".join(cells[3]["source"])).body}
    shown = kzfigures.in_context(**params)
    printed = next("".join(o["data"]["text/markdown"]) for c in cells
                   if c["cell_type"] == "code" and "conclusions(" in "".join(c["source"])
                   for o in c["outputs"] if "text/markdown" in o.get("data", {}))  # prose, shown as Markdown
    count = int(re.match(r"(\d+) external figures were compared", printed).group(1))
    assert count == len(shown) and len(shown) < len(kzfigures.in_context())
