"""Packaging checks (review20d): the declared dependency floors really work, and the floors in
pyproject.toml are the ones ci/constraints-min.txt pins."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lower_bounds_pinned_exactly() -> None:
    """Every runtime floor is pinned in ci/constraints-min.txt at that exact version."""
    assert _script("check_min_deps").consistency_problems() == []


def test_lower_bounds_above_the_known_breaks() -> None:
    """The floors review20d found broken are gone: typer < 0.28 has no TyperException (every
    usage error a traceback), pydantic 2.5 rejects the scenarios' strict tuples, scipy < 1.15's
    sobol_indices has no rng=. typer 0.28 itself needs rich >= 13.8."""
    script = _script("check_min_deps")
    floors = {name: script._version_tuple(v) for name, v in script._declared_floors().items()}
    assert floors["typer"] >= (0, 28)
    assert floors["pydantic"] >= (2, 6)
    assert floors["scipy"] >= (1, 15)
    assert floors["rich"] >= (13, 8)


@pytest.mark.slow
def test_floor_stack_installs_and_runs(tmp_path: Path) -> None:
    """The floor stack (pip install -c ci/constraints-min.txt) installs, passes pip check and
    runs the CLI commands that broke below the old floors (about two minutes: downloads)."""
    assert _script("check_min_deps").run_floor_stack(tmp_path / "venv") == []


def _hint_of(extra: str, text: str) -> None:
    """The hint installs the extra from the package index, so it works from a wheel (not
    ``-e '.[extra]'``, which needs a checkout in the working directory)."""
    assert f"pip install 'forceratio[{extra}]'" in text, text
    assert "-e " not in text, text


def test_extra_hints_work_without_a_checkout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from forceratio import battle
    from forceratio.cli import run
    from forceratio.errors import InputError
    from forceratio.simulator.dataset import to_xarray
    from forceratio.sweeps import cluster

    # an import of a module set to None in sys.modules raises ImportError: the extra is
    # missing; its submodules too, since one already imported (an earlier test served the
    # app) is found in sys.modules without its package being consulted
    monkeypatch.delitem(sys.modules, "forceratio.app.server", raising=False)
    for name in ("starlette", "uvicorn", "xarray", "dask.distributed"):
        for loaded in [m for m in list(sys.modules) if m.startswith(name + ".")]:
            monkeypatch.setitem(sys.modules, loaded, None)
        monkeypatch.setitem(sys.modules, name, None)
    assert run(["app", "--no-browser"]) == 2
    _hint_of("app", capsys.readouterr().err)
    with pytest.raises(InputError) as err:
        to_xarray(battle("square", 1000.0, 800.0, 0.01, 0.012))
    _hint_of("xarray", str(err.value))
    with pytest.raises(InputError) as err:
        cluster.connect("tcp://127.0.0.1:1")
    _hint_of("dask", str(err.value))


def test_linters_pinned_to_the_installed_versions() -> None:
    """ruff and mypy are pinned exactly in the test extra (a release that stabilises a rule or
    changes the format style must not fail CI on an unchanged commit), and so is every stub
    package mypy reads (``*-stubs``, ``types-*``: hdup21, a new pandas-stubs could fail mypy
    on an unchanged commit); the pins are the versions this environment runs."""
    import re
    from importlib.metadata import version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    test = project["optional-dependencies"]["test"]
    names = [re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0] for spec in test]
    stubs = {n for n in names if n.endswith("-stubs") or n.startswith("types-")}
    assert "pandas-stubs" in stubs
    pins = dict(spec.split("==", 1) for spec in test if "==" in spec)
    assert set(pins) >= {"ruff", "mypy", *stubs}, f"not pinned: {stubs - set(pins)}"
    for tool in ("ruff", "mypy", *sorted(stubs)):
        assert version(tool) == pins[tool], tool


def _tracked(prefix: str = "") -> list[str]:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout")
    out = subprocess.run(
        [git, "ls-files", "-z", "--", prefix or "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [p for p in out.stdout.split("\0") if p]


def _copy_tracked(tree: Path) -> Path:
    """A copy of the files git tracks (as they are in the work tree) at ``tree``."""
    for name in _tracked():
        if (ROOT / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name)
    return tree


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    """The wheel built (pip wheel, about 2 s) from a copy of the tracked files, so a stale
    build/ folder cannot fill a gap."""
    tmp = tmp_path_factory.mktemp("wheel")
    tree = _copy_tracked(tmp / "tree")
    dist = tmp / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(tree)],
        check=True,
        capture_output=True,
    )
    (path,) = dist.glob("forceratio-*.whl")
    with zipfile.ZipFile(path) as zf:
        yield zf


def _metadata(wheel: zipfile.ZipFile) -> str:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return wheel.read(name).decode()


def test_wheel_ships_every_tracked_file_under_src(wheel: zipfile.ZipFile) -> None:
    """The wheel holds every file git tracks under src/ (a data file of a new kind, not
    matched by [tool.setuptools.package-data], would be missing from an install while the
    editable-install tests stay green)."""
    shipped = {n for n in wheel.namelist() if not n.startswith("forceratio-")}
    wanted = {name.removeprefix("src/") for name in _tracked("src")}
    assert wanted - shipped == set()


def test_wheel_carries_the_licence(wheel: zipfile.ZipFile) -> None:
    """MIT requires its notice with every copy: LICENSE is in the repository and the wheel,
    and it is the MIT text naming pyproject's authors."""
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text
    authors = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert f"Copyright (c) 2026 {authors['authors'][0]['name']}" in text
    assert "License-File: LICENSE" in _metadata(wheel).splitlines()
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    assert wheel.read(name).decode() == text


def test_validate_cdb90_says_where_the_data_comes_from(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ../shared, `validate cdb90` names the data set's source (it is not shipped),
    on one line, exit 2."""
    from forceratio.cli import run
    from forceratio.fitting import cdb90

    monkeypatch.setattr(cdb90, "default_path", lambda: None)
    assert run(["validate", "cdb90"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("forceratio: error: --path: no CDB90 folder found")
    assert "jrnold/CDB90" in err
    assert "data/battles.csv" in err


def test_version_written_once(wheel: zipfile.ZipFile) -> None:
    """pyproject.toml takes the version from forceratio.__version__ (dynamic), so the
    wheel's metadata and ``forceratio --version`` cannot disagree."""
    import forceratio

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project
    assert "version" in project["dynamic"]
    assert f"Version: {forceratio.__version__}" in _metadata(wheel).splitlines()


def test_classifiers_say_what_is_tested(wheel: zipfile.ZipFile) -> None:
    """The wheel's classifiers: the Python CI runs (3.11, the floor of requires-python), Linux
    (the only system CI runs; the engine's warm-up forks), typed (py.typed is shipped); no
    licence classifier beside License-Expression (PEP 639 forbids both)."""
    lines = _metadata(wheel).splitlines()
    classifiers = {line.removeprefix("Classifier: ") for line in lines if "Classifier: " in line}
    assert {
        "Programming Language :: Python :: 3.11",
        "Operating System :: POSIX :: Linux",
        "Typing :: Typed",
    } <= classifiers
    assert "Requires-Python: >=3.11" in lines
    assert not [c for c in classifiers if c.startswith("License ::")]
    assert "License-Expression: MIT" in lines
    assert "forceratio/py.typed" in wheel.namelist()


def test_sdist_carries_the_tests_and_scripts(tmp_path: Path) -> None:
    """The sdist holds every tracked file of tests/, examples/, scripts/, benchmarks/, docs/
    and ci/, the LICENSE and VALIDATION.md (setuptools' default took five top-level test
    files only: an sdist that could neither run its tests nor rebuild its tables)."""
    pytest.importorskip("build")
    tree = _copy_tracked(tmp_path / "tree")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(dist), str(tree)],
        check=True,
        capture_output=True,
    )
    (path,) = dist.glob("forceratio-*.tar.gz")
    with tarfile.open(path) as tar:
        shipped = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    dirs = ("tests/", "examples/", "scripts/", "benchmarks/", "docs/", "ci/")
    wanted = {n for n in _tracked() if n.startswith(dirs)} | {"LICENSE", "VALIDATION.md"}
    assert wanted - shipped == set()


def _link_targets(markdown: str) -> list[str]:
    """Every link's and image's target, as a CommonMark parser (markdown-it, rich's own
    dependency) reads them."""
    from markdown_it import MarkdownIt

    found: list[str] = []

    def walk(tokens: list[Any]) -> None:
        for t in tokens:
            if t.type in ("link_open", "image"):
                found.append(str(t.attrGet("href" if t.type == "link_open" else "src")))
            walk(t.children or [])

    walk(MarkdownIt().parse(markdown))
    return found


def _relative(targets: list[str]) -> list[str]:
    return [t for t in targets if not t.startswith(("https://", "http://", "mailto:", "#"))]


def test_packaged_description_has_no_relative_links(wheel: zipfile.ZipFile) -> None:
    """hdup21: README.md's relative links (docs/..., benchmarks/..., its figures) led nowhere
    in the wheel's description on a package index.  There, each is the file's path in the
    source distribution (no repository URL is declared); README.md keeps them, each a tracked
    file, so they still work in the repository."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    relative = _relative(_link_targets(readme))
    assert {"docs/history-1941.md", "docs/ratios.png", "benchmarks/RESULTS.md"} <= set(relative)
    assert set(relative) <= set(_tracked())
    description = _metadata(wheel).split("\n\n", 1)[1]
    assert "Description-Content-Type: text/markdown" in _metadata(wheel).splitlines()
    assert _relative(_link_targets(description)) == []
    for target in relative:
        assert f"`{target}`" in description, target
    # the rest is README.md as written: its absolute links and anchors all there
    assert [t for t in _link_targets(readme) if t not in relative] == _link_targets(description)
    assert len(description.splitlines()) == len(readme.splitlines())


def test_packaged_description_points_into_a_declared_repository(tmp_path: Path) -> None:
    """With a Repository URL in [project.urls], the links point into it (GitHub's blob and
    raw paths); anchors, absolute links and code blocks are left alone."""
    script = _script("packaged_readme")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[project.urls]\nRepository = "https://github.com/o/r/"\n'
    )
    (tmp_path / "README.md").write_text(
        "See [the notes](docs/a.md), ![a figure](./docs/b.png), [c](#c), [d](https://e.org/f).\n"
        "```\n[not a link](docs/g.md)\n```\n"
    )
    assert script.long_description(tmp_path) == (
        "See [the notes](https://github.com/o/r/blob/main/docs/a.md), "
        "![a figure](https://github.com/o/r/raw/main/docs/b.png), [c](#c), [d](https://e.org/f).\n"
        "```\n[not a link](docs/g.md)\n```\n"
    )
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert script.long_description(tmp_path).startswith(
        "See the notes (`docs/a.md` in the source distribution), "
        "*Figure: a figure (`docs/b.png` in the source distribution).*, [c](#c),"
    )
