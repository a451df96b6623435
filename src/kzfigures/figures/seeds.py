"""The source articles (seeds): their text, metadata and checksum."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .problems import DataPackageError, Problem

REQUIRED_META = ("seed_id", "file", "title", "publisher", "published", "sha256", "rights")
#: The article the collection was built around: the default of every notebook, and the one the topic pages show.
FLAGSHIP = "astanatimes-2014-09-terrorism"
#: A publication date as far as it is known: YYYY, YYYY-MM or YYYY-MM-DD.
PUBLISHED = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


@dataclass(frozen=True)
class Seed:
    """One article: its id, metadata (from seeds/*.json) and verified text."""

    seed_id: str
    meta: dict[str, Any]
    text: str


def read_seeds(root: Path) -> tuple[dict[str, Seed], list[Problem]]:
    """Read every seeds/*.json and its text; a seed whose text fails its checksum is reported, not returned.

    Each problem's row is the seed_id of the seed at fault (when its metadata names one).
    """
    seeds: dict[str, Seed] = {}
    problems: list[Problem] = []
    for meta_path in sorted((root / "seeds").glob("*.json")):
        rel = meta_path.relative_to(root).as_posix()
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as err:
            problems.append(Problem(rel, "-", "-", f"cannot read the metadata: {err}"))
            continue
        if not isinstance(meta, dict):
            problems.append(Problem(rel, "-", "-", f"the metadata is a JSON {type(meta).__name__}, not an object"))
            continue
        missing = [k for k in REQUIRED_META if not meta.get(k)]
        if missing:
            problems.append(Problem(rel, str(meta.get("seed_id", "-")), missing[0], "required metadata is missing"))
            continue
        if meta.get("url") and not str(meta["url"]).startswith(("https://", "http://")):
            problems.append(Problem(rel, meta["seed_id"], "url", f"{meta['url']!r} is not an http(s) URL"))
            continue
        if not PUBLISHED.fullmatch(str(meta["published"])):
            problems.append(Problem(rel, meta["seed_id"], "published",
                                    f"{meta['published']!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"))
            continue
        after = meta.get("published_after")
        if after is not None and not (isinstance(after, str) and len(after) == 10 and PUBLISHED.fullmatch(after)
                                      and after.startswith(str(meta["published"]))):
            problems.append(Problem(rel, meta["seed_id"], "published_after",
                                    f"{after!r} is not a day (YYYY-MM-DD) within published {meta['published']}"))
            continue
        text_path = (meta_path.parent / str(meta["file"])).resolve()
        if not text_path.is_relative_to(meta_path.parent.resolve()) or text_path == meta_path.parent.resolve():
            problems.append(Problem(rel, str(meta["seed_id"]), "file", f"{meta['file']!r} is outside seeds/; a seed's "
                                                                      "text must be inside seeds/ (it was not read)"))
            continue
        text_rel = f"seeds/{text_path.relative_to(meta_path.parent.resolve()).as_posix()}"
        if not text_path.is_file():
            problems.append(Problem(text_rel, meta["seed_id"], "file", "the seed text is missing"))
            continue
        raw = text_path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != meta["sha256"] and hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest() == meta["sha256"]:
            problems.append(Problem(
                text_rel, meta["seed_id"], "sha256",
                "the text has Windows line endings (CRLF), so its checksum differs; the words are unchanged. "
                "Git converted them (core.autocrlf): run `git config core.autocrlf false`, then "
                f"`git checkout -- {text_rel}`",
            ))
            continue
        if digest != meta["sha256"]:
            problems.append(Problem(
                text_rel, meta["seed_id"], "sha256",
                f"the text has changed: its sha256 is {digest[:12]}… but {rel} records {meta['sha256'][:12]}…; "
                "restore the original text (quotes and offsets were checked against it)",
            ))
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            problems.append(Problem(text_rel, meta["seed_id"], "file", f"byte {err.start} is not UTF-8: a seed's "
                                                                       "text is UTF-8"))
            continue
        seeds[meta["seed_id"]] = Seed(meta["seed_id"], meta, text)
    if not seeds and not problems:
        problems.append(Problem("seeds/", "-", "-", "no seed metadata (*.json) found"))
    return seeds, problems


def load_seed(seed_id: str | None = None, root: str | Path | None = None) -> Seed:
    """Return one verified seed (the only one when seed_id is None); raise DataPackageError if it changed."""
    from .paths import project_root

    seeds, problems = read_seeds(project_root(root))
    if problems:
        raise DataPackageError(problems)
    if seed_id is None:
        if len(seeds) == 1:
            return next(iter(seeds.values()))
        if FLAGSHIP in seeds:
            return seeds[FLAGSHIP]
        raise ValueError(f"seed_id is required: there are {len(seeds)} seeds ({', '.join(sorted(seeds))})")
    if seed_id not in seeds:
        raise ValueError(f"seed_id {seed_id!r} is not one of: {', '.join(sorted(seeds))}")
    return seeds[seed_id]
