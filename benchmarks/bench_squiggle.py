"""forcecalc against squigglepy on the default scenario, built from the scenario's own figures.

The squigglepy model is derived from the loaded scenario, figure by figure (a ``uniform``
pledge is ``sq.uniform``, a 90% interval ``sq.to``, …), and the benchmark refuses to run
(:class:`Mismatch`) unless

* forcecalc's model is the product the squigglepy side computes (checked exactly on drawn
  values),
* each uncertain input's draws agree on both sides (two-sample Kolmogorov–Smirnov test),
* the committed requirement's P5 / P50 / P95 agree on both sides and with the exact lognormal
  quantiles within sampling error.

The committed requirement of the default scenario is exactly lognormal: ``rate × front ×
(1 + shares) × multiplier`` with the rate and the front each a 90% interval with low > 0
(lognormal) and every other factor a point; so its quantiles are known in closed form and the
time to accuracy is measured against them, not against a big sample.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from bench_harness import Mismatch, Preset, Ratio, Recorder, Row, at_least, interleaved
from scipy import special

from forcecalc import evaluate, load_scenario, sample
from forcecalc.core import distributions as fd
from forcecalc.core.sampling import domain_cut
from forcecalc.core.summary import band_rows
from forcecalc.scenario.resources import default_scenario

SCENARIO = load_scenario(default_scenario())
PERCENTILES = (5.0, 50.0, 95.0)
RATE, FRONT = "tasks.line_infantry.rate", "geometry.front_length_km"
SHARES = ("tasks.logistics.share", "tasks.headquarters.share")
MULTIPLIER = "sustainment.rotation_multiplier"
PLEDGE_PREFIX = "force_generation.pledges."
#: Standard errors within which two estimates of one quantile count as equal.
SE_BOUND = 5.0


def point(path: str) -> float:
    dist = SCENARIO.figures[path].dist
    if not isinstance(dist, fd.Point):
        raise Mismatch(f"{path} is {dist}, the benchmark's model takes it as a point")
    return float(dist.value)


def lognormal_of(path: str) -> tuple[float, float]:
    """Median and sigma of a figure that is a 90% interval with low > 0 (lognormal)."""
    dist = SCENARIO.figures[path].dist
    if not (isinstance(dist, fd.Interval90) and dist.low > 0):
        raise Mismatch(f"{path} is {dist}: the exact quantiles assume a lognormal interval")
    return math.sqrt(dist.low * dist.high), math.log(dist.high / dist.low) / (2 * fd.Z90)


def pledge_paths() -> list[str]:
    return [p for p in SCENARIO.figures if p.startswith(PLEDGE_PREFIX)]


def factor() -> float:
    """(1 + shares) × multiplier: committed ÷ (rate × front)."""
    return (1.0 + sum(point(p) for p in SHARES)) * point(MULTIPLIER)


@dataclass(frozen=True)
class Exact:
    """The committed requirement's exact lognormal distribution."""

    median: float
    sigma: float

    def quantile(self, q: float) -> float:
        return self.median * math.exp(self.sigma * float(special.ndtri(q)))

    def relative_se(self, q: float, n: int) -> float:
        """Relative standard error of the sample ``q``-quantile of ``n`` draws: asymptotically
        sqrt(q (1 - q) / n) / f(x_q), f the density."""
        z = float(special.ndtri(q))
        density = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        return self.sigma * math.sqrt(q * (1 - q) / n) / density


def exact_committed() -> Exact:
    (m_r, s_r), (m_f, s_f) = lognormal_of(RATE), lognormal_of(FRONT)
    return Exact(m_r * m_f * factor(), math.hypot(s_r, s_f))


def check_model_is_the_product(n: int) -> None:
    """forcecalc's committed and pledge coverage are the formulas the squigglepy side uses."""
    values = sample(SCENARIO, n, 7, "mc").values
    out = evaluate(SCENARIO, values)
    asked = evaluate(SCENARIO, values, outputs=OUTPUTS)
    for name in OUTPUTS:
        if not np.array_equal(getattr(asked, name), getattr(out, name)):
            raise Mismatch(f"evaluate(outputs={OUTPUTS}) changes {name}")
    committed = np.asarray(values[RATE]) * np.asarray(values[FRONT]) * factor()
    pledged = sum(np.asarray(values[p], dtype=float) for p in pledge_paths())
    deployed = committed / point(MULTIPLIER)
    if SCENARIO.force_generation.pledge_basis != "deployed":
        raise Mismatch("the benchmark's model compares pledges with the deployed requirement")
    for name, ours, theirs in (
        ("committed", out.committed, committed),
        ("pledge_coverage", out.pledge_coverage, pledged / deployed),
    ):
        if not np.allclose(ours, theirs, rtol=1e-12, atol=0):
            raise Mismatch(f"forcecalc's {name} is not the benchmark's formula for it")


def squiggle_dist(sq, path: str):
    """The squigglepy counterpart of one figure (a float for a point)."""
    figure = SCENARIO.figures[path]
    dist = figure.dist
    if domain_cut(figure) > 0:
        raise Mismatch(f"{path}: forcecalc truncates it to its domain, squigglepy would not")
    if isinstance(dist, fd.Point):
        return float(dist.value)
    if isinstance(dist, fd.Uniform):
        return sq.uniform(dist.low, dist.high)
    if isinstance(dist, fd.Interval90):  # both read low to high as a 90% interval
        return sq.to(dist.low, dist.high)
    if isinstance(dist, fd.Normal):
        return sq.norm(mean=dist.mean, sd=dist.sd)
    if isinstance(dist, fd.LogNormal):
        return sq.lognorm(norm_mean=math.log(dist.median), norm_sd=dist.sigma)
    raise Mismatch(f"{path}: no squigglepy counterpart of {dist}")


def squiggle_model():
    """squigglepy, the committed requirement and the pledged total as squigglepy specs."""
    import squigglepy as sq

    committed = squiggle_dist(sq, RATE) * squiggle_dist(sq, FRONT) * factor()
    pledged = sum(squiggle_dist(sq, p) for p in pledge_paths())
    return sq, committed, pledged


def check_inputs_agree(n: int) -> dict[str, float]:
    """Each uncertain input drawn by both sides: two-sample KS p-values (refused below 1e-6)."""
    import squigglepy as sq
    from scipy.stats import ks_2samp

    sq.set_seed(3)
    ours = sample(SCENARIO, n, 3, "mc").values
    found = {}
    for figure in SCENARIO.uncertain:
        theirs = np.asarray(sq.sample(squiggle_dist(sq, figure.path), n, verbose=False))
        found[figure.path] = float(ks_2samp(np.asarray(ours[figure.path]), theirs).pvalue)
        if found[figure.path] < 1e-6:
            raise Mismatch(
                f"{figure.path}: squigglepy and forcecalc draw different "
                f"distributions (KS p = {found[figure.path]:.1e})"
            )
    return found


def squiggle_run(model, n: int, seed: int) -> tuple[np.ndarray, float, float]:
    """squigglepy's committed P5/P50/P95, and the pledge coverage's mean and sd."""
    sq, committed_dist, pledged_dist = model
    sq.set_seed(seed)
    committed = np.asarray(sq.sample(committed_dist, n, verbose=False))
    pledged = np.asarray(sq.sample(pledged_dist, n, verbose=False))
    bands = np.percentile(committed, PERCENTILES)
    coverage = pledged / (committed / point(MULTIPLIER))
    return bands, float(coverage.mean()), float(coverage.std())


#: The outputs the squigglepy side computes, asked of forcecalc's public ``evaluate(...,
#: outputs=...)``: it computes them and what they are computed from (tasks, deployed, the
#: multiplier, committed), not its densities, gaps or pool, which squigglepy does not compute.
OUTPUTS = ("committed", "pledge_coverage")


def forcecalc_run(n: int, seed: int, sampler: str) -> tuple[np.ndarray, float, float]:
    """The same two summaries from forcecalc's public sample → evaluate(outputs=OUTPUTS) →
    band_rows."""
    outcome = evaluate(SCENARIO, sample(SCENARIO, n, seed, sampler).values, outputs=OUTPUTS)
    bands = band_rows(np.asarray(outcome.committed)[np.newaxis], PERCENTILES)[1:, 0]
    coverage = np.asarray(outcome.pledge_coverage)
    return bands, float(coverage.mean()), float(coverage.std())


def check_bands(name: str, bands: np.ndarray, exact: Exact, n: int, bound: float) -> list[float]:
    """Relative errors of P5/P50/P95 against exact; refused beyond ``bound`` standard errors."""
    errors = []
    for q, got in zip(PERCENTILES, bands, strict=True):
        want, se = exact.quantile(q / 100), exact.relative_se(q / 100, n)
        errors.append(abs(got / want - 1))
        if errors[-1] > bound * se:
            raise Mismatch(
                f"{name} P{q:g} {got:,.0f} is {errors[-1]:.3%} from the exact "
                f"{want:,.0f} ({errors[-1] / se:.1f} s.e.)"
            )
    return errors


def bench_exact(p: Preset, rec: Recorder) -> Exact:
    """The closed form, checked once against a big sample and exactly on the formula."""
    print("exact quantiles of the committed requirement (lognormal)", flush=True)
    exact = exact_committed()
    check_model_is_the_product(1 << 12)
    n = p.exact_check
    bands = forcecalc_run(n, 12345, "mc")[0]
    errors = check_bands("forcecalc mc", bands, exact, n, SE_BOUND)
    rec.add(
        Row(
            "exact_quantiles",
            "exact",
            "exact lognormal P5/P50/P95 of committed vs a big sample",
            " / ".join(f"{exact.quantile(q / 100):,.0f}" for q in PERCENTILES)
            + f"; {n:,} mc samples within "
            + " / ".join(f"{e:.3%}" for e in errors),
            max(
                e / exact.relative_se(q / 100, n) for e, q in zip(errors, PERCENTILES, strict=True)
            ),
            f"within {SE_BOUND:g} s.e.",
            True,
            {"median": exact.median, "sigma": exact.sigma, "samples": n, "errors": errors},
        )
    )
    return exact


def bench_squigglepy(p: Preset, rec: Recorder, exact: Exact) -> None:
    print("Monte Carlo against squigglepy (same model, same distributions)", flush=True)
    model = squiggle_model()
    pvalues = check_inputs_agree(min(p.n, 200_000))
    n, sobol_n = p.n, 1 << round(math.log2(p.n))
    fns: dict[str, Callable[[], object]] = {
        "squigglepy": lambda: squiggle_run(model, n, 1),
        "mc": lambda: forcecalc_run(n, 1, "mc"),
        "sobol": lambda: forcecalc_run(sobol_n, 1, "sobol"),
        "lhs": lambda: forcecalc_run(n, 1, "lhs"),
    }
    stats, out = interleaved(fns, p.repeats)
    sq_bands, sq_cov, sq_sd = out["squigglepy"]
    mc_bands, mc_cov, mc_sd = out["mc"]
    sq_err = check_bands("squigglepy", sq_bands, exact, n, SE_BOUND)
    mc_err = check_bands("forcecalc mc", mc_bands, exact, n, SE_BOUND)
    for name in ("sobol", "lhs"):  # held to plain Monte Carlo's error, which they beat
        check_bands(
            f"forcecalc {name}", out[name][0], exact, sobol_n if name == "sobol" else n, SE_BOUND
        )
    if abs(sq_cov - mc_cov) > SE_BOUND * math.hypot(sq_sd, mc_sd) / math.sqrt(n):
        raise Mismatch(f"mean pledge coverage: squigglepy {sq_cov:.4f}, forcecalc {mc_cov:.4f}")
    for name in ("mc", "sobol", "lhs"):
        size = sobol_n if name == "sobol" else n
        rate = Ratio.of(stats["squigglepy"], stats[name])
        ratio = Ratio(rate.value * size / n, rate.q1 * size / n, rate.q3 * size / n)
        mc = name == "mc"
        rec.add(
            Row(
                f"squigglepy_samples_per_s_{name}",
                "squigglepy",
                f"samples/s vs squigglepy ({name}; both compute committed and pledge "
                "coverage only: forcecalc through evaluate(outputs=...))",
                ratio.text(),
                ratio.value,
                "≥ 1.5×, equal quantiles within sampling error" if mc else "(extra)",
                at_least(ratio.value, 1.5) if mc else None,
                {
                    "forcecalc_s": stats[name].median,
                    "squigglepy_s": stats["squigglepy"].median,
                    "samples": size,
                    "squigglepy_samples": n,
                },
            )
        )
    rec.add(
        Row(
            "squigglepy_quantiles",
            "squigglepy",
            f"P5/P50/P95 vs exact at {n:,}: forcecalc mc · squigglepy",
            " / ".join(f"{e:.2%}" for e in mc_err)
            + " · "
            + " / ".join(f"{e:.2%}" for e in sq_err)
            + f"; mean pledge coverage {mc_cov:.4f} · {sq_cov:.4f}",
            max(mc_err + sq_err),
            f"within {SE_BOUND:g} s.e.",
            True,
            {"ks_pvalues": pvalues, "forcecalc_coverage": mc_cov, "squigglepy_coverage": sq_cov},
        )
    )


def ladder_errors(
    p95: Callable[[int, int], float], ladder: list[int], seeds: int, target: float
) -> list[list[float]]:
    """Per seed, the relative error of the P95 of a run at each n of the ladder."""
    return [[abs(p95(k, seed) / target - 1) for k in ladder] for seed in range(1, seeds + 1)]


def samples_needed(errors: list[list[float]], ladder: list[int], tol: float) -> int | None:
    """Median over seeds of the least ladder n whose P95 is within ``tol`` there and at every
    larger n (None when the median seed never gets there)."""
    found = []
    for per_n in errors:
        ok = [all(e <= tol for e in per_n[i:]) for i in range(len(ladder))]
        found.append(ladder[ok.index(True)] if any(ok) else math.inf)
    middle = statistics.median(found)
    return None if math.isinf(middle) else int(middle)


def bench_accuracy(p: Preset, rec: Recorder, exact: Exact) -> None:
    print("time to a P95 within a tolerance of the exact P95", flush=True)
    model = squiggle_model()
    target = exact.quantile(0.95)
    ladder = [1 << k for k in range(8, p.ladder_max + 1)]
    methods: dict[str, Callable[[int, int], float]] = {
        "squigglepy": lambda k, s: float(squiggle_run(model, k, s)[0][2]),
        **{
            m: (lambda k, s, m=m: float(forcecalc_run(k, s, m)[0][2]))
            for m in ("mc", "lhs", "sobol")
        },
    }
    errors = {m: ladder_errors(fn, ladder, p.seeds, target) for m, fn in methods.items()}
    for tol in (0.005, 0.001) if p.name == "full" else (0.005,):
        needed = {m: samples_needed(errors[m], ladder, tol) for m in methods}
        reached = {m: k for m, k in needed.items() if k is not None}
        fns = {m: (lambda m=m, k=k: methods[m](k, 1)) for m, k in reached.items()}
        stats, _ = interleaved(fns, 10 * p.repeats) if fns else ({}, {})
        ok = "squigglepy" in stats and "sobol" in stats
        ratio = Ratio.of(stats["squigglepy"], stats["sobol"]) if ok else None
        counts = ", ".join(
            f"{m} {needed[m] or 'not':,}" if needed[m] else f"{m} not reached" for m in methods
        )
        main = tol == 0.005
        rec.add(
            Row(
                f"time_to_p95_{tol:g}",
                "accuracy",
                f"time to P95 within {tol:.1%} of exact, squigglepy ÷ forcecalc sobol "
                "(both compute committed and pledge coverage only)",
                (ratio.text(1) if ratio else "not reached within the ladder")
                + f" (samples: {counts})",
                ratio.value if ratio else None,
                "≥ 2×" if main else "(extra)",
                (at_least(ratio.value, 2.0) if ratio else False) if main else None,
                {
                    "samples_needed": needed,
                    "seconds": {m: s.median for m, s in stats.items()},
                    "ladder": [ladder[0], ladder[-1]],
                    "seeds": p.seeds,
                },
            )
        )
