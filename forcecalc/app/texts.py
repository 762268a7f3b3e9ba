"""Scenarios as the app holds them: a YAML text and a name, loaded, run and offered for download.

A scenario travels through the app as its YAML text and a name (:class:`ScenarioText`): the text
is what is run, what is cached on, and what is offered for download, so a downloaded scenario run
with ``forcecalc run`` at the same seed gives the app's numbers. Everything here goes through the
same public functions as the CLI (:func:`~forcecalc.scenario.loader.parse_scenario`,
:func:`~forcecalc.core.runner.run`, :func:`~forcecalc.report.render.render_run`) and is tested
without Streamlit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from forcecalc.core.errors import ScenarioError, Where
from forcecalc.core.runner import RunResult, run
from forcecalc.core.sampling import Sampler
from forcecalc.core.scenario import Scenario
from forcecalc.report.render import render_run
from forcecalc.scenario.files import MAX_BYTES, decode, read_text
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.resources import scenarios_dir


@functools.lru_cache(maxsize=8)  # a parse of a 1 MB file can hold tens of MB
def parse_text(text: str, name: str) -> Scenario:
    """:func:`~forcecalc.scenario.loader.parse_scenario`, remembered for the last 8 texts parsed.

    A scenario is immutable, so one parse serves the run, the tornado and the sweep of the same
    text; errors are raised again each time (they are not remembered).
    """
    return parse_scenario(text, name)


@dataclass(frozen=True)
class ScenarioText:
    """A scenario's YAML text and the name it is known by (file name, used in messages)."""

    text: str
    name: str

    def parse(self) -> Scenario:
        """The scenario, validated by the loader.

        Raises
        ------
        ScenarioError
            With the loader's one-line message.
        """
        return parse_text(self.text, self.name)


def shipped_scenarios() -> dict[str, Path]:
    """The shipped scenario files by name: the top level first, then ``published/...``.

    A scenario's name is its path under ``scenarios/`` (``seed-000-buffer-zone.yaml``,
    ``published/iiss-2025-brigade.yaml``), each group sorted.
    """
    root = scenarios_dir()
    files = sorted(root.rglob("*.yaml"), key=lambda p: (len(p.relative_to(root).parts), p))
    return {p.relative_to(root).as_posix(): p for p in files}


def read_shipped(name: str) -> ScenarioText:
    """The text of a shipped scenario, by its name in :func:`shipped_scenarios`."""
    text, _ = read_text(shipped_scenarios()[name])
    return ScenarioText(text, name)


def read_upload(data: bytes, name: str) -> ScenarioText:
    """A scenario uploaded or pasted by a user, validated by the same loader as a file.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file's name, used in messages.

    Raises
    ------
    ScenarioError
        If the data is too large, not UTF-8, or not a valid scenario.
    """
    if len(data) > MAX_BYTES:
        raise ScenarioError(Where(name), f"a file over {MAX_BYTES:,} bytes", "a smaller file")
    scenario_text = ScenarioText(decode(data, name), name)
    scenario_text.parse()
    return scenario_text


def file_name(name: str) -> str:
    """A scenario's name as a file name to save it under: ``published/x.yaml`` → ``x.yaml``."""
    base = PurePosixPath(name.replace("\\", "/")).name or "scenario.yaml"
    return base if base.endswith((".yaml", ".yml")) else f"{base}.yaml"


def edited_name(name: str) -> str:
    """File name of an edited scenario: ``x.yaml`` → ``x-edited.yaml``, without folders."""
    stem = file_name(name).removesuffix(".yaml").removesuffix(".yml").removesuffix("-edited")
    return f"{stem}-edited.yaml"


def run_text(
    text: str, name: str, samples: int, seed: int, sampler: str = Sampler.LHS
) -> RunResult:
    """Parse scenario text and run it: the pure function the app caches on its arguments."""
    return run(parse_text(text, name), samples=samples, seed=seed, sampler=sampler)


@dataclass(frozen=True)
class Download:
    """One file the app offers: its widget key, button label, content, file name and type."""

    key: str
    label: str
    data: str
    file_name: str
    mime: str


def downloads(current: ScenarioText, result: RunResult | None, n_edited: int) -> list[Download]:
    """The files offered for download: the scenario as edited, and the results if there are any.

    The scenario is ``current.text`` itself, the text the app runs, so ``forcecalc run`` on the
    file at the same samples, seed and sampler gives the app's numbers.
    """
    name = file_name(current.name)
    stem = name.removesuffix(".yaml").removesuffix(".yml")
    what = "no edits"
    if n_edited:
        what = f"{count(n_edited, 'edited figure')}, each marked in its note"
    files = [
        Download(
            "download_yaml", f"Scenario YAML ({what})", current.text, name, "application/x-yaml"
        )
    ]
    if result is not None:
        files += [
            Download(
                "download_csv",
                "Results CSV",
                render_run(result, "csv"),
                f"{stem}-results.csv",
                "text/csv",
            ),
            Download(
                "download_json",
                "Results JSON (with provenance)",
                render_run(result, "json"),
                f"{stem}-results.json",
                "application/json",
            ),
        ]
    return files


def count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: ``1 figure``, ``2 figures``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
