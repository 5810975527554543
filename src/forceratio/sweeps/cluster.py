"""A sweep's chunks on a Dask cluster (``sweep --scheduler``): the scheduler's address
checked, a client connected, the chunks sent to the cluster's workers and their rows
landed by the calling process (the workers need not share its disk)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from time import monotonic
from typing import Any

import pandas as pd

from forceratio.errors import InputError
from forceratio.sweeps.evaluate import SweepSpec, evaluate_chunk


def check_address(scheduler: str) -> None:
    """Refuse at once an address that cannot be a scheduler's: an empty one
    (it used to run the sweep here), or a port outside 1..65535 (it used to wait 10 s for
    a connection that cannot be made).  Another malformed address is named by
    :func:`connect` (Dask's own message)."""
    if not scheduler.strip():
        raise InputError(
            "scheduler",
            "is empty; give the scheduler's address (tcp://HOST:8786), or leave --scheduler "
            "out to run the sweep here",
        )
    loc = scheduler.partition("://")[2] if "://" in scheduler else scheduler
    port = loc.rpartition(":")[2].strip() if ":" in loc else ""  # ([::1]:8786 too)
    if port.lstrip("+-").isdecimal() and not 1 <= int(port) <= 65535:
        raise InputError("scheduler", f"{scheduler!r}: port {int(port)} is not in 1..65535")


#: How long the first probe of a scheduler's port waits for an answer (seconds): a refusal
#: comes back at once, a silent network (a firewall that drops) is left to Dask's own
#: connection, which waits :data:`CONNECT_TIMEOUT`.
PROBE_TIMEOUT = 2.0
CONNECT_TIMEOUT = 10
#: How long an address that answered a probe is taken as listening without another
#: (seconds): the command line's check and :func:`connect`'s, moments apart, make one
#: connection; a scheduler that dies later in a long Python session is refused at once.
PROBE_MEMORY = 30.0
#: host, port -> when it last answered (:func:`time.monotonic`, seconds).
_answered: dict[tuple[str, int], float] = {}


def check_listening(scheduler: str) -> None:
    """Refuse at once a TCP or TLS address where nothing listens: the host answers that
    the port is closed (connection refused), which Dask retries until its timeout, 10 s
    before one line said so.  Any other failure of the probe (a silent network, a host
    name that does not resolve, an address Dask must parse) is left to :func:`connect`:
    only a refusal is certain.  A scheduler that listens sees the probe as a connection
    closed before its handshake (logged at INFO level by Dask), then the client's."""

    try:
        from distributed.comm.addressing import parse_address, parse_host_port
    except ImportError:  # pragma: no cover - (connect names the missing extra)
        return
    try:
        scheme, loc = parse_address(scheduler)
        host, port = parse_host_port(loc)
    except ValueError:  # (Dask names it)
        return
    if scheme not in ("tcp", "tls"):
        return
    try:
        _probe(host, port)
    except ConnectionRefusedError:
        raise InputError(
            "scheduler",
            f"cannot connect to {scheduler!r}: nothing listens on port {port} of {host} "
            "(connection refused); start the scheduler (dask scheduler) or correct the address",
        ) from None
    except OSError:  # (not certain: Dask's connection says what it finds)
        return


def _probe(host: str, port: int) -> None:
    """One TCP connection to ``host:port``, closed at once; an address that answered is
    not probed again for :data:`PROBE_MEMORY` seconds (the CLI checks before the scenario
    loads and :func:`connect` after: the scheduler saw two connections).  A refusal raises
    and is not remembered, so a scheduler started later is found."""
    import socket

    key = (host, port)
    now = monotonic()
    if now - _answered.get(key, -float("inf")) < PROBE_MEMORY:
        return
    _answered.pop(key, None)
    with socket.create_connection(key, timeout=PROBE_TIMEOUT):
        pass
    _answered[key] = monotonic()


def connect(scheduler: str) -> Any:
    """A client of the Dask scheduler at ``scheduler``, or one line naming it."""
    check_address(scheduler)
    try:
        from dask.distributed import Client
    except ImportError:  # pragma: no cover - the extra is part of the test install
        raise InputError(
            "scheduler",
            "dask.distributed is not installed (python -m pip install 'forceratio[dask]')",
        ) from None
    check_listening(scheduler)
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError("scheduler", f"cannot connect to {scheduler!r}: {exc}") from None


def run_chunks(
    spec: SweepSpec,
    jobs: Iterator[tuple[int, int, int]],
    client: Any,
    landed: Callable[[int, pd.DataFrame], None],
) -> None:
    """The chunks ``jobs`` (index, first run, end) on the cluster of ``client`` (from
    :func:`connect`), two per worker in flight; each lands here as it comes back."""
    from dask.distributed import as_completed

    nworkers = max(1, len(client.scheduler_info().get("workers", {})))
    futures = {}
    for i, a, b in jobs:
        futures[client.submit(evaluate_chunk, spec, a, b, pure=False)] = i
        if len(futures) >= 2 * nworkers:
            break
    ac = as_completed(list(futures))
    for fut in ac:
        i = futures.pop(fut)
        landed(i, fut.result())
        fut.release()
        nxt = next(jobs, None)
        if nxt is not None:
            f2 = client.submit(evaluate_chunk, spec, nxt[1], nxt[2], pure=False)
            futures[f2] = nxt[0]
            ac.add(f2)
