"""A run's results on the page: the headline, the Breakdown tab and the Distribution tab."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from forcecalc.app import fidelity, headline, tables
from forcecalc.app.widgets import band_chart, plain, show_table, wide_columns
from forcecalc.core.runner import RunResult
from forcecalc.report.render import provenance_lines


def show_headlines(result: RunResult, reference: RunResult | None) -> None:
    """The headline metrics with their P5–P95 bands and change from the scenario as loaded.

    A change is green when it is good for the planner: fewer personnel (or a lower density)
    needed, a higher probability that the pledges suffice.
    """
    items = headline.headlines(result, reference)
    people = [i for i in items if i.key not in headline.DENSITIES]
    # the densities on a row of their own, each named for what it divides by
    for row in (people, [i for i in items if i.key in headline.DENSITIES]):
        for column, item in zip(st.columns(len(row)), row, strict=True):
            with column:
                st.metric(
                    item.label,
                    item.value_text,
                    delta=item.delta_text,
                    delta_color="normal" if item.unit == "probability" else "inverse",
                    help=item.meaning,
                )
                st.caption(item.band_text)
    ensemble = fidelity.ensemble_text(result.scenario)
    if ensemble:
        st.caption(plain(ensemble))
    st.caption(plain(" · ".join(provenance_lines(result.provenance))))


def show_breakdown(result: RunResult) -> None:
    """Deployed personnel by task and by category, as bands, and the sources' claims."""
    tasks = tables.task_rows(result)
    categories = tables.band_rows(result.summary.categories, "category")
    if not tasks:  # method analog or ensemble: the sizing rules, alternatives rather than parts
        rules = tables.band_rows(result.summary.rules, "rule")
        title = f"By sizing rule (alternatives; method {result.scenario.method})"
        st.altair_chart(band_chart(rules, "rule", title))
        show_table(rules)
        ensemble = fidelity.ensemble_text(result.scenario)
        if ensemble:
            st.text(ensemble)
    else:
        st.altair_chart(band_chart(tasks, "task", "By task"))
        show_table(tasks)
        st.altair_chart(band_chart(categories, "category", "By category"))
        show_table(categories)
    show_committed(result)
    show_sectors(result)
    show_supply(result)
    claims = tables.claim_rows(result)
    if claims:
        st.subheader("What the sources claim, at these settings")
        text = st.column_config.TextColumn
        st.dataframe(
            pd.DataFrame(claims),
            hide_index=True,
            column_config={"claim": text(width="medium"), "source": text(width="large")},
        )


def show_committed(result: RunResult) -> None:
    """Deployed and committed by category with each category's rotation rule (a scenario whose
    categories have their own rules only, as ``forcecalc run``)."""
    rows = fidelity.category_rows(result)
    if not rows:
        return
    long = [
        {"category": r["category"], "metric": m, **{p: r[f"{m} {p}"] for p in PCTS}}
        for r in rows
        for m in ("deployed", "committed")
    ]
    title = "Deployed and committed by category (each with its own rotation rule)"
    st.altair_chart(band_chart(long, "category", title, color="metric", x_title="personnel"))
    columns = [f"{m} {p}" for m in ("deployed", "committed") for p in PCTS]
    show_table(rows, columns, wide=("rotation rule",))


PCTS = ("p5", "p50", "p95")


def show_sectors(result: RunResult) -> None:
    """Deployed by sector with each sector's posture (declared sectors only, as ``run``)."""
    rows = fidelity.sector_rows(result)
    if not rows:
        return
    st.altair_chart(band_chart(rows, "sector", "By sector (tasks along the line)"))
    show_table(rows)


def show_supply(result: RunResult) -> None:
    """What the pledges and the pool cover, as ``forcecalc run`` labels it, and each pledge
    with the categories it covers and its delivery probability."""
    supply = fidelity.supply_rows(result)
    pledges = fidelity.pledge_rows(result.scenario)
    if not supply and not pledges:
        return
    st.subheader("Force generation", anchor=False)
    if supply:
        st.dataframe(
            pd.DataFrame(supply), hide_index=True, column_config=wide_columns(["name"], 640)
        )
    if pledges:
        st.dataframe(pd.DataFrame(pledges), hide_index=True)


def show_distribution(result: RunResult) -> None:
    """Histogram of the requirement with P5, P50 and P95 marked."""
    metric = st.radio(
        "Requirement", tables.metric_choices(result), horizontal=True, key="dist_metric"
    )
    rows = tables.histogram_rows(tables.samples_of(result, metric))
    if not rows:
        st.info(f"No finite sample of {metric} to draw.")
        return
    hist = pd.DataFrame(rows)
    marks = pd.DataFrame(tables.band_marks(result.summary.metrics[metric]))
    marks = marks[[math.isfinite(v) for v in marks["value"]]]
    bars = (
        alt.Chart(hist, title=f"Distribution of {metric}")
        .mark_bar(opacity=0.7)
        .encode(
            x=alt.X("start:Q", title=f"{metric} [personnel]"),
            x2="end:Q",
            y=alt.Y("share:Q", title="share of samples", axis=alt.Axis(format="%")),
            y2=alt.datum(0),
        )
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeWidth=2, strokeDash=[4, 3])
        .encode(
            x="value:Q",
            # dark colours that stand out on the blue bars: P50 darkest
            color=alt.Color(
                "statistic:N",
                title="band",
                scale=alt.Scale(
                    domain=["P5", "P50", "P95"], range=["#b45309", "#111827", "#b45309"]
                ),
            ),
            tooltip=["statistic:N", alt.Tooltip("value:Q", format=",.0f")],
        )
    )
    st.altair_chart(bars + rules)
    st.caption(
        f"{result.samples.n:,} samples; dashed lines at P5, P50 and P95. A single bar means "
        "no figure the requirement depends on is uncertain."
    )
