"""The planner's figures as editable inputs: grouped, shown as number inputs, edited, sourced.

The Assumptions tab (:mod:`forcecalc.app.assumptions_tab`) lays out what this computes without
Streamlit: the groups of figures, each distribution's parameters as number inputs, the figures
whose entered values differ, the scenario with those edits applied (checked by the loader), and
the source shown beside each figure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from forcecalc.app.texts import ScenarioText, edited_name
from forcecalc.core import sustainment
from forcecalc.core.distributions import FAMILIES, Distribution
from forcecalc.core.errors import ScenarioError
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.core.sources import Assumption, Citation, RegisterSource, SourceDocument
from forcecalc.scenario.edit import edit_error, edit_scenario
from forcecalc.scenario.writer import dump_scenario

#: Groups of figures, in the order the app shows them.
GROUPS = ("geometry", "tasks", "sustainment", "force generation", "timeline")


_GROUP_OF = {
    "geometry": "geometry",
    "tasks": "tasks",
    "technology_offset": "tasks",
    "sustainment": "sustainment",
    "force_generation": "force generation",
    "timeline": "timeline",
}


_KIND = {f.cls: f.label for f in FAMILIES}


def figure_group(path: str) -> str:
    """The group a figure is edited in, from the first part of its path."""
    return _GROUP_OF[path.split(".", 1)[0]]


def grouped_figures(scenario: Scenario) -> dict[str, list[Figure]]:
    """The scenario's figures by group, in document order; empty groups left out."""
    out: dict[str, list[Figure]] = {g: [] for g in GROUPS}
    draws = sustainment.delivery_draws(scenario)
    for figure in scenario.figures.values():
        if figure.path.split(".", 1)[0] in ("rules", "ensemble"):
            continue  # a sizing rule's figures come from the missions dataset, not the YAML
        if figure.path in draws:
            continue  # a pledge's delivery draw is made by the reader, not written in the YAML
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


#: The first line of a scenario that tells an editor which JSON schema checks it.
_MODELINE = re.compile(r"^# yaml-language-server: [^\n]*\n")


def with_modeline(text: str, base: str) -> str:
    """``text`` headed by ``base``'s ``# yaml-language-server: $schema=...`` line, if it has one.

    :func:`~forcecalc.scenario.writer.dump_scenario` writes no comments, so an edited scenario
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
