"""A figure, a source document and a scenario title in a planner's words, not key paths.

A figure's key path (``tasks.logistics.share``) becomes what it is and its unit in the words of
the glossary (:mod:`forcecalc.core.glossary`): ``"Logistics (% of line infantry)"``. A fraction
or a probability is shown as a percentage; :func:`to_percent` and :func:`from_percent` convert
through the decimal digits, so a fraction written ``0.204`` shows as ``20.4`` and comes back as
``0.204`` exactly. A source document of the register is named by outlet, date and language
(``"Reuters report (English)"``), and a scenario title's ``(seed 001)`` by that document.
"""

from __future__ import annotations

import re
from decimal import Decimal

from forcecalc.core.glossary import FIGURES, UNITS
from forcecalc.core.scenario import Basis, Scenario, Task
from forcecalc.core.sources import Register, RegisterSource, SourceDocument

#: Units shown and entered as a percentage of the fraction or probability stored.
PERCENT_UNITS = frozenset({"fraction", "probability"})

#: A unit as a label ends with it: ``"Front length (km)"``.
UNIT_WORDS = {
    "km": "km",
    "km2": "km²",
    "personnel": "personnel",
    "personnel_per_post": "personnel per post",
    "troops_per_km": "personnel per km",
    "troops_per_km2": "personnel per km²",
    "troops_per_1000": "personnel per 1,000 inhabitants",
    "months": "months",
    "ratio": "ratio",
    "personnel_per_month": "personnel per month",
    "inhabitants": "inhabitants",
    "fraction": "%",
    "probability": "%",
}

#: What a figure is, by the last part of its key path, where the words differ from the name.
NAMES = {
    "front_length_km": "Front length",
    "buffer_width_km": "Buffer width",
    "border_length_km": "Border length",
    "length_km": "Length",
    "spacing_km": "Post spacing",
    "crew": "Crew per post",
    "technology_offset": "Technology offset (% of reducible tasks)",
    "rotation_multiplier": "Rotation multiplier (committed ÷ deployed)",
    "tour_months": "Tour length",
    "dwell_months": "Dwell at home",
    "deployable_share": "Deployable",
    "sustainable_share": "Sustainable",
    "delivery_probability": "Delivery probability",
    "withdrawal_per_year": "Withdrawal per year",
    "deployment_per_month": "Strategic lift",
    "build_up_months": "Build-up",
    "full_strength_months": "At full strength",
    "drawdown_months": "Drawdown",
    "drawdown_to": "Draws down to",
    "mandate_months": "Mandate",
    "from_month": "From month",
    "until_month": "Until month",
}

#: What a task's rate is per, by its basis.
_RATE_PER = {
    Basis.PER_KM_FRONT: "personnel per km of front",
    Basis.PER_KM_BORDER: "personnel per km of border",
    Basis.PER_KM2_BUFFER: "personnel per km² of buffer",
}


def words(name: str) -> str:
    """A key as words with a capital: ``line_infantry`` → ``"Line infantry"``."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def is_percent(unit: str) -> bool:
    """Whether a figure of ``unit`` is shown and entered as a percentage."""
    return unit in PERCENT_UNITS


def to_percent(fraction: float) -> float:
    """``fraction`` × 100 through its decimal digits: ``0.204`` → ``20.4`` (not the float
    product ``20.400000000000002``)."""
    return float(Decimal(repr(float(fraction))) * 100)


def from_percent(percent: float) -> float:
    """``percent`` ÷ 100 through its decimal digits: ``20.4`` → ``0.204`` exactly as written."""
    return float(Decimal(repr(float(percent))) / 100)


def _listed(names: tuple[str, ...]) -> str:
    """Task names as words: ``"front line, border cover and mobile reserve"``."""
    said = [words(n).lower() for n in names]
    return ", ".join(said[:-1]) + f" and {said[-1]}" if len(said) > 1 else "".join(said)


def _task_label(task: Task, name: str) -> str:
    """A task's figure: ``"Logistics (% of line infantry)"``, ``"Patrols (personnel per km of
    front)"``, ``"Observation posts: post spacing (km)"``."""
    what = words(task.name)
    if name == "share":
        if task.basis is Basis.SHARE_OF_FORCE:
            whole = f"the {task.of_category} personnel" if task.of_category else "the whole force"
            return f"{what} (% of {whole})"
        return f"{what} (% of {_listed(task.of)})"
    if name == "ratio":
        return f"{what} (personnel per person of {_listed(task.of)})"
    if name == "rate":
        return f"{what} ({_RATE_PER.get(task.basis, 'personnel per unit')})"
    if name == "count":
        return f"{what} (personnel)"
    return f"{what}: {plain_name(name)}"


def plain_name(name: str) -> str:
    """The last part of a key path as words and its unit: ``"Post spacing (km)"``."""
    base = NAMES.get(name, words(name.removesuffix("_km").removesuffix("_months")))
    term = FIGURES.get(name)
    unit = UNIT_WORDS.get(term.unit, term.unit) if term else ""
    return f"{base} ({unit})" if unit and "(" not in base else base


def figure_label(scenario: Scenario, path: str) -> str:
    """A figure as a planner reads it, from its key path and the glossary.

    ``geometry.front_length_km`` → ``"Front length (km)"``; ``tasks.logistics.share`` →
    ``"Logistics (% of line infantry)"``; ``force_generation.pledges.France.personnel`` →
    ``"France's pledge (personnel)"``; ``force_generation.pool.deployable_share`` →
    ``"Pool: Deployable (%)"``; a key the glossary lacks keeps its words.
    """
    parts = path.split(".")
    name = parts[-1]
    tasks = {t.name: t for t in scenario.tasks}
    if parts[0] == "tasks" and len(parts) == 3 and parts[1] in tasks:
        return _task_label(tasks[parts[1]], name)
    if path.startswith("force_generation.pledges.") and len(parts) >= 4:
        who = ".".join(parts[2:-1])
        if name == "personnel":
            return f"{who}: pledge (personnel)"
        return f"{who}: {plain_name(name)}"
    if path.startswith("force_generation.pool."):
        return f"Pool: {plain_name(name)}" if name != "personnel" else "Pool (personnel)"
    if path.startswith("timeline.contributors.") and len(parts) >= 4:
        return f"{'.'.join(parts[2:-1])}: {plain_name(name)}"
    if path.startswith("geometry.sectors.") and len(parts) >= 4:
        return f"Sector {'.'.join(parts[2:-1])}: {plain_name(name)}"
    if parts[0] == "sustainment" and "by_category" in parts and len(parts) >= 4:
        return f"{words(parts[-2])}: {plain_name(name)}"
    return plain_name(name)


def unit_words(unit: str) -> str:
    """A unit in words for a tooltip: ``"km (kilometres)"``."""
    meaning = UNITS.get(unit, "")
    return f"{unit} ({meaning})" if meaning and meaning != unit else unit


# --------------------------------------------------------------------------------------------
# Source documents and scenario titles

#: The source documents' languages, by the code the register gives.
LANGUAGES = {"hr": "Croatian", "en": "English", "bg": "Bulgarian", "id": "Indonesian"}


def document_label(doc: SourceDocument) -> str:
    """A register document as a reader knows it: ``"Reuters report (English)"``, or
    ``"news report (Croatian; outlet and date not given)"`` when the text names neither."""
    language = LANGUAGES.get(doc.language, doc.language)
    what = f"{doc.outlet} report" if doc.outlet else "news report"
    missing = [k for k, v in (("outlet", doc.outlet), ("date", doc.date)) if not v]
    given = f", {doc.date}" if doc.date else ""
    note = f"; {' and '.join(missing)} not given" if missing and not doc.outlet else ""
    return f"{what}{given} ({language}{note})"


def _short_document(doc: SourceDocument) -> str:
    """A document in a title: ``"Reuters, English"``, ``"a Croatian news report"``."""
    language = LANGUAGES.get(doc.language, doc.language)
    if doc.outlet:
        return ", ".join(x for x in (doc.outlet, doc.date, language) if x)
    return f"a {language} news report" + (f", {doc.date}" if doc.date else "")


_SEEDS = re.compile(r"\bseeds? (\d{3}(?:(?:, | and )\d{3})*)")


def plain_title(title: str, register: Register) -> str:
    """A scenario title whose ``seed 001`` (a register document) is named by its outlet, date
    and language: ``"Basic ceasefire mission (seed 001)"`` → ``"Basic ceasefire mission
    (Reuters, English)"``. A number the register does not hold is left as it is."""
    by_number = {d.id.split("_", 1)[0]: d for d in register.documents.values()}

    def named(match: re.Match[str]) -> str:
        numbers = re.findall(r"\d{3}", match.group(1))
        if not all(n in by_number for n in numbers):
            return match.group(0)
        names = [_short_document(by_number[n]) for n in numbers]
        return names[0] if len(names) == 1 else "; ".join(names)

    return _SEEDS.sub(named, title)


def source_rows_named(scenario: Scenario, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows of :func:`forcecalc.report.render.sources_rows` in a planner's words: each figure
    labelled (:func:`figure_label`) with its key path in a column ``key path``, and a register
    figure's source named by outlet, date and language, its id moved to a column ``source id``."""
    out = []
    for row in rows:
        path = row["figure"]
        figure = scenario.figures.get(path)
        source = figure.source if figure is not None else None
        named = row["source"]
        if isinstance(source, RegisterSource):
            named = document_label(source.document)
        label = figure_label(scenario, path) if figure is not None else path
        out.append(
            {**row, "figure": label, "source": named, "key path": path, "source id": row["source"]}
        )
    return out
