"""Runs of many samples in chunks of bounded memory: :func:`run_chunked`.

The design is drawn chunk by chunk (:func:`forcecalc.core.sampling.design_chunks`), each chunk
evaluated and its outputs copied into whole-run arrays, so a chunked run equals
:func:`forcecalc.core.runner.run` bit for bit for the same seed and sampler, whatever the chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from forcecalc.core.budget import MAX_VALUES
from forcecalc.core.errors import ParameterError
from forcecalc.core.heap import kept_heap
from forcecalc.core.model import Outcome, evaluate
from forcecalc.core.provenance import build_provenance
from forcecalc.core.ranged import Override
from forcecalc.core.runner import RunResult, check_finite, override, run
from forcecalc.core.sampling import (
    DEFAULT_SAMPLER,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    MAX_SAMPLES,
    Sampler,
    Samples,
    check_sample_count,
    check_seed,
    design_figures,
    draw_rows,
)
from forcecalc.core.scenario import Scenario
from forcecalc.core.summary import summarize

FloatArray = NDArray[np.float64]
ProgressCallback = Callable[[int, int], None]

#: Default number of samples of :func:`run_chunked` (``forcecalc run-large``).
DEFAULT_LARGE_SAMPLES = MAX_SAMPLES
#: Default sampler of :func:`run_chunked`: plain Monte Carlo, which chunks at any size.
DEFAULT_LARGE_SAMPLER = Sampler.MC
#: Samples evaluated at once by :func:`run_chunked`.
DEFAULT_CHUNK = 1 << 19
#: Samples evaluated at once by :func:`run_sized` for a scenario without ``correlations``
#: (whose results do not depend on the chunk): a smaller working set (10 million samples of
#: the default scenario: ~20 MB against ~145 MB at :data:`DEFAULT_CHUNK`), no slower.
LEAN_CHUNK = 1 << 16
#: Most samples :func:`run_chunked` accepts: those of ``forcecalc run``
#: (:data:`~forcecalc.core.sampling.MAX_SAMPLES`), whose memory grows ~8 bytes per sample per
#: output that varies.
MAX_LARGE_SAMPLES = MAX_SAMPLES
#: Most output values a chunked run keeps whole (samples × outputs that vary): 2 GiB.
MAX_KEPT_VALUES = 2**28


def run_sized(
    scenario: Scenario,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str | None = None,
    overrides: Mapping[str, Override] | None = None,
    chunk_samples: int | None = None,
    on_progress: ProgressCallback | None = None,
    at_once: int = MAX_VALUES,
) -> RunResult:
    """:func:`forcecalc.run` for any number of samples (``forcecalc run``): in one piece when
    samples × figures fit in ``at_once`` values, else in chunks (:func:`run_chunked`).

    Parameters
    ----------
    scenario, samples, seed, overrides
        As :func:`forcecalc.run`; ``samples`` up to :data:`MAX_SAMPLES`.
    sampler : Sampler or str, optional
        As :func:`forcecalc.run`; by default ``lhs`` where the run is in one piece and ``mc``
        where it is chunked (a Latin hypercube's strata depend on the whole design, so it
        cannot be drawn in chunks).
    chunk_samples : int, optional
        Chunk the run, this many samples at a time, whatever its size; by default a run is
        chunked only when it must be, ``at_once // figures`` samples (at most
        :data:`LEAN_CHUNK`, or :data:`DEFAULT_CHUNK` for a scenario with ``correlations``,
        whose chunks change its numbers) at a time.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` after each chunk.
    at_once : int
        Most values sampled at once (:data:`~forcecalc.core.budget.MAX_VALUES`).

    Raises
    ------
    ParameterError
        As :func:`forcecalc.run` and :func:`run_chunked` raise it; ``sampler`` ``lhs`` for a
        run that must be chunked.

    Notes
    -----
    A run that fits is :func:`forcecalc.run` itself, so every result at a size ``run``
    accepted before keeps its numbers. A chunked run keeps every output whole and takes the
    percentiles of all the samples at once, so its percentiles are exact: they are those an
    unchunked run of the same design would give (bit for bit, without ``correlations``).
    """
    d = max(len(design_figures(scenario)), 1)
    fits = samples * d <= at_once and chunk_samples is None
    chosen = Sampler(sampler) if sampler is not None else DEFAULT_SAMPLER
    if sampler is None and not fits:
        chosen = DEFAULT_LARGE_SAMPLER
    check_sample_count(samples, chosen)
    if fits:
        return run(scenario, samples, seed, chosen, overrides)
    # Without correlations the chunk changes no number: the smaller one bounds memory better.
    default = DEFAULT_CHUNK if scenario.correlations else LEAN_CHUNK
    chunk = chunk_samples or max(1, min(default, at_once // d))
    if chosen is Sampler.LHS and samples > chunk:
        raise ParameterError(
            "sampler",
            f"{samples:,} samples of {d:,} figures",
            f"mc or sobol above {at_once // d:,} samples of this scenario, which are drawn in "
            "chunks (a Latin hypercube is drawn whole); with no sampler given, run uses mc",
            detail="lhs",
        )
    return run_chunked(scenario, samples, seed, chosen, overrides, chunk, on_progress)


def run_chunked(
    scenario: Scenario,
    samples: int = DEFAULT_LARGE_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str = DEFAULT_LARGE_SAMPLER,
    overrides: Mapping[str, float] | None = None,
    chunk_samples: int = DEFAULT_CHUNK,
    on_progress: ProgressCallback | None = None,
) -> RunResult:
    """:func:`forcecalc.run` for many samples, sampled and evaluated ``chunk_samples`` at a time.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario.
    samples : int
        Number of samples, up to :data:`MAX_LARGE_SAMPLES` (a power of two for ``sobol``).
    seed : int
        Seed; the result does not depend on ``chunk_samples``.
    sampler : Sampler or str
        ``mc`` (default) or ``sobol``; ``lhs`` only when ``samples <= chunk_samples``.
    overrides : mapping of str to float, optional
        Figures set to point values, as ``--set`` does.
    chunk_samples : int
        Samples sampled and evaluated at once.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` after each chunk.

    Raises
    ------
    ParameterError
        Naming ``samples``, ``seed``, ``sampler`` or ``chunk_samples`` for a value that
        cannot be used, ``overrides`` for an override the scenario cannot hold.

    Returns
    -------
    RunResult
        As :func:`forcecalc.run` returns, equal to it for the same seed and sampler; only
        ``samples.values`` is empty (the inputs are not kept).

    Notes
    -----
    The design is generated chunk by chunk exactly as :func:`design_chunks` describes, so a
    chunked run equals an unchunked one bit for bit, unless the scenario has ``correlations``
    and the run takes more than one chunk: they are imposed on each chunk (each figure still
    keeps its distribution exactly). The outputs are kept whole (exact
    percentiles need every value): about 8 bytes per sample per output that varies, ~1 GB for
    10 million samples of the default scenario, plus one chunk's working arrays.
    """
    sampler = Sampler(sampler)
    check_sample_count(samples, sampler, most=MAX_LARGE_SAMPLES)
    check_seed(seed)
    if chunk_samples < 1:
        raise ParameterError("chunk_samples", f"{chunk_samples}", "a whole number ≥ 1")
    overrides = dict(overrides or {})
    scenario = override(scenario, overrides)
    if sampler is Sampler.LHS and samples > chunk_samples:
        raise ParameterError(
            "sampler",
            f"{samples:,} samples in chunks of {chunk_samples:,}",
            "mc or sobol for runs of more than one chunk (a Latin hypercube's strata depend on n)",
            detail="lhs",
        )
    with kept_heap():  # each chunk reuses the last one's memory: no page faults
        store: dict[str, FloatArray | np.float64] = {}
        aliases: dict[str, str] = {}
        for start in range(0, samples, chunk_samples):
            stop = min(start + chunk_samples, samples)
            # per chunk: a correlated run depends on chunk_samples; the timeline's are not drawn
            values = draw_rows(scenario, samples, seed, sampler, start, stop)
            with np.errstate(over="ignore", invalid="ignore"):  # check_finite reports it
                chunk = evaluate(scenario, values)
            check_finite(scenario, values, chunk)
            flat = _flatten(chunk)
            _store(store, aliases, flat, start, samples)
            _check_kept(store, samples)
            if on_progress is not None:
                on_progress(stop, samples)
        outcome = _unflatten({k: store[aliases.get(k, k)] for k in flat})  # in the model's order
        provenance = build_provenance(scenario, samples, seed, sampler, overrides)
        drawn = Samples(values={}, n=samples, seed=seed, sampler=sampler)
        return RunResult(scenario, drawn, outcome, summarize(outcome, samples), provenance)


def _flatten(outcome: Outcome) -> dict[str, object]:
    flat: dict[str, object] = {}
    for name, value in vars(outcome).items():
        if isinstance(value, Mapping):
            flat.update({f"{name}.{k}": v for k, v in value.items()})
        elif value is not None:
            flat[name] = value
    return flat


def _store(
    store: dict[str, FloatArray | np.float64],
    aliases: dict[str, str],
    flat: Mapping[str, object],
    start: int,
    n: int,
) -> None:
    """Copy one chunk's outputs into whole-run arrays; outputs that never vary stay scalars.

    An output equal, so far, to another (a category of one task, a sector holding every task)
    is kept once: ``aliases`` maps it to the one held, until a chunk where they differ.
    """
    chunk = {key: np.asarray(value, dtype=float) for key, value in flat.items()}
    for key, arr in chunk.items():
        if key not in store and key not in aliases and arr.ndim:
            same = (k for k in store if k in chunk and _equal(chunk[k], arr))
            if (target := next(same, None)) is not None:
                aliases[key] = target
        if key in aliases:
            target = aliases[key]
            if _equal(chunk[target], arr):
                continue
            del aliases[key]
            store[key] = np.array(store[target], copy=True)  # equal up to this chunk
        if key not in store:
            store[key] = np.float64(arr) if arr.ndim == 0 else np.empty(n)
        held = store[key]
        if np.ndim(held) == 0:
            if arr.ndim == 0:
                continue
            store[key] = held = np.full(n, held)
        held[start : start + len(arr)] = arr


def _equal(a: FloatArray, b: FloatArray) -> bool:
    return bool(a.ndim and a.shape == b.shape and np.array_equal(a, b))


def _check_kept(store: Mapping[str, FloatArray | np.float64], n: int) -> None:
    """Refuse a run whose outputs kept whole would exceed :data:`MAX_KEPT_VALUES`."""
    varying = sum(np.ndim(v) > 0 for v in store.values())
    if n * varying > MAX_KEPT_VALUES:
        raise ParameterError(
            "samples",
            f"{n:,} for a scenario of {varying:,} outputs that vary",
            f"at most {MAX_KEPT_VALUES // varying:,} (at most {MAX_KEPT_VALUES:,} output values "
            "kept for exact percentiles, to bound memory)",
        )


def _unflatten(store: Mapping[str, FloatArray | np.float64]) -> Outcome:
    mappings = ("by_task", "by_category", "by_rule", "by_sector", "committed_by_category", "gaps")
    fields: dict[str, object] = {name: {} for name in mappings}
    for key, value in store.items():
        head, _, rest = key.partition(".")
        if rest:
            fields[head][rest] = value  # type: ignore[index]
        else:
            fields[key] = value
    return Outcome(**fields)  # type: ignore[arg-type]
