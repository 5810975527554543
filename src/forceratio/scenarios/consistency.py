"""Whole-scenario checks that cross fields (sectors named by records, transfers and
presence; mobile counts and their reference), run when a scenario file is validated
(:class:`forceratio.scenarios.model.Scenario`)."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from forceratio.scenarios.model import PRESENCE_KEYS

if TYPE_CHECKING:
    from forceratio.scenarios.model import Scenario


def check_consistent(scn: Scenario) -> None:
    """Raise ValueError naming the first inconsistency of ``scn``."""
    # custom combat power: a category without a weight is refused where the scenario has
    # some of it, once the tables are read (build.prepare: check_weights)
    if scn.weights and scn.combat_power != "custom":  # they would be ignored
        raise ValueError(
            f'[weights] apply only with combat_power = "custom"; this file\'s is '
            f'{scn.combat_power!r}: drop [weights] or set combat_power = "custom"'
        )
    shown = [n.strip().casefold() for n in scn.side_names.values()]
    if len(set(shown)) != len(shown):  # the outputs would not say which side is which
        raise ValueError(f"side_names: the two sides need two names, got {scn.side_names}")
    names = [s.name for s in scn.sectors]
    if len(set(names)) != len(names):
        raise ValueError("sector names must be unique")
    for rec in scn.records:
        for s in rec.sectors or []:
            if s not in names:
                raise ValueError(f"record {rec.label!r}: unknown sector {s!r}")
    have = {(sec.name, side): c for sec in scn.sectors for side, c in sec.mobile.items()}
    for name, side in sorted(
        have.keys() - {(n, s) for n in names for s in scn.operations.capture.mobile_reference}
    ):
        raise ValueError(f"sector {name!r}: mobile.{side} needs a mobile_reference")
    for sec in scn.sectors:
        seen_days: set[tuple[str, float]] = set()
        for mc in sec.mobile_changes:
            named = [sd for sd in ("USSR", "Germany") if getattr(mc, sd) is not None]
            if not named:
                raise ValueError(
                    f"sector {sec.name!r}: mobile_changes on day {mc.day:g} names no side"
                )
            for sd in named:
                if sd not in sec.mobile:
                    raise ValueError(
                        f"sector {sec.name!r}: mobile_changes on day {mc.day:g} changes "
                        f"{sd}, which mobile does not count"
                    )
                if (sd, mc.day) in seen_days:
                    raise ValueError(
                        f"sector {sec.name!r}: mobile_changes change {sd} twice on day {mc.day:g}"
                    )
                seen_days.add((sd, mc.day))
    for key, tr in scn.transfers.items():
        for s in (tr.from_sector, tr.to):
            if s not in names:
                raise ValueError(f"transfer {key!r}: unknown sector {s!r}")
            if tr.mobile and (s, tr.side) not in have:
                raise ValueError(f"transfer {key!r}: mobile needs {s!r} to count {tr.side}")
        if tr.mobile > have.get((tr.from_sector, tr.side), tr.mobile):
            raise ValueError(f"transfer {key!r}: more mobile than {tr.from_sector!r} counts")
    days: dict[str, list[float]] = {"USSR": [], "Germany": []}
    for ch in scn.modifiers.posture.changes:
        named = [sd for sd in days if getattr(ch, sd) is not None]
        if not named:
            raise ValueError(
                f"modifiers.posture.changes: the change on day {ch.day:g} names no side"
            )
        for sd in named:
            days[sd].append(ch.day)
    for sd, ds in days.items():
        ds.sort()
        for d0, d1 in itertools.pairwise(ds):
            if d1 - d0 < 1.0:  # each change takes one day: two would blend
                raise ValueError(
                    f"modifiers.posture.changes: {sd} changes on days {d0:g} and {d1:g}, "
                    "less than a day apart"
                )
    for sec in scn.sectors:  # a window the run never reaches changes nothing: refused
        for who, arrivals in sec.arrivals.items():
            for j, a in enumerate(arrivals):
                if a.start_day >= scn.duration_days:
                    raise ValueError(
                        f"sector {sec.name!r}: arrivals.{who}.{j} starts on day "
                        f"{a.start_day:g}, not before the run ends (duration_days "
                        f"{scn.duration_days:g})"
                    )
    seen = set()
    for key, pr in scn.presence.items():
        if pr.start_day >= scn.duration_days:
            raise ValueError(
                f"presence {key!r}: starts on day {pr.start_day:g}, not before the run ends "
                f"(duration_days {scn.duration_days:g})"
            )
        if key not in PRESENCE_KEYS:
            raise ValueError(f"presence {key!r}: use one of {', '.join(PRESENCE_KEYS)}")
        if pr.sector not in names:
            raise ValueError(f"presence {key!r}: unknown sector {pr.sector!r}")
        if (pr.side, pr.sector) in seen:
            raise ValueError(f"presence {key!r}: {pr.side} in {pr.sector!r} twice")
        seen.add((pr.side, pr.sector))
