"""The app's sweep kept across an edit of the swept figure itself.

A sweep sets its figure to each value of the grid (:func:`forcecalc.analysis.sweep.sweep`
overrides it, as ``--set`` does), so its points depend on the scenario with that figure
pinned to a point, not on the figure's distribution: after an edit of the swept figure's
low, high or mode, the sweep's points are the ones already computed. :func:`pinned_key`
is what a sweep's points depend on besides the grid and the run settings (a digest of the
pinned scenario, without the file name and checksum, which only stamp the result); the
cached sweep is handed back stamped with the edited scenario's file (:func:`restamped`), so
it equals the sweep computed afresh. An edit of any other figure changes the digest and the
sweep is computed again.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import replace

from forcecalc.analysis.sweep import Sweep, axis
from forcecalc.core.errors import ForcecalcError
from forcecalc.core.runner import override
from forcecalc.core.scenario import Scenario


def pinned_key(
    scenario: Scenario, path: str, start: float, stop: float, steps: int
) -> bytes | None:
    """A digest of ``scenario`` with the figure at ``path`` pinned at the grid's first value,
    as the sweep pins it before drawing; None where the sweep would refuse the grid or the
    value (the sweep is then run, and raises its own error), or for a scenario that cannot be
    pickled (the sweep is then kept by its text)."""
    try:
        first = axis(path, start, stop, steps).values[0]
        pinned = override(scenario, {path: first})
    except ForcecalcError:
        return None
    unstamped = replace(pinned, source_file=None, source_sha256=None)
    try:
        held = pickle.dumps(unstamped, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):  # then kept by its text
        return None
    return hashlib.sha256(held).digest()


def restamped(kept: Sweep, scenario: Scenario) -> Sweep:
    """A sweep computed over another text of the same pinned scenario, stamped with this
    scenario's file name and checksum (its name, units and points are the same)."""
    provenance = replace(
        kept.provenance,
        scenario_file=scenario.source_file,
        scenario_sha256=scenario.source_sha256,
    )
    return replace(kept, provenance=provenance)
