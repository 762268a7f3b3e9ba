"""forcecalc: how many people a ceasefire-monitoring, peacekeeping or reassurance force needs.

The public library: load a cited scenario, sample its uncertain figures, evaluate the
troop-to-task model, summarise bands and check the sources' claims.

>>> from forcecalc import load_scenario, run
>>> result = run(load_scenario("scenarios/seed-001-basic-ceasefire.yaml"))  # doctest: +SKIP
>>> result.summary.metrics["deployed"].p50  # doctest: +SKIP
"""

from __future__ import annotations

from forcecalc.core.errors import ForcecalcError, ScenarioError, UsageError
from forcecalc.core.model import Outcome, evaluate
from forcecalc.core.runner import RunResult, run
from forcecalc.core.sampling import Sampler, Samples, sample
from forcecalc.core.scenario import Figure, Scenario, Task
from forcecalc.core.summary import Band, Summary, check_claims, summarize
from forcecalc.core.version import __version__
from forcecalc.scenario.loader import load_scenario, parse_scenario
from forcecalc.scenario.register import load_register
from forcecalc.scenario.writer import dump_scenario

__all__ = [
    "Band",
    "Figure",
    "ForcecalcError",
    "Outcome",
    "RunResult",
    "Sampler",
    "Samples",
    "Scenario",
    "ScenarioError",
    "Summary",
    "Task",
    "UsageError",
    "__version__",
    "check_claims",
    "dump_scenario",
    "evaluate",
    "load_register",
    "load_scenario",
    "parse_scenario",
    "run",
    "sample",
    "summarize",
]
