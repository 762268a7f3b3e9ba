"""The Timeline tab: required against available month by month, and the mandate's figures.

For a scenario with a ``timeline:`` section, :func:`forcecalc.core.timeline_run.run_timeline`
at the app's settings (cached: :func:`forcecalc.app.cached.cached_timeline`), shown as
``forcecalc timeline`` labels it (:mod:`forcecalc.report.timeline`): the fan chart and the
shortfall chart (Vega-Lite specs of :mod:`forcecalc.report.charts_timeline`, the same a
report renders to SVG), the mandate's figures as metrics with their bands, and the month
table. A scenario over :data:`~forcecalc.app.drivers.AUTO_TORNADO_FIGURES` figures is run once
asked for, as the tornado and the sweep are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from forcecalc.app import drivers, messages, texts
from forcecalc.app.cached import RunSettings, cached_parse, cached_timeline, shown_errors
from forcecalc.app.widgets import plain, table_height
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.scenario import Scenario
from forcecalc.core.summary import Band
from forcecalc.core.timeline_run import TimelineResult
from forcecalc.report import charts_timeline
from forcecalc.report.render import fmt_number, provenance_lines
from forcecalc.report.timeline import MANDATE_LABELS, PROBABILITY_LABELS, notes, timeline_tables

#: The one line a scenario without a timeline shows.
NO_TIMELINE = (
    "This scenario has no timeline: add a timeline: section (see docs/scenario-format.md, "
    "section Timeline) to see required against available month by month."
)
#: Widget key of the button that asks for a large scenario's timeline.
ASK_KEY = "timeline_go"
#: The mandate's figures shown as metrics, in rows of :data:`PER_ROW`: when the force is at
#: strength, then the personnel over the mandate.
METRICS = (
    "p_no_shortfall",
    "p_no_shortfall_after_build_up",
    "at_strength_month",
    "peak_committed",
    "pass_through",
)
#: Metrics on a row: three keep each label whole on a laptop's 1366-px screen.
PER_ROW = 3
#: What a metric means, where its label does not say it all.
HELP = {
    PROBABILITY_LABELS["p_no_shortfall"]: "Share of samples with no shortfall in any month, "
    "the build-up included.",
    PROBABILITY_LABELS["p_no_shortfall_after_build_up"]: "Share of samples with no shortfall "
    "from the month the planned build-up completes to the mandate's end: whether the force "
    "stays at strength as commitments end. The window is the plan's, so more withdrawal never "
    "raises it.",
    MANDATE_LABELS["at_strength_month"][0]: "Descriptive: a withdrawal during the build-up can "
    "move it past a later shortfall.",
    MANDATE_LABELS["pass_through"][0]: "Troop tours the mandate needs: the sum over months of "
    "required deployed ÷ tour months, per category.",
}
#: The Compare tab's timeline columns (P50 of the bands).
COMPARE_COLUMNS = {
    "p_no_shortfall_after_build_up": PROBABILITY_LABELS["p_no_shortfall_after_build_up"],
    "peak_committed": "peak committed p50",
    "pass_through": "passing through p50",
}


def _asked_key(current: texts.ScenarioText) -> str:
    return f"{ASK_KEY}|{hashlib.sha256(current.text.encode('utf-8')).hexdigest()[:12]}"


def timeline_wanted(current: texts.ScenarioText, n_figures: int) -> bool:
    """Whether to run the timeline now: at once for a small scenario, after a click (which
    stays for later reruns of the same text) for one over
    :data:`~forcecalc.app.drivers.AUTO_TORNADO_FIGURES` figures."""
    if n_figures <= drivers.AUTO_TORNADO_FIGURES or st.session_state.get(_asked_key(current)):
        return True
    if st.button(f"Compute the timeline of {n_figures:,} figures", key=ASK_KEY):
        st.session_state[_asked_key(current)] = True
        return True
    return False


def timeline_of(current: texts.ScenarioText, settings: RunSettings) -> TimelineResult:
    """The cached timeline of a scenario text at the app's settings."""
    return cached_timeline(
        current.text, current.name, settings.samples, settings.seed, settings.sampler
    )


def band_text(b: Band, unit: str) -> str:
    """``P5–P95: a – b`` of a band, as the headline shows it (months named as such)."""
    ends = f"{fmt_number(b.p5, unit)} – {fmt_number(b.p95, unit)}"
    return f"P5–P95: month {ends}" if unit == "months" else f"P5–P95: {ends}"


def _probability_note(result: TimelineResult, key: str) -> str:
    """What a probability's metric shows below it: after the build-up, the month it
    completes."""
    b = result.mandate.get("build_up_month")
    if key != "p_no_shortfall_after_build_up" or b is None:
        return ""
    return f"{MANDATE_LABELS['build_up_month'][0]}: {band_text(b, 'months')}"


def metric_items(result: TimelineResult) -> list[tuple[str, str, str]]:
    """The mandate's figures as (label, value, caption) of :data:`METRICS`, labelled as
    ``forcecalc timeline`` labels them: a probability, a figure over the samples where it
    happens with its P50 and band (``–`` where it happens in none)."""
    items = []
    for key in METRICS:
        if key in PROBABILITY_LABELS:
            value = fmt_number(result.probabilities[key], "probability")
            items.append((PROBABILITY_LABELS[key], value, _probability_note(result, key)))
            continue
        label, unit = MANDATE_LABELS[key]
        b = result.mandate.get(key)
        shown = "–" if b is None else fmt_number(b.p50, unit)
        items.append((label, shown, "in no sample" if b is None else band_text(b, unit)))
    return items


def compare_columns(result: TimelineResult | None) -> dict[str, str]:
    """The Compare tab's timeline columns of one scenario, ``–`` without a timeline."""
    if result is None:
        return dict.fromkeys(COMPARE_COLUMNS.values(), "–")
    key = "p_no_shortfall_after_build_up"
    out = {COMPARE_COLUMNS[key]: fmt_number(result.probabilities[key], "probability")}
    for key in ("peak_committed", "pass_through"):
        out[COMPARE_COLUMNS[key]] = fmt_number(result.mandate[key].p50, "personnel")
    return out


def compare_timelines(
    rows: Sequence[Mapping[str, object]],
    texts_by_label: Mapping[str, texts.ScenarioText],
    settings: RunSettings,
) -> tuple[list[dict[str, object]], list[str]]:
    """The Compare tab's rows with :func:`compare_columns` before ``name``, and a note for
    each timeline not run.

    Each scenario's timeline is run at the app's settings where it has one (a scenario over
    :data:`~forcecalc.app.drivers.AUTO_TORNADO_FIGURES` figures only once its timeline was
    asked for in the Timeline tab). One the library refuses at these settings (more samples
    than a timeline's budget) shows ``–`` and a note with the refusal, named by the
    scenario, rather than an error: the run beside it stands.
    """
    out, refused = [], []
    for row in rows:
        label = str(row["scenario"])
        text = texts_by_label[label]
        scenario = cached_parse(text.text, text.name)
        result = None
        small = len(scenario.figures) <= drivers.AUTO_TORNADO_FIGURES
        if scenario.timeline is not None and (small or st.session_state.get(_asked_key(text))):
            try:
                result = timeline_of(text, settings)
            except ForcecalcError as exc:
                refused.append(f"{label}, timeline not run: {messages.app_message(exc)}")
        head = {k: v for k, v in row.items() if k != "name"}
        out.append({**head, **compare_columns(result), "name": row["name"]})
    return out, refused


def month_frame(result: TimelineResult) -> pd.DataFrame:
    """The month table of ``forcecalc timeline``: personnel rounded, P(shortfall) as text."""
    table = timeline_tables(result)[0]
    frame = pd.DataFrame(table.sections[0][1], columns=list(table.columns))
    people = [c for c in table.columns if c not in ("month", "P(shortfall)")]
    frame[people] = frame[people].astype(float).round(0)
    frame["P(shortfall)"] = [fmt_number(p, "probability") for p in frame["P(shortfall)"]]
    return frame


def show_metrics(result: TimelineResult) -> None:
    """The mandate's figures as metrics, their bands below each."""
    items = metric_items(result)
    for start in range(0, len(items), PER_ROW):
        row = items[start : start + PER_ROW]
        for column, (label, value, band) in zip(st.columns(PER_ROW), row, strict=False):
            with column:
                st.metric(label, value, help=HELP.get(label))
                if band:
                    st.caption(band)


def show_result(result: TimelineResult) -> None:
    """The charts, the metrics, the month table and the notes of one timeline."""
    show_metrics(result)
    for spec in charts_timeline.timeline_specs(result):
        st.vega_lite_chart(spec, width="stretch")
    frame = month_frame(result)
    number = st.column_config.NumberColumn(format="localized")
    st.dataframe(
        frame,
        hide_index=True,
        height=table_height(len(frame)),
        column_config=dict.fromkeys([c for c in frame.columns if c != "P(shortfall)"], number),
    )
    for line in [*notes(result), " · ".join(provenance_lines(result.provenance))]:
        st.caption(plain(line))


def show_timeline(current: texts.ScenarioText, scenario: Scenario, settings: RunSettings) -> None:
    """The Timeline tab of the scenario as edited, or the one line on how to add one."""
    if scenario.timeline is None:
        st.info(plain(NO_TIMELINE))
        return
    if not timeline_wanted(current, len(scenario.figures)):
        return
    with shown_errors():
        show_result(timeline_of(current, settings))
