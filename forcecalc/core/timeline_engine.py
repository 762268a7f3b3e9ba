"""A timeline's chunked run on an engine (:mod:`forcecalc.core.engine`):
:func:`run_timeline_on`, equal to :func:`forcecalc.core.timeline_run.run_timeline` at the same
chunk size bit for bit.

Each chunk is a task that draws its rows of both designs
(:func:`~forcecalc.core.sampling.draw_rows`, :func:`~forcecalc.core.sampling.timeline_rows`)
and its rows of the withdrawal draws (the run's withdrawal generator advanced past the rows
before it: ``PCG64.advance``, one 64-bit output per draw), and returns its monthly arrays; they
are gathered in order and summarised by the local run's own summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from forcecalc.core import timeline as tl
from forcecalc.core.engine import Engine, ProgressCallback, chunk_rows
from forcecalc.core.model import evaluate
from forcecalc.core.provenance import build_provenance
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
from forcecalc.core.timeline_run import (
    TimelineResult,
    _chunk_size,
    _require_timeline,
    _summarize,
    _with_months,
)


def timeline_chunk(common: tuple[Any, ...], rows: tuple[int, int]) -> dict[str, Any]:
    """A task: one chunk's monthly outputs, committed by category and per-sample figures;
    ``common`` is (scenario, n, seed, sampler, horizon, categories)."""
    scenario, n, seed, sampler, horizon, categories = common
    start, stop = rows
    values = draw_rows(scenario, n, seed, sampler, start, stop)  # correlated per chunk
    values.update(timeline_rows(scenario, n, seed, sampler, start, stop))
    with np.errstate(over="ignore", invalid="ignore"):
        outcome = evaluate(scenario, values)
    check_finite(scenario, values, outcome)
    pledges = len(scenario.force_generation.pledges) if scenario.force_generation else 0
    rng = tl.withdrawal_generator(seed)
    rng.bit_generator.advance(start * pledges)  # the draws of the rows before this chunk
    draws = rng.random((stop - start, pledges))
    month = tl.monthly(scenario, values, outcome, draws, horizon)
    m = stop - start
    return {
        "keep": {k: getattr(month, k) for k in tl.monthly_outputs(scenario)},
        "by_cat": {c: month.committed_by_category.get(c, 0.0) for c in categories},
        "tours": month.pass_through,
        "ends": month.build_up_end,
        "mandate": np.broadcast_to(values[tl.PREFIX + "mandate_months"], (m,))[:, None],
    }


def run_timeline_on(
    engine: Engine,
    scenario: Scenario,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = DEFAULT_SAMPLER,
    overrides: Mapping[str, float] | None = None,
    months: int | None = None,
    chunk_samples: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> TimelineResult:
    """:func:`~forcecalc.core.timeline_run.run_timeline` with its chunks on ``engine``.

    Parameters and errors are ``run_timeline``'s; ``lhs`` runs as one chunk only (its
    ``sampler`` error otherwise). The result equals ``run_timeline``'s at the same
    ``chunk_samples`` bit for bit.
    """
    _require_timeline(scenario)
    sampler = Sampler(sampler)
    check_sample_count(samples, sampler)
    check_seed(seed)
    given = _with_months({p: plus_zero(v) for p, v in (overrides or {}).items()}, months)
    scenario = override(scenario, given)
    horizon = tl.horizon(scenario)
    categories = tuple(dict.fromkeys(t.category for t in scenario.tasks))
    tl.check_budget(samples, horizon, len(categories) + len(tl.monthly_outputs(scenario)))
    figures = len(design_figures(scenario)) + len(timeline_figures(scenario))
    chunk = _chunk_size(horizon, figures, chunk_samples)
    keep = {k: np.empty((samples, horizon)) for k in tl.monthly_outputs(scenario)}
    by_cat = {c: np.empty((samples, horizon)) for c in categories}
    tours, ends, mandate = np.empty(samples), np.empty(samples), np.empty((samples, 1))
    rows = chunk_rows(samples, chunk)
    common = (scenario, samples, seed, sampler, horizon, categories)
    for (start, stop), part in zip(rows, engine.map(timeline_chunk, common, rows), strict=True):
        for k, v in part["keep"].items():
            keep[k][start:stop] = v
        for c, v in part["by_cat"].items():
            by_cat[c][start:stop] = v
        tours[start:stop], ends[start:stop] = part["tours"], part["ends"]
        mandate[start:stop] = part["mandate"]
        if on_progress is not None:
            on_progress(stop, samples)
    provenance = build_provenance(scenario, samples, seed, sampler, given)
    return _summarize(scenario, keep, by_cat, (tours, ends, mandate), provenance)
