"""The app against hostile input: text that is Markdown or HTML, and scenarios large enough to
exhaust a server that drew everything (issue 11, defects 1 and 3).

Every user-provided text goes through :func:`forcecalc.app.widgets.plain` where Streamlit reads
Markdown, or into ``st.text``, ``st.code`` or a table; the browser test
(``tests/test_browser.py``) checks the same page in Chromium.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from forcecalc import parse_scenario
from forcecalc.app import drivers
from forcecalc.app.assumptions_tab import MAX_EDITABLE
from forcecalc.app.memo import BoundedCache, bounded, size_of
from forcecalc.app.sidebar import PASTE, UPLOAD
from forcecalc.app.widgets import plain
from forcecalc.scenario.files import MAX_BYTES
from tests.hostile import (
    HOSTILE,
    OUTSIDE,
    hostile_text,
    literal,
    many_pledges_text,
    many_tasks_text,
)

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")


@given(hs.text())
@example(HOSTILE)
@example("a\\`b` ![x](http://e.example/x.png)\n# heading\n1. item")
def test_plain_escapes_every_punctuation_character_and_shows_the_text(text: str) -> None:
    shown = plain(text)
    assert literal(shown) == " ".join(text.split()).replace("\u200b", "")
    rendered = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", shown)  # zero-width spaces kept
    assert not re.search(r"(?i)(?<!\u200b)://|www\.|(?<!\u200b)@", rendered)  # no autolink
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", shown)
    assert not re.search(r"[!-/:-@\[-`{-~]", unescaped)
    assert "\n" not in shown


def markdown_values(at: AppTest) -> list[str]:
    """Every text on the page that Streamlit reads as Markdown: titles, Markdown, captions,
    alerts, metric and widget labels, expander and tab labels."""
    values = [
        e.value
        for kind in (at.title, at.header, at.subheader, at.markdown, at.caption)
        for e in kind
    ]
    values += [e.value for kind in (at.error, at.info, at.warning, at.success) for e in kind]
    values += [m.label for m in at.metric] + [e.label for e in at.expander]
    values += [t.label for t in at.tabs]
    for kind in (at.button, at.number_input, at.radio, at.selectbox, at.text_area):
        values += [str(w.label) + str(w.help or "") for w in kind]
    return values


def start_with(text: str, samples: int = 1024) -> AppTest:
    """The app on a pasted scenario."""
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.select_slider(key="samples").set_value(samples).run()
    at.radio(key="origin").set_value(PASTE).run()
    at.text_area(key="paste").set_value(text).run()
    return at


def test_a_hostile_scenario_is_shown_as_text_never_as_markdown() -> None:
    at = start_with(hostile_text())
    assert not at.exception and not at.error
    scenario = parse_scenario(hostile_text(), "pasted.yaml")
    assert at.title[0].value == plain(scenario.name)
    assert literal(at.title[0].value) == scenario.name
    assert scenario.description in [t.value for t in at.text]  # st.text reads no Markdown
    values = markdown_values(at)
    assert any("evil\\.example" in v for v in values)  # the hostile text is on the page ...
    for value in values:  # ... but never a URL, image, link, tag or code span of it
        assert OUTSIDE not in value, value
        for markup in ("![", "](", "**", "``", ":red["):  # each escaped would be \!\[ ...
            assert markup not in value, value
        assert not re.search(r"(?<!\\)<(img|a |http)", value), value


def test_an_error_quoting_a_users_key_is_escaped() -> None:
    text = hostile_text().replace(
        "schema_version: 1\n", f'schema_version: 1\n"![k](http://{OUTSIDE}/k.png)": 1\n'
    )
    at = start_with(text)
    assert not at.exception
    assert at.error
    for e in at.error:
        assert OUTSIDE not in e.value and "![k](http" not in e.value
    assert any("evil\\.example" in e.value for e in at.error)


def test_an_upload_over_the_loaders_limit_is_refused_without_reading_it_all() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.radio(key="origin").set_value(UPLOAD).run()
    data = b"# " + b"x" * (MAX_BYTES + 10)
    at.file_uploader(key="upload").upload("big.yaml", data, "application/x-yaml")
    at.run()
    assert not at.exception
    assert [literal(e.value) for e in at.error] == [
        f"big.yaml: got a file over {MAX_BYTES:,} bytes; expected a smaller file"
    ]


def test_the_streamlit_config_limits_uploads_and_hides_the_developer_menu() -> None:
    config = (REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "maxUploadSize = 1\n" in config and MAX_BYTES <= 2**20
    assert 'toolbarMode = "minimal"' in config
    assert "gatherUsageStats = false" in config


def test_thousands_of_pledges_show_a_bounded_number_of_inputs_quickly() -> None:
    """Not one input per pledge: 8,008 of them took 80 s a rerun. (The first run after the
    paste also parses the file: the loader's time, about 3 ms a pledge.)"""
    text = many_pledges_text(3_000)
    at = start_with(text)
    assert not at.exception and not at.error
    assert len(at.number_input) < 4 * MAX_EDITABLE + 40
    assert any(f"The first {MAX_EDITABLE:,} of" in literal(c.value) for c in at.caption)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    assert not at.exception and not at.error
    assert elapsed < 20, f"a rerun took {elapsed:.0f} s"


def test_the_pledge_duplicate_check_is_linear() -> None:
    small, large = many_pledges_text(1_000), many_pledges_text(8_000)
    t0 = time.perf_counter()
    parse_scenario(small, "s.yaml")
    t1 = time.perf_counter()
    parse_scenario(large, "l.yaml")
    t2 = time.perf_counter()
    assert (t2 - t1) < 20 * (t1 - t0) + 1.0  # 8 times the pledges, not 64 times the time


def test_the_tornado_runs_at_once_only_for_a_small_scenario() -> None:
    assert drivers.tornado_plan(drivers.AUTO_TORNADO_FIGURES) == "auto"
    assert drivers.tornado_plan(drivers.AUTO_TORNADO_FIGURES + 1) == "ask"
    assert drivers.tornado_plan(drivers.MAX_TORNADO_FIGURES + 1) == "refuse"


def test_a_scenario_of_many_uncertain_tasks_asks_before_its_tornado() -> None:
    at = start_with(many_tasks_text(drivers.AUTO_TORNADO_FIGURES + 10))
    assert not at.exception and not at.error
    [go] = [b for b in at.button if b.key == "tornado_go"]
    assert "tornado_out" not in [r.key for r in at.radio]  # not computed until asked
    go.click().run()
    assert not at.exception
    assert "tornado_out" in [r.key for r in at.radio]


def test_the_cache_is_bounded_in_bytes() -> None:
    cache = BoundedCache(10_000)
    for i in range(10):
        cache.put(i, bytes(2_000))
    assert cache.nbytes <= 10_000 and 0 < len(cache) < 10
    assert cache.get(9)[0] and not cache.get(0)[0]  # the most recent kept, the oldest dropped
    cache.put("big", bytes(5_000))  # over a quarter of the bound: not kept
    assert not cache.get("big")[0]
    calls = []

    @bounded(10_000)
    def double(x: int) -> int:
        calls.append(x)
        return 2 * x

    assert double(3) == double(3) == 6 and calls == [3]
    assert size_of(bytes(1_000)) >= 1_000
