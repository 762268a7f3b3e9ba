"""forcecalc: how many people a ceasefire-monitoring, peacekeeping or reassurance force needs.

The public library: load a cited scenario, sample its uncertain figures, evaluate the
troop-to-task model, summarise bands and check the sources' claims.

>>> from forcecalc import load_scenario, run
>>> result = run(load_scenario("scenarios/seed-001-basic-ceasefire.yaml"))  # doctest: +SKIP
>>> result.summary.metrics["deployed"].p50  # doctest: +SKIP
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("forcecalc")
except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
    __version__ = "0+unknown"

from forcecalc.errors import ForcecalcError, ScenarioError, UsageError
from forcecalc.loader import dump_scenario, load_register, load_scenario, parse_scenario
from forcecalc.model import Outcome, evaluate
from forcecalc.runner import RunResult, run
from forcecalc.sampling import Sampler, Samples, sample
from forcecalc.scenario import Figure, Scenario, Task
from forcecalc.summary import Band, Summary, check_claims, summarize

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
