"""Reading and writing scenario and register files: the only module that imports yaml.

Loading is strict, in the manner of strictyaml and cfgv: YAML is composed with PyYAML's safe
loader into nodes (which keep their line and column), then validated node by node against the
scenario format. Every problem raises :class:`~forcecalc.core.errors.ScenarioError` with one line
naming the file, line, column, key path, the value given and what was expected. Duplicate keys,
unknown keys, YAML tags, NaN and infinity, booleans and strings where numbers belong are refused.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from forcecalc.calibration import rules as sizing
from forcecalc.core import glossary, limits
from forcecalc.core.distributions import (
    Distribution,
    Interval90,
    LogNormal,
    Normal,
    Pert,
    Point,
    Triangular,
    Uniform,
)
from forcecalc.core.errors import ScenarioError, Where
from forcecalc.core.scenario import (
    BASIS_FIGURES,
    Basis,
    Domain,
    Expectation,
    Figure,
    ForceGeneration,
    Geometry,
    Location,
    Pledge,
    Scenario,
    Task,
)
from forcecalc.core.sources import (
    Assumption,
    Citation,
    Register,
    RegisterFigure,
    RegisterSource,
    Source,
    SourceDocument,
)
from forcecalc.scenario import format as fmt
from forcecalc.scenario.resources import register_dir

SCHEMA_VERSION = fmt.SCHEMA_VERSION
#: Largest scenario or register file read. [bytes]
MAX_BYTES = 1_000_000
#: Deepest nesting of mappings and lists accepted.
MAX_DEPTH = 32

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_NAME = re.compile(fmt.NAME_PATTERN)
_REF = re.compile(fmt.REF_PATTERN)
_DECIMAL = re.compile(
    r"^[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$"
)
#: Most digits of an integer read: more than a float can hold, fewer than Python's limit on
#: converting text to int (4,300), which would otherwise raise in the middle of loading.
_MAX_INT_DIGITS = 400
_AMBIGUOUS_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
#: Units of a number of people: ``10.000`` is ambiguous in them (a decimal point or a
#: thousands separator?) and refused.
PEOPLE_UNITS = ("personnel", "personnel_per_post")

# The keys and options of the format come from its one declaration, forcecalc.scenario.format.
STATISTICS = fmt.STATISTICS
PLEDGE_STATUSES = fmt.PLEDGE_STATUSES
PLEDGE_BASES = fmt.PLEDGE_BASES
_DIST_PARAMS = fmt.DIST_PARAMS
_FIGURE_KEYS = fmt.FIGURE.names
_CITATION_KEYS = fmt.CITATION.names


# --------------------------------------------------------------------------------------------
# Reading text and composing nodes


def read_text(path: Path | str) -> tuple[str, str]:
    """Read a UTF-8 file of at most :data:`MAX_BYTES`; return ``(text, name)``."""
    name = str(path)
    where = Where(name)
    try:
        data = read_regular_file(path, MAX_BYTES)
    except FileNotFoundError:
        raise ScenarioError(where, "no such file", "a path to a scenario file") from None
    except NotRegularFile as exc:
        raise ScenarioError(where, exc.kind, "a path to a scenario file") from None
    except OSError as exc:
        got = f"unreadable file ({exc.strerror or exc})"
        raise ScenarioError(where, got, "a readable file") from None
    if len(data) > MAX_BYTES:
        raise ScenarioError(where, f"a file over {MAX_BYTES:,} bytes", "a smaller scenario file")
    return decode(data, name), name


class NotRegularFile(OSError):
    """A path that names something other than a regular file: a FIFO, a device, a folder."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """``"a regular file"``, ``"a directory"``, ``"a named pipe (FIFO)"`` ... for a ``st_mode``."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((kind for test, kind in _FILE_KINDS if test(mode)), "a special file")


def read_regular_file(path: Path | str, limit: int) -> bytes:
    """The first ``limit + 1`` bytes of a regular file (a symlink to one is followed).

    The file is opened without blocking and checked before it is read, so a FIFO or a device
    named by mistake is refused at once instead of hanging or reading forever.

    Raises
    ------
    NotRegularFile
        For a directory, FIFO, device or socket.
    OSError
        For a file that does not exist or cannot be opened (a name too long, no permission).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(file_kind(mode))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit + 1)
    finally:
        os.close(fd)


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without a byte-order mark), naming the line of a bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        got = f"byte 0x{data[exc.start]:02x} that is not UTF-8"
        raise ScenarioError(Where(name, line, column), got, "a UTF-8 text file") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ScenarioError(Where(name, line), "a NUL character (binary data)", "YAML text")
    return text


def compose(text: str, name: str) -> Node:
    """Compose YAML text into a node tree, refusing deep nesting and syntax errors."""
    if len(text) > MAX_BYTES:  # text that did not come through read_text, e.g. an upload
        raise ScenarioError(
            Where(name), f"a text over {MAX_BYTES:,} characters", "a smaller scenario file"
        )
    try:
        _check_depth(text, name)
        node = yaml.compose(text, Loader=_Loader)
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
    if node is None or (isinstance(node, ScalarNode) and node.tag == _TAG + "null"):
        raise ScenarioError(Where(name, 1, 1), "an empty document", "a scenario mapping")
    return node


def _check_depth(text: str, name: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
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


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, marking every node written with an explicit tag.

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


def _foreign_tag(node: Node) -> str:
    """The tag of a node, as written, if it has one written or one plain YAML does not give;
    else ``""``. Every explicit tag is refused, even one naming a standard type
    (``!!float "100"``, ``!!str``, ``! 100``): values are plain, read the one way both the
    loader and an editor read them."""
    written = getattr(node, "explicit_tag", None)
    if written is not None:
        return written.replace(_TAG, "!!")
    allowed = {
        ScalarNode: _SCALAR_TAGS,
        MappingNode: {_TAG + "map"},
        SequenceNode: {_TAG + "seq"},
    }[type(node)]
    return "" if node.tag in allowed else node.tag.replace(_TAG, "!!")


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """``"did you mean 'x'?"`` for the closest option, or ``""``."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def read_number(text: str, name: str, path: str) -> float:
    """A number written as text outside a file, read as a ``value:`` of the figure at ``path``.

    The text is taken as one plain YAML value and passes the loader's rules for a number in a
    scenario (:meth:`_Reader.number`): no text, booleans, NaN or infinity, octal ``010``,
    underscores (``1_000``), numbers too large for a float, and for a number of people
    (``count``, ``crew``, ``personnel``) no ambiguous ``10.000``; ``-0`` is read as 0. Used
    for ``--set KEY.PATH=VALUE``, so that a value given there follows the rules of one
    written in the file.

    Raises
    ------
    ScenarioError
        Naming ``name`` (e.g. ``"--set"``) and ``path``.
    """
    text = text.strip()
    tag = yaml.resolver.Resolver().resolve(ScalarNode, text, (True, False))
    mark = yaml.Mark(name, 0, 0, 0, text, 0)
    node = ScalarNode(tag, text, mark, mark, style=None)
    term = glossary.FIGURES.get(path.rpartition(".")[2])
    counts_people = term is not None and term.unit in PEOPLE_UNITS
    return _Reader(name).number(node, path, counts_people)


def _show(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    value = node.value if len(node.value) <= 60 else node.value[:57] + "..."
    if node.tag == _TAG + "str" and node.style is not None:
        return f"the string {value!r}"
    if node.tag == _TAG + "str":
        return f"{value!r}"
    return value or "null"


class _Reader:
    """Validates a node tree; every failure names file, line, column, key path, value, rule."""

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
            self.fail(node, path, _show(node), what)
        self._check_tag(node, path)
        required, optional = tuple(required), tuple(optional)
        allowed = required + optional
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != _TAG + "str":
                self.fail(key_node, path, f"the key {_show(key_node)}", "a plain text key")
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
            self.fail(node, path, _show(node), what)
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
            self.fail(node, path, _show(node), expected)
        self._check_tag(node, path)
        return node

    def string(self, node: Node, path: str, expected: str = "text") -> str:
        node = self.scalar(node, path, expected)
        if node.tag in (_TAG + "null", _TAG + "bool") and node.style is None:
            self.fail(node, path, _show(node), expected, "quote it to make it text")
        if not node.value.strip():
            self.fail(node, path, "empty text", expected)
        return node.value

    def optional_string(self, node: Node | None, path: str) -> str | None:
        if node is None:
            return None
        self._check_tag(node, path)
        if isinstance(node, ScalarNode) and node.tag == _TAG + "null":
            return None
        return self.string(node, path)

    def boolean(self, node: Node, path: str) -> bool:
        node = self.scalar(node, path, "true or false")
        if node.tag != _TAG + "bool":
            self.fail(node, path, _show(node), "true or false")
        return bool(_CONSTRUCTOR.construct_yaml_bool(node))

    def choice(self, node: Node, path: str, options: Iterable[str]) -> str:
        options = tuple(options)
        expected = "one of " + ", ".join(options)
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
        if node.tag in (_TAG + "int", _TAG + "float") and "_" in node.value:
            self.fail(node, path, _show(node), "a decimal number", _underscore_hint(node.value))
        octal = node.tag == _TAG + "int" and re.match(r"^[-+]?0\d", node.value)
        if node.tag in (_TAG + "int", _TAG + "float") and (octal or not _DECIMAL.match(node.value)):
            self.fail(node, path, _show(node), "a decimal number", _radix_hint(node.value))
        if node.tag == _TAG + "int":
            return self._integer(node, path)
        if node.tag == _TAG + "float":
            value = float(_CONSTRUCTOR.construct_yaml_float(node))
            if not math.isfinite(value):
                self.fail(node, path, _show(node), "a finite number")
            if counts_people and _AMBIGUOUS_THOUSANDS.match(node.value):
                self.fail(
                    node,
                    path,
                    _show(node),
                    expected,
                    "ambiguous: is the dot a decimal point or a thousands separator? "
                    f"write {node.value.replace('.', '')} or {float(node.value):g}",
                )
            return value
        if node.tag == _TAG + "bool":
            self.fail(node, path, _show(node), expected, "a boolean is not a number")
        if node.tag == _TAG + "str" and node.style is None:
            text = node.value.strip()
            try:
                value = float(text)
            except ValueError:
                value = None
            if value is not None and re.fullmatch(r"[+-]?\d+(\.\d*)?[eE][+-]?\d+", text):
                if not math.isfinite(value):
                    self.fail(node, path, _show(node), "a finite number")
                return value
            self.fail(node, path, _show(node), expected, _number_hint(text))
        self.fail(node, path, _show(node), expected)

    def _integer(self, node: ScalarNode, path: str) -> float:
        """A decimal integer as a float; one too large for a float fails, however long."""
        digits = len(node.value.lstrip("+-"))  # underscores were refused by _number
        expected = "a number a float can hold (at most about 1.8e308)"
        if digits > _MAX_INT_DIGITS:  # int() would refuse it past 4,300 digits
            self.fail(node, path, f"{_show(node)} ({digits:,} digits)", expected)
        try:
            return float(_CONSTRUCTOR.construct_yaml_int(node))
        except (OverflowError, ValueError):
            self.fail(node, path, f"{_show(node)} ({digits:,} digits)", expected)


def _sigma_problem(sigma: float) -> str:
    if sigma > limits.LARGEST_SIGMA:
        return f"a sigma of at most {limits.LARGEST_SIGMA:g} (a 90% interval wider than 10^17)"
    return ""


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


def _number_hint(text: str) -> str:
    if text.lower().lstrip("+-.") in ("nan", "inf", "infinity"):
        return "NaN and infinity are not allowed"
    if re.fullmatch(r"[+-]?0\d+", text):
        return f"drop the leading zero: write {int(text)}"
    if re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", text):
        return "write the number without thousands separators, e.g. " + text.replace(".", "")
    if re.fullmatch(r"[\d.,\s]+", text) and re.search(r"\d[,\s]\d", text):
        return "write the number without thousands separators, e.g. " + re.sub(r"[,\s]", "", text)
    match = re.match(r"^\s*([\d.]+)\s*([a-zA-Z%²]+.*)$", text)
    if match:
        return f"write {match.group(1)} alone: the unit is in the key name"
    return ""


# --------------------------------------------------------------------------------------------
# Register


def load_register(directory: Path | str | None = None) -> Register:
    """Load the source register: every ``*.yaml`` in ``directory`` (default: the bundled one)."""
    directory = Path(directory) if directory is not None else register_dir()
    docs = {}
    for path in sorted(directory.glob("*.yaml")):
        doc = _parse_document(path)
        docs[doc.id] = doc
    return Register(documents=docs)


@cache
def default_register() -> Register:
    """The bundled source register, loaded once."""
    return load_register()


def _parse_document(path: Path) -> SourceDocument:
    text, name = read_text(path)
    r = _Reader(name)
    root = compose(text, name)
    keys = r.section(root, "", fmt.REGISTER_DOCUMENT)
    doc_id = r.string(keys["id"][1], "id")
    if doc_id != path.stem:
        r.fail(keys["id"][1], "id", repr(doc_id), f"the file's name '{path.stem}'")
    figures: dict[str, RegisterFigure] = {}
    for i, item in enumerate(r.sequence(keys["figures"][1], "figures")):
        p = f"figures[{i}]"
        f = r.section(item, p, fmt.REGISTER_FIGURE)
        fig_id = r.string(f["id"][1], p + ".id")
        if fig_id in figures:
            r.fail(f["id"][1], p + ".id", f"the duplicate id '{fig_id}'", "a unique figure id")
        figures[fig_id] = RegisterFigure(
            id=fig_id,
            value=r.number(f["value"][1], p + ".value"),
            unit=r.string(f["unit"][1], p + ".unit"),
            quote=r.string(f["quote"][1], p + ".quote"),
            gloss=r.string(f["gloss"][1], p + ".gloss"),
        )
    return SourceDocument(
        id=doc_id,
        file=r.string(keys["file"][1], "file"),
        language=r.string(keys["language"][1], "language"),
        outlet=r.optional_string(keys["outlet"][1], "outlet"),
        date=r.optional_string(keys["date"][1], "date"),
        summary=r.string(keys["summary"][1], "summary"),
        figures=figures,
    )


# --------------------------------------------------------------------------------------------
# Scenario


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
    text: str, name: str = "<scenario>", register: Register | None = None
) -> Scenario:
    """Validate scenario YAML text; ``name`` is used in error messages."""
    root = compose(text, name)
    builder = _ScenarioBuilder(_Reader(name), register or default_register())
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return replace(builder.build(root), source_file=name, source_sha256=digest)


#: What each kind of rule needs of a scenario's geometry, in the scenario's own keys.
_NEEDS = {
    "line_length_km": "geometry.front_length_km",
    "area_km2": "geometry.buffer_width_km",
    "population": "geometry.population",
}


def _mission_hint(text: str, catalogue: Mapping[str, sizing.Rule]) -> str:
    """A "did you mean" naming mission ids: ``unifil`` → ``unifil_2006``, ``sfor`` → both SFOR
    years, ``ifr`` → ``ifor``; ``""`` if none is close."""
    missions = sorted({m for rule in catalogue.values() for m in rule.missions})
    mission, _, basis = text.partition(".")
    years = [m for m in missions if m.startswith(mission + "_")]
    if not years:
        return did_you_mean(mission, missions) if not basis else ""
    options = [f"{m}.{basis}" if basis else m for m in years]
    return "did you mean " + " or ".join(f"'{o}'" for o in options) + "?"


class _ScenarioBuilder:
    def __init__(self, reader: _Reader, register: Register) -> None:
        self.r = reader
        self.register = register
        self.figures: dict[str, Figure] = {}
        self.reducible_at: Node | None = None

    # -- figures and sources ------------------------------------------------------------------

    def figure(self, node: Node, path: str, term: glossary.Term) -> Figure:
        r = self.r
        if not isinstance(node, MappingNode):
            hint = ""
            if isinstance(node, ScalarNode) and node.tag in (_TAG + "int", _TAG + "float"):
                hint = f"write {{value: {node.value}, source: ...}} or {{..., assumption: ...}}"
            r.fail(
                node,
                path,
                _show(node),
                "a figure: a mapping with value (or low/high, or dist) and source or assumption",
                hint,
            )
        keys = r.section(node, path, fmt.FIGURE)
        counts_people = term.unit in PEOPLE_UNITS
        nums = {
            k: r.number(v, f"{path}.{k}", counts_people)
            for k, (_, v) in keys.items()
            if k in fmt.FIGURE_NUMBERS
        }
        dist = self.distribution(node, path, keys, nums, term.domain)
        for k, x in nums.items():
            zero_ok = term.domain.contains(0.0) or k == "sd"
            problem = (
                _sigma_problem(x) if k == "sigma" else limits.limit_problem(term.unit, x, zero_ok)
            )
            if problem:
                r.fail(keys[k][1], f"{path}.{k}", f"{x:g}", problem)
        if "unit" in keys:
            unit = r.string(keys["unit"][1], path + ".unit")
            if unit != term.unit:
                r.fail(
                    keys["unit"][1],
                    path + ".unit",
                    repr(unit),
                    f"'{term.unit}'",
                    "units live in key names; this figure is in " + term.unit,
                )
        source = self.provenance(node, path, keys)
        if isinstance(source, RegisterSource):
            self._check_register_value(node, path, dist, term, source)
        note = r.string(keys["note"][1], path + ".note") if "note" in keys else ""
        figure = Figure(
            path=path,
            unit=term.unit,
            dist=dist,
            source=source,
            domain=term.domain,
            note=note,
            location=r.location(node),
        )
        self.figures[path] = figure
        return figure

    def distribution(
        self,
        node: Node,
        path: str,
        keys: Mapping[str, tuple[Node, Node]],
        nums: Mapping[str, float],
        domain: Domain,
    ) -> Distribution:
        r = self.r
        given = [k for k in fmt.FIGURE_NUMBERS if k in keys]
        if "dist" in keys:
            kind = r.choice(keys["dist"][1], path + ".dist", _DIST_PARAMS)
            params = _DIST_PARAMS[kind]
        elif "value" in keys:
            kind, params = "point", ("value",)
        elif "mode" in keys:
            kind, params = "pert", ("low", "mode", "high")
        elif "low" in keys or "high" in keys:
            kind, params = "interval90", ("low", "high")
        else:
            r.fail(
                node,
                path,
                "no value",
                "value: N, or low/high (a 90% interval), or "
                "low/mode/high (PERT), or dist: with its parameters",
            )
        for k in given:
            if k not in params:
                r.fail(
                    keys[k][0],
                    f"{path}.{k}",
                    f"'{k}' with a {kind} figure",
                    f"only {', '.join(params)}",
                )
        for k in params:
            if k not in keys:
                r.fail(node, path, f"a {kind} figure without '{k}'", f"{', '.join(params)}")

        def bad(key: str, got: str, expected: str) -> NoReturn:
            r.fail(keys[key][1], f"{path}.{key}", got, expected)

        def inside(key: str) -> None:
            if not domain.contains(nums[key]):
                bad(key, f"{nums[key]:g}", f"a value in {domain.describe()}")

        if kind == "point":
            inside("value")
            return Point(nums["value"])
        if kind in ("normal", "lognormal"):
            scale = "sd" if kind == "normal" else "sigma"
            if nums[scale] <= 0:
                bad(scale, f"{nums[scale]:g}", "a number above 0")
            centre = "mean" if kind == "normal" else "median"
            if kind == "lognormal" and nums[centre] <= 0:
                bad(centre, f"{nums[centre]:g}", "a number above 0")
            inside(centre)
            if kind == "normal":
                return Normal(nums["mean"], nums["sd"])
            return LogNormal(nums["median"], nums["sigma"])
        inside("low")
        inside("high")
        if nums["low"] >= nums["high"]:
            bad("high", f"{nums['high']:g} with low {nums['low']:g}", "high above low")
        if "mode" in params and not nums["low"] <= nums["mode"] <= nums["high"]:
            bad("mode", f"{nums['mode']:g}", f"a mode in [{nums['low']:g}, {nums['high']:g}]")
        match kind:
            case "interval90":
                return Interval90(nums["low"], nums["high"])
            case "uniform":
                return Uniform(nums["low"], nums["high"])
            case "triangular":
                return Triangular(nums["low"], nums["mode"], nums["high"])
            case _:
                return Pert(nums["low"], nums["mode"], nums["high"])

    def provenance(self, node: Node, path: str, keys: Mapping[str, tuple[Node, Node]]) -> Source:
        r = self.r
        if "source" in keys and "assumption" in keys:
            r.fail(
                keys["assumption"][0],
                path + ".assumption",
                "both source and assumption",
                "one of them (put a remark in note)",
            )
        if "assumption" in keys:
            return Assumption(
                r.string(
                    keys["assumption"][1], path + ".assumption", "the reason for the assumption"
                )
            )
        if "source" not in keys:
            r.fail(
                node,
                path,
                "a figure with neither source nor assumption",
                "source: <register id or citation> or assumption: <why>",
            )
        return self.source(keys["source"][1], path + ".source")

    def source(self, node: Node, path: str) -> Source:
        r = self.r
        if isinstance(node, MappingNode):
            keys = r.section(node, path, fmt.CITATION)
            fields = {k: r.string(v, f"{path}.{k}") for k, (_, v) in keys.items()}
            doc = fields.get("document")
            if doc is not None and doc not in self.register.documents:
                r.fail(
                    keys["document"][1],
                    path + ".document",
                    repr(doc),
                    "a document of the source register",
                    did_you_mean(doc, self.register.documents),
                )
            return Citation(**fields)
        expected = (
            "a register id such as 000_fd3776af069ded84#buffer-width, "
            "or a citation {title, publisher, date, url, quote}"
        )
        ref = r.string(node, path, expected)
        match = _REF.match(ref)
        if not match:
            r.fail(node, path, repr(ref), expected)
        doc = self.register.documents.get(match["doc"])
        if doc is None:
            r.fail(
                node,
                path,
                repr(ref),
                "a document of the source register",
                did_you_mean(match["doc"], self.register.documents),
            )
        fig = doc.figures.get(match["fig"])
        if fig is None:
            known = ", ".join(doc.figures) or "none"
            r.fail(
                node,
                path,
                repr(ref),
                f"a figure of {doc.id} ({known})",
                did_you_mean(match["fig"], doc.figures),
            )
        return RegisterSource(ref=ref, document=doc, figure=fig)

    def _check_register_value(
        self, node: Node, path: str, dist: Distribution, term: glossary.Term, source: RegisterSource
    ) -> None:
        """A point in the register's own unit must equal the register's figure."""
        same_unit = {"km": "km", "personnel": "personnel"}.get(source.figure.unit) == term.unit
        if same_unit and isinstance(dist, Point) and dist.value != source.figure.value:
            self.r.fail(
                node,
                path,
                f"{dist.value:g} citing {source.ref}",
                f"{source.figure.value:g} as the source states "
                f'("{source.figure.quote}"), or a note and an assumption',
            )

    # -- sections ----------------------------------------------------------------------------

    def build(self, root: Node) -> Scenario:
        r = self.r
        keys = r.section(
            root,
            "",
            fmt.SCENARIO,
            what="a scenario mapping (schema_version, name, description, geometry, tasks, ...)",
        )
        version_node = keys["schema_version"][1]
        version = r.number(version_node, "schema_version")
        if version != SCHEMA_VERSION:
            r.fail(version_node, "schema_version", f"{version:g}", f"{SCHEMA_VERSION}")
        name = r.string(keys["name"][1], "name")
        description = r.string(keys["description"][1], "description")
        geometry = self.geometry(keys["geometry"][1])
        method, rule_ids = self.method(root, keys)
        tasks = self.tasks(keys["tasks"][1], geometry) if method == "tasks" else ()
        if "technology_offset" in keys:
            self.figure(
                keys["technology_offset"][1],
                "technology_offset",
                glossary.FIGURES["technology_offset"],
            )
        elif any(t.reducible for t in tasks):
            first = next(t for t in tasks if t.reducible)
            r.fail(
                self.reducible_at or root,
                f"tasks.{first.name}.reducible",
                f"task '{first.name}' marked reducible with no technology_offset",
                "a technology_offset figure",
            )
        sustainment = self.sustainment(keys["sustainment"][1])
        force_generation = None
        if "force_generation" in keys:
            force_generation = self.force_generation(keys["force_generation"][1])
        scenario = Scenario(
            name=name,
            description=description,
            tasks=tasks,
            figures=dict(self.figures),
            geometry=geometry,
            sustainment=sustainment,
            force_generation=force_generation,
            method=method,
            rules=rule_ids,
        )
        if "expect" in keys:
            scenario = replace(scenario, expect=self.expectations(keys["expect"][1], scenario))
        return scenario

    # -- method: tasks, analog or ensemble ----------------------------------------------------

    def method(
        self, root: Node, keys: Mapping[str, tuple[Node, Node]]
    ) -> tuple[str, tuple[str, ...]]:
        """The method and, for analog and ensemble, the rules (their figures are added)."""
        r = self.r
        method = "tasks"
        if "method" in keys:
            method = r.choice(keys["method"][1], "method", fmt.METHODS)
        for key in ("analog", "ensemble"):
            if key in keys and method != key:
                r.fail(keys[key][0], key, f"'{key}' with method {method}", f"method: {key}")
        if method == "tasks":
            if "tasks" not in keys:
                r.fail(root, "", "no 'tasks'", "the key 'tasks', or method: analog or ensemble")
            return method, ()
        if "tasks" in keys:
            r.fail(
                keys["tasks"][0],
                "tasks",
                f"tasks with method {method}",
                "no tasks: the sizing rules give the whole force",
            )
        site = sizing.Site(1.0, 1.0, 1.0 if "geometry.population" in self.figures else None)
        catalogue = sizing.all_rules()
        if method == "analog":
            if "analog" not in keys:
                r.fail(root, "analog", "method analog with no 'analog'", "analog: e.g. ifor.per_km")
            rule = self.rule_ref(keys["analog"][1], "analog", catalogue, site, mission_ok=True)
            self.figures.update(sizing.rule_figures([rule]))
            return method, (rule.id,)
        return method, self.ensemble(keys.get("ensemble"), catalogue, site)

    def rule_ref(
        self,
        node: Node,
        path: str,
        catalogue: Mapping[str, sizing.Rule],
        site: sizing.Site,
        mission_ok: bool = False,
    ) -> sizing.Rule:
        """A sizing rule by id (or, with ``mission_ok``, a mission's first rule that fits)."""
        r = self.r
        text = r.string(node, path, "a sizing rule such as ifor.per_km")
        rule = catalogue.get(text)
        expected = "a sizing rule <mission>.<basis> ('forcecalc missions' lists the missions)"
        hint = did_you_mean(text, catalogue)
        if mission_ok:  # analog: ifor, a mission's first rule that fits
            own = [x for x in catalogue.values() if x.missions == (text,)]
            rule = rule or next((x for x in own if site.has(x.needs)), None)
            if rule is None and own:  # a mission, none of whose rules this geometry allows
                needs = " or ".join(sorted({_NEEDS.get(x.needs, x.needs) for x in own}))
                r.fail(
                    node,
                    path,
                    f"{text!r}, whose rules ({', '.join(x.id for x in own)}) need {needs}",
                    f"a geometry with {needs}, or another mission",
                )
            expected = (
                "a sizing rule <mission>.<basis> or a mission id ('forcecalc missions' lists them)"
            )
            hint = _mission_hint(text, catalogue) or hint
        if rule is None:
            r.fail(node, path, repr(text), expected, hint)
        if not site.has(rule.needs):
            r.fail(
                node,
                path,
                f"{text!r}, a rule per 1,000 inhabitants, with no geometry.population",
                "a geometry.population figure, or a rule per km, per km² or per post",
            )
        return rule

    def ensemble(
        self,
        entry: tuple[Node, Node] | None,
        catalogue: Mapping[str, sizing.Rule],
        site: sizing.Site,
    ) -> tuple[str, ...]:
        """The ensemble's rules (default: every rule the geometry allows) and their weights."""
        r = self.r
        if entry is None:
            chosen = sizing.applicable(catalogue, site)
            weights = {
                k: sizing.weight_figure(k, w, sizing.MISSION_WEIGHT)
                for k, w in sizing.group_weights(chosen).items()
            }
        else:
            chosen, weights = {}, {}
            block = r.section(entry[1], "ensemble", fmt.ENSEMBLE)
            items = r.nonempty(
                block["rules"][1],
                "ensemble.rules",
                "a list",
                "at least one rule (or leave ensemble out for every rule that applies)",
            )
            for i, item in enumerate(items):
                path = f"ensemble.rules[{i}]"
                fields = r.section(item, path, fmt.ENSEMBLE_RULE)
                rule = self.rule_ref(fields["rule"][1], path + ".rule", catalogue, site)
                if rule.id in chosen:
                    r.fail(
                        fields["rule"][1], path + ".rule", f"'{rule.id}' twice", "each rule once"
                    )
                chosen[rule.id] = rule
                weights[rule.id] = sizing.weight_figure(rule.id)
                if "weight" in fields:
                    node = fields["weight"][1]
                    w = self.figure(node, sizing.weight_path(rule.id), glossary.FIGURES["weight"])
                    if not isinstance(w.dist, Point):
                        r.fail(node, path + ".weight", w.dist.describe(), "a point: value: N")
                    weights[rule.id] = w
            if not any(w.dist.value > 0 for w in weights.values()):
                r.fail(entry[1], "ensemble.rules", "weights that are all 0", "a weight above 0")
        # The rules in order of their ids, not of the list: the order a file lists them in
        # changes neither which design column a rule's figures take nor which rule a draw of
        # the selector picks, so reordering the list leaves every number unchanged.
        order = sorted(chosen)
        self.figures.update(sizing.rule_figures(chosen[k] for k in order))
        self.figures.update({weights[k].path: weights[k] for k in order})
        self.figures[sizing.RULE_CHOICE] = sizing.rule_choice_figure()
        return tuple(order)

    def geometry(self, node: Node) -> Geometry:
        keys = self.r.section(node, "geometry", fmt.GEOMETRY)
        for key, (_, value) in keys.items():
            self.figure(value, f"geometry.{key}", glossary.FIGURES[key])
        return Geometry(has_border="border_length_km" in keys)

    def tasks(self, node: Node, geometry: Geometry) -> tuple[Task, ...]:
        r = self.r
        items = r.nonempty(node, "tasks", "a list of tasks", "at least one task")
        tasks: dict[str, tuple[Task, Node]] = {}
        of_nodes: dict[str, Node] = {}
        for i, item in enumerate(items):
            path = f"tasks[{i}]"
            keys = r.section(item, path, fmt.TASK)
            name = r.string(keys["name"][1], path + ".name")
            if not _NAME.match(name):
                r.fail(
                    keys["name"][1],
                    path + ".name",
                    repr(name),
                    "a name of lower-case letters, digits and _ starting with a letter",
                )
            if name in tasks:
                r.fail(
                    keys["name"][1],
                    path + ".name",
                    f"the duplicate task name '{name}'",
                    "a unique name",
                )
            path = f"tasks.{name}"
            category = r.choice(
                keys["category"][1], path + ".category", fmt.options(fmt.TASK, "category")
            )
            basis = Basis(
                r.choice(keys["basis"][1], path + ".basis", fmt.options(fmt.TASK, "basis"))
            )
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
                self.figure(keys[key][1], f"{path}.{key}", term)
            of: tuple[str, ...] = ()
            if "of" in keys:
                of_nodes[name] = keys["of"][1]
                names = r.sequence(keys["of"][1], path + ".of", "a list of task names")
                if not names:
                    r.fail(keys["of"][1], path + ".of", "an empty list", "at least one task name")
                of = tuple(r.string(n, f"{path}.of[{j}]") for j, n in enumerate(names))
                for j, other in enumerate(of):
                    if other in of[:j]:
                        r.fail(
                            names[j],
                            f"{path}.of[{j}]",
                            f"'{other}' named twice",
                            "each task once (a repeat would count it twice)",
                        )
            reducible = (
                r.boolean(keys["reducible"][1], path + ".reducible")
                if "reducible" in keys
                else False
            )
            if reducible and self.reducible_at is None:
                self.reducible_at = keys["reducible"][1]
            description = (
                r.string(keys["description"][1], path + ".description")
                if "description" in keys
                else ""
            )
            tasks[name] = (
                Task(
                    name=name,
                    category=category,
                    basis=basis,
                    of=of,
                    reducible=reducible,
                    description=description,
                ),
                item,
            )
        return self._ordered(tasks, of_nodes)

    def _ordered(
        self, tasks: Mapping[str, tuple[Task, Node]], of_nodes: Mapping[str, Node]
    ) -> tuple[Task, ...]:
        """Tasks with every share_of after the tasks it names; unknown names and cycles fail."""
        r = self.r
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

    def sustainment(self, node: Node) -> str:
        r = self.r
        keys = r.section(node, "sustainment", fmt.SUSTAINMENT)
        has_multiplier = "rotation_multiplier" in keys
        has_tour = "tour_months" in keys or "dwell_months" in keys
        if has_multiplier == has_tour:
            r.fail(
                node,
                "sustainment",
                "both forms" if has_multiplier else "neither form",
                "either rotation_multiplier, or tour_months and dwell_months",
            )
        if has_tour and not ("tour_months" in keys and "dwell_months" in keys):
            r.fail(node, "sustainment", "only one of tour_months and dwell_months", "both")
        for key, (_, value) in keys.items():
            self.figure(value, f"sustainment.{key}", glossary.FIGURES[key])
        return "rotation_multiplier" if has_multiplier else "tour_and_dwell"

    def force_generation(self, node: Node) -> ForceGeneration:
        r = self.r
        keys = r.section(node, "force_generation", fmt.FORCE_GENERATION)
        if "pledges" not in keys and "pool" not in keys:
            r.fail(node, "force_generation", "neither pledges nor pool", "pledges and/or pool")
        basis = "deployed"
        if "pledge_basis" in keys:
            basis = r.choice(keys["pledge_basis"][1], "force_generation.pledge_basis", PLEDGE_BASES)
        pledges: list[Pledge] = []
        if "pledges" in keys:
            items = r.nonempty(
                keys["pledges"][1],
                "force_generation.pledges",
                "a list",
                "at least one pledge (or leave pledges out)",
            )
            for i, item in enumerate(items):
                pledges.append(self.pledge(item, i, {p.contributor for p in pledges}))
        if "pool" in keys:
            pool = r.section(keys["pool"][1], "force_generation.pool", fmt.POOL)
            for key, (_, value) in pool.items():
                self.figure(value, f"force_generation.pool.{key}", glossary.FIGURES[key])
        return ForceGeneration(pledges=tuple(pledges), has_pool="pool" in keys, pledge_basis=basis)

    def pledge(self, node: Node, i: int, seen: set[str]) -> Pledge:
        r = self.r
        path = f"force_generation.pledges[{i}]"
        keys = r.section(node, path, fmt.PLEDGE)
        contributor = r.string(keys["contributor"][1], path + ".contributor")
        if contributor in seen:
            r.fail(
                keys["contributor"][1],
                path + ".contributor",
                f"the duplicate contributor '{contributor}'",
                "each contributor once",
            )
        path = f"force_generation.pledges.{contributor}"
        status = "pledged"
        if "status" in keys:
            status = r.choice(keys["status"][1], path + ".status", PLEDGE_STATUSES)
        figure = self.figure(
            keys["personnel"][1], path + ".personnel", glossary.FIGURES["personnel"]
        )
        if status == "refused" and figure.dist != Point(0.0):
            r.fail(
                keys["personnel"][1],
                path + ".personnel",
                figure.dist.describe(),
                "value: 0 for a contributor that refused",
            )
        note = r.string(keys["note"][1], path + ".note") if "note" in keys else ""
        return Pledge(contributor=contributor, status=status, note=note)

    def expectations(self, node: Node, scenario: Scenario) -> tuple[Expectation, ...]:
        r = self.r
        out = []
        metrics = _metric_names(scenario)
        for i, item in enumerate(r.sequence(node, "expect", "a list of claims")):
            path = f"expect[{i}]"
            keys = r.section(item, path, fmt.CLAIM)
            metric = r.choice(keys["metric"][1], path + ".metric", metrics)
            statistic = "p50"
            if "statistic" in keys:
                statistic = r.choice(keys["statistic"][1], path + ".statistic", STATISTICS)
            nums = {
                k: r.number(v, f"{path}.{k}")
                for k, (_, v) in keys.items()
                if k in fmt.CLAIM_NUMBERS
            }
            if not set(fmt.CLAIM_BOUNDS) & nums.keys():
                r.fail(
                    item,
                    path,
                    "a claim with no bound",
                    "approx (with tolerance), at_most or at_least",
                )
            if ("approx" in nums) != ("tolerance" in nums):
                r.fail(
                    item,
                    path,
                    "approx without tolerance" if "approx" in nums else "tolerance without approx",
                    "approx and tolerance together",
                )
            self._claim_bounds(keys, nums, path, metric)
            tolerance = fmt.CLAIM["tolerance"].kind
            if "tolerance" in nums and not tolerance.domain.contains(nums["tolerance"]):
                r.fail(
                    keys["tolerance"][1],
                    path + ".tolerance",
                    f"{nums['tolerance']:g}",
                    "a relative tolerance in (0, 1), e.g. 0.15 for 15%",
                )
            note = r.string(keys["note"][1], path + ".note") if "note" in keys else ""
            out.append(
                Expectation(
                    metric=metric,
                    statistic=statistic,
                    source=self.provenance(item, path, keys),
                    note=note,
                    location=r.location(item),
                    **nums,
                )
            )
        return tuple(out)

    def _claim_bounds(
        self,
        keys: Mapping[str, tuple[Node, Node]],
        nums: Mapping[str, float],
        path: str,
        metric: str,
    ) -> None:
        """Bounds a metric can meet: every metric is 0 or more, and a probability at most 1.

        ``approx`` is met within a tolerance relative to itself, so it must be above 0; a
        negative ``at_most`` could never hold and a negative ``at_least`` always would.
        """
        r = self.r
        probability = metric in ("p_pledges_suffice", "p_pool_suffices")
        for key in fmt.CLAIM_BOUNDS:
            if key not in nums:
                continue
            x, node, sub = nums[key], keys[key][1], f"{path}.{key}"
            if key == "approx" and x <= 0:
                r.fail(
                    node,
                    sub,
                    f"{x:g}",
                    "a number above 0",
                    f"{metric} is 0 or more and approx "
                    "is met within a tolerance relative to itself",
                )
            if x < 0:
                r.fail(node, sub, f"{x:g}", "0 or more", f"{metric} is never negative")
            if probability and x > 1:
                r.fail(node, sub, f"{x:g}", "at most 1", f"{metric} is a probability")
        if "at_least" in nums and "at_most" in nums and nums["at_least"] > nums["at_most"]:
            r.fail(
                keys["at_least"][1],
                path + ".at_least",
                f"{nums['at_least']:g} with at_most {nums['at_most']:g}",
                "at_least no greater than at_most (the claim could never be met)",
            )


def _metric_names(scenario: Scenario) -> list[str]:
    names = list(fmt.METRICS)
    fg = scenario.force_generation
    if fg is not None and fg.pledges:
        names += fmt.PLEDGE_METRICS
    if fg is not None and fg.has_pool:
        names += fmt.POOL_METRICS
    names += [f"tasks.{t.name}" for t in scenario.tasks]
    names += [f"categories.{c}" for c in dict.fromkeys(t.category for t in scenario.tasks)]
    names += [f"rules.{r}" for r in scenario.rules]
    return names


# --------------------------------------------------------------------------------------------
# Writing


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() and abs(x) < 1e15 else float(x)


_DIST_NAMES = {
    Uniform: "uniform",
    Triangular: "triangular",
    Pert: "pert",
    Normal: "normal",
    LogNormal: "lognormal",
}


def _dist_dict(dist: Distribution) -> dict[str, object]:
    params = {k: _num(v) for k, v in vars(dist).items()}
    if isinstance(dist, Point | Interval90):
        return params
    return {"dist": _DIST_NAMES[type(dist)], **params}


def _source_dict(source: Source) -> dict[str, object]:
    match source:
        case RegisterSource(ref=ref):
            return {"source": ref}
        case Citation():
            return {"source": {k: v for k, v in vars(source).items() if v is not None}}
        case Assumption(reason=reason):
            return {"assumption": reason}
    raise TypeError(f"cannot write {source!r}")


def figure_dict(figure: Figure) -> dict[str, object]:
    """A figure as the mapping the scenario format uses."""
    out = {**_dist_dict(figure.dist), **_source_dict(figure.source)}
    if figure.note:
        out["note"] = figure.note
    return out


def scenario_dict(scenario: Scenario) -> dict[str, object]:
    """A scenario as plain data in the scenario format (inverse of :func:`parse_scenario`)."""

    def fig(path: str) -> dict[str, object]:
        return figure_dict(scenario.figures[path])

    geometry = {
        k: fig(f"geometry.{k}")
        for k in ("front_length_km", "buffer_width_km", "border_length_km", "population")
        if f"geometry.{k}" in scenario.figures
    }
    out: dict[str, object] = {
        "schema_version": SCHEMA_VERSION,
        "name": scenario.name,
        "description": scenario.description,
        "geometry": geometry,
    }
    if scenario.method == "tasks":
        out["tasks"] = [_task_dict(scenario, t) for t in scenario.tasks]
    else:
        out["method"] = scenario.method
    if scenario.method == "analog":
        out["analog"] = scenario.rules[0]
    if scenario.method == "ensemble":
        out["ensemble"] = {"rules": [_ensemble_rule_dict(scenario, r) for r in scenario.rules]}
    if "technology_offset" in scenario.figures:
        out["technology_offset"] = fig("technology_offset")
    out["sustainment"] = {
        k.split(".")[1]: fig(k) for k in scenario.figures if k.startswith("sustainment.")
    }
    fg = scenario.force_generation
    if fg is not None:
        block: dict[str, object] = {"pledge_basis": fg.pledge_basis}
        if fg.pledges:
            block["pledges"] = [
                {
                    "contributor": p.contributor,
                    "status": p.status,
                    "personnel": fig(p.figure_path),
                    **({"note": p.note} if p.note else {}),
                }
                for p in fg.pledges
            ]
        if fg.has_pool:
            block["pool"] = {
                k.rsplit(".", 1)[1]: fig(k)
                for k in scenario.figures
                if k.startswith("force_generation.pool.")
            }
        out["force_generation"] = block
    if scenario.expect:
        out["expect"] = [_expect_dict(e) for e in scenario.expect]
    return out


def _ensemble_rule_dict(scenario: Scenario, rule_id: str) -> dict[str, object]:
    weight = scenario.figures[sizing.weight_path(rule_id)]
    if weight == sizing.weight_figure(rule_id):
        return {"rule": rule_id}
    return {"rule": rule_id, "weight": figure_dict(weight)}


def _task_dict(scenario: Scenario, task: Task) -> dict[str, object]:
    out: dict[str, object] = {
        "name": task.name,
        "category": task.category,
        "basis": task.basis.value,
    }
    if task.description:
        out["description"] = task.description
    if task.reducible:
        out["reducible"] = True
    for key in BASIS_FIGURES[task.basis]:
        out[key] = figure_dict(scenario.figures[task.figure_path(key)])
    if task.of:
        out["of"] = list(task.of)
    return out


def _expect_dict(e: Expectation) -> dict[str, object]:
    out: dict[str, object] = {"metric": e.metric, "statistic": e.statistic}
    for key in ("approx", "tolerance", "at_most", "at_least"):
        value = getattr(e, key)
        if value is not None:
            out[key] = _num(value)
    out.update(_source_dict(e.source))
    if e.note:
        out["note"] = e.note
    return out


class _Dumper(yaml.SafeDumper):
    """Safe dumper that never writes a float the loader would call ambiguous."""


def _represent_float(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    node = dumper.represent_float(value)
    if _AMBIGUOUS_THOUSANDS.match(node.value):
        node.value += "0"  # 1.375 -> 1.3750: the same number, no longer read as 1,375
    return node


_Dumper.add_representer(float, _represent_float)


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML text that :func:`parse_scenario` reads back to an equal scenario."""
    return yaml.dump(
        scenario_dict(scenario), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )
