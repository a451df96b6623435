"""An article cited from its metadata: the one line every chart, page, worksheet and class folder names it with."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def published_words(published: str) -> str:
    """A date as far as it is known, in words ("2014", "September 2014", "12 September 2014")."""
    parts = [int(p) for p in str(published).split("-")]
    when = str(parts[0])
    if len(parts) >= 2:
        when = f"{dt.date(parts[0], parts[1], 1):%B} {parts[0]}"
    if len(parts) == 3:
        when = f"{parts[2]} {when}"
    return when


def cite(meta: Mapping[str, Any]) -> str:
    """An article as a source line cites it: 'Publisher, “Title”, September 2014' (the date as far as it is known)."""
    return f"{meta['publisher']}, “{meta['title']}”, {published_words(meta['published'])}"


def citation(seed_id: str | None = None, root: str | Path | None = None) -> str:
    """An article of the collection (the flagship when seed_id is None) cited from its metadata (cite)."""
    from .seeds import load_seed

    return cite(load_seed(seed_id, root).meta)
