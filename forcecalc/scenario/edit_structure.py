"""Adding and removing contributors, tasks and sectors in a scenario's YAML text, in place.

The planner app adds a contributor (the 26 nations of a coalition), a task or a sector without
YAML, and removes one. :func:`apply_structure` writes such a change into the file's own text
as :func:`~forcecalc.scenario.roundtrip.roundtrip_edits` writes an edited figure: a removed
item's lines are cut out, an added item is written after the last item of its list at that
list's indentation, and every other character of the file (comments, blank lines, key order,
quoting) is kept. Each figure added is an assumption whose reason is the one the planner typed
(a figure must cite a source or state an assumption), noted ``[added in the planner app]``.

Nothing is validated here beyond what cannot be written (a list the file does not have, a name
it does not hold): read the result with :func:`~forcecalc.scenario.loader.parse_scenario` to
have the loader check it (a duplicate name, a task that another's ``of`` still names, a
category not known ...), as the app does.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from forcecalc.core.distributions import Distribution
from forcecalc.core.scenario import Figure
from forcecalc.core.sources import Assumption
from forcecalc.scenario.edit import DEFAULT_EDITOR, EditError
from forcecalc.scenario.roundtrip import _content_end, _quoted, _spliced, _values, _yaml
from forcecalc.scenario.strict_yaml import compose
from forcecalc.scenario.writer import figure_dict

#: Where each kind of item is listed, and the key that names an item.
PLEDGES, TASKS, SECTORS = (
    ("force_generation", "pledges"),
    ("tasks",),
    ("geometry", "sectors"),
)
_NAME_KEY = {PLEDGES: "contributor", TASKS: "name", SECTORS: "name"}
_WORDS = {PLEDGES: "contributor", TASKS: "task", SECTORS: "sector"}


@dataclass(frozen=True)
class NewPledge:
    """A contributor added: its personnel (a point or a range), status, note and the reason
    the personnel figure is assumed."""

    contributor: str
    personnel: Distribution
    reason: str
    status: str = "pledged"
    note: str = ""


@dataclass(frozen=True)
class NewTask:
    """A task added: its category and basis, the figures its basis takes (``rate``, or
    ``spacing_km`` and ``crew`` ...), the tasks a share or ratio is of, and the reason."""

    name: str
    category: str
    basis: str
    figures: tuple[tuple[str, Distribution], ...]
    reason: str
    of: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class NewSector:
    """A sector added: its posture, length and buffer width (none for a quiet sector)."""

    name: str
    posture: str
    length_km: Distribution
    reason: str
    buffer_width_km: Distribution | None = None


@dataclass(frozen=True)
class Structure:
    """The contributors, tasks and sectors added and removed (removals apply first)."""

    added_pledges: tuple[NewPledge, ...] = ()
    removed_pledges: tuple[str, ...] = ()
    added_tasks: tuple[NewTask, ...] = ()
    removed_tasks: tuple[str, ...] = ()
    added_sectors: tuple[NewSector, ...] = ()
    removed_sectors: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """The items added or removed."""
        return sum(len(getattr(self, f)) for f in self.__dataclass_fields__)

    def __bool__(self) -> bool:
        return self.count > 0


NO_STRUCTURE = Structure()


def added_mark(editor: str = DEFAULT_EDITOR) -> str:
    """The note of every figure added: ``[added in the planner app]``."""
    return f"[added in {editor}]"


def _figure_map(dist: Distribution, reason: str, editor: str) -> dict[str, object]:
    """A new figure's mapping: its distribution, the assumption and the mark."""
    figure = Figure("", "", dist, Assumption(reason), note=added_mark(editor))
    return _values(figure_dict(figure))


def pledge_map(new: NewPledge, editor: str = DEFAULT_EDITOR) -> CommentedMap:
    """An added pledge as the format writes it."""
    out = CommentedMap(contributor=_quoted(new.contributor), status=new.status)
    out["personnel"] = CommentedMap(_figure_map(new.personnel, new.reason, editor))
    if new.note:
        out["note"] = _quoted(new.note)
    return out


def task_map(new: NewTask, editor: str = DEFAULT_EDITOR) -> CommentedMap:
    """An added task as the format writes it."""
    out = CommentedMap(name=_quoted(new.name), category=new.category, basis=new.basis)
    if new.description:
        out["description"] = _quoted(new.description)
    if new.of:
        out["of"] = [_quoted(t) for t in new.of]
    for key, dist in new.figures:
        out[key] = CommentedMap(_figure_map(dist, new.reason, editor))
    return out


def sector_map(new: NewSector, editor: str = DEFAULT_EDITOR) -> CommentedMap:
    """An added sector as the format writes it."""
    out = CommentedMap(name=_quoted(new.name), posture=new.posture)
    out["length_km"] = CommentedMap(_figure_map(new.length_km, new.reason, editor))
    if new.buffer_width_km is not None:
        out["buffer_width_km"] = CommentedMap(_figure_map(new.buffer_width_km, new.reason, editor))
    return out


def _child(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == key), None)


def _list_node(root: Node, where: tuple[str, ...]) -> SequenceNode:
    node: Node | None = root
    for key in where:
        node = _child(node, key)
    name = ".".join(where)
    if not isinstance(node, SequenceNode) or not node.value:
        raise EditError(name, "", "no such list in the scenario", f"a scenario with {name}")
    if node.flow_style:
        raise EditError(name, "", "a [flow] list", f"{name} as a block list (edit the file)")
    return node


def _item_name(item: Node, key: str) -> str:
    value = _child(item, key)
    return value.value if isinstance(value, ScalarNode) else ""


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """The offset of the line break ending the line that holds ``index`` (before a ``\\r``)."""
    end = text.find("\n", index)
    end = len(text) if end < 0 else end
    return end - 1 if end > 0 and text[end - 1] == "\r" else end


def _removal(text: str, seq: SequenceNode, where: tuple[str, ...], name: str) -> tuple[int, int]:
    """The lines of the item called ``name``: from its ``-`` line to its last line's break."""
    key = _NAME_KEY[where]
    item = next((i for i in seq.value if _item_name(i, key) == name), None)
    if item is None:
        raise EditError(
            ".".join(where), "", repr(name), f"a {_WORDS[where]} of the scenario to remove"
        )
    start = _line_start(text, item.start_mark.index)
    end = text.find("\n", _content_end(item, text))
    return start, len(text) if end < 0 else end + 1


def _rendered_item(item: CommentedMap, dash_column: int, column: int, newline: str) -> str:
    buffer = io.StringIO()
    _yaml().dump(item, buffer)
    lines = buffer.getvalue().rstrip("\n").split("\n")
    first = " " * dash_column + "-" + " " * max(1, column - dash_column - 1) + lines[0]
    return newline.join([first, *((" " * column + line if line else line) for line in lines[1:])])


def _addition(
    text: str, seq: SequenceNode, items: Iterable[CommentedMap], newline: str
) -> tuple[int, int, str]:
    """The added items' text, after the end of the list's last line."""
    at = _line_end(text, _content_end(seq, text))
    dash, column = seq.start_mark.column, seq.value[0].start_mark.column
    new = "".join(newline + _rendered_item(i, dash, column, newline) for i in items)
    return at, at, new


def apply_structure(
    text: str, structure: Structure, name: str = "<scenario>", editor: str = DEFAULT_EDITOR
) -> str:
    """``text`` with the contributors, tasks and sectors of ``structure`` removed and added.

    Removals cut the item's lines (from its ``-`` to its last line, comments inside it
    included); additions go after the list's last item, at its indentation, in the order
    given. An empty structure returns ``text`` itself. The result is not validated.

    Raises
    ------
    EditError
        If the scenario has no such list (a contributor added to a scenario without
        ``force_generation.pledges``, a sector to one without ``geometry.sectors``), the list
        is written ``[flow]``, or an item to remove is not in it.
    ScenarioError
        If ``text`` is not YAML the strict reader reads.
    """
    if not structure:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    removals = (
        (PLEDGES, structure.removed_pledges),
        (TASKS, structure.removed_tasks),
        (SECTORS, structure.removed_sectors),
    )
    root = compose(text, name)
    cuts = [
        (*_removal(text, _list_node(root, where), where, n), "")
        for where, removed in removals
        for n in dict.fromkeys(removed)
    ]
    text = _spliced(text, cuts)
    additions = (
        (PLEDGES, [pledge_map(p, editor) for p in structure.added_pledges]),
        (TASKS, [task_map(t, editor) for t in structure.added_tasks]),
        (SECTORS, [sector_map(s, editor) for s in structure.added_sectors]),
    )
    if not any(added for _, added in additions):
        return text
    root = compose(text, name)
    inserts = [
        _addition(text, _list_node(root, where), added, newline)
        for where, added in additions
        if added
    ]
    return _spliced(text, inserts)
