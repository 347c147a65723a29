"""Propagate many launches at once and sample their truth at any times.

A :class:`LaunchPlan` fixes everything a flight needs (vehicle, launch point and time, azimuth,
pitch programme, cut-off); :func:`propagate` flies a batch of plans in the numba kernel
(:mod:`tocsin.flight.kernel`) and returns a :class:`FlightSummary` (burnout, apogee, impact, per
vehicle) and, when sample times are given, :class:`FlightSamples` (position and velocity in ECEF,
phase, whether the motor burns) of shape ``(n_vehicles, n_times)``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tocsin.earth import atmosphere
from tocsin.earth.constants import A_M, E2, GM_M3_S2, J2, OMEGA_EARTH_RAD_S
from tocsin.earth.model import EarthModel
from tocsin.earth.wgs84 import enu_basis, geodetic_to_ecef
from tocsin.errors import InputError
from tocsin.flight import kernel as K
from tocsin.flight.vehicles import Vehicle

__all__ = ["Phase", "LaunchPlan", "FlightSummary", "FlightSamples", "FlightResult", "propagate"]

_NEVER_S = 1e30
_PARALLEL_MIN = 32  # below this, thread start-up costs more than it saves


class Phase(enum.IntEnum):
    """Flight phase of a sample (stored as int8)."""

    PRELAUNCH = K.PHASE_PRELAUNCH
    BOOST = K.PHASE_BOOST
    MIDCOURSE = K.PHASE_MIDCOURSE
    REENTRY = K.PHASE_REENTRY
    GROUND = K.PHASE_GROUND
    ORBIT = K.PHASE_ORBIT


@dataclass(frozen=True)
class LaunchPlan:
    """Everything one flight needs.

    ``pitch_rad`` is the pitch-programme kick from the vertical (for the impulsive vehicle: the
    angle of the burnout velocity from the vertical). ``cutoff_s`` ends thrust early (seconds after
    launch; ``None`` burns every stage to depletion); the impulsive vehicle instead takes
    ``burnout_speed_m_s``. ``final_coast_s`` delays the last stage's ignition (orbit insertion).
    Reentry begins below ``kernel.REENTRY_ALT_M`` (100 km) on the way down.
    """

    vehicle: Vehicle
    lat_rad: float
    lon_rad: float
    azimuth_rad: float
    pitch_rad: float
    alt_m: float = 0.0
    t_launch_s: float = 0.0
    cutoff_s: float | None = None
    burnout_speed_m_s: float | None = None
    final_coast_s: float = 0.0


@dataclass(frozen=True)
class FlightSummary:
    """Per-vehicle events, arrays of length n; times in seconds since the epoch (NaN if none)."""

    launch_time_s: np.ndarray
    burnout_time_s: np.ndarray
    burnout_r_ecef_m: np.ndarray
    burnout_v_ecef_m_s: np.ndarray
    apogee_alt_m: np.ndarray
    apogee_time_s: np.ndarray
    max_alt_m: np.ndarray
    impact_time_s: np.ndarray
    impact_r_ecef_m: np.ndarray
    impact_v_ecef_m_s: np.ndarray
    status: np.ndarray
    n_steps: np.ndarray

    @property
    def impacted(self) -> np.ndarray:
        return self.status == K.STATUS_IMPACTED

    @property
    def flight_time_s(self) -> np.ndarray:
        """Impact time minus launch time, s (NaN for a vehicle that did not come down)."""
        return self.impact_time_s - self.launch_time_s


@dataclass(frozen=True)
class FlightSamples:
    """Truth at common times ``t_s`` (m,): positions and velocities (n, m, 3) ECEF, phase, burning."""

    t_s: np.ndarray
    r_ecef_m: np.ndarray
    v_ecef_m_s: np.ndarray
    phase: np.ndarray
    burning: np.ndarray


@dataclass(frozen=True)
class FlightResult:
    summary: FlightSummary
    samples: FlightSamples | None


def _segments(plan: Vehicle, cutoff_s: float | None, final_coast_s: float) -> tuple[list, float]:
    """Rows (t0, t1, thrust, mdot, m0, cdA, steer, burning) and the burnout time."""
    v = plan
    rows: list[tuple] = []
    mass = v.liftoff_mass_kg
    cda = v.boost_cd_area_m2
    t = 0.0
    n = len(v.stages)
    for i, st in enumerate(v.stages):
        coast = st.coast_before_s + (final_coast_s if (i == n - 1 and i > 0) else 0.0)
        if coast > 0:
            rows.append((t, t + coast, 0.0, 0.0, mass, cda, K.STEER_NONE, 0.0))
            t += coast
        t_end = t + st.burn_s
        if i == 0:
            t_v = min(v.vertical_rise_s, st.burn_s)
            t_k = min(v.vertical_rise_s + v.pitch_over_s, st.burn_s)
            cuts = [(t, t_v, K.STEER_VERTICAL), (t_v, t_k, K.STEER_PITCH_OVER),
                    (t_k, t_end, K.STEER_GRAVITY_TURN)]
        else:
            steer = K.STEER_HORIZONTAL if (v.orbital and i == n - 1) else K.STEER_GRAVITY_TURN
            cuts = [(t, t_end, steer)]
        for a, b, steer in cuts:
            if b > a:
                rows.append((a, b, st.thrust_n, st.mdot_kg_s, mass - st.mdot_kg_s * (a - t), cda,
                             steer, 1.0))
        mass -= st.propellant_kg + st.dry_kg
        t = t_end
    if cutoff_s is not None:
        kept = []
        for r in rows:
            if r[0] >= cutoff_s:
                break
            kept.append((r[0], min(r[1], cutoff_s), *r[2:]))
        rows = kept
    burning = [r for r in rows if r[7] > 0]
    t_bo = burning[-1][1] if burning else 0.0
    rows = [r for r in rows if r[0] < t_bo] if burning else []
    body = v.rv if not v.orbital else None
    m_after = body.mass_kg if body else v.payload_kg
    cda_after = body.cd_area_m2 if body else v.rv.cd_area_m2
    rows.append((t_bo, _NEVER_S, 0.0, 0.0, m_after, cda_after, K.STEER_NONE, 0.0))
    return rows, t_bo


def _check_plan(i: int, p: LaunchPlan) -> None:
    def bad(field: str, value: float, expected: str) -> None:
        raise InputError(f"plans[{i}].{field}", value, expected)

    for name in ("lat_rad", "lon_rad", "azimuth_rad", "pitch_rad", "alt_m", "t_launch_s"):
        if not np.isfinite(getattr(p, name)):
            bad(name, getattr(p, name), "a finite number")
    if abs(p.lat_rad) > np.pi / 2:
        bad("lat_rad", p.lat_rad, "a latitude within ±π/2")
    if not 0.0 <= p.pitch_rad < np.pi / 2:
        bad("pitch_rad", p.pitch_rad, "a kick angle from the vertical in [0, π/2)")
    if p.vehicle.impulsive:
        s = p.burnout_speed_m_s
        if s is None or not np.isfinite(s) or s <= 0:
            bad("burnout_speed_m_s", s, "a positive speed for the impulsive vehicle")
    elif p.cutoff_s is not None and not (np.isfinite(p.cutoff_s) and p.cutoff_s > 0):
        bad("cutoff_s", p.cutoff_s, "a positive cut-off time or None")


def _earth_vector(earth: EarthModel, rtol: float, h_max_s: float) -> np.ndarray:
    e = np.zeros(K.N_E)
    e[K.E_OMEGA] = OMEGA_EARTH_RAD_S if earth.rotation else 0.0
    e[K.E_J2] = J2 if earth.j2 else 0.0
    e[K.E_A] = A_M
    e[K.E_MU] = GM_M3_S2
    e[K.E_SPHERICAL] = 1.0 if earth.spherical else 0.0
    e[K.E_R_SPHERE] = earth.sphere_radius_m
    e[K.E_DRAG] = 1.0 if earth.drag else 0.0
    e[K.E_E2] = E2
    e[K.E_RTOL] = rtol
    e[K.E_H_MAX] = h_max_s
    return e


def pack(plans: Sequence[LaunchPlan], earth: EarthModel,
         max_flight_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Kernel arrays (P, S) for a batch of plans (validated)."""
    n = len(plans)
    seg_rows = []
    for i, p in enumerate(plans):
        _check_plan(i, p)
        seg_rows.append(_segments(p.vehicle, p.cutoff_s, p.final_coast_s))
    n_seg = max(len(r) for r, _ in seg_rows) if seg_rows else 1
    S = np.zeros((n, n_seg, K.N_S))
    P = np.zeros((n, K.N_P))
    lat = np.array([p.lat_rad for p in plans])
    lon = np.array([p.lon_rad for p in plans])
    alt = np.array([p.alt_m for p in plans])
    az = np.array([p.azimuth_rad for p in plans])
    r0 = geodetic_to_ecef(lat, lon, alt, spherical=earth.spherical).reshape(n, 3)
    basis = enu_basis(lat, lon).reshape(n, 3, 3)
    east, north, up = basis[:, 0], basis[:, 1], basis[:, 2]
    hdir = np.cos(az)[:, None] * north + np.sin(az)[:, None] * east
    for i, (p, (rows, t_bo)) in enumerate(zip(plans, seg_rows, strict=True)):
        S[i, : len(rows)] = rows
        P[i, K.P_NSEG] = len(rows)
        P[i, K.P_T_BURNOUT] = t_bo
        P[i, K.P_KICK] = p.pitch_rad
        P[i, K.P_KICK_T0] = p.vehicle.vertical_rise_s
        P[i, K.P_KICK_DUR] = max(p.vehicle.pitch_over_s, 1e-9)
        P[i, K.P_ORBITAL] = 1.0 if p.vehicle.orbital else 0.0
        P[i, K.P_T_LAUNCH] = p.t_launch_s
        P[i, K.P_T_MAX] = max_flight_s
        if p.vehicle.impulsive:
            c, s = np.cos(p.pitch_rad), np.sin(p.pitch_rad)
            P[i, K.P_V0:K.P_V0 + 3] = p.burnout_speed_m_s * (c * up[i] + s * hdir[i])
    P[:, K.P_R0:K.P_R0 + 3] = r0
    P[:, K.P_UP:K.P_UP + 3] = up
    P[:, K.P_HDIR:K.P_HDIR + 3] = hdir
    return P, S


def propagate(plans: Sequence[LaunchPlan], t_s: np.ndarray | None = None, *,
              earth: EarthModel | None = None, rtol: float = 1e-9, max_step_s: float = 120.0,
              max_flight_s: float = 4 * 3600.0) -> FlightResult:
    """Fly every plan; sample truth at the sorted times ``t_s`` (s since the epoch) if given.

    ``rtol`` is the integrator's relative tolerance per step (absolute: 1 mm, 1 µm/s); the default
    keeps position errors below a metre over an ICBM flight (see ``benchmarks/``). A vehicle still
    in flight after ``max_flight_s`` (or the last sample) reports status ``STATUS_FLYING``.
    """
    earth = earth or EarthModel()
    P, S = pack(plans, earth, max_flight_s)
    return propagate_packed(P, S, t_s, earth=earth, rtol=rtol, max_step_s=max_step_s)


def propagate_packed(P: np.ndarray, S: np.ndarray, t_s: np.ndarray | None, *, earth: EarthModel,
                     rtol: float, max_step_s: float) -> FlightResult:
    """:func:`propagate` on arrays already packed by :func:`pack`."""
    n = P.shape[0]
    if t_s is None:
        t = np.zeros(0)
    else:
        t = np.ascontiguousarray(t_s, dtype=float).ravel()
        if t.size and (not np.all(np.isfinite(t)) or np.any(np.diff(t) < 0)):
            raise InputError("t_s", t_s, "finite sample times in non-decreasing order")
    m = t.size
    out_r = np.full((n, m, 3), np.nan)
    out_v = np.full((n, m, 3), np.nan)
    out_phase = np.full((n, m), -1, dtype=np.int8)
    out_burn = np.zeros((n, m), dtype=np.bool_)
    summary = np.empty((n, K.N_O))
    alt0, dalt = atmosphere.ALT0_M, atmosphere.DALT_M
    _, logrho = atmosphere.density_table()
    E = _earth_vector(earth, rtol, max_step_s)
    fly = K.fly_batch if n >= _PARALLEL_MIN else K.fly_serial
    fly(P, S, E, alt0, dalt, np.ascontiguousarray(logrho), t, out_r, out_v, out_phase,
                out_burn, summary)
    t0 = P[:, K.P_T_LAUNCH]
    o = summary
    summ = FlightSummary(
        launch_time_s=t0.copy(),
        burnout_time_s=t0 + o[:, K.O_T_BURNOUT],
        burnout_r_ecef_m=o[:, K.O_R_BO:K.O_R_BO + 3].copy(),
        burnout_v_ecef_m_s=o[:, K.O_V_BO:K.O_V_BO + 3].copy(),
        apogee_alt_m=o[:, K.O_APOGEE_ALT].copy(),
        apogee_time_s=t0 + o[:, K.O_T_APOGEE],
        max_alt_m=o[:, K.O_MAX_ALT].copy(),
        impact_time_s=t0 + o[:, K.O_T_IMPACT],
        impact_r_ecef_m=o[:, K.O_R_IMPACT:K.O_R_IMPACT + 3].copy(),
        impact_v_ecef_m_s=o[:, K.O_V_IMPACT:K.O_V_IMPACT + 3].copy(),
        status=o[:, K.O_STATUS].astype(np.int8),
        n_steps=o[:, K.O_N_STEPS].astype(np.int64),
    )
    samples = None
    if t_s is not None:
        samples = FlightSamples(t_s=t, r_ecef_m=out_r, v_ecef_m_s=out_v, phase=out_phase,
                                burning=out_burn)
    return FlightResult(summary=summ, samples=samples)
