"""Files written safely, for every layer: each one whole or not at all (write_atomic, replace_all), one writer at a
time (locked, data_lock), and CSV rows appended in a file's own style (BOM and line endings kept).

fcntl.flock is used rather than a lock library: it is in the standard library, and the kernel releases it when its
holder dies, so no lock outlives a killed process (a lock file naming a process id can name a reused one).
"""
from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

#: The lock file one writer of data/ at a time holds (a draft or a curation's save): beside data/, so it is no file
#: of the package. It stays in place (see locked).
LOCK_NAME = ".kzfigures-draft.lock"


def _partial(target: Path, data: str | bytes, encoding: str = "utf-8", newline: str | None = None) -> Path:
    """A new file beside ``target`` holding ``data``, flushed to disk; it gets the process's umask."""
    partial = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")
    try:
        if isinstance(data, bytes):
            with open(partial, "xb") as raw:
                raw.write(data)
                os.fsync(raw.fileno())
        else:
            with open(partial, "x", encoding=encoding, newline=newline) as text:
                text.write(data)
                text.flush()
                os.fsync(text.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return partial


def write_atomic(target: Path, data: str | bytes, encoding: str = "utf-8", newline: str | None = None) -> None:
    """Write a file whole: a new file beside it, renamed over it, so a killed process leaves the old file (or none).

    Text is written with ``encoding`` and ``newline`` as ``open`` takes them; the file gets the process's umask.
    """
    replace_all([(target, data, encoding, newline)])


def replace_all(files: Sequence[tuple[Path, str | bytes, str, str | None]]) -> None:
    """Write several files whole ((path, data, encoding, newline) each): every new file written and flushed first,
    then all renamed over their targets, so a writer killed while writing leaves every old file as it was."""
    partials: list[tuple[Path, Path]] = []
    try:
        for target, data, encoding, newline in files:
            partials.append((_partial(target, data, encoding, newline), target))
        for partial, target in partials:
            os.replace(partial, target)
    except BaseException:
        for partial, _ in partials:
            partial.unlink(missing_ok=True)
        raise


def replace(target: Path, text: str, keep_bom: bool = False) -> None:
    """Write a CSV whole, as written (its line endings), with a byte-order mark when ``keep_bom``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text, encoding="utf-8-sig" if keep_bom else "utf-8", newline="")


@contextlib.contextmanager
def locked(path: Path, busy: Callable[[], None]) -> Iterator[None]:
    """Hold an exclusive lock on the file at path (made when missing, and left in place: removing it would let a
    second writer lock a new file while a third still waits on the old one). When another process holds it,
    ``busy()`` runs first: it raises to refuse, or returns to wait for the lock."""
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            busy()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def data_lock(base: Path, who: str = "`kzfigures draft`") -> Iterator[None]:
    """One writer of data/ at a time (a draft or a curation's save); a second is refused in one line."""
    def busy() -> None:
        raise ValueError(f"another kzfigures process (a draft or a curation's save) is writing {base / 'data'} "
                         f"(see {base / LOCK_NAME}); run {who} again when it has finished")

    with locked(base / LOCK_NAME, busy):
        yield


def read_exactly(path: Path) -> str:
    """A CSV's text as stored, line endings kept (a Windows-saved CRLF file stays CRLF), without its BOM."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return handle.read()


def has_bom(path: Path) -> bool:
    """True when the file starts with a UTF-8 byte-order mark (a spreadsheet's "CSV UTF-8")."""
    return path.is_file() and path.read_bytes().startswith(b"\xef\xbb\xbf")


def csv_lines(header: list[str], rows: list[dict[str, Any]], old: str) -> str:
    """New rows as CSV lines in the file's own style (its line ending), after a newline if the file lacks one."""
    ending = "\r\n" if "\r\n" in old else "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator=ending, extrasaction="ignore")
    writer.writerows(rows)
    lead = ending if old and not old.endswith("\n") and rows else ""
    return lead + buffer.getvalue()


def whole_csv(header: list[str], rows: list[dict[str, Any]]) -> str:
    """A whole CSV file's text: the header, then the rows (LF line endings)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
