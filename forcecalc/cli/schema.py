"""``forcecalc schema``: print the JSON Schema of the scenario format, for editors.

The shipped copy is regenerated with
``forcecalc schema --output scenarios/scenario.schema.json``; a test checks it is current.
"""

from __future__ import annotations

import argparse
import sys

from forcecalc.cli.options import EXIT_OK, Command
from forcecalc.scenario.files import write_atomic
from forcecalc.scenario.resources import scenarios_dir
from forcecalc.scenario.schema import schema_text

#: The shipped copy: the one file of forcecalc's own data a command may write.
SHIPPED_SCHEMA = "scenario.schema.json"


def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically)")


def cmd_schema(args: argparse.Namespace) -> int:
    """Print (or write) the JSON Schema generated from the format declarations."""
    if args.output:
        write_atomic(args.output, schema_text(), allow=[scenarios_dir() / SHIPPED_SCHEMA])
    else:
        sys.stdout.write(schema_text())
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "schema": (
        "print the JSON Schema of the scenario format (for editors)",
        _schema_args,
        cmd_schema,
    ),
}
