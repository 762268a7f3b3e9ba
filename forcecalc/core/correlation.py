"""Correlated figures: rank correlations imposed on a sampling design by Iman–Conover.

A scenario's ``correlations:`` section states Spearman rank correlations between pairs of
uncertain figures (:class:`Correlation`). :func:`impose` reorders the columns of a unit design
so that their rank correlations approach the target while each column keeps exactly the values
it had: every figure keeps its marginal distribution, and a Latin hypercube stays one.

The scores are the van der Waerden scores of the design's own ranks, so no random number is
drawn beyond the design's: the result is a function of the seed alone. Columns of figures that
no correlation names, and the columns of points, are left untouched.

References
----------
.. [1] Iman & Conover (1982), "A distribution-free approach to inducing rank correlation among
   input variables", Communications in Statistics - Simulation and Computation 11(3), 311-334.
.. [2] van der Waerden (1952), "Order tests for the two-sample problem and their power",
   Indagationes Mathematicae 14, 453-458.
.. [3] Pearson (1907), "On further methods of determining correlation", Drapers' Company
   Research Memoirs, Biometric Series IV: for normal variables, Spearman's
   rho_s = (6 / pi) arcsin(rho / 2), so rho = 2 sin(pi rho_s / 6).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forcecalc.core.errors import ParameterError
from forcecalc.core.sources import Source

FloatArray = NDArray[np.float64]

#: A matrix whose smallest eigenvalue is above ``-PSD_TOLERANCE`` is positive semi-definite.
PSD_TOLERANCE = 1e-9
#: Most figures whose subsets :func:`matrix_problem` searches for the smallest one that cannot
#: hold together; beyond it, the figures of the offending eigenvector are named.
MAX_SUBSET_SEARCH = 12


@dataclass(frozen=True)
class Correlation:
    """A rank (Spearman) correlation between two uncertain figures, with its source.

    Parameters
    ----------
    between : tuple of str
        The two figures' key paths, e.g. ``("geometry.front_length_km", "tasks.infantry.rate")``.
    rank_correlation : float
        Spearman's rho between them, in [-1, 1]. [ratio]
    source : Source
        Register figure, citation, or assumption with its reason.
    note : str
        Free remark kept with the correlation.
    """

    between: tuple[str, str]
    rank_correlation: float
    source: Source
    note: str = ""


@dataclass(frozen=True)
class MatrixProblem:
    """Why a set of correlations cannot hold together: the figures involved and the smallest
    eigenvalue of their matrix."""

    figures: tuple[str, ...]
    eigenvalue: float


def target_matrix(paths: Sequence[str], correlations: Sequence[Correlation]) -> FloatArray:
    """The ``(k, k)`` rank-correlation matrix of ``paths``: 1 on the diagonal, the stated
    correlations off it, 0 for pairs not stated. [ratio]"""
    index = {p: i for i, p in enumerate(paths)}
    c = np.eye(len(paths))
    for corr in correlations:
        i, j = index[corr.between[0]], index[corr.between[1]]
        c[i, j] = c[j, i] = corr.rank_correlation
    return c


def _smallest_eigen(c: FloatArray) -> tuple[float, FloatArray]:
    values, vectors = np.linalg.eigh(c)
    return float(values[0]), vectors[:, 0]


def normal_matrix(target: FloatArray) -> FloatArray:
    """The correlation of normal scores that gives the rank correlations ``target``:
    ``2 sin(pi rho / 6)`` [3]_, 1 on the diagonal. [ratio]"""
    return 2.0 * np.sin(np.pi * np.asarray(target, dtype=float) / 6.0)


def matrix_problem(
    paths: Sequence[str], correlations: Sequence[Correlation]
) -> MatrixProblem | None:
    """``None`` if the correlations among ``paths`` form a positive semi-definite matrix, else
    the smallest set of figures whose correlations cannot hold together.

    Notes
    -----
    Any two figures can take any correlation in [-1, 1]; it takes three or more to contradict
    one another (A with B and B with C both 0.9 leave A with C no room to be -0.9). The subsets
    of up to :data:`MAX_SUBSET_SEARCH` figures are searched, smallest first; beyond that, the
    figures of the largest components of the eigenvector of the smallest eigenvalue are named.
    """
    return _problem(paths, target_matrix(paths, correlations))


def normal_problem(
    paths: Sequence[str], correlations: Sequence[Correlation]
) -> MatrixProblem | None:
    """As :func:`matrix_problem`, for the matrix Iman–Conover imposes on the normal scores,
    :func:`normal_matrix` of the target.

    Notes
    -----
    A valid rank-correlation matrix can still give an invalid normal-score matrix: three
    figures at -0.49 each have a target of smallest eigenvalue 0.02, but ``2 sin(pi rho / 6)``
    is -0.508 and its smallest eigenvalue -0.015 (three figures at the same correlation can
    go no lower than ``-(6 / pi) arcsin(1 / 4)``, about -0.483). Iman–Conover would silently
    reach another correlation (about -0.485 there); the reader refuses it instead.
    """
    return _problem(paths, normal_matrix(target_matrix(paths, correlations)))


def _problem(paths: Sequence[str], c: FloatArray) -> MatrixProblem | None:
    """The smallest set of ``paths`` whose block of ``c`` is not positive semi-definite."""
    smallest, vector = _smallest_eigen(c)
    if smallest >= -PSD_TOLERANCE:
        return None
    k = len(paths)
    if k <= MAX_SUBSET_SEARCH:
        for size in range(3, k + 1):
            for subset in itertools.combinations(range(k), size):
                sub, _ = _smallest_eigen(c[np.ix_(subset, subset)])
                if sub < -PSD_TOLERANCE:
                    return MatrixProblem(tuple(paths[i] for i in subset), sub)
    weight = np.abs(vector)
    named = [i for i in np.argsort(-weight, kind="stable") if weight[i] >= weight.max() / 2]
    return MatrixProblem(tuple(paths[i] for i in sorted(named)), smallest)


def van_der_waerden(x: FloatArray) -> FloatArray:
    """The van der Waerden scores of each column's ranks: ``Phi^-1(rank / (n + 1))`` with
    ranks 1 to n [2]_ (ties broken by position). [ratio]"""
    n = x.shape[0]
    ranks = np.argsort(np.argsort(x, axis=0, kind="stable"), axis=0, kind="stable")
    from scipy.special import ndtri  # lazy: ~2× numpy's import time; only correlated runs

    return ndtri((ranks + 1.0) / (n + 1.0))


def _factor(c: FloatArray) -> FloatArray:
    """A lower factor ``L`` with ``L @ L.T == c``: Cholesky, or for a singular matrix (a
    correlation of ±1) the symmetric square root with eigenvalues below 0 set to 0."""
    try:
        return np.linalg.cholesky(c)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(c)
        return vectors * np.sqrt(np.clip(values, 0.0, None))


def iman_conover(x: FloatArray, target: FloatArray) -> FloatArray:
    """The columns of ``x`` reordered so that their rank correlations approach ``target`` [1]_.

    Parameters
    ----------
    x : ndarray, shape (n, k)
        Samples of ``k`` independent variables.
    target : ndarray, shape (k, k)
        Positive semi-definite matrix of Spearman rank correlations. [ratio]

    Returns
    -------
    ndarray, shape (n, k)
        Each column a permutation of the same column of ``x`` (its sorted values are
        unchanged, exactly).

    Notes
    -----
    With ``S`` the van der Waerden scores of ``x``'s ranks, ``E = Q Q^T`` their sample
    correlation and ``C = P P^T`` the target turned into the correlation of normal scores
    (``2 sin(pi rho / 6)``, [3]_), the scores ``T = S Q^-T P^T`` have sample correlation
    ``C``; each column of ``x`` is then put in the rank order of the same column of ``T``.
    """
    n, k = x.shape
    if n < 2 or k < 2:
        return x
    scores = van_der_waerden(x)
    p = _factor(normal_matrix(target))
    e = np.corrcoef(scores, rowvar=False)
    from scipy.linalg import solve_triangular  # lazy: scipy.linalg costs ~0.1 s at start-up

    try:
        q = np.linalg.cholesky(e)
        whitened = solve_triangular(q, scores.T, lower=True).T
    except np.linalg.LinAlgError:  # too few samples for the scores to be independent
        whitened = scores
    t = whitened @ p.T
    order = np.argsort(np.argsort(t, axis=0, kind="stable"), axis=0, kind="stable")
    return np.take_along_axis(np.sort(x, axis=0), order, axis=0)


def active(
    correlations: Sequence[Correlation], uncertain: Sequence[str]
) -> tuple[Correlation, ...]:
    """The correlations whose two figures are both ``uncertain`` (a figure set to a point by
    ``--set`` or an edit no longer varies, so its correlations no longer apply)."""
    present = set(uncertain)
    return tuple(c for c in correlations if set(c.between) <= present)


def impose(
    u: FloatArray,
    paths: Sequence[str],
    uncertain: Sequence[bool],
    correlations: Sequence[Correlation],
) -> FloatArray:
    """The unit design ``u`` (one column per figure of ``paths``) with ``correlations``
    imposed on the columns they name by :func:`iman_conover`.

    Returns ``u`` itself, unchanged, when no correlation joins two uncertain figures; otherwise
    a copy whose correlated columns are reordered and whose other columns are ``u``'s.

    Raises
    ------
    ParameterError
        ``correlations``, if the active correlations do not form a positive semi-definite
        matrix (the loader refuses such a file first, naming the figures).
    """
    varying = [p for p, is_uncertain in zip(paths, uncertain, strict=True) if is_uncertain]
    chosen = active(correlations, varying)
    if not chosen:
        return u
    named = [p for p in paths if any(p in c.between for c in chosen)]
    problem = matrix_problem(named, chosen)
    if problem is not None:
        raise ParameterError(
            "correlations",
            "rank correlations among " + ", ".join(problem.figures) + " that cannot all hold",
            "a positive semi-definite matrix of correlations",
        )
    columns = [list(paths).index(p) for p in named]
    out = u.copy()
    out[:, columns] = iman_conover(u[:, columns], target_matrix(named, chosen))
    return out
