"""A Latin hypercube in numpy alone, point for point the one ``scipy.stats.qmc`` draws.

``scipy.stats.qmc`` imports the whole of ``scipy.stats`` (~0.3 s, half of a default
``forcecalc run``'s start-up) for a Latin hypercube that is a dozen lines of numpy. This is
those lines, in the same order on the same random stream, so a design drawn here is bit for bit
``scipy.stats.qmc.LatinHypercube(d, rng=rng).random(n)`` (as of scipy 1.17; with
``scramble=True``, ``strength=1`` and no optimization, scipy's defaults), and leaves ``rng``
as scipy leaves it. ``tests/test_lhs.py`` holds it to scipy's, whichever scipy is installed.

References
----------
.. [1] McKay, Beckman & Conover (1979), "A comparison of three methods for selecting values of
   input variables in the analysis of output from a computer code", Technometrics 21(2),
   239-245.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def latin_hypercube(d: int, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """``n`` points of a ``d``-dimensional Latin hypercube in ``[0, 1)^d``, shape ``(n, d)``.

    Parameters
    ----------
    d : int
        Dimensions (uncertain figures), at least 0.
    n : int
        Points (samples), at least 1.
    rng : numpy.random.Generator
        The stream to draw from; as ``scipy.stats.qmc`` does, the points come from a child
        spawned from it (:meth:`numpy.random.Generator.spawn`), so ``rng``'s own stream is not
        consumed.

    Notes
    -----
    Each column is a random permutation of the strata ``1 .. n``, and each point sits at a
    uniform place inside its stratum: ``x[i, j] = (perm_j[i] - u[i, j]) / n`` [1]_. The
    uniforms are drawn first (``(n, d)`` in one call), then the ``d`` permutations in column
    order, each by shuffling ``1 .. n`` in place: scipy's order, on which the bits depend.
    """
    child = rng.spawn(1)[0]
    u = child.uniform(size=(n, d))
    strata = np.tile(np.arange(1, n + 1), (d, 1))
    for row in strata:
        child.shuffle(row)
    return (strata.T - u) / n
