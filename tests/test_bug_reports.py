"""Unexpected errors (bugs) as a user sees them, in a real process: a short message saying it
is a bug, the traceback in a log file, exit code 70 (not 2, the code of bad input)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from forcecalc.cli.options import EXIT_BUG, EXIT_INPUT

CRASH = """
import sys
import forcecalc.cli.run as run_command
from forcecalc.cli import main

def broken(*args, **kwargs):
    raise ZeroDivisionError("a planted bug")

run_command.run_sized = broken
sys.exit(main(["run", "--samples", "64"]))
"""


def test_a_bug_exits_70_with_one_line_and_a_log(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CRASH],
        capture_output=True,
        text=True,
        timeout=120,
        env={"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)},
        check=False,
    )
    assert done.returncode == EXIT_BUG != EXIT_INPUT
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("forcecalc: internal error (a bug in forcecalc, not in your input): ")
    assert "ZeroDivisionError: a planted bug" in line
    match = re.search(r"traceback written to (\S+)$", line)
    assert match, line
    log = Path(match[1])
    assert log.parent == tmp_path
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "in broken" in text and "ZeroDivisionError: a planted bug" in text


def test_bad_input_is_not_reported_as_a_bug(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nnmae: x\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "forcecalc", "run", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)},
        check=False,
    )
    assert done.returncode == EXIT_INPUT
    assert done.stderr.startswith(f"forcecalc: error: {bad}:2:1: at nmae: got the unknown key")
    assert "bug" not in done.stderr
    assert list(tmp_path.glob("forcecalc-crash-*")) == []
