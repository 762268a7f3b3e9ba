"""The planner's figures as editable inputs: grouped, shown as number inputs, edited, sourced.

The Assumptions tab (:mod:`forcecalc.app.assumptions_tab`) lays out what this computes without
Streamlit: the groups of figures, each distribution's parameters as number inputs, the figures
whose entered values differ, the scenario with those edits applied (checked by the loader), and
the source shown beside each figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from forcecalc.app.texts import ScenarioText, edited_name
from forcecalc.core import sustainment
from forcecalc.core.distributions import FAMILIES, Distribution
from forcecalc.core.errors import ScenarioError
from forcecalc.core.scenario import Figure, Scenario
from forcecalc.core.sources import Assumption, Citation, RegisterSource, SourceDocument
from forcecalc.report.labels import UNIT_WORDS, document_label
from forcecalc.scenario.edit import EditError, edit_error
from forcecalc.scenario.edit_pledges import PledgeEdit, bare_note
from forcecalc.scenario.roundtrip import roundtrip_edits

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


def unit_short(unit: str) -> str:
    """A unit as an input's label ends with it: ``km``, ``personnel per km``, ``%``."""
    return UNIT_WORDS.get(unit, unit)


def changed_dists(
    scenario: Scenario, entered: Mapping[str, Distribution]
) -> dict[str, Distribution]:
    """The figures whose entered distribution (any form) differs from the scenario's."""
    return {p: d for p, d in entered.items() if d != scenario.figures[p].dist}


def changed_pledges(scenario: Scenario, entered: Mapping[str, PledgeEdit]) -> dict[str, PledgeEdit]:
    """The pledges whose entered status or note differs from the scenario's, by contributor."""
    fg = scenario.force_generation
    pledges = {p.contributor: p for p in fg.pledges} if fg else {}
    return {
        who: e
        for who, e in entered.items()
        if (e.status, e.note) != (pledges[who].status, bare_note(pledges[who]))
    }


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


def apply_edits(
    base: ScenarioText,
    changes: Mapping[str, Distribution],
    pledges: Mapping[str, PledgeEdit] | None = None,
) -> ScenarioText:
    """The base scenario with figures edited, and pledges' statuses and notes (by
    contributor, :mod:`forcecalc.scenario.edit_pledges`), as YAML text checked by the loader.

    The text is the base's with only the edited figures' mappings rewritten
    (:func:`~forcecalc.scenario.roundtrip.roundtrip_edits`): comments, layout and the schema
    line are kept. With no changes the base text comes back unchanged (so its checksum is the
    file's).

    Raises
    ------
    EditError
        If an edited value breaks a rule of the scenario format (a value outside its domain,
        high not above low ...): the loader's rule told against the figure edited, its
        parameter, the value given and the values entered
        (:func:`forcecalc.scenario.edit.edit_error`),
        without the line and column of the edited YAML, which the user never sees.
    """
    if not changes and not pledges:
        return base
    text = roundtrip_edits(base.text, changes, base.name, scenario=base.parse(), pledges=pledges)
    out = ScenarioText(text, edited_name(base.name))
    try:
        out.parse()
    except ScenarioError as exc:
        raise edit_error(exc, changes) from None
    return out


@dataclass(frozen=True)
class Applied:
    """The scenario with every valid edit, the edits it holds, and those the loader refused."""

    text: ScenarioText
    edits: dict[str, Distribution]
    pledges: dict[str, PledgeEdit]
    errors: tuple[EditError, ...] = ()

    @property
    def count(self) -> int:
        """Edits held: each figure, and each pledge whose personnel is not already counted."""
        personnel = {f"force_generation.pledges.{who}.personnel" for who in self.pledges}
        return len(self.edits) + len(personnel - set(self.edits))


def apply_valid_edits(
    base: ScenarioText,
    changes: Mapping[str, Distribution],
    pledges: Mapping[str, PledgeEdit] | None = None,
) -> Applied:
    """:func:`apply_edits` of every edit the format accepts, the refused ones left out.

    All edits are tried at once; when the loader refuses them, each (a figure, then a pledge)
    is added in turn to those accepted so far and kept if the scenario still loads, so one
    invalid edit never drops the valid ones, and :attr:`Applied.count` is what the text holds.
    """
    pledges = dict(pledges or {})
    try:
        return Applied(apply_edits(base, changes, pledges), dict(changes), pledges)
    except EditError as first:
        errors: list[EditError] = []
        kept: dict[str, Distribution] = {}
        kept_pledges: dict[str, PledgeEdit] = {}
        current = base
        tries = [(p, d, None) for p, d in changes.items()]
        tries += [(who, None, e) for who, e in pledges.items()]
        for key, dist, pledge in tries:
            figures = {**kept, key: dist} if dist is not None else kept
            by_who = {**kept_pledges, key: pledge} if pledge is not None else kept_pledges
            try:
                current = apply_edits(base, figures, by_who)
            except EditError as exc:
                errors.append(exc)
                continue
            kept, kept_pledges = figures, by_who
        return Applied(current, kept, kept_pledges, tuple(errors) or (first,))


@dataclass(frozen=True)
class SourceNote:
    """What the app shows beside a figure: where it comes from, the quote and its gloss."""

    label: str
    quote: str = ""
    gloss: str = ""
    #: The register figure's id (``000_fd3776af069ded84#police``), for a tooltip; or ``""``.
    ref: str = ""


def register_document(doc: SourceDocument) -> str:
    """A register document as a reader knows it (:func:`forcecalc.report.labels.document_label`):
    ``"Reuters report (English)"``."""
    return document_label(doc)


def source_note(figure: Figure) -> SourceNote:
    """The source of a figure, its original-language quote and English gloss, for display."""
    match figure.source:
        case RegisterSource(ref=ref, document=doc, figure=stated):
            return SourceNote(f"source: {register_document(doc)}", stated.quote, stated.gloss, ref)
        case Citation(quote=quote):
            return SourceNote(f"source: {figure.source.label()}", quote or "")
        case Assumption(reason=reason):
            return SourceNote(f"assumption: {reason}")
    return SourceNote(str(figure.source))
