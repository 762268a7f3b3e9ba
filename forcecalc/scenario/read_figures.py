"""Reading figures: a value or distribution with its unit, domain and source or assumption.

Every section reader reads its figures through one :class:`FigureReader`, which collects them
by key path for the scenario. The forms and parameters of a figure come from the format's
declarations (:mod:`forcecalc.scenario.format`), the families from
:data:`forcecalc.core.distributions.FAMILIES`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NoReturn

from yaml.nodes import MappingNode, Node, ScalarNode

from forcecalc.core import glossary, limits
from forcecalc.core.distributions import Distribution, Family, Point
from forcecalc.core.errors import ScenarioError
from forcecalc.core.scenario import Domain, Figure
from forcecalc.core.sources import Assumption, Citation, Register, RegisterSource, Source
from forcecalc.scenario import format as fmt
from forcecalc.scenario.collect import Collector, placeholder
from forcecalc.scenario.strict_yaml import PEOPLE_UNITS, TAG, Reader, did_you_mean, show

_REF = re.compile(fmt.REF_PATTERN)


def _sigma_problem(sigma: float) -> str:
    if sigma > limits.LARGEST_SIGMA:
        return f"a sigma of at most {limits.LARGEST_SIGMA:g} (a 90% interval wider than 10^17)"
    return ""


class FigureReader:
    """Reads figures and their sources, keeping each by its key path in :attr:`figures`.

    Parameters
    ----------
    reader : Reader
        The strict YAML reader of the file.
    register : Register
        The source register that ``source: <document>#<figure>`` names.
    """

    def __init__(self, reader: Reader, register: Register) -> None:
        self.r = reader
        self.register = register
        self.figures: dict[str, Figure] = {}
        #: Set by :mod:`forcecalc.scenario.collect` to keep reading past a bad figure.
        self.collector: Collector | None = None

    def figure(self, node: Node, path: str, term: glossary.Term) -> Figure:
        """The figure at ``path``; a bad one raises, or, when collecting every error of a file
        (``validate``), is recorded and stands in as a placeholder point."""
        if self.collector is None:
            return self._figure(node, path, term)
        try:
            return self._figure(node, path, term)
        except ScenarioError as exc:
            self.collector.add(exc, path)
            figure = placeholder(path, term, self.r.location(node))
            self.figures[path] = figure
            return figure

    def _figure(self, node: Node, path: str, term: glossary.Term) -> Figure:
        r = self.r
        if not isinstance(node, MappingNode):
            hint = ""
            if isinstance(node, ScalarNode) and node.tag in (TAG + "int", TAG + "float"):
                hint = f"write {{value: {node.value}, source: ...}} or {{..., assumption: ...}}"
            r.fail(
                node,
                path,
                show(node),
                "a figure: a mapping with value (or low/high, or dist) and source or assumption",
                hint,
            )
        keys = r.section(node, path, fmt.FIGURE)
        counts_people = term.unit in PEOPLE_UNITS
        nums = {
            k: r.number(v, f"{path}.{k}", counts_people)
            for k, (_, v) in keys.items()
            if k in fmt.FIGURE_NUMBERS
        }
        dist = self.distribution(node, path, keys, nums, term.domain)
        for k, x in nums.items():
            zero_ok = term.domain.contains(0.0) or k == "sd"
            problem = (
                _sigma_problem(x) if k == "sigma" else limits.limit_problem(term.unit, x, zero_ok)
            )
            if problem:
                r.fail(keys[k][1], f"{path}.{k}", f"{x:g}", problem)
        if "unit" in keys:
            unit = r.string(keys["unit"][1], path + ".unit")
            if unit != term.unit:
                r.fail(
                    keys["unit"][1],
                    path + ".unit",
                    repr(unit),
                    f"'{term.unit}'",
                    "units live in key names; this figure is in " + term.unit,
                )
        source = self.provenance(node, path, keys)
        if isinstance(source, RegisterSource):
            self._check_register_value(node, path, dist, term, source)
        note = r.string(keys["note"][1], path + ".note") if "note" in keys else ""
        figure = Figure(
            path=path,
            unit=term.unit,
            dist=dist,
            source=source,
            domain=term.domain,
            note=note,
            location=r.location(node),
        )
        self.figures[path] = figure
        return figure

    def distribution(
        self,
        node: Node,
        path: str,
        keys: Mapping[str, tuple[Node, Node]],
        nums: Mapping[str, float],
        domain: Domain,
    ) -> Distribution:
        """The figure's distribution, read by the format's declarations.

        The family is the ``dist:`` named (:data:`~forcecalc.scenario.format.DIST_FAMILIES`) or
        the first of :data:`~forcecalc.scenario.format.IMPLICIT_FORMS` the keys show; the
        figure gives exactly that family's parameters, checked by
        :data:`~forcecalc.scenario.format.POSITIVE_PARAMS` and
        :data:`~forcecalc.scenario.format.IN_DOMAIN`.
        """
        r = self.r
        kind, family = self._family(node, path, keys)
        params = family.params
        for k in fmt.FIGURE_NUMBERS:
            if k in keys and k not in params:
                r.fail(
                    keys[k][0],
                    f"{path}.{k}",
                    f"'{k}' with a {kind} figure",
                    f"only {', '.join(params)}",
                )
        for k in params:
            if k not in keys:
                r.fail(node, path, f"a {kind} figure without '{k}'", f"{', '.join(params)}")
        self._check_params(path, keys, nums, domain, params)
        return family.cls(*(nums[k] for k in params))

    def _family(
        self, node: Node, path: str, keys: Mapping[str, tuple[Node, Node]]
    ) -> tuple[str, Family]:
        """The name and family of a figure's form: its ``dist:``, or the first implicit form
        recognised by a key that no later form takes (``value``; ``mode``; ``low`` or ``high``).
        """
        if "dist" in keys:
            name = self.r.choice(keys["dist"][1], path + ".dist", fmt.DIST_FAMILIES)
            return name, fmt.DIST_FAMILIES[name]
        forms = fmt.IMPLICIT_FORMS
        for i, (name, family) in enumerate(forms):
            later = {k for _, other in forms[i + 1 :] for k in other.params}
            if any(k in keys for k in family.params if k not in later):
                return name, family
        self.r.fail(
            node,
            path,
            "no value",
            "value: N, or low/high (a 90% interval), or "
            "low/mode/high (PERT), or dist: with its parameters",
        )

    def _check_params(
        self,
        path: str,
        keys: Mapping[str, tuple[Node, Node]],
        nums: Mapping[str, float],
        domain: Domain,
        params: tuple[str, ...],
    ) -> None:
        """Scales and the lognormal's median above 0, values in the domain, low < mode < high."""

        def bad(key: str, got: str, expected: str) -> NoReturn:
            self.r.fail(keys[key][1], f"{path}.{key}", got, expected)

        for k in fmt.POSITIVE_PARAMS:
            if k in params and nums[k] <= 0:
                bad(k, f"{nums[k]:g}", "a number above 0")
        for k in fmt.IN_DOMAIN:
            # mode lies in the domain by lying in [low, high], checked below
            if k in params and k != "mode" and not domain.contains(nums[k]):
                bad(k, f"{nums[k]:g}", f"a value in {domain.describe()}")
        if "high" in params and nums["low"] >= nums["high"]:
            bad("high", f"{nums['high']:g} with low {nums['low']:g}", "high above low")
        if "mode" in params and not nums["low"] <= nums["mode"] <= nums["high"]:
            bad("mode", f"{nums['mode']:g}", f"a mode in [{nums['low']:g}, {nums['high']:g}]")

    def provenance(self, node: Node, path: str, keys: Mapping[str, tuple[Node, Node]]) -> Source:
        r = self.r
        if "source" in keys and "assumption" in keys:
            r.fail(
                keys["assumption"][0],
                path + ".assumption",
                "both source and assumption",
                "one of them (put a remark in note)",
            )
        if "assumption" in keys:
            return Assumption(
                r.string(
                    keys["assumption"][1], path + ".assumption", "the reason for the assumption"
                )
            )
        if "source" not in keys:
            r.fail(
                node,
                path,
                "a figure with neither source nor assumption",
                "source: <register id or citation> or assumption: <why>",
            )
        return self.source(keys["source"][1], path + ".source")

    def source(self, node: Node, path: str) -> Source:
        r = self.r
        if isinstance(node, MappingNode):
            keys = r.section(node, path, fmt.CITATION)
            fields = {k: r.string(v, f"{path}.{k}") for k, (_, v) in keys.items()}
            doc = fields.get("document")
            if doc is not None and doc not in self.register.documents:
                r.fail(
                    keys["document"][1],
                    path + ".document",
                    repr(doc),
                    "a document of the source register",
                    did_you_mean(doc, self.register.documents),
                )
            return Citation(**fields)
        expected = (
            "a register id such as 000_fd3776af069ded84#buffer-width, "
            "or a citation {title, publisher, date, url, quote}"
        )
        ref = r.string(node, path, expected)
        match = _REF.match(ref)
        if not match:
            r.fail(node, path, repr(ref), expected)
        doc = self.register.documents.get(match["doc"])
        if doc is None:
            r.fail(
                node,
                path,
                repr(ref),
                "a document of the source register",
                did_you_mean(match["doc"], self.register.documents),
            )
        fig = doc.figures.get(match["fig"])
        if fig is None:
            known = ", ".join(doc.figures) or "none"
            r.fail(
                node,
                path,
                repr(ref),
                f"a figure of {doc.id} ({known})",
                did_you_mean(match["fig"], doc.figures),
            )
        return RegisterSource(ref=ref, document=doc, figure=fig)

    def _check_register_value(
        self, node: Node, path: str, dist: Distribution, term: glossary.Term, source: RegisterSource
    ) -> None:
        """A point in the register's own unit must equal the register's figure."""
        same_unit = {"km": "km", "personnel": "personnel"}.get(source.figure.unit) == term.unit
        if same_unit and isinstance(dist, Point) and dist.value != source.figure.value:
            self.r.fail(
                node,
                path,
                f"{dist.value:g} citing {source.ref}",
                f"{source.figure.value:g} as the source states "
                f'("{source.figure.quote}"), or a note and an assumption',
            )
