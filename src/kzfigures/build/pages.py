"""An executed notebook as a page for readers: prose, charts and tables first, code folded, links between pages.

The executed notebook is kept as it ran (reports/notebooks/); its page is made from a copy in which the cell papermill
injected becomes one line saying what the build used, the navigation links point at pages instead of .ipynb files,
nbgrader's marker lines are gone, and every table has lost its index column and has its numbers marked to be
right-aligned. Another article's page (NAME--ID) leaves out the cells tagged "flagship-only" and links only to the
contents. The kzreport template then folds each cell's code into a closed "show code" disclosure and drops
the prompts.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from ..classroom.edition import MARKERS
from ..data.literal import markdown_text
from ..data.parse import DIGITS
from ..notebooks.collection import NotebookInfo
from ..notebooks.navigation import CONTENTS, NAV_TAG

TEMPLATES = Path(__file__).with_name("templates")
#: A plain number as a table shows it (the parser's digits): 1,234 / -5 / 0.0167 / 12.5% / inf.
_NUMBER = re.compile(rf"^[−-]?{DIGITS}%?$|^-?inf$")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_URL = re.compile(r"^https?://[^\s<>\"']+$")


#: A cell tagged so speaks of the flagship article alone: another article's page leaves it out.
FLAGSHIP_ONLY = "flagship-only"
#: What the name of another article's page holds (NAME--ID, see build.report.article_pages).
ARTICLE_PAGE = "--"


def exporter() -> Any:
    """One HTML exporter for a whole build: the kzreport template, no prompts, no CDN scripts, real alt text."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="kzreport", extra_template_basedirs=[str(TEMPLATES)],
                        exclude_input_prompt=True, exclude_output_prompt=True)


def built_with(parameters: dict[str, Any]) -> str:
    """What a build used, in one line: "Built with population = 18,000,000." or "Built with the defaults."."""
    if not parameters:
        return "Built with the defaults."
    words = [f"{name} = {value:,}" if isinstance(value, int) and not isinstance(value, bool) else f"{name} = {value}"
             for name, value in parameters.items()]
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
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
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
                html = output.get("data", {}).get("text/html")
                if html and 'class="dataframe"' in html:
                    output.data["text/html"] = tidy_tables(html)
    # every parameter value is text: escaped for Markdown, so markup or a link in a value shows as written
    line = nbformat.v4.new_markdown_cell(f"*{markdown_text(built_with(parameters))}*",
                                         metadata={"tags": ["built-with"]})
    line.id = "built-with"  # a fixed id, so rebuilds give the same bytes
    nb.cells.insert(1, line)
    return nb


def tidy_tables(html: str) -> str:
    """A pandas table's HTML without its index column, numeric cells marked for right alignment, and cited
    http(s) addresses made links."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for table in soup.select("table.dataframe"):
        for row in table.select("thead tr"):
            first = row.find(["th", "td"])
            if first is not None:
                first.decompose()
        for row in table.select("tbody tr"):
            index = row.find("th")
            if index is not None:
                index.decompose()
            for cell in row.find_all("td"):
                text = cell.get_text(strip=True)
                if _NUMBER.match(text):
                    cell["class"] = " ".join([*cell.get_attribute_list("class"), "num"]).strip()
                elif _URL.match(text):  # a cited source's address becomes a link (a link, never a load)
                    link = soup.new_tag("a", href=text)
                    link.string = text
                    cell.clear()
                    cell.append(link)
    return str(soup)


def export(executed: Any, info: NotebookInfo, parameters: dict[str, Any], targets: dict[Path, str],
           html_exporter: Any) -> str:
    """The page of one executed notebook, as HTML."""
    page = for_readers(executed, info, parameters, targets)
    return html_exporter.from_notebook_node(page, resources={"metadata": {"name": info.name}})[0]
