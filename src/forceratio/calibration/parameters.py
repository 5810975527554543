"""Parameters as data: a name, a prior, a start (or fixed) value and a ``vary`` flag.

The shape follows lmfit's ``Parameters`` (one object per parameter holding everything
about it) and SALib's problem-as-data: a :class:`Parameters` collection is ordered, and
that order is the column order of every batch the model receives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forceratio.arguments import instance, real, shown
from forceratio.calibration.priors import Prior, prior_from_dict
from forceratio.errors import InputError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class CalibratedParameter:
    """One model parameter.

    Parameters
    ----------
    name : the key the model and the reports use.
    prior : its prior (for a fixed parameter, only its median is used as a default value).
    value : the start value of a free parameter or the value of a fixed one; the prior's
        median when omitted.
    vary : False keeps it at ``value`` (it is neither fitted nor sampled).
    label, source : for reports: a human label and where the prior's range comes from.
    """

    name: str
    prior: Prior
    value: float | None = None
    vary: bool = True
    label: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InputError("parameter.name", f"expected a non-empty name, got {shown(self.name)}")
        instance(f"parameter {self.name}.prior", self.prior, Prior, "a Prior (LogNormal(...))")
        if self.value is not None:
            real(f"parameter {self.name}.value", self.value)
            low, high = self.prior.support
            if not low < self.value < high:
                raise InputError(
                    f"parameter {self.name}.value",
                    f"{self.value} is outside the prior's support ({low}, {high})",
                )

    @property
    def start(self) -> float:
        return self.prior.median if self.value is None else float(self.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "prior": self.prior.to_dict(),
            "value": self.value,
            "vary": self.vary,
            "label": self.label,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CalibratedParameter:
        return cls(
            str(d["name"]),
            prior_from_dict(dict(d["prior"])),
            None if d.get("value") is None else float(d["value"]),
            bool(d.get("vary", True)),
            str(d.get("label", "")),
            str(d.get("source", "")),
        )


@dataclass(frozen=True, init=False)
class Parameters:
    """An ordered, name-unique collection of :class:`CalibratedParameter`."""

    items: tuple[CalibratedParameter, ...]

    def __init__(self, items: Iterable[CalibratedParameter] = ()) -> None:
        its = tuple(items)
        seen: set[str] = set()
        for p in its:
            instance("parameters", p, CalibratedParameter, "CalibratedParameter(...) items")
            if p.name in seen:
                raise InputError("parameters", f"duplicate name {p.name!r}")
            seen.add(p.name)
        object.__setattr__(self, "items", its)

    def __iter__(self) -> Iterator[CalibratedParameter]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, name: str) -> CalibratedParameter:
        for p in self.items:
            if p.name == name:
                return p
        raise KeyError(name)

    @cached_property
    def names(self) -> list[str]:
        return [p.name for p in self.items]

    @property
    def free(self) -> list[CalibratedParameter]:
        return [p for p in self.items if p.vary]

    @cached_property
    def free_index(self) -> NDArray[np.intp]:
        return np.array([i for i, p in enumerate(self.items) if p.vary], dtype=np.intp)

    @cached_property
    def starts(self) -> FloatArray:
        """Start (or fixed) values, shape (n_params,)."""
        return np.array([p.start for p in self.items], dtype=float)

    def expand(self, free_values: FloatArray) -> FloatArray:
        """A full batch from the free columns: (n, n_free) -> (n, n_params), fixed columns
        at their values."""
        v = np.atleast_2d(np.asarray(free_values, dtype=float))
        if self.free_index.size == len(self.items):
            return v.copy()
        out = np.empty((v.shape[0], len(self.items)))
        out[:] = self.starts
        out[:, self.free_index] = v
        return out

    def to_dicts(self) -> list[dict[str, Any]]:
        return [p.to_dict() for p in self.items]


#: The name before 5 December 2026, which the README's outline imported: kept importable
#: (``from forceratio.calibration import Parameter``), not listed in ``__all__``.
Parameter = CalibratedParameter
