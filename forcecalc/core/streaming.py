"""Exact summaries of runs too large to keep their outputs: :func:`stream_run`.

Nothing of the samples is gathered. Each pass evaluates every chunk again on the engine
(:mod:`forcecalc.core.engine`) and returns a little per chunk:

1. per output, its sum, how many values are not finite, and a histogram of the top 16 bits
   of each value's order key (:func:`forcecalc.core.order_stats.order_key`: bins fixed in
   advance, so the chunks' counts add up exactly);
2. for each order statistic a percentile needs (:func:`~forcecalc.core.quantiles.order_ranks`),
   the bin holding it is known from the counts: the next pass histograms the next 16 bits of the
   keys in that bin, or, once a bin holds at most :data:`MAX_BIN_VALUES` values, returns them.

Usually three passes. The percentile is then :func:`~forcecalc.core.quantiles.combine` of
its order statistics, bit for bit ``np.percentile`` of all the values (as
:func:`forcecalc.core.summary.band_rows` takes it: ``linear``, ``nearest`` for an output with a
value that is not finite). Probabilities are exact counts over ``n``, as ``np.mean`` of the
booleans gives them. Means are the chunks' sums added in chunk order over ``n``: not
``np.mean``'s pairwise sum of the whole array, so they may differ from it in the last digits
(relative error at most about (chunks + log2 chunk) × 1.1e-16; within 1e-14 in the tests).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forcecalc.core import shortfall
from forcecalc.core.engine import (
    Engine,
    Flat,
    ProgressCallback,
    chunk_rows,
    evaluate_rows,
    flatten,
    prepare,
)
from forcecalc.core.model import Outcome
from forcecalc.core.order_stats import key_value, order_key
from forcecalc.core.provenance import Provenance, build_provenance
from forcecalc.core.quantiles import combine, order_ranks
from forcecalc.core.ranged import Override
from forcecalc.core.sampling import DEFAULT_SEED, Sampler
from forcecalc.core.scenario import Scenario
from forcecalc.core.summary import METRIC_NAMES, PERCENTILES, Band, Shortfall, Summary

FloatArray = NDArray[np.float64]
#: A bin of keys: (output, bits of the key fixed, their value).
Bin = tuple[str, int, int]
#: A bin holding at most this many values sends them back instead of a finer histogram.
MAX_BIN_VALUES = 1 << 16
_BITS = 16


@dataclass(frozen=True)
class StreamedRun:
    """The summary of a streamed run: bands at P5 / P50 / P95 and at ``percentiles``."""

    scenario: Scenario
    summary: Summary
    percentiles: tuple[float, ...]
    #: Each output's value at each of ``percentiles`` (``metrics.deployed`` ...).
    at: Mapping[str, tuple[float, ...]]
    provenance: Provenance
    passes: int


def targets(outcome: Outcome | Flat) -> tuple[Flat, dict[str, NDArray[np.bool_] | bool]]:
    """What a summary takes percentiles of, by name (``metrics.deployed``, ``tasks.x``,
    ``gaps.pledged_vs_deployed``, ``shortfalls.…``), and what it counts (``p_…``)."""
    flat = outcome if isinstance(outcome, dict) else flatten(outcome)
    bands: Flat = {}
    counts: dict[str, Any] = {}
    heads = {
        "by_task": "tasks",
        "by_category": "categories",
        "by_rule": "rules",
        "committed_by_category": "committed_categories",
        "by_sector": "sectors",
        "gaps": "gaps",
    }
    for key, value in flat.items():
        head, _, rest = key.partition(".")
        if not rest and head in METRIC_NAMES:
            bands[f"metrics.{head}"] = value
        elif rest and head in heads:
            bands[f"{heads[head]}.{rest}"] = value
        if head == "gaps":
            bands[f"shortfalls.{rest}"] = np.asarray(shortfall.shortfall(value), dtype=float)
            counts[f"p_short.{rest}"] = np.asarray(value) > 0
    for name, key in (
        ("p_pledges_suffice", "pledge_coverage"),
        ("p_pool_suffices", "pool_coverage"),
    ):
        if key in flat:
            counts[name] = np.asarray(flat[key]) >= 1.0
    return bands, counts


def _histogram(keys: NDArray[np.uint64], bits: int, prefix: int) -> tuple[FloatArray, FloatArray]:
    if bits:
        keys = keys[(keys >> np.uint64(64 - bits)) == np.uint64(prefix)]
    sub = ((keys >> np.uint64(64 - bits - _BITS)) & np.uint64(0xFFFF)).astype(np.intp)
    counts = np.bincount(sub, minlength=1 << _BITS)
    nz = np.flatnonzero(counts)
    return nz, counts[nz]


def chunk_pass(common: tuple[Any, ...], rows: tuple[int, int]) -> dict[str, Any]:
    """A task: one chunk's sums, counts and histograms (``hist``) and values (``take``) for
    the bins asked for; ``common`` is (scenario, n, seed, sampler, hist, take)."""
    scenario, n, seed, sampler, hist, take = common
    bands, counts = targets(evaluate_rows(scenario, n, seed, sampler, rows))
    out: dict[str, Any] = {"hist": {}, "take": {}}
    if hist is None:  # the first pass
        out["sum"] = {k: np.sum(v) for k, v in bands.items() if np.ndim(v)}
        out["bad"] = {k: int((~np.isfinite(v)).sum()) for k, v in bands.items() if np.ndim(v)}
        m = rows[1] - rows[0]
        out["count"] = {
            k: int(np.count_nonzero(np.broadcast_to(v, (m,)))) for k, v in counts.items()
        }
        out["scalar"] = {k: v for k, v in bands.items() if not np.ndim(v)}
        hist = [(k, 0, 0) for k, v in bands.items() if np.ndim(v)]
    keys = {k: order_key(bands[k]) for k in {b[0] for b in (*hist, *take)}}
    for name, bits, prefix in hist:
        out["hist"][(name, bits, prefix)] = _histogram(keys[name], bits, prefix)
    for name, bits, prefix in take:
        mask = (keys[name] >> np.uint64(64 - bits)) == np.uint64(prefix)
        out["take"][(name, bits, prefix)] = bands[name][mask]
    return out


@dataclass
class _Rank:
    """An order statistic being located: its output, rank, and the bin known to hold it."""

    name: str
    rank: int
    bits: int = 0
    prefix: int = 0
    below: int = 0  # values of the output in bins before this one
    value: float | None = None


def _locate(r: _Rank, counts: FloatArray) -> int:
    """Narrow ``r`` to the sub-bin holding it; returns the values in that sub-bin."""
    cum = np.cumsum(counts)
    j = int(np.searchsorted(cum, r.rank - r.below, side="right"))
    r.below += int(cum[j - 1]) if j else 0
    r.prefix, r.bits = (r.prefix << _BITS) | j, r.bits + _BITS
    return int(counts[j])


def _merge(parts: Sequence[tuple[FloatArray, FloatArray]]) -> FloatArray:
    dense = np.zeros(1 << _BITS, dtype=np.int64)
    for nz, c in parts:
        np.add.at(dense, nz, c)
    return dense


def _resolve(
    passes: Callable[[list[Bin], list[Bin]], list[dict[str, Any]]],
    first: list[dict[str, Any]],
    ranks: list[_Rank],
) -> int:
    """Locate every rank, with as many further passes as needed; returns the passes made."""
    results, made = first, 1
    while True:
        merged: dict[Bin, list[Any]] = {}
        for res in results:
            for kind in ("hist", "take"):
                for b, part in res[kind].items():
                    merged.setdefault(b, []).append((kind, part))
        hist: set[Bin] = set()
        take: set[Bin] = set()
        for r in ranks:
            b = (r.name, r.bits, r.prefix)
            if r.value is not None or b not in merged:
                continue
            kind = merged[b][0][0]
            if kind == "take":
                values = np.sort(np.concatenate([p for _, p in merged[b]]))
                r.value = float(values[r.rank - r.below])
                continue
            inside = _locate(r, _merge([p for _, p in merged[b]]))
            if r.bits == 64:
                r.value = key_value(r.prefix)
            else:
                (take if inside <= MAX_BIN_VALUES else hist).add((r.name, r.bits, r.prefix))
        if not hist and not take:
            return made
        results, made = passes(sorted(hist), sorted(take)), made + 1


def stream_run(
    engine: Engine,
    scenario: Scenario,
    samples: int,
    seed: int = DEFAULT_SEED,
    sampler: Sampler | str | None = None,
    overrides: Mapping[str, Override] | None = None,
    chunk_samples: int | None = None,
    percentiles: Sequence[float] = PERCENTILES,
    on_progress: ProgressCallback | None = None,
) -> StreamedRun:
    """The summary of a run of up to :data:`~forcecalc.core.engine.MAX_ENGINE_SAMPLES`
    samples without holding its outputs: exact percentiles and probabilities, means from the
    chunks' sums (module notes).

    Parameters are those of :func:`forcecalc.core.engine.run_on`, plus ``percentiles`` (in
    [0, 100]) found besides P5, P50 and P95; ``on_progress(done, total)`` counts chunks over
    every pass (the total grows with each pass).
    """
    scenario, given, chosen, chunk = prepare(
        scenario, samples, seed, sampler, overrides, chunk_samples
    )
    rows = chunk_rows(samples, chunk)
    done = [0, len(rows)]

    def run_pass(hist: list[Bin] | None, take: list[Bin]) -> list[dict[str, Any]]:
        if hist is not None and done[0]:
            done[1] += len(rows)
        out = []
        for res in engine.map(chunk_pass, (scenario, samples, seed, chosen, hist, take), rows):
            out.append(res)
            done[0] += 1
            if on_progress is not None:
                on_progress(done[0], done[1])
        return out

    first = run_pass(None, [])
    wanted = tuple(sorted(set(PERCENTILES) | {float(q) for q in percentiles}))
    bad = {k: sum(r["bad"][k] for r in first) for k in first[0]["bad"]}
    ranks: dict[str, tuple[Any, ...]] = {}
    pending: list[_Rank] = []
    for name in first[0]["sum"]:
        r = order_ranks(samples, wanted, "nearest" if bad[name] else "linear")
        found = {int(i): _Rank(name, int(i)) for i in (*r.lower, *r.upper)}
        ranks[name] = (r, found)
        pending += found.values()
    made = _resolve(run_pass, first, pending)
    at = {}
    for name, (r, found) in ranks.items():
        a = [found[int(i)].value for i in r.lower]
        b = [found[int(i)].value for i in r.upper]
        at[name] = tuple(float(v) for v in combine(r, a, b))
    for name, value in first[0]["scalar"].items():
        at[name] = tuple(float(value) for _ in wanted)
    summary = _summary(first, at, wanted, samples)
    provenance = build_provenance(scenario, samples, seed, chosen, given)
    shown = {k: tuple(v[wanted.index(float(q))] for q in percentiles) for k, v in at.items()}
    return StreamedRun(scenario, summary, tuple(percentiles), shown, provenance, made)


def _mean(first: list[dict[str, Any]], name: str, n: int) -> float:
    if name in first[0]["scalar"]:
        x = first[0]["scalar"][name]
        return float(np.broadcast_to(np.float64(x), (1, n)).mean(axis=-1)[0])
    total = np.float64(0.0)
    for res in first:  # in chunk order
        total = total + res["sum"][name]
    return float(total / n)


def _summary(
    first: list[dict[str, Any]],
    at: Mapping[str, tuple[float, ...]],
    wanted: tuple[float, ...],
    n: int,
) -> Summary:
    """The :class:`Summary` :func:`forcecalc.core.summary.summarize` would give."""
    i5, i50, i95 = (wanted.index(q) for q in PERCENTILES)

    def band(name: str) -> Band:
        v = at[name]
        return Band(mean=_mean(first, name, n), p5=v[i5], p50=v[i50], p95=v[i95])

    def group(head: str) -> dict[str, Band]:
        return {k.partition(".")[2]: band(k) for k in at if k.partition(".")[0] == head}

    counts = {k: sum(r["count"][k] for r in first) for k in first[0]["count"]}
    metrics = {m: band(f"metrics.{m}") for m in METRIC_NAMES if f"metrics.{m}" in at}
    probabilities = {
        k: counts[k] / n for k in ("p_pledges_suffice", "p_pool_suffices") if k in counts
    }
    shortfalls = {}
    for gap in group("gaps"):
        supply, _, requirement = gap.partition("_vs_")
        shortfalls[gap] = Shortfall(
            supply=supply,
            requirement=requirement,
            gap=band(f"gaps.{gap}"),
            shortfall=band(f"shortfalls.{gap}"),
            p_short=counts[f"p_short.{gap}"] / n,
        )
    return Summary(
        metrics=metrics,
        tasks=group("tasks"),
        categories=group("categories"),
        probabilities=probabilities,
        rules=group("rules"),
        committed_categories=group("committed_categories"),
        sectors=group("sectors"),
        shortfalls=shortfalls,
    )
