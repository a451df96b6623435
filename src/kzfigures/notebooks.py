"""The project's notebooks: finding them, reading their parameters, executing them, and stripping run noise."""
from __future__ import annotations

import ast
import atexit
import json
import os
import subprocess
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .params import ParameterError

NAME_PATTERN = re.compile(r"^\d\d-[a-z0-9-]+\.ipynb$")
LESSONS = "lessons"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def cell_source(cell: dict[str, Any]) -> str:
    """A cell's source as one string (nbformat allows a string or a list of lines)."""
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def write_notebook_json(path: Path, nb: dict[str, Any]) -> None:
    """Write a notebook's JSON as the project's tools all write it (one-space indent, UTF-8, final newline)."""
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


class NotebookError(ValueError):
    """A notebook of the collection that cannot be read as one (no parameters cell, bad metadata); names the file."""


#: The notebook metadata key where a notebook tells the build what to do with it (see NotebookInfo).
METADATA_KEY = "kzfigures"


@dataclass(frozen=True)
class NotebookInfo:
    """A notebook of the collection: its file, report name, title, question, parameters (name -> default), and
    ``solutions_shown_by``: the parameter that says whether its worked solutions are shown (None: it has none).

    A notebook declares the last in its metadata, ``{"kzfigures": {"solutions_shown_by": "show_solutions"}}``,
    so the build hides solutions without knowing which notebooks are lessons.
    """

    path: Path
    name: str
    title: str
    question: str
    parameters: dict[str, Any]
    solutions_shown_by: str | None = None

    @property
    def stem(self) -> str:
        """The notebook's file name without .ipynb ("01-foreign-fighters")."""
        return self.path.stem

    @property
    def is_lesson(self) -> bool:
        """True for the classroom lessons (notebooks/lessons/)."""
        return self.path.parent.name == LESSONS


def _read(path: Path) -> dict[str, Any]:
    """A notebook as a plain dict (json is enough here; nbformat is imported only to execute)."""
    import json

    return json.loads(path.read_text(encoding="utf-8"))


def parameters_of(nb: dict[str, Any]) -> dict[str, Any]:
    """Names and default values of the cell tagged 'parameters' (plain literals, read with ast, not run)."""
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"a notebook needs exactly one cell tagged 'parameters'; found {len(cells)}")
    source = "".join(cells[0]["source"])
    values: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            values[node.target.id] = ast.literal_eval(node.value)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values[node.targets[0].id] = ast.literal_eval(node.value)
        else:
            raise ValueError(f"the parameters cell may hold only NAME: type = literal lines; got {ast.unparse(node)!r}")
    return values


def describe(path: Path, need_parameters: bool = True) -> NotebookInfo:
    """Read a notebook's title (first heading), question and parameters; lessons are named lesson-NN-topic."""
    try:
        nb = _read(path)
        first = "".join(nb["cells"][0]["source"])
        tagged = any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"])
        parameters = parameters_of(nb) if need_parameters or tagged else {}
    except (OSError, ValueError, KeyError, IndexError, SyntaxError) as err:
        raise NotebookError(f"{path}: {err}") from None
    title = next((line.lstrip("# ").strip() for line in first.splitlines() if line.startswith("# ")), path.stem)
    match = re.search(r"\*\*Question:\*\*\s*(.+)", first)
    name = f"lesson-{path.stem}" if path.parent.name == LESSONS else path.stem
    shown_by = nb.get("metadata", {}).get(METADATA_KEY, {}).get("solutions_shown_by")
    if shown_by is not None and shown_by not in parameters:
        raise NotebookError(f"{path}: metadata {METADATA_KEY}.solutions_shown_by names {shown_by!r}, "
                         "which is not in its parameters cell")
    return NotebookInfo(path, name, title, match.group(1).strip() if match else "", parameters, shown_by)


def list_notebooks(folder: str | Path | None = None, need_parameters: bool = True) -> list[NotebookInfo]:
    """The collection's notebooks (NN-topic.ipynb), then its lessons (lessons/NN-topic.ipynb), in order."""
    from .paths import notebooks_root

    base = Path(folder) if folder is not None else notebooks_root()
    paths = sorted(base.glob("*.ipynb")) + sorted((base / LESSONS).glob("*.ipynb"))
    return [describe(p, need_parameters) for p in paths if NAME_PATTERN.match(p.name)]


def choose(notebooks: list[NotebookInfo], only: list[str] | None) -> list[NotebookInfo]:
    """The notebooks named by --only: a full name or its start ("01", "lesson-02", "lesson"); all when empty."""
    if not only:
        return notebooks
    chosen = []
    for wanted in only:
        key = wanted.removesuffix(".ipynb")
        hits = [n for n in notebooks if n.name == key or n.name.startswith(key + "-")]
        if not hits:
            names = ", ".join(n.name for n in notebooks)
            raise ParameterError(f"--only: {wanted!r} is not a notebook; choose from: {names}")
        chosen += [h for h in hits if h not in chosen]
    return chosen


def clean(nb: Any) -> Any:
    """Strip what changes from run to run (papermill and timing metadata, random cell ids), and keep the kernel's
    language_info as JupyterLab writes it, so opening and saving a committed notebook in Lab changes nothing."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(nb.metadata.get("language_info") or {"name": "python"})
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:02d}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if not cell.metadata.get("tags"):
            cell.metadata.pop("tags", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def _failure(err: Exception, timeout: int) -> tuple[str, str]:
    """The name and words of an execution failure, for one line."""
    kind = type(err).__name__
    if kind == "CellTimeoutError":
        return kind, f"a cell ran longer than {timeout} s; raise the limit with --timeout SECONDS"
    if kind == "DeadKernelError":
        return kind, "the kernel died (killed, out of memory or crashed) while the notebook ran"
    return getattr(err, "ename", kind), getattr(err, "evalue", str(err))


class ExecutionFailed(RuntimeError):
    """A cell raised; carries the cell's index, the error's name and value, and the executed notebook."""

    def __init__(self, cell_index: int, ename: str, evalue: str, notebook: Any):
        super().__init__(f"cell {cell_index}: {ename}: {evalue}")
        self.cell_index, self.ename, self.evalue, self.notebook = cell_index, ename, evalue, notebook


def stop_kernel(client: Any) -> None:
    """Kill a running notebook's kernel at once (used when a build is interrupted)."""
    process = getattr(getattr(getattr(client, "km", None), "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def execute(source: Path, target: Path | None, parameters: dict[str, Any], env: dict[str, str] | None = None,
            running: set[Any] | None = None, timeout: int = 300) -> Any:
    """Run a notebook in a fresh kernel and return it cleaned (also written to target when given).

    Parameters are injected with papermill's own function (the same "injected-parameters" cell as the
    papermill command). The kernel is run with nbclient directly so that it can be given its own environment
    and several can run at once from threads; while it runs, its client is in ``running`` (for stop_kernel).
    Inside ``kernels.warm()`` the kernel is forked from the warm process; it is killed once the last cell is done.
    On failure ExecutionFailed is raised (a cell that raised, ran longer than ``timeout`` seconds, or a kernel
    that died); the executed notebook is written to target first. Adjacent stream outputs are merged, so a
    print that the kernel flushed in two pieces under load gives the same notebook.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from .kernels import manager_class

    nb = load_notebook_node(str(source))
    if parameters:
        nb = parameterize_notebook(nb, parameters, kernel_name="python3", language="python")
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, coalesce_streams=True,
                            kernel_manager_class=manager_class(), shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(source.parent)}},
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    started = [-1]
    client.on_cell_start = lambda cell, cell_index: started.__setitem__(0, cell_index)
    if running is not None:
        running.add(client)
    try:
        # the kernel's own stderr (a timeout's KeyboardInterrupt, start-up noise) would print a traceback; what
        # matters reaches us as cell outputs and errors
        client.execute(env={**os.environ, **(env or {})}, stderr=subprocess.DEVNULL)
    except (CellExecutionError, CellTimeoutError, DeadKernelError, RuntimeError) as err:
        if type(err) is RuntimeError and "died" not in str(err):
            raise
        # RuntimeError "Kernel died before replying to kernel_info": killed while starting, before any cell
        failed = started[0]  # the cell that was running when it failed (on_cell_start keeps it)
        ename, evalue = _failure(err if type(err) is not RuntimeError else DeadKernelError(str(err)), timeout)
        clean(nb)
        if target is not None:
            nbformat.write(nb, str(target))
        raise ExecutionFailed(failed, ename, evalue, nb) from None
    finally:
        if running is not None:
            running.discard(client)
        # a kernel that died while starting leaves nbclient's exit hook behind, which would print a traceback at exit
        atexit.unregister(client._cleanup_kernel)
        stop_kernel(client)
    nb = clean(nb)
    if target is not None:
        nbformat.write(nb, str(target))
    return nb
