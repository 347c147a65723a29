"""Load a scenario file: YAML → validated :class:`~tocsin.scenario.schema.Scenario`.

Every problem is reported at once, each naming its path (``radars[2].faces[0].azimuth_deg``),
the value and what was expected; unknown keys are errors. Cross-references (owners, vehicle
names, unique ids, times within the run) are checked after the shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tocsin.errors import InputError, InvalidDocumentError
from tocsin.flight.targeting import parse_trajectory
from tocsin.flight.vehicles import vehicle_names
from tocsin.safe_yaml import load_yaml, read_yaml_file
from tocsin.scenario.schema import Scenario
from tocsin.validation import validate_document

__all__ = ["load_scenario", "parse_scenario"]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate the scenario file at ``path`` (YAML read by
    :mod:`tocsin.safe_yaml`: bounded size, depth and aliases, UTF-8, no duplicate keys)."""
    return _validate(read_yaml_file(path), str(path))


def parse_scenario(text: str | bytes, source: str = "scenario") -> Scenario:
    """Validate scenario YAML text; ``source`` names it in errors."""
    return _validate(load_yaml(text, source), source)


def _validate(raw: Any, source: str) -> Scenario:
    if not isinstance(raw, dict):
        raise InputError(source, type(raw).__name__, "a YAML mapping with epoch, duration_s, "
                         "partners, ...")
    sc = validate_document(Scenario, raw, source)
    problems = _cross_checks(sc, raw)
    if problems:
        raise InvalidDocumentError(source, problems)
    return sc


def _cross_checks(sc: Scenario, raw: dict[str, Any]) -> list[InputError]:
    out: list[InputError] = []
    partners = sorted(p.id for p in sc.partners)
    seen: dict[str, str] = {}
    groups: list[tuple[str, list[Any]]] = [
        ("partners", list(sc.partners)), ("satellites", list(sc.satellites)),
        ("radars", list(sc.radars)), ("launches", list(sc.launches)),
        ("background", list(sc.background)), ("assets", list(sc.assets))]
    for group, items in groups:
        for i, item in enumerate(items):
            if item.id in seen:
                out.append(InputError(f"{group}[{i}].id", item.id, "an id not used elsewhere "
                                      f"(already used by {seen[item.id]})"))
            else:
                seen[item.id] = f"{group}[{i}]"
    owned: list[tuple[str, list[Any]]] = [("satellites", list(sc.satellites)),
                                          ("radars", list(sc.radars))]
    for group, items in owned:
        for i, s in enumerate(items):
            if s.owner not in partners:
                out.append(InputError(f"{group}[{i}].owner", s.owner,
                                      "one of the partners: " + ", ".join(partners)))
    for i, a in enumerate(sc.assets):
        if a.owner is not None and a.owner not in partners:
            out.append(InputError(f"assets[{i}].owner", a.owner,
                                  "one of the partners: " + ", ".join(partners)))
    names = vehicle_names()
    flights: list[tuple[str, list[Any]]] = [("launches", list(sc.launches)),
                                            ("background", list(sc.background))]
    for group, items in flights:
        for i, item in enumerate(items):
            if item.time_s > sc.duration_s:
                out.append(InputError(f"{group}[{i}].time_s", item.time_s,
                                      f"a time within the scenario's duration_s ({sc.duration_s})"))
            if item.vehicle is not None and item.vehicle not in names:
                out.append(InputError(f"{group}[{i}].vehicle", item.vehicle,
                                      "one of " + ", ".join(names)))
            if getattr(item, "target", None) is not None:
                try:
                    parse_trajectory(item.trajectory, field=f"{group}[{i}].trajectory")
                except InputError as exc:
                    out.append(exc)
    return out
