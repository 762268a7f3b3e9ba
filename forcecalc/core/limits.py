"""The limits of a figure's numbers: what is physically possible, by unit.

A figure's domain (:class:`~forcecalc.core.scenario.Domain`) says which values make sense at
all; a limit says which are physically possible, so that no product or quotient of figures
overflows. The reader of scenario files, ``--set`` and the analyses' search ranges all apply
these rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from forcecalc.core.scenario import Figure

#: The smallest magnitude a figure's number may have other than 0: a millionth of its unit
#: (1 mm of line, a millionth of a person). Finer numbers mean nothing here, and with them a
#: quotient such as posts = front ÷ spacing can overflow to infinity.
SMALLEST = 1e-6
#: Largest ``sigma`` of a lognormal: a 90% interval spanning a factor e^(2 × 1.645 × 12), about
#: 10^17, wider than any two figures of one unit can be apart (:data:`LIMITS`, :data:`SMALLEST`).
LARGEST_SIGMA = 12.0


@dataclass(frozen=True)
class Limit:
    """The largest magnitude the numbers of a figure in one unit may have, and why.

    A figure's domain says which values make sense at all (a length is positive, a share below
    1); a limit says which are physically possible, so that no product or quotient of figures
    overflows to infinity or NaN. Limits apply to every number written in a figure (``value``,
    ``low``, ``mode``, ``high``, ``mean``, ``sd``, ``median``) and to ``--set``; sampled values
    are truncated to the domain only.
    """

    largest: float
    why: str


#: Largest magnitude of a figure's numbers, by unit (see :class:`Limit`).
LIMITS: dict[str, Limit] = {
    "km": Limit(40_075.0, "the Earth's circumference at the equator"),
    "personnel": Limit(1e9, "an eighth of humanity"),
    "personnel_per_post": Limit(1e9, "an eighth of humanity"),
    "troops_per_km": Limit(1e9, "an eighth of humanity on one km"),
    "troops_per_km2": Limit(1e9, "an eighth of humanity on one km²"),
    "troops_per_1000": Limit(1e9, "a number of people no force can reach"),
    "inhabitants": Limit(1e10, "more than the world's population"),
    "months": Limit(1_200.0, "a century"),
    "ratio": Limit(1e6, "a million: a rotation multiplier or a weight beyond it is a typo"),
}


def limit_problem(unit: str, x: float, zero_ok: bool = True) -> str:
    """What a number of a figure in ``unit`` must be if ``x`` breaks its limit, else ``""``.

    ``zero_ok`` says whether the figure's domain holds 0, for the wording of the rule.
    """
    limit = LIMITS.get(unit)
    if limit is not None and abs(x) > limit.largest:
        return f"at most {limit.largest:,g} {unit} ({limit.why})"
    if x != 0 and abs(x) < SMALLEST:
        least = f"{'0 or ' if zero_ok else ''}at least {SMALLEST:g} {unit}"
        return f"{least} (no figure is finer than a millionth of its unit)"
    return ""


def point_problem(figure: Figure, value: float) -> str:
    """What a point value of ``figure`` must be, if ``value`` is not one the loader accepts.

    The rules of a ``value:`` written in a scenario: a finite number, in the figure's domain,
    within the limits of its unit (:data:`LIMITS`). ``""`` if it is fine.
    """
    if not math.isfinite(value):
        return "a finite number"
    if not figure.domain.contains(value):
        return f"a value in {figure.domain.describe()} [{figure.unit}]"
    return limit_problem(figure.unit, value, figure.domain.contains(0.0))
