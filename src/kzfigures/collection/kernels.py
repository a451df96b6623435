"""The kernel a notebook runs in, listening on Unix sockets in a folder of its own instead of TCP ports.

jupyter_client picks five free TCP ports and the kernel binds them a moment later; on a busy machine another process
(another kernel) can take one in between, and the kernel dies with "Address already in use" before it answers
(seen in `make test` beside two report builds). A Unix socket's path is ours alone, so there is nothing to race for;
ipykernel and jupyter_client both support the "ipc" transport.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The longest path a Unix socket may have, less room for the "-NNNNN" port suffix jupyter_client adds.
SOCKET_PATH_MAX = 100


@contextmanager
def on_unix_sockets(client: Any, connection_file: str | None = None) -> Iterator[Any]:
    """Give an nbclient client (before it starts its kernel) a kernel manager on Unix sockets, its connection file
    at ``connection_file`` or in the sockets' own folder; the folder is removed when the block ends."""
    folder = tempfile.mkdtemp(prefix="kzk-")  # short: a socket's path holds at most 107 bytes
    try:
        km = client.km or client.create_kernel_manager()
        km.transport = "ipc"
        km.ip = socket_prefix(folder, connection_file)
        km.connection_file = connection_file or os.path.join(folder, "kernel.json")
        client.km = km
        yield km
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def socket_prefix(folder: str, connection_file: str | None) -> str:
    """Where the kernel's sockets go: beside its connection file when that path is short enough (a build's folder,
    removed by the next build if this one is killed), else in ``folder``."""
    if connection_file:
        beside = os.path.splitext(connection_file)[0] + "-ipc"
        if len(beside) <= SOCKET_PATH_MAX:
            return beside
    return os.path.join(folder, "k")
