"""A student's answer cell that cannot run, or runs without answering, gets one line saying why: never a traceback.

In the student edition an answer and its check share one cell, ending in ``lessons.check(...)``. When the lessons
are imported in IPython, ``install`` adds an input transformer (IPython's own extension point for rewriting a cell
before it runs) that hands such a cell to ``answered``: the student's lines run in the notebook's namespace as
written, and an error in them (``math.Inf``, a name without quotes, ``15,001``) becomes a "Not yet" box with a
one-line hint, so Run All goes on. A value left on a line of its own, in place of ``answer_1 = …``, gets "Not
answered yet" saying so. A cell holding a hidden test (a ``require`` call, as ``lessons.require(`` or as nbgrader's
autograde copy calls it, through its own import) is never changed: its failure is the grade. Written here because
otter-grader and nbgrader grade after the fact; neither explains a slip in class.
"""
from __future__ import annotations

import ast
import io
import os
import re
import sys
import tokenize
from typing import Any

from .edition import BEGIN_HIDDEN, CHECK_CALL

#: What a slip's error message says, and the hint it deserves ({0}: the name or attribute the message names).
#: Checked in order: the first (error type, pattern) that matches gives the hint.
HINTS: tuple[tuple[str, str, str], ...] = (
    ("AttributeError", r"module 'math' has no attribute '(Inf|INF|infinity|Infinity|infinite)'",
     "Python tells capitals apart: infinity is math.inf, in small letters"),
    ("AttributeError", r"module 'kzfigures' has no attribute '(\w+)'",
     "kzfigures has no {0}: check its spelling against the question"),
    ("AttributeError", r"has no attribute '(\w+)'", "there is no {0} there: check its spelling and its capitals"),
    ("NameError", r"name '(inf|Inf|INF|infinity|Infinity)' is not defined", "infinity is written math.inf"),
    ("NameError", r"name '(parse_quantity|rate_per|load_figures|in_context|Bounds|FLAGSHIP)' is not defined",
     "{0} is part of kzfigures: write kzfigures.{0}"),
    ("NameError", r"name '(math|kzfigures|lessons|views|figures|compared|np|pd)' is not defined",
     "{0} is set up by a cell above this one: run the cells from the top (Run All), then this one"),
    ("NameError", r"name '(\w+)' is not defined",
     "Python knows no name {0}: a name or a word you mean as text goes in quotes, as \"{0}\""),
    ("TypeError", r"unsupported operand type\(s\) for .*'tuple'|cannot use .* as bounds",
     "arithmetic on a pair such as (180, 250) is not done for you: use the library's bounds (kzfigures.parse_quantity)"),
    ("ValueError", r"cannot parse '(.*)' as a quantity",
     "kzfigures cannot read “{0}” as a number phrase: use the article's words, or the number alone"),
)
#: A number written with a thousands comma: Python reads 15,000 as two numbers (15, 0) and 15,001 not at all.
COMMA_HINT = ("Python reads the comma in {0} as separating two numbers: write {1} or {2}, "
              "without a comma")
#: A hidden test's call, as the instructor writes it (``lessons.require(``) and as autograde runs it
#: (feedback.OWN_REQUIRE: ``__import__(...).require(``).
HIDDEN_TEST = ".require("
#: The calls a student may leave on a line of their own on purpose.
SHOWN = {"print", "display"}


def _guarded(lines: list[str]) -> list[str]:
    """IPython's input transformer: a cell ending in a lessons.check call (and holding no hidden test) runs
    through ``answered``; any other cell is left as it is."""
    source = "".join(lines)
    if "lessons.check(" not in source or BEGIN_HIDDEN in source or HIDDEN_TEST in source:
        return lines
    body, _, last = source.rstrip().rpartition("\n")
    call = CHECK_CALL.match(last.strip())
    if not call:
        return lines
    return [f'__import__("kzfigures.classroom.slips", fromlist=["answered"]).answered('
            f'{call["lesson"]!r}, {call["question"]!r}, {call["answer"]!r}, {body!r}, globals())\n']


#: Set by `kzfigures grade` in a submission's kernel (grading.TOKEN_ENV): there an error is left to raise, so the
#: teacher's table names the question that failed and why.
GRADING_ENV = "KZFIGURES_GRADING"


def install() -> None:
    """Add the transformer to the running IPython, once; outside IPython, or while `kzfigures grade` runs the
    notebook, do nothing."""
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if shell is None or os.environ.get(GRADING_ENV):
        return
    transformers = shell.input_transformers_cleanup
    transformers[:] = [t for t in transformers if getattr(t, "__qualname__", "") != _guarded.__qualname__
                       or getattr(t, "__module__", "") != __name__]
    transformers.append(_guarded)


def _shell_code(body: str) -> str:
    """The body as IPython would run it (its magics turned into Python), or as written outside IPython."""
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return shell.transform_cell(body) if shell is not None else body


def answered(lesson: str, question: str, variable: str, body: str, namespace: dict[str, Any]) -> Any:
    """Run a student's answer lines in the notebook's namespace, then check the answer; a slip gets its hint."""
    from .lessons import RESULTS, Feedback, check

    try:
        exec(compile(_shell_code(body), "<your answer>", "exec"), namespace)
    except SyntaxError as err:
        feedback = Feedback("not yet", syntax_hint(err, body))
    except Exception as err:
        feedback = Feedback("not yet", error_hint(err))
    else:
        answer = namespace.get(variable)
        bare = bare_value(body) if answer is None else None
        if bare:
            feedback = Feedback("unanswered", f"line {bare[0]} holds your answer on its own, so {variable} is "
                                              f"still empty: write {variable} = in front of it ({variable} = "
                                              f"{bare[1]}) and run the cell again")
        else:
            feedback = check(lesson, question, answer)
            comma = comma_slip(body)
            if comma and feedback.state == "not yet":
                feedback = Feedback("not yet", comma)
    RESULTS.setdefault(lesson, {})[question] = feedback.state
    return feedback


def _line_of(err: BaseException) -> int | None:
    """The line of the student's answer an error was raised on."""
    tb, line = err.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<your answer>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def error_hint(err: Exception) -> str:
    """One line for an error raised by the student's lines: where, and the slip its message shows."""
    message = str(err).split("\n")[0]
    where = f"line {_line_of(err)} of your answer" if _line_of(err) else "your answer"
    for kind, pattern, hint in HINTS:
        found = re.search(pattern, message)
        if type(err).__name__ == kind and found:
            return f"{where} could not run: {hint.format(*found.groups())}"
    return f"{where} could not run ({type(err).__name__}: {message[:100]}): look at its form in the question"


def syntax_hint(err: SyntaxError, body: str) -> str:
    """One line for a cell Python cannot read: the line, and the likely slip (a comma in a number, text
    without quotes)."""
    where = f"line {err.lineno} of your answer cannot be read" if err.lineno else "your answer cannot be read"
    line = body.split("\n")[err.lineno - 1] if err.lineno and err.lineno <= body.count("\n") + 1 else ""
    number = re.search(r"\b(\d{1,3}(?:,\d{3})+)\b", line)
    if number:
        return f"{where}: " + _comma_words(number.group(1))
    if re.search(r"=\s*[A-Za-z][\w.]*\s+[A-Za-z]", line) or "invalid syntax" in (err.msg or ""):
        return (f"{where} ({err.msg}): text goes in quotes (\"Assanov\"), a pair in brackets ((180, 250)), "
                "and numbers without commas (15000)")
    return f"{where}: {err.msg}"


def _comma_words(written: str) -> str:
    """The comma hint for one number as the student wrote it."""
    digits = written.replace(",", "")
    return COMMA_HINT.format(written, digits, f"{int(digits):_}")


def comma_slip(body: str) -> str:
    """The comma hint when the student's code writes a number with a thousands comma (15,000), else ""."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(body).readline)
                  if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]
    except (tokenize.TokenError, SyntaxError):
        return ""
    for first, comma, second in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if (first.type == tokenize.NUMBER and comma.string == "," and second.type == tokenize.NUMBER
                and first.end == comma.start and comma.end == second.start and re.fullmatch(r"\d{3}", second.string)
                and first.string.isdigit() and (len(first.string) <= 2 or second.string == "000")):
            return _comma_words(f"{first.string},{second.string}")
    return ""


def bare_value(body: str) -> tuple[int, str] | None:
    """(line, text) of a value standing on a line of its own (not printed or displayed), or None."""
    try:
        tree = ast.parse(body)
    except SyntaxError:
        return None
    for node in tree.body:
        if not isinstance(node, ast.Expr) or isinstance(getattr(node.value, "value", None), str):
            continue
        func = node.value.func if isinstance(node.value, ast.Call) else None
        if isinstance(func, ast.Name) and func.id in SHOWN:
            continue
        text = " ".join((ast.get_source_segment(body, node) or "…").split())
        return node.lineno, text if len(text) <= 60 else text[:57] + "…"
    return None
