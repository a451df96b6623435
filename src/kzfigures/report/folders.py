"""The report folder and its neighbours: which folders a build may write, one build at a time, and what it may
remove. Nothing the user owns is ever deleted.

A build writes only into a folder that is absent, empty, or marked as a kzfigures report by a build (the marker
file lists every file the report wrote, with its sha256). Its work folders beside the output carry a marker of
their own with the process id, and only such folders are ever cleaned up. A lock file lets one build at a time write
an output (figures/files.py: fcntl.flock, released by the kernel when a build dies); it is kept in kzfigures' own
folder of locks, not beside the output, and removed when the build is done.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..figures.files import lock_path
from ..figures.files import locked as lock_file

#: Inside a report folder: the files the report wrote, with their sha256.
REPORT_MARKER = ".kzfigures-report.json"
REPORT_SCHEMA = "kzfigures-report/1"


@dataclass(frozen=True)
class Kind:
    """A kind of output folder kzfigures writes: its marker file, the marker's schema, and how it is written."""

    marker: str
    schema: str
    what: str  # "a kzfigures report", in messages
    whole: bool  # True: written anew as a whole (so a file it did not write would be lost, and is refused)


#: The report: swapped in whole. The student edition, printables, class folder: written file by file, in place.
REPORT = Kind(REPORT_MARKER, REPORT_SCHEMA, "a kzfigures report", True)
STUDENT = Kind(".kzfigures-student.json", "kzfigures-student/1", "a folder kzfigures student wrote", False)
#: Inside a build's work folder (being built, or retired at the swap): the id of the process that made it.
WORK_MARKER = ".kzfigures-work"


class OutputRefused(ValueError):
    """The output folder is not one a build may write; the message names it and says what to do."""


def _files(folder: Path) -> list[str]:
    """Every file below folder, as sorted relative POSIX paths."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def _sha256(path: Path) -> str:
    """A file's sha256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def recorded_files(report: Path, kind: Kind = REPORT) -> dict[str, str] | None:
    """The files a report folder's marker lists (path -> sha256), or None when it has no readable marker."""
    try:
        body = json.loads((report / kind.marker).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = body.get("files") if isinstance(body, dict) and body.get("schema") == kind.schema else None
    return files if isinstance(files, dict) else None


def pending_files(folder: Path, kind: Kind) -> dict[str, str]:
    """The files a run was replacing when it stopped (path -> the sha256 it was writing), from the marker."""
    try:
        body = json.loads((folder / kind.marker).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    pending = body.get("pending") if isinstance(body, dict) else None
    return pending if isinstance(pending, dict) else {}


def mark_report(folder: Path, kind: Kind = REPORT, files: dict[str, str] | None = None,
                pending: dict[str, str] | None = None) -> None:
    """Write the marker of a finished report: every file in it (or ``files``: these), with its sha256; with
    ``pending``, the files about to be replaced and the sha256 they will have (so a run killed half-way leaves
    each of them known as ours, old or new)."""
    if files is None:
        files = {rel: _sha256(folder / rel) for rel in _files(folder) if rel not in (kind.marker, WORK_MARKER)}
    who = "report" if kind.whole else "student"
    body: dict[str, object] = {"schema": kind.schema, "note": f"written by kzfigures {who}; lists every file it wrote",
                               "files": files}
    if pending:
        body["pending"] = pending
    (folder / kind.marker).write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")


def _list(names: list[str], most: int = 5) -> str:
    """A few names, and how many more."""
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def check_output(output: Path, kind: Kind = REPORT, flag: str = "--output") -> None:
    """Refuse an output that is not a folder, or a folder holding anything the report did not write (for an
    output written file by file in place, files it did not write may stay: they are never touched)."""
    if output.exists() and not output.is_dir():
        raise OutputRefused(f"{flag} {output}: is a file, not a folder; name a folder"
                            + (" for the report" if kind.whole else ""))
    blocking = next((p for p in output.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise OutputRefused(f"{flag} {output}: {blocking} is a file, so no folder can be made there")
    if not output.is_dir() or not any(output.iterdir()):
        return
    recorded = recorded_files(output, kind)
    if recorded is None:
        raise OutputRefused(f"{flag} {output}: the folder is not empty and is not {kind.what} "
                            f"(it holds {_list(sorted(p.name for p in output.iterdir()))}); name a new or empty folder")
    foreign = [rel for rel in _files(output) if rel not in recorded and rel != kind.marker]
    if foreign and kind.whole:
        raise OutputRefused(f"--output {output}: holds {len(foreign)} file(s) the report did not write "
                            f"({_list(foreign)}); move them out of the report folder, then build again")


def changed_since(folder: Path, kind: Kind) -> dict[str, str]:
    """The files of a marked folder that are there but differ from what it wrote (path -> the sha256 it wrote)."""
    recorded, pending = recorded_files(folder, kind) or {}, pending_files(folder, kind)
    return {rel: digest for rel, digest in recorded.items()
            if (folder / rel).is_file() and _sha256(folder / rel) not in (digest, pending.get(rel))}


def written_files(folder: Path, names: list[str]) -> dict[str, str]:
    """The sha256 of each of these files of folder (relative POSIX paths), for its marker."""
    return {name: _sha256(folder / name) for name in names}


def damaged(report: Path) -> list[str]:
    """The files of a report that are missing or differ from what its marker records (all of them if unmarked)."""
    recorded = recorded_files(report)
    if recorded is None:
        return [REPORT_MARKER]
    return [rel for rel, digest in recorded.items() if not (report / rel).is_file() or _sha256(report / rel) != digest]


def work_folder(output: Path, kind: str) -> Path:
    """A new work folder beside the output (kind "building" or "old"), marked with this process's id."""
    folder = output.with_name(f".{output.name}.{kind}-{os.getpid()}")
    if folder.exists():
        remove_work(folder)
    folder.mkdir()
    (folder / WORK_MARKER).write_text(str(os.getpid()), encoding="utf-8")
    return folder


def _is_work(folder: Path) -> bool:
    """True when folder is a work folder a kzfigures build made."""
    return (folder / WORK_MARKER).is_file()


def remove_work(folder: Path, tries: int = 20) -> None:
    """Remove a work folder this program made (never anything else), retrying while a killed kernel's writes settle."""
    if not folder.is_dir() or not _is_work(folder):
        return
    for _ in range(tries):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.05)


def remove_stale(output: Path) -> None:
    """Remove work folders left by a build that was killed outright: marked as ours, and their process is gone."""
    for stale in output.parent.glob(f".{output.name}.*-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and stale.is_dir() and _is_work(stale) and not _alive(int(pid)):
            remove_work(stale)


def _alive(pid: int) -> bool:
    """True when a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def locked(output: Path, say: Callable[[str], None]) -> contextlib.AbstractContextManager[None]:
    """Hold the output's lock (in kzfigures' own folder of locks, never beside the output); if another build holds
    it, say so and wait for it."""
    return lock_file(lock_path(output),
                     lambda: say(f"another kzfigures build is writing {output}; waiting for it to finish…"))
