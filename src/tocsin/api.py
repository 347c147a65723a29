"""Tocsin's public API in one namespace, as ``skyfield.api`` has it: ``from tocsin.api import *``
or ``import tocsin`` and ``tocsin.run_scenario(...)``.

The chain, each step a few lines (docs/python.md has runnable examples):

* **scenario** — :func:`load_scenario` / :func:`parse_scenario` → :class:`Scenario`;
  :func:`run_scenario` → :class:`RunResult` (truth, detections, trackers, timings), whose
  :meth:`RunResult.tables` gives Arrow tables (``.to_pandas()`` for pandas).
* **flight** — :func:`get_vehicle`, :func:`aim` (a ballistic launch between two points given in
  degrees), :func:`aim_ballistic` / :func:`aim_orbit` (radians), :func:`propagate` a batch of
  :class:`LaunchPlan` → :class:`FlightResult` (``complete`` says whether anything still flew).
* **truth and sensors** — :meth:`TruthTable.from_flight`; every sensor is a :class:`Sensor`
  (:class:`Radar`, :class:`InfraredSatellite` = :class:`InfraredSensor` + :class:`Ephemeris`);
  :func:`sample_times` and :func:`observe` run several at once.
* **tracking** — :func:`track_partner` runs a partner's :class:`PartnerTracker` over a run's
  detections; :func:`score_run` scores a run's tracks against the truth.
* **errors** — every refusal is a :class:`TocsinError`; bad input an :class:`InputError` naming
  the field, the value and what was expected.
"""

from __future__ import annotations

import math

from tocsin.earth import EarthFrame, EarthModel, ecef_to_geodetic, geodetic_to_ecef
from tocsin.errors import InputError, TocsinError
from tocsin.flight import (
    FlightResult,
    LaunchBatch,
    LaunchPlan,
    Phase,
    get_vehicle,
    propagate,
    vehicle_names,
)
from tocsin.flight.orbit_insertion import aim_orbit
from tocsin.flight.orbits import KeplerianElements, TleOrbit
from tocsin.flight.targeting import BallisticSolution, aim_ballistic, parse_trajectory
from tocsin.scenario import (
    RunResult,
    Scenario,
    build_sensors,
    load_scenario,
    parse_scenario,
    partner_tracker,
    run_scenario,
    score_run,
    track_partner,
)
from tocsin.sensors import (
    DetectionBatch,
    Ephemeris,
    InfraredSatellite,
    InfraredSensor,
    OrbitEphemeris,
    Radar,
    RadarFace,
    Sensor,
    TabulatedEphemeris,
    TruthTable,
    observe,
    sample_times,
)
from tocsin.tracking import PartnerTracker

__all__ = [
    "BallisticSolution",
    "DetectionBatch",
    "EarthFrame",
    "EarthModel",
    "Ephemeris",
    "FlightResult",
    "InfraredSatellite",
    "InfraredSensor",
    "InputError",
    "KeplerianElements",
    "LaunchBatch",
    "LaunchPlan",
    "OrbitEphemeris",
    "PartnerTracker",
    "Phase",
    "Radar",
    "RadarFace",
    "RunResult",
    "Scenario",
    "Sensor",
    "TabulatedEphemeris",
    "TleOrbit",
    "TocsinError",
    "TruthTable",
    "aim",
    "aim_ballistic",
    "aim_orbit",
    "build_sensors",
    "ecef_to_geodetic",
    "geodetic_to_ecef",
    "get_vehicle",
    "load_scenario",
    "observe",
    "parse_scenario",
    "partner_tracker",
    "propagate",
    "run_scenario",
    "sample_times",
    "score_run",
    "track_partner",
    "vehicle_names",
]


def aim(vehicle: str, launch_deg: tuple[float, float], target_deg: tuple[float, float], *,
        trajectory: str = "minimum-energy", launch_time_s: float = 0.0,
        earth: EarthModel | None = None) -> LaunchPlan:
    """The :class:`LaunchPlan` that flies ``vehicle`` (a name, see :func:`vehicle_names`) from
    ``launch_deg`` to ``target_deg`` (geodetic latitude, longitude in degrees) on
    ``trajectory`` (``minimum-energy``, ``lofted:APOGEE_KM`` or ``depressed:APOGEE_KM``).

    Raises :class:`InputError` for a bad point or name and an ``OutOfReachError`` when the
    target is beyond the vehicle's range (:func:`aim_ballistic` gives the full solution).
    """
    pts = []
    for name, p in (("launch_deg", launch_deg), ("target_deg", target_deg)):
        try:
            lat, lon = (float(v) for v in p)
        except (TypeError, ValueError):
            raise InputError(name, p, "a (latitude, longitude) pair in degrees") from None
        pts.append((math.radians(lat), math.radians(lon)))
    sol = aim_ballistic(get_vehicle(vehicle), *pts[0], *pts[1], parse_trajectory(trajectory),
                        launch_time_s=launch_time_s, earth=earth)
    return sol.plan
