"""``sweep --scheduler tcp://127.0.0.1:PORT`` with nothing listening on PORT waited
Dask's 10-s connection timeout (Dask retries a refused connection until then) before its
one line.  A refused connection is certain at once: it is now one line, exit 2, within a
second or two, and nothing is left in --out.  (A reachable scheduler still runs the sweep:
``tests/sweeps/test_sweeps.py::test_dask_local_cluster_gives_the_single_process_result``.)"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from forceratio.errors import InputError
from forceratio.sweeps.cluster import connect
from tests.cli.refusals import refused

SWEEP = ["sweep", "strike-12june-strip", "--vary", "modifiers.quality.Germany=0.3:20",
         "--samples", "8", "--chunk-size", "4", "--seed", "3", "--no-progress"]  # fmt: skip


@pytest.fixture
def closed_port() -> int:
    """A port of 127.0.0.1 on which nothing listens: bound by the kernel's choice, then
    closed without listening (a connection to it is refused: RST, errno ECONNREFUSED)."""
    pytest.importorskip("dask.distributed")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    with pytest.raises(ConnectionRefusedError):  # the oracle: the kernel refuses it
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    return port


def test_a_closed_port_is_refused_at_once_on_the_command_line(
    closed_port: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s"
    address = f"tcp://127.0.0.1:{closed_port}"
    start = time.perf_counter()
    line = refused(capsys, [*SWEEP, "--out", str(out), "--scheduler", address])
    took = time.perf_counter() - start
    assert line.startswith(f"forceratio: error: --scheduler: cannot connect to {address!r}: ")
    assert "nothing listens" in line
    assert took < 3.0, took  # (Dask's own connection: 10 s)
    assert not out.exists()


@pytest.mark.parametrize("form", ["tcp://127.0.0.1:{}", "127.0.0.1:{}", "tcp://localhost:{}"])
def test_the_python_connect_refuses_a_closed_port_at_once(closed_port: int, form: str) -> None:
    address = form.format(closed_port)
    start = time.perf_counter()
    with pytest.raises(InputError, match="nothing listens") as info:
        connect(address)
    assert time.perf_counter() - start < 3.0
    assert info.value.field == "scheduler"
    assert "\n" not in str(info.value)


def test_a_listening_scheduler_is_probed_once_per_process() -> None:
    """The command line checks the address before the scenario loads and ``connect``
    checks it again: a listening scheduler saw two probe connections (each logged by
    Dask).  The oracle is the listening socket's own count of accepted connections."""
    from forceratio.sweeps.cluster import check_listening

    accepted = []
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.settimeout(0.5)
        port = server.getsockname()[1]
        for _ in range(2):
            check_listening(f"tcp://127.0.0.1:{port}")
            try:
                conn, _addr = server.accept()
                accepted.append(conn)
            except TimeoutError:
                pass
        for conn in accepted:
            conn.close()
    assert len(accepted) == 1


def test_a_scheduler_that_stopped_is_refused_once_its_probe_is_old(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An address that answered is remembered only briefly (PROBE_MEMORY, 30 s): a scheduler
    that stopped after its first probe is then refused at once (the kernel's own refusal
    of the closed port is the oracle), not left to Dask's 10-s connection."""
    from forceratio.sweeps import cluster

    clock = [1000.0]
    monkeypatch.setattr("forceratio.sweeps.cluster.monotonic", lambda: clock[0])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        port = server.getsockname()[1]
        address = f"tcp://127.0.0.1:{port}"
        cluster.check_listening(address)  # answered
    with pytest.raises(ConnectionRefusedError):  # the oracle: nothing listens now
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    clock[0] += 1.0
    cluster.check_listening(address)  # a second later: taken as listening, no probe
    clock[0] += 3600.0  # an hour on in the same session
    with pytest.raises(InputError, match="nothing listens"):
        cluster.check_listening(address)
