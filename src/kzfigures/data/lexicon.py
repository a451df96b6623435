"""The word tables of lexicon.json, loaded once."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """Return the word tables (number, scale, qualifier, vague, ordinal and unit words)."""
    text = resources.files("kzfigures.data").joinpath("lexicon.json").read_text(encoding="utf-8")
    data = json.loads(text)
    data["vague_quantities"] = {k: v for k, v in data["vague_quantities"].items() if not k.startswith("_")}
    return data
