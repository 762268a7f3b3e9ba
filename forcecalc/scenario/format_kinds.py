"""The kinds of value a key of the scenario format may hold, and the mapping declaration.

:mod:`forcecalc.scenario.format` declares every mapping of the format with these; the reader
and the JSON Schema generator (:mod:`forcecalc.scenario.schema`) read them from there.
"""

from __future__ import annotations

from dataclasses import dataclass

from forcecalc.core.scenario import Domain


@dataclass(frozen=True)
class Text:
    """Text (a number is read as its text; blank text is refused).

    ``pattern`` is a regular expression the text must match, described by ``rule``;
    ``nullable`` lets the value be left empty (``null``).
    """

    pattern: str | None = None
    rule: str = ""
    nullable: bool = False


@dataclass(frozen=True)
class Number:
    """A finite number, within ``domain`` when one is given."""

    domain: Domain | None = None


@dataclass(frozen=True)
class Const:
    """A number that must equal ``value`` (the format's version)."""

    value: int


@dataclass(frozen=True)
class Boolean:
    """``true`` or ``false``."""


@dataclass(frozen=True)
class Choice:
    """One of ``options``."""

    options: tuple[str, ...]


@dataclass(frozen=True)
class FigureOf:
    """A figure (value or distribution, with source or assumption) of a glossary term.

    ``term`` names an entry of :data:`forcecalc.core.glossary.FIGURES`, or is ``"rate"``, whose unit
    depends on the task's basis (:data:`forcecalc.core.glossary.RATE_UNITS`).
    """

    term: str


@dataclass(frozen=True)
class SourceRef:
    """A register id (``<document>#<figure>``) or a citation mapping."""


@dataclass(frozen=True)
class DocumentRef:
    """The id of a document of the source register."""


@dataclass(frozen=True)
class ListOf:
    """A list of ``item``, at least ``min_items`` long."""

    item: Kind
    min_items: int = 0


@dataclass(frozen=True)
class Section:
    """A nested mapping declared by the :class:`Spec` named ``spec`` in :data:`SPECS`."""

    spec: str


Kind = (
    Text | Number | Const | Boolean | Choice | FigureOf | SourceRef | DocumentRef | ListOf | Section
)


@dataclass(frozen=True)
class Key:
    """One key of a mapping: its name, kind, whether it must be given, and what it means."""

    name: str
    kind: Kind
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Spec:
    """A mapping of the format: its keys in order, required ones first."""

    name: str
    doc: str
    keys: tuple[Key, ...]

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the keys that must be given, in order."""
        return tuple(k.name for k in self.keys if k.required)

    @property
    def optional(self) -> tuple[str, ...]:
        """Names of the keys that may be left out, in order."""
        return tuple(k.name for k in self.keys if not k.required)

    @property
    def names(self) -> tuple[str, ...]:
        """Every allowed key: the required ones, then the optional ones."""
        return self.required + self.optional

    def __getitem__(self, name: str) -> Key:
        for key in self.keys:
            if key.name == name:
                return key
        raise KeyError(name)


def options(spec: Spec, key: str) -> tuple[str, ...]:
    """The options of the :class:`Choice` key ``key`` of ``spec``."""
    kind = spec[key].kind
    if not isinstance(kind, Choice):
        raise TypeError(f"{spec.name}.{key} is not a choice")
    return kind.options
