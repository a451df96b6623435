"""Warm kernels (kernels.py): a kernel forked from the warm process is set up as a plain one is, holds nothing of
another notebook, and never outlives its launcher or its build."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from kzfigures.report import kernels
from kzfigures.report.execute import execute

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="warm kernels are forked on Linux only")

#: What a notebook's kernel can see of how it was started, printed as JSON.
PROBE = textwrap.dedent("""\
    import json, os, sys
    warm = "matplotlib.figure" in sys.modules  # imported by the warm process, not yet by this notebook
    import matplotlib
    print(json.dumps({"warm": warm, "cwd": os.getcwd(), "path": sys.path, "argv0": sys.argv[0],
                      "probe": os.environ.get("KZFIGURES_PROBE"), "server": os.environ.get("KZFIGURES_SERVER_ONLY"),
                      "backend": matplotlib.get_backend(), "session_leader": os.getsid(0) == os.getpid(),
                      "parent_handle": (get_ipython().kernel.parent.parent_handle
                                        if hasattr(get_ipython().kernel, "parent") else None),
                      "left_over": "left_over" in globals(), "pid": os.getpid(), "ppid": os.getppid()}))
    left_over = 1
    """)


def notebook(folder: Path, *sources: str) -> Path:
    """A notebook of code cells, written to folder/probe.ipynb."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "probe.ipynb"
    nbformat.write(nb, str(path))
    return path


def probe(path: Path) -> dict:
    """Run the probe notebook with KZFIGURES_PROBE set (as a build sets its own variables for each notebook),
    and return what its kernel saw."""
    (cell,) = execute(path, None, {}, env={"KZFIGURES_PROBE": "given to this kernel"}).cells
    return json.loads(cell.outputs[0].text)


def gone(pid: int, within: float = 10.0) -> bool:
    """Whether the process has ended (or ended and been reaped) within so many seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            if stat.read().split(") ")[1].startswith("Z"):
                return True  # a zombie has ended; its parent has not collected it yet
        time.sleep(0.05)
    return False


def test_a_warm_kernel_is_set_up_as_a_plain_one(tmp_path, monkeypatch):
    path = notebook(tmp_path, PROBE)
    monkeypatch.setenv("KZFIGURES_SERVER_ONLY", "set before the server started")
    with kernels.warm():
        monkeypatch.delenv("KZFIGURES_SERVER_ONLY")  # a kernel gets the build's variables now, not the server's
        server = kernels._current.process.pid
        first, second = probe(path), probe(path)
    monkeypatch.setenv(kernels.SWITCH, "0")
    plain = probe(path)
    assert first["warm"] and second["warm"] and not plain["warm"]
    assert first["ppid"] == second["ppid"] == server  # forked by the server...
    assert len({first["pid"], second["pid"], server}) == 3  # ...each notebook a process of its own
    assert not first["left_over"] and not second["left_over"]
    for seen in (first, second):
        same = {k: v for k, v in seen.items() if k not in ("warm", "pid", "ppid")}
        assert same == {k: v for k, v in plain.items() if k not in ("warm", "pid", "ppid")}
    assert plain["probe"] == "given to this kernel" and plain["server"] is None
    assert plain["session_leader"] and plain["cwd"] == str(tmp_path)


def test_warm_and_plain_kernels_build_the_same_page(default_report, tmp_path, monkeypatch):
    """A notebook with charts and tables, built with plain kernels, gives the bytes the session's default report
    (warm kernels, built once for every test) has for it: executed notebook, page and published files."""
    from kzfigures.report.build import build_report

    name = "02-attacks-and-security"
    monkeypatch.setenv(kernels.SWITCH, "0")
    monkeypatch.setenv("KZFIGURES_CACHE", str(tmp_path / "cache"))
    plain = build_report(tmp_path / "reports", {}, only=["02"], progress=lambda line: None).output

    def files(report: Path) -> dict[str, bytes]:
        chosen = [report / f"{name}.html", report / "notebooks" / f"{name}.ipynb", *(report / name).rglob("*")]
        return {str(p.relative_to(report)): p.read_bytes() for p in chosen if p.is_file()}

    assert files(plain) == files(default_report)
    assert any(path.endswith(".png") for path in files(plain))


def test_no_kernel_outlives_its_launcher_or_the_server(tmp_path):
    path = notebook(tmp_path, "import os\nprint(os.getpid())")
    with kernels.warm():
        server = kernels._current.process
        (cell,) = execute(path, None, {}).cells  # its launcher is killed as the notebook ends
        kernel = int(cell.outputs[0].text)
        folder = Path(kernels._current.folder)
    assert gone(kernel)
    assert server.poll() is not None and not folder.exists()


def test_a_killed_build_takes_its_server_and_kernels_with_it(tmp_path):
    pids = tmp_path / "pids"
    path = notebook(tmp_path, f"import os, time\nopen({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{os.getppid()}}')\n"
                              "time.sleep(120)")
    build = subprocess.Popen([sys.executable, "-c", "import sys\nfrom pathlib import Path\n"
                              "from kzfigures.report.kernels import warm\nfrom kzfigures.report.execute import execute\n"
                              f"with warm():\n    execute(Path({str(path)!r}), None, {{}})"])
    deadline = time.monotonic() + 60
    while not (pids.exists() and pids.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    kernel, server = map(int, pids.read_text().split())
    folder = Path(Path(f"/proc/{server}/cmdline").read_bytes().split(b"\0")[-2].decode()).parent
    assert folder.name.startswith("kzfigures-kernels-") and folder.is_dir()
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert gone(server) and gone(kernel)
    assert not folder.exists()  # the server's socket folder, removed by the server itself


def test_with_no_server_kernels_start_the_plain_way(tmp_path, monkeypatch):
    """A server that cannot start (here: one that exits at once) leaves the build to plain kernels."""
    monkeypatch.setattr(kernels, "SERVER", ["-c", "raise SystemExit(3)"])
    path = notebook(tmp_path, PROBE)
    with kernels.warm():
        seen = probe(path)
    assert not seen["warm"] and seen["probe"] == "given to this kernel"


def test_a_cell_timeout_interrupts_a_warm_kernel(tmp_path):
    """nbclient interrupts a cell that runs too long with SIGINT to the launcher, which passes it on."""
    from kzfigures.report.execute import ExecutionFailed

    path = notebook(tmp_path, "import time\ntime.sleep(60)")
    started = time.monotonic()
    with kernels.warm(), pytest.raises(ExecutionFailed) as failed:
        execute(path, None, {}, timeout=2)
    assert failed.value.ename == "CellTimeoutError" and time.monotonic() - started < 30


@pytest.mark.parametrize("variable, file, text, source, printed", [
    ("PYTHONPATH", "only_here.py", "WHERE = 'found'\n", "import only_here\nprint(only_here.WHERE, warm)", "found False\n"),
    ("MPLCONFIGDIR", "matplotlibrc", "lines.linewidth: 7\n",
     "import matplotlib\nprint(matplotlib.rcParams['lines.linewidth'], warm)", "7.0 False\n"),
], ids=["PYTHONPATH", "MPLCONFIGDIR"])
def test_a_kernel_given_what_is_read_at_start_starts_the_plain_way(tmp_path, variable, file, text, source, printed):
    """Python reads PYTHONPATH as it starts, matplotlib MPLCONFIGDIR as it is imported: a kernel given one the
    server did not start with is not forked from it, and so finds the module, or draws with the matplotlibrc,
    it was given."""
    folder = tmp_path / variable
    folder.mkdir()
    (folder / file).write_text(text, encoding="utf-8")
    path = notebook(tmp_path, "import sys\nwarm = 'matplotlib.figure' in sys.modules\n" + source)
    with kernels.warm():
        (cell,) = execute(path, None, {}, env={variable: str(folder)}).cells
    assert cell.outputs[0].text == printed


def test_with_no_temporary_folder_kernels_start_the_plain_way(tmp_path, monkeypatch):
    """A full disk: the server's folder cannot be made, and the build goes on with plain kernels."""
    import errno

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(kernels.tempfile, "mkdtemp", full)
    path = notebook(tmp_path, PROBE)
    with kernels.warm():
        seen = probe(path)
    assert not seen["warm"] and seen["probe"] == "given to this kernel"


def test_elsewhere_than_linux_there_is_no_server_and_the_module_still_imports(monkeypatch):
    """Windows has no fork and fewer signals: warm() starts nothing, and kernels.py (which report.py imports) loads."""
    import importlib

    monkeypatch.setattr(kernels.sys, "platform", "win32")
    with kernels.warm():
        assert kernels._current is None
    for name in ("SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGCHLD"):
        monkeypatch.delattr(signal, name)
    try:
        assert importlib.reload(kernels).PASSED_ON == (signal.SIGINT, signal.SIGTERM)
    finally:
        monkeypatch.undo()
        importlib.reload(kernels)


def test_a_report_build_forks_its_kernels_from_the_warm_server(tmp_path):
    """The variables a build gives each notebook (its output folder, the data root, SOURCE_DATE_EPOCH) and those
    jupyter_client adds do not send kernels the plain way: a real build's kernels are warm."""
    from kzfigures.report.build import build_report

    folder = tmp_path / "notebooks"
    folder.mkdir()
    source = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Warm\n\nIs this kernel forked?"),
        nbformat.v4.new_code_cell("decimals = 2", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import sys\nprint('matplotlib.figure' in sys.modules)")])
    source.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(source, str(folder / "00-warm.ipynb"))
    out = build_report(tmp_path / "reports", notebooks_folder=folder, progress=lambda line: None).output
    executed = nbformat.read(str(out / "notebooks" / "00-warm.ipynb"), as_version=4)
    assert [o.text for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])] == ["True\n"]


def test_a_kernels_ports_are_picked_only_once_the_server_is_ready(tmp_path, monkeypatch):
    """jupyter_client picks a kernel's ports, free until the kernel binds them, just before asking for its command;
    waiting for the server's imports there let other processes take them (a kernel died at start, once, in a
    busy test run). So the wait comes first."""
    from jupyter_client.manager import KernelManager

    seen = []
    original = KernelManager.write_connection_file

    def record(self, **kwargs):
        seen.append(kernels._current is not None and kernels._current._answer is not None)
        return original(self, **kwargs)

    monkeypatch.setattr(KernelManager, "write_connection_file", record)
    path = notebook(tmp_path, "1")
    with kernels.warm():  # a new server: its imports take about a second
        execute(path, None, {})
    assert seen == [True]
