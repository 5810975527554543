"""``forceratio discover``: the conditions under which an outcome holds (PRIM boxes)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from forceratio.cli.data import TableOpt
from forceratio.cli.output import Format, print_frame, print_json
from forceratio.cli.scenarios import SetOpt, UncalOpt, seed_for
from forceratio.cli.sweep_setup import sweep_setup
from forceratio.cli.sweeps import NoProgressOpt, VaryOpt, _progress_bar

CHUNK = 8192
#: The columns of ``discover --format csv``: one row per condition of a box.
CSV_COLUMNS = [
    "box",
    "parameter",
    "from",
    "to",
    "swept_from",
    "swept_to",
    "swept_range",
    "density",
    "coverage",
    "mass",
]


def _sweep(
    scenario: str,
    vary: list[str] | None,
    samples: int,
    seed: int,
    sets: list[str] | None,
    table: list[str] | None,
    uncalibrated: bool,
    progress: bool,
) -> tuple[Any, dict[str, tuple[float, float]]]:
    """A Latin-hypercube sweep in memory: its table and the varied parameters' ranges."""
    import pandas as pd

    from forceratio.sweeps.design import Design
    from forceratio.sweeps.evaluate import SweepSpec, evaluate_chunk

    setup = sweep_setup(scenario, vary, sets, table, uncalibrated)
    specs = [v for v in setup.specs if v.high > v.low]
    design = Design.make("lhs", specs, samples, seed)
    spec = SweepSpec(
        scenario, design, tuple(sets or ()), tuple(sorted(setup.tables.items())), setup.calibration
    )
    bar = _progress_bar() if progress else None
    parts = []
    if bar is not None:
        bar.start()
        task = bar.add_task(f"discover {setup.prep.scenario.name}", total=samples)
    try:
        for start in range(0, samples, CHUNK):
            parts.append(evaluate_chunk(spec, start, min(samples, start + CHUNK)))
            if bar is not None:
                bar.update(task, completed=min(samples, start + CHUNK))
    finally:
        if bar is not None:
            bar.stop()
    return pd.concat(parts, ignore_index=True), {v.path: (v.low, v.high) for v in specs}


def _read(
    source: Path, scenario: str, fresh: Mapping[str, object]
) -> tuple[Any, list[str], dict[str, tuple[float, float]]]:
    """A finished sweep's table, varied parameters and the ranges its design swept (a
    posterior draw's parameter has none); refused: ``fresh`` options given (they only shape
    a new sweep), and what :func:`~forceratio.sweeps.store.read_sweep` refuses."""
    from forceratio.errors import InputError
    from forceratio.sweeps.store import read_sweep, swept_ranges

    for name, value in fresh.items():
        if value:
            raise InputError(name, "makes a fresh sweep; --from reads a finished one as it is")
    df = read_sweep(source, scenario)
    return df, [c for c in df.columns if "." in c], swept_ranges(source)


def discover_command(
    scenario: Annotated[str, typer.Argument(help="A built-in name or a scenario TOML file.")],
    vary: VaryOpt = None,
    samples: Annotated[
        int | None,
        typer.Option("--samples", min=16, max=500_000, help="Samples of the sweep (2048)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed of the sweep (default 0).")
    ] = None,
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            help="winner (the attacker wins), defender, or COLUMN<VALUE / COLUMN>VALUE.",
        ),
    ] = "winner",
    source: Annotated[
        Path | None, typer.Option("--from", help="Read a sweep directory instead of running.")
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Density a box must reach (0-1).")
    ] = 0.8,
    alpha: Annotated[float, typer.Option("--alpha", help="Share peeled per step.")] = 0.05,
    min_mass: Annotated[
        float, typer.Option("--min-mass", help="Smallest share of samples in a box.")
    ] = 0.05,
    max_boxes: Annotated[int, typer.Option("--max-boxes", min=1, max=20)] = 3,
    trajectory: Annotated[
        bool, typer.Option("--trajectory", help="Also show each box's peeling trajectory.")
    ] = False,
    no_progress: NoProgressOpt = False,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    sets: SetOpt = None,
    table: TableOpt = None,
    uncalibrated: UncalOpt = False,
) -> None:
    """Where in parameter space an outcome holds: PRIM boxes (Friedman & Fisher 1999),
    each with its conditions, coverage, density and mass."""
    from forceratio.errors import InputError
    from forceratio.sweeps.discover import discover

    if trajectory and fmt is Format.csv:
        raise InputError("--trajectory", "a CSV holds one table (the boxes); use --format json")
    used = None  # the seed of the fresh sweep (--from: that sweep's, in its manifest)
    if source is None:
        n = 2048 if samples is None else samples
        used = seed_for(seed, True)
        df, ranges = _sweep(scenario, vary, n, used, sets, table, uncalibrated, not no_progress)
        params = list(ranges)
    else:
        fresh = {"--vary": vary, "--samples": samples is not None, "--seed": seed is not None}
        fresh |= {"--set": sets, "--table": table, "--uncalibrated": uncalibrated}
        df, params, ranges = _read(source, scenario, fresh)
    boxes, words, n, unknown = discover(
        df, params, outcome, threshold=threshold, alpha=alpha, min_mass=min_mass,
        max_boxes=max_boxes,
    )  # fmt: skip
    seeded = {} if used is None else {"seed": used}
    left = {"left_out": unknown} if unknown else {}  # samples whose outcome is not a number
    if fmt is Format.json:
        reached = {"threshold": threshold}  # (and whether the box's density reaches it)
        print_json(
            [{**b.to_json(trajectory), **reached, "reaches_threshold": b.density >= threshold,
              **seeded, **left} for b in boxes]
        )  # fmt: skip
        return
    if unknown:  # a CSV holds the boxes' table alone: the note goes to stderr
        print(
            f"note: {unknown:,} samples left out, the outcome not a number in any of their "
            f"runs; the boxes are over the other {n:,}",
            file=sys.stderr if fmt is Format.csv else sys.stdout,
        )
    if used is not None and fmt is not Format.csv:  # (a CSV holds the boxes' table alone)
        print(f"{n:,} samples of a Latin hypercube, seed {used}")
    print_boxes(boxes, words, n, fmt, trajectory, ranges, threshold)


def _swept(box: Any, path: str, ranges: Mapping[str, tuple[float, float]]) -> tuple[Any, ...]:
    """The range ``path`` was swept over: the design's (declared or --vary), else (a
    posterior draw) the samples' least and greatest, with which of the two it is."""
    if path in ranges:
        return (*ranges[path], "declared")
    return (*box.bounds[box.names.index(path)], "sampled")


def _swept_text(low: float, high: float, kind: str) -> str:
    return f"{low:.3g} to {high:.3g}" + ("" if kind == "declared" else f" ({kind})")


def box_rows(boxes: list[Any], ranges: Mapping[str, tuple[float, float]] | None = None) -> Any:
    """Every box as CSV rows: one per condition, or one with no parameter for a box that
    no condition narrows (the whole swept space), each with the box's figures;
    ``swept_from``/``swept_to`` the design's range (``swept_range`` "declared") or, for a
    parameter the design did not range over (a posterior draw), the samples' ("sampled")."""
    import pandas as pd

    rows = []
    for i, box in enumerate(boxes, 1):
        figures = {"density": box.density, "coverage": box.coverage, "mass": box.mass}
        for c in box.conditions() or [{"parameter": None, "low": None, "high": None}]:
            swept = _swept(box, c["parameter"], ranges or {}) if c["parameter"] else (None,) * 3
            rows.append({"box": i, "parameter": c["parameter"], "from": c["low"],
                         "to": c["high"], "swept_from": swept[0], "swept_to": swept[1],
                         "swept_range": swept[2], **figures})  # fmt: skip
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


def print_boxes(
    boxes: list[Any],
    words: str,
    n: int,
    fmt: Format,
    trajectory: bool,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    threshold: float | None = None,
) -> None:
    """The boxes as a table and words each, or as one CSV table (:func:`box_rows`);
    ``ranges``: the design's range of each parameter (the "swept" column; a parameter
    without one shows the samples' range, marked "sampled"); a box below the density
    ``threshold`` (the first, when none reached it) is said to be one."""
    import pandas as pd

    from forceratio.plots.labels import in_sentence, parameter_label

    if fmt is Format.csv:
        print_frame(box_rows(boxes, ranges), fmt)
        return
    for i, box in enumerate(boxes, 1):
        if threshold is not None and box.density < threshold:
            print(
                f"No box reaches the density threshold {threshold:.0%}: box {i} is the densest "
                f"found ({box.density:.0%}); a lower --threshold, or more samples, may find one."
            )
        cond = box.conditions()
        head = (
            f"Box {i}: {words} in {box.density:.0%} of its samples (density); it holds "
            f"{box.coverage:.0%} of all the samples where {words} (coverage) and "
            f"{box.mass:.0%} of the {n:,} samples (mass)"
        )
        rows = [
            {
                "parameter": f"{parameter_label(c['parameter'])} ({c['parameter']})",
                "from": c["low"],
                "to": c["high"],
                "swept": _swept_text(*_swept(box, c["parameter"], ranges or {})),
            }
            for c in cond
        ]
        if not rows:
            print(head + ": no condition narrows it (the whole swept space).")
            continue
        print_frame(pd.DataFrame(rows), fmt, title=head, digits=3)
        if fmt is Format.table:
            print(
                f"In words: {words} when "
                + " and ".join(
                    f"{in_sentence(str(parameter_label(c['parameter'])))} is "
                    f"{c['low']:.3g} to {c['high']:.3g}"
                    for c in cond
                )
                + f" ({box.density:.0%} of such samples)."
            )
        if trajectory:
            steps = pd.DataFrame([vars(s) for s in box.trajectory])
            steps.insert(0, "step", range(len(steps)))
            print_frame(steps, fmt, title=f"Box {i}: peeling trajectory (chosen step "
                        f"{box.chosen})", digits=3)  # fmt: skip
