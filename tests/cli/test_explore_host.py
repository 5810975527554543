"""``forceratio app --host ''``: an empty address (``--host "$HOST"`` with HOST unset) bound
every interface, IPv4 and IPv6, and announced ``http://:8050/`` (review15hostile)."""

from __future__ import annotations

import pytest

from forceratio.cli import run


@pytest.mark.parametrize("host", ["", "  "])
def test_an_empty_host_is_refused_before_listening(
    host: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("starlette")
    from forceratio.app import server

    calls: list[str] = []
    monkeypatch.setattr(server, "check_listen", lambda h, p: calls.append("check"))
    monkeypatch.setattr(server, "serve", lambda h, p, open_browser: calls.append("serve"))
    assert run(["app", "--no-browser", "--host", host, "--port", "8050"]) == 2
    assert calls == []
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("forceratio: error: --host: empty; give an address")
