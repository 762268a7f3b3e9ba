"""Writing output atomically, never over an input: forcecalc/scenario/files.py and ``--output``."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from forcecalc.cli import main
from forcecalc.core.errors import ParameterError, UsageError
from forcecalc.scenario.files import write_atomic
from forcecalc.scenario.resources import scenarios_dir

SEED_000 = scenarios_dir() / "seed-000-buffer-zone.yaml"


def leftovers(folder: Path) -> list[str]:
    """Temporary files left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "out.txt"
    path.write_text("old result\n", encoding="utf-8")
    return path


def test_writes_and_replaces(old: Path) -> None:
    write_atomic(old, "new result\n")
    assert old.read_text(encoding="utf-8") == "new result\n"
    assert leftovers(old.parent) == []


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(
    old: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(UsageError, match="No space left on device"):
        write_atomic(old, "new result\n")
    assert old.read_text(encoding="utf-8") == "old result\n"
    assert leftovers(old.parent) == []


def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary(
    old: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(UsageError, match="Input/output error"):
        write_atomic(old, "new result\n" * 1000)
    assert old.read_text(encoding="utf-8") == "old result\n"
    assert leftovers(old.parent) == []


def test_an_interrupt_mid_write_leaves_the_old_file_and_no_temporary(
    old: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(old, "new result\n")
    assert old.read_text(encoding="utf-8") == "old result\n"
    assert leftovers(old.parent) == []


def test_a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(previous)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644
    (tmp_path / "new.txt").chmod(0o640)
    write_atomic(tmp_path / "new.txt", "y")
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o640


def names_of_the_same_file(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    """An input file and another name for it: itself, a detour, a symlink, a hard link."""
    (tmp_path / "sub").mkdir()
    scenario = tmp_path / "s.yaml"
    scenario.write_bytes(SEED_000.read_bytes())
    (tmp_path / "link.yaml").symlink_to(scenario)
    os.link(scenario, tmp_path / "hard.yaml")
    return {
        "same path": (scenario, scenario),
        "a detour": (scenario, tmp_path / "sub" / ".." / "s.yaml"),
        "a symlink": (scenario, tmp_path / "link.yaml"),
        "a hard link": (scenario, tmp_path / "hard.yaml"),
        "input by symlink": (tmp_path / "link.yaml", scenario),
    }


@pytest.mark.parametrize(
    "how", ["same path", "a detour", "a symlink", "a hard link", "input by symlink"]
)
def test_never_over_the_input(tmp_path: Path, how: str) -> None:
    scenario, output = names_of_the_same_file(tmp_path)[how]
    before = scenario.read_bytes()
    with pytest.raises(UsageError, match="own input file"):
        write_atomic(output, "result", protect=[scenario])
    assert scenario.read_bytes() == before


@pytest.mark.parametrize("how", ["a detour", "a symlink", "a hard link"])
def test_run_never_writes_over_its_scenario(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    how: str,
) -> None:
    scenario, output = names_of_the_same_file(tmp_path)[how]
    monkeypatch.chdir(tmp_path / "sub")
    before = scenario.read_bytes()
    relative = os.path.relpath(output, tmp_path / "sub")
    code = main(["run", "--samples", "64", "../s.yaml", "--output", relative])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "own input file" in err
    assert scenario.read_bytes() == before
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------------------------------------
# Targets that are not regular files: the rename would replace them


def test_a_fifo_target_is_refused_and_left_alone(tmp_path: Path) -> None:
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match=r"got a named pipe \(FIFO\); expected a regular file"):
        write_atomic(fifo, "text\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert leftovers(tmp_path) == []


def test_a_symlink_to_a_device_is_refused_and_the_device_left_alone(tmp_path: Path) -> None:
    """As root, ``-o /dev/null`` once replaced /dev/null with a file; a link to it is the same."""
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    with pytest.raises(UsageError, match=r"got a character device; expected a regular file"):
        write_atomic(link, "text\n")
    with pytest.raises(UsageError, match=r"got a character device"):
        write_atomic(os.devnull, "text\n")
    assert link.is_symlink() and stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert leftovers(tmp_path) == []


def test_the_library_names_its_parameter_and_the_command_line_its_option(tmp_path: Path) -> None:
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    with pytest.raises(ParameterError) as info:
        write_atomic(fifo, "text\n")
    assert info.value.parameter == "output"
    assert str(info.value).startswith(f"output {fifo}: got a named pipe (FIFO); expected ")
    assert info.value.named("--output").startswith(f"--output {fifo}: got a named pipe")


def test_a_symlink_to_a_regular_file_is_still_a_target(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("old\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    write_atomic(tmp_path / "link.txt", "new\n")
    assert (tmp_path / "link.txt").read_text(encoding="utf-8") == "new\n"


def test_a_name_too_long_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"got a path that cannot be used \(File name too long\)"):
        write_atomic(tmp_path / ("b" * 300), "text\n")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["fifo", "long name"])
def test_run_exits_2_for_an_unusable_target(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / ("f" if kind == "fifo" else "b" * 300)
    if kind == "fifo":
        os.mkfifo(target)
    assert main(["run", "--samples", "64", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"forcecalc: error: --output {target}")
