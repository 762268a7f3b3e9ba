"""Back-test of the rule ensemble on the missions themselves, leaving each mission out.

For every mission with a strength and some geometry, the rules of all *other* missions (its
whole group left out: UNFICYP in every year, IFOR with SFOR and EUFOR) and the doctrine rules
are applied to the mission's own line, area and population and mixed with equal weights per
mission (each other mission's rules share a weight of 1; ``weighting="rule"`` gives every rule
weight 1). A figure derived from the mission's own strength (IFOR's population, computed from
its strength and a ratio per 1,000) is not part of its geometry here: a rule applied to it would
only give the strength back. The result says how often the actual strength falls inside the
ensemble's P5-P95 band and how far its median typically is from the actual strength, as a median
absolute log ratio.

With ``posture=True`` each mission's ensemble draws only on the other missions of its own
posture (and the rules of no posture), falling back to every rule when fewer than
:data:`~forcecalc.calibration.rules.MIN_POSTURE_MISSIONS` other mission groups of that posture
give a rule its geometry allows (:func:`~forcecalc.calibration.rules.by_posture`);
:func:`backtest_postures` runs both, so the gain of conditioning on posture is measured.

The rows are not independent pieces of evidence: UNFICYP gives three rows (its years share one
zone and one band) and Bosnia four (IFOR, SFOR twice, EUFOR on one line). The headline is
therefore also given per mission group, as the ensemble weighs evidence: each group's rows are
averaged (the share of them inside, the mean of their ``|ln(P50 / actual)|`` and of their
``ln(P95 / P5)``) and every group counts once (:func:`by_mission`).

References
----------
.. [1] Gneiting, T. & Raftery, A. E. (2007). "Strictly proper scoring rules, prediction, and
   estimation", JASA 102(477): central intervals and their coverage.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from forcecalc.calibration.missions import Mission, MissionSet, default_missions
from forcecalc.calibration.rules import (
    MIN_POSTURE_MISSIONS,
    PostureChoice,
    Rule,
    all_rules,
    applicable,
    by_posture,
    derived_seed,
    ensemble,
    group_weights,
    leave_out,
    mission_site,
    rule_figures,
)
from forcecalc.core import budget
from forcecalc.core.distributions import Point
from forcecalc.core.sampling import DEFAULT_SEED, Sampler
from forcecalc.core.summary import Band, band

#: Samples per mission by default: the ensembles are mixtures of a few points.
DEFAULT_BACKTEST_SAMPLES = 4096


@dataclass(frozen=True)
class BacktestRow:
    """One mission: its actual strength against the ensemble built without it.

    Attributes
    ----------
    actual : float
        The mission's strength. [personnel]
    band : Band
        The ensemble's mean and P5 / P50 / P95. [personnel]
    inside : bool
        Whether ``P5 <= actual <= P95``.
    log_ratio : float
        ``ln(P50 / actual)``: above 0 when the rules over-size. [ratio]
    rules : tuple of str
        The rules used.
    left_out : tuple of str
        The missions left out: the mission's whole group.
    conditioned : bool
        Whether the ensemble drew on the mission's own posture only (False: every posture, by
        choice or because too few missions of its posture had a rule).
    """

    mission: str
    name: str
    year: int
    posture: str
    actual: float
    band: Band
    inside: bool
    log_ratio: float
    rules: tuple[str, ...]
    left_out: tuple[str, ...]
    group: str = ""
    conditioned: bool = False


@dataclass(frozen=True)
class MissionSummary:
    """One mission group's rows taken together, so that the group counts once.

    Attributes
    ----------
    group : str
        The group (``unficyp``, ``bosnia`` ...).
    rows : tuple of str
        Its rows' mission ids (UNFICYP's years; IFOR, SFOR, EUFOR).
    inside : int
        How many of its rows lie inside their band.
    mean_abs_log_ratio : float
        Mean over its rows of ``|ln(P50 / actual)|``. [ratio]
    mean_log_width : float
        Mean over its rows of ``ln(P95 / P5)``. [ratio]
    """

    group: str
    rows: tuple[str, ...]
    inside: int
    mean_abs_log_ratio: float
    mean_log_width: float

    @property
    def share_inside(self) -> float:
        """Share of its rows inside their band. [fraction]"""
        return self.inside / len(self.rows)

    @property
    def all_inside(self) -> bool:
        """Whether every row of the group lies inside its band."""
        return self.inside == len(self.rows)


def by_mission(rows: tuple[BacktestRow, ...]) -> tuple[MissionSummary, ...]:
    """The rows grouped by mission, each group's rows averaged, in order of first row.

    Notes
    -----
    For a group with rows ``i = 1..k``: ``inside = sum(inside_i)``, ``mean_abs_log_ratio =
    mean(|ln(P50_i / actual_i)|)``, ``mean_log_width = mean(ln(P95_i / P5_i))``. A row without
    a group counts as its own group.
    """
    groups: dict[str, list[BacktestRow]] = {}
    for r in rows:
        groups.setdefault(r.group or r.mission, []).append(r)
    return tuple(
        MissionSummary(
            group=g,
            rows=tuple(r.mission for r in rs),
            inside=sum(r.inside for r in rs),
            mean_abs_log_ratio=float(np.mean([abs(r.log_ratio) for r in rs])),
            mean_log_width=float(np.mean([math.log(r.band.p95 / r.band.p5) for r in rs])),
        )
        for g, rs in groups.items()
    )


@dataclass(frozen=True)
class Skipped:
    """A mission the back-test could not use, and why."""

    mission: str
    reason: str


@dataclass(frozen=True)
class BacktestResult:
    """Every mission's row and the summary figures, by row and by mission group.

    Attributes
    ----------
    coverage : float
        Share of rows whose strength lies in the ensemble's P5-P95. [probability]
    median_abs_log_ratio : float
        Median over rows of ``|ln(P50 / actual)|``. [ratio]
    median_width_ratio : float
        Median over rows of ``P95 / P5``: how wide the bands are that achieve the coverage.
        [ratio]
    point_rules : bool
        Whether every rule used is a point density (no sampled range): each rule is then one
        number on the mission's fixed geometry, and the seed moves a band only where one of
        its quantiles falls within a sample of the boundary between two rules' shares.

    The properties ``missions``, ``missions_inside``, ``mission_coverage``,
    ``mission_typical_factor`` and ``mission_median_width_ratio`` give the same summary with
    every mission group counted once (:func:`by_mission`).
    """

    rows: tuple[BacktestRow, ...]
    skipped: tuple[Skipped, ...]
    coverage: float
    median_abs_log_ratio: float
    median_width_ratio: float
    samples: int
    seed: int
    sampler: str
    doctrine: bool
    weighting: str = "mission"
    point_rules: bool = False
    posture: bool = False
    min_missions: int = MIN_POSTURE_MISSIONS

    @property
    def conditioned(self) -> int:
        """Number of rows whose ensemble drew on their own posture (no fallback)."""
        return sum(r.conditioned for r in self.rows)

    @property
    def typical_factor(self) -> float:
        """``exp(median |ln ratio|)`` over rows: the typical factor of P50 to actual. [ratio]"""
        return math.exp(self.median_abs_log_ratio)

    @property
    def inside(self) -> int:
        """Number of rows inside their band."""
        return sum(r.inside for r in self.rows)

    @property
    def missions(self) -> tuple[MissionSummary, ...]:
        """The rows by mission group, each group's rows averaged (:func:`by_mission`)."""
        return by_mission(self.rows)

    @property
    def missions_inside(self) -> int:
        """Number of mission groups with every row inside its band."""
        return sum(g.all_inside for g in self.missions)

    @property
    def mission_coverage(self) -> float:
        """Mean over mission groups of the share of their rows inside. [probability]"""
        groups = self.missions
        return float(np.mean([g.share_inside for g in groups])) if groups else math.nan

    @property
    def mission_median_abs_log_ratio(self) -> float:
        """Median over mission groups of their rows' mean ``|ln(P50 / actual)|``. [ratio]"""
        groups = self.missions
        return float(np.median([g.mean_abs_log_ratio for g in groups])) if groups else math.nan

    @property
    def mission_typical_factor(self) -> float:
        """``exp`` of :attr:`mission_median_abs_log_ratio`. [ratio]"""
        return math.exp(self.mission_median_abs_log_ratio)

    @property
    def mission_median_width_ratio(self) -> float:
        """Median over mission groups of ``exp(mean ln(P95 / P5))`` of their rows. [ratio]"""
        groups = self.missions
        return (
            math.exp(float(np.median([g.mean_log_width for g in groups]))) if groups else math.nan
        )


def mission_seed(seed: int, mission_id: str) -> int:
    """The seed of one mission's ensemble: fixed by the run's seed and the mission's id."""
    return derived_seed(seed, zlib.crc32(mission_id.encode("utf-8")))


def mission_rules(
    mission: Mission,
    missions: MissionSet,
    doctrine: bool = True,
    posture: bool = False,
    min_missions: int = MIN_POSTURE_MISSIONS,
) -> tuple[dict[str, Rule], PostureChoice] | Skipped:
    """The rules one mission's ensemble draws on (the other missions' that fit its geometry,
    of its posture with ``posture``) and the posture choice, or why it is skipped."""
    if mission.strength is None:
        return Skipped(mission.id, "no strength")
    site = mission_site(mission)
    if not any(site.has(n) for n in ("line_length_km", "area_km2", "population")):
        return Skipped(mission.id, "no geometry: line, area and population missing or unconfirmed")
    rules = leave_out(applicable(all_rules(missions, doctrine), site), [mission.group])
    if not rules:
        return Skipped(mission.id, "no rule of another mission fits its geometry")
    choice = by_posture(rules, mission.posture if posture else None, missions, min_missions)
    return dict(choice.rules), choice


def check_budget(
    missions: MissionSet,
    samples: int,
    doctrine: bool = True,
    posture: bool = False,
    min_missions: int = MIN_POSTURE_MISSIONS,
) -> None:
    """Refuse, before any mission is computed, ``samples`` whose largest ensemble would hold
    more values than :data:`forcecalc.core.budget.MAX_VALUES` (a mission's ensemble draws one
    column per figure of its rules, plus the rule choice).

    Raises
    ------
    ParameterError
        ``samples``, naming the back-test, its largest ensemble and the most samples allowed.
    """
    sizes = {}
    for m in missions:
        planned = mission_rules(m, missions, doctrine, posture, min_missions)
        if not isinstance(planned, Skipped):
            sizes[m.id] = len(rule_figures(planned[0].values())) + 1
    if sizes:
        worst = max(sizes, key=lambda k: (sizes[k], k))
        holder = f"the back-test, whose largest ensemble ({worst}'s) has {sizes[worst]:,} figures"
        budget.check_values("samples", samples, sizes[worst], "samples", holder)


def backtest_mission(
    mission: Mission,
    missions: MissionSet,
    samples: int = DEFAULT_BACKTEST_SAMPLES,
    seed: int = DEFAULT_SEED,
    doctrine: bool = True,
    sampler: Sampler | str = Sampler.LHS,
    weighting: str = "mission",
    posture: bool = False,
    min_missions: int = MIN_POSTURE_MISSIONS,
) -> BacktestRow | Skipped:
    """The ensemble of the other missions' rules on one mission's own, independent geometry.

    With ``posture`` the rules are those of the other missions of its posture
    (:func:`~forcecalc.calibration.rules.by_posture`, with its fallback to every rule).
    """
    planned = mission_rules(mission, missions, doctrine, posture, min_missions)
    if isinstance(planned, Skipped):
        return planned
    rules, choice = planned
    site = mission_site(mission)
    weights = group_weights(rules, weighting)
    seed_m = mission_seed(seed, mission.id)
    mixed = ensemble(rules, site, samples, seed_m, weights=weights, sampler=sampler)
    b = band(mixed.deployed, samples)
    left = tuple(m.id for m in missions if m.group == mission.group)
    return BacktestRow(
        mission=mission.id,
        name=mission.name,
        year=mission.year,
        posture=mission.posture,
        actual=mission.strength,
        band=b,
        inside=b.p5 <= mission.strength <= b.p95,
        log_ratio=math.log(b.p50 / mission.strength),
        rules=tuple(rules),
        left_out=left,
        group=mission.group,
        conditioned=choice.conditioned,
    )


def backtest(
    missions: MissionSet | None = None,
    samples: int = DEFAULT_BACKTEST_SAMPLES,
    seed: int = DEFAULT_SEED,
    doctrine: bool = True,
    sampler: Sampler | str = Sampler.LHS,
    weighting: str = "mission",
    posture: bool = False,
    min_missions: int = MIN_POSTURE_MISSIONS,
) -> BacktestResult:
    """Leave-one-out back-test of the equal-weight rule ensemble on every mission.

    Parameters
    ----------
    missions : MissionSet, optional
        The dataset (default: the shipped one).
    samples : int
        Samples of each mission's ensemble.
    seed : int
        Seed; each mission's ensemble uses a seed derived from it and the mission's id.
    doctrine : bool
        Include the doctrine rules (20-25 per 1,000 inhabitants; posts every 1.45-2.4 km).
    weighting : {"mission", "rule"}
        Equal weights per mission (default) or per rule
        (:func:`forcecalc.calibration.rules.group_weights`).
    posture : bool
        Each mission's ensemble from the other missions of its own posture (with the fallback
        of :func:`~forcecalc.calibration.rules.by_posture`), instead of all of them.
    min_missions : int
        The fewest other mission groups of its posture before a mission falls back.

    Raises
    ------
    ParameterError
        ``samples``, before any mission is computed, past the memory budget
        (:func:`check_budget`).
    """
    missions = default_missions() if missions is None else missions
    check_budget(missions, samples, doctrine, posture, min_missions)
    args = (samples, seed, doctrine, sampler, weighting, posture, min_missions)
    out = [backtest_mission(m, missions, *args) for m in missions]
    rows = tuple(r for r in out if isinstance(r, BacktestRow))
    skipped = tuple(r for r in out if isinstance(r, Skipped))
    coverage = float(np.mean([r.inside for r in rows])) if rows else math.nan
    mal = float(np.median([abs(r.log_ratio) for r in rows])) if rows else math.nan
    width = float(np.median([r.band.p95 / r.band.p5 for r in rows])) if rows else math.nan
    rules = all_rules(missions, doctrine)
    used = {k for r in rows for k in r.rules}
    point = all(isinstance(f.dist, Point) for k in used for f in rules[k].figures.values())
    return BacktestResult(
        rows,
        skipped,
        coverage,
        mal,
        width,
        samples,
        seed,
        str(Sampler(sampler)),
        doctrine,
        weighting,
        point,
        posture,
        min_missions,
    )


def backtest_postures(
    missions: MissionSet | None = None,
    samples: int = DEFAULT_BACKTEST_SAMPLES,
    seed: int = DEFAULT_SEED,
    doctrine: bool = True,
    sampler: Sampler | str = Sampler.LHS,
    weighting: str = "mission",
    min_missions: int = MIN_POSTURE_MISSIONS,
) -> tuple[BacktestResult, BacktestResult]:
    """The back-test without and with posture conditioning, at the same seed: ``(all, own)``.

    Each mission's ensemble uses the same seed in both, so the difference between the two is
    the rules chosen, not the draws.
    """
    missions = default_missions() if missions is None else missions
    for posture in (False, True):  # both refused before either is computed
        check_budget(missions, samples, doctrine, posture, min_missions)
    args = (missions, samples, seed, doctrine, sampler, weighting)
    return backtest(*args), backtest(*args, posture=True, min_missions=min_missions)
