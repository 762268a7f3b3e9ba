"""What the planner app shows, computed without Streamlit.

The app (:mod:`forcecalc.app.page`) only lays out widgets and charts. Everything it shows comes from
here, and everything here goes through the same public functions as the CLI
(:func:`~forcecalc.scenario.loader.parse_scenario`, :func:`~forcecalc.core.runner.run`,
:func:`~forcecalc.report.render.render_run`), so these functions are tested like the rest of the
library. A scenario travels as its YAML text and a name: the text is what is run, what is
cached on, and what is offered for download, so a downloaded scenario run with ``forcecalc run``
at the same seed gives the app's numbers.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePosixPath

import numpy as np
from numpy.typing import ArrayLike

from forcecalc.analysis.explore import Sweep, axis, sweep
from forcecalc.analysis.sensitivity import Tornado, TornadoResult, figure_at, tornado
from forcecalc.calibration import rules
from forcecalc.core import glossary
from forcecalc.core.distributions import (
    Distribution,
    Interval90,
    LogNormal,
    Normal,
    Pert,
    Point,
    Triangular,
    Uniform,
)
from forcecalc.core.errors import ScenarioError, Where
from forcecalc.core.runner import RunResult, refused_pledges, run
from forcecalc.core.sampling import Sampler
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.core.sources import Assumption, Citation, RegisterSource, SourceDocument
from forcecalc.core.summary import Band
from forcecalc.report.render import fmt_number, render_run
from forcecalc.scenario.edit import edit_error, edit_scenario
from forcecalc.scenario.loader import MAX_BYTES, decode, dump_scenario, parse_scenario, read_text
from forcecalc.scenario.resources import scenarios_dir

# --------------------------------------------------------------------------------------------
# Scenarios as text


@functools.lru_cache(maxsize=64)
def parse_text(text: str, name: str) -> Scenario:
    """:func:`~forcecalc.scenario.loader.parse_scenario`, remembered for the last texts parsed.

    A scenario is immutable, so one parse serves the run, the tornado and the sweep of the same
    text; errors are raised again each time (they are not remembered).
    """
    return parse_scenario(text, name)


@dataclass(frozen=True)
class ScenarioText:
    """A scenario's YAML text and the name it is known by (file name, used in messages)."""

    text: str
    name: str

    def parse(self) -> Scenario:
        """The scenario, validated by the loader.

        Raises
        ------
        ScenarioError
            With the loader's one-line message.
        """
        return parse_text(self.text, self.name)


def shipped_scenarios() -> dict[str, Path]:
    """The shipped scenario files by name: the top level first, then ``published/...``.

    A scenario's name is its path under ``scenarios/`` (``seed-000-buffer-zone.yaml``,
    ``published/iiss-2025-brigade.yaml``), each group sorted.
    """
    root = scenarios_dir()
    files = sorted(root.rglob("*.yaml"), key=lambda p: (len(p.relative_to(root).parts), p))
    return {p.relative_to(root).as_posix(): p for p in files}


def read_shipped(name: str) -> ScenarioText:
    """The text of a shipped scenario, by its name in :func:`shipped_scenarios`."""
    text, _ = read_text(shipped_scenarios()[name])
    return ScenarioText(text, name)


def read_upload(data: bytes, name: str) -> ScenarioText:
    """A scenario uploaded or pasted by a user, validated by the same loader as a file.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file's name, used in messages.

    Raises
    ------
    ScenarioError
        If the data is too large, not UTF-8, or not a valid scenario.
    """
    if len(data) > MAX_BYTES:
        raise ScenarioError(Where(name), f"a file over {MAX_BYTES:,} bytes", "a smaller file")
    scenario_text = ScenarioText(decode(data, name), name)
    scenario_text.parse()
    return scenario_text


def file_name(name: str) -> str:
    """A scenario's name as a file name to save it under: ``published/x.yaml`` → ``x.yaml``."""
    base = PurePosixPath(name.replace("\\", "/")).name or "scenario.yaml"
    return base if base.endswith((".yaml", ".yml")) else f"{base}.yaml"


def edited_name(name: str) -> str:
    """File name of an edited scenario: ``x.yaml`` → ``x-edited.yaml``, without folders."""
    stem = file_name(name).removesuffix(".yaml").removesuffix(".yml").removesuffix("-edited")
    return f"{stem}-edited.yaml"


#: The first line of a scenario that tells an editor which JSON schema checks it.
_MODELINE = re.compile(r"^# yaml-language-server: [^\n]*\n")


def with_modeline(text: str, base: str) -> str:
    """``text`` headed by ``base``'s ``# yaml-language-server: $schema=...`` line, if it has one.

    :func:`~forcecalc.scenario.loader.dump_scenario` writes no comments, so an edited scenario
    would lose
    the line that lets an editor check it against ``scenario.schema.json``.
    """
    line = _MODELINE.match(base.removeprefix("\ufeff"))
    if line is None or _MODELINE.match(text):
        return text
    return line.group(0) + text


def apply_edits(base: ScenarioText, changes: Mapping[str, Distribution]) -> ScenarioText:
    """The base scenario with figures edited, as YAML text checked by the loader.

    With no changes the base text comes back unchanged (so its checksum is the file's).

    Raises
    ------
    EditError
        If an edited value breaks a rule of the scenario format (a value outside its domain,
        high not above low ...): the loader's rule told against the figure edited, its
        parameter, the value given and the values entered
        (:func:`forcecalc.scenario.edit.edit_error`),
        without the line and column of the regenerated YAML, which the user never sees.
    """
    if not changes:
        return base
    edited = edit_scenario(base.parse(), changes)
    out = ScenarioText(with_modeline(dump_scenario(edited), base.text), edited_name(base.name))
    try:
        out.parse()
    except ScenarioError as exc:
        raise edit_error(exc, changes) from None
    return out


def run_text(
    text: str, name: str, samples: int, seed: int, sampler: str = Sampler.LHS
) -> RunResult:
    """Parse scenario text and run it: the pure function the app caches on its arguments."""
    return run(parse_text(text, name), samples=samples, seed=seed, sampler=sampler)


@dataclass(frozen=True)
class Download:
    """One file the app offers: its widget key, button label, content, file name and type."""

    key: str
    label: str
    data: str
    file_name: str
    mime: str


def downloads(current: ScenarioText, result: RunResult | None, n_edited: int) -> list[Download]:
    """The files offered for download: the scenario as edited, and the results if there are any.

    The scenario is ``current.text`` itself, the text the app runs, so ``forcecalc run`` on the
    file at the same samples, seed and sampler gives the app's numbers.
    """
    name = file_name(current.name)
    stem = name.removesuffix(".yaml").removesuffix(".yml")
    what = "no edits"
    if n_edited:
        what = f"{count(n_edited, 'edited figure')}, each marked in its note"
    files = [
        Download(
            "download_yaml", f"Scenario YAML ({what})", current.text, name, "application/x-yaml"
        )
    ]
    if result is not None:
        files += [
            Download(
                "download_csv",
                "Results CSV",
                render_run(result, "csv"),
                f"{stem}-results.csv",
                "text/csv",
            ),
            Download(
                "download_json",
                "Results JSON (with provenance)",
                render_run(result, "json"),
                f"{stem}-results.json",
                "application/json",
            ),
        ]
    return files


def count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: ``1 figure``, ``2 figures``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


#: What the app calls the control a command-line option names, for its error messages.
_CONTROLS = {
    "--samples": "Samples (sidebar)",
    "--seed": "Seed (sidebar)",
    "--sampler": "Sampler (sidebar)",
    "--vary": "Sweep",
    "--range": "Sweep range",
    "--output": "Requirement",
    "--set": "Figure",
}
_OPTION = re.compile(r"^(--[a-z]+)(?=[ :])")


def planner_message(message: str) -> str:
    """A library message with its leading command-line option named as the app's control.

    ``--samples: got 262,144 ...`` becomes ``Samples (sidebar): got 262,144 ...``; the rest of
    the message, and a message that starts with no option the app has a control for, is kept.
    """
    match = _OPTION.match(message)
    if match is None or match.group(1) not in _CONTROLS:
        return message
    return _CONTROLS[match.group(1)] + message[match.end() :]


# --------------------------------------------------------------------------------------------
# Figures as editable inputs

#: Groups of figures, in the order the app shows them.
GROUPS = ("geometry", "tasks", "sustainment", "force generation")

_GROUP_OF = {
    "geometry": "geometry",
    "tasks": "tasks",
    "technology_offset": "tasks",
    "sustainment": "sustainment",
    "force_generation": "force generation",
}

_KIND = {
    Point: "point",
    Interval90: "90% interval",
    Pert: "PERT (low, mode, high)",
    Triangular: "triangular",
    Uniform: "uniform",
    Normal: "normal",
    LogNormal: "lognormal",
}


def figure_group(path: str) -> str:
    """The group a figure is edited in, from the first part of its path."""
    return _GROUP_OF[path.split(".", 1)[0]]


def grouped_figures(scenario: Scenario) -> dict[str, list[Figure]]:
    """The scenario's figures by group, in document order; empty groups left out."""
    out: dict[str, list[Figure]] = {g: [] for g in GROUPS}
    for figure in scenario.figures.values():
        if figure.path.split(".", 1)[0] in ("rules", "ensemble"):
            continue  # a sizing rule's figures come from the missions dataset, not the YAML
        out[figure_group(figure.path)].append(figure)
    return {g: figs for g, figs in out.items() if figs}


def dist_kind(dist: Distribution) -> str:
    """A short name of the distribution's family, for labels."""
    return _KIND.get(type(dist), type(dist).__name__)


def dist_params(dist: Distribution) -> dict[str, float]:
    """The parameters of a distribution by name, in their order (``low``, ``mode``, ``high``)."""
    return {f.name: float(getattr(dist, f.name)) for f in fields(dist)}  # type: ignore[arg-type]


def with_params(dist: Distribution, params: Mapping[str, float]) -> Distribution:
    """The same family of distribution with new parameters (unchecked: the loader checks)."""
    return replace(dist, **params)  # type: ignore[type-var]


@dataclass(frozen=True)
class InputSpec:
    """How to show one parameter as a number input: its value, step and display format."""

    value: float | int
    step: float | int
    format: str


def input_spec(figure: Figure, value: float) -> InputSpec:
    """A number input for a parameter of ``figure``: whole numbers for head counts."""
    if figure.unit in ("personnel", "personnel_per_post") and float(value).is_integer():
        step = max(1, 10 ** (len(str(int(abs(value)))) - 2)) if value else 1
        return InputSpec(int(value), int(step), "%d")
    step = 10.0 ** (math.floor(math.log10(abs(value))) - 1) if value else 0.01
    return InputSpec(float(value), step, "%g")


def changed_figures(
    scenario: Scenario, values: Mapping[str, Mapping[str, float]]
) -> dict[str, Distribution]:
    """The figures whose entered parameters differ from the scenario's, as new distributions.

    ``values`` maps a figure path to its parameters as entered; missing figures are unchanged.
    """
    changes: dict[str, Distribution] = {}
    for path, params in values.items():
        dist = scenario.figures[path].dist
        entered = {k: float(v) for k, v in params.items()}
        if entered != dist_params(dist):
            changes[path] = with_params(dist, entered)
    return changes


@dataclass(frozen=True)
class SourceNote:
    """What the app shows beside a figure: where it comes from, the quote and its gloss."""

    label: str
    quote: str = ""
    gloss: str = ""


#: The source documents' languages, by the code the register gives.
LANGUAGES = {"hr": "Croatian", "en": "English", "bg": "Bulgarian", "id": "Indonesian"}


def register_document(doc: SourceDocument) -> str:
    """A register document as a reader knows it: ``"Reuters report (English)"``, or
    ``"news report (Croatian; outlet and date not given)"`` when the text names neither."""
    language = LANGUAGES.get(doc.language, doc.language)
    what = f"{doc.outlet} report" if doc.outlet else "news report"
    missing = [k for k, v in (("outlet", doc.outlet), ("date", doc.date)) if not v]
    given = f", {doc.date}" if doc.date else ""
    note = f"; {' and '.join(missing)} not given" if missing and not doc.outlet else ""
    return f"{what}{given} ({language}{note})"


def source_note(figure: Figure) -> SourceNote:
    """The source of a figure, its original-language quote and English gloss, for display."""
    match figure.source:
        case RegisterSource(ref=ref, document=doc, figure=stated):
            return SourceNote(
                f"source: {register_document(doc)} ({ref})", stated.quote, stated.gloss
            )
        case Citation(quote=quote):
            return SourceNote(f"source: {figure.source.label()}", quote or "")
        case Assumption(reason=reason):
            return SourceNote(f"assumption: {reason}")
    return SourceNote(str(figure.source))


# --------------------------------------------------------------------------------------------
# Results as numbers and rows


@dataclass(frozen=True)
class Headline:
    """One headline number: its P50 (or probability), band and change from a reference run."""

    key: str
    label: str
    unit: str
    value: float
    p5: float | None = None
    p95: float | None = None
    delta: float | None = None
    reference: float | None = None

    @property
    def meaning(self) -> str:
        """What the number is, from the glossary."""
        return glossary.OUTPUTS[self.key].meaning

    @property
    def value_text(self) -> str:
        return fmt_number(self.value, self.unit) if math.isfinite(self.value) else "–"

    @property
    def band_text(self) -> str:
        if self.unit == "probability" and math.isnan(self.value):
            return "no pledges in this scenario"
        if not math.isfinite(self.value):
            return "not a finite number"
        if self.p5 is None or self.p95 is None:
            return ""
        ends = (fmt_number(x, self.unit) if math.isfinite(x) else "–" for x in (self.p5, self.p95))
        return "P5–P95: {} – {}".format(*ends)

    @property
    def delta_text(self) -> str | None:
        """The change from the reference, signed with a plain ``+`` or ``-`` (the sign
        ``st.metric`` reads for its arrow); ``None`` when there is no change at the precision
        the value is shown with (so rounding noise such as ``7e-15`` is no change)."""
        if self.delta is None or not math.isfinite(self.delta) or self.delta == 0:
            return None
        reference = self.value - self.delta if self.reference is None else self.reference
        if fmt_number(self.value, self.unit) == fmt_number(reference, self.unit):
            return None
        sign = "+" if self.delta > 0 else "-"
        if self.unit == "probability":
            points = f"{abs(self.delta) * 100:.1f}"
            return f"{sign}{'<0.1' if points == '0.0' else points} points vs scenario"
        size = fmt_number(abs(self.delta), self.unit)
        if not size.strip("0.,"):
            return None
        return f"{sign}{size} vs scenario"


_HEADLINES = (
    ("deployed", "Deployed (P50)", "personnel"),
    ("committed", "Committed (P50)", "personnel"),
    ("deployed_per_km", "Troops per km (P50)", "troops_per_km"),
    ("deployed_per_km2", "Troops per km² (P50)", "troops_per_km2"),
)
_PROBABILITIES = (
    ("p_pledges_suffice", "P(pledges suffice)"),
    ("p_pool_suffices", "P(pool suffices)"),
)


def _band_headline(key: str, label: str, unit: str, b: Band, ref: Band | None) -> Headline:
    if ref is None:
        return Headline(key, label, unit, b.p50, b.p5, b.p95)
    return Headline(key, label, unit, b.p50, b.p5, b.p95, b.p50 - ref.p50, ref.p50)


def headlines(result: RunResult, reference: RunResult | None = None) -> list[Headline]:
    """The headline numbers of a run, with changes from ``reference`` (the unedited scenario).

    The probability that pledges suffice is shown as "not stated" (NaN) for a scenario with no
    pledges, so the headline row keeps its shape.
    """
    s = result.summary
    r = reference.summary if reference is not None else None
    out = [
        _band_headline(k, label, unit, s.metrics[k], r.metrics[k] if r else None)
        for k, label, unit in _HEADLINES
    ]
    for key, label in _PROBABILITIES:
        if key == "p_pool_suffices" and key not in s.probabilities:
            continue
        value = s.probabilities.get(key, math.nan)
        ref = r.probabilities.get(key) if r else None
        delta = value - ref if ref is not None and math.isfinite(value) else None
        out.append(Headline(key, label, "probability", value, delta=delta, reference=ref))
    return out


def band_rows(bands: Mapping[str, Band], kind: str) -> list[dict[str, object]]:
    """Rows of a breakdown table: ``kind`` (task or category), name and its band."""
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
    if metric.split(".", 1)[0] in ("tasks", "categories", "rules"):
        return "personnel"
    return ""


def claim_rows(result: RunResult) -> list[dict[str, object]]:
    """The scenario's ``expect`` claims, met or not, at the app's settings.

    The value is text, formatted by its unit as everywhere in the app (personnel with thousands
    separators, a probability as a percentage).
    """
    return [
        {
            "claim": c.expectation.describe(),
            "value": fmt_number(c.value, result_unit(c.expectation.metric)),
            "met": c.met,
            "source": c.expectation.source.label(),
        }
        for c in result.claims()
    ]


def samples_of(result: RunResult, metric: str) -> np.ndarray:
    """The sampled values of a metric (``deployed``, ``committed`` ...) over all samples."""
    values: ArrayLike = getattr(result.outcome, metric)
    return np.broadcast_to(np.asarray(values, dtype=float), (result.samples.n,))


def histogram_rows(values: ArrayLike, bins: int = 50) -> list[dict[str, float]]:
    """A histogram as rows ``start``, ``end``, ``share`` (fraction of samples in the bin).

    Samples that are not finite (an overflow from an extreme figure) fall in no bin, so the
    shares then sum to less than one; with no finite sample there are no rows.
    """
    arr = np.asarray(values, dtype=float).ravel()
    finite = arr[np.isfinite(arr)]
    with np.errstate(over="ignore"):
        if finite.size == 0 or not np.isfinite(np.ptp(finite)):
            return []
    counts, edges = np.histogram(finite, bins=bins)
    shares = counts / arr.size
    return [
        {"start": float(a), "end": float(b), "share": float(s)}
        for a, b, s in zip(edges[:-1], edges[1:], shares, strict=True)
    ]


def band_marks(b: Band) -> list[dict[str, object]]:
    """P5, P50 and P95 as rows for vertical rules on a distribution chart."""
    return [{"statistic": k.upper(), "value": b.stat(k)} for k in ("p5", "p50", "p95")]


def compare_rows(results: Mapping[str, RunResult]) -> list[dict[str, object]]:
    """One row per scenario: the headline bands side by side, for the comparison view.

    Personnel stay numbers (the table rounds them); the densities and the probability are text
    formatted by their unit, ``–`` where there is none (a scenario without pledges).
    """
    rows = []
    for label, result in results.items():
        s = result.summary
        row: dict[str, object] = {"scenario": label}
        for metric in ("deployed", "committed"):
            b = s.metrics[metric]
            row.update({f"{metric} p5": b.p5, f"{metric} p50": b.p50, f"{metric} p95": b.p95})
        row["troops per km p50"] = _shown(s.metrics["deployed_per_km"].p50, "troops_per_km")
        row["troops per km² p50"] = _shown(s.metrics["deployed_per_km2"].p50, "troops_per_km2")
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
        {"scenario": label, "metric": metric, **_band_dict(result.summary.metrics[metric])}
        for label, result in results.items()
        for metric in ("deployed", "committed")
    ]


def _band_dict(b: Band) -> dict[str, float]:
    return {"p5": b.p5, "p50": b.p50, "p95": b.p95}


def metric_choices(result: RunResult) -> Sequence[str]:
    """Metrics whose distribution the app can chart, in display order."""
    return [m for m in ("deployed", "committed") if m in result.summary.metrics]


# --------------------------------------------------------------------------------------------
# Drivers and sweeps (forcecalc.analysis.sensitivity and forcecalc.analysis.explore)

#: Outputs the tornado and sweep panels offer.
DRIVER_OUTPUTS = ("deployed", "committed")


def tornado_text(text: str, name: str) -> TornadoResult:
    """The tornado of a scenario text (P5 to P95 swings of deployed and committed)."""
    return tornado(parse_text(text, name), outputs=DRIVER_OUTPUTS)


def tornado_rows(t: Tornado) -> list[dict[str, object]]:
    """Two segments per uncertain figure, from the all-medians baseline to the output with the
    figure at its P5 and at its P95; largest swing first. Figures that do not move the output
    (a pledge, for the requirement) are left out."""
    rows: list[dict[str, object]] = []
    for rank, bar in enumerate(b for b in t.bars if b.output_max > b.output_min):
        if bar.low_level is not None:  # the ensemble's rule choice: its ends are rules
            label = f"{bar.path} ({bar.low_level} → {bar.high_level})"
            ends = (("least rule", bar.low_level), ("greatest rule", bar.high_level))
        else:
            label = (
                f"{bar.path} ({fmt_number(bar.input_low, bar.unit)} → "
                f"{fmt_number(bar.input_high, bar.unit)} {bar.unit})"
            )
            ends = (
                ("figure at its P5", fmt_number(bar.input_low, bar.unit)),
                ("figure at its P95", fmt_number(bar.input_high, bar.unit)),
            )
        for (end, value), output in zip(ends, (bar.output_low, bar.output_high), strict=True):
            rows.append(
                {
                    "figure": label,
                    "rank": rank,
                    "end": end,
                    "at": value,
                    "baseline": t.baseline,
                    "output": output,
                    "swing": bar.swing,
                }
            )
    return rows


#: The largest number a range or an input may hold (a browser's number input refuses inf).
LARGEST = float(np.finfo(float).max)


def sweep_paths(scenario: Scenario) -> list[str]:
    """The figures a sweep (or a goal seek) can vary, in document order.

    Every figure but the pledges of contributors that refused: those stay 0 whatever is asked
    (:func:`forcecalc.core.runner.refused_pledges`), so the library refuses to sweep them; and but
    an
    ensemble's rule choice, a uniform draw that only picks a rule (no value of it means
    anything). A rule's weight can be swept: how the requirement moves as one precedent counts
    more is a fair question, though goal seek refuses it (the quantile is not monotonic in it).
    """
    left_out = refused_pledges(scenario) | {rules.RULE_CHOICE}
    return [path for path in scenario.figures if path not in left_out]


def rule_label(rule_id: str, description: str) -> str:
    """A short label of a sizing rule that stays distinct when a chart cuts it: the rule id
    first, then what the rule says after its mission's name (``unifil_2006.per_km: 87.5 per km
    of line``)."""
    return f"{rule_id}: {description.rsplit(': ', 1)[-1]}"


def sweep_range(figure: Figure) -> tuple[float, float]:
    """A default range to sweep a figure over: half its P5 to twice its P95, in its domain.

    Both ends are finite, even for a figure so extreme that its P95 overflows: its quantiles
    are taken at most a quarter of :data:`LARGEST` in size.
    """
    q05, q95 = (
        float(np.clip(v, -LARGEST / 4, LARGEST / 4)) for v in figure_at(figure, [0.05, 0.95])
    )
    d = figure.domain
    start = max(0.5 * q05, d.lower)
    if d.lower_open and start <= d.lower:
        start = d.lower + 0.01 * max(abs(q05), 1.0)
    stop = 2.0 * q95
    if math.isfinite(d.upper):
        stop = min(stop, d.upper * (0.99 if d.upper_open else 1.0))
    if stop <= start:
        stop = start + max(abs(start), 1.0)
    return start, stop


def figure_median(figure: Figure) -> float:
    """The figure's median (its value, for a point), to mark on a sweep."""
    return float(figure_at(figure, 0.5))


def sweep_text(
    text: str,
    name: str,
    path: str,
    start: float,
    stop: float,
    steps: int,
    samples: int,
    seed: int,
    sampler: str = Sampler.LHS,
) -> Sweep:
    """P5 / P50 / P95 of deployed and committed with one figure swept from ``start`` to ``stop``.

    Raises
    ------
    UsageError
        For a value outside the figure's domain or a bad number of steps.
    """
    scenario = parse_text(text, name)
    grid = axis(path, start, stop, steps)
    return sweep(scenario, [grid], samples, seed, sampler, outputs=DRIVER_OUTPUTS)


def sweep_rows(result: Sweep, output: str) -> list[dict[str, float]]:
    """One row per swept value: the value and the output's P5, P50 and P95 there."""
    return [{"value": p.coordinates[0], **_band_dict(p.bands[output])} for p in result.points]
