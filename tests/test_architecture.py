"""The map of the library stays true: the layers import only downwards, every module is in docs/architecture.md, and
no name means two things."""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "src" / "kzfigures"
#: The layers, lowest first: a module may import from its own layer and the ones before it, never after.
LAYERS = ("data", "charts", "notebooks", "classroom", "build")
#: Modules at the top, above every layer.
TOP = {"__init__", "cli"}


def modules() -> list[Path]:
    """Every module of the library."""
    return sorted(PACKAGE.rglob("*.py"))


def layer_of(path: Path) -> str:
    """The layer a module belongs to ("top" for the package's own modules)."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "top"


def imported_layers(path: Path) -> set[str]:
    """The layers of kzfigures a module imports from, relative or absolute, at the top or inside a function."""
    package = ".".join(("kzfigures", *path.relative_to(PACKAGE).parent.parts))
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                full = ".".join(base + ([node.module] if node.module else []))
            else:
                full = node.module or ""
            names = [full] if node.module else [f"{full}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "kzfigures" and len(parts) > 1 and parts[1] in LAYERS:
                found.add(parts[1])
    return found


def violations(path: Path) -> set[str]:
    """The layers above its own that a module imports from."""
    layer = layer_of(path)
    if layer == "top":
        return set()
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    return imported_layers(path) - allowed


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_only_go_down_the_layers(path):
    assert violations(path) == set()


def test_every_module_is_in_a_layer_or_at_the_top():
    assert {layer_of(p) for p in modules()} <= {*LAYERS, "top"}
    assert {p.stem for p in PACKAGE.glob("*.py")} == TOP


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_says_what_it_owns_and_may_import(layer):
    doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "import" in doc


def test_the_rule_catches_an_upward_import(tmp_path, monkeypatch):
    """The check fails on what it should: data importing from the build, at the top or inside a function."""
    for source in ("from ..build.report import build_report\n", "def f():\n    from kzfigures.charts import views\n"):
        fake = PACKAGE / "data" / "_upward_probe.py"
        monkeypatch.setattr(Path, "read_text", lambda self, encoding=None, _s=source: _s)
        assert violations(fake) != set()
    monkeypatch.undo()
    assert violations(PACKAGE / "data" / "figures.py") == set()


def test_every_module_is_named_in_the_architecture_map():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z_/]+\.py)` \|", text, re.MULTILINE))
    named = {p.relative_to(PACKAGE).as_posix() for p in modules()}
    assert named == listed, {"not in the map": named - listed, "in the map but gone": listed - named}


def test_the_readme_links_the_architecture_map():
    assert "docs/architecture.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_top_level_name_is_defined_in_two_modules():
    """One name, one meaning: a function, class or constant is defined at the top of one module only."""
    where = defaultdict(list)
    for path in modules():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            else:
                continue
            for name in names:
                if not name.startswith("__"):
                    where[name].append(path.relative_to(PACKAGE).as_posix())
    twice = {name: files for name, files in where.items() if len(files) > 1}
    assert twice == {}
