"""Loading scenarios: the entry points :func:`load_scenario` and :func:`parse_scenario`.

A scenario file is read as text (:mod:`forcecalc.scenario.files`), composed into nodes with
their positions (:mod:`forcecalc.scenario.strict_yaml`), then read section by section: figures
(:mod:`~forcecalc.scenario.read_figures`), the geometry and its sectors
(:mod:`~forcecalc.scenario.read_geometry`), the method and its rules
(:mod:`~forcecalc.scenario.read_method`), tasks (:mod:`~forcecalc.scenario.read_tasks`),
sustainment and force generation (:mod:`~forcecalc.scenario.read_sustainment`), claims
(:mod:`~forcecalc.scenario.read_claims`) and correlations
(:mod:`~forcecalc.scenario.read_correlations`). Every problem raises
:class:`~forcecalc.core.errors.ScenarioError` with one line naming the file, line, column, key
path, the value given and what was expected.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from yaml.nodes import Node

from forcecalc.core import glossary
from forcecalc.core.scenario import Scenario
from forcecalc.core.sources import Register
from forcecalc.scenario import format as fmt
from forcecalc.scenario.collect import Collector
from forcecalc.scenario.files import read_text
from forcecalc.scenario.read_claims import read_claims
from forcecalc.scenario.read_correlations import read_correlations
from forcecalc.scenario.read_figures import FigureReader
from forcecalc.scenario.read_geometry import read_geometry
from forcecalc.scenario.read_method import read_method
from forcecalc.scenario.read_sustainment import read_force_generation, read_sustainment
from forcecalc.scenario.read_tasks import TaskReader
from forcecalc.scenario.read_timeline import read_timeline
from forcecalc.scenario.register import default_register
from forcecalc.scenario.strict_yaml import Reader, compose


def load_scenario(path: Path | str, register: Register | None = None) -> Scenario:
    """Load and validate a scenario file.

    Raises
    ------
    ScenarioError
        With one line naming file, line, column, key path, value and rule.
    """
    text, name = read_text(path)
    return parse_scenario(text, name, register)


def parse_scenario(
    text: str,
    name: str = "<scenario>",
    register: Register | None = None,
    collector: Collector | None = None,
) -> Scenario:
    """Validate scenario YAML text; ``name`` is used in error messages. With a ``collector``
    (:mod:`forcecalc.scenario.validate_all`), a bad figure is recorded there and reading goes
    on; the scenario returned then holds placeholders and must not be used if it has errors."""
    root = compose(text, name)
    figures = FigureReader(Reader(name), register or default_register())
    figures.collector = collector
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return replace(_build(figures, root), source_file=name, source_sha256=digest)


def _build(figs: FigureReader, root: Node) -> Scenario:
    """The scenario of a document, its sections read in order by their readers."""
    r = figs.r
    keys = r.section(
        root,
        "",
        fmt.SCENARIO,
        what="a scenario mapping (schema_version, name, description, geometry, tasks, ...)",
    )
    version_node = keys["schema_version"][1]
    version = r.number(version_node, "schema_version")
    if version != fmt.SCHEMA_VERSION:
        r.fail(version_node, "schema_version", f"{version:g}", f"{fmt.SCHEMA_VERSION}")
    name = r.string(keys["name"][1], "name")
    description = r.string(keys["description"][1], "description")
    geometry = read_geometry(figs, keys["geometry"][1])
    method, rule_ids, posture, sector_ensembles = read_method(figs, root, keys, geometry)
    task_reader = TaskReader(figs)
    tasks = task_reader.read(keys["tasks"][1], geometry) if method == "tasks" else ()
    if "technology_offset" in keys:
        figs.figure(
            keys["technology_offset"][1],
            "technology_offset",
            glossary.FIGURES["technology_offset"],
        )
    elif any(t.reducible for t in tasks):
        first = next(t for t in tasks if t.reducible)
        r.fail(
            task_reader.reducible_at or root,
            f"tasks.{first.name}.reducible",
            f"task '{first.name}' marked reducible with no technology_offset",
            "a technology_offset figure",
        )
    categories = tuple(dict.fromkeys(t.category for t in tasks)) if method == "tasks" else None
    sustainment, by_category = read_sustainment(figs, keys["sustainment"][1], categories)
    force_generation = None
    if "force_generation" in keys:
        force_generation = read_force_generation(figs, keys["force_generation"][1], categories)
    timeline = None
    if "timeline" in keys:
        timeline = read_timeline(figs, keys["timeline"][1], force_generation)
    scenario = Scenario(
        name=name,
        description=description,
        tasks=tasks,
        figures=dict(figs.figures),
        geometry=geometry,
        sustainment=sustainment,
        category_sustainment=by_category,
        force_generation=force_generation,
        timeline=timeline,
        method=method,
        rules=rule_ids,
        ensemble_posture=posture,
        sector_ensembles=sector_ensembles,
    )
    if "expect" in keys:
        scenario = replace(scenario, expect=read_claims(figs, keys["expect"][1], scenario))
    if "correlations" in keys:  # last: a correlation may name any figure read before it
        scenario = replace(scenario, correlations=read_correlations(figs, keys["correlations"][1]))
    return scenario
