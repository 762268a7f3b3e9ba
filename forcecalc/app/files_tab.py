"""The Sources tab (every figure with its source) and the Download tab (scenario and results)."""

from __future__ import annotations

import shlex

import pandas as pd
import streamlit as st

from forcecalc.app import texts
from forcecalc.app.report_files import show_report, show_workbook
from forcecalc.app.widgets import table_height
from forcecalc.core.runner import RunResult
from forcecalc.core.scenario import Scenario
from forcecalc.report.labels import source_rows_named
from forcecalc.report.render import correlation_source_rows, sources_rows


def show_sources(scenario: Scenario) -> None:
    """Every figure in words with its value, unit, source (named by outlet, date and
    language), quote and gloss; its key path and source id in the last columns."""
    rows = source_rows_named(scenario, sources_rows(scenario))
    columns = ["figure", "value", "unit", "source", "quote", "gloss", "kind", "note"]
    columns += ["key path", "source id"]
    text = st.column_config.TextColumn
    widths = {"figure": "medium", "source": "medium", "quote": "large", "gloss": "large"}
    st.dataframe(
        pd.DataFrame(rows)[columns],
        hide_index=True,
        height=table_height(len(rows)),
        column_config={c: text(width=w) for c, w in widths.items()} | {"note": text(width=360)},
    )
    show_correlations(scenario)


def show_correlations(scenario: Scenario) -> None:
    """The scenario's ``correlations:`` (the two figures, the rank correlation, its source or
    assumption), as ``forcecalc sources`` lists them; nothing when it has none."""
    rows = correlation_source_rows(scenario)
    if not rows:
        return
    st.subheader("Correlations (rank, imposed on the sampling)", anchor=False)
    columns = ["figure", "value", "source", "quote", "gloss", "kind", "note"]
    text = st.column_config.TextColumn
    widths = {"figures": "large", "value": "medium", "source": "large", "quote": "large"}
    st.dataframe(
        pd.DataFrame(rows)[columns].rename(columns={"figure": "figures"}),
        hide_index=True,
        height=table_height(len(rows)),
        column_config={c: text(width=w) for c, w in widths.items()},
    )


def show_downloads(current: texts.ScenarioText, result: RunResult | None, n_edited: int) -> None:
    """Download the edited scenario as YAML and the results (if any) as CSV, JSON and xlsx,
    and the one-page report as HTML."""
    files = texts.downloads(current, result, n_edited)
    for f in files:
        st.download_button(f.label, f.data, file_name=f.file_name, mime=f.mime, key=f.key)
    if result is not None:  # the workbook and the one-page report (on demand)
        show_workbook(current, result)
        show_report(current, result)
    if result is None:
        st.caption("No results to download at these settings (see the error above).")
    else:
        p = result.provenance
        st.caption("This command gives the same numbers:")
        st.code(
            f"forcecalc run {shlex.quote(files[0].file_name)} --samples {p.samples} "
            f"--seed {p.seed} --sampler {p.sampler}",
            language=None,
        )
    with st.expander("Scenario YAML"):
        st.code(current.text, language="yaml")
