"""The backstop of every analysis: results finite and within the physical limits.

``forcecalc run`` checks its results in :func:`forcecalc.core.runner.check_finite`; the
analyses (every sensitivity method, ``sweep``, ``goal``) check theirs here, with the same rules
(:mod:`forcecalc.core.backstop`) and a one-line :class:`~forcecalc.core.errors.ScenarioError`
naming the result, what is wrong with it, and the figures of the scenario farthest from 1 in
orders of size at their medians (the likeliest culprits). The model runs under
``np.errstate`` so that no numpy warning reaches the user: this check reports instead. The check
itself lives in :func:`forcecalc.core.backstop.check_results`, so that ``analogs`` (a layer
below) applies it too.
"""

from __future__ import annotations

from forcecalc.core.backstop import SHOWN_FIGURES, check_results, most_extreme_figures

__all__ = ["SHOWN_FIGURES", "check_results", "most_extreme_figures"]
