"""The collection of articles: list them, and add one (its text byte for byte, its metadata and checksum) to seeds/.

Adding writes two new files, seeds/ID.txt and seeds/ID.json, and nothing else: no flagship row or file changes.
Every refusal is an ArticleRefused whose message is one line naming what is wrong.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from .paths import project_root
from .seeds import FLAGSHIP, PUBLISHED, read_seeds

#: The largest article text `add` takes (1 MB): a news article is a few tens of kilobytes.
MAX_BYTES = 1_000_000
#: What an article id may look like: lower-case words and digits joined by hyphens.
ARTICLE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: The rights statement of an added article when none is given.
DEFAULT_RIGHTS = ("Copyright its publisher. The text is kept here unchanged for analysis and teaching only; it is not "
                  "relicensed by this project.")
#: The columns articles() lists, in order.
ARTICLE_COLUMNS = ["seed_id", "title", "publisher", "published", "url", "file", "sha256", "flagship"]


class ArticleRefused(ValueError):
    """An article `add` will not take; the message is one line saying why."""


def articles(root: str | Path | None = None) -> pd.DataFrame:
    """Every article in the collection (seeds/), one row each, the flagship first."""
    seeds, _ = read_seeds(project_root(root))
    rows = [{**{k: seed.meta.get(k, "") for k in ARTICLE_COLUMNS}, "flagship": seed_id == FLAGSHIP}
            for seed_id, seed in seeds.items()]
    frame = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    return frame.sort_values(["flagship", "seed_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def slug(text: str, words: int = 4) -> str:
    """The first few words of a text as lower-case ASCII joined by hyphens ("The Astana Times" -> "the-astana-times")."""
    found = re.findall(r"[a-z0-9]+", text.lower().encode("ascii", "ignore").decode())
    return "-".join(found[:words])


def article_id(title: str, publisher: str, published: str) -> str:
    """The id `add` gives an article: publisher, date and the title's first words ("bbc-2024-07-heatwave-...")."""
    return "-".join(part for part in (slug(publisher, 2), published, slug(title, 4)) if part)


def _text_of(raw: bytes, name: str) -> str:
    """The file's text, or ArticleRefused when it is empty, too large, binary or not UTF-8."""
    if len(raw) > MAX_BYTES:
        raise ArticleRefused(f"{name} is {len(raw):,} bytes, larger than 1 MB ({MAX_BYTES:,} bytes): "
                             "is it an article's text?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ArticleRefused(f"{name} is not UTF-8 text (byte {err.start} is 0x{raw[err.start]:02x}): save it as "
                             "UTF-8 and add it again") from None
    if not text.strip("\ufeff \t\r\n"):
        raise ArticleRefused(f"{name} is empty: there is no text to add")
    if "\x00" in text:
        raise ArticleRefused(f"{name} holds NUL bytes, so it is not a text file")
    return text


#: The longest title, publisher, URL and id `kzfigures add` takes (an id names a file; a title heads a page).
LONGEST = {"--title": 300, "--publisher": 200, "--url": 2000, "--id": 80}


def _check_length(name: str, value: str | None) -> None:
    """ArticleRefused when a value is longer than LONGEST allows (the line says how long, not the value)."""
    if value is not None and len(value) > LONGEST[name]:
        raise ArticleRefused(f"{name} is {len(value):,} characters long; at most {LONGEST[name]} are taken")


def check_metadata(title: str, publisher: str, published: str, url: str | None) -> None:
    """ArticleRefused when a title or publisher is blank or too long, the date is not ISO, or the URL is not
    http(s)."""
    for name, value in (("--title", title), ("--publisher", publisher)):
        _check_length(name, value)
        if not value or not value.strip() or "\n" in value:
            raise ArticleRefused(f"{name} must be one line of text, not {value!r}")
    _check_length("--url", url)
    if not PUBLISHED.fullmatch(published or ""):
        raise ArticleRefused(f"--published {published!r} is not an ISO date: write YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat((published + "-01-01")[:10])
    except ValueError:
        raise ArticleRefused(f"--published {published!r} is not a date that exists") from None
    if day > dt.date.today():
        raise ArticleRefused(f"--published {published} is after today")
    if url is not None and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", url):
        raise ArticleRefused(f"--url {url!r} is not an http(s) URL (it must start with http:// or https://)")


def add_article(path: str | Path, title: str, publisher: str, published: str, url: str | None = None,
                seed_id: str | None = None, rights: str | None = None, root: str | Path | None = None) -> str:
    """Add the article at ``path`` to seeds/ byte for byte, with its metadata and sha256; return its id."""
    base = project_root(root)
    source = Path(path)
    check_metadata(title, publisher, published, url)
    if not source.is_file():
        raise ArticleRefused(f"{source} is not a file")
    raw = source.read_bytes()
    text = _text_of(raw, source.name)
    _check_length("--id", seed_id)
    new_id = seed_id or article_id(title, publisher, published)
    if not ARTICLE_ID.fullmatch(new_id):
        raise ArticleRefused(f"id {new_id!r} is not lower-case letters and digits joined by hyphens")
    digest = hashlib.sha256(raw).hexdigest()
    seeds, _ = read_seeds(base)
    for other in seeds.values():
        if other.meta["sha256"] == digest:
            raise ArticleRefused(f"{source.name} is already in the collection, as {other.seed_id} (same sha256)")
    folder = base / "seeds"
    taken = new_id in seeds or any(p.stem == new_id for p in folder.iterdir())
    if taken:
        raise ArticleRefused(f"id {new_id!r} is already taken: choose another with --id")
    meta = {
        "seed_id": new_id, "file": f"{new_id}.txt", "title": title.strip(), "publisher": publisher.strip(),
        **({"url": url} if url else {}), "published": published,
        "published_precision": {4: "year", 7: "month", 10: "day"}[len(published)], "encoding": "utf-8",
        "sha256": digest, "rights": rights or DEFAULT_RIGHTS,
        "provenance": f"Added with `kzfigures add` from {source.name} on {dt.date.today().isoformat()}; "
                      f"{len(text):,} characters, stored byte for byte.",
    }
    _write_new(folder / f"{new_id}.txt", raw, new_id)
    try:
        _write_new(folder / f"{new_id}.json", (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode(), new_id)
    except BaseException:
        (folder / f"{new_id}.txt").unlink(missing_ok=True)
        raise
    return new_id


def _write_new(target: Path, data: bytes, new_id: str) -> None:
    """Write a file that must not exist yet, whole or not at all (two adds at once cannot both take an id)."""
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".add-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        try:
            os.link(tmp, target)  # fails if target exists: the id is taken by a concurrent add
        except FileExistsError:
            raise ArticleRefused(f"id {new_id!r} is already taken: choose another with --id") from None
        except OSError:  # a file system without hard links: exclusive creation, written in one call
            try:
                with target.open("xb") as out:
                    out.write(data)
            except FileExistsError:
                raise ArticleRefused(f"id {new_id!r} is already taken: choose another with --id") from None
    finally:
        os.unlink(tmp)
