"""The analyses a one-page brief shows (:class:`forcecalc.report.brief.BriefInputs`), run for a
result: ``forcecalc report`` and the planner app's report download gather them here."""

from __future__ import annotations

from collections.abc import Mapping

from forcecalc.analysis.problem import figure_at
from forcecalc.analysis.sweep import Sweep, axis, sweep
from forcecalc.analysis.tornado import tornado
from forcecalc.calibration.analogs import compare
from forcecalc.calibration.missions import default_missions
from forcecalc.core.runner import RunResult
from forcecalc.core.timeline_run import run_timeline
from forcecalc.report.brief import BriefInputs
from forcecalc.report.calibration import analogs_tables

FRONT = "geometry.front_length_km"
#: The front-length sweep: from half to one and a half times its median, in this many steps.
FRONT_STEPS = 11


def front_sweep(
    result: RunResult, samples: int, seed: int, sampler: str, overrides: Mapping[str, float]
) -> Sweep | None:
    """The requirement against the front length, half to one and a half times its median;
    none where the scenario has no front length or it is overridden."""
    figure = result.scenario.figures.get(FRONT)
    if figure is None or FRONT in overrides:
        return None
    median = float(figure_at(figure, 0.5))
    grid = axis(FRONT, median * 0.5, median * 1.5, FRONT_STEPS)
    return sweep(result.scenario, [grid], samples, seed, sampler, dict(overrides))


def brief_inputs_for(
    result: RunResult,
    samples: int,
    seed: int,
    sampler: str,
    overrides: Mapping[str, float] | None = None,
) -> BriefInputs:
    """Every result the page shows for ``result``, at the same samples, seed and sampler."""
    overrides = dict(overrides or {})
    scenario = result.scenario
    missions = default_missions()
    timeline = None
    if scenario.timeline is not None:
        timeline = run_timeline(scenario, samples, seed, sampler, overrides)
    return BriefInputs(
        result=result,
        tornado=tornado(scenario, overrides=overrides),
        front=front_sweep(result, samples, seed, sampler, overrides),
        precedents=analogs_tables(compare(result, missions), missions),
        timeline=timeline,
    )
