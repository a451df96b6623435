# nbgrader's settings for the lessons (read by nbgrader when started in this folder; kzfigures does not need it).
# The prompts match `make student`, so nbgrader's generate_assignment writes the same student edition, and an
# unanswered question gives "Not answered yet" instead of nbgrader's default `raise NotImplementedError()`,
# which would stop a student's Run All at the first question.
import os

c = get_config()  # noqa: F821 (nbgrader provides get_config)
os.makedirs("build/nbgrader", exist_ok=True)  # sqlite cannot create the gradebook's folder itself
c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE"}
c.ClearSolutions.text_stub = "*YOUR ANSWER HERE*"
c.CourseDirectory.course_id = "kzfigures"  # the exchange (release_assignment, fetch, submit, collect) files it under this
c.CourseDirectory.source_directory = "notebooks"
c.CourseDirectory.release_directory = "build/nbgrader/release"
c.CourseDirectory.submitted_directory = "build/nbgrader/submitted"
c.CourseDirectory.autograded_directory = "build/nbgrader/autograded"
c.CourseDirectory.feedback_directory = "build/nbgrader/feedback"
c.CourseDirectory.db_url = "sqlite:///build/nbgrader/gradebook.db"
# The lessons' navigation (previous / contents / next) would be dead links in a notebook handed out alone: the
# student edition nbgrader writes leaves it out, as `make student` does (the cells carry the "navigation" tag).
from nbconvert.preprocessors import TagRemovePreprocessor  # noqa: E402
from nbgrader.converters.generate_assignment import GenerateAssignment  # noqa: E402

c.TagRemovePreprocessor.enabled = True
c.TagRemovePreprocessor.remove_cell_tags = {"navigation"}

# What a student gets back is the lesson's own box, never a traceback, a path or a hidden test; and clean
# submissions autograde without warnings (classroom/feedback.py says why each step is needed).
import glob  # noqa: E402
from pathlib import Path  # noqa: E402

from nbconvert.preprocessors import Preprocessor  # noqa: E402
from nbgrader.converters.autograde import Autograde  # noqa: E402
from nbgrader.converters.generate_feedback import GenerateFeedback  # noqa: E402
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback  # noqa: E402
from nbgrader.preprocessors import Execute, OverwriteCells  # noqa: E402
from traitlets import Bool  # noqa: E402

from kzfigures.classroom.feedback import (  # noqa: E402
    is_check,
    own_require,
    probed_cell,
    quiet_results,
    student_feedback,
    verified_test,
    without_hidden,
)


class HiddenTestsRestored(OverwriteCells):
    """nbgrader's OverwriteCells, restoring a test cell's hidden tests without a false "checksum has changed"
    warning when the submitted cell is exactly the one released (nbgrader issue 1961); a cell that was changed
    is still reported, and overwritten, by nbgrader."""

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id and cell.cell_type == "code":
            try:
                source = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except Exception:  # nbgrader itself reports a cell the gradebook does not know
                source = None
            if source is not None and source.locked and without_hidden(source.source).strip() == cell.source.strip():
                cell.source = source.source
        return super().preprocess_cell(cell, resources, cell_index)


class CheckBoxesAsDisplays(Preprocessor):
    """After autograde runs a lesson: each check's box shown as a display, so nbgrader reads no score from it."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        return quiet_results(nb), resources


class LessonFeedback(Preprocessor):
    """In the feedback: the lesson's box for a failed check, one line for any other error, no hidden test."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        return student_feedback(nb), resources


class HiddenTestsImportTheirOwn(Preprocessor):
    """In the assignment nbgrader keeps for autograde: each hidden test calls require through its own import, so
    a notebook that rebinds its ``lessons`` name (to an object whose require passes anything) changes nothing."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        return own_require(nb), resources


class ReleaseFeedbackOrSay(ExchangeReleaseFeedback):
    """release_feedback for the students who submitted through the exchange; a student whose notebook was put in
    submitted/ by hand (no submission_secret.txt: they could not fetch it) is named in one line, not a traceback."""

    def copy_files(self):
        by_hand = sorted({Path(page).parent.parent.name for page in glob.glob(str(Path(self.src_path) / "*.html"))
                          if not all((Path(page).parent / n).is_file() for n in ("submission_secret.txt", "timestamp.txt"))})
        if by_hand:
            self.log.warning("feedback not released for %s: not submitted through the exchange; send them their "
                             "pages from %s yourself", ", ".join(by_hand), self.coursedir.feedback_directory)
            excluded = {s for s in self.coursedir.student_id_exclude.split(",") if s}
            self.coursedir.student_id_exclude = ",".join(sorted(excluded | set(by_hand)))
        return super().copy_files()


class HiddenTestsVerified(Execute):
    """nbgrader's Execute, making sure of each hidden test: transformers the notebook installed are reset before it,
    and its answer is read and checked by the grader's own code after it (classroom/feedback.py, verified_test), so
    a test the notebook silenced or rebound scores nothing, never full; after every other code cell, the same probe
    looks for hooks of the notebook's own (probed_cell) and for an answer changed by no cell that sets it (a
    thread's, a timer's), and once one is seen no later test scores."""

    def preprocess_cell(self, cell, resources, cell_index):
        run = super().preprocess_cell
        found = resources.setdefault("kzfigures_trouble", [])  # this notebook's: an event hook, a transformer, …
        seen = resources.setdefault("kzfigures_answers", {})  # its answers as last read
        if is_check(cell):
            return verified_test(self, cell, lambda: run(cell, resources, cell_index), earlier=found, seen=seen)
        if cell.cell_type == "code":
            return probed_cell(self, lambda: run(cell, resources, cell_index), found, seen=seen, source=cell.source)
        return run(cell, resources, cell_index)


_autograde = Autograde.class_traits()
_sanitize = _autograde["sanitize_preprocessors"].default()
c.Autograde.sanitize_preprocessors = [HiddenTestsRestored if p is OverwriteCells else p for p in _sanitize]
_execute, *_after = _autograde["autograde_preprocessors"].default()  # nbgrader's Execute comes first
assert _execute is Execute, _execute  # nbgrader's own Execute, made sure of by HiddenTestsVerified
c.Autograde.autograde_preprocessors = [HiddenTestsVerified, CheckBoxesAsDisplays, *_after]
_get_grades, *_rest = GenerateFeedback.class_traits()["preprocessors"].default()
c.GenerateFeedback.preprocessors = [_get_grades, LessonFeedback, *_rest]
c.ExchangeFactory.release_feedback = ReleaseFeedbackOrSay
c.GenerateAssignment.preprocessors = [TagRemovePreprocessor, HiddenTestsImportTheirOwn,
                                     *GenerateAssignment.class_traits()["preprocessors"].default()]
