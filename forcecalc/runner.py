"""One call from scenario to summarised result, shared by the CLI and the app."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from forcecalc.distributions import Point
from forcecalc.errors import UsageError
from forcecalc.model import Outcome, evaluate
from forcecalc.sampling import DEFAULT_SAMPLES, DEFAULT_SEED, Sampler, Samples, sample
from forcecalc.scenario import Scenario
from forcecalc.summary import ClaimResult, Summary, check_claims, summarize


def library_versions() -> dict[str, str]:
    """Versions of Python, numpy and scipy: the sampled numbers depend on them too."""
    import platform

    import numpy
    import scipy

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }


@dataclass(frozen=True)
class Provenance:
    """How a result was produced: enough to reproduce it bit for bit."""

    version: str
    scenario_file: str | None
    scenario_sha256: str | None
    seed: int
    samples: int
    sampler: str
    overrides: Mapping[str, float] = field(default_factory=dict)
    libraries: Mapping[str, str] = field(default_factory=library_versions)


@dataclass(frozen=True)
class RunResult:
    """A scenario, its samples, the model's outcome over them and its summary."""

    scenario: Scenario
    samples: Samples
    outcome: Outcome
    summary: Summary
    provenance: Provenance

    def claims(self) -> list[ClaimResult]:
        """The scenario's ``expect`` claims tested against this result."""
        return check_claims(self.scenario, self.summary)


def override(scenario: Scenario, assignments: Mapping[str, float]) -> Scenario:
    """The scenario with some figures set to point values (``--set key.path=value``).

    Raises
    ------
    UsageError
        For a path that is not a figure of the scenario or a value outside the figure's domain.
    """
    for path, value in assignments.items():
        figure = scenario.figures.get(path)
        if figure is None:
            close = difflib.get_close_matches(path, list(scenario.figures), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise UsageError(
                f"--set {path}: got an unknown figure path; expected one of the "
                f"scenario's figures, listed by 'forcecalc sources'{hint}"
            )
        if not math.isfinite(value) or not figure.domain.contains(value):
            raise UsageError(
                f"--set {path}: got {value:g}; expected a value in "
                f"{figure.domain.describe()} [{figure.unit}]"
            )
    return scenario.with_distributions({p: Point(v) for p, v in assignments.items()})


def run(
    scenario: Scenario,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = Sampler.LHS,
    overrides: Mapping[str, float] | None = None,
) -> RunResult:
    """Sample the scenario's figures, evaluate the model and summarise.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario.
    samples : int
        Number of samples (a power of two for ``sobol``).
    seed : int
        Seed; the same seed, sampler and scenario give identical numbers.
    sampler : Sampler or str
        ``lhs`` (default), ``sobol`` or ``mc``.
    overrides : mapping of str to float, optional
        Figures set to point values, as ``--set`` does.
    """
    from forcecalc import __version__

    overrides = dict(overrides or {})
    scenario = override(scenario, overrides)
    drawn = sample(scenario, samples, seed, sampler)
    outcome = evaluate(scenario, drawn.values)
    provenance = Provenance(
        version=__version__,
        scenario_file=scenario.source_file,
        scenario_sha256=scenario.source_sha256,
        seed=seed,
        samples=samples,
        sampler=str(drawn.sampler),
        overrides=overrides,
    )
    return RunResult(scenario, drawn, outcome, summarize(outcome, samples), provenance)
