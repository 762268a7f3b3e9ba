"""What the threshold and the goal seek compare a requirement with: the pledges or the pool,
exactly as ``forcecalc run`` compares them.

``run`` says the pledges suffice in a sample when ``pledge_coverage >= 1`` and the pool when
``pool_coverage >= 1`` (:func:`forcecalc.core.summary.probability_at_least`). Those coverages
count only the pledges delivered in the sample (``delivery_probability``) and compare each
pledge or the pool with the requirement of the categories it ``covers``
(:mod:`forcecalc.core.sustainment`). The analyses here take the same coverage from the model's
:class:`~forcecalc.core.model.Outcome` rather than comparing the pledged total with the whole
requirement, so that ``1 - P(pledges suffice)`` of ``run`` is the threshold's probability and
the goal's share of samples covered.

A requirement other than the model's (``--requirement committed`` for pledges compared with the
deployed force, or for the pool) is compared the same way: the pledges as in a scenario whose
``pledge_basis`` is that requirement, the pool by
:func:`forcecalc.core.sustainment.pool_coverage` with the committed requirement of its
categories.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.analysis.problem import Problem, check_outputs, problem_of
from forcecalc.core import glossary, sustainment
from forcecalc.core.model import Outcome, evaluate
from forcecalc.core.scenario import ForceGeneration, Scenario
from forcecalc.core.shares import check_shares

FloatArray = NDArray[np.float64]

#: Supplies compared as ``run`` compares them, and the coverage of each.
AGAINST = {"pledged": "pledge_coverage", "pool": "pool_coverage"}
#: The name of the coverage output of a comparison's problem (a ratio, never range-checked).
COVERAGE = "coverage"


@dataclass(frozen=True)
class Comparison:
    """A supply (``pledged`` or ``pool``) compared with a requirement (``deployed`` or
    ``committed``), as ``run`` compares it.

    Attributes
    ----------
    supply, requirement : str
        What is compared with what.
    scenario : Scenario
        The scenario evaluated: the one given, with ``pledge_basis`` set to ``requirement``
        for pledges.
    compared_with : str
        Which requirement the coverage compares with where pledges or the pool name the
        categories they ``cover``, e.g. ``deployed of military, enablers``
        (:func:`forcecalc.core.sustainment.compared_with`); empty otherwise (the whole
        requirement).
    """

    supply: str
    requirement: str
    scenario: Scenario
    compared_with: str = ""

    @property
    def describe(self) -> str:
        """``pledged vs deployed of military`` or ``pool vs committed (whole force)``."""
        return f"{self.supply} vs {self.compared_with or self.requirement + ' (whole force)'}"


def comparison(scenario: Scenario, supply: str, requirement: str, parameter: str) -> Comparison:
    """The comparison of ``supply`` with ``requirement`` in ``scenario``.

    Raises
    ------
    ParameterError
        ``parameter``, when the scenario has no such supply (no pledges, or no pool).
    """
    output = "pledged" if supply == "pledged" else "pool_sustainable"
    check_outputs(scenario, (output,), parameter=parameter, prefix=f"{supply}: ")
    fg = cast(ForceGeneration, scenario.force_generation)  # check_outputs found the supply
    if supply == "pledged" and fg.pledge_basis != requirement:
        scenario = replace(scenario, force_generation=replace(fg, pledge_basis=requirement))
    text = sustainment.compared_with(scenario).get(AGAINST[supply], "")
    if supply == "pool" and text and requirement == "committed":
        text = "committed" + text.removeprefix("deployed")
    return Comparison(supply, requirement, scenario, text)


#: The outputs of the model :func:`supply_coverage` reads.
SUPPLY_OUTPUTS = ("pledge_coverage", "pool_coverage", "pool_sustainable")


def supply_coverage(c: Comparison, outcome: Outcome, values: Mapping[str, ArrayLike]) -> FloatArray:
    """The coverage of ``c``: the model's ``pledge_coverage`` or ``pool_coverage``, or the
    pool's against the committed requirement of its categories. [ratio]"""
    if c.supply == "pledged":
        return np.asarray(outcome.pledge_coverage, dtype=float)
    if c.requirement == "deployed":
        return np.asarray(outcome.pool_coverage, dtype=float)
    fg = cast(ForceGeneration, c.scenario.force_generation)
    sustainable = cast(FloatArray, outcome.pool_sustainable)
    by = sustainment.committed_by_category(c.scenario, values, outcome.by_category)
    return sustainment.pool_coverage(fg, sustainable, outcome.committed, by)


def suffices(coverage: ArrayLike) -> NDArray[np.bool_]:
    """Where the supply suffices, as ``run`` counts it: ``coverage >= 1``
    (:func:`forcecalc.core.summary.probability_at_least` with threshold 1)."""
    return np.asarray(coverage, dtype=float) >= 1.0


def coverage_problem(c: Comparison) -> Problem:
    """The sensitivity problem of a comparison: outputs its requirement and :data:`COVERAGE`."""
    base = problem_of(c.scenario, (c.requirement,))

    def model(values: Mapping[str, ArrayLike]) -> dict[str, ArrayLike]:
        check_shares(c.scenario, values)
        outcome = evaluate(c.scenario, values, (c.requirement, *SUPPLY_OUTPUTS))
        return {
            c.requirement: getattr(outcome, c.requirement),
            COVERAGE: supply_coverage(c, outcome, values),
        }

    units = {c.requirement: glossary.unit_of(c.requirement), COVERAGE: "ratio"}
    return replace(base, model=model, outputs=(c.requirement, COVERAGE), units=units)
