"""Reading the line: the shorthand geometry or its sectors, and the sectors a task names.

``geometry:`` is either the shorthand (``front_length_km`` and ``buffer_width_km``, with
``border_length_km`` for quiet borders) or a list of ``sectors``, each with a ``name``, a
``length_km``, a ``posture`` and, where it has a buffer, a ``buffer_width_km``; not both. A
task along the line may name the sectors it applies to (``sectors: [a, b]``) and give its own
figures in some of them (``per_sector``). See :mod:`forcecalc.core.sectors` for what applies
where.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from yaml.nodes import Node

from forcecalc.core import glossary, sectors
from forcecalc.core.scenario import BASIS_FIGURES, Basis, Geometry, Sector, sector_path
from forcecalc.core.text import name_key
from forcecalc.scenario import format as fmt
from forcecalc.scenario.read_figures import FigureReader
from forcecalc.scenario.strict_yaml import did_you_mean

_NAME = re.compile(fmt.NAME_PATTERN)
_NAME_RULE = "a name of lower-case letters, digits and _ starting with a letter"

Keys = Mapping[str, tuple[Node, Node]]


def read_geometry(figs: FigureReader, node: Node) -> Geometry:
    """The line to be covered: its figures, its sectors, whether it has a border."""
    r = figs.r
    keys = r.section(node, "geometry", fmt.GEOMETRY)
    if "sectors" in keys:
        for key in fmt.GEOMETRY_SHORTHAND:
            if key in keys:
                r.fail(
                    keys[key][0],
                    f"geometry.{key}",
                    f"'{key}' with sectors",
                    "either sectors or the shorthand front_length_km, buffer_width_km, "
                    "border_length_km, not both",
                )
    else:
        for key in fmt.GEOMETRY_SHORTHAND[:2]:
            if key not in keys:
                r.fail(node, "geometry", f"no '{key}'", f"the key '{key}', or sectors")
    for key, (_, value) in keys.items():
        if key != "sectors":
            figs.figure(value, f"geometry.{key}", glossary.FIGURES[key])
    declared = _sectors(figs, keys["sectors"][1]) if "sectors" in keys else ()
    return Geometry(has_border="border_length_km" in keys, sectors=declared)


def _sectors(figs: FigureReader, node: Node) -> tuple[Sector, ...]:
    """The declared sectors, each name once, at least one with a buffer."""
    r = figs.r
    items = r.nonempty(node, "geometry.sectors", "a list of sectors", "at least one sector")
    out: list[Sector] = []
    for i, item in enumerate(items):
        keys = r.section(item, f"geometry.sectors[{i}]", fmt.SECTOR)
        name_node = keys["name"][1]
        name = r.string(name_node, f"geometry.sectors[{i}].name")
        if not _NAME.match(name):
            r.fail(name_node, f"geometry.sectors[{i}].name", repr(name), _NAME_RULE)
        if any(name_key(s.name) == name_key(name) for s in out):
            at = f"geometry.sectors[{i}].name"
            r.fail(name_node, at, f"the duplicate sector name '{name}'", "a unique name")
        posture = r.choice(
            keys["posture"][1], sector_path(name, "posture"), fmt.options(fmt.SECTOR, "posture")
        )
        for key in ("length_km", "buffer_width_km"):
            if key in keys:
                figs.figure(keys[key][1], sector_path(name, key), glossary.FIGURES[key])
        buffer = sector_path(name, "buffer_width_km") if "buffer_width_km" in keys else None
        out.append(Sector(name, sector_path(name, "length_km"), buffer, posture))
    if not any(s.has_buffer for s in out):
        r.fail(
            node,
            "geometry.sectors",
            "no sector with a buffer_width_km",
            "at least one sector with a buffer (the front, which per km of front and per km² "
            "divide by)",
        )
    return tuple(out)


def read_task_sectors(
    figs: FigureReader, keys: Keys, path: str, basis: Basis, geometry: Geometry
) -> tuple[str, ...]:
    """The sectors a task names (``()``: its basis' default), and its ``per_sector`` figures.

    Only tasks along the line take ``sectors`` and ``per_sector``; a named sector must exist,
    once; per km² needs sectors with a buffer; a task must apply to at least one sector.
    """
    r = figs.r
    for key in ("sectors", "per_sector"):
        if key in keys and basis not in sectors.LINE_BASES:
            r.fail(
                keys[key][0],
                f"{path}.{key}",
                f"'{key}' in a {basis} task",
                "sectors only for a task along the line ("
                + ", ".join(b.value for b in sectors.LINE_BASES)
                + ")",
            )
    named = (
        _named(figs, keys["sectors"][1], f"{path}.sectors", basis, geometry)
        if ("sectors" in keys)
        else ()
    )
    applies = (
        [s.name for s in geometry.line if s.name in named]
        if named
        else [s.name for s in sectors.default_sectors(geometry, basis)]
    )
    if not applies and geometry.sectors and basis in sectors.LINE_BASES:
        what = "without" if basis is Basis.PER_KM_BORDER else "with"
        r.fail(
            keys["basis"][1],
            f"{path}.basis",
            f"{basis} with no sector {what} a buffer",
            f"a sector {what} a buffer_width_km, or the task's sectors",
        )
    if "per_sector" in keys:
        _per_sector(figs, keys["per_sector"][1], path, basis, applies)
    return named


def _named(
    figs: FigureReader, node: Node, path: str, basis: Basis, geometry: Geometry
) -> tuple[str, ...]:
    r = figs.r
    items = r.sequence(node, path, "a list of sector names")
    if not items:
        r.fail(node, path, "an empty list", "at least one sector name")
    known = {s.name: s for s in geometry.line}
    names: list[str] = []
    for j, item in enumerate(items):
        name = r.string(item, f"{path}[{j}]")
        if name not in known:
            r.fail(
                item,
                f"{path}[{j}]",
                repr(name),
                "the name of a sector: " + ", ".join(known),
                did_you_mean(name, known),
            )
        if name in names:
            r.fail(item, f"{path}[{j}]", f"'{name}' named twice", "each sector once")
        if basis is Basis.PER_KM2_BUFFER and not known[name].has_buffer:
            r.fail(item, f"{path}[{j}]", f"'{name}', a sector without a buffer", "a buffer")
        names.append(name)
    return tuple(names)


def _per_sector(
    figs: FigureReader, node: Node, path: str, basis: Basis, applies: list[str]
) -> None:
    """The task's own figures in some of its sectors, at ``tasks.<t>.per_sector.<s>.<name>``."""
    r = figs.r
    items = r.nonempty(node, f"{path}.per_sector", "a list of sectors' figures", "one or more")
    task = path.split(".", 1)[1]
    seen: list[str] = []
    for i, item in enumerate(items):
        at = f"{path}.per_sector[{i}]"
        keys = r.section(item, at, fmt.TASK_SECTOR)
        name = r.string(keys["sector"][1], at + ".sector")
        if name not in applies:
            r.fail(
                keys["sector"][1],
                at + ".sector",
                repr(name),
                "a sector the task applies to: " + ", ".join(applies),
                did_you_mean(name, applies),
            )
        if name in seen:
            r.fail(keys["sector"][1], at + ".sector", f"'{name}' given twice", "each sector once")
        seen.append(name)
        needed = BASIS_FIGURES[basis]
        for key, (key_node, value) in keys.items():
            if key == "sector":
                continue
            if key not in needed:
                r.fail(
                    key_node,
                    f"{at}.{key}",
                    f"'{key}' in a {basis} task",
                    "only " + ", ".join(needed),
                )
            term = glossary.RATE_UNITS[basis] if key == "rate" else glossary.FIGURES[key]
            figs.figure(value, sectors.override_path(task, name, key), term)
        if len(keys) == 1:
            r.fail(item, at, f"sector '{name}' with no figure", "one of " + ", ".join(needed))
