"""Check forceratio against the declared lower bounds of its runtime dependencies.

Two checks:

* ``--consistency`` (fast, no install): every runtime dependency in pyproject.toml has a
  ``>=`` lower bound and ci/constraints-min.txt pins exactly that version, so the file
  tested is the floor declared.
* ``--venv DIR`` (minutes: downloads and installs the floor stack): a fresh venv at DIR,
  ``pip install -c ci/constraints-min.txt <project>``, ``pip check``, then CLI commands that
  broke below earlier floors (typer.TyperException: usage errors; pydantic: every scenario
  command; scipy's ``sobol_indices(rng=)``: sensitivity) run from a scratch folder. Each must
  exit with its expected code and print no traceback.

Usage: python scripts/check_min_deps.py --consistency
       python scripts/check_min_deps.py --venv /tmp/forceratio-min
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "ci" / "constraints-min.txt"
SCN = "strike-12june-strip"

# (arguments after `forceratio`, expected exit code); {ex} is the repository's examples/.
COMMANDS: list[tuple[list[str], int]] = [
    (["--version"], 0),
    (["compare", "--bogus"], 2),  # a usage error: typer.TyperException (typer >= 0.28)
    (["compare", "--format", "csv"], 0),  # pydantic >= 2.6 (strict tuples in the scenarios)
    (["sensitivity", SCN, "--samples", "64", "--seed", "1"], 0),  # scipy >= 1.15 (rng=)
    (["sensitivity", SCN, "--method", "morris", "--trajectories", "4", "--seed", "1"], 0),
    (["run", SCN, "--replications", "20", "--seed", "1"], 0),
    (["sweep", SCN, "--samples", "32", "--seed", "1", "--out", "s.parquet"], 0),
    (["discover", SCN, "--from", "s.parquet"], 0),
    (["threshold", SCN, "--vary", "modifiers.quality.Germany=0.5:20"], 0),
    (["plot", SCN, "--kind", "trajectory", "--out", "t.png"], 0),
    (["fit", "{ex}/battle.csv"], 0),
    (["scenarios", "list"], 0),
    (["data", "show", "strip"], 0),
]


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.findall(r"\d+", text)]
    while parts and parts[-1] == 0:  # 1.26 == 1.26.0
        parts.pop()
    return tuple(parts)


def _declared_floors() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floors: dict[str, str] = {}
    for spec in project["dependencies"]:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^]]*\])?\s*>=\s*([0-9][0-9.]*)\s*", spec)
        if match is None:
            raise SystemExit(f"pyproject.toml: dependency {spec!r} has no plain '>=' lower bound")
        floors[match[1].lower()] = match[2]
    return floors


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def consistency_problems() -> list[str]:
    """Differences between pyproject's lower bounds and the constraints file (empty: none)."""
    floors, pins = _declared_floors(), _pins()
    problems = [f"{n}: declared >={v} but not pinned" for n, v in floors.items() if n not in pins]
    problems += [f"{n}: pinned but not a runtime dependency" for n in pins if n not in floors]
    problems += [
        f"{n}: declared >={floors[n]} but pinned =={pins[n]}"
        for n in floors
        if n in pins and _version_tuple(floors[n]) != _version_tuple(pins[n])
    ]
    return problems


def run_floor_stack(venv: Path) -> list[str]:
    """Install the floor stack into ``venv`` and run COMMANDS; the failures (empty: none)."""
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    subprocess.run(
        [py, "-m", "pip", "install", "--quiet", "-c", str(CONSTRAINTS), str(ROOT)], check=True
    )
    failures: list[str] = []
    check = subprocess.run([py, "-m", "pip", "check"], capture_output=True, text=True)
    if check.returncode != 0:
        failures.append(f"pip check: {check.stdout.strip()}")
    with tempfile.TemporaryDirectory(prefix="forceratio-min-") as work:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["FORCERATIO_CACHE_DIR"] = str(Path(work) / "cache")
        env["MPLBACKEND"] = "Agg"
        for args, expected in COMMANDS:
            argv = [a.replace("{ex}", str(ROOT / "examples")) for a in args]
            done = subprocess.run(
                [py, "-m", "forceratio", *argv], cwd=work, env=env, capture_output=True, text=True
            )
            line = f"forceratio {' '.join(args)}: rc {done.returncode}"
            print(line, file=sys.stderr)
            if done.returncode != expected or "Traceback" in done.stderr:
                tail = done.stderr.strip().splitlines()[-1:] or [""]
                failures.append(f"{line} (expected {expected}): {tail[0]}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consistency", action="store_true", help="compare pyproject and pins")
    parser.add_argument("--venv", type=Path, help="install the floor stack here and run the CLI")
    ns = parser.parse_args()
    if not ns.consistency and ns.venv is None:
        parser.error("give --consistency and/or --venv DIR")
    problems = consistency_problems() if ns.consistency else []
    if ns.venv is not None and not problems:
        problems = run_floor_stack(ns.venv)
    for problem in problems:
        print(problem, file=sys.stderr)
    print("lower bounds: " + ("FAIL" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
