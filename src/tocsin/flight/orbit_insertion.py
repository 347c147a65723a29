"""Orbit insertion for space launch vehicles: aimed at an orbit (altitude, inclination).

The ascent flies the vehicle's pitch programme and gravity turn through every stage but the last;
the last stage coasts to the apogee of that arc and burns horizontally, centred on it. Two
conditions fix the plan: the azimuth that gives the inclination on the rotating Earth,

    sin β = cos i / cos φ,   tan ψ = (v sin β − ω R cos φ) / (v cos β)

(inertial azimuth β, launch latitude φ, circular speed v; Vallado 2013, §6.? "launch windows";
Curtis 2014, eq. 4.?), and the kick that puts the apogee of the arc at the insertion altitude,
corrected until the burn ends at the requested altitude. A vehicle that cannot reach orbit there
is refused with a clear error. It never comes down within the run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tocsin.earth.constants import A_M, GM_M3_S2, OMEGA_EARTH_RAD_S
from tocsin.earth.model import EarthModel
from tocsin.errors import InputError, TargetingError
from tocsin.flight.launches import LaunchPlan
from tocsin.flight.propagate import FlightSummary, propagate
from tocsin.flight.targeting import P_MAX_RAD, P_MIN_RAD, _illinois
from tocsin.flight.vehicles import Vehicle

__all__ = ["OrbitSolution", "aim_orbit", "orbit_of_state"]

MIN_PERIGEE_M = 120e3


@dataclass(frozen=True)
class OrbitSolution:
    """A solved space launch: the plan and the orbit it reaches (altitudes above the equator)."""

    plan: LaunchPlan
    perigee_alt_m: float
    apogee_alt_m: float
    inclination_rad: float
    insertion_time_s: float
    summary: FlightSummary


def orbit_of_state(r_ecef: np.ndarray, v_ecef: np.ndarray,
                   earth: EarthModel) -> tuple[float, float, float]:
    """(perigee_alt_m, apogee_alt_m, inclination_rad) of an Earth-fixed state, two-body.

    The inertial velocity is v_ecef + ω × r (the frames coincide at that instant).
    """
    w = np.array([0.0, 0.0, OMEGA_EARTH_RAD_S if earth.rotation else 0.0])
    r = np.asarray(r_ecef, float)
    v = np.asarray(v_ecef, float) + np.cross(w, r)
    rn, v2 = float(np.linalg.norm(r)), float(v @ v)
    energy = 0.5 * v2 - GM_M3_S2 / rn
    h = np.cross(r, v)
    hn = float(np.linalg.norm(h))
    if energy >= 0:
        return float("nan"), float("inf"), math.acos(h[2] / hn)
    a = -GM_M3_S2 / (2 * energy)
    e = math.sqrt(max(0.0, 1 - hn * hn / (GM_M3_S2 * a)))
    r_eq = earth.sphere_radius_m if earth.spherical else A_M
    return a * (1 - e) - r_eq, a * (1 + e) - r_eq, math.acos(h[2] / hn)


def launch_azimuth_rad(lat_rad: float, inclination_rad: float, altitude_m: float,
                       earth: EarthModel) -> float:
    """Azimuth on the rotating Earth for the inclination (ascending pass, northward)."""
    sin_b = math.cos(inclination_rad) / math.cos(lat_rad)
    beta = math.asin(max(-1.0, min(1.0, sin_b)))
    r_eq = earth.sphere_radius_m if earth.spherical else A_M
    v = math.sqrt(GM_M3_S2 / (r_eq + altitude_m))
    v_rot = (OMEGA_EARTH_RAD_S if earth.rotation else 0.0) * r_eq * math.cos(lat_rad)
    return math.atan2(v * math.sin(beta) - v_rot, v * math.cos(beta)) % (2 * math.pi)


def aim_orbit(vehicle: Vehicle, lat_rad: float, lon_rad: float, altitude_m: float,
              inclination_rad: float, *, alt_m: float = 0.0, t_launch_s: float = 0.0,
              earth: EarthModel | None = None) -> OrbitSolution:
    """Plan a space launch into a near-circular orbit of ``altitude_m`` and ``inclination_rad``."""
    earth = earth or EarthModel()
    if not vehicle.orbital or len(vehicle.stages) < 2:
        raise InputError("vehicle", vehicle.name, "a space launch vehicle with two or more stages")
    if not (math.isfinite(lat_rad) and abs(lat_rad) <= math.pi / 2):
        raise InputError("launch.lat_deg", math.degrees(lat_rad), "a latitude in [-90, 90]")
    if not (math.isfinite(altitude_m) and 150e3 <= altitude_m <= 2000e3):
        raise InputError("orbit.altitude_km", altitude_m / 1e3, "an altitude in [150, 2000] km")
    lat_deg = abs(math.degrees(lat_rad))
    inc_deg = math.degrees(inclination_rad)
    if not (math.isfinite(inc_deg) and lat_deg - 1e-9 <= inc_deg <= 180 - lat_deg + 1e-9):
        raise InputError("orbit.inclination_deg", inc_deg,
                         f"an inclination in [{lat_deg:.2f}, {180 - lat_deg:.2f}] degrees "
                         "(no direct launch reaches an inclination below the launch latitude)")
    az = launch_azimuth_rad(lat_rad, inclination_rad, altitude_m, earth)
    last = vehicle.stages[-1]
    t_end_arc = sum(s.burn_s + s.coast_before_s for s in vehicle.stages[:-1])

    def plan(p: float, coast: float | None, cutoff: float | None = None) -> LaunchPlan:
        if coast is None:  # the ascent arc alone, to find its apogee
            return LaunchPlan(vehicle, lat_rad, lon_rad, az, p, alt_m=alt_m,
                              t_launch_s=t_launch_s, cutoff_s=t_end_arc)
        return LaunchPlan(vehicle, lat_rad, lon_rad, az, p, alt_m=alt_m, t_launch_s=t_launch_s,
                          final_coast_s=coast, cutoff_s=cutoff)

    def insert(p: float, coast: float, cutoff: np.ndarray) -> FlightSummary:
        plans = [plan(p, coast, None if c >= t_full else float(c)) for c in cutoff]
        return propagate(plans, earth=earth, max_flight_s=t_full + 60.0).summary

    def arc_apogee(p: np.ndarray) -> FlightSummary:
        return propagate([plan(float(x), None) for x in p], earth=earth,
                         max_flight_s=t_end_arc + 4000.0).summary

    h_arc = altitude_m
    burn = last.burn_s
    r_eq = earth.sphere_radius_m if earth.spherical else A_M
    grid = np.linspace(P_MIN_RAD, P_MAX_RAD, 33)
    s_grid = arc_apogee(grid)
    sol = None
    for _ in range(4):
        f = np.where(s_grid.apogee_alt_m > 0, s_grid.apogee_alt_m - h_arc, np.nan)
        ok = np.flatnonzero(np.isfinite(f))
        change = [i for i, j in zip(ok[:-1], ok[1:], strict=True) if f[i] * f[j] <= 0]
        if not change:
            raise TargetingError(f"vehicle {vehicle.name!r} cannot loft its ascent arc to "
                                 f"{h_arc / 1e3:.0f} km (apogees "
                                 f"{np.nanmin(s_grid.apogee_alt_m) / 1e3:.0f}–"
                                 f"{np.nanmax(s_grid.apogee_alt_m) / 1e3:.0f} km)")
        i = change[-1]
        target = h_arc

        def g(p: np.ndarray, target: float = target) -> np.ndarray:
            return arc_apogee(p).apogee_alt_m - target

        p = _illinois(g, float(grid[i]), float(grid[i + 1]), float(f[i]), float(f[i + 1]),
                      tol_f=10.0)
        s_arc = arc_apogee(np.array([p]))
        t_apo = float(s_arc.apogee_time_s[0] - t_launch_s)
        coast = max(0.0, t_apo - t_end_arc - last.coast_before_s - 0.5 * burn)
        t_ign = t_end_arc + coast + last.coast_before_s
        t_full = t_ign + last.burn_s
        s = insert(p, coast, np.array([t_full]))
        # Guided cut-off: stop the last stage at circular energy, a = R + altitude.
        a_circ = r_eq + altitude_m

        def excess(c: np.ndarray, p: float = p, coast: float = coast,
                   a_circ: float = a_circ) -> np.ndarray:
            ss = insert(p, coast, c)
            out = np.empty(c.size)
            for k in range(c.size):
                pe, ap, _ = orbit_of_state(ss.burnout_r_ecef_m[k], ss.burnout_v_ecef_m_s[k],
                                           earth)
                out[k] = 0.5 * (pe + ap) + r_eq - a_circ if np.isfinite(pe) else 1e9
            return out

        f_full = float(excess(np.array([t_full]))[0])
        if f_full > 0:
            c_lo = t_ign + 1.0
            f_lo = float(excess(np.array([c_lo]))[0])
            if f_lo < 0:
                cut = _illinois(excess, c_lo, t_full, f_lo, f_full, tol_x=1e-6, tol_f=50.0)
                s = insert(p, coast, np.array([cut]))
                burn = cut - t_ign
        perigee, apogee, inc = orbit_of_state(s.burnout_r_ecef_m[0], s.burnout_v_ecef_m_s[0],
                                              earth)
        r_bo = float(np.linalg.norm(s.burnout_r_ecef_m[0]))
        h_ins = r_bo - r_eq
        sol = (p, coast, s, perigee, apogee, inc, float(s.burnout_time_s[0] - t_launch_s))
        if abs(h_ins - altitude_m) < 2e3:
            break
        h_arc += altitude_m - h_ins
    assert sol is not None
    p, coast, s, perigee, apogee, inc, t_bo = sol
    if not (perigee >= MIN_PERIGEE_M):
        raise TargetingError(f"vehicle {vehicle.name!r} cannot reach orbit at "
                             f"{altitude_m / 1e3:.0f} km: its perigee would be "
                             f"{perigee / 1e3:.0f} km")
    cutoff = None if t_bo >= t_full - 1e-9 else t_bo
    return OrbitSolution(plan=plan(p, coast, cutoff), perigee_alt_m=perigee, apogee_alt_m=apogee,
                         inclination_rad=inc, insertion_time_s=float(s.burnout_time_s[0]),
                         summary=s)
