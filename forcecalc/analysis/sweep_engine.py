"""A sweep with its grid points on an engine (:mod:`forcecalc.core.engine`):
:func:`sweep_on`, equal to :func:`forcecalc.analysis.sweep.sweep` bit for bit.

The grid is split along its first axis into blocks of values; each block is a task, the sweep
of those values (and every value of the second axis), so the grid points come back in the
sweep's row-major order. Every task draws the samples the whole sweep draws (common random
numbers: they do not depend on the varied figures' values), and a grid point's bands are
computed from its own row of samples alone, so where it is computed does not change them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from forcecalc.analysis.sweep import SWEEP_OUTPUTS, Sweep, SweepAxis, sweep
from forcecalc.core import budget
from forcecalc.core.engine import Engine, ProgressCallback
from forcecalc.core.errors import ParameterError
from forcecalc.core.sampling import DEFAULT_SAMPLER, DEFAULT_SAMPLES, DEFAULT_SEED, Sampler
from forcecalc.core.scenario import Scenario

#: Blocks per worker the first axis is split into (so a slow block does not hold the rest).
BLOCKS_PER_WORKER = 4


def sweep_block(common: tuple[Any, ...], values: tuple[float, ...]) -> Sweep:
    """A task: the sweep of ``values`` of the first axis; ``common`` is (scenario, axes,
    samples, seed, sampler, overrides, outputs)."""
    scenario, axes, samples, seed, sampler, overrides, outputs = common
    first = SweepAxis(axes[0].path, values)
    return sweep(scenario, [first, *axes[1:]], samples, seed, sampler, overrides, outputs)


def sweep_on(
    engine: Engine,
    scenario: Scenario,
    axes: Sequence[SweepAxis],
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = DEFAULT_SAMPLER,
    overrides: Mapping[str, float] | None = None,
    outputs: Sequence[str] = SWEEP_OUTPUTS,
    on_progress: ProgressCallback | None = None,
) -> Sweep:
    """:func:`~forcecalc.analysis.sweep.sweep` with blocks of the first axis on ``engine``.

    Parameters and errors are ``sweep``'s (checked on the whole grid first: its axes, by
    a sweep of their first values, and its budget); the result is the same bit for bit.
    """
    if not 1 <= len(axes) <= 2:
        raise ParameterError("axes", f"{len(axes)} figures", "one or two")
    budget.check_sweep(math.prod(len(a.values) for a in axes), samples)
    ends = [SweepAxis(a.path, (a.values[0], a.values[-1])) for a in axes]
    sweep(scenario, ends, 1, seed, Sampler.MC, overrides, outputs)  # the axes' checks, cheaply
    for a in axes:
        sweep(scenario, [SweepAxis(a.path, a.values)], 1, seed, Sampler.MC, overrides, outputs)
    values = axes[0].values
    count = min(len(values), max(1, engine.workers * BLOCKS_PER_WORKER))
    size = math.ceil(len(values) / count)
    blocks = [values[i : i + size] for i in range(0, len(values), size)]
    common = (scenario, tuple(axes), samples, seed, sampler, overrides, tuple(outputs))
    per_point = math.prod(len(a.values) for a in axes[1:])
    parts, done = [], 0
    for part in engine.map(sweep_block, common, blocks):
        parts.append(part)
        done += len(part.points)
        if on_progress is not None:
            on_progress(done, len(values) * per_point)
    points = tuple(p for part in parts for p in part.points)
    return replace(parts[0], axes=tuple(axes), points=points)
