"""A scenario's name has a cap (:data:`forceratio.scenarios.schema.MAX_NAME` characters): a
file whose name is longer is refused by the schema, so by ``run`` and ``compare`` as by the
explorer before anything is served, one line naming the file, the field and the length; a
request naming a longer scenario is refused at once, naming ``scenario`` and the length,
without echoing the name.

A name had no cap: a file's name of any length was listed and shown whole (one of 300
characters filled a 360-pixel window's header with ten lines of it), and a request's name of
60,000 characters came back as the first 470 of them.

Oracles: the names' lengths as written, and the built-in names (all within the cap)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forceratio.app.model import Explorer
from forceratio.app.server import create_app
from forceratio.errors import InputError
from forceratio.scenarios import builtins
from forceratio.scenarios import schema as sch
from tests.scenario_files import ScenarioFile

from .conftest import call_asgi, http_scope, response

HEADERS = [(b"host", b"127.0.0.1:8050"), (b"content-type", b"application/json")]


def test_every_built_in_name_is_within_the_cap() -> None:
    assert max(len(n) for n in builtins()) <= sch.MAX_NAME


def test_a_file_whose_name_is_past_the_cap_is_refused(tmp_path: Path) -> None:
    long_name = "n" * 20_000
    path = ScenarioFile(name=long_name).write(tmp_path / "long.toml")
    with pytest.raises(InputError) as caught:
        Explorer(files=(str(path),))
    said = str(caught.value)
    assert said.startswith(f"{path}: name: 20,000 characters")
    assert f"at most {sch.MAX_NAME}" in said
    assert long_name not in said
    assert "\n" not in said


def test_a_file_whose_name_is_at_the_cap_is_served(tmp_path: Path) -> None:
    name = "n" * sch.MAX_NAME
    path = ScenarioFile(name=name).write(tmp_path / "at.toml")
    ex = Explorer(files=(str(path),))
    assert ex.scenario(name)["name"] == name


def test_the_command_refuses_the_file_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from forceratio.app import server as app_server
    from forceratio.cli import run

    path = ScenarioFile(name="m" * 5_000).write(tmp_path / "long.toml")
    monkeypatch.setattr(app_server, "check_listen", lambda host, port: None)
    monkeypatch.setattr(app_server, "serve", lambda *a, **kw: pytest.fail("served"))
    assert run(["app", "--no-browser", "--scenario", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "5,000 characters" in err
    assert "m" * 200 not in err


@pytest.mark.parametrize("route", ["run", "scenario"])
def test_a_request_naming_a_longer_scenario_is_refused_at_once(route: str) -> None:
    ex = Explorer(uncalibrated=True)
    app = create_app(ex)
    name = "x" * 60_000
    if route == "run":
        body = json.dumps({"scenario": name, "values": {}}).encode()
        scope = http_scope("POST", "/api/run", HEADERS)
    else:
        body = b""
        scope = http_scope("GET", "/api/scenario/" + name, HEADERS)

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    status, _, raw = response(call_asgi(app, scope, receive))
    said = json.loads(raw)["error"]
    assert status == 400
    assert said == (
        f"scenario: a name of 60,000 characters; no scenario's is longer than {sch.MAX_NAME}"
    )


@pytest.mark.parametrize("command", ["run", "compare"])
def test_run_and_compare_refuse_the_file_in_one_line(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cap is the schema's, not the explorer's alone: a file the explorer refuses is
    refused by every command that reads it (the name was accepted whole by ``run`` before)."""
    from forceratio.cli import run

    path = ScenarioFile(name="q" * (sch.MAX_NAME + 1)).write(tmp_path / "long.toml")
    assert run([command, str(path)]) == 2
    err = capsys.readouterr().err.strip()
    said = "name: 101 characters; a scenario name has at most 100"
    assert err == f"forceratio: error: {path}: {said}"
