"""kzfigures installed as a package, outside any checkout: the table loads, and checkout-only commands say why not."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import ROOT

#: The full tier (make test): a real client, an install, or report builds of its own.
pytestmark = pytest.mark.full

SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "src", "data", "seeds")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str], Path]:
    """A fresh venv with the built wheel installed (no editable link), and an environment that runs it elsewhere.

    The wheel is built from a copy of the sources, so the checkout gains no build/ folder. The venv borrows this
    environment's third-party packages through a .pth line (a plain path: the editable install's hook is not run),
    so only kzfigures itself comes from the wheel.
    """
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    source.mkdir()
    skip = shutil.ignore_patterns("*.egg-info", "__pycache__")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=skip)
        else:
            shutil.copy2(ROOT / name, source / name)
    wheels = base / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(wheels), str(source)], check=True)
    (wheel,) = wheels.glob("kzfigures-*.whl")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--disable-pip-version-check", "--target", str(site), str(wheel)], check=True)
    (site / "zz_borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KZFIGURES_", "PYTHON"))}
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return python, {**env, "HOME": str(elsewhere)}, elsewhere


def run(installed, code: str) -> subprocess.CompletedProcess[str]:
    python, env, elsewhere = installed
    return subprocess.run([str(python), "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True)


def test_the_table_loads_from_the_installed_package_in_another_folder(installed):
    done = run(installed, "import kzfigures, pathlib; t = kzfigures.load_figures(include_derived=True); "
                          "print(pathlib.Path(kzfigures.__file__).parent); print(len(t), t['bounds'].iloc[0])")
    assert done.returncode == 0, done.stderr
    where, counts = done.stdout.splitlines()
    assert "site-packages" in where and str(ROOT) not in where
    assert counts == f"{len(kzfigures_table())} more than 15,000"


def kzfigures_table():
    import kzfigures

    return kzfigures.load_figures(include_derived=True)


def test_the_installed_data_is_the_checkout_s(installed):
    done = run(installed, "import kzfigures.figures.paths as p; print(p.project_root())")
    assert done.returncode == 0, done.stderr
    shipped = Path(done.stdout.strip())
    assert shipped.is_absolute() and "site-packages" in shipped.parts and shipped.name == "_data"
    for folder in ("data", "seeds"):
        for path in (ROOT / folder).iterdir():
            assert (shipped / folder / path.name).read_bytes() == path.read_bytes(), path.name


def test_checkout_only_commands_say_so_in_one_line(installed):
    done = run(installed, "import sys, kzfigures.cli as c; sys.exit(c.main(['report', '--output', 'r']))")
    assert done.returncode == 1 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("kzfigures: error: this needs the notebooks/ of a kzfigures checkout")
    assert not (Path(installed[2]) / "r").exists()


DEAD_INDEX = "http://127.0.0.1:9/simple"  # nothing listens there: any attempt to use an index fails at once


def test_an_offline_classroom_install_from_the_wheelhouse_uses_no_index(tmp_path):
    """`make wheelhouse`, then, in a copy of the checkout that has only that folder, `make venv WHEELHOUSE=…` with
    every package index pointing nowhere: the venv installs, and kzfigures runs from it."""
    checkout = tmp_path / "checkout"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, checkout / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KZFIGURES_", "PYTHON", "VIRTUAL_ENV", "UV_", "PIP_"))}
    make = ["make", "--no-print-directory", "--old-file=.venv/.installed", f"BIN={Path(sys.executable).parent}"]
    done = subprocess.run([*make, "wheelhouse"], cwd=checkout, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    offline = {**env, "PIP_INDEX_URL": DEAD_INDEX, "UV_INDEX_URL": DEAD_INDEX, "UV_DEFAULT_INDEX": DEAD_INDEX,
               "PIP_CONFIG_FILE": os.devnull, "UV_NO_CONFIG": "1", "UV_CACHE_DIR": str(tmp_path / "uv-cache")}
    # UV_COMPILE= : bytecode compiling is not what this test is about, and it doubles its time
    done = subprocess.run(["make", "--no-print-directory", "venv", "WHEELHOUSE=dist/wheelhouse", "UV_COMPILE="],
                          cwd=checkout, env=offline, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "from dist/wheelhouse only" in done.stdout
    # the first install says what it does and how far it got, in a few lines, not a line per package
    assert "[3/3] installing requirements.txt" in done.stdout and "is ready" in done.stdout
    assert len(done.stdout.splitlines()) <= 6, done.stdout
    assert (checkout / ".venv" / "bin" / "pip").exists()  # a normal venv: pip is in it, from the wheelhouse too
    done = subprocess.run([str(checkout / ".venv" / "bin" / "python"), "-c",
                           "import kzfigures, jupyterlab, nbformat; print(kzfigures.__file__)"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == str(checkout / "src" / "kzfigures" / "__init__.py"), done.stderr
