"""The kzfigures command: build the report, regenerate the committed notebooks, check the data.

Heavy libraries (papermill, nbconvert, pandas) are imported only by the subcommand that needs them.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def _parameters(args: argparse.Namespace) -> dict[str, Any]:
    """Parameters from -f then -p (so -p wins), converted to their types."""
    from .collection.params import convert, read_params_file

    values: dict[str, Any] = {}
    for path in args.file or []:
        values.update(read_params_file(path))
    for name, text in args.param or []:
        values[name] = convert(name, text)
    return values


#: The modules `kzfigures report` and `kzfigures notebooks` import beyond pandas and matplotlib, with the package
#: that gives each: pyproject.toml's [report] extra.
REPORT_MODULES = {"nbformat": "nbformat", "nbclient": "nbclient", "nbconvert": "nbconvert", "papermill": "papermill",
                  "ipykernel": "ipykernel", "jupyter_client": "jupyter_client", "jinja2": "Jinja2",
                  "yaml": "PyYAML", "mistune": "mistune", "packaging": "packaging"}


class NotInstalled(RuntimeError):
    """A command needs packages that are not installed; the message says which, and what to install."""


def _needs_report_extra(command: str) -> None:
    """Refuse in one line, before anything runs, a command whose packages are not all installed."""
    import importlib.util

    def absent(module: str) -> bool:
        try:
            return importlib.util.find_spec(module) is None
        except (ImportError, ValueError):
            return True

    missing = [package for module, package in REPORT_MODULES.items() if absent(module)]
    if missing:
        raise NotInstalled(f"kzfigures {command} needs packages that are not installed ({', '.join(missing)}): "
                           "pip install 'kzfigures[report]'")


def _report(args: argparse.Namespace) -> int:
    """kzfigures report."""
    _needs_report_extra("report")
    from .collection.params import ParameterError
    from .report.build import build_report

    if args.timeout < 1:
        raise ParameterError(f"--timeout: {args.timeout} is not a number of seconds (1 or more)")
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"--jobs: {args.jobs} is not a number of notebooks to run at once (1 or more)")
    result = build_report(args.output, _parameters(args), args.only, args.notebooks, jobs=args.jobs,
                          use_cache=not args.no_cache, timeout=args.timeout)
    return 1 if result.left_out else 0  # the report is written, without the pages of an article that failed


def _notebooks(args: argparse.Namespace) -> int:
    """kzfigures notebooks: execute each committed notebook with its defaults and write it back cleaned."""
    _needs_report_extra("notebooks")
    import tempfile

    from .charts.outputs import OUTPUT_ENV
    from .classroom.edition import write_graded
    from .collection.listing import list_notebooks
    from .collection.navigation import write_navigation
    from .figures.paths import notebooks_root
    from .report.execute import execute

    folder = Path(args.notebooks) if args.notebooks else notebooks_root()
    changed = [p.name for p in write_graded(folder / "lessons", check=args.check)]
    changed += [p.name for p in write_navigation(folder, check=args.check) if p.name not in changed]
    if not args.notebooks:  # the collection's own notebooks: the teacher's guide counts from the same data
        from .classroom.guide import write_guide
        from .figures.paths import project_root

        changed += [p.name for p in write_guide(project_root(), check=args.check)]
    for nb in list_notebooks(folder):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / nb.path.name
            print(f"{nb.name}: running…", file=sys.stderr, flush=True)
            # run as the report runs it, outputs saved (to a folder thrown away), so the two give the same notebook
            execute(nb.path, target, {}, env={OUTPUT_ENV: str(Path(tmp) / nb.name)})
            new = target.read_bytes()
        if new != nb.path.read_bytes():
            changed += [nb.path.name] if nb.path.name not in changed else []
            if not args.check:
                nb.path.write_bytes(new)
    if args.check and changed:
        print(f"kzfigures: error: not what `make notebooks` writes: {', '.join(changed)}", file=sys.stderr)
        return 1
    print(f"{len(changed)} notebook(s) {'would change' if args.check else 'rewritten'}", file=sys.stderr)
    return 0


def _student_folder(flag: str, folder: Path, lessons: Path) -> None:
    """Refuse a folder the student command may not write: one holding the instructor lessons, one inside the
    project's own folders, or the report's rule (absent, empty, or marked as written by this command)."""
    from .classroom.edition import BEGIN_HIDDEN, BEGIN_SOLUTION
    from .figures.paths import check_outside_project, project_root
    from .report.folders import STUDENT, OutputRefused, check_output

    inside = folder.resolve() == lessons.resolve() or lessons.resolve() in folder.resolve().parents
    instructor = [p.name for p in sorted(folder.glob("*.ipynb") if folder.is_dir() else [])
                  if BEGIN_SOLUTION in (text := p.read_text(encoding="utf-8", errors="replace")) or BEGIN_HIDDEN in text]
    if inside or instructor:
        raise OutputRefused(f"{flag} {folder}: holds the instructor lessons, with their solutions"
                            f"{' (' + ', '.join(instructor) + ')' if instructor else ''}; name another folder, "
                            "such as dist/student")
    check_outside_project(folder, project_root(), flag, OutputRefused)
    check_output(folder, STUDENT, flag)


def _prepare(folder: Path, write: Any) -> Path:
    """Fill a fresh work folder beside ``folder`` with ``write(tmp)`` and return it; on failure it is removed, and
    ``folder`` is untouched."""
    from .report.folders import remove_stale, remove_work, work_folder

    made = [p for p in folder.parents if not p.exists()]
    folder.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(folder)  # the work folder of a run killed outright
    tmp = work_folder(folder, "new")
    try:
        write(tmp)
    except BaseException:
        remove_work(tmp)
        for parent in made:  # the folders this run made, deepest first, if still empty
            with contextlib.suppress(OSError):
                parent.rmdir()
        raise
    return tmp


def _refuse_links(flag: str, folder: Path, tmp: Path) -> None:
    """Refuse, before anything is written, a folder where a file of the work folder would go through a link (a
    sub-folder or the file itself replaced by a link): kzfigures never writes through one."""
    from .report.folders import WORK_MARKER, OutputRefused

    for path in sorted(tmp.rglob("*")):
        rel = path.relative_to(tmp)
        if path.is_file() and rel.as_posix() != WORK_MARKER:
            linked = next((folder.joinpath(*rel.parts[: i + 1]) for i in range(len(rel.parts))
                           if folder.joinpath(*rel.parts[: i + 1]).is_symlink()), None)
            if linked is not None:
                raise OutputRefused(f"{flag} {folder}: {linked.relative_to(folder)} is a link, and kzfigures never "
                                    "writes through one: remove the link (or name another folder)")


def _place(folder: Path, tmp: Path, kind: Any = None) -> tuple[int, list[str]]:
    """Copy a prepared work folder's files into place, except one changed since this command wrote it (a student's
    saved answers), which is kept. Before any file is replaced, the marker records the sha256 it will have
    (pending), so a run killed half-way leaves no file taken for a student's. The work folder is removed. Returns
    the number of files written and the kept ones."""
    from .figures.files import write_atomic
    from .report.folders import (
        STUDENT,
        WORK_MARKER,
        changed_since,
        mark_report,
        recorded_files,
        remove_work,
        written_files,
    )

    kind = kind or STUDENT
    try:
        kept = changed_since(folder, kind) if folder.is_dir() else {}
        names = sorted(n for p in tmp.rglob("*") if p.is_file() and (n := p.relative_to(tmp).as_posix()) != WORK_MARKER)
        new = written_files(tmp, [n for n in names if n not in kept])
        old = recorded_files(folder, kind) or {}
        folder.mkdir(exist_ok=True)
        mark_report(folder, kind, old, pending=new)
        for name in new:  # whole or not at all: a killed run leaves no half file to be taken for a student's
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, (tmp / name).read_bytes())
    finally:
        remove_work(tmp)
    recorded = {**new, **kept}
    for name in set(old) - set(recorded):  # a file an earlier run wrote, not written now: still ours
        if (folder / name).is_file():
            recorded[name] = old[name]
    mark_report(folder, kind, dict(sorted(recorded.items())))
    return len(names) - len(kept), sorted(kept)


def _write_in_place(folder: Path, write: Any, kind: Any = None) -> tuple[int, list[str]]:
    """Write a student-command folder: ``write(tmp)`` fills a fresh work folder beside it (_prepare), then each file
    is copied into place (_place). Returns the number of files written and the kept ones."""
    tmp = _prepare(folder, write)
    try:
        _refuse_links("--output", folder, tmp)
    except BaseException:
        from .report.folders import remove_work

        remove_work(tmp)
        raise
    return _place(folder, tmp, kind)


def _student(args: argparse.Namespace) -> int:
    """kzfigures student: write the student versions of the lessons (and their printables, and the class folder)."""
    from .classroom.edition import make_student
    from .collection.listing import LESSONS
    from .figures.paths import notebooks_root, project_root
    from .report.folders import locked, remove_work

    say = lambda line: print(line, file=sys.stderr)
    source = (Path(args.notebooks) if args.notebooks else notebooks_root()) / LESSONS
    lessons = sorted(source.glob("[0-9][0-9]-*.ipynb"))
    if not lessons:
        raise FileNotFoundError(f"no NN-topic.ipynb lessons in {source}")
    outputs: list[tuple[str, Path, Any, str]] = [
        ("--output", Path(args.output), lambda tmp: make_student(source, tmp), "student notebook(s)")]
    if args.printables:
        outputs.append(("--printables", Path(args.printables), lambda tmp: _printables(lessons, tmp, args.no_pdf),
                        "worksheet and answer key file(s) (the answer keys are for the teacher only)"))
    if args.class_folder:
        from .classroom.bundle import checkout_files, write_class_folder

        wheelhouse = project_root() / "dist" / "wheelhouse"
        outputs.append(("--class-folder", Path(args.class_folder), lambda tmp: write_class_folder(
            source, tmp, project_root(), wheelhouse if wheelhouse.is_dir() else None), "class folder file(s)"))
    _apart([(flag, folder) for flag, folder, _, _ in outputs])
    for flag, folder, _, _ in outputs:  # every folder is checked before anything is written
        _student_folder(flag, folder, source)
    if args.class_folder:
        checkout_files(project_root())  # the wheel is built from a git checkout: refused before anything is made
    with contextlib.ExitStack() as held:
        for _, folder, _, _ in sorted(outputs, key=lambda o: str(o[1].resolve())):  # one order: no two runs deadlock
            held.enter_context(locked(folder, say))
        for flag, folder, _, _ in outputs:
            _student_folder(flag, folder, source)
        prepared = _prepare_all(outputs)
        try:
            for (flag, folder, _), tmp in prepared:
                _refuse_links(flag, folder, tmp)
        except BaseException:
            for _, tmp in prepared:
                remove_work(tmp)
            raise
        placed = [(flag, folder, what, _place(folder, tmp)) for (flag, folder, what), tmp in prepared]
    for flag, folder, what, (count, kept) in placed:
        say(f"{count} {what} written to {folder}")
        if flag == "--class-folder":  # what has to fit on a USB stick or go over a school's network
            from .classroom.bundle import WHEELS, folder_size

            say(f"  the class folder holds {folder_size(folder) / 1e6:.1f} MB, {folder_size(folder / WHEELS) / 1e6:.1f} MB "
                "of it wheels/")
        for name in kept:
            say(f"  kept {folder / name}: changed since it was written (a student's saved work?); "
                "delete it to get a fresh copy")
    return 0


def _prepare_all(outputs: list[tuple[str, Path, Any, str]]) -> list[tuple[tuple[str, Path, str], Path]]:
    """Every output written into its work folder first; if one fails (no git checkout for the wheel, a printing
    error), every work folder is removed and no output folder was touched."""
    from .report.folders import remove_work

    done: list[tuple[tuple[str, Path, str], Path]] = []
    try:
        for flag, folder, write, what in outputs:
            done.append(((flag, folder, what), _prepare(folder, write)))
    except BaseException:
        for _, tmp in done:
            remove_work(tmp)
        raise
    return done


def _apart(named: list[tuple[str, Path]]) -> None:
    """Refuse two folders of one run that are the same, or one inside the other (the answer keys inside the class
    folder would reach the students, and each run would take the other's files for a student's)."""
    from .report.folders import OutputRefused

    for index, (flag, folder) in enumerate(named):
        for other, seen in named[:index]:
            here, there = folder.resolve(), seen.resolve()
            if here == there:
                raise OutputRefused(f"{flag} names the same folder as {other} ({here}); give each its own folder")
            inner = (flag, here, other, there) if there in here.parents else (other, there, flag, here)
            if there in here.parents or here in there.parents:
                raise OutputRefused(f"{inner[0]} {inner[1]} is inside {inner[2]} {inner[3]}; give each a folder "
                                    "of its own, side by side (dist/student, dist/class, dist/printables)")


class LessonFiles(list[Path]):
    """The files make_lesson wrote: a list of paths, shown in a notebook cell as one line."""

    def __init__(self, folder: Path, paths: Iterable[Path]) -> None:
        super().__init__(paths)
        self.folder = folder

    def __repr__(self) -> str:
        return f"{len(self)} files in {self.folder}: {', '.join(p.relative_to(self.folder).as_posix() for p in self)}"


#: A lesson folder: written file by file, in place, as the student command writes its folders.
LESSON_MARKER, LESSON_SCHEMA = ".kzfigures-lesson.json", "kzfigures-lesson/1"


def make_lesson(article: str, output: str | Path | None = None, pdf: bool = True,
                say: Any = None) -> LessonFiles:
    """Write the lesson of a curated article into ``output`` (default: dist/lessons/ARTICLE in the checkout, or in
    the current folder when kzfigures is installed without one): the instructor lesson,
    executed, with nbgrader's metadata; ``student/`` its student edition; ``printables/`` its worksheet and answer
    key (HTML, and PDF through chromium with ``pdf``). Return the files written.

    The folder must be new, empty, or one this function wrote; a file in it that it did not write is never
    replaced, and one changed since it wrote it (the teacher's edits) is kept, and said so.
    """
    import json
    import tempfile

    from .classroom.edition import student_version
    from .classroom.exercises import article as curated_article
    from .classroom.exercises import lesson_name, lesson_notebook
    from .collection.listing import write_notebook_json
    from .figures.paths import check_outside_project, project_root
    from .report.execute import execute
    from .report.folders import Kind, OutputRefused, check_output, locked, recorded_files

    say = say or print  # in a notebook cell, the lines show as the cell's output
    curated_article(article)  # an unknown article, or one with nothing curated, is refused before anything is made
    kind = Kind(LESSON_MARKER, LESSON_SCHEMA, "a folder kzfigures lesson wrote", False)
    checkout = project_root() if (project_root() / "notebooks").is_dir() else Path()
    folder = Path(output) if output is not None else checkout / "dist" / "lessons" / article
    name = lesson_name(article)
    stem = name.removesuffix(".ipynb")
    names = [name, f"student/{name}"] + [f"printables/{stem}-{k}.{ext}" for k in ("worksheet", "key")
                                          for ext in (("html", "pdf") if pdf else ("html",))]
    flag = "--output"

    def refuse_foreign() -> None:
        check_outside_project(folder, project_root(), flag, OutputRefused)
        check_output(folder, kind, flag)
        recorded = recorded_files(folder, kind) or {}
        foreign = [n for n in names if (folder / n).exists() and n not in recorded]
        if foreign:
            raise OutputRefused(f"{flag} {folder}: {foreign[0]} is there and kzfigures lesson did not write it; "
                                "move it, or name another folder")

    def write(tmp: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="kzfigures-lesson-") as work:
            draft = Path(work) / name
            write_notebook_json(draft, lesson_notebook(article))
            execute(draft, tmp / name, {})
        nb = json.loads((tmp / name).read_text(encoding="utf-8"))
        (tmp / "student").mkdir()
        write_notebook_json(tmp / "student" / name, student_version(nb, name))
        _printables([tmp / name], tmp / "printables", not pdf)

    refuse_foreign()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with locked(folder, say):
        refuse_foreign()
        _, kept = _write_in_place(folder, write, kind)
    say(f"the lesson of {article} written to {folder}: {name} (the teacher's, with solutions), student/{name} "
        "(to hand out), printables/ (worksheet; the answer key is for the teacher only)")
    for kept_name in kept:
        say(f"  kept {folder / kept_name}: changed since it was written; delete it to get a fresh copy")
    return LessonFiles(folder, (folder / n for n in names if (folder / n).is_file()))


def _lesson(args: argparse.Namespace) -> int:
    """kzfigures lesson: the lesson of a curated article (see make_lesson)."""
    _needs_report_extra("lesson")
    make_lesson(args.article, args.output, pdf=not args.no_pdf, say=lambda line: print(line, file=sys.stderr))
    return 0


def _printables(lessons: list[Path], target: Path, no_pdf: bool) -> None:
    """Write the printables; without chromium, the HTML pages only, saying so in one line."""
    from .classroom.printables import PrintUnavailable, write_printables

    try:
        write_printables(lessons, target, pdf=not no_pdf)
    except PrintUnavailable as err:
        write_printables(lessons, target, pdf=False)
        print(f"kzfigures: PDFs not written: {err}", file=sys.stderr)


def _submission_folders(names: list[str]) -> list[Path]:
    """The folders (or single notebooks) grade was given, each checked: one that exists, a notebook, named once."""
    from .classroom.grading import read_notebook
    from .collection.params import ParameterError

    folders = [Path(f) for f in names]
    missing = next((f for f in folders if not f.is_dir() and not f.is_file()), None)
    if missing is not None:
        raise FileNotFoundError(f"{missing}: no such folder or notebook (name the folder that holds the submitted "
                                "notebooks, or one .ipynb file)")
    other = next((f for f in folders if f.is_file() and f.suffix.lower() != ".ipynb"
                  and not isinstance(read_notebook(f), bytes)), None)  # "ana.ipynb.json" holding one is graded
    if other is not None:
        raise ParameterError(f"{other}: not a notebook (.ipynb): name the folder that holds the submitted notebooks, "
                             "or one .ipynb file")
    for index, here in enumerate(folders):  # a notebook graded twice, under two names, would count twice
        for seen in folders[:index]:
            if here.resolve() == seen.resolve() or seen.resolve() in here.resolve().parents:
                raise ParameterError(f"{here} is {'the same folder as' if here.resolve() == seen.resolve() else 'inside'}"
                                     f" {seen}: name each folder of submissions once")
            if here.resolve() in seen.resolve().parents:
                raise ParameterError(f"{seen} is inside {here}: name each folder of submissions once")
    return folders


def _grade(args: argparse.Namespace) -> int:
    """kzfigures grade: run each submitted notebook (untrusted: a child process, a time limit) and print a table."""
    import signal

    from .classroom.grading import collection_snapshot, copies_changed_line, csv_text, grade, lesson_questions, table
    from .collection.listing import LESSONS
    from .collection.params import ParameterError
    from .figures.files import write_atomic
    from .figures.paths import check_new_file, notebooks_root, project_root

    folders = _submission_folders(args.folder)
    if args.timeout < 1:
        raise ParameterError(f"--timeout: {args.timeout} is not a number of seconds (1 or more)")
    if args.csv:  # refused before minutes of grading, as draft --output is
        check_new_file(Path(args.csv), project_root(), "--csv", args.force)
    source = (Path(args.notebooks) if args.notebooks else notebooks_root()) / LESSONS
    def terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt("signal 15")  # as report does: the notebooks running are stopped, then it ends

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        with collection_snapshot():  # the collection read once, as it is now, by every check and every kernel
            known = lesson_questions(source, generated=True)  # and the lessons kzfigures lesson makes
            rows = grade(folders, source, timeout=args.timeout, known=known,
                         progress=lambda line: print(line, file=sys.stderr, flush=True))
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(table(rows, known), end="")
    if args.csv:
        write_atomic(Path(args.csv), csv_text(rows, known), newline="")
        print(f"one row per answer written to {args.csv}", file=sys.stderr)
    if changed := copies_changed_line(rows):  # last: the rows' notes say what is known, this says who ran then
        print(changed, file=sys.stderr)
    return 0


def _validate(args: argparse.Namespace) -> int:
    """kzfigures validate: print every problem in the data package."""
    from .figures.validation import spreadsheet_warnings, validate_package

    problems = validate_package()
    for problem in problems:
        print(problem)
    warnings = spreadsheet_warnings()
    for warning in warnings:
        print(f"warning: {warning}")
    print(f"{len(problems)} problem(s)" + _by_article(problems) + (f", {len(warnings)} warning(s)" if warnings else ""),
          file=sys.stderr)
    return 1 if problems else 0


def _by_article(problems: list[Any]) -> str:
    """Whose the problems are, as the report sees them: " (2 of article X: its pages are left out of the report; 1
    of the whole package)", or "" when none is one article's."""
    from .figures.problems import by_article
    from .figures.seeds import FLAGSHIP

    whole, own = by_article(problems)
    if not own:
        return ""
    said = [f"{len(found)} of article {article}: " + ("the report is not built" if article == FLAGSHIP else
                                                       "its pages are left out of the report")
            for article, found in sorted(own.items())]
    return f" ({'; '.join(said + ([f'{len(whole)} of the whole package'] if whole else []))})"


def _add(args: argparse.Namespace) -> int:
    """kzfigures add: store an article's text and metadata in seeds/; the new id is the last word printed."""
    from .figures.articles import FLAGS, add_article
    from .figures.literal import printable
    from .figures.paths import project_root

    new_id = add_article(args.file, args.title, args.publisher, args.published, url=args.url, seed_id=args.id,
                         rights=args.rights, names=FLAGS)
    where = printable(str(project_root() / "seeds"))  # the checkout this kzfigures belongs to, not the current folder
    print(f"added {printable(str(args.file))} to the collection in {where} as {new_id}")
    return 0


def _draft(args: argparse.Namespace) -> int:
    """kzfigures draft: propose an article's figures and non-figures, in data/proposed/ARTICLE.csv."""
    from .figures.draft import draft_article

    result = draft_article(args.id, output=args.output, force=args.force)
    if result.output is not None:
        print(f"{result.figures_added} proposed figure row(s) written to {result.output}; nothing else was changed")
    elif not result.written:
        print(f"nothing to propose for {args.id}: all {result.already_covered} number phrase(s) are already decided by "
              "a person; nothing was written")
    else:
        print(f"{result.figures_added} figure(s) and {result.non_figures_added} non-figure(s) proposed for {args.id} "
              f"in data/proposed/{args.id}.csv (no curated table changed); {result.already_covered} already decided "
              f"by a person, left as they are. Decide them in notebooks/05-curate.ipynb (article = \"{args.id}\"), "
              f"or with kzfigures.curation(\"{args.id}\")")
    return 0


def _params(args: argparse.Namespace) -> int:
    """kzfigures params: each notebook's parameters, defaults and allowed values."""
    from .collection.listing import list_notebooks
    from .collection.params import rule

    for nb in list_notebooks(args.notebooks):
        print(nb.name)
        for name, default in nb.parameters.items():
            r = rule(name)
            print(f"  {name} = {default!r}  ({r.allowed()}): {r.help}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(prog="kzfigures", description=__doc__.splitlines()[0])
    top.add_argument("--debug", action="store_true", help="show a full traceback on error")
    sub = top.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="execute every notebook and write the HTML report")
    report.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                        help="set a notebook parameter (repeatable)")
    report.add_argument("-f", "--file", action="append", metavar="PARAMS.yaml", help="parameters from a YAML file")
    report.add_argument("--only", action="append", metavar="NOTEBOOK", help="build only this notebook (repeatable)")
    report.add_argument("--output", default="reports", help="report folder (default: reports)")
    report.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: one more than the cores)")
    report.add_argument("--no-cache", action="store_true",
                        help="run every notebook, even if its inputs are unchanged, and write its cache entry anew")
    report.add_argument("--timeout", type=int, default=300, metavar="SECONDS",
                        help="stop a notebook whose cell runs longer than this (default: 300)")
    report.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    report.set_defaults(run=_report)
    notebooks = sub.add_parser("notebooks", help="re-execute the committed notebooks and strip run noise")
    notebooks.add_argument("--check", action="store_true", help="only report notebooks that would change")
    notebooks.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    notebooks.set_defaults(run=_notebooks)
    student = sub.add_parser("student", help="write the lessons' student versions (solutions out, outputs cleared)")
    student.add_argument("--output", default="dist/student", help="folder to write (default: dist/student)")
    student.add_argument("--printables", default=None, metavar="FOLDER",
                         help="also write each lesson's worksheet and answer key (HTML and PDF) to this folder")
    student.add_argument("--no-pdf", action="store_true", help="with --printables: the HTML pages only")
    student.add_argument("--class-folder", default=None, metavar="FOLDER",
                         help="also write a class folder: the lessons, the article, the wheel, a README for students")
    student.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    student.set_defaults(run=_student)
    grade_ = sub.add_parser("grade", help="grade a folder of submitted lesson notebooks, or one notebook (runs each "
                                          "one: untrusted code, in a child process with a time limit)")
    grade_.add_argument("folder", nargs="+", help="the folder(s) of submitted .ipynb files (one folder per student, "
                                                  "or names such as alice-01-reading-numbers-in-the-news.ipynb), or "
                                                  ".ipynb files; with several, each student's total is across all")
    grade_.add_argument("--timeout", type=int, default=180, metavar="SECONDS",
                        help="stop a notebook that runs longer than this (default: 180)")
    grade_.add_argument("--csv", default=None, metavar="FILE.csv",
                        help="also write one row per answer to this new CSV file (never a file of the project)")
    grade_.add_argument("--force", action="store_true", help="let --csv replace an existing file outside the project")
    grade_.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    grade_.set_defaults(run=_grade)
    lesson = sub.add_parser("lesson", help="write a lesson for a curated article: the teacher's notebook with "
                                           "solutions, its student edition, worksheet and answer key")
    lesson.add_argument("article", help="the article's id (as `kzfigures add` printed it)")
    lesson.add_argument("--output", default=None, metavar="FOLDER",
                        help="folder to write (default: dist/lessons/ARTICLE in the checkout); new, empty, or "
                             "written by this command")
    lesson.add_argument("--no-pdf", action="store_true", help="the worksheet and answer key as HTML only")
    lesson.set_defaults(run=_lesson)
    validate = sub.add_parser("validate", help="check the data package and list every problem")
    validate.set_defaults(run=_validate)
    add = sub.add_parser("add", help="add an article's text to the collection (seeds/); prints its id")
    add.add_argument("file", help="the article's text, UTF-8")
    add.add_argument("--title", required=True, help="the article's headline")
    add.add_argument("--publisher", required=True, help="who published it")
    add.add_argument("--published", required=True, metavar="YYYY[-MM[-DD]]", help="when, as far as it is known")
    add.add_argument("--url", default=None, help="where it was published (http or https; optional)")
    add.add_argument("--id", default=None, help="the article's id (default: publisher, date and title words)")
    add.add_argument("--rights", default=None, help="its rights statement (default: copyright its publisher)")
    add.set_defaults(run=_add)
    draft = sub.add_parser("draft", help="propose an article's figures and non-figures, apart from the curated tables "
                           "(data/proposed/ARTICLE.csv)")
    draft.add_argument("id", help="the article's id (as `kzfigures add` printed it)")
    draft.add_argument("--output", default=None, metavar="ROWS.csv",
                       help="write the proposed figure rows to this new .csv file and change nothing else")
    draft.add_argument("--force", action="store_true",
                       help="let --output replace an existing file outside the project; or write "
                       "data/proposed/ARTICLE.csv anew though it was changed by hand (its changes are lost)")
    draft.set_defaults(run=_draft)
    params = sub.add_parser("params", help="list the notebooks' parameters")
    params.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    params.set_defaults(run=_params)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; user errors are one line on stderr and a non-zero exit (a traceback with --debug)."""
    from .collection.params import ParameterError
    from .figures.problems import DataPackageError

    args = parser().parse_args(argv)
    from .charts.outputs import OutputsError
    from .classroom.edition import MarkerError
    from .classroom.exercises import NoLesson
    from .classroom.grading import CollectionInvalid
    from .collection.listing import NotebookError
    from .figures.articles import ArticleRefused
    from .figures.paths import FileRefused
    from .report.folders import OutputRefused

    user_errors: tuple[type[BaseException], ...] = (ParameterError, DataPackageError, FileNotFoundError, MarkerError,
                                                     OutputsError, OutputRefused, NotebookError, ArticleRefused,
                                                     NotInstalled, FileRefused, NoLesson, CollectionInvalid)
    if args.command == "draft":  # its refusals (an unknown id, an --output inside data/) are ValueErrors
        user_errors += (ValueError,)
    try:
        from .report.build import NotebookFailed
        from .report.execute import ExecutionFailed

        user_errors += (NotebookFailed, ExecutionFailed)
        return args.run(args)
    except KeyboardInterrupt as err:
        terminated = str(err) == "signal 15"
        after = ("every notebook it was running was stopped, and nothing was written" if args.command == "grade"
                 else "the previous report is unchanged")
        print(f"kzfigures: {'terminated' if terminated else 'interrupted'}; {after}", file=sys.stderr)
        return 143 if terminated else 130
    except user_errors as err:
        if args.debug:
            raise
        from .figures.literal import printable

        lines = [str(p) for p in err.problems] if isinstance(err, DataPackageError) else [str(err)]
        for line in lines:  # a file name's new line or escape sequence shows, and does nothing: one line each
            print(f"kzfigures: error: {printable(line)}", file=sys.stderr)
        return 2 if isinstance(err, (ParameterError, OutputRefused)) else 1
    except OSError as err:
        if args.debug:
            raise
        where = {"report": "; nothing was changed in the report folder",
                 "student": "; a file already in place is whole (each goes in whole or not at all)",
                 "lesson": "; a file already in place is whole (each goes in whole or not at all)"}
        from .figures.literal import printable

        print(f"kzfigures: error: {printable(_os_error(err))}{where.get(args.command, '')}", file=sys.stderr)
        return 1


def _os_error(err: OSError) -> str:
    """An operating-system error in one line: what went wrong, and with which file."""
    import shutil

    if isinstance(err, shutil.Error) and err.args and isinstance(err.args[0], list) and err.args[0]:
        source, target, why = err.args[0][0]
        return f"cannot copy {source} to {target}: {why}" + (f" (and {len(err.args[0]) - 1} more)"
                                                             if len(err.args[0]) > 1 else "")
    what = err.strerror or str(err)
    return f"{what}: {err.filename}" if err.filename else what


if __name__ == "__main__":
    raise SystemExit(main())
