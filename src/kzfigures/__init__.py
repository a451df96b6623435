"""kzfigures: every number in one news article as a tidy, checkable pandas table.

>>> import kzfigures
>>> df = kzfigures.load_figures()        # one row per number the article states

The library is five layers, each a subpackage that imports only from the ones before it (tests/test_architecture.py
holds the rule): ``data`` (the articles, the data package, its checks, the figures and their arithmetic),
``charts`` (views, charts and what a notebook publishes), ``notebooks`` (the notebook collection as files: listing,
parameters, navigation), ``classroom`` (the lessons' checks, the student edition, the teacher's guide) and
``build`` (executing notebooks and building the report); ``cli`` sits on top. Names are loaded on first use
(PEP 562), so `kzfigures report` can answer "up to date" without importing pandas or matplotlib.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name -> the module that defines it.
_EXPORTS = {
    "BOUND_VALUES": "data.bounds", "Bounds": "data.bounds", "BoundsOrderError": "data.bounds",
    "external_figures": "data.context", "in_context": "data.context",
    "coverage_audit": "data.coverage", "find_tokens": "data.coverage",
    "FIGURE_COLUMNS": "data.figures", "bounds_of": "data.figures", "credit": "data.figures", "credit_line": "data.figures",
    "derive": "data.figures", "derived_figures": "data.figures", "figure_bounds": "data.figures", "figure_row": "data.figures",
    "load_figures": "data.figures", "published": "data.figures", "rate_per": "data.figures", "select": "data.figures", "share": "data.figures",
    "Outputs": "charts.outputs",
    "read_package": "data.package",
    "ParameterError": "notebooks.params", "check_parameters": "notebooks.params",
    "parse_quantity": "data.parse",
    "DataPackageError": "data.problems", "Problem": "data.problems",
    "Seed": "data.seeds", "load_seed": "data.seeds",
    "claims": "data.tables", "events": "data.tables", "external_events": "data.tables", "fighter_categories": "data.tables", "non_figures": "data.tables",
    "organisations": "data.tables", "people": "data.tables", "places": "data.tables",
    "checked_package": "data.store", "validate_package": "data.validation",
    "topic_view": "charts.views",
}

#: The modules notebooks import by their short name (``from kzfigures import views, plotting``).
_MODULES = {"context": "data.context", "lessons": "classroom.lessons", "plotting": "charts.plotting",
            "views": "charts.views"}

__all__ = sorted(_EXPORTS)


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
