"""Tasks sized from other tasks: shares and ratios of tasks, shares of the force or a category.

Three bases size a task from others' personnel (:data:`forcecalc.core.scenario.SHARE_BASES`):

- ``share_of``: ``T = share × Σ of``, a fraction in [0, 1) of the tasks it names;
- ``ratio_of``: ``T = ratio × Σ of``, a multiple in [0, ∞) of them (a support-to-combat ratio
  of 2.6:1 is ``ratio: 2.6``);
- ``share_of_force``: ``T = share × D``, a fraction of the whole force ``D`` it belongs to, or
  with ``share_of_category: c``, of the total ``C_c`` of category ``c``.

Everything here works the same on scalars and on arrays over samples.

Notes
-----
**Shares of a whole.** A share of the whole force is part of the whole it is a share of, so
the whole is solved for, not summed. With tasks ``T_i = s_i D`` and the other tasks summing to
``R``, ``D = R + Σ s_i D``, so

    D = R / (1 − Σ s_i),   T_i = s_i D,

which needs ``Σ s_i < 1``. A share of a category is the same within the category:
``C = R_c / (1 − Σ s_i)`` with ``R_c`` the category's other tasks (a task that is a share of a
category it does not belong to adds nothing to ``R_c`` and nothing to ``Σ s_i``).

**The linear system.** In general every task is affine in the unknown wholes ``u`` (the force,
and each category some task is a share of): a task sized from its own basis is a constant; a
share of a whole is ``s`` times that whole; a ``share_of`` or ``ratio_of`` task is ``s`` times
the sum of its bases (so a share of a share of the force is ``s s' D``). Summing the tasks of
each whole gives ``u = α + M u``, solved as ``(I − M) u = α`` sample by sample. ``M`` holds
only shares and ratios (``M[w, v]``: the personnel of whole ``w`` per person of whole ``v``);
its entries are 0 or more, so the solution is finite and positive exactly when the spectral
radius ``ρ(M) < 1`` (Perron–Frobenius: then ``(I − M)⁻¹ = Σ Mⁿ ≥ 0``). With one whole,
``ρ(M)`` is the sum of its shares, as above: the "combined share" messages name. What is
allowed: ``share_of``/``ratio_of`` may name any other tasks, shares of a whole included, without
cycles; a share of a category needs another task in that category; the combined share stays
below 1. Where it reaches 1 the force is unbounded, and the sample's results are NaN
(:func:`check_shares` reports it first).

**The technology offset applies once.** The offset ``o`` reduces each reducible task computed
from its own basis: ``T = (1 − o) × raw``. A share or ratio is a share of its bases as deployed,
so a share of a reducible task is already reduced once, through its base, and is never reduced
again. Marking the share itself reducible reduces the part of it that is not yet reduced: with
``Σ of = X`` of which ``U`` unreduced, ``T = s × ((X − U) + (1 − o) U)``. So every person is
multiplied by ``1 − o`` at most once: today's ``(1 − o)²`` for a reducible share of a reducible
task was a double count. The unreduced parts are carried through the linear system alongside
the personnel (``V``, the unreduced part of each whole), and do not change ``ρ(M)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core.errors import ScenarioError, Where
from forcecalc.core.scenario import SHARE_BASES, Basis, Scenario, Task

FloatArray = NDArray[np.float64]

#: A whole a ``share_of_force`` task is a share of: ``None`` for the force, or a category.
Whole = str | None


def ratio_of(ratio: ArrayLike, base_personnel: ArrayLike) -> FloatArray:
    """Personnel that are a multiple of other tasks' (a support-to-combat ratio). [personnel]

    Parameters
    ----------
    ratio : array_like
        Personnel per person of the base, in [0, ∞). [ratio]
    base_personnel : array_like
        Personnel of the tasks the ratio applies to. [personnel]
    """
    return np.multiply(ratio, base_personnel, dtype=float)


def share_of_whole(share: ArrayLike, rest_personnel: ArrayLike) -> FloatArray:
    """The whole of which tasks with shares summing to ``share`` are part. [personnel]

    Parameters
    ----------
    share : array_like
        Sum of the shares of the whole, in [0, 1). [fraction]
    rest_personnel : array_like
        Personnel of the whole's other tasks. [personnel]

    Notes
    -----
    ``whole = rest_personnel / (1 − share)``; each share ``s_i`` is then ``s_i × whole``.
    UNIFIL in June 1982 (UN S/15194): infantry 5,610, logistics 16.5% and headquarters 2.8% of
    the whole give 5,610 / (1 − 0.193) = 6,952 (the report: 6,945, its shares rounded).
    """
    return np.divide(rest_personnel, np.subtract(1.0, share, dtype=float), dtype=float)


def figure_name(task: Task) -> str:
    """The figure that sizes a task of a share basis: ``ratio`` or ``share``."""
    return "ratio" if task.basis is Basis.RATIO_OF else "share"


def wholes(tasks: Sequence[Task]) -> tuple[Whole, ...]:
    """The wholes the ``share_of_force`` tasks are shares of, in order of first mention."""
    out: list[Whole] = []
    for task in tasks:
        if task.basis is Basis.SHARE_OF_FORCE and task.of_category not in out:
            out.append(task.of_category)
    return tuple(out)


def describe_whole(whole: Whole) -> str:
    return "the whole force" if whole is None else f"category '{whole}'"


def involved(tasks: Sequence[Task]) -> tuple[Task, ...]:
    """The tasks whose figures enter ``M``: shares of a whole, and shares or ratios of them."""
    names: set[str] = set()
    for task in tasks:
        if task.basis is Basis.SHARE_OF_FORCE or any(n in names for n in task.of):
            names.add(task.name)
    return tuple(t for t in tasks if t.name in names)


@dataclass(frozen=True)
class Affine:
    """Personnel ``const + Σ coefs[j] u[j]`` over the unknown wholes ``u``. [personnel]"""

    const: ArrayLike
    coefs: tuple[ArrayLike, ...]

    def plus(self, other: Affine) -> Affine:
        pairs = zip(self.coefs, other.coefs, strict=True)
        return Affine(self.const + other.const, tuple(a + b for a, b in pairs))

    def times(self, factor: ArrayLike) -> Affine:
        def scale(x: ArrayLike) -> FloatArray:
            return np.multiply(factor, x, dtype=float)

        return Affine(scale(self.const), tuple(scale(c) for c in self.coefs))


def _total(items: Sequence[Affine], k: int) -> Affine:
    """The sum of ``items``, as ``sum`` adds them (from 0, in order)."""
    const = running_sum(a.const for a in items)
    return Affine(const, tuple(running_sum(a.coefs[j] for a in items) for j in range(k)))


def accumulate(total: ArrayLike, part: ArrayLike) -> FloatArray:
    """``total + part``, in place when ``total`` is an array of the sum's shape: pass only a
    running sum made by this (``0 + first`` is a new array), so no input is written to."""
    own = isinstance(total, np.ndarray) and np.result_type(total, part) == total.dtype
    if own and np.broadcast_shapes(total.shape, np.shape(part)) == total.shape:
        total += part
        return total
    return total + part


def running_sum(parts: Iterable[ArrayLike]) -> FloatArray:
    """``sum(parts)`` (``0 + first + ...``, left to right) bit for bit, without a new array
    for each part."""
    total: ArrayLike = 0
    for part in parts:
        total = accumulate(total, part)
    return total


def _unit(k: int, j: int) -> Affine:
    return Affine(0.0, tuple(1.0 if i == j else 0.0 for i in range(k)))


def _bases(
    task: Task, done: Mapping[str, tuple[Affine, Affine]], index: Mapping[Whole, int], k: int
) -> tuple[Affine, Affine]:
    """Personnel a share task is sized from, and its unreduced part."""
    if task.basis is Basis.SHARE_OF_FORCE:
        j = index[task.of_category]
        return _unit(k, 2 * j), _unit(k, 2 * j + 1)
    return (
        _total([done[n][0] for n in task.of], k),
        _total([done[n][1] for n in task.of], k),
    )


def propagate(
    tasks: Sequence[Task],
    values: Mapping[str, ArrayLike],
    direct: Mapping[str, ArrayLike],
    offset: ArrayLike,
) -> dict[str, tuple[Affine, Affine]]:
    """Each task's personnel and its part not reduced by the offset, affine in the wholes.

    ``direct`` holds the personnel of the tasks sized from their own basis, already reduced
    where reducible; ``tasks`` are in an order where each ``share_of``/``ratio_of`` task
    follows the tasks it names. [personnel]
    """
    index = {w: i for i, w in enumerate(wholes(tasks))}
    k = 2 * len(index)
    zero = Affine(0.0, (0.0,) * k)
    keep = np.ones_like(np.asarray(offset, dtype=float))
    done: dict[str, tuple[Affine, Affine]] = {}
    for task in tasks:
        if task.basis not in SHARE_BASES:
            x = Affine(direct[task.name], zero.coefs)
            done[task.name] = (x, zero if task.reducible else x)
            continue
        base, unreduced = _bases(task, done, index, k)
        s = values[task.figure_path(figure_name(task))]
        if task.reducible:  # reduce only the part its bases have not reduced
            rest = base.plus(unreduced.times(-1.0)).plus(unreduced.times(1.0 - np.asarray(offset)))
            done[task.name] = (rest.times(s), zero)
        else:
            done[task.name] = (base.times(s).times(keep), unreduced.times(s))
    return done


def system(
    tasks: Sequence[Task], done: Mapping[str, tuple[Affine, Affine]]
) -> tuple[FloatArray, FloatArray]:
    """``(M, α)`` of ``u = α + M u``: rows and columns ``2w`` the whole ``w``, ``2w + 1`` its
    unreduced part. Shapes ``(..., k, k)`` and ``(..., k)``."""
    whole_list = wholes(tasks)
    k = 2 * len(whole_list)
    rows_m, rows_a = [], []
    for w in whole_list:
        members = [t.name for t in tasks if w is None or t.category == w]
        for part in (0, 1):
            terms = [done[n][part] for n in members]
            total = _total(terms, k)
            rows_a.append(total.const)
            rows_m.append(total.coefs)
    flat = [x for row in rows_m for x in row] + rows_a
    shape = np.broadcast_shapes(*(np.shape(x) for x in flat))
    m = np.stack([np.broadcast_to(np.asarray(x, dtype=float), shape) for x in flat[: k * k]], -1)
    a = np.stack([np.broadcast_to(np.asarray(x, dtype=float), shape) for x in rows_a], -1)
    return m.reshape((*shape, k, k)), a


def combined_share(m: FloatArray) -> FloatArray:
    """``ρ`` of the wholes' block of ``M``: the sum of the shares, for one whole. [fraction]"""
    wholes_block = m[..., 0::2, 0::2]
    if wholes_block.shape[-1] == 1:
        return wholes_block[..., 0, 0]
    return np.abs(np.linalg.eigvals(wholes_block)).max(axis=-1)


def resolve(
    tasks: Sequence[Task],
    values: Mapping[str, ArrayLike],
    direct: Mapping[str, ArrayLike],
    offset: ArrayLike,
) -> dict[str, FloatArray]:
    """Deployed personnel of every task, in ``tasks``' order. [personnel]

    NaN in the samples whose combined share reaches 1 (:func:`check_shares`).
    """
    done = propagate(tasks, values, direct, offset)
    if not wholes(tasks):
        return {t.name: done[t.name][0].const for t in tasks}
    m, a = system(tasks, done)
    k = m.shape[-1]
    bad = ~(combined_share(m) < 1.0)
    lhs = np.where(bad[..., None, None], np.eye(k), np.eye(k) - m)
    u = np.linalg.solve(lhs, a[..., None])[..., 0]
    u = np.where(bad[..., None], np.nan, u)
    out = {}
    for task in tasks:
        x = done[task.name][0]
        out[task.name] = x.const + sum(c * u[..., j] for j, c in enumerate(x.coefs))
    return out


def share_values(tasks: Sequence[Task], values: Mapping[str, ArrayLike]) -> FloatArray:
    """The combined share of the scenario's wholes for ``values`` (figures of the involved
    tasks only; the others are taken as 0). [fraction]"""
    sized = {t.name for t in involved(tasks)}
    direct = dict.fromkeys((t.name for t in tasks if t.basis not in SHARE_BASES), 0.0)
    points = {
        t.figure_path(figure_name(t)): values[t.figure_path(figure_name(t))]
        if t.name in sized
        else 0.0
        for t in tasks
        if t.basis in SHARE_BASES
    }
    done = propagate(tasks, points, direct, 0.0)
    return combined_share(system(tasks, done)[0])


def problem(tasks: Sequence[Task], values: Mapping[str, ArrayLike]) -> tuple[str, str] | None:
    """``(got, expected)`` of the one-line error if the combined share reaches 1 in any sample
    of ``values``; ``None`` if it stays below 1 (or there is no share of a whole)."""
    if not wholes(tasks):
        return None
    rho = np.atleast_1d(share_values(tasks, values))
    reach = int(np.count_nonzero(~(rho < 1.0)))
    if not reach:
        return None
    ws = wholes(tasks)
    what = "shares of " + ", ".join(map(describe_whole, ws))
    verb = "summing" if len(ws) == 1 else "compounding (ρ of their linear system)"
    paths = ", ".join(t.figure_path(figure_name(t)) for t in involved(tasks))
    if rho.size == 1:
        got = f"{what} {verb} to {rho[0]:.6g} ({paths})"
    else:
        many = f"{reach:,} of {rho.size:,} samples"
        got = f"{what} {verb} to 1 or more in {many} (up to {rho.max():.6g}; {paths})"
    expected = "a combined share below 1 (the whole is the rest ÷ (1 − the shares))"
    return got, expected


def check_shares(scenario: Scenario, values: Mapping[str, ArrayLike]) -> None:
    """Refuse samples whose shares of a whole reach 1: the force would be unbounded.

    Raises
    ------
    ScenarioError
        At the first share of a whole, naming the figures and how many samples reach 1.
    """
    found = problem(scenario.tasks, values)
    if found is None:
        return
    first = involved(scenario.tasks)[0]
    figure = scenario.figures[first.figure_path(figure_name(first))]
    loc = figure.location
    where = Where(
        loc.file if loc is not None else str(scenario.source_file or "<scenario>"),
        loc.line if loc is not None else 0,
        loc.column if loc is not None else 0,
        figure.path,
    )
    raise ScenarioError(where, *found, "narrow the shares' ranges")
