"""How numbers are printed: by unit, and never rounded into a claim they do not make."""

from __future__ import annotations

import math

import pytest

from forcecalc import load_scenario, run
from forcecalc.report.render import fmt_number, render_run
from forcecalc.scenario.resources import default_scenario


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (39888.939, "personnel", "39,889"),
        (0.0, "probability", "0.0%"),
        (1.0, "probability", "100.0%"),
        (1 / 16_384, "probability", "<0.1%"),  # one sample in 16,384 is not "0.0%"
        (1 - 1 / 16_384, "probability", ">99.9%"),
        (0.0855, "probability", "8.6%"),
        (2.5, "ratio", "2.5"),
        (math.inf, "ratio", "∞"),  # a coverage with nothing required
        (None, "personnel", "–"),
    ],
)
def test_fmt_number(value, unit, text) -> None:
    assert fmt_number(value, unit) == text


def test_the_default_runs_rare_success_is_not_printed_as_none() -> None:
    result = run(load_scenario(default_scenario()))
    p = result.summary.probabilities["p_pledges_suffice"]
    assert 0 < p < 0.0005  # one sample of 16,384 at the default seed
    assert "<0.1%" in render_run(result, "table")
