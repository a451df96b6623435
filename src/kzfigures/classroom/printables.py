"""Printables: for each lesson, a worksheet (the article's passage, the questions, room to write) and an answer key
(each question, its answer and a one-line why), as HTML with a print stylesheet and as PDF.

Read from the instructor lessons: a "### Question N" Markdown cell opens a question group, which holds its answer
cell, its check and any table it shows; the answers are the values the instructor's solutions compute (run here,
in this process: they are the project's own notebooks, never a student's). The article passage is the seed text's
paragraphs holding the figures printables.json names for the lesson, each figure's words marked. The PDF is
chromium's own print (``--print-to-pdf``), so what prints is what a browser prints; one page break per group.
"""
from __future__ import annotations

import datetime
import html
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import mistune

from ..collection.listing import cell_source
from .edition import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION

HERE = Path(__file__).parent
_DATA = json.loads((HERE / "printables.json").read_text(encoding="utf-8"))
SETTINGS, LEAVE_OUT, PAPER_FORM = _DATA["lessons"], tuple(_DATA["leave_out"]), _DATA["paper_form"]
LESSON_NAME = re.compile(r'lessons\.(?:check|summary)\("(?P<lesson>[a-z0-9-]+)"')
CHECK = re.compile(r'lessons\.check\("[a-z0-9-]+", "(?P<question>[a-z0-9-]+)", (?P<answer>\w+)\)')
ANSWER_LINE = re.compile(r"^(?P<answer>answer_\w+) = None\s*(?:#\s*(?P<form>.*))?$", re.M)
#: chromium's flags for printing one page, as the project's browser tests launch it.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer"]
_markdown = mistune.create_markdown(escape=True, plugins=["table"])


class PrintUnavailable(RuntimeError):
    """No print engine (chromium) here: the HTML pages are written, the PDFs are not."""


@dataclass
class Question:
    """One question group of a lesson."""

    number: int
    text: str  # the question's Markdown
    name: str = "written"  # the answer key's question name; "written" for a written (discussion) answer
    form: str = ""  # the form the answer takes, from the answer cell ("(lower, upper)", "a set of figure ids")
    shows: list[str] = field(default_factory=list)  # HTML of what the question shows (tables, charts)
    solution: str = ""  # the instructor's solution: code lines, or the model answer's Markdown
    variable: str = ""  # the answer's name in the notebook (answer_1)
    answer: str = ""  # the answer as printed on the key


@dataclass
class Lesson:
    """A lesson as the printables need it."""

    key: str  # the answer key's lesson name ("reading")
    title: str
    intro: list[str]  # Markdown before the first question (the title cell and the narrative)
    intro_shows: list[str]
    questions: list[Question]
    key_points: str
    article: list[str]  # HTML paragraphs of the article, the lesson's figures marked
    source: str = ""  # the article: publisher, “title” (date)
    whole: bool = False  # the article is printed whole
    why: dict[str, str] = field(default_factory=dict)  # the answer key's why per question


def settings(nb: dict[str, Any], key: str) -> dict[str, Any]:
    """A lesson's printables settings: a lesson made from an article carries its own (exercises.py) in its
    metadata; the hand-written ones are in printables.json."""
    own = nb.get("metadata", {}).get("kzfigures", {}).get("printables")
    return own if isinstance(own, dict) else SETTINGS[key]


def _solution_lines(source: str) -> str:
    """The lines between the solution markers."""
    match = re.search(rf"{re.escape(BEGIN_SOLUTION)}\n(.*?)\n?{re.escape(END_SOLUTION)}", source, re.S)
    return match.group(1).strip("\n") if match else ""


def _output_text(output: dict[str, Any]) -> str:
    """An output cell as HTML (a table or a chart), or "" for anything else (feedback, text)."""
    data = output.get("data", {})
    if "image/png" in data:
        alt = html.escape(str(output.get("metadata", {}).get("alt", "chart")), quote=True)
        return f'<img alt="{alt}" src="data:image/png;base64,{"".join(data["image/png"]).strip()}">'
    text = "".join(data.get("text/html", ""))
    return text if "<table" in text else ""


def _is_skipped(cell: dict[str, Any]) -> bool:
    """Cells printables leave out: navigation, parameters, the set-up and the summary."""
    source, tags = cell_source(cell), cell.get("metadata", {}).get("tags", [])
    skipped_tags = {"navigation", "parameters", "how-to-answer"}
    return (bool(skipped_tags & set(tags)) or source.startswith(("## Parameters", "## How far"))
            or "lessons.summary(" in source or (cell["cell_type"] == "code" and "import kzfigures" in source))


def read_lesson(nb: dict[str, Any]) -> Lesson:
    """Group an instructor lesson's cells into its intro, its questions and its key points."""
    cells = [c for c in nb["cells"] if not _is_skipped(c)]
    key = next(m["lesson"] for c in nb["cells"] if (m := LESSON_NAME.search(cell_source(c))))
    intro: list[str] = []
    intro_shows: list[str] = []
    questions: list[Question] = []
    key_points = ""
    for cell in cells:
        source, markdown = cell_source(cell), cell["cell_type"] == "markdown"
        if key_points:
            continue
        if markdown and source.startswith("### Question"):
            questions.append(Question(len(questions) + 1, re.sub(r"^### Question \d+\s*", "", source)))
        elif markdown and source.startswith("## Key points"):
            key_points = source  # the key's last part; never on a worksheet
        elif not questions and markdown:
            intro.append(source)
        elif not questions:
            intro_shows += [s for o in cell.get("outputs", []) if (s := _output_text(o))]
        elif cell["cell_type"] == "markdown" and BEGIN_SOLUTION in source:
            questions[-1].solution = _solution_lines(source)
            questions[-1].answer = questions[-1].solution
        elif cell["cell_type"] == "code" and BEGIN_SOLUTION in source:
            line = ANSWER_LINE.search(source)
            form = (line["form"] or "").strip() if line else ""
            questions[-1].form = PAPER_FORM.get(form, form)
            questions[-1].variable = line["answer"] if line else ""
            questions[-1].solution = _solution_lines(source)
        elif cell["cell_type"] == "code" and (check := CHECK.search(source)):
            questions[-1].name = check["question"]
        elif cell["cell_type"] == "code":
            questions[-1].shows += [s for o in cell.get("outputs", []) if (s := _output_text(o))]
    title = intro[0].splitlines()[0].lstrip("# ").strip() if intro else key
    chosen = settings(nb, key)
    source, paragraphs = article_passage(key, chosen)
    return Lesson(key, title, intro, intro_shows, questions, key_points, paragraphs, source,
                  chosen["article"] == "all", chosen["why"])


def article_passage(lesson: str, chosen: dict[str, Any] | None = None) -> tuple[str, list[str]]:
    """The article's paragraphs the lesson needs (printables.json, or ``chosen``), as HTML with each figure's
    words marked."""
    from ..figures.seeds import FLAGSHIP, load_seed
    from ..figures.table import load_figures

    chosen = chosen or SETTINGS[lesson]
    article = chosen.get("seed", FLAGSHIP)  # the hand-written lessons are the flagship article's
    figures = load_figures(seed=article)
    wanted = chosen["article"]
    rows = figures if wanted == "all" else figures.loc[figures["figure_id"].isin(wanted)]
    seed = load_seed(article)
    text, meta = seed.text, seed.meta
    when = meta["published"]
    if meta.get("published_precision") == "month":
        when = datetime.datetime.strptime(when, "%Y-%m").strftime("%B %Y")
    source = f"{meta['publisher']}, “{meta['title']}” ({when})"
    spans = sorted({(int(r.number_start), int(r.number_end)) for r in rows.itertuples()})
    paragraphs, start = [], 0
    for block in text.split("\n\n"):
        end = start + len(block)
        wanted_here = (wanted == "all" and not block.startswith(LEAVE_OUT)) or any(start <= s < end for s, _ in spans)
        marks = any(start <= s < end for s, _ in spans)
        if wanted_here and (start > 0 or marks):  # the first block is the headline (printed in the source line),
            # unless a figure of the lesson stands in it: an article saved without its headline
            marked, at = [], start
            for s, e in (span for span in spans if start <= span[0] < end):
                if s >= at:
                    marked += [html.escape(text[at:s]), f"<mark>{html.escape(text[s:e])}</mark>"]
                    at = e
            paragraphs.append("".join(marked) + html.escape(text[at:end]))
        start = end + 2
    return source, paragraphs


def shown(value: Any) -> str:
    """An answer as a reader reads it: intervals in notation, sets sorted, numbers to four significant digits."""
    from ..figures.bounds import Bounds
    from ..figures.formatting import number

    if isinstance(value, Bounds):
        return value.notation(lambda x: number(x, 4))
    if isinstance(value, (bool, str)):
        return str(value)
    if isinstance(value, (int, float)):
        return "∞" if value == math.inf else number(value, 4)
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(shown(v) for v in value)) + "}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(shown(v) for v in value) + ")"
    return str(value)


def compute_answers(nb: dict[str, Any], lesson: Lesson) -> None:
    """Run the instructor lesson's code (the project's own cells, in this process) and print each answer."""
    namespace: dict[str, Any] = {"__name__": "__lesson__"}
    hidden = re.compile(rf"{re.escape(BEGIN_HIDDEN)}.*?{re.escape(END_HIDDEN)}\n?", re.S)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec(compile(hidden.sub("", cell_source(cell)), lesson.key, "exec"), namespace)
    for question in lesson.questions:
        if question.variable:
            question.answer = shown(namespace[question.variable])


_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True)
_ENV.filters["markdown"] = lambda text: jinja2.utils.markupsafe.Markup(_markdown(text))


def render(lesson: Lesson, kind: str) -> str:
    """The worksheet ("worksheet") or the answer key ("key") of a lesson, as one HTML page."""
    why = lesson.why or SETTINGS[lesson.key]["why"]
    return _ENV.get_template("printable.html.j2").render(lesson=lesson, kind=kind, why=why)


def chromium() -> str:
    """The chromium to print with: $KZFIGURES_CHROMIUM, else chromium on PATH."""
    found = os.environ.get("KZFIGURES_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise PrintUnavailable("no chromium to print the PDFs with (`make browser` installs it); "
                               "the HTML pages print from any browser")
    return found


def print_pdf(page: Path, pdf: Path, timeout: int = 120) -> None:
    """Print an HTML page to PDF with chromium's own print engine (A4, the page's print stylesheet)."""
    with tempfile.TemporaryDirectory(prefix="kzfigures-print-") as profile:
        done = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                               f"--print-to-pdf={pdf}", page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not pdf.is_file():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise PrintUnavailable(f"chromium could not print {page.name}: {last}")


def write_printables(lessons: list[Path], target: Path, pdf: bool = True) -> list[Path]:
    """Write each lesson's worksheet and answer key into target (HTML, and PDF with ``pdf``); return the files."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in lessons:
        nb = json.loads(path.read_text(encoding="utf-8"))
        lesson = read_lesson(nb)
        compute_answers(nb, lesson)
        for kind in ("worksheet", "key"):
            page = target / f"{path.stem}-{kind}.html"
            page.write_text(render(lesson, kind), encoding="utf-8")
            written.append(page)
            if pdf:
                print_pdf(page, page.with_suffix(".pdf"))
                written.append(page.with_suffix(".pdf"))
    return written
