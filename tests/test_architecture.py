"""The map of the library stays true: every module is in docs/architecture.md, and no name means two things."""
from __future__ import annotations

import ast
import re
from collections import defaultdict

from conftest import ROOT

PACKAGE = ROOT / "src" / "kzfigures"


def test_every_module_is_named_in_the_architecture_map():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z_]+\.py)` \|", text, re.MULTILINE))
    modules = {p.name for p in PACKAGE.glob("*.py")}
    assert modules == listed, {"not in the map": modules - listed, "in the map but gone": listed - modules}


def test_the_readme_links_the_architecture_map():
    assert "docs/architecture.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_top_level_name_is_defined_in_two_modules():
    """One name, one meaning: a function, class or constant is defined at the top of one module only."""
    where = defaultdict(list)
    for path in sorted(PACKAGE.glob("*.py")):
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
                    where[name].append(path.name)
    twice = {name: files for name, files in where.items() if len(files) > 1}
    assert twice == {}
