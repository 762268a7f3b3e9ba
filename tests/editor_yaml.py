"""YAML as an editor reads it: the YAML 1.2 core schema, for checking files against the schema.

The loader reads YAML 1.1 through PyYAML, where ``yes`` is a boolean, ``010`` is eight and
``2024-08-01`` a date. Editors (the YAML language server) read YAML 1.2, where the first is
text, the second ten and the third text; the JSON Schema describes data read that way.
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class EditorLoader(yaml.SafeLoader):
    """A safe loader resolving plain scalars by the YAML 1.2 core schema (no timestamps)."""


EditorLoader.yaml_implicit_resolvers = {}
_RESOLVERS = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
)
for _tag, _pattern, _first in _RESOLVERS:
    EditorLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
EditorLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    return int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)


EditorLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def editor_load(text: str) -> Any:
    """The data an editor sees in ``text``."""
    return yaml.load(text, Loader=EditorLoader)  # a SafeLoader subclass: safe
