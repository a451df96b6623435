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
    """Give an nbclient client (before it starts its kernel) a kernel manager on Unix sockets: beside
    ``connection_file`` when given (a build's folder, which the next build removes if this one is killed), else in
    a folder of its own, removed when the block ends. A path too long for a socket (a long output
    folder or TMPDIR, counted in bytes) keeps TCP: a socket's path holds at most 107 bytes."""
    km = client.km or client.create_kernel_manager()
    client.km = km
    if connection_file:
        km.connection_file = connection_file
        beside = os.path.splitext(connection_file)[0] + "-ipc"
        if fits(beside):
            km.transport, km.ip = "ipc", beside
        yield km
        return
    folder = tempfile.mkdtemp(prefix="kzk-")  # short, unless TMPDIR is long: /tmp/kzk-XXXXXXXX/k-NNNNN
    try:
        if fits(os.path.join(folder, "k")):
            km.transport, km.ip = "ipc", os.path.join(folder, "k")
            km.connection_file = os.path.join(folder, "kernel.json")
        yield km
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fits(prefix: str) -> bool:
    """Whether sockets named ``prefix``-NNNNN fit a Unix socket's path (counted in bytes, as the system counts)."""
    return len(os.fsencode(prefix)) <= SOCKET_PATH_MAX
