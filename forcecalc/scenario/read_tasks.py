"""Reading the troop-to-task table: each task's name, category, basis and the figures its
basis needs, in an order where every ``share_of``/``ratio_of`` task follows the tasks it names;
shares of the force or of a category are checked to stay below 1 (:mod:`forcecalc.core.shares`).
"""

from __future__ import annotations

import re

from yaml.nodes import Node

from forcecalc.core import glossary, shares
from forcecalc.core.order import dependency_order
from forcecalc.core.scenario import BASIS_FIGURES, Basis, Geometry, Task
from forcecalc.core.text import name_key
from forcecalc.scenario import format as fmt
from forcecalc.scenario.read_figures import FigureReader
from forcecalc.scenario.read_geometry import read_task_sectors
from forcecalc.scenario.strict_yaml import did_you_mean

_NAME = re.compile(fmt.NAME_PATTERN)


def _few(cycle: tuple[str, ...]) -> tuple[str, ...]:
    """A long cycle as its first and last few names, one line however long (issue 11)."""
    if len(cycle) <= 9:
        return cycle
    return (*cycle[:4], f"... {len(cycle) - 8:,} more ...", *cycle[-4:])


class TaskReader:
    """Reads ``tasks:``; remembers the first ``reducible: true`` for the scenario's check that a
    reducible task has a ``technology_offset``."""

    def __init__(self, figures: FigureReader) -> None:
        self.figs = figures
        self.r = figures.r
        self.tasks: dict[str, tuple[Task, Node]] = {}
        self.of_nodes: dict[str, Node] = {}
        self.reducible_at: Node | None = None
        self.category_nodes: dict[str, Node] = {}
        self.share_nodes: dict[str, Node] = {}

    def read(self, node: Node, geometry: Geometry) -> tuple[Task, ...]:
        """The tasks, each ``share_of`` after the tasks it names."""
        items = self.r.nonempty(node, "tasks", "a list of tasks", "at least one task")
        for i, item in enumerate(items):
            task = self._task(item, i, geometry)
            self.tasks[task.name] = (task, item)
        ordered = self._ordered()
        self._check_wholes(ordered)
        return ordered

    def _check_wholes(self, tasks: tuple[Task, ...]) -> None:
        """A share of a category needs another task in it; point shares of a whole stay below 1
        in all (sampled ones are checked per sample, :func:`forcecalc.core.shares.check_shares`).
        """
        for task in tasks:
            category = task.of_category
            if category is not None and not any(
                t.category == category and t.name != task.name for t in tasks
            ):
                self.r.fail(
                    self.category_nodes[task.name],
                    f"tasks.{task.name}.share_of_category",
                    f"'{category}', a category no other task belongs to",
                    "the category of another task ("
                    + ", ".join(sorted({t.category for t in tasks if t.name != task.name}))
                    + ")",
                )
        sized = shares.involved(tasks)
        paths = [t.figure_path(shares.figure_name(t)) for t in sized]
        figures = [self.figs.figures[p] for p in paths]
        if not sized or any(f.is_uncertain for f in figures):
            return
        points = {p: f.dist.value for p, f in zip(paths, figures, strict=True)}
        found = shares.problem(tasks, points)
        if found is not None:
            first = sized[0]
            self.r.fail(self.share_nodes[first.name], paths[0], *found)

    def _name(self, keys: dict[str, tuple[Node, Node]], path: str) -> str:
        r = self.r
        name = r.string(keys["name"][1], path + ".name")
        if not _NAME.match(name):
            r.fail(
                keys["name"][1],
                path + ".name",
                repr(name),
                "a name of lower-case letters, digits and _ starting with a letter",
            )
        if name_key(name) in self.tasks:  # a valid name is its own key
            r.fail(
                keys["name"][1],
                path + ".name",
                f"the duplicate task name '{name}'",
                "a unique name",
            )
        return name

    def _task(self, item: Node, i: int, geometry: Geometry) -> Task:
        r = self.r
        keys = r.section(item, f"tasks[{i}]", fmt.TASK)
        name = self._name(keys, f"tasks[{i}]")
        path = f"tasks.{name}"
        category = r.choice(
            keys["category"][1], path + ".category", fmt.options(fmt.TASK, "category")
        )
        basis = Basis(r.choice(keys["basis"][1], path + ".basis", fmt.options(fmt.TASK, "basis")))
        needed, allowed = fmt.basis_keys(basis), fmt.basis_allowed(basis)
        for key in fmt.TASK_BASIS_KEYS:
            if key in keys and key not in allowed:
                r.fail(
                    keys[key][0],
                    f"{path}.{key}",
                    f"'{key}' in a {basis} task",
                    "only " + ", ".join(allowed),
                )
            if key in needed and key not in keys:
                r.fail(item, path, f"a {basis} task without '{key}'", ", ".join(needed))
        if basis is Basis.PER_KM_BORDER and not (geometry.has_border or geometry.sectors):
            r.fail(
                keys["basis"][1],
                path + ".basis",
                "per_km_border with no geometry.border_length_km",
                "a border length in geometry",
            )
        for key in BASIS_FIGURES[basis]:
            term = glossary.RATE_UNITS[basis] if key == "rate" else glossary.FIGURES[key]
            self.figs.figure(keys[key][1], f"{path}.{key}", term)
            if key in ("share", "ratio"):
                self.share_nodes[name] = keys[key][1]
        of = self._of(keys["of"][1], name) if "of" in keys else ()
        task_sectors = read_task_sectors(self.figs, keys, path, basis, geometry)
        reducible = (
            r.boolean(keys["reducible"][1], path + ".reducible") if "reducible" in keys else False
        )
        if reducible and self.reducible_at is None:
            self.reducible_at = keys["reducible"][1]
        description = (
            r.string(keys["description"][1], path + ".description") if "description" in keys else ""
        )
        return Task(
            name=name,
            category=category,
            basis=basis,
            of=of,
            reducible=reducible,
            description=description,
            sectors=task_sectors,
            of_category=self._of_category(keys, name),
        )

    def _of_category(self, keys: dict[str, tuple[Node, Node]], name: str) -> str | None:
        """The category a ``share_of_force`` task is a share of (``None``: the whole force)."""
        if "share_of_category" not in keys:
            return None
        node = keys["share_of_category"][1]
        self.category_nodes[name] = node
        path = f"tasks.{name}.share_of_category"
        return self.r.choice(node, path, fmt.options(fmt.TASK, "share_of_category"))

    def _of(self, node: Node, name: str) -> tuple[str, ...]:
        """The task names a ``share_of`` task is a fraction of, each once."""
        r, path = self.r, f"tasks.{name}"
        self.of_nodes[name] = node
        names = r.sequence(node, path + ".of", "a list of task names")
        if not names:
            r.fail(node, path + ".of", "an empty list", "at least one task name")
        of = tuple(r.string(n, f"{path}.of[{j}]") for j, n in enumerate(names))
        for j, other in enumerate(of):
            if other in of[:j]:
                r.fail(
                    names[j],
                    f"{path}.of[{j}]",
                    f"'{other}' named twice",
                    "each task once (a repeat would count it twice)",
                )
        return of

    def _ordered(self) -> tuple[Task, ...]:
        """Tasks with every share_of after the tasks it names; unknown names and cycles fail."""
        r, tasks, of_nodes = self.r, self.tasks, self.of_nodes
        for name, (task, _) in tasks.items():
            for j, other in enumerate(task.of):
                node = of_nodes[name].value[j]
                if other not in tasks:
                    r.fail(
                        node,
                        f"tasks.{name}.of[{j}]",
                        repr(other),
                        "the name of a task",
                        did_you_mean(other, tasks),
                    )
                if other == name:
                    r.fail(
                        node,
                        f"tasks.{name}.of[{j}]",
                        repr(other),
                        "another task's name",
                        "a task cannot be a share of itself",
                    )
        order, cycle = dependency_order(tasks, lambda name: tasks[name][0].of)  # no recursion
        if cycle:
            r.fail(
                of_nodes[cycle[-1]],
                f"tasks.{cycle[-1]}.of",
                f"a share_of cycle ({' -> '.join(_few(cycle))})",
                "share_of tasks that do not depend on themselves",
            )
        return tuple(tasks[name][0] for name in order)
