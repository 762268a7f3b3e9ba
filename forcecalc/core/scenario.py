"""The scenario: a troop-to-task table over a geometry, with every figure cited.

These frozen dataclasses are what the loader produces and what the model consumes. The
structure (tasks, their bases, which tasks a share applies to) lives in the dataclasses; every
number lives in :attr:`Scenario.figures`, keyed by its dotted path, so that sampling, ``--set``
overrides and sensitivity analysis all work on one flat mapping.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from forcecalc.core.correlation import Correlation
from forcecalc.core.distributions import Distribution, Point
from forcecalc.core.sources import Source


class Basis(StrEnum):
    """How a task's personnel scale with the geometry."""

    PER_KM_FRONT = "per_km_front"
    PER_KM2_BUFFER = "per_km2_buffer"
    PER_KM_BORDER = "per_km_border"
    PER_POST = "per_post"
    FIXED = "fixed"
    SHARE_OF = "share_of"
    RATIO_OF = "ratio_of"
    SHARE_OF_FORCE = "share_of_force"


#: Figure names each basis needs, besides the geometry.
BASIS_FIGURES: dict[Basis, tuple[str, ...]] = {
    Basis.PER_KM_FRONT: ("rate",),
    Basis.PER_KM2_BUFFER: ("rate",),
    Basis.PER_KM_BORDER: ("rate",),
    Basis.PER_POST: ("spacing_km", "crew"),
    Basis.FIXED: ("count",),
    Basis.SHARE_OF: ("share",),
    Basis.RATIO_OF: ("ratio",),
    Basis.SHARE_OF_FORCE: ("share",),
}

#: Bases whose personnel are a fraction or a multiple of others' (:mod:`forcecalc.core.shares`).
SHARE_BASES = (Basis.SHARE_OF, Basis.RATIO_OF, Basis.SHARE_OF_FORCE)

#: Task categories; results are also totalled by category.
CATEGORIES = (
    "military",
    "police",
    "civilian_monitors",
    "enablers",
    "headquarters",
    "reserve",
    "air",
    "maritime",
)


@dataclass(frozen=True)
class Location:
    """Where a figure was written: file, 1-based line and column."""

    file: str
    line: int
    column: int


@dataclass(frozen=True)
class Domain:
    """The values a figure may take: ``[lower, upper]``, either end open."""

    lower: float = 0.0
    upper: float = math.inf
    lower_open: bool = False
    upper_open: bool = False

    def contains(self, x: float) -> bool:
        above = x > self.lower if self.lower_open else x >= self.lower
        below = x < self.upper if self.upper_open else x <= self.upper
        return above and below

    def describe(self) -> str:
        left = "(" if self.lower_open else "["
        right = ")" if self.upper_open or math.isinf(self.upper) else "]"
        upper = "inf" if math.isinf(self.upper) else f"{self.upper:g}"
        return f"{left}{self.lower:g}, {upper}{right}"


@dataclass(frozen=True)
class Figure:
    """A number of the scenario with its unit, uncertainty and source.

    Parameters
    ----------
    path : str
        Dotted key path, e.g. ``geometry.front_length_km`` or ``tasks.monitors.rate``.
    unit : str
        Unit, from the glossary (:mod:`forcecalc.core.glossary`).
    dist : Distribution
        A :class:`~forcecalc.core.distributions.Point` or an uncertain specification.
    source : Source
        Register figure, citation, or assumption with its reason.
    domain : Domain
        Values the figure may take; sampling truncates to it.
    note : str
        Free remark kept with the figure.
    location : Location or None
        Where the figure was written; not part of equality.
    """

    path: str
    unit: str
    dist: Distribution
    source: Source
    domain: Domain = Domain()
    note: str = ""
    location: Location | None = field(default=None, compare=False)

    @property
    def is_uncertain(self) -> bool:
        return not isinstance(self.dist, Point)


#: Figure paths of the shorthand geometry: one active sector (the front, with its buffer) and
#: one quiet one (the borders).
FRONT_LENGTH = "geometry.front_length_km"
BUFFER_WIDTH = "geometry.buffer_width_km"
BORDER_LENGTH = "geometry.border_length_km"


@dataclass(frozen=True)
class Sector:
    """A stretch of the line: its name, posture and the figure paths of its length and buffer.

    ``buffer_path`` is ``None`` for a sector with no buffer (a quiet border); ``posture`` is one
    of the missions dataset's words (``observe``, ``interpose``, ``deter``, ``enforce``), or
    ``None`` for the shorthand's sectors, which state none.
    """

    name: str
    length_path: str
    buffer_path: str | None = None
    posture: str | None = None

    @property
    def has_buffer(self) -> bool:
        return self.buffer_path is not None


def sector_path(sector: str, name: str) -> str:
    """Figure path of a declared sector's figure: ``geometry.sectors.<sector>.<name>``."""
    return f"geometry.sectors.{sector}.{name}"


@dataclass(frozen=True)
class Geometry:
    """Which figures describe the line; the numbers are in :attr:`Scenario.figures`.

    ``sectors`` are the sectors the file declares (``geometry.sectors``), empty for the
    shorthand ``front_length_km``/``buffer_width_km``/``border_length_km``;
    :attr:`line` gives the sectors either way.
    """

    has_border: bool = False
    sectors: tuple[Sector, ...] = ()

    @property
    def line(self) -> tuple[Sector, ...]:
        """Every sector of the line: the declared ones, or the shorthand's front and border."""
        if self.sectors:
            return self.sectors
        front = Sector("front", FRONT_LENGTH, BUFFER_WIDTH)
        return (front, Sector("border", BORDER_LENGTH)) if self.has_border else (front,)


@dataclass(frozen=True)
class SectorEnsemble:
    """One sector's own ensemble, for a line whose sectors' postures differ.

    ``rules`` are the ids of the rules of the sector's posture (with its fallback), in the
    line's one order from the smallest requirement to the largest (the same for every sector,
    so that the shared draw is comonotone);
    ``shares`` each rule's default weight within them (equal per mission), multiplied by the
    rule's figure ``rules.<id>.weight`` (1 unless set) in the sector's mixture
    (:func:`forcecalc.core.sectors.sector_mixtures`).
    """

    sector: str
    rules: tuple[str, ...]
    shares: tuple[float, ...]


@dataclass(frozen=True)
class Task:
    """One row of the troop-to-task table.

    ``of`` names the tasks a ``share_of`` (``ratio_of``) task is a fraction (a multiple) of;
    ``of_category`` the category a ``share_of_force`` task is a share of (``None``: the whole
    force, :mod:`forcecalc.core.shares`); ``reducible`` marks a task whose
    personnel surveillance technology can partly replace (see ``technology_offset``);
    ``sectors`` names the sectors a task along the line applies to (empty: its basis' default,
    :func:`forcecalc.core.sectors.task_sectors`).
    """

    name: str
    category: str
    basis: Basis
    of: tuple[str, ...] = ()
    reducible: bool = False
    description: str = ""
    sectors: tuple[str, ...] = ()
    of_category: str | None = None

    def figure_path(self, name: str) -> str:
        return f"tasks.{self.name}.{name}"


@dataclass(frozen=True)
class Pledge:
    """A contributor's offer of personnel (0 for a refusal).

    ``covers`` names the task categories the pledge may fill (empty: every category);
    ``reliability`` says whether it carries a ``delivery_probability`` (and its uniform draw
    ``delivered``, :mod:`forcecalc.core.sustainment`).
    """

    contributor: str
    status: str = "pledged"
    note: str = ""
    covers: tuple[str, ...] = ()
    reliability: bool = False

    @property
    def figure_path(self) -> str:
        return f"force_generation.pledges.{self.contributor}.personnel"

    @property
    def probability_path(self) -> str:
        return f"force_generation.pledges.{self.contributor}.delivery_probability"

    @property
    def draw_path(self) -> str:
        return f"force_generation.pledges.{self.contributor}.delivered"


@dataclass(frozen=True)
class ForceGeneration:
    """Pledges by contributor and/or a personnel pool.

    ``pledge_basis`` says what pledges are compared with: the ``deployed`` requirement (troops
    on the ground at one time, the usual sense of an offer) or the ``committed`` one.
    """

    pledges: tuple[Pledge, ...] = ()
    has_pool: bool = False
    pledge_basis: str = "deployed"
    pool_covers: tuple[str, ...] = ()  # the categories the pool may fill; empty: every one


@dataclass(frozen=True)
class TimelineContributor:
    """A pledge's window over the mandate (``timeline.contributors``): its figures
    ``from_month``, ``until_month``, ``withdrawal_per_year`` and ``ceiling``, those given, are
    under :meth:`figure_path` (:mod:`forcecalc.core.timeline`)."""

    contributor: str

    def figure_path(self, name: str) -> str:
        return f"timeline.contributors.{self.contributor}.{name}"


@dataclass(frozen=True)
class Timeline:
    """Force generation over time (:mod:`forcecalc.core.timeline`); its figures are in
    :attr:`Scenario.figures` under ``timeline.``. ``top_up``: when a contributor leaves, the
    others present fill up to their ceilings."""

    contributors: tuple[TimelineContributor, ...] = ()
    top_up: bool = False


@dataclass(frozen=True)
class Expectation:
    """A claim a source makes about a result, checked by ``forcecalc check``.

    ``metric`` is a result name (``deployed``, ``committed``, ``deployed_per_km``,
    ``tasks.<name>``, ``categories.<name>``, ``pledged``, ``p_pledges_suffice`` ...);
    ``statistic`` is one of ``mean``, ``p5``, ``p50``, ``p95``. The claim is met when the
    statistic is within ``tolerance`` (relative) of ``approx``, and/or at most ``at_most`` and at
    least ``at_least``.
    """

    metric: str
    statistic: str
    source: Source
    approx: float | None = None
    tolerance: float | None = None
    at_most: float | None = None
    at_least: float | None = None
    note: str = ""
    location: Location | None = field(default=None, compare=False)

    def describe(self) -> str:
        parts = []
        if self.approx is not None:
            parts.append(f"≈ {self.approx:,.6g} ± {self.tolerance:.0%}")
        if self.at_least is not None:
            parts.append(f"≥ {self.at_least:,.6g}")
        if self.at_most is not None:
            parts.append(f"≤ {self.at_most:,.6g}")
        return f"{self.metric} {self.statistic} " + " and ".join(parts)


@dataclass(frozen=True)
class Scenario:
    """A whole scenario: structure plus every figure by path.

    ``tasks`` are in an order where each ``share_of`` task follows the tasks it is a share of.
    ``method`` says what sizes the force: ``tasks`` (the troop-to-task table), ``analog`` (one
    sizing rule, ``rules[0]``) or ``ensemble`` (the mixture of ``rules``); the rules' figures
    are in :attr:`figures` as ``rules.<rule id>.<name>`` (see :mod:`forcecalc.calibration.rules`).
    """

    name: str
    description: str
    tasks: tuple[Task, ...]
    figures: Mapping[str, Figure]
    geometry: Geometry = Geometry()
    sustainment: str = "rotation_multiplier"
    #: ``(category, form)`` of each category with its own rotation rule (``by_category``).
    category_sustainment: tuple[tuple[str, str], ...] = ()
    force_generation: ForceGeneration | None = None
    expect: tuple[Expectation, ...] = ()
    method: str = "tasks"
    rules: tuple[str, ...] = ()
    #: ``ensemble.posture``: the posture whose missions' rules the ensemble drew on, if given.
    ensemble_posture: str | None = None
    #: ``correlations``: rank correlations between uncertain figures, imposed on the sampling
    #: design by Iman–Conover (:mod:`forcecalc.core.correlation`).
    correlations: tuple[Correlation, ...] = ()
    #: Each sector's own ensemble when the sectors' postures differ and the ensemble names
    #: neither rules nor a posture (empty: one ensemble for the whole line).
    sector_ensembles: tuple[SectorEnsemble, ...] = ()
    #: ``timeline``: build-up, requirement profile and contributors' windows, if given.
    timeline: Timeline | None = None
    source_file: str | None = field(default=None, compare=False)
    source_sha256: str | None = field(default=None, compare=False)

    def task(self, name: str) -> Task:
        for task in self.tasks:
            if task.name == name:
                return task
        raise KeyError(name)

    @property
    def uncertain(self) -> tuple[Figure, ...]:
        """The figures that carry uncertainty, in document order."""
        return tuple(f for f in self.figures.values() if f.is_uncertain)

    def with_distributions(self, changes: Mapping[str, Distribution]) -> Scenario:
        """A copy with some figures' distributions replaced (sources are kept).

        Raises
        ------
        KeyError
            If a path is not a figure of this scenario.
        """
        figures = dict(self.figures)
        for path, dist in changes.items():
            figures[path] = replace(figures[path], dist=dist)
        return replace(self, figures=figures)
