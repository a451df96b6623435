"""An executed notebook as a page for readers: prose, charts and tables first, code folded, links between pages.

The executed notebook is kept as it ran (reports/notebooks/); its page is made from a copy in which the cell papermill
injected becomes one line saying what the build used, the navigation links point at pages instead of .ipynb files,
nbgrader's marker lines are gone, and pandas' "dtype" lines are gone from printouts. A table is shown as the
notebook displayed it: the notebook writes it for readers when it shows it (charts/tables.py), nothing here rewrites
it. Another article's page (NAME--ID) leaves out the cells tagged "flagship-only" and links only to the
contents. The kzreport template then folds each cell's code into a closed "show code" disclosure and drops
the prompts.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from ..classroom.edition import MARKERS
from ..collection.listing import NotebookInfo
from ..collection.navigation import CONTENTS, NAV_TAG
from ..figures.literal import markdown_text

TEMPLATES = Path(__file__).with_name("templates")
_LINK = re.compile(r"\]\(([^)\s]+)\)")


#: A cell tagged so speaks of the flagship article alone: another article's page leaves it out.
FLAGSHIP_ONLY = "flagship-only"
#: What the name of another article's page holds (NAME--ID, see plan.article_pages).
ARTICLE_PAGE = "--"


def text(value: Any) -> str:
    """The templates' ``text`` filter: a data text escaped for HTML with html.escape (the templates then mark it
    ``safe``, so an autoescaping environment does not escape it twice)."""
    from html import escape

    return escape(str(value))


def exporter() -> Any:
    """One HTML exporter for a whole build: the kzreport template, no prompts, no CDN scripts, real alt text."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="kzreport", extra_template_basedirs=[str(TEMPLATES)],
                        exclude_input_prompt=True, exclude_output_prompt=True, filters={"text": text})


def environment() -> Any:
    """The Jinja environment of the report's own templates (the index, the footer): autoescaped, with ``text``."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]))
    env.filters["text"] = text
    return env


def _grouped(name: str, value: Any) -> bool:
    """Whether a parameter's value is written with thousands separators: a count is (18,000,000), a year is not."""
    return isinstance(value, int) and not isinstance(value, bool) and not name.endswith("year")


def built_with(parameters: dict[str, Any]) -> str:
    """What a build used, in one line: "Built with population = 18,000,000." or "Built with the defaults."."""
    if not parameters:
        return "Built with the defaults."
    words = [f"{name} = {value:,}" if _grouped(name, value) else f"{name} = {value}" for name, value in parameters.items()]
    return "Built with " + ", ".join(words) + "."


def page_targets(collection: list[NotebookInfo], folder: Path) -> dict[Path, str]:
    """Where a link to each notebook (and to contents.md) goes in the report: its page's file name."""
    targets = {nb.path.resolve(): f"{nb.name}.html" for nb in collection}
    targets[(folder / CONTENTS).resolve()] = "index.html"
    return targets


def _relink(text: str, here: Path, targets: dict[Path, str]) -> str:
    """Markdown links to notebooks or the contents, relative to ``here``, made links to the report's pages."""
    def swap(match: re.Match[str]) -> str:
        target = match.group(1)
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return match.group(0)
        page = targets.get((here / target).resolve())
        return f"]({page})" if page else match.group(0)
    return _LINK.sub(swap, text)


def for_readers(executed: Any, info: NotebookInfo, parameters: dict[str, Any], targets: dict[Path, str]) -> Any:
    """A copy of an executed notebook arranged for its page (the notebook itself is not changed)."""
    import nbformat

    nb = copy.deepcopy(executed)
    nb.cells = without_plumbing(nb.cells)
    nb.metadata["title"] = info.title  # the page's <title> is the notebook's own
    if ARTICLE_PAGE in info.name:  # another article's page: none of the flagship's words, no path through the book
        nb.cells = [c for c in nb.cells if FLAGSHIP_ONLY not in c.metadata.get("tags", [])]
        for cell in nb.cells:
            if NAV_TAG in cell.metadata.get("tags", []):
                cell.source = f"*[Contents]({CONTENTS})*"
    for cell in nb.cells:
        cell.source = "\n".join(line for line in cell.source.split("\n") if line.strip() not in MARKERS)
        if cell.cell_type == "markdown":
            cell.source = _relink(cell.source, info.path.parent, targets)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                text = output.get("text") if output.get("output_type") == "stream" else None
                if isinstance(text, str):
                    output["text"] = without_dtype(text)
                plain = output.get("data", {}).get("text/plain")
                if isinstance(plain, str):
                    output.data["text/plain"] = without_dtype(plain)
    # every parameter value is text: escaped for Markdown, so markup or a link in a value shows as written
    line = nbformat.v4.new_markdown_cell(f"*{markdown_text(built_with(parameters))}*",
                                         metadata={"tags": ["built-with"]})
    line.id = "built-with"  # a fixed id, so rebuilds give the same bytes
    nb.cells.insert(1, line)
    return nb


#: A pandas Series' closing line ("Name: relation, dtype: int64", "dtype: object"): plumbing, not for readers.
_DTYPE = re.compile(r"^(?:Name: .*, )?(?:Length: \d+, )?dtype: \w+$|^Name: [^,]+$", re.MULTILINE)
#: The markdown that introduces the parameters cell: its heading and the line on changing them.
_PARAMETER_LINES = re.compile(r"^(## Parameters|Change these here.*)\s*$", re.MULTILINE)
_SAVE = re.compile(r"^\s*outputs\.save\(.*\)\s*$")


def without_dtype(text: str) -> str:
    """A printout less pandas' "Name: …, dtype: …" lines."""
    return re.sub(r"\n{3,}", "\n\n", _DTYPE.sub("", text)).rstrip("\n") + ("\n" if text.endswith("\n") else "")


def without_plumbing(cells: list[Any]) -> list[Any]:
    """The cells a reader sees: not the parameters cell, the one papermill injected, or the cell that saves the
    outputs, nor the headings and lines that only introduce them (what the parameters are, in words, stays)."""
    kept: list[Any] = []
    for cell in cells:
        tags = cell.metadata.get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            if kept and kept[-1].cell_type == "markdown" and _PARAMETER_LINES.search(kept[-1].source):
                rest = _PARAMETER_LINES.sub("", kept[-1].source).strip()
                if rest:
                    kept[-1].source = rest
                else:
                    kept.pop()
            continue
        if cell.cell_type == "code" and _SAVE.match(cell.source):
            if kept and kept[-1].cell_type == "markdown" and kept[-1].source.lstrip().startswith("## Saved for the"):
                kept.pop()
            continue
        kept.append(cell)
    return kept


def export(executed: Any, info: NotebookInfo, parameters: dict[str, Any], targets: dict[Path, str],
           html_exporter: Any, footer: dict[str, Any] | None = None) -> str:
    """The page of one executed notebook, as HTML; ``footer`` (provenance.footer_context) closes it."""
    page = for_readers(executed, info, parameters, targets)
    resources = {"metadata": {"name": info.name}, "kz_footer": footer}
    return html_exporter.from_notebook_node(page, resources=resources)[0]
