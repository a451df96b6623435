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
import secrets
import stat
from pathlib import Path

import pandas as pd

from .literal import hidden_character, is_blank, printable
from .paths import check_not_packaged, project_root
from .seeds import ARTICLE_ID, FLAGSHIP, PUBLISHED, read_seeds, reserved_id

#: The largest article text `add` takes (1 MB): a news article is a few tens of kilobytes.
MAX_BYTES = 1_000_000
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
    """The first few words of a text as lower-case ASCII joined by hyphens ("The Astana Times" -> "the-astana-times"),
    other scripts transliterated ("Қазақстан" -> "kazakstan") by python-slugify, as URLs are made from titles."""
    from slugify import slugify

    return "-".join(slugify(text).split("-")[:words])


def article_id(title: str, publisher: str, published: str) -> str:
    """The id `add` gives an article: publisher, date and the title's first words ("bbc-2024-07-heatwave-..."), cut
    at a hyphen to the 80 characters an id may have."""
    full = "-".join(part for part in (slug(publisher, 2), published, slug(title, 4)) if part)
    return full if len(full) <= LONGEST["seed_id"] else full[:LONGEST["seed_id"] + 1].rsplit("-", 1)[0]


def _read_article(source: Path) -> tuple[bytes, str]:
    """The file's bytes and text, or ArticleRefused when it is a link, not a regular file, empty, too large (told
    by its size before anything is read), binary or not UTF-8.

    A link is refused, naming its target, rather than followed: the article's provenance records the name of the
    file read, and a link names another file (which it may no longer point to tomorrow); adding the target itself
    costs one more command. The file is opened without following a link and without blocking (a pipe put there
    between two checks is never waited on), and checked on what was opened."""
    if source.is_symlink():
        raise ArticleRefused(f"{source} is a link, not the article's file: add the file it points to "
                             f"({source.resolve()}) by its own name")
    try:
        handle = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        raise ArticleRefused(f"{source} is not a file") from None
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode):
        os.close(handle)
        raise ArticleRefused(f"{source} is a folder, not an article's file" if stat.S_ISDIR(info.st_mode)
                             else f"{source} is not a file")
    with os.fdopen(handle, "rb") as file:
        if info.st_size > MAX_BYTES:
            raise ArticleRefused(f"{source.name} is {info.st_size:,} bytes, larger than 1 MB ({MAX_BYTES:,} bytes): "
                                 "is it an article's text?")
        raw = file.read(MAX_BYTES + 1)  # a file that grew since fstat() is still read no further than the limit
    return raw, article_text(raw, source.name)


def article_text(raw: bytes, name: str) -> str:
    """The file's text, or ArticleRefused when it is empty, too large, binary or not UTF-8."""
    if len(raw) > MAX_BYTES:
        raise ArticleRefused(f"{name} is {len(raw):,} bytes, larger than 1 MB ({MAX_BYTES:,} bytes): "
                             "is it an article's text?")
    try:
        text = raw.decode("utf-8-sig")  # without a leading byte-order mark, as the seed is read (seeds.py)
    except UnicodeDecodeError as err:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # the byte-order mark of UTF-16 (Notepad's "Unicode")
            raise ArticleRefused(f"{name} is UTF-16 text (as Notepad saves \"Unicode\"), not UTF-8: save it as UTF-8 "
                                 "and add it again") from None
        raise ArticleRefused(f"{name} is not UTF-8 text (byte {err.start} is 0x{raw[err.start]:02x}): save it as "
                             "UTF-8 and add it again") from None
    if not text.strip("\ufeff \t\r\n"):
        raise ArticleRefused(f"{name} is empty: there is no text to add")
    if "\x00" in text:
        raise ArticleRefused(f"{name} holds NUL bytes, so it is not a text file")
    hidden = next(((i, c) for i, c in enumerate(text) if hidden_character(c, allow="\t\n\r") is not None
                   or (c == "\r" and text[i + 1: i + 2] != "\n")), None)  # a return alone would stand in a quote
    if hidden is not None:
        raise ArticleRefused(f"{name} holds the control character U+{ord(hidden[1]):04X} at character {hidden[0]:,}, "
                             "which no reader can see: remove it and add the article again")
    return text


#: The longest title, publisher, URL and id `kzfigures add` takes (an id names a file; a title heads a page).
LONGEST = {"title": 300, "publisher": 200, "url": 2000, "seed_id": 80}
#: How the command line names add_article's arguments (a refusal names what the person typed: a flag on the
#: command line, the argument in a call from Python).
FLAGS = {"title": "--title", "publisher": "--publisher", "published": "--published", "url": "--url", "seed_id": "--id",
         "rights": "--rights"}


def _check_length(name: str, value: str | None, names: dict[str, str] | None = None) -> None:
    """ArticleRefused when a value is longer than LONGEST allows (the line says how long, not the value)."""
    if value is not None and len(value) > LONGEST[name]:
        raise ArticleRefused(f"{(names or {}).get(name, name)} is {len(value):,} characters long; at most "
                             f"{LONGEST[name]} are taken")


def _check_visible(name: str, value: str | None) -> None:
    """ArticleRefused when a value is blank or holds a character no reader can see (the rule `-p` applies)."""
    if not value or is_blank(value):
        raise ArticleRefused(f"{name} must be one line of text, not {value!r}")
    hidden = hidden_character(value)
    if hidden is not None:
        raise ArticleRefused(f"{name} holds the control character U+{ord(hidden):04X}, which no one can see on a "
                             "page; write one line of plain text")


def check_metadata(title: str, publisher: str, published: str, url: str | None,
                   names: dict[str, str] | None = None) -> None:
    """ArticleRefused when a title or publisher is blank or too long, the date is not ISO, or the URL is not
    http(s); each named as ``names`` says (FLAGS for the command line), else by its argument's name."""
    said = (names or {}).get
    for name, value in (("title", title), ("publisher", publisher), ("published", published), ("url", url)):
        if not isinstance(value, str) and not (name == "url" and value is None):
            example = " (such as \"2024-05-06\")" if name == "published" else ""
            raise ArticleRefused(f"{said(name, name)} must be text between quotes{example}, not {value!r}")
    for name, value in (("title", title), ("publisher", publisher)):
        _check_length(name, value, names)
        _check_visible(said(name, name), value)
    _check_length("url", url, names)
    if not PUBLISHED.fullmatch(published or ""):
        raise ArticleRefused(f"{said('published', 'published')} {published!r} is not an ISO date: write YYYY, "
                             "YYYY-MM or YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat((published + "-01-01")[:10])
    except ValueError:
        raise ArticleRefused(f"{said('published', 'published')} {published!r} is not a date that exists") from None
    if day > dt.date.today():
        raise ArticleRefused(f"{said('published', 'published')} {published} is after today")
    if url is not None and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", url):
        raise ArticleRefused(f"{said('url', 'url')} {url!r} is not an http(s) URL (it must start with http:// or "
                             "https://)")


def add_article(path: str | Path, title: str, publisher: str, published: str, url: str | None = None,
                seed_id: str | None = None, rights: str | None = None, root: str | Path | None = None,
                names: dict[str, str] | None = None) -> str:
    """Add the article at ``path`` to seeds/ byte for byte, with its metadata and sha256; return its id. A refusal
    names a value by its argument's name, or as ``names`` says (FLAGS: the command line's flags)."""
    base = project_root(root)
    check_not_packaged(base, "`kzfigures add`")
    source = Path(path)
    check_metadata(title, publisher, published, url, names)
    raw, text = _read_article(source)
    if rights is not None:
        _check_visible((names or {}).get("rights", "rights"), rights)
    _check_length("seed_id", seed_id, names)
    new_id = seed_id or article_id(title, publisher, published)
    id_flag = (names or {}).get("seed_id", "seed_id")
    if not ARTICLE_ID.fullmatch(new_id):
        raise ArticleRefused(f"id {new_id!r} is not lower-case letters and digits joined by hyphens")
    reserved = reserved_id(new_id)
    if reserved is not None:
        raise ArticleRefused(f"{reserved} with {id_flag}")
    digest = hashlib.sha256(raw).hexdigest()
    seeds, _ = read_seeds(base)
    for other in seeds.values():
        if other.meta["sha256"] == digest:
            raise ArticleRefused(f"{source.name} is already in the collection, as {other.seed_id} (same sha256)")
    folder = base / "seeds"
    _sweep_stale(folder)
    unfinished = _unfinished(folder, new_id, raw, id_flag)
    taken = new_id in seeds or any(p.stem == new_id and not (unfinished and p.suffix == ".txt")
                                   for p in folder.iterdir())
    if taken:
        raise ArticleRefused(f"id {new_id!r} is already taken: choose another with {id_flag}")
    meta = {
        "seed_id": new_id, "file": f"{new_id}.txt", "title": title.strip(), "publisher": publisher.strip(),
        **({"url": url} if url else {}), "published": published,
        "published_precision": {4: "year", 7: "month", 10: "day"}[len(published)], "encoding": "utf-8",
        "sha256": digest, "rights": rights or DEFAULT_RIGHTS,
        "provenance": f"Added with `kzfigures add` from {printable(source.name)} on {dt.date.today().isoformat()}; "
                      f"{len(text):,} characters, stored byte for byte.",
    }
    if not unfinished:
        _write_new(folder / f"{new_id}.txt", raw, new_id)
    try:
        _write_new(folder / f"{new_id}.json", (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode(), new_id)
    except BaseException:
        if not unfinished:  # a text this add did not write stays
            (folder / f"{new_id}.txt").unlink(missing_ok=True)
        raise
    return new_id


def _unfinished(folder: Path, new_id: str, raw: bytes, id_flag: str) -> bool:
    """True when seeds/ID.txt stands without its metadata holding exactly these bytes (an add killed between its two
    files, or the person adding that very file): the add is finished by writing the metadata. One line when it holds
    other words (it is never deleted or replaced: it may be someone's only copy)."""
    text = folder / f"{new_id}.txt"
    if not text.is_file() or text.is_symlink() or (folder / f"{new_id}.json").exists():
        return False
    if text.read_bytes() == raw:
        return True
    raise ArticleRefused(f"seeds/{new_id}.txt is there without its metadata, holding other words (an add that did not "
                         f"finish?): move it out of seeds/ and add it from there, or choose another id with {id_flag}")


#: A temporary file of `add` older than this (seconds) was left by an add that was killed: the next add removes it.
STALE_AFTER = 600


def _sweep_stale(folder: Path) -> None:
    """Remove the temporary files (.add-*.tmp) that a killed `add` left in seeds/; never one a running add holds."""
    import time

    for tmp in folder.glob(".add-*.tmp"):
        try:
            if tmp.is_file() and not tmp.is_symlink() and time.time() - tmp.stat().st_mtime > STALE_AFTER:
                tmp.unlink()
        except OSError:
            pass  # gone already, or not ours to remove: the add goes on


def _write_new(target: Path, data: bytes, new_id: str) -> None:
    """Write a file that must not exist yet, whole or not at all (two adds at once cannot both take an id)."""
    tmp = target.with_name(f".add-{os.getpid()}-{secrets.token_hex(4)}.tmp")  # open() gives it the umask's mode
    try:
        with open(tmp, "xb") as out:
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
        tmp.unlink(missing_ok=True)
