"""Files written safely (figures/files.py): each whole or not at all, with the umask's permissions, and one writer
at a time through a lock the kernel lets go of when its holder dies."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys

import pytest

from kzfigures.figures.files import lock_path, locked, write_atomic


def refuse() -> None:
    """A busy() that refuses, as `kzfigures draft` does."""
    raise ValueError("busy")


@pytest.mark.parametrize(("data", "options", "expected"), [
    ("a,b\r\n1,2\r\n", {"newline": ""}, b"a,b\r\n1,2\r\n"),  # a spreadsheet's line endings, kept
    ("a,b\n", {"encoding": "utf-8-sig", "newline": ""}, b"\xef\xbb\xbfa,b\n"),  # its BOM, kept
    ("é\n", {}, "é\n".encode()),
    (b"\x00\xff", {}, b"\x00\xff"),
])
def test_a_file_is_written_as_given(tmp_path, data, options, expected):
    target = tmp_path / "t.csv"
    target.write_text("old\n", encoding="utf-8")
    write_atomic(target, data, **options)
    assert target.read_bytes() == expected
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_a_write_that_fails_leaves_the_old_file_and_no_partial_one(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "a lone surrogate \udc80 cannot be written", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_a_new_file_gets_the_umask_s_permissions_not_a_private_temporary_file_s(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "shared.txt", "for the class\n")
    finally:
        os.umask(old)
    assert (tmp_path / "shared.txt").stat().st_mode & 0o777 == 0o644


def test_a_held_lock_refuses_or_waits_as_busy_says_and_its_file_goes_when_done(tmp_path):
    lock = tmp_path / ".lock"
    with open(lock, "a+b") as other:  # another writer (flock locks are per open file, so one process can play both)
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(ValueError, match="busy"), locked(lock, refuse):
            pytest.fail("the lock was taken while another writer held it")
        waited = []

        def wait() -> None:
            waited.append(True)
            fcntl.flock(other, fcntl.LOCK_UN)  # the other writer finishes while this one waits

        with locked(lock, wait):
            assert waited == [True]
    with locked(lock, refuse):  # free now: busy is not called
        assert lock.is_file()
    assert not lock.exists()


def test_a_killed_holder_s_lock_is_free_at_once(tmp_path):
    lock = tmp_path / ".lock"
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, sys, time\nf = open(sys.argv[1], 'a+b')\n"
                               "fcntl.flock(f, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(600)", str(lock)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(ValueError, match="busy"), locked(lock, refuse):
            pass
    finally:
        holder.kill()
        holder.wait()
    with locked(lock, lambda: pytest.fail("a killed process still held the lock")):
        pass


WAITER = """
import sys
from pathlib import Path
from kzfigures.figures.files import locked
with locked(Path(sys.argv[1]), lambda: print("waiting", flush=True)):
    print("got", flush=True)
    sys.stdin.readline()  # holds the lock until the test has been refused it: an event, not a sleep
"""


def test_a_lock_removed_by_its_holder_is_never_held_twice(tmp_path):
    """The holder removes the file when done; a process that waited on it opens the new file, so a third
    process is refused while the waiter holds it (two holders of two files of one name would both write)."""
    lock = tmp_path / "out.lock"
    with locked(lock, refuse):
        waiter = subprocess.Popen([sys.executable, "-c", WAITER, str(lock)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert waiter.stdout is not None and waiter.stdout.readline() == "waiting\n"
    try:
        assert waiter.stdout.readline() == "got\n"
        with pytest.raises(ValueError, match="busy"), locked(lock, refuse):
            pytest.fail("a second holder while the waiter holds the lock")
    finally:
        waiter.communicate("done\n", timeout=30)  # the waiter lets go, and its file goes
    assert not lock.exists()


def test_an_outputs_lock_is_kept_in_kzfigures_own_folder_never_beside_the_output(tmp_path, monkeypatch):
    from kzfigures.report.folders import locked as output_locked

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "user" / "reports"
    out.parent.mkdir()
    with output_locked(out, lambda line: pytest.fail(line)):
        held = list((tmp_path / "cache" / "kzfigures" / "locks").iterdir())
        assert len(held) == 1 and held[0].name.startswith("reports-")
        assert list(out.parent.iterdir()) == []
    assert list(out.parent.iterdir()) == [] and not held[0].exists()
    assert lock_path(out) != lock_path(tmp_path / "other" / "reports")  # one lock per output, by its full path


def test_with_no_home_to_write_the_locks_go_to_the_temporary_folder(tmp_path, monkeypatch):
    unwritable = tmp_path / "home-is-a-file"
    unwritable.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(unwritable))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    where = lock_path(tmp_path / "reports")
    assert where.parent == tmp_path / "tmp" / f"kzfigures-locks-{os.getuid()}" and where.parent.is_dir()
