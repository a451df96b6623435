"""Files written safely (figures/files.py): each whole or not at all, with the umask's permissions, and one writer
at a time through a lock the kernel lets go of when its holder dies."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys

import pytest

from kzfigures.figures.files import locked, write_atomic


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


def test_a_held_lock_refuses_or_waits_as_busy_says_and_its_file_stays(tmp_path):
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
        pass
    assert lock.is_file()


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
