"""Runs evaluated chunk by chunk on an engine: this process (:class:`LocalEngine`) or a
dask.distributed cluster (:mod:`forcecalc.core.dask_engine`), with the same numbers.

A run of ``n`` samples is cut into chunks of the size :func:`forcecalc.core.chunked.run_sized`
would use; each chunk is a task that draws its own rows of the design
(:func:`forcecalc.core.sampling.draw_rows`, needing only the scenario, ``n``, seed, sampler and
its rows) and evaluates the model on them. :func:`run_on` gathers the chunks' outputs in order
and summarises them exactly as the single-process run does, so for ``mc`` and ``sobol`` its
result equals ``run_sized`` / ``run_chunked`` at the same chunk size bit for bit (and ``run``'s
for a run of one chunk). Runs whose outputs would not fit in memory go to
:func:`forcecalc.core.streaming.stream_run`, which never gathers them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from forcecalc.core.budget import MAX_VALUES
from forcecalc.core.chunked import DEFAULT_CHUNK, DEFAULT_LARGE_SAMPLER, MAX_KEPT_VALUES
from forcecalc.core.errors import ParameterError
from forcecalc.core.model import Outcome, evaluate
from forcecalc.core.provenance import build_provenance
from forcecalc.core.ranged import Override, plus_zero
from forcecalc.core.runner import RunResult, check_finite, override
from forcecalc.core.sampling import (
    DEFAULT_SAMPLER,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    MAX_DESIGN_ROWS,
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
#: One chunk's outputs by flat name (``deployed``, ``by_task.patrol`` ...): arrays or scalars.
Flat = dict[str, FloatArray | np.float64]
#: Most samples an engine's run accepts: 10⁹ (outputs beyond memory are streamed).
MAX_ENGINE_SAMPLES = MAX_DESIGN_ROWS


class Engine(Protocol):
    """Where chunks are evaluated: ``map(fn, common, items)`` yields ``fn(common, item)`` for
    each item, in the items' order; ``workers`` is how many run at once."""

    workers: int

    def map(
        self, fn: Callable[[Any, Any], Any], common: Any, items: Sequence[Any]
    ) -> Iterator[Any]:
        """``fn(common, item)`` of each item, in order."""
        ...


class LocalEngine:
    """This process, one chunk after another (the single-process run)."""

    workers = 1

    def map(
        self, fn: Callable[[Any, Any], Any], common: Any, items: Sequence[Any]
    ) -> Iterator[Any]:
        return (fn(common, item) for item in items)


def chunk_rows(n: int, chunk: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each chunk of ``chunk`` rows of an ``n``-row design."""
    return [(start, min(start + chunk, n)) for start in range(0, n, chunk)]


def chunk_size(scenario: Scenario, n: int, chunk_samples: int | None = None) -> int:
    """The samples of each chunk: ``chunk_samples``, else those :func:`run_sized` would use
    (all ``n`` where ``n`` × figures fit in :data:`~forcecalc.core.budget.MAX_VALUES`, else
    ``MAX_VALUES // figures``, at most :data:`~forcecalc.core.chunked.DEFAULT_CHUNK`)."""
    if chunk_samples is not None:
        if chunk_samples < 1:
            raise ParameterError("chunk_samples", f"{chunk_samples}", "a whole number ≥ 1")
        return chunk_samples
    d = max(len(design_figures(scenario)), 1)
    return n if n * d <= MAX_VALUES else max(1, min(DEFAULT_CHUNK, MAX_VALUES // d))


def choose_sampler(sampler: Sampler | str | None, n: int, chunk: int) -> Sampler:
    """``sampler``, or as ``run_sized`` chooses (``lhs`` in one chunk, else ``mc``); refuses
    ``lhs`` for a run of more than one chunk."""
    chosen = Sampler(sampler) if sampler is not None else DEFAULT_SAMPLER
    if sampler is None and n > chunk:
        chosen = DEFAULT_LARGE_SAMPLER
    if chosen is Sampler.LHS and n > chunk:
        raise ParameterError(
            "sampler",
            f"{n:,} samples in chunks of {chunk:,}",
            "mc or sobol for a run of more than one chunk (a Latin hypercube's strata depend "
            "on n); with no sampler given, a chunked run uses mc",
            detail="lhs",
        )
    return chosen


def flatten(outcome: Outcome) -> Flat:
    """The outputs of ``outcome`` by flat name, as float arrays or float64 scalars."""
    flat: Flat = {}
    for name, value in vars(outcome).items():
        if isinstance(value, Mapping):
            for k, v in value.items():
                flat[f"{name}.{k}"] = _as_float(v)
        elif value is not None:
            flat[name] = _as_float(value)
    return flat


def _as_float(value: object) -> FloatArray | np.float64:
    arr = np.asarray(value, dtype=float)
    return np.float64(arr) if arr.ndim == 0 else arr


def unflatten(flat: Mapping[str, FloatArray | np.float64]) -> Outcome:
    """The :class:`Outcome` of :func:`flatten`'s names."""
    mappings = ("by_task", "by_category", "by_rule", "by_sector", "committed_by_category", "gaps")
    fields: dict[str, Any] = {name: {} for name in mappings}
    for key, value in flat.items():
        head, _, rest = key.partition(".")
        if rest:
            fields[head][rest] = value
        else:
            fields[key] = value
    return Outcome(**fields)


def evaluate_rows(
    scenario: Scenario, n: int, seed: int, sampler: Sampler, rows: tuple[int, int]
) -> Outcome:
    """The model's outcome on rows ``start:stop`` of the ``n``-row design, checked finite."""
    values = draw_rows(scenario, n, seed, sampler, *rows)
    with np.errstate(over="ignore", invalid="ignore"):  # check_finite reports it in one line
        outcome = evaluate(scenario, values)
    check_finite(scenario, values, outcome)
    return outcome


def chunk_outputs(common: tuple[Scenario, int, int, Sampler], rows: tuple[int, int]) -> Flat:
    """A task: the outputs of one chunk (``common`` is scenario, n, seed, sampler)."""
    scenario, n, seed, sampler = common
    return flatten(evaluate_rows(scenario, n, seed, sampler, rows))


def prepare(
    scenario: Scenario,
    samples: int,
    seed: int,
    sampler: Sampler | str | None,
    overrides: Mapping[str, Override] | None,
    chunk_samples: int | None,
) -> tuple[Scenario, dict[str, Override], Sampler, int]:
    """Check the run's settings; the scenario overridden, the overrides, sampler and chunk."""
    check_seed(seed)
    given = {path: plus_zero(value) for path, value in (overrides or {}).items()}
    changed = override(scenario, given)
    chunk = chunk_size(changed, samples, chunk_samples)
    chosen = choose_sampler(sampler, samples, chunk)
    check_sample_count(samples, chosen, most=MAX_ENGINE_SAMPLES)
    return changed, given, chosen, chunk


def kept_values(first: Flat, n: int) -> int:
    """Output values a run of ``n`` samples keeps whole (outputs that vary × ``n``)."""
    return n * sum(np.ndim(v) > 0 for v in first.values())


def run_on(
    engine: Engine,
    scenario: Scenario,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str | None = None,
    overrides: Mapping[str, Override] | None = None,
    chunk_samples: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunResult:
    """:func:`forcecalc.core.chunked.run_sized` on ``engine``: the chunks' outputs gathered in
    order, then summarised as the single-process run does.

    Parameters
    ----------
    engine : Engine
        Where the chunks run (:class:`LocalEngine`, or a cluster's
        :class:`~forcecalc.core.dask_engine.DaskEngine`).
    scenario, samples, seed, sampler, overrides, chunk_samples, on_progress
        As :func:`~forcecalc.core.chunked.run_sized`; ``samples`` up to
        :data:`~forcecalc.core.sampling.MAX_SAMPLES` kept whole (above, use
        :func:`forcecalc.core.streaming.stream_run`).

    Raises
    ------
    ParameterError
        As ``run_sized``: ``samples``, ``seed``, ``sampler`` (``lhs`` in several chunks),
        ``chunk_samples``, ``overrides``; ``samples`` where the outputs kept whole would pass
        :data:`~forcecalc.core.chunked.MAX_KEPT_VALUES`.

    Notes
    -----
    Bit for bit the single-process result at the same chunk size for ``mc`` and ``sobol``
    (every chunk draws the rows the whole design has there), and for ``lhs`` in one chunk. A
    scenario's correlations are imposed per chunk, as ``run_chunked`` imposes them.
    """
    scenario, given, chosen, chunk = prepare(
        scenario, samples, seed, sampler, overrides, chunk_samples
    )
    check_sample_count(samples, chosen)  # kept whole: at most MAX_SAMPLES
    rows = chunk_rows(samples, chunk)
    store: Flat = {}
    for (start, stop), flat in zip(
        rows, engine.map(chunk_outputs, (scenario, samples, seed, chosen), rows), strict=True
    ):
        if not store:
            _check_kept(flat, samples)
        for key, value in flat.items():
            if np.ndim(value) == 0:
                store[key] = value
                continue
            held = store.setdefault(key, np.empty(samples))
            held[start:stop] = value  # type: ignore[index]
        if on_progress is not None:
            on_progress(stop, samples)
    outcome = unflatten(store)
    provenance = build_provenance(scenario, samples, seed, chosen, given)
    drawn = Samples(values={}, n=samples, seed=seed, sampler=chosen)
    return RunResult(scenario, drawn, outcome, summarize(outcome, samples), provenance)


def _check_kept(first: Flat, n: int) -> None:
    varying = max(1, sum(np.ndim(v) > 0 for v in first.values()))
    if n * varying > MAX_KEPT_VALUES:
        raise ParameterError(
            "samples",
            f"{n:,} for a scenario of {varying:,} outputs that vary",
            f"at most {MAX_KEPT_VALUES // varying:,} kept whole (at most {MAX_KEPT_VALUES:,} "
            "output values); a larger run is streamed",
        )
