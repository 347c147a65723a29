"""Tocsin: a federated ballistic-missile early-warning network, simulated end to end.

The chain (``DESIGN.md``): earth → flight → sensors → tracking → assessment → warning, with
network, scenario, analysis and the CLI around it. Units are SI inside; frames are in the names.

``import tocsin`` is cheap: the public API (:mod:`tocsin.api`) and the subpackages
(``tocsin.earth``, ``tocsin.flight``, ``tocsin.sensors``, ``tocsin.tracking``,
``tocsin.scenario``) load on first use, e.g. ``tocsin.run_scenario(tocsin.load_scenario(p))``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tocsin.errors import InputError, TocsinError

__version__ = "0.1.0"

_SUBPACKAGES = ("api", "earth", "flight", "sensors", "tracking", "scenario", "cli")
_API = (
    "BallisticSolution", "DetectionBatch", "EarthFrame", "EarthModel", "Ephemeris",
    "FlightResult", "InfraredSatellite", "InfraredSensor", "KeplerianElements", "LaunchBatch",
    "LaunchPlan", "OrbitEphemeris", "PartnerTracker", "Phase", "Radar", "RadarFace", "RunResult",
    "Scenario", "Sensor", "TabulatedEphemeris", "TleOrbit", "TruthTable", "aim", "aim_ballistic",
    "aim_orbit", "build_sensors", "ecef_to_geodetic", "geodetic_to_ecef", "get_vehicle",
    "load_scenario", "observe", "parse_scenario", "partner_tracker", "propagate", "run_scenario",
    "sample_times", "score_run", "track_partner", "vehicle_names",
)

__all__ = ["InputError", "TocsinError", "__version__", *_API, *_SUBPACKAGES]

if TYPE_CHECKING:
    from tocsin.api import *  # noqa: F403


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"tocsin.{name}")
    if name in _API:
        return getattr(importlib.import_module("tocsin.api"), name)
    raise AttributeError(f"module 'tocsin' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
