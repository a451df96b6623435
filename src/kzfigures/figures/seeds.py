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
#: What an article id may look like: lower-case words and digits joined by hyphens, at most 80 characters.
ARTICLE_ID = re.compile(r"(?=.{1,80}$)[a-z0-9]+(?:-[a-z0-9]+)*")
#: The names of the hand-written lessons (classroom/lessons.py) and their files' topics (notebooks/lessons/NN-topic):
#: an article's lesson is named by its id (its checks) and its file "01-ID.ipynb", so an article with one of these ids
#: would have a lesson the hand-written one's checks or file name shadow (tests keep them equal to the lessons').
LESSON_NAMES = frozenset({"reading", "shares", "sources", "context", "reading-numbers-in-the-news", "shares-and-rates",
                          "who-says-so", "checking-against-other-sources"})
#: The metadata shown on pages as one line of text.
ONE_LINE_META = ("title", "publisher", "rights")
#: A publication date as far as it is known: YYYY, YYYY-MM or YYYY-MM-DD.
PUBLISHED = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


#: The names Windows keeps for devices: no file there may be called so (seeds/con.txt cannot be opened), and the
#: collection may be opened on Windows.
DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))})


def reserved_id(seed_id: str) -> str | None:
    """Why an id of the right shape may still not name an article (one line): a hand-written lesson's name, a device
    name on Windows, or no letter at all (an id is read as a number, or a date, wherever it is shown); else None."""
    if seed_id in LESSON_NAMES:
        return (f"id {seed_id!r} is the name of a hand-written lesson (its checks or its file would stand for the "
                "article's): choose another")
    if seed_id in DEVICE_NAMES:
        return (f"id {seed_id!r} is a device name on Windows (a file seeds/{seed_id}.txt cannot be opened there): "
                "choose another")
    if not any(c.isalpha() for c in seed_id):
        return f"id {seed_id!r} has no letter, so it would read as a number or a date: choose another"
    return None


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
    claimed: dict[str, str] = {}  # seed id -> the metadata file that claimed it first
    named: set[str] = set()  # the text files some metadata names, read or not
    for meta_path in sorted((root / "seeds").glob("*.json")):
        rel = meta_path.relative_to(root).as_posix()
        meta = _read_meta(meta_path, rel)
        if isinstance(meta, Problem):
            problems.append(meta)
            continue
        named.add(str(meta.get("file", "")))
        fault = _meta_problem(rel, meta, claimed)
        if meta.get("seed_id"):
            claimed.setdefault(str(meta["seed_id"]), rel)
        if fault is not None and fault.column == "seed_id" and fault.row != "-":
            seeds.pop(fault.row, None)  # two files claim one id: neither article is read
        found = fault or _read_text(meta_path, rel, meta)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            seeds[meta["seed_id"]] = found
    problems += _orphan_texts(root, named)
    if not seeds and not problems:
        problems.append(Problem("seeds/", "-", "-", "no seed metadata (*.json) found"))
    return seeds, problems


def _read_meta(meta_path: Path, rel: str) -> dict[str, Any] | Problem:
    """One seeds/*.json as an object, or the problem that it cannot be read as one."""
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8-sig"))  # a BOM, as Windows editors write, is kept out
    except (OSError, ValueError, RecursionError) as err:
        return Problem(rel, "-", "-", f"cannot read the metadata: {err}")
    if not isinstance(meta, dict):
        return Problem(rel, "-", "-", f"the metadata is a JSON {type(meta).__name__}, not an object")
    return meta


def _read_text(meta_path: Path, rel: str, meta: dict[str, Any]) -> Seed | Problem:
    """The seed its metadata describes, its text read and checked against its sha256, or the problem found."""
    text_path = (meta_path.parent / str(meta["file"])).resolve()
    if not text_path.is_relative_to(meta_path.parent.resolve()) or text_path == meta_path.parent.resolve():
        return Problem(rel, str(meta["seed_id"]), "file", f"{meta['file']!r} is outside seeds/; a seed's "
                                                          "text must be inside seeds/ (it was not read)")
    text_rel = f"seeds/{text_path.relative_to(meta_path.parent.resolve()).as_posix()}"
    if not text_path.is_file():
        return Problem(text_rel, meta["seed_id"], "file", "the seed text is missing")
    raw = text_path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != meta["sha256"] and hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest() == meta["sha256"]:
        return Problem(
            text_rel, meta["seed_id"], "sha256",
            "the text has Windows line endings (CRLF), so its checksum differs; the words are unchanged. "
            "Git converted them (core.autocrlf): run `git config core.autocrlf false`, then "
            f"`git checkout -- {text_rel}`",
        )
    if digest != meta["sha256"]:
        return Problem(
            text_rel, meta["seed_id"], "sha256",
            f"the text has changed: its sha256 is {digest[:12]}… but {rel} records {meta['sha256'][:12]}…; "
            "restore the original text (quotes and offsets were checked against it)",
        )
    try:
        text = raw.decode("utf-8-sig")  # a leading byte-order mark is no character of the article: kept out of quotes
    except UnicodeDecodeError as err:
        return Problem(text_rel, meta["seed_id"], "file", f"byte {err.start} is not UTF-8: a seed's text is UTF-8")
    return _encoding_problem(rel, meta, raw, text) or Seed(meta["seed_id"], meta, text)


def _encoding_problem(rel: str, meta: dict[str, Any], raw: bytes, text: str) -> Problem | None:
    """One problem when the metadata's "encoding" is not an encoding of the text as it is read (UTF-8): an unknown
    name, a codec that is no text encoding ("rot13", "base64"), or one that reads the bytes as other words."""
    encoding = meta.get("encoding")
    if encoding is None:
        return None
    try:
        same = isinstance(encoding, str) and raw.decode(encoding).removeprefix("\ufeff") == text
    except (LookupError, ValueError):  # no such codec, no text encoding, or bytes it cannot read
        same = False
    return None if same else Problem(rel, meta["seed_id"], "encoding", f"{encoding!r} is not the encoding of the "
                                                                        "text, which is read as UTF-8: write \"utf-8\"")


def _unusable(rel: str, seed_id: str, meta: dict[str, Any]) -> Problem | None:
    """An id a hand-written lesson has, or a field read as text that is not (a number in a hand-written seed): one
    problem, never a traceback."""
    reserved = reserved_id(seed_id)
    if reserved is not None:
        return Problem(rel, seed_id, "seed_id", reserved)
    name = next((n for n in ("file", "sha256", "published") if not isinstance(meta[n], str)), None)
    return None if name is None else Problem(rel, seed_id, name, f"{meta[name]!r} is not text: write it between quotes")


def _meta_problem(rel: str, meta: dict[str, Any], claimed: dict[str, str]) -> Problem | None:
    """What makes a seed's metadata unusable before its text is read: required metadata missing, an id `add` would
    refuse (so no id can name a path), an id another file already claims (never replacing that article), a title
    that hides characters, a URL that is not http(s), a date that is not ISO."""
    from .literal import hidden_character, is_blank

    missing = [k for k in REQUIRED_META if not meta.get(k)]
    if missing:
        return Problem(rel, str(meta.get("seed_id", "-")), missing[0], "required metadata is missing")
    seed_id = meta["seed_id"]
    if not isinstance(seed_id, str) or not ARTICLE_ID.fullmatch(seed_id):
        return Problem(rel, "-", "seed_id", f"{seed_id!r} is not an article id (lower-case letters and digits "
                                            "joined by hyphens, at most 80 characters)")
    unusable = _unusable(rel, seed_id, meta)
    if unusable is not None:
        return unusable
    if seed_id in claimed:
        return Problem(rel, seed_id, "seed_id", f"{seed_id!r} is claimed by two files, {claimed[seed_id]} and "
                                                f"{rel}: neither article was read; give each its own id")
    for name in ONE_LINE_META:
        value = meta.get(name)
        if not isinstance(value, str) or is_blank(value):
            return Problem(rel, seed_id, name, f"{value!r} is not one line of text")
        hidden = hidden_character(value)
        if hidden is not None:
            return Problem(rel, seed_id, name, f"holds the control character U+{ord(hidden):04X}, which no one can "
                                               "see on a page: write plain text")
    if meta.get("url") and not str(meta["url"]).startswith(("https://", "http://")):
        return Problem(rel, seed_id, "url", f"{meta['url']!r} is not an http(s) URL")
    if not PUBLISHED.fullmatch(str(meta["published"])):
        return Problem(rel, seed_id, "published", f"{meta['published']!r} is not an ISO date (YYYY, YYYY-MM or "
                                                  "YYYY-MM-DD)")
    after = meta.get("published_after")
    if after is not None and not (isinstance(after, str) and len(after) == 10 and PUBLISHED.fullmatch(after)
                                  and after.startswith(str(meta["published"]))):
        return Problem(rel, seed_id, "published_after", f"{after!r} is not a day (YYYY-MM-DD) within published "
                                                        f"{meta['published']}")
    return None


def _orphan_texts(root: Path, named: set[str]) -> list[Problem]:
    """Article texts in seeds/ that no metadata names (an `add` killed between its two files leaves one)."""
    return [Problem(f"seeds/{path.name}", "-", "file", "no seeds/*.json names this text (an add that did not "
                                                     f"finish?): add it again with --id {path.stem} (the same words "
                                                     "finish that add), or move it out of seeds/")
            for path in sorted((root / "seeds").glob("*.txt")) if path.name not in named]


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
