"""The printables as a teacher prints them: chromium prints each worksheet and answer key to PDF, and the PDF's
text (read back with pypdf) holds every question; a worksheet holds no answer and no feedback, each question
starting a page; the key holds every answer and its why. Skipped, saying why, where no chromium is installed."""
from __future__ import annotations

import html
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT
from kzfigures.classroom import printables as P

LESSONS = sorted((ROOT / "notebooks" / "lessons").glob("[0-9][0-9]-*.ipynb"))

pytestmark = [pytest.mark.full, pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                                reason="no chromium to print with (`make browser` installs it)")]


def flat(text: str) -> str:
    """Text with Markdown emphasis and code marks dropped, ligatures undone (NFKC: a PDF's "ﬁ" is "fi"), and
    runs of white space made one space."""
    return " ".join(re.sub(r"[*`]", "", unicodedata.normalize("NFKC", text)).split())


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("printables")
    P.write_printables(LESSONS, folder)
    return folder


def pages(pdf: Path) -> list[str]:
    """Each page's text, flattened."""
    from pypdf import PdfReader

    return [flat(page.extract_text()) for page in PdfReader(pdf).pages]


def lesson_of(path: Path) -> P.Lesson:
    nb = json.loads(path.read_text(encoding="utf-8"))
    lesson = P.read_lesson(nb)
    P.compute_answers(nb, lesson)
    return lesson


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_a_worksheet_prints_every_question_on_one_page_and_no_answer(printed, path):
    """Each question, its words and its answer box on one page; one that shows a table starts a page of its own;
    the others share pages, so no page is left almost blank."""
    lesson, sheet = lesson_of(path), pages(printed / f"{path.stem}-worksheet.pdf")
    text = " ".join(sheet)
    assert lesson.questions and lesson.article
    for q in lesson.questions:
        first_words = flat(re.sub(r"\(.*?\)", "", q.text))[:50]
        (at,) = [i for i, page in enumerate(sheet) if f"Question {q.number} " in page]
        assert first_words.split("“")[0][:30] in sheet[at], (path.stem, q.number)
        assert "Your answer" in sheet[at].split(f"Question {q.number} ", 1)[1], (path.stem, q.number, "box elsewhere")
        if q.shows:
            assert sheet[at].startswith(f"Question {q.number} "), (path.stem, q.number, "should start a page")
    first = next(i for i, page in enumerate(sheet) if "Question 1 " in page)
    assert len(sheet) - first < len(lesson.questions), (path.stem, "no two questions share a page")
    assert not re.search(r"answer_\d|kzfigures\.|parse_quantity|rate_per|math\.inf|\bset `", text), (
        path.stem, "code on paper")
    shown = " ".join(" ".join(q.shows) for q in lesson.questions) + " ".join(lesson.intro_shows)
    for q in lesson.questions:
        why = P.SETTINGS[lesson.key]["why"].get(q.name, "")
        assert flat(why)[:40] not in text, (path.stem, q.number, "a why on the worksheet")
        for line in q.solution.splitlines():
            assert flat(line)[:40] not in text, (path.stem, q.number, line)
        options = " ".join(lesson.intro)  # a word the lesson offers to choose from, such as *same origin*
        if q.answer and q.answer not in shown and q.name != "written" and f"*{q.answer}*" not in options:
            answer = flat(q.answer)
            assert not re.search(rf"(?<![\w.,]){re.escape(answer)}(?![\w,])", text), (path.stem, q.number, answer)
    assert not any(word in text for word in ("✓", "Right", "Not yet", "Not answered yet", "Answer key"))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_an_answer_key_prints_every_question_answer_and_why(printed, path):
    lesson = lesson_of(path)
    text = " ".join(pages(printed / f"{path.stem}-key.pdf"))
    for q in lesson.questions:
        assert f"Question {q.number} " in text
        assert flat(q.answer)[:60] in text, (path.stem, q.number, q.answer)
        assert flat(P.SETTINGS[lesson.key]["why"].get(q.name, P.SETTINGS[lesson.key]["why"].get("written")))[:60] in text


def test_every_question_has_its_why_and_every_why_its_question():
    for path in LESSONS:
        lesson = lesson_of(path)
        names = {q.name for q in lesson.questions}
        assert names == set(P.SETTINGS[lesson.key]["why"]), path.stem


def test_the_key_prints_the_answers_the_checks_accept():
    """The key's answers are what the instructor's solutions compute, and each one passes its check."""
    from kzfigures.classroom import lessons

    for path in LESSONS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        lesson = P.read_lesson(nb)
        P.compute_answers(nb, lesson)
        for q in lesson.questions:
            if q.name != "written":
                assert q.answer, (path.stem, q.number)
                assert lessons.check(lesson.key, q.name, eval_answer(q)).state in ("right", "as asked"), q.answer


def eval_answer(q: P.Question):
    """The value the solution gives, evaluated again here (so the test does not trust compute_answers' text)."""
    import math

    import kzfigures

    namespace = {"math": math, "kzfigures": kzfigures, "figures": kzfigures.load_figures(seed=kzfigures.FLAGSHIP),
                 "compared": kzfigures.in_context()}
    exec(q.solution, namespace)
    return namespace[q.variable]


@pytest.mark.parametrize("value, words", [((15_001, float("inf")), "(15,001, ∞)"), ({"b", "a"}, "{a, b}"),
                                          ((1 / 60, False), "(0.01667, False)"), ("where", "where"), (2000, "2,000")])
def test_answers_print_as_people_read_them(value, words):
    assert P.shown(value) == words


def test_the_article_passage_is_the_articles_own_words_with_its_figures_marked():
    from kzfigures.figures.seeds import FLAGSHIP, load_seed

    source, paragraphs = P.article_passage("shares")
    text = load_seed(FLAGSHIP).text
    assert "September 2014" in source and len(paragraphs) == 2
    for paragraph in paragraphs:
        plain = re.sub(r"</?mark>", "", paragraph).replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
        assert plain in text
    assert "<mark>between 180 and 250</mark>" in " ".join(paragraphs)
    _, whole = P.article_passage("sources")
    assert not any(p.startswith(P.LEAVE_OUT) for p in whole) and len(whole) > 10


def test_each_why_was_written_for_the_answer_the_key_now_prints():
    """A lesson whose answer changes (lesson 04's relations did) fails here until its why is read again: the
    key's data holds a digest of the answer each why was written for, never the answer."""
    import hashlib

    for path in LESSONS:
        lesson = lesson_of(path)
        digests = P.SETTINGS[lesson.key].get("why_checked_against", {})
        for q in lesson.questions:
            if q.name != "written":
                assert digests.get(q.name) == hashlib.sha256(q.answer.encode()).hexdigest()[:12], (
                    f"{lesson.key} {q.name}: the answer is now {q.answer!r}; read its why in printables-key.json again, "
                    "then update why_checked_against")


def test_a_hanging_chromium_is_one_line_and_leaves_no_process(tmp_path, monkeypatch):
    """A chromium that never finishes (and has started a helper): PrintUnavailable in one line after the time
    limit, and chromium and its helper are killed."""
    import os
    import time

    from kzfigures.classroom.printables import PrintUnavailable, print_pdf

    fake = tmp_path / "chromium"
    pids = tmp_path / "pids"
    fake.write_text(f"#!/bin/sh\nsleep 7791 &\necho $$ $! > {pids}\necho starting >&2\nexec sleep 7792\n",
                    encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("KZFIGURES_CHROMIUM", str(fake))
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(PrintUnavailable) as refused:
        print_pdf(page, tmp_path / "page.pdf", timeout=2)
    assert str(refused.value).startswith("chromium did not finish printing page.html in 2 s")
    assert "\n" not in str(refused.value)

    def alive(pid: int) -> bool:
        try:
            return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] not in "ZX"
        except (OSError, IndexError):
            return False

    deadline = time.monotonic() + 10
    started = [int(p) for p in pids.read_text().split()]
    while any(alive(p) for p in started) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in started if alive(p)] and os.getpid() not in started


PRINTING = """
import sys
from pathlib import Path
from kzfigures.classroom.printables import print_pdf
print_pdf(Path(sys.argv[1]), Path(sys.argv[2]), timeout=600)
"""


def test_a_printing_run_killed_outright_leaves_nothing_the_next_run_does_not_remove(tmp_path, monkeypatch):
    """kill -9 of a printing run: its chromium (a session of its own) and its profile stay; the next run kills that
    chromium and removes the profile, both marked as ours, and leaves a folder it did not make."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from kzfigures.classroom.printables import PRINT_MARKER, print_pdf

    scratch = tmp_path / "scratch"
    hanging, printing = tmp_path / "hanging", tmp_path / "printing"
    hanging.write_text("#!/bin/sh\nsleep 7794\n", encoding="utf-8")  # its command line names its profile
    printing.write_text('#!/bin/sh\nfor a in "$@"; do case "$a" in --print-to-pdf=*) echo pdf > "${a#*=}";; esac; '
                        "done\n", encoding="utf-8")
    for fake in (hanging, printing):
        fake.chmod(0o755)
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    env = {**os.environ, "KZFIGURES_CHROMIUM": str(hanging), "KZFIGURES_PRINT_SCRATCH": str(scratch)}
    run = subprocess.Popen([sys.executable, "-c", PRINTING, str(page), str(tmp_path / "page.pdf")], env=env)
    deadline, marker = time.monotonic() + 60, None
    while time.monotonic() < deadline and marker is None:
        marker = next((m for m in scratch.glob(f"*/{PRINT_MARKER}") if m.read_text().split()[-1] != "0"), None)
        time.sleep(0.05)
    assert marker is not None
    browser = int(marker.read_text().split()[1])
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    assert alive(browser) and marker.parent.is_dir()  # left behind by the kill
    (scratch / "mine").mkdir()  # a folder the program did not make
    monkeypatch.setenv("KZFIGURES_CHROMIUM", str(printing))
    monkeypatch.setenv("KZFIGURES_PRINT_SCRATCH", str(scratch))
    print_pdf(page, tmp_path / "page.pdf")
    assert (tmp_path / "page.pdf").read_text() == "pdf\n"
    assert sorted(p.name for p in scratch.iterdir()) == ["mine"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and alive(browser):
        time.sleep(0.05)
    assert not alive(browser)  # the orphaned chromium was killed


def alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] not in "ZX"
    except (OSError, IndexError):
        return False


def test_without_the_teachers_key_file_a_worksheet_prints_and_a_key_says_why_not_in_one_line(monkeypatch):
    """Issue 33: the class folder's wheel leaves printables-key.json out (each answer's why); the worksheet needs
    nothing of it, and a key asked for there says so in one line."""
    lesson = lesson_of(LESSONS[0])
    without = {name: {k: v for k, v in chosen.items() if k not in ("why", "why_checked_against")}
               for name, chosen in P.SETTINGS.items()}
    monkeypatch.setattr(P, "SETTINGS", without)
    lesson.why = {}
    assert "Your answer" in P.render(lesson, "worksheet")
    with pytest.raises(FileNotFoundError, match=r"printables-key\.json .* is a teacher's file") as caught:
        P.render(lesson, "key")
    assert "\n" not in str(caught.value)


#: Issue 33: a headline as a person writes it; the lesson's Markdown escapes it ("\$10", "\<b\>"), and the worksheet,
#: the answer key and grade's CSV printed those backslashes.
HEADLINE = "Profits at $10 million, up from $7 million: <b>shares</b> & *stars* #1 a_b"


def headline_lesson() -> dict:
    """A lesson notebook as `kzfigures lesson` writes one: its title and question are the headline, escaped."""
    from kzfigures.figures.literal import markdown_text
    from kzfigures.figures.seeds import FLAGSHIP

    def cell(kind: str, source: str) -> dict:
        return {"cell_type": kind, "metadata": {}, "source": source, **({"outputs": [], "execution_count": None}
                                                                        if kind == "code" else {})}

    return {"cells": [cell("markdown", f"# {markdown_text(HEADLINE)}\n\nRead the passage."),
                      cell("markdown", f"### Question 1\n\nWhat does “{markdown_text(HEADLINE)}” count?"),
                      cell("code", "answer_1 = None  # a number\n### BEGIN SOLUTION\nanswer_1 = 10\n### END SOLUTION"),
                      cell("code", 'lessons.check("headline", "q1", answer_1)')],
            "metadata": {"kzfigures": {"printables": {"article": [], "seed": FLAGSHIP, "why": {"q1": "it says so"}}}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.mark.parametrize("kind", ["worksheet", "key"])
def test_a_title_prints_as_its_words_never_its_markdown_escapes(kind, tmp_path):
    lesson = P.read_lesson(headline_lesson())
    page = P.render(lesson, kind)
    assert f"<h1>{html.escape(HEADLINE, quote=False)}</h1>" in page.replace("&#34;", '"').replace("&#39;", "'")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    P.print_pdf(tmp_path / "page.html", tmp_path / "page.pdf")
    text = pages(tmp_path / "page.pdf")[0]
    assert flat(HEADLINE) in text and "\\" not in text


def test_grades_csv_names_a_question_by_its_words_never_its_markdown_escapes(tmp_path):
    from kzfigures.classroom.grading import Graded, csv_text, lesson_questions

    (tmp_path / "01-headline.ipynb").write_text(json.dumps(headline_lesson()), encoding="utf-8")
    known = lesson_questions(tmp_path)
    row = csv_text([Graded("ana", "01-headline", ["right"], given=["10"])], known).splitlines()[1]
    assert ',Q1,"What does “Profits at $10 million, up from $7 million: <b>shares</b>…",right,' in row  # 70 at most
