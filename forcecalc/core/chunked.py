"""Runs of many samples in chunks of bounded memory: :func:`run_chunked`.

The design is drawn chunk by chunk (:func:`forcecalc.core.sampling.design_chunks`), each chunk
evaluated and its outputs copied into whole-run arrays, so a chunked run equals
:func:`forcecalc.core.runner.run` bit for bit for the same seed and sampler, whatever the chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from forcecalc.core.errors import ParameterError
from forcecalc.core.model import Outcome, evaluate
from forcecalc.core.provenance import build_provenance
from forcecalc.core.runner import RunResult, check_finite, override
from forcecalc.core.sampling import (
    DEFAULT_SEED,
    Sampler,
    Samples,
    check_sample_count,
    check_seed,
    correlate,
    design_chunks,
    figure_values,
)
from forcecalc.core.scenario import Scenario
from forcecalc.core.summary import summarize

FloatArray = NDArray[np.float64]
ProgressCallback = Callable[[int, int], None]

#: Default number of samples of :func:`run_chunked` (``forcecalc run-large``).
DEFAULT_LARGE_SAMPLES = 10_000_000
#: Default sampler of :func:`run_chunked`: plain Monte Carlo, which chunks at any size.
DEFAULT_LARGE_SAMPLER = Sampler.MC
#: Samples evaluated at once by :func:`run_chunked`.
DEFAULT_CHUNK = 1 << 19
#: Most samples :func:`run_chunked` accepts (memory grows ~100 bytes per sample).
MAX_LARGE_SAMPLES = 100_000_000


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
    figures = list(scenario.figures.values())
    store: dict[str, FloatArray | np.float64] = {}
    for start, u in design_chunks(len(figures), samples, seed, sampler, chunk_samples):
        u = correlate(scenario, u)  # per chunk: a correlated run depends on chunk_samples
        values = {f.path: figure_values(f, u[:, j]) for j, f in enumerate(figures)}
        with np.errstate(over="ignore", invalid="ignore"):  # check_finite reports it
            chunk = evaluate(scenario, values)
        check_finite(scenario, values, chunk)
        _store(store, _flatten(chunk), start, len(u), samples)
        if on_progress is not None:
            on_progress(start + len(u), samples)
    outcome = _unflatten(store)
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
    flat: Mapping[str, object],
    start: int,
    m: int,
    n: int,
) -> None:
    """Copy one chunk's outputs into whole-run arrays; outputs that never vary stay scalars."""
    for key, value in flat.items():
        arr = np.asarray(value, dtype=float)
        if key not in store:
            store[key] = np.float64(arr) if arr.ndim == 0 else np.empty(n)
        held = store[key]
        if np.ndim(held) == 0:
            if arr.ndim == 0:
                continue
            store[key] = held = np.full(n, held)
        held[start : start + m] = arr


def _unflatten(store: Mapping[str, FloatArray | np.float64]) -> Outcome:
    mappings = ("by_task", "by_category", "by_rule", "by_sector", "committed_by_category")
    fields: dict[str, object] = {name: {} for name in mappings}
    for key, value in store.items():
        head, _, rest = key.partition(".")
        if rest:
            fields[head][rest] = value  # type: ignore[index]
        else:
            fields[key] = value
    return Outcome(**fields)  # type: ignore[arg-type]
