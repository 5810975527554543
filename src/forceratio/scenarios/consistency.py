"""Whole-scenario checks that cross fields (sectors named by records, transfers and
presence; mobile counts and their reference), run when a scenario file is validated
(:class:`forceratio.scenarios.schema.Scenario`)."""

from __future__ import annotations

import difflib
import itertools
from typing import TYPE_CHECKING

from forceratio.errors import InputError
from forceratio.scenarios.bounds import MOBILE_REFERENCE_RANGE
from forceratio.scenarios.schema import CATEGORIES, PRESENCE_KEYS

if TYPE_CHECKING:
    from forceratio.scenarios.schema import Scenario


def check_consistent(scn: Scenario) -> None:
    """Raise an :class:`InputError` naming the first inconsistency of ``scn`` and the
    dotted field it is in (the file is named by the loader)."""
    # custom combat power: a category without a weight is refused where the scenario has
    # some of it, once the tables are read (build.prepare: check_weights)
    if scn.weights and scn.combat_power != "custom":  # they would be ignored
        raise InputError(
            "weights",
            f'[weights] apply only with combat_power = "custom"; this file\'s is '
            f'{scn.combat_power!r}: drop [weights] or set combat_power = "custom"',
        )
    unknown = [c for c in scn.weights if c not in CATEGORIES]  # horses: a weight never used
    if unknown:
        near = difflib.get_close_matches(unknown[0], CATEGORIES, n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise InputError(
            f"weights.{unknown[0]}", f"unknown key; {hint}allowed here: {', '.join(CATEGORIES)}"
        )
    from forceratio.simulator.laws import get_law

    try:  # the law's parameters: refused here, naming the file, not when a run builds it
        get_law(scn.law, **scn.law_params)
    except InputError as exc:
        own = exc.field in ("p", "q", "w")
        raise InputError(f"law_params.{exc.field}" if own else "law_params", exc.problem) from None
    from forceratio.scenarios.sides import check_names
    from forceratio.scenarios.text import check_name, check_printable, skeleton

    check_names({str(k): v for k, v in scn.side_names.items()})
    for i, sec in enumerate(scn.sectors):  # shown in tables and figures, as side names
        check_name(f"sectors.{i}.name", sec.name)
    for r, rec in enumerate(scn.records):
        check_printable(f"records.{r}.label", rec.label, "a label")
    names = [s.name for s in scn.sectors]
    shown = [skeleton(n) for n in names]  # "A" and a Cyrillic "А" are one name to a reader
    if len(set(shown)) != len(shown):
        i = next(i for i, n in enumerate(shown) if n in shown[:i])
        first = names[shown.index(shown[i])]
        alike = "" if first == names[i] else f" ({names[i]!r} looks like {first!r})"
        raise InputError(f"sectors.{i}.name", f"sector names must be unique{alike}")
    for r, rec in enumerate(scn.records):
        for s in rec.sectors or []:
            if s not in names:
                raise InputError(
                    f"records.{r}.sectors", f"record {rec.label!r}: unknown sector {s!r}"
                )
    have = {(sec.name, side): c for sec in scn.sectors for side, c in sec.mobile.items()}
    for name, side in sorted(
        have.keys() - {(n, s) for n in names for s in scn.operations.capture.mobile_reference}
    ):
        raise InputError(
            f"sectors.{names.index(name)}.mobile.{side}",
            f"sector {name!r}: mobile.{side} needs a mobile_reference",
        )
    lo, hi = MOBILE_REFERENCE_RANGE  # (the schema refuses 0 and below)
    for side, ref in scn.operations.capture.mobile_reference.items():
        if not lo <= ref <= hi:
            raise InputError(
                f"operations.capture.mobile_reference.{side}",
                f"must be {lo:g} to {hi:g} mobile divisions (the force the capacity to "
                f"encircle is measured against), got {ref:g}",
            )
    for i, sec in enumerate(scn.sectors):
        seen_days: set[tuple[str, float]] = set()
        for j, mc in enumerate(sec.mobile_changes):
            where = f"sectors.{i}.mobile_changes.{j}"
            named = [sd for sd in ("USSR", "Germany") if getattr(mc, sd) is not None]
            if mc.day > scn.duration_days:  # never reached (on the last day: harmless, kept)
                raise InputError(
                    f"{where}.day", f"sector {sec.name!r}: {_after_end(mc.day, scn.duration_days)}"
                )
            if not named:
                raise InputError(
                    where, f"sector {sec.name!r}: mobile_changes on day {mc.day:g} names no side"
                )
            for sd in named:
                if sd not in sec.mobile:
                    raise InputError(
                        where,
                        f"sector {sec.name!r}: mobile_changes on day {mc.day:g} changes "
                        f"{sd}, which mobile does not count",
                    )
                if (sd, mc.day) in seen_days:
                    raise InputError(
                        where,
                        f"sector {sec.name!r}: mobile_changes change {sd} twice on day {mc.day:g}",
                    )
                seen_days.add((sd, mc.day))
    for key, tr in scn.transfers.items():
        for s in (tr.from_sector, tr.to):
            if s not in names:
                raise InputError(f"transfers.{key}", f"transfer {key!r}: unknown sector {s!r}")
            if tr.mobile and (s, tr.side) not in have:
                raise InputError(
                    f"transfers.{key}.mobile",
                    f"transfer {key!r}: mobile needs {s!r} to count {tr.side}",
                )
        start = have.get((tr.from_sector, tr.side), tr.mobile)
        src = scn.sectors[names.index(tr.from_sector)]  # its least count, dated ones too
        acting = [mc for mc in src.mobile_changes if mc.day < scn.duration_days]  # last day: never
        least = min([start] + [c for mc in acting if (c := getattr(mc, tr.side)) is not None])
        if tr.mobile > least:
            later = ", after a dated change" if least < start else ""
            raise InputError(
                f"transfers.{key}.mobile",
                f"transfer {key!r}: more mobile than {tr.from_sector!r} counts "
                f"({tr.mobile:g} > {least:g}{later})",
            )
    days: dict[str, list[float]] = {"USSR": [], "Germany": []}
    for j, ch in enumerate(scn.modifiers.posture.changes):
        named = [sd for sd in days if getattr(ch, sd) is not None]
        if not named:
            raise InputError(
                f"modifiers.posture.changes.{j}", f"the change on day {ch.day:g} names no side"
            )
        if ch.day > scn.duration_days:  # as mobile_changes: on the last day harmless, kept
            raise InputError(
                f"modifiers.posture.changes.{j}.day", _after_end(ch.day, scn.duration_days)
            )
        for sd in named:
            days[sd].append(ch.day)
    for sd, ds in days.items():
        ds.sort()
        for d0, d1 in itertools.pairwise(ds):
            if d1 - d0 < 1.0:  # each change takes one day: two would blend
                raise InputError(
                    "modifiers.posture.changes",
                    f"{sd} changes on days {d0:g} and {d1:g}, less than a day apart",
                )
    for i, sec in enumerate(scn.sectors):  # a window the run never reaches: refused
        for who, arrivals in sec.arrivals.items():
            for j, a in enumerate(arrivals):
                if a.start_day >= scn.duration_days:
                    raise InputError(
                        f"sectors.{i}.arrivals.{who}.{j}.start_day",
                        f"sector {sec.name!r}: arrivals.{who}.{j} starts on day "
                        f"{a.start_day:g}, not before the run ends (duration_days "
                        f"{scn.duration_days:g})",
                    )
    seen = set()
    for key, pr in scn.presence.items():
        if pr.start_day >= scn.duration_days:
            raise InputError(
                f"presence.{key}.start_day",
                f"presence {key!r}: starts on day {pr.start_day:g}, not before the run ends "
                f"(duration_days {scn.duration_days:g})",
            )
        if key not in PRESENCE_KEYS:
            raise InputError(
                f"presence.{key}", f"presence {key!r}: use one of {', '.join(PRESENCE_KEYS)}"
            )
        if pr.sector not in names:
            raise InputError(
                f"presence.{key}.sector", f"presence {key!r}: unknown sector {pr.sector!r}"
            )
        if (pr.side, pr.sector) in seen:
            raise InputError(
                f"presence.{key}", f"presence {key!r}: {pr.side} in {pr.sector!r} twice"
            )
        seen.add((pr.side, pr.sector))


def _after_end(day: float, end: float) -> str:
    """Why a dated change on ``day`` is refused in a run of ``end`` days: it cannot act."""
    return (
        f"day {day:g} is after the run ends (duration_days {end:g}), so the change cannot "
        "act: drop it or lengthen the run"
    )
