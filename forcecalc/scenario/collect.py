"""Collecting the errors of a file instead of stopping at the first (``forcecalc validate``).

A :class:`Collector` keeps each error with the figure it belongs to. A bad figure is recorded
and stands in as a placeholder point, so the sections after it are still read; an error that
names a figure already refused (``tasks.a.share`` refused, then a check of the shares of
``tasks.a``) is a consequence of the first and is not kept. Errors come back in file order.
"""

from __future__ import annotations

from forcecalc.core.distributions import Point
from forcecalc.core.errors import ScenarioError
from forcecalc.core.glossary import Term
from forcecalc.core.scenario import Figure, Location
from forcecalc.core.sources import Assumption

#: Most errors ``validate`` reports for one file.
MAX_ERRORS = 20


class Collector:
    """The errors of one file, each once, without the consequences of an earlier one."""

    def __init__(self, limit: int = MAX_ERRORS) -> None:
        self.limit = limit
        self.found: list[ScenarioError] = []
        self.failed: set[str] = set()

    def add(self, error: ScenarioError, figure_path: str = "") -> None:
        """Keep ``error`` unless it follows from a figure already refused."""
        if not self.is_consequence(error):
            self.found.append(error)
        if figure_path:
            self.failed.add(figure_path)

    def is_consequence(self, error: ScenarioError) -> bool:
        """Whether ``error`` names, in its key path or its message, a figure refused before."""
        path, text = error.where.key_path, str(error)
        return any(
            path == p or path.startswith(p + ".") or f"{p} " in text or f"{p}," in text
            for p in self.failed
        )

    def errors(self) -> list[ScenarioError]:
        """The errors in file order (line, then column), at most :attr:`limit`."""
        unique = {str(e): e for e in self.found}.values()
        ordered = sorted(unique, key=lambda e: (e.where.line, e.where.column))
        return ordered[: self.limit]

    @property
    def more(self) -> int:
        """How many errors were found beyond :attr:`limit`."""
        return max(0, len({str(e) for e in self.found}) - self.limit)


def placeholder(path: str, term: Term, location: Location) -> Figure:
    """A point in the figure's domain standing in for a refused figure, so that reading goes
    on; a scenario holding one is never returned."""
    value = next((x for x in (1.0, 0.5, 0.0) if term.domain.contains(x)), term.domain.lower)
    return Figure(
        path=path,
        unit=term.unit,
        dist=Point(value),
        source=Assumption("a placeholder for a refused figure"),
        domain=term.domain,
        location=location,
    )
