"""Arguments given from Python, checked as the command line checks its options.

The command line's options arrive converted and bounded (typer); a notebook's arguments
arrive as anything.  These checks refuse a wrong type or range with one
:class:`~forceratio.errors.InputError` naming the Python argument (``replications``) and
the problem, before numpy, pathlib or the engine meet the value.  A field that is also an
option of the command being run is printed as the option (``--replications``, see
:func:`forceratio.cli.errors.one_line_errors`), so one check serves both.  Each check is
O(1), or one vectorised pass over an array.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.errors import InputError

FloatArray = NDArray[np.float64]
#: What every seeded function of the Python API takes: a whole number >= 0 or a
#: ``numpy.random.SeedSequence`` (not a Generator: a seed says which numbers, a generator
#: where in them one is, and a result could not be reproduced from it).
Seed = int | np.random.SeedSequence


def shown(value: object, width: int = 60) -> str:
    """``repr(value)`` on one line, cut to ``width`` characters (an array may be long)."""
    if isinstance(value, np.ndarray):  # as the numbers, not numpy's repr
        value = value.tolist()
    text = " ".join(repr(value).split())
    return text if len(text) <= width else text[: width - 3] + "..."


#: A decimal that TOML refuses and Python and the ``--vary`` ranges accept: ``.5``, ``5.``,
#: ``-.25`` (TOML wants a digit on both sides of the point).
_BARE_POINT = re.compile(r"[+-]?(\d+\.|\.\d+)([eE][+-]?\d+)?")


def bare_point(text: str) -> float | None:
    """``text`` as a number when it is a decimal with nothing on one side of its point
    (``.5``), else None."""
    return float(text) if _BARE_POINT.fullmatch(text.strip()) else None


#: A number's text as TOML or Python reads it (``1e-3``, ``2024-01-01``, ``0x10``, ``1_000``),
#: not inside a word or after a point.
_NUMBER_TOKEN = re.compile(r"(?<![\w.])[+-]?\d[\w.+-]*")
#: A TOML or Python string (its contents are text, never a number).
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")


def unmeant_number(text: str) -> str | None:
    """Why a number written in ``text`` is not what someone typing a value means, or None:
    TOML and Python read ``0x10`` as 16 (also ``0o17``, ``0b101``) and ``1_0`` as 10,
    where a user meant the text, a typo or nothing of the kind.  Decimals (``.5``,
    ``1e-3``, ``-2``) and dates pass; so does anything inside quotes."""
    for token in _NUMBER_TOKEN.findall(_QUOTED.sub('""', text)):
        if re.match(r"[+-]?0[xXoObB]", token):
            return f"{token!r} is a hexadecimal, octal or binary literal; write the decimal number"
        if "_" in token:
            return f"{token!r} has an underscore between digits; write the number without it"
    return None


def whole(field: str, value: object, minimum: int = 0) -> int:
    """A whole number ``>= minimum`` (a Python or numpy integer; not a bool, a float or
    text) as an ``int``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(field, f"must be a whole number >= {minimum}, got {shown(value)}")
    return int(value)


def real(field: str, value: object) -> float:
    """A finite real number (a Python or numpy number; not a bool, text or an array) as a
    float."""
    if isinstance(value, list | tuple) or (isinstance(value, np.ndarray) and value.ndim):
        raise InputError(field, f"expected a number, not an array, got {shown(value)}")
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(field, f"expected a number, got {shown(value)}")
    try:
        x = float(value)
    except OverflowError:  # an int beyond 1.8e308
        raise InputError(field, f"too large for a float, got {shown(value)}") from None
    if not math.isfinite(x):
        raise InputError(field, f"must be finite, got {x}")
    return x


def numbers(field: str, value: Any) -> FloatArray:
    """A number or an array of numbers as floats (no copy of a float array); text, None,
    booleans and ragged lists are refused.  NaN and infinities pass: ranges are the
    caller's."""
    try:
        a = np.asarray(value)
    except (TypeError, ValueError):  # ragged nesting
        raise InputError(field, f"expected numbers, got {shown(value)}") from None
    if a.dtype.kind == "O" and a.size and all(type(x) in (int, float) for x in a.flat):
        try:  # integers beyond int64 (numpy keeps them as objects)
            a = a.astype(float)
        except OverflowError:
            raise InputError(field, f"too large for a float, got {shown(value)}") from None
    if a.dtype.kind not in "iuf":
        raise InputError(field, f"expected numbers, got {shown(value)}")
    return a.astype(float, copy=False)


def nonnegative(field: str, a: FloatArray) -> None:
    """Every value of ``a`` finite and >= 0."""
    if not np.all(np.isfinite(a)):
        raise InputError(field, "must be finite (no NaN or infinity)")
    if np.any(a < 0):
        raise InputError(field, f"must be >= 0, got {float(a.min()):g}")


def shaped(field: str, value: ArrayLike, shape: tuple[int, ...]) -> FloatArray:
    """``value`` (numbers) broadcast to ``shape`` (C-contiguous), finite and >= 0."""
    a = numbers(field, value)
    try:
        out = np.ascontiguousarray(np.broadcast_to(a, shape))
    except ValueError:
        raise InputError(field, f"expected shape {shape}, got {a.shape}") from None
    nonnegative(field, out)
    return out


def days(field: str, value: ArrayLike) -> FloatArray:
    """Output times: a number or a 1-D sequence of days, finite, >= 0, strictly increasing."""
    a = np.atleast_1d(numbers(field, value))
    if a.ndim != 1:
        raise InputError(field, f"must be a number or a 1-D sequence of days, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise InputError(field, f"must be finite, >= 0 days, got {shown(value)}")
    if np.any(np.diff(a) <= 0):
        raise InputError(field, f"must be strictly increasing, got {shown(value)}")
    return a


def check_times(t_max: object, times: object) -> tuple[float, FloatArray]:
    """``t_max`` (days, finite and > 0) and the trajectory times (:func:`days`; None: no
    trajectory) as the engines take them."""
    if real("t_max", t_max) <= 0:
        raise InputError("t_max", f"must be finite and > 0, got {t_max}")
    return float(cast(float, t_max)), np.zeros(0) if times is None else days(
        "times", cast(ArrayLike, times)
    )


def stochastic_inputs(
    n: int, t_max: object, times: object, replications: object, seed: object, keys: object,
    epsilon: object, max_iterations: object, method: object,
) -> tuple[float, FloatArray]:  # fmt: skip
    """:func:`~forceratio.simulator.stochastic.simulate_stochastic`'s arguments, checked as
    :func:`~forceratio.simulator.battle.battle` checks its own (the compiled runs read no
    bounds: a ``t_max`` <= 0 or NaN crashed the interpreter); returns ``t_max`` and the
    times."""
    t, tt = check_times(t_max, times)
    battle_counts(n, tt.size, replications, seed, keys)  # + seed, keys, memory
    if not 0 < real("epsilon", epsilon) <= 0.2:
        raise InputError("epsilon", f"must be in (0, 0.2], got {epsilon}")
    whole("max_iterations", max_iterations, 1)
    choice("method", method, ("auto", "gillespie", "tau_leap"))
    return t, tt


def choice(field: str, value: object, options: Iterable[str]) -> str:
    """One of ``options`` (exact text)."""
    opts = tuple(options)
    if not isinstance(value, str) or value not in opts:
        raise InputError(field, f"must be one of {', '.join(opts)}, got {shown(value)}")
    return value


def instance(field: str, value: object, kind: type | tuple[type, ...], what: str) -> None:
    """``value`` is a ``kind``; ``what`` says what was expected (``a BattleResult``)."""
    if not isinstance(value, kind):
        raise InputError(field, f"expected {what}, got {type(value).__name__} {shown(value)}")


def battle_counts(
    n: int,
    n_times: int,
    replications: object,
    seed: object,
    keys: object,
    *,
    path: str | None = None,
    batch: str = "red",
) -> int | None:
    """:func:`~forceratio.simulator.battle.battle`'s counts, as ``forceratio battle``
    checks its options: ``replications`` a whole number >= 1 with an explicit ``seed`` (a
    whole number >= 0), neither ``seed`` nor ``keys`` without replications, and the memory
    of the ``n`` scenarios' runs (and their ``n_times`` trajectory points) within
    :mod:`forceratio.limits`; deterministic runs by the engine's ``path`` (``square``,
    ``closed_form``, ``integrator``: :data:`~forceratio.limits.BYTES_PER_DETERMINISTIC_RUN`),
    refused naming ``batch``, the argument that gives the ``n`` values.  Returns the
    replications (None: deterministic)."""
    from forceratio.limits import (
        BYTES_PER_BATTLE_RUN,
        BYTES_PER_DETERMINISTIC_RUN,
        check_memory,
        check_runs,
        trajectory_bytes,
    )

    if replications is None:
        if seed is not None:
            raise InputError("seed", "a seed applies only with replications")
        if keys is not None:
            raise InputError("keys", "keys apply only with replications")
        if n_times:  # the trajectories: two floats a scenario and time
            what = f"trajectories of {n:,} scenarios at {n_times:,} times"
            check_memory("times", trajectory_bytes(n, n_times), what)
        if path is not None:  # the battles' outputs and the engine's state for each
            what = f"{n:,} deterministic battles ({path.replace('_', ' ')})"
            check_runs(batch, n, what, BYTES_PER_DETERMINISTIC_RUN[path])
        return None
    reps = whole("replications", replications, 1)
    if reps > 10**18:  # far beyond any memory (and float() of it may overflow)
        raise InputError("replications", f"must be at most 10^18, got {shown(replications)}")
    if seed is None:
        raise InputError("seed", "stochastic runs need an explicit seed")
    whole("seed", seed, 0)
    if keys is not None:
        k = numbers("keys", keys)
        if not np.all((k == np.floor(k)) & (k >= 0) & (k < 2.0**63)):  # int64
            raise InputError("keys", f"must be whole numbers in [0, 2^63), got {shown(keys)}")
    what = f"{reps:,} replications" + (f" of each of {n:,} scenarios" if n > 1 else "")
    # a run's trajectory and its arrivals by each time (BattleResult.*_arrived_trajectory)
    check_runs("replications", n * reps, what, BYTES_PER_BATTLE_RUN + 32 * n_times)
    return reps


def per_scenario(names: Sequence[str], *values: Any) -> list[FloatArray]:
    """Inputs that are a scalar or one value a scenario (a 1-D array), as floats; arrays of
    more than one value must all have one length (the number of scenarios), and one of
    another length is refused naming both arguments."""
    out = [numbers(name, v) for name, v in zip(names, values, strict=True)]
    first: tuple[str, int] | None = None
    for name, a in zip(names, out, strict=True):
        if a.ndim > 1 or a.size == 0:
            what = "an empty array" if a.size == 0 else f"shape {a.shape}"
            raise InputError(name, f"must be a scalar or a 1-D array over scenarios, got {what}")
        if a.size > 1:  # (one value applies to every scenario)
            if first is None:
                first = (name, a.size)
            elif a.size != first[1]:
                raise InputError(
                    name,
                    f"{a.size} values, but {first[0]} has {first[1]}: give each input a "
                    "scalar or one value a scenario (arrays of one length)",
                )
    return out


def seed_sequence(seed: Seed, field: str = "seed") -> np.random.SeedSequence:
    """A fresh SeedSequence (a copy when one is given, so spawning never mutates the
    caller's and the same seed always gives the same numbers); ``default_rng`` of it draws
    what ``default_rng`` of the integer does."""
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
    return np.random.SeedSequence(whole(field, seed, 0))


def seed_text(seed: Seed) -> str:
    """A seed as a result's text names it (``5``; ``SeedSequence(5, spawn_key=(1,))``)."""
    if isinstance(seed, np.random.SeedSequence):
        key = f", spawn_key={seed.spawn_key}" if seed.spawn_key else ""
        return f"SeedSequence({seed.entropy}{key})"
    return str(seed)
