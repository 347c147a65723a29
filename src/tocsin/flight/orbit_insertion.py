"""Orbit insertion for space launch vehicles: aimed at an orbit (altitude, inclination).

The ascent flies the vehicle's pitch programme and gravity turn through every stage but the last;
the last stage burns horizontally after a coast and is cut off at circular energy (a = R + h).
The azimuth that gives the inclination on the rotating Earth,

    sin β = cos i / cos φ,   tan ψ = (v sin β − ω R cos φ) / (v cos β)

(inertial azimuth β, geocentric launch latitude φ, circular speed v: the first is Napier's rule on
the right spherical triangle of the equator, the meridian and the orbit's ground track, as in
H. D. Curtis, *Orbital Mechanics for Engineering Students*, 3rd ed. (2014), ch. 4 "Orbits in
three dimensions"; the second removes the ground's eastward speed ω R cos φ from the inertial
velocity, the rotating-frame composition of Curtis §1.7 "Relative motion"), starts the search
and is corrected from the inclination flown.
Newton's method on the kick and the coast brings the burnout altitude to h and the radial speed
to zero — with a = R + h that is the circular orbit (a horizontal burn loses radial speed to
gravity, so it must start while the arc still climbs). The solution states the achieved orbit and
the request, and ``reached`` when they agree within :data:`ALT_TOL_M` and :data:`INC_TOL_RAD`
(the nearest orbit is returned otherwise). A vehicle that cannot reach orbit there (perigee below
:data:`MIN_PERIGEE_M`) is refused with a clear error. It never comes down within the run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from tocsin.checks import check_lat_rad, check_lon_rad
from tocsin.earth.constants import A_M, E2, GM_M3_S2, OMEGA_EARTH_RAD_S
from tocsin.earth.model import EarthModel
from tocsin.errors import InputError, TargetingError
from tocsin.flight.launches import LaunchPlan
from tocsin.flight.propagate import FlightSummary, propagate
from tocsin.flight.targeting import P_MAX_RAD, P_MIN_RAD
from tocsin.flight.vehicles import Vehicle
from tocsin.numerics import illinois

__all__ = ["OrbitSolution", "aim_orbit", "orbit_of_state", "ALT_TOL_M", "INC_TOL_RAD"]

MIN_PERIGEE_M = 120e3
# Insertion tolerances: perigee and apogee within ALT_TOL_M of the requested altitude, the
# inclination within INC_TOL_RAD (what `reached` promises; two-body elements at burnout).
ALT_TOL_M = 5e3
INC_TOL_RAD = math.radians(0.02)


@dataclass(frozen=True)
class OrbitSolution:
    """A solved space launch: the plan, the orbit it reaches (altitudes above the equator, two-body
    elements at burnout) and the request; ``reached`` when the orbit is within the tolerances
    (:data:`ALT_TOL_M`, :data:`INC_TOL_RAD`)."""

    plan: LaunchPlan
    perigee_alt_m: float
    apogee_alt_m: float
    inclination_rad: float
    insertion_time_s: float
    summary: FlightSummary
    requested_altitude_m: float = math.nan
    requested_inclination_rad: float = math.nan
    reached: bool = False


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


def _geocentric(lat_rad: float, earth: EarthModel) -> float:
    """Geocentric latitude of a point on the surface at geodetic latitude ``lat_rad``."""
    return lat_rad if earth.spherical else math.atan((1.0 - E2) * math.tan(lat_rad))


def launch_azimuth_rad(lat_rad: float, inclination_rad: float, altitude_m: float,
                       earth: EarthModel) -> float:
    """Azimuth on the rotating Earth for the inclination (ascending pass, northward).

    ``lat_rad`` is geodetic; the spherical relation cos i = cos φ sin β holds for the geocentric
    latitude φ, up to 0.19° lower (at 45°), which is what lets a launch from 28.5° N reach 28.5°.
    """
    lat_rad = _geocentric(lat_rad, earth)
    sin_b = math.cos(inclination_rad) / math.cos(lat_rad)
    beta = math.asin(max(-1.0, min(1.0, sin_b)))
    r_eq = earth.sphere_radius_m if earth.spherical else A_M
    v = math.sqrt(GM_M3_S2 / (r_eq + altitude_m))
    v_rot = (OMEGA_EARTH_RAD_S if earth.rotation else 0.0) * r_eq * math.cos(lat_rad)
    return math.atan2(v * math.sin(beta) - v_rot, v * math.cos(beta)) % (2 * math.pi)


def aim_orbit(vehicle: Vehicle, lat_rad: float, lon_rad: float, altitude_m: float,
              inclination_rad: float, *, alt_m: float = 0.0, launch_time_s: float = 0.0,
              earth: EarthModel | None = None,
              field_names: Mapping[str, str] | None = None) -> OrbitSolution:
    """Plan a space launch into a circular orbit of ``altitude_m`` and ``inclination_rad``.

    The insertion is solved to within :data:`ALT_TOL_M` (perigee and apogee against the requested
    altitude) and :data:`INC_TOL_RAD` where the vehicle can fly it; where it cannot (the coast
    before the last stage cannot be shortened further, the last stage cannot reach circular
    speed) the nearest orbit it reaches is returned with ``reached = False`` — the solution
    always states the achieved orbit next to the request. An orbit whose perigee would lie below
    :data:`MIN_PERIGEE_M` is refused. ``field_names`` renames the inputs ``launch`` and
    ``orbit`` in error messages (e.g. the CLI's ``--launch``, ``--orbit``).
    """
    names = dict(field_names or {})
    launch_f, orbit_f = names.get("launch", "launch"), names.get("orbit", "orbit")
    earth = earth or EarthModel()
    if not vehicle.orbital or len(vehicle.stages) < 2:
        raise InputError("vehicle", vehicle.name, "a space launch vehicle with two or more stages")
    check_lat_rad(f"{launch_f} latitude", lat_rad)
    check_lon_rad(f"{launch_f} longitude", lon_rad)
    if not (math.isfinite(altitude_m) and 150e3 <= altitude_m <= 2000e3):
        raise InputError(f"{orbit_f} altitude", altitude_m / 1e3, "an altitude in [150, 2000] km")
    lat_deg = abs(math.degrees(lat_rad))
    inc_deg = math.degrees(inclination_rad)
    if not (math.isfinite(inc_deg) and lat_deg - 1e-9 <= inc_deg <= 180 - lat_deg + 1e-9):
        raise InputError(f"{orbit_f} inclination", inc_deg,
                         f"an inclination in [{lat_deg:.2f}, {180 - lat_deg:.2f}] degrees "
                         "(no direct launch reaches an inclination below the launch latitude)")
    last = vehicle.stages[-1]
    t_end_arc = sum(s.burn_s + s.coast_before_s for s in vehicle.stages[:-1])
    r_eq = earth.sphere_radius_m if earth.spherical else A_M
    a_circ = r_eq + altitude_m
    az = launch_azimuth_rad(lat_rad, inclination_rad, altitude_m, earth)

    def plan(p: float, coast: float | None, cutoff: float | None = None,
             azimuth: float | None = None) -> LaunchPlan:
        az_p = az if azimuth is None else azimuth
        if coast is None:  # the ascent arc alone, to find its apogee
            return LaunchPlan(vehicle, lat_rad, lon_rad, az_p, p, alt_m=alt_m,
                              launch_time_s=launch_time_s, cutoff_s=t_end_arc)
        return LaunchPlan(vehicle, lat_rad, lon_rad, az_p, p, alt_m=alt_m,
                          launch_time_s=launch_time_s, final_coast_s=coast, cutoff_s=cutoff)

    def arc_apogee(p: np.ndarray) -> FlightSummary:
        return propagate([plan(float(x), None) for x in p], earth=earth,
                         max_flight_s=t_end_arc + 4000.0).summary

    def shoot(p: float, coast: float) -> _Shot:
        """Fly (p, coast) with the last stage cut off at circular energy, a = R + altitude."""
        t_ign = t_end_arc + coast + last.coast_before_s
        t_full = t_ign + last.burn_s

        def insert(c: np.ndarray) -> FlightSummary:
            plans = [plan(p, coast, None if ci >= t_full else float(ci)) for ci in c]
            return propagate(plans, earth=earth, max_flight_s=t_full + 60.0).summary

        def excess(c: np.ndarray) -> np.ndarray:
            ss = insert(c)
            out = np.empty(c.size)
            for k in range(c.size):
                pe, ap, _ = orbit_of_state(ss.burnout_r_ecef_m[k], ss.burnout_v_ecef_m_s[k],
                                           earth)
                out[k] = 0.5 * (pe + ap) + r_eq - a_circ if np.isfinite(pe) else 1e9
            return out

        f_full = float(excess(np.array([t_full]))[0])
        cut = t_full
        if f_full > 0:
            c_lo = t_ign + 1.0
            f_lo = float(excess(np.array([c_lo]))[0])
            if f_lo < 0:
                cut = illinois(excess, c_lo, t_full, f_lo, f_full, tol_x=1e-6, tol_f=1.0,
                               what="the circular-energy cut-off")
        s = insert(np.array([cut]))
        r, v = s.burnout_r_ecef_m[0], s.burnout_v_ecef_m_s[0]
        rn = float(np.linalg.norm(r))
        pe, ap, inc = orbit_of_state(r, v, earth)
        return _Shot(p, coast, az, s, cut, t_full, rn - r_eq, float(r @ v) / rn, pe, ap, inc)

    # Start: the kick that lofts the ascent arc to the insertion altitude, the last burn centred
    # on the arc's apogee.
    grid = np.linspace(P_MIN_RAD, P_MAX_RAD, 33)
    s_grid = arc_apogee(grid)
    f = np.where(s_grid.apogee_alt_m > 0, s_grid.apogee_alt_m - altitude_m, np.nan)
    ok = np.flatnonzero(np.isfinite(f))
    change = [i for i, j in zip(ok[:-1], ok[1:], strict=True) if f[i] * f[j] <= 0]
    if not change:
        raise TargetingError(f"vehicle {vehicle.name!r} cannot loft its ascent arc to "
                             f"{altitude_m / 1e3:.0f} km (apogees "
                             f"{np.nanmin(s_grid.apogee_alt_m) / 1e3:.0f}–"
                             f"{np.nanmax(s_grid.apogee_alt_m) / 1e3:.0f} km)")
    i = change[-1]
    p = illinois(lambda x: arc_apogee(x).apogee_alt_m - altitude_m, float(grid[i]),
                 float(grid[i + 1]), float(f[i]), float(f[i + 1]), tol_f=10.0)
    t_apo = float(arc_apogee(np.array([p])).apogee_time_s[0] - launch_time_s)
    coast = max(0.0, t_apo - t_end_arc - last.coast_before_s - 0.5 * last.burn_s)

    def alt_err(sh: _Shot) -> float:
        return max(abs(sh.perigee_alt_m - altitude_m), abs(sh.apogee_alt_m - altitude_m)) \
            if np.isfinite(sh.perigee_alt_m) else math.inf

    def cost(sh: _Shot) -> float:  # in units of the tolerances
        return max(alt_err(sh) / ALT_TOL_M, abs(sh.inc_rad - inclination_rad) / INC_TOL_RAD)

    best: _Shot | None = None
    for _ in range(4):  # azimuth for the inclination, around the circularisation below
        sh = shoot(p, coast)
        # Circularise: Newton on (kick, coast) for burnout altitude = requested and radial speed
        # = 0 (with a = R + altitude by the cut-off, that is the circular orbit); a horizontal
        # last burn loses radial speed to gravity, so it must start while still climbing.
        for _ in range(12):
            if best is None or cost(sh) < cost(best):
                best = sh
            res = np.array([sh.alt_m - altitude_m, (sh.vr_m_s) * 100.0])
            if abs(res[0]) < 0.2 * ALT_TOL_M and abs(sh.vr_m_s) < 0.5:
                break
            dp, dc = 2e-4, 0.5
            s1, s2 = shoot(p + dp, coast), shoot(p, coast + dc)
            J = np.array([[(s1.alt_m - sh.alt_m) / dp, (s2.alt_m - sh.alt_m) / dc],
                          [(s1.vr_m_s - sh.vr_m_s) * 100.0 / dp,
                           (s2.vr_m_s - sh.vr_m_s) * 100.0 / dc]])
            try:
                step = np.linalg.solve(J, -res)
            except np.linalg.LinAlgError:
                break
            scale = min(1.0, math.radians(2.0) / max(abs(step[0]), 1e-300),
                        30.0 / max(abs(step[1]), 1e-300))
            p_new = min(max(p + scale * step[0], P_MIN_RAD), P_MAX_RAD)
            c_new = max(0.0, coast + scale * step[1])
            if p_new == p and c_new == coast:
                break
            p, coast = p_new, c_new
            sh = shoot(p, coast)
        if best is None or cost(sh) < cost(best):
            best = sh
        d_inc = sh.inc_rad - inclination_rad
        if abs(d_inc) < 0.2 * INC_TOL_RAD or not np.isfinite(d_inc):
            break
        # cos i = cos φ sin β (inertial azimuth β): dβ = −sin i di / (cos φ cos β).
        lat_c = _geocentric(lat_rad, earth)
        beta = math.asin(max(-1.0, min(1.0, math.cos(inclination_rad) / math.cos(lat_c))))
        den = math.cos(lat_c) * math.cos(beta)
        if abs(den) < 1e-6:
            break
        # Stay on the northward (ascending) branch: past due east or west the inclination
        # rises again, and near i = φ (the least inclination from here) the step overshoots.
        az_new = math.remainder(az + math.sin(inclination_rad) * d_inc / den, 2 * math.pi)
        az = min(max(az_new, -0.5 * math.pi), 0.5 * math.pi) % (2 * math.pi)
    if best is None:
        raise TargetingError("orbit insertion made no attempt (no iteration ran)")
    sh = best
    if not (sh.perigee_alt_m >= MIN_PERIGEE_M):
        raise TargetingError(f"vehicle {vehicle.name!r} cannot reach orbit at "
                             f"{altitude_m / 1e3:.0f} km: its perigee would be "
                             f"{sh.perigee_alt_m / 1e3:.0f} km")
    reached = cost(sh) <= 1.0
    cutoff = None if sh.cutoff_s >= sh.t_full_s - 1e-9 else sh.cutoff_s
    return OrbitSolution(plan=plan(sh.p, sh.coast, cutoff, sh.az), perigee_alt_m=sh.perigee_alt_m,
                         apogee_alt_m=sh.apogee_alt_m, inclination_rad=sh.inc_rad,
                         insertion_time_s=float(sh.summary.burnout_time_s[0]),
                         summary=sh.summary, requested_altitude_m=altitude_m,
                         requested_inclination_rad=inclination_rad, reached=reached)


@dataclass(frozen=True)
class _Shot:
    p: float
    coast: float
    az: float
    summary: FlightSummary
    cutoff_s: float
    t_full_s: float
    alt_m: float
    vr_m_s: float
    perigee_alt_m: float
    apogee_alt_m: float
    inc_rad: float
