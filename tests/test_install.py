"""kzfigures installed as a package, outside any checkout: the table loads, and checkout-only commands say why not."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from kzfigures.classroom.bundle import build_wheel

#: The full tier (make test): a real client, an install, or report builds of its own.
pytestmark = pytest.mark.full



@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The kzfigures wheel, built as the class folder's is (bundle.build_wheel: the one routine that builds one)."""
    return build_wheel(ROOT, tmp_path_factory.mktemp("wheels"))


def test_the_wheel_holds_every_package_and_module_under_src(wheel):
    """Every package and module under src/kzfigures/ is in the wheel, and nothing else is (a copy that skipped a
    folder by name once dropped a whole layer)."""
    shipped = {name for name in zipfile.ZipFile(wheel).namelist()
               if name.startswith("kzfigures/") and name.endswith(".py")}
    tracked = {p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src" / "kzfigures").rglob("*.py")}
    packages = {name.rsplit("/", 1)[0] for name in tracked if name.endswith("/__init__.py")}
    assert {name.rsplit("/", 1)[0] for name in shipped if name.endswith("/__init__.py")} == packages
    assert shipped == tracked


def test_a_folder_that_is_no_git_checkout_gets_one_line_and_no_wheel(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'kzfigures'\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"is not a git checkout .*: the kzfigures wheel is built from the files "
                                                 "git lists there") as caught:
        build_wheel(tmp_path, tmp_path / "wheels")
    assert "\n" not in str(caught.value) and not (tmp_path / "wheels").exists()


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict[str, str], Path]:
    """A fresh venv with the built wheel installed (no editable link), and an environment that runs it elsewhere.

    The venv borrows this environment's third-party packages through a .pth line (a plain path: the editable
    install's hook is not run), so only kzfigures itself, and its `kzfigures` command, come from the wheel.
    """
    base = tmp_path_factory.mktemp("install")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "uv", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--python", str(python), str(wheel)], check=True)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "zz_borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KZFIGURES_", "PYTHON", "VIRTUAL_ENV"))}
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


def test_the_kzfigures_command_runs_from_the_wheel_in_a_new_venv(installed):
    """The venv's own `kzfigures` script (the wheel's entry point), in a folder away from the checkout: a command
    that reads the shipped data runs, and one that needs a checkout says so in one line (every command imports
    every layer's errors, so a layer missing from the wheel fails them all)."""
    python, env, elsewhere = installed
    command = str(python.parent / "kzfigures")
    done = subprocess.run([command, "validate"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "0 problem(s)\n"  # the shipped data package, checked
    done = subprocess.run([command, "report", "--output", "r"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert done.returncode == 1 and done.stderr.startswith("kzfigures: error: this needs the notebooks/"), done.stderr


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


def answers_of_the_key() -> list[str]:
    """What the answer key holds that a student must not read: each why of the printables' key (and the digest of
    its answer), and each solution the instructor lessons write."""
    import json

    from kzfigures.classroom.edition import BEGIN_SOLUTION, END_SOLUTION

    key = json.loads((ROOT / "src" / "kzfigures" / "classroom" / "printables-key.json").read_text(encoding="utf-8"))
    found = [text for lesson in key["lessons"].values() for part in ("why", "why_checked_against")
             for text in lesson[part].values()]
    for path in sorted((ROOT / "notebooks" / "lessons").glob("[0-9][0-9]-*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if BEGIN_SOLUTION in source:
                solution = source.split(BEGIN_SOLUTION, 1)[1].split(END_SOLUTION, 1)[0]
                found += [line.strip() for line in solution.splitlines() if line.strip()]
    return found


def test_the_class_folders_wheel_holds_no_answer_of_the_key(wheel):
    """Issue 33: the wheel carried printables.json, whose whys tell each answer of the hand-written lessons."""
    answers = answers_of_the_key()
    assert len(answers) > 20
    with zipfile.ZipFile(wheel) as shipped:
        texts = {name: shipped.read(name).decode("utf-8", errors="replace") for name in shipped.namelist()}
    leaks = {(name, answer[:60]) for name, text in texts.items() for answer in answers if answer in text}
    assert not leaks, sorted(leaks)
