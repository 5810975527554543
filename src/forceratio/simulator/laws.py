"""Attrition laws as data: each law is a pair of exponents per side.

Every law here is a case of the general form (Bracken 1995, *Naval Research Logistics*
42:559-577)

    dR/dt = -b * B**p_R * R**q_R,        dB/dt = -a * R**p_B * B**q_B,

where ``a`` is red's per-unit kill rate against blue (``red_rate``) and ``b`` blue's
against red (``blue_rate``).  ``p`` is the exponent on the *firing* side and ``q`` the
exponent on the *target* side.  Following scipy's ``_ivp`` layout, a base class does the
shared work and each law adds only its exponents as class data; :data:`LAWS` maps a name to
its class so callers choose by string.

Conventions
-----------
* A side with no strength left fires nothing: ``0**p`` is taken as 0 even for ``p = 0``
  (the "ancient" and logarithmic laws would otherwise keep killing after annihilation).
* ``mixed`` is Deitchman's (1962, *Operations Research* 10:818-827) guerrilla model with
  **red** firing aimed fire (blue's losses ~ R) and **blue** firing area fire (red's losses
  ~ B*R): red plays the guerrilla.  Red wins to annihilation iff ``2*a*R0 > b*B0**2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from forceratio.errors import InputError


@dataclass(frozen=True)
class Exponents:
    """Exponents of the general law for each side's *losses*: red loses
    ``b * B**red_p * R**red_q`` a day, blue ``a * R**blue_p * B**blue_q``."""

    red_p: float
    red_q: float
    blue_p: float
    blue_q: float


class Law:
    """Base class of the attrition laws: a subclass sets :attr:`name` and either the
    class-level exponents (``_p``, ``_q`` for both sides) or :meth:`exponents`."""

    name: ClassVar[str] = ""
    _p: ClassVar[float] = 1.0
    _q: ClassVar[float] = 0.0

    def exponents(self) -> Exponents:
        return Exponents(self._p, self._q, self._p, self._q)

    @property
    def parameters(self) -> dict[str, float]:
        """Law parameters beyond the two rates (``p``, ``q`` or ``w``)."""
        return {k: v for k, v in vars(self).items() if k in ("p", "q", "w")}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v:g}" for k, v in self.parameters.items())
        return f"{type(self).__name__}({params})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.parameters == getattr(other, "parameters", None)

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted(self.parameters.items()))))


def _exponent(label: str, value: float, top: float) -> float:
    if not np.isfinite(value) or not 0.0 <= value <= top:
        raise InputError(label, f"exponent {label} must be in [0, {top:g}], got {value}")
    return float(value)


class SquareLaw(Law):
    """Aimed fire (Lanchester 1916): dR/dt = -b*B."""

    name, _p, _q = "square", 1.0, 0.0


class LinearLaw(Law):
    """Area fire (Lanchester's second linear law): dR/dt = -b*B*R."""

    name, _p, _q = "linear", 1.0, 1.0


class LogarithmicLaw(Law):
    """Losses proportional to own strength (Peterson 1953; Weiss 1966): dR/dt = -b*R."""

    name, _p, _q = "logarithmic", 0.0, 1.0


class AncientLaw(Law):
    """One-on-one combat at a constant rate: dR/dt = -b while B > 0."""

    name, _p, _q = "ancient", 0.0, 0.0


class MixedLaw(Law):
    """Deitchman (1962): red aimed fire, blue area fire: dR/dt = -b*B*R, dB/dt = -a*R."""

    name = "mixed"

    def exponents(self) -> Exponents:
        return Exponents(red_p=1.0, red_q=1.0, blue_p=1.0, blue_q=0.0)


class HelmboldLaw(Law):
    """Helmbold (1965): dR/dt = -b * B**w * R**(1-w); w=1 square, w=0 logarithmic."""

    name = "helmbold"

    def __init__(self, w: float) -> None:
        self.w = _exponent("w", w, 1.0)

    def exponents(self) -> Exponents:
        return Exponents(self.w, 1.0 - self.w, self.w, 1.0 - self.w)


class PowerLaw(Law):
    """The general power law (Bracken 1995): dR/dt = -b * B**p * R**q, p and q in [0, 3]."""

    name = "power"

    def __init__(self, p: float, q: float) -> None:
        self.p, self.q = _exponent("p", p, 3.0), _exponent("q", q, 3.0)

    def exponents(self) -> Exponents:
        return Exponents(self.p, self.q, self.p, self.q)


LAWS: dict[str, type[Law]] = {
    cls.name: cls
    for cls in (SquareLaw, LinearLaw, LogarithmicLaw, AncientLaw, MixedLaw, HelmboldLaw, PowerLaw)
}


def get_law(
    name: str | Law, *, p: float | None = None, q: float | None = None, w: float | None = None
) -> Law:
    """Return the law called ``name`` (one of :data:`LAWS`, or a ready :class:`Law`), with
    its parameters checked: ``p`` and ``q`` for ``power``, ``w`` for ``helmbold``, refused
    for the others."""
    if isinstance(name, Law):
        return name
    key = name.strip().lower() if isinstance(name, str) else repr(name)
    if key not in LAWS:
        raise InputError("law", f"unknown law {name!r}; choose one of {', '.join(LAWS)}")
    given = {k: v for k, v in (("p", p), ("q", q), ("w", w)) if v is not None}
    needs = {"power": ("p", "q"), "helmbold": ("w",)}.get(key, ())
    for label in given:
        if label not in needs:
            raise InputError(label, f"{label} does not apply to the {key} law")
    if len(given) < len(needs):
        raise InputError("law", f"the {key} law needs {' and '.join(needs)}")
    return LAWS[key](**given)
