"""Root conftest: pytest loads it wherever it is started in the checkout (the repository root or notebooks/).

The tiers are pytest markers, set where the tests are: a test or a test file that needs a real client (chromium,
JupyterLab), an install (a venv, nbgrader, a wheel) or report builds of its own is marked ``full``; make check runs
``-m "not full"``. Under pytest-xdist, make test and make check use xdist's own ``--dist loadfile``: a file's module
fixtures (a report built, a server started) are made once, on one worker.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def pytest_configure(config) -> None:
    """Read nbval's sanitize file relative to the checkout, not to the folder pytest was started from."""
    given = getattr(config.option, "nbval_sanitize_with", None)
    if given and not Path(given).is_absolute() and not Path(given).is_file() and (ROOT / given).is_file():
        config.option.nbval_sanitize_with = str(ROOT / given)
