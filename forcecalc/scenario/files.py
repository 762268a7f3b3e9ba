"""Files on disk: reading a regular file of bounded size as text, and writing one atomically.

Reading refuses a FIFO, a device or a folder at once (instead of hanging or reading forever),
a file over :data:`MAX_BYTES` and text that is not UTF-8. Writing goes through a temporary
file in the same folder and a rename, so a failed or interrupted run leaves the old file
intact.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from forcecalc.core.errors import ParameterError, ScenarioError, Where

#: Largest scenario or register file read. [bytes]
MAX_BYTES = 1_000_000


# --------------------------------------------------------------------------------------------
# Reading


def read_text(path: Path | str) -> tuple[str, str]:
    """Read a UTF-8 file of at most :data:`MAX_BYTES`; return ``(text, name)``."""
    name = str(path)
    where = Where(name)
    try:
        data = read_regular_file(path, MAX_BYTES)
    except FileNotFoundError:
        raise ScenarioError(where, "no such file", "a path to a scenario file") from None
    except NotRegularFile as exc:
        raise ScenarioError(where, exc.kind, "a path to a scenario file") from None
    except OSError as exc:
        got = f"unreadable file ({exc.strerror or exc})"
        raise ScenarioError(where, got, "a readable file") from None
    if len(data) > MAX_BYTES:
        raise ScenarioError(where, f"a file over {MAX_BYTES:,} bytes", "a smaller scenario file")
    return decode(data, name), name


class NotRegularFile(OSError):
    """A path that names something other than a regular file: a FIFO, a device, a folder."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """``"a regular file"``, ``"a directory"``, ``"a named pipe (FIFO)"`` ... for a ``st_mode``."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((kind for test, kind in _FILE_KINDS if test(mode)), "a special file")


def read_regular_file(path: Path | str, limit: int) -> bytes:
    """The first ``limit + 1`` bytes of a regular file (a symlink to one is followed).

    The file is opened without blocking and checked before it is read, so a FIFO or a device
    named by mistake is refused at once instead of hanging or reading forever.

    Raises
    ------
    NotRegularFile
        For a directory, FIFO, device or socket.
    OSError
        For a file that does not exist or cannot be opened (a name too long, no permission).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(file_kind(mode))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit + 1)
    finally:
        os.close(fd)


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without a byte-order mark), naming the line of a bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        got = f"byte 0x{data[exc.start]:02x} that is not UTF-8"
        raise ScenarioError(Where(name, line, column), got, "a UTF-8 text file") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ScenarioError(Where(name, line), "a NUL character (binary data)", "YAML text")
    return text


# --------------------------------------------------------------------------------------------
# Writing atomically


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
    ParameterError
        Naming the parameter ``output`` and ``path``: if ``path`` is a protected file, a
        directory, or its folder cannot be written.
    """
    path = Path(path)
    for other in protect:
        if _same_file(path, Path(other)):
            raise ParameterError(
                "output",
                "the run's own input file",
                "another path (forcecalc never writes over its input)",
                str(path),
            )
    _check_target(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = _create_temporary(folder, path.name)
    except OSError as exc:
        raise ParameterError(
            "output",
            f"a folder that cannot be written ({exc.strerror or exc})",
            "a writable location",
            str(path),
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
        raise ParameterError(
            "output",
            f"a write failure ({exc.strerror or exc})",
            "a writable file (any previous file is left intact)",
            str(path),
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
        raise ParameterError(
            "output",
            f"a path that cannot be used ({exc.strerror or exc})",
            "a writable file path",
            str(path),
        ) from None
    if not stat.S_ISREG(mode):
        raise ParameterError(
            "output",
            file_kind(mode),
            "a regular file or a new path (forcecalc writes through a rename, which would "
            "replace it)",
            str(path),
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
