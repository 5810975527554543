"""Results to tables: summaries of stochastic runs and JSON-ready records (no printing)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from forceratio.arguments import instance, whole
from forceratio.errors import InputError
from forceratio.simulator.result import BLUE, RED, BattleResult

QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)


def _check_result(result: object) -> None:
    instance("result", result, BattleResult, "a BattleResult (what forceratio.battle returns)")


def _stats(x: np.ndarray) -> dict[str, float | None]:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {"mean": None, "std": None, **{f"q{int(q * 100):02d}": None for q in QUANTILES}}
    qs = np.quantile(x, QUANTILES)
    return {
        "mean": float(x.mean()),
        "std": float(x.std(ddof=1)) if x.size > 1 else 0.0,
        **{f"q{int(q * 100):02d}": float(v) for q, v in zip(QUANTILES, qs, strict=True)},
    }


def outcome_stats(result: BattleResult, scenario: int = 0) -> dict[str, Any]:
    """Mean, standard deviation and quantiles of the outcomes of one scenario's runs,
    and the probability that each side wins (a JSON-ready dict).  ``duration_decided`` is
    over the runs decided by t_max only (an undecided run has no duration; ``p_undecided``
    says how many): with many undecided, its q95 stays below t_max."""
    _check_result(result)
    sel = result.scenario == whole("scenario", scenario)
    n = int(sel.sum())
    if n == 0:
        last = int(result.scenario.max()) if result.n else -1
        raise InputError("scenario", f"no runs of scenario {scenario}; the result has 0..{last}")
    decided = np.isfinite(result.duration[sel])
    return {
        "replications": n,
        "p_red_wins": float((result.winner_code[sel] == RED).mean()),
        "p_blue_wins": float((result.winner_code[sel] == BLUE).mean()),
        "p_undecided": float(1.0 - decided.mean()),
        "red_final": _stats(result.red_final[sel]),
        "blue_final": _stats(result.blue_final[sel]),
        "red_losses": _stats(result.red_losses[sel]),
        "blue_losses": _stats(result.blue_losses[sel]),
        "duration_decided": _stats(result.duration[sel]),
    }


def summarize(result: BattleResult) -> pd.DataFrame:
    """One row per scenario: win probabilities and outcome quantiles over replications
    (``red_final_*``, ``blue_final_*`` over every run; ``duration_decided_*`` over the runs
    decided by t_max only, ``p_undecided`` saying how many were not: before 4 December
    2026 named ``duration_*``)."""
    _check_result(result)
    rows = []
    for s in np.unique(result.scenario):
        st = outcome_stats(result, int(s))
        row: dict[str, Any] = {"scenario": int(s), "replications": st["replications"]}
        row.update({k: st[k] for k in ("p_red_wins", "p_blue_wins", "p_undecided")})
        for key in ("red_final", "blue_final", "duration_decided"):
            for stat, val in st[key].items():
                row[f"{key}_{stat}"] = val
        rows.append(row)
    return pd.DataFrame(rows)


def json_safe(obj: Any) -> Any:
    """``obj`` as strict JSON can hold it, at every depth: a non-finite float (NaN, +-inf:
    JSON has no such numbers) as None, a numpy scalar as the Python one, a numpy array, a
    tuple or a list as a list; mapping keys are kept.  The one such conversion: the
    command line's JSON (``print_json``) and the records built here go through it."""
    if isinstance(obj, Mapping):
        return {
            (k.item() if isinstance(k, np.generic) else k): json_safe(v) for k, v in obj.items()
        }
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return json_safe(obj.tolist())
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def battle_record(result: BattleResult, index: int = 0) -> dict[str, Any]:
    """The JSON object of one deterministic run: law, winner, finals, duration, end
    reason and trajectory."""
    _check_result(result)
    if whole("index", index) >= result.n:
        raise InputError(
            "index", f"the result has {result.n} runs (0..{result.n - 1}), got {index}"
        )
    traj = []
    if result.red_trajectory is not None and result.blue_trajectory is not None:
        rt = result.side_trajectory("red")[index]
        bt = result.side_trajectory("blue")[index]
        traj = [
            {"t": float(t), "red": float(r), "blue": float(b)}
            for t, r, b in zip(result.times, rt, bt, strict=True)
        ]
    return {
        "law": result.law,
        "method": result.method,
        "winner": result.winner[index],
        "red_final": float(result.red_final[index]),
        "blue_final": float(result.blue_final[index]),
        "red_losses": float(result.red_losses[index]),
        "blue_losses": float(result.blue_losses[index]),
        "duration": json_safe(float(result.duration[index])),
        "end_reason": str(result.end_reason[index]),
        "trajectory": traj,
    }
