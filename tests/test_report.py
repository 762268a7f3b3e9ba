"""``forcecalc report``: one self-contained HTML page (no address anywhere but in escaped text,
every section, the scenario's text escaped), opened and printed by real Chromium."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from forcecalc.cli import command as cli
from forcecalc.cli import report as cli_report
from forcecalc.report.brief import SECTIONS
from forcecalc.report.render import sources_rows
from forcecalc.scenario.loader import load_scenario
from tests.hostile import OUTSIDE, hostile_text

pytest.importorskip("vl_convert", reason="vl-convert-python is not installed")

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
REASSURANCE = SCENARIOS / "reassurance-force.yaml"
BUFFER_ZONE = SCENARIOS / "seed-000-buffer-zone.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class Page(HTMLParser):
    """Every tag with its attributes, and the text, of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self.comments: list[str] = []
        self._in_style = False

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def parsed(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def report(tmp_path: Path, scenario: Path, *extra: str) -> str:
    out = tmp_path / "brief.html"
    code = cli.main(["report", str(scenario), "--samples", "512", "-o", str(out), *extra])
    assert code == 0
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> str:
    return report(tmp_path_factory.mktemp("brief"), REASSURANCE)


def addresses_outside_text(html: str) -> list[str]:
    """Every http(s) address in a tag, an attribute or the style sheet: what a browser could
    fetch or follow (the page's text may quote one, escaped)."""
    page = parsed(html)
    found = [
        f"<{tag} {k}={v}>"
        for tag, attrs in page.tags
        for k, v in attrs.items()
        if v and re.search(r"https?:|//", v)
    ]
    found += [s for s in page.styles if re.search(r"https?:|url\(|@import", s)]
    found += [f"<!--{c}-->" for c in page.comments if "http" in c]
    # every address of the page's source is in its text (escaping leaves the letters alone)
    address = re.compile(r"https?:", re.IGNORECASE)
    in_text = sum(len(address.findall(t)) for t in page.text)
    if len(address.findall(html)) != in_text:
        found.append(f"{len(address.findall(html)) - in_text} outside the text")
    return found


def test_the_page_names_no_address_and_loads_nothing(brief: str) -> None:
    assert addresses_outside_text(brief) == []
    tags = {tag for tag, _ in parsed(brief).tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert "Content-Security-Policy" in brief and "default-src 'none'" in brief


def test_every_section_is_there_with_its_chart(brief: str) -> None:
    page = parsed(brief)
    ids = [attrs.get("id") for tag, attrs in page.tags if tag == "section"]
    assert ids == list(SECTIONS)  # the reassurance force has a timeline and a front
    assert sum(1 for tag, _ in page.tags if tag == "svg") == 4  # distribution to fan chart
    text = " ".join(page.text)
    for needed in ("Drivers of committed", "committed against geometry.front_length_km"):
        assert needed in text
    assert "P(pledges suffice)" in text and "shortfall" in text
    assert "UNIFIL" in text  # a precedent
    assert "forcecalc 0.1.0" in text and "seed 20250101" in text  # the provenance


def test_the_sources_table_quotes_every_figure_in_its_own_language(brief: str) -> None:
    rows = sources_rows(load_scenario(REASSURANCE))
    sources = brief.split('id="sources"')[1].split("</section>")[0]
    for row in rows:
        assert f"<td>{html.escape(row['figure'])}</td>" in sources
        for column in ("source", "quote", "gloss"):
            assert html.escape(row[column]) in sources
    assert any(re.search(r"[^\x00-\x7f]", r["quote"]) for r in rows)  # not only English


def test_the_caveats_name_the_assumptions_that_drive_the_answer(brief: str) -> None:
    caveats = brief.split('id="caveats"')[1].split("</section>")[0]
    items = re.findall(r"<li>(.*?)</li>", caveats)
    assert items and all("is an assumption" in i and "moves committed" in i for i in items)


def test_a_scenario_without_timeline_or_pledges_leaves_those_out(tmp_path: Path) -> None:
    html = report(tmp_path, BUFFER_ZONE)
    ids = [a.get("id") for tag, a in parsed(html).tags if tag == "section"]
    assert "timeline" not in ids and "headline" in ids and "provenance" in ids
    assert "P(pledges suffice)" not in html


def test_a_hostile_scenarios_text_is_escaped_never_markup(tmp_path: Path) -> None:
    scenario = tmp_path / "shared.yaml"
    scenario.write_text(hostile_text(), encoding="utf-8")
    html = report(tmp_path, scenario)
    page = parsed(html)
    text = " ".join(page.text)
    assert f'<img src="http://{OUTSIDE}/img.png">' in text  # shown as text
    assert f"&lt;img src=&quot;http://{OUTSIDE}/img.png&quot;&gt;" in html  # escaped
    assert not [t for t, a in page.tags if t in ("img", "a")]
    assert not [v for _, a in page.tags for v in a.values() if v and OUTSIDE in v]
    assert addresses_outside_text(html) == []


def test_the_report_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report"]) == 2
    assert "--output" in capsys.readouterr().err


def test_pdf_without_chromium_is_one_line(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    code = cli.main(["report", "--format", "pdf", "-o", str(tmp_path / "b.pdf")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Chromium" in err
    assert not (tmp_path / "b.pdf").exists()


# --------------------------------------------------------------------------------------------
# Real Chromium


needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing")


@needs_chromium
def test_chromium_opens_it_without_a_request_or_console_error(brief: str, tmp_path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    path = tmp_path / "brief.html"
    path.write_text(brief, encoding="utf-8")
    requests: list[str] = []
    blocked: list[str] = []
    problems: list[str] = []

    def route(r) -> None:
        if r.request.url == path.as_uri():
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", route)
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.goto(path.as_uri(), wait_until="load")
            shown = page.inner_text("body")
            charts = page.locator("svg").count()
            pdf = page.pdf(format="A4")
        finally:
            browser.close()
    assert requests == [path.as_uri()] and blocked == []
    assert problems == []
    assert "Headline" in shown and "Provenance" in shown and charts == 4
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


@needs_chromium
def test_format_pdf_prints_through_headless_chromium(brief: str) -> None:
    pdf = cli_report.print_pdf(brief)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
