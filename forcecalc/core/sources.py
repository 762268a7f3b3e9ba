"""Where a figure comes from: the source register, another citation, or a stated assumption."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RegisterFigure:
    """One figure a source document states, with its verbatim quote.

    Parameters
    ----------
    id : str
        Kebab-case id, unique within its document (``buffer-width``).
    value : float
        The number as the document states it. [unit]
    unit : str
        One of ``km``, ``km2``, ``personnel``, ``countries``, ``percent``.
    quote : str
        A short verbatim phrase in the document's language.
    gloss : str
        English rendering of the quote.
    """

    id: str
    value: float
    unit: str
    quote: str
    gloss: str


@dataclass(frozen=True)
class SourceDocument:
    """A document of the source register (``seeds/<id>.yaml``)."""

    id: str
    file: str
    language: str
    outlet: str | None
    date: str | None
    summary: str
    figures: Mapping[str, RegisterFigure] = field(default_factory=dict)


@dataclass(frozen=True)
class Register:
    """The project's source register: documents by id."""

    documents: Mapping[str, SourceDocument] = field(default_factory=dict)

    def ids(self) -> list[str]:
        """Every ``document#figure`` id in the register, sorted."""
        return sorted(f"{d.id}#{f}" for d in self.documents.values() for f in d.figures)


@dataclass(frozen=True)
class RegisterSource:
    """A figure's source given as a register id, ``<document>#<figure>``."""

    ref: str
    document: SourceDocument
    figure: RegisterFigure

    def label(self) -> str:
        return self.ref


@dataclass(frozen=True)
class Citation:
    """A source outside the register: a publication, statement or dataset.

    ``document`` optionally ties the citation to a register document whose text holds ``quote``
    verbatim (for statements that carry no number, such as a refusal to take part).
    """

    title: str
    publisher: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    quote: str | None = None
    document: str | None = None

    def label(self) -> str:
        parts = [p for p in (self.author, self.publisher, self.title, self.date) if p]
        return ", ".join(parts)


@dataclass(frozen=True)
class Assumption:
    """A figure nobody published: the reason it was chosen."""

    reason: str

    def label(self) -> str:
        return f"assumption: {self.reason}"


Source = RegisterSource | Citation | Assumption
