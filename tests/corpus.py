"""The bad-input corpus, ``tests/bad_inputs/``, and its table of expected errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from forcecalc.core.sampling import DEFAULT_SAMPLES, MAX_VALUES
from forcecalc.scenario.files import MAX_BYTES

CORPUS = Path(__file__).parent / "bad_inputs"
TABLE: list[dict[str, Any]] = yaml.safe_load((CORPUS / "expected.yaml").read_text("utf-8"))


@dataclass(frozen=True)
class Case:
    """One row of the expected-error table."""

    id: str
    row: dict[str, Any]

    @property
    def error(self) -> str:
        return self.row["error"]

    @property
    def args(self) -> list[str]:
        return [str(a) for a in self.row.get("args", [])]

    @property
    def commands(self) -> list[str]:
        return self.row.get("commands", ["validate", "run"])

    @property
    def is_file_error(self) -> bool:
        """A file the loader refuses (as opposed to a valid file with a bad option)."""
        return self.error == "ScenarioError"

    def path(self, tmp: Path) -> Path:
        """The case's file: in the corpus, or generated into ``tmp``."""
        kind = self.row.get("generate")
        return GENERATORS[kind](tmp) if kind else CORPUS / self.row["file"]


def _oversize(tmp: Path) -> Path:
    """The valid base scenario padded with comments to one byte over the limit."""
    text = (CORPUS / "valid-base.yaml").read_text("utf-8")
    line = "# " + "padding " * 12 + "\n"
    text += line * ((MAX_BYTES - len(text)) // len(line) + 1)
    path = tmp / "over-size-limit.yaml"
    path.write_text(text + "#" * (MAX_BYTES + 1 - len(text.encode())), encoding="utf-8")
    return path


def _many_figures(tmp: Path) -> Path:
    """A valid scenario with so many tasks that the default sample count would not fit."""
    lines = (CORPUS / "valid-base.yaml").read_text("utf-8").splitlines(keepends=True)
    n = MAX_VALUES // DEFAULT_SAMPLES + 1
    extra = [
        f"  - {{name: extra_{i}, category: reserve, basis: fixed, "
        f"count: {{value: 1, assumption: a filler task}}}}\n"
        for i in range(n)
    ]
    at = lines.index(
        "technology_offset: {low: 0, high: 0.3, assumption: a round range for tests}\n"
    )
    path = tmp / "many-figures.yaml"
    path.write_text("".join(lines[:at] + extra + lines[at:]), encoding="utf-8")
    return path


def share_chain(n: int, cycle: bool = False) -> str:
    """The valid base with ``n`` share_of tasks listed dependents first (``chain_i`` a share
    of ``chain_{i+1}``, the last of infantry, or of ``chain_0`` when ``cycle``): a recursive
    ordering would exceed Python's recursion limit."""
    lines = (CORPUS / "valid-base.yaml").read_text("utf-8").splitlines(keepends=True)
    extra = [
        f"  - {{name: chain_{i}, category: enablers, basis: share_of, "
        f"of: [{f'chain_{i + 1}' if i + 1 < n else ('chain_0' if cycle else 'infantry')}], "
        f"share: {{value: 0.001, assumption: a filler share}}}}\n"
        for i in range(n)
    ]
    at = lines.index(
        "technology_offset: {low: 0, high: 0.3, assumption: a round range for tests}\n"
    )
    return "".join(lines[:at] + extra + lines[at:])


def _share_chain_cycle(tmp: Path) -> Path:
    """1,000 share_of tasks in one cycle, listed dependents first."""
    path = tmp / "share-chain-cycle.yaml"
    path.write_text(share_chain(1_000, cycle=True), encoding="utf-8")
    return path


GENERATORS = {
    "oversize": _oversize,
    "many_figures": _many_figures,
    "share_chain_cycle": _share_chain_cycle,
}
CASES = [Case(r.get("case") or r["file"].removesuffix(".yaml"), r) for r in TABLE]
BY_ID = {c.id: c for c in CASES}
FILE_CASES = [c for c in CASES if c.is_file_error]
RUNS = [(c, cmd) for c in CASES for cmd in c.commands]
