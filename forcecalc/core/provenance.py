"""How a result was produced: one builder of the provenance stamp every output carries."""

from __future__ import annotations

import platform
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy
import scipy

from forcecalc.core.scenario import Scenario
from forcecalc.core.version import __version__


def library_versions() -> dict[str, str]:
    """Versions of Python, numpy and scipy: the sampled numbers depend on them too."""
    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }


@dataclass(frozen=True)
class Provenance:
    """How a result was produced: enough to reproduce it bit for bit."""

    version: str
    scenario_file: str | None
    scenario_sha256: str | None
    seed: int
    samples: int
    sampler: str
    overrides: Mapping[str, float] = field(default_factory=dict)
    libraries: Mapping[str, str] = field(default_factory=library_versions)
    #: The scenario file's absolute path, when ``scenario_file`` names a file that exists, so
    #: that ``run --from`` finds it from another folder; filled in when not given.
    scenario_file_absolute: str | None = None

    def __post_init__(self) -> None:
        if self.scenario_file_absolute is None and self.scenario_file:
            object.__setattr__(self, "scenario_file_absolute", absolute_file(self.scenario_file))


def absolute_file(name: str) -> str | None:
    """The absolute path of the regular file ``name``, or None if there is none."""
    try:
        path = Path(name)
        return str(path.resolve()) if path.is_file() else None
    except (OSError, ValueError):  # a name too long, a NUL byte
        return None


def build_provenance(
    scenario: Scenario | None,
    samples: int,
    seed: int,
    sampler: str,
    overrides: Mapping[str, float] | None = None,
) -> Provenance:
    """The provenance stamp of a result over ``scenario`` (None: over no scenario, e.g. the
    back-test), with this forcecalc's version and the libraries' versions."""
    return Provenance(
        version=__version__,
        scenario_file=scenario.source_file if scenario else None,
        scenario_sha256=scenario.source_sha256 if scenario else None,
        seed=seed,
        samples=samples,
        sampler=str(sampler),
        overrides=dict(overrides or {}),
    )
