"""The notebook collection as files: finding the notebooks, reading their titles, parameters and metadata."""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .params import ParameterError

NAME_PATTERN = re.compile(r"^\d\d-[a-z0-9-]+\.ipynb$")
LESSONS = "lessons"


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
    so the build hides solutions without knowing which notebooks are lessons. A notebook that is a tool to use in
    JupyterLab, not a page to read (05-curate: it waits for clicks), declares ``{"kzfigures": {"interactive": true}}``
    and is left out of the list the report, `kzfigures notebooks` and the navigation are built from.
    """

    path: Path
    name: str
    title: str
    question: str
    parameters: dict[str, Any]
    solutions_shown_by: str | None = None
    interactive: bool = False

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
    interactive = nb.get("metadata", {}).get(METADATA_KEY, {}).get("interactive") is True
    return NotebookInfo(path, name, title, match.group(1).strip() if match else "", parameters, shown_by, interactive)


def list_notebooks(folder: str | Path | None = None, need_parameters: bool = True,
                   include_interactive: bool = False) -> list[NotebookInfo]:
    """The collection's notebooks (NN-topic.ipynb), then its lessons (lessons/NN-topic.ipynb), in order; the
    interactive ones (tools such as 05-curate, never built into the report) only with ``include_interactive``."""
    from ..figures.paths import notebooks_root

    base = Path(folder) if folder is not None else notebooks_root()
    paths = sorted(base.glob("*.ipynb")) + sorted((base / LESSONS).glob("*.ipynb"))
    found = [describe(p, need_parameters) for p in paths if NAME_PATTERN.match(p.name)]
    return [n for n in found if include_interactive or not n.interactive]


def ignored_notebooks(folder: Path) -> list[str]:
    """A line for each notebook that looks meant for the collection (it starts NN-) but is not built, as its name has
    a space, an accent or a capital: what it is, and the name it would be built under."""
    import unicodedata

    lines = []
    for path in sorted(folder.glob("[0-9][0-9]-*.ipynb")) + sorted((folder / LESSONS).glob("[0-9][0-9]-*.ipynb")):
        if NAME_PATTERN.match(path.name):
            continue
        plain = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode().lower()
        better = re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]+", "-", plain)).strip("-") + ".ipynb"
        lines.append(f"{path.relative_to(folder.parent)} is not built: a notebook's name has only a-z, 0-9 and "
                     f"dashes (NN-topic.ipynb); rename it {better}")
    return lines


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
