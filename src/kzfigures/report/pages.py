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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..classroom.edition import MARKERS
from ..collection.listing import NotebookInfo
from ..collection.navigation import CONTENTS, NAV_TAG
from ..figures.literal import markdown_text
from ..figures.parse import DIGITS

TEMPLATES = Path(__file__).with_name("templates")
#: A plain number as a table shows it (the parser's digits): 1,234 / -5 / 0.0167 / 12.5% / inf.
_NUMBER = re.compile(rf"^[−-]?{DIGITS}%?$|^-?inf$")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_URL = re.compile(r"^https?://[^\s<>\"']+$")


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


def for_readers(executed: Any, info: NotebookInfo, parameters: dict[str, Any], targets: dict[Path, str],
                labels: dict[str, str] | None = None) -> Any:
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
                html = output.get("data", {}).get("text/html")
                if html and 'class="dataframe"' in html:
                    output.data["text/html"] = tidy_tables(html, labels)
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


#: How a table's column names read on a page (any other name: its underscores as spaces).
HEADERS: dict[str, str] = {
    "measure": "what is counted", "attributed_to": "credited to", "source_type": "kind of source",
    "role_in_article": "role in the article", "coordinates_source": "coordinates from", "date_text": "date as written",
    "date_start": "from", "date_end": "to", "number_text": "as written", "bound": "kind of bound",
    "figure_id": "id", "external_id": "external id", "event_id": "id", "same_as": "restates",
}
#: The columns that carry the meaning come first, in this order (the rest keep theirs, after them).
FIRST: list[str] = [
    "position", "what is counted", "label", "name", "claim", "words", "as written", "article says", "external says",
    "interval", "external bounds", "unit", "date as written", "date", "from", "to", "credited to", "kind of source",
    "publisher", "as of", "relation", "origin", "scope differs in",
]
#: Long text and references: shown under their row, across the whole table, not squeezed into a column.
UNDER: list[str] = ["quote", "says again", "first said", "notes", "reason", "how the scope differs", "located",
                    "source", "url", "read in", "coordinates from",
                    "id", "external id", "restates"]
#: Text columns that stay in the row when every value in them is this short or shorter (a place's name as quoted).
TEXT, SHORT = {"quote", "source", "notes", "reason"}, 24
#: A value that is an identifier in snake_case ("more_than"): shown in words ("more than") outside id columns.
_SNAKE = re.compile(r"^[a-z]+(?:_[a-z0-9]+)+$")
_IDS = {"id", "external id", "restates"}
#: How pandas shows an empty cell (an open end of a period, a missing value).
_MISSING = {"NaT", "NaN", "nan", "None", "<NA>"}


def _header(name: str) -> str:
    """A column's name as a reader reads it: "attributed_to" -> "credited to"."""
    return HEADERS.get(name, name.replace("_", " "))


def _order(headers: list[str], under: list[int]) -> list[int]:
    """The positions of the shown columns (all but ``under``), meaning first: FIRST's order, then the rest as they
    were; a short quote (a place's name) is the words, so it comes first."""
    rank = {name: i for i, name in enumerate(FIRST)} | {"quote": -1}
    shown = [i for i in range(len(headers)) if i not in under]
    return sorted(shown, key=lambda i: (rank.get(headers[i], len(FIRST)), i))


def _cell_text(cell: Any) -> str:
    """A cell's text, stripped."""
    return cell.get_text(strip=True)


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


def tidy_tables(html: str, labels: dict[str, str] | None = None) -> str:
    """A pandas table's HTML arranged for readers.

    The index column goes; columns are named in words and put meaning first (FIRST); long text and ids (UNDER)
    go in a line under their row; a figure id without its measure beside it becomes the measure in words (from
    ``labels``) with the id under it; snake_case values read as words; a column is right-aligned only when every
    cell in it is a number; each cell carries its column's name (data-label) so a phone can stack the rows; cited
    http(s) addresses become links.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for table in soup.select("table.dataframe"):
        _tidy_table(soup, table, labels or {})
    return str(soup)


@dataclass(frozen=True)
class _Layout:
    """How one table is shown: its columns' names in words, the ones in the row (in order), the ones under it,
    and the ones right-aligned."""

    names: list[str]
    order: list[int]
    under: list[int]
    numeric: set[int]


def _tidy_table(soup: Any, table: Any, labels: dict[str, str]) -> None:
    """One pandas table arranged for readers (see tidy_tables)."""
    head = table.select_one("thead tr:last-of-type")
    if head is None:
        return
    body = table.select("tbody tr")
    for extra in table.select("thead tr")[:-1]:
        extra.decompose()
    names = [_header(_cell_text(th)) for th in head.find_all("th")[1:]]
    rows = []
    for tr in body:
        index = tr.find("th")
        if index is not None:
            index.decompose()
        rows.append(tr.find_all("td"))
    layout = _layout(names, rows, labels)
    head.clear()
    for i in layout.order:
        th = soup.new_tag("th", scope="col")
        th.string = layout.names[i]
        if i in layout.numeric:
            th["class"] = "num"
        head.append(th)
    table["class"] = " ".join([*table.get_attribute_list("class"), "kz-stack"]).strip()
    table.attrs.pop("border", None)
    for tr, cells in zip(body, rows, strict=True):
        if len(cells) == len(names):
            _tidy_row(soup, tr, cells, layout, labels)


def _layout(names: list[str], rows: list[list[Any]], labels: dict[str, str]) -> _Layout:
    """Which columns a table shows in its rows, in which order, which go under the row, which are numbers."""
    if "id" in names and "what is counted" not in names and any(_cell_text(r[names.index("id")]) in labels
                                                                for r in rows if len(r) == len(names)):
        names[names.index("id")] = "what is counted"  # the measure in words, the id kept under it
    whole = [r for r in rows if len(r) == len(names)]
    under = [i for i, n in enumerate(names) if n in UNDER and (n not in TEXT or any(
        len(_cell_text(r[i])) > SHORT for r in whole))]
    under.sort(key=lambda i: UNDER.index(names[i]))  # the words first, the ids last
    order = _order(names, under)
    return _Layout(names, order, under, {i for i in order if _is_numeric(i, names, rows)})


def _is_numeric(i: int, names: list[str], rows: list[list[Any]]) -> bool:
    """True when every row is whole and column i holds numbers or nothing, and at least one number."""
    return bool(rows) and all(
        len(r) == len(names) and (_NUMBER.match(_cell_text(r[i])) or not _cell_text(r[i])) for r in rows) and any(
        len(r) == len(names) and _cell_text(r[i]) for r in rows)


def _tidy_row(soup: Any, tr: Any, cells: list[Any], layout: _Layout, labels: dict[str, str]) -> None:
    """One row: its shown cells in order, each in words and labelled; its long text and ids in a line under it."""
    tr["class"] = "kz-row"
    for cell in cells:
        cell.extract()
    for i in layout.order:
        cell = cells[i]
        _words(soup, cell, layout.names[i], labels)
        value = soup.new_tag("div", attrs={"class": "kz-value"})  # one box, so a stacked row keeps it whole
        for child in list(cell.children):
            value.append(child.extract())
        cell.append(value)
        cell["data-label"] = layout.names[i]
        if i in layout.numeric:
            cell["class"] = " ".join([*cell.get_attribute_list("class"), "num"]).strip()
        tr.append(cell)
    notes = [(layout.names[i], cells[i]) for i in layout.under if _cell_text(cells[i])]
    if not notes:
        return
    line = soup.new_tag("tr", attrs={"class": "kz-under"})
    td = soup.new_tag("td", colspan=str(len(layout.order)))
    for name, cell in notes:
        part = soup.new_tag("span", attrs={"class": f"kz-note kz-note-{name.replace(' ', '-')}"})
        tag = soup.new_tag("span", attrs={"class": "kz-note-label"})
        tag.string = f"{name}: "
        part.append(tag)
        _words(soup, cell, name, labels)
        for child in list(cell.children):
            part.append(child.extract())
        td.append(part)
        td.append(" ")
    line.append(td)
    tr.insert_after(line)


def _words(soup: Any, cell: Any, name: str, labels: dict[str, str]) -> None:
    """One cell's contents as a reader reads them (see tidy_tables)."""
    text = _cell_text(cell)
    if text in _MISSING:  # pandas' word for an empty cell: a reader sees it empty
        cell.clear()
    elif name == "what is counted" and text in labels:
        cell.clear()
        cell.append(labels[text])
        ident = soup.new_tag("span", attrs={"class": "kz-id"})
        ident.string = text
        cell.append(soup.new_tag("br"))
        cell.append(ident)
    elif name in _IDS:
        if text and " " not in text:  # an id in code; a sentence in an id column (what a figure restates) as text
            cell.clear()
            code = soup.new_tag("code", attrs={"class": "kz-id"})
            code.string = text
            cell.append(code)
    elif _URL.match(text):  # a cited source's address becomes a link (a link, never a load)
        link = soup.new_tag("a", href=text, attrs={"class": "kz-url"})  # its words are its address: printed once
        link.string = text
        cell.clear()
        cell.append(link)
    elif _SNAKE.match(text):
        cell.clear()
        cell.append(text.replace("_", " "))


def figure_labels(root: Path | None = None) -> dict[str, str]:
    """Each figure id (stated or derived) with what it counts in words, for tables that show only the id."""
    from ..figures.table import load_figures

    figures = load_figures(root, include_derived=True)
    return dict(zip(figures["figure_id"], figures["measure"], strict=True))


def export(executed: Any, info: NotebookInfo, parameters: dict[str, Any], targets: dict[Path, str],
           html_exporter: Any, labels: dict[str, str] | None = None, footer: dict[str, Any] | None = None) -> str:
    """The page of one executed notebook, as HTML; ``footer`` (provenance.footer_context) closes it."""
    page = for_readers(executed, info, parameters, targets, labels)
    resources = {"metadata": {"name": info.name}, "kz_footer": footer}
    return html_exporter.from_notebook_node(page, resources=resources)[0]
