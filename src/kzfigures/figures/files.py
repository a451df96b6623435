"""Files written safely, for every layer: each one whole or not at all (write_atomic, replace_all), one writer at a
time (locked, data_lock), and CSV rows appended in a file's own style (BOM and line endings kept).

fcntl.flock is used rather than a lock library: it is in the standard library, and the kernel releases it when its
holder dies, so no lock outlives a killed process (a lock file naming a process id can name a reused one).
"""
from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

#: The journal of a save of several files in progress (beside data/): the new files written, not yet all renamed
#: into place. The next writer finishes it (finish_save); validation reports it while it is there.
SAVE_JOURNAL = ".kzfigures-save.json"
#: The lock file one writer of data/ at a time holds (a draft or a curation's save): beside data/, so it is no file
#: of the package. It is removed when its writer is done (see locked).
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


def replace_all(files: Sequence[tuple[Path, str | bytes, str, str | None]], journal: Path | None = None) -> None:
    """Write several files whole ((path, data, encoding, newline) each): every new file written and flushed first,
    then all renamed over their targets, so a writer killed while writing leaves every old file as it was. With a
    ``journal``, the renames are recorded first, so a writer killed between two renames is finished by the next
    (finish_save): all the files or none, never some."""
    partials: list[tuple[Path, Path]] = []
    recorded = False
    try:
        for target, data, encoding, newline in files:
            partials.append((_partial(target, data, encoding, newline), target))
        if journal is not None:
            body = [[str(p.relative_to(journal.parent)), str(t.relative_to(journal.parent)), _digest(t)]
                    for p, t in partials]
            write_atomic(journal, json.dumps(body) + "\n")
            recorded = True
        for partial, target in partials:
            os.replace(partial, target)
        if journal is not None:
            journal.unlink(missing_ok=True)
    except BaseException:
        if not recorded:  # renamed nothing yet: the old files stand; a recorded save is finished by the next writer
            for partial, _ in partials:
                partial.unlink(missing_ok=True)
        raise


def finish_save(journal: Path) -> bool:
    """Finish a save a killed writer left between its renames: each new file its journal names that is still there
    is renamed over its target (they were all written whole before the first rename). True when one was finished."""
    try:
        body = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        body = []
    root = journal.parent.resolve()
    moves, changed = [], []
    for partial, target, *was in body if isinstance(body, list) else []:
        new, old = (journal.parent / str(partial)).resolve(), (journal.parent / str(target)).resolve()
        inside = root in new.parents and root in old.parents  # a journal never moves a file out of the project
        if inside and new.is_file() and new.name.endswith(".partial") and new.parent == old.parent:
            if was and was[0] != _digest(old):  # changed since the save stopped (by hand?): never replaced
                changed.append((str(target), str(partial)))
            moves.append((new, old))
    if changed:
        one = len(changed) == 1
        raise ValueError(f"{', '.join(t for t, _ in changed)} changed since a save was stopped before "
                         f"{'it was' if one else 'they were'} replaced: that save is not finished (its new "
                         f"file{' is' if one else 's are'} {', '.join(p for _, p in changed)}); keep one of "
                         f"{'the two' if one else 'each two'}, then delete the other and {journal.name}")
    for new, old in moves:
        os.replace(new, old)
    journal.unlink(missing_ok=True)
    return True


def _digest(path: Path) -> str:
    """A file's sha256 ("" when there is none): what a save's journal records of each file it is about to replace."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def replace(target: Path, text: str, keep_bom: bool = False) -> None:
    """Write a CSV whole, as written (its line endings), with a byte-order mark when ``keep_bom``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text, encoding="utf-8-sig" if keep_bom else "utf-8", newline="")


def _hold(handle: Any, path: Path, busy: Callable[[], None], said: list[bool]) -> bool:
    """Take the flock of the open lock file; ``busy()`` runs once (``said``) if another process holds it. False when
    the file was removed or replaced while this process waited (its holder removes it when done): the caller opens
    the new one, so two processes never hold two different files of one name."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if not said:
            said.append(True)
            busy()
        fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        return os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
    except FileNotFoundError:
        return False


@contextlib.contextmanager
def locked(path: Path, busy: Callable[[], None]) -> Iterator[None]:
    """Hold an exclusive lock on the file at path (made when missing). When another process holds it, ``busy()``
    runs first: it raises to refuse, or returns to wait for the lock. The file is removed when done, while still
    held (a waiter then finds it gone and opens a new one; see _hold); a killed holder's file stays, and the
    kernel has released its lock, so it stops no one."""
    said: list[bool] = []
    while True:
        with open(path, "a+b") as handle:
            if not _hold(handle, path, busy, said):
                continue
            try:
                yield
            finally:
                path.unlink(missing_ok=True)
                fcntl.flock(handle, fcntl.LOCK_UN)
            return


def lock_path(target: Path) -> Path:
    """Where the lock of an output (a folder or file kzfigures writes) is kept: in kzfigures' own folder of locks
    ($XDG_CACHE_HOME/kzfigures/locks, else ~/.cache/...), named for the output's absolute path, so no lock file is
    ever left beside what the user owns."""
    try:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kzfigures" / "locks"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (RuntimeError, OSError):  # no home folder, or one that cannot be written: one in the temporary folder
        folder = Path(tempfile.gettempdir()) / f"kzfigures-locks-{os.getuid()}"
        folder.mkdir(exist_ok=True, mode=0o700)
    where = target.absolute().parent.resolve() / target.name
    key = hashlib.sha256(os.fsencode(where)).hexdigest()[:20]
    return folder / f"{''.join(c if c.isalnum() or c in '-_' else '_' for c in target.name)[:40]}-{key}.lock"


@contextlib.contextmanager
def data_lock(base: Path, who: str = "`kzfigures draft`") -> Iterator[None]:
    """One writer of data/ at a time (a draft or a curation's save); a second is refused in one line."""
    def busy() -> None:
        raise ValueError(f"another kzfigures process (a draft or a curation's save) is writing {base / 'data'} "
                         f"(see {base / LOCK_NAME}); run {who} again when it has finished")

    from .paths import check_not_packaged

    check_not_packaged(base, who)
    with locked(base / LOCK_NAME, busy):
        finish_save(base / SAVE_JOURNAL)  # a save killed between its renames: finished before anyone writes
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


def with_column(text: str, name: str) -> str:
    """A CSV's text with a column added at the end of every record (``name`` in the header, an empty cell in each
    row), every other byte as it was: quoting, line endings, a quoted line break, a last line without its ending."""
    lines = io.StringIO(text, newline="")  # lines as the csv module reads them (a \u2028 in a cell is no end)
    taken: list[str] = []

    def feed() -> Iterator[str]:
        for line in lines:
            taken.append(line)
            yield line

    out = []
    for number, record in enumerate(csv.reader(feed())):
        raw, taken[:] = "".join(taken), []
        body = raw.rstrip("\r\n")
        if record or number == 0:  # a blank line stays blank
            body += "," + (name if number == 0 else "")
        out.append(body + raw[len(raw.rstrip("\r\n")):])
    return "".join(out)
