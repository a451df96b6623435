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
c.GenerateAssignment.preprocessors = [TagRemovePreprocessor, *GenerateAssignment.class_traits()["preprocessors"].default()]
