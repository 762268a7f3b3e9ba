"""``forcecalc schema``: print the JSON Schema of the scenario format, for editors.

The shipped copy is regenerated with
``forcecalc schema --output scenarios/scenario.schema.json``; a test checks it is current.
"""

from __future__ import annotations

import argparse

from forcecalc.cli.options import EXIT_OK, Command, emit
from forcecalc.scenario.schema import schema_text


def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically)")


def cmd_schema(args: argparse.Namespace) -> int:
    """Print (or write) the JSON Schema generated from the format declarations."""
    emit(schema_text(), args)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "schema": (
        "print the JSON Schema of the scenario format (for editors)",
        _schema_args,
        cmd_schema,
    ),
}
