"""The planner app: pick or upload a scenario, edit its figures, see bands, drivers and sources.

Run it from a checkout with ``streamlit run app.py``. This module only lays out widgets and
charts: every number comes from :mod:`forcecalc.app.planner` and the library functions the CLI uses,
through one pure runner cached on the scenario's YAML text and the run settings.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from forcecalc.analysis.explore import Sweep
from forcecalc.analysis.sensitivity import TornadoResult
from forcecalc.app import planner
from forcecalc.calibration.analogs import Comparison, compare
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.runner import RunResult
from forcecalc.core.sampling import DEFAULT_SAMPLES, DEFAULT_SEED, Sampler
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.report.render import fmt_number, provenance_lines, sources_rows
from forcecalc.scenario.resources import DEFAULT_SCENARIO

#: Sample counts offered: powers of two, so every sampler (Sobol too) accepts them.
SAMPLE_CHOICES = tuple(2**k for k in range(10, 19))

SHIPPED, UPLOAD, PASTE = "Shipped scenario", "Upload a file", "Paste YAML"
CURRENT = "this scenario, as edited"
TABS = (
    "Assumptions",
    "Breakdown",
    "Distribution",
    "Drivers",
    "Sweep",
    "Compare",
    "Precedents",
    "Sources",
    "Download",
)


@dataclass(frozen=True)
class RunSettings:
    """The run controls: number of samples, seed and sampler."""

    samples: int
    seed: int
    sampler: str


# --------------------------------------------------------------------------------------------
# Cached calls into the library


@st.cache_data(max_entries=128, show_spinner=False)
def cached_run(text: str, name: str, samples: int, seed: int, sampler: str) -> RunResult:
    """:func:`forcecalc.app.planner.run_text`, cached on the scenario text and the run settings."""
    return planner.run_text(text, name, samples, seed, sampler)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_parse(text: str, name: str) -> Scenario:
    """The scenario of a text already checked by the loader."""
    return planner.ScenarioText(text, name).parse()


@st.cache_data(max_entries=64, show_spinner=False)
def cached_tornado(text: str, name: str) -> TornadoResult:
    """:func:`forcecalc.app.planner.tornado_text`, cached on the scenario text."""
    return planner.tornado_text(text, name)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_sweep(
    text: str,
    name: str,
    path: str,
    start: float,
    stop: float,
    steps: int,
    samples: int,
    seed: int,
    sampler: str,
) -> Sweep:
    """:func:`forcecalc.app.planner.sweep_text`, cached on the scenario text and its settings."""
    return planner.sweep_text(text, name, path, start, stop, steps, samples, seed, sampler)


@st.cache_data(show_spinner=False)
def cached_shipped(file_name: str) -> planner.ScenarioText:
    """A shipped scenario's text."""
    return planner.read_shipped(file_name)


def run_of(scenario_text: planner.ScenarioText, settings: RunSettings) -> RunResult:
    """The cached run of a scenario text at the app's settings."""
    return cached_run(
        scenario_text.text, scenario_text.name, settings.samples, settings.seed, settings.sampler
    )


@contextmanager
def shown_errors(prefix: str = "") -> Iterator[None]:
    """Show an expected error (:class:`ForcecalcError`) as its one-line message and go on.

    A command-line option leading the message is named as the app's control instead
    (:func:`forcecalc.app.planner.planner_message`). The rest of the ``with`` block is skipped;
    the page below it is still drawn. Anything else is a bug and is left to Streamlit, which
    shows it with its traceback.
    """
    try:
        yield
    except ForcecalcError as exc:
        st.error(f"{prefix}{planner.planner_message(str(exc))}")


@st.cache_data(max_entries=32, show_spinner=False)
def cached_compare(text: str, name: str, samples: int, seed: int, sampler: str) -> Comparison:
    """The scenario beside past missions (:func:`forcecalc.calibration.analogs.compare`), cached."""
    return compare(cached_run(text, name, samples, seed, sampler))


# --------------------------------------------------------------------------------------------
# Sidebar: scenario in, run settings


def figure_key(base: planner.ScenarioText, generation: int, path: str, param: str) -> str:
    """Widget key of one parameter of one figure.

    It changes with the scenario (so a new scenario starts from its own values) and with
    "reset to scenario" (``generation``), which brings every figure back to the file's value.
    """
    digest = hashlib.sha256(base.text.encode("utf-8")).hexdigest()[:12]
    return f"figure|{digest}|{generation}|{path}|{param}"


def _reset() -> None:
    st.session_state["generation"] = st.session_state.get("generation", 0) + 1


#: Session-state key of the last scenario shown, kept on screen while a bad file is fixed.
LAST_GOOD = "last_good_scenario"


def _user_scenario(data: bytes, name: str, fallback: planner.ScenarioText) -> planner.ScenarioText:
    """A user's scenario if the loader accepts it; else its error and the last good scenario.

    The last good scenario is the one shown before this file (an earlier upload or paste, with
    the edits made to it), or ``fallback`` (the shipped scenario picked) when there is none.
    """
    last: planner.ScenarioText = st.session_state.get(LAST_GOOD, fallback)
    try:
        return planner.read_upload(data, name)
    except ForcecalcError as exc:
        st.error(str(exc))
    except Exception as exc:  # a bug in the loader, not in the file: say so, keep working
        message = " ".join(str(exc).split())
        st.error(
            f"{name}: internal error (a bug in forcecalc, not in your file): "
            f"{type(exc).__name__}: {message}"
        )
    st.caption(f"Showing {plain(last.name)} until the file is fixed.")
    return last


def scenario_input() -> planner.ScenarioText:
    """The sidebar's scenario picker, upload and paste box; returns the scenario chosen."""
    st.header("Scenario")
    origin = st.radio("Scenario from", (SHIPPED, UPLOAD, PASTE), key="origin")
    files = list(planner.shipped_scenarios())
    default = files.index(DEFAULT_SCENARIO) if DEFAULT_SCENARIO in files else 0
    pick = st.selectbox("Shipped scenario", files, index=default, key="shipped")
    chosen = cached_shipped(pick)
    if origin == UPLOAD:
        upload = st.file_uploader("Scenario file (YAML)", type=["yaml", "yml"], key="upload")
        if upload is not None:
            chosen = _user_scenario(upload.getvalue(), upload.name, chosen)
    elif origin == PASTE:
        text = st.text_area("Scenario YAML", key="paste", height=240)
        if text.strip():
            chosen = _user_scenario(text.encode("utf-8"), "pasted.yaml", chosen)
    st.session_state[LAST_GOOD] = chosen
    return chosen


def run_settings() -> RunSettings:
    """The sidebar's samples, seed and sampler controls and the reset button."""
    st.header("Run")
    samples = st.select_slider(
        "Samples",
        SAMPLE_CHOICES,
        value=DEFAULT_SAMPLES,
        format_func=lambda n: f"{n:,}",
        key="samples",
    )
    seed = st.number_input("Seed", min_value=0, value=DEFAULT_SEED, step=1, key="seed")
    sampler = st.selectbox("Sampler", [s.value for s in Sampler], key="sampler")
    st.button("Reset to scenario", on_click=_reset, key="reset", help="Undo every edit")
    return RunSettings(int(samples), int(seed), str(sampler))


# --------------------------------------------------------------------------------------------
# Assumptions: every figure editable, with its source beside it

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$~|#])")


def plain(text: str) -> str:
    """Text shown literally in Markdown (no emphasis, links or maths from its characters)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def show_source(figure: Figure) -> None:
    """The figure's source, original-language quote and English gloss, and its note."""
    note = planner.source_note(figure)
    st.caption(plain(note.label))
    if note.quote:
        gloss = f" — {plain(note.gloss)}" if note.gloss else ""
        st.caption(f"“{plain(note.quote)}”{gloss}")
    if figure.note:
        st.caption(f"Note: {plain(figure.note)}")


def figure_inputs(figure: Figure, base: planner.ScenarioText, generation: int) -> dict[str, float]:
    """Number inputs for every parameter of a figure; returns the values entered."""
    inputs, source = st.columns([3, 2])
    entered: dict[str, float] = {}
    with inputs:
        st.markdown(f"`{figure.path}` · {figure.unit} · {planner.dist_kind(figure.dist)}")
        params = planner.dist_params(figure.dist)
        for column, (name, value) in zip(st.columns(len(params)), params.items(), strict=True):
            spec = planner.input_spec(figure, value)
            entered[name] = column.number_input(
                name,
                value=spec.value,
                step=spec.step,
                format=spec.format,
                key=figure_key(base, generation, figure.path, name),
            )
    with source:
        show_source(figure)
    return entered


def edit_figures(scenario: Scenario, base: planner.ScenarioText) -> dict[str, Mapping[str, float]]:
    """Every figure of the scenario in expanders by group; returns the values entered."""
    generation = st.session_state.get("generation", 0)
    values: dict[str, Mapping[str, float]] = {}
    for group, figures in planner.grouped_figures(scenario).items():
        title = f"{group.capitalize()} ({planner.count(len(figures), 'figure')})"
        with st.expander(title, expanded=group in ("geometry", "tasks")):
            for figure in figures:
                values[figure.path] = figure_inputs(figure, base, generation)
    return values


def edited_scenario(
    base: planner.ScenarioText, scenario: Scenario, values: Mapping[str, Mapping[str, float]]
) -> tuple[planner.ScenarioText, int, str | None]:
    """The scenario with the entered values, the number of edited figures and any error."""
    changes = planner.changed_figures(scenario, values)
    try:
        return planner.apply_edits(base, changes), len(changes), None
    except ForcecalcError as exc:
        return base, len(changes), str(exc)


# --------------------------------------------------------------------------------------------
# Results


def show_headlines(result: RunResult, reference: RunResult | None) -> None:
    """The headline metrics with their P5–P95 bands and change from the scenario as loaded.

    A change is green when it is good for the planner: fewer personnel (or a lower density)
    needed, a higher probability that the pledges suffice.
    """
    items = planner.headlines(result, reference)
    for column, item in zip(st.columns(len(items)), items, strict=True):
        with column:
            st.metric(
                item.label,
                item.value_text,
                delta=item.delta_text,
                delta_color="normal" if item.unit == "probability" else "inverse",
                help=item.meaning,
            )
            st.caption(item.band_text)
    st.caption(plain(" · ".join(provenance_lines(result.provenance))))


def band_chart(
    rows: Sequence[Mapping[str, object]],
    name: str,
    title: str,
    color: str | None = None,
    x_title: str = "personnel deployed (P5–P95, tick at P50)",
    details: Sequence[str] = (),
) -> alt.LayerChart:
    """Horizontal P5–P95 bars with a tick at P50, one per row (task, category or scenario).

    ``color`` names a column that splits each row into coloured bars (deployed, committed);
    ``details`` names text columns added to the tooltip (a label's full text).
    """
    data = pd.DataFrame(rows)
    y = alt.Y(f"{name}:N", sort=None, title=None, axis=alt.Axis(labelLimit=320))
    base = alt.Chart(data, title=title).encode(y=y)
    if color:
        base = base.encode(color=alt.Color(f"{color}:N", title=None), yOffset=f"{color}:N")
    bars = base.mark_bar(opacity=0.45).encode(x=alt.X("p5:Q", title=x_title), x2="p95:Q")
    tooltip = [
        name,
        *details,
        *(alt.Tooltip(f"{k}:Q", format=",.0f") for k in ("p5", "p50", "p95")),
    ]
    ticks = base.mark_tick(thickness=3, size=18, color="black").encode(x="p50:Q", tooltip=tooltip)
    return bars + ticks


PERSONNEL_COLUMNS = ("p5", "p50", "p95", "mean")


def whole_numbers(
    rows: Sequence[Mapping[str, object]], columns: Sequence[str] = PERSONNEL_COLUMNS
) -> pd.DataFrame:
    """A table whose personnel columns are rounded to whole numbers.

    They stay floating point, so a value no integer type holds (NaN, ±inf, 1e300 from an
    extreme figure) is kept as it is rather than breaking the table.
    """
    frame = pd.DataFrame(rows)
    frame[list(columns)] = frame[list(columns)].astype(float).round(0)
    return frame


def show_table(
    rows: Sequence[Mapping[str, object]], columns: Sequence[str] = PERSONNEL_COLUMNS
) -> None:
    """A table of bands, personnel columns as whole numbers with thousands separators."""
    number = st.column_config.NumberColumn(format="localized")
    st.dataframe(
        whole_numbers(rows, columns), hide_index=True, column_config=dict.fromkeys(columns, number)
    )


def show_breakdown(result: RunResult) -> None:
    """Deployed personnel by task and by category, as bands, and the sources' claims."""
    tasks = planner.task_rows(result)
    categories = planner.band_rows(result.summary.categories, "category")
    if not tasks:  # method analog or ensemble: the sizing rules, alternatives rather than parts
        rules = planner.band_rows(result.summary.rules, "rule")
        title = f"By sizing rule (alternatives; method {result.scenario.method})"
        st.altair_chart(band_chart(rules, "rule", title))
        show_table(rules)
    else:
        st.altair_chart(band_chart(tasks, "task", "By task"))
        show_table(tasks)
        st.altair_chart(band_chart(categories, "category", "By category"))
        show_table(categories)
    claims = planner.claim_rows(result)
    if claims:
        st.subheader("What the sources claim, at these settings")
        text = st.column_config.TextColumn
        st.dataframe(
            pd.DataFrame(claims),
            hide_index=True,
            column_config={"claim": text(width="medium"), "source": text(width="large")},
        )


def show_distribution(result: RunResult) -> None:
    """Histogram of the requirement with P5, P50 and P95 marked."""
    metric = st.radio(
        "Requirement", planner.metric_choices(result), horizontal=True, key="dist_metric"
    )
    rows = planner.histogram_rows(planner.samples_of(result, metric))
    if not rows:
        st.info(f"No finite sample of {metric} to draw.")
        return
    hist = pd.DataFrame(rows)
    marks = pd.DataFrame(planner.band_marks(result.summary.metrics[metric]))
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


def show_drivers(current: planner.ScenarioText) -> None:
    """The tornado chart: which uncertain figure moves the requirement most."""
    output = st.radio("Requirement", planner.DRIVER_OUTPUTS, horizontal=True, key="tornado_out")
    result = cached_tornado(current.text, current.name)
    t = next(t for t in result.tornadoes if t.output == output)
    rows = planner.tornado_rows(t)
    if not rows:
        st.info(f"No uncertain figure of this scenario moves {output}.")
        return
    data = pd.DataFrame(rows)
    y = alt.Y("figure:N", sort=alt.SortField("rank"), title=None, axis=alt.Axis(labelLimit=420))
    bars = (
        alt.Chart(data, title=f"Drivers of {output}")
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("baseline:Q", title=f"{output} [personnel]", scale=alt.Scale(zero=False)),
            x2="output:Q",
            color=alt.Color("end:N", title=None),
            tooltip=[
                "figure",
                "end",
                alt.Tooltip("at:N", title="figure at"),
                alt.Tooltip("output:Q", format=",.0f"),
            ],
        )
    )
    rule = alt.Chart(pd.DataFrame({"baseline": [t.baseline]})).mark_rule().encode(x="baseline:Q")
    st.altair_chart(bars + rule)
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


def sweep_controls(scenario: Scenario) -> tuple[Figure, float, float, int, str]:
    """The sweep's figure, range, number of steps and output, chosen by the user.

    A refused contributor's pledge is not offered: it stays 0, so there is nothing to sweep.
    """
    paths = planner.sweep_paths(scenario)
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
    start, stop = planner.sweep_range(figure)
    start = middle.number_input("from", value=start, format="%g", key=f"sweep_from|{path}")
    stop = right.number_input("to", value=stop, format="%g", key=f"sweep_to|{path}")
    steps = last.number_input("steps", 2, 101, 21, key="sweep_steps")
    output = st.radio("Requirement", planner.DRIVER_OUTPUTS, horizontal=True, key="sweep_out")
    return figure, float(start), float(stop), int(steps), str(output)


def show_sweep(current: planner.ScenarioText, scenario: Scenario, settings: RunSettings) -> None:
    """The requirement's band as one figure is swept over a range (common random numbers)."""
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
        st.error(planner.planner_message(str(exc)))
        return
    data = pd.DataFrame(planner.sweep_rows(result, output))
    x = alt.X("value:Q", title=f"{figure.path} [{figure.unit}]")
    band = alt.Chart(data).mark_area(opacity=0.3).encode(x=x, y="p5:Q", y2="p95:Q")
    line = (
        alt.Chart(data, title=f"{output} against {figure.path}")
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("p50:Q", title=f"{output} [personnel], P50 with P5–P95"),
            tooltip=[alt.Tooltip(c, format=",.4g") for c in ("value", "p5", "p50", "p95")],
        )
    )
    now = pd.DataFrame({"value": [planner.figure_median(figure)]})
    rule = alt.Chart(now).mark_rule(strokeDash=[4, 3]).encode(x="value:Q")
    st.altair_chart(band + line + rule)
    st.caption(
        f"At each value {figure.path} is fixed (as `--set` does) and the band comes from the "
        f"other figures, with the same {settings.samples:,} samples at every point; the dashed "
        "line is the figure's value (median) in the scenario."
    )


def compare_key(base: planner.ScenarioText) -> str:
    """Widget key of the scenarios to compare: one per scenario, so the default selection
    follows the scenario shown rather than staying as it was for the one before."""
    digest = hashlib.sha256(base.text.encode("utf-8")).hexdigest()[:12]
    return f"compare|{digest}|{base.name}"


def compare_options(base: planner.ScenarioText) -> tuple[list[str], list[str]]:
    """The scenarios offered to compare and those chosen at first.

    The scenario shown is :data:`CURRENT` (as edited), so its own shipped file is not offered
    again; the other top-level shipped scenarios are chosen at first.
    """
    files = list(planner.shipped_scenarios())
    if base.name in files and cached_shipped(base.name) == base:
        files.remove(base.name)
    return [CURRENT, *files], [CURRENT, *(f for f in files if "/" not in f)]


def show_compare(
    base: planner.ScenarioText, current: planner.ScenarioText, settings: RunSettings
) -> None:
    """Two or more scenarios side by side at the same settings."""
    options, default = compare_options(base)
    chosen = st.multiselect(
        "Scenarios to compare (the published ones too)",
        options,
        default=default,
        key=compare_key(base),
    )
    results: dict[str, RunResult] = {}
    for label in chosen:
        text = current if label == CURRENT else cached_shipped(label)
        with shown_errors(f"{label}: "):
            results[label] = run_of(text, settings)
    if not results:
        st.info("Choose at least one scenario.")
        return
    rows = planner.compare_long_rows(results)
    title = "Deployed and committed, P5–P95 with P50"
    st.altair_chart(band_chart(rows, "scenario", title, color="metric", x_title="personnel"))
    personnel = [f"{m} {p}" for m in ("deployed", "committed") for p in ("p5", "p50", "p95")]
    show_table(planner.compare_rows(results), personnel)
    st.caption("Troops per km and per km² are medians (P50); – where a scenario has none.")


_DENSITIES = {
    "per km of line": "troops_per_km",
    "per km² of buffer": "troops_per_km2",
    "per 1,000 inhabitants": "troops_per_1000",
}


def show_precedents(current: planner.ScenarioText, settings: RunSettings) -> None:
    """The scenario's density beside past missions, its rank, and each sizing rule's answer."""
    c = cached_compare(
        current.text, current.name, settings.samples, settings.seed, settings.sampler
    )
    names = dict(_DENSITIES)
    if c.border_km is not None:  # the whole force over the whole line it covers
        names = {
            "per km of front and borders" if d == "troops_per_km" else k: d
            for k, d in names.items()
        }
    labels = [k for k, d in names.items() if d in c.densities]
    label = st.radio("Density", labels, horizontal=True, key="precedent_density")
    density = names[label]
    own = c.densities[density]
    rows = [{"mission": "▶ this scenario", "p5": own.p5, "p50": own.p50, "p95": own.p95}]
    for p in c.precedents:
        value = p.densities[density]
        if value is not None:
            name = f"{p.name} ({p.year}, {p.posture})"
            rows.append({"mission": name, "p5": value, "p50": value, "p95": value})
    rows.sort(key=lambda r: -float(r["p50"]))
    title = f"Personnel {label}: this scenario (P5–P95) beside past missions"
    st.altair_chart(band_chart(rows, "mission", title, x_title=f"personnel {label}"))
    for r in c.ranks:
        if r.density == density:
            st.caption(f"The scenario's median ranks {r.rank} of {r.of} missions by density.")
    if density == "troops_per_km" and c.per_km_front is not None and c.border_km is not None:
        st.caption(
            f"Per km of front and its {fmt_number(c.border_km.p50, 'km')} km of quiet borders, "
            "as a mission's whole strength over its whole line; over the front alone it would "
            f"be {fmt_number(c.per_km_front.p50)} per km, counting the border troops as if they "
            "stood on the front."
        )
    rules = [
        {
            "rule": planner.rule_label(e.rule, e.description),
            "description": e.description,
            "p5": e.band.p5,
            "p50": e.band.p50,
            "p95": e.band.p95,
        }
        for e in c.rules
    ]
    if rules:
        title = "Each sizing rule on this scenario's geometry"
        st.altair_chart(band_chart(rules, "rule", title, details=("description",)))
    st.caption(
        "Missing densities are figures not stated, or unconfirmed (`forcecalc missions "
        "--sources`). The rules are alternatives, not parts; `forcecalc analogs` prints the same."
    )


#: Height of a table row and of the header, and the most a table takes before it scrolls. [px]
ROW_PX, MAX_TABLE_PX = 35, 560


def table_height(n_rows: int) -> int:
    """A table's height in pixels: its rows and header, at most :data:`MAX_TABLE_PX`."""
    return min((n_rows + 1) * ROW_PX + 3, MAX_TABLE_PX)


def show_sources(scenario: Scenario) -> None:
    """Every figure with its value, unit, source id, quote and gloss."""
    rows = sources_rows(scenario)
    columns = ["figure", "value", "unit", "source", "quote", "gloss", "kind", "note"]
    text = st.column_config.TextColumn
    widths = {"figure": "medium", "source": "medium", "quote": "large", "gloss": "large"}
    st.dataframe(
        pd.DataFrame(rows)[columns],
        hide_index=True,
        height=table_height(len(rows)),
        column_config={c: text(width=w) for c, w in widths.items()} | {"note": text(width=360)},
    )


def show_downloads(current: planner.ScenarioText, result: RunResult | None, n_edited: int) -> None:
    """Download the edited scenario as YAML and the results (if any) as CSV and JSON."""
    files = planner.downloads(current, result, n_edited)
    for f in files:
        st.download_button(f.label, f.data, file_name=f.file_name, mime=f.mime, key=f.key)
    if result is None:
        st.caption("No results to download at these settings (see the error above).")
    else:
        p = result.provenance
        st.caption(
            f"`forcecalc run {plain(files[0].file_name)} --samples {p.samples} --seed {p.seed} "
            f"--sampler {p.sampler}` gives the same numbers."
        )
    with st.expander("Scenario YAML"):
        st.code(current.text, language="yaml")


# --------------------------------------------------------------------------------------------
# The page


def if_run(result: RunResult | None, show: Callable[[RunResult], None]) -> None:
    """``show(result)``; with no result (its error is shown above the tabs), a note saying so."""
    if result is None:
        st.info("No results at these settings: see the error above.")
    else:
        show(result)


def main() -> None:
    """The whole page, top to bottom."""
    st.set_page_config(page_title="forcecalc planner", layout="wide")
    with st.sidebar:
        base = scenario_input()
        settings = run_settings()
    scenario = cached_parse(base.text, base.name)
    st.title(scenario.name)
    with st.expander("About this scenario"):
        st.write(plain(scenario.description))
        st.caption(f"File: {plain(base.name)}")
    head = st.container()
    tabs = dict(zip(TABS, st.tabs(list(TABS)), strict=True))
    with tabs["Assumptions"]:
        values = edit_figures(scenario, base)
    current, n_edited, error = edited_scenario(base, scenario, values)
    result: RunResult | None = None
    reference: RunResult | None = None
    with head:
        if error:
            st.error(f"{error} — showing the scenario as loaded until this is fixed.")
        elif n_edited:
            st.info(
                f"{planner.count(n_edited, 'figure')} edited; changes shown against the scenario "
                "as loaded."
            )
        with shown_errors():  # e.g. too many samples for this many figures
            result = run_of(current, settings)
            reference = run_of(base, settings) if current is not base else None
        if result is not None:
            show_headlines(result, reference)
    with tabs["Breakdown"]:
        if_run(result, show_breakdown)
    with tabs["Distribution"]:
        if_run(result, show_distribution)
    with tabs["Drivers"], shown_errors():
        show_drivers(current)
    with tabs["Sweep"]:  # the sweep and the precedents run at the same settings
        if_run(result, lambda r: show_sweep(current, r.scenario, settings))
    with tabs["Compare"]:
        show_compare(base, current, settings)
    with tabs["Precedents"], shown_errors():
        if_run(result, lambda r: show_precedents(current, settings))
    with tabs["Sources"]:
        show_sources(cached_parse(current.text, current.name))
    with tabs["Download"]:
        show_downloads(current, result, n_edited)
