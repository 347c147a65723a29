"""Turn a validated scenario into the objects of the chain, converting units to SI once.

Launches are aimed here (targeting or orbit insertion); an aim that cannot be solved is reported
as an :class:`~tocsin.errors.InputError` naming the launch's path in the file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tocsin.earth.frames import EarthFrame
from tocsin.errors import InputError, TocsinError
from tocsin.flight import LaunchBatch, LaunchPlan, get_vehicle
from tocsin.flight.orbit_insertion import aim_orbit
from tocsin.flight.orbits import ElementsBatch, KeplerianElements, TleOrbit
from tocsin.flight.targeting import aim_ballistic, parse_trajectory
from tocsin.scenario.schema import Background, Launch, Point, Scenario

__all__ = ["FlightObject", "build_flights", "SatelliteStates", "satellite_orbits",
           "satellite_states"]



@dataclass(frozen=True)
class FlightObject:
    """One flying truth object: where it comes from in the file and what it is."""

    id: str
    path: str            # "launches[3]" or "background[1]"
    kind: str            # "missile", "space-launch" or "sounding-rocket"
    vehicle: str
    launch_time_s: float


def _aim(item: Launch | Background, path: str) -> LaunchPlan:
    vehicle = get_vehicle(str(item.vehicle), field=f"{path}.vehicle")
    lp = item.launch
    if not isinstance(lp, Point):  # the schema requires it; say so if not
        raise InputError(f"{path}.launch", lp, "a launch point (lat_deg, lon_deg)")
    try:
        if item.orbit is not None:
            sol_o = aim_orbit(vehicle, math.radians(lp.lat_deg), math.radians(lp.lon_deg),
                              item.orbit.altitude_km * 1e3,
                              math.radians(item.orbit.inclination_deg), alt_m=lp.alt_m,
                              launch_time_s=item.time_s)
            return sol_o.plan
        if item.target is None:
            raise InputError(f"{path}.target", None, "a target point or an orbit")
        traj = parse_trajectory(item.trajectory, field=f"{path}.trajectory")
        sol = aim_ballistic(vehicle, math.radians(lp.lat_deg), math.radians(lp.lon_deg),
                            math.radians(item.target.lat_deg), math.radians(item.target.lon_deg),
                            traj, alt_m=lp.alt_m, launch_time_s=item.time_s)
        return sol.plan
    except InputError as exc:
        field = exc.field if exc.field.startswith(path) else f"{path}.{exc.field}"
        raise InputError(field, exc.value, exc.expected, exc.hint) from None
    except TocsinError as exc:
        raise InputError(path, item.id, "a launch that can be aimed", hint=str(exc)) from None


def build_flights(sc: Scenario) -> tuple[list[FlightObject], LaunchBatch]:
    """Every flying object of the scenario (launches, then flying background) and its plan."""
    objects: list[FlightObject] = []
    plans: list[LaunchPlan] = []
    for i, item in enumerate(sc.launches):
        path = f"launches[{i}]"
        kind = "space-launch" if item.orbit is not None else "missile"
        plans.append(_aim(item, path))
        objects.append(FlightObject(item.id, path, kind, item.vehicle, item.time_s))
    for i, bg in enumerate(sc.background):
        if bg.kind not in ("space-launch", "sounding-rocket"):
            continue
        path = f"background[{i}]"
        plans.append(_aim(bg, path))
        objects.append(FlightObject(bg.id, path, bg.kind, str(bg.vehicle), bg.time_s))
    if not plans:
        return objects, LaunchBatch.from_plans([])
    return objects, LaunchBatch.from_plans(plans)


@dataclass(frozen=True)
class SatelliteStates:
    """Satellite states at times ``t_s``: r, v (n_sat, m, 3) ECEF; error (n_sat, m) as sgp4."""

    ids: tuple[str, ...]
    t_s: np.ndarray
    r_ecef_m: np.ndarray
    v_ecef_m_s: np.ndarray
    error: np.ndarray


def satellite_orbits(sc: Scenario) -> list[KeplerianElements | TleOrbit]:
    """Each satellite's orbit of the scenario: Keplerian elements, or a TLE."""
    frame = EarthFrame(sc.epoch)
    out: list[KeplerianElements | TleOrbit] = []
    for i, s in enumerate(sc.satellites):
        o = s.orbit
        try:
            if o.kind == "geo":
                out.append(KeplerianElements.geo(math.radians(o.lon_deg), frame))
            elif o.kind == "molniya":
                out.append(KeplerianElements.molniya(math.radians(o.apogee_lon_deg), frame))
            elif o.kind == "tundra":
                out.append(KeplerianElements.tundra(math.radians(o.apogee_lon_deg), frame))
            elif o.kind == "keplerian":
                out.append(KeplerianElements.from_altitudes(
                    o.perigee_alt_km * 1e3, o.apogee_alt_km * 1e3,
                    i_rad=math.radians(o.inclination_deg),
                    argp_rad=math.radians(o.arg_perigee_deg), raan_rad=math.radians(o.raan_deg),
                    mean_anomaly_rad=math.radians(o.mean_anomaly_deg)))
            else:
                out.append(TleOrbit.from_lines(o.lines, sc.epoch))
        except InputError as exc:
            raise InputError(f"satellites[{i}].orbit.{exc.field}", exc.value, exc.expected,
                             exc.hint) from None
    return out


def satellite_states(sc: Scenario, t_s: np.ndarray,
                     orbits: list[KeplerianElements | TleOrbit] | None = None) -> SatelliteStates:
    """Positions and velocities of every satellite of the scenario at ``t_s``."""
    frame = EarthFrame(sc.epoch)
    orbits = satellite_orbits(sc) if orbits is None else orbits
    n, m = len(orbits), t_s.size
    r_out = np.full((n, m, 3), np.nan)
    v_out = np.full((n, m, 3), np.nan)
    err = np.zeros((n, m), dtype=np.uint8)
    kepler = [(i, o) for i, o in enumerate(orbits) if isinstance(o, KeplerianElements)]
    for i, o in enumerate(orbits):
        if isinstance(o, TleOrbit):
            rr, vv, ee = o.states_ecef(t_s)
            r_out[i], v_out[i], err[i] = rr[0], vv[0], ee[0]
    if kepler:
        from tocsin.flight.orbits import satellite_states_ecef

        idx = [i for i, _ in kepler]
        batch = ElementsBatch.from_elements([e for _, e in kepler])
        rr, vv = satellite_states_ecef(batch, frame, t_s)
        r_out[idx], v_out[idx] = rr, vv
    return SatelliteStates(tuple(s.id for s in sc.satellites), t_s, r_out, v_out, err)
