"""Editing a scenario's YAML text in place: only the edited figures change, the rest is kept.

:func:`~forcecalc.scenario.writer.dump_scenario` writes a scenario anew from the model, with no
comments and the writer's own layout. :func:`roundtrip_edits` instead splices each edited
figure's new mapping into the original text at the place the figure was written: every other
character of the file (comments, blank lines, key order, quoting, the schema line, line
endings) is kept as it was, so a planner's download differs from the file only where the
planner changed a figure.

Each edited figure's mapping is read on its own with ruamel.yaml in round-trip mode, so the
keys it keeps (``unit``, an unchanged ``source`` citation, an unchanged parameter) keep their
order and quoting; its distribution's keys, its source or assumption and its note are then
replaced as :func:`~forcecalc.scenario.edit.edit_figure` edits them, and the mapping is written
back in the style it had (block or ``{flow}``) at its column. Comments between the keys of an
edited figure are dropped; a comment at the end of its last line is kept.

The text written never holds what the strict loader refuses: numbers are written in decimal
(a number of people never as an ambiguous ``1.375``), new text is always quoted (so ``yes`` or
``1:20`` stay text under YAML 1.1), and no tag, anchor, tab of indentation or document marker
is written.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from forcecalc.core.distributions import Distribution
from forcecalc.core.scenario import Figure, Pledge, Scenario
from forcecalc.core.sources import Register
from forcecalc.scenario import format as fmt
from forcecalc.scenario.edit import DEFAULT_EDITOR, edit_figure
from forcecalc.scenario.edit_pledges import PledgeEdit, edit_pledges
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.strict_yaml import AMBIGUOUS_THOUSANDS, compose
from forcecalc.scenario.writer import figure_dict

#: Keys of a figure that state its distribution, replaced as a whole by an edit.
DIST_KEYS = ("dist", *fmt.FIGURE_NUMBERS)
#: Words YAML 1.1 (the loader's PyYAML) reads as booleans or null when written plain.
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
#: Keys of a figure that state where it comes from.
PROVENANCE_KEYS = ("source", "assumption")


@dataclass(frozen=True)
class Span:
    """Where a figure's mapping is written: character offsets ``[start, end)`` in the text
    (``end`` just past its last character of content; ``read_end`` past the line breaks a
    block scalar ends with, to read it whole), the column of its first key, whether it is a
    ``{flow}`` mapping, and its first and last lines (1-based)."""

    start: int
    end: int
    read_end: int
    column: int
    flow: bool
    first_line: int
    last_line: int


def roundtrip_edits(
    text: str,
    changes: Mapping[str, Distribution],
    name: str = "<scenario>",
    editor: str = DEFAULT_EDITOR,
    register: Register | None = None,
    scenario: Scenario | None = None,
    pledges: Mapping[str, PledgeEdit] | None = None,
) -> str:
    """``text`` with the figures in ``changes`` (and the pledges in ``pledges``, by
    contributor) edited in place, everything else kept.

    Each edited figure is :func:`~forcecalc.scenario.edit.edit_figure` of the figure as loaded
    (its source kept, or made an assumption when a register point changes; the note marked
    ``[edited in <editor>; scenario value: ...]``); each edited pledge's ``status`` and
    ``note`` are those :func:`~forcecalc.scenario.edit_pledges.edit_pledges` gives. An edit
    equal to what the scenario holds leaves it as written. The result is not validated: read
    it with :func:`~forcecalc.scenario.loader.parse_scenario` (the app does). ``scenario``, if
    given, is ``text`` as already parsed, to spare parsing it again.

    Raises
    ------
    ScenarioError
        If ``text`` is not a valid scenario (the loader's message).
    KeyError
        If a path is not a figure written in the text (a figure the reader derives, such as a
        pledge's delivery draw or a sizing rule's weight from the missions dataset), or a
        contributor has no pledge.
    """
    if scenario is None:
        scenario = parse_scenario(text, name, register)
    edited = {}
    for path, dist in changes.items():
        figure = scenario.figures[path]
        new = edit_figure(figure, dist, editor)
        if new is not figure:
            edited[path] = (figure, new)
    pledged = _edited_pledges(scenario, pledges or {}, editor)
    if not edited and not pledged:
        return text
    tree = _Tree(compose(text, name))
    newline = "\r\n" if "\r\n" in text else "\n"
    splices: list[tuple[int, int, str]] = []
    for path, (old, new) in edited.items():
        span = tree.span(path, old, text)
        mapping = _edited_map(text[span.start : span.read_end], span, old, new)
        splices.append((span.start, span.end, _render(mapping, span, newline)))
    for old_pledge, new_pledge in pledged:
        figure = scenario.figures[old_pledge.figure_path]
        node = tree.parents[id(tree.node_of(old_pledge.figure_path, figure))]
        splices += _pledge_splices(text, node, old_pledge, new_pledge, newline)
    return _spliced(text, splices)


def figure_spans(text: str, name: str, figures: Mapping[str, Figure]) -> dict[str, Span]:
    """Where each figure is written in ``text``, found by the position the loader recorded.

    Raises
    ------
    KeyError
        If a figure has no mapping of its own in the text.
    """
    tree = _Tree(compose(text, name))
    return {path: tree.span(path, figure, text) for path, figure in figures.items()}


def _spliced(text: str, splices: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``[start, end)`` replaced by its new text (the ranges never overlap:
    an insertion at a figure's end comes after the figure)."""
    out = text
    for start, end, new in sorted(splices, key=lambda s: (s[0], s[1]), reverse=True):
        out = out[:start] + new + out[end:]
    return out


class _Tree:
    """The composed document's mappings by (1-based) line and column, and each node's parent
    mapping."""

    def __init__(self, root: Node) -> None:
        self.maps: dict[tuple[int, int], MappingNode] = {}
        self.parents: dict[int, MappingNode] = {}
        self._index(root)

    def _index(self, node: Node) -> None:
        if isinstance(node, MappingNode):
            self.maps.setdefault((node.start_mark.line + 1, node.start_mark.column + 1), node)
            for _, value in node.value:
                self.parents[id(value)] = node
                self._index(value)
        elif isinstance(node, SequenceNode):
            for item in node.value:
                self._index(item)

    def node_of(self, path: str, figure: Figure) -> MappingNode:
        at = figure.location
        node = self.maps.get((at.line, at.column)) if at is not None else None
        if node is None or not node.value:
            raise KeyError(f"{path}: not a figure written in the scenario text")
        return node

    def span(self, path: str, figure: Figure, text: str) -> Span:
        node = self.node_of(path, figure)
        end = _content_end(node, text)
        return Span(
            start=node.start_mark.index,
            end=end,
            read_end=max(end, node.end_mark.index),
            column=node.start_mark.column,
            flow=bool(node.flow_style),
            first_line=node.start_mark.line + 1,
            last_line=text.count("\n", 0, end) + 1,
        )


def _edited_pledges(
    scenario: Scenario, edits: Mapping[str, PledgeEdit], editor: str
) -> list[tuple[Pledge, Pledge]]:
    """The pledges whose status or note an edit changes: (as loaded, as edited)."""
    if not edits:
        return []
    edited = edit_pledges(scenario, edits, editor).force_generation
    before = scenario.force_generation
    if before is None or edited is None:  # no force generation: edit_pledges raised
        return []
    return [(a, b) for a, b in zip(before.pledges, edited.pledges, strict=True) if a != b]


def _pledge_splices(
    text: str, node: MappingNode, old: Pledge, new: Pledge, newline: str
) -> list[tuple[int, int, str]]:
    """The changes to a pledge's mapping: its status's value; its note's value, the note
    added after the pledge's last value, or the note taken out when it becomes empty."""
    keys = {k.value: (k, v) for k, v in node.value}
    out = []
    if new.status != old.status:
        value = keys["status"][1]
        out.append((value.start_mark.index, _content_end(value, text), _scalar_text(new.status)))
    if new.note == old.note:
        return out
    if "note" in keys and new.note:
        value = keys["note"][1]
        out.append((value.start_mark.index, _content_end(value, text), _scalar_text(new.note)))
    elif "note" in keys:
        out.append(_cut_key(text, node, "note"))
    elif node.flow_style:
        close = text.rindex("}", 0, _content_end(node, text))
        out.append((close, close, f", note: {_scalar_text(new.note)}"))
    else:
        end = _content_end(node, text)
        pad = " " * node.start_mark.column
        out.append((end, end, f"{newline}{pad}note: {_scalar_text(new.note)}"))
    return out


def _cut_key(text: str, node: MappingNode, key: str) -> tuple[int, int, str]:
    """Taking ``key`` and its value out of a mapping: from the end of the value before it
    (its line, in a block mapping), or, when it comes first, up to the key after it."""
    items = node.value
    i = next(n for n, (k, _) in enumerate(items) if k.value == key)
    key_node, value = items[i]
    if i:
        return (_content_end(items[i - 1][1], text), _content_end(value, text), "")
    return (key_node.start_mark.index, items[1][0].start_mark.index, "")


def _content_end(node: Node, text: str) -> int:
    """The offset just past a node's last character of content: its closing bracket or quote,
    the last character of its last value, never the line breaks or comments that follow."""
    if isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(last[1] if isinstance(node, MappingNode) else last, text)
    end = node.end_mark.index
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        while end > node.start_mark.index and text[end - 1] in " \r\n":
            end -= 1
    return end


def _yaml() -> YAML:
    """A round-trip ruamel.yaml that keeps quotes and writes no line folds, tags or anchors."""
    y = YAML(typ="rt")
    y.Representer = _Representer
    y.preserve_quotes = True
    y.width = 1_000_000  # never fold a long note over lines
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    return y


class _Representer(RoundTripRepresenter):
    """Writes floats in decimal the strict loader reads back as the same number, no aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _represent_float(representer: RoundTripRepresenter, value: float) -> object:
    text = repr(value)
    if "." not in text and "e" not in text:
        text += ".0"
    if AMBIGUOUS_THOUSANDS.match(text):
        text += "0"  # 1.375 -> 1.3750: the same number, no longer read as 1,375 people
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


_Representer.add_representer(float, _represent_float)


def _dedented(fragment: str, column: int) -> str:
    """A mapping's text as a document of its own: later lines lose the mapping's column."""
    lines = fragment.split("\n")
    rest = [line[min(column, len(line) - len(line.lstrip(" "))) :] for line in lines[1:]]
    return "\n".join([lines[0], *rest])


def _edited_map(fragment: str, span: Span, old: Figure, new: Figure) -> CommentedMap:
    """The figure's mapping as written, with the keys an edit changes replaced."""
    written = _yaml().load(_dedented(fragment, span.column).replace("\r\n", "\n"))
    fresh = _values(figure_dict(new))
    out = CommentedMap()
    for key, value in written.items():
        if key in DIST_KEYS:
            for k in DIST_KEYS:  # the new distribution where the old one was written
                if k in fresh and k not in out:
                    kept = k in written and written[k] == fresh[k]
                    out[k] = _plain(written[k]) if kept else fresh[k]
        elif key in PROVENANCE_KEYS:
            for k in PROVENANCE_KEYS:
                if k in fresh:
                    out[k] = _plain(value) if new.source == old.source else fresh[k]
        elif key == "note":
            out[key] = fresh[key]
        else:
            out[key] = _plain(value)
    if "note" in fresh and "note" not in out:
        out["note"] = fresh["note"]
    if span.flow:
        out.fa.set_flow_style()
    return out


def _values(figure: Mapping[str, object]) -> dict[str, object]:
    """The writer's mapping of a figure (whole numbers as integers), with its text quoted."""
    out: dict[str, object] = {}
    for key, value in figure.items():
        if isinstance(value, str):
            out[key] = _quoted(value) if key != "dist" else value
        elif isinstance(value, Mapping):
            out[key] = CommentedMap((k, _quoted(v)) for k, v in value.items())
        else:
            out[key] = value
    return out


def _quoted(text: object) -> object:
    """New text as a quoted scalar (a block one when it spans lines): never read as a
    boolean, null or number, whichever YAML version reads it."""
    if not isinstance(text, str):
        return text
    if "\n" in text:
        return LiteralScalarString(text)
    return SingleQuotedScalarString(text)


def _scalar_text(text: str) -> str:
    """Text as a YAML value written in place: a lowercase word plain (a status), anything
    else quoted: single quotes on one line, a JSON string (valid YAML) over lines."""
    if re.fullmatch(r"[a-z][a-z_]*", text) and text not in _YAML11_WORDS:
        return text
    if "\n" in text:
        return json.dumps(text, ensure_ascii=False)
    return "'" + text.replace("'", "''") + "'"


def _plain(value: object) -> object:
    """A value as written, without the comments attached to it (they would be written twice:
    a comment after a figure is attached by ruamel to the figure's last value)."""
    if isinstance(value, CommentedMap):
        out = CommentedMap((k, _plain(v)) for k, v in value.items())
        if value.fa.flow_style():
            out.fa.set_flow_style()
        return out
    if isinstance(value, CommentedSeq):
        seq = CommentedSeq(_plain(v) for v in value)
        if value.fa.flow_style():
            seq.fa.set_flow_style()
        return seq
    return value


def _render(mapping: CommentedMap, span: Span, newline: str) -> str:
    """The mapping as text to put at ``span``: later lines indented to its column, with no
    line break after its last character (the text after the span keeps its own)."""
    buffer = io.StringIO()
    _yaml().dump(mapping, buffer)
    lines = buffer.getvalue().rstrip("\n").split("\n")
    pad = " " * span.column
    rest = [pad + line if line else line for line in lines[1:]]
    return newline.join([lines[0], *rest])
