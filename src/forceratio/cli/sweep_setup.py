"""What every sweep-like command (``sweep``, ``sensitivity``, ``threshold``, ``discover``)
checks before any work: the scenario, its --table overrides, the --vary ranges and the
calibration, returned as one :class:`SweepSetup`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from forceratio.cli.data import table_overrides
from forceratio.errors import InputError

if TYPE_CHECKING:
    from forceratio.scenarios.build import Prepared
    from forceratio.scenarios.session import Session
    from forceratio.sweeps.design import Vary


@dataclass(frozen=True)
class SweepSetup:
    """A validated sweep's inputs.

    Attributes
    ----------
    prep : Prepared
        The scenario with its tables resolved and its --set overrides applied.
    specs : tuple of Vary
        The varied parameters: the --vary ranges, or the scenario's declared ranges.
    calibration : tuple of (str, float)
        The session's calibrated values for the scenario, by path (a
        :class:`~forceratio.sweeps.evaluate.SweepSpec`'s ``calibration``).
    tables : dict of str to str
        The --table overrides, table name -> CSV path.
    session : Session
        The session the scenario and its calibration were read in.
    """

    prep: Prepared
    specs: tuple[Vary, ...]
    calibration: tuple[tuple[str, float], ...]
    tables: dict[str, str]
    session: Session


def sweep_setup(
    scenario: str,
    vary: list[str] | None,
    sets: list[str] | None,
    table: list[str] | None,
    uncalibrated: bool,
    replications: int = 0,
) -> SweepSetup:
    """Validate everything a sweep needs before any work: the scenario, the --vary specs
    (known paths, lo <= hi inside the parameter's domain) and the calibration.  With
    ``replications`` and no --vary the declared ranges leave out those only a deterministic
    run takes (the losses in transit: left at their value, which ``sweep`` notes once); a
    --vary of one is refused."""
    import numpy as np

    from forceratio.scenarios.registry import lookup, sweepable
    from forceratio.scenarios.run import deterministic_only
    from forceratio.scenarios.session import Session
    from forceratio.sweeps.design import Vary, declared
    from forceratio.sweeps.evaluate import calibration_pairs

    tables = table_overrides(table)
    session = Session(tables, uncalibrated)
    prep = session.prepare(scenario, sets)
    known = sweepable(prep)
    specs = [Vary.parse(v) for v in vary or []]
    fixed = deterministic_only(prep.scenario) if replications else []
    if not specs:
        specs = declared(prep.scenario.uncertainty)
        specs = [v for v in specs if v.path not in fixed]  # (noted by the sweep command)
        if not specs:
            raise InputError("--vary", f"{scenario} declares no uncertainty ranges; give --vary")
    for path in fixed:  # refused before any work (the engine refuses it too: run.py)
        if lookup(path, "--set").value(prep) > 0:
            raise InputError(path, "forces lost in transit run deterministically only (no "
                             f"--replications): set it to 0 (--set {path}=0)")  # fmt: skip
    for v in specs:
        if v.path in fixed:
            raise InputError(
                "--vary", f"{v.path}: forces lost in transit run deterministically only; "
                "leave it out of --vary under --replications",
            )  # fmt: skip
    seen = set()
    for v in specs:
        if v.path not in known:
            lookup(v.path, "--vary")  # an unknown path: one line naming it
            raise InputError("--vary", f"{v.path} is not a parameter of {prep.origin}")
        try:
            lookup(v.path, "--vary").check(np.array([v.low, v.high]))
        except InputError as exc:  # named as the user gave it, as --set's are
            raise InputError(f"--vary {v.path}", exc.problem) from None
        if v.path in seen:
            raise InputError("--vary", f"{v.path} given twice")
        seen.add(v.path)
    calibration = calibration_pairs(session, prep)
    return SweepSetup(prep, tuple(specs), calibration, tables, session)
