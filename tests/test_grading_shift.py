"""Issue 33: a lesson made from an article (`kzfigures lesson`) is graded against the questions its notebook asked.

A teacher hands out the lesson, then changes the article's curation (takes back a figure); the grader used to rebuild
the lesson's questions from today's table and check answer_N against today's question N, so a student who had every
answer right got 3/5 and a KeyError blamed on them. Each answer is now checked against the question its own cell
names; a question the curation took out is not scored, and the row says so in one line. Each notebook's answers are
given here as a run would report them (run_submission stubbed): what is tested is which question each is checked
against, not the kernel.
"""
from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kzfigures.classroom import grading, lessons
from kzfigures.classroom.edition import student_version
from kzfigures.classroom.exercises import lesson_name, lesson_notebook
from kzfigures.classroom.feedback import box

#: An article written for this test: two prices, a credited figure, two counts.
TEXT = ("London, 5 May 2025. Shares rose to $5 on Monday, and the firm said profits reached $10 million, up from $7 "
        "million a year earlier.\nAbout 300 staff were hired, the company said. Some 40 shops closed.\n")
SEED = "dollars"

pytestmark = pytest.mark.full  # grading: each test makes lessons and runs the checking process, as test_grading.py's


@pytest.fixture
def handed_out(package_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict]:
    """The article added, drafted and curated in a copy of the collection, and its lesson's student edition filled
    with the teacher's own solutions (every answer right when handed in), as the tester did it."""
    import kzfigures
    from kzfigures.figures.articles import add_article
    from kzfigures.figures.draft import draft_article

    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    text = tmp_path / "dollars.txt"
    text.write_text(TEXT, encoding="utf-8")
    add_article(text, "Profits up", "Money Daily", "2025-05-05", seed_id=SEED)
    draft_article(SEED)
    c = kzfigures.curation(SEED)
    for p in c.proposals.index:
        c.accept(p) if c.proposals.loc[p, "kind"] == "figure" else c.reject(p, "year: says when, not how many")
    c.save()
    teacher = lesson_notebook(SEED)
    solutions = {m[1]: m[2] for cell in teacher["cells"]
                 if (m := re.search(r"### BEGIN SOLUTION\n(answer_\d+) = (.*)\n### END SOLUTION",
                                    "".join(cell["source"])))}
    return package_copy, {"notebook": student_version(teacher, lesson_name(SEED)), "solutions": solutions}


def _filled(nb: dict, solutions: dict[str, str]) -> dict:
    """The student edition with each answer cell's solution written in."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if (m := re.match(r"(answer_\d+) = None", source)) and m[1] in solutions:
            cell["source"] = source.replace("# YOUR ANSWER HERE", f"{m[1]} = {solutions[m[1]]}")
    return nb


def _take_back(figure: str) -> Callable[[], None]:
    """A change of the curation after the lesson was handed out: one accepted figure taken back."""
    def change() -> None:
        import kzfigures

        c = kzfigures.curation(SEED)
        c.take_back(figure)
        c.save()
    return change


def _nothing() -> None:
    """No change."""


def _graded(folder: Path, solutions: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> grading.Graded:
    """The one row of the folder, each answer reported as the teacher's solution (a literal) would give it."""
    def ran(data: bytes, names: list[str], timeout: int) -> grading.Ran:
        return grading.Ran({n: ast.literal_eval(solutions[n]) for n in names if n in solutions}, [])

    monkeypatch.setattr(grading, "run_submission", ran)
    (row,) = grading.grade(folder, Path("notebooks/lessons"), timeout=30, jobs=1)
    return row


@pytest.mark.parametrize("change, taken_out, states", [
    (_nothing, [], ["right"] * 5),
    # the tester's case: the "$5" figure taken back; today's lesson asks other questions at four of the five
    # places, so two questions about figures still curated are checked by their names, the two about "$5" not at all
    (_take_back("dollars_at_35"), ["bounds-dollars-at-35", "credit-how-dollars-at-35"], ["right", "taken out"] * 2
     + ["right"]),
    # a question removed outright: the second count taken back, so the comparison question is gone
    (_take_back("dollars_at_177"), ["compare-dollars-at-131--dollars-at-177"], None),
], ids=["unchanged", "testers-take-back", "question-removed"])
def test_each_answer_is_graded_against_the_question_its_notebook_asked(handed_out, tmp_path, monkeypatch, change,
                                                                      taken_out, states):
    lesson = handed_out[1]
    folder = tmp_path / "class" / "ana"
    folder.mkdir(parents=True)
    (folder / lesson_name(SEED)).write_text(json.dumps(_filled(lesson["notebook"], lesson["solutions"])),
                                            encoding="utf-8")
    asked = re.findall(r'lessons\.check\("dollars", "([a-z0-9-]+)", answer_\d\)',
                       "".join("".join(c["source"]) for c in lesson["notebook"]["cells"]))
    change()
    row = _graded(tmp_path / "class", lesson["solutions"], monkeypatch)
    assert set(row.states) <= {"right", "taken out"}, row  # no right answer marked wrong
    assert "KeyError" not in row.note and "raised" not in row.note  # nothing blamed on the student
    assert [q.name for q in row.asked] == asked  # the notebook's own questions, in its order
    assert sorted(q.name for q, s in zip(row.asked, row.states, strict=True) if s == "taken out") == sorted(taken_out)
    if states is not None:
        assert sorted(row.states) == sorted(states), row
    assert row.right == row.scored == 5 - len(taken_out)
    if taken_out:
        assert row.note.count("can no longer be asked of article 'dollars''s data, so not scored: the curation changed "
                              "since this lesson was handed out, or the notebook's check lines were edited") == 1, row.note
        assert all(name in row.note for name in taken_out), row.note
    else:
        assert row.note == ""
    headings = [grading._title("".join(c["source"])) for c in lesson["notebook"]["cells"]
                if "".join(c["source"]).startswith("### Question")]
    assert _csv_titles(row) == [(f"Q{n}", t) for n, t in enumerate(headings, 1)]  # the notebook's own questions


def _csv_titles(row: grading.Graded) -> list[tuple[str, str]]:
    """The (question, title) of each answer's line in the grades CSV."""
    import csv
    import io

    text = grading.csv_text([row], grading.lesson_questions(Path("notebooks/lessons"), generated=True))
    return [(line["question"], line["title"]) for line in csv.DictReader(io.StringIO(text))]


def test_a_question_reworded_since_is_titled_as_the_notebook_asked_it(handed_out, tmp_path, monkeypatch):
    """The CSV's title of each answer is the notebook's own question, not today's wording at its place."""
    lesson = handed_out[1]
    nb = _filled(lesson["notebook"], lesson["solutions"])
    heading = next(c for c in nb["cells"] if "".join(c["source"]).startswith("### Question 1"))
    heading["source"] = "### Question 1\n\nHow sure is the article of the profits it reports?"  # as it was worded
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / f"ana-{lesson_name(SEED)}").write_text(json.dumps(nb), encoding="utf-8")
    row = _graded(folder, lesson["solutions"], monkeypatch)
    assert _csv_titles(row)[0] == ("Q1", "How sure is the article of the profits it reports?")
    assert row.states == ["right"] * 5


def test_the_lessons_box_and_nbgraders_test_say_a_taken_out_question_is_not_scored(handed_out):
    """In the student's own notebook and under nbgrader, a question the curation took out is a box saying so, never
    a KeyError; a question no lesson ever had still is one."""
    _take_back("dollars_at_35")()
    said = lessons.check(SEED, "bounds-dollars-at-35", (5, 5))
    assert said.state == "taken out" and "curation changed" in said.text and "your answer" in said.text
    with pytest.raises(lessons.TakenOut, match="no longer in the lesson"):
        lessons.require(SEED, "bounds-dollars-at-35", (5, 5), lessons._grader())  # its process reads this copy
    with pytest.raises(KeyError):
        lessons.check("reading", "no-such-question", 1)
    from kzfigures.classroom.exercises import answer_key

    assert "kind-dollars-at-83" not in answer_key(SEED)  # moved out of today's lesson, its figure still curated:
    assert lessons.check(SEED, "kind-dollars-at-83", "exact").state == "right"  # checked by its name
    assert lessons.check(SEED, "kind-dollars-at-83", "vague").state == "not yet"
    assert "of 5 answered" in lessons.summary(SEED).text  # the summary counts today's lesson's questions only
    shown = box("TakenOut", lessons.taken_out_words(SEED, "bounds-dollars-at-35"))["data"]["text/plain"]
    assert shown.startswith("No longer in this lesson: ") and "not scored" in shown


@pytest.mark.parametrize("edit", ["cell deleted", "pointed at an easier kind"])
def test_a_notebook_short_of_a_question_is_graded_against_the_lesson_not_its_own_names(handed_out, tmp_path,
                                                                                       monkeypatch, edit):
    """A second adversarial pass: deleting question 3's cell gave 4/4, and pointing its check line (and nbgrader id)
    at another kind of question the data offers, with that question's answer, gave 5/5; both without a note. A
    notebook short of a kind of question the lesson asks is graded against today's lesson: question 3 is not right."""
    from kzfigures.classroom.exercises import article, offered

    lesson = handed_out[1]
    nb, solutions = _filled(lesson["notebook"], lesson["solutions"]), dict(lesson["solutions"])
    third = next(c for c in nb["cells"] if 'answer_3)' in "".join(c["source"]) and "lessons.check" in "".join(c["source"]))
    asked = re.search(r'lessons\.check\("dollars", "([a-z0-9-]+)", answer_3\)', "".join(third["source"]))[1]
    if edit == "cell deleted":
        nb["cells"].remove(third)
        del solutions["answer_3"]
    else:
        kind = asked.split("-")[0]
        easier = next(e for e in offered(article(SEED)) if not e.name.startswith(f"{kind}-"))
        third["source"] = "".join(third["source"]).replace(asked, easier.name)
        third.get("metadata", {}).get("nbgrader", {})["grade_id"] = f"answer-{easier.name}"
        solutions["answer_3"] = easier.solution
    folder = tmp_path / "class" / "gus"
    folder.mkdir(parents=True)
    (folder / lesson_name(SEED)).write_text(json.dumps(nb), encoding="utf-8")
    row = _graded(tmp_path / "class", solutions, monkeypatch)
    assert row.scored == 5 and row.states[2] != "right" and row.right == 4, row
    assert [q.name for q in row.asked][2] == asked, row.asked  # today's lesson's question 3
