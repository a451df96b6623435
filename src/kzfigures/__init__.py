"""kzfigures: every number in one news article as a tidy, checkable pandas table.

>>> import kzfigures
>>> df = kzfigures.load_figures()        # one row per number the article states

Names are loaded on first use (PEP 562), so `kzfigures report` can answer "up to date" without importing
pandas or matplotlib.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name -> the module that defines it.
_EXPORTS = {
    "BOUND_VALUES": "bounds", "Bounds": "bounds", "BoundsOrderError": "bounds",
    "external_figures": "context", "in_context": "context",
    "coverage_audit": "coverage", "find_tokens": "coverage",
    "FIGURE_COLUMNS": "figures", "bounds_of": "figures", "credit": "figures", "credit_line": "figures",
    "derive": "figures", "derived_figures": "figures", "figure_bounds": "figures", "figure_row": "figures",
    "load_figures": "figures", "published": "figures", "rate_per": "figures", "select": "figures", "share": "figures",
    "Outputs": "outputs",
    "read_package": "package",
    "ParameterError": "params", "check_parameters": "params",
    "parse_quantity": "parse",
    "DataPackageError": "problems", "Problem": "problems",
    "Seed": "seeds", "load_seed": "seeds",
    "claims": "tables", "events": "tables", "external_events": "tables", "fighter_categories": "tables", "non_figures": "tables",
    "organisations": "tables", "people": "tables", "places": "tables",
    "checked_package": "validation", "validate_package": "validation",
    "topic_view": "views",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module the first time a public name is used."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'kzfigures' has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
