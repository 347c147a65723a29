"""The report of one planned flight, as ``tocsin fly`` prints it (degrees, km, seconds).

:func:`fly_report` aims the launch (:func:`~tocsin.flight.targeting.aim_ballistic` or
:func:`~tocsin.flight.orbit_insertion.aim_orbit`), flies it (:func:`~tocsin.flight.propagate`)
and returns a JSON-ready dictionary; :class:`FlyRequest` is what it needs. The CLI
(:mod:`tocsin.cli.fly`) only parses its options into a request and prints the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from tocsin.earth.model import EarthModel
from tocsin.earth.wgs84 import ecef_to_geodetic
from tocsin.errors import InputError, TargetingError
from tocsin.flight.orbit_insertion import ALT_TOL_M, INC_TOL_RAD, aim_orbit
from tocsin.flight.propagate import Phase, propagate
from tocsin.flight.targeting import aim_ballistic, ground_distance_m, parse_trajectory
from tocsin.flight.vehicles import get_vehicle

__all__ = ["FlyRequest", "fly_report", "sample_times", "MAX_SAMPLES"]

MAX_SAMPLES = 200_000
"""Most truth samples one report holds (``--samples``)."""
_FIELDS = {"launch": "--launch", "target": "--target", "trajectory": "--trajectory",
           "orbit": "--orbit"}


@dataclass(frozen=True)
class FlyRequest:
    vehicle: str
    launch: tuple[float, float]
    target: tuple[float, float] | None = None
    orbit: tuple[float, float] | None = None  # (altitude_km, inclination_deg)
    trajectory: str = "minimum-energy"
    epoch: datetime | None = None
    samples_dt_s: float | None = None
    earth: EarthModel = EarthModel()


def sample_times(t_end_s: float, dt_s: float, field: str = "--samples") -> np.ndarray:
    """Times 0, dt, 2 dt, … and ``t_end_s`` (s); refused (naming ``field``) for a non-positive
    interval or more than :data:`MAX_SAMPLES` samples, counted before anything is allocated."""
    if not (math.isfinite(dt_s) and dt_s > 0):
        raise InputError(field, dt_s, "a positive sampling interval in seconds")
    n_est = math.ceil(t_end_s / dt_s) + 1 if math.isfinite(t_end_s) and t_end_s > 0 else 1
    if n_est > MAX_SAMPLES:
        raise InputError(field, dt_s, f"an interval giving at most {MAX_SAMPLES:,} samples",
                         hint=f"the flight lasts {t_end_s:.0f} s: an estimated {n_est:,} samples")
    t = np.arange(0.0, t_end_s, dt_s)
    return np.append(t, t_end_s) if t.size == 0 or t[-1] < t_end_s else t


def _geo(r: np.ndarray, earth: EarthModel) -> tuple[float, float, float]:
    lat, lon, alt = ecef_to_geodetic(r, spherical=earth.spherical)
    return math.degrees(float(lat)), math.degrees(float(lon)), float(alt)


def fly_report(req: FlyRequest) -> dict[str, Any]:
    """Solve and fly the launch; a JSON-ready report (degrees, km, seconds at the edges).

    Errors name the CLI's options (``--vehicle``, ``--launch``, ``--target``, ``--orbit``,
    ``--trajectory``, ``--samples``): this is what ``tocsin fly`` prints.
    """
    v = get_vehicle(req.vehicle, field="--vehicle")
    lat0, lon0 = (math.radians(x) for x in req.launch)
    earth = req.earth
    out: dict[str, Any] = {"vehicle": v.name, "description": v.description,
                           "launch": {"lat_deg": req.launch[0], "lon_deg": req.launch[1]}}
    if v.orbital:
        if req.orbit is None:
            raise InputError("--orbit", None, "ALT_KM,INC_DEG for a space launch vehicle")
        sol = aim_orbit(v, lat0, lon0, req.orbit[0] * 1e3, math.radians(req.orbit[1]),
                        earth=earth, field_names=_FIELDS)
        plan, summary = sol.plan, sol.summary
        out["orbit"] = {"perigee_km": sol.perigee_alt_m / 1e3, "apogee_km": sol.apogee_alt_m / 1e3,
                        "inclination_deg": math.degrees(sol.inclination_rad),
                        "insertion_time_s": sol.insertion_time_s,
                        "requested_altitude_km": sol.requested_altitude_m / 1e3,
                        "requested_inclination_deg": math.degrees(sol.requested_inclination_rad),
                        "altitude_tolerance_km": ALT_TOL_M / 1e3,
                        "inclination_tolerance_deg": math.degrees(INC_TOL_RAD),
                        "reached": sol.reached}
        t_end = sol.insertion_time_s + 600.0
    else:
        if req.target is None:
            raise InputError("--target", None, "LAT,LON of the target for a ballistic vehicle")
        traj = parse_trajectory(req.trajectory, field="--trajectory")
        sol_b = aim_ballistic(v, lat0, lon0, math.radians(req.target[0]),
                              math.radians(req.target[1]), traj, earth=earth,
                              field_names=_FIELDS)
        plan, summary = sol_b.plan, sol_b.summary
        out["target"] = {"lat_deg": req.target[0], "lon_deg": req.target[1]}
        out["trajectory"] = str(traj)
        out["ground_range_km"] = sol_b.ground_range_m / 1e3
        out["max_range_km"] = sol_b.max_range_m / 1e3
        out["miss_distance_km"] = sol_b.miss_distance_m / 1e3
        t_end = float(summary.impact_time_s[0])
    s = summary
    out["azimuth_deg"] = math.degrees(plan.azimuth_rad) % 360.0
    out["pitch_kick_deg"] = math.degrees(plan.pitch_rad)
    out["cutoff_s"] = plan.cutoff_s
    if v.impulsive:
        out["burnout_speed_m_s"] = plan.burnout_speed_m_s
    bo_r, bo_v = s.burnout_r_ecef_m[0], s.burnout_v_ecef_m_s[0]
    out["burnout_time_s"] = float(s.burnout_time_s[0])
    out["burnout_altitude_km"] = _geo(bo_r, earth)[2] / 1e3
    out["burnout_speed_km_s"] = float(np.linalg.norm(bo_v)) / 1e3
    out["apogee_km"] = float(s.apogee_alt_m[0]) / 1e3
    out["apogee_time_s"] = float(s.apogee_time_s[0])
    if v.orbital:
        out["flight_time_s"] = None
        out["impact"] = None
    else:
        lat_i, lon_i, _ = _geo(s.impact_r_ecef_m[0], earth)
        out["flight_time_s"] = float(s.flight_time_s[0])
        out["impact"] = {"lat_deg": lat_i, "lon_deg": lon_i, "time_s": float(s.impact_time_s[0]),
                         "speed_km_s": float(np.linalg.norm(s.impact_v_ecef_m_s[0])) / 1e3}
        if req.epoch is not None:
            out["impact"]["utc"] = (req.epoch + timedelta(seconds=float(s.impact_time_s[0]))
                                    ).isoformat()
        _, az_back = ground_distance_m(lat0, lon0, math.radians(lat_i), math.radians(lon_i),
                                       earth)
        out["impact_bearing_deg"] = math.degrees(float(az_back)) % 360.0
    if req.epoch is not None:
        out["epoch"] = req.epoch.isoformat()
    if req.samples_dt_s is not None:
        t = sample_times(t_end, req.samples_dt_s)
        res = propagate([plan], t, earth=earth)
        if res.samples is None:
            raise TargetingError("the flight returned no samples at the requested times")
        sm = res.samples
        lat, lon, alt = ecef_to_geodetic(sm.r_ecef_m[0], spherical=earth.spherical)
        out["samples"] = [
            {"t_s": float(t[j]), "lat_deg": math.degrees(float(lat[j])),
             "lon_deg": math.degrees(float(lon[j])), "alt_km": float(alt[j]) / 1e3,
             "r_ecef_m": sm.r_ecef_m[0, j].tolist(), "v_ecef_m_s": sm.v_ecef_m_s[0, j].tolist(),
             "phase": Phase(int(sm.phase[0, j])).name.lower(),
             "burning": bool(sm.burning[0, j])}
            for j in range(t.size)]
    return out
