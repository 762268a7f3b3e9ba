"""The model kernel against a memory copy of the same bytes, the summaries against
``np.percentile`` on the same arrays, and Sobol indices against SALib at the same n."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
from bench_harness import Mismatch, Preset, Ratio, Recorder, Row, at_least, interleaved
from bench_squiggle import SCENARIO

from forcecalc import evaluate, sample
from forcecalc.analysis.sobol import sobol
from forcecalc.core import summary


def output_arrays(outcome: object, n: int) -> list[np.ndarray]:
    """Every per-sample float array an outcome holds (its fields and their mappings)."""
    found = []
    for f in dataclasses.fields(outcome):  # type: ignore[arg-type]
        value = getattr(outcome, f.name)
        for v in value.values() if isinstance(value, Mapping) else (value,):
            if isinstance(v, np.ndarray) and v.shape == (n,) and v.dtype == np.float64:
                found.append(v)
    return found


def bench_bandwidth(p: Preset, rec: Recorder) -> None:
    print("model kernel against a memory copy of the same bytes", flush=True)
    n = p.n
    values = sample(SCENARIO, n, 1, "mc").values
    inputs = sum(1 for v in values.values() if np.ndim(v))
    outputs = len(output_arrays(evaluate(SCENARIO, values), n))
    moved = 8 * n * (inputs + outputs)  # bytes read + written by the kernel
    src = np.ones(moved // 16)  # a copy of it reads and writes the same number of bytes
    dst = np.empty_like(src)
    stats, _ = interleaved(
        {"kernel": lambda: evaluate(SCENARIO, values), "copy": lambda: np.copyto(dst, src)},
        3 * p.repeats,
    )
    share = Ratio.of(stats["copy"], stats["kernel"])
    rec.add(
        Row(
            "kernel_bandwidth",
            "kernel",
            f"model kernel bytes/s ÷ numpy.copyto of the same {moved / 2**20:,.0f} MiB",
            f"{share.value:.0%} (IQR {share.q1:.0%}–{share.q3:.0%}; {inputs} inputs + {outputs} "
            f"outputs × {n:,}; kernel {stats['kernel'].text()}, copy {stats['copy'].text()})",
            share.value,
            "≥ 30% (issue 3)",
            at_least(share.value, 0.30),
            {"bytes": moved, "kernel_s": stats["kernel"].median, "copy_s": stats["copy"].median},
        )
    )


def bench_summaries(p: Preset, rec: Recorder) -> None:
    print("summaries against np.percentile + mean on the same arrays", flush=True)
    n = p.n
    outcome = evaluate(SCENARIO, sample(SCENARIO, n, 1, "mc").values)
    rows = np.stack([a for a in output_arrays(outcome, n) if np.isfinite(a).all()])
    percentiles = getattr(summary, "PERCENTILES", (5.0, 50.0, 95.0))

    def numpy_way() -> np.ndarray:
        return np.vstack([rows.mean(axis=-1), np.percentile(rows, percentiles, axis=-1)])

    stats, out = interleaved(
        {"band_rows": lambda: summary.band_rows(rows), "np.percentile": numpy_way}, p.repeats
    )
    if not np.array_equal(out["band_rows"], out["np.percentile"]):
        raise Mismatch("band_rows differs from np.percentile + mean on the same arrays")
    speedup = Ratio.of(stats["np.percentile"], stats["band_rows"])
    rec.add(
        Row(
            "summaries_vs_percentile",
            "summaries",
            f"summaries (band_rows) vs np.percentile + mean, {rows.shape[0]} outputs × {n:,}",
            f"{speedup.text(1)} faster, bit-identical",
            speedup.value,
            "≥ 4×",
            at_least(speedup.value, 4.0),
            {
                "band_rows_s": stats["band_rows"].median,
                "percentile_s": stats["np.percentile"].median,
            },
        )
    )


def salib_side(n: int):
    """SALib's sample → model → analyze (indices, its bootstrap cut to 2 resamples)."""
    from SALib.analyze import sobol as salib_analyze
    from SALib.sample import sobol as salib_sample

    from forcecalc.analysis.problem import figure_at

    inputs = SCENARIO.uncertain
    fixed = {f.path: f.dist.value for f in SCENARIO.figures.values() if not f.is_uncertain}
    problem = {
        "num_vars": len(inputs),
        "names": [f.path for f in inputs],
        "bounds": [[0.0, 1.0]] * len(inputs),
    }

    def run() -> list[dict]:
        x = salib_sample.sample(problem, n, calc_second_order=False, seed=1)
        values = dict(fixed) | {f.path: figure_at(f, x[:, j]) for j, f in enumerate(inputs)}
        outcome = evaluate(SCENARIO, values)
        return [
            salib_analyze.analyze(
                problem, np.asarray(y), calc_second_order=False, num_resamples=2, seed=1
            )
            for y in (outcome.deployed, outcome.committed)
        ]

    return run


def bench_salib(p: Preset, rec: Recorder) -> None:
    print("Sobol indices against SALib (indices only, same n, interleaved)", flush=True)
    n = 1 << p.salib_log2n
    outputs = ("deployed", "committed")
    stats, out = interleaved(
        {
            "salib": salib_side(n),
            "forcecalc": lambda: sobol(SCENARIO, n=n, seed=1, repeats=1, outputs=outputs),
        },
        p.repeats,
    )
    diff = 0.0
    for theirs, ours in zip(out["salib"], out["forcecalc"].outputs, strict=True):
        found = {i.path: i for i in ours.indices}
        for j, f in enumerate(SCENARIO.uncertain):
            diff = max(
                diff,
                abs(found[f.path].first_order - theirs["S1"][j]),
                abs(found[f.path].total_order - theirs["ST"][j]),
            )
    speedup = Ratio.of(stats["salib"], stats["forcecalc"])
    rec.add(
        Row(
            "sobol_vs_salib",
            "salib",
            f"Sobol indices vs SALib, n = {n:,}, indices only (SALib 2 resamples)",
            f"{speedup.text(1)}, largest index difference {diff:.3f}",
            speedup.value,
            "≥ 10×, within 0.02",
            at_least(speedup.value, 10.0) and diff <= 0.02,
            {
                "salib_s": stats["salib"].median,
                "forcecalc_s": stats["forcecalc"].median,
                "largest_difference": diff,
                "n": n,
            },
        )
    )
