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
    """Exponents of the general law for each side's *losses*.

    Attributes
    ----------
    red_p, red_q : float
        Exponents in red's loss rate ``b * B**red_p * R**red_q``.
    blue_p, blue_q : float
        Exponents in blue's loss rate ``a * R**blue_p * B**blue_q``.
    """

    red_p: float
    red_q: float
    blue_p: float
    blue_q: float

    def swapped(self) -> Exponents:
        """The exponents with the sides' roles exchanged."""
        return Exponents(self.blue_p, self.blue_q, self.red_p, self.red_q)


class Law:
    """Base class of the attrition laws.

    Subclasses set :attr:`name`, :attr:`description` and either class-level exponents
    (``_p``, ``_q`` for both sides) or override :meth:`exponents`.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    has_closed_form: ClassVar[bool] = False
    _p: ClassVar[float] = 1.0
    _q: ClassVar[float] = 0.0

    def exponents(self) -> Exponents:
        return Exponents(self._p, self._q, self._p, self._q)

    @property
    def parameters(self) -> dict[str, float]:
        """Law parameters beyond the two rates (``p``, ``q`` or ``w``)."""
        return {}

    @property
    def symmetric(self) -> bool:
        e = self.exponents()
        return e.red_p == e.blue_p and e.red_q == e.blue_q

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v:g}" for k, v in self.parameters.items())
        return f"{type(self).__name__}({params})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.parameters == getattr(other, "parameters", None)

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted(self.parameters.items()))))


class SquareLaw(Law):
    name = "square"
    description = "aimed fire (Lanchester 1916): dR/dt = -b*B"
    has_closed_form = True
    _p, _q = 1.0, 0.0


class LinearLaw(Law):
    name = "linear"
    description = "area fire (Lanchester's second linear law): dR/dt = -b*B*R"
    has_closed_form = True
    _p, _q = 1.0, 1.0


class LogarithmicLaw(Law):
    name = "logarithmic"
    description = "losses proportional to own strength (Peterson 1953; Weiss 1966): dR/dt = -b*R"
    has_closed_form = True
    _p, _q = 0.0, 1.0


class AncientLaw(Law):
    name = "ancient"
    description = "one-on-one combat at a constant rate: dR/dt = -b while B > 0"
    has_closed_form = True
    _p, _q = 0.0, 0.0


class MixedLaw(Law):
    name = "mixed"
    description = "Deitchman (1962): red aimed fire, blue area fire: dR/dt = -b*B*R, dB/dt = -a*R"

    def exponents(self) -> Exponents:
        # red is under area fire (p=1, q=1); blue is under aimed fire (p=1, q=0)
        return Exponents(red_p=1.0, red_q=1.0, blue_p=1.0, blue_q=0.0)


class HelmboldLaw(Law):
    name = "helmbold"
    description = "Helmbold (1965): dR/dt = -b * B**w * R**(1-w); w=1 square, w=0 logarithmic"

    def __init__(self, w: float) -> None:
        if not np.isfinite(w) or not 0.0 <= w <= 1.0:
            raise InputError("w", f"Helmbold exponent must be in [0, 1], got {w}")
        self.w = float(w)

    def exponents(self) -> Exponents:
        return Exponents(self.w, 1.0 - self.w, self.w, 1.0 - self.w)

    @property
    def parameters(self) -> dict[str, float]:
        return {"w": self.w}


class PowerLaw(Law):
    name = "power"
    description = "general power law (Bracken 1995): dR/dt = -b * B**p * R**q"

    def __init__(self, p: float, q: float) -> None:
        for label, value in (("p", p), ("q", q)):
            if not np.isfinite(value) or not 0.0 <= value <= 3.0:
                raise InputError(label, f"power-law exponent must be in [0, 3], got {value}")
        self.p = float(p)
        self.q = float(q)

    def exponents(self) -> Exponents:
        return Exponents(self.p, self.q, self.p, self.q)

    @property
    def parameters(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q}


LAWS: dict[str, type[Law]] = {
    cls.name: cls
    for cls in (
        SquareLaw,
        LinearLaw,
        LogarithmicLaw,
        AncientLaw,
        MixedLaw,
        HelmboldLaw,
        PowerLaw,
    )
}


def get_law(
    name: str | Law, *, p: float | None = None, q: float | None = None, w: float | None = None
) -> Law:
    """Return the law called ``name`` with its parameters checked.

    Parameters
    ----------
    name : str or Law
        One of :data:`LAWS` (``square``, ``linear``, ``logarithmic``, ``ancient``,
        ``mixed``, ``helmbold``, ``power``), or a ready :class:`Law`.
    p, q : float, optional
        Exponents of the ``power`` law (both required for it, refused for the others).
    w : float, optional
        Helmbold's exponent (required for ``helmbold``, refused for the others).
    """
    if isinstance(name, Law):
        return name
    key = name.strip().lower()
    if key not in LAWS:
        raise InputError("law", f"unknown law {name!r}; choose one of {', '.join(LAWS)}")
    if key == "power":
        if p is None or q is None:
            raise InputError("law", "the power law needs both p and q")
        if w is not None:
            raise InputError("w", "w applies only to the helmbold law")
        return PowerLaw(p, q)
    if key == "helmbold":
        if w is None:
            raise InputError("law", "the helmbold law needs w")
        if p is not None or q is not None:
            raise InputError("p", "p and q apply only to the power law")
        return HelmboldLaw(w)
    for label, value in (("p", p), ("q", q), ("w", w)):
        if value is not None:
            raise InputError(label, f"{label} does not apply to the {key} law")
    return LAWS[key]()
