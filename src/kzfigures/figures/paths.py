"""Where the project's seeds/, data/ and notebooks/ are: a checkout, or the copy shipped inside the package."""
from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "KZFIGURES_ROOT"
#: The checkout this module sits in (src/kzfigures/figures/paths.py -> the repository root), when it is one.
CHECKOUT = Path(__file__).resolve().parents[3]
#: The copy of data/ and seeds/ that an installed (non-editable) package carries; setup.py puts it there.
PACKAGED = Path(__file__).resolve().parents[1] / "_data"


def _has_data(path: Path) -> bool:
    """True when path holds data/ and seeds/."""
    return (path / "data").is_dir() and (path / "seeds").is_dir()


def project_root(root: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding seeds/ and data/: ``root`` if given, else $KZFIGURES_ROOT, else this checkout, else the
    copy installed with the package."""
    if root is None:
        root = os.environ.get(ENV_VAR) or next((p for p in (CHECKOUT, PACKAGED) if _has_data(p)), CHECKOUT)
    path = Path(root)
    if not _has_data(path):
        raise FileNotFoundError(
            f"{path} has no data/ and seeds/ folders; pass root= or set {ENV_VAR} to the kzfigures checkout"
        )
    return path


def notebooks_root(root: str | os.PathLike[str] | None = None) -> Path:
    """The notebooks/ folder of a checkout; FileNotFoundError in one line when kzfigures is installed without one."""
    folder = project_root(root) / "notebooks"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"this needs the notebooks/ of a kzfigures checkout, and {folder.parent} has none (kzfigures is installed "
            f"as a package): run it in a clone of the repository, or set {ENV_VAR} to one"
        )
    return folder


def package_files(root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Every file below data/ and seeds/, in sub-folders too (so every path a descriptor can name), sorted.

    Symbolic links to folders are not followed (os.walk's default).
    """
    base = project_root(root)
    found = []
    for folder in ("data", "seeds"):
        for top, dirs, names in os.walk(base / folder):
            dirs.sort()
            found += [Path(top) / name for name in names if (Path(top) / name).is_file()]
    return sorted(found)


def file_state(root: str | Path | None = None) -> tuple[Path, tuple[tuple[str, int, int], ...]]:
    """The resolved root and each file below data/ and seeds/ (subfolders too) with its modification time and size.

    Two equal states mean nothing was edited in between; the store (store.py) caches on it. An edit that keeps
    both the size and the modification time (``cp -p`` of a same-sized file, ``rsync -t``) is not seen until
    the process starts again; the report's build cache hashes the bytes instead (build/cache.py).
    """
    base = project_root(root).resolve()
    files = package_files(base)
    return base, tuple((p.relative_to(base).as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


class FileRefused(ValueError):
    """A file a command was asked to write that could lose a file of the user's or the project's; one line."""


def check_not_packaged(base: Path, what: str) -> None:
    """Refuse, in one line, to write into the copy of the collection installed with the package (an install without
    a checkout): the next install replaces that folder, and every article added or decided there with it."""
    if PACKAGED.is_dir() and base.resolve() == PACKAGED.resolve():
        raise FileRefused(f"{base} is the copy of the collection installed with kzfigures, replaced at the next install:"
                          f" {what} writes nothing there; work in a clone of the repository, or set {ENV_VAR} to a "
                          "folder holding data/ and seeds/")


#: The project's own folders: its inputs (the data package, the articles) and its code. No file or folder a person
#: names for a command's output goes inside them (the project writes there itself only where it says so).
PROJECT_FOLDERS = ("data", "seeds", "src", "notebooks", "docs", "tests", "benchmarks")


def check_outside_project(target: Path, base: Path, flag: str = "--output",
                          refused: type[ValueError] = FileRefused) -> None:
    """Refuse, in one line, an output (file or folder) inside one of the project's own folders (PROJECT_FOLDERS
    of ``base``, symbolic links resolved): shared by every command that writes where a person says."""
    where = target.resolve()
    inside = next((name for name in PROJECT_FOLDERS if where.is_relative_to((base / name).resolve())), None)
    if inside is not None:
        folders = ", ".join(f"{name}/" for name in PROJECT_FOLDERS)
        raise refused(f"{flag} {target} is inside {inside}/, one of the project's own folders ({folders}): "
                      "name one outside them")


def check_new_file(target: Path, base: Path, flag: str = "--output", force: bool = False) -> None:
    """Refuse, in one line, a CSV to write that could lose a file: a folder, no .csv name, a missing parent folder,
    a place in the project's own folders (check_outside_project), an existing file inside the project (``base``), or
    any existing file without ``force``. Shared by every command that writes a CSV a person names (``draft
    --output``, ``grade --csv``)."""
    where = target.resolve()
    if target.is_dir():
        raise FileRefused(f"{flag} {target} is a folder; give a file name such as rows.csv")
    if target.suffix.lower() != ".csv":
        raise FileRefused(f"{flag} {target} is not a .csv name; give a file name such as rows.csv")
    if not where.parent.is_dir():
        raise FileRefused(f"{flag} {target}: its folder {target.parent} does not exist; make it first")
    check_outside_project(target, base, flag)  # sub-folders too
    if where.exists() and where.is_relative_to(base.resolve()):
        raise FileRefused(f"{flag} {target} is a file of the project; write to a new file (rows.csv)")
    if (where.exists() or target.is_symlink()) and not force:
        raise FileRefused(f"{flag} {target} exists; give a new file name, or --force to replace it")
