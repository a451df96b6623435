"""Step 1 of a build, plan: which notebooks run, with which parameters, under which cache key.

A pure function of the checkout (its notebooks and articles), the parameters given and the cache: no kernel starts,
nothing is written. What is special about a notebook is said by the notebook itself: its parameters cell (a
notebook with an ``article`` parameter gets a page for every article of the collection) and its metadata
(``solutions_shown_by``, read by collection.listing).
"""
from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..collection.listing import NotebookInfo
from ..collection.params import ParameterError, check_parameter, check_parameters
from ..figures.problems import DataPackageError, Problem, article_line
from ..figures.seeds import FLAGSHIP
from .cache import CHECKSUMS, page_key
from .pages import ARTICLE_PAGE, built_with

#: The parameter that names the article a notebook is about: such a notebook gets a page for every article.
ARTICLE_PARAMETER = "article"


@dataclass(frozen=True)
class PageRun:
    """One page of a build: its notebook (named NAME--ID for another article's page), the parameters given to it
    (its defaults left out), its cache key, whether the cache holds it, and the article it is of (None: the
    notebook's own default article)."""

    notebook: NotebookInfo
    parameters: dict[str, Any]
    key: str
    cached: bool = False
    article: str | None = None

    @property
    def name(self) -> str:
        """The page's name: its files are NAME.html, notebooks/NAME.ipynb and NAME/."""
        return self.notebook.name

    @property
    def values(self) -> dict[str, Any]:
        """Every parameter as the notebook ran with it: its defaults, then what was given."""
        return {**self.notebook.parameters, **self.parameters}


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


def check_article(given: dict[str, Any], articles: dict[str, str]) -> None:
    """Refuse, before any kernel starts, an ``article`` that is not one of the collection's (ids -> titles)."""
    chosen = given.get(ARTICLE_PARAMETER)
    if chosen is not None and chosen not in articles:
        raise ParameterError(f"-p {ARTICLE_PARAMETER} {chosen}: no such article in the collection; its articles are: "
                             f"{', '.join(sorted(articles)) or 'none'} (kzfigures add brings a new one)")


def collection_articles(base: Path) -> dict[str, str]:
    """The collection's articles in the checkout at ``base``: id -> title."""
    from ..figures.seeds import read_seeds

    seeds, _ = read_seeds(base)
    return {seed_id: str(seed.meta["title"]) for seed_id, seed in seeds.items()}


def article_pages(chosen: list[NotebookInfo], given: dict[str, Any],
                  articles: dict[str, str]) -> list[tuple[NotebookInfo, str]]:
    """A page of each chosen notebook with an ``article`` parameter for every other article of the collection
    (named NAME--ID, its ``article`` set to ID), unless the build was given an article. ``articles``: id -> title."""
    if ARTICLE_PARAMETER in given:
        return []
    return [(replace(nb, name=f"{nb.name}{ARTICLE_PAGE}{seed_id}", title=f"{nb.title}: {title}"), seed_id)
            for nb in chosen if ARTICLE_PARAMETER in nb.parameters
            for seed_id, title in sorted(articles.items()) if seed_id != nb.parameters[ARTICLE_PARAMETER]]


def plan(chosen: list[NotebookInfo], given: dict[str, Any], collection: list[NotebookInfo],
         articles: dict[str, str], fingerprint: str, cache: Path | None) -> list[PageRun]:
    """The pages of a build, in the order chosen, then one per other article; ``cache`` None: nothing is taken from
    a cache. Raises ParameterError for a parameter no chosen notebook takes or one the rules refuse."""
    check_article(given, articles)
    resolved = resolve_parameters(chosen, given, collection)
    pages: list[tuple[NotebookInfo, dict[str, Any], str | None]] = [(nb, resolved[nb.name], None) for nb in chosen]
    pages += [(nb, {**resolved[nb.name.split(ARTICLE_PAGE)[0]], ARTICLE_PARAMETER: seed_id}, seed_id)
              for nb, seed_id in article_pages(chosen, given, articles)]
    return [page_run(nb, values, fingerprint, cache, article) for nb, values, article in pages]


def set_apart(pages: list[PageRun], own: dict[str, list[Problem]]) -> tuple[list[PageRun], list[str]]:
    """The pages to run without those of the articles with problems of their own (``own``: id -> problems, as
    ``kzfigures validate`` lists them), and one line for each such article naming its pages. DataPackageError
    when one is a page's own article, not another article's (the flagship's pages, or the article -p chose): the
    build stops, as for any other page that cannot be built."""
    for page in pages:
        article = page.values.get(ARTICLE_PARAMETER, FLAGSHIP)
        if page.article is None and article in own:
            raise DataPackageError(own[article], article)
    lines = [article_line(article, problems, [p.name for p in pages if p.article == article])
             for article, problems in sorted(own.items())]
    return [page for page in pages if page.article not in own], lines


def page_run(nb: NotebookInfo, parameters: dict[str, Any], fingerprint: str, cache: Path | None,
             article: str | None = None) -> PageRun:
    """One page's run: its key from the inputs, the notebook and its parameters; cached when the cache holds it."""
    key = page_key(fingerprint, nb.path, parameters)
    return PageRun(nb, parameters, key, cached=cache is not None and (cache / key / CHECKSUMS).is_file(),
                   article=article)


def page_damaged(page: dict[str, Any], broken: list[str]) -> bool:
    """True when one of a previous page's files (its HTML, its notebook, its outputs folder) is damaged."""
    return any(rel in (page["html"], page["notebook"]) or rel.startswith(page["name"] + "/") for rel in broken)


def repairs(previous: list[dict[str, Any]], broken: list[str], planned: set[str], notebooks: list[NotebookInfo],
            say: Callable[[str], None]) -> list[tuple[NotebookInfo, dict[str, Any], str | None]]:
    """The damaged pages --only did not name, each with its notebook, the parameters it was built with and its
    article, to be built again too (a page whose notebook is gone is said and left out)."""
    by_name = {nb.name: nb for nb in notebooks}
    found = []
    for page in previous:
        if page["name"] in planned or not page_damaged(page, broken):
            continue
        nb, article = _notebook_of(page, by_name)
        if nb is None:
            say(f"      {page['name']}: damaged, and its notebook is gone, so it is left out of the report")
            continue
        values = literal_values(page.get("parameters"))
        say(f"      {page['name']}: damaged, so built again too"
            + (f" ({built_with(values).removeprefix('Built with ').rstrip('.')})" if values else ""))
        found.append((nb, values, article))
    return found


def _notebook_of(page: dict[str, Any], by_name: dict[str, NotebookInfo]) -> tuple[NotebookInfo | None, str | None]:
    """The notebook a previous page was built from, and the article when it is another article's page."""
    nb = by_name.get(page["name"])
    first, _, article = page["name"].partition(ARTICLE_PAGE)
    if nb is None and first in by_name and ARTICLE_PARAMETER in by_name[first].parameters:
        return replace(by_name[first], name=page["name"], title=str(page.get("title", by_name[first].title))), article
    return nb, None


def literal_values(recorded: Any) -> dict[str, Any]:
    """Parameters as a manifest records them (name -> repr), read back; {} when they cannot be."""
    try:
        return {k: ast.literal_eval(v) for k, v in dict(recorded or {}).items()}
    except (ValueError, SyntaxError, TypeError, AttributeError):
        return {}
