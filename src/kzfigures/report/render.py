"""Step 3 of a build, render: each page from its executed notebook, and the index, through the Jinja templates.

A page is the kzreport template applied to the notebook as pages.for_readers arranges it, its footer (how to cite
it, the licence, what built it: templates/kzreport/footer.html.j2) rendered by the template with it; its downloads
get a datapackage.json. The index is templates/index_page.html.j2, with the same footer. The article a page is of
comes from its ``article`` parameter; how its date reads, from the article's metadata.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..charts.outputs import read_outputs
from ..collection.listing import NotebookInfo
from .pages import built_with, environment, export
from .plan import ARTICLE_PARAMETER, PageRun
from .provenance import Provenance, footer_context, write_datapackage

#: How a date of each precision reads on the index ("2014-09" -> "September 2014; the day is not known").
DATE_WORDS = {"year": "%Y; the month is not known", "month": "%B %Y; the day is not known"}
DATE_FORMATS = {"year": "%Y", "month": "%Y-%m"}


@dataclass(frozen=True)
class Renderer:
    """What every page of one build is rendered with: the exporter, where links go, what built it."""

    building: Path
    base: Path
    exporter: Any
    targets: dict[Path, str]
    made: Provenance


def article_meta(root: Path, seed_id: str | None = None) -> dict[str, Any]:
    """An article's metadata (the flagship's unless ``seed_id`` names another), with its date in words."""
    from ..figures.seeds import load_seed

    meta = load_seed(seed_id, root=root).meta
    return {**meta, "published_words": date_words(meta["published"], meta.get("published_precision"))}


def date_words(published: str, precision: str | None) -> str:
    """An article's date as a reader reads it: a month or a year says that the day is not known."""
    if precision not in DATE_WORDS:
        return published
    return dt.datetime.strptime(published, DATE_FORMATS[precision]).strftime(DATE_WORDS[precision])


def render_page(page: PageRun, executed: Any, renderer: Renderer) -> dict[str, Any]:
    """Write a page's HTML (with its footer) and its downloads' datapackage.json; return its index entry."""
    article = article_meta(renderer.base, page.parameters.get(ARTICLE_PARAMETER))  # another article's page cites that one
    folder = renderer.building / page.name
    download = f"{page.name}/datapackage.json" if folder.is_dir() else None
    if download:
        write_datapackage(folder, page.notebook.title, article, renderer.made)
    closing = footer_context(page.notebook.title, article, renderer.made, download)
    html = export(executed, page.notebook, page.parameters, renderer.targets, renderer.exporter, closing)
    (renderer.building / f"{page.name}.html").write_text(html, encoding="utf-8")
    return page_entry(page.notebook, page.parameters, renderer.building, page.key)


def page_entry(nb: NotebookInfo, parameters: dict[str, Any], folder: Path, key: str) -> dict[str, Any]:
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


def index_page(pages: list[dict[str, Any]], values: dict[str, dict[str, Any]], root: Path, made: Provenance,
               not_built: list[str] | None = None) -> str:
    """The index page (autoescaped: data text stays text): what the numbers allow us to say first (findings.py,
    each from the parameters its page was built with, ``values``), the pages left out and why (``not_built``, one
    line each, with no link), then every page with its charts and downloads."""
    from .findings import findings

    article = article_meta(root)
    built = {p["name"] for p in pages}
    said = [f for f in findings(root, pages=values) if f.page in built]
    closing = footer_context("Every number in one article", article, made)
    return environment().get_template("index_page.html.j2").render(
        pages=pages, article=article, findings=said, titles={p["name"]: p["title"] for p in pages}, footer=closing,
        not_built=not_built or [])
