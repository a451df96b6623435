"""Printables: for each lesson, a worksheet (the article's passage, the questions, room to write) and an answer key
(each question, its answer and a one-line why), as HTML with a print stylesheet and as PDF.

Read from the instructor lessons: a "### Question N" Markdown cell opens a question group, which holds its answer
cell, its check and any table it shows; the answers are the values the instructor's solutions compute (run here,
in this process: they are the project's own notebooks, never a student's). The article passage is the seed text's
paragraphs holding the figures printables.json names for the lesson, each figure's words marked. The PDF is
chromium's own print (``--print-to-pdf``), so what prints is what a browser prints; one page break per group.
"""
from __future__ import annotations

import contextlib
import html
import json
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import mistune

from ..collection.listing import cell_source
from ..figures.literal import plain_text
from .edition import BEGIN_SOLUTION, END_SOLUTION, without_hidden_tests

HERE = Path(__file__).parent
_DATA = json.loads((HERE / "printables.json").read_text(encoding="utf-8"))
#: The answer key's why per question of the hand-written lessons: a teacher's file, which the class folder's wheel
#: leaves out (bundle.py), so a student with the class folder cannot read the answers; without it no key is printed.
KEY_FILE = HERE / "printables-key.json"
_KEY = json.loads(KEY_FILE.read_text(encoding="utf-8"))["lessons"] if KEY_FILE.is_file() else {}
SETTINGS = {name: {**chosen, **_KEY.get(name, {})} for name, chosen in _DATA["lessons"].items()}
LEAVE_OUT, PAPER_FORM = tuple(_DATA["leave_out"]), _DATA["paper_form"]
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
    source: str = ""  # the article, cited (figures/citation.py)
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
    skipped_tags = {"navigation", "parameters", "how-to-answer", "warm-up"}
    return (bool(skipped_tags & set(tags)) or source.startswith(("## Parameters", "## How far"))
            or "lessons.summary(" in source or (cell["cell_type"] == "code" and "import kzfigures" in source))


#: A paragraph for the notebook only (how to answer in code), left off paper: it begins "**In the notebook:**".
NOTEBOOK_ONLY = re.compile(r"\n*^\*\*In the notebook:\*\*.*?(?=\n\n|\Z)", re.M | re.S)


def for_paper(text: str) -> str:
    """A question or a passage as a worksheet prints it: without its paragraphs for the notebook only."""
    return NOTEBOOK_ONLY.sub("", text).strip()


def paper_form(comment: str) -> str:
    """The form an answer takes on paper, from the answer cell's comment ("a name, in quotes" -> "a name")."""
    return PAPER_FORM.get(comment, comment.replace(", in quotes", ""))


def _outputs(cell: dict[str, Any]) -> list[str]:
    """What a cell shows that printables print: its tables and charts, as HTML."""
    return [s for o in cell.get("outputs", []) if (s := _output_text(o))]


def _take_into(question: Question, cell: dict[str, Any]) -> None:
    """Put one cell of a question group into its question: the model answer, the answer cell, the check, or what
    the cell shows."""
    source, code = cell_source(cell), cell["cell_type"] == "code"
    if cell["cell_type"] == "markdown" and BEGIN_SOLUTION in source:
        question.solution = _solution_lines(source)
        question.answer = question.solution
    elif code and BEGIN_SOLUTION in source:
        line = ANSWER_LINE.search(source)
        form = (line["form"] or "").strip() if line else ""
        question.form = paper_form(form)
        question.variable = line["answer"] if line else ""
        question.solution = _solution_lines(source)
    elif code and (check := CHECK.search(source)):
        question.name = check["question"]
    elif code:
        question.shows += _outputs(cell)


def read_lesson(nb: dict[str, Any]) -> Lesson:
    """Group an instructor lesson's cells into its intro, its questions and its key points."""
    key = next(m["lesson"] for c in nb["cells"] if (m := LESSON_NAME.search(cell_source(c))))
    intro: list[str] = []
    intro_shows: list[str] = []
    questions: list[Question] = []
    key_points = ""
    for cell in (c for c in nb["cells"] if not _is_skipped(c)):
        source, markdown = cell_source(cell), cell["cell_type"] == "markdown"
        if markdown and source.startswith("### Question"):
            questions.append(Question(len(questions) + 1, for_paper(re.sub(r"^### Question \d+\s*", "", source))))
        elif markdown and source.startswith("## Key points"):
            key_points = source  # the key's last part, and the lesson's last cell printables read; never on a worksheet
            break
        elif questions:
            _take_into(questions[-1], cell)
        elif markdown:
            intro.append(for_paper(source))
        else:
            intro_shows += _outputs(cell)
    title = plain_text(intro[0].splitlines()[0]) if intro else key  # the words, never the Markdown's escapes
    chosen = settings(nb, key)
    source, paragraphs = article_passage(key, chosen)
    return Lesson(key, title, intro, intro_shows, questions, key_points, paragraphs, source,
                  chosen["article"] == "all", chosen.get("why", {}))


def article_passage(lesson: str, chosen: dict[str, Any] | None = None) -> tuple[str, list[str]]:
    """The article's paragraphs the lesson needs (printables.json, or ``chosen``), as HTML with each figure's
    words marked."""
    from ..figures.citation import cite
    from ..figures.seeds import FLAGSHIP, load_seed
    from ..figures.table import load_figures

    chosen = chosen or SETTINGS[lesson]
    article = chosen.get("seed", FLAGSHIP)  # the hand-written lessons are the flagship article's
    figures = load_figures(seed=article)
    wanted = chosen["article"]
    rows = figures if wanted == "all" else figures.loc[figures["figure_id"].isin(wanted)]
    seed = load_seed(article)
    text, source = seed.text, cite(seed.meta)
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
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "warm-up" not in cell.get("metadata", {}).get("tags", []):
            exec(compile(without_hidden_tests(cell_source(cell)), lesson.key, "exec"), namespace)
    for question in lesson.questions:
        if question.variable:
            question.answer = shown(namespace[question.variable])


_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True)
_ENV.filters["markdown"] = lambda text: jinja2.utils.markupsafe.Markup(_markdown(text))


def render(lesson: Lesson, kind: str) -> str:
    """The worksheet ("worksheet") or the answer key ("key") of a lesson, as one HTML page."""
    why = lesson.why or SETTINGS.get(lesson.key, {}).get("why")
    if why is None and kind == "key":
        raise FileNotFoundError(f"no answer key here: {KEY_FILE.name} (each answer's why) is a teacher's file, left "
                                "out of the class folder's wheel; print the keys in a kzfigures checkout")
    return _ENV.get_template("printable.html.j2").render(lesson=lesson, kind=kind, why=why or {})


def chromium() -> str:
    """The chromium to print with: $KZFIGURES_CHROMIUM, else chromium on PATH."""
    found = os.environ.get("KZFIGURES_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise PrintUnavailable("no chromium to print the PDFs with (`make browser` installs it); "
                               "the HTML pages print from any browser")
    return found


#: Where printing runs keep chromium's profiles: one folder per user, one marked folder per run inside it.
PRINT_SCRATCH_ENV = "KZFIGURES_PRINT_SCRATCH"
#: Inside a run's folder: "OWNER_PID CHROMIUM_PID", so a later run knows it as ours and whether it is still used.
PRINT_MARKER = ".kzfigures-print"


def print_scratch() -> Path:
    """The folder printing runs keep their chromium profiles in ($KZFIGURES_PRINT_SCRATCH, else one of this user's
    own in the system's temporary folder), made private when missing."""
    folder = Path(os.environ.get(PRINT_SCRATCH_ENV) or Path(tempfile.gettempdir()) / f"kzfigures-print-{os.getuid()}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if folder.is_symlink() or info.st_uid != os.getuid():
        raise PrintUnavailable(f"{folder} is not a folder of this user's own; set {PRINT_SCRATCH_ENV} to one")
    return folder


def _alive(pid: int) -> bool:
    """True when a process with this id runs (a zombie is not running)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
    except (OSError, IndexError, ValueError):
        return False


def remove_stale_profiles(scratch: Path) -> None:
    """Remove the profile folders of printing runs that were killed outright: marked as ours, their run gone. A
    chromium such a run left printing (it has a session of its own) is killed first, if its command line still
    names that folder (so a reused process id is never killed)."""
    for folder in scratch.iterdir():
        try:
            owner, browser = (int(x) for x in (folder / PRINT_MARKER).read_text(encoding="utf-8").split())
        except (OSError, ValueError):
            continue  # not a folder a printing run made: never touched
        if folder.is_symlink() or _alive(owner):
            continue
        with contextlib.suppress(OSError):
            if browser and str(folder) in Path(f"/proc/{browser}/cmdline").read_bytes().decode(errors="replace"):
                os.killpg(browser, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _profile() -> Any:
    """A new profile folder for one chromium, in the printing scratch folder, marked as this run's; removed after.
    Folders that killed runs left there are removed first."""
    scratch = print_scratch()
    remove_stale_profiles(scratch)
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=scratch))
    try:
        (folder / PRINT_MARKER).write_text(f"{os.getpid()} 0", encoding="utf-8")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def print_pdf(page: Path, pdf: Path, timeout: int = 120) -> None:
    """Print an HTML page to PDF with chromium's own print engine (A4, the page's print stylesheet). chromium runs
    in a session of its own, its output to a file (no pipe to hang on); one that hangs is killed with every
    process it started, and said in one line. Its profile is a marked folder of the printing scratch folder, so a
    run killed outright leaves nothing the next one does not remove."""
    with _profile() as profile:
        log = Path(profile) / "chromium.log"
        with log.open("wb") as out:
            child = subprocess.Popen([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}/user",
                                      f"--print-to-pdf={pdf}", page.resolve().as_uri()],
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
            (profile / PRINT_MARKER).write_text(f"{os.getpid()} {child.pid}", encoding="utf-8")
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise PrintUnavailable(f"chromium did not finish printing {page.name} in {timeout} s, and was "
                                       "stopped; the HTML pages print from any browser") from None
            finally:
                with contextlib.suppress(OSError):
                    os.killpg(child.pid, signal.SIGKILL)  # chromium's helpers, which outlive it
                child.wait()
        last = (log.read_text(encoding="utf-8", errors="replace")[-2000:].strip().splitlines() or ["no message"])[-1]
    if child.returncode != 0 or not pdf.is_file():
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
