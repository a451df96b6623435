"""The one cache of checked data: the package read, checked and kept once per root and file state.

Every loader asks ``checked_package``; the tables built from a package are kept in its ``memo`` with ``memo()``, so
an edit to any file of data/ or seeds/ makes everything be read, checked and built again, and nothing else does.

A problem of one article (a row of its, its proposals, its seed) sets that article apart: its seed and rows are
left out of the checked package, so every other article is read as if it were not there, and asking for it
(``check_article``) raises its own problems. A problem of the whole package (its descriptor, a table that cannot
be read, a header) or of the flagship, which every notebook reads, stops everything.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from .package import Package, Table, read_package
from .paths import file_state
from .problems import DataPackageError, Problem, by_article
from .seeds import FLAGSHIP
from .validation import Context, context_of, row_article, validate

T = TypeVar("T")
#: How many file states are kept at once (a notebook that switches roots, a test suite).
KEPT = 8
_CHECKED: dict[Any, Package] = {}


def checked_package(root: str | Path | None = None) -> Package:
    """The package, read and checked once per root and file state, without the articles that have problems of their
    own (``Package.set_apart``); DataPackageError listing every problem when one is the whole package's."""
    return _checked(file_state(root))


def _checked(state: tuple[Path, tuple[tuple[str, int, int], ...]]) -> Package:
    """The package of one file state, read and checked the first time it is asked for."""
    if state not in _CHECKED:
        package = read_package(state[0])
        problems = validate(package)
        whole, own = by_article(problems)
        if whole or FLAGSHIP in own:  # the flagship is never set apart: every notebook reads it
            raise DataPackageError(problems)
        if own:
            package = without_articles(package, own)
            said = {str(p) for p in problems}
            more = [p for p in validate(package) if str(p) not in said]  # what the others needed of those left out
            if more:
                raise DataPackageError(problems + more)
        if len(_CHECKED) >= KEPT:
            _CHECKED.clear()
        _CHECKED[state] = package
    return _CHECKED[state]


def without_articles(package: Package, own: dict[str, list[Problem]]) -> Package:
    """A copy of a package without the seeds and rows of the given articles (id -> their problems), which it keeps in
    ``set_apart``; the package's other rows are the same rows. Its reading problems were all theirs, so none stay."""
    ctx = context_of(package)
    tables = {name: _without(table, ctx, set(own)) for name, table in package.tables.items()}
    seeds = {seed_id: seed for seed_id, seed in package.seeds.items() if seed_id not in own}
    return Package(package.root, package.descriptor, seeds, tables, [], set_apart=dict(own))


def _without(table: Table, ctx: Context, articles: set[str]) -> Table:
    """A table without the rows of the given articles."""
    return replace(table, rows=[row for row in table.rows if row_article(ctx, table, row) not in articles])


def check_article(package: Package, seed: str) -> None:
    """DataPackageError with an article's own problems when it was set apart (its pages are not built until they
    are fixed); ValueError in one line when it is no article of the collection."""
    if seed in package.set_apart:
        raise DataPackageError(package.set_apart[seed], seed)
    if seed not in package.seeds:
        raise ValueError(f"no article {seed!r} in the collection; articles: {', '.join(sorted(package.seeds))}")


def memo(package: Package, key: str, build: Callable[[Package], T]) -> T:
    """What ``build`` makes of a checked package, made once and kept with the package."""
    if key not in package.memo:
        package.memo[key] = build(package)
    built: T = package.memo[key]
    return built
