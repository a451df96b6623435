"""kzfigures: every number in one news article as a tidy, checkable pandas table.

>>> import kzfigures
>>> df = kzfigures.load_figures()        # one row per number the article states

The library is five layers, each a subpackage that imports only from the ones before it (tests/test_architecture.py
holds the rule): ``figures`` (the articles, the data package, its checks, the figures and their arithmetic),
``charts`` (views, charts and what a notebook publishes), ``collection`` (the notebook collection as files: listing,
parameters, navigation), ``classroom`` (the lessons' checks, the student edition, the teacher's guide) and
``report`` (executing notebooks and building the report); ``cli`` sits on top. Names are loaded on first use
(PEP 562), so `kzfigures report` can answer "up to date" without importing pandas or matplotlib.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

#: The module that defines each public name.
_DEFINED_IN: dict[str, tuple[str, ...]] = {
    "figures.bounds": ("BOUND_VALUES", "Bounds", "BoundsOrderError",),
    "figures.context": ("external_figures", "in_context",),
    "figures.coverage": ("coverage_audit", "find_tokens",),
    "figures.table": ("FIGURE_COLUMNS", "bounds_of", "credit", "credit_line", "derive", "derived_figures", "figure_bounds",
        "figure_row", "load_figures", "published", "published_because", "published_between", "rate_per", "select", "share",),
    "charts.outputs": ("Outputs",),
    "figures.package": ("read_package",),
    "collection.params": ("ParameterError", "check_parameters",),
    "figures.parse": ("parse_quantity",),
    "figures.problems": ("DataPackageError", "Problem",),
    "figures.seeds": ("FLAGSHIP", "Seed", "load_seed",),
    "figures.articles": ("ArticleRefused", "add_article", "articles",),
    "figures.citation": ("citation",),
    "figures.draft": ("draft_article", "draft_text", "propose",),
    "figures.curation": ("Curation", "curation",),
    "figures.proposals": ("proposals",),
    "figures.companions": ("claims", "events", "external_events", "fighter_categories", "non_figures", "organisations",
        "people", "places",),
    "figures.store": ("checked_package",),
    "figures.validation": ("validate_package",),
    "charts.views": ("topic_view",),
    "cli": ("make_lesson",),
}
#: Public name -> the module that defines it.
_EXPORTS = {name: module for module, names in _DEFINED_IN.items() for name in names}

#: The modules notebooks import by their short name (``from kzfigures import views, plotting``).
_MODULES = {"context": "figures.context", "lessons": "classroom.lessons", "plotting": "charts.plotting",
            "views": "charts.views"}

__all__ = sorted(_EXPORTS)  # noqa: PLE0605 (a list, built from the table above)


def __getattr__(name: str) -> Any:
    """Import the defining module the first time a public name is used."""
    if name in _MODULES:
        value: Any = import_module(f".{_MODULES[name]}", __name__)
    elif name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    else:
        raise AttributeError(f"module 'kzfigures' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
