"""A run's results on the page: the headline, the Breakdown tab and the Distribution tab."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forcecalc.app import fidelity, headline, tables
from forcecalc.app.widgets import plain, show_table, wide_columns
from forcecalc.core.runner import RunResult
from forcecalc.report import charts
from forcecalc.report.charts_fit import for_container
from forcecalc.report.render import provenance_lines


def show_chart(spec: charts.Spec) -> None:
    """A chart of :mod:`forcecalc.report.charts` (those ``forcecalc report`` and ``--plot``
    draw), as wide as the page (the spec's own width is for a file), its labels capped at a
    share of that width (:func:`forcecalc.report.charts_fit.for_container`)."""
    st.vega_lite_chart(spec=for_container(spec), width="stretch")


def show_headlines(result: RunResult, reference: RunResult | None) -> None:
    """The headline metrics with their P5–P95 bands and change from the scenario as loaded.

    A change is green when it is good for the planner: fewer personnel (or a lower density)
    needed, a higher probability that the pledges suffice.
    """
    items = headline.headlines(result, reference)
    people = [i for i in items if i.key not in headline.DENSITIES]
    # the densities on a row of their own, each named for what it divides by
    # a wrapping row of fixed-width cells: one line at 1400 px, two to a line on a phone
    for row in (people, [i for i in items if i.key in headline.DENSITIES]):
        grid = st.container(horizontal=True, wrap=True, gap="medium")
        for item in row:
            with grid.container(width=headline.headline_width(item.label)):
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
        show_chart(charts.band_spec(rules, "rule", title))
        show_table(rules)
        ensemble = fidelity.ensemble_text(result.scenario)
        if ensemble:
            st.text(ensemble)
    else:
        show_chart(charts.band_spec(tasks, "task", "By task"))
        show_table(tasks)
        show_chart(charts.band_spec(categories, "category", "By category"))
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
    show_chart(charts.band_spec(long, "category", title, color="metric", x_title="personnel"))
    columns = [f"{m} {p}" for m in ("deployed", "committed") for p in PCTS]
    show_table(rows, columns, wide=("rotation rule",))


PCTS = ("p5", "p50", "p95")


def show_sectors(result: RunResult) -> None:
    """Deployed by sector with each sector's posture (declared sectors only, as ``run``)."""
    rows = fidelity.sector_rows(result)
    if not rows:
        return
    show_chart(charts.band_spec(rows, "sector", "By sector (tasks along the line)"))
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
    """Histogram of the requirement with P5, P50 and P95 marked, and the pledged total."""
    metric = st.radio(
        "Requirement", tables.metric_choices(result), horizontal=True, key="dist_metric"
    )
    if not charts.histogram(tables.samples_of(result, metric)):
        st.info(f"No finite sample of {metric} to draw.")
        return
    show_chart(charts.distribution_chart(result, metric, tooltips=True))
    has_pledges = "pledged" in result.summary.metrics
    pledged = " and a solid line at the pledged total (P50)" if has_pledges else ""
    st.caption(
        f"{result.samples.n:,} samples; dashed lines at P5, P50 and P95{pledged}. A single bar "
        "means no figure the requirement depends on is uncertain."
    )
    show_chart(charts.exceedance_chart(result, metric))
    st.caption(
        f"The probability that {metric} exceeds X, read from the same samples: where the curve "
        f"crosses the pledged line{'' if has_pledges else ' (none here)'}, the chance that the "
        "pledges fall short."
    )
