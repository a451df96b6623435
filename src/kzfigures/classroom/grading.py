"""Grading a folder of submitted lesson notebooks without nbgrader: each student's answers, right or not, in a table.

A submitted notebook is untrusted code. Each one is run (not read statically: most answers are computed, such as
``set(figures.loc[…])``, so only running them gives their values) in a child process of its own, in a new session,
with a time limit and memory and file-size limits, in a scratch folder holding only a copy of the notebook, with
HOME pointed there. The child runs it cell by cell with nbclient in a fresh kernel and, after each cell, writes
every answer's value as JSON (never pickle) to a file with no name, which this process opened and reads back
through its descriptor (no notebook can find it by name), so the answers given before a cell that never ends are
kept. This process then checks those values with the answer key itself, so nothing a notebook
rebinds or prints changes another answer's verdict. When the child ends or runs out of time, every process of
its session and every process that carries its grading mark is killed; no pipe is read, and only the last few
kilobytes of what it printed (a file with no name too) are looked at. Submissions are read as regular files only:
links are not followed; one that is no valid notebook (nbformat's validator) is not run, its row says so.
None of this is a sandbox: the code runs as the user who grades (the teacher's guide says what that means).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..collection.kernels import on_unix_sockets
from ..collection.listing import cell_source
from ..figures.literal import plain_text, printable, spreadsheet_cell
from ..figures.paths import ENV_VAR as ROOT_ENV
from ..figures.paths import project_root
from .answers import decode
from .edition import ANSWER_NAME, TEXT_PROMPT, check_call, without_hidden_tests
from .feedback import names_in_code, names_it
from .slips import GRADING_ENV

SYMBOL = {"right": "✓", "as asked": "✓", "not yet": "✗", "unanswered": "·", "taken out": "–"}
#: The grading mark: an environment variable every process a submission starts inherits, so that the ones that
#: leave its session (a daemon, ``setsid``) are found and killed too.
TOKEN_ENV = GRADING_ENV  # the mark of a submission's processes; slips leave errors to raise under it
#: Limits set in the child, and so in its kernel and everything they start: address space, file size, core dumps.
MEMORY_LIMIT = 4 * 1024**3
FILE_LIMIT = 64 * 1024**2
#: The most of a submission read (a notebook larger than this is refused), and of the child's output looked at.
LARGEST_NOTEBOOK = 32 * 1024**2
TAIL = 4096
#: Seconds the child gets beyond the notebook's time limit to start its kernel and report.
GRACE = 30
COPY = re.compile(r"\bCopy of\b|-?\bCopy\d*\b|\(\d+\)|\bcopy\b", re.I)  # "Copy of", "-Copy1", "(1)", "copy"
LESSON_LIKE = re.compile(r"\b\d\d-[\w-]+")  # a lesson's name, mistyped ("01-reading-the-numbers"): not a student's


@dataclass
class Asked:
    """One autograded question of a lesson: its number in the lesson, its name in the answer key, its answer's
    variable and its title (the question's first words)."""

    number: int
    name: str
    answer: str
    title: str


@dataclass
class Graded:
    """One submitted notebook (or one file handed in instead), graded."""

    student: str
    lesson: str  # the lesson's file stem ("01-reading-numbers-in-the-news"), or the file's name if not a lesson
    states: list[str] = field(default_factory=list)  # per question: right, as asked, not yet, unanswered
    note: str = ""
    given: list[str] = field(default_factory=list)  # per question: the answer as given, shown short
    written: list[str] = field(default_factory=list)  # the written (discussion) answers, as typed
    file: str = ""  # the file, relative to the folder it was found in
    asked: list[Asked] = field(default_factory=list)  # per question: the question the notebook asked (asked_in)
    alongside: list[str] | None = None  # when its copy of the collection changed: the files of those run meanwhile

    @property
    def right(self) -> int:
        """How many answers are right."""
        return sum(s in ("right", "as asked") for s in self.states)

    @property
    def scored(self) -> int:
        """How many questions are scored (one taken out of the lesson since it was handed out is not)."""
        return sum(s != "taken out" for s in self.states)


@dataclass
class Ran:
    """What the child reported of one run: the answers given, the cells that raised, the cell that ran out of time."""

    answers: dict[str, Any]
    errors: list[tuple[int, str, str]]  # (cell index in the notebook, exception name, its message)
    stopped: int | None = None  # the cell running when the time ran out
    ended: str = ""  # why the run ended early, in words ("the kernel died", …)
    trouble: list[str] = field(default_factory=list)  # what the notebook changed in how it runs (probe.py)
    changed: list[str] = field(default_factory=list)  # the files of its own copy of the collection it changed


LessonQuestions = tuple[str, str, list[Asked]]  # (its key in the answer key, its file stem, its questions)


def _title(markdown: str) -> str:
    """A question's first words, without Markdown, at most 70 characters."""
    text = plain_text(re.sub(r"^###\s*Question\s*\d+\s*", "", markdown).strip())  # the words, not the escapes
    return text if len(text) <= 70 else text[:69].rstrip() + "…"


def _questions(cells: list[dict[str, Any]]) -> tuple[str, list[Asked]]:
    """A lesson's key in the answer key and its questions in order, from its cells."""
    heading, key, questions = "", "", list[Asked]()
    for cell in cells:
        source = cell_source(cell)
        if cell["cell_type"] == "markdown" and source.startswith("### Question"):
            heading = source
        elif m := check_call(cell):
            key = m["lesson"]
            said = re.match(r"###\s*Question\s*(\d+)", heading)
            number = int(said.group(1)) if said else len(questions) + 1
            questions.append(Asked(number, m["question"], m["answer"], _title(heading)))
    return key, questions


def asked_in(data: bytes | str, lesson: LessonQuestions) -> list[Asked]:
    """The questions a submitted notebook of a lesson made from an article asked, as its own check cells name them
    (in its order, titled by its own headings), so a lesson handed out before its article's curation changed is
    graded against the questions it asked (by name, with today's data), not today's by position. The lesson's
    questions today instead for a hand-written lesson (which no curation changes), a notebook whose cells name none,
    and one whose cells were edited (a question named twice, another lesson's, a check and an answer cell that
    disagree)."""
    from . import lessons as checks

    key, _, today = lesson
    if not isinstance(data, bytes) or any(name == key for name, _ in checks.ANSWER_KEY):
        return today
    try:
        own = _named(json.loads(data.decode("utf-8-sig"))["cells"], key)
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError):
        return today
    names = [q.name for q in (own or [])]
    return own if own and len(set(names)) == len(names) and _same_shape(own, today) else today


def _same_shape(own: list[Asked], today: list[Asked]) -> bool:
    """Whether a notebook asks at least every kind of question today's lesson asks, as many of each, under every
    answer name it has: a curation changes which figure a question is about, or takes a question out, never adds one,
    so a notebook short of a kind (a cell deleted, a check line pointed at an easier kind of question) is graded
    against today's lesson instead."""
    from collections import Counter

    from .exercises import question_kind

    kinds = Counter(question_kind(q.name) for q in own)
    return "" not in kinds and not Counter(question_kind(q.name) for q in today) - kinds and \
        {q.answer for q in today} <= {q.answer for q in own}


#: A check call on a line of its own, anywhere in a cell (the student edition ends each answer cell with it).
CHECK_LINE = re.compile(r'^lessons\.check\("(?P<lesson>[a-z0-9-]+)", "(?P<question>[a-z0-9-]+)", (?P<answer>answer_\w+)\)'
                        r"\s*$", re.M)


def _named(cells: list[dict[str, Any]], key: str) -> list[Asked] | None:
    """The questions a notebook's cells name, one per answer, in its order: from its check calls and its answer
    cells' nbgrader ids ("answer-kind-x"); None when they disagree or name another lesson (cells edited)."""
    heading, found = "", dict[str, Asked]()
    for cell in cells:
        source = cell_source(cell)
        if cell.get("cell_type") == "markdown" and source.startswith("### Question"):
            heading = source
        if cell.get("cell_type") != "code":
            continue
        said = re.match(r"###\s*Question\s*(\d+)", heading)
        number = int(said.group(1)) if said else len(found) + 1
        pairs = [(m["lesson"], m["question"], m["answer"]) for m in CHECK_LINE.finditer(without_hidden_tests(source))]
        grade_id = str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
        if grade_id.startswith("answer-") and (line := ANSWER_NAME.search(source)):
            pairs.append((key, grade_id.removeprefix("answer-"), line["answer"]))
        for lesson, name, answer in pairs:
            if lesson != key or found.get(answer, Asked(0, name, answer, "")).name != name:
                return None
            found.setdefault(answer, Asked(number, name, answer, _title(heading)))
    return list(found.values())


def generated_questions() -> dict[str, LessonQuestions]:
    """The lessons ``kzfigures lesson`` makes, one per curated article ("01-<article>"), as lesson_questions gives
    them: each made again here from the same table, so its questions are the ones its check cells name."""
    from ..figures.store import checked_package
    from .exercises import NoLesson, lesson_name, lesson_notebook

    found = {}
    try:
        seeds = list(checked_package().seeds)
    except (OSError, ValueError):  # no collection to read: the hand-written lessons only
        return {}
    for seed in seeds:
        try:
            key, questions = _questions(lesson_notebook(seed)["cells"])
        except (NoLesson, OSError, ValueError, KeyError):
            continue
        stem = lesson_name(seed).removesuffix(".ipynb")
        if questions:
            found[stem] = (key, stem, questions)
    return found


def lesson_questions(lessons: Path, generated: bool = False) -> dict[str, LessonQuestions]:
    """Each instructor lesson's file stem -> (its key in the answer key, its stem, its questions in order); with
    ``generated``, the lessons ``kzfigures lesson`` makes from curated articles too."""
    found = generated_questions() if generated else {}
    for path in sorted(lessons.glob("[0-9][0-9]-*.ipynb")):
        key, questions = _questions(json.loads(path.read_text(encoding="utf-8"))["cells"])
        if questions:
            found[path.stem] = (key, path.stem, questions)
    return found


NOT_JSON = "not a notebook: the file is not JSON (damaged, or saved as something else)"


def _place(path: list[Any]) -> str:
    """Where in a notebook a part is, for a teacher: "cell 3's source", "the notebook's metadata"."""
    if len(path) > 1 and path[0] == "cells" and isinstance(path[1], int):
        return f"cell {path[1] + 1}" + (f"'s {path[2]}" if len(path) > 2 else "")
    return "the notebook's " + ".".join(map(str, path)) if path else "the notebook"


def not_a_notebook(data: bytes) -> str | None:
    """Why a submission's bytes are no notebook as nbformat validates it (or its nbgrader metadata no object), in
    one line for its row; None for a valid one."""
    import warnings

    import nbformat

    try:
        nb = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return NOT_JSON
    except RecursionError:
        return "not a notebook: its JSON is nested too deeply to read (damaged, or made to break readers)"
    if not (isinstance(nb, dict) and type(nb.get("nbformat")) is int and nb["nbformat"] in (3, 4)
            and type(nb.get("nbformat_minor")) is int):  # nbformat's validator asserts these, not says
        return "not a notebook: the file is JSON, but not a Jupyter notebook (no notebook format 4 in it)"
    try:
        with warnings.catch_warnings():  # a cell without its id, as older JupyterLabs saved it, is valid
            warnings.simplefilter("ignore")
            nbformat.validate(nb)
    except nbformat.ValidationError as err:
        return (f"not a valid notebook: nbformat rejects {_place(list(err.absolute_path))} (edited or damaged "
                "outside JupyterLab): not graded")
    except RecursionError:
        return "not a valid notebook: nested too deeply to check: not graded"
    odd = next((i for i, cell in enumerate(nb.get("cells", []))
                if not isinstance(cell["metadata"].get("nbgrader", {}), dict)), None)
    if odd is not None:
        return (f"not a valid notebook: {_place(['cells', odd, 'nbgrader metadata'])} is not an object (edited "
                "or damaged outside JupyterLab): not graded")
    return None


def read_notebook(path: Path) -> bytes | str:
    """A submission's bytes, read as a regular file only (a link is not followed, a device or folder not read, a
    file larger than LARGEST_NOTEBOOK refused, one that is no valid notebook refused); or a one-line reason it was
    not read."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as err:
        if path.is_symlink():
            return "a link, not a file: not graded (hand in the notebook itself)"
        return f"could not be read: {err.strerror}"
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode):
        os.close(handle)
        return ("a folder named like a notebook: not graded" if stat.S_ISDIR(info.st_mode)
                else "not a regular file: not graded")
    with os.fdopen(handle, "rb") as file:
        if info.st_size > LARGEST_NOTEBOOK:
            return f"too large to be a lesson ({info.st_size // 1024**2} MB): not graded"
        data = file.read(LARGEST_NOTEBOOK + 1)[:LARGEST_NOTEBOOK]
    return not_a_notebook(data) or data


def _tail(file: IO[bytes]) -> str:
    """The last TAIL bytes of an open file, as text."""
    end = os.fstat(file.fileno()).st_size
    return os.pread(file.fileno(), TAIL, max(0, end - TAIL)).decode("utf-8", errors="replace")


def _marked(token: str) -> Iterator[int]:
    """The processes of this user whose environment carries the grading mark ``token``."""
    needle = f"{TOKEN_ENV}={token}".encode()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if entry.stat().st_uid == os.getuid() and needle in (entry / "environ").read_bytes().split(b"\0"):
                yield int(entry.name)
        except (OSError, ValueError):
            continue


def _graders_mark(value: bytes) -> int | None:
    """The grader's process id a grading mark names ("PID-HEX"), or None for a value that is no mark."""
    found = re.fullmatch(rb"(\d+)-[0-9a-f]{16}", value)
    return int(found.group(1)) if found else None


def kill_orphans() -> list[int]:
    """Kill the processes a grading left when it was killed outright (kill -9 gives it no time to stop them): this
    user's processes whose grading mark names a grader that is gone. Returns their ids."""
    prefix, killed = f"{TOKEN_ENV}=".encode(), []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if entry.stat().st_uid != os.getuid():
                continue
            marks = [v[len(prefix):] for v in (entry / "environ").read_bytes().split(b"\0") if v.startswith(prefix)]
        except OSError:
            continue
        grader = _graders_mark(marks[0]) if marks else None
        if grader is not None and grader != os.getpid() and not _running(grader):
            with contextlib.suppress(OSError):
                os.kill(int(entry.name), signal.SIGKILL)
                killed.append(int(entry.name))
    return killed


#: The scratch folder a grading makes for each submission (in the temporary folder), named with its grading mark
#: ("PID-HEX", the grader's process id first) after the first of these prefixes; the second named the folder of the
#: answers file before that file had no name, and is still cleaned up.
SCRATCH = ("kzfigures-grade-", "kzfigures-graded-")
#: The file a grading writes in each scratch folder as it makes it: the folder's grading mark and its own device and
#: inode, the proof a later grading asks for before removing it (a look-alike has none; a copy, another inode).
PROOF = ".kzfigures-scratch"


def _proof(folder: int, mark: str) -> bytes:
    """What PROOF holds in the folder open as ``folder`` (a descriptor) made under the grading mark ``mark``."""
    info = os.fstat(folder)
    return f"{mark}\n{info.st_dev}:{info.st_ino}\n".encode()


def prove_made(folder: Path, mark: str) -> None:
    """Write PROOF into a scratch folder just made under the grading mark ``mark`` (a new file; no link followed)."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        made = os.open(PROOF, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=handle)
        with os.fdopen(made, "wb") as file:
            file.write(_proof(handle, mark))
    finally:
        os.close(handle)


def _made_here(entry: Path, mark: str) -> bool:
    """True when ``entry`` is a folder of this user (not a link) holding a PROOF, a file of this user, that names
    the grading mark ``mark`` and this very folder."""
    try:
        handle = os.open(entry, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        proof = os.open(PROOF, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=handle)
        with os.fdopen(proof, "rb") as file:
            info = os.fstat(file.fileno())
            return (stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() == os.fstat(handle).st_uid
                    and file.read(200) == _proof(handle, mark))
    except OSError:
        return False
    finally:
        os.close(handle)


def remove_orphan_folders() -> list[Path]:
    """Remove the scratch folders a grading killed outright left (kill -9 gives it no time): folders of this user in
    the temporary folder, named by SCRATCH and a grading mark that names a grader that is gone, that hold the PROOF
    a grading wrote as it made them; never a link, a file, a folder named otherwise, one without its proof (a
    look-alike, a copy) or a live grader's. Returns those removed."""
    removed = []
    for entry in Path(tempfile.gettempdir()).iterdir():
        found = re.fullmatch(f"(?:{'|'.join(map(re.escape, SCRATCH))})" + r"((\d+)-[0-9a-f]{16})-\w+", entry.name)
        if (found is None or int(found.group(2)) == os.getpid() or _running(int(found.group(2)))
                or not _made_here(entry, found.group(1))):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _running(pid: int) -> bool:
    """True when a process with this id runs (a zombie does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
    except (OSError, IndexError):
        return False


def kill_session(pid: int, token: str) -> None:
    """Kill a child's whole session (its process group), and every process carrying its grading mark, until
    none is left (a process that forks while it is killed is found on the next round)."""
    for _ in range(50):
        with_mark = [p for p in _marked(token) if p != os.getpid()]
        for target in with_mark:
            with contextlib.suppress(OSError):
                os.kill(target, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        if not with_mark:
            return
        time.sleep(0.05)


def _child_env(scratch: str, token: str, collection: Path | None) -> dict[str, str]:
    """The child's environment: the grader's, less Jupyter's and kzfigures' settings, HOME in the scratch folder,
    $KZFIGURES_ROOT the submission's own copy of the collection (the grader's copy is never named to a kernel)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KZFIGURES_", "JUPYTER_", "IPYTHON"))}
    env.update(HOME=scratch, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    if collection is not None:
        env[ROOT_ENV] = str(collection)
    else:  # run outside a grading's snapshot: the collection as it is (a lesson made from an article added outside
        with contextlib.suppress(FileNotFoundError):  # the checkout reads it there too)
            env[ROOT_ENV] = str(project_root().resolve())
    env[TOKEN_ENV] = token
    return env


#: The children running now (grading mark -> process id), so that a grade interrupted or terminated stops them all.
RUNNING: dict[str, int] = {}


def stop_running() -> None:
    """Kill every submission's session now running (a grade that was interrupted)."""
    for token, pid in list(RUNNING.items()):
        kill_session(pid, token)


def run_submission(data: bytes, names: list[str], timeout: int) -> Ran | str:
    """Run one submitted notebook (its bytes, valid as read_notebook checks) in a child process, ``timeout``
    seconds for its cells, with a copy of the grading's snapshot of the collection of its own; return what it
    reported (with the files of that copy it changed), or a one-line reason it gave nothing."""
    token = f"{os.getpid()}-{secrets.token_hex(8)}"  # names this grader, so a later one knows its orphans
    snapshot = SNAPSHOT[-1] if SNAPSHOT else None
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH[0]}{token}-", ignore_cleanup_errors=True) as scratch, \
            tempfile.TemporaryFile() as answers, tempfile.TemporaryFile() as out:  # files with no name: read
        prove_made(Path(scratch), token)
        copy = Path(scratch) / "submission.ipynb"  # back through these descriptors, never found by a notebook
        copy.write_bytes(data)
        own = Path(scratch) / "collection" if snapshot else None
        if snapshot and own:
            snapshot.write(own)
        child = subprocess.Popen([sys.executable, "-m", "kzfigures.classroom.grading", str(copy),
                                  json.dumps(names), str(timeout), str(answers.fileno())],
                                 cwd=scratch, env=_child_env(scratch, token, own), stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=out, pass_fds=(answers.fileno(),), start_new_session=True)
        RUNNING[token] = child.pid
        code: int | None = None
        try:
            code = child.wait(timeout=timeout + GRACE)
        except subprocess.TimeoutExpired:
            pass
        finally:
            kill_session(child.pid, token)
            child.wait()
            RUNNING.pop(token, None)
        ran = _reported(answers, out, timeout, code)
        changed = snapshot.changes(own) if snapshot and own else []  # read once nothing of it runs any more
        if changed and isinstance(ran, Ran):
            ran.changed = changed
        elif changed:
            ran = f"{ran}; {_changed_note(changed)} — grade it again alone (kzfigures grade FILE) to see which"
        return ran


#: The start of the note on a row whose copy of the collection changed while it ran: what is known, not who.
COPY_CHANGED = "the copy of the collection this notebook was graded against changed while it ran"


def _changed_note(changed: list[str]) -> str:
    """The note on a row whose copy of the collection changed while it ran (these files of it): by the notebook,
    or by another program running as the same user (a classmate's kernel, a process one left behind)."""
    shown = ", ".join(printable(name) for name in changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3
                                                                  else "")
    return (f"{COPY_CHANGED} ({shown}): by this notebook, or by another program running as you at the same time; "
            "none of its answers counted")


#: Errors that say a submission is no notebook nbformat can read (the child's last line names one).
UNREADABLE = ("NotJSONError", "ValidationError", "JSONDecodeError", "AttributeError", "UnicodeDecodeError")


def _last_line(log: IO[bytes]) -> str:
    """The last line the child printed (the kernel's own start-up lines left out), or ""."""
    said = [line for line in _tail(log).strip().splitlines() if line.strip() and "[IPKernelApp]" not in line]
    return said[-1][:160] if said else ""


def _reported(report: IO[bytes], log: IO[bytes], timeout: int, code: int | None) -> Ran | str:
    """What the child wrote to its answers file, or why it wrote nothing (the last line it printed), both read
    through the descriptors this process opened; ``code`` is the child's exit code, None when it was stopped at the
    time limit. A run that ended early always says why."""
    late = code is None
    try:
        body = json.JSONDecoder().raw_decode(os.pread(report.fileno(), LARGEST_NOTEBOOK, 0).decode())[0]  # its
        # first value: a run killed between writing and cutting a shorter state leaves the old one's tail after it
        ran = Ran({k: decode(v) for k, v in body["answers"].items()},
                  [(int(c), str(e)[:80], str(m)[:160]) for c, e, m in body["errors"]],
                  body.get("stopped"), str(body.get("ended", ""))[:160],
                  [str(t)[:120] for t in body.get("trouble", [])][:3])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        if late:
            return f"stopped after {timeout} s (the time limit) before its first cell ran: no answers from it"
        last = _last_line(log) or "no answers reported"
        if any(name in last for name in UNREADABLE):
            return "not a notebook JupyterLab can open (its file is damaged or of another format): not graded"
        return f"could not be run: {last}"
    if late and ran.stopped is None:
        ran.ended = ran.ended or f"stopped after {timeout} s (the time limit)"
    elif code and ran.stopped is None and not ran.ended:  # the run itself broke off (its kernel or the grader's run)
        ran.ended = f"its run ended early ({_last_line(log) or f'exit code {code}'})"
    return ran


def _limit_child() -> None:
    """In the child: memory, file-size and core-dump limits, inherited by the kernel and all it starts."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing the writer
    for limit, value in ((resource.RLIMIT_AS, MEMORY_LIMIT), (resource.RLIMIT_FSIZE, FILE_LIMIT),
                         (resource.RLIMIT_CORE, 0)):
        soft, hard = resource.getrlimit(limit)
        wanted = value if hard == resource.RLIM_INFINITY else min(value, hard)
        if soft == resource.RLIM_INFINITY or soft > wanted:
            resource.setrlimit(limit, (wanted, hard))


class _Runner:
    """In the child: a notebook run cell by cell against one deadline, its answers written after each cell."""

    def __init__(self, client: Any, names: list[str], answers: int, timeout: int) -> None:
        self.client, self.names, self.answers = client, names, answers
        self.deadline = time.monotonic() + timeout
        self.state: dict[str, Any] = {"answers": {}, "errors": [], "stopped": None, "ended": "", "trouble": []}
        client.on_cell_error = self.failed  # from the kernel's reply: an error whose output was lost is still seen

    def failed(self, cell: Any, cell_index: int, execute_reply: dict[str, Any]) -> None:
        """nbclient's hook for a cell whose reply is an error: note it (its name and message)."""
        content = execute_reply.get("content", {})
        self.state["errors"].append((cell_index, str(content.get("ename", ""))[:80], str(content.get("evalue", ""))[:160]))

    def left(self) -> int:
        """Whole seconds left before the deadline (at least one)."""
        return max(1, int(self.deadline - time.monotonic()))

    def run(self, cell: Any, index: int) -> bool:
        """Run one cell, then ask for the answers; False once the run must end (out of time, the kernel gone)."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        self.client.timeout = self.left()
        try:
            self.client.execute_cell(cell, index)
        except CellTimeoutError:
            self.state["stopped"] = index
        except DeadKernelError:
            self.state["ended"] = "its kernel died (it used too much memory, or ended itself)"
        except Exception as err:  # the kernel's messages broke off (a kernel killed mid-reply, its session damaged)
            self.state["ended"] = f"its kernel stopped answering ({type(err).__name__}: {str(err)[:80]})"
        cell.outputs = []  # nothing of it is needed now: memory stays small
        going = self.state["stopped"] is None and not self.state["ended"]
        if going:
            before = json.dumps(self.state["answers"], sort_keys=True, default=str)
            going = self.ask()
            self.changed_elsewhere(json.loads(before), "".join(cell.source), index)
        self.write()
        return going

    def changed_elsewhere(self, before: dict[str, Any], source: str, index: int) -> None:
        """Say so when an answer changed while a cell ran that does not name it (a hook, a thread, a timer)."""
        now = json.loads(json.dumps(self.state["answers"], sort_keys=True, default=str))
        names = names_in_code(source)
        changed = [n for n in self.names if before.get(n) != now.get(n) and not names_it(n, source, names)]
        self.state["trouble"] = list(dict.fromkeys([*self.state["trouble"], *(
            f"{name} changed while cell {index + 1} ran, which does not set it" for name in changed)]))

    def ask(self) -> bool:
        """Ask the kernel for every answer (within the time left), by the grader's own probe (probe.py); False
        when it does not answer."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        from .answers import plain
        from .probe import ProbeFailed, ask

        try:
            answers, trouble = ask(self.client, self.names, min(20, self.left()))
        except (CellTimeoutError, DeadKernelError):
            self.state["ended"] = "its kernel stopped answering (out of time, or gone)"
            return False
        except ProbeFailed as err:
            self.state["ended"] = f"{err}: its answers are not counted"
            self.state["answers"] = {}
            return False
        self.state["answers"] = {name: plain(value) for name, value in answers.items()}
        self.state["trouble"] = list(dict.fromkeys([*self.state["trouble"], *trouble]))
        return True

    def write(self) -> None:
        """Write the answers so far over the answers file."""
        body = json.dumps(self.state).encode()
        os.pwrite(self.answers, body, 0)  # over the old, then cut to length: never empty, even when killed between
        os.ftruncate(self.answers, len(body))


def _client(nb: Any, timeout: int, folder: Path) -> Any:
    """In the child: an nbclient that keeps none of a cell's outputs (its errors come from the kernel's reply), so
    a cell that prints hundreds of megabytes costs no memory here."""
    from nbclient import NotebookClient

    class Kept(NotebookClient):
        """nbclient's client, keeping no output."""

        def output(self, outs: list[Any], msg: dict[str, Any], display_id: str | None, cell_index: int) -> Any:
            return None

    return Kept(nb, kernel_name="python3", timeout=timeout, allow_errors=True, shutdown_kernel="immediate",
                resources={"metadata": {"path": str(folder)}})


def _execute(path: Path, names: list[str], timeout: int, answers: int) -> None:
    """In the child: run the notebook cell by cell (errors allowed, ``timeout`` seconds in all), writing the answers
    after each cell."""
    import nbformat

    _limit_child()
    nb = nbformat.reads(path.read_text(encoding="utf-8-sig"), as_version=4)  # a BOM is harmless: read past it
    client = _client(nb, timeout, path.parent)
    # the kernel's key and sockets in the submission's scratch folder, which the grader removes even if this child is killed
    with on_unix_sockets(client, str(path.parent / ".kernel.json")), client.setup_kernel():
        runner = _Runner(client, names, answers, timeout)
        runner.write()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and cell.source.strip() and not runner.run(cell, index):
                break


def _given(value: Any) -> str:
    """An answer as given, short, for the table's CSV (an interval in its notation)."""
    from ..figures.bounds import Bounds
    from ..figures.formatting import number

    if value is None:
        return ""
    if isinstance(value, Bounds):
        text = value.notation(lambda x: number(x, 4))
    else:
        text = repr(sorted(value, key=str)) if isinstance(value, set) else repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _handed_in(folder: Path) -> Iterator[Path]:
    """Every file under folder, whatever its name ends in (a notebook saved as "….ipynb.json" is graded, a .pdf gets
    a note), links and folders named like notebooks included (they get a note); hidden files and folders
    (checkpoints) left out; links to folders are not followed; a notebook named alone, itself."""
    if not folder.is_dir():
        yield folder
        return
    for top, dirs, files in os.walk(folder):
        keep = sorted(d for d in dirs if not d.startswith(".") and not d.endswith(".ipynb"))
        odd = sorted(d for d in dirs if not d.startswith(".") and d.endswith(".ipynb"))
        dirs[:] = [d for d in keep if not (Path(top) / d).is_symlink()]
        yield from (Path(top) / d for d in keep if (Path(top) / d).is_symlink())  # named, never followed
        for name in sorted(files) + odd:
            if not name.startswith("."):
                yield Path(top) / name


def student_and_lesson(path: Path, folder: Path, stems: list[str]) -> tuple[str, str | None]:
    """Who handed the notebook in (its first folder under FOLDER, else its file name less the lesson's or one like
    it, else FOLDER's own name: a student's folder graded on its own) and which lesson its file name holds."""
    rel = path.relative_to(folder)
    notebook = ".ipynb" in path.name.lower()  # "….ipynb.ipynb", "….ipynb.json", "….ipynb~": the name before it
    stem = re.sub(r"(?:\.ipynb)+(?:[.~ ].*)?$", "", path.name, flags=re.I) if notebook else path.stem
    found = next(((s, m) for s in stems if (m := re.search(_loose(s), stem))), None)
    lesson = found[0] if found else None
    if len(rel.parts) > 1:
        return rel.parts[0], lesson
    name = stem[:found[1].start()] + stem[found[1].end():] if found else LESSON_LIKE.sub("", stem)
    name = COPY.sub("", name)
    return name.strip(" -_.") or folder.name or stem, lesson


def _loose(stem: str) -> re.Pattern[str]:
    """A lesson's file stem as people rename it: any case, "_" or a space for "-" ("01_Reading-Numbers-…")."""
    return re.compile(re.escape(stem).replace("\\-", "[-_ ]"), re.I)


@dataclass
class _Job:
    """One file to grade: where it is, who handed it in, which lesson, and its bytes or why it is not graded."""

    path: Path
    folder: Path
    student: str
    stem: str | None
    data: bytes | str
    read_as: str = ""  # how its lesson was told, when not by its file name


#: A call in a lesson's cells that names its lesson's key in the answer key: ``lessons.check("reading", …)``.
NAMES_LESSON = re.compile(r'\blessons\.(?:check|require|summary)\(\s*"([a-z0-9-]+)"')
UNKNOWN = ("not one of the lessons: neither its file name nor its cells name one (hand in the lesson's notebook, "
           "01-reading-numbers-in-the-news.ipynb, or 01-ARTICLE.ipynb as kzfigures lesson names it)")


def lesson_in(data: bytes, known: dict[str, LessonQuestions]) -> str | None:
    """The lesson a notebook's own cells are, whatever its file is called: the one lesson whose key its
    ``lessons.check("KEY", …)`` calls name, else the one whose questions its answer cells' nbgrader ids name
    ("answer-karin-range"); None when its cells name no lesson, or more than one."""
    try:
        cells = json.loads(data.decode("utf-8-sig"))["cells"]
        sources = [cell_source(c) for c in cells if c.get("cell_type") == "code"]
        ids = {str(c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")).split("-", 1)[-1] for c in cells}
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError):
        return None
    keys = {key for source in sources for key in NAMES_LESSON.findall(source)}
    found = {stem for stem, (key, _, _) in known.items() if key in keys}
    if not found:
        found = {stem for stem, (_, _, questions) in known.items() if ids & {q.name for q in questions}}
    return found.pop() if len(found) == 1 else None


def _why_not(path: Path) -> str:
    """Why a regular file found in the folder whose name does not end in .ipynb, and that holds no notebook, is not
    run (in words for its row)."""
    ending = printable(path.suffix.lower()) if path.suffix.strip(".") else "a file with no ending"
    if ".ipynb" in path.name.lower():  # "….ipynb.txt" that holds no notebook: damaged, or another file renamed
        return (f"saved as {printable(path.name)!r}, but not a notebook (damaged, or another file renamed): not "
                "graded (ask for the .ipynb file)")
    return f"handed in as {ending}, not as a notebook: not graded (ask for the .ipynb file)"


def _jobs(folders: list[Path], known: dict[str, LessonQuestions]) -> list[_Job]:
    """The files to grade in every folder, each read (or refused) here, once; a notebook is the lesson its cells
    are (lesson_in), else the one its file name holds."""
    jobs = []
    for given in folders:
        folder = given if given.is_dir() else given.parent  # a notebook named alone: its folder's
        for path in _handed_in(given):
            student, named = student_and_lesson(path, folder, list(known))  # ana/01-….ipynb named alone: ana's
            if path.is_symlink() and path.is_dir():
                jobs.append(_Job(path, folder, student, None, "a link to a folder: not followed, nothing in it graded"))
                continue
            data = read_notebook(path)  # a notebook whatever its name ends in ("….ipynb.json", "….ipynb~", none)
            odd = not path.name.lower().endswith(".ipynb") and not path.is_symlink() and path.is_file()
            if odd and not isinstance(data, bytes):
                jobs.append(_Job(path, folder, student, None, _why_not(path)))
                continue
            stem = (lesson_in(data, known) if isinstance(data, bytes) else None) or named
            said = "" if stem == named else (f"read as {stem} from its cells (its file name "
                                             f"{f'says {named}' if named else 'names no lesson'})")
            if odd:
                said = "; ".join(filter(None, [f"saved as {printable(path.name)!r}, not .ipynb: graded as the "
                                                "notebook it holds", said]))
            jobs.append(_Job(path, folder, student, stem, UNKNOWN if stem is None and isinstance(data, bytes)
                             else data, said))
    return jobs


def _asks(cell: dict[str, Any]) -> bool:
    """True for a cell of a question: an answer or check (nbgrader's metadata says so, or it calls the check)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("solution")) or (
        cell.get("cell_type") == "code" and "lessons.check(" in cell_source(cell))


def _after_questions(nb: dict[str, Any], index: int) -> bool:
    """True for a cell after the last question's answer (a closing cell, or one the student added at the end)."""
    cells = nb.get("cells", [])
    return index > max((i for i, cell in enumerate(cells) if _asks(cell)), default=len(cells))


def _question_of(nb: dict[str, Any], index: int) -> str:
    """Where a cell is, for a teacher: "question 3" (the last question heading before it), "cell 24 (after the
    last question)", or "cell 4"."""
    if _after_questions(nb, index):
        return f"cell {index + 1} (after the last question)"
    heading = None
    for cell in nb.get("cells", [])[: index + 1]:
        found = re.match(r"#+\s*Question\s+(\d+)", cell_source(cell)) if cell.get("cell_type") == "markdown" else None
        heading = found.group(1) if found else heading
    return f"question {heading}" if heading else f"cell {index + 1}"


def _plain_error(message: str) -> str:
    """An error message without the kernel's temporary file name ("(3245.py, line 1)" -> "(line 1 of the cell)")."""
    return re.sub(r"\(\S+\.py, line (\d+)\)", r"(line \1 of the cell)", message)


def _note(ran: Ran, nb: dict[str, Any], timeout: int) -> str:
    """What went wrong in a run, in words a teacher can act on: the cell that raised, the one that ran too long."""
    parts = [f"{_changed_note(ran.changed)} — grade it again alone (kzfigures grade FILE) to see which"
             ] if ran.changed else []  # first: it explains the rest
    parts += [f"{_question_of(nb, cell)} raised {name}: {_plain_error(message)}".rstrip(": ")
              for cell, name, message in ran.errors][:2]
    if len(ran.errors) > 2:
        parts.append(f"and {len(ran.errors) - 2} more error(s)")
    if ran.stopped is not None:
        parts.append(f"{_question_of(nb, ran.stopped)} ran past the time limit ({timeout} s): the answers before "
                     "it are kept" + ("" if _after_questions(nb, ran.stopped) else ", the ones after it were not run"))
    if ran.ended:
        parts.append(ran.ended + ("; the answers given before are kept" if ran.answers else ""))
    if ran.trouble:
        parts.append(f"the notebook changes how it is run or graded ({', '.join(ran.trouble)}): its answers may "
                     "not be its answer cells' own, so none is counted as right; read the notebook yourself")
    return "; ".join(_one_line(part) for part in parts)


def _one_line(text: str) -> str:
    """Text from a run (an error's message, a kernel's last words) on one line: every run of white space, a line
    break included, one space."""
    return " ".join(text.split())


def _written(nb: dict[str, Any]) -> list[str]:
    """The written (discussion) answers of a submission, as typed ("" for one left as the prompt)."""
    found = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "markdown" and meta.get("solution"):
            text = cell_source(cell).replace("*Your answer:*", "").replace(TEXT_PROMPT, "").strip()
            found.append(text)
    return found


def _graded(job: _Job, known: dict[str, LessonQuestions], ran: Ran | str, timeout: int) -> Graded:
    """One row: the answers checked here, one at a time, with this process's answer key."""
    from . import lessons as checks

    file = job.path.relative_to(job.folder).as_posix()
    if job.stem is None:
        return Graded(job.student, job.path.name, note=str(ran), file=file)
    key, _, _ = known[job.stem]
    questions = asked_in(job.data, known[job.stem])
    if isinstance(ran, str):  # not run: no answers to count, the reason instead
        return Graded(job.student, job.stem, note="; ".join(filter(None, [job.read_as, _one_line(ran)])), file=file)
    states = []
    for question in questions:
        if checks.taken_out(key, question.name):  # the notebook asked it; today's lesson does not: not scored
            states.append("taken out")
            continue
        try:
            states.append(checks.check(key, question.name, ran.answers.get(question.answer)).state)
        except Exception:  # an answer the check cannot take is not right (the check should never raise)
            states.append("not yet")
    if ran.trouble or ran.changed:  # a notebook that changed how it is run or graded, or the collection its answers
        # were read from, scores nothing, never full (as under nbgrader)
        states = ["not yet" if state in ("right", "as asked") else state for state in states]
    nb = json.loads(job.data) if isinstance(job.data, bytes) else {}
    gone = [q for q, state in zip(questions, states, strict=True) if state == "taken out"]
    return Graded(job.student, job.stem, states,
                  "; ".join(filter(None, [job.read_as, _taken_out_note(key, gone), _note(ran, nb, timeout)])),
                  [_given(ran.answers.get(q.answer)) for q in questions], _written(nb), file, questions)


def _taken_out_note(key: str, gone: list[Asked]) -> str:
    """One line for the questions a notebook asked that its lesson no longer asks: the curation changed, not the
    student's answer; "" when there are none."""
    if not gone:
        return ""
    listed = [f"{q.number} ({q.name})" for q in gone]
    said = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    return (f"question{'s' if len(gone) > 1 else ''} {said} of this notebook can no longer be asked of article "
            f"{key!r}'s data, so not scored: the curation changed since this lesson was handed out, or the "
            "notebook's check lines were edited (if its classmates' rows have no such note, open it)")


def _copies(rows: list[Graded]) -> None:
    """Name, on each row, a lesson a student handed in more than once (a "-Copy1" beside the original)."""
    seen: dict[tuple[str, str], list[Graded]] = {}
    for row in rows:
        if row.states:
            seen.setdefault((row.student, row.lesson), []).append(row)
    for same in seen.values():
        if len(same) > 1:
            best = max(same, key=lambda r: r.right)
            for row in same:
                others = ", ".join(r.file for r in same if r is not row)
                said = "counted in the totals" if row is best else "not counted (the better copy is)"
                row.note = "; ".join(filter(None, [f"{row.file}: {said}; also handed in: {others}", row.note]))


class CollectionInvalid(ValueError):
    """The collection the answers are checked against is not valid as grading starts; one line."""


class CollectionTampered(CollectionInvalid):
    """The grader's copy of the collection changed while notebooks ran (one of them wrote to it); one line."""


@dataclass(frozen=True)
class Snapshot:
    """The collection (data/ and seeds/) as grading began: each file's bytes and sha256 by its path below the root
    ("data/figures.csv"), and the grader's own copy of them, which every check reads and no kernel is told about."""

    root: Path
    files: dict[str, bytes]
    sums: dict[str, str]

    @classmethod
    def of(cls, root: Path, files: dict[str, bytes]) -> Snapshot:
        """A snapshot of these files, whose grader's copy is (to be) at ``root``."""
        return cls(root, files, {name: hashlib.sha256(data).hexdigest() for name, data in files.items()})

    def write(self, target: Path) -> None:
        """Write a copy of the collection into ``target`` (a new folder: data/ and seeds/ in it)."""
        for folder in ("data", "seeds"):
            (target / folder).mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(data)

    def changes(self, copy: Path) -> list[str]:
        """The files of a copy at ``copy`` that differ from the snapshot (changed, added, removed or a link now),
        by their paths below it, sorted; [] for an intact copy."""
        found: dict[str, str | None] = {}
        for folder in ("data", "seeds"):
            if (copy / folder).is_symlink() or not (copy / folder).is_dir():
                found[folder] = None
                continue
            for top, dirs, files in os.walk(copy / folder):
                for name in files + [d for d in dirs if (Path(top) / d).is_symlink()]:
                    path = Path(top) / name
                    found[path.relative_to(copy).as_posix()] = _sum(path)
        return sorted(name for name in {*found, *self.sums} if found.get(name) != self.sums.get(name))


def _sum(path: Path) -> str | None:
    """The sha256 of a regular file's bytes (a link is not followed), or None for anything else."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        return hashlib.file_digest(file, "sha256").hexdigest()


#: The snapshot of the collection a grading now running reads, once it is made.
SNAPSHOT: list[Snapshot] = []


@contextlib.contextmanager
def collection_snapshot() -> Iterator[Snapshot | None]:
    """The collection (data/ and seeds/) read once, as grading starts, and written into a scratch folder that every
    check here reads ($KZFIGURES_ROOT in this process), so a teacher curating while grading changes no verdict; each
    submission's kernel gets a copy of its own (run_submission), never this one. CollectionInvalid (one line) when
    it is not valid then, before anyone is graded. Inside one, the same snapshot."""
    from ..figures.paths import package_files
    from ..figures.problems import DataPackageError
    from ..figures.store import checked_package

    if SNAPSHOT:
        yield SNAPSHOT[-1]
        return
    try:
        base = project_root().resolve()
    except FileNotFoundError:  # no collection: the hand-written lessons only, as before
        yield None
        return
    token = f"{os.getpid()}-{secrets.token_hex(8)}"  # a scratch folder's name: a later grading removes it if orphaned
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH[0]}{token}-", ignore_cleanup_errors=True) as scratch:
        prove_made(Path(scratch), token)
        snapshot = Snapshot.of(Path(scratch) / "collection",
                               {path.relative_to(base).as_posix(): path.read_bytes() for path in package_files(base)})
        snapshot.write(snapshot.root)
        try:
            checked_package(snapshot.root)
        except DataPackageError as err:
            first = printable(str(err.problems[0]))[:200] if err.problems else "no problem named"
            raise CollectionInvalid(
                f"the collection in {printable(str(base))} is not valid now ({len(err.problems)} problem(s); the "
                f"first: {first}): the answers are checked against it, so finish or undo the edit "
                "(kzfigures validate lists every problem), then grade again; no one was graded") from None
        before = os.environ.get(ROOT_ENV)
        os.environ[ROOT_ENV], SNAPSHOT[:] = str(snapshot.root), [snapshot]
        try:
            yield snapshot
        finally:
            SNAPSHOT.clear()
            if before is None:
                os.environ.pop(ROOT_ENV, None)
            else:
                os.environ[ROOT_ENV] = before


class _Watch:
    """Which notebooks could have written to the grader's copy of the collection: the ones that ran since it was
    last found intact (checked as each run ends and before each check)."""

    def __init__(self, snapshot: Snapshot | None) -> None:
        self.snapshot, self.lock = snapshot, threading.Lock()
        self.running: set[str] = set()
        self.suspects: list[str] = []  # in the order they started

    @contextlib.contextmanager
    def run(self, name: str) -> Iterator[None]:
        """Around one notebook's run: it is a suspect until the copy is found intact once it ended."""
        with self.lock:
            self.running.add(name)
            self.suspects.append(name)
        try:
            yield
        finally:
            with self.lock:
                self.running.discard(name)
                self.verify()

    def verify(self) -> None:
        """CollectionTampered (one line, naming the suspects) unless the grader's copy is as the snapshot holds it;
        once it is, the notebooks still running remain the only suspects."""
        changed = self.snapshot.changes(self.snapshot.root) if self.snapshot else []
        if not changed:
            self.suspects = [name for name in self.suspects if name in self.running]
            return
        named = ", ".join(printable(n) for n in self.suspects[:5]) + (
            f" and {len(self.suspects) - 5} more" if len(self.suspects) > 5 else "")
        who = (f"while these notebooks were running: {named}" if self.suspects else
               "while no notebook was running (a process one left behind, or another program)")
        raise CollectionTampered(
            f"the grader's copy of the collection changed ({', '.join(printable(c) for c in changed[:3])}) {who}: "
            "no one was graded against it; read those notebooks, then grade again without them")


def grade(folder: Path | list[Path], lessons: Path, timeout: int = 180, jobs: int | None = None,
          progress: Callable[[str], None] | None = None,
          known: dict[str, LessonQuestions] | None = None) -> list[Graded]:
    """Grade every .ipynb under the folder(s) (checkpoint copies left out), or a notebook named alone, ``jobs`` at
    once; one row per file. The
    lessons are those in ``lessons`` and the ones made from curated articles, unless ``known`` names them."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    folders = folder if isinstance(folder, list) else [folder]
    killed, since = kill_orphans(), time.monotonic()  # what a grading killed outright left running,
    while any(map(_running, killed)) and time.monotonic() - since < 5:
        time.sleep(0.05)
    remove_orphan_folders()  # then its scratch folders, once nothing writes there
    with collection_snapshot() as snapshot:  # every check and every kernel reads the collection as it is now
        watch = _Watch(snapshot)
        known = known if known is not None else lesson_questions(lessons, generated=True)
        todo = _jobs(folders, known)
        if not todo:
            raise FileNotFoundError(f"{', '.join(map(str, folders))}: no files in it (or below it) to grade (hidden "
                                    "ones left out)")

        spans: dict[int, tuple[float, float]] = {}  # when each notebook ran (who ran alongside a changed copy)

        def run(i: int, job: _Job) -> Ran | str:
            if isinstance(job.data, str) or job.stem is None:
                return job.data if isinstance(job.data, str) else UNKNOWN
            began = time.monotonic()
            try:
                with watch.run(job.path.relative_to(job.folder).as_posix()):
                    return run_submission(job.data, [q.answer for q in asked_in(job.data, known[job.stem])], timeout)
            finally:
                spans[i] = (began, time.monotonic())

        started, said = time.monotonic(), time.monotonic()
        ran: dict[int, Ran | str] = {}
        pool = ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1)  # the children run at once
        try:
            futures = {pool.submit(run, i, job): i for i, job in enumerate(todo)}
            for future in as_completed(futures):
                ran[futures[future]] = future.result()
                if progress and (len(ran) == len(todo) or time.monotonic() - said >= 10) and len(todo) >= 10:
                    said = time.monotonic()
                    progress(f"grade: {len(ran)} of {len(todo)} notebooks run ({int(said - started)} s)")
        except BaseException:  # Ctrl-C, SIGTERM: nothing a submission started outlives the grading
            pool.shutdown(wait=False, cancel_futures=True)
            stop_running()
            raise
        finally:
            pool.shutdown()
        rows = []
        for i, job in enumerate(todo):
            with watch.lock:
                watch.verify()  # no one is graded against a copy a notebook changed
            rows.append(_graded(job, known, ran[i], timeout))
            if _copy_changed(ran[i]):
                rows[-1].alongside = [todo[k].path.relative_to(todo[k].folder).as_posix() for k in spans
                                      if k != i and _overlap(spans[k], spans[i])]
    _copies(rows)
    return sorted(rows, key=lambda r: (r.student, r.lesson, r.file))


def _copy_changed(ran: Ran | str) -> bool:
    """Whether a notebook's copy of the collection changed while it ran."""
    return bool(ran.changed) if isinstance(ran, Ran) else COPY_CHANGED in ran


def _overlap(one: tuple[float, float], other: tuple[float, float]) -> bool:
    """Whether two runs (start, end) were under way at the same time."""
    return one[0] < other[1] and other[0] < one[1]


def copies_changed_line(rows: list[Graded]) -> str:
    """One line for the end of a grading whose copies of the collection changed: every notebook whose copy changed
    and the ones that ran at the same time (any of them, or a process one left, may have changed it); or ""."""
    hit = [row for row in rows if row.alongside is not None]
    if not hit:
        return ""
    mates = sorted({name for row in hit for name in row.alongside or []})

    def named(files: list[str]) -> str:
        return ", ".join(printable(f) for f in files[:10]) + (f" and {len(files) - 10} more" if len(files) > 10
                                                              else "")

    return (f"kzfigures: the copy of the collection changed while these notebooks ran (none of their answers "
            f"counted): {named([r.file for r in hit])}"
            + (f"; running at the same time: {named(mates)}" if mates else "; nothing else ran at the same time")
            + "; grade each again alone (kzfigures grade FILE) to see which changed it")


def _class_lines(rows: list[Graded], known: dict[str, LessonQuestions]) -> list[str]:
    """Per lesson, how many of the class got each question right; per student, the total across lessons."""
    lines = []
    for stem, (_, _, questions) in known.items():
        graded = [r for r in rows if r.lesson == stem and r.states and "not counted" not in r.note]
        if graded:
            by_name = [{q.name: s for q, s in zip(r.asked or questions, r.states, strict=False)} for r in graded]
            counts = [f"Q{q.number} {sum(g.get(q.name) in ('right', 'as asked') for g in by_name)}/"
                      f"{sum(q.name in g for g in by_name)}" for q in questions]
            lines.append(f"{printable(stem)} ({len(graded)} notebook(s)), right per question: {'  '.join(counts)}")
    totals: dict[str, list[int]] = {}
    for row in rows:
        if row.states and "not counted" not in row.note:
            got = totals.setdefault(row.student, [0, 0, 0])
            got[0], got[1], got[2] = got[0] + row.right, got[1] + row.scored, got[2] + 1
    if totals:
        width = max(len(printable(s)) for s in totals)
        lines += ["", "total per student:"] + [f"  {printable(s).ljust(width)}  {r}/{n} right ({k} lesson(s))"
                                               for s, (r, n, k) in sorted(totals.items())]
    return lines


def table(rows: list[Graded], known: dict[str, LessonQuestions] | None = None) -> str:
    """The summary table: one line per student and lesson, a symbol per question, the legend, and (with the
    lessons' questions) the class's results per question and each student's total."""
    header = ("student", "lesson", "right", "answers", "note")
    lines = [(printable(r.student), printable(r.lesson), f"{r.right}/{r.scored}" if r.states else "",
              " ".join(SYMBOL[s] for s in r.states), printable(r.note)) for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=True)]
    text = ["  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)).rstrip() for line in [header, *lines]]
    legend = "\n\n✓ right   ✗ not right yet   · not answered" + (
        "   – no longer in the lesson (not scored)" if any("taken out" in r.states for r in rows) else "") + (
        " (questions in the lesson's order)\n")
    summary = _class_lines(rows, known) if known else []
    return "\n".join(text) + legend + ("\n" + "\n".join(summary) + "\n" if summary else "")


def _safe(text: str) -> str:
    """A cell of the grades CSV: printable (a student's control characters escaped), and never run by a spreadsheet
    (a leading ' before = + - @)."""
    return str(spreadsheet_cell(printable(text)))


def csv_text(rows: list[Graded], questions: dict[str, LessonQuestions]) -> str:
    """The same as CSV, one row per answer: the question's number and title, the result, the answer as given; a
    row per written answer, with its text; a row for a file with no answers."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", "lesson", "file", "right", "of", "question", "title", "result", "answer", "note"])
    for r in rows:
        head = [_safe(r.student), _safe(r.lesson), _safe(r.file), r.right if r.states else "", r.scored or ""]
        asked = r.asked or (questions[r.lesson][2] if r.lesson in questions else [])  # the notebook's own
        for q, state, given in zip(asked, r.states, r.given or [""] * len(r.states), strict=False):
            writer.writerow([*head, f"Q{q.number}", _safe(q.title), state, _safe(given), _safe(r.note)])
        for n, text in enumerate(r.written, 1):
            writer.writerow([*head, f"written {n}", "", "written (read it)" if text else "unanswered", _safe(text),
                             _safe(r.note)])
        if not r.states and not r.written:
            writer.writerow([*head, "", "", "", "", _safe(r.note)])
    return buffer.getvalue()


if __name__ == "__main__":  # the child process of run_submission
    _execute(Path(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
