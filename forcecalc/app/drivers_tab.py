"""The Drivers tab (a tornado of the uncertain figures) and the Sweep tab (one figure swept)."""

from __future__ import annotations

import hashlib

import streamlit as st

from forcecalc.app import drivers, messages, texts
from forcecalc.app.cached import RunSettings, cached_sweep, cached_tornado
from forcecalc.app.results_tabs import show_chart
from forcecalc.app.widgets import plain
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.report import charts
from forcecalc.report.render import fmt_number
from forcecalc.report.sensitivity import independence_notes


def asked(current: texts.ScenarioText, n_figures: int, what: str, key: str) -> bool:
    """Whether the user asked for ``what`` (a button ``key``) for this scenario text: once
    clicked, it stays asked for on later reruns of the same text."""
    asked_key = f"{key}|{hashlib.sha256(current.text.encode('utf-8')).hexdigest()[:12]}"
    if st.button(f"Compute {what} of {n_figures:,} figures", key=key):
        st.session_state[asked_key] = True
    return bool(st.session_state.get(asked_key, False))


def tornado_wanted(current: texts.ScenarioText, n_figures: int) -> bool:
    """Whether to draw the tornado now (:func:`forcecalc.app.drivers.tornado_plan`): at once
    for a small scenario, after a click for a larger one, never for one too large."""
    plan = drivers.tornado_plan(n_figures)
    if plan == "refuse":
        st.info(
            f"This scenario has {n_figures:,} figures: the app draws the tornado for at most "
            f"{drivers.MAX_TORNADO_FIGURES:,} (its work grows with the square of the number "
            "of figures). `forcecalc sensitivity` on the downloaded file computes it."
        )
        return False
    return plan == "auto" or asked(current, n_figures, "the tornado", "tornado_go")


def show_drivers(current: texts.ScenarioText) -> None:
    """The tornado chart: which uncertain figure moves the requirement most."""
    if not tornado_wanted(current, len(current.parse().figures)):
        return
    output = st.radio("Requirement", drivers.DRIVER_OUTPUTS, horizontal=True, key="tornado_out")
    result = cached_tornado(current.text, current.name)
    t = next(t for t in result.tornadoes if t.output == output)
    rows = charts.tornado_rows(t)
    if not rows:
        st.info(f"No uncertain figure of this scenario moves {output}.")
        return
    show_chart(charts.tornado_spec(rows, output, t.baseline))
    rules = (
        " The ensemble's rule choice runs from the rule giving the least to the one giving the "
        "most; every other bar and the line are averaged over the rules by their weights."
        if t.averaged_over
        else ""
    )
    st.caption(
        f"Each uncertain figure moved from its P5 to its P95 with every other figure at its "
        f"median; the line is that all-medians {output}, {fmt_number(t.baseline, 'personnel')}."
        f"{rules} "
        f"{result.evaluations} model evaluations; interactions are not shown, and figures "
        "that do not move it are left out."
    )
    if result.correlated:  # the tornado ignores the scenario's correlations: say so
        st.caption(plain(independence_notes(result)[0]))


def sweep_controls(scenario: Scenario) -> tuple[Figure, float, float, int, str]:
    """The sweep's figure, range, number of steps and output, chosen by the user.

    A refused contributor's pledge is not offered: it stays 0, so there is nothing to sweep.
    """
    paths = drivers.sweep_paths(scenario)
    default = paths.index("geometry.front_length_km") if "geometry.front_length_km" in paths else 0
    left, middle, right, last = st.columns([3, 1, 1, 1])
    path = left.selectbox(
        "Figure to sweep",
        paths,
        index=default,
        format_func=lambda p: f"{p} [{scenario.figures[p].unit}]",
        key="sweep_path",
    )
    figure = scenario.figures[path]
    start, stop = drivers.sweep_range(figure)
    start = middle.number_input("from", value=start, format="%g", key=f"sweep_from|{path}")
    stop = right.number_input("to", value=stop, format="%g", key=f"sweep_to|{path}")
    steps = last.number_input("steps", 2, 101, 21, key="sweep_steps")
    output = st.radio("Requirement", drivers.DRIVER_OUTPUTS, horizontal=True, key="sweep_out")
    return figure, float(start), float(stop), int(steps), str(output)


def show_sweep(current: texts.ScenarioText, scenario: Scenario, settings: RunSettings) -> None:
    """The requirement's band as one figure is swept over a range (common random numbers).

    For a scenario over :data:`~forcecalc.app.drivers.AUTO_TORNADO_FIGURES` figures, only
    once asked for (a sweep runs the model at every step).
    """
    n_figures = len(scenario.figures)
    big = n_figures > drivers.AUTO_TORNADO_FIGURES
    if big and not asked(current, n_figures, "the sweep", "sweep_go"):
        return
    figure, start, stop, steps, output = sweep_controls(scenario)
    try:
        result = cached_sweep(
            current.text,
            current.name,
            figure.path,
            start,
            stop,
            steps,
            settings.samples,
            settings.seed,
            settings.sampler,
        )
    except ForcecalcError as exc:
        st.error(plain(messages.app_message(exc)))
        return
    rows = charts.sweep_rows(result, output)
    marker = drivers.figure_median(figure)
    show_chart(charts.sweep_spec(rows, figure.path, figure.unit, output, marker))
    st.caption(
        f"At each value {plain(figure.path)} is fixed (as `--set` does) and the band comes from "
        f"the other figures, with the same {settings.samples:,} samples at every point; the dashed "
        "line is the figure's value (median) in the scenario."
    )
