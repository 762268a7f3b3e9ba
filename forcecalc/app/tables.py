"""App-specific table and chart rows of a run, a comparison and the precedents.

The rows the app's tables and its charts (:mod:`forcecalc.report.charts` specs) draw: bands by
task, category or rule; the sources' claims; scenarios side by side; a scenario beside past
missions. The histogram and tornado rows are the report's (:mod:`forcecalc.report.charts`), so
the app and ``forcecalc report`` draw the same charts. Numbers shown as
text are formatted by :func:`forcecalc.report.render.fmt_number`, as everywhere else.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from forcecalc.app.headline import DENSITIES as DENSITIES_RUN
from forcecalc.calibration.analogs import Comparison
from forcecalc.core import glossary
from forcecalc.core.runner import RunResult
from forcecalc.core.summary import Band
from forcecalc.report import calibration
from forcecalc.report.charts import band_dict
from forcecalc.report.render import claim_dict, fmt_number, metric_label


def band_rows(bands: Mapping[str, Band], kind: str) -> list[dict[str, object]]:
    """Rows of a breakdown table: ``kind`` (task, category, rule or sector), name and its band."""
    return [
        {kind: name, "p5": b.p5, "p50": b.p50, "p95": b.p95, "mean": b.mean}
        for name, b in bands.items()
    ]


def task_rows(result: RunResult) -> list[dict[str, object]]:
    """Deployed personnel by task, with each task's category and basis."""
    rows = band_rows(result.summary.tasks, "task")
    for row, task in zip(rows, result.scenario.tasks, strict=True):
        row["category"] = task.category
        row["basis"] = task.basis.value
    return rows


def result_unit(metric: str) -> str:
    """The unit of a result name a claim or table uses: an output (``deployed``,
    ``p_pledges_suffice`` ...) or a part of the requirement (``tasks.<name>``,
    ``categories.<name>``, ``rules.<id>``, in personnel)."""
    if metric in glossary.OUTPUTS:
        return glossary.OUTPUTS[metric].unit
    if metric.split(".", 1)[0] in ("tasks", "categories", "rules", "sectors"):
        return "personnel"
    return ""


def claim_rows(result: RunResult) -> list[dict[str, object]]:
    """The scenario's ``expect`` claims, met or not, at the app's settings.

    The value is text, formatted by its unit as everywhere in the app (personnel with thousands
    separators, a probability as a percentage); the other columns are the report's
    (:func:`forcecalc.report.render.claim_dict`).
    """
    rows = []
    for c in result.claims():
        claim = claim_dict(c)
        value = fmt_number(c.value, result_unit(c.expectation.metric))
        rows.append(
            {"claim": claim["claim"], "value": value, "met": c.met, "source": claim["source"]}
        )
    return rows


def samples_of(result: RunResult, metric: str) -> np.ndarray:
    """The sampled values of a metric (``deployed``, ``committed`` ...) over all samples."""
    values: ArrayLike = getattr(result.outcome, metric)
    return np.broadcast_to(np.asarray(values, dtype=float), (result.samples.n,))


def compare_rows(results: Mapping[str, RunResult]) -> list[dict[str, object]]:
    """One row per scenario: the headline bands side by side, for the comparison view.

    Personnel stay numbers (the table rounds them); the densities (each named for what it
    divides by, as ``forcecalc run`` names it) and the probability are text formatted by their
    unit, ``–`` where there is none (a scenario without pledges, or without borders or sectors
    for the whole line).
    """
    rows = []
    for label, result in results.items():
        s = result.summary
        row: dict[str, object] = {"scenario": label}
        for metric in ("deployed", "committed"):
            b = s.metrics[metric]
            row.update({f"{metric} p5": b.p5, f"{metric} p50": b.p50, f"{metric} p95": b.p95})
        for k in DENSITIES_RUN:  # named as `forcecalc run` names them
            b = s.metrics.get(k)
            row[f"{metric_label(k)} p50"] = _shown(b.p50 if b else None, glossary.unit_of(k))
        row["P(pledges suffice)"] = _shown(s.probabilities.get("p_pledges_suffice"), "probability")
        row["name"] = result.scenario.name
        rows.append(row)
    return rows


def _shown(value: float | None, unit: str) -> str:
    """A value as the app shows it: by its unit, ``–`` for none or not finite."""
    return "–" if value is None or not math.isfinite(value) else fmt_number(value, unit)


def compare_long_rows(results: Mapping[str, RunResult]) -> list[dict[str, object]]:
    """Deployed and committed P5 / P50 / P95 per scenario in long form, for a band chart."""
    return [
        {"scenario": label, "metric": metric, **band_dict(result.summary.metrics[metric])}
        for label, result in results.items()
        for metric in ("deployed", "committed")
    ]


def metric_choices(result: RunResult) -> Sequence[str]:
    """Metrics whose distribution the app can chart, in display order."""
    return [m for m in ("deployed", "committed") if m in result.summary.metrics]


def rule_label(rule_id: str, description: str) -> str:
    """A short label of a sizing rule that stays distinct when a chart cuts it: the rule id
    first, then what the rule says after its mission's name (``unifil_2006.per_km: 73.3 per km
    of line``)."""
    return f"{rule_id}: {description.rsplit(': ', 1)[-1]}"


def density_labels(c: Comparison) -> dict[str, str]:
    """The densities the comparison holds, by label, as the precedents table names them
    (:func:`forcecalc.report.calibration.density_labels`: per km of the whole line for a
    scenario with borders or sectors)."""
    return {label: d for d, label in calibration.density_labels(c).items() if d in c.densities}


def precedent_rows(c: Comparison, density: str) -> list[dict[str, object]]:
    """The scenario's band of ``density`` and each past mission's value of it, largest first;
    missions that do not state it are left out."""
    own = c.densities[density]
    rows: list[dict[str, object]] = [
        {"mission": "▶ this scenario", "p5": own.p5, "p50": own.p50, "p95": own.p95}
    ]
    for p in c.precedents:
        value = p.densities[density]
        if value is not None:
            name = f"{p.name} ({p.year}, {p.posture})"
            rows.append({"mission": name, "p5": value, "p50": value, "p95": value})
    rows.sort(key=lambda r: -float(r["p50"]))
    return rows


def sizing_rule_rows(c: Comparison) -> list[dict[str, object]]:
    """Each sizing rule's band on the scenario's geometry, labelled by :func:`rule_label`."""
    return [
        {
            "rule": rule_label(e.rule, e.description),
            "description": e.description,
            **band_dict(e.band),
        }
        for e in c.rules
    ]
