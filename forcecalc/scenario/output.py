"""Writing output files atomically: a failed or interrupted run leaves the old file intact."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from forcecalc.core.errors import UsageError
from forcecalc.scenario.loader import file_kind


def write_atomic(path: Path | str, text: str, protect: Iterable[Path | str] = ()) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    Parameters
    ----------
    path : path-like
        Destination file.
    text : str
        Content, written as UTF-8.
    protect : iterable of path-like
        Files that must never be overwritten (a run's own input scenario).

    Raises
    ------
    UsageError
        If ``path`` is a protected file, a directory, or its folder cannot be written.
    """
    path = Path(path)
    for other in protect:
        if _same_file(path, Path(other)):
            raise UsageError(
                f"--output {path}: got the run's own input file; expected another "
                "path (forcecalc never writes over its input)"
            )
    _check_target(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = _create_temporary(folder, path.name)
    except OSError as exc:
        raise UsageError(
            f"--output {path}: got a folder that cannot be written "
            f"({exc.strerror or exc}); expected a writable location"
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(path, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise UsageError(
            f"--output {path}: got a write failure ({exc.strerror or exc}); expected a "
            "writable file (any previous file is left intact)"
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _check_target(path: Path) -> None:
    """Refuse a path that exists and is not a regular file (or a symlink to one).

    The rename would replace a FIFO, a device such as ``/dev/null`` or a socket with a
    regular file; a directory cannot be replaced at all.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:  # a name too long, a loop of symlinks, a folder we cannot search
        if exc.errno == errno.ENOENT:
            return
        raise UsageError(
            f"--output {path}: got a path that cannot be used ({exc.strerror or exc}); "
            "expected a writable file path"
        ) from None
    if not stat.S_ISREG(mode):
        raise UsageError(
            f"--output {path}: got {file_kind(mode)}; expected a regular file or a new path "
            "(forcecalc writes through a rename, which would replace it)"
        )


def _same_file(path: Path, other: Path) -> bool:
    """Whether two paths name one file: through symlinks, ``..`` or a hard link."""
    try:
        return os.path.samefile(path, other)
    except OSError:  # either does not exist (yet)
        return False


def _create_temporary(folder: Path, name: str) -> tuple[int, str]:
    """Create ``.<name>.<random>.tmp`` in ``folder``; the umask applies, as to any new file."""
    while True:
        tmp = str(folder / f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:  # pragma: no cover - a 48-bit collision
            continue


def _keep_mode(path: Path, tmp: str) -> None:
    """Give the new file the permissions of the file it replaces, if there is one."""
    with contextlib.suppress(OSError):
        os.chmod(tmp, path.stat().st_mode & 0o7777)
