"""The backstop of every analysis: results finite and within the physical limits.

``forcecalc run`` checks its results in :func:`forcecalc.core.runner.check_finite`; the
analyses (every sensitivity method, ``sweep``, ``goal``) check theirs here, with the same rules
(:mod:`forcecalc.core.backstop`) and a one-line :class:`~forcecalc.core.errors.ScenarioError`
naming the result, what is wrong with it, and the figures of the scenario farthest from 1 in
orders of size at their medians (the likeliest culprits). The model runs under
``np.errstate`` so that no numpy warning reaches the user: this check reports instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from forcecalc.core.backstop import first_bad_result
from forcecalc.core.errors import ScenarioError, Where
from forcecalc.core.sampling import figure_values
from forcecalc.core.scenario import Scenario

#: Figures named in the error.
SHOWN_FIGURES = 3


def check_results(scenario: Scenario | None, results: Mapping[str, ArrayLike], what: str) -> None:
    """Refuse results that are NaN, infinite or beyond the limits of their unit.

    Parameters
    ----------
    scenario : Scenario or None
        The scenario analysed (None for a problem built without one: the error names no
        figure).
    results : mapping of str to array_like
        Results by name (``deployed``, ``tasks.x`` ...); names without a limit are checked for
        finiteness only, coverage ratios not at all.
    what : str
        Where they come from, for the message (``"the tornado's grid"``).

    Raises
    ------
    ScenarioError
        At the most extreme figure's place in the scenario file.
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
        path: float(np.asarray(figure_values(f, np.array(0.5))).reshape(-1)[0])
        for path, f in scenario.figures.items()
    }
    return sorted(at.items(), key=lambda kv: -size(kv[1]))[:SHOWN_FIGURES]
