"""Strict YAML reading: nodes with their positions, and the rules for text and numbers.

Loading is strict, in the manner of strictyaml and cfgv: YAML is composed with PyYAML's safe
loader into nodes (which keep their line and column), then read node by node by a
:class:`Reader`. Every problem raises :class:`~forcecalc.core.errors.ScenarioError` with one line
naming the file, line, column, key path, the value given and what was expected. Duplicate keys,
unknown keys, YAML tags, NaN and infinity, booleans and strings where numbers belong, octal and
underscored numbers, numbers that underflow to 0 and an ambiguous ``10.000`` people are
refused. So are control characters, line separators and lone surrogates anywhere in the file,
comments included (:data:`forcecalc.core.text.FORBIDDEN`), and tabs and line breaks in any
text but block text (:data:`forcecalc.scenario.format.BLOCK_TEXT`).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from typing import NoReturn

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from forcecalc.core import glossary
from forcecalc.core.errors import ScenarioError, Where
from forcecalc.core.scenario import Location
from forcecalc.core.text import FORBIDDEN, FORBIDDEN_IN_VALUE, capped, describe
from forcecalc.scenario import format as fmt
from forcecalc.scenario.files import MAX_BYTES
from forcecalc.scenario.hints import number_hint, quoted_number_hint, separator_key_hint

#: Deepest nesting of mappings and lists accepted.
MAX_DEPTH = 32
#: Most options a message lists in full; past it, a few and how many more.
MAX_LISTED = 12
#: Prefix of YAML's standard tags (``tag:yaml.org,2002:int``).
TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_DECIMAL = re.compile(
    r"^[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$"
)
#: Most digits of an integer read: more than a float can hold, fewer than Python's limit on
#: converting text to int (4,300), which would otherwise raise in the middle of loading.
_MAX_INT_DIGITS = 400
#: ``10.000``: a decimal point or a thousands separator? Refused in a number of people.
AMBIGUOUS_THOUSANDS = re.compile(r"^[-+]?[1-9]\d{0,2}(\.\d{3})+$")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
#: Units of a number of people: ``10.000`` is ambiguous in them (a decimal point or a
#: thousands separator?) and refused.
PEOPLE_UNITS = ("personnel", "personnel_per_post")


def compose(text: str, name: str) -> Node:
    """Compose YAML text into a node tree, refusing deep nesting and syntax errors."""
    if len(text) > MAX_BYTES:  # text that did not come through read_text, e.g. an upload
        raise ScenarioError(
            Where(name), f"a text over {MAX_BYTES:,} characters", "a smaller scenario file"
        )
    _check_characters(text, name)
    try:
        _check_depth(text, name)
        node = _compose_nodes(text)
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        got = f"the control character U+{code:04X}"
        raise ScenarioError(Where(name, line, column), got, "printable YAML text") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = " ".join((exc.problem or exc.context or "invalid YAML").split())
        if "\t" in problem or "'\\t'" in problem:
            problem += "; indent with spaces, not tabs"
        raise ScenarioError(
            Where(name, line, column), f"a YAML syntax error ({problem})", "valid YAML"
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(Where(name), f"invalid YAML ({exc})", "valid YAML") from None
    if node is None or (isinstance(node, ScalarNode) and node.tag == TAG + "null"):
        raise ScenarioError(Where(name, 1, 1), "an empty document", "a scenario mapping")
    return node


def _check_characters(text: str, name: str) -> None:
    """Refuse a forbidden character anywhere in the text, comments included, naming the line
    and column an editor shows (lines counted by line feeds alone)."""
    found = FORBIDDEN.search(text)
    if found is None:
        return
    start = found.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    got = describe(found.group())
    if found.group() in "\r\x85\u2028\u2029":
        got += ", a line break that editors and grep do not show"
    raise ScenarioError(Where(name, line, column), got, "printable YAML text")


def _check_value(event: yaml.ScalarEvent, name: str) -> None:
    """Refuse a forbidden character a quoted text writes as an escape (``"\\e"``, ``"\\0"``,
    ``"\\r"``, ``"\\ud800"``), at the text's position."""
    found = FORBIDDEN_IN_VALUE.search(event.value)
    if found is not None:
        mark = event.start_mark
        raise ScenarioError(
            Where(name, mark.line + 1, mark.column + 1),
            describe(found.group()) + " (written as an escape in a quoted text)",
            "printable text",
        )


def _check_depth(text: str, name: str) -> None:
    """Refuse deep nesting and forbidden characters in values before composing.

    The events come from libyaml when it is installed (several times faster on a large
    file); on any YAML error there, the check is made again with PyYAML's own parser, which
    composes the nodes and reports the syntax error in its own words.
    """
    if getattr(yaml, "__with_libyaml__", False):
        try:
            _check_events(yaml.parse(text, Loader=yaml.CSafeLoader), name)
            return
        except yaml.YAMLError:
            pass
    _check_events(yaml.parse(text, Loader=yaml.SafeLoader), name)


def _check_events(events: Iterable[yaml.Event], name: str) -> None:
    depth = 0
    for event in events:
        if isinstance(event, yaml.ScalarEvent):
            _check_value(event, name)
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise ScenarioError(
                    Where(name, mark.line + 1, mark.column + 1),
                    f"nesting deeper than {MAX_DEPTH} levels",
                    "a scenario of ordinary depth",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.DocumentStartEvent) and event.explicit and depth == 0:
            pass


class _MarkTags(Composer):
    """PyYAML's composer, marking every node written with an explicit tag.

    A node keeps only its resolved tag, so ``!!float "100"`` and ``! 100`` would look like
    plain numbers once composed. The tag as written (``event.tag``) is kept on the node as
    ``explicit_tag``, for :func:`_foreign_tag` to refuse.
    """

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        event = self.peek_event()
        written = getattr(event, "tag", None)  # None for an alias and for a plain value
        node = super().compose_node(parent, index)
        if written is not None and node is not None:
            node.explicit_tag = written  # type: ignore[attr-defined]
        return node


class _Loader(_MarkTags, yaml.SafeLoader):
    """PyYAML's safe loader, pure Python, marking explicit tags."""


_CParser = getattr(getattr(yaml, "cyaml", None), "CParser", None)


if _CParser is not None:

    class _CLoader(_MarkTags, _CParser, SafeConstructor, Resolver):
        """The same composer and resolver on libyaml's scanner and parser (several times
        faster). libyaml writes a plain scalar's style as ``""`` where PyYAML writes None:
        it is made None, so that the nodes are the pure-Python loader's, value for value
        (``tests/test_strict_yaml_c.py`` holds them equal over every shipped and test file).
        """

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _MarkTags.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

        def compose_scalar_node(self, anchor: str | None) -> Node:
            node = super().compose_scalar_node(anchor)
            if node.style == "":
                node.style = None
            return node

else:  # pragma: no cover - PyYAML built without libyaml
    _CLoader = None


#: Where libyaml's nodes differ from PyYAML's: a byte-order mark (start indexes), tags (``! x``
#: resolves otherwise), explicit ``?`` keys (an empty key's position), tabs (libyaml accepts
#: some PyYAML refuses), a ``|`` or ``>`` not followed by at most two block-scalar indicators
#: and a line break (libyaml accepts ``|#``, which PyYAML refuses). A text holding any of these,
#: even in a comment or in prose, or not ending in a line break (an empty value at the very end
#: is placed otherwise), is composed by PyYAML alone.
_NOT_FAST = re.compile("[?!\t\ufeff]|[|>](?![-+1-9]{0,2}\n)")


def _compose_nodes(text: str, fast: bool = True) -> Node | None:
    """The node tree of ``text``: through libyaml when it is installed, ``fast`` and the text
    ends in a line break and has none of :data:`_NOT_FAST`; on any YAML error there, again
    with PyYAML's own parser, which reports the error in its own words (the messages and
    positions users see are PyYAML's either way)."""
    if fast and _CLoader is not None and text.endswith("\n") and not _NOT_FAST.search(text):
        try:
            return yaml.compose(text, Loader=_CLoader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=_Loader)


def _foreign_tag(node: Node) -> str:
    """The tag of a node, as written, if it has one written or one plain YAML does not give;
    else ``""``. Every explicit tag is refused, even one naming a standard type
    (``!!float "100"``, ``!!str``, ``! 100``): values are plain, read the one way both the
    loader and an editor read them."""
    written = getattr(node, "explicit_tag", None)
    if written is not None:
        return written.replace(TAG, "!!")
    allowed = {
        ScalarNode: _SCALAR_TAGS,
        MappingNode: {TAG + "map"},
        SequenceNode: {TAG + "seq"},
    }[type(node)]
    return "" if node.tag in allowed else node.tag.replace(TAG, "!!")


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """``"did you mean 'x'?"`` for the closest option, or ``""``."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def read_number(value: str, path: str) -> float:
    """A number written as text outside a file, read as a ``value:`` of the figure at ``path``.

    The text is taken as one plain YAML value and passes the loader's rules for a number in a
    scenario (:meth:`Reader.number`): no text, booleans, NaN or infinity, octal ``010``,
    underscores (``1_000``), numbers too large for a float, and for a number of people
    (``count``, ``crew``, ``personnel``) no ambiguous ``10.000``; ``-0`` is read as 0. Used
    for ``--set KEY.PATH=VALUE``, so that a value given there follows the rules of one
    written in the file.

    Raises
    ------
    ScenarioError
        Naming the parameter ``value`` and the figure's ``path``.
    """
    value = value.strip()
    tag = yaml.resolver.Resolver().resolve(ScalarNode, value, (True, False))
    mark = yaml.Mark("value", 0, 0, 0, value, 0)
    node = ScalarNode(tag, value, mark, mark, style=None)
    term = glossary.FIGURES.get(path.rpartition(".")[2])
    counts_people = term is not None and term.unit in PEOPLE_UNITS
    return Reader("value").number(node, path, counts_people)


def show(node: Node) -> str:
    """A node as a message shows the value given: ``a mapping``, ``'text'``, ``12``."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    value = node.value if len(node.value) <= 60 else node.value[:57] + "..."
    if node.tag == TAG + "str" and node.style is not None:
        return f"the string {value!r}"
    if node.tag == TAG + "str":
        return f"{value!r}"
    return value or "null"


class Reader:
    """Validates a node tree; every failure names file, line, column, key path, value, rule.

    It reads the shapes and scalars of YAML (mappings with their declared keys, lists, text,
    booleans, choices and numbers by the number rules); what they mean is read by the
    section readers built on it.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def where(self, node: Node, path: str) -> Where:
        mark = node.start_mark
        return Where(self.name, mark.line + 1, mark.column + 1, path)

    def location(self, node: Node) -> Location:
        return Location(self.name, node.start_mark.line + 1, node.start_mark.column + 1)

    def fail(self, node: Node, path: str, got: str, expected: str, hint: str = "") -> NoReturn:
        tag = _foreign_tag(node)
        if tag:  # a refused tag explains the node better than its shape does
            got, expected, hint = f"the YAML tag {tag}", "plain values (tags are not allowed)", ""
        raise ScenarioError(self.where(node, path), got, expected, hint)

    def _check_tag(self, node: Node, path: str) -> None:
        if _foreign_tag(node):
            self.fail(node, path, "", "")

    def mapping(
        self,
        node: Node,
        path: str,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
        what: str = "a mapping",
    ) -> dict[str, tuple[Node, Node]]:
        """Keys to (key node, value node); refuses duplicates, unknown and missing keys."""
        if not isinstance(node, MappingNode):
            self.fail(node, path, show(node), what)
        self._check_tag(node, path)
        required, optional = tuple(required), tuple(optional)
        allowed = required + optional
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != TAG + "str":
                hint = separator_key_hint(node, key_node)
                self.fail(key_node, path, f"the key {show(key_node)}", "a plain text key", hint)
            key = key_node.value
            sub = f"{path}.{key}" if path else key
            self._check_tag(key_node, sub)  # !!str name: ...
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.fail(
                    key_node,
                    sub,
                    f"a duplicate key '{key}' (first given on line {first})",
                    "each key once",
                )
            if key not in allowed:
                expected = "one of " + ", ".join(allowed) if allowed else "no keys"
                self.fail(
                    key_node, sub, f"the unknown key '{key}'", expected, did_you_mean(key, allowed)
                )
            out[key] = (key_node, value_node)
        for key in required:
            if key not in out:
                self.fail(
                    node,
                    path,
                    f"no '{key}'",
                    f"the key '{key}'",
                    did_you_mean(key, out) if out else "",
                )
        return out

    def section(
        self, node: Node, path: str, spec: fmt.Spec, what: str = "a mapping"
    ) -> dict[str, tuple[Node, Node]]:
        """:meth:`mapping` with the required and optional keys of a format declaration."""
        return self.mapping(node, path, spec.required, spec.optional, what)

    def sequence(self, node: Node, path: str, what: str = "a list") -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.fail(node, path, show(node), what)
        self._check_tag(node, path)
        return list(node.value)

    def nonempty(self, node: Node, path: str, what: str, at_least: str) -> list[Node]:
        """The items of a list that must hold ``at_least`` one thing (e.g. "one task")."""
        items = self.sequence(node, path, what)
        if not items:
            self.fail(node, path, "an empty list", at_least)
        return items

    def scalar(self, node: Node, path: str, expected: str) -> ScalarNode:
        if not isinstance(node, ScalarNode):
            self.fail(node, path, show(node), expected)
        self._check_tag(node, path)
        return node

    def string(self, node: Node, path: str, expected: str = "text") -> str:
        node = self.scalar(node, path, expected)
        if node.tag in (TAG + "null", TAG + "bool") and node.style is None:
            self.fail(node, path, show(node), expected, "quote it to make it text")
        if not node.value.strip():
            self.fail(node, path, "empty text", expected)
        if path.rpartition(".")[2] not in fmt.BLOCK_TEXT:
            for char, what in (("\n", "a line break"), ("\t", "a tab")):
                if char in node.value.rstrip("\n" if node.style in ("|", ">") else ""):
                    self.fail(
                        node,
                        path,
                        f"{what} in {show(node)}",
                        "text on one line",
                        "line breaks and tabs are allowed only in block text: "
                        + ", ".join(fmt.BLOCK_TEXT),
                    )
        return node.value

    def optional_string(self, node: Node | None, path: str) -> str | None:
        if node is None:
            return None
        self._check_tag(node, path)
        if isinstance(node, ScalarNode) and node.tag == TAG + "null":
            return None
        return self.string(node, path)

    def boolean(self, node: Node, path: str) -> bool:
        node = self.scalar(node, path, "true or false")
        if node.tag != TAG + "bool":
            self.fail(node, path, show(node), "true or false")
        return bool(_CONSTRUCTOR.construct_yaml_bool(node))

    def choice(self, node: Node, path: str, options: Iterable[str]) -> str:
        options = tuple(options)
        expected = "one of " + ", ".join(options)
        if len(options) > MAX_LISTED:  # one line of a readable length, however many
            expected = "one of " + capped(options, 5)
        value = self.string(node, path, expected)
        if value not in options:
            self.fail(node, path, repr(value), expected, did_you_mean(value, options))
        return value

    def number(self, node: Node, path: str, counts_people: bool = False) -> float:
        """A finite number; strings, booleans, NaN and infinity are refused with a hint.

        ``-0`` is read as 0, so that no output shows a negative zero.
        """
        return self._number(node, path, counts_people) + 0.0  # -0.0 + 0.0 is 0.0

    def _number(self, node: Node, path: str, counts_people: bool) -> float:
        expected = "a number"
        node = self.scalar(node, path, expected)
        if node.tag in (TAG + "int", TAG + "float") and "_" in node.value:
            self.fail(node, path, show(node), "a decimal number", _underscore_hint(node.value))
        octal = node.tag == TAG + "int" and re.match(r"^[-+]?0\d", node.value)
        if node.tag in (TAG + "int", TAG + "float") and (octal or not _DECIMAL.match(node.value)):
            self.fail(node, path, show(node), "a decimal number", _radix_hint(node.value))
        if node.tag == TAG + "int":
            return self._integer(node, path)
        if node.tag == TAG + "float":
            value = float(_CONSTRUCTOR.construct_yaml_float(node))
            if not math.isfinite(value):
                self.fail(node, path, show(node), "a finite number")
            _check_underflow(self, node, path, value)
            if counts_people and AMBIGUOUS_THOUSANDS.match(node.value):
                self.fail(
                    node,
                    path,
                    show(node),
                    expected,
                    "ambiguous: is the dot a decimal point or a thousands separator? "
                    f"write {node.value.replace('.', '').lstrip('+')} or {float(node.value):g}",
                )
            return value
        if node.tag == TAG + "bool":
            self.fail(node, path, show(node), expected, "a boolean is not a number")
        if node.tag == TAG + "str" and node.style in ("'", '"'):  # "1,200", "5 km", "1200"
            self.fail(node, path, show(node), expected, quoted_number_hint(node.value, path))
        if node.tag == TAG + "str" and node.style is None:
            text = node.value.strip()
            try:
                value = float(text)
            except ValueError:
                value = None
            if value is not None and re.fullmatch(r"[+-]?\d+(\.\d*)?[eE][+-]?\d+", text):
                if not math.isfinite(value):
                    self.fail(node, path, show(node), "a finite number")
                _check_underflow(self, node, path, value)
                return value
            self.fail(node, path, show(node), expected, number_hint(text, path))
        self.fail(node, path, show(node), expected)

    def _integer(self, node: ScalarNode, path: str) -> float:
        """A decimal integer as a float; one too large for a float fails, however long."""
        digits = len(node.value.lstrip("+-"))  # underscores were refused by _number
        expected = "a number a float can hold (at most about 1.8e308)"
        if digits > _MAX_INT_DIGITS:  # int() would refuse it past 4,300 digits
            self.fail(node, path, f"{show(node)} ({digits:,} digits)", expected)
        try:
            return float(_CONSTRUCTOR.construct_yaml_int(node))
        except (OverflowError, ValueError):
            self.fail(node, path, f"{show(node)} ({digits:,} digits)", expected)


def _check_underflow(r: Reader, node: ScalarNode, path: str, value: float) -> None:
    """Refuse a number written with a non-zero digit that a float holds as 0 (``1e-400``):
    the number read would not be the number written. A tiny number a float holds
    (``5e-324``) is left to the limits of its unit."""
    mantissa = re.split("[eE]", node.value)[0]
    if value == 0 and any(c in "123456789" for c in mantissa):
        r.fail(
            node,
            path,
            show(node),
            "a number a float can hold (0, or at least about 5e-324 in size)",
            f"a float reads {node.value.strip()} as 0, not the number written",
        )


def _radix_hint(text: str) -> str:
    if re.fullmatch(r"[+-]?0\d+(\.\d*)?", text):
        return f"drop the leading zero: YAML reads {text} as an octal number"
    if ":" in text:
        return "YAML reads a:b as a base-60 number; write the decimal value"
    return "write the number in decimal"


def _underscore_hint(text: str) -> str:
    plain = text.replace("_", "")
    if len(text) > 30:
        return (
            "no underscores in numbers: YAML 1.1 (this loader) reads them as digits, YAML 1.2 "
            "(editors) as text; write the digits alone"
        )
    return (
        f"no underscores in numbers: YAML 1.1 (this loader) reads {text} as {plain}, YAML 1.2 "
        f"(editors) as the text '{text}'; write {plain}"
    )
