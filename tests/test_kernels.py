"""The kernels the project starts listen on Unix sockets in a folder of their own (collection/kernels.py): with TCP,
a port jupyter_client chose could be taken by another process before the kernel bound it, and the kernel died with
"Address already in use" (make test beside two report builds)."""
from __future__ import annotations

import tempfile

import nbformat

from kzfigures.report.execute import execute

PROBE = ('import json, ipykernel.connect\n'
         'info = json.loads(ipykernel.connect.get_connection_info())\n'
         'print(info["transport"], info["ip"])')


def test_a_notebook_runs_in_a_kernel_on_unix_sockets_and_leaves_no_folder(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    source = tmp_path / "probe.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)]), str(source))
    nb = execute(source, None, {})
    transport, ip = nb.cells[0].outputs[0]["text"].split()
    assert transport == "ipc" and ip.startswith(str(scratch)), (transport, ip)
    assert list(scratch.iterdir()) == []


def test_a_builds_kernel_keeps_its_sockets_beside_its_connection_file(tmp_path):
    source = tmp_path / "probe.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)]), str(source))
    kernels = tmp_path / "k"
    kernels.mkdir()
    nb = execute(source, None, {}, connection_file=kernels / "probe.json")
    transport, ip = nb.cells[0].outputs[0]["text"].split()
    assert (transport, ip) == ("ipc", str(kernels / "probe-ipc"))
    assert not any(p.name.startswith("probe-ipc") for p in kernels.iterdir())  # the manager removed its sockets


def test_a_socket_path_too_long_in_bytes_keeps_tcp(tmp_path, monkeypatch):
    """A socket's path holds at most 107 bytes: a long (or non-ASCII) TMPDIR or output folder keeps TCP rather than a
    kernel that cannot bind."""
    from kzfigures.collection.kernels import fits

    assert fits("/tmp/kzk-abc/k") and not fits("/tmp/" + "é" * 60)  # 60 characters, 120 bytes
    long = tmp_path / ("d" * 90)
    long.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    source = tmp_path / "probe.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)]), str(source))
    nb = execute(source, None, {})
    assert nb.cells[0].outputs[0]["text"].split()[0] == "tcp"
    assert list(long.iterdir()) == []
