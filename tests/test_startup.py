"""Start-up (issue 15, item 2): the command line imports only what the command uses.

Each case runs in a fresh interpreter (what a module imports cannot be undone in this one) and
lists which of :data:`HEAVY` ended up in ``sys.modules``. The time they cost is measured in
``python benchmarks/bench.py --only startup``, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Modules that take tens to hundreds of milliseconds to import, or that belong to another face
#: (the app) or to an optional extra: a command that does not use them must not load them.
HEAVY = frozenset(
    {
        "scipy.stats",
        "scipy.linalg",
        "scipy.optimize",
        "scipy.special",
        "openpyxl",
        "vl_convert",
        "pandas",
        "streamlit",
        "ruamel",
        "matplotlib",
        "dask",
        "distributed",
    }
)

#: Imported by each case beyond :data:`HEAVY`'s rule: shrink toward the empty set.
ALLOWED: dict[str, frozenset[str]] = {
    "import forcecalc": frozenset(),
    "forcecalc --help": frozenset(),
    "forcecalc run": frozenset({"scipy.special"}),  # it draws: ndtri, betaincinv
    "forcecalc sweep --help": frozenset(),
}

_PROBE = """
import contextlib, io, json, sys
argv = json.loads(sys.argv[1])
with contextlib.redirect_stdout(io.StringIO()):
    if argv is None:
        import forcecalc
        code = 0
    else:
        from forcecalc.cli.command import main
        code = main(argv)
heavy = json.loads(sys.argv[2])
print(json.dumps({"code": code, "loaded": sorted(m for m in heavy if m in sys.modules),
                  "forcecalc": sorted({m for m in sys.modules if m.startswith("forcecalc.")})}))
"""

CASES: dict[str, list[str] | None] = {
    "import forcecalc": None,
    "forcecalc --help": ["--help"],
    "forcecalc run": ["run"],  # the bundled default scenario, default samples and sampler
    "forcecalc sweep --help": ["sweep", "--help"],
}


def _probe(argv: list[str] | None, heavy: frozenset[str] = HEAVY) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(argv), json.dumps(sorted(heavy))],
        cwd=ROOT,  # -c puts the working directory first on sys.path: this checkout's forcecalc
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("case", CASES)
def test_a_command_loads_no_heavy_module_it_does_not_use(case: str) -> None:
    found = _probe(CASES[case])
    assert found["code"] == 0
    loaded = set(found["loaded"])
    assert loaded <= ALLOWED[case], f"{case} imports {sorted(loaded - ALLOWED[case])}"
    assert ALLOWED[case] <= loaded, (
        f"{case} no longer imports {sorted(ALLOWED[case] - loaded)}: remove them from ALLOWED"
    )


def test_the_probe_sees_a_heavy_module_when_a_command_uses_it(tmp_path: Path) -> None:
    """The probe is not blind: writing a workbook loads openpyxl."""
    pytest.importorskip("openpyxl", reason="openpyxl is not installed")
    found = _probe(["run", "--samples", "64", "-o", str(tmp_path / "r.xlsx")])
    assert found["code"] == 0 and "openpyxl" in found["loaded"]


def test_import_forcecalc_loads_the_library_not_the_faces() -> None:
    """``import forcecalc`` is the library (core, calibration, scenario): not the command line,
    the analyses, the reports or the app."""
    layers = {m.split(".")[1] for m in _probe(None)["forcecalc"]}
    assert layers <= {"core", "calibration", "scenario"}, sorted(layers)
