"""Writing data/ safely, shared by `kzfigures draft` and a curation's save: a file written whole (a temporary file
renamed over it), rows appended in a CSV's own style (BOM and line endings kept, other rows' bytes unchanged), and
one writer at a time (a lock file holding the writer's pid)."""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: The file that says a kzfigures process is writing data/ (beside data/, so it is no file of the package).
LOCK_NAME = ".kzfigures-draft.lock"


@contextmanager
def data_lock(base: Path, who: str = "`kzfigures draft`") -> Iterator[None]:
    """One writer of data/ at a time: a lock file holding the writer's pid; a lock whose process is gone is taken
    over, a live one refused in one line."""
    lock = base / LOCK_NAME
    for _ in range(2):
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if _writer_alive(lock):
                raise ValueError(f"another kzfigures process (a draft or a curation's save) is writing "
                                 f"{base / 'data'} (see {lock}); run {who} again when it has finished") from None
            lock.unlink(missing_ok=True)
            continue
        with os.fdopen(handle, "w") as out:
            out.write(str(os.getpid()))
        break
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def _writer_alive(lock: Path) -> bool:
    """True when the lock file names a process that is still running (an unreadable lock counts as alive)."""
    try:
        pid = int(lock.read_text(encoding="utf-8").strip() or "0")
    except (OSError, ValueError):
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


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


def replace(target: Path, text: str, keep_bom: bool = False) -> None:
    """Write a file whole: a temporary file beside it, renamed over it (a killed writer leaves the old file)."""
    replace_all([(target, text, keep_bom)])


def replace_all(files: list[tuple[Path, str, bool]]) -> None:
    """Write several files whole (path, text, keep a BOM): every temporary file written and flushed first, then all
    renamed over their targets at once, so a writer killed while writing leaves every old file as it was."""
    temps: list[tuple[str, Path]] = []
    try:
        for target, text, keep_bom in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            temps.append((tmp, target))
            try:
                out = os.fdopen(handle, "w", encoding="utf-8-sig" if keep_bom else "utf-8", newline="")
            except BaseException:
                os.close(handle)
                raise
            with out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
        for tmp, target in temps:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
        raise
