"""One call from scenario to summarised result, shared by the CLI and the app."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from forcecalc.core import densities
from forcecalc.core.backstop import first_bad_result
from forcecalc.core.errors import ParameterError, ScenarioError, Where
from forcecalc.core.limits import point_problem
from forcecalc.core.model import Outcome, evaluate
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.ranged import (
    Override,
    is_range,
    override_distribution,
    plus_zero,
    range_problem,
    show_override,
)
from forcecalc.core.sampling import (
    DEFAULT_SAMPLER,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    Sampler,
    Samples,
    sample,
)
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.core.shares import check_shares
from forcecalc.core.summary import (
    METRIC_NAMES,
    ClaimResult,
    Summary,
    check_claims,
    first_non_finite,
    summarize,
)
from forcecalc.core.sustainment import committed_by_category, covered


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


def find_figure(scenario: Scenario, path: str, parameter: str = "overrides") -> Figure:
    """The figure at ``path``, or a :class:`ParameterError` naming ``parameter``, the
    library's parameter that gave the path, with a "did you mean"."""
    figure = scenario.figures.get(path)
    if figure is None:
        close = difflib.get_close_matches(path, list(scenario.figures), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ParameterError(
            parameter,
            "an unknown figure path",
            f"one of the scenario's figures, listed by 'forcecalc sources'{hint}",
            detail=path,
        )
    return figure


def refused_pledges(scenario: Scenario) -> set[str]:
    """Paths of the pledges of contributors that refused: they stay 0, whatever is asked."""
    fg = scenario.force_generation
    return {p.figure_path for p in fg.pledges if p.status == "refused"} if fg else set()


def point_value_problem(
    scenario: Scenario, path: str, value: float, parameter: str = "overrides"
) -> str:
    """What a point value of the figure at ``path`` must be, if ``value`` is not one the
    scenario could hold, else ``""``: the loader's rules for a ``value:``
    (:func:`forcecalc.core.limits.point_problem`), and a contributor that refused pledges 0.
    Used by ``overrides``, a sweep's ``axes`` and a goal's ``search_range`` alike.

    Raises
    ------
    ParameterError
        Naming ``parameter``, for a path that is not a figure of the scenario.
    """
    figure = find_figure(scenario, path, parameter)
    problem = point_problem(figure, value)
    if not problem and path in refused_pledges(scenario) and value != 0:
        problem = f"0: the scenario says this contributor refused ({_where(figure)})"
    return problem


def check_point(scenario: Scenario, path: str, value: float, parameter: str) -> None:
    """Raise :class:`ParameterError` naming ``parameter`` unless ``value`` is a point an
    override would accept at ``path``.

    The same rules as a ``value:`` in a scenario or an override: finite, in the figure's
    domain, within its unit's limits, and 0 for a contributor that refused
    (:func:`point_value_problem`).
    """
    problem = point_value_problem(scenario, path, value, parameter)
    if problem:
        raise ParameterError(parameter, f"{value:g}", problem, detail=path)


def override(scenario: Scenario, assignments: Mapping[str, Override]) -> Scenario:
    """The scenario with some figures set to point values (``--set key.path=value``) or to
    ranges (``--set key.path=low:high``, ``low:mode:high``: :mod:`forcecalc.core.ranged`).

    A value must pass the rules a ``value:`` written in the scenario passes: finite, in the
    figure's domain and within its unit's limits (:func:`forcecalc.core.limits.point_problem`);
    a contributor that refused pledges 0; an ensemble keeps a weight above 0.

    Raises
    ------
    ParameterError
        ``overrides``, for a path that is not a figure of the scenario or a value the scenario
        could not hold.
    """
    dists = {}
    for path, value in assignments.items():
        problem = range_problem(value) if is_range(value) else ""
        if problem:
            raise ParameterError("overrides", show_override(value), problem, detail=path)
        dists[path] = override_distribution(
            value, lambda v, path=path: check_point(scenario, path, v, "overrides")
        )
    changed = scenario.with_distributions(dists)
    if changed.method == "ensemble" and not any(
        getattr(changed.figures[densities.weight_path(r)].dist, "value", 1.0) > 0
        for r in changed.rules
    ):
        given = ", ".join(f"{p}={show_override(v)}" for p, v in assignments.items())
        raise ParameterError(
            "overrides",
            "every ensemble weight 0",
            "a weight above 0 for at least one rule",
            detail=given,
        )
    _check_sector_weights(changed, assignments)
    return changed


def _check_sector_weights(scenario: Scenario, assignments: Mapping[str, float]) -> None:
    """Refuse overrides that weigh 0 every rule one sector of an ensemble by sector draws on
    (:func:`forcecalc.core.sectors.sector_mixtures`): that sector would take no rule."""
    for own in scenario.sector_ensembles:
        weights = [
            share * getattr(scenario.figures[densities.weight_path(r)].dist, "value", 1.0)
            for r, share in zip(own.rules, own.shares, strict=True)
        ]
        if not any(w > 0 for w in weights):
            given = ", ".join(f"{p}={show_override(v)}" for p, v in assignments.items())
            raise ParameterError(
                "overrides",
                f"weight 0 for every rule sector {own.sector} draws on ({', '.join(own.rules)})",
                f"a weight above 0 for at least one rule of sector {own.sector}",
                detail=given,
            )


def _where(figure: Figure) -> str:
    loc = figure.location
    return f"{loc.file}:{loc.line}" if loc is not None else figure.path


def coverage_denominators(
    scenario: Scenario, values: Mapping[str, ArrayLike], outcome: Outcome
) -> dict[str, ArrayLike]:
    """What each coverage divides by: the requirement of the categories it compares with
    (the ``pledge_basis``'s, of the categories some pledge covers; deployed of those the pool
    covers), all of it without ``covers``. [personnel]"""
    fg = scenario.force_generation
    if fg is None:
        return {}
    by = outcome.by_category
    out: dict[str, ArrayLike] = {"pool_coverage": outcome.deployed}
    if fg.pool_covers:
        out["pool_coverage"] = sum((by[c] for c in covered(fg.pool_covers, by)), 0.0)
    committed = fg.pledge_basis == "committed"
    out["pledge_coverage"] = outcome.committed if committed else outcome.deployed
    if any(p.covers for p in fg.pledges):
        if committed:
            by = committed_by_category(scenario, values, by)
        union = {c for p in fg.pledges for c in covered(p.covers, by)}
        out["pledge_coverage"] = sum((by[c] for c in by if c in union), 0.0)
    return out


def check_finite(scenario: Scenario, values: Mapping[str, ArrayLike], outcome: Outcome) -> None:
    """Refuse a result with a number that is not finite: the figures are too extreme.

    The loader's limits keep every figure physically possible, so this is a backstop: a
    result that overflows to infinity or becomes NaN is never printed, nor one beyond the
    physical limits of its unit (:mod:`forcecalc.core.backstop`: e.g. 10⁹ personnel).
    Coverage ratios whose requirement is 0 are infinite by design where something is
    available (1 where nothing is, :func:`forcecalc.core.model.coverage`) and exempt: the
    requirement of the categories compared (:func:`coverage_denominators`).

    Raises
    ------
    ScenarioError
        Naming the output, the sample, and the figures with the most extreme values in it;
        first, where shares of a whole reach 1 in some samples, naming those figures and how
        many samples (:func:`forcecalc.core.shares.check_shares`).
    """
    check_shares(scenario, values)
    found = first_non_finite(outcome, coverage_denominators(scenario, values, outcome))
    expected = "figures whose results are finite numbers"
    if found is None:
        found = first_bad_result(named_results(outcome))
        expected = "figures whose results are physically possible"
    if found is None:
        return
    name, i, value = found
    extreme = _most_extreme(scenario, values, i)
    figure = scenario.figures[extreme[0][0]] if extreme else None
    loc = figure.location if figure is not None else None
    where = Where(
        loc.file if loc is not None else str(scenario.source_file or "<scenario>"),
        loc.line if loc is not None else 0,
        loc.column if loc is not None else 0,
        figure.path if figure is not None else "",
    )
    shown = ", ".join(f"{p}={x:g}" for p, x in extreme)
    raise ScenarioError(
        where,
        f"figures that make {name} {value} (sample {i:,}: {shown})",
        expected,
        "see the limits in docs/scenario-format.md, validation rules",
    )


def named_results(outcome: Outcome) -> dict[str, ArrayLike]:
    """Every result of an outcome by its printed name (``deployed``, ``tasks.x`` ...)."""
    named: dict[str, ArrayLike] = {name: getattr(outcome, name) for name in METRIC_NAMES}
    named.update({f"tasks.{k}": v for k, v in outcome.by_task.items()})
    named.update({f"categories.{k}": v for k, v in outcome.by_category.items()})
    named.update({f"rules.{k}": v for k, v in outcome.by_rule.items()})
    named.update({f"committed_categories.{k}": v for k, v in outcome.committed_by_category.items()})
    return named


def _most_extreme(
    scenario: Scenario, values: Mapping[str, ArrayLike], i: int, n: int = 3
) -> list[tuple[str, float]]:
    """The ``n`` figures whose values in sample ``i`` are farthest from 1 in orders of size."""
    at: dict[str, float] = {}
    for path in scenario.figures:
        if path not in values:  # a timeline figure, drawn apart (sampling.design_figures)
            continue
        arr = np.asarray(values[path], dtype=float)
        at[path] = float(arr if arr.ndim == 0 else arr[min(i, arr.size - 1)])

    def size(x: float) -> float:
        return math.inf if not math.isfinite(x) else (abs(math.log10(abs(x))) if x else 0.0)

    return sorted(at.items(), key=lambda kv: -size(kv[1]))[:n]


def run(
    scenario: Scenario,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = DEFAULT_SAMPLER,
    overrides: Mapping[str, Override] | None = None,
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
    overrides : mapping of str to float or tuple, optional
        Figures set to point values, or to ranges (low, high) or (low, mode, high), as
        ``--set`` does (:mod:`forcecalc.core.ranged`).
    """
    overrides = {path: plus_zero(value) for path, value in (overrides or {}).items()}
    scenario = override(scenario, overrides)
    drawn = sample(scenario, samples, seed, sampler)
    with np.errstate(over="ignore", invalid="ignore"):  # check_finite reports it in one line
        outcome = evaluate(scenario, drawn.values)
    check_finite(scenario, drawn.values, outcome)
    provenance = build_provenance(scenario, samples, seed, drawn.sampler, overrides)
    return RunResult(scenario, drawn, outcome, summarize(outcome, samples), provenance)
