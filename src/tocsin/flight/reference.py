"""Reference flight with SciPy's DOP853 — what a user would otherwise write, and the yardstick.

An independent, straightforward implementation of the same equations as the numba kernel
(:mod:`tocsin.flight.kernel`): ``scipy.integrate.solve_ivp`` (DOP853, Hairer's 8(5,3) pair) on
each segment of the flight in turn, with the impact found by a terminal event. It is slow (one
Python call per derivative) and exists to measure the kernel's error and speed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.integrate import solve_ivp

from tocsin.earth import atmosphere
from tocsin.earth.constants import OMEGA_EARTH_RAD_S
from tocsin.earth.gravity import gravity_ecef
from tocsin.earth.model import EarthModel
from tocsin.earth.wgs84 import radial_height_m
from tocsin.flight import kernel as K
from tocsin.flight.launches import LaunchPlan, pack

__all__ = ["reference_flight"]


def _alt(r: np.ndarray, earth: EarthModel) -> float:
    """Height (m) along the radius above the model's surface, as the kernel measures it."""
    b_m, e2 = earth.height_figure()
    return float(radial_height_m(float(r[0]), float(r[1]), float(r[2]), b_m, e2))


def _rhs(seg: np.ndarray, pv: np.ndarray, earth: EarthModel
         ) -> Callable[[float, np.ndarray], np.ndarray]:
    w = np.array([0.0, 0.0, OMEGA_EARTH_RAD_S if earth.rotation else 0.0])
    up, hdir = pv[K.P_UP:K.P_UP + 3], pv[K.P_HDIR:K.P_HDIR + 3]
    spline = atmosphere.density_spline()  # the same interpolated US 1976 density as the kernel

    def f(tau: float, y: np.ndarray) -> np.ndarray:
        r, v = y[:3], y[3:]
        a = gravity_ecef(r, j2=earth.j2) - 2 * np.cross(w, v) - np.cross(w, np.cross(w, r))
        m = seg[K.S_M0] - seg[K.S_MDOT] * (tau - seg[K.S_T0])
        if seg[K.S_THRUST] > 0:
            steer = int(seg[K.S_STEER])
            if steer == K.STEER_VERTICAL:
                u = up
            elif steer == K.STEER_PITCH_OVER:
                th = pv[K.P_KICK] * np.clip((tau - pv[K.P_KICK_T0]) / pv[K.P_KICK_DUR], 0, 1)
                u = np.cos(th) * up + np.sin(th) * hdir
            else:
                u = v / np.linalg.norm(v)
                if steer == K.STEER_HORIZONTAL:
                    u = u - (u @ r) / (r @ r) * r
                    u = u / np.linalg.norm(u)
            a = a + seg[K.S_THRUST] / m * u
        if earth.drag:
            rho, _ = atmosphere.spline_density(_alt(r, earth), atmosphere.ALT0_M,
                                              atmosphere.DALT_M, spline)
            a = a - 0.5 * rho * np.linalg.norm(v) * v * seg[K.S_CDA] / m
        return np.concatenate([v, a])

    return f


def reference_flight(plan: LaunchPlan, t_s: np.ndarray, *, earth: EarthModel | None = None,
                     rtol: float = 1e-10, atol: float = 1e-6) -> tuple[np.ndarray, np.ndarray,
                                                                       float]:
    """Positions and velocities (ECEF) at times ``t_s`` and the impact time (s since epoch).

    Samples after impact or before launch are NaN. Tolerances are solve_ivp's.
    """
    earth = earth or EarthModel()
    P, S = pack([plan], earth, 4 * 3600.0)
    pv, segs = P[0], S[0, : int(P[0, K.P_NSEG])]
    tau_s = np.asarray(t_s, float) - plan.launch_time_s
    y = np.concatenate([pv[K.P_R0:K.P_R0 + 3], pv[K.P_V0:K.P_V0 + 3]])
    r_out = np.full((tau_s.size, 3), np.nan)
    v_out = np.full((tau_s.size, 3), np.nan)
    t_bo = pv[K.P_T_BURNOUT]
    t_end = float(tau_s.max())
    t_impact = np.nan

    def impact(tau: float, yy: np.ndarray) -> float:
        return _alt(yy[:3], earth) if tau > t_bo else 1.0

    impact.terminal = True  # type: ignore[attr-defined]
    impact.direction = -1  # type: ignore[attr-defined]
    for k, seg in enumerate(segs):
        t0 = seg[K.S_T0]
        t1 = t_end if k == len(segs) - 1 else min(seg[K.S_T1], t_end)
        if t1 <= t0:
            continue
        sel = (tau_s >= t0) & (tau_s <= t1)
        sol = solve_ivp(_rhs(seg, pv, earth), (t0, t1), y, method="DOP853", rtol=rtol,
                        atol=atol, dense_output=True,
                        events=impact if k == len(segs) - 1 else None)
        if sol.t_events is not None and len(sol.t_events[0]):
            t_impact = float(sol.t_events[0][0])
            sel &= tau_s <= t_impact
        if sel.any():
            yy = sol.sol(tau_s[sel])
            r_out[sel], v_out[sel] = yy[:3].T, yy[3:].T
        y = sol.y[:, -1]
        if np.isfinite(t_impact):
            break
    return r_out, v_out, t_impact + plan.launch_time_s
