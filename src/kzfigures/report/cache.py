"""The build cache: a notebook's executed result, keyed on everything that can change it.

The key covers the notebook's bytes, its parameters, every file of the data package and seeds, the
library's own source and templates, and the versions of Python and of the packages that shape the output.
Change any of them and the key changes, so a cached page can never be stale. Each entry lists its files with
their sha256, checked when it is fetched: a damaged entry is removed and its notebook runs again.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

CACHE_ENV = "KZFIGURES_CACHE"
#: Packages whose version changes what a page looks like.
SHAPING_PACKAGES = ("pandas", "numpy", "matplotlib", "pillow", "nbconvert", "nbclient", "nbformat", "papermill",
                    "ipykernel", "jinja2", "mistune", "pygments")
#: Inside an entry: its files with their sha256 (written last, so an entry without it is not one).
CHECKSUMS = "sha256.json"


class CacheDamaged(RuntimeError):
    """A cache entry whose files do not match their checksums; it has been removed."""


def cache_dir(root: Path) -> Path:
    """Where cached pages live: $KZFIGURES_CACHE, else .cache/kzfigures in the checkout."""
    return Path(os.environ.get(CACHE_ENV) or root / ".cache" / "kzfigures")


def _hash_files(digest: hashlib._Hash, base: Path, patterns: tuple[str, ...]) -> None:
    """Feed each matching file's relative name and bytes into the digest, in a fixed order."""
    files = sorted({p for pattern in patterns for p in base.glob(pattern) if p.is_file()})
    for path in files:
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


@lru_cache(maxsize=8)
def _versions() -> str:
    """Python's and the shaping packages' versions."""
    found = []
    for name in SHAPING_PACKAGES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return sys.version + ";" + ";".join(found)


def inputs_fingerprint(root: Path) -> str:
    """One hash of every file of data/ and seeds/ (sub-folders too), the library's source and templates, and the
    versions."""
    from ..figures.paths import package_files

    digest = hashlib.sha256(_versions().encode())
    for path in package_files(root):  # every file of data/ and seeds/, sub-folders too: all the descriptor can name
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    _hash_files(digest, Path(__file__).parents[1], ("**/*.py", "**/*.json", "**/templates/**/*"))
    return digest.hexdigest()


def page_key(fingerprint: str, notebook: Path, parameters: dict[str, Any]) -> str:
    """The key of one notebook's page: the inputs, the notebook's name and bytes, and its parameters.

    The name is in the key because a page's files are named after its notebook: a copy of a notebook under another
    name is another page.
    """
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(f"{notebook.parent.name}/{notebook.name}".encode() + b"\0")
    digest.update(notebook.read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True, default=repr).encode())
    return digest.hexdigest()[:32]


def _checksums(folder: Path) -> dict[str, str]:
    """Every file below folder (but the checksum list) with its sha256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != CHECKSUMS}


def fetch(cache: Path, key: str, into: Path) -> bool:
    """Copy a cached page's files into the build folder; False when the key is not cached.

    Every file is checked against the entry's checksum list first; CacheDamaged when one is missing, changed or
    unlisted (the entry is removed, so the next store writes it anew).
    """
    entry = cache / key
    try:
        recorded = json.loads((entry / CHECKSUMS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if _checksums(entry) != recorded:
        shutil.rmtree(entry, ignore_errors=True)
        raise CacheDamaged(f"the cache entry {entry} was damaged (a file missing or changed); it was removed")
    for rel in recorded:
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        # the bytes only: the file gets this build's umask, not the one of the build that filled the cache
        shutil.copyfile(entry / rel, target)
    return True


def _remove_stale_partials(cache: Path) -> None:
    """Remove the half-written entries of builds that were killed while storing (their process is gone)."""
    from .folders import _alive

    for partial in cache.glob(".*.partial-*"):
        pid = partial.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(partial, ignore_errors=True)


def store(cache: Path, key: str, files: dict[str, Path], replace: bool = False) -> None:
    """Save a page's files under its key, with their checksums; written beside the entry and renamed, so a crash
    leaves no half entry. An existing entry is kept unless ``replace``."""
    entry = cache / key
    if (entry / CHECKSUMS).is_file() and not replace:
        return
    partial = cache / f".{key}.partial-{os.getpid()}"
    _remove_stale_partials(cache)
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name, source in files.items():
        target = partial / name
        if source.is_dir():
            shutil.copytree(source, target)
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (partial / CHECKSUMS).write_text(json.dumps(_checksums(partial), indent=1) + "\n", encoding="utf-8")
    try:
        shutil.rmtree(entry, ignore_errors=True)
        try:
            partial.rename(entry)
        except OSError as err:
            if err.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            # another build stored this key in between: the same inputs, so the same page; ours is not needed
    finally:
        shutil.rmtree(partial, ignore_errors=True)
