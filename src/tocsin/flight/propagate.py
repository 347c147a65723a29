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
from dataclasses import dataclass, fields

import numpy as np

from tocsin.earth import atmosphere
from tocsin.earth.constants import A_M, GM_M3_S2, J2, OMEGA_EARTH_RAD_S
from tocsin.earth.model import EarthModel
from tocsin.errors import InputError
from tocsin.flight import kernel as K
from tocsin.flight.launches import LaunchBatch, LaunchPlan, pack

__all__ = ["Phase", "LaunchPlan", "LaunchBatch", "FlightSummary", "FlightSamples", "FlightResult",
           "propagate"]

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
    def flying(self) -> np.ndarray:
        """(n,) bool: still in flight where the propagation stopped (the last sample time or
        ``max_flight_s``), so impact (if any) is unknown. Orbital vehicles fly for ever."""
        return self.status == K.STATUS_FLYING

    def take(self, idx: np.ndarray) -> FlightSummary:
        """The rows ``idx`` of every field."""
        return FlightSummary(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    @property
    def flight_time_s(self) -> np.ndarray:
        """Impact time minus launch time, s (NaN for a vehicle that did not come down)."""
        return self.impact_time_s - self.launch_time_s


@dataclass(frozen=True)
class FlightSamples:
    """Truth at common times ``t_s`` (m,): ECEF r and v (n, m, 3), phase and burning (n, m)."""

    t_s: np.ndarray
    r_ecef_m: np.ndarray
    v_ecef_m_s: np.ndarray
    phase: np.ndarray
    burning: np.ndarray


@dataclass(frozen=True)
class FlightResult:
    """What :func:`propagate` returns. ``complete`` is False when a vehicle was still flying
    where propagation stopped (see ``summary.flying``): the result is then partial, by design of
    the caller's sample times or ``max_flight_s``, and says so."""

    summary: FlightSummary
    samples: FlightSamples | None

    @property
    def complete(self) -> bool:
        return not bool(np.any(self.summary.flying))


def _earth_vector(earth: EarthModel, rtol: float, h_max_s: float) -> np.ndarray:
    e = np.zeros(K.N_E)
    e[K.E_OMEGA] = OMEGA_EARTH_RAD_S if earth.rotation else 0.0
    e[K.E_J2] = J2 if earth.j2 else 0.0
    e[K.E_A] = A_M
    e[K.E_MU] = GM_M3_S2
    e[K.E_DRAG] = 1.0 if earth.drag else 0.0
    e[K.E_B], e[K.E_E2] = earth.height_figure()
    e[K.E_RTOL] = rtol
    e[K.E_H_MAX] = h_max_s
    return e


def propagate(plans: LaunchBatch | Sequence[LaunchPlan], t_s: np.ndarray | None = None, *,
              earth: EarthModel | None = None, rtol: float = 1e-9, max_step_s: float = 120.0,
              max_flight_s: float = 4 * 3600.0, out: FlightSamples | None = None,
              to_impact: bool = False) -> FlightResult:
    """Fly every launch (a :class:`LaunchBatch` or plans); sample truth at times ``t_s``.

    ``t_s`` (s since the epoch, non-decreasing) is optional: without it only the summary is made.

    ``out`` (a :class:`FlightSamples` of the right shape) is written in place of fresh arrays.
    ``rtol`` is the integrator's relative tolerance per step (absolute: 1 mm, 1 µm/s); the default
    keeps position errors below a metre over an ICBM flight (see ``benchmarks/``). A vehicle still
    in flight after ``max_flight_s`` (or the last sample) reports status ``STATUS_FLYING``
    (``summary.flying``; ``result.complete`` is then False): with sample times, propagation
    stops at the last sample unless ``to_impact`` is set, in which case vehicles still flying
    there are flown on (without samples) to impact or ``max_flight_s`` for their summary.
    """
    earth = earth or EarthModel()
    P, S = pack(plans, earth, max_flight_s)
    res = propagate_packed(P, S, t_s, earth=earth, rtol=rtol, max_step_s=max_step_s, out=out)
    if not to_impact or t_s is None or res.complete:
        return res
    idx = np.flatnonzero(res.summary.flying)
    rest = propagate_packed(P[idx], S[idx], None, earth=earth, rtol=rtol, max_step_s=max_step_s)
    rows = {f.name: np.array(getattr(res.summary, f.name)) for f in fields(FlightSummary)}
    for name, a in rows.items():
        a[idx] = getattr(rest.summary, name)
    return FlightResult(FlightSummary(**rows), res.samples)


def propagate_packed(P: np.ndarray, S: np.ndarray, t_s: np.ndarray | None, *, earth: EarthModel,
                     rtol: float, max_step_s: float,
                     out: FlightSamples | None = None) -> FlightResult:
    """:func:`propagate` on arrays already packed by :func:`pack`."""
    n = P.shape[0]
    if t_s is None:
        t = np.zeros(0)
    else:
        t = np.ascontiguousarray(t_s, dtype=float).ravel()
        if t.size and (not np.all(np.isfinite(t)) or np.any(np.diff(t) < 0)):
            raise InputError("t_s", t_s, "finite sample times in non-decreasing order")
    m = t.size
    if out is not None:  # reuse the caller's arrays (no fresh memory to fault in)
        if out.r_ecef_m.shape != (n, m, 3) or out.phase.shape != (n, m):
            raise InputError("out", out.r_ecef_m.shape, f"sample arrays of shape ({n}, {m}, 3)")
        out_r, out_v, out_phase, out_burn = out.r_ecef_m, out.v_ecef_m_s, out.phase, out.burning
    else:  # the kernel writes every sample (NaN after an unfinished run)
        out_r = np.empty((n, m, 3))
        out_v = np.empty((n, m, 3))
        out_phase = np.empty((n, m), dtype=np.int8)
        out_burn = np.empty((n, m), dtype=np.bool_)
    summary = np.empty((n, K.N_O))
    alt0, dalt = atmosphere.ALT0_M, atmosphere.DALT_M
    spline = atmosphere.density_spline()
    E = _earth_vector(earth, rtol, max_step_s)
    fly = K.fly_batch if n >= _PARALLEL_MIN else K.fly_serial
    fly(P, S, E, alt0, dalt, spline, t, out_r, out_v, out_phase,
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
