"""Rows of the Breakdown tab for sectors, rotation by category and pledges, as ``run`` gives them.

Every number and label is the report's (:func:`forcecalc.report.render.run_table`, the table
``forcecalc run`` prints): the sections "Committed by category", "Deployed by sector" and
"Force generation" are read from it, so the app shows what the command line shows. What is
added is the scenario's own words beside them: a sector's posture, a category's rotation rule,
a pledge's ``covers`` and delivery probability. Computed without Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence

from forcecalc.core.runner import RunResult
from forcecalc.core.sampling import describe_figure
from forcecalc.core.scenario import Scenario
from forcecalc.core.sustainment import DEFAULT_PREFIX, category_prefix
from forcecalc.report.render import Cell, ensemble_lines, fmt_number, run_table

#: The figures of a rotation rule, by the form it is written in.
RULE_FIGURES = {
    "rotation_multiplier": ("rotation_multiplier",),
    "tour_and_dwell": ("tour_months", "dwell_months"),
}

#: The sections of ``forcecalc run``'s table the Breakdown tab shows, by the start of their title.
COMMITTED, SECTORS, SUPPLY = "Committed by category", "Deployed by sector", "Force generation"


def run_section(result: RunResult, start: str) -> tuple[str, list[Sequence[Cell]]]:
    """The title and rows (``name, unit, p5, p50, p95, mean``) of the section of ``forcecalc
    run``'s table whose title starts with ``start``; ``("", [])`` where it has none."""
    for title, rows in run_table(result).sections:
        if title.startswith(start):
            return title, list(rows)
    return "", []


def rotation_rule(scenario: Scenario, category: str) -> str:
    """A category's rotation rule as the scenario writes it: its own (``own rule:
    tour_months 12, dwell_months 0``) or the scenario's default (``scenario's rule:
    rotation_multiplier 3``)."""
    own = dict(scenario.category_sustainment)
    if category in own:
        form, prefix, whose = own[category], category_prefix(category), "own rule"
    else:
        form, prefix, whose = scenario.sustainment, DEFAULT_PREFIX, "scenario's rule"
    parts = (
        f"{name} {describe_figure(scenario.figures[prefix + name])}" for name in RULE_FIGURES[form]
    )
    return f"{whose}: {', '.join(parts)}"


def category_rows(result: RunResult) -> list[dict[str, object]]:
    """Deployed and committed personnel by category (P5, P50, P95) with each category's
    rotation rule; empty unless the scenario gives categories their own rules, the only case
    in which ``forcecalc run`` breaks committed down by category."""
    _, committed = run_section(result, COMMITTED)
    rows = []
    for name, _, p5, p50, p95, _ in committed:
        deployed = result.summary.categories[str(name)]
        rows.append(
            {
                "category": name,
                "rotation rule": rotation_rule(result.scenario, str(name)),
                "deployed p5": deployed.p5,
                "deployed p50": deployed.p50,
                "deployed p95": deployed.p95,
                "committed p5": p5,
                "committed p50": p50,
                "committed p95": p95,
            }
        )
    return rows


def sector_rows(result: RunResult) -> list[dict[str, object]]:
    """Deployed personnel by sector, as ``forcecalc run`` gives them (with its row for the rest
    of the force, which no sector owns), and each sector's posture and whether it has a
    buffer; empty for the shorthand geometry."""
    sectors = {s.name: s for s in result.scenario.geometry.sectors}
    _, section = run_section(result, SECTORS)
    rows = []
    for name, _, p5, p50, p95, mean in section:
        sector = sectors.get(str(name))
        rows.append(
            {
                "sector": name,
                "posture": (sector.posture or "") if sector else "",
                "buffer": ("yes" if sector.has_buffer else "no (quiet)") if sector else "",
                "p5": p5,
                "p50": p50,
                "p95": p95,
                "mean": mean,
            }
        )
    return rows


def supply_rows(result: RunResult) -> list[dict[str, str]]:
    """``forcecalc run``'s "Force generation" rows, labels included (a coverage restricted by
    ``covers`` names the requirement it compares with), each number as text by its unit."""
    _, section = run_section(result, SUPPLY)
    return [
        {
            "name": str(name),
            "unit": str(unit),
            **{
                k: fmt_number(v, str(unit))
                for k, v in zip(("p5", "p50", "p95", "mean"), values, strict=True)
            },
        }
        for name, unit, *values in section
    ]


def pledge_rows(scenario: Scenario) -> list[dict[str, str]]:
    """Each pledge: contributor, status, personnel, the categories it covers and the
    probability that it is delivered, as the scenario gives them (text)."""
    fg = scenario.force_generation
    if fg is None:
        return []
    rows = []
    for p in fg.pledges:
        probability = scenario.figures.get(p.probability_path) if p.reliability else None
        rows.append(
            {
                "contributor": p.contributor,
                "status": p.status,
                "personnel": describe_figure(scenario.figures[p.figure_path]),
                "covers": ", ".join(p.covers) if p.covers else "every category",
                "delivery probability": (
                    describe_figure(probability) if probability else "1 (delivered as pledged)"
                ),
            }
        )
    return rows


def ensemble_text(scenario: Scenario) -> str:
    """An ensemble's posture, fallback and each rule's share of the samples, the line
    ``forcecalc run`` prints under its table; ``""`` for other methods."""
    return " ".join(line for line in ensemble_lines(scenario) if line)
