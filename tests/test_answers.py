"""The lesson's box and the grader give one verdict: every answer, of whatever number or collection type, is read
the same by ``lessons.check`` on the live object (the box), by ``require`` (nbgrader: answers.plain, JSON, the
grader process) and by `kzfigures grade` (the probe's literal in the kernel, answers.decode, plain again in the
grading child, JSON, decode, the same checks). The probe's text is run here, in this process, as the kernel runs it.
"""
from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kzfigures import Bounds, load_figures, parse_quantity
from kzfigures import lessons as L
from kzfigures.classroom import probe
from kzfigures.classroom.answers import decode, plain, read
from kzfigures.classroom.grading import _reported
from kzfigures.figures.seeds import FLAGSHIP

#: Each row runs the grader's process and the probe's own source (the full tier: make test; the box's checks alone
#: are in test_lessons.py, in the fast tier).
pytestmark = pytest.mark.full

FIGURES = load_figures(seed=FLAGSHIP)
OPEN = FIGURES.loc[FIGURES["upper"] == math.inf, "figure_id"]
NAMES = {"np": np, "pd": pd, "math": math, "Fraction": Fraction, "Decimal": Decimal, "Bounds": Bounds,
         "parse_quantity": parse_quantity, "figures": FIGURES, "column": OPEN, "ids": set(OPEN)}
SHARE = "parse_quantity('between 180 and 250') / parse_quantity('more than 15,000')"
UNNAMED = "['foreign_fighters', 'foreign_fighter_nations', 'kz_fighters_some_reports']"

#: (lesson, question, the answer as a student writes it, the verdict): the question kinds of the four lessons (a
#: pair of bounds, whole people, a number, a rounded share, a pair (number, truth), an interval, a set of ids,
#: a name, a relation), each in the number and collection types a student may hand in.
ROWS = [
    # a pair of bounds, whole people: (15_001, inf) is right whatever type holds 15,001
    ("reading", "more-than-15000", "(15001, math.inf)", "right"),
    ("reading", "more-than-15000", "(np.int64(15001), float('inf'))", "right"),  # the box said "15,001 is too high"
    ("reading", "more-than-15000", "(Fraction(15001), math.inf)", "right"),  # wrong in both: no number read
    ("reading", "more-than-15000", "(Decimal(15001), Decimal('Infinity'))", "right"),
    ("reading", "more-than-15000", "(np.float32(15001), np.float32('inf'))", "right"),
    ("reading", "more-than-15000", "(np.int32(15000), np.inf)", "right"),
    ("reading", "more-than-15000", "np.array([15001, np.inf])", "right"),
    ("reading", "more-than-15000", "pd.Series([15001, math.inf])", "right"),
    ("reading", "more-than-15000", "parse_quantity('more than 15,000')", "right"),
    ("reading", "more-than-15000", "Bounds(Fraction(15001), math.inf, False, True)", "right"),
    ("reading", "more-than-15000", "(np.int64(15002), math.inf)", "not yet"),
    ("reading", "more-than-15000", "(np.int64(15001), 20_000)", "not yet"),
    ("reading", "more-than-15000", "(Fraction(29999, 2), math.inf)", "not yet"),
    ("reading", "more-than-15000", "(Decimal('15000.5'), math.inf)", "not yet"),
    ("reading", "more-than-15000", "(True, math.inf)", "not yet"),
    ("reading", "more-than-15000", "(complex(15001), math.inf)", "not yet"),
    ("reading", "more-than-15000", "(float('nan'), math.inf)", "not yet"),
    ("reading", "more-than-15000", "(Decimal('NaN'), math.inf)", "not yet"),
    ("reading", "more-than-15000", "pd.Interval(15000, np.inf, closed='neither')", "not yet"),
    ("reading", "more-than-15000", "None", "unanswered"),
    ("reading", "more-than-15000", "...", "unanswered"),
    # a pair of bounds
    ("reading", "karin-range", "(np.int64(180), np.int64(250))", "right"),
    ("reading", "karin-range", "(Fraction(180), Decimal(250))", "right"),
    ("reading", "karin-range", "np.array([180, 250])", "right"),
    ("reading", "karin-range", "(Decimal('180.5'), 250)", "not yet"),
    ("reading", "penalty-term", "(np.int64(3), np.int64(7))", "right"),
    ("reading", "penalty-term", "[Fraction(3), Fraction(7)]", "right"),
    ("reading", "penalty-term", "Bounds(3, 7, True, True)", "not yet"),
    # a number
    ("reading", "least-thousands", "np.int64(2000)", "right"),
    ("reading", "least-thousands", "np.array(2000)", "right"),
    ("reading", "least-thousands", "Fraction(2000)", "right"),
    ("reading", "least-thousands", "Decimal(2000)", "right"),
    ("reading", "least-thousands", "Decimal('2000.0')", "right"),
    ("reading", "least-thousands", "np.float32(2000)", "right"),
    ("reading", "least-thousands", "True * 2000", "right"),
    ("reading", "least-thousands", "complex(2000)", "not yet"),
    ("reading", "least-thousands", "np.array([2000])", "not yet"),
    ("reading", "least-thousands", "np.True_", "not yet"),
    ("reading", "least-thousands", "Decimal('NaN')", "not yet"),
    ("reading", "least-thousands", "'2000'", "not yet"),
    ("sources", "restatement", "np.int64(1)", "right"),
    ("sources", "restatement", "Decimal(1)", "right"),
    ("sources", "restatement", "np.True_", "not yet"),
    ("sources", "officials-count", "pd.Series([3, 4]).sum()", "right"),
    ("sources", "officials-count", "Fraction(14, 2)", "right"),
    # a share, rounded as the student likes
    ("shares", "shortcut", "np.float64(215 / 15000)", "as asked"),
    ("shares", "shortcut", "Fraction(215, 15000)", "as asked"),
    ("shares", "shortcut", "Decimal('0.0143')", "as asked"),
    ("shares", "shortcut", "Decimal('1.43')", "not yet"),
    ("shares", "largest-share", "(np.float64(250 / 15000), np.False_)", "right"),
    ("shares", "largest-share", "(Fraction(1, 60), False)", "right"),
    ("shares", "largest-share", "(Decimal('0.0167'), False)", "right"),
    ("shares", "largest-share", "np.array([0.0167, 0])", "not yet"),
    ("shares", "smallest-share", "(np.int64(0), np.False_)", "right"),
    # an interval
    ("shares", "share-interval", SHARE, "right"),
    ("shares", "share-interval", "np.float64(0.0143)", "not yet"),
    ("shares", "exact-total", "parse_quantity('between 180 and 250') / parse_quantity('15,000')", "right"),
    # a set of ids: any collection of them
    ("reading", "open-at-top", "ids", "right"),
    ("reading", "open-at-top", "frozenset(ids)", "right"),
    ("reading", "open-at-top", "sorted(ids)", "right"),
    ("reading", "open-at-top", "tuple(sorted(ids))", "right"),
    ("reading", "open-at-top", "dict.fromkeys(ids).keys()", "right"),  # the box said right, the grader not
    ("reading", "open-at-top", "{np.str_(x) for x in ids}", "right"),
    ("reading", "open-at-top", "column", "right"),
    ("reading", "open-at-top", "column.values", "right"),
    ("reading", "open-at-top", "pd.Index(sorted(ids))", "right"),
    ("reading", "open-at-top", "np.array(sorted(ids))", "right"),
    ("reading", "open-at-top", "dict.fromkeys(ids)", "not yet"),
    ("reading", "open-at-top", "dict.fromkeys(ids).values()", "not yet"),
    ("reading", "open-at-top", "(x for x in ids)", "not yet"),  # the box said right, the grader not
    ("reading", "open-at-top", "iter(sorted(ids))", "not yet"),
    ("reading", "open-at-top", "figures.loc[figures['upper'] == math.inf, ['figure_id']]", "not yet"),
    ("reading", "open-at-top", "figures", "not yet"),
    ("sources", "no-named-source", f"pd.Series({UNNAMED})", "right"),
    ("sources", "no-named-source", f"dict.fromkeys({UNNAMED}).keys()", "right"),
    ("context", "not-like-for-like", "dict.fromkeys(['knb_2014_11', 'knb_2015_03_family', 'iwpr_2015_11']).keys()",
     "right"),
    # a name, a relation
    ("sources", "credited-with-nine-attacks", "np.str_('Assanov')", "right"),
    ("sources", "credited-with-nine-attacks", "pd.Series(['Assanov'])", "not yet"),
    ("context", "jamestown", "np.str_('same origin')", "right"),
    ("context", "jamestown", "np.array(['same origin'])", "not yet"),
]

def _ids(rows: list[tuple[str, str, str, str]]) -> list[str]:
    return [f"{q}={e}" for _, q, e, _ in rows]


def answer(expression: str) -> Any:
    """The answer a student's expression gives."""
    return eval(expression, dict(NAMES))  # the table's own expressions


def box(lesson: str, question: str, value: Any) -> str:
    """The verdict of the lesson's box: lessons.check on the live object."""
    return L.check(lesson, question, value).state


def probed(value: Any) -> Any:
    """The answer as the probe reads it in a kernel (its text run here, as the kernel runs it) and probe.read_reply
    decodes it."""
    where: dict[str, Any] = {"user": {"answer_1": value}, "names": ["answer_1"], "reset": False,
                             "roots": probe.roots()}
    exec(probe.SOURCE, where)  # the probe's own text, not a copy of it
    text = where["out"]._repr_mimebundle_()[probe.MIME]  # as IPython shows it (puts the switch interval back)
    reply = {"content": {"user_expressions": {probe.KEY: {"status": "ok", "data": {probe.MIME: text}}}}}
    return probe.read_reply(reply)[0]["answer_1"]


def graded(lesson: str, question: str, value: Any, folder: Path) -> str:
    """The verdict of `kzfigures grade`: the probe's reading, written by the grading child as plain JSON, read back
    by grading._reported, checked by the same lessons module."""
    state = {"answers": {"answer_1": plain(probed(value))}, "errors": [], "stopped": None, "ended": "",
             "trouble": []}
    (folder / "answers.json").write_text(json.dumps(state), encoding="utf-8")
    (folder / "log").write_text("", encoding="utf-8")
    with (folder / "answers.json").open("rb") as report, (folder / "log").open("rb") as log:
        ran = _reported(report, log, 20, 0)
    assert not isinstance(ran, str), ran
    return L.check(lesson, question, ran.answers["answer_1"]).state


@pytest.fixture(scope="module")
def nbgrader() -> Any:
    """nbgrader's hidden test's grader (lessons.require's): plain JSON to a grader process of its own."""
    return L._grader()



@pytest.mark.parametrize("lesson, question, expression, state", ROWS, ids=_ids(ROWS))
def test_the_box_and_nbgraders_grader_give_the_right_verdict_alike(lesson, question, expression, state, nbgrader):
    value = answer(expression)
    assert box(lesson, question, value) == state, L.check(lesson, question, value)
    said = nbgrader(lesson, question, answer(expression))
    assert said[0] == state, said


@pytest.mark.parametrize("lesson, question, expression, state", ROWS, ids=_ids(ROWS))
def test_the_box_and_kzfigures_grade_give_the_same_verdict(lesson, question, expression, state, tmp_path):
    assert box(lesson, question, answer(expression)) == state
    assert graded(lesson, question, answer(expression), tmp_path) == state


@pytest.mark.parametrize("kind", [int, float, np.int64, np.int32, np.float64, np.float32, Fraction, Decimal],
                         ids=lambda k: k.__name__)
@pytest.mark.parametrize("lower, said", [(14_999, "lower bound 14,999 is too low"), (15_000, ""), (15_001, ""),
                                         (15_002, "lower bound 15,002 is too high")])
def test_a_lower_bound_is_too_high_only_when_it_is_above_the_right_one(kind, lower, said):
    """"too high" is said of a lower bound above what the words allow, never of 15,001 whole people; whatever
    type holds the number."""
    feedback = L.check("reading", "more-than-15000", (kind(lower), math.inf))
    assert feedback.state == ("not yet" if said else "right"), feedback
    assert said in feedback.text
    closed_top = L.check("reading", "more-than-15000", (kind(lower), kind(20_000)))
    assert (said or "upper bound 20,000 is too low") in closed_top.text, closed_top  # a right lower end: the top


@pytest.mark.parametrize("lesson, question, expression, words", [
    ("reading", "open-at-top", "(x for x in ids)", "your answer is a generator, which is graded as its words"),
    ("reading", "open-at-top", "figures.loc[figures['upper'] == math.inf, ['figure_id']]", "is a whole table"),
    ("reading", "more-than-15000", "(np.int64(15001), 20_000)", "your upper bound 20,000 is too low"),
    ("reading", "least-thousands", "Decimal('NaN')", "is nan (not a number)"),
    ("reading", "least-thousands", "...", "Give a number"),
])
def test_the_box_says_why_in_words_of_the_answer_as_graded(lesson, question, expression, words):
    """The box's hint is about the answer as the grader reads it, or, for one it reads as words, about its form."""
    assert words in L.check(lesson, question, answer(expression)).text


@pytest.mark.parametrize("expression", [
    "np.int64(7)", "Fraction(7)", "Decimal(7)", "Decimal('0.5')", "Fraction(1, 3)", "np.float32(0.5)", "[np.int64(1)]",
    "(np.True_, np.False_)", "{np.str_('a')}", "dict.fromkeys('ab').keys()", "pd.Index(['a'])", "np.array([[1], [2]])",
    "Decimal('-Infinity')", "float('nan')", "...", "None", SHARE, "10 ** 400"])
def test_reading_an_answer_is_its_plain_json_read_back(expression):
    """read is the one reading every path takes: what plain writes, through JSON, decodes to it again."""
    value = read(answer(expression))
    through = decode(json.loads(json.dumps(plain(answer(expression))))) if "400" not in expression else value
    same = (value != value and through != through) or value == through  # nan
    assert same and type(value) is type(through), (value, through)
    assert read(value) == value or value != value  # read twice is read once


def test_a_value_of_a_students_own_class_is_read_as_what_it_holds():
    """A str, int or set of the student's own class is read by the base type's own methods: what it claims of
    itself (equal to anything) is not what the checks see, in the box as in the grader."""
    class Equal(str):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = str.__hash__

    class Claims(set):
        def __iter__(self):  # type: ignore[no-untyped-def]
            return iter(OPEN)

    assert type(read(Equal("x"))) is str and box("context", "jamestown", Equal("x")) == "not yet"
    assert box("reading", "open-at-top", Claims({"x"})) == "not yet"
    assert probed(Claims({"x"})) == {"x"} == read(Claims({"x"}))
