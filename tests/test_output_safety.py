"""``--output`` never replaces what a shell redirect would not (issue 11, defect 2).

forcecalc/scenario/files.py ``write_atomic``: a symlink is written through to its regular-file
target (the link stays); a read-only file, a folder, a device or a FIFO is refused; the
package's own data and the files a scenario reads are refused; the temporary file says what it
is and is removed on any failure, SIGINT and SIGTERM included.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from forcecalc.cli import main
from forcecalc.core.errors import ParameterError
from forcecalc.scenario import files
from forcecalc.scenario.files import TEMPORARY_MARK, write_atomic
from forcecalc.scenario.resources import register_dir, scenarios_dir


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMPORARY_MARK in p.name)


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") == "new\n"


def test_a_chain_of_relative_symlinks_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    real = tmp_path / "d" / "real.txt"
    real.write_text("old\n", encoding="utf-8")
    (tmp_path / "one").symlink_to("d/real.txt")
    (tmp_path / "two").symlink_to("one")
    write_atomic(tmp_path / "two", "new\n")
    assert (tmp_path / "two").is_symlink() and (tmp_path / "one").is_symlink()
    assert real.read_text(encoding="utf-8") == "new\n"
    assert leftovers(tmp_path) == leftovers(tmp_path / "d") == []


def test_a_dangling_symlink_is_refused(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(tmp_path / "nowhere.txt")
    with pytest.raises(ParameterError, match="a symlink to nothing"):
        write_atomic(tmp_path / "link", "x")
    assert (tmp_path / "link").is_symlink() and not (tmp_path / "nowhere.txt").exists()


def test_a_link_to_stdout_is_never_replaced(tmp_path: Path) -> None:
    """``-o /dev/stdout`` with stdout a file or a pipe: here through a private link of the
    same kind (``/dev/stdout`` itself is a link to ``/proc/self/fd/1``), so a regression
    cannot replace the system's link."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    command = [sys.executable, "-m", "forcecalc", "run", "--samples", "64", "-o", str(link)]
    target = tmp_path / "out.txt"
    with target.open("w") as fh:
        done = subprocess.run(command, stdout=fh, stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and "deployed" in target.read_text(encoding="utf-8")
    piped = subprocess.run(command, capture_output=True, text=True, check=False)
    assert piped.returncode == 2 and piped.stderr.count("\n") == 1
    assert "named pipe" in piped.stderr and link.is_symlink()
    assert leftovers(tmp_path) == []


def test_a_read_only_file_is_refused_even_as_root(tmp_path: Path) -> None:
    target = tmp_path / "ro.txt"
    target.write_text("keep\n", encoding="utf-8")
    target.chmod(0o444)
    with pytest.raises(ParameterError, match="a read-only file"):
        write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "keep\n"
    assert leftovers(tmp_path) == []


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="a directory"):
        write_atomic(tmp_path, "x")


@pytest.mark.parametrize("where", ["register", "scenarios", "package"])
def test_the_package_data_is_refused(where: str) -> None:
    folder = {
        "register": register_dir(),
        "scenarios": scenarios_dir(),
        "package": Path(files.__file__).resolve().parents[1],
    }[where]
    target = folder / "x-new-file.yaml"
    with pytest.raises(ParameterError, match="forcecalc's own data"):
        write_atomic(target, "x")
    assert not target.exists()


def test_the_package_data_is_refused_through_a_symlink(tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    seed = next(register_dir().glob("*.yaml"))
    link.symlink_to(seed)
    before = seed.read_bytes()
    with pytest.raises(ParameterError, match="forcecalc's own data"):
        write_atomic(link, "x")
    assert seed.read_bytes() == before


def test_run_into_the_register_exits_2_and_keeps_it(capsys: pytest.CaptureFixture[str]) -> None:
    target = register_dir() / "x.yaml"
    assert main(["run", "--samples", "64", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "forcecalc's own data" in err
    assert not target.exists()


def test_the_schema_may_regenerate_its_shipped_copy(tmp_path: Path) -> None:
    shipped = scenarios_dir() / "scenario.schema.json"
    write_atomic(shipped, shipped.read_text(encoding="utf-8"), allow=[shipped])
    with pytest.raises(ParameterError, match="forcecalc's own data"):
        write_atomic(shipped, "x")


def test_the_temporary_file_says_what_it_is(tmp_path: Path, monkeypatch) -> None:
    seen: list[str] = []

    def spy(src: str, dst: object) -> None:
        seen.append(Path(src).name)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", spy)
    with pytest.raises(ParameterError):
        write_atomic(tmp_path / "out.json", "x")
    assert seen and not seen[0].startswith(".")
    assert seen[0].startswith("out.json.") and TEMPORARY_MARK in seen[0]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_write_removes_the_temporary_file(tmp_path: Path, signum: int) -> None:
    """A child process is signalled while its fsync sleeps; no temporary file remains."""
    target = tmp_path / "out.txt"
    target.write_text("old\n", encoding="utf-8")
    ready = tmp_path / "ready"
    script = textwrap.dedent(
        f"""
        import os, signal, time
        from pathlib import Path
        from forcecalc.scenario.files import write_atomic
        # Ctrl-C as a terminal delivers it, even when the test runner was started in the
        # background (a non-interactive shell starts background jobs with SIGINT ignored)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        def slow(fd):
            Path({str(ready)!r}).write_text("1")
            time.sleep(30)
        os.fsync = slow
        write_atomic({str(target)!r}, "new\\n" * 1000)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    for _ in range(300):
        if ready.exists():
            break
        subprocess.run(["sleep", "0.05"], check=False)
    assert ready.exists()
    child.send_signal(signum)
    child.wait(timeout=20)
    assert child.returncode != 0
    assert target.read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == []


def test_a_write_bit_off_for_the_owner_only_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "owner-ro.txt"
    target.write_text("keep\n", encoding="utf-8")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IWGRP)
    if target.stat().st_uid != os.geteuid():  # pragma: no cover - files are ours in tmp_path
        pytest.skip("not the owner")
    with pytest.raises(ParameterError, match="a read-only file"):
        write_atomic(target, "x")
