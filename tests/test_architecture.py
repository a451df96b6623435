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
LAYERS = ("figures", "charts", "collection", "classroom", "report")
#: Modules at the top, above every layer.
TOP = {"__init__", "cli"}


def modules() -> list[Path]:
    """Every module of the library."""
    return sorted(PACKAGE.rglob("*.py"))


def layer_of(path: Path) -> str:
    """The layer a module belongs to ("top" for the package's own modules)."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "top"


def _layer_of_name(dotted: str) -> str | None:
    """The layer a dotted name of kzfigures lives in ("top" for the package's own names and cli), None outside."""
    import kzfigures

    parts = dotted.split(".")
    if parts[0] != "kzfigures":
        return None
    if len(parts) == 1:
        return "top"  # a bare `import kzfigures` reaches every layer through its lazy names
    head = parts[1]
    if head in LAYERS:
        return head
    target = kzfigures._MODULES.get(head) or kzfigures._EXPORTS.get(head)  # from kzfigures import views / Outputs
    return target.split(".")[0] if target else "top"


def _resolve(package: str, level: int, module: str | None) -> str:
    """The absolute name of a relative import's module."""
    base = package.split(".")[: len(package.split(".")) - level + 1]
    return ".".join(base + ([module] if module else []))


def imported_layers(path: Path) -> set[str]:
    """The layers of kzfigures a module imports from: relative or absolute, at the top or inside a function, by
    ``from kzfigures import name`` (the layer that defines name), or by importlib.import_module / __import__ of a
    literal name."""
    package = ".".join(("kzfigures", *path.relative_to(PACKAGE).parent.parts))
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            full = _resolve(package, node.level, node.module) if node.level else (node.module or "")
            if full == "kzfigures":
                names += [f"kzfigures.{alias.name}" for alias in node.names]
            else:
                names.append(full)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names.append(node.args[0].value)
    return {layer for layer in map(_layer_of_name, names) if layer is not None}


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


UPWARD = [
    "from ..report.build import build_report\n",
    "def f():\n    from kzfigures.charts import views\n",
    "def f():\n    import kzfigures.report.build\n",
    "from .. import charts\n",
    "from ..report import build\n",
    "from kzfigures import report\n",
    "from kzfigures import views\n",
    "from kzfigures import Outputs\n",
    "import kzfigures\n",
    "from .. import cli\n",
    "import kzfigures.cli\n",
    "import importlib\nimportlib.import_module('kzfigures.report.build')\n",
    "__import__('kzfigures.charts.views')\n",
]


@pytest.mark.parametrize("source", UPWARD)
def test_the_rule_catches_an_upward_import(source, monkeypatch):
    """The check fails on what it should: figures importing from a layer above it, whichever way it is written."""
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert violations(PACKAGE / "figures" / "_upward_probe.py") != set()


@pytest.mark.parametrize("source", ["from .bounds import Bounds\n", "from kzfigures.figures import parse\n",
                                    "from kzfigures import parse_quantity\n", "import pandas\n"])
def test_the_rule_lets_an_import_from_the_same_layer_pass(source, monkeypatch):
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert violations(PACKAGE / "figures" / "_probe.py") == set()


def test_importing_a_layer_loads_nothing_above_it():
    """At run time too: importing every module of a layer (in a fresh Python) loads no module of a higher layer."""
    import subprocess
    import sys

    # one fresh Python imports the layers lowest first, and says after each which layers are loaded: as the layers
    # before were imported before, a layer above the one just imported can only have been loaded by a lower one
    layers = [[".".join(("kzfigures", *p.relative_to(PACKAGE).with_suffix("").parts)) for p in modules()
               if layer_of(p) == layer and p.stem != "__init__"] for layer in LAYERS]
    code = (f"import importlib, sys\nfor mods in {layers!r}:\n    for m in mods: importlib.import_module(m)\n"
            "    print(' '.join(sorted(m for m in sys.modules if m.startswith('kzfigures.'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    for index, (layer, line) in enumerate(zip(LAYERS, done.stdout.splitlines(), strict=True)):
        loaded = {name.split(".")[1] for name in line.split() if name.split(".")[1] in LAYERS}
        assert loaded <= set(LAYERS[: index + 1]), (layer, loaded)


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
