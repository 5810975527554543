"""``forceratio battle``: one battle from command-line options."""

from __future__ import annotations

import enum
import math
from typing import Annotated

import typer

from forceratio.cli.output import Format, print_frame, print_json


class LawName(enum.StrEnum):
    square = "square"
    linear = "linear"
    logarithmic = "logarithmic"
    ancient = "ancient"
    mixed = "mixed"
    helmbold = "helmbold"
    power = "power"


def _parse_times(text: str | None) -> list[float] | None:
    from forceratio.errors import InputError

    if text is None or not text.strip():
        return None
    items = text.split(",")
    empty = next((i for i, x in enumerate(items, 1) if not x.strip()), None)
    if empty is not None:  # 1,,2 or 1,2, was read as 1,2: a day left out, or a typo
        raise InputError("--times", f"item {empty} of {text!r} is empty; give a day in each")
    try:
        return [float(x) for x in items]
    except ValueError:
        raise InputError(
            "--times", f"expected comma-separated days like 0.5,1,2, got {text!r}"
        ) from None


def _check_size(
    red: float,
    blue: float,
    red_rate: float,
    blue_rate: float,
    seed: int | None,
    replications: int | None,
    snap: list[float] | None,
    annihilation: float,
) -> None:
    """Magnitudes the engine resolves, the counts (replications with a seed, a seed only
    with them) and memory for the replications, before any work: battle()'s own checks."""
    from forceratio.arguments import battle_counts
    from forceratio.errors import InputError
    from forceratio.simulator.magnitudes import check_battle_inputs, check_whole_units

    check_battle_inputs(red, blue, red_rate, blue_rate, seed)
    for name, x in (("--red", red), ("--blue", blue)):
        if x == 0:  # (the engine takes 0 in a batch; one battle of it is no battle)
            raise InputError(name, "a side with no strength has no battle; give a strength > 0")
        if replications is not None:  # the stochastic chain counts whole units
            check_whole_units(name, x)
    if not (math.isfinite(annihilation) and annihilation >= 0):
        raise InputError("--annihilation", f"must be a finite strength >= 0, got {annihilation}")
    out = [
        f"{name} at {x:g}" for name, x in (("red", red), ("blue", blue)) if 0 < x <= annihilation
    ]
    if out:  # annihilated before any fire: winner none, duration 0
        raise InputError(
            "--annihilation",
            f"{' and '.join(out)} start{'s' if len(out) == 1 else ''} at or below the level "
            f"{annihilation:g}, out before the battle starts; give it in the strengths' unit "
            "(below the smaller side; 0 fights to zero)",
        )
    battle_counts(1, len(snap or ()), replications, seed, None)


def battle(
    law: Annotated[LawName, typer.Option(help="Attrition law.")] = LawName.square,
    red: Annotated[float, typer.Option(help="Red's initial strength (units).")] = 1000.0,
    blue: Annotated[float, typer.Option(help="Blue's initial strength (units).")] = 800.0,
    red_rate: Annotated[
        float,
        typer.Option(
            help="Red's kill rate against blue, in the law's unit (square: per unit per day)."
        ),
    ] = 0.01,
    blue_rate: Annotated[
        float,
        typer.Option(
            help="Blue's kill rate against red, in the law's unit (square: per unit per day)."
        ),
    ] = 0.012,
    p: Annotated[
        float | None, typer.Option("--p", help="Power law: exponent on the firing side.")
    ] = None,
    q: Annotated[
        float | None, typer.Option("--q", help="Power law: exponent on the target side.")
    ] = None,
    w: Annotated[float | None, typer.Option("--w", help="Helmbold exponent W in [0, 1].")] = None,
    red_breakpoint: Annotated[
        float, typer.Option(help="Fraction of initial strength at which red quits, [0, 1).")
    ] = 0.0,
    blue_breakpoint: Annotated[
        float, typer.Option(help="Fraction of initial strength at which blue quits, [0, 1).")
    ] = 0.0,
    annihilation: Annotated[
        float,
        typer.Option(
            help="Strength at or below which a side is annihilated, in the strengths' unit: "
            "the default 0.5 is half a man when counting men; in thousands of men give "
            "0.0005; 0 fights to zero. A note says when a side starts below 100 times it "
            "(not for whole counts at the default 0.5: half a unit is a count's own end).",
        ),
    ] = 0.5,
    t_max: Annotated[float, typer.Option(help="Longest battle, days.")] = 365.0,
    times: Annotated[
        str | None, typer.Option(help="Trajectory snapshots, e.g. 0.5,1,2 (days).")
    ] = None,
    replications: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Stochastic replications, seeded by --seed (without: deterministic). No upper "
            "bound but memory (FORCERATIO_MAX_MEMORY): a lone battle's replication costs 600 B, "
            "where the scenario commands' runs are whole campaigns and stop at 100,000. The "
            "stochastic model counts whole units: --red and --blue must be counts (1400, not "
            "1.4 thousand; from 500 up any fraction is rounded).",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Seed of the stochastic engine (default 0).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Run one battle under a Lanchester-type law (deterministic, plus stochastic
    replications when asked).

    Example: the square law, red 1000 at 0.01 against blue 800 at 0.012: red wins with
    481.66 left at t = 124.03 days (blue is out at half a man, --annihilation 0.5).
    The same battle in thousands of men (--red 1 --blue 0.8) needs --annihilation 0.0005
    to give the same answer in that unit.
    """
    import pandas as pd

    from forceratio.cli.scenarios import seed_for
    from forceratio.report import battle_record, outcome_stats
    from forceratio.simulator.battle import battle as run_battle
    from forceratio.simulator.magnitudes import annihilation_note

    snap = _parse_times(times)
    seed = seed_for(seed, replications is not None, "--replications")
    _check_size(red, blue, red_rate, blue_rate, seed, replications, snap, annihilation)
    kwargs = dict(
        t_max=t_max,
        times=snap,
        p=p,
        q=q,
        w=w,
        red_breakpoint=red_breakpoint,
        blue_breakpoint=blue_breakpoint,
        annihilation=annihilation,
    )
    note = annihilation_note(
        {"red": red, "blue": blue},
        annihilation,
        {"red": red_breakpoint, "blue": blue_breakpoint},
        "--annihilation",
    )
    det = run_battle(law.value, red, blue, red_rate, blue_rate, **kwargs)  # type: ignore[arg-type]
    record = battle_record(det)
    record["parameters"] = {
        "red": red,
        "blue": blue,
        "red_rate": red_rate,
        "blue_rate": blue_rate,
        "red_breakpoint": red_breakpoint,
        "blue_breakpoint": blue_breakpoint,
        "annihilation": annihilation,
        "t_max": t_max,
        **{k: v for k, v in (("p", p), ("q", q), ("w", w)) if v is not None},
    }
    stoch = None
    if replications is not None:
        sres = run_battle(
            law.value,
            red,
            blue,
            red_rate,
            blue_rate,
            replications=replications,
            seed=seed,
            **kwargs,  # type: ignore[arg-type]
        )
        stoch = outcome_stats(sres)
        stoch["seed"] = seed
        stoch["method"] = sres.method
        record["stochastic"] = stoch
        record["p_red_wins"] = stoch["p_red_wins"]
    if fmt is Format.json:
        print_json({**record, "notes": [note] if note else []})
        return
    if note:  # on stderr: a csv stays parseable
        typer.echo(f"note: {note}.", err=True)
    summary = pd.DataFrame(
        [
            {
                "law": record["law"],
                "winner": record["winner"] or "none",
                "red_final": record["red_final"],
                "blue_final": record["blue_final"],
                "red_losses": record["red_losses"],
                "blue_losses": record["blue_losses"],
                "duration_days": record["duration"],
                "end_reason": record["end_reason"],
            }
        ]
    )
    print_frame(summary, fmt, title="Deterministic outcome")
    if record["trajectory"]:
        print_frame(pd.DataFrame(record["trajectory"]), fmt, title="Trajectory")
    if stoch is not None:
        rows = [
            {"outcome": key, **{k: v for k, v in stoch[key].items()}}
            for key in ("red_final", "blue_final", "red_losses", "blue_losses", "duration_decided")
        ]
        title = (
            f"Stochastic ({stoch['method']}, {replications} replications, seed {seed}): "
            f"P(red wins) = {stoch['p_red_wins']:.3f}, P(blue wins) = {stoch['p_blue_wins']:.3f}"
            + (f", P(undecided) = {stoch['p_undecided']:.3f}" if stoch["p_undecided"] else "")
        )
        print_frame(pd.DataFrame(rows), fmt, title=title)
