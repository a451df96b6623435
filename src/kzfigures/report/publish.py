"""Step 4 of a build, publish: the built report swapped into the output folder whole, with its manifest; the swap's
journal lets the next build finish a swap a killed one left half done.

The new report is made in a work folder beside the output (folders.work_folder) and renamed into place only when
every page is rendered, so a failed or interrupted build leaves the previous report as it was.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..figures.files import write_atomic
from .folders import WORK_MARKER, _alive, check_output, mark_report, recorded_files, remove_work


def carry_over(old: Path, new: Path, keep: list[dict[str, Any]]) -> None:
    """Copy the pages of notebooks not rebuilt (--only) from the previous report into the new one."""
    for page in keep:
        for rel in (page["html"], page["notebook"], page["name"]):
            source = old / rel
            if source.is_dir():
                shutil.copytree(source, new / rel)
            elif source.is_file():
                (new / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, new / rel)


def previous_pages(output: Path) -> list[dict[str, Any]]:
    """The pages listed in the previous report's manifest, if there is one that can be read."""
    try:
        pages = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return pages if isinstance(pages, list) and all(isinstance(p, dict) and "name" in p for p in pages) else []


def publish(building: Path, output: Path, pages: list[dict[str, Any]], index: str) -> None:
    """Write the index and the manifest, mark every file as the report's, and swap the report into place."""
    (building / "index.html").write_text(index, encoding="utf-8")
    (building / "manifest.json").write_text(json.dumps(pages, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    mark_report(building)
    swap(building, output)


def swap(built: Path, output: Path) -> None:
    """Put the new report in place of the old; SIGINT and SIGTERM wait until both renames are done.

    The old report is checked once more first (under the lock), so a file the user put there meanwhile is never
    moved away with it.
    """
    check_output(output)
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
    begin_swap(output, built, retired)  # a kill -9 from here on is finished by the next build (recover_swap)
    (built / WORK_MARKER).unlink()
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        if output.exists():
            output.rename(retired)
            (retired / WORK_MARKER).write_text(str(os.getpid()), encoding="utf-8")
        built.rename(output)
        end_swap(output)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    remove_work(retired)


def _journal(output: Path) -> Path:
    """The swap's journal beside the output: which two folders a swap in progress moves."""
    return output.with_name(f".{output.name}.swap.json")


def begin_swap(output: Path, built: Path, retired: Path) -> None:
    """Record, before the first rename, which folders the swap moves, so a build killed between the two renames can
    be finished by the next one (recover_swap)."""
    body = {"schema": "kzfigures-swap/1", "pid": os.getpid(), "built": built.name, "retired": retired.name}
    write_atomic(_journal(output), json.dumps(body) + "\n")


def end_swap(output: Path) -> None:
    """The swap is done: its journal goes."""
    _journal(output).unlink(missing_ok=True)


def _read_journal(journal: Path) -> dict[str, Any] | None:
    """A swap journal's body; None when there is none, {} when it cannot be read."""
    try:
        body = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def _put_in_place(output: Path, built: Path, retired: Path, say: Callable[[str], None]) -> None:
    """Put the new report in place if it is complete, else the old one back."""
    if built.is_dir() and recorded_files(built) is not None:
        built.rename(output)
        say(f"a build was stopped while it put its report in place: finished, {output} is the new report")
    elif retired.is_dir():
        (retired / WORK_MARKER).unlink(missing_ok=True)
        retired.rename(output)
        say(f"a build was stopped while it put its report in place: {output} is the previous report again")


def recover_swap(output: Path, say: Callable[[str], None]) -> None:
    """Finish a swap a killed build left half done (called under the lock): the new report, if it is complete, is put
    in place, else the old one is put back; the folders the swap named are then removed, and its journal."""
    journal = _journal(output)
    body = _read_journal(journal)
    if body is None:
        return
    pid = body.get("pid")
    if isinstance(pid, int) and pid != os.getpid() and _alive(pid):
        return  # its build is still running (it would hold the lock; nothing to do)
    names = [body.get(k) for k in ("built", "retired")]
    if not all(isinstance(n, str) and n.startswith(f".{output.name}.") and "/" not in n for n in names):
        say(f"{journal}: not a swap journal kzfigures wrote; removed, and nothing else touched")
        journal.unlink(missing_ok=True)
        return
    built, retired = (output.with_name(str(n)) for n in names)
    if not output.exists():
        _put_in_place(output, built, retired, say)
    for folder in (built, retired):
        if folder.is_dir():
            (folder / WORK_MARKER).write_text(str(os.getpid()), encoding="utf-8")  # the journal names it as ours
            remove_work(folder)
    journal.unlink(missing_ok=True)
