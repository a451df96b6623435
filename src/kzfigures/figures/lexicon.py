"""The word tables of lexicon.json, loaded once."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """Return the word tables (number, scale, qualifier, vague, fraction, currency, ordinal and unit words, …)."""
    text = resources.files("kzfigures.figures").joinpath("lexicon.json").read_text(encoding="utf-8")
    data = json.loads(text)
    for name, table in data.items():  # a key starting with "_" documents its table and is not a word
        if isinstance(table, dict):
            data[name] = {k: v for k, v in table.items() if not k.startswith("_")}
    return data
