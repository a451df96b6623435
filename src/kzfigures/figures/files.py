"""Files written safely, for every layer: each one whole or not at all (write_atomic), one writer at a time (locked).

fcntl.flock is used rather than a lock library: it is in the standard library, and the kernel releases it when its
holder dies, so no lock outlives a killed process (a lock file naming a process id can name a reused one).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path


def write_atomic(target: Path, data: str | bytes, encoding: str = "utf-8", newline: str | None = None) -> None:
    """Write a file whole: a new file beside it, renamed over it, so a killed process leaves the old file (or none).

    Text is written with ``encoding`` and ``newline`` as ``open`` takes them; the file gets the process's umask.
    """
    partial = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")
    try:
        if isinstance(data, bytes):
            with open(partial, "xb") as out:
                out.write(data)
        else:
            with open(partial, "x", encoding=encoding, newline=newline) as out:
                out.write(data)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


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
