"""Overrides that keep a range: ``--set KEY=LOW:HIGH`` and ``--set KEY=LOW:MODE:HIGH``.

An override is a point (a float) or a range (a tuple). A range is read as the same keys
written in a scenario file read: ``(low, high)`` is ``{low, high}``, a 90% interval,
lognormal when low > 0 and normal otherwise (:class:`~forcecalc.core.distributions.Interval90`),
and ``(low, mode, high)`` is ``{low, mode, high}``, a PERT. The figure's own family is not
kept: the range replaces the figure as a new ``{low, high}`` in the file would. Each bound
follows the rules of a point (:func:`forcecalc.core.limits.point_problem`), and
low < high, low ≤ mode ≤ high.
"""

from __future__ import annotations

from collections.abc import Callable

from forcecalc.core.distributions import Distribution, Interval90, Pert, Point

#: A value of ``overrides``: a point, or a range (low, high) or (low, mode, high).
Override = float | tuple[float, ...]


def is_range(value: Override) -> bool:
    """Whether an override is a range rather than a point."""
    return isinstance(value, tuple)


def plus_zero(value: Override) -> Override:
    """The override with each -0 read as 0 (so that no output shows a negative zero)."""
    return tuple(x + 0.0 for x in value) if is_range(value) else value + 0.0


def show_override(value: Override) -> str:
    """An override as ``--set`` writes it: ``3650`` or ``10:30`` or ``10:15:30``."""
    if is_range(value):
        return ":".join(f"{x:g}" for x in value)
    return f"{value:g}"


def range_problem(bounds: tuple[float, ...]) -> str:
    """What a range must be, if ``bounds`` is not one, else ``""``."""
    if len(bounds) not in (2, 3):
        return "LOW:HIGH (a 90% interval) or LOW:MODE:HIGH (a PERT)"
    low, high = bounds[0], bounds[-1]
    if not low < high:
        return "high above low"
    if len(bounds) == 3 and not low <= bounds[1] <= high:
        return f"a mode in [{low:g}, {high:g}]"
    return ""


def override_distribution(value: Override, check: Callable[[float], None]) -> Distribution:
    """The distribution an override sets, each number passed to ``check`` first (which raises
    for a value the figure could not hold)."""
    if not is_range(value):
        check(value)
        return Point(value + 0.0)
    for bound in value:
        check(bound)
    if len(value) == 2:
        return Interval90(value[0] + 0.0, value[1] + 0.0)
    return Pert(*(x + 0.0 for x in value))
