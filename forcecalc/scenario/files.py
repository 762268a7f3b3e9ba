"""Files on disk: reading a regular file of bounded size as text, and writing one atomically.

Reading refuses a FIFO, a device or a folder at once (instead of hanging or reading forever),
a file over :data:`MAX_BYTES` and text that is not UTF-8. Writing goes through a temporary
file in the same folder and a rename, so a failed or interrupted run leaves the old file
intact; it writes through a symlink to its target, and refuses what a shell redirect would
refuse and forcecalc's own data (:func:`write_atomic`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from forcecalc.core.errors import ParameterError, ScenarioError, Where
from forcecalc.scenario.resources import register_dir, scenarios_dir

#: The package folder (``forcecalc/``, with ``_data`` when installed): never written.
_PACKAGE = Path(__file__).resolve().parents[1]

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

#: In the name of every temporary file: ``out.json.forcecalc-partial-3fa2b1c4d5e6.tmp``. Not
#: hidden, and saying what it is, should one outlive a SIGKILL or a power cut.
TEMPORARY_MARK = ".forcecalc-partial-"
#: Signals that remove the temporary file before the process ends as they would end it
#: (SIGINT raises KeyboardInterrupt already). SIGKILL cannot be caught.
_CLEANUP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class _Signalled(BaseException):
    """Raised by the signal handler of :func:`_signals_raise` while a temporary file exists."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def write_atomic(
    path: Path | str,
    text: str | bytes,
    protect: Iterable[Path | str] = (),
    allow: Iterable[Path | str] = (),
) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    What it writes over, and what it refuses (each a one-line :class:`ParameterError`):

    - a symlink is written *through*: the link stays and its regular-file target is replaced
      atomically (so ``-o /dev/stdout`` never replaces the system's link); a symlink to
      nothing is refused;
    - what a shell redirect would refuse: a directory, a FIFO, a device, a socket, and a
      read-only file, judged by its mode bits even for root (who could write it anyway);
    - forcecalc's own data: the source register ``seeds/``, the shipped ``scenarios/`` and the
      package itself (``forcecalc/_data`` when installed), except the files in ``allow``;
    - the files in ``protect`` (a run's own input scenario), through any link.

    The temporary file is named ``<name>.forcecalc-partial-<random>.tmp`` and removed on any
    failure, on Ctrl-C (SIGINT) and on SIGTERM or SIGHUP, which then end the process as they
    would have.

    Parameters
    ----------
    path : path-like
        Destination file.
    text : str or bytes
        Content, written as UTF-8 (bytes as they are: a PNG image).
    protect : iterable of path-like
        Files that must never be overwritten (a run's own input scenario).
    allow : iterable of path-like
        Files of forcecalc's own data that may be written (``forcecalc schema`` regenerating
        the shipped ``scenarios/scenario.schema.json``).

    Raises
    ------
    ParameterError
        Naming the parameter ``output`` and ``path``.
    """
    path = Path(path)
    for other in protect:
        if _same_file(path, Path(other)):
            raise _refused(
                path,
                "the run's own input file",
                "another path (forcecalc never writes over its input)",
            )
    _check_target(path)
    target = _through_links(path)
    _check_not_own_data(path, target, allow)
    with _signals_raise():
        _write_replace(path, target, text)


def _refused(path: Path, got: str, expected: str) -> ParameterError:
    return ParameterError("output", got, expected, str(path))


def _write_replace(path: Path, target: Path, text: str | bytes) -> None:
    """Write a temporary file beside ``target`` and rename it over ``target``."""
    tmp = None
    binary = isinstance(text, bytes)
    try:
        fd, tmp = _create_temporary(target.parent, target.name)
        text_mode = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, "wb" if binary else "w", **text_mode) as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(target, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        if tmp is None:
            got, expected = "a folder that cannot be written", "a writable location"
        else:
            got, expected = "a write failure", "a writable file (any previous file is left intact)"
        raise _refused(path, f"{got} ({exc.strerror or exc})", expected) from None
    except _Signalled as exc:
        _remove(tmp)
        _end_by(exc.signum)
        raise
    except BaseException:
        _remove(tmp)
        raise


def _remove(tmp: str | None) -> None:
    if tmp is not None:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise :class:`_Signalled` (main thread only: Python
    runs handlers there; the app's threads leave the signals alone)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}

    def handler(signum: int, frame: object) -> None:
        raise _Signalled(signum)

    for signum in _CLEANUP_SIGNALS:
        old = signal.getsignal(signum)
        if old is not signal.SIG_IGN:
            previous[signum] = old
            signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _end_by(signum: int) -> None:
    """End as the signal would have, now that the temporary file is gone."""
    signal.signal(signum, signal.SIG_DFL)
    signal.raise_signal(signum)
    raise SystemExit(128 + signum)  # pragma: no cover - the default action ends the process


def _check_target(path: Path) -> None:
    """Refuse a path that exists and is not a writable regular file (or a symlink to one).

    The rename would replace a FIFO, a device such as ``/dev/null`` or a socket with a
    regular file; a directory cannot be replaced at all; a read-only file is one a shell
    redirect refuses.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:  # a name too long, a loop of symlinks, a folder we cannot search
        if exc.errno == errno.ENOENT:
            return
        raise _refused(
            path, f"a path that cannot be used ({exc.strerror or exc})", "a writable file path"
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise _refused(
            path,
            file_kind(st.st_mode),
            "a regular file or a new path (forcecalc writes through a rename, which would "
            "replace it)",
        )
    if not _writable(st):
        raise _refused(
            path,
            f"a read-only file (mode {stat.filemode(st.st_mode)})",
            "a writable file (as a shell redirect would need)",
        )


def _writable(st: os.stat_result) -> bool:
    """Whether the mode bits let this process's user write the file (root included)."""
    if st.st_uid == os.geteuid():
        return bool(st.st_mode & stat.S_IWUSR)
    if st.st_gid == os.getegid() or st.st_gid in os.getgroups():
        return bool(st.st_mode & stat.S_IWGRP)
    return bool(st.st_mode & stat.S_IWOTH)


def _through_links(path: Path) -> Path:
    """The file a path names after following its symlinks (the path itself if none).

    Raises
    ------
    ParameterError
        For a symlink whose target does not exist (it would be created where the link
        points, a place the user may not have meant).
    """
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if not target.exists():
        raise _refused(
            path,
            f"a symlink to nothing ({os.readlink(path)})",
            "a regular file, a symlink to one, or a new path",
        )
    return target


def _own_data() -> list[Path]:
    """The folders of forcecalc's own data: its register, its scenarios, the package."""
    return [Path(os.path.realpath(d)) for d in (register_dir(), scenarios_dir(), _PACKAGE)]


def _check_not_own_data(path: Path, target: Path, allow: Iterable[Path | str]) -> None:
    """Refuse a target inside forcecalc's own data, unless it is one of ``allow``."""
    real = Path(os.path.realpath(target))
    if real in {Path(os.path.realpath(a)) for a in allow}:
        return
    for folder in _own_data():
        if real.is_relative_to(folder):
            raise _refused(
                path,
                f"a file in forcecalc's own data ({folder})",
                "a path outside forcecalc's register, shipped scenarios and package",
            )


def _same_file(path: Path, other: Path) -> bool:
    """Whether two paths name one file: through symlinks, ``..`` or a hard link."""
    try:
        return os.path.samefile(path, other)
    except OSError:  # either does not exist (yet)
        return False


def _create_temporary(folder: Path, name: str) -> tuple[int, str]:
    """Create ``<name>.forcecalc-partial-<random>.tmp`` in ``folder``; the umask applies."""
    while True:
        tmp = str(folder / f"{name}{TEMPORARY_MARK}{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:  # pragma: no cover - a 48-bit collision
            continue


def _keep_mode(path: Path, tmp: str) -> None:
    """Give the new file the permissions of the file it replaces, if there is one."""
    with contextlib.suppress(OSError):
        os.chmod(tmp, path.stat().st_mode & 0o7777)
