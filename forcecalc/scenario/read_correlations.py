"""Reading the ``correlations:`` section: rank correlations between two uncertain figures
each, with a source or an assumption, that together form a valid correlation matrix.

Read after every figure of the scenario, so that ``between`` may name any of them. The matrix
is checked here, where a message can name the file and line; sampling imposes it
(:mod:`forcecalc.core.correlation`).
"""

from __future__ import annotations

from collections.abc import Mapping

from yaml.nodes import Node

from forcecalc.core.correlation import Correlation, matrix_problem, normal_problem
from forcecalc.core.sampling import TIMELINE_PREFIX
from forcecalc.core.scenario import Figure
from forcecalc.scenario.format_correlations import CORRELATION, RANK_CORRELATION_DOMAIN
from forcecalc.scenario.read_figures import FigureReader
from forcecalc.scenario.strict_yaml import Reader, did_you_mean


def read_correlations(figs: FigureReader, node: Node) -> tuple[Correlation, ...]:
    """The correlations of ``correlations:``, checked against the figures read so far.

    Refused: a path that is not a figure (with the closest path), a point (it does not vary,
    so it cannot correlate), the same figure twice in a pair, the same pair twice, a value
    outside [-1, 1], and correlations that cannot all hold together (a matrix that is not
    positive semi-definite), naming the fewest figures that contradict one another.
    """
    r = figs.r
    items = r.nonempty(node, "correlations", "a list of correlations", "one correlation")
    out: list[Correlation] = []
    first: dict[frozenset[str], int] = {}
    for i, item in enumerate(items):
        path = f"correlations[{i}]"
        keys = r.section(item, path, CORRELATION)
        between = _between(r, keys["between"][1], path + ".between", figs.figures)
        rho_node = keys["rank_correlation"][1]
        rho = r.number(rho_node, path + ".rank_correlation")
        if not RANK_CORRELATION_DOMAIN.contains(rho):
            r.fail(
                rho_node, path + ".rank_correlation", f"{rho:g}", "a rank correlation in [-1, 1]"
            )
        pair = frozenset(between)
        if pair in first:
            r.fail(
                keys["between"][1],
                path + ".between",
                f"the pair {between[0]} and {between[1]} again "
                f"(first given in correlations[{first[pair]}])",
                "each pair of figures once",
            )
        first[pair] = i
        if "source" not in keys and "assumption" not in keys:
            r.fail(
                item,
                path,
                "a correlation with neither source nor assumption",
                "source: <register id or citation> or assumption: <why>",
            )
        note = r.string(keys["note"][1], path + ".note") if "note" in keys else ""
        source = figs.provenance(item, path, keys)
        out.append(Correlation(between, rho, source, note))
    _check_matrix(r, node, out, figs.figures)
    return tuple(out)


def _between(r: Reader, node: Node, path: str, figures: Mapping[str, Figure]) -> tuple[str, str]:
    """The two figure paths of a pair: figures of the scenario, uncertain, different."""
    items = r.sequence(node, path, "a list of two figure paths")
    if len(items) != 2:
        r.fail(node, path, f"a list of {len(items)}", "a list of two figure paths, [a, b]")
    paths = []
    for j, item in enumerate(items):
        sub = f"{path}[{j}]"
        p = r.string(item, sub, "a figure's key path, e.g. geometry.front_length_km")
        if p not in figures:
            r.fail(item, sub, repr(p), "a figure of this scenario", did_you_mean(p, figures))
        if p.startswith(TIMELINE_PREFIX):
            r.fail(
                item,
                sub,
                f"{p}, a timeline figure",
                "a figure outside timeline: (the timeline's figures are sampled from a design "
                "of their own, which correlations do not reorder)",
            )
        if not figures[p].is_uncertain:
            r.fail(
                item,
                sub,
                f"the point {p} (a value that does not vary cannot correlate)",
                "an uncertain figure: a range or a distribution",
            )
        paths.append(p)
    if paths[0] == paths[1]:
        r.fail(node, path, f"{paths[0]} twice", "two different figures")
    return paths[0], paths[1]


def _check_matrix(
    r: Reader, node: Node, correlations: list[Correlation], figures: Mapping[str, Figure]
) -> None:
    """Refuse correlations that cannot all hold, naming the fewest figures involved."""
    named = [p for p in figures if any(p in c.between for c in correlations)]
    problem = matrix_problem(named, correlations)
    if problem is None:
        _check_normal(r, node, named, correlations)
        return
    among = problem.figures
    r.fail(
        node,
        "correlations",
        f"rank correlations among {', '.join(among[:-1])} and {among[-1]} that cannot all hold "
        f"(the smallest eigenvalue of their matrix is {problem.eigenvalue:.3g})",
        "correlations that form a positive semi-definite matrix",
        "weaken one of the correlations between these figures: e.g. a with b and b with c both "
        "0.9 leave a with c no room to be negative",
    )


def _check_normal(r: Reader, node: Node, named: list[str], correlations: list[Correlation]) -> None:
    """Refuse rank correlations whose normal-score matrix, ``2 sin(pi rho / 6)``, which
    Iman–Conover imposes, is not positive semi-definite, naming the fewest figures involved."""
    problem = normal_problem(named, correlations)
    if problem is None:
        return
    among = problem.figures
    r.fail(
        node,
        "correlations",
        f"rank correlations among {', '.join(among[:-1])} and {among[-1]} that Iman–Conover "
        "cannot reach (their normal-score matrix 2 sin(pi rho / 6) has smallest eigenvalue "
        f"{problem.eigenvalue:.3g})",
        "correlations whose normal-score matrix is positive semi-definite",
        "weaken the negative correlations between these figures: three figures at one "
        "correlation can go no lower than -0.48",
    )
