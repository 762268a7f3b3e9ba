"""The Compare tab (scenarios side by side) and the Precedents tab (beside past missions)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import streamlit as st

from forcecalc.app import tables, texts
from forcecalc.app.cached import RunSettings, cached_compare, cached_shipped, run_of, shown_errors
from forcecalc.app.results_tabs import show_chart
from forcecalc.app.timeline_tab import compare_timelines
from forcecalc.app.widgets import plain, show_table
from forcecalc.core.runner import RunResult
from forcecalc.report.charts import band_spec
from forcecalc.report.render import fmt_number

CURRENT = "this scenario, as edited"


def compare_key(base: texts.ScenarioText) -> str:
    """Widget key of the scenarios to compare: one per scenario, so the default selection
    follows the scenario shown rather than staying as it was for the one before."""
    digest = hashlib.sha256(base.text.encode("utf-8")).hexdigest()[:12]
    return f"compare|{digest}|{base.name}"


def compare_options(base: texts.ScenarioText) -> tuple[list[str], list[str]]:
    """The scenarios offered to compare and those chosen at first.

    The scenario shown is :data:`CURRENT` (as edited), so its own shipped file is not offered
    again; the other top-level shipped scenarios are chosen at first.
    """
    files = list(texts.shipped_scenarios())
    if base.name in files and cached_shipped(base.name) == base:
        files.remove(base.name)
    return [CURRENT, *files], [CURRENT, *(f for f in files if "/" not in f)]


def show_compare(
    base: texts.ScenarioText,
    current: texts.ScenarioText,
    settings: RunSettings,
    variants: Mapping[str, texts.ScenarioText] | None = None,
) -> None:
    """Two or more scenarios side by side at the same settings; the planner's variants
    (by name, :mod:`forcecalc.app.share`) are offered after this one."""
    variants = variants or {}
    options, default = compare_options(base)
    options = [CURRENT, *variants, *options[1:]]
    chosen = st.multiselect(
        "Scenarios to compare (the published ones too)",
        options,
        default=default,
        key=compare_key(base),
    )
    results: dict[str, RunResult] = {}
    shown: dict[str, texts.ScenarioText] = {}
    for label in chosen:
        text = current if label == CURRENT else variants.get(label) or cached_shipped(label)
        with shown_errors(f"{label}: "):
            results[label] = run_of(text, settings)
            shown[label] = text
    if not results:
        st.info("Choose at least one scenario.")
        return
    rows = tables.compare_long_rows(results)
    title = "Deployed and committed, P5–P95 with P50"
    show_chart(band_spec(rows, "scenario", title, color="metric", x_title="personnel"))
    personnel = [f"{m} {p}" for m in ("deployed", "committed") for p in ("p5", "p50", "p95")]
    rows, refused = compare_timelines(tables.compare_rows(results), shown, settings)
    show_table(rows, personnel)
    for note in refused:
        st.caption(plain(note))
    st.caption(
        "The densities are medians (P50), named for what they divide by as forcecalc run names "
        "them; – where a scenario has none (per km of the whole line: a line with borders or "
        "sectors). The timeline's columns (forcecalc timeline) are – for a scenario without "
        "a timeline: section; P(no shortfall after the build-up) counts the months from the "
        "end of each scenario's planned build-up."
    )


def show_precedents(current: texts.ScenarioText, settings: RunSettings) -> None:
    """The scenario's density beside past missions, its rank, and each sizing rule's answer."""
    c = cached_compare(
        current.text, current.name, settings.samples, settings.seed, settings.sampler
    )
    names = tables.density_labels(c)
    label = st.radio("Density", list(names), horizontal=True, key="precedent_density")
    density = names[label]
    rows = tables.precedent_rows(c, density)
    title = f"Personnel {label}: this scenario (P5–P95) beside past missions"
    show_chart(band_spec(rows, "mission", title, x_title=f"personnel {label}"))
    for r in c.ranks:
        if r.density == density:
            st.caption(f"The scenario's median ranks {r.rank} of {r.of} missions by density.")
    if density == "troops_per_km" and c.per_km_front is not None and c.border_km is not None:
        st.caption(
            f"Per km of the whole line: the front and its {fmt_number(c.border_km.p50, 'km')} "
            "km of quiet borders, as a mission's whole strength over its whole line; per km of "
            f"front alone it would be {fmt_number(c.per_km_front.p50)}, counting the border "
            "troops as if they stood on the front."
        )
    rules = tables.sizing_rule_rows(c)
    if rules:
        title = "Each sizing rule on this scenario's geometry"
        show_chart(band_spec(rules, "rule", title, details=("description",)))
    st.caption(
        "Missing densities are figures not stated, or unconfirmed (`forcecalc missions "
        "--sources`). The rules are alternatives, not parts; `forcecalc analogs` prints the same."
    )
