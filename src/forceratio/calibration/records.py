"""Observed values the model is calibrated on: a value, a kind, a group, a lower-bound flag.

A record that is a *lower bound* (a component of the figure was not found, so the truth
is at least the value) enters the likelihood one-sidedly: the model may exceed it freely
and is penalised only when it falls below.  The *group* is the unit left out in
leave-one-group-out validation (for the 1941 record, the operation a figure belongs to).
A record with ``low`` and ``high`` is *interval-censored*: the truth lies between them and
the likelihood takes the probability of that interval.  A record with
``in_likelihood=False`` is reported beside the others (residuals, predictive, leave-one-out
predictions) but contributes nothing to the fit; its ``reason`` says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forceratio.arguments import instance, real, shown
from forceratio.errors import InputError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Record:
    """One observed value (> 0), e.g. German losses in the Baltic operation, in men."""

    name: str
    value: float
    kind: str = "value"
    group: str = ""
    lower_bound: bool = False
    source: str = ""
    upper_bound: bool = False
    in_likelihood: bool = True
    reason: str = ""
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InputError("record.name", f"must be a non-empty text, got {shown(self.name)}")
        for name in ("kind", "group", "source", "reason"):
            if not isinstance(getattr(self, name), str):
                got = shown(getattr(self, name))
                raise InputError(f"record {self.name}.{name}", f"must be a text, got {got}")
        for name in ("lower_bound", "upper_bound", "in_likelihood"):
            if not isinstance(getattr(self, name), bool | np.bool_):
                got = shown(getattr(self, name))
                raise InputError(f"record {self.name}.{name}", f"must be True or False, got {got}")
        if self.lower_bound and self.upper_bound:
            raise InputError(f"record {self.name}", "cannot be both a lower and an upper bound")
        real(f"record {self.name}.value", self.value)
        if not (math.isfinite(self.value) and self.value > 0):
            raise InputError(
                f"record {self.name}.value", f"must be finite and > 0, got {self.value}"
            )
        if not self.in_likelihood and not self.reason:
            raise InputError(
                f"record {self.name}.reason", "a record out of the likelihood needs one"
            )
        if (self.low is None) != (self.high is None):
            raise InputError(f"record {self.name}", "an interval needs both low and high")
        if self.low is not None and self.high is not None:
            lo, hi = (
                real(f"record {self.name}.low", self.low),
                real(f"record {self.name}.high", self.high),
            )
            if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo < hi):
                raise InputError(
                    f"record {self.name}.low", f"needs 0 < low < high, finite, got {lo}, {hi}"
                )
            if self.lower_bound or self.upper_bound:
                raise InputError(f"record {self.name}", "an interval cannot also be a bound")

    @property
    def interval(self) -> bool:
        """An interval-censored record (``low`` and ``high`` given)."""
        return self.low is not None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "value": self.value,
            "kind": self.kind,
            "group": self.group,
            "lower_bound": self.lower_bound,
            "source": self.source,
        }
        # only when set, so that the description (a cache key) of a problem without upper
        # bounds, intervals or records out of the likelihood is what it was before them
        if self.upper_bound:
            out["upper_bound"] = True
        if self.low is not None:
            out |= {"low": self.low, "high": self.high}
        if not self.in_likelihood:
            out |= {"in_likelihood": False, "reason": self.reason}
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Record:
        try:
            name, value = str(d["name"]), float(d["value"])
        except (KeyError, TypeError, ValueError):
            raise InputError(
                "record", f"expected a name and a numeric value, got {shown(d)}"
            ) from None
        return cls(
            name,
            value,
            str(d.get("kind", "value")),
            str(d.get("group", "")),
            bool(d.get("lower_bound", False)),
            str(d.get("source", "")),
            bool(d.get("upper_bound", False)),
            bool(d.get("in_likelihood", True)),
            str(d.get("reason", "")),
            None if d.get("low") is None else float(d["low"]),
            None if d.get("high") is None else float(d["high"]),
        )


@dataclass(frozen=True, init=False)
class Records:
    """An ordered, name-unique collection of :class:`Record`; its order is the column
    order of the model's predictions."""

    items: tuple[Record, ...]

    def __init__(self, items: Iterable[Record]) -> None:
        if isinstance(items, str | Record) or not isinstance(items, Iterable):
            raise InputError("records", f"expected Record items, got {shown(items)}")
        its = tuple(items)
        for r in its:
            instance("records", r, Record, "Record items")
        if not its:
            raise InputError("records", "at least one record is needed")
        names = [r.name for r in its]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise InputError("records", f"duplicate names {dup}")
        object.__setattr__(self, "items", its)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @cached_property
    def names(self) -> list[str]:
        return [r.name for r in self.items]

    @cached_property
    def values(self) -> FloatArray:
        return np.array([r.value for r in self.items], dtype=float)

    @cached_property
    def lower_bound(self) -> NDArray[np.bool_]:
        return np.array([r.lower_bound for r in self.items], dtype=bool)

    @cached_property
    def upper_bound(self) -> NDArray[np.bool_]:
        return np.array([r.upper_bound for r in self.items], dtype=bool)

    @cached_property
    def in_likelihood(self) -> NDArray[np.bool_]:
        """The records the likelihood sums (the rest are reported only)."""
        return np.array([r.in_likelihood for r in self.items], dtype=bool)

    @cached_property
    def low(self) -> FloatArray:
        """Each record's interval low (NaN: not an interval)."""
        return np.array([np.nan if r.low is None else r.low for r in self.items], dtype=float)

    @cached_property
    def high(self) -> FloatArray:
        """Each record's interval high (NaN: not an interval)."""
        return np.array([np.nan if r.high is None else r.high for r in self.items], dtype=float)

    @cached_property
    def kinds(self) -> list[str]:
        return [r.kind for r in self.items]

    @property
    def groups(self) -> list[str]:
        """Distinct groups in first-seen order."""
        return list(dict.fromkeys(r.group for r in self.items))

    def in_group(self, group: str) -> NDArray[np.bool_]:
        return np.array([r.group == group for r in self.items], dtype=bool)

    def subset(self, mask: NDArray[np.bool_]) -> Records:
        return Records(r for r, keep in zip(self.items, mask, strict=True) if keep)

    def to_dicts(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.items]
