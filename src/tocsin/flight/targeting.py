"""Targeting: find the launch azimuth, pitch programme and cut-off that put a vehicle on a target.

A ballistic flight has three controls — azimuth, pitch kick ``p`` (angle from the vertical) and
energy ``e`` (engine cut-off as a fraction of the full burn; for the impulsive vehicle, burnout
speed as a fraction of its maximum) — and three conditions: the two coordinates of the impact
point and the trajectory's shape:

* **minimum-energy**: the least energy that reaches the range (min over ``p`` of ``e*(p)``);
* **lofted** / **depressed** to an apogee ``H``: the solution of ``apogee(p, e*(p)) = H`` on the
  steep (small ``p``) or flat (large ``p``) side of the minimum-energy trajectory.

``e*(p)`` — the energy that reaches the target range with kick ``p`` — is found for many kicks at
once (one batched flight per iteration, Illinois regula falsi), so every search over ``p`` is a
vectorised grid that zooms in. The azimuth is corrected from the bearing of the simulated impact
(Earth rotation and J2 bend the ground track) until the miss is below the tolerance. All ranges
come from full simulations with every effect of the chosen :class:`EarthModel`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from tocsin.checks import check_lat_rad, check_lon_rad
from tocsin.earth.geodesic import (
    geodesic_inverse,
    great_circle_azimuth_rad,
    great_circle_distance_m,
)
from tocsin.earth.model import EarthModel
from tocsin.earth.wgs84 import ecef_to_geodetic
from tocsin.errors import InputError, OutOfReachError, TargetingError
from tocsin.flight.propagate import FlightSummary, LaunchPlan, propagate
from tocsin.flight.vehicles import Vehicle
from tocsin.numerics import illinois, zoom_min

__all__ = ["Trajectory", "BallisticSolution", "parse_trajectory", "aim_ballistic",
           "ground_distance_m"]

P_MIN_RAD = math.radians(0.2)
P_MAX_RAD = math.radians(89.5)
E_MIN = 1e-4
MIN_RANGE_M = 50e3


@dataclass(frozen=True)
class Trajectory:
    """Trajectory shape: ``minimum-energy``, or ``lofted``/``depressed`` to an apogee."""

    kind: str = "minimum-energy"
    apogee_m: float | None = None

    def __str__(self) -> str:
        if self.apogee_m is None:
            return self.kind
        return f"{self.kind}:{self.apogee_m / 1e3:g}"


def parse_trajectory(text: str, field: str = "trajectory") -> Trajectory:
    """``minimum-energy`` | ``lofted:APOGEE_KM`` | ``depressed:APOGEE_KM`` → :class:`Trajectory`."""
    expected = "minimum-energy, lofted:APOGEE_KM or depressed:APOGEE_KM"
    s = str(text).strip().lower()
    if s in ("minimum-energy", "min-energy", "minimum_energy"):
        return Trajectory()
    kind, sep, rest = s.partition(":")
    if kind not in ("lofted", "depressed") or not sep:
        raise InputError(field, text, expected)
    try:
        km = float(rest)
    except ValueError:
        raise InputError(field, text, expected + " with a number of km") from None
    if not (math.isfinite(km) and km > 0):
        raise InputError(field, text, "a positive, finite apogee in km")
    return Trajectory(kind, km * 1e3)


@dataclass(frozen=True)
class BallisticSolution:
    """A solved launch: the plan, what it achieves and how well it hits."""

    plan: LaunchPlan
    trajectory: Trajectory
    target_lat_rad: float
    target_lon_rad: float
    ground_range_m: float
    miss_distance_m: float
    max_range_m: float
    summary: FlightSummary
    iterations: int
    flights: int


def ground_distance_m(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike,
                      earth: EarthModel) -> tuple[Any, Any]:
    """Surface distance (m) and initial bearing (rad): WGS-84 geodesic, or great circle."""
    if earth.spherical:
        return (great_circle_distance_m(lat1, lon1, lat2, lon2, earth.sphere_radius_m),
                great_circle_azimuth_rad(lat1, lon1, lat2, lon2))
    s, az, _ = geodesic_inverse(lat1, lon1, lat2, lon2)
    return s, az


class _Shooter:
    """Batched flights of one vehicle from one launch point at one azimuth."""

    def __init__(self, vehicle: Vehicle, lat: float, lon: float, alt: float, t0: float,
                 earth: EarthModel) -> None:
        self.v, self.lat, self.lon, self.alt = vehicle, lat, lon, alt
        self.t0, self.earth = t0, earth
        self.az = 0.0
        self.flights = 0

    def plan(self, p: float, e: float) -> LaunchPlan:
        v = self.v
        base = LaunchPlan(v, self.lat, self.lon, self.az, float(p), alt_m=self.alt,
                          launch_time_s=self.t0)
        if v.impulsive:
            return replace(base, burnout_speed_m_s=float(e) * v.max_burnout_speed_m_s)
        return replace(base, cutoff_s=None if e >= 1.0 else float(e) * v.burn_time_s)

    def fly(self, p: np.ndarray, e: np.ndarray) -> tuple[FlightSummary, np.ndarray, np.ndarray]:
        """Summary, ground range (m) and impact bearing (rad) for kicks p and energies e."""
        plans = [self.plan(pi, ei) for pi, ei in zip(np.ravel(p), np.ravel(e), strict=True)]
        self.flights += len(plans)
        s = propagate(plans, earth=self.earth).summary
        lat, lon, _ = ecef_to_geodetic(s.impact_r_ecef_m, spherical=self.earth.spherical)
        rng, brg = ground_distance_m(self.lat, self.lon, lat, lon, self.earth)
        rng = np.where(s.impacted, rng, np.nan)
        return s, rng, brg

    def energy_for_range(self, p: np.ndarray, r_target: float,
                         tol_m: float = 0.05) -> np.ndarray:
        """e*(p): the energy fraction that reaches ``r_target`` at each kick (NaN if none does)."""
        p = np.asarray(p, dtype=float)
        lo = np.full(p.shape, E_MIN)
        hi = np.ones(p.shape)
        _, f_hi, _ = self.fly(p, hi)
        f_hi = f_hi - r_target
        ok = f_hi >= 0
        f_lo = np.full(p.shape, -r_target)  # e → 0: the vehicle barely leaves the pad
        e = np.where(ok, 1.0, np.nan)
        active = ok & (np.abs(f_hi) > tol_m)
        side = np.zeros(p.shape)
        for _ in range(60):
            if not active.any():
                break
            idx = np.flatnonzero(active)
            x = (lo[idx] * f_hi[idx] - hi[idx] * f_lo[idx]) / (f_hi[idx] - f_lo[idx])
            x = np.clip(x, lo[idx] + 1e-12, hi[idx] - 1e-12)
            _, fx, _ = self.fly(p[idx], x)
            fx = fx - r_target
            fx = np.where(np.isnan(fx), -r_target, fx)
            e[idx] = x
            pos = fx > 0
            # Illinois modification: halve the retained end's value when a side repeats.
            for j, k in enumerate(idx):
                if pos[j]:
                    hi[k], f_hi[k] = x[j], fx[j]
                    if side[k] == 1:
                        f_lo[k] *= 0.5
                    side[k] = 1
                else:
                    lo[k], f_lo[k] = x[j], fx[j]
                    if side[k] == -1:
                        f_hi[k] *= 0.5
                    side[k] = -1
            done = (np.abs(fx) <= tol_m) | (hi[idx] - lo[idx] < 1e-13)
            active[idx[done]] = False
        return e


def _check_point(lat_rad: float, lon_rad: float, name: str) -> None:
    """Latitude in [−π/2, π/2] and longitude in [−π, 2π] (:mod:`tocsin.checks`), else an
    :class:`InputError` naming ``name`` (the caller's word for the point, e.g. ``--target``)."""
    check_lat_rad(f"{name} latitude", lat_rad)
    check_lon_rad(f"{name} longitude", lon_rad)


def aim_ballistic(vehicle: Vehicle, launch_lat_rad: float, launch_lon_rad: float,
                  target_lat_rad: float, target_lon_rad: float,
                  trajectory: Trajectory | None = None, *, alt_m: float = 0.0,
                  launch_time_s: float = 0.0, earth: EarthModel | None = None,
                  tol_m: float = 5.0,
                  field_names: Mapping[str, str] | None = None) -> BallisticSolution:
    """Solve a ballistic launch onto a target; miss below ``tol_m`` (default 5 m) or an error.

    ``field_names`` renames the inputs in error messages, e.g. the CLI's ``{"launch":
    "--launch", "target": "--target", "trajectory": "--trajectory"}``. Raises
    :class:`OutOfReachError` (with the maximum range from that launch point in that direction),
    :class:`InputError` for a bad point or an apogee the shape cannot have, and
    :class:`TargetingError` if the solver does not converge.
    """
    names = dict(field_names or {})
    target_field = names.get("target", "target")
    trajectory_field = names.get("trajectory", "trajectory")
    trajectory = trajectory or Trajectory()
    earth = earth or EarthModel()
    _check_point(launch_lat_rad, launch_lon_rad, names.get("launch", "launch"))
    _check_point(target_lat_rad, target_lon_rad, target_field)
    if vehicle.orbital:
        raise InputError("vehicle", vehicle.name,
                         "a ballistic vehicle (a space launch vehicle is aimed at an orbit)")
    r_t, az_t = ground_distance_m(launch_lat_rad, launch_lon_rad, target_lat_rad,
                                  target_lon_rad, earth)
    r_t, az_t = float(r_t), float(az_t)
    if r_t < MIN_RANGE_M:
        raise InputError(target_field, f"{r_t / 1e3:.1f} km from the launch point",
                         f"a target at least {MIN_RANGE_M / 1e3:.0f} km away")
    sh = _Shooter(vehicle, launch_lat_rad, launch_lon_rad, alt_m, launch_time_s, earth)
    sh.az = az_t
    # Maximum range in this direction, full burn: first at the great-circle azimuth, then at the
    # azimuth corrected for the bend of the ground track (Earth rotation, J2) of that flight.
    p_max, _ = _max_range(sh)
    _, _, brg = sh.fly(np.array([p_max]), np.array([1.0]))
    if np.isfinite(brg[0]):
        sh.az = math.remainder(sh.az + math.remainder(az_t - float(brg[0]), 2 * math.pi),
                               2 * math.pi)
        p_max, max_range = _max_range(sh)
    else:
        _, max_range = _max_range(sh)
    if r_t > max_range:
        raise OutOfReachError(target_field, f"{r_t / 1e3:,.0f} km away", r_t, max_range,
                              vehicle.name)
    best = None
    p = e = float("nan")
    for it in range(1, 11):
        if it <= 2:
            # Shape from scratch, then once more at the corrected azimuth (warm-started).
            lo, hi = ((P_MIN_RAD, P_MAX_RAD) if it == 1 else
                      (max(P_MIN_RAD, p - math.radians(1)), min(P_MAX_RAD, p + math.radians(1))))
            try:
                p, e = _solve_shape(sh, r_t, trajectory, lo, hi, levels=4 if it == 1 else 2,
                                    hint=p_max if it == 1 else p, field=trajectory_field)
                if (it == 2 and trajectory.kind == "minimum-energy"
                        and min(p - lo, hi - p) < 1e-3 * (hi - lo)):
                    # The minimum moved by more than the window with the azimuth: search again.
                    p, e = _solve_shape(sh, r_t, trajectory, P_MIN_RAD, P_MAX_RAD, levels=4,
                                        hint=p, field=trajectory_field)
            except TargetingError:
                # The corrected azimuth (Earth rotation bends the track) may be out of reach.
                _, max_here = _max_range(sh)
                if r_t > max_here:
                    raise OutOfReachError(target_field, f"{r_t / 1e3:,.0f} km away", r_t, max_here,
                                          vehicle.name) from None
                raise
        else:
            # The kick is fixed now: the minimum-energy optimum is flat in p, and holding p stops
            # its jitter from moving the flight time (and so the impact bearing).
            e = float(sh.energy_for_range(np.array([p]), r_t)[0])
            if not math.isfinite(e):
                raise TargetingError("lost the range solution while correcting the azimuth")
        s, rng, brg = sh.fly(np.array([p]), np.array([e]))
        lat_i, lon_i, _ = ecef_to_geodetic(s.impact_r_ecef_m[0], spherical=earth.spherical)
        miss, _ = ground_distance_m(lat_i, lon_i, target_lat_rad, target_lon_rad, earth)
        best = (p, e, s, float(miss), float(rng[0]))
        if miss <= tol_m:
            break
        d_az = math.remainder(az_t - float(brg[0]), 2 * math.pi)
        sh.az = math.remainder(sh.az + d_az, 2 * math.pi)
    if best is None:
        raise TargetingError("targeting made no attempt (no iteration ran)")
    p, e, s, miss, range_m = best
    if miss > max(tol_m, 1000.0):
        raise TargetingError(f"targeting did not converge: miss {miss / 1e3:.2f} km after "
                             f"{it} iterations")
    return BallisticSolution(plan=sh.plan(p, e), trajectory=trajectory,
                             target_lat_rad=target_lat_rad, target_lon_rad=target_lon_rad,
                             ground_range_m=range_m, miss_distance_m=miss, max_range_m=max_range,
                             summary=s, iterations=it, flights=sh.flights)


def _max_range(sh: _Shooter) -> tuple[float, float]:
    """(kick, greatest ground range in m) over kicks with full energy at the shooter's azimuth."""
    def neg_range(p: np.ndarray) -> np.ndarray:
        _, rng, _ = sh.fly(p, np.ones_like(p))
        return -rng

    p, f = zoom_min(neg_range, P_MIN_RAD, P_MAX_RAD, n=17, levels=2)
    return p, -f


def _solve_shape(sh: _Shooter, r_t: float, traj: Trajectory, p_lo: float,
                 p_hi: float, levels: int = 3, hint: float | None = None,
                 field: str = "trajectory") -> tuple[float, float]:
    """Kick and energy for range ``r_t`` with the requested shape, at the current azimuth;
    an unreachable apogee is an :class:`InputError` naming ``field``."""
    cache: dict[float, float] = {}

    def e_star(p: np.ndarray) -> np.ndarray:
        e = sh.energy_for_range(p, r_t)
        for pi, ei in zip(p, e, strict=True):
            cache[float(pi)] = float(ei)
        return e

    p_me, e_me = zoom_min(e_star, p_lo, p_hi, levels=levels, hint=hint)
    if traj.kind == "minimum-energy":
        return p_me, e_me
    h_target = float(traj.apogee_m or 0.0)

    def apogee_minus_h(p: np.ndarray) -> np.ndarray:
        e = e_star(p)
        ok = ~np.isnan(e)
        out = np.full(p.shape, np.nan)
        if ok.any():
            s, _, _ = sh.fly(p[ok], e[ok])
            out[ok] = s.apogee_alt_m - h_target
        return out

    s_me, _, _ = sh.fly(np.array([p_me]), np.array([e_me]))
    h_me = float(s_me.apogee_alt_m[0])
    lofted = traj.kind == "lofted"
    if lofted and h_target <= h_me:
        raise InputError(field, str(traj),
                         f"a lofted apogee above the minimum-energy apogee at this range, "
                         f"{h_me / 1e3:,.0f} km")
    if not lofted and h_target >= h_me:
        raise InputError(field, str(traj),
                         f"a depressed apogee below the minimum-energy apogee at this range, "
                         f"{h_me / 1e3:,.0f} km")
    # Kicks on the requested side, where e*(p) exists (a full burn reaches the range).
    a, b = (P_MIN_RAD, p_me) if lofted else (p_me, P_MAX_RAD)
    grid = np.linspace(a, b, 17)
    f = apogee_minus_h(grid)
    ok = ~np.isnan(f)
    # The feasible set ends where a full burn just reaches the range; the most lofted (depressed)
    # trajectory lies on that edge, between the grid's last infeasible and first feasible kick.
    idx = np.flatnonzero(ok)
    j = int(idx[0]) if lofted else int(idx[-1])
    edge_in = float(grid[j])
    if (lofted and j > 0) or (not lofted and j < grid.size - 1):
        edge_out = float(grid[j - 1] if lofted else grid[j + 1])
        for _ in range(30):
            mid = 0.5 * (edge_in + edge_out)
            if np.isfinite(e_star(np.array([mid]))[0]):
                edge_in = mid
            else:
                edge_out = mid
            if abs(edge_in - edge_out) < 1e-7:
                break
    f_edge = float(apogee_minus_h(np.array([edge_in]))[0])
    grid = np.append(grid, edge_in)
    f = np.append(f, f_edge)
    order = np.argsort(grid)
    grid, f = grid[order], f[order]
    ok = ~np.isnan(f)
    if lofted and f_edge < 0:
        raise InputError(field, str(traj),
                         f"a lofted apogee the vehicle can reach at this range, at most "
                         f"{(f_edge + h_target) / 1e3:,.0f} km")
    if not lofted and f_edge > 0:
        raise InputError(field, str(traj),
                         f"a depressed apogee the vehicle can reach at this range, at least "
                         f"{(f_edge + h_target) / 1e3:,.0f} km")
    return _refine_edge_then_root(apogee_minus_h, e_star, edge_in, grid, f, ok, lofted, cache)


def _refine_edge_then_root(fn: Callable[[np.ndarray], np.ndarray],
                           e_star: Callable[[np.ndarray], np.ndarray], _edge: Any,
                           grid: np.ndarray, f: np.ndarray, ok: np.ndarray, lofted: bool,
                           cache: dict[float, float]) -> tuple[float, float]:
    """Root of fn between adjacent feasible grid points that bracket it; (p, e*(p))."""
    idx = np.flatnonzero(ok)
    vals = f[idx]
    sgn = np.sign(vals)
    change = np.flatnonzero(sgn[:-1] * sgn[1:] <= 0)
    if change.size == 0:
        raise TargetingError("no bracket for the apogee condition")
    k = int(change[0])
    i0, i1 = idx[k], idx[k + 1]
    p = illinois(fn, float(grid[i0]), float(grid[i1]), float(f[i0]), float(f[i1]))
    e = cache.get(p)
    if e is None or not math.isfinite(e):
        e = float(e_star(np.array([p]))[0])
    return p, e
