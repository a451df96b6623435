"""Root conftest: pytest loads it wherever it is started in the checkout (the repository root or notebooks/)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def pytest_configure(config) -> None:
    """Read nbval's sanitize file relative to the checkout, not to the folder pytest was started from."""
    given = getattr(config.option, "nbval_sanitize_with", None)
    if given and not Path(given).is_absolute() and not Path(given).is_file() and (ROOT / given).is_file():
        config.option.nbval_sanitize_with = str(ROOT / given)


#: The full tier (make test; make check leaves it out): test files that need a real client (chromium, JupyterLab), an
#: install (a venv, nbgrader, a wheel) or many report builds, and single tests elsewhere that build a report of their own.
FULL_FILES = frozenset({"test_browser.py", "test_jupyterlab.py", "test_install.py", "test_nbgrader.py",
                        "test_reliability.py", "test_kernels.py", "test_safety.py", "test_adversarial.py",
                        "test_printables.py", "test_classfolder.py", "test_grading.py", "test_exercises.py"})
FULL_TESTS = frozenset({"test_a_failing_notebook_is_named_kept_and_the_old_report_stays",
                        "test_only_rebuilds_one_page_and_keeps_the_others",
                        "test_student_run_all_runs_to_the_end_with_feedback",
                        "test_with_solutions_hidden_no_expected_value_is_on_any_lesson_page"})


def pytest_collection_modifyitems(config, items) -> None:
    """Mark the full tier's tests ``full``, so ``pytest -m "not full"`` (make check) runs the rest."""
    import pytest

    for item in items:
        if item.path.name in FULL_FILES or item.name.split("[")[0] in FULL_TESTS:
            item.add_marker(pytest.mark.full)


#: Test files whose module fixtures build a report or start a server: each runs whole on one worker, so each is
#: built or started once; the two that read the session's default report run together. Every other test is
#: scheduled on its own.
WHOLE_FILES = {"test_browser.py": "default-report", "test_reliability.py": "default-report",
               "test_report.py": "test_report.py", "test_lessons.py": "test_lessons.py",
               "test_jupyterlab.py": "test_jupyterlab.py", "test_exercises.py": "test_exercises.py"}


def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist, hand out single tests, except the cells of one notebook (nbval runs them in order in
    one kernel) and the files in WHOLE_FILES. (xdist's own --dist loadgroup reads a node id pytest 9 no longer
    lets it change, so the grouping is done here.)"""
    from xdist.scheduler import LoadScopeScheduling

    if config.getvalue("dist") != "load":  # the user chose another mode: theirs
        return None

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            head, _, rest = nodeid.partition("::")
            if rest.startswith("ipynb::") or head.endswith(".ipynb"):
                return nodeid.rsplit("::", 1)[0]
            return WHOLE_FILES.get(head.rsplit("/", 1)[-1], nodeid)

    return Scheduling(config, log)
