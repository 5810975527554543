"""Synthetic operations from a known model: Lanchester's square law in closed form.

An attacker of A0 men meets a defender of D0 for T days.  The defender loses men at
``s a A`` per day (s: the surprise multiplier, 1 when an operation has no surprise), the
attacker at ``d D``.  With alpha = s a and omega = sqrt(alpha d) (Lanchester 1916):

    A(t) = A0 cosh(omega t) - sqrt(d / alpha) D0 sinh(omega t)
    D(t) = D0 cosh(omega t) - sqrt(alpha / d) A0 sinh(omega t)

The records of each operation are both sides' losses A0 - A(T) and D0 - D(T) (capped at
the initial strength); the "historical" values are these times log-normal noise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from forceratio.calibration import (
    CalibratedParameter,
    LogNormal,
    Parameters,
    Problem,
    Record,
    Records,
)
from forceratio.calibration.likelihood import LogNormalLikelihood
from forceratio.calibration.priors import HalfNormal, Normal, Prior
from forceratio.calibration.problem import Model

FloatArray = NDArray[np.float64]

# name, attacker men, defender men, days, surprise?
OPERATIONS = (
    ("north", 600e3, 400e3, 6.0, True),
    ("centre", 900e3, 650e3, 8.0, True),
    ("south", 800e3, 900e3, 7.0, True),
    ("flank", 300e3, 250e3, 5.0, True),
    ("counter", 250e3, 300e3, 6.0, False),
    ("river", 400e3, 380e3, 8.0, False),
)
A0 = np.array([o[1] for o in OPERATIONS])
D0 = np.array([o[2] for o in OPERATIONS])
DAYS = np.array([o[3] for o in OPERATIONS])
SURPRISE = np.array([o[4] for o in OPERATIONS])
NAMES = ("attacker_rate", "defender_rate", "surprise")
TRUTH = np.array([0.02, 0.008, 2.0])


def parameters() -> Parameters:
    return Parameters(
        [
            CalibratedParameter("attacker_rate", LogNormal.from_range(0.005, 0.05)),
            CalibratedParameter("defender_rate", LogNormal.from_range(0.002, 0.03)),
            CalibratedParameter("surprise", LogNormal.from_range(1.0, 4.0)),
        ]
    )


def likelihood(sigma_scale: float = 0.3) -> LogNormalLikelihood:
    return LogNormalLikelihood(CalibratedParameter("sigma", HalfNormal(sigma_scale)))


def known_sigma(value: float, prior: Prior | None = None) -> LogNormalLikelihood:
    """The log-normal likelihood with its error scale known: fixed at ``value`` (not
    sampled; ``prior``, by default Normal(value, 1), only holds it)."""
    held = Normal(value, 1.0) if prior is None else prior
    return LogNormalLikelihood(CalibratedParameter("sigma", held, value=value, vary=False))


def one_record(params: Parameters, model: Model, sigma: float) -> Problem:
    """One record, 1.0, that ``model`` predicts from ``params``, with log error ``sigma``
    known (:func:`known_sigma`)."""
    return Problem(params, Records([Record("r", 1.0)]), model, known_sigma(sigma))


def losses(batch: FloatArray) -> FloatArray:
    """Square-law losses, (n, 3) parameters -> (n, 2 * n_operations): for each operation
    the attacker's then the defender's losses, in men."""
    b = np.atleast_2d(batch)
    a, d, s = b[:, :1], b[:, 1:2], b[:, 2:3]
    alpha = a * np.where(SURPRISE, s, 1.0)
    w = np.sqrt(alpha * d) * DAYS
    ch, sh = np.cosh(w), np.sinh(w)
    att = A0 - (A0 * ch - np.sqrt(d / alpha) * D0 * sh)
    dfn = D0 - (D0 * ch - np.sqrt(alpha / d) * A0 * sh)
    att = np.clip(att, 0.0, A0)
    dfn = np.clip(dfn, 0.0, D0)
    out = np.empty((b.shape[0], 2 * len(OPERATIONS)))
    out[:, 0::2], out[:, 1::2] = att, dfn
    return out


def record_names() -> list[tuple[str, str, str]]:
    return [
        (f"{op[0]}.{kind}", kind, op[0])
        for op in OPERATIONS
        for kind in ("attacker_losses", "defender_losses")
    ]


def observe(truth: FloatArray, sigma: float, rng: np.random.Generator) -> FloatArray:
    clean = losses(truth[None, :])[0]
    return np.asarray(clean * np.exp(sigma * rng.standard_normal(clean.size)))


def problem(
    values: FloatArray, lower: frozenset[str] = frozenset(), sigma_scale: float = 0.3
) -> Problem:
    recs = Records(
        Record(name, float(v), kind, group, lower_bound=name in lower)
        for (name, kind, group), v in zip(record_names(), values, strict=True)
    )
    return Problem(parameters(), recs, losses, likelihood(sigma_scale))
