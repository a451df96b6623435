"""The one cache of checked data: the package read, checked and kept once per root and file state.

Every loader asks ``checked_package``; the tables built from a package are kept in its ``memo`` with ``memo()``, so
an edit to any file of data/ or seeds/ makes everything be read, checked and built again, and nothing else does.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .package import Package, read_package
from .paths import file_state
from .problems import DataPackageError
from .validation import validate

T = TypeVar("T")
#: How many file states are kept at once (a notebook that switches roots, a test suite).
KEPT = 8
_CHECKED: dict[Any, Package] = {}


def checked_package(root: str | Path | None = None) -> Package:
    """The package, read and checked once per root and file state; DataPackageError listing every problem."""
    return _checked(file_state(root))


def _checked(state: tuple[Path, tuple[tuple[str, int, int], ...]]) -> Package:
    """The package of one file state, read and checked the first time it is asked for."""
    if state not in _CHECKED:
        package = read_package(state[0])
        problems = validate(package)
        if problems:
            raise DataPackageError(problems)
        if len(_CHECKED) >= KEPT:
            _CHECKED.clear()
        _CHECKED[state] = package
    return _CHECKED[state]


def memo(package: Package, key: str, build: Callable[[Package], T]) -> T:
    """What ``build`` makes of a checked package, made once and kept with the package."""
    if key not in package.memo:
        package.memo[key] = build(package)
    built: T = package.memo[key]
    return built
