"""The strict loader composes through libyaml when it is installed (issue 15, start-up): the node
trees must be the pure-Python loader's, node for node, so that every value, position, style and
written tag a message or a reader sees is unchanged. On a YAML error the fast path falls back
to PyYAML's parser, so the errors are PyYAML's by construction; what is checked here is that
wherever libyaml succeeds, PyYAML composes the same tree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, Node, ScalarNode

from forcecalc.scenario import strict_yaml

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(
    p
    for folder in ("scenarios", "seeds", "tests/bad_inputs", "tests/golden_inputs", "tests")
    for p in (ROOT / folder).rglob("*.yaml")
)
SNIPPETS = (
    "a: 1\nb: '2'\nc: \"3\"\nd: |\n  x\n\n  y\ne: >-\n  folded\n  text\nf: |+\n  kept\n\n",
    "a: !!float 1\nb: ! 2\nc: !!str x\nd: !custom {x: 1}\ne: !!map {}\n",
    "a: &x [1, 2, {b: c}]\nb: *x\nc: {? k : v, ? : w}\n",
    "- a\n- - b\n  - c\n-\n- ~\n- null\n- yes\n- 0o10\n- 010\n- 1_000\n- 1e3\n- .inf\n",
    "%YAML 1.1\n---\na: 1\n...\n",
    "a: 'it''s'\nb: \"\\u00e9\\t\\x41\\/\"\nc: plain # comment\nd:    spaced   \n",
    "\ufeffa: 1\n",
    "a:\n  - x: 1\n    y: 2\n  -   z: 3\nb: [a, b,\n  c]\n",
    "? complex\n: value\n'quoted key': 1\n\"dq key\": 2\n",
    'a: x\n  continued plain\nb: "multi\n  line"\n',
    "é: ü\nname: Contributor — 1\n",
    "",
    "# only a comment\n",
    "a: 1\na: 2\n",
)


def _tree(node: Node | None, seen: dict[int, int] | None = None) -> object:
    """A node tree as plain data: everything a reader of nodes can look at. A node met again
    (an alias) is written as its number, so an alias bomb stays small."""
    if node is None:
        return None
    seen = {} if seen is None else seen
    if id(node) in seen:
        return ("alias", seen[id(node)])
    seen[id(node)] = len(seen)
    start, end = node.start_mark, node.end_mark
    marks = (start.line, start.column, start.index, end.index)  # see test_no_reader_uses_end_lines
    head = (type(node).__name__, node.tag, getattr(node, "explicit_tag", None), marks)
    if isinstance(node, ScalarNode):
        return (*head, node.value, node.style)
    if isinstance(node, MappingNode):
        pairs = [(_tree(k, seen), _tree(v, seen)) for k, v in node.value]
        return (*head, bool(node.flow_style), pairs)
    # flow_style by truth (forcecalc reads it so): libyaml says False where PyYAML says None
    # for an indentless sequence
    return (*head, bool(node.flow_style), [_tree(v, seen) for v in node.value])


def _same_both_ways(text: str) -> None:
    try:
        slow = _tree(strict_yaml._compose_nodes(text, fast=False))
    except RecursionError:  # deep nesting: compose() refuses it before composing
        return
    except yaml.YAMLError as exc:
        slow = f"error: {exc}"
    try:
        fast = _tree(strict_yaml._compose_nodes(text))
    except yaml.YAMLError as exc:
        fast = f"error: {exc}"
    assert fast == slow


def test_libyaml_is_used_when_installed() -> None:
    """The fast path is taken (or this module tests nothing): with libyaml, plain scalars come
    out of its parser with style ``""`` and the loader makes them None."""
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML is built without libyaml")
    loader = strict_yaml._CLoader("a: b\n")
    node = loader.get_single_node()
    loader.dispose()
    assert node.value[0][1].style is None
    assert isinstance(node.start_mark, type(yaml.cyaml.CParser("").get_event().start_mark))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_and_test_file_composes_the_same(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    _same_both_ways(text)
    for cut in (len(text) // 3, len(text) // 2, 2 * len(text) // 3):  # half-written files
        _same_both_ways(text[:cut])


def test_no_reader_uses_end_lines() -> None:
    """libyaml places a block's end mark at the start of the next line where PyYAML places it
    at the end of the last one (same index): only ``end_mark.index`` may be read."""
    sources = (ROOT / "forcecalc").rglob("*.py")
    assert not [p for p in sources if re.search(r"end_mark\.(line|column)", p.read_text("utf-8"))]


@pytest.mark.parametrize("text", SNIPPETS)
def test_tricky_yaml_composes_the_same(text: str) -> None:
    _same_both_ways(text)


_PIECES = st.sampled_from(
    [
        "a", "b", ":", ": ", "- ", "\n", "  ", " ", "'", '"', "#", "&x ", "*x", "!!str ", "! ",
        "[", "]", "{", "}", ",", "|", ">", "-", "?", "1", "0.5", "\\", "é", "\t", "---\n",
    ]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join), st.booleans())
@example("|#", True)  # libyaml took it for a block scalar; PyYAML refuses it
@example("a: >#\n", False)
@example("a:\n-", True)  # an indentless sequence: flow_style None or False
def test_random_yaml_composes_the_same(text: str, newline: bool) -> None:
    _same_both_ways(text + "\n" * newline)
