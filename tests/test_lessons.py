"""The classroom edition: checks with helpful feedback, generated student versions, lessons in the report."""
from __future__ import annotations

import contextlib
import io
import json
import math
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from kzfigures import Bounds, parse_quantity
from kzfigures import lessons as L
from kzfigures.classroom.edition import BEGIN_HIDDEN, END_HIDDEN, MARKERS, MarkerError, leaks, make_student, strip_cell
from kzfigures.collection.kernels import on_unix_sockets

LESSONS = sorted((ROOT / "notebooks" / "lessons").glob("*.ipynb"))


def test_there_are_four_lessons():
    assert [p.stem for p in LESSONS] == ["01-reading-numbers-in-the-news", "02-shares-and-rates", "03-who-says-so",
                                         "04-checking-against-other-sources"]


@pytest.mark.parametrize("answer, words", [
    (None, "Write the lowest and highest values"),
    ((15_000, 20_000), "your upper bound 20,000 is too low: “more than 15,000” leaves the top open; use math.inf"),
    ((10_000, math.inf), "your lower bound 10,000 is too low: “more than 15,000” starts just above 15,000"),
    ("15000", "should be a pair (lower, upper)"),
])
def test_check_bounds_feedback(answer, words):
    with pytest.raises(L.NotYet) as err:
        L.check_bounds(answer, "more than 15,000")
    assert words in str(err.value)


def test_check_bounds_feedback_on_vague_and_ranges():
    with pytest.raises(L.NotYet, match="a vague word gives only the least it allows: what is the least"):
        L.check_bounds((1_000, math.inf), "thousands")
    with pytest.raises(L.NotYet, match="your upper bound 300 is too high: read where “between 180 and 250” puts the top"):
        L.check_bounds((180, 300), "between 180 and 250")
    with pytest.raises(L.NotYet, match="not which ends are included"):
        L.check_bounds(Bounds(15_000, math.inf, False, True), "more than 15,000", openness=True)


def test_right_answers_say_so_without_the_expected_value():
    said = [L.check_bounds((15_000, math.inf), "more than 15,000"),
            L.check_interval(parse_quantity("between 180 and 250") / parse_quantity("more than 15,000"),
                             Bounds(180, 250) / Bounds(15_000, math.inf, True, True)),
            L.check_set({"a", "b"}, ["b", "a"]), L.check_choice(" zhakip  assanov ", "Zhakip Assanov")]
    assert all(isinstance(text, str) and text for text in said)
    assert not any(ch.isdigit() for text in said for ch in text)


def test_a_check_never_raises_for_an_answer_and_never_shows_the_expected_value():
    """Every question: no answer gives "not answered yet", a wrong one "not yet", both with a hint, no traceback."""
    for lesson, question in L.ANSWER_KEY:
        empty = L.check(lesson, question, None)
        assert empty.state == "unanswered" and empty.text, (lesson, question)
        wrong = L.check(lesson, question, "certainly not this")
        assert wrong.state == "not yet", (lesson, question)
        assert "Traceback" not in repr(wrong) and "<strong>Not yet</strong>" in wrong._repr_html_()
    assert L.check("reading", "more-than-15000", (15_001, math.inf)).state == "right"
    closed = L.check("reading", "more-than-15000", Bounds(15_000, math.inf, False, True))
    assert closed.state == "not yet" and "15,000 itself is not" in closed.text


# (lesson, question, answer, expected state, words the feedback must hold): every right form a student may write,
# and the tempting wrong ones with the hint each deserves
FORMS = [
    # lesson 01 Q1: the lesson, notebook 00 and the README write (15,000, ∞); whole people start at 15,001
    ("reading", "more-than-15000", (15_000, math.inf), "right", ""),
    ("reading", "more-than-15000", [15_000, math.inf], "right", ""),
    ("reading", "more-than-15000", (15_001, math.inf), "right", ""),
    ("reading", "more-than-15000", (15_000.0, float("inf")), "right", ""),
    ("reading", "more-than-15000", Bounds(15_000, math.inf, True, True), "right", ""),
    ("reading", "more-than-15000", Bounds(15_001, math.inf, False, True), "right", ""),
    ("reading", "more-than-15000", parse_quantity("more than 15,000"), "right", ""),
    ("reading", "more-than-15000", "(15,000, ∞)", "right", ""),
    ("reading", "more-than-15000", "[15001, inf)", "right", ""),
    ("reading", "more-than-15000", Bounds(15_000, math.inf, False, True), "not yet", "15,000 itself is not"),
    ("reading", "more-than-15000", (15_000, 20_000), "not yet", "leaves the top open; use math.inf"),
    ("reading", "more-than-15000", (14_000, math.inf), "not yet", "starts just above 15,000"),
    ("reading", "more-than-15000", "15000", "not yet", "should be a pair"),
    # 15,001 is right for whole people: the slip in (15_001, 20_000) is the closed top, never "lower bound too high"
    ("reading", "more-than-15000", (15_001, 20_000), "not yet", "your upper bound 20,000 is too low: “more than 15,000” "
                                                                "leaves the top open; use math.inf"),
    ("reading", "more-than-15000", (15_001, 15_001), "not yet", "leaves the top open"),
    ("reading", "more-than-15000", (15_002, math.inf), "not yet", "lower bound 15,002 is too high"),
    ("reading", "more-than-15000", (math.inf, 15_000), "not yet", "lower end above its upper end"),
    ("reading", "more-than-15000", (15, 0, math.inf), "not yet", "a comma inside a number (15,000)"),
    ("reading", "more-than-15000", (15_000, None), "not yet", "for “no top” write math.inf"),
    ("reading", "more-than-15000", (15_000, "inf"), "not yet", "write the number without quotes"),
    # lesson 01 Q2 to Q5
    ("reading", "karin-range", (180, 250), "right", ""),
    ("reading", "karin-range", [180.0, 250.0], "right", ""),
    ("reading", "karin-range", Bounds(180, 250), "right", ""),
    ("reading", "karin-range", (215, 215), "not yet", "lower bound 215 is too high"),
    ("reading", "karin-range", (250, 180), "not yet", "the smaller first"),
    ("reading", "karin-range", (180, math.inf), "not yet", "upper bound inf is too high"),
    ("reading", "least-thousands", 2_000, "right", ""),
    ("reading", "least-thousands", 2000.0, "right", ""),
    ("reading", "least-thousands", 1_000, "not yet", "the plural needs at least two"),
    ("reading", "least-thousands", (2, 0), "not yet", "write 2000 or 2_000"),
    ("reading", "least-thousands", "2000", "not yet", "write the number without quotes"),
    ("reading", "least-thousands", (2_000, math.inf), "not yet", "one number, not a pair"),
    ("reading", "least-thousands", 10_000, "not yet", "does not promise more than its least"),
    ("reading", "penalty-term", parse_quantity("three to seven years"), "right", ""),
    ("reading", "penalty-term", (3, 7), "right", ""),
    ("reading", "penalty-term", Bounds(3, 7, False, False), "right", ""),
    ("reading", "penalty-term", Bounds(3, 7, True, True), "not yet", "not which ends are included"),
    ("reading", "penalty-term", (3, math.inf), "not yet", "upper bound inf is too high"),
    ("reading", "open-at-top", {"foreign_fighters", "foreign_fighter_nations", "kz_fighters_some_reports",
                                "research_months", "ethnic_groups", "intl_organisations", "online_materials_removed",
                                "attacks_since_2011"}, "right", ""),
    ("reading", "open-at-top", {"foreign_fighters", "penalty_term"}, "not yet", "not right here: penalty_term"),
    ("reading", "open-at-top", {"more than 15,000"}, "not yet", "not right here: more than 15,000"),
    ("reading", "open-at-top", "foreign_fighters", "not yet", "should be a set"),
    # lesson 03 Q1: the name, or the role in the article's words ("Deputy Prosecutor General of Kazakhstan")
    ("sources", "credited-with-nine-attacks", "Zhakip Assanov", "right", ""),
    ("sources", "credited-with-nine-attacks", "Assanov", "right", ""),
    ("sources", "credited-with-nine-attacks", "Deputy Prosecutor General of Kazakhstan", "right", ""),
    ("sources", "credited-with-nine-attacks", "the Deputy Prosecutor General", "right", ""),
    ("sources", "credited-with-nine-attacks", "Deputy Prosecutor General Assanov", "right", ""),
    ("sources", "credited-with-nine-attacks", "Deputy Prosecutor General of Kazakhstan Zhakip Assanov", "right", ""),
    ("sources", "credited-with-nine-attacks", "Zhakip Assanov, Deputy Prosecutor General.", "right", ""),
    ("sources", "credited-with-nine-attacks", "Karin", "not yet", "Karin's report gives the 180–250"),
    ("sources", "credited-with-nine-attacks", "The Astana Times", "not yet", "not give the nine attacks in its own"),
    ("sources", "credited-with-nine-attacks", "Ashikbayev", "not yet", "spoke at the UN"),
    ("sources", "credited-with-nine-attacks", "Zhakip Assanov (Deputy Prosecutor General)", "right", ""),
    ("sources", "credited-with-nine-attacks", "Mr Assanov", "right", ""),
    ("sources", "credited-with-nine-attacks", "Mr. Assanov", "right", ""),
    ("sources", "credited-with-nine-attacks", "Asanov", "right", ""),
    ("sources", "credited-with-nine-attacks", "Zhakip Asanov", "right", ""),
    ("sources", "credited-with-nine-attacks", "Prosecutor", "not yet", "“According to …” whom?"),
    ("sources", "credited-with-nine-attacks", "Erlan Karin", "not yet", "Karin's report gives the 180–250"),
    # lesson 03 Q2 to Q4: read the sentences; the nine attacks said twice are one count
    ("sources", "no-named-source", {"foreign_fighters", "foreign_fighter_nations", "kz_fighters_some_reports"}, "right",
     ""),
    ("sources", "no-named-source", {"foreign_fighters", "foreign_fighter_nations"}, "not yet", "1 more belongs in it"),
    ("sources", "no-named-source", {"foreign_fighters", "foreign_fighter_nations", "kz_fighters_some_reports",
                                    "research_months"}, "not yet", "not right here: research_months"),
    ("sources", "restatement", 1, "right", ""),
    ("sources", "restatement", 2, "not yet", "is that a second count?"),
    ("sources", "restatement", 18, "not yet", "counts the same nine attacks twice"),
    ("sources", "restatement", "attacks_prevented_restated", "not yet", "should be a number"),
    ("sources", "officials-count", 7, "right", ""),
    ("sources", "officials-count", 8, "not yet", "you counted the restatement too"),
    ("sources", "officials-count", 5, "not yet", "too low"),
    ("sources", "officials-count", 9, "not yet", "it does not say they are his"),
    # lesson 02: the questions ask no precision, so a value rounded to two or more significant figures is right
    ("shares", "shortcut", 215 / 15_000, "as asked", ""),
    ("shares", "shortcut", 0.0143, "as asked", ""),
    ("shares", "shortcut", 0.014, "as asked", ""),
    ("shares", "shortcut", 0.01, "not yet", "too low"),
    ("shares", "shortcut", 1.43, "not yet", "in percent"),
    ("shares", "largest-share", (250 / 15_000, False), "right", ""),
    ("shares", "largest-share", (0.0167, False), "right", ""),
    ("shares", "largest-share", (0.017, False), "right", ""),
    ("shares", "largest-share", (1.67, False), "not yet", "in percent"),
    ("shares", "largest-share", (0.0167, True), "not yet", "whether the share can ever equal it"),
    ("shares", "largest-share", (180 / 15_000, False), "not yet", "uses the smallest count"),
    ("shares", "smallest-share", (0, False), "right", ""),
    ("shares", "smallest-share", (0.0, False), "right", ""),
    ("shares", "smallest-share", (0, True), "not yet", "whether the share can ever equal it"),
    ("shares", "smallest-share", (180 / 15_000, False), "not yet", "uses the smallest count"),
    ("shares", "smallest-share", 0, "not yet", "should be a pair such as (0.5, True)"),
    ("shares", "share-interval", parse_quantity("between 180 and 250") / parse_quantity("more than 15,000"), "right", ""),
    ("shares", "share-interval", 215 / 15_000, "not yet", "is a single number"),
    ("shares", "share-interval", parse_quantity("between 180 and 250") / parse_quantity("15,000"), "not yet",
     "lower end of your answer is too high"),
    ("shares", "rate-per-million", parse_quantity("between 180 and 250") * 1_000_000 / 17_288_280, "right", ""),
    ("shares", "rate-per-million", parse_quantity("between 180 and 250") / 17_288_280, "not yet",
     "off by a factor of 1,000,000"),
    ("shares", "exact-total", parse_quantity("between 180 and 250") / parse_quantity("15,000"), "right", ""),
    ("shares", "exact-total", parse_quantity("between 180 and 250") / parse_quantity("more than 15,000"), "not yet",
     "too low"),
    # lesson 04: relations that say where a figure comes from
    ("context", "jamestown", None, "unanswered", "Write the relation from the list, in quotes"),
    ("context", "un-scope", None, "unanswered", "Write the part of the scope that differs"),
    ("context", "jamestown", "same origin", "right", ""),
    ("context", "jamestown", "'Same origin'", "right", ""),
    ("context", "jamestown", "consistent", "not yet", "Can a source check itself?"),
    ("context", "jamestown", "different scope", "not yet", "whom is it credited to?"),
    ("context", "jamestown", "higher later", "not yet", "whose report is Jamestown summarising?"),
    ("context", "knb-march-2015", "repeats an earlier figure", "right", ""),
    ("context", "knb-march-2015", "lower later", "not yet", "is it a new count?"),
    ("context", "knb-march-2015", "lower earlier", "not yet", "March 2015 is after September 2014"),
    ("context", "knb-march-2015", "conflicting", "not yet", "an older one said again?"),
    # lesson 04 Q4 names the UN presidential statement: the column's word, a word for it, or the place itself
    ("context", "un-scope", "where", "right", ""),
    ("context", "un-scope", "Where", "right", ""),
    ("context", "un-scope", "'where'.", "right", ""),
    ("context", "un-scope", "place", "right", ""),
    ("context", "un-scope", "the place", "right", ""),
    ("context", "un-scope", "location", "right", ""),
    ("context", "un-scope", "all conflict zones", "right", ""),
    ("context", "un-scope", "All conflict zones", "right", ""),
    ("context", "un-scope", "where: all conflict zones", "right", ""),
    ("context", "un-scope", "where (all conflict zones)", "right", ""),
    ("context", "un-scope", "where: all conflict zones (the article: Syria)", "right", ""),
    ("context", "un-scope", "none", "not yet", "the number is the same, but not what it counts"),
    ("context", "un-scope", "nothing", "not yet", "compare where each"),
    ("context", "un-scope", "who counted", "not yet", "both count foreign fighters"),
    ("context", "un-scope", "ever went or there now", "not yet", "ever went"),
    ("context", "un-scope", "Syria", "not yet", "Syria is where the article counts"),
    ("context", "un-scope", "when", "not yet", "Compare the places"),
    ("context", "not-like-for-like", {"knb_2014_11", "knb_2015_03_family", "iwpr_2015_11"}, "right", ""),
    ("context", "not-like-for-like", {"knb_2014_11", "iwpr_2015_11", "jamestown_karin_2014"}, "not yet",
     "not right here: jamestown_karin_2014"),
]


@pytest.mark.parametrize("lesson, question, answer, state, words", FORMS,
                         ids=[f"{f[1]}={sorted(f[2]) if isinstance(f[2], set) else f[2]!r}" for f in FORMS])
def test_each_question_accepts_every_right_form_and_hints_at_wrong_ones(lesson, question, answer, state, words):
    feedback = L.check(lesson, question, answer)
    assert feedback.state == state, feedback
    assert words in feedback.text


def test_the_summary_counts_each_question():
    L.RESULTS.pop("reading", None)
    L.check("reading", "more-than-15000", (15_001, math.inf))
    L.check("reading", "karin-range", (1, 2))
    assert repr(L.summary("reading")) == ("Not yet: 1 of 5 answered correctly; not right yet: question 2; "
                                          "not answered yet: questions 3, 4 and 5")


def test_check_interval_feedback():
    right = Bounds(180, 250) / Bounds(15_000, math.inf, True, True)
    with pytest.raises(L.NotYet, match="is a single number"):
        L.check_interval(215 / 15_000, right)
    with pytest.raises(L.NotYet, match="the lower end of your answer is too high"):
        L.check_interval(Bounds(180, 250) / Bounds(15_000, 15_000), right)


def test_check_interval_spots_a_forgotten_per_million():
    rate = parse_quantity("between 180 and 250") * 1_000_000 / 17_288_280
    with pytest.raises(L.NotYet, match="off by a factor of 1,000,000: did you forget to multiply"):
        L.check_interval(parse_quantity("between 180 and 250") / 17_288_280, rate)


def test_check_interval_says_which_combination_makes_an_end():
    right = Bounds(180, 250) / Bounds(15_000, 20_000)
    with pytest.raises(L.NotYet, match="gives the smallest result"):
        L.check_interval(Bounds(180, 250) / Bounds(15_000, 15_000), right)


def test_check_value_names_the_tempting_mistake():
    with pytest.raises(L.NotYet, match="the plural needs at least two"):
        L.check_value(1_000, 2_000, wrong={1_000: "one thousand is “a thousand”: the plural needs at least two"})
    with pytest.raises(L.NotYet, match="is too high"):
        L.check_value(3_000, 2_000)


def test_check_set_counts_the_missing_and_names_the_extra():
    with pytest.raises(L.NotYet, match="1 more belongs in it; not right here: d") as raised:
        L.check_set({"a", "d"}, {"a", "c"})
    assert "c" not in str(raised.value).replace("complete", "")  # the missing one is the answer: never named
    with pytest.raises(L.NotYet, match=r"\(2 more belong in it\)"):
        L.check_set({"a"}, {"a", "b", "c"})


def test_strip_cell_replaces_solutions_and_drops_hidden_tests():
    cell = {"cell_type": "code", "source": "x = None  # answer\n### BEGIN SOLUTION\nx = 42\n### END SOLUTION\n"
                                          "check(x)\n### BEGIN HIDDEN TESTS\nassert x == 42\n### END HIDDEN TESTS"}
    assert strip_cell(cell, "t")["source"] == "x = None  # answer\n# YOUR ANSWER HERE\ncheck(x)"
    markdown = {"cell_type": "markdown", "source": "Say why.\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"}
    assert strip_cell(markdown, "t")["source"] == "Say why.\n*YOUR ANSWER HERE*"


@pytest.mark.parametrize("source", ["### BEGIN SOLUTION\nx = 1", "x = 1\n### END SOLUTION",
                                    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION"])
def test_broken_markers_name_the_cell(source):
    with pytest.raises(MarkerError, match=r"lesson\.ipynb, cell 3"):
        strip_cell({"cell_type": "code", "source": source}, "lesson.ipynb, cell 3")


@pytest.fixture(scope="module")
def students(tmp_path_factory) -> list[Path]:
    return make_student(ROOT / "notebooks" / "lessons", tmp_path_factory.mktemp("dist") / "student")


def solution_lines(path: Path) -> list[str]:
    """The lines between solution markers in an instructor notebook."""
    lines, inside = [], False
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if line.strip() in ("### BEGIN SOLUTION", "### END SOLUTION"):
                inside = line.strip() == "### BEGIN SOLUTION"
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


def test_student_versions_hold_no_solution_and_no_output(students):
    assert [p.name for p in students] == [p.name for p in LESSONS]
    for instructor, student in zip(LESSONS, students, strict=True):
        nb = json.loads(student.read_text(encoding="utf-8"))
        text = "\n".join("".join(c["source"]) for c in nb["cells"])
        assert leaks(nb) == [] and not any(m in text for m in MARKERS)
        solutions = solution_lines(instructor)
        assert solutions and not [s for s in solutions if s in text], student.name
        assert all(c.get("outputs", []) == [] and c.get("execution_count") is None
                   for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.full  # builds reports of its own
def test_student_run_all_runs_to_the_end_with_feedback(students):
    """Run All on each untouched student notebook: no cell fails; each check says "not answered yet"; the last
    check cell sums up."""
    import nbformat
    from nbclient import NotebookClient

    for student in students:
        nb = nbformat.read(str(student), as_version=4)
        client = NotebookClient(nb, kernel_name="python3", timeout=300,
                                resources={"metadata": {"path": str(student.parent)}})
        with on_unix_sockets(client):
            client.execute()
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert errors == [], student.name
        checks = [c for c in nb.cells if c.cell_type == "code" and "lessons.check(" in c.source]
        assert checks, student.name
        for cell in checks:
            (out,) = cell.outputs
            assert out.data["text/plain"].startswith("Not answered yet: "), (student.name, out.data)
        (summary,) = [c for c in nb.cells if c.cell_type == "code" and "lessons.summary(" in c.source]
        assert f"0 of {len(checks)} answered correctly" in summary.outputs[0].data["text/plain"]
        text = "\n".join(c.source for c in nb.cells)
        assert "show_solutions" not in text, student.name


CHECK_CELL = re.compile(r'lessons\.check\("(\w+)", "([a-z0-9-]+)", answer_(\d+)\)')


def test_check_cells_give_nothing_away():
    """A check cell names its question and nothing else: the expected answer lives in the library's key."""
    used = set()
    for path in LESSONS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if "lessons.check" in source:
                hidden, _, call = source.rpartition("### END HIDDEN TESTS\n")
                match = CHECK_CELL.fullmatch(call.strip())
                assert hidden.strip() == f"### BEGIN HIDDEN TESTS\n{call.strip().replace('check', 'require', 1)}", source
                assert match, (path.stem, source)
                assert (match.group(1), match.group(2)) not in used, source
                used.add((match.group(1), match.group(2)))
    assert used == set(L.ANSWER_KEY)


def test_the_answer_key_is_keyed_by_question_name_not_position():
    """Reordering questions cannot re-key the answers: every key is a name, and no name is a number."""
    assert all(isinstance(q, str) and not q.isdigit() for _, q in L.ANSWER_KEY)
    low = L.check("shares", "largest-share", (0.01, False))
    assert low.state == "not yet" and "too low" in low.text
    ends = L.check("shares", "largest-share", (250 / 15_000, True))
    assert ends.state == "not yet" and "whether the share can ever equal it" in ends.text
    partial = L.check("sources", "no-named-source", {"foreign_fighters"})
    assert partial.state == "not yet" and "not complete" in partial.text


def test_unknown_question_names_the_known_ones():
    with pytest.raises(KeyError, match="no question 'nine' in lesson 'shares'; known: context jamestown"):
        L.check("shares", "nine", 1)


def test_instructor_lessons_pass_every_check():
    for path in LESSONS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        checks = [c for c in cells if c["cell_type"] == "code" and "lessons.check(" in "".join(c["source"])]
        assert len(checks) >= 4
        for cell in checks:
            text = "".join("".join(o.get("data", {}).get("text/plain", "")) for o in cell["outputs"])
            assert text.startswith(("✓ Right", "Computed as asked")), (path.stem, text)


def test_a_notebook_declares_which_parameter_shows_its_solutions(tmp_path):
    """The build learns from a notebook's metadata, not from its folder or name, that it has solutions to hide."""
    from kzfigures.collection.listing import describe, list_notebooks

    shown_by = {nb.name: nb.solutions_shown_by for nb in list_notebooks(ROOT / "notebooks")}
    assert {k for k, v in shown_by.items() if v == "show_solutions"} == {f"lesson-{p.stem}" for p in LESSONS}
    assert {v for k, v in shown_by.items() if not k.startswith("lesson-")} == {None}
    nb = json.loads(LESSONS[0].read_text(encoding="utf-8"))
    nb["metadata"]["kzfigures"]["solutions_shown_by"] = "show_answers"
    (tmp_path / "01-x.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(ValueError, match="names 'show_answers', which is not in its parameters cell"):
        describe(tmp_path / "01-x.ipynb")


def hidden_lines(nb: dict) -> list[str]:
    """The hidden tests' lines (nbgrader's), which only instructors see."""
    return [line.strip() for cell in nb["cells"] for line in "".join(cell["source"]).split("\n")
            if line.strip().startswith("lessons.require(")]


def answer_values(nb: dict) -> dict[str, object]:
    """The instructor's answers, computed by running the notebook's code with its defaults (no kernel)."""
    import pandas as pd

    scope: dict[str, object] = {}
    with contextlib.redirect_stdout(io.StringIO()), pd.option_context("display.max_colwidth", 50):
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                exec("".join(cell["source"]), scope)
    return {k: v for k, v in scope.items() if k.startswith("answer_")}


def spellings(value: object) -> set[str]:
    """How a non-whole number inside an answer would be printed (whole numbers and words are everywhere)."""
    from kzfigures.figures.bounds import Bounds

    if isinstance(value, Bounds):
        return spellings(value.lower) | spellings(value.upper)
    if isinstance(value, (tuple, list, set)):
        return set().union(*(spellings(v) for v in value))
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        return {repr(value), f"{value:g}", f"{value:.4g}", f"{value:.5g}", f"{value:.4f}"} - {"0.0000"}
    return set()


@pytest.mark.full  # builds reports of its own
def test_with_solutions_hidden_no_expected_value_is_on_any_lesson_page(tmp_path):
    from kzfigures.report.build import build_report

    out = tmp_path / "reports"
    build_report(out, {"show_solutions": False}, only=["lesson"], progress=lambda line: None)
    pages = sorted(out.glob("lesson-*.html"))
    assert len(pages) == len(LESSONS) == 4
    for lesson, page in zip(LESSONS, pages, strict=True):
        nb = json.loads(lesson.read_text(encoding="utf-8"))
        text = page.read_text(encoding="utf-8")
        built = (out / "notebooks" / f"{page.stem}.ipynb").read_text(encoding="utf-8")
        assert "solution hidden in this edition" in text and "✓ Right" in text
        lines = solution_lines(lesson) + hidden_lines(nb)
        assert len(lines) >= 8
        for line in lines:
            assert line not in text and json.dumps(line)[1:-1] not in built, (page.name, line)
        values = answer_values(nb)
        assert len(values) >= 4
        for name, value in values.items():
            for spelled in spellings(value):
                assert spelled not in text and spelled not in built, (page.name, name, spelled)


def test_committed_lessons_carry_the_nbgrader_metadata_make_notebooks_writes(tmp_path):
    from kzfigures.classroom.edition import write_graded

    assert write_graded(ROOT / "notebooks" / "lessons", check=True) == []
    copy = tmp_path / "lessons"
    shutil.copytree(ROOT / "notebooks" / "lessons", copy)
    nb = json.loads((copy / LESSONS[1].name).read_text(encoding="utf-8"))
    graded_cells = [c for c in nb["cells"] if "nbgrader" in c.get("metadata", {})]
    assert len(graded_cells) == 12 and sum(c["metadata"]["nbgrader"]["grade"] for c in graded_cells) == 6
    del graded_cells[0]["metadata"]["nbgrader"]
    (copy / LESSONS[1].name).write_text(json.dumps(nb), encoding="utf-8")
    assert [p.name for p in write_graded(copy, check=True)] == [LESSONS[1].name]


#: (lesson, question, the lines a student writes in the answer cell, the box's state, words it must hold): slips in
#: the student edition's answer cells, run in a real kernel. None raises: each gets one line and Run All goes on.
SLIPS = [
    ("reading", "more-than-15000", "(15001, math.inf)", "unanswered", "write answer_1 = in front of it"),
    ("reading", "more-than-15000", "answer_1 = (15_001, math.Inf)", "not yet", "infinity is math.inf, in small"),
    ("reading", "more-than-15000", "answer_1 = (15,001, math.inf)", "not yet", "comma in 15,001"),
    ("reading", "more-than-15000", "answer_1 = (15,000, math.inf)", "not yet", "write 15000 or 15_000"),
    ("reading", "more-than-15000", "answer_1 = (15001, inf)", "not yet", "infinity is written math.inf"),
    ("reading", "more-than-15000", "answer_1 = (15001, 20000)", "not yet", "leaves the top open"),
    ("reading", "least-thousands", "answer_3 = 2,000", "not yet", "write 2000 or 2_000"),
    ("reading", "least-thousands", "answer_3 = 2000", "right", ""),
    ("reading", "penalty-term", "answer_4 = parse_quantity('three to seven years')", "not yet",
     "write kzfigures.parse_quantity"),
    ("reading", "penalty-term", "kzfigures.parse_quantity('three to seven years')", "unanswered",
     "write answer_4 = in front of it"),
    ("reading", "penalty-term", "answer_4 = kzfigures.parse_quantity('three to seven years')", "right", ""),
    ("sources", "credited-with-nine-attacks", "answer_1 = Assanov", "not yet", 'goes in quotes, as "Assanov"'),
    ("sources", "credited-with-nine-attacks", "answer_1 = Zhakip Assanov", "not yet", "text goes in quotes"),
    ("sources", "credited-with-nine-attacks", "answer_1 = 'Mr Assanov'", "right", ""),
    ("shares", "exact-total", "answer_6 = kzfigures.parse_quantity('between 180 and 250') / (15000, 15000)",
     "not yet", "use the library's bounds"),
    ("shares", "exact-total", "answer_6 = kzfigures.parse_quantity('between 180 and 250') / "
     "kzfigures.parse_quantity('the total')", "not yet", "cannot read “the total” as a number phrase"),
    ("shares", "exact-total", "answer_6 = kzfigures.parse_quantity('between 180 and 250') / "
     "kzfigures.parse_quantity('15,000')", "right", ""),
]


def test_slips_in_an_answer_cell_get_one_line_and_run_all_goes_on():
    """Each slip in a cell of its own, as the student edition writes answer cells, all in one kernel: every cell
    shows its box (no error output, so Run All would go on), and the last cell runs."""
    import nbformat
    from nbclient import NotebookClient

    from kzfigures.classroom.edition import CHECK_NOTE

    sources = ["import math\nimport kzfigures\nfrom kzfigures import lessons"]
    for lesson, question, lines, _, _ in SLIPS:
        variable = {"more-than-15000": "answer_1", "least-thousands": "answer_3", "penalty-term": "answer_4",
                    "credited-with-nine-attacks": "answer_1", "exact-total": "answer_6"}[question]
        sources.append(f"{variable} = None  # the form\n{lines}\n\n{CHECK_NOTE}\n"
                       f'lessons.check("{lesson}", "{question}", {variable})')
    sources.append('print("the end")')
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    client = NotebookClient(nb, kernel_name="python3", timeout=300)
    with on_unix_sockets(client):
        client.execute()
    states = {"right": "✓ Right: ", "not yet": "Not yet: ", "unanswered": "Not answered yet: "}
    for cell, (_, question, lines, state, words) in zip(nb.cells[1:], SLIPS, strict=False):
        (out,) = cell.outputs
        text = out["data"]["text/plain"]
        assert text.startswith(states[state]) and words in text, (question, lines, text)
    assert nb.cells[-1].outputs[0]["text"] == "the end\n"


#: A hidden test cell as each step writes it: the lesson's, and nbgrader's autograde copy (its require through its own
#: import, feedback.own_require, and the markers restored).
HIDDEN_CELLS = [
    ['lessons.require("reading", "karin-range", answer_2)\n', 'lessons.check("reading", "karin-range", answer_2)'],
    ["### BEGIN HIDDEN TESTS\n", 'lessons.require("reading", "karin-range", answer_2)\n', "### END HIDDEN TESTS\n",
     'lessons.check("reading", "karin-range", answer_2)'],
    ["### BEGIN HIDDEN TESTS\n",
     '__import__("kzfigures.classroom.lessons", fromlist=["require"]).require("reading", "karin-range", answer_2)\n',
     "### END HIDDEN TESTS\n", 'lessons.check("reading", "karin-range", answer_2)'],
]


@pytest.mark.parametrize("cell", HIDDEN_CELLS, ids=["lesson", "marked", "own import"])
def test_a_hidden_test_cell_is_never_guarded(cell):
    """nbgrader's test cell (lessons.require, then the check) runs as written: its failure is the grade."""
    from kzfigures.classroom.feedback import own_require
    from kzfigures.classroom.slips import _guarded

    assert _guarded(cell) == cell
    # as nbgrader's autograde runs it: the hidden test calls require through its own import (feedback.own_require)
    graded = own_require({"cells": [{"cell_type": "code", "source": f"{BEGIN_HIDDEN}\n{cell[0]}{END_HIDDEN}\n{cell[1]}"}]})
    lines = graded["cells"][0]["source"].splitlines(keepends=True)
    assert "lessons.require(" not in "".join(lines) and _guarded(lines) == lines
    assert "answered(" in _guarded(["answer_2 = (1, 2)\n", 'lessons.check("reading", "karin-range", answer_2)'])[0]
    assert _guarded(["x = 1\n", "print(x)"]) == ["x = 1\n", "print(x)"]


def answer_spellings(value: object) -> set[str]:
    """How an answer could be written in a lesson's words: as the key prints it, a whole number with its commas,
    a share in percent; and each end of a pair or an interval alone."""
    from kzfigures.classroom.printables import shown

    if isinstance(value, Bounds):
        return {shown(value)} | answer_spellings(value.lower) | answer_spellings(value.upper)
    if isinstance(value, (tuple, list)):
        return {shown(value)}.union(*(answer_spellings(v) for v in value if not isinstance(v, bool)))
    if isinstance(value, float) and 0 < value < 1:
        return {f"{value * 100:.3g}%", f"{value * 100:.2f}%", f"{value:.4g}"}
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 1000:
        return {f"{value:,.0f}"}
    return set()


def test_no_text_of_the_student_edition_gives_an_answer_away(students):
    """Key points, narrative and questions in the student edition state no answer (the key points of lessons 01 and
    02 once said “(15,000, ∞)”, “at least 2,000” and “under 1.67%”); the numbers a question itself quotes are not
    answers."""
    from kzfigures.classroom import printables as P

    for instructor, student in zip(LESSONS, students, strict=True):
        nb = json.loads(instructor.read_text(encoding="utf-8"))
        values = answer_values(nb)
        lesson = P.read_lesson(nb)
        text = "\n".join("".join(c["source"]) for c in json.loads(student.read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "markdown")
        for q in lesson.questions:
            if q.variable in values:
                for spelled in answer_spellings(values[q.variable]) - {"15,000", "17,288,280", "1,000,000"}:
                    assert spelled not in text, (student.name, q.number, spelled)


def test_the_forms_table_holds_right_and_wrong_answers_for_every_question():
    """FORMS is the table the issue asks for: every question of every lesson has a right form that must pass and a
    wrong one with the hint it must get."""
    right = {(f[0], f[1]) for f in FORMS if f[3] in ("right", "as asked")}
    wrong = {(f[0], f[1]) for f in FORMS if f[3] == "not yet" and f[4]}
    assert set(L.ANSWER_KEY) <= right & wrong, sorted(set(L.ANSWER_KEY) - (right & wrong))
