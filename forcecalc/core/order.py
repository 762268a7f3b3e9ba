"""Ordering user-sized dependency graphs without recursion.

A scenario may list thousands of tasks, each a share of the ones before it; a recursive walk
of such a chain would exceed Python's recursion limit (about 1,000 frames). The walk here keeps
its own stack, so its depth is bounded by memory alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence


def dependency_order(
    names: Iterable[str], depends_on: Callable[[str], Sequence[str]]
) -> tuple[list[str], tuple[str, ...]]:
    """Every name after the names it depends on, and the first cycle met (or ``()``).

    The walk is depth-first from each name in the order given, its dependencies in the order
    given, as a recursive walk would go; a cycle is reported as the names around it, the first
    repeated at the end (``("a", "b", "a")``), and the order is then partial.

    Parameters
    ----------
    names : iterable of str
        The names, in the order they were written.
    depends_on : callable
        The names one name depends on; each must be among ``names``.
    """
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in names:
        if state.get(root):
            continue
        path = [root]
        stack: list[Iterator[str]] = [iter(depends_on(root))]
        state[root] = 1
        while stack:
            other = next(stack[-1], None)
            if other is None:  # every dependency of path[-1] is placed
                stack.pop()
                done = path.pop()
                state[done] = 2
                order.append(done)
            elif state.get(other) == 1:
                return order, (*path[path.index(other) :], other)
            elif not state.get(other):
                state[other] = 1
                path.append(other)
                stack.append(iter(depends_on(other)))
    return order, ()
