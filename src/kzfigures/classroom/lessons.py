"""Checks for the lessons' exercises: each says what is right, or what is wrong and why, in words.

The lessons call ``check(lesson, question, answer)`` with the question's name ("shares", "largest-share"); the
answer key at the end of this module says what each named question expects, so the student edition's check cells
give nothing away, and moving a question within a lesson cannot re-key the answers.

A check never raises in a lesson: it shows a short feedback block, "✓ Right" or "Not yet" with a hint, never the
expected value and never a traceback, so Run All on an untouched student notebook runs to the end, where
``summary(lesson)`` says how many questions are answered. (The check_* helpers raise NotYet; ``check`` turns
that into feedback.) ``require`` is the one that raises: it is the hidden test nbgrader's autograde scores.
"""
from __future__ import annotations

import html
import math
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from numbers import Real
from typing import TYPE_CHECKING, Any, ClassVar

from ..figures.bounds import Bounds
from ..figures.parse import parse_quantity
from .answers import read

if TYPE_CHECKING:
    import pandas as pd


class NotYet(AssertionError):
    """An answer that is missing or not right yet; the message says what to look at."""


class NotAnswered(NotYet):
    """An answer not given yet: what ``require`` raises for one (nbgrader's feedback shows it as its box)."""


class TakenOut(NotYet):
    """A question the lesson no longer asks (its article's curation changed since it was handed out): not scored."""


def _missing(answer: Any, name: str, hint: str) -> None:
    """Refuse an answer that was not given."""
    if answer is None or answer is Ellipsis:
        raise NotYet(hint[0].upper() + hint[1:] + ".")


def _is_number(value: Any) -> bool:
    """True for a number a student can type or compute: int, float, numpy's int64 and float64; not True/False."""
    return isinstance(value, Real) and not isinstance(value, (bool, _np_bool()))


def _np_bool() -> type:
    """numpy's bool type (np.True_ is no number either), or bool when numpy is not loaded."""
    import sys

    numpy = sys.modules.get("numpy")
    return numpy.bool_ if numpy is not None else bool


def _as_float(value: Any, name: str) -> float:
    """A number as a float, refused in words when it is not one (nan) or too large for one (10**400)."""
    try:
        x = float(value)
    except OverflowError:
        raise NotYet(f"{name} is a number too large to compute with ({str(value)[:12]}…): "
                     "check the arithmetic") from None
    if math.isnan(x):
        raise NotYet(f"{name} is nan (not a number): a calculation on missing or empty data gave it; check each step")
    return x


def _as_bounds(answer: Any, name: str) -> Bounds:
    """Read an answer given as Bounds or as a (lower, upper) pair, refusing in words a pair that is no interval."""
    if isinstance(answer, Bounds):
        return answer
    if isinstance(answer, (tuple, list)) and len(answer) == 2 and all(_is_number(v) for v in answer):
        lower, upper = (_as_float(v, name) for v in answer)
        if lower > upper:
            raise NotYet(f"{name} has its lower end above its upper end: write (lower, upper), the smaller first")
        if lower == upper == math.inf or lower == upper == -math.inf:
            raise NotYet(f"{name} has both ends at {lower}: the lower end is a number the words allow")
        return Bounds(lower, upper, False, upper == math.inf)
    raise NotYet(_pair_slip(answer, name))


#: A pair's slips: what an end holds instead of a number, and the hint it deserves.
_NOT_AN_END = {str: "an end in quotes is text, not a number: write the number without quotes (math.inf for ∞)",
               type(None): "None is no number: for “no top” write math.inf"}


def _pair_slip(answer: Any, name: str) -> str:
    """Why an answer is not a (lower, upper) pair, in words: a number written with a comma, an end that is text."""
    if isinstance(answer, (tuple, list)) and len(answer) > 2 and all(_is_number(v) for v in answer):
        return (f"{name} holds {len(answer)} numbers, not two: Python reads a comma inside a number (15,000) as "
                "separating two numbers; write 15000 or 15_000")
    if isinstance(answer, (tuple, list)) and len(answer) == 2:
        odd = next((v for v in answer if not _is_number(v)), None)
        if type(odd) in _NOT_AN_END:
            return f"{name} = {_shown(answer)}: {_NOT_AN_END[type(odd)]}"
    return f"{name} should be a pair (lower, upper), such as (3, 7), or Bounds; got {_shown(answer)}"


def _shown(answer: Any) -> str:
    """A student's answer as shown in feedback: its repr, cut short (a whole table would fill the screen)."""
    try:
        text = " ".join(repr(answer).split())
    except Exception:
        text = f"a {type(answer).__name__}"
    return text if len(text) <= 80 else text[:77] + "…"


def _close(a: float | Fraction, b: float | Fraction) -> bool:
    """Equal, allowing for rounding (and inf == inf)."""
    return a == b or (math.isfinite(a) and math.isfinite(b) and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12))


def _whole_end(given: float | Fraction, right: float | Fraction, is_open: bool, step: int) -> bool:
    """True when a whole-number end is the right one: 15,001 for the open lower end of "more than 15,000"."""
    return is_open and math.isfinite(right) and float(right).is_integer() and _close(float(given), float(right) + step)


def check_bounds(answer: Any, phrase: str, name: str = "your answer", openness: bool = False,
                 whole: bool = False) -> str:
    """Check bounds against what the words "phrase" allow; with ``openness`` the open ends must match too; with
    ``whole`` (things counted whole, such as people) an open end may also be given as the next whole number."""
    _missing(answer, name, f"write the lowest and highest values that “{phrase}” allows, as (lower, upper)")
    given, right = _as_bounds(answer, name), parse_quantity(phrase)
    if whole and _whole_end(given.lower, right.lower, right.lower_open, 1):
        given = Bounds(right.lower, given.upper, right.lower_open, given.upper_open)
    if whole and _whole_end(given.upper, right.upper, right.upper_open, -1):
        given = Bounds(given.lower, right.upper, given.lower_open, right.upper_open)
    if not _close(given.lower, right.lower):
        more = "too high" if given.lower > right.lower else "too low"
        why = {"vague": "a vague word gives only the least it allows: what is the least it can mean?",
               "more_than": f"“{phrase}” starts just above {right.lower:,g}"}.get(right.bound or "", "read the words again")
        raise NotYet(f"your lower bound {given.lower:,g} is {more}: {why}")
    if not _close(given.upper, right.upper):
        if right.upper == math.inf:
            raise NotYet(f"your upper bound {given.upper:,g} is too low: “{phrase}” leaves the top open; use math.inf")
        more = "too high" if given.upper > right.upper else "too low"
        raise NotYet(f"your upper bound {given.upper:,g} is {more}: read where “{phrase}” puts the top")
    if openness and (given.lower_open, given.upper_open) != (right.lower_open, right.upper_open):
        raise NotYet("the numbers are right, but not which ends are included: decide for each end whether the value "
                     "itself is allowed")
    return "your bounds match the words."


def check_interval(answer: Any, expected: Bounds, name: str = "your answer", what: str = "the result") -> str:
    """Check a computed interval (ends and open ends) against the right one."""
    _missing(answer, name, f"compute {what} with the library's bounds arithmetic")
    if not isinstance(answer, Bounds):
        if _is_number(answer):
            raise NotYet(f"{name} is a single number ({_as_float(answer, name):g}); {what} is a range: keep both ends")
        raise NotYet(f"{name} should be Bounds (the result of arithmetic on parse_quantity(...)); got {_shown(answer)}")
    for end, mine, right in (("lower", answer.lower, expected.lower), ("upper", answer.upper, expected.upper)):
        if not _close(float(mine), float(right)):
            hint = _scale_hint(float(mine), float(right)) or (
                f"take the {end} end from the combination of input ends that gives the "
                f"{'smallest' if end == 'lower' else 'largest'} result")
            raise NotYet(f"the {end} end of {name} is {'too high' if float(mine) > float(right) else 'too low'}: {hint}")
    if (answer.lower_open, answer.upper_open) != (expected.lower_open, expected.upper_open):
        raise NotYet(f"{name} has the right ends but not the right open or closed ends: look again at which ends "
                     "can be reached")
    return "both ends, and which of them are included, are right."


def _scale_hint(mine: float, right: float) -> str:
    """Say so when an answer is off by a power of ten (a forgotten "per million" or percent)."""
    if mine <= 0 or right <= 0 or not (math.isfinite(mine) and math.isfinite(right)):
        return ""
    power = math.log10(right / mine)
    if abs(power - round(power)) < 1e-6 and round(power) != 0:
        return (f"it is off by a factor of {10 ** abs(round(power)):,}: did you forget to multiply "
                f"(per million, or ×100 for percent)?" if power > 0 else
                f"it is {10 ** abs(round(power)):,} times too big: did you multiply once too often?")
    return ""


def check_value(answer: Any, expected: float | Fraction, name: str = "your answer", hints: dict[str, str] | None = None,
                wrong: dict[float | Fraction, str] | None = None) -> str:
    """Check a single number; ``wrong`` maps tempting wrong answers to the feedback they deserve."""
    _missing(answer, name, (hints or {}).get("missing", "give a number"))
    if not _is_number(answer):
        raise NotYet(_number_slip(answer, name))
    answer = _as_float(answer, name)
    for value, feedback in (wrong or {}).items():
        if _close(answer, value):
            raise NotYet(feedback)
    if not _close(answer, expected):
        direction = "too high" if answer > expected else "too low"
        hint = (hints or {}).get(direction)
        raise NotYet(f"{name} = {answer:,g} is {direction}" + (f": {hint}" if hint else "."))
    return "that is the number."


def _number_slip(answer: Any, name: str) -> str:
    """Why an answer is not a number, in words: a number written with a comma (2,000 is (2, 0)), or in quotes."""
    if isinstance(answer, tuple) and len(answer) > 1 and all(isinstance(v, int) and 0 <= v < 1000 for v in answer):
        return (f"{name} is {_shown(answer)}, several numbers: Python reads a comma inside a number (2,000) as "
                "separating two numbers; write 2000 or 2_000")
    if isinstance(answer, str) and answer.strip().replace(",", "").replace("_", "").replace(".", "", 1).isdigit():
        return f"{name} = {_shown(answer)} is text: write the number without quotes"
    if isinstance(answer, (tuple, list)):
        return f"{name} should be one number, not a pair or a list; got {_shown(answer)}"
    return f"{name} should be a number; got {_shown(answer)}"


def check_set(answer: Any, expected: Iterable[str], name: str = "your answer", what: str = "figure ids") -> str:
    """Check a set of names: say how many are missing (never which: that would be the answer) and which of the
    student's do not belong."""
    _missing(answer, name, f"give a set of {what}, such as {{'a', 'b'}}")
    if isinstance(answer, (str, bytes, dict)) or not isinstance(answer, Iterable):
        raise NotYet(f"{name} should be a set of {what}; got {_shown(answer)}")
    if hasattr(answer, "columns"):
        raise NotYet(f"{name} is a whole table: take its column of {what}, such as set(df['figure_id'])")
    items = list(answer.tolist() if hasattr(answer, "tolist") else answer)  # a Series, an Index or an array
    if items and all(isinstance(i, list) and len(i) == 1 for i in items):  # df[["figure_id"]].values
        raise NotYet(f"{name} holds one-item rows (a table's .values): take the column itself, "
                     f"such as set(df['figure_id'])")
    odd = next((i for i in items if not isinstance(i, str)), None)
    if odd is not None:
        raise NotYet(f"{name} should hold {what}, as text; it holds {_shown(odd)} (a row number or value is not an id)")
    given, right = set(items), set(expected)
    missing, extra = sorted(right - given), sorted(given - right)
    if missing or extra:
        shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        parts = ([f"{len(missing)} more belong in it" if len(missing) > 1 else "1 more belongs in it"]
                 if missing else []) + ([f"not right here: {shown}"] if extra else [])
        raise NotYet(f"{name} is not complete yet ({'; '.join(parts)})")
    return f"the set of {what} is complete."


def check_choice(answer: Any, expected: str, name: str = "your answer", why: str = "",
                 also: Iterable[str] = ()) -> str:
    """Check a one-word or one-name answer (case and spaces do not matter); ``also`` lists other right wordings."""
    _missing(answer, name, "write the name, in quotes")
    if not isinstance(answer, str):
        raise NotYet(f"{name} should be text, in quotes; got {_shown(answer)}")
    if " ".join(answer.split()).lower() not in {w.lower() for w in (expected, *also)}:
        raise NotYet(f"{name} = {_shown(answer)} is not it. {why}".strip())
    return "that is the one."


# -- the answer key --------------------------------------------------------------------------------------------
# The lessons' check cells only name their question (lessons.check("shares", 2, answer_2)), so the student
# edition shows no expected value. What each question expects is computed here, from the data.

#: Kazakhstan's population in 2014, midyear: 17,288,280, World Bank WDI series SP.POP.TOTL (UN World Population
#: Prospects 2019), as indexmundi.com/facts/kazakhstan/indicator/SP.POP.TOTL shows it, row 2014 (external;
#: lesson 02 states it, notebook 01's population parameter defaults to it).
POPULATION_2014 = 17_288_280

Key = Callable[[Any, str], Any]  # returns the words of a right answer (or a Feedback); raises NotYet
#: (lesson, question name) -> the check of that question.
ANSWER_KEY: dict[tuple[str, str], Key] = {}


def _question(lesson: str, question: str) -> Callable[[Key], Key]:
    """Register the check of one named question."""
    def register(fn: Key) -> Key:
        ANSWER_KEY[(lesson, question)] = fn
        return fn
    return register


@dataclass(frozen=True)
class Feedback:
    """What a check shows a student: right (✓), not right yet, or not answered yet, with one short sentence."""

    state: str  # "right", "as asked" (done as asked, though not an answer to trust), "not yet", "unanswered", or
    # "taken out" (a question of a lesson made from an article that its curation has since taken out: not scored)
    text: str

    _LOOK: ClassVar[dict[str, tuple[str, str, str]]] = {
             "right": ("✓ Right", "#e6f4ea", "#1e6b35"), "as asked": ("Computed as asked", "#eef2f7", "#33475b"),
             "not yet": ("Not yet", "#fff4e0", "#7a4b00"),
             "unanswered": ("Not answered yet", "#eef2f7", "#33475b"),
             "taken out": ("No longer in this lesson", "#eef2f7", "#33475b")}

    def __repr__(self) -> str:
        return f"{self._LOOK[self.state][0]}: {self.text}"

    def _repr_html_(self) -> str:
        title, background, colour = self._LOOK[self.state]
        return (f'<div role="status" style="border-left:4px solid {colour};background:{background};color:{colour};'
                f'padding:0.4em 0.8em;margin:0.3em 0;font-family:system-ui,sans-serif">'
                f"<strong>{title}</strong>: {html.escape(self.text)}</div>")


#: lesson -> question -> "right", "not yet" or "unanswered", as last checked in this session
RESULTS: dict[str, dict[str, str]] = {}


def check(lesson: str, question: str, answer: Any) -> Feedback:
    """Check the answer to a named question of a lesson ("reading", "shares", "sources" or "context").

    Never raises for an answer: a wrong or missing one gives "not yet" feedback with a hint, so Run All goes on.
    The answer is checked as the grader reads it (answers.read: a number by its value whatever its type, a
    collection by its items), so the box and the grade give one verdict; an answer the grader reads only as its
    words (a whole table) gets the hint its own form deserves, when that is "not yet" too.
    """
    key = _key(lesson, question)
    if key is None and taken_out(lesson, question):
        RESULTS.setdefault(lesson, {})[question] = "taken out"
        return Feedback("taken out", taken_out_words(lesson, question))
    if key is None:
        known = ", ".join(f"{k[0]} {k[1]}" for k in sorted(ANSWER_KEY))
        raise KeyError(f"no question {question!r} in lesson {lesson!r}; known: {known}")
    value = read(answer)
    feedback = _checked(key, value)
    if feedback.state == "not yet" and isinstance(value, str) and not isinstance(answer, str):
        own = _checked(key, answer)
        if own.state == "not yet":
            feedback = own
        elif own.state != "unanswered":  # right only as an object the grader cannot read (a generator)
            feedback = Feedback("not yet", f"your answer is a {type(answer).__name__}, which is graded as its words "
                                           f"({_shown(value)}), not its values: give the values themselves, as a set "
                                           "or a list (set(…), list(…)) or a number")
    RESULTS.setdefault(lesson, {})[question] = feedback.state
    return feedback


def _checked(key: Key, answer: Any) -> Feedback:
    """One check's feedback on an answer: never an error."""
    try:
        said = key(answer, "your answer")
        return said if isinstance(said, Feedback) else Feedback("right", said)
    except NotYet as err:
        unanswered = answer is None or answer is Ellipsis
        return Feedback("unanswered" if unanswered else "not yet", str(err))
    except Exception as err:
        return Feedback("not yet", f"your answer ({_shown(answer)}) could not be checked "
                                   f"({type(err).__name__}): look at its form in the question")


#: The grader's loop, run by ``python -P -c`` in a process of its own: it reads (lesson, question, answer) as JSON,
#: length-prefixed, on stdin (never pickle: unpickling runs what the pickle names), checks the answer with its own
#: copy of this module, and writes [state, text] as JSON.
_GRADER = """
import json, sys
reply, sys.stdout = sys.stdout, sys.stderr
from kzfigures.classroom import lessons
from kzfigures.classroom.answers import decode
while True:
    size = sys.stdin.buffer.read(8)
    if len(size) < 8:
        break
    body = sys.stdin.buffer.read(int.from_bytes(size, "big"))
    try:
        lesson, question, answer = json.loads(body)
        if lessons._key(lesson, question) is None and lessons.taken_out(lesson, question):
            said = ["taken out", lessons.taken_out_words(lesson, question)]
        elif lessons._key(lesson, question) is None:
            said = ["unknown", f"no question {question!r} in lesson {lesson!r}"]
        else:
            feedback = lessons.check(lesson, question, decode(answer))
            said = [feedback.state, feedback.text]
    except Exception as err:
        said = ["not yet", f"the grader could not read this answer ({type(err).__name__}): give a plain value"]
    reply.write(json.dumps(said) + "\\n")
    reply.flush()
"""


def _grader() -> Callable[[str, str, Any], tuple[str, str]]:
    """The function ``require`` grades with: it sends the answer to a grader process of its own (started on first
    use, kept for the session) and returns its verdict.

    Everything it uses is taken now, when the module is imported, before any student code runs: a student who
    rebinds the compare functions, the answer key, ``math`` or ``json`` in the notebook changes nothing in the
    grader process. The answer goes there as plain JSON (answers.plain), so an object of the student's own arrives
    as its words and is not right, and nothing it carries runs in the grader.
    """
    import json
    import os
    import subprocess
    import sys
    import threading

    from .answers import plain

    encode, loads, popen, pipe, devnull = json.dumps, json.loads, subprocess.Popen, subprocess.PIPE, subprocess.DEVNULL
    command, env, lock = [sys.executable, "-P", "-c", _GRADER], dict(os.environ), threading.Lock()
    held: list[subprocess.Popen[bytes]] = []

    def grade(lesson: str, question: str, answer: Any) -> tuple[str, str]:
        try:
            body = encode([lesson, question, plain(answer)]).encode()
        except Exception as err:
            return "not yet", f"this answer cannot be graded ({type(err).__name__}): give a plain value"
        with lock:
            try:
                if not held or held[0].poll() is not None:
                    held[:] = [popen(command, stdin=pipe, stdout=pipe, stderr=devnull, env=env)]
                into, out = held[0].stdin, held[0].stdout
                if into is None or out is None:
                    raise OSError("no pipe to the grader")
                into.write(len(body).to_bytes(8, "big") + body)
                into.flush()
                state, text = loads(out.readline())
            except (OSError, ValueError) as err:
                return "not yet", f"the grader could not be asked ({type(err).__name__}); run the cell again"
        return state, text

    return grade


def require(lesson: str, question: str, answer: Any,
            _grade: Callable[..., tuple[str, str]] = _grader()) -> None:  # noqa: B008 - taken at import, on purpose
    """Raise NotYet or NotAnswered (AssertionErrors, with the hint) unless the answer is right: the hidden test
    nbgrader's autograde runs (its feedback turns the error back into the lesson's box, classroom/feedback.py).

    The answer is checked in a grader process of its own (see ``_grader``), never with names the notebook can rebind.
    """
    state, text = _grade(lesson, question, answer)
    if state == "unknown":
        raise KeyError(text)
    if state == "taken out":
        raise TakenOut(text)
    RESULTS.setdefault(lesson, {})[question] = state
    if state == "unanswered":
        raise NotAnswered(text)
    if state not in ("right", "as asked"):
        raise NotYet(text)


def summary(lesson: str) -> Feedback:
    """How far a student got in a lesson: "2 of 6 answered correctly; not answered yet: questions 3, 4, 5 and 6"."""
    questions = [q for (name, q) in ANSWER_KEY if name == lesson] or list(_generated(lesson))
    if not questions:
        raise KeyError(f"no lesson {lesson!r}")
    states = [RESULTS.get(lesson, {}).get(q, "unanswered") for q in questions]
    right = states.count("right") + states.count("as asked")
    parts = [f"{right} of {len(questions)} answered correctly"]
    for state, words in (("not yet", "not right yet"), ("unanswered", "not answered yet")):
        numbers = [str(i) for i, s in enumerate(states, 1) if s == state]
        if numbers:
            listed = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
            parts.append(f"{words}: question{'s' if len(numbers) > 1 else ''} {listed}")
    return Feedback("right" if right == len(questions) else "not yet" if right else "unanswered", "; ".join(parts))


def _generated(lesson: str) -> dict[str, Key]:
    """The checks of a lesson made from an article (exercises.py) by question name; {} unless ``lesson`` names a
    curated article. They are kept apart from ANSWER_KEY, the hand-written lessons' key."""
    from .exercises import answer_key

    return answer_key(lesson)


def taken_out(lesson: str, question: str) -> bool:
    """True for a question a lesson made from an article asked when it was handed out, which that article's lesson
    no longer asks (a curator took back or changed a figure since): no hand-written lesson's, no unknown article's."""
    from .exercises import is_article, question_kind

    return (not any(name == lesson for name, _ in ANSWER_KEY) and question_kind(question) != ""
            and _key(lesson, question) is None and is_article(lesson))


def taken_out_words(lesson: str, question: str) -> str:
    """The one line a student and a teacher read for a question taken out of a lesson since it was handed out."""
    return (f"question {question!r} is no longer in the lesson of {lesson!r}: the article's curation changed since "
            "this lesson was handed out, so it is not scored (nothing to do with your answer)")


def _key(lesson: str, question: str) -> Key | None:
    """The check of a question: of a hand-written lesson, or of a lesson made from an article."""
    if (lesson, question) in ANSWER_KEY:
        return ANSWER_KEY[(lesson, question)]
    if any(name == lesson for name, _ in ANSWER_KEY):
        return None
    from .exercises import check_named

    return check_named(lesson, question)


def _figures() -> pd.DataFrame:
    """The figures table (imported here so the checks module stays light)."""
    from ..figures.seeds import FLAGSHIP
    from ..figures.table import load_figures

    return load_figures(seed=FLAGSHIP)


def _karin() -> Bounds:
    return parse_quantity("between 180 and 250")


def _total() -> Bounds:
    return parse_quantity("more than 15,000")


def _more_than_forms() -> tuple[Bounds, ...]:
    """Every right way to write "more than 15,000" whole people: the open interval (15,000, ∞) the lesson, notebook 00
    and the README write, or the closed [15,001, ∞) of whole people."""
    words = parse_quantity("more than 15,000")
    return words, Bounds(words.lower + 1, words.upper, False, True)


def _notation(answer: str) -> Bounds | None:
    """The interval in the project's notation, "(15,000, ∞)" or "[15001, inf)", as Bounds; None if it is not one."""
    import re

    found = re.fullmatch(r"\s*([(\[])\s*([\d,_.]+)\s*,\s*(∞|inf|math\.inf)\s*\)\s*", answer)
    if not found:
        return None
    try:
        lower = float(found.group(2).replace(",", "").replace("_", ""))
    except ValueError:
        return None
    return Bounds(lower, math.inf, found.group(1) == "(", True)


@_question("reading", "more-than-15000")
def _more_than(answer: Any, name: str) -> str:
    """Right: (15_000, math.inf) read as the open interval (15,000, ∞), as the lesson writes it; (15_001, math.inf)
    for whole people; the same as Bounds or in the notation "(15,000, ∞)". Wrong: [15,000, ∞) as Bounds, which
    counts 15,000 itself."""
    if isinstance(answer, str) and _notation(answer) is not None:
        answer = _notation(answer)
    if isinstance(answer, (tuple, list)) and len(answer) == 2 and all(_is_number(v) for v in answer):
        check_bounds(answer, "more than 15,000", name, whole=True)
        return "your bounds match the words: the least is just above 15,000 (15,001 whole people), and the top is open."
    if isinstance(answer, Bounds):
        if answer in _more_than_forms() or any(
                (answer.lower, answer.upper, answer.lower_open, answer.upper_open)
                == (f.lower, f.upper, f.lower_open, f.upper_open) for f in _more_than_forms()):
            return "your bounds match the words, open ends included."
        if answer.lower == 15_000 and not answer.lower_open:
            raise NotYet("15,000 itself is not “more than 15,000”: make the lower end open (lower_open=True), or "
                         "start at 15,001 whole people")
    return check_bounds(answer, "more than 15,000", name, openness=isinstance(answer, Bounds))


def _end_hint(end: str) -> str:
    """Which ends of the inputs make the share's top or bottom."""
    most, least = ("largest", "smallest") if end == "top" else ("smallest", "largest")
    return f"the share's {end} comes from the {most} count of citizens and the {least} total"


def _share_end(answer: Any, name: str, end: str) -> str:
    """A pair (value, can it be reached?) for one end of Karin's share, checked against the interval's end."""
    share = _karin() / _total()
    value, reached = (share.upper, not share.upper_open) if end == "top" else (share.lower, not share.lower_open)
    _missing(answer, name, "give a pair: (the number, True or False)")
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2 and isinstance(answer[1], (bool, _np_bool()))):
        raise NotYet(f"{name} should be a pair such as (0.5, True): the number, and whether the share can equal it")
    check_value(_rounded(answer[0], float(value)), float(value), name, wrong={
        (_karin().lower + _karin().upper) / 2 / _total().lower: "that is the shortcut's middle value, not an end",
        _karin().lower / _total().lower: "that uses the smallest count: which count makes the share largest?",
        **_percent(answer[0], float(value))},
        hints=dict.fromkeys(("too low", "too high"), _end_hint(end)))
    if answer[1] != reached:
        raise NotYet("the number is right; now think again whether the share can ever equal it")
    return "the number is right, and so is whether the share can reach it."
_question("reading", "karin-range")(lambda a, n: check_bounds(a, "between 180 and 250", n))
_question("reading", "least-thousands")(lambda a, n: check_value(
    a, parse_quantity("thousands").lower, n,
    wrong={1_000: "one thousand is “a thousand”: the plural needs at least two"},
    hints={"too high": "the word does not promise more than its least value", "too low": "“thousands” is plural"}))
_question("reading", "penalty-term")(lambda a, n: check_bounds(a, "three to seven years", n, openness=True))


@_question("reading", "open-at-top")
def _open_topped(answer: Any, name: str) -> str:
    figures = _figures()
    return check_set(answer, figures.loc[figures["upper"] == math.inf, "figure_id"], name)


def _decimals(answer: float) -> int:
    """How many decimals a number was written with (0.0143 -> 4)."""
    text = repr(float(answer))
    return 0 if "e" in text or "." not in text else len(text.split(".")[1].rstrip("0"))


def _rounded(answer: Any, expected: float, least_figures: int = 2) -> Any:
    """The exact value when ``answer`` is it rounded to the decimals it was written with (at least two significant
    figures, so 0.01 is not taken for 0.0143); otherwise the answer as given. The questions ask for no precision."""
    try:
        number = float(answer) if _is_number(answer) else math.nan
    except OverflowError:
        number = math.nan
    if not math.isfinite(number) or number == 0:
        return answer
    places = _decimals(number)
    figures = places + math.floor(math.log10(abs(number))) + 1
    return expected if figures >= least_figures and round(expected, places) == round(number, places) else answer


def _percent(answer: Any, expected: float) -> dict[float | Fraction, str]:
    """A share given in percent, which the questions do not ask for, and the hint it deserves."""
    if _is_number(answer) and expected and _rounded(answer / 100, expected) == expected:
        return {float(answer): "that is the share in percent: give it as a fraction of 1 (divide by 100)"}
    return {}


@_question("shares", "shortcut")
def _shortcut(answer: Any, name: str) -> Feedback:
    middle = (_karin().lower + _karin().upper) / 2
    expected = float(middle / _total().lower)
    check_value(_rounded(answer, expected), expected, name, wrong=_percent(answer, expected))
    return Feedback("as asked", "this is the shortcut, not an answer to trust: keep reading, the article does not "
                                "support a single number.")


_question("shares", "largest-share")(lambda a, n: _share_end(a, n, "top"))
_question("shares", "smallest-share")(lambda a, n: _share_end(a, n, "bottom"))


@_question("shares", "share-interval")
def _share(answer: Any, name: str) -> str:
    return check_interval(answer, _karin() / _total(), name, "the share")


_question("shares", "rate-per-million")(lambda a, n: check_interval(
    a, _karin() * 1_000_000 / POPULATION_2014, n, "the rate per million"))


@_question("shares", "exact-total")
def _exact_total(answer: Any, name: str) -> str:
    exact = _karin() / parse_quantity("15,000")
    check_interval(answer, exact, name)
    return "both ends are right: an exact total closes the bottom of the share."


#: Tempting wrong credits for the nine attacks, and the hint each deserves.
_NOT_ASSANOV = {
    "erlan karin": "Karin's report gives the 180–250 citizens; read the sentence of the nine attacks again",
    "karin": "Karin's report gives the 180–250 citizens; read the sentence of the nine attacks again",
    "yerzhan ashikbayev": "Ashikbayev spoke at the UN; the nine attacks come later in the article, from someone else",
    "ashikbayev": "Ashikbayev spoke at the UN; the nine attacks come later in the article, from someone else",
    "the astana times": "the article does not give the nine attacks in its own voice: “According to …” whom?",
    "astana times": "the article does not give the nine attacks in its own voice: “According to …” whom?",
    "unattributed": "the article names who says it: read the sentence that begins “According to”",
}


#: Words that do not change who is named: a title before the name, and the common transliteration "Asanov".
_SAME_PERSON = {"mr": "", "mr.": "", "asanov": "assanov"}


def _plain(text: str) -> str:
    """An answer made comparable: lower case, commas, brackets and a final full stop dropped, one space, no leading
    "the", no "Mr", one spelling of the name."""
    words = text.translate(str.maketrans(",()", "   ")).strip().rstrip(".").lower().split()
    words = [w for w in (_SAME_PERSON.get(w, w) for w in words) if w]
    return " ".join(words[1:] if words[:1] == ["the"] else words)


@_question("sources", "credited-with-nine-attacks")
def _credited(answer: Any, name: str) -> str:
    """Right: the name, the surname, or the role in the article's words ("Deputy Prosecutor General of Kazakhstan",
    "the Deputy Prosecutor General"), alone or with the name."""
    from ..figures.companions import people

    credited = _figures().set_index("figure_id").loc["attacks_prevented", "attributed_to"]
    person = people().set_index("name").loc[credited]
    names = {credited, credited.split()[-1]}
    roles = {"Deputy Prosecutor General", "Deputy Prosecutor General of Kazakhstan", person["role"].split(";")[0],
             person["role"]}
    right = names | roles | {f"{r} {n}" for r in roles for n in names} | {f"{n} {r}" for r in roles for n in names}
    _missing(answer, name, "write the name, in quotes")
    if isinstance(answer, str) and _plain(answer) in {_plain(w) for w in right}:
        return "that is the one."
    if isinstance(answer, str) and _plain(answer) in _NOT_ASSANOV:
        hint = _NOT_ASSANOV[_plain(answer)]
        raise NotYet(f"{name} = {answer!r} is not it: {hint}{'' if hint.endswith('?') else '.'}")
    return check_choice(answer, credited, name, "Read the sentence of the nine attacks: “According to …” whom?",
                        also=sorted(right))


@_question("sources", "no-named-source")
def _unattributed(answer: Any, name: str) -> str:
    """Right: the figures the article credits to unnamed "estimates" or "reports" (attribution none)."""
    figures = _figures()
    return check_set(answer, figures.loc[figures["attribution"] == "none", "figure_id"], name)


@_question("sources", "restatement")
def _restatement(answer: Any, name: str) -> str:
    """Right: the number of distinct counts the nine attacks' two rows give (one, said twice)."""
    figures = _figures()
    restated = figures.loc[figures["same_as"].notna(), ["figure_id", "same_as"]]
    counts = len(set(restated["same_as"]))  # the rows the restatements repeat: one count each
    nine = figures.set_index("figure_id").loc["attacks_prevented", "lower"]
    return check_value(answer, counts, name, wrong={
        counts + 1: "both sentences speak of the same nine attacks over the same time (said in 2014, “since last "
                    "year” is 2013 and 2014), the second in Assanov's own words: is that a second count?",
        2 * nine: "adding the two sentences counts the same nine attacks twice: how many counts are there, not attacks"},
        hints={"missing": "give a number: how many different counts of prevented attacks"})


@_question("sources", "officials-count")
def _officials(answer: Any, name: str) -> str:
    figures = _figures()
    officials = int((figures["source_type"].str.startswith("official") & figures["same_as"].isna()).sum())
    inferred = int((figures["attribution"] == "inferred").sum())  # credited by kzfigures, not by the article
    return check_value(answer, officials, name, wrong={
        officials + 1: "you counted the restatement too: it is the same nine attacks",
        officials + inferred: "the article gives the 130 ethnic groups and 17 denominations in its own voice, after "
                              "Ashikbayev's speech: it does not say they are his"})


# -- lesson 04: checking a number against other sources (the relations come from kzfigures.in_context) ------------
def _compared() -> pd.DataFrame:
    """The comparison table (imported here so the checks module stays light)."""
    from ..figures.context import in_context

    return in_context()


def _relation_of(external_id: str) -> str:
    """The relation in_context() gives one external figure."""
    table = _compared()
    return table.loc[table["external_id"] == external_id, "relation"].item()


def _relation_check(external_id: str, tempting: dict[str, str], hint: str) -> Key:
    """The check of "which relation does the table give this row?": ``tempting`` maps a wrong relation to its hint."""
    def check_relation(answer: Any, name: str) -> str:
        _missing(answer, name, "write the relation from the list, in quotes")
        if isinstance(answer, str) and " ".join(answer.split()).lower().strip("'\" .") in tempting:
            raise NotYet(tempting[" ".join(answer.split()).lower().strip("'\" .")])
        return check_choice(answer.strip("'\" .") if isinstance(answer, str) else answer,
                            _relation_of(external_id), name, hint)
    return check_relation


_question("context", "jamestown")(_relation_check(
    "jamestown_karin_2014",
    {"consistent": "250 is inside 180–250, but whom does the table credit with Jamestown's figure, and whom does the "
                   "article credit with its own? Can a source check itself?",
     "different scope": "first read where the figure comes from: whom is it credited to?"},
    "Read whom the table credits with jamestown_karin_2014: whose report is Jamestown summarising?"))
_question("context", "knb-march-2015")(_relation_check(
    "knb_2015_03_fighters",
    {"lower later": "150 is lower and later, but RFE/RL says it is in line with earlier statements, most likely a "
                    "video of 2013: is it a new count?",
     "lower earlier": "March 2015 is after September 2014; and read what RFE/RL says about where the figure comes from"},
    "Read what RFE/RL says about where the figure comes from: a new count, or an older one said again?"))


@_question("context", "not-like-for-like")
def _not_like_for_like(answer: Any, name: str) -> str:
    table = _compared()
    wanted = (table["figure_id"] == "kz_fighters_karin") & (table["relation"] == "different scope")
    return check_set(answer, table.loc[wanted, "external_id"], name, "external ids")


#: Tempting wrong answers to lesson 04 Q4 (the UN presidential statement's scope), each with its hint.
_NOT_UN_SCOPE = {
    "none": "the number is the same, but not what it counts: compare where each of the two counts fighters",
    "nothing": "the number is the same, but not what it counts: compare where each of the two counts fighters",
    "who counted": "both count foreign fighters; compare where each counts them",
    "who is counted": "both count foreign fighters; compare where each counts them",
    "count kind": "both count everyone who ever went; compare where each counts them",
    "ever went or there now": "both count everyone who ever went; compare where each counts them",
    "ever went against there now": "both count everyone who ever went; compare where each counts them",
    "syria": "Syria is where the article counts; the question asks which part of the scope differs: where, who is "
             "counted, or ever went against there now",
}


@_question("context", "un-scope")
def _un_scope(answer: Any, name: str) -> str:
    """Right: the column's word ("where"), a word for it ("place", "location"), or the place itself, alone or with
    the column's name ("all conflict zones", "where: all conflict zones")."""
    _missing(answer, name, "write the part of the scope that differs, in quotes")
    row = _compared().set_index("external_id").loc["un_prst_2014_11"]
    place = row["how the scope differs"].split(":")[1].split("(")[0].strip()
    column = row["scope differs in"]
    if isinstance(answer, str):
        answer = answer.strip("'\" .")
        if _plain(answer) in _NOT_UN_SCOPE:
            raise NotYet(f"{name} = {answer!r} is not it: {_NOT_UN_SCOPE[_plain(answer)]}.")
        right = {_plain(w) for w in (column, place, f"{column}: {place}", f"{column} ({place})", f"{column} {place}")}
        if column == "where":
            right |= {"place", "location", "places"}
        if _plain(answer) in right:
            return "that is the one."
    return check_choice(answer, column, name, "Compare the places: the UN's conflict zones, the article's Syria.",
                        also=(row["how the scope differs"], f"where: {place}"))


from .slips import install as _install_slips  # noqa: E402 - after the key it checks with

_install_slips()


class _Guarded(types.ModuleType):
    """This module, refusing to rebind what nbgrader's hidden tests call (``lessons.require = …`` in a notebook
    would otherwise pass every hidden test). It raises the bar only: code in the same kernel can still reach the
    module's dictionary; the teacher's guide says what in-process checks cannot guarantee."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in GUARDED:
            raise AttributeError(f"lessons.{name} cannot be changed in a lesson: the grading uses it")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if name in GUARDED:
            raise AttributeError(f"lessons.{name} cannot be removed in a lesson: the grading uses it")
        super().__delattr__(name)


#: The names of this module that grading calls.
GUARDED = frozenset({"require", "check", "summary"})
sys.modules[__name__].__class__ = _Guarded
