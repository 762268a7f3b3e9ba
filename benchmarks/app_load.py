"""A bounded load test of the planner app: concurrent sessions and one hostile visitor.

Starts ``streamlit run app.py`` on a free port of 127.0.0.1 (with the checkout's
``.streamlit/config.toml``), opens sessions over Streamlit's own WebSocket protocol (no browser),
and stops the server when done or after ``--timeout`` seconds, whichever comes first. Nothing
leaves the loopback interface. Two phases, each every session rerunning the default page
``--reruns`` times at once:

1. ``--sessions`` ordinary sessions alone;
2. the same sessions while one hostile visitor pastes a scenario of ``--tasks`` uncertain tasks
   (a tornado of it would need memory growing with the square of that number) and sends an
   upload far over the size limit.

It reports the server's peak resident memory and the ordinary sessions' rerun latency in both
phases, and fails (exit 1) when the memory exceeds ``--max-mib`` or the median latency with the
hostile visitor exceeds ``--max-ratio`` times the median without::

    python benchmarks/app_load.py                     # 20 sessions, 1,000 tasks
    python benchmarks/app_load.py --sessions 5 --tasks 300

``tests/test_load.py`` runs a small version of it.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import ClientConnection, connect

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from forcecalc.app.drivers import AUTO_TORNADO_FIGURES, MAX_TORNADO_FIGURES  # noqa: E402
from tests.hostile import hostile_text, many_tasks_text  # noqa: E402

HOST = "127.0.0.1"
#: Longest a single rerun may take before the benchmark gives up on it. [s]
RERUN_TIMEOUT_S = 300.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    """The resident memory of a process now, in MiB (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


@contextmanager
def app_server(log: Path, timeout_s: float) -> Iterator[tuple[str, int]]:
    """``streamlit run app.py`` on loopback; yields its URL and pid; always stopped."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.address", HOST, "--server.port", str(port),
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    watchdog = threading.Timer(timeout_s, server.kill)  # stops by itself, whatever happens
    watchdog.start()
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        else:
            raise RuntimeError(f"streamlit did not start (see {log})")
        yield url, server.pid
    finally:
        watchdog.cancel()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def stream(url: str) -> ClientConnection:
    """A WebSocket to the server's session stream (a context manager)."""
    return connect(
        url.replace("http", "ws", 1) + "/_stcore/stream",
        subprotocols=["streamlit"],  # type: ignore[list-item]
        max_size=None,
        open_timeout=60,
    )


class Session:
    """One visitor over Streamlit's WebSocket: reruns the page with some widget values."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.widgets: dict[str, str] = {}  # widget label → id
        self.session_id = ""
        self.labels: set[str] = set()  # the widgets' labels of the last rerun

    def rerun(self, values: Mapping[str, str] | None = None) -> float:
        """Rerun the page with widgets (by label) set to string values; its time in s."""
        msg = BackMsg()
        msg.rerun_script.query_string = ""  # a rerun, with the widgets below set
        for label, value in (values or {}).items():
            msg.rerun_script.widget_states.widgets.append(
                WidgetState(id=self.widgets[label], string_value=value)
            )
        self.labels = set()
        started = time.perf_counter()
        self.ws.send(msg.SerializeToString())
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(self.ws.recv(timeout=RERUN_TIMEOUT_S))
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self.session_id = forward.new_session.initialize.session_id
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                widget = getattr(element, element.WhichOneof("type") or "", None)
                if getattr(widget, "id", "") and getattr(widget, "label", ""):
                    self.widgets[widget.label] = widget.id
                    self.labels.add(widget.label)
            elif kind == "script_finished":
                return time.perf_counter() - started


def ordinary(url: str, reruns: int, latencies: list[float], failures: list[str]) -> None:
    """An ordinary visitor: opens the page and reruns it ``reruns`` times."""
    try:
        with stream(url) as ws:
            session = Session(ws)
            session.rerun()
            for _ in range(reruns):
                latencies.append(session.rerun())
    except Exception as exc:  # reported, and the benchmark fails
        failures.append(f"{type(exc).__name__}: {exc}")


def hostile(url: str, tasks: int, failures: list[str]) -> None:
    """The hostile visitor: a paste of many uncertain tasks, then hostile Markdown, then an
    upload over the limit sent straight to the upload endpoint."""
    try:
        with stream(url) as ws:
            session = Session(ws)
            session.rerun()
            session.rerun({"Scenario from": "Paste YAML"})
            session.rerun({"Scenario from": "Paste YAML", "Scenario YAML": many_tasks_text(tasks)})
            ask = f"Compute the tornado of {tasks + 3:,} figures"  # and 3 others
            asks = AUTO_TORNADO_FIGURES < tasks + 3 <= MAX_TORNADO_FIGURES
            if asks and ask not in session.labels:
                failures.append(f"hostile: no button '{ask}' after the paste")
            session.rerun({"Scenario from": "Paste YAML", "Scenario YAML": hostile_text()})
            request = urllib.request.Request(
                f"{url}/_stcore/upload_file/{session.session_id}/big",
                data=b"x" * (8 * 2**20),
                method="PUT",
                headers={"Content-Type": "application/octet-stream"},
            )
            try:
                urllib.request.urlopen(request, timeout=60)
                failures.append("an 8 MiB upload was accepted")
            except urllib.error.HTTPError as exc:  # refused: 403 (no XSRF token) or 413
                if exc.code not in (400, 403, 413):
                    failures.append(f"the 8 MiB upload got HTTP {exc.code}")
            except (urllib.error.URLError, ConnectionError):
                pass  # the server closed the connection on it: refused too
    except Exception as exc:
        failures.append(f"hostile: {type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class LoadResult:
    """What one load test measured."""

    sessions: int
    tasks: int
    peak_mib: float
    warm_mib: float
    median_alone_s: float
    median_with_hostile_s: float
    max_with_hostile_s: float
    failures: tuple[str, ...]

    @property
    def ratio(self) -> float:
        return self.median_with_hostile_s / self.median_alone_s

    def report(self) -> str:
        return (
            f"{self.sessions} sessions + 1 hostile ({self.tasks:,} uncertain tasks, an 8 MiB "
            f"upload): server {self.warm_mib:,.0f} MiB after one session, peak "
            f"{self.peak_mib:,.0f} MiB; rerun median "
            f"{self.median_alone_s:.2f} s alone, {self.median_with_hostile_s:.2f} s with the "
            f"hostile visitor ({self.ratio:.2f}x; slowest {self.max_with_hostile_s:.2f} s)"
            + (f"; failures: {list(self.failures)}" if self.failures else "")
        )


def phase(url: str, sessions: int, reruns: int, tasks: int | None) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    failures: list[str] = []
    threads = [
        threading.Thread(target=ordinary, args=(url, reruns, latencies, failures))
        for _ in range(sessions)
    ]
    if tasks is not None:
        threads.append(threading.Thread(target=hostile, args=(url, tasks, failures)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, failures


def measure(
    sessions: int = 20, tasks: int = 1_000, reruns: int = 2, timeout_s: float = 900.0
) -> LoadResult:
    """Run both phases against a fresh server; see the module's docstring."""
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"forcecalc-load-{os.getpid()}.log"
    with app_server(log, timeout_s) as (url, pid):
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], rss_mib(pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, failures = phase(url, 1, 1, None)  # fills the caches of the default page
        warm = rss_mib(pid)
        alone, more = phase(url, sessions, reruns, None)
        with_hostile, most = phase(url, sessions, reruns, tasks)
        done.set()
        sampler.join()
    return LoadResult(
        sessions,
        tasks,
        peak[0],
        warm,
        statistics.median(alone or [float("nan")]),
        statistics.median(with_hostile or [float("nan")]),
        max(with_hostile or [float("nan")]),
        tuple(failures + more + most),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=1_000)
    parser.add_argument("--reruns", type=int, default=2)
    parser.add_argument("--max-mib", type=float, default=1_536.0)
    parser.add_argument("--max-ratio", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args(argv)
    result = measure(args.sessions, args.tasks, args.reruns, args.timeout)
    print(result.report())
    ok = not result.failures and result.peak_mib <= args.max_mib
    ok = ok and result.ratio <= args.max_ratio
    verdict = "ok" if ok else "FAILED"
    print(f"bounds: peak <= {args.max_mib:,.0f} MiB, ratio <= {args.max_ratio:g}x: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
