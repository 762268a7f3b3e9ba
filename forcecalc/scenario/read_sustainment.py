"""Reading how the force is sustained and generated: the rotation (a multiplier, or tour and
dwell) and what contributors offer (pledges and/or a personnel pool).
"""

from __future__ import annotations

from yaml.nodes import Node

from forcecalc.core import glossary
from forcecalc.core.distributions import Point
from forcecalc.core.scenario import ForceGeneration, Pledge
from forcecalc.scenario import format as fmt
from forcecalc.scenario.read_figures import FigureReader


def read_sustainment(figs: FigureReader, node: Node) -> str:
    """The sustainment's form, one of :data:`~forcecalc.scenario.format.SUSTAINMENT_FORMS`
    with all its keys; its figures are read."""
    r = figs.r
    keys = r.section(node, "sustainment", fmt.SUSTAINMENT)
    forms = fmt.SUSTAINMENT_FORMS
    given = [name for name, form in forms.items() if any(k in keys for k in form)]
    if len(given) != 1:
        r.fail(
            node,
            "sustainment",
            "both forms" if given else "neither form",
            "either " + ", or ".join(" and ".join(form) for form in forms.values()),
        )
    form = forms[given[0]]
    if not all(k in keys for k in form):
        r.fail(node, "sustainment", "only one of " + " and ".join(form), "both")
    for key, (_, value) in keys.items():
        figs.figure(value, f"sustainment.{key}", glossary.FIGURES[key])
    return given[0]


def read_force_generation(figs: FigureReader, node: Node) -> ForceGeneration:
    """What contributors offer: pledges (each contributor once) and/or a pool."""
    r = figs.r
    keys = r.section(node, "force_generation", fmt.FORCE_GENERATION)
    if "pledges" not in keys and "pool" not in keys:
        r.fail(node, "force_generation", "neither pledges nor pool", "pledges and/or pool")
    basis = "deployed"
    if "pledge_basis" in keys:
        basis = r.choice(keys["pledge_basis"][1], "force_generation.pledge_basis", fmt.PLEDGE_BASES)
    pledges: list[Pledge] = []
    if "pledges" in keys:
        items = r.nonempty(
            keys["pledges"][1],
            "force_generation.pledges",
            "a list",
            "at least one pledge (or leave pledges out)",
        )
        for i, item in enumerate(items):
            pledges.append(_pledge(figs, item, i, {p.contributor for p in pledges}))
    if "pool" in keys:
        pool = r.section(keys["pool"][1], "force_generation.pool", fmt.POOL)
        for key, (_, value) in pool.items():
            figs.figure(value, f"force_generation.pool.{key}", glossary.FIGURES[key])
    return ForceGeneration(pledges=tuple(pledges), has_pool="pool" in keys, pledge_basis=basis)


def _pledge(figs: FigureReader, node: Node, i: int, seen: set[str]) -> Pledge:
    r = figs.r
    path = f"force_generation.pledges[{i}]"
    keys = r.section(node, path, fmt.PLEDGE)
    contributor = r.string(keys["contributor"][1], path + ".contributor")
    if contributor in seen:
        r.fail(
            keys["contributor"][1],
            path + ".contributor",
            f"the duplicate contributor '{contributor}'",
            "each contributor once",
        )
    path = f"force_generation.pledges.{contributor}"
    status = "pledged"
    if "status" in keys:
        status = r.choice(keys["status"][1], path + ".status", fmt.PLEDGE_STATUSES)
    figure = figs.figure(keys["personnel"][1], path + ".personnel", glossary.FIGURES["personnel"])
    if status == "refused" and figure.dist != Point(0.0):
        r.fail(
            keys["personnel"][1],
            path + ".personnel",
            figure.dist.describe(),
            "value: 0 for a contributor that refused",
        )
    note = r.string(keys["note"][1], path + ".note") if "note" in keys else ""
    return Pledge(contributor=contributor, status=status, note=note)
