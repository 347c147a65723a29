"""Mutants of the example scenarios and of CLI arguments, for the bad-input fuzzing of issue 9.

A scenario mutant replaces one node of an example (a leaf, a mapping or a list, chosen by index
in a walk of the document) by a hostile value; an argument mutant replaces one argument of a
valid command line. Used by ``tests/test_fuzz.py`` (a few dozen mutants in ``make test``) and by
``benchmarks/fuzz_campaign.py`` (thousands, in subprocesses under a memory limit).
"""

from __future__ import annotations

import copy
import math
from typing import Any

import yaml

HOSTILE: tuple[Any, ...] = (
    None, "", -1, 0, 1e308, math.nan, math.inf, -math.inf, 1e-9, 1e30, True, "5", "1e3",
    "x" * 5000, [], {}, [1, 2, 3], {"a": 1}, "[/]", "\x1b[31m", "٤١", -1e308, 2**63, 0.5,
)
"""What a mutant puts in place of a node."""

ARGS_HOSTILE: tuple[str, ...] = (
    "", "[/]", "[red]x", "nan", "inf", "-1", "0", "1e-9", "1e308", "٤١,١٠", "41_0,10",
    "91,0", "0,361", "41", "41,10,5", "a,b", "9999-12-31T23:59:59Z", "2026-13-01T00:00:00Z",
    "lofted:-5", "lofted:1e9", "depressed:", "\x1b[2J", "x" * 300,
)

FLY_BASE = ["fly", "--launch", "41,-101", "--target", "51,31", "--vehicle", "icbm-solid-3",
            "--json"]


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every node's path in the document, the root excluded, in a fixed order."""
    out: list[tuple[Any, ...]] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append(prefix + (k,))
            out += paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.append(prefix + (i,))
            out += paths(v, prefix + (i,))
    return out


def mutate(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A deep copy of ``doc`` with the node at ``path`` replaced by ``value``."""
    out = copy.deepcopy(doc)
    node = out
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return out


def dump(doc: Any) -> str:
    """YAML text of a mutant (NaN and infinities as YAML's .nan/.inf)."""
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000)


def scenario_mutant(doc: Any, i: int, j: int) -> str:
    """Mutant number (i, j): node i mod the node count replaced by HOSTILE[j mod len]."""
    ps = paths(doc)
    return dump(mutate(doc, ps[i % len(ps)], HOSTILE[j % len(HOSTILE)]))


def fly_mutant(i: int, j: int) -> list[str]:
    """The fly command line with argument i (an option's value) replaced by ARGS_HOSTILE[j]."""
    args = list(FLY_BASE)
    values = [k for k in range(1, len(args)) if not args[k].startswith("--")]
    extra = [["--samples", "30"], ["--epoch", "2026-11-29T12:00:00Z"],
             ["--trajectory", "minimum-energy"], ["--orbit", "300,51.6"]]
    slot = i % (len(values) + len(extra))
    if slot < len(values):
        args[values[slot]] = ARGS_HOSTILE[j % len(ARGS_HOSTILE)]
    else:
        opt = extra[slot - len(values)]
        args += [opt[0], ARGS_HOSTILE[j % len(ARGS_HOSTILE)]]
    return args
