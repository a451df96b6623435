"""Where the project's seeds/ and data/ are."""
from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "KZFIGURES_ROOT"
#: Set by the report builder for each notebook: where its charts and tables are saved.
OUTPUT_ENV = "KZFIGURES_OUTPUT_DIR"


def project_root(root: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding seeds/ and data/: ``root`` if given, else $KZFIGURES_ROOT, else this checkout."""
    if root is None:
        root = os.environ.get(ENV_VAR) or Path(__file__).resolve().parents[2]
    path = Path(root)
    if not (path / "data").is_dir() or not (path / "seeds").is_dir():
        raise FileNotFoundError(
            f"{path} has no data/ and seeds/ folders; pass root= or set {ENV_VAR} to the kzfigures checkout"
        )
    return path
