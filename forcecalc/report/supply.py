"""What the ``run`` outputs add for per-category sustainment and categories covered.

Only scenarios that use ``sustainment.by_category`` or ``covers`` get these rows and keys, so
every other scenario's output stays as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict

from forcecalc.core import sustainment
from forcecalc.core.runner import RunResult

#: The start of a coverage row's label when its requirement is restricted by ``covers``.
_RESTRICTED = {"pledge_coverage": "pledged ÷ ", "pool_coverage": "pool sustainable ÷ "}


def coverage_label(metric: str, label: str, compared: Mapping[str, str]) -> str:
    """A supply row's label: ``label`` as usual, or, for a coverage restricted by ``covers``,
    one naming the requirement it compares with (``pledged ÷ deployed of military``)."""
    if metric not in compared:
        return label
    return _RESTRICTED[metric] + compared[metric]


def committed_rows(result: RunResult) -> list[tuple[str, object]]:
    """``(category, band)`` of committed personnel by category (only with ``by_category``)."""
    return list(result.summary.committed_categories.items())


def run_extras(result: RunResult) -> dict[str, object]:
    """JSON keys of ``run``: ``committed_categories`` (with ``by_category``) and
    ``coverage_compares_with`` (with ``covers``: which requirement each coverage compares
    with); empty for scenarios that use neither."""
    out: dict[str, object] = {}
    s = result.summary
    if s.committed_categories:
        out["committed_categories"] = {k: asdict(b) for k, b in s.committed_categories.items()}
    compared = sustainment.compared_with(result.scenario)
    if compared:
        out["coverage_compares_with"] = compared
    return out
