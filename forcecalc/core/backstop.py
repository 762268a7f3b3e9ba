"""The backstop on results: every number a command prints is finite and physically possible.

The loader's limits (:mod:`forcecalc.core.limits`) keep every *figure* physically possible, but
products and chains of figures (a ``share_of`` chain, a rate per km times a long front) can
still reach results no force could have, or overflow. Every command checks its results here
before printing them: ``run`` (:func:`forcecalc.core.runner.check_finite`), ``sweep``,
``goal`` and every sensitivity method (:func:`forcecalc.analysis.problem.evaluate_outputs`),
``analogs`` (the past missions' rules on the scenario's geometry,
:func:`forcecalc.calibration.analogs.compare`) all through :func:`check_results`.

A result is refused, in one line naming it and the most extreme figures, when it is NaN,
infinite, or, for a number of people, beyond the limit of its unit (:data:`RESULT_UNITS`): at
most 10⁹ personnel (an eighth of humanity). Densities are not limited: a fixed staff over a
front of a millimetre (a goal seek passes there) is a huge density, yet a real answer. Coverage
ratios are exempt: infinite by design where nothing is required
(:func:`forcecalc.core.model.coverage`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from forcecalc.core import glossary
from forcecalc.core.errors import ScenarioError, Where
from forcecalc.core.limits import LIMITS, Limit
from forcecalc.core.sampling import design_figures, figure_values
from forcecalc.core.scenario import Scenario

#: Units whose results must stay within their :data:`~forcecalc.core.limits.LIMITS`.
RESULT_UNITS = ("personnel",)
#: Figures named in the error of :func:`check_results`.
SHOWN_FIGURES = 3
#: Prefixes of per-part results (a task's, a category's ...), all in personnel.
_PARTS = ("tasks.", "categories.", "rules.", "committed_categories.", "sectors.")


def result_limit(name: str) -> Limit | None:
    """The limit of the result ``name`` (``deployed``, ``tasks.x``), or None if it has none."""
    if name.startswith(_PARTS):
        unit = "personnel"
    elif name in glossary.OUTPUTS:
        unit = glossary.OUTPUTS[name].unit
    else:
        return None
    return LIMITS.get(unit) if unit in RESULT_UNITS else None


def result_problem(name: str, values: ArrayLike) -> tuple[int, str] | None:
    """``(index, what is wrong)`` of the first bad value of the result ``name``, else None.

    The index is into the flattened array. Coverage ratios are not checked (infinite by
    design where nothing is required); other results must be finite and within
    :func:`result_limit`.
    """
    if name.endswith("coverage"):
        return None
    arr = np.asarray(values, dtype=float).reshape(-1)
    if arr.size == 0:
        return None
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.argmax(bad))
        return i, "NaN" if math.isnan(arr[i]) else "infinite"
    limit = result_limit(name)
    if limit is None:
        return None
    i = int(np.argmax(np.abs(arr)))
    if abs(arr[i]) <= limit.largest:
        return None
    unit = "personnel" if name.startswith(_PARTS) else glossary.OUTPUTS[name].unit
    return i, f"{arr[i]:.4g}, beyond {limit.largest:,.0f} {unit} ({limit.why})"


def first_bad_result(results: Mapping[str, ArrayLike]) -> tuple[str, int, str] | None:
    """``(name, index, what is wrong)`` of the first result with a bad value, else None."""
    for name, values in results.items():
        if values is None:
            continue
        found = result_problem(name, values)
        if found is not None:
            return name, *found
    return None


def check_results(scenario: Scenario | None, results: Mapping[str, ArrayLike], what: str) -> None:
    """Refuse results that are NaN, infinite or beyond the limits of their unit.

    Parameters
    ----------
    scenario : Scenario or None
        The scenario analysed (None for a problem built without one: the error names no
        figure).
    results : mapping of str to array_like
        Results by name (``deployed``, ``tasks.x``, ``rules.x`` ...); names without a limit are
        checked for finiteness only, coverage ratios not at all.
    what : str
        Where they come from, for the message (``"the tornado's grid"``).

    Raises
    ------
    ScenarioError
        At the most extreme figure's place in the scenario file, naming the result, what is
        wrong with it and the :data:`SHOWN_FIGURES` figures farthest from 1 at their medians.
    """
    found = first_bad_result(results)
    if found is None:
        return
    name, _, problem = found
    extreme = most_extreme_figures(scenario) if scenario is not None else []
    figure = scenario.figures[extreme[0][0]] if scenario is not None and extreme else None
    loc = figure.location if figure is not None else None
    source = str(scenario.source_file) if scenario is not None and scenario.source_file else ""
    where = Where(
        loc.file if loc is not None else (source or "<scenario>"),
        loc.line if loc is not None else 0,
        loc.column if loc is not None else 0,
        figure.path if figure is not None else "",
    )
    shown = ", ".join(f"{p}={x:g}" for p, x in extreme)
    figures = f"; the most extreme figures at their medians: {shown}" if shown else ""
    raise ScenarioError(
        where,
        f"figures that make {name} {problem} (in {what}{figures})",
        "figures whose results are finite and physically possible",
        "see the limits in docs/scenario-format.md, validation rules",
    )


def most_extreme_figures(scenario: Scenario) -> list[tuple[str, float]]:
    """The :data:`SHOWN_FIGURES` figures whose medians are farthest from 1 in orders of size."""

    def size(x: float) -> float:
        return math.inf if not math.isfinite(x) else (abs(math.log10(abs(x))) if x else 0.0)

    at = {
        f.path: float(np.asarray(figure_values(f, np.array(0.5))).reshape(-1)[0])
        for f in design_figures(scenario)  # not the timeline's: run does not draw them
    }
    return sorted(at.items(), key=lambda kv: -size(kv[1]))[:SHOWN_FIGURES]
