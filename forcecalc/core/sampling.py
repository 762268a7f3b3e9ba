"""Drawing samples of a scenario's figures: Latin hypercube, scrambled Sobol or plain Monte Carlo,
whole or in chunks of rows (:func:`design_chunks`); the sampling defaults and limits.

Sampling is one call, separate from the model (as SALib separates ``sample`` and ``analyze``):
``values = sample(scenario, n, seed)``, ``outcome = evaluate(scenario, values)``.

Only uncertain figures are drawn, each from its own random stream keyed by its key path
(:mod:`forcecalc.core.streams`); points stay scalars and consume no random numbers. With ``lhs``
and ``mc``, overriding a figure with ``--set``, or adding or removing other figures, leaves every
other figure's samples bit for bit (common random numbers by path). A scrambled Sobol' design
is joint: ``sobol`` draws the uncertain figures together in document order, so there common
random numbers hold only while the set of uncertain figures is unchanged.
:func:`draw_rows` draws any block of rows of the design (bit for bit rows of :func:`sample` for
``mc`` and ``sobol``): the chunked run and the distributed engine use it.

The figures of a ``timeline`` (paths under ``timeline.``) are not in the main design
(:func:`design_figures`): :func:`timeline_rows` draws them (with ``mc`` and ``lhs`` by path, as
every figure; with ``sobol`` in a design of their own seeded by :func:`timeline_seed`), so
adding a timeline to a scenario leaves ``run`` and every analysis bit for bit as they were, and
``forcecalc timeline`` draws the steady-state figures exactly as ``run`` does.

:func:`unit_design` and :func:`design_chunks` are joint designs over ``d`` dimensions, kept
for what draws a design of its own (the analogs' rule backtests,
:mod:`forcecalc.calibration.rules`).

References
----------
.. [1] McKay, Beckman & Conover (1979), "A comparison of three methods for selecting values of
   input variables in the analysis of output from a computer code", Technometrics 21(2).
.. [2] Owen (1998), "Scrambling Sobol' and Niederreiter-Xing points", J. Complexity 14(4).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from forcecalc.core.budget import MAX_VALUES, check_sobol_dimensions
from forcecalc.core.correlation import Correlation, active, impose
from forcecalc.core.distributions import Point, truncated_ppf
from forcecalc.core.errors import ParameterError
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.core.streams import lhs_column, mc_rows, sobol_rows

#: Default number of samples: a power of two, so scrambled Sobol works at the default too.
DEFAULT_SAMPLES = 16_384
#: Default seed, printed with every result.
DEFAULT_SEED = 20_250_101
#: Most samples a single evaluation accepts.
MAX_SAMPLES = 10_000_000
#: Most rows of a design :func:`draw_rows` draws from: 10⁹, the distributed engine's limit
#: (mc and sobol rows do not depend on the design's size; one evaluation still takes at most
#: :data:`MAX_SAMPLES`).
MAX_DESIGN_ROWS = 1_000_000_000
#: Seeds are whole numbers in [0, MAX_SEED].
MAX_SEED = 2**64 - 1

#: Uniform draws are kept this far inside (0, 1) so that unbounded quantile functions stay finite.
_EPS = 1e-12
#: Key-path prefix of the timeline's figures, sampled from a design of their own.
TIMELINE_PREFIX = "timeline."
#: Entropy word of the timeline design's seed: ``SeedSequence([seed, TIMELINE_STREAM])``.
TIMELINE_STREAM = 0x6465_7369  # "desi"


class Sampler(StrEnum):
    """Ways to spread the samples over the unit hypercube."""

    LHS = "lhs"
    SOBOL = "sobol"
    MC = "mc"


#: Default sampler: a Latin hypercube.
DEFAULT_SAMPLER = Sampler.LHS


@dataclass(frozen=True)
class Samples:
    """Sampled values of every figure: arrays of length ``n`` (uncertain) or scalars (points)."""

    values: Mapping[str, NDArray[np.float64]]
    n: int
    seed: int
    sampler: Sampler


def unit_design(d: int, n: int, seed: int, sampler: Sampler) -> NDArray[np.float64]:
    """An ``(n, d)`` array of points in the open unit hypercube.

    Parameters
    ----------
    d : int
        Number of dimensions (figures).
    n : int
        Number of samples; a power of two for ``sobol``.
    seed : int
        Seed of the generator; the same seed gives the same points bit for bit.
    sampler : Sampler
        ``lhs`` (Latin hypercube, [1]_), ``sobol`` (scrambled, [2]_) or ``mc``.
    """
    check_sample_count(n, sampler)
    check_seed(seed)
    check_memory(n, d)
    if sampler is Sampler.SOBOL:
        check_sobol_dimensions(d)
    rng = np.random.default_rng(seed)
    if d == 0:
        return np.empty((n, 0))
    from scipy.stats import qmc  # lazy: scipy.stats costs ~300 ms of start-up

    if sampler is Sampler.LHS:
        u = qmc.LatinHypercube(d, rng=rng).random(n)
    elif sampler is Sampler.SOBOL:
        u = qmc.Sobol(d, scramble=True, rng=rng).random_base2(int(n).bit_length() - 1)
    else:
        u = rng.random((n, d))
    return np.clip(u, _EPS, 1.0 - _EPS)


def check_sample_count(n: int, sampler: Sampler, most: int = MAX_SAMPLES) -> None:
    """Raise :class:`ParameterError` (``samples``) unless ``n`` samples, at most ``most``, can
    be drawn with ``sampler``."""
    if not 1 <= n <= most:
        raise ParameterError("samples", f"{n}", f"a whole number from 1 to {most:,}")
    if sampler is Sampler.SOBOL and n & (n - 1):
        lower = 1 << (n.bit_length() - 1)
        raise ParameterError(
            "samples", f"{n}", f"a power of two for the sobol sampler (e.g. {lower} or {lower * 2})"
        )


def check_seed(seed: int) -> None:
    """Raise :class:`ParameterError` (``seed``) unless ``seed`` is a whole number in
    [0, :data:`MAX_SEED`]."""
    if not 0 <= seed <= MAX_SEED:
        raise ParameterError("seed", f"{seed}", "a whole number from 0 to 2**64 - 1")


def check_memory(n: int, d: int, what: str = "figures") -> None:
    """Raise :class:`ParameterError` (``samples``) if ``n`` samples of ``d`` figures exceed
    :data:`MAX_VALUES`; ``what`` names them in the message (``uncertain figures``)."""
    if n * d > MAX_VALUES:
        raise ParameterError(
            "samples",
            f"{n:,} for a scenario of {d:,} {what}",
            f"at most {MAX_VALUES // d:,} (at most {MAX_VALUES:,} sampled values, to bound memory)",
        )


def figure_values(figure: Figure, u: NDArray[np.float64]) -> NDArray[np.float64]:
    """Map uniform points to the figure's values, truncated to its domain."""
    if isinstance(figure.dist, Point):
        return np.float64(figure.dist.value)
    return truncated_ppf(figure.dist, u, figure.domain.lower, figure.domain.upper)


def domain_cut(figure: Figure) -> float:
    """Probability mass of the figure's distribution outside its domain. [probability]

    Sampling truncates to the domain, so when this is not 0 the stated ends of a range (a
    ``{low, high}`` 90% interval's P5 and P95) are no longer the sampled percentiles.
    """
    if isinstance(figure.dist, Point):
        return 0.0
    d = figure.domain
    below = float(figure.dist.cdf(d.lower)) if math.isfinite(d.lower) else 0.0
    above = 1.0 - float(figure.dist.cdf(d.upper)) if math.isfinite(d.upper) else 0.0
    return below + above


def describe_figure(figure: Figure) -> str:
    """The figure's distribution, and its sampled P5–P95 when its domain cuts it (0.1% or more).

    E.g. ``0 to 10000 (90% interval, normal); 5.0% cut off by its domain [0, inf): sampled
    P5–P95 1,061–10,080``.
    """
    text = figure.dist.describe()
    cut = domain_cut(figure)
    if cut >= 1e-3:
        p5, p95 = figure_values(figure, np.array([0.05, 0.95]))
        text += (
            f"; {cut:.1%} cut off by its domain {figure.domain.describe()}: sampled P5–P95 "
            f"{_four_digits(p5)}–{_four_digits(p95)}"
        )
    return text


def _four_digits(x: float) -> str:
    """``10080.3`` → ``"10,080"``; ``0.031823`` → ``"0.03182"``."""
    return f"{float(f'{x:.4g}'):,g}"


def design_figures(scenario: Scenario) -> list[Figure]:
    """The figures of the main design, one column each, in document order: every figure but
    the timeline's."""
    return [f for f in scenario.figures.values() if not f.path.startswith(TIMELINE_PREFIX)]


def timeline_figures(scenario: Scenario) -> list[Figure]:
    """The timeline's figures (``timeline.``), in document order: the columns of the
    timeline's own design."""
    return [f for f in scenario.figures.values() if f.path.startswith(TIMELINE_PREFIX)]


def timeline_seed(seed: int) -> int:
    """The seed of the timeline's design for a run with ``seed``.

    Notes
    -----
    ``int(SeedSequence([seed, TIMELINE_STREAM]).generate_state(1, numpy.uint64)[0])``: a
    stream of its own, fixed by the run's seed, so the main design's draws are untouched.
    """
    check_seed(seed)
    state = np.random.SeedSequence([seed, TIMELINE_STREAM]).generate_state(1, np.uint64)
    return int(state[0])


def sample_timeline(
    scenario: Scenario,
    n: int,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = DEFAULT_SAMPLER,
) -> dict[str, NDArray[np.float64]]:
    """``n`` samples of the timeline's figures (:func:`timeline_rows` of every row): what
    ``forcecalc timeline`` adds to :func:`sample`'s values."""
    return timeline_rows(scenario, n, seed, sampler, 0, n)


def timeline_rows(
    scenario: Scenario,
    n: int,
    seed: int,
    sampler: Sampler | str,
    start: int,
    stop: int,
) -> dict[str, NDArray[np.float64] | np.float64]:
    """Rows ``start:stop`` of the timeline's figures (``timeline.``), as :func:`draw_rows`.

    ``mc`` and ``lhs`` draw each from its own stream keyed by its path, as every figure;
    ``sobol`` draws the uncertain ones in a Sobol' design of their own, seeded with
    :func:`timeline_seed`, so that a timeline leaves the main design (and so ``run``) as it is.
    The scenario's correlations are not imposed on them.
    """
    sampler = Sampler(sampler)
    _check_rows(n, seed, sampler, start, stop)
    figures = timeline_figures(scenario)
    own = timeline_seed(seed) if sampler is Sampler.SOBOL else seed
    u = _unit_columns(figures, n, own, sampler, start, stop)
    return {f.path: figure_values(f, u.get(f.path)) for f in figures}


def draw_rows(
    scenario: Scenario,
    n: int,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = DEFAULT_SAMPLER,
    start: int = 0,
    stop: int | None = None,
) -> dict[str, NDArray[np.float64] | np.float64]:
    """The values of every figure of the design (:func:`design_figures`) for rows
    ``start:stop`` of the ``n``-row design: arrays of ``stop - start`` values (uncertain
    figures) or scalars (points).

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario (overrides already applied).
    n : int
        Rows of the whole design (a power of two for ``sobol``).
    seed : int
        Seed of the run.
    sampler : Sampler or str
        ``mc``, ``sobol`` or ``lhs``.
    start, stop : int
        The rows drawn, ``0 <= start < stop <= n``; ``stop`` defaults to ``n``.

    Raises
    ------
    ParameterError
        ``samples``, ``seed`` or ``sampler`` for values that cannot be used; ``sampler`` for
        ``lhs`` unless ``start == 0`` and ``stop == n`` (a Latin hypercube's strata depend on
        ``n``, so it is drawn whole).

    Notes
    -----
    Only uncertain figures are drawn, each from its own stream keyed by its path
    (:mod:`forcecalc.core.streams`); points consume no stream. For ``mc`` and ``sobol`` the
    rows equal rows ``start:stop`` of :func:`sample` bit for bit, whatever the partition, as
    long as the scenario has no ``correlations``: those are imposed (Iman–Conover) on the
    block's rows, so a correlated run drawn in several blocks depends on the blocks (each
    figure keeps its values, so its distribution, exactly).
    """
    figures = design_figures(scenario)
    return draw_figure_rows(figures, n, seed, sampler, start, stop, scenario.correlations)


def draw_figure_rows(
    figures: Sequence[Figure],
    n: int,
    seed: int,
    sampler: Sampler | str,
    start: int = 0,
    stop: int | None = None,
    correlations: Sequence[Correlation] = (),
) -> dict[str, NDArray[np.float64] | np.float64]:
    """:func:`draw_rows` of the given ``figures`` (with ``correlations`` imposed among them):
    the same values for the figures of a scenario's design and its correlations."""
    sampler = Sampler(sampler)
    stop = n if stop is None else stop
    _check_rows(n, seed, sampler, start, stop)
    check_memory(stop - start, sum(f.is_uncertain for f in figures), "uncertain figures")
    u = _unit_columns(figures, n, seed, sampler, start, stop)
    u = _correlate_columns(correlations, u)
    return {f.path: figure_values(f, u.get(f.path)) for f in figures}


def _check_rows(n: int, seed: int, sampler: Sampler, start: int, stop: int) -> None:
    check_sample_count(n, sampler, most=MAX_DESIGN_ROWS)
    check_seed(seed)
    if not 0 <= start < stop <= n:
        raise ParameterError("rows", f"{start}:{stop}", f"0 <= start < stop <= {n:,}")
    if sampler is Sampler.LHS and (start, stop) != (0, n):
        raise ParameterError(
            "sampler",
            f"rows {start:,}:{stop:,} of {n:,}",
            "mc or sobol for part of a design (a Latin hypercube's strata depend on n)",
            detail="lhs",
        )


def _unit_columns(
    figures: Sequence[Figure], n: int, seed: int, sampler: Sampler, start: int, stop: int
) -> dict[str, NDArray[np.float64]]:
    """Rows ``start:stop`` of the uniform column of every uncertain figure of ``figures``,
    kept inside (0, 1) by :data:`_EPS`."""
    paths = [f.path for f in figures if f.is_uncertain]
    if sampler is Sampler.SOBOL:
        check_sobol_dimensions(len(paths))
        block = sobol_rows(len(paths), seed, start, stop) if paths else None
        columns = {p: np.ascontiguousarray(block[:, j]) for j, p in enumerate(paths)}
    elif sampler is Sampler.LHS:
        columns = {p: lhs_column(seed, p, n) for p in paths}
    else:
        columns = {p: mc_rows(seed, p, start, stop) for p in paths}
    for u in columns.values():
        np.clip(u, _EPS, 1.0 - _EPS, out=u)
    return columns


def _correlate_columns(
    correlations: Sequence[Correlation], columns: dict[str, NDArray[np.float64]]
) -> dict[str, NDArray[np.float64]]:
    """``columns`` (uncertain figures' uniform columns) with ``correlations`` imposed on
    those they join (:func:`forcecalc.core.correlation.impose`)."""
    chosen = active(correlations, list(columns))
    if not chosen:
        return columns
    named = [p for p in columns if any(p in c.between for c in chosen)]
    joined = impose(
        np.column_stack([columns[p] for p in named]), named, [True] * len(named), chosen
    )
    return {**columns, **{p: joined[:, j] for j, p in enumerate(named)}}


def sample(
    scenario: Scenario,
    n: int,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = DEFAULT_SAMPLER,
) -> Samples:
    """Draw ``n`` samples of every figure of ``scenario`` (:func:`draw_rows` of every row).

    Points stay scalars (they broadcast in the model); uncertain figures become arrays of
    length ``n``, each drawn from its own stream keyed by its path. The scenario's
    ``correlations`` are imposed on the uncertain columns. The timeline's figures are not
    drawn (:func:`design_figures`; ``forcecalc timeline`` adds :func:`timeline_rows`).
    """
    sampler = Sampler(sampler)
    check_sample_count(n, sampler)  # one evaluation: at most MAX_SAMPLES
    values = draw_rows(scenario, n, seed, sampler, 0, n)
    return Samples(values=values, n=n, seed=seed, sampler=sampler)


def correlate(scenario: Scenario, u: NDArray[np.float64]) -> NDArray[np.float64]:
    """The design ``u`` (one column per figure of :func:`design_figures`) with the scenario's
    ``correlations`` imposed by Iman–Conover (:func:`forcecalc.core.correlation.impose`).

    ``u`` itself when the scenario has no correlation between uncertain figures, so such a
    scenario samples bit for bit as before. A chunked run (:func:`design_chunks`) imposes them
    on each chunk: every chunk keeps its values, so each figure keeps its distribution, and
    the rank correlations hold within each chunk (the run then depends on the chunk size).
    """
    if not scenario.correlations:
        return u
    figures = design_figures(scenario)
    paths = [f.path for f in figures]
    return impose(u, paths, [f.is_uncertain for f in figures], scenario.correlations)


def correlated_figures(scenario: Scenario) -> tuple[str, ...]:
    """The uncertain figures that the scenario's correlations join, in document order: those
    :func:`correlate` reorders (empty: every figure is sampled independently)."""
    uncertain = [f.path for f in scenario.uncertain]
    chosen = active(scenario.correlations, uncertain)
    return tuple(p for p in uncertain if any(p in c.between for c in chosen))


def design_chunks(
    d: int, n: int, seed: int, sampler: Sampler | str, chunk: int
) -> Iterator[tuple[int, NDArray[np.float64]]]:
    """The rows of :func:`unit_design` ``(n, d)``, ``chunk`` rows at a time.

    Yields ``(start, u)`` with ``u`` the rows ``start:start + len(u)``. Concatenated, the
    chunks equal ``unit_design(d, n, seed, sampler)`` bit for bit, whatever ``chunk`` is.

    Raises
    ------
    ParameterError
        ``sampler`` ``lhs`` for more than one chunk.

    Notes
    -----
    ``mc``: one generator fills rows in order, so a chunk is the next ``chunk * d`` numbers of
    the stream. ``sobol``: one scrambled Sobol' engine generates points in order (its
    scrambling is drawn once, from the seed). ``lhs`` cannot be chunked: a Latin hypercube's
    strata and permutations depend on ``n``, so it is drawn whole and must fit in one chunk.
    The chunks are independent designs; a scenario's ``correlations`` are imposed on each
    chunk by its caller (:func:`correlate`), so a correlated run of several chunks depends on
    the chunk size.
    """
    sampler = Sampler(sampler)
    if sampler is Sampler.LHS:
        if n > chunk:
            raise ParameterError(
                "sampler",
                f"{n:,} samples in chunks of {chunk:,}",
                "mc or sobol for runs of more than one chunk (a Latin hypercube's strata "
                "depend on n)",
                detail="lhs",
            )
        yield 0, unit_design(d, n, seed, sampler)
        return
    if sampler is Sampler.SOBOL:
        check_sobol_dimensions(d)
    rng = np.random.default_rng(seed)
    engine = None
    if sampler is Sampler.SOBOL and d:
        from scipy.stats import qmc  # lazy: scipy.stats costs ~300 ms of start-up

        engine = qmc.Sobol(d, scramble=True, rng=rng)
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        if d == 0:
            u = np.empty((m, 0))
        elif engine is not None:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="The balance properties")
                u = engine.random(m)
        else:
            u = rng.random((m, d))
        yield start, np.clip(u, _EPS, 1.0 - _EPS)
