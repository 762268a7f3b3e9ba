"""Hostile scenarios for the app's tests and load benchmark: Markdown, HTML and URLs in its text.

:func:`hostile_text` is the default scenario with its name, description, a contributor, a
figure's note and a source's title replaced by text that, rendered as Markdown, would fetch
images from an outside host and show links to it. :func:`many_pledges_text` is a valid scenario
with thousands of pledges, and :func:`many_tasks_text` one with thousands of uncertain tasks,
for the limits of the Assumptions and Drivers tabs.
"""

from __future__ import annotations

import json
import re

from forcecalc.app.texts import read_shipped
from forcecalc.scenario.resources import DEFAULT_SCENARIO

#: The outside host every hostile text points to (``.example`` is reserved: it never resolves).
OUTSIDE = "evil.example"

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def literal(shown: str) -> str:
    """What Markdown shows for text escaped by :func:`forcecalc.app.widgets.plain`: its
    backslash escapes undone and its zero-width spaces (that keep URLs from links) left out."""
    return _ESCAPED.sub(r"\1", shown).replace("\u200b", "")


#: Markdown and HTML a scenario's text must never be rendered as.
HOSTILE = (
    f"![pixel](http://{OUTSIDE}/pixel.png) [verify the figures here](http://{OUTSIDE}/verify) "
    f'<img src="http://{OUTSIDE}/img.png"> <a href="http://{OUTSIDE}/a">a link</a> '
    f"https://{OUTSIDE}/bare www.{OUTSIDE} <http://{OUTSIDE}/angle> **bold** $x^2$ :red[red] "
    f"&lt;b&gt; `code` ``"
)


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON's quoting is YAML's)."""
    return json.dumps(text)


def hostile_text() -> str:
    """The default scenario with :data:`HOSTILE` text in every free-text place the app shows."""
    text = read_shipped(DEFAULT_SCENARIO).text
    replacements = {
        "name: Basic ceasefire mission (seed 001)": f"name: {quoted('Mission ' + HOSTILE)}",
        "description: >-\n": f"description: {quoted('About ' + HOSTILE)}\nunused_description: >-\n",
        "contributor: Germany": f"contributor: {quoted('Germany` ' + HOSTILE)}",
        "    note: 100,000 with rotation": f"    note: {quoted('Note ' + HOSTILE)}\n    x_note: 1",
        "title: Report on the coalition": f"title: {quoted('Title ' + HOSTILE)}\n      x_title: R",
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return _drop_fillers(text)


def _drop_fillers(text: str) -> str:
    """``text`` without the placeholder keys :func:`hostile_text` pushed the old values to."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped.startswith(("unused_description:", "x_note:", "x_title:")):
            skipping = stripped.startswith("unused_description:")
            continue
        if skipping and line.startswith("  "):
            continue
        skipping = False
        out.append(line)
    return "".join(out)


_TASK = """  - name: task_{i}
    category: military
    basis: per_km_front
    rate:
      low: 0.{r}1
      high: 0.{r}9
      assumption: load test
"""

_PLEDGE = """    - contributor: Contributor {i}
      personnel:
        value: {n}
        assumption: load test
"""


def many_tasks_text(n: int) -> str:
    """A valid scenario of ``n`` uncertain tasks (each a per-km rate) and no pledges."""
    tasks = "".join(_TASK.format(i=i, r=1 + i % 8) for i in range(n))
    return (
        "schema_version: 1\nname: Many tasks\ndescription: load test\n"
        "geometry:\n  front_length_km:\n    low: 900\n    high: 1100\n    assumption: load test\n"
        "  buffer_width_km:\n    value: 10\n    assumption: load test\n"
        f"tasks:\n{tasks}"
        "sustainment:\n  rotation_multiplier:\n    value: 2\n    assumption: load test\n"
    )


def many_pledges_text(n: int) -> str:
    """The default scenario with ``n`` more point pledges, each from its own contributor."""
    text = read_shipped(DEFAULT_SCENARIO).text
    pledges = "".join(_PLEDGE.format(i=i, n=1 + i % 50) for i in range(n))
    marker = "  pledges:\n"
    assert text.count(marker) == 1
    return text.replace(marker, marker + pledges)
