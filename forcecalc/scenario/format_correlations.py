"""The ``correlations:`` section of the scenario format: rank correlations between figures.

Read by :mod:`forcecalc.scenario.read_correlations`, imposed on the sampling design by
:mod:`forcecalc.core.correlation`; :data:`forcecalc.scenario.format.SPECS` holds
:data:`CORRELATION`.
"""

from __future__ import annotations

from forcecalc.core.scenario import Domain
from forcecalc.scenario.format_kinds import Key, ListOf, Number, SourceRef, Spec, Text

#: The values a rank correlation may take.
RANK_CORRELATION_DOMAIN = Domain(-1.0, 1.0)

CORRELATION = Spec(
    "correlation",
    "A rank (Spearman) correlation between two uncertain figures, with its source or "
    "assumption, imposed on the sampling by Iman–Conover (each figure keeps its distribution).",
    (
        Key(
            "between",
            ListOf(Text(), 2),
            True,
            "the two figures' key paths, e.g. [geometry.front_length_km, tasks.infantry.rate]",
        ),
        Key(
            "rank_correlation",
            Number(RANK_CORRELATION_DOMAIN),
            True,
            "Spearman's rho between the two figures, from -1 to 1",
        ),
        Key("source", SourceRef(), doc="register id <document>#<figure>, or a citation"),
        Key("assumption", Text(), doc="the reason for a correlation nobody published"),
        Key("note", Text(), doc="a free remark kept with the item"),
    ),
)
