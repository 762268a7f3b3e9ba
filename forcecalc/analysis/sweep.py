"""Parametric sweeps: P5 / P50 / P95 of the outputs over a grid of one or two figures.

Common random numbers: the other figures keep the samples ``forcecalc run`` draws for the same
seed (every figure owns one column of the design), so differences between grid points come
from the varied figures alone.

References
----------
.. [1] Glasserman, P. (2003). *Monte Carlo Methods in Financial Engineering*, §4.1
   (common random numbers). Springer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forcecalc.analysis.problem import check_outputs
from forcecalc.core import budget
from forcecalc.core.backstop import check_results
from forcecalc.core.errors import ParameterError
from forcecalc.core.model import Outcome, evaluate
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.runner import check_point, named_results, override
from forcecalc.core.sampling import DEFAULT_SAMPLER, DEFAULT_SAMPLES, DEFAULT_SEED, Sampler, sample
from forcecalc.core.scenario import Scenario
from forcecalc.core.summary import Band, band_rows
from forcecalc.core.timeline import check_not_timeline

FloatArray = NDArray[np.float64]
ProgressCallback = Callable[[int, int], None]

#: Outputs a sweep reports unless others are named.
SWEEP_OUTPUTS = ("deployed", "committed")
#: Most grid points times samples evaluated at once: 2^22 cells, 32 MiB per output array.
MAX_CELLS = 1 << 22
#: Most steps along one axis of a sweep.
MAX_STEPS = 10_000


@dataclass(frozen=True)
class SweepAxis:
    """A figure and the values it takes in a sweep. [the figure's unit]"""

    path: str
    values: tuple[float, ...]


def axis(path: str, start: float, stop: float, steps: int) -> SweepAxis:
    """``steps`` evenly spaced values from ``start`` to ``stop`` (both included).

    Raises
    ------
    ParameterError
        ``steps``, not from 1 to :data:`MAX_STEPS`, or 1 with ``start != stop``.
    """
    if not 1 <= steps <= MAX_STEPS:
        raise ParameterError(
            "steps", f"{steps} steps", f"a whole number from 1 to {MAX_STEPS:,}", detail=path
        )
    if steps == 1 and start != stop:
        raise ParameterError(
            "steps",
            f"1 step from {start:g} to {stop:g}",
            "START = STOP for one step, or more steps",
            detail=path,
        )
    return SweepAxis(path, tuple(float(v) for v in np.linspace(start, stop, steps)))


def axis_by_step(path: str, start: float, stop: float, step: float) -> SweepAxis:
    """Values from ``start`` towards ``stop`` every ``step`` (``--vary KEY=START:STOP:step=S``):
    ``start``, ``start + step``, ... up to ``stop``, which is included when it falls on the
    grid (0:10:step=4 is 0, 4, 8). Each value is rounded to 12 significant digits, so that
    0:1:step=0.1 gives 0.3, not 0.30000000000000004. [the figure's unit]

    Raises
    ------
    ParameterError
        ``step``, not above 0, or giving more than :data:`MAX_STEPS` values.
    """
    if not step > 0:
        raise ParameterError("step", f"{step:g}", "a step above 0", detail=path)
    span = abs(stop - start)
    count = int(np.floor(span / step * (1 + 1e-12))) + 1 if np.isfinite(span / step) else 0
    if not 1 <= count <= MAX_STEPS:
        raise ParameterError(
            "step",
            f"{step:g} from {start:g} to {stop:g}",
            f"a step giving at most {MAX_STEPS:,} values",
            detail=path,
        )
    sign = 1.0 if stop >= start else -1.0
    values = (float(f"{start + sign * i * step:.12g}") for i in range(count))
    return SweepAxis(path, tuple(v + 0.0 for v in values))


def axis_of_values(path: str, values: Sequence[float]) -> SweepAxis:
    """The values given, in their order (``--vary KEY=v1,v2,v3``). [the figure's unit]

    Raises
    ------
    ParameterError
        ``values``, empty, with a value twice, or more than :data:`MAX_STEPS` of them.
    """
    if not 1 <= len(values) <= MAX_STEPS:
        raise ParameterError(
            "values", f"{len(values):,} values", f"from 1 to {MAX_STEPS:,} values", detail=path
        )
    twice = next((v for i, v in enumerate(values) if v in values[:i]), None)
    if twice is not None:
        raise ParameterError("values", f"{twice:g} twice", "each value once", detail=path)
    return SweepAxis(path, tuple(float(v) + 0.0 for v in values))


@dataclass(frozen=True)
class SweepPoint:
    """One grid point: the varied figures' values and the outputs' bands there.

    ``bands`` holds mean and P5 / P50 / P95 per output [personnel]; ``probabilities`` holds
    ``p_pledges_suffice`` and ``p_pool_suffices`` where the scenario has them.
    """

    coordinates: tuple[float, ...]
    bands: Mapping[str, Band]
    probabilities: Mapping[str, float]


@dataclass(frozen=True)
class Sweep:
    """A sweep over one or two figures: grid points in row-major order (last axis fastest)."""

    name: str
    axes: tuple[SweepAxis, ...]
    units: tuple[str, ...]
    outputs: tuple[str, ...]
    points: tuple[SweepPoint, ...]
    provenance: Provenance

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a.values) for a in self.axes)


def sweep(
    scenario: Scenario,
    axes: Sequence[SweepAxis],
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = DEFAULT_SAMPLER,
    overrides: Mapping[str, float] | None = None,
    outputs: Sequence[str] = SWEEP_OUTPUTS,
    max_cells: int = MAX_CELLS,
    on_progress: ProgressCallback | None = None,
) -> Sweep:
    """P5 / P50 / P95 of the outputs over a grid of one or two figures.

    Parameters
    ----------
    scenario : Scenario
        What to sweep.
    axes : sequence of SweepAxis
        One or two figures and their values, each inside the figure's domain.
    samples, seed, sampler
        The samples of the other figures, drawn exactly as ``forcecalc run`` draws them.
    overrides : mapping of str to float, optional
        Other figures set to point values, as ``--set`` does.
    outputs : sequence of str
        Outputs summarised at each point (``deployed``, ``committed``, ...).
    max_cells : int
        Most grid points × samples evaluated at once; larger grids go in row blocks.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` grid points after each block.

    Raises
    ------
    ParameterError
        ``axes``: not one or two different figures, or a value a figure cannot hold;
        ``steps``: a grid past the budget of :func:`forcecalc.core.budget.check_sweep`;
        ``overrides``, ``samples``, ``seed`` as :func:`forcecalc.core.runner.run` raises them.
    ScenarioError
        For results not finite or beyond the physical limits
        (:func:`forcecalc.core.backstop.check_results`).

    Notes
    -----
    The grid is flattened to ``G`` points of shape ``(G, 1)`` and broadcast against the
    ``(n,)`` samples, so the model runs once over a ``(G, n)`` array (in blocks of rows when
    ``G n > max_cells``). Every grid point sees the same samples of the other figures (common
    random numbers [1]_), so a point equals ``forcecalc run --set`` at its values, same seed.
    """
    scenario = override(scenario, dict(overrides or {}))
    if not 1 <= len(axes) <= 2:
        raise ParameterError("axes", f"{len(axes)} figures", "one or two")
    if len({a.path for a in axes}) < len(axes):
        raise ParameterError("axes", f"{axes[0].path} twice", "two different figures")
    for ax in axes:
        check_not_timeline(ax.path, "axes", "sweep")
        ends = (ax.values[0], ax.values[-1])  # the ends first: the values the user wrote
        for value in (*ends, *ax.values):
            check_point(scenario, ax.path, value, "axes")
    outputs = tuple(outputs)
    check_outputs(scenario, outputs)
    budget.check_sweep(math.prod(len(a.values) for a in axes), samples)
    base = override(scenario, {a.path: a.values[0] for a in axes})
    drawn = sample(base, samples, seed, sampler)
    grid = [g.reshape(-1, 1) for g in np.meshgrid(*[a.values for a in axes], indexing="ij")]
    paths = [a.path for a in axes]
    stats = _sweep_stats(
        base, dict(drawn.values), paths, grid, outputs, samples, max_cells, on_progress
    )
    points = tuple(
        SweepPoint(
            coordinates=tuple(float(g[i, 0]) for g in grid),
            bands={name: _band_at(stats[name], i) for name in outputs},
            probabilities={k: float(stats[k][i]) for k in stats if k.startswith("p_")},
        )
        for i in range(grid[0].shape[0])
    )
    return Sweep(
        name=scenario.name,
        axes=tuple(axes),
        units=tuple(scenario.figures[a.path].unit for a in axes),
        outputs=outputs,
        points=points,
        provenance=build_provenance(scenario, samples, seed, str(drawn.sampler), overrides),
    )


def _sweep_stats(
    scenario: Scenario,
    values: dict[str, FloatArray],
    paths: Sequence[str],
    grid: Sequence[FloatArray],
    outputs: Sequence[str],
    n: int,
    max_cells: int = MAX_CELLS,
    on_progress: ProgressCallback | None = None,
) -> dict[str, FloatArray]:
    """Per grid point: ``mean``/``p5``/``p50``/``p95`` rows per output, and probabilities.

    Returns ``{output: (4, G) array, 'p_...': (G,) array}``.
    """
    g = grid[0].shape[0]
    rows = max(1, max_cells // max(n, 1))
    parts: dict[str, list[FloatArray]] = {}
    for start in range(0, g, rows):
        block = slice(start, min(start + rows, g))
        for path, column in zip(paths, grid, strict=True):
            values[path] = column[block]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            outcome = evaluate(scenario, values, (*outputs, *_COVERAGES))
        shape = (block.stop - block.start, n)
        check_results(scenario, named_results(outcome), "the sweep's grid")
        for name in outputs:
            y = np.broadcast_to(np.asarray(getattr(outcome, name), dtype=float), shape)
            parts.setdefault(name, []).append(band_rows(y))
        for key, ratio in _coverages(outcome).items():
            covered = np.broadcast_to(np.asarray(ratio, dtype=float), shape) >= 1.0
            parts.setdefault(key, []).append(covered.mean(axis=-1))
        if on_progress is not None:
            on_progress(block.stop, g)
    return {k: np.concatenate(v, axis=-1) for k, v in parts.items()}


#: The coverages whose probabilities every sweep reports, where the scenario has them.
_COVERAGES = ("pledge_coverage", "pool_coverage")


def _coverages(outcome: Outcome) -> dict[str, FloatArray]:
    out = {}
    if outcome.pledge_coverage is not None:
        out["p_pledges_suffice"] = outcome.pledge_coverage
    if outcome.pool_coverage is not None:
        out["p_pool_suffices"] = outcome.pool_coverage
    return out


def _band_at(stats: FloatArray, i: int) -> Band:
    mean, p5, p50, p95 = (float(v) for v in stats[:, i])
    return Band(mean=mean, p5=p5, p50=p50, p95=p95)
