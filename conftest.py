"""Root conftest: pytest loads it wherever it is started in the checkout (the repository root or notebooks/)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def pytest_configure(config) -> None:
    """Read nbval's sanitize file relative to the checkout, not to the folder pytest was started from."""
    given = getattr(config.option, "nbval_sanitize_with", None)
    if given and not Path(given).is_absolute() and not Path(given).is_file() and (ROOT / given).is_file():
        config.option.nbval_sanitize_with = str(ROOT / given)
