"""The map of the library stays true: the layers import only downwards, every module is in docs/architecture.md, no
logic is written twice, and no function is too tangled to hold in one's head."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
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


#: The most cyclomatic complexity (radon's measure: one plus each branch, loop, boolean operator and comprehension
#: condition) a function may have: above it, split the function by what it does.
MOST_COMPLEX = 20


def complexities(source: str, where: str) -> dict[str, int]:
    """Each function and method of a module's source (closures inside their function) with its complexity (radon)."""
    from radon.complexity import cc_visit
    from radon.visitors import Function

    return {f"{where}:{block.fullname}": block.complexity for block in cc_visit(source) if isinstance(block, Function)}


def too_complex() -> dict[str, int]:
    """Every function of the library above MOST_COMPLEX, with its complexity."""
    found: dict[str, int] = {}
    for path in modules():
        found.update(complexities(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).as_posix()))
    return {name: value for name, value in found.items() if value > MOST_COMPLEX}


def test_no_function_is_above_the_complexity_a_person_can_hold():
    assert too_complex() == {}


def test_the_complexity_rule_catches_a_function_with_too_many_branches():
    branches = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(MOST_COMPLEX))
    found = complexities(f"def f(x):\n{branches}    return -1\n", "probe.py")
    assert found == {"probe.py:f": MOST_COMPLEX + 1}
    assert complexities(f"def f(x):\n{branches[: branches.rindex('    if')]}    return -1\n", "probe.py") == {
        "probe.py:f": MOST_COMPLEX}


def duplicated_code(folder: Path) -> list[str]:
    """What pylint's duplicate-code check (symilar, with pyproject.toml's settings) finds written twice in a folder:
    one line per copy, naming its places."""
    done = subprocess.run([sys.executable, "-m", "pylint", "--rcfile", str(ROOT / "pyproject.toml"), str(folder)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode in (0, 8), done.stdout + done.stderr  # 8: refactoring messages only (R0801)
    return [line for line in done.stdout.splitlines() if "R0801" in line or line.startswith("==")]


@pytest.mark.full  # pylint reads every module with astroid: about 12 s of CPU
def test_no_logic_is_written_twice():
    """One atomic write, one lock, one citation, ...: a copy is shared, not renamed (issue 28 part 4)."""
    assert duplicated_code(PACKAGE) == []


def test_the_duplicate_check_finds_a_copy_under_another_name(tmp_path):
    body = ("    try:\n        os.kill(pid, 0)\n    except ProcessLookupError:\n        return False\n"
            "    return True\n")
    (tmp_path / "one.py").write_text(f'import os\n\n\ndef alive(pid):\n    """Alive."""\n{body}', encoding="utf-8")
    (tmp_path / "two.py").write_text(f"import os\n\n\ndef running(pid):\n{body}", encoding="utf-8")
    found = duplicated_code(tmp_path)
    assert any("==one" in line for line in found) and any("==two" in line for line in found), found
