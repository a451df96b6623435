"""kzfigures: every number in one news article as a tidy, checkable pandas table.

>>> import kzfigures
>>> df = kzfigures.load_figures()        # one row per number the article states
"""
from .bounds import Bounds, BoundsOrderError
from .coverage import coverage_audit, find_tokens
from .figures import (
    FIGURE_COLUMNS, attacks, credit_line, derived_figures, events, external_events, fighter_categories, fighters,
    figure_bounds, load_figures, non_figures, organisations, penalties, people, places, topic_view,
)
from .package import read_package, validate_package
from .params import ParameterError, check_parameters
from .parse import parse_quantity
from .problems import DataPackageError, Problem
from .seeds import Seed, load_seed

__all__ = [
    "Bounds", "BoundsOrderError", "DataPackageError", "FIGURE_COLUMNS", "ParameterError", "check_parameters", "Problem", "Seed", "attacks",
    "coverage_audit", "credit_line", "derived_figures", "events", "external_events", "fighter_categories", "fighters", "figure_bounds",
    "find_tokens", "load_figures", "load_seed", "non_figures", "organisations", "parse_quantity", "penalties",
    "people", "places", "read_package", "topic_view", "validate_package",
]
