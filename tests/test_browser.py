"""The planner app in a real browser: ``streamlit run app.py`` opened in headless Chromium.

Playwright drives Debian's Chromium (``apt-get install chromium``; ``.ci/run`` installs it), not
a browser of its own. The test starts the server on a free localhost port, waits for the headline
metric, checks its text against the library, saves ``docs/screenshot.png`` (the README's
picture) and always stops the server it started.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from forcecalc import run
from forcecalc.planner import read_shipped
from forcecalc.render import fmt_number
from forcecalc.resources import DEFAULT_SCENARIO

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOT = REPO / "docs" / "screenshot.png"
START_TIMEOUT_S = 90.0

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def free_port() -> int:
    """A TCP port on localhost that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_healthy(url: str, server: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Poll Streamlit's health endpoint until it answers, the server dies or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode} before serving")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout_s:.0f} s")


@pytest.fixture
def server_url() -> Iterator[str]:
    """``streamlit run app.py`` on a free localhost port, stopped after the test."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    server = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, START_TIMEOUT_S)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def test_the_app_shows_the_headline_in_chromium(server_url: str) -> None:
    expected = fmt_number(
        run(read_shipped(DEFAULT_SCENARIO).parse()).summary.metrics["deployed"].p50, "personnel"
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server_url, wait_until="domcontentloaded")
            metric = page.locator('[data-testid="stMetric"]').first
            metric.wait_for(timeout=60_000)
            assert "Deployed (P50)" in metric.inner_text()
            value = metric.locator('[data-testid="stMetricValue"]')
            assert value.inner_text().strip() == expected
            page.locator('[data-testid="stVegaLiteChart"], canvas').first.wait_for(
                state="attached", timeout=30_000
            )
            assert page.locator('[data-testid="stException"]').count() == 0
            page.wait_for_timeout(1500)  # let the charts draw before the picture
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
