"""Every name the code and the scenario format use for a quantity, with its unit.

Units live in names, one spelling each (``front_length_km``, ``troops_per_km2``). A test holds
the scenario format, the model's outputs and the figure paths to this glossary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from forcecalc.core.scenario import Basis, Domain


@dataclass(frozen=True)
class Term:
    """A quantity's name, unit and meaning, and the values it may take as a scenario figure."""

    unit: str
    meaning: str
    domain: Domain = Domain()


POSITIVE = Domain(0.0, math.inf, lower_open=True)
NON_NEGATIVE = Domain(0.0, math.inf)
SHARE = Domain(0.0, 1.0, upper_open=True)
POOL_SHARE = Domain(0.0, 1.0, lower_open=True)
AT_LEAST_ONE = Domain(1.0, math.inf)

#: Figures a scenario can state, by the last part of their key path.
FIGURES: dict[str, Term] = {
    "front_length_km": Term("km", "length of the line to be covered", POSITIVE),
    "buffer_width_km": Term("km", "width of the buffer zone along the front", POSITIVE),
    "border_length_km": Term("km", "quiet borders that still need cover", NON_NEGATIVE),
    "length_km": Term("km", "length of one sector of the line", POSITIVE),
    "spacing_km": Term("km", "distance between posts along the front", POSITIVE),
    "crew": Term("personnel_per_post", "personnel at each post", NON_NEGATIVE),
    "count": Term("personnel", "personnel of a fixed-size task", NON_NEGATIVE),
    "share": Term(
        "fraction", "fraction of other tasks' personnel, of the whole force or of a category", SHARE
    ),
    "ratio": Term("ratio", "personnel per person of the tasks named (may exceed 1)", NON_NEGATIVE),
    "technology_offset": Term(
        "fraction", "fraction of reducible tasks that drones, satellites, sensors replace", SHARE
    ),
    "rotation_multiplier": Term("ratio", "committed ÷ deployed personnel", AT_LEAST_ONE),
    "tour_months": Term("months", "length of one deployment", POSITIVE),
    "dwell_months": Term("months", "time at home between deployments", NON_NEGATIVE),
    "personnel": Term("personnel", "a number of people (pledge or pool)", NON_NEGATIVE),
    "deployable_share": Term("fraction", "fraction of a pool that can deploy", POOL_SHARE),
    "sustainable_share": Term(
        "fraction", "fraction of the deployable part that can stay deployed", POOL_SHARE
    ),
    "population": Term("inhabitants", "people living in the area the force must secure", POSITIVE),
    "delivery_probability": Term(
        "probability", "probability that a pledge is delivered in full", Domain(0.0, 1.0)
    ),
    "delivered": Term(
        "fraction", "uniform draw: a pledge is delivered when it is at least 1 − probability", SHARE
    ),
    "weight": Term("ratio", "relative weight of a sizing rule in the ensemble", NON_NEGATIVE),
    "rule_choice": Term(
        "fraction", "uniform draw that picks the ensemble's rule by cumulative weight", SHARE
    ),
    # the timeline (forcecalc.core.timeline)
    "mandate_months": Term("months", "length of the mandate the timeline covers", AT_LEAST_ONE),
    "build_up_months": Term("months", "months to full strength, a linear ramp", NON_NEGATIVE),
    "deployment_per_month": Term(
        "personnel_per_month", "personnel strategic lift can deploy each month", POSITIVE
    ),
    "full_strength_months": Term(
        "months", "months the requirement stays at full strength", NON_NEGATIVE
    ),
    "drawdown_months": Term("months", "months of the linear drawdown after that", NON_NEGATIVE),
    "drawdown_to": Term(
        "fraction", "share of full strength the requirement draws down to", Domain(0.0, 1.0)
    ),
    "from_month": Term("months", "first month a contributor is present", AT_LEAST_ONE),
    "until_month": Term("months", "last month a contributor is present", AT_LEAST_ONE),
    "withdrawal_per_year": Term(
        "probability", "chance that a contributor withdraws within a year (a hazard)", SHARE
    ),
    "ceiling": Term("personnel", "most a contributor gives when topping up", NON_NEGATIVE),
}

#: The unit of a task's ``rate`` depends on its basis.
RATE_UNITS: dict[Basis, Term] = {
    Basis.PER_KM_FRONT: Term("troops_per_km", "personnel per km of front", NON_NEGATIVE),
    Basis.PER_KM_BORDER: Term("troops_per_km", "personnel per km of border", NON_NEGATIVE),
    Basis.PER_KM2_BUFFER: Term("troops_per_km2", "personnel per km² of buffer", NON_NEGATIVE),
}

#: The unit of a sizing rule's ``rate`` depends on its basis (:mod:`forcecalc.calibration.rules`).
RULE_RATE_UNITS: dict[str, Term] = {
    "per_km": Term("troops_per_km", "personnel per km of line", NON_NEGATIVE),
    "per_km2": Term("troops_per_km2", "personnel per km² of buffer or security zone", NON_NEGATIVE),
    "per_1000": Term("troops_per_1000", "personnel per 1,000 inhabitants", NON_NEGATIVE),
}

#: Figures of the dataset of past missions (:mod:`forcecalc.calibration.missions`).
MISSION_FIGURES: dict[str, Term] = {
    "line_length_km": Term("km", "length of the line the mission held or watched", POSITIVE),
    "buffer_width_km": Term("km", "width of its buffer or security zone", POSITIVE),
    "area_km2": Term("km2", "area of its buffer or security zone", POSITIVE),
    "territory_area_km2": Term(
        "km2",
        "area of the whole territory it operated in (KFOR: all of Kosovo), not a buffer or "
        "security zone: it gives no density per km² of buffer",
        POSITIVE,
    ),
    "strength": Term("personnel", "personnel of the mission, as the dataset says what it counts"),
    "population": Term("inhabitants", "people living in its area", POSITIVE),
    "positions": Term("posts", "permanently manned positions and observation posts", POSITIVE),
}

#: Densities of a mission or a scenario, compared by ``forcecalc analogs``.
DENSITIES: dict[str, Term] = {
    "troops_per_km": Term("troops_per_km", "personnel per km of line"),
    "troops_per_km2": Term("troops_per_km2", "personnel per km² of buffer or security zone"),
    "troops_per_1000": Term("troops_per_1000", "personnel per 1,000 inhabitants"),
}

#: Outputs of the model, with their units.
OUTPUTS: dict[str, Term] = {
    "deployed": Term("personnel", "personnel deployed at one time"),
    "rotation_multiplier": Term("ratio", "committed ÷ deployed"),
    "committed": Term("personnel", "personnel tied up, including rotation"),
    "deployed_per_km": Term("troops_per_km", "deployed personnel per km of front"),
    "deployed_per_km2": Term("troops_per_km2", "deployed personnel per km² of buffer"),
    "deployed_per_km_line": Term(
        "troops_per_km", "deployed personnel per km of the whole line covered (every sector)"
    ),
    "pledged": Term("personnel", "sum of pledges"),
    "pledge_coverage": Term("ratio", "pledged ÷ required personnel"),
    "pool_sustainable": Term("personnel", "personnel the pool can keep deployed"),
    "pool_coverage": Term("ratio", "pool sustainable ÷ deployed"),
    "p_pledges_suffice": Term("probability", "share of samples where pledges cover the need"),
    "p_pool_suffices": Term("probability", "share of samples where the pool covers the need"),
}

#: Unit names, each with its one spelling.
UNITS = {
    "km": "kilometres",
    "km2": "square kilometres",
    "personnel": "people",
    "personnel_per_post": "people at one post",
    "troops_per_km": "people per km of line",
    "troops_per_km2": "people per square km",
    "fraction": "a share of a whole, from 0 to 1 (each figure's domain says which ends it takes)",
    "ratio": "a dimensionless ratio",
    "months": "months",
    "probability": "a probability in [0, 1]",
    "inhabitants": "people living in an area",
    "troops_per_1000": "people per 1,000 inhabitants",
    "posts": "a number of posts or positions",
    "personnel_per_month": "people per month",
}


def unit_of(output: str) -> str:
    """The unit of a model output or figure name."""
    if output in OUTPUTS:
        return OUTPUTS[output].unit
    return FIGURES[output].unit
