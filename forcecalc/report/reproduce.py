"""Re-running an earlier result with its exact settings: ``forcecalc run --from results.json``.

The JSON of ``forcecalc run --format json`` carries a provenance stamp: the scenario file and
its sha256, the seed, sampler, sample count and ``--set`` overrides, and the versions of
forcecalc, Python, numpy and scipy. :func:`reproduce` reads it back, runs the scenario again
with those settings and compares every number of the new result with the recorded one; a
difference means the scenario, forcecalc or a library changed, and the report says which.

A result is *reproduced* (exit 0) only when all of these hold: the scenario file's sha256 is
the recorded one, forcecalc and its libraries are the recorded versions, every number of the
new result is in the record (none missing: a record with ``"metrics": {}`` proves nothing) and
every recorded number is identical. Anything else is reported and exits 1.

The result is re-run as ``forcecalc run`` runs it (:func:`forcecalc.core.chunked.run_sized`):
in one piece where it fits, in chunks where its samples need them, so a 10-million-sample record
re-runs too. The chunk size is not recorded: a ``run-large --chunk N`` result of a scenario with
``correlations`` (imposed chunk by chunk) at a chunk size other than ``run``'s does not
reproduce; every other result re-runs to the same numbers.

Only a scenario file is read as the record names it: a path ending ``.yaml`` or ``.yml``. If
its sha256 is not the recorded one and it does not load, the error names the file and says
so, without quoting its content (a forged record must not make forcecalc print another file).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forcecalc.core.chunked import run_sized
from forcecalc.core.errors import ParameterError, ScenarioError
from forcecalc.core.ranged import Override, show_override
from forcecalc.core.runner import RunResult
from forcecalc.core.sampling import Sampler
from forcecalc.core.scenario import Scenario
from forcecalc.report.render import run_dict, to_json
from forcecalc.scenario.files import NotRegularFile, read_regular_file, read_text
from forcecalc.scenario.loader import parse_scenario

#: Largest results file read. [bytes]
MAX_RESULT_BYTES = 50_000_000
#: Differences listed in a report before "... and N more".
SHOWN_DIFFERENCES = 20

_WHAT = "the JSON that 'forcecalc run --format json' writes"
#: Endings of the scenario files a record may name: forcecalc reads no other file for it.
SCENARIO_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Recorded:
    """An earlier result: the settings its provenance records, and its numbers."""

    path: Path
    scenario_file: str
    scenario_sha256: str | None
    seed: int
    samples: int
    sampler: str
    overrides: Mapping[str, Override]
    version: str
    libraries: Mapping[str, str]
    numbers: Mapping[str, Any]
    scenario_file_absolute: str | None = None


@dataclass(frozen=True)
class Difference:
    """One value that differs: its dotted key, the recorded value and the value now."""

    key: str
    recorded: Any
    now: Any


@dataclass(frozen=True)
class Comparison:
    """Recorded and new results, value by value.

    ``compared`` counts the recorded numbers (and true/false and null results); ``differences``
    are those not reproduced exactly (missing ones included). Text that changed (a scenario's
    name, a claim's source label) and values that only the new result has are listed apart:
    they do not make the numbers different.
    """

    compared: int
    differences: tuple[Difference, ...]
    text_changes: tuple[Difference, ...]
    new_keys: tuple[str, ...]


@dataclass(frozen=True)
class Reproduction:
    """The outcome of re-running a recorded result."""

    recorded: Recorded
    scenario_path: Path
    result: RunResult
    comparison: Comparison

    @property
    def identical(self) -> bool:
        """Whether every recorded number of the new result is exactly the same."""
        return not self.comparison.differences

    @property
    def sha256_matches(self) -> bool:
        """Whether the scenario file is byte for byte the one the result was run on."""
        return self.recorded.scenario_sha256 == self.result.scenario.source_sha256

    @property
    def software_changes(self) -> list[str]:
        """``"numpy 1.0 → 2.0"`` for each of forcecalc and its libraries not as recorded."""
        rec, p = self.recorded, self.result.provenance
        then = {"forcecalc": rec.version, **rec.libraries}
        now = {"forcecalc": p.version, **p.libraries}
        return [
            f"{name} {then.get(name, 'unrecorded')} → {version}"
            for name, version in now.items()
            if then.get(name) != version
        ]

    @property
    def failures(self) -> list[str]:
        """Why the result is not reproduced; empty when it is (see the module's docstring)."""
        c = self.comparison
        reasons = []
        if not self.sha256_matches:
            reasons.append("the scenario's sha256 is not the recorded one")
        if self.software_changes:
            reasons.append("the software is not the recorded version")
        if c.compared == 0:
            reasons.append("the record holds no numbers")
        if c.differences:
            reasons.append(f"{len(c.differences):,} numbers differ")
        if c.new_keys:
            reasons.append(f"{len(c.new_keys):,} values of the result are not recorded")
        if c.text_changes:
            reasons.append("recorded text changed")
        return reasons

    @property
    def reproduced(self) -> bool:
        """Whether every number is recorded and identical, with the recorded scenario and
        software: the only case ``forcecalc run --from`` exits 0."""
        return not self.failures


# --------------------------------------------------------------------------------------------
# Reading the recorded result


def _bad(path: Path, key: str, got: str, expected: str) -> ParameterError:
    """An error in the recorded result ``path`` (the parameter ``results``), at ``key``."""
    where = f"{path}: at {key}" if key else f"{path}"
    return ParameterError("results", got, expected, detail=where)


def _read_json(path: Path) -> Any:
    try:
        data = read_regular_file(path, MAX_RESULT_BYTES)
    except NotRegularFile as exc:
        raise _bad(path, "", exc.kind, _WHAT) from None
    except OSError as exc:
        raise _bad(path, "", f"an unreadable file ({exc.strerror or exc})", _WHAT) from None
    if len(data) > MAX_RESULT_BYTES:
        raise _bad(path, "", f"a file over {MAX_RESULT_BYTES:,} bytes", _WHAT)
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _bad(path, "", "a file that is not UTF-8", _WHAT) from None
    except json.JSONDecodeError as exc:
        got = f"invalid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})"
        raise _bad(path, "", got, _WHAT) from None
    except (ValueError, RecursionError) as exc:  # an integer over 4,300 digits; deep nesting
        got = f"JSON that cannot be read ({' '.join(str(exc).split())[:80]})"
        raise _bad(path, "", got, _WHAT) from None


def _field(path: Path, stamp: Mapping[str, Any], key: str, kind: type, expected: str) -> Any:
    value = stamp.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _bad(path, f"provenance.{key}", json.dumps(value)[:60], expected)
    return value


def _finite_number(number: Any) -> float:
    """A JSON number as a float; TypeError for anything else (a boolean too)."""
    if not isinstance(number, int | float) or isinstance(number, bool):
        raise TypeError
    return float(number)


def _overrides(path: Path, value: Any) -> dict[str, Override]:
    expected = "a mapping of figure paths to numbers"
    if not isinstance(value, dict):
        raise _bad(path, "provenance.overrides", json.dumps(value)[:60], expected)
    out = {}
    for key, number in value.items():
        try:
            if isinstance(number, list) and 2 <= len(number) <= 3:  # a range (core.ranged)
                out[key] = tuple(_finite_number(x) for x in number)
                continue
            out[key] = _finite_number(number)
        except (TypeError, OverflowError):
            got = json.dumps(number)[:60]
            raise _bad(path, f"provenance.overrides.{key}", got, "a number") from None
    return out


def read_recorded(results: Path | str) -> Recorded:
    """Read the settings and numbers of an earlier ``forcecalc run --format json``.

    Raises
    ------
    UsageError
        For a file that cannot be read, is not JSON, or lacks a valid provenance stamp (a
        :class:`ParameterError` naming ``results``).
    """
    path = Path(results)
    data = _read_json(path)
    if not isinstance(data, dict) or "metrics" not in data:
        raise _bad(path, "", "JSON that is not a run result", _WHAT)
    stamp = data.get("provenance")
    if not isinstance(stamp, dict):
        raise _bad(path, "provenance", json.dumps(stamp)[:60], "the provenance stamp")
    scenario_file = _field(path, stamp, "scenario_file", str, "the path of a scenario")
    seed = _field(path, stamp, "seed", int, "a whole number")
    samples = _field(path, stamp, "samples", int, "a whole number")
    sampler = _field(path, stamp, "sampler", str, "one of " + ", ".join(s.value for s in Sampler))
    if sampler not in {s.value for s in Sampler}:
        raise _bad(path, "provenance.sampler", repr(sampler), "lhs, sobol or mc")
    sha = stamp.get("scenario_sha256")
    if sha is not None and not isinstance(sha, str):
        raise _bad(path, "provenance.scenario_sha256", json.dumps(sha)[:60], "a sha256 in hex")
    absolute = stamp.get("scenario_file_absolute")
    if absolute is not None and not isinstance(absolute, str):
        raise _bad(path, "provenance.scenario_file_absolute", json.dumps(absolute)[:60], "a path")
    libraries = stamp.get("libraries")
    return Recorded(
        path=path,
        scenario_file=scenario_file,
        scenario_sha256=sha,
        seed=seed,
        samples=samples,
        sampler=sampler,
        overrides=_overrides(path, stamp.get("overrides", {})),
        version=str(stamp.get("version", "unknown")),
        libraries=dict(libraries) if isinstance(libraries, dict) else {},
        numbers={k: v for k, v in data.items() if k != "provenance"},
        scenario_file_absolute=absolute,
    )


def locate_scenario(recorded: Recorded) -> Path:
    """The recorded scenario file: as named, next to the results file, or by its absolute path.

    A relative name is tried from the current folder (the run's own, if it is the same) and
    from the results file's folder; then the absolute path the run recorded, so that a
    result moved or re-run from another folder still finds its scenario.

    Raises
    ------
    UsageError
        If none of them is a file; the message lists every path tried.
    """
    named = Path(recorded.scenario_file)
    candidates = [named] if named.is_absolute() else [named, recorded.path.parent / named]
    if recorded.scenario_file_absolute:
        candidates.append(Path(recorded.scenario_file_absolute))
    tried: list[Path] = []
    for candidate in candidates:
        if candidate in tried:
            continue
        tried.append(candidate)
        try:
            if candidate.is_file():
                return candidate
        except (OSError, ValueError):  # a name too long, a NUL byte: not a file
            continue
    shown = ", ".join(repr(_shorten(str(c))) for c in tried)
    raise _bad(
        recorded.path,
        "provenance.scenario_file",
        f"{_shorten(recorded.scenario_file)!r}, which is not a file (tried {shown})",
        "the scenario the result was run on",
    )


def _shorten(text: str, most: int = 120) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


# --------------------------------------------------------------------------------------------
# Re-running and comparing


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested JSON as ``{dotted.key: leaf}``; list items are keyed by their index."""
    if isinstance(data, dict):
        items = [(str(k), v) for k, v in data.items()]
    elif isinstance(data, list):
        items = [(f"[{i}]", v) for i, v in enumerate(data)]
    else:
        return {prefix: data}
    out: dict[str, Any] = {}
    for key, value in items:
        sub = key if not prefix else (prefix + key if key.startswith("[") else f"{prefix}.{key}")
        out.update(flatten(value, sub))
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def compare(recorded: Mapping[str, Any], now: Mapping[str, Any]) -> Comparison:
    """Every recorded value against the new one (see :class:`Comparison`)."""
    old, new = flatten(dict(recorded)), flatten(dict(now))
    missing = object()
    numbers = [k for k, v in old.items() if not isinstance(v, str)]
    texts = [k for k, v in old.items() if isinstance(v, str)]
    return Comparison(
        compared=len(numbers),
        differences=tuple(
            Difference(k, old[k], new.get(k))
            for k in numbers
            if not _same(old[k], new.get(k, missing))
        ),
        text_changes=tuple(
            Difference(k, old[k], new.get(k)) for k in texts if old[k] != new.get(k)
        ),
        new_keys=tuple(k for k in new if k not in old),
    )


def reproduce(results: Path | str) -> Reproduction:
    """Re-run the result recorded in the file ``results`` with its settings and compare the numbers.

    Raises
    ------
    UsageError
        For a results file that cannot be used, or settings that are no longer valid.
    ScenarioError
        If the recorded scenario no longer loads.
    """
    recorded = read_recorded(results)
    scenario_path = locate_scenario(recorded)
    result = run_sized(  # as ``forcecalc run`` ran it: in chunks where the samples need it
        _load_recorded(recorded, scenario_path),
        samples=recorded.samples,
        seed=recorded.seed,
        sampler=recorded.sampler,
        overrides=recorded.overrides,
    )
    now = json.loads(to_json(run_dict(result)))
    now.pop("provenance", None)
    return Reproduction(recorded, scenario_path, result, compare(recorded.numbers, now))


def _load_recorded(recorded: Recorded, path: Path) -> Scenario:
    """Load the scenario a record names, quoting nothing of a file it did not record.

    A file whose sha256 is the recorded one is the scenario the result was run on: its errors
    are the loader's. Any other file's errors are replaced by one naming the file only.
    """
    if path.suffix.lower() not in SCENARIO_SUFFIXES:
        raise _bad(
            recorded.path,
            "provenance.scenario_file",
            f"{_shorten(str(path))!r}, which is not a scenario file",
            "a path ending " + " or ".join(SCENARIO_SUFFIXES),
        )
    try:
        text, name = read_text(path)
        return parse_scenario(text, name)
    except ScenarioError:
        if _sha256_of(path) == recorded.scenario_sha256:
            raise
        raise _bad(
            recorded.path,
            "provenance.scenario_file",
            f"{_shorten(str(path))!r}, which does not load as a scenario and is not the file "
            "recorded (its sha256 differs)",
            "the scenario the result was run on",
        ) from None


def _sha256_of(path: Path) -> str | None:
    """The loader's sha256 of a scenario file (of its text), or None if it cannot be read."""
    try:
        text, _ = read_text(path)
    except ScenarioError:
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Reporting


def _short(sha: str | None) -> str:
    return f"{sha[:16]}…" if sha else "none recorded"


def _value(x: Any) -> str:
    return "(missing)" if x is None else (f"{x:.10g}" if isinstance(x, float) else str(x))


def report_lines(rep: Reproduction) -> list[str]:
    """A short report: what was re-run, whether the inputs and the numbers are the same."""
    rec, p = rep.recorded, rep.result.provenance
    settings = f"seed {rec.seed} · sampler {rec.sampler} · {rec.samples:,} samples"
    if rec.overrides:
        settings += " · overrides " + ", ".join(
            f"{k}={show_override(v)}" for k, v in rec.overrides.items()
        )
    lines = [f"re-ran {rep.scenario_path} as recorded in {rec.path}: {settings}"]
    if rep.sha256_matches:
        lines.append(f"scenario: sha256 matches the recorded one ({_short(p.scenario_sha256)})")
    else:
        lines.append(
            f"scenario: CHANGED since the result was recorded (sha256 recorded "
            f"{_short(rec.scenario_sha256)}, now {_short(p.scenario_sha256)})"
        )
    changed = rep.software_changes
    lines.append("software: " + ("as recorded" if not changed else "; ".join(changed)))
    c = rep.comparison
    if c.text_changes:
        lines.append("text changed: " + ", ".join(d.key for d in c.text_changes))
    if c.new_keys:
        what = "new in this version" if changed else "not recorded"
        lines.append(f"{what}: {len(c.new_keys):,} values of the new result the record lacks")
    if c.compared == 0:
        lines.append("numbers: NONE recorded (nothing to compare)")
    elif rep.identical:
        lines.append(f"numbers: identical ({c.compared:,} values compared)")
    else:
        lines.append(f"numbers: DIFFERENT ({len(c.differences):,} of {c.compared:,} values)")
        for d in c.differences[:SHOWN_DIFFERENCES]:
            lines.append(f"  {d.key}: {_value(d.recorded)} → {_value(d.now)}")
        if len(c.differences) > SHOWN_DIFFERENCES:
            lines.append(f"  ... and {len(c.differences) - SHOWN_DIFFERENCES:,} more")
    failures = rep.failures
    lines.append("reproduced: " + ("yes" if not failures else "NO (" + "; ".join(failures) + ")"))
    return lines
