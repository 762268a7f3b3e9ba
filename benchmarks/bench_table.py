"""The README's benchmark table, rendered from ``bench.py --json`` output.

    python benchmarks/bench.py --markdown results.json            # print the table
    python benchmarks/bench.py --markdown results.json --readme   # and replace it in README.md

The README holds the table between the markers :data:`START` and :data:`END`.
"""

from __future__ import annotations

import json
from pathlib import Path

START = "<!-- bench-table:start (python benchmarks/bench.py --markdown FILE.json --readme) -->"
END = "<!-- bench-table:end -->"
VERDICT = {True: "met", False: "**missed**", None: ""}


def cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(results: dict) -> str:
    """The table of a results file: one line per row, then a line per failed section."""
    meta = results.get("meta", {})
    lines = [
        f"Run of {meta.get('date', '?')} on commit {meta.get('commit', '?')} "
        f"({meta.get('preset', '?')} run, {meta.get('cpus', '?')} cores, load average "
        f"{meta.get('load_start', '?')} → {meta.get('load_end', '?')}, numpy "
        f"{meta.get('numpy', '?')}; baseline: {meta.get('baseline') or 'none'}).",
        "",
        "| benchmark | measured | target | |",
        "| :--- | :--- | :--- | :--- |",
    ]
    for row in results["rows"]:
        lines.append(
            f"| {cell(row['name'])} | {cell(row['display'])} | {cell(row['target'])} | "
            f"{VERDICT[row['met']]} |"
        )
    for section, error in results.get("errors", {}).items():
        lines.append(f"| {cell(section)} | failed: {cell(error)} | | **failed** |")
    return "\n".join(lines) + "\n"


def replace_in_readme(readme: Path, table: str) -> None:
    """Put ``table`` between the markers of ``readme`` (both must be there)."""
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme}: no {START} … {END} block to replace")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{table}{END}{tail}", encoding="utf-8")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
