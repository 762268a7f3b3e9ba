"""A JSON Schema (draft 2020-12) of the scenario format, generated from
:mod:`forcecalc.scenario.format`.

Editors that speak the YAML language server protocol read it through the first line of a
scenario, ``# yaml-language-server: $schema=scenario.schema.json``, to complete keys, show
what each means and flag mistakes while a planner types. ``forcecalc schema`` prints it; the
copy shipped as ``scenarios/scenario.schema.json`` is checked by a test to equal this output.

The schema is generated, never edited by hand: keys, kinds and options come from the format
declarations the loader validates against, units and domains from the glossary, and register
ids from the source register. It describes data, as an editor parses it with YAML 1.2, so some
of the loader's rules are beyond it; :data:`NOT_EXPRESSIBLE` lists them, and a test holds that
list to the bad-input corpus. The loader remains the authority: a file the schema accepts may
still be refused, with a one-line message, by ``forcecalc validate``.
"""

from __future__ import annotations

import json
from typing import Any

from forcecalc.core import glossary, limits
from forcecalc.core.scenario import Basis, Domain
from forcecalc.core.sources import Register
from forcecalc.scenario import format as fmt
from forcecalc.scenario.register import default_register

JSONSchema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"urn:forcecalc:scenario-format:{fmt.SCHEMA_VERSION}"
#: Name of the schema file shipped next to the scenarios.
SCHEMA_FILE = "scenario.schema.json"

#: Classes of error the loader refuses and the schema cannot: name → why.
NOT_EXPRESSIBLE: dict[str, str] = {
    "yaml": "problems in the YAML text, found before there is any data to validate: syntax "
    "errors, tabs, bytes that are not UTF-8, NUL and control characters (also as escapes), "
    "line separators, lone surrogates, line breaks outside block text, empty documents, "
    "files over the size limit, nesting too deep, alias bombs, YAML tags, and duplicate keys "
    "(a YAML parser silently keeps one of them)",
    "yaml_1_1": "the loader reads YAML 1.1 and editors YAML 1.2: unquoted yes/no/on/off/~ "
    "where text belongs, and octal 010 where a number belongs, are refused by the loader and "
    "are text or a decimal to the schema",
    "non_finite": "NaN and infinity (.nan, .inf, 1e999): JSON has neither, and a schema "
    "cannot refuse them",
    "ambiguous_number": "10.000 for a number of people (a thousands separator or a decimal "
    "point?): the schema sees the number 10",
    "comparison": "rules that compare two values: low below high, mode in [low, high]",
    "cross_reference": "rules that relate a value to other values: share_of naming an unknown "
    "task, itself or a cycle; shares of the whole force (or a category) reaching 1 together; "
    "share_of_category naming a category no other task belongs to; duplicate task names or "
    "contributors; a claim on a task or a "
    "metric the scenario lacks; a sizing rule naming a mission the missions dataset lacks; a "
    "correlation naming a figure the scenario lacks or a point, the same pair twice, or "
    "correlations that cannot all hold together (not positive semi-definite)",
    "finer_than_limit": "a non-zero number finer than a millionth of its unit (the schema "
    "states each unit's largest number, not the gap between 0 and the smallest), and a "
    "lognormal's sigma above 12",
    "register_value": "a point citing a register figure in its own unit must equal the value "
    "the register states",
}

_NON_BLANK = r"\S"


# --------------------------------------------------------------------------------------------
# Kinds


def _domain_bounds(domain: Domain | None) -> JSONSchema:
    """``minimum``/``exclusiveMinimum`` and ``maximum``/``exclusiveMaximum`` of a domain."""
    if domain is None:
        return {}
    out: JSONSchema = {}
    out["exclusiveMinimum" if domain.lower_open else "minimum"] = _num(domain.lower)
    if domain.upper != float("inf"):
        out["exclusiveMaximum" if domain.upper_open else "maximum"] = _num(domain.upper)
    return out


def _limit_bounds(unit: str) -> JSONSchema:
    """``maximum`` of a figure's numbers in ``unit``: its physical limit (:data:`limits.LIMITS`)."""
    limit = limits.LIMITS.get(unit)
    return {} if limit is None else {"maximum": _num(limit.largest)}


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _text(kind: fmt.Text) -> JSONSchema:
    if kind.pattern:
        return {"type": "string", "pattern": kind.pattern}
    # The loader reads a number written where text belongs as its text.
    types = ["string", "number", *(["null"] if kind.nullable else [])]
    return {"type": types, "pattern": _NON_BLANK}


def kind_schema(kind: fmt.Kind) -> JSONSchema:
    """The JSON Schema of one kind of value."""
    match kind:
        case fmt.Text():
            return _text(kind)
        case fmt.Number(domain=domain):
            return {"type": "number", **_domain_bounds(domain)}
        case fmt.Const(value=value):
            return {"const": value}
        case fmt.Boolean():
            return {"type": "boolean"}
        case fmt.Choice(options=options):
            return {"enum": list(options)}
        case fmt.FigureOf(term="rate"):
            return {"$ref": "#/$defs/figure"}  # narrowed by the task's basis
        case fmt.FigureOf(term=term):
            return {"$ref": f"#/$defs/figure.{term}"}
        case fmt.SourceRef():
            return {"$ref": "#/$defs/source"}
        case fmt.DocumentRef():
            return {"$ref": "#/$defs/document"}
        case fmt.ListOf(item=item, min_items=min_items):
            out: JSONSchema = {"type": "array", "items": kind_schema(item)}
            return {**out, "minItems": min_items} if min_items else out
        case fmt.Section(spec=name):
            return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no schema for {kind!r}")


def _key_schema(key: fmt.Key) -> JSONSchema:
    out = kind_schema(key.kind)
    return {**out, "description": key.doc} if key.doc else out


def object_schema(spec: fmt.Spec) -> JSONSchema:
    """A mapping of the format: its keys, the required ones, and no others."""
    out: JSONSchema = {
        "type": "object",
        "description": spec.doc,
        "properties": {k.name: _key_schema(k) for k in spec.keys},
        "additionalProperties": False,
    }
    if spec.required:
        out["required"] = list(spec.required)
    return out


# --------------------------------------------------------------------------------------------
# Figures


def _forbid(keys: object) -> JSONSchema:
    return {k: False for k in keys}


def figure_forms() -> list[JSONSchema]:
    """One subschema per form of a figure; exactly one matches a valid figure."""
    forms = []
    for _, family in fmt.IMPLICIT_FORMS:
        params = family.params
        others = [k for k in fmt.FIGURE_NUMBERS if k not in params]
        forms.append({"required": list(params), "properties": _forbid([*others, "dist"])})
    for dist, params in fmt.DIST_PARAMS.items():
        others = [k for k in fmt.FIGURE_NUMBERS if k not in params]
        forms.append(
            {
                "required": ["dist", *params],
                "properties": {"dist": {"const": dist}, **_forbid(others)},
            }
        )
    return forms


def _one_source() -> list[JSONSchema]:
    return [{"required": ["source"]}, {"required": ["assumption"]}]


def figure_schema() -> JSONSchema:
    """Any figure: one form of value, and a source or an assumption."""
    out = object_schema(fmt.FIGURE)
    for key in fmt.POSITIVE_PARAMS:
        out["properties"][key] = {**out["properties"][key], "exclusiveMinimum": 0}
    out["allOf"] = [{"oneOf": figure_forms()}, {"oneOf": _one_source()}]
    return out


def term_figure_schema(term: glossary.Term) -> JSONSchema:
    """A figure of one glossary term: its unit, and the domain its values lie in."""
    bounds = {**_limit_bounds(term.unit), **_domain_bounds(term.domain)}
    if "exclusiveMaximum" in bounds:
        bounds.pop("maximum", None)
    properties: JSONSchema = {k: dict(bounds) for k in fmt.IN_DOMAIN}
    properties["unit"] = {"const": term.unit}
    return {
        "$ref": "#/$defs/figure",
        "description": f"{term.meaning} [{term.unit}]; values in {term.domain.describe()}",
        "properties": properties,
    }


# --------------------------------------------------------------------------------------------
# Rules across keys


def _if_const(key: str, value: object) -> JSONSchema:
    return {"properties": {key: {"const": value}}, "required": [key]}


def task_schema() -> JSONSchema:
    """A task: the figures its basis needs, and no figures of other bases."""
    out = object_schema(fmt.TASK)
    rules = []
    for basis in Basis:
        needed = fmt.basis_keys(basis)
        then: JSONSchema = {
            "required": list(needed),
            "properties": _forbid(
                k for k in fmt.TASK_BASIS_KEYS if k not in fmt.basis_allowed(basis)
            ),
        }
        if basis in glossary.RATE_UNITS:
            then["properties"]["rate"] = {"$ref": f"#/$defs/figure.rate.{basis.value}"}
        rules.append({"if": _if_const("basis", basis.value), "then": then})
    out["allOf"] = rules
    out["properties"]["of"]["uniqueItems"] = True
    return out


def geometry_schema() -> JSONSchema:
    """The geometry: the shorthand (front and buffer) or sectors, not both."""
    out = object_schema(fmt.GEOMETRY)
    out["oneOf"] = [
        {"required": ["sectors"], **_forbid_keys(list(fmt.GEOMETRY_SHORTHAND))},
        {"required": list(fmt.GEOMETRY_SHORTHAND[:2]), **_forbid_keys(["sectors"])},
    ]
    return out


def sustainment_schema(spec: fmt.Spec = fmt.SUSTAINMENT) -> JSONSchema:
    """Sustainment (or a category's own rule): exactly one of its forms, all of that form's
    keys."""
    out = object_schema(spec)
    every = [k for form in fmt.SUSTAINMENT_FORMS.values() for k in form]
    out["oneOf"] = [
        {"required": list(form), "properties": _forbid(k for k in every if k not in form)}
        for form in fmt.SUSTAINMENT_FORMS.values()
    ]
    return out


def force_generation_schema() -> JSONSchema:
    """Force generation: pledges, a pool, or both."""
    out = object_schema(fmt.FORCE_GENERATION)
    out["anyOf"] = [{"required": ["pledges"]}, {"required": ["pool"]}]
    return out


def pledge_schema() -> JSONSchema:
    """A pledge: a contributor that refused pledges the point 0."""
    out = object_schema(fmt.PLEDGE)
    zero = {"required": ["value"], "properties": {"value": {"const": 0}}}
    out["if"] = _if_const("status", "refused")
    out["then"] = {"properties": {"personnel": zero, "delivery_probability": False}}
    out["properties"]["covers"]["uniqueItems"] = True
    return out


def pool_schema() -> JSONSchema:
    """A pool: the categories it covers, each once."""
    out = object_schema(fmt.POOL)
    out["properties"]["covers"]["uniqueItems"] = True
    return out


def by_category_schema() -> JSONSchema:
    """Rotation rules by category: at least one category."""
    return {**object_schema(fmt.SUSTAINMENT_BY_CATEGORY), "minProperties": 1}


def metric_pattern() -> str:
    """The metrics a claim may name: results, ``tasks.<name>`` and ``categories.<category>``."""
    names = [*fmt.METRICS, *fmt.LINE_METRICS, *fmt.PLEDGE_METRICS, *fmt.POOL_METRICS]
    task = r"tasks\." + fmt.NAME_PATTERN.strip("^$")
    category = r"(committed_)?categories\.(" + "|".join(fmt.options(fmt.TASK, "category")) + ")"
    rule = r"rules\." + fmt.RULE_PATTERN.strip("^$")
    sector = r"sectors\." + fmt.NAME_PATTERN.strip("^$")
    return "^(" + "|".join([*names, task, category, rule, sector]) + ")$"


def claim_schema() -> JSONSchema:
    """A claim: a bound, approx with tolerance, a source or an assumption."""
    out = object_schema(fmt.CLAIM)
    out["properties"]["metric"] = {
        "type": "string",
        "pattern": metric_pattern(),
        "description": out["properties"]["metric"].get("description", ""),
    }
    out["anyOf"] = [{"required": [k]} for k in fmt.CLAIM_BOUNDS]
    out["dependentRequired"] = {"approx": ["tolerance"], "tolerance": ["approx"]}
    out["oneOf"] = _one_source()
    return out


def root_rules() -> list[JSONSchema]:
    """Rules between tasks and the rest: border length, technology offset."""

    def tasks_contain(key: str, value: object) -> JSONSchema:
        return {
            "properties": {"tasks": {"type": "array", "contains": _if_const(key, value)}},
            "required": ["tasks"],
        }

    border_or_sectors = [{"required": ["border_length_km"]}, {"required": ["sectors"]}]
    border = {"properties": {"geometry": {"anyOf": border_or_sectors}}}
    rules_method = {
        "properties": {"method": {"enum": ["analog", "ensemble"]}},
        "required": ["method"],
    }
    return [
        {"if": tasks_contain("basis", Basis.PER_KM_BORDER.value), "then": border},
        {"if": tasks_contain("reducible", True), "then": {"required": ["technology_offset"]}},
        # method tasks (the default) needs tasks; analog and ensemble have none
        {"if": rules_method, "then": _forbid_keys(["tasks"]), "else": {"required": ["tasks"]}},
        {
            "if": _if_const("method", "analog"),
            "then": {"required": ["analog"]},
            "else": _forbid_keys(["analog"]),
        },
        {"if": _if_const("method", "ensemble"), "else": _forbid_keys(["ensemble"])},
    ]


def _forbid_keys(keys: list[str]) -> JSONSchema:
    return {"properties": _forbid(keys)}


# --------------------------------------------------------------------------------------------
# Sources


def source_schema(register: Register) -> JSONSchema:
    """A register id of the bundled register, or a citation."""
    refs = sorted(f"{d.id}#{f}" for d in register.documents.values() for f in d.figures)
    ref: JSONSchema = {"type": "string", "description": "a figure of the source register"}
    if refs:
        ref["enum"] = refs
    else:
        ref["pattern"] = r"^[^#\s]+#[^#\s]+$"
    return {"anyOf": [ref, {"$ref": "#/$defs/citation"}]}


def document_schema(register: Register) -> JSONSchema:
    """A document id of the bundled register."""
    out: JSONSchema = {"type": "string", "description": "a document of the source register"}
    if register.documents:
        out["enum"] = sorted(register.documents)
    return out


# --------------------------------------------------------------------------------------------
# The whole schema


def correlation_schema() -> JSONSchema:
    """A correlation: exactly two figures, a source or an assumption."""
    out = object_schema(fmt.SPECS["correlation"])
    between = out["properties"]["between"]
    out["properties"]["between"] = {**between, "maxItems": 2, "uniqueItems": True}
    out["oneOf"] = _one_source()
    return out


def ensemble_schema() -> JSONSchema:
    """An ensemble: its rules listed, or a posture whose missions' rules it draws on; one."""
    out = object_schema(fmt.ENSEMBLE)
    out["oneOf"] = [{"required": ["rules"]}, {"required": ["posture"]}]
    return out


#: Mappings whose schema adds rules across keys to :func:`object_schema`.
_WITH_RULES = {
    "ensemble": ensemble_schema,
    "geometry": geometry_schema,
    "task": task_schema,
    "sustainment": sustainment_schema,
    "force_generation": force_generation_schema,
    "pledge": pledge_schema,
    "pool": pool_schema,
    "sustainment_by_category": by_category_schema,
    "category_sustainment": lambda: sustainment_schema(fmt.CATEGORY_SUSTAINMENT),
    "claim": claim_schema,
    "correlation": correlation_schema,
}


def sections(spec: fmt.Spec) -> list[str]:
    """Names of the mappings ``spec`` contains, directly or not, in order of first use."""
    found: list[str] = []

    def walk(kind: fmt.Kind) -> None:
        if isinstance(kind, fmt.ListOf):
            walk(kind.item)
        elif isinstance(kind, fmt.Section) and kind.spec not in found:
            found.append(kind.spec)
            for key in fmt.SPECS[kind.spec].keys:
                walk(key.kind)

    for key in spec.keys:
        walk(key.kind)
    return found


def section_schema(name: str) -> JSONSchema:
    """The schema of the mapping ``name``, with its rules across keys."""
    build = _WITH_RULES.get(name)
    return build() if build else object_schema(fmt.SPECS[name])


def figure_terms(spec: fmt.Spec) -> list[str]:
    """The glossary terms of the figures ``spec`` and its sections contain, in order."""
    specs = [spec, *(fmt.SPECS[name] for name in sections(spec))]
    terms = [k.kind.term for s in specs for k in s.keys if isinstance(k.kind, fmt.FigureOf)]
    return list(dict.fromkeys(terms))


def _defs(register: Register) -> JSONSchema:
    defs: JSONSchema = {name: section_schema(name) for name in sections(fmt.SCENARIO)}
    defs["figure"] = figure_schema()
    for term in figure_terms(fmt.SCENARIO):
        if term != "rate":
            defs[f"figure.{term}"] = term_figure_schema(glossary.FIGURES[term])
    for basis, entry in glossary.RATE_UNITS.items():
        defs[f"figure.rate.{basis.value}"] = term_figure_schema(entry)
    defs["source"] = source_schema(register)
    defs["citation"] = object_schema(fmt.CITATION)
    defs["document"] = document_schema(register)
    return defs


def scenario_schema(register: Register | None = None) -> JSONSchema:
    """The JSON Schema of a scenario file.

    Parameters
    ----------
    register : Register, optional
        Source register whose ids a ``source`` may name (default: the bundled one).
    """
    register = register or default_register()
    out = object_schema(fmt.SCENARIO)
    out["allOf"] = root_rules()
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": f"forcecalc scenario (schema_version {fmt.SCHEMA_VERSION})",
        **out,
        "$comment": (
            "Generated by `forcecalc schema` from forcecalc/scenario/format.py; do not edit."
        ),
        "$defs": _defs(register),
    }


def schema_text(register: Register | None = None) -> str:
    """The schema as the indented JSON text that ``forcecalc schema`` prints."""
    return json.dumps(scenario_schema(register), indent=2, ensure_ascii=False) + "\n"
