"""`kzfigures lesson ARTICLE`: a lesson from any curated article, checked as the hand-written lessons are: the
instructor lesson runs under nbval with every check right, its student edition runs Run All untouched to the end,
the instructor's solutions get "Right" in it, the usual right forms pass and wrong ones get their hint, and its
folder is never one the program did not write. On the flagship and on the project's test articles (tests/articles/),
curated here through kzfigures.curation as a person would (measures described, a credit checked, one reading of the
draft corrected in overrides.csv, so the draft's wrong reading is there)."""
from __future__ import annotations

import csv
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from kzfigures import FLAGSHIP, Bounds, add_article, curation, draft_article, load_figures, parse_quantity, validate_package
from kzfigures import lessons as L
from kzfigures.classroom.edition import BEGIN_SOLUTION, CODE_PROMPT, END_SOLUTION, MARKERS, leaks
from kzfigures.classroom.exercises import TEMPLATE_WORDS, article, exercises, lesson_name, skills
from kzfigures.cli import main, make_lesson
from kzfigures.collection.kernels import on_unix_sockets
from kzfigures.figures.draft import TO_DESCRIBE

#: The full tier (make test): every generated lesson is executed, nbval-checked and graded.
pytestmark = pytest.mark.full

ARTICLES = sorted((ROOT / "tests" / "articles").glob("*.txt"))
#: The credits a curator gives roles to (the article says "commission chairman Daniyar Sadykov").
ROLES = {"Daniyar Sadykov": "commission chairman"}
#: Figures whose credit the article states in so many words: the curator marks them explicit.
EXPLICIT = {"test-politics-vote": "More than 2 million"}
#: A credit the draft left unchecked that the curator gives: in the budget story "about 4.2%" is the statistics
#: office's ("according to the national statistics office, while unemployment stood at about 4.2%").
CREDITED = {"test-economy-budget": ("about 4.2%", "the national statistics office")}
#: The curator's correction of the draft's reading: "within six months" allows up to six, not six exactly (kept in
#: overrides.csv with its reason).
CORRECTED = {"test-politics-vote": ("six months", {"lower": 0, "upper": 6,
                                                   "override_reason": "“within six months”: up to six, not six"})}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


#: Credits that name one person by office, not by name (the rest: a personal name is a person, else a body).
OFFICES = {"The minister"}


def _kind(name: str) -> str:
    """A credit's kind as a curator tells it: a personal name (every word capitalised) or an office is a person."""
    words = name.split()
    personal = len(words) > 1 and all(w[:1].isupper() for w in words)
    return "person" if personal or name in OFFICES else "organisation"


def curate(root: Path, seed: str) -> None:
    """Decide every proposal of a drafted article through kzfigures.curation, as a person would: each figure
    accepted with its measure described and a role for a credit new to people.csv, one credit marked explicit, one
    credit given and one reading corrected where the test says so; each non-figure accepted with the draft's reason."""
    c = curation(seed, root)
    for pid, row in c.proposals.iterrows():
        if row["kind"] == "non-figure":
            c.accept(pid)
            continue
        words, credit = row["number_text"], row["attributed_to"] if isinstance(row["attributed_to"], str) else ""
        changes: dict[str, object] = {}
        if row["measure"] == TO_DESCRIBE:
            changes["measure"] = "what the article counts here"
        if words == EXPLICIT.get(seed):
            changes["attribution"] = "explicit"
        if words == CREDITED.get(seed, ("",))[0]:
            credit = CREDITED[seed][1]
            changes.update(attributed_to=credit, attribution="inferred", source_type="official statement, paraphrased")
        if words == CORRECTED.get(seed, ("",))[0]:
            changes.update(CORRECTED[seed][1])
        if credit:
            changes.update(role=ROLES.get(credit, "named in the article"), kind=_kind(credit))
        c.accept(pid, **changes)
    c.save()
    assert c.proposals.empty, f"{seed}: {len(c.proposals)} proposal(s) left undecided"


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> tuple[Path, list[str]]:
    """A copy of the collection with every test article added, drafted and curated; its article ids."""
    import shutil

    root = tmp_path_factory.mktemp("collection")
    for folder in ("seeds", "data"):
        shutil.copytree(ROOT / folder, root / folder)
    ids = []
    for path in ARTICLES:
        seed = add_article(path, f"Test story: {path.stem}", "Test Gazette", "2024-07-24", seed_id=f"test-{path.stem}",
                           root=root)
        draft_article(seed, root=root)
        curate(root, seed)
        ids.append(seed)
    assert validate_package(root) == []
    return root, ids


@pytest.fixture(scope="module")
def made(collection, tmp_path_factory) -> dict[str, Path]:
    """Each article's lesson folder, made by make_lesson (the flagship's with PDFs; the others HTML only)."""
    root, ids = collection
    out = tmp_path_factory.mktemp("lessons")
    folders = {FLAGSHIP: out / FLAGSHIP}
    make_lesson(FLAGSHIP, folders[FLAGSHIP], pdf=True, say=lambda line: None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KZFIGURES_ROOT", str(root))
        for seed in ids:
            folders[seed] = out / seed
            make_lesson(seed, folders[seed], pdf=False, say=lambda line: None)
    return folders


def _env(seed: str, collection: tuple[Path, list[str]]) -> dict[str, str]:
    """The environment a lesson of this article runs in: the test collection's root for a test article."""
    env = dict(os.environ)
    if seed != FLAGSHIP:
        env["KZFIGURES_ROOT"] = str(collection[0])
    return env


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _text(cell: dict) -> str:
    return "".join(cell.get("source", ""))


def _outputs(cell: dict) -> str:
    return "".join("".join(o.get("data", {}).get("text/plain", o.get("text", ""))) for o in cell.get("outputs", []))


# -- which exercises an article offers -------------------------------------------------------------------------
#: article -> the templates its lesson must hold (a template the article gives nothing to is left out)
TEMPLATES_USED = {
    FLAGSHIP: {"kind", "bounds", "credit", "credit-how", "derived", "share", "compare", "draft"},
    # the draft reads it right: nothing corrected; a credit accepted as drafted stays explicit ("the union said"):
    # whom it is credited to is asked (issue 30)
    "test-economy-budget": {"kind", "bounds", "credit", "credit-how", "compare"},
    "test-politics-vote": {"kind", "bounds", "credit", "credit-how", "compare", "draft"},
    "test-environment-heat": {"kind", "bounds", "credit", "credit-how", "compare"},  # "officials told the press"
}


@pytest.mark.parametrize("seed", sorted(TEMPLATES_USED))
def test_each_template_is_used_where_the_article_offers_it_and_the_lesson_names_the_rest(seed, collection, made):
    root = None if seed == FLAGSHIP else collection[0]
    chosen = exercises(article(seed, root))
    assert {e.template for e in chosen} == TEMPLATES_USED[seed]
    practised, left_out = skills(chosen)
    intro = _text(_nb(made[seed] / lesson_name(seed))["cells"][0])
    assert all(f"- {s}" in intro for s in practised + left_out)
    if left_out:
        assert TEMPLATE_WORDS and "Not in this lesson" in intro.split(left_out[0])[0]
    assert len({e.name for e in chosen}) == len(chosen)  # each question named once


def test_every_test_article_and_the_flagship_get_a_lesson(collection, made):
    assert set(made) == {FLAGSHIP, *collection[1]}
    for seed, folder in made.items():
        name = lesson_name(seed)
        assert (folder / name).is_file() and (folder / "student" / name).is_file()
        assert (folder / "printables" / f"{name[:-6]}-worksheet.html").is_file()
    assert (made[FLAGSHIP] / "printables" / f"{lesson_name(FLAGSHIP)[:-6]}-worksheet.pdf").read_bytes()[:5] == b"%PDF-"


# -- the instructor lesson ---------------------------------------------------------------------------------------
def test_every_check_of_the_instructor_lesson_says_right(made):
    for seed, folder in made.items():
        cells = _nb(folder / lesson_name(seed))["cells"]
        checks = [c for c in cells if c["cell_type"] == "code" and "lessons.check(" in _text(c)]
        assert len(checks) >= 4, seed
        for cell in checks:
            assert _outputs(cell).startswith("✓ Right"), (seed, _text(cell), _outputs(cell))
        (summary,) = [c for c in cells if "lessons.summary(" in _text(c)]
        assert f"{len(checks)} of {len(checks)} answered correctly" in _outputs(summary)


@pytest.mark.parametrize("seed", [FLAGSHIP, "test-politics-vote"])
def test_the_instructor_lesson_runs_under_nbval(seed, made, collection):
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", "--nbval",
                           "--nbval-sanitize-with", str(ROOT / "tests" / "nbval-sanitize.cfg"),
                           str(made[seed] / lesson_name(seed))], cwd=ROOT, env=_env(seed, collection),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and "failed" not in done.stdout


# -- the student edition -------------------------------------------------------------------------------------------
def _run(nb_path: Path, env: dict[str, str]) -> dict:
    """Run All on a notebook in a fresh kernel (nbclient), as a student's JupyterLab would; the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(nb_path), as_version=4)
    old = dict(os.environ)
    os.environ.update(env)
    try:
        client = NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=True,
                                resources={"metadata": {"path": str(nb_path.parent)}})
        with on_unix_sockets(client):
            client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return json.loads(nbformat.writes(nb))


def _solutions(instructor: dict) -> dict[str, str]:
    """Each answer variable's solution code, as the instructor lesson writes it."""
    found = {}
    for cell in instructor["cells"]:
        source = _text(cell)
        if BEGIN_SOLUTION in source and cell["cell_type"] == "code":
            body = source.split(BEGIN_SOLUTION + "\n")[1].split(END_SOLUTION)[0]
            found[re.search(r"^(answer_\d+) = ", source, re.M).group(1)] = body
    return found


def _filled(student: dict, answers: dict[str, str]) -> dict:
    """The student edition with each answer written in place of its prompt."""
    out = json.loads(json.dumps(student))
    for cell in out["cells"]:
        source = _text(cell)
        name = re.search(r"^(answer_\d+) = None", source, re.M)
        if name and CODE_PROMPT in source:
            cell["source"] = source.replace(CODE_PROMPT, answers[name.group(1)].rstrip("\n"))
    return out


@pytest.mark.parametrize("seed", [FLAGSHIP, "test-economy-budget", "test-politics-vote"])
def test_the_student_edition_runs_all_untouched_then_gets_right_for_the_instructors_answers(seed, made, collection,
                                                                                              tmp_path):
    folder = made[seed]
    student = _nb(folder / "student" / lesson_name(seed))
    assert leaks(student) == [] and not any(m in json.dumps(student) for m in MARKERS)
    answers = _solutions(_nb(folder / lesson_name(seed)))
    assert answers and not [a for a in answers.values() if a.strip() in json.dumps(student)]
    assert all(c.get("outputs", []) == [] for c in student["cells"] if c["cell_type"] == "code")
    for label, nb in (("untouched", student), ("filled", _filled(student, answers))):
        path = tmp_path / label / lesson_name(seed)
        path.parent.mkdir()
        path.write_text(json.dumps(nb), encoding="utf-8")
        ran = _run(path, _env(seed, collection))
        errors = [o for c in ran["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert errors == [], (seed, label, errors[:1])
        checks = [c for c in ran["cells"] if "lessons.check(" in _text(c)]
        assert len(checks) == len(answers)
        want = "Not answered yet: " if label == "untouched" else "✓ Right"
        assert all(_outputs(c).startswith(want) for c in checks), (seed, label, [_outputs(c) for c in checks])
        (summary,) = [c for c in ran["cells"] if "lessons.summary(" in _text(c)]
        right = 0 if label == "untouched" else len(checks)
        assert f"{right} of {len(checks)} answered correctly" in _outputs(summary)
        assert "show_solutions" not in "\n".join(_text(c) for c in ran["cells"])


# -- right forms and hints, per template (the flagship's lesson: its answers are computed from the checkout's table)
RIGHT = [  # question, answer: each must be "✓ Right"
    ("bounds-foreign-fighters", (15_000, math.inf)),
    ("bounds-foreign-fighters", [15_000, math.inf]),
    ("bounds-foreign-fighters", (15_000, np.inf)),
    ("bounds-foreign-fighters", (np.int64(15_001), np.float64("inf"))),  # whole people: the least is 15,001
    ("bounds-foreign-fighters", parse_quantity("more than 15,000")),
    ("bounds-foreign-fighters", Bounds(15_001, math.inf, False, True)),
    ("bounds-penalty-term", (3, 7)),
    ("bounds-penalty-term", parse_quantity("three to seven years")),
    ("kind-fighter-categories", "exact"),
    ("kind-fighter-categories", " Exact "),
    ("kind-kz-fighters-some-reports", "vague"),
    ("kind-kz-fighters-some-reports", "a vague word"),
    ("credit-attacks-prevented", "Zhakip Assanov"),
    ("credit-attacks-prevented", "Assanov"),  # the surname only
    ("credit-attacks-prevented", "Mr Assanov"),
    ("credit-attacks-prevented", "Deputy Prosecutor General of Kazakhstan"),  # the role only
    ("credit-attacks-prevented", "Zhakip Assanov, Deputy Prosecutor General of Kazakhstan"),
    ("credit-how-ethnic-groups", "inferred"),
    ("credit-how-ethnic-groups", "'Inferred'"),
    ("derived-killed-not-officers", {"killed_since_2011", "killed_officers"}),
    ("derived-killed-not-officers", ["killed_officers", "killed_since_2011"]),
    ("share-kz-fighters-karin--foreign-fighters",
     parse_quantity("between 180 and 250") / parse_quantity("more than 15,000")),
    ("compare-sentenced-supporters--kz-fighters-karin", "period"),
    ("compare-sentenced-supporters--kz-fighters-karin", "When"),
    ("draft-intl-organisations", "A"),
    ("draft-intl-organisations", "a"),
    ("draft-intl-organisations", "intl_organisations"),
]

WRONG = [  # question, answer, state, words the feedback must hold
    ("bounds-foreign-fighters", (15_000, 20_000), "not yet", "leaves the top open; use math.inf"),
    ("bounds-foreign-fighters", (14_000, math.inf), "not yet", "is too low: “more than 15,000” starts just above 15,000"),
    ("bounds-foreign-fighters", Bounds(15_000, math.inf, False, True), "not yet", "not which ends are included"),
    ("bounds-foreign-fighters", 15_000, "not yet", "should be a pair (lower, upper)"),
    ("bounds-foreign-fighters", None, "unanswered", "Write the lowest and highest values"),
    ("bounds-penalty-term", (3, 8), "not yet", "upper bound 8 is too high"),
    ("kind-fighter-categories", None, "unanswered", "Answer with one word, in quotes: \"exact\""),
    ("credit-attacks-prevented", None, "unanswered", "Write the name, in quotes"),
    ("credit-how-ethnic-groups", None, "unanswered", "Answer with one word, in quotes: \"explicit\" or"),
    ("derived-killed-not-officers", None, "unanswered", "Give a set of figure ids"),
    ("share-kz-fighters-karin--foreign-fighters", None, "unanswered", "Compute the share"),
    ("compare-sentenced-supporters--kz-fighters-karin", None, "unanswered", "\"unit\", \"place\" or \"period\""),
    ("draft-intl-organisations", None, "unanswered", "Write the letter of the proposal the curator corrected"),
    ("kind-fighter-categories", "range", "not yet", "one value, two ends, only one end"),
    ("kind-fighter-categories", "big", "not yet", "exact, range, open or vague"),
    ("credit-attacks-prevented", "Erlan Karin", "not yet", "credited with other figures in this article"),
    ("credit-attacks-prevented", "Karin", "not yet", "credited with other figures in this article"),
    ("credit-attacks-prevented", "nobody", "not yet", "the article names who says it"),
    ("credit-attacks-prevented", 42, "not yet", "should be text"),
    ("credit-how-ethnic-groups", "explicit", "not yet", "does it name Yerzhan Ashikbayev"),
    ("derived-killed-not-officers", {"killed_since_2011"}, "not yet", "1 more belongs in it"),
    ("derived-killed-not-officers", {"killed_since_2011", "killed_officers", "killed_not_officers"}, "not yet",
     "not right here: killed_not_officers"),
    ("share-kz-fighters-karin--foreign-fighters", 0.0125, "not yet", "a range: keep both ends"),
    ("share-kz-fighters-karin--foreign-fighters", parse_quantity("more than 15,000") / parse_quantity(
        "between 180 and 250"), "not yet", "the whole divided by the part: a share is the part over the whole"),
    ("share-kz-fighters-karin--foreign-fighters", parse_quantity("between 180 and 250") / parse_quantity("15,000"),
     "not yet", "the lower end of your answer is too high"),
    ("compare-sentenced-supporters--kz-fighters-karin", "unit", "not yet", "both have the same unit"),
    ("draft-intl-organisations", "B", "not yet", "Check each proposal against the article's words"),
]


@pytest.mark.parametrize(("question", "answer"), RIGHT, ids=[f"{q}-{i}" for i, (q, _) in enumerate(RIGHT)])
def test_each_question_accepts_every_right_form(question, answer):
    feedback = L.check(FLAGSHIP, question, answer)
    assert feedback.state == "right", feedback


@pytest.mark.parametrize(("question", "answer", "state", "words"), WRONG,
                         ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_each_wrong_answer_gets_its_hint_never_the_answer(question, answer, state, words):
    feedback = L.check(FLAGSHIP, question, answer)
    assert feedback.state == state and words in feedback.text, feedback
    assert "Zhakip Assanov" not in feedback.text or question != "credit-attacks-prevented"


def test_a_test_articles_questions_accept_a_role_only_and_name_the_draft_s_corrected_reading(collection, monkeypatch):
    monkeypatch.setenv("KZFIGURES_ROOT", str(collection[0]))
    vote = {e.template: e for e in exercises(article("test-politics-vote"))}
    assert L.check("test-politics-vote", vote["credit"].name, "commission chairman").state == "right"
    assert L.check("test-politics-vote", vote["credit"].name, "Sadykov").state == "right"
    # the curator's correction, read from overrides.csv: its bounds and its reason in the key's line
    draft = vote["draft"]
    assert draft.why.startswith("The draft read “six months” as [6, 6]") and "reads it as [0, 6]" in draft.why
    assert draft.why.endswith("The curator's reason: “within six months”: up to six, not six."), draft.why
    assert draft.extra["figure_id"] == "test_politics_vote_at_607" and "**six months**" in draft.question
    assert L.check("test-politics-vote", draft.name, draft.expected).state == "right"
    assert L.check("test-politics-vote", draft.name, "test_politics_vote_at_607").state == "right"
    assert L.check("test-politics-vote", draft.name, next(x for x in "ABC" if x != draft.expected)).state == "not yet"


# -- the folder, and bad input ------------------------------------------------------------------------------------
def test_the_lesson_folder_is_never_one_the_program_did_not_write(made, tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("the teacher's own notes\n", encoding="utf-8")
    assert main(["lesson", FLAGSHIP, "--output", str(mine), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kzfigures: error: --output {mine}: the folder is not empty") and err.count("\n") == 1
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    # a folder it wrote: written again, the teacher's edit of the lesson kept and said so
    folder = made[FLAGSHIP]
    lesson = folder / lesson_name(FLAGSHIP)
    edited = lesson.read_text(encoding="utf-8").replace("About ", "About (edited) ", 1)
    lesson.write_text(edited, encoding="utf-8")
    assert main(["lesson", FLAGSHIP, "--output", str(folder), "--no-pdf"]) == 0
    assert lesson.read_text(encoding="utf-8") == edited and "kept" in capsys.readouterr().err


def test_a_file_of_someone_else_where_the_lesson_would_go_is_refused(made, tmp_path, capsys):
    import shutil

    folder = tmp_path / "again"
    shutil.copytree(made[FLAGSHIP], folder)
    (folder / "student" / lesson_name(FLAGSHIP)).unlink()
    marker = json.loads((folder / ".kzfigures-lesson.json").read_text(encoding="utf-8"))
    marker["files"].pop(f"student/{lesson_name(FLAGSHIP)}")
    (folder / ".kzfigures-lesson.json").write_text(json.dumps(marker), encoding="utf-8")
    (folder / "student" / lesson_name(FLAGSHIP)).write_text("a student's own notebook", encoding="utf-8")
    assert main(["lesson", FLAGSHIP, "--output", str(folder), "--no-pdf"]) == 2
    assert "kzfigures lesson did not write it" in capsys.readouterr().err
    assert (folder / "student" / lesson_name(FLAGSHIP)).read_text(encoding="utf-8") == "a student's own notebook"


@pytest.mark.parametrize(("article_id", "words"), [
    ("no-such-story", "no article 'no-such-story' in the collection"),
])
def test_an_article_it_cannot_make_a_lesson_of_is_one_line(article_id, words, tmp_path, capsys):
    assert main(["lesson", article_id, "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"kzfigures: error: {words}") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_an_article_with_nothing_curated_is_refused_in_one_line(collection, tmp_path, capsys, monkeypatch):
    import shutil

    root = tmp_path / "root"
    for folder in ("seeds", "data"):
        shutil.copytree(collection[0] / folder, root / folder)
    story = tmp_path / "story.txt"
    story.write_text(ARTICLES[0].read_text(encoding="utf-8") + "\nA later line with 12 more.\n", encoding="utf-8")
    seed = add_article(story, "Another story", "Test Gazette", "2024-07-25", seed_id="test-uncurated", root=root)
    draft_article(seed, root=root)
    monkeypatch.setenv("KZFIGURES_ROOT", str(root))
    assert main(["lesson", seed, "--output", str(tmp_path / "out")]) == 1
    assert "has no curated figures yet: draft it" in capsys.readouterr().err


# -- printables --------------------------------------------------------------------------------------------------
def test_the_worksheet_asks_every_question_and_gives_no_answer_and_the_key_gives_each_why(made, collection):
    from markupsafe import escape


    for seed, folder in made.items():
        stem, nb = lesson_name(seed)[:-6], _nb(folder / lesson_name(seed))
        worksheet = (folder / "printables" / f"{stem}-worksheet.html").read_text(encoding="utf-8")
        key = (folder / "printables" / f"{stem}-key.html").read_text(encoding="utf-8")
        whys = nb["metadata"]["kzfigures"]["printables"]["why"]
        questions = [c for c in nb["cells"] if _text(c).startswith("### Question")]
        assert len(whys) == len(questions) >= 4
        for number in range(1, len(questions) + 1):
            assert f"Question {number}" in worksheet and f"Question {number}" in key
        for why in whys.values():
            assert str(escape(why)) in key, (seed, why)
            assert str(escape(why)) not in worksheet, (seed, why)
        for solution in _solutions(nb).values():
            assert str(escape(solution.split(" = ", 1)[1].strip())) not in worksheet, (seed, solution)
        # the passage marks every figure the questions quote, in the first paragraph too (economy-jobs has no headline)
        figures = load_figures(None if seed == FLAGSHIP else collection[0], seed=seed).set_index("figure_id")
        for figure_id in nb["metadata"]["kzfigures"]["printables"]["article"]:
            assert f"<mark>{escape(figures.loc[figure_id, 'number_text'])}</mark>" in worksheet, (seed, figure_id)


# -- nbgrader ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [FLAGSHIP, "test-politics-vote"])
def test_nbgrader_releases_the_lesson_and_autogrades_the_instructors_answers_full_and_an_untouched_copy_zero(
        seed, made, collection, tmp_path):
    import shutil

    from test_nbgrader import NBGRADER_BIN, solved

    if not (NBGRADER_BIN / "nbgrader").is_file():
        pytest.skip("nbgrader is not installed in build/nbgrader-venv: `make nbgrader` installs it")
    name = lesson_name(seed)
    (tmp_path / "notebooks" / "lesson").mkdir(parents=True)
    shutil.copy2(made[seed] / name, tmp_path / "notebooks" / "lesson" / name)
    shutil.copy2(ROOT / "nbgrader_config.py", tmp_path)
    env = {k: v for k, v in _env(seed, collection).items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{NBGRADER_BIN}{os.pathsep}{env.get('PATH', '')}"

    def nbgrader(*args: str) -> None:
        done = subprocess.run([str(NBGRADER_BIN / "nbgrader"), *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]

    nbgrader("generate_assignment", "lesson")
    released = _nb(tmp_path / "build" / "nbgrader" / "release" / "lesson" / name)
    assert "BEGIN SOLUTION" not in json.dumps(released) and "HIDDEN TESTS" not in json.dumps(released)
    for student, nb in (("filled", solved(released, _nb(made[seed] / name))), ("untouched", released)):
        folder = tmp_path / "build" / "nbgrader" / "submitted" / student / "lesson"
        folder.mkdir(parents=True)
        (folder / name).write_text(json.dumps(nb), encoding="utf-8")
    nbgrader("autograde", "lesson")
    script = ("import json; from nbgrader.api import Gradebook\n"
              "with Gradebook('sqlite:///build/nbgrader/gradebook.db') as gb:\n"
              "    print(json.dumps({s: [[nb.code_score, nb.max_code_score] for nb in "
              "gb.find_submission('lesson', s).notebooks] for s in ('filled', 'untouched')}))")
    scores = json.loads(subprocess.run([str(NBGRADER_BIN / "python"), "-c", script], cwd=tmp_path, env=env,
                                       check=True, capture_output=True, text=True).stdout)
    (got, most), = scores["filled"]
    assert most >= 4 and got == most, scores
    assert scores["untouched"] == [[0, most]]


def test_a_notebook_cell_makes_the_lesson_into_the_checkout_s_dist_folder(collection, tmp_path):
    """Item 3: a teacher without a terminal makes the lesson from any cell; the default folder is the checkout's."""
    import shutil

    root = tmp_path / "checkout"
    for folder in ("seeds", "data"):
        shutil.copytree(collection[0] / folder, root / folder)
    (root / "notebooks").mkdir()
    cell = 'import kzfigures\nkzfigures.make_lesson("test-politics-vote", pdf=False)'
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": [],
                     "source": cell}], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                   "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = root / "notebooks" / "05-curate.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    ran = _run(path, {**os.environ, "KZFIGURES_ROOT": str(root)})
    outputs = ran["cells"][0]["outputs"]
    assert [o for o in outputs if o["output_type"] == "error"] == []
    said = "".join("".join(o.get("text", "")) for o in outputs if o["output_type"] == "stream")
    folder = root / "dist" / "lessons" / "test-politics-vote"
    assert said.startswith(f"the lesson of test-politics-vote written to {folder}: "), said
    assert (folder / "student" / lesson_name("test-politics-vote")).is_file()


def test_an_articles_checks_stay_apart_from_the_hand_written_lessons_key():
    before = dict(L.ANSWER_KEY)
    assert L.check(FLAGSHIP, "bounds-penalty-term", (3, 7)).state == "right"
    assert before == L.ANSWER_KEY  # the hand-written lessons' key (and its tests) see no generated question
    with pytest.raises(KeyError, match="no question 'nine' in lesson 'shares'"):
        L.check("shares", "nine", 1)
    with pytest.raises(KeyError, match="no question 'nine' in lesson 'no-such-lesson'"):
        L.check("no-such-lesson", "nine", 1)
    assert f" of {len(exercises(article(FLAGSHIP)))} answered correctly" in L.summary(FLAGSHIP).text


HOSTILE = ["<img src=x onerror=alert(1)>", "$x^2$", "*bold* and _it_", "[a link](http://example.org)", "`code`",
           "&lt;b&gt;", "# not a heading", "a | b | c"]


def _bounds_question(root: Path, measure: str) -> str:
    """The flagship lesson's question on "more than 15,000", its measure set to ``measure`` in a copy of the data."""
    from kzfigures.classroom.exercises import lesson_notebook

    rows = _rows(root / "data" / "figures.csv")
    for row in rows:
        if row["figure_id"] == "foreign_fighters":
            row["measure"] = measure
    _write(root / "data" / "figures.csv", rows)
    nb = lesson_notebook(FLAGSHIP, root)
    (question,) = [_text(c) for c in nb["cells"] if "**more than 15,000**" in _text(c) and "Write the bounds" in _text(c)]
    return question


@pytest.mark.parametrize("text", HOSTILE)
def test_text_from_the_data_is_text_in_the_lesson(text, tmp_path):
    """A measure with markup, a formula or a link shows as written in the question, never as markup."""
    import html
    import shutil

    from kzfigures.classroom.printables import _markdown

    for folder in ("seeds", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    plain, hostile = _markdown(_bounds_question(tmp_path, "plain words")), _bounds_question(tmp_path, text)
    shown = _markdown(hostile)
    assert re.findall(r"<(\w+)", shown) == re.findall(r"<(\w+)", plain)  # no element of the data's own
    assert f"({html.escape(text, quote=False)})" in shown.replace("&quot;", '"').replace("&#x27;", "'"), shown
    assert re.search(r"(?<!\\)\$", hostile) is None  # every $ escaped: MathJax in JupyterLab would typeset it


def test_make_lesson_returns_the_files_it_wrote_shown_as_one_line(made, capsys):
    files = make_lesson(FLAGSHIP, made[FLAGSHIP], pdf=False)
    assert all(p.is_file() for p in files) and files[0].name == lesson_name(FLAGSHIP)
    assert repr(files) == (f"4 files in {made[FLAGSHIP]}: {lesson_name(FLAGSHIP)}, student/{lesson_name(FLAGSHIP)}, "
                           f"printables/{lesson_name(FLAGSHIP)[:-6]}-worksheet.html, "
                           f"printables/{lesson_name(FLAGSHIP)[:-6]}-key.html")
    assert capsys.readouterr().out.startswith(f"the lesson of {FLAGSHIP} written to {made[FLAGSHIP]}")


@pytest.mark.parametrize(("words", "unit", "answer", "state"), [
    ("two-thirds", "share", (0.67, 0.67), "right"),  # rounded as written
    ("two-thirds", "share", (0.6667, 0.6667), "right"),
    ("two-thirds", "share", [2 / 3, 2 / 3], "right"),
    ("two-thirds", "share", (0.6, 0.67), "not yet"),
    ("two-thirds", "share", (0.7, 0.7), "not yet"),
    ("more than 80", "nations", (81, math.inf), "right"),  # whole things: the least is the next whole number
    ("more than 80", "nations", (80, math.inf), "right"),
    ("more than 5%", "percent", (6, math.inf), "not yet"),  # not so for a percentage
    ("nearly half", "share", (0, 0.5), "right"),
    ("nearly half", "share", (0, 0.49), "not yet"),
])
def test_bounds_accept_an_answer_rounded_as_written_and_the_next_whole_number_only_for_whole_things(words, unit,
                                                                                                     answer, state):
    from kzfigures.classroom.exercises import CHECKS, Exercise

    bounds = parse_quantity(words)
    exercise = Exercise("bounds", ("x",), "", "", "", bounds, {"bound": bounds.bound, "words": words, "unit": unit})
    try:
        CHECKS["bounds"](answer, "your answer", exercise)
        got = "right"
    except L.NotYet:
        got = "not yet"
    assert got == state


def test_require_grades_an_articles_question_in_the_grader_process():
    """nbgrader's hidden test: the grader process of its own knows the article's questions too."""
    L.require(FLAGSHIP, "bounds-penalty-term", (3, 7))
    with pytest.raises(AssertionError, match="upper bound 8 is too high"):
        L.require(FLAGSHIP, "bounds-penalty-term", (3, 8))
    with pytest.raises(KeyError, match="no question 'nine'"):
        L.require(FLAGSHIP, "nine", 1)


def test_a_figure_the_curator_read_otherwise_is_never_a_question_on_the_words_bounds(collection):
    """The adversarial pass: "within six months", read [0, 6] by the curator, asked as "the values the words allow"
    would mark the words' own reading wrong. Put first among the figures, where the template looks first, it is
    still passed over."""
    import dataclasses

    from kzfigures.classroom.exercises import _bounds_exercises, article

    root, _ = collection
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KZFIGURES_ROOT", str(root))
        story = article("test-politics-vote")
    figures = story.figures
    overridden = figures["override_reason"].fillna("").astype(str) != ""
    assert overridden.any()
    first = dataclasses.replace(story, figures=pd.concat([figures.loc[overridden], figures.loc[~overridden]]))
    for bound in set(figures.loc[overridden, "bound"]):  # whichever kind of bound the curator's reading has
        asked = {fid for e in _bounds_exercises(first, set()) for fid in e.figures}
        assert not asked & set(figures.loc[overridden & (figures["bound"] == bound), "figure_id"])


def test_kzfigures_grade_grades_the_lesson_of_an_added_article(made, collection, tmp_path, monkeypatch):
    """M6: `kzfigures grade` knows the lessons `kzfigures lesson` makes (it said "not one of the lessons"): a copy
    filled with the instructor's answers is all right, an untouched one unanswered, in the collection they came from."""
    from kzfigures.classroom.grading import grade

    seed = "test-politics-vote"
    name = lesson_name(seed)
    student = _nb(made[seed] / "student" / name)
    answers = _solutions(_nb(made[seed] / name))
    folder = tmp_path / "class"
    (folder / "ana").mkdir(parents=True)
    (folder / "ana" / name).write_text(json.dumps(_filled(student, answers)), encoding="utf-8")
    (folder / f"ben-{name}").write_text(json.dumps(student), encoding="utf-8")
    monkeypatch.setenv("KZFIGURES_ROOT", str(collection[0]))
    rows = {r.student: r for r in grade(folder, ROOT / "notebooks" / "lessons", timeout=120, jobs=2)}
    assert rows["ana"].lesson == name.removesuffix(".ipynb") and rows["ana"].note == "", rows["ana"]
    assert rows["ana"].states == ["right"] * len(answers), rows["ana"]
    assert rows["ben"].states == ["unanswered"] * len(answers), rows["ben"]
