"""Root conftest: pytest loads it wherever it is started in the checkout (the repository root or notebooks/).

The tiers are pytest markers, set where the tests are: a test or a test file that needs a real client (chromium,
JupyterLab), an install (a venv, nbgrader, a wheel) or report builds of its own is marked ``full``; make check runs
``-m "not full"``. Under pytest-xdist, make test and make check use xdist's own ``--dist loadfile``: a file's module
fixtures (a report built, a server started) are made once, on one worker.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


#: The patterns nbval's comparison ignores (`pytest --nbval notebooks/`; make check and make test leave nbval out).
SANITIZE = ROOT / "tests" / "nbval-sanitize.cfg"


def pytest_configure(config) -> None:
    """Where nbval is loaded, it reads the checkout's sanitize file unless given one, and a relative one from the
    checkout, not from the folder pytest was started from (the repository root or notebooks/).

    make check and make test run with -p no:nbval: the notebooks are checked by the report the tests build, and
    nbval's plugin imported coverage, jupyter_client and tornado into every test process (0.4 s of CPU each)."""
    if not hasattr(config.option, "nbval_sanitize_with"):
        return
    given = config.option.nbval_sanitize_with
    if not given:
        config.option.nbval_sanitize_with = str(SANITIZE)
    elif not Path(given).is_absolute() and not Path(given).is_file() and (ROOT / given).is_file():
        config.option.nbval_sanitize_with = str(ROOT / given)
