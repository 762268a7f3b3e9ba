"""Every error of a scenario file, in file order: what ``forcecalc validate`` reports.

Loading (:func:`~forcecalc.scenario.loader.load_scenario`) stops at the first error; this
module reads on, at two levels, so that one run of ``validate`` shows what a file needs:

- a bad **figure** (a number, a range, a source) is recorded and replaced by a placeholder
  point, and the file is read on (:mod:`forcecalc.scenario.collect`);
- an error in the **structure** of a section (a task without a name, an unknown key) ends
  that reading, since what follows may depend on it (a ``share_of`` naming the task); the
  sections that do not depend on the tasks, ``sustainment`` and ``force_generation``, are
  then read on their own, with the categories the file's tasks name.

Errors that follow from one already found (a figure refused, then a check naming it) are
left out; at most :data:`~forcecalc.scenario.collect.MAX_ERRORS` are returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from forcecalc.core.errors import ForcecalcError, ScenarioError
from forcecalc.core.scenario import Scenario
from forcecalc.core.sources import Register
from forcecalc.scenario.collect import MAX_ERRORS, Collector
from forcecalc.scenario.files import read_text
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.read_figures import FigureReader
from forcecalc.scenario.read_sustainment import read_force_generation, read_sustainment
from forcecalc.scenario.register import default_register
from forcecalc.scenario.strict_yaml import TAG, Reader, compose

#: Sections read on their own after a structural error before them, in file order.
INDEPENDENT = ("sustainment", "force_generation")
#: The sections the loader reads last, in its order; every other one is read before them.
LATER = ("sustainment", "force_generation", "timeline", "expect", "correlations")


def _rank(section: str) -> int:
    return LATER.index(section) + 1 if section in LATER else 0


@dataclass(frozen=True)
class Validation:
    """The outcome of validating one file: the scenario when it has no error, else the errors
    in file order (at most ``MAX_ERRORS``) and how many more were found."""

    scenario: Scenario | None
    errors: tuple[ScenarioError, ...]
    more: int = 0


def validate_file(
    path: Path | str, register: Register | None = None, limit: int = MAX_ERRORS
) -> Validation:
    """Every error of the scenario file at ``path`` (reading it may fail: one error)."""
    try:
        text, name = read_text(path)
    except ScenarioError as exc:
        return Validation(None, (exc,))
    return validate_text(text, name, register, limit)


def validate_text(
    text: str, name: str = "<scenario>", register: Register | None = None, limit: int = MAX_ERRORS
) -> Validation:
    """Every error of scenario YAML text, in file order."""
    register = register or default_register()
    collector = Collector(limit)
    scenario = None
    try:
        scenario = parse_scenario(text, name, register, collector)
    except ScenarioError as exc:
        collector.add(exc)
        _read_independent(text, name, register, collector, exc)
    except ForcecalcError:  # a check of the placeholders of figures already refused
        if not collector.found:
            raise
    errors = collector.errors()
    if errors:
        return Validation(None, tuple(errors), collector.more)
    return Validation(scenario, ())


def _read_independent(
    text: str, name: str, register: Register, collector: Collector, first: ScenarioError
) -> None:
    """Read the independent sections that come after the section of ``first``."""
    try:
        root = compose(text, name)
    except ScenarioError:
        return
    if not isinstance(root, MappingNode):
        return
    sections = {k.value: (k, v) for k, v in root.value if isinstance(k, ScalarNode)}
    failed = first.where.key_path.split(".")[0].split("[")[0]
    if not failed or failed not in sections:
        return
    figs = FigureReader(Reader(name), register)
    figs.collector = collector
    categories = _categories(sections.get("tasks", (None, None))[1])
    for section in INDEPENDENT:
        if section not in sections or _rank(section) <= _rank(failed):
            continue  # absent, or read already before the error
        node = sections[section][1]
        try:
            if section == "sustainment":
                read_sustainment(figs, node, categories)
            else:
                read_force_generation(figs, node, categories)
        except ScenarioError as exc:
            collector.add(exc)


def _categories(tasks: Node | None) -> tuple[str, ...]:
    """The categories the file's tasks name, read from the nodes as written."""
    found: list[str] = []
    for item in getattr(tasks, "value", None) or ():
        if not isinstance(item, MappingNode):
            continue
        for key, value in item.value:
            plain = isinstance(value, ScalarNode) and value.tag == TAG + "str"
            if isinstance(key, ScalarNode) and key.value == "category" and plain:
                found.append(value.value)
    return tuple(dict.fromkeys(found))
