"""``forceratio app``: the explorer in the browser (needs the ``app`` extra)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer


def app_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8050,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser window.")
    ] = False,
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            help="A scenario file to list after the built-in scenarios (repeatable).",
        ),
    ] = None,
) -> None:
    """Serve the explorer: pick a scenario, move its assumptions, see the outcome."""
    from forceratio.errors import InputError

    try:
        from forceratio.app.model import Explorer
        from forceratio.app.server import check_listen, open_to_network, serve, server_url
    except ImportError:
        raise InputError(
            "app", "the explorer needs its extra: python -m pip install 'forceratio[app]'"
        ) from None
    check_listen(host, port)  # before saying where it serves
    explorer = Explorer(files=tuple(scenario or ()))  # a bad file: one line, nothing served
    print(f"forceratio explorer on {server_url(host, port)} (Ctrl-C stops it)", flush=True)
    if open_to_network(host):
        print(
            f"forceratio: warning: --host {host} lets other machines reach the explorer, with no"
            " authentication: anyone who can reach it runs the model and reads the scenarios",
            file=sys.stderr,
            flush=True,
        )
    serve(host, port, open_browser=not no_browser, explorer=explorer)
