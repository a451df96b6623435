"""Fresh kernels without the wait: during a build, each notebook's kernel is forked from one warm process.

A kernel spends about 1.4 s of CPU starting Python and importing ipykernel, numpy and matplotlib before a
notebook's first line runs. Inside ``warm()``, one server process does those imports once, and every kernel
is a fork of it: a new process holding nothing of any other notebook, with the environment, folder,
arguments and standard streams jupyter_client gave it, started as ``python -m ipykernel_launcher`` starts.
(No maintained library forks ipykernel kernels for jupyter_client, so this is written here.)

How it fits jupyter_client: ``manager_class()`` starts ``python -m kzfigures.report.kernels launch SOCKET <the
usual kernel command>``, a small launcher. It hands its environment, folder, arguments and standard streams
to the server, which forks the kernel; the launcher then stands in for it: signals sent to the launcher are
passed on, it exits as the kernel exits, and if it is killed the server kills the kernel. With no server
(not Linux, ``KZFIGURES_WARM_KERNELS=0``, or the server could not start) kernels start the usual way, and
a launcher that finds no server replaces itself with the usual command, so every build still works. A
kernel whose environment differs from the server's in anything but the variables set for each notebook
(PER_KERNEL) starts the usual way too: Python, and the modules imported in advance, read theirs as they
start (PYTHONPATH, MPLCONFIGDIR, HOME, …), which a fork cannot redo.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SWITCH = "KZFIGURES_WARM_KERNELS"  # "0" turns warm kernels off
# what every notebook's kernel imports, where importing it here changes nothing: not pandas, whose display
# defaults depend on whether it is imported inside a kernel (max_columns), and not pyplot or matplotlib_inline,
# whose import hooks into the running IPython shell
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "numpy", "matplotlib",
           "matplotlib.figure", "matplotlib.backends.backend_agg")
#: variables that may differ between the server and a kernel: set for each notebook by the build and by
#: jupyter_client, and read only when a notebook runs
PER_KERNEL = ("KZFIGURES_", "JPY_", "SOURCE_DATE_EPOCH")
SERVER = ["-m", __name__, "serve"]  # the server's command, after the Python that runs it and before its socket
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets MPLBACKEND to, if unset
READY_TIMEOUT = 60.0  # seconds to wait for the server's imports before starting kernels the plain way
# the signals a launcher passes on to its kernel (the names Windows lacks are skipped, so this module imports there)
PASSED_ON = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2")
                  if hasattr(signal, name))


class _Server:
    """The running warm process, seen from the build: its socket once it has said it is ready."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="kzfigures-kernels-")
        self.path = os.path.join(self.folder, "server")
        # os.environ, as the kernels get it from execute(), and not the process's own environment, which a C
        # library may have changed under it (readline sets LINES and COLUMNS)
        self.process = subprocess.Popen([sys.executable, *SERVER, self.path], env=dict(os.environ),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._lock = threading.Lock()
        self._answer: str | None = None

    def socket_path(self) -> str | None:
        """The server's socket, waiting for its imports the first time; None if it did not start."""
        with self._lock:
            if self._answer is None:
                self._answer = self.path if _read_ready(self.process) else ""
            return self._answer or None

    def stop(self) -> None:
        """End the server (closing its input tells it to) and remove its folder."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()  # type: ignore[union-attr]  # started with stdin=PIPE, never None
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()  # type: ignore[union-attr]  # started with stdout=PIPE, never None
        shutil.rmtree(self.folder, ignore_errors=True)


_current: _Server | None = None


def enabled() -> bool:
    """Whether kernels can be forked here: Linux, and not turned off with KZFIGURES_WARM_KERNELS=0."""
    return sys.platform.startswith("linux") and os.environ.get(SWITCH, "1") != "0"


@contextlib.contextmanager
def warm() -> Iterator[None]:
    """Within this block, kernels that execute() starts are forked from one warm process (when it can be had)."""
    global _current
    server = None
    if _current is None and enabled():
        with contextlib.suppress(OSError):  # no temporary folder or no process to be had: the plain way
            server = _Server()
    if server is None:
        yield
        return
    _current = server
    try:
        yield
    finally:
        _current = None
        server.stop()


def _read_ready(process: subprocess.Popen) -> bool:
    """Whether the server said "ready" before READY_TIMEOUT (False if it exited or stayed silent)."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]  # stdout=PIPE, never None
        if not selector.select(timeout=READY_TIMEOUT):
            return False
    return process.stdout.readline() == b"ready\n"  # type: ignore[union-attr]  # stdout=PIPE, never None


@functools.cache
def manager_class() -> type:
    """The kernel manager nbclient should use: jupyter_client's, starting kernels through the warm server."""
    from jupyter_client.manager import AsyncKernelManager

    class WarmKernelManager(AsyncKernelManager):
        """AsyncKernelManager whose python kernels are forked from the warm server while one is running."""

        async def start_kernel(self, **kwargs: Any) -> None:  # type: ignore[override]  # jupyter_client's is untyped
            # wait for the server's imports before jupyter_client picks the kernel's ports, which stay free (and
            # can be taken by another process) until the kernel binds them; format_kernel_cmd comes in between
            if _current is not None:
                _current.socket_path()
                if not self.connection_file:  # the key beside the server's socket, not in TMPDIR: the server
                    # removes its folder when the build ends, killed or not
                    self.connection_file = os.path.join(_current.folder, f"kernel-{uuid.uuid4().hex}.json")
            await super().start_kernel(**kwargs)

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            command = super().format_kernel_cmd(extra_arguments)
            path = _current.socket_path() if _current is not None else None
            return [sys.executable, "-m", __name__, "launch", path, *command] if path else command

    return WarmKernelManager


# ---- the launcher: one per kernel, started by jupyter_client ----

def launch(path: str, command: list[str]) -> None:
    """Have the server at ``path`` fork a kernel for ``command`` and stand in for it; else exec ``command``."""
    if command[1:3] != ["-m", "ipykernel_launcher"]:
        os.execv(command[0], command)
    try:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.connect(path)
        request = {"env": dict(os.environ), "cwd": os.getcwd(), "args": command[3:]}
        socket.send_fds(server, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
        replies = server.makefile("rb")
        pid = int(replies.readline().removeprefix(b"pid "))  # or b"plain\n": not a kernel the server can fork
    except (OSError, ValueError):
        os.execv(command[0], command)  # the usual kernel
    for signum in PASSED_ON:
        signal.signal(signum, lambda signum, frame: _pass_on(pid, signum))
    last = replies.readline()  # b"exit STATUS\n", or b"" if the server is gone (and the kernel with it)
    status = int(last.removeprefix(b"exit ")) if last.startswith(b"exit ") else 1 << 8
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    raise SystemExit(os.WEXITSTATUS(status))


def _pass_on(pid: int, signum: int) -> None:
    """Send a signal the launcher received on to its kernel."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


# ---- the server: one per build ----

def serve(path: str) -> dict[str, Any] | None:
    """Import PRELOAD, say "ready", fork a kernel per launcher; returns a request only in a forked kernel.

    Ends when its standard input closes (the build has finished or died), killing its kernels and removing the
    folder of its socket.
    """
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # as ipykernel_launcher does; IPython puts the kernel's own folder back
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle; it closes our input
    started_with = _shared_env(dict(os.environ))
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # matplotlib reads it once, at import
    for name in PRELOAD:
        importlib.import_module(name)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # a kernel ended: wake the loop
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ, "build")
    selector.register(wake_read, selectors.EVENT_READ, "wake")
    selector.register(listener, selectors.EVENT_READ, "launcher")
    kernels: dict[int, socket.socket] = {}  # kernel pid → its launcher's connection
    print("ready", flush=True)
    while True:
        for key, _ in selector.select():
            if key.data == "build":
                if os.read(0, 4096):
                    continue
                for pid in kernels:
                    _kill(pid)
                listener.close()
                shutil.rmtree(Path(path).parent, ignore_errors=True)  # also when the build was killed
                return None
            if key.data == "wake":
                os.read(wake_read, 4096)
            elif key.data == "launcher":
                connection, _ = listener.accept()
                try:
                    request, fds = _receive(connection)
                except (OSError, ValueError):
                    connection.close()  # a launcher that left, or sent nonsense: it gets no kernel
                    continue
                if _shared_env(request["env"]) != started_with:
                    with contextlib.suppress(OSError):
                        connection.sendall(b"plain\n")  # not the environment we started in: the usual way, then
                    for fd in fds:
                        os.close(fd)
                    connection.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    signal.set_wakeup_fd(-1)
                    for open_socket in (listener, *kernels.values()):
                        open_socket.close()
                    selector.close()
                    os.close(wake_read)
                    os.close(wake_write)
                    return {**request, "fds": fds, "connection": connection}
                for fd in fds:
                    os.close(fd)
                kernels[pid] = connection
                try:
                    connection.sendall(f"pid {pid}\n".encode())
                except OSError:
                    _kill(pid)  # the launcher is gone already
                selector.register(connection, selectors.EVENT_READ, pid)
            elif isinstance(key.data, int) and not _still_there(key.fileobj):  # type: ignore[arg-type]  # registered sockets only
                _kill(key.data)  # its launcher was killed: so is the kernel
        _reap(kernels, selector)


def _shared_env(env: dict[str, str]) -> dict[str, str]:
    """The variables a forked kernel must share with the server: all but PER_KERNEL."""
    return {name: value for name, value in env.items() if not name.startswith(PER_KERNEL)}


def _receive(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """A launcher's request (environment, folder, arguments) and its standard streams."""
    message, fds, _, _ = socket.recv_fds(connection, 1 << 16, 3)
    try:
        while not message.endswith(b"\n"):
            more = connection.recv(1 << 16)
            if not more:
                raise OSError("the launcher left mid-request")
            message += more
        return json.loads(message), fds
    except (OSError, ValueError):
        for fd in fds:
            os.close(fd)
        raise


def _still_there(connection: socket.socket) -> bool:
    """Whether a launcher's connection, readable now, is still open (a launcher never writes after its request)."""
    try:
        return bool(connection.recv(1))
    except OSError:
        return False


def _kill(pid: int) -> None:
    """Kill one kernel at once."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(kernels: dict[int, socket.socket], selector: selectors.BaseSelector) -> None:
    """Collect every kernel that has ended and tell its launcher how."""
    while kernels:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = kernels.pop(pid, None)
        if connection is not None:
            selector.unregister(connection)
            with contextlib.suppress(OSError):
                connection.sendall(f"exit {status}\n".encode())
            connection.close()


def become_kernel(request: dict[str, Any]) -> None:
    """In a forked child: take the launcher's streams, session, folder and environment, and run ipykernel."""
    request["connection"].close()
    os.setsid()
    _die_with_parent()
    for target, fd in enumerate(request["fds"]):
        os.dup2(fd, target)
        os.close(fd)
    for signum in (signal.SIGINT, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    spec = importlib.util.find_spec("ipykernel_launcher")
    sys.argv = [str(spec.origin if spec else "ipykernel_launcher"), *request["args"]]
    from ipykernel import kernelapp

    # the one setting ipykernel reads from the environment at import, which in the server came too early
    kernelapp.launch_new_instance(parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0))


def _die_with_parent() -> None:
    """Ask Linux to kill this kernel if the server dies (prctl PR_SET_PDEATHSIG); best effort."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # 1 = PR_SET_PDEATHSIG


def run_helper(argv: list[str]) -> None:
    """`python -m kzfigures.report.kernels serve SOCKET` or `... launch SOCKET COMMAND...`."""
    if argv[:1] == ["launch"]:
        launch(argv[1], argv[2:])
    elif argv[:1] == ["serve"]:
        request = serve(argv[1])
        if request is not None:  # this process is a forked kernel
            become_kernel(request)


if __name__ == "__main__":
    run_helper(sys.argv[1:])
