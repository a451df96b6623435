"""Executing one notebook: parameters injected with papermill, a fresh kernel run by nbclient, run noise stripped."""
from __future__ import annotations

import atexit
import os
import subprocess
from pathlib import Path
from typing import Any

from ..collection.kernels import on_unix_sockets

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def clean(nb: Any) -> Any:
    """Strip what changes from run to run (papermill and timing metadata, random cell ids), and keep the kernel's
    language_info as JupyterLab writes it, so opening and saving a committed notebook in Lab changes nothing."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(nb.metadata.get("language_info") or {"name": "python"})
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:02d}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if not cell.metadata.get("tags"):
            cell.metadata.pop("tags", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def _failure(err: Exception, timeout: int) -> tuple[str, str]:
    """The name and words of an execution failure, for one line."""
    kind = type(err).__name__
    if kind == "CellTimeoutError":
        return kind, f"a cell ran longer than {timeout} s; raise the limit with --timeout SECONDS"
    if kind == "DeadKernelError":
        return kind, "the kernel died (killed, out of memory or crashed) while the notebook ran"
    return getattr(err, "ename", kind), getattr(err, "evalue", str(err))


class ExecutionFailed(RuntimeError):
    """A cell raised; carries the cell's index, the error's name and value, and the executed notebook."""

    def __init__(self, cell_index: int, ename: str, evalue: str, notebook: Any):
        super().__init__(f"cell {cell_index}: {ename}: {evalue}")
        self.cell_index, self.ename, self.evalue, self.notebook = cell_index, ename, evalue, notebook


def stop_kernel(client: Any) -> None:
    """Kill a running notebook's kernel at once (used when a build is interrupted)."""
    process = getattr(getattr(getattr(client, "km", None), "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def execute(source: Path, target: Path | None, parameters: dict[str, Any], env: dict[str, str] | None = None,
            running: set[Any] | None = None, timeout: int = 300, connection_file: Path | None = None) -> Any:
    """Run a notebook in a fresh kernel and return it cleaned (also written to target when given).

    Parameters are injected with papermill's own function (the same "injected-parameters" cell as the
    papermill command). The kernel is run with nbclient directly so that it can be given its own environment
    and several can run at once from threads; while it runs, its client is in ``running`` (for stop_kernel).
    The kernel is started as papermill starts one (jupyter_client's own manager; on Unix sockets, see
    collection/kernels.py) and killed once the last cell is done.
    On failure ExecutionFailed is raised (a cell that raised, ran longer than ``timeout`` seconds, or a kernel
    that died); the executed notebook is written to target first. Adjacent stream outputs are merged, so a
    print that the kernel flushed in two pieces under load gives the same notebook. ``connection_file``: where the
    kernel's connection file (its key) is written, instead of a temporary file (a build keeps it in a folder of its
    own, which the next build removes if this one is killed outright).
    """
    import nbformat
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(source))
    if parameters:
        nb = parameterize_notebook(nb, parameters, kernel_name="python3", language="python")
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, coalesce_streams=True,
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(source.parent)}},
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    started = [-1]
    client.on_cell_start = lambda cell, cell_index: started.__setitem__(0, cell_index)
    if running is not None:
        running.add(client)
    # nbclient's own manager (the client still owns it) on Unix sockets, its key file where told
    with on_unix_sockets(client, str(connection_file) if connection_file is not None else None):
        _run(client, nb, target, env, running, timeout, started)
    nb = clean(nb)
    if target is not None:
        nbformat.write(nb, str(target))
    return nb


def _run(client: Any, nb: Any, target: Path | None, env: dict[str, str] | None, running: set[Any] | None,
         timeout: int, started: list[int]) -> None:
    """execute()'s run: the kernel started, every cell run, the kernel stopped; a failure as ExecutionFailed."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    try:
        # the kernel's own stderr (a timeout's KeyboardInterrupt, start-up noise) would print a traceback; what
        # matters reaches us as cell outputs and errors
        client.execute(env={**os.environ, **(env or {})}, stderr=subprocess.DEVNULL)
    except (CellExecutionError, CellTimeoutError, DeadKernelError, RuntimeError) as err:
        if type(err) is RuntimeError and "died" not in str(err):
            raise
        # RuntimeError "Kernel died before replying to kernel_info": killed while starting, before any cell
        failed = started[0]  # the cell that was running when it failed (on_cell_start keeps it)
        ename, evalue = _failure(err if type(err) is not RuntimeError else DeadKernelError(str(err)), timeout)
        clean(nb)
        if target is not None:
            nbformat.write(nb, str(target))
        raise ExecutionFailed(failed, ename, evalue, nb) from None
    finally:
        if running is not None:
            running.discard(client)
        # a kernel that died while starting leaves nbclient's exit hook behind, which would print a traceback at exit
        atexit.unregister(client._cleanup_kernel)
        stop_kernel(client)
