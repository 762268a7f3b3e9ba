"""Reading the troop-to-task table: each task's name, category, basis and the figures its
basis needs, in an order where every ``share_of`` task follows the tasks it names.
"""

from __future__ import annotations

import re

from yaml.nodes import Node

from forcecalc.core import glossary
from forcecalc.core.scenario import BASIS_FIGURES, Basis, Geometry, Task
from forcecalc.scenario import format as fmt
from forcecalc.scenario.read_figures import FigureReader
from forcecalc.scenario.strict_yaml import did_you_mean

_NAME = re.compile(fmt.NAME_PATTERN)


class TaskReader:
    """Reads ``tasks:``; remembers the first ``reducible: true`` for the scenario's check that a
    reducible task has a ``technology_offset``."""

    def __init__(self, figures: FigureReader) -> None:
        self.figs = figures
        self.r = figures.r
        self.tasks: dict[str, tuple[Task, Node]] = {}
        self.of_nodes: dict[str, Node] = {}
        self.reducible_at: Node | None = None

    def read(self, node: Node, geometry: Geometry) -> tuple[Task, ...]:
        """The tasks, each ``share_of`` after the tasks it names."""
        items = self.r.nonempty(node, "tasks", "a list of tasks", "at least one task")
        for i, item in enumerate(items):
            task = self._task(item, i, geometry)
            self.tasks[task.name] = (task, item)
        return self._ordered()

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
        if name in self.tasks:
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
        needed = fmt.basis_keys(basis)
        for key in fmt.TASK_BASIS_KEYS:
            if key in keys and key not in needed:
                r.fail(
                    keys[key][0],
                    f"{path}.{key}",
                    f"'{key}' in a {basis} task",
                    "only " + ", ".join(needed),
                )
            if key in needed and key not in keys:
                r.fail(item, path, f"a {basis} task without '{key}'", ", ".join(needed))
        if basis is Basis.PER_KM_BORDER and not geometry.has_border:
            r.fail(
                keys["basis"][1],
                path + ".basis",
                "per_km_border with no geometry.border_length_km",
                "a border length in geometry",
            )
        for key in BASIS_FIGURES[basis]:
            term = glossary.RATE_UNITS[basis] if key == "rate" else glossary.FIGURES[key]
            self.figs.figure(keys[key][1], f"{path}.{key}", term)
        of = self._of(keys["of"][1], name) if "of" in keys else ()
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
        )

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
        order: list[Task] = []
        state: dict[str, int] = {}

        def visit(name: str, chain: tuple[str, ...]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                cycle = " -> ".join((*chain[chain.index(name) :], name))
                r.fail(
                    of_nodes[name],
                    f"tasks.{name}.of",
                    f"a share_of cycle ({cycle})",
                    "share_of tasks that do not depend on themselves",
                )
            state[name] = 1
            for other in tasks[name][0].of:
                visit(other, (*chain, name))
            state[name] = 2
            order.append(tasks[name][0])

        for name in tasks:
            visit(name, ())
        return tuple(order)
