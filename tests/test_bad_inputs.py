"""The bad-input corpus, ``tests/bad_inputs/``: every file gives its one expected error.

Each case of ``tests/bad_inputs/expected.yaml`` goes through the loader, ``forcecalc validate``
and ``forcecalc run`` in-process, the app's upload path, and (a few, and the whole corpus in one
``validate``) a subprocess with a memory limit and a timeout: exit 2, exactly one line on
stderr naming the file, the line and the key path, never a traceback, a hang or a blow-up.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from forcecalc.app.texts import read_upload
from forcecalc.cli import main
from forcecalc.cli.options import EXIT_INPUT, EXIT_OK
from forcecalc.core.errors import ScenarioError
from forcecalc.scenario.loader import load_scenario
from tests.corpus import BY_ID, CASES, CORPUS, FILE_CASES, RUNS, Case

#: Address-space limit of the subprocesses. [bytes]
MEMORY_LIMIT = 1 << 30
#: A subprocess that takes longer has hung. [s]
TIMEOUT = 120


def assert_one_line(err: str, case: Case, path: Path) -> str:
    """stderr is one line naming the file, line and key path (or the option) of the error."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("forcecalc: error: "), line
    if case.is_file_error:
        assert str(path) in line
        if case.row["line"] is not None:
            assert f"{path}:{case.row['line']}:" in line
        if case.row["path"]:
            assert f": at {case.row['path']}: got " in line
    if "match" in case.row:
        assert case.row["match"] in line
    return line


# --------------------------------------------------------------------------------------------
# The table itself


def test_the_corpus_is_large_and_every_file_has_its_expected_error() -> None:
    on_disk = {p.name for p in CORPUS.iterdir()} - {"expected.yaml"}
    listed = {c.row["file"] for c in CASES if "file" in c.row}
    assert on_disk == listed
    assert len(on_disk) >= 40
    assert len(BY_ID) == len(CASES), "case ids must be unique"
    for case in FILE_CASES:
        assert {"path", "line", "schema"} <= case.row.keys(), case.id


# --------------------------------------------------------------------------------------------
# The loader


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda c: c.id)
def test_the_loader_gives_the_expected_error(case: Case, tmp_path: Path) -> None:
    path = case.path(tmp_path)
    start = time.process_time()  # CPU time: a hang or a quadratic check, not a busy machine
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert time.process_time() - start < 10
    where = info.value.where
    assert (where.key_path, where.line or None) == (case.row["path"], case.row["line"])
    assert str(info.value).count("\n") == 0


def test_the_base_of_the_corpus_is_valid() -> None:
    scenario = load_scenario(CORPUS / "valid-base.yaml")
    assert len(scenario.tasks) == 5


# --------------------------------------------------------------------------------------------
# The command line, in-process


@pytest.mark.parametrize(("case", "command"), RUNS, ids=[f"{c.id}-{cmd}" for c, cmd in RUNS])
def test_the_cli_exits_2_with_one_line(
    case: Case, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = case.path(tmp_path)
    args = case.args if command == "run" else []
    if case.error == "ok":
        quick = ["--samples", "256"] if command == "run" else []
        assert main([command, *quick, str(path)]) == EXIT_OK
        assert capsys.readouterr().err == ""
        return
    assert main([command, *args, str(path)]) == EXIT_INPUT
    captured = capsys.readouterr()
    assert_one_line(captured.err, case, path)
    assert command != "run" or captured.out == ""


def test_validate_reports_every_bad_file_and_carries_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    paths = [str(CORPUS / c.row["file"]) for c in FILE_CASES if "file" in c.row]
    assert main(["validate", *paths, str(CORPUS / "valid-base.yaml")]) == EXIT_INPUT
    captured = capsys.readouterr()
    assert len(captured.err.splitlines()) == len(paths)
    assert captured.out.startswith("ok: ")


# --------------------------------------------------------------------------------------------
# The command line, as a subprocess with a memory limit


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def forcecalc(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m forcecalc ARGV`` with at most 1 GiB of address space and a timeout."""
    return subprocess.run(
        [sys.executable, "-m", "forcecalc", *argv],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
        cwd=cwd,
        check=False,
    )


SUBPROCESS = [
    "tag-python-object",
    "alias-bomb",
    "alias-bomb-tasks",
    "deep-nesting-mappings",
    "binary-garbage",
    "syntax-unclosed-quote",
    "over-size-limit",
    "samples-huge",
    "samples-over-memory-budget",
    "many-figures-at-default-samples",
]


@pytest.mark.parametrize("case_id", SUBPROCESS)
def test_a_subprocess_exits_2_with_one_line_in_bounded_time_and_memory(
    case_id: str, tmp_path: Path
) -> None:
    case = BY_ID[case_id]
    path = case.path(tmp_path)
    for command in case.commands:
        args = case.args if command == "run" else []
        start = time.perf_counter()
        done = forcecalc(command, *args, str(path))
        assert time.perf_counter() - start < 60
        assert done.returncode == EXIT_INPUT, done.stderr
        assert_one_line(done.stderr, case, path)
        assert "pwned" not in done.stdout


def test_the_whole_corpus_in_one_subprocess(tmp_path: Path) -> None:
    paths = [str(c.path(tmp_path)) for c in FILE_CASES]
    done = forcecalc("validate", *paths)
    assert done.returncode == EXIT_INPUT
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == len(paths)
    assert "pwned" not in done.stdout


# --------------------------------------------------------------------------------------------
# The app's upload path


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda c: c.id)
def test_the_app_upload_path_gives_the_same_error(case: Case, tmp_path: Path) -> None:
    path = case.path(tmp_path)
    with pytest.raises(ScenarioError) as info:
        read_upload(path.read_bytes(), path.name)
    where = info.value.where
    assert (where.key_path, where.line or None) == (case.row["path"], case.row["line"])
    assert where.file == path.name


def test_the_app_upload_path_accepts_the_valid_base() -> None:
    data = (CORPUS / "valid-base.yaml").read_bytes()
    assert read_upload(data, "valid-base.yaml").parse().name == "Corpus base scenario"
