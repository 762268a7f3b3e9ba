"""The Download tab's result files beyond CSV and JSON: the results as an Excel workbook and the
one-page report as HTML, each what the command line writes for the same file and settings
(``forcecalc run --format xlsx``, ``forcecalc report``)."""

from __future__ import annotations

import streamlit as st

from forcecalc.app import texts
from forcecalc.app.cached import cached_run
from forcecalc.app.memo import bounded
from forcecalc.app.widgets import plain
from forcecalc.core.runner import RunResult
from forcecalc.report import plot, workbook
from forcecalc.report.brief import brief_html
from forcecalc.report.brief_run import brief_inputs_for
from forcecalc.report.render import render_run

#: The most the cached reports hold. [bytes]
REPORT_CACHE_BYTES = 16 * 1024 * 1024
#: Where a prepared report waits for its download: the key of the run it is of, and the page.
REPORT_STATE = "report_html"


def _stem(current: texts.ScenarioText) -> str:
    return texts.file_name(current.name).removesuffix(".yaml").removesuffix(".yml")


def _run_key(current: texts.ScenarioText, result: RunResult) -> tuple[str, str, int, int, str]:
    p = result.provenance
    return (current.text, current.name, p.samples, p.seed, p.sampler)


@bounded(REPORT_CACHE_BYTES)
def cached_report(text: str, name: str, samples: int, seed: int, sampler: str) -> str:
    """``forcecalc report``'s page for a scenario text at these settings."""
    result = cached_run(text, name, samples, seed, sampler)
    return brief_html(brief_inputs_for(result, samples, seed, sampler), plot.inline_svg)


def show_workbook(current: texts.ScenarioText, result: RunResult) -> None:
    """The results CSV as an ``.xlsx`` workbook, or a note where openpyxl is missing."""
    if not workbook.available():
        st.caption(f"Results as xlsx need openpyxl: {workbook.INSTALL}")
        return
    st.download_button(
        "Results xlsx (with a Provenance sheet)",
        workbook.workbook_bytes(render_run(result, "csv")),
        file_name=f"{_stem(current)}-results.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_xlsx",
    )


def show_report(current: texts.ScenarioText, result: RunResult) -> None:
    """A button that prepares the one-page report (it runs the tornado, a front sweep and the
    precedents), then its download; a new scenario, edit or setting asks again."""
    if not plot.available():
        st.caption(f"The one-page report needs vl-convert: {plot.INSTALL}")
        return
    key = _run_key(current, result)
    held = st.session_state.get(REPORT_STATE)
    if held is None or held[0] != key:
        if not st.button("Prepare the one-page report (HTML)", key="report_go"):
            return
        with st.spinner("Running the analyses the report shows…"):
            held = (key, cached_report(*key))
        st.session_state[REPORT_STATE] = held
    st.download_button(
        "One-page report (HTML)",
        held[1],
        file_name=f"{_stem(current)}-report.html",
        mime="text/html",
        key="download_report",
        on_click="ignore",
    )
    st.caption(plain("The same page as: forcecalc report (the file above) at these settings."))
