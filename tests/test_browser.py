"""The planner app in a real browser: ``streamlit run app.py`` opened in headless Chromium.

Playwright drives Debian's Chromium (``apt-get install chromium``; ``.ci/run`` installs it), not
a browser of its own. The test starts the server on a free localhost port (another port if that
one is taken before the server binds it), waits for the headline metric, checks its text against
the library, takes a screenshot and always stops the server it started.

The screenshot goes to the test's temporary directory, so a run leaves the checkout as it was
(and works on a read-only one). To refresh the README's picture, name the file::

    FORCECALC_SCREENSHOT=docs/screenshot.png python -m pytest tests/test_browser.py

A relative path is taken from the checkout's root. The server's output is written to
``streamlit.log`` in the temporary directory and its end is quoted when the test fails.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from forcecalc import run
from forcecalc.app.texts import read_shipped
from forcecalc.core.timeline_run import run_timeline
from forcecalc.report.render import fmt_number
from forcecalc.scenario.loader import load_scenario
from forcecalc.scenario.resources import DEFAULT_SCENARIO
from tests.hostile import OUTSIDE, hostile_text

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: Environment variable naming where to save the screenshot (e.g. ``docs/screenshot.png``).
SCREENSHOT_ENV = "FORCECALC_SCREENSHOT"
START_TIMEOUT_S = 90.0
#: Servers started before giving up, each on a newly chosen port.
START_ATTEMPTS = 3
LOG_TAIL_LINES = 40

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def free_port() -> int:
    """A TCP port on localhost that nothing listens on now (it may be taken before it is used)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def screenshot_path(tmp_path: Path) -> Path:
    """Where to save the screenshot: ``$FORCECALC_SCREENSHOT`` if set, else ``tmp_path``."""
    named = os.environ.get(SCREENSHOT_ENV, "").strip()
    if not named:
        return tmp_path / "screenshot.png"
    path = Path(named)
    return path if path.is_absolute() else REPO / path


def tail(log: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of the server's log, to quote in a failure message."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(no log at {log}: {exc.strerror})"
    last = text.splitlines()[-lines:]
    return "\n".join(last) if last else "(the log is empty)"


@dataclass(frozen=True)
class Server:
    """A running ``streamlit run app.py``: its address and the file its output goes to."""

    url: str
    log: Path

    def explain(self, problem: str) -> str:
        """A failure message with the end of the server's log."""
        return f"{problem}\n--- last lines of {self.log} ---\n{tail(self.log)}"


def command(port: int) -> list[str]:
    """``streamlit run app.py`` headless on ``127.0.0.1:port``."""
    return [
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


def serving(url: str, log: Path) -> bool:
    """Whether our server says it serves ``url`` and its health endpoint answers there.

    Checking the log as well as the endpoint keeps another server that took the port from
    passing for ours.
    """
    said = f"URL: {url}"  # streamlit's own line, once it listens
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    if not any(line.strip() == said for line in lines):
        return False
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_until_serving(
    url: str, server: subprocess.Popen[bytes], log: Path, timeout_s: float
) -> bool:
    """Wait until the server serves ``url``; False if it exits first (e.g. the port was taken).

    Raises
    ------
    TimeoutError
        If it neither serves nor exits within ``timeout_s``, with the end of its log.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        if serving(url, log):
            return True
        time.sleep(0.25)
    raise TimeoutError(
        Server(url, log).explain(f"streamlit did not answer at {url} within {timeout_s:.0f} s")
    )


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop a server we started: terminate, then kill if it does not exit."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """``streamlit run app.py`` on a free localhost port, stopped after the test.

    A port found free can be taken by another process before streamlit binds it; streamlit
    then exits ("Port ... is already in use") and the server is started again on a new port.
    """
    log = tmp_path / "streamlit.log"
    for attempt in range(1, START_ATTEMPTS + 1):
        url = f"http://127.0.0.1:{free_port()}"
        with log.open("ab") as out:
            out.write(f"--- attempt {attempt}: {url} ---\n".encode())
            out.flush()
            process = subprocess.Popen(
                command(int(url.rsplit(":", 1)[1])),
                cwd=REPO,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},  # the log shows the URL at once
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            if wait_until_serving(url, process, log, START_TIMEOUT_S):
                yield Server(url, log)
                return
        finally:
            stop(process)
    raise RuntimeError(
        Server(url, log).explain(f"streamlit exited before serving, {START_ATTEMPTS} times")
    )


def test_the_app_shows_the_headline_in_chromium(server: Server, tmp_path: Path) -> None:
    expected = fmt_number(
        run(read_shipped(DEFAULT_SCENARIO).parse()).summary.metrics["deployed"].p50, "personnel"
    )
    picture = screenshot_path(tmp_path)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server.url, wait_until="domcontentloaded")
            metric = page.locator('[data-testid="stMetric"]').first
            metric.wait_for(timeout=60_000)
            assert "Deployed (P50)" in metric.inner_text(), server.explain("no headline")
            shown = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
            assert shown == expected, server.explain(f"headline {shown!r}, not {expected!r}")
            page.locator('[data-testid="stVegaLiteChart"], canvas').first.wait_for(
                state="attached", timeout=30_000
            )
            errors = page.locator('[data-testid="stException"]').all_inner_texts()
            assert not errors, server.explain(f"the page shows an exception: {errors}")
            page.wait_for_timeout(1500)  # let the charts draw before the picture
            picture.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(picture))
        except sync_api.Error as exc:  # a timeout or a closed page: say what the server said
            raise AssertionError(server.explain(f"the browser failed: {exc}")) from exc
        finally:
            browser.close()
    assert picture.stat().st_size > 10_000


TIMELINE = REPO / "tests" / "timeline" / "timeline.yaml"


def test_the_timeline_tab_draws_its_charts_in_chromium(server: Server) -> None:
    """Issue 12: a scenario with a timeline shows the library's mandate figures and both
    charts (fan and shortfall), drawn by Vega-Lite at 1366×768, that still fit a 390-px phone."""
    held = run_timeline(load_scenario(TIMELINE)).probabilities["p_no_shortfall_after_build_up"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(server.url, wait_until="domcontentloaded")
            page.get_by_text("Upload a file").click()  # the upload stops the first run
            page.locator('input[type="file"]').set_input_files(str(TIMELINE))
            page.locator("h1").filter(has_text="Timeline test force").wait_for(timeout=60_000)
            page.get_by_role("tab", name="Timeline").click()
            metric = page.locator('[data-testid="stMetric"]:visible').filter(
                has_text="P(no shortfall after the build-up)"
            )
            metric.wait_for(timeout=60_000)
            shown = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
            charts = page.locator('[data-testid="stVegaLiteChart"]:visible')
            charts.nth(1).locator("canvas, svg").first.wait_for(timeout=30_000)
            n_charts = charts.count()
            page.set_viewport_size({"width": 390, "height": 844})
            page.wait_for_timeout(500)
            narrow = charts.first.bounding_box()
            errors = page.locator('[data-testid="stException"]').all_inner_texts()
        except sync_api.Error as exc:
            raise AssertionError(server.explain(f"the browser failed: {exc}")) from exc
        finally:
            browser.close()
    assert not errors, server.explain(f"the page shows an exception: {errors}")
    assert shown == fmt_number(held, "probability")
    assert n_charts == 2
    assert narrow is not None and narrow["width"] <= 390  # fits the phone, no sideways scroll


def outside(url: str, server_url: str) -> bool:
    """Whether a request leaves the server: anything but its own origin and in-page data."""
    return not url.startswith((server_url + "/", "data:", "blob:", "about:"))


#: Tabs visited with the hostile scenario (every one that shows its text).
HOSTILE_TABS = ("Assumptions", "Breakdown", "Timeline", "Drivers", "Sweep", "Sources", "Download")


def test_a_hostile_scenario_fetches_nothing_outside_and_shows_no_link_or_image(
    server: Server, tmp_path: Path
) -> None:
    """Issue 11: a shared scenario's Markdown images made the browser fetch from an outside
    host and showed a clickable link; its text is now shown as text."""
    hostile = tmp_path / "shared.yaml"
    hostile.write_text(hostile_text(), encoding="utf-8")
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(server.url, wait_until="domcontentloaded")
            page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
            assert not page.locator('[data-testid="stAppDeployButton"]').count()
            assert not page.locator('[data-testid="stMainMenu"]').count()
            page.get_by_text("Upload a file").click()
            page.locator('input[type="file"]').set_input_files(str(hostile))
            title = page.locator("h1").filter(has_text=f"{OUTSIDE}/pixel")
            title.wait_for(timeout=60_000)
            shown_title = title.inner_text().replace("\u200b", "")
            assert f"![pixel](http://{OUTSIDE}/pixel.png)" in shown_title
            page.get_by_text("About this scenario").click()
            for tab in HOSTILE_TABS:
                page.get_by_role("tab", name=tab).click()
                page.wait_for_timeout(1500)
            page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
            links = page.eval_on_selector_all(
                "a[href]",
                "els => els.map(e => e.href + ' in ' + "
                "(e.closest('[data-testid]') || {}).getAttribute?.('data-testid'))",
            )
            links = [u.split(" in ")[0] + " in " + u.split(" in ")[-1] for u in links]
            images = page.eval_on_selector_all("img[src]", "els => els.map(e => e.src)")
            html = page.content()
            shown = page.inner_text("body").replace("\u200b", "")
            errors = page.locator('[data-testid="stException"]').all_inner_texts()
        except sync_api.Error as exc:
            raise AssertionError(server.explain(f"the browser failed: {exc}")) from exc
        finally:
            browser.close()
    assert not errors, server.explain(f"the page shows an exception: {errors}")
    assert f"www.{OUTSIDE}" in shown and "`code`" in shown  # the text is there, as text
    left = [u for u in requests if outside(u, server.url)]
    assert not left, f"requests left 127.0.0.1: {left}"
    assert not [u for u in links if outside(u, server.url)], links
    assert not [u for u in images if outside(u, server.url)], images
    tag = re.compile(rf"<[^>]*\s(href|src|srcset)=[\"']?https?://[^\"' >]*{re.escape(OUTSIDE)}")
    assert not tag.search(html), tag.search(html)  # nothing of it as an attribute, only as text


#: The tabs that draw charts, visited at each width (issue 14: none collapses on a phone).
CHART_TABS = ("Breakdown", "Distribution", "Drivers", "Compare", "Precedents")
#: The narrowest a chart may be drawn and still be read. [px]
MIN_CHART_WIDTH = 200
#: The narrowest a chart's plot area (inside its axes) may be. [px]
MIN_PLOT_WIDTH = 150


def chart_widths(page: object, tab: str, shots: Path) -> tuple[list[float], list[float]]:
    """The width of every chart the tab shows, once each has drawn, and of its plot area
    (inside the axes: the room long labels or a legend took left none); each picture is saved
    in ``shots``."""
    page.get_by_role("tab", name=tab).click()
    charts = page.locator('[data-testid="stVegaLiteChart"]:visible')
    charts.first.locator("canvas, svg").first.wait_for(timeout=60_000)
    page.wait_for_timeout(800)  # let a container-wide chart take its width
    widths, plots = [], []
    for i in range(charts.count()):
        drawn = charts.nth(i).locator("canvas, svg").first
        box = drawn.bounding_box()
        widths.append(box["width"] if box else 0.0)
        plot = charts.nth(i).locator(".role-frame.root path.background").first  # the plot area
        area = plot.bounding_box() if plot.count() else None
        plots.append(area["width"] if area else 0.0)
        charts.nth(i).screenshot(path=str(shots / f"{tab.lower()}-{i}.png"))
    return widths, plots


@pytest.mark.parametrize("width", [1400, 420])
def test_every_chart_keeps_a_usable_width_at_a_laptops_and_a_phones_width(
    server: Server, tmp_path: Path, width: int
) -> None:
    """Issue 14: at 420 px the Drivers, Precedents and Compare charts collapsed to no width
    (the labels took it all); every chart of every tab is now at least 200 px wide with a plot
    area of at least 150 px, and no console error."""
    console: list[str] = []
    found: dict[str, list[float]] = {}
    plots: dict[str, list[float]] = {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: console.append(str(exc)))
            page.goto(server.url, wait_until="domcontentloaded")
            page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
            page.screenshot(path=str(tmp_path / f"headline-{width}.png"))
            for tab in CHART_TABS:
                found[tab], plots[tab] = chart_widths(page, tab, tmp_path)
            errors = page.locator('[data-testid="stException"]').all_inner_texts()
        except sync_api.Error as exc:
            raise AssertionError(server.explain(f"the browser failed: {exc}")) from exc
        finally:
            browser.close()
    assert not errors, server.explain(f"the page shows an exception: {errors}")
    assert not console, f"console errors at {width} px: {console}"
    assert all(found.values()), f"a tab drew no chart at {width} px: {found}"
    narrow = {t: w for t, ws in found.items() for w in ws if w < MIN_CHART_WIDTH}
    assert not narrow, f"charts under {MIN_CHART_WIDTH} px at {width} px: {narrow}"
    assert all(w <= width for ws in found.values() for w in ws)  # no sideways scroll
    cramped = {t: w for t, ws in plots.items() for w in ws if w < MIN_PLOT_WIDTH}
    assert not cramped, f"plot areas under {MIN_PLOT_WIDTH} px at {width} px: {cramped}"
    assert (tmp_path / "distribution-1.png").stat().st_size > 5_000  # the exceedance curve


#: A scenario whose headline has the longest labels: densities per km of the whole line (it
#: has borders) and the pledges' shortfall.
LONG_LABELS = "deterrent-force-density.yaml"
#: The labels of the headline cut short: an element of a metric's label whose text is wider
#: than its box (Streamlit cuts it there with an ellipsis).
CUT_LABELS = """() => Array.from(document.querySelectorAll('[data-testid="stMetricLabel"]'))
  .filter(label => [label, ...label.querySelectorAll("*")]
    .some(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth))
  .map(label => label.innerText)"""


@pytest.mark.parametrize("width", [1400, 420])
def test_no_headline_label_is_cut_at_a_laptops_and_a_phones_width(
    server: Server, tmp_path: Path, width: int
) -> None:
    """Issue 14: "Pledges' gap to deploye…" was cut with an ellipsis; every label of the
    headline is now shown whole (a shorter label, or a wider cell for a long one)."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{server.url}?s={LONG_LABELS}", wait_until="domcontentloaded")
            page.get_by_text("Shortfall vs deployed (P50)").first.wait_for(timeout=60_000)
            page.wait_for_timeout(500)  # let the grid settle at the page's width
            labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
            cut = page.evaluate(CUT_LABELS)
            page.screenshot(path=str(tmp_path / f"labels-{width}.png"), full_page=True)
        except sync_api.Error as exc:
            raise AssertionError(server.explain(f"the browser failed: {exc}")) from exc
        finally:
            browser.close()
    assert "Deployed per km of the whole line (P50)" in [s.strip() for s in labels], labels
    assert len(labels) >= 7, labels
    assert not cut, f"headline labels cut at {width} px: {cut}"
