"""One call from a scenario with a ``timeline`` to its month-by-month result:
:func:`run_timeline`, shared by ``forcecalc timeline`` and the library.

The steady-state figures' samples are the same as :func:`forcecalc.run`'s (rows of
:func:`forcecalc.core.sampling.draw_rows`, drawn whole or in chunks, so a chunked run equals an
unchunked one, except that a scenario's correlations are imposed chunk by chunk, as in
``run-large``). The timeline's own figures (``timeline.``) come from
:func:`~forcecalc.core.sampling.timeline_rows`: with ``mc`` and ``lhs`` each figure has its own
stream keyed by its path, as every figure; with ``sobol`` they form a design of their own,
seeded with :func:`~forcecalc.core.sampling.timeline_seed` of the run's seed. Either way a
timeline never moves ``run``'s numbers. The model of :mod:`forcecalc.core.timeline` runs on
each chunk, and the monthly outputs are kept whole for exact percentiles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forcecalc.core import timeline as tl
from forcecalc.core.budget import MAX_VALUES
from forcecalc.core.errors import ParameterError, ScenarioError, Where
from forcecalc.core.model import evaluate
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.ranged import plus_zero
from forcecalc.core.runner import check_finite, override
from forcecalc.core.sampling import (
    DEFAULT_SAMPLER,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    Sampler,
    check_sample_count,
    check_seed,
    design_figures,
    draw_rows,
    timeline_figures,
    timeline_rows,
)
from forcecalc.core.scenario import Scenario
from forcecalc.core.summary import Band, band, band_rows

FloatArray = NDArray[np.float64]

#: A shortfall below this many people is rounding, not a shortfall. [personnel]
SHORTFALL_TOLERANCE = 1e-6
#: Arrays of samples × months a chunk holds at once while it is evaluated, at most.
WORKING_ARRAYS = 16


@dataclass(frozen=True)
class TimelineResult:
    """A timeline's monthly bands and its figures over the mandate.

    Attributes
    ----------
    months : int
        Months the result spans (the horizon, :func:`forcecalc.core.timeline.horizon`).
    monthly : mapping of str to ndarray
        ``required_deployed``, ``required_committed``, ``available``, ``shortfall`` (the
        pledges', compared as ``run`` compares them), and ``pool_shortfall`` for a scenario with
        a pool: each a ``(4, months)`` array of mean, P5, P50, P95 per month. [personnel]
    committed_by_category : mapping of str to ndarray
        Required committed of each category, ``(4, months)`` as above. [personnel]
    p_shortfall : ndarray
        Share of samples with a shortfall, per month. [probability]
    mandate : mapping of str to Band
        ``peak_committed`` and ``pass_through`` [personnel]; ``first_shortfall_month``,
        ``at_strength_month`` (first month without shortfall, descriptive),
        ``build_up_month`` (the month the planned build-up completes, with a build-up) and
        ``after_build_up_shortfall_month`` (first shortfall from then on) [months], over the
        samples where they happen (absent if none).
    probabilities : mapping of str to float
        ``p_no_shortfall`` (in no month), ``p_at_strength`` (some month without shortfall),
        ``p_no_shortfall_after_build_up`` (none from the month the planned build-up completes
        to the mandate's end: a window no withdrawal moves, so more withdrawal never raises
        it), and for a scenario with a pool ``p_pool_no_shortfall`` (the pool short in no
        month).
    toured, untoured : tuple of str
        Categories that pass-through counts (they state a tour length), and the others.
    """

    scenario: Scenario
    months: int
    monthly: Mapping[str, FloatArray]
    committed_by_category: Mapping[str, FloatArray]
    p_shortfall: FloatArray
    mandate: Mapping[str, Band]
    probabilities: Mapping[str, float]
    toured: tuple[str, ...]
    untoured: tuple[str, ...]
    provenance: Provenance


def _require_timeline(scenario: Scenario) -> None:
    if scenario.timeline is None:
        raise ScenarioError(
            Where(str(scenario.source_file or "<scenario>"), key_path="timeline"),
            "a scenario without a timeline section",
            "a timeline: mapping with at least mandate_months",
            "see docs/scenario-format.md, Timeline",
        )


def _with_months(overrides: dict[str, float], months: int | None) -> dict[str, float]:
    """The overrides with ``--months`` as ``timeline.mandate_months``."""
    path = tl.PREFIX + "mandate_months"
    if months is None:
        return overrides
    if path in overrides:
        raise ParameterError("months", f"{months} with an override of {path}", "one of the two")
    if not 1 <= months <= tl.MAX_MONTHS:
        raise ParameterError("months", f"{months}", f"a whole number from 1 to {tl.MAX_MONTHS}")
    return {**overrides, path: float(months)}


def _first(flags: NDArray[np.bool_]) -> FloatArray:
    """The first month (1-based) each row is true, NaN where never."""
    return np.where(flags.any(axis=1), flags.argmax(axis=1) + 1.0, np.nan)


def _mandate_stats(
    short: NDArray[np.bool_], in_mandate: NDArray[np.bool_], build_up_end: FloatArray
) -> dict[str, FloatArray]:
    """Per sample: first month of shortfall, first month at strength, first shortfall after
    the build-up (months ≥ ``build_up_end``, in the mandate) and whether there is none."""
    after = short & in_mandate & (tl.month_numbers(short.shape[1]) >= build_up_end[:, None])
    return {
        "first_shortfall_month": _first(short),
        "at_strength_month": _first(~short & in_mandate),
        "after_build_up_shortfall_month": _first(after),
        "none_after_build_up": ~after.any(axis=1),
    }


def _chunk_size(months: int, figures: int, chunk: int | None) -> int:
    """Samples evaluated at once: ``chunk``, or as many as keep a chunk's arrays within
    :data:`~forcecalc.core.budget.MAX_VALUES`."""
    if chunk is not None:
        if chunk < 1:
            raise ParameterError("chunk_samples", f"{chunk}", "a whole number ≥ 1")
        return chunk
    return max(1, MAX_VALUES // (months * WORKING_ARRAYS + figures))


def run_timeline(
    scenario: Scenario,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = DEFAULT_SAMPLER,
    overrides: Mapping[str, float] | None = None,
    months: int | None = None,
    chunk_samples: int | None = None,
) -> TimelineResult:
    """Sample the scenario, evaluate the requirement and the timeline month by month.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario with a ``timeline``.
    samples, seed, sampler, overrides
        As :func:`forcecalc.run`; the same values give the same samples.
    months : int, optional
        The mandate in months, for every sample (as an override of
        ``timeline.mandate_months``).
    chunk_samples : int, optional
        Samples evaluated at once (default: all that fit the budget); ``lhs`` needs one chunk.

    Raises
    ------
    ScenarioError
        For a scenario without a timeline.
    ParameterError
        As :func:`forcecalc.run`, and ``samples`` when samples × months is over the budget.
    """
    _require_timeline(scenario)
    sampler = Sampler(sampler)
    check_sample_count(samples, sampler)
    check_seed(seed)
    given = {path: plus_zero(value) for path, value in (overrides or {}).items()}
    given = _with_months(given, months)
    scenario = override(scenario, given)
    horizon = tl.horizon(scenario)
    categories = tuple(dict.fromkeys(t.category for t in scenario.tasks))
    tl.check_budget(samples, horizon, len(categories) + len(tl.monthly_outputs(scenario)))
    figures, own = design_figures(scenario), timeline_figures(scenario)
    chunk = _chunk_size(horizon, len(figures) + len(own), chunk_samples)
    pledges = len(scenario.force_generation.pledges) if scenario.force_generation else 0
    rng = tl.withdrawal_generator(seed)
    outputs = tl.monthly_outputs(scenario)
    keep = {k: np.empty((samples, horizon)) for k in outputs}
    by_cat = {c: np.empty((samples, horizon)) for c in categories}
    tours, ends = np.empty(samples), np.empty(samples)
    mandate = np.empty((samples, 1))
    for start in range(0, samples, chunk):
        stop = min(start + chunk, samples)
        values = draw_rows(scenario, samples, seed, sampler, start, stop)  # correlated per chunk
        values.update(timeline_rows(scenario, samples, seed, sampler, start, stop))
        m = stop - start
        with np.errstate(over="ignore", invalid="ignore"):
            outcome = evaluate(scenario, values)
        check_finite(scenario, values, outcome)
        draws = rng.random((m, pledges))
        month = tl.monthly(scenario, values, outcome, draws, horizon)
        rows = slice(start, stop)
        for k in outputs:
            keep[k][rows] = getattr(month, k)
        for c in categories:
            by_cat[c][rows] = month.committed_by_category.get(c, 0.0)
        tours[rows] = month.pass_through
        ends[rows] = month.build_up_end
        mandate[rows] = np.broadcast_to(values[tl.PREFIX + "mandate_months"], (m,))[:, None]
    provenance = build_provenance(scenario, samples, seed, sampler, given)
    return _summarize(scenario, keep, by_cat, (tours, ends, mandate), provenance)


def _summarize(
    scenario: Scenario,
    keep: Mapping[str, FloatArray],
    by_cat: Mapping[str, FloatArray],
    per_sample: tuple[FloatArray, FloatArray, FloatArray],
    provenance: Provenance,
) -> TimelineResult:
    """The bands and probabilities of the kept arrays; ``per_sample`` is (pass-through, the
    build-up's end, the mandate) of each sample."""
    tours, ends, mandate = per_sample
    samples, horizon = keep["shortfall"].shape
    short = keep["shortfall"] > SHORTFALL_TOLERANCE
    in_mandate = tl.month_numbers(horizon) <= mandate
    stats = _mandate_stats(short, in_mandate, ends)
    bands: dict[str, Band] = {
        "peak_committed": band(keep["required_committed"].max(axis=1), samples),
        "pass_through": band(tours, samples),
    }
    if tl.has_build_up(scenario):
        bands["build_up_month"] = band(np.maximum(1.0, np.ceil(ends)), samples)
    names = ("first_shortfall_month", "at_strength_month", "after_build_up_shortfall_month")
    for name in names:
        happened = stats[name][~np.isnan(stats[name])]
        if happened.size:
            bands[name] = band(happened, happened.size)
    probabilities = {
        "p_no_shortfall": float(np.mean(~short.any(axis=1))),
        "p_at_strength": float(np.mean(~np.isnan(stats["at_strength_month"]))),
        "p_no_shortfall_after_build_up": float(np.mean(stats["none_after_build_up"])),
    }
    if "pool_shortfall" in keep:
        pool_short = (keep["pool_shortfall"] > SHORTFALL_TOLERANCE).any(axis=1)
        probabilities["p_pool_no_shortfall"] = float(np.mean(~pool_short))
    toured, untoured = tl.toured(scenario)
    return TimelineResult(
        scenario=scenario,
        months=horizon,
        monthly={k: band_rows(v.T) for k, v in keep.items()},
        committed_by_category={c: band_rows(v.T) for c, v in by_cat.items()},
        p_shortfall=short.mean(axis=0),
        mandate=bands,
        probabilities=probabilities,
        toured=toured,
        untoured=untoured,
        provenance=provenance,
    )
