"""The kzfigures command: build the report, regenerate the committed notebooks, check the data.

Heavy libraries (papermill, nbconvert, pandas) are imported only by the subcommand that needs them.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _parameters(args: argparse.Namespace) -> dict[str, Any]:
    """Parameters from -f then -p (so -p wins), converted to their types."""
    from .notebooks.params import convert, read_params_file

    values: dict[str, Any] = {}
    for path in args.file or []:
        values.update(read_params_file(path))
    for name, text in args.param or []:
        values[name] = convert(name, text)
    return values


def _report(args: argparse.Namespace) -> int:
    """kzfigures report."""
    from .build.report import build_report
    from .notebooks.params import ParameterError

    if args.timeout < 1:
        raise ParameterError(f"--timeout: {args.timeout} is not a number of seconds (1 or more)")
    build_report(args.output, _parameters(args), args.only, args.notebooks, jobs=args.jobs,
                 use_cache=not args.no_cache, timeout=args.timeout)
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    """kzfigures notebooks: execute each committed notebook with its defaults and write it back cleaned."""
    import tempfile

    from .build.execute import execute
    from .build.kernels import warm
    from .charts.outputs import OUTPUT_ENV
    from .classroom.edition import write_graded
    from .data.paths import notebooks_root
    from .notebooks.collection import list_notebooks
    from .notebooks.navigation import write_navigation

    folder = Path(args.notebooks) if args.notebooks else notebooks_root()
    changed = [p.name for p in write_graded(folder / "lessons", check=args.check)]
    changed += [p.name for p in write_navigation(folder, check=args.check) if p.name not in changed]
    if not args.notebooks:  # the collection's own notebooks: the teacher's guide counts from the same data
        from .classroom.guide import write_guide
        from .data.paths import project_root

        changed += [p.name for p in write_guide(project_root(), check=args.check)]
    with warm():  # one warm process for every notebook's kernel
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


def _student(args: argparse.Namespace) -> int:
    """kzfigures student: write the student versions of the lessons."""
    from .classroom.edition import make_student
    from .data.paths import notebooks_root
    from .notebooks.collection import LESSONS

    source = (Path(args.notebooks) if args.notebooks else notebooks_root()) / LESSONS
    written = make_student(source, Path(args.output))
    print(f"{len(written)} student notebook(s) written to {args.output}", file=sys.stderr)
    if args.printables:
        from .classroom.printables import PrintUnavailable, write_printables

        lessons = sorted(source.glob("[0-9][0-9]-*.ipynb"))
        try:
            pages = write_printables(lessons, Path(args.printables), pdf=not args.no_pdf)
        except PrintUnavailable as err:
            pages = write_printables(lessons, Path(args.printables), pdf=False)
            print(f"kzfigures: PDFs not written: {err}", file=sys.stderr)
        print(f"{len(pages)} worksheet and answer key file(s) written to {args.printables} (answer keys: "
              "for the teacher only)", file=sys.stderr)
    return 0


def _validate(args: argparse.Namespace) -> int:
    """kzfigures validate: print every problem in the data package."""
    from .data.validation import validate_package

    problems = validate_package()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def _add(args: argparse.Namespace) -> int:
    """kzfigures add: store an article's text and metadata in seeds/; the new id is the last word printed."""
    from .data.articles import add_article

    new_id = add_article(args.file, args.title, args.publisher, args.published, url=args.url, seed_id=args.id,
                         rights=args.rights)
    print(f"added {args.file} to the collection as {new_id}")
    return 0


def _draft(args: argparse.Namespace) -> int:
    """kzfigures draft: propose an article's figure and non-figure rows (status: proposed)."""
    from .data.draft import draft_article

    result = draft_article(args.id, output=args.output)
    if result.output is not None:
        print(f"{result.figures_added} proposed figure row(s) written to {result.output}; nothing else was changed")
    else:
        print(f"{result.figures_added} figure row(s) and {result.non_figures_added} non-figure row(s) proposed for "
              f"{args.id} (status: proposed) in data/figures.csv and data/non_figures.csv; "
              f"{result.already_covered} already covered by existing rows, left as they are")
    return 0


def _params(args: argparse.Namespace) -> int:
    """kzfigures params: each notebook's parameters, defaults and allowed values."""
    from .notebooks.collection import list_notebooks
    from .notebooks.params import rule

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
    student.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    student.set_defaults(run=_student)
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
    draft = sub.add_parser("draft", help="propose an article's figure rows and non-figures (status: proposed)")
    draft.add_argument("id", help="the article's id (as `kzfigures add` printed it)")
    draft.add_argument("--output", default=None, metavar="ROWS.csv",
                       help="write the proposed figure rows to this file and change nothing else")
    draft.set_defaults(run=_draft)
    params = sub.add_parser("params", help="list the notebooks' parameters")
    params.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    params.set_defaults(run=_params)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; user errors are one line on stderr and a non-zero exit (a traceback with --debug)."""
    from .data.problems import DataPackageError
    from .notebooks.params import ParameterError

    args = parser().parse_args(argv)
    from .build.folders import OutputRefused
    from .charts.outputs import OutputsError
    from .classroom.edition import MarkerError
    from .data.articles import ArticleRefused
    from .notebooks.collection import NotebookError

    user_errors: tuple[type[BaseException], ...] = (ParameterError, DataPackageError, FileNotFoundError, MarkerError,
                                                     OutputsError, OutputRefused, NotebookError, ArticleRefused)
    if args.command == "draft":  # its refusals (an unknown id, an --output inside data/) are ValueErrors
        user_errors += (ValueError,)
    try:
        from .build.report import NotebookFailed

        user_errors += (NotebookFailed,)
        return args.run(args)
    except KeyboardInterrupt as err:
        terminated = str(err) == "signal 15"
        print(f"kzfigures: {'terminated' if terminated else 'interrupted'}; the previous report is unchanged",
              file=sys.stderr)
        return 143 if terminated else 130
    except user_errors as err:
        if args.debug:
            raise
        lines = [str(p) for p in err.problems] if isinstance(err, DataPackageError) else [str(err)]
        for line in lines:
            print(f"kzfigures: error: {line}", file=sys.stderr)
        return 2 if isinstance(err, (ParameterError, OutputRefused)) else 1
    except OSError as err:
        if args.debug:
            raise
        print(f"kzfigures: error: {_os_error(err)}; nothing was changed in the report folder", file=sys.stderr)
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
