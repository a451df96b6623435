"""Build hook only (the project is described in pyproject.toml): ship data/ and seeds/ inside the wheel.

The top-level data/ and seeds/ stay the one source of truth; a non-editable build copies them into
kzfigures/_data/, where kzfigures.figures.paths finds them when no checkout is around. An editable install uses the
checkout's own folders, so nothing is copied.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithData(build_py):
    """build_py that also copies data/ and seeds/ into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "kzfigures" / "_data"
        for folder in ("data", "seeds"):
            shutil.rmtree(target / folder, ignore_errors=True)
            shutil.copytree(HERE / folder, target / folder)


setup(cmdclass={"build_py": BuildWithData})
