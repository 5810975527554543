"""Helmbold battles with a known end: the exact solution and seeded cases, shared by the
zero-end-time tests.

Helmbold (1965): u = R**W, v = B**W obey the square law with rates W a, W b, so blue is at 0
at asinh(sqrt(b / C) B0**W) / (W sqrt(ab)), C = a R0**(2W) - b B0**(2W) > 0 (red wins), and
symmetrically for red."""

from __future__ import annotations

import numpy as np


def helmbold_end(r0: np.ndarray, b0: np.ndarray, a: np.ndarray, b: np.ndarray, w: float) -> tuple[
    np.ndarray, np.ndarray
]:  # fmt: skip
    """Per battle: whether red wins, and the time the loser reaches 0."""
    c = a * r0 ** (2 * w) - b * b0 ** (2 * w)
    red = c > 0
    x0, k_l = np.where(red, b0, r0), np.where(red, b, a)
    return red, np.arcsinh(np.sqrt(k_l / np.abs(c)) * x0**w) / (w * np.sqrt(a * b))


def battles(w: float, n: int, seed: int) -> tuple[np.ndarray, ...]:
    """``n`` seeded Helmbold battles (red 10 to 1e7 men, blue 1% to 2x red, rates 1e-4 to
    1e-1 a day), less those too near a draw for :func:`helmbold_end`'s rounding: red, blue,
    red's rate, blue's rate, each shape (kept,)."""
    rng = np.random.default_rng(seed)
    r0 = np.round(10 ** rng.uniform(1, 7, n))
    b0 = np.maximum(np.round(r0 * 10 ** rng.uniform(-2, 0.3, n)), 1.0)
    a, b = 10 ** rng.uniform(-4, -1, n), 10 ** rng.uniform(-4, -1, n)
    c = a * r0 ** (2 * w) - b * b0 ** (2 * w)
    keep = np.abs(c) > 1e-3 * (a * r0 ** (2 * w) + b * b0 ** (2 * w))  # the oracle's rounding
    return r0[keep], b0[keep], a[keep], b[keep]
