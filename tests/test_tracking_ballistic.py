"""tocsin.tracking.ballistic and radar_model: Jacobians, EKF consistency against the Cramér–Rao
bound, reentry 1/β estimation, boost tracking, and the unscented filter.

Truth comes from the flight module (an ``icbm-solid-3`` aimed 10,000 km due north from F. E.
Warren AFB) and measurements from :func:`tocsin.sensors.radar.radar_observe`, so the filters are
checked against independent code, not against themselves. Consistency tests follow Bar-Shalom,
Li & Kirubarajan, *Estimation with Applications to Tracking and Navigation* (2001), §5.4 (NEES
and its chi-square bands); the bound is the posterior Cramér–Rao bound of Tichavský, Muravchik &
Nehorai, IEEE Trans. SP 46 (1998) 1386–1396, for deterministic dynamics (no process noise: Taylor,
IEEE Trans. AC 24 (1979) 343–344; Ristic, Arulampalam & Gordon, *Beyond the Kalman Filter* (2004),
§4.2): J_{k+1} = Φ_k⁻ᵀ J_k Φ_k⁻¹ + H_{k+1}ᵀ R⁻¹ H_{k+1}, J_0 = P_0⁻¹, along the true trajectory.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

from tocsin.earth.geodesic import geodesic_direct
from tocsin.earth.wgs84 import ecef_to_geodetic, enu_basis, geodetic_to_ecef
from tocsin.flight import get_vehicle, propagate
from tocsin.flight.launches import LaunchBatch
from tocsin.flight.targeting import BallisticSolution, aim_ballistic
from tocsin.sensors.radar import Radar, RadarFace, radar_observe
from tocsin.sensors.signatures import signatures
from tocsin.sensors.truth import TruthTable
from tocsin.tracking.ballistic import (
    BallisticEcef,
    BoostAdaptive,
    BoostMode,
    _joseph_update,
    unscented_predict,
    unscented_update,
)
from tocsin.tracking.radar_model import RadarContext, RadarMeasurement

DEG = math.pi / 180.0
ICBM = get_vehicle("icbm-solid-3")
WARREN = (41.13 * DEG, -104.87 * DEG)
INV_BETA = 1.0 / ICBM.rv.ballistic_coefficient_kg_m2      # truth 1/β after burnout, m²/kg
MEAS = RadarMeasurement()


@dataclass(frozen=True)
class Flight:
    sol: BallisticSolution
    t_s: np.ndarray          # (m,) 1 s grid
    r: np.ndarray            # (m, 3)
    v: np.ndarray            # (m, 3)
    truth: TruthTable        # one object


@pytest.fixture(scope="module")
def flight() -> Flight:
    tlat, tlon, _ = geodesic_direct(*WARREN, 0.0, 10_000e3)
    sol = aim_ballistic(ICBM, *WARREN, float(tlat), float(tlon))
    t = np.arange(0.0, float(sol.summary.impact_time_s[0]) + 5.0, 1.0)
    s = propagate([sol.plan], t).samples
    assert s is not None
    rcs, ir = signatures(LaunchBatch.from_plans([sol.plan]), t, s.phase, s.burning)
    truth = TruthTable(t, ("icbm",), s.r_ecef_m, s.v_ecef_m_s, s.phase, s.burning, rcs, ir)
    return Flight(sol, t, s.r_ecef_m[0], s.v_ecef_m_s[0], truth)


def _radar(lat: float, lon: float, revisit_s: float) -> Radar:
    """All-round radar with Pd ≈ 1 (100 dB on 1 m² at 1,000 km: accuracy at its 40 dB cap)."""
    faces = tuple(RadarFace(k * 120 * DEG, 60 * DEG, 1 * DEG, 89 * DEG) for k in range(3))
    return Radar(id="r", partner="A", lat_rad=lat, lon_rad=lon, alt_m=0.0, faces=faces,
                 min_range_m=5e3, max_range_m=6_000e3, revisit_s=revisit_s, snr_ref_db=100.0,
                 ref_range_m=1e6)


def _offset(lat: float, lon: float, az_deg: float, dist_m: float) -> tuple[float, float]:
    la, lo, _ = geodesic_direct(lat, lon, az_deg * DEG, dist_m)
    return float(la), float(lo)


@dataclass(frozen=True)
class Obs:
    idx: np.ndarray          # (K,) truth sample indices
    z: np.ndarray            # (N, K, 4)
    R: np.ndarray            # (N, K, 4, 4)
    ctx: RadarContext        # one site, N pairs


def _observe(fl: Flight, radar: Radar, idx: np.ndarray, n: int, seed: int) -> Obs:
    """Detections of n copies of the flight (independent noise) at truth samples ``idx``."""
    tr = fl.truth.at(idx)
    rep = TruthTable(tr.t_s, tuple(f"c{i}" for i in range(n)),
                     *(np.repeat(a, n, axis=0) for a in (tr.r_ecef_m, tr.v_ecef_m_s, tr.phase,
                                                         tr.burning, tr.rcs_m2,
                                                         tr.ir_intensity_w_sr)))
    det = radar_observe(radar, 0, rep, np.random.default_rng(seed))
    seen = np.unique(det.t_s)
    keep = np.isin(tr.t_s, seen)
    order = np.lexsort((det.t_s, det.truth_id))
    k = int(keep.sum())
    assert len(det) == n * k, "Pd ≈ 1: every copy detected at every visible sample"
    z = det.z[order].reshape(n, k, 4)
    R = det.R[order].reshape(n, k, 4, 4)
    return Obs(np.asarray(idx)[keep], z, R, RadarContext.fixed(radar.r_ecef_m, radar.enu_frame, n))


def _start(x_true: np.ndarray, P0: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, ...]:
    """n initial estimates drawn from N(x_true, P0) (a consistent initial error), and P0."""
    rng = np.random.default_rng(seed)
    x0 = x_true + rng.standard_normal((n, x_true.size)) @ np.linalg.cholesky(P0).T
    return x0, np.broadcast_to(P0, (n,) + P0.shape).copy()


def _nees(err: np.ndarray, P: np.ndarray) -> np.ndarray:
    return np.einsum("ni,ni->n", err, np.linalg.solve(P, err[..., None])[..., 0])


def _ekf_update(x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray,
                ctx: RadarContext) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    z_hat, H = MEAS.predict_measurement(x, ctx)
    return _joseph_update(x, P, MEAS.residual(z, z_hat), R, H)


def _run(fl: Flight, obs: Obs, x0: np.ndarray, P0: np.ndarray,
         predict: Callable[[np.ndarray, np.ndarray, float], tuple[np.ndarray, np.ndarray]],
         update: Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]] = _ekf_update,
         after: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None) -> dict:
    """Filter every copy through the detections; NEES (6-D r, v) and errors per step."""
    x, P = x0, P0
    n, k = obs.z.shape[:2]
    out = {"nees": np.empty((n, k)), "pos_err": np.empty((n, k)), "x": np.empty((n, k, x.shape[1])),
           "P": np.empty((n, k) + P.shape[1:])}
    t = fl.t_s[obs.idx]
    for j in range(k):
        if j:
            x, P = predict(x, P, float(t[j] - t[j - 1]))
        x, P, nis = update(x, P, obs.z[:, j], obs.R[:, j], obs.ctx)
        if after is not None:
            x, P = after(x, P, nis)
        err = x[:, :6] - np.concatenate([fl.r[obs.idx[j]], fl.v[obs.idx[j]]])
        out["nees"][:, j] = _nees(err, P[:, :6, :6])
        out["pos_err"][:, j] = np.linalg.norm(err[:, :3], axis=1)
        out["x"][:, j], out["P"][:, j] = x, P
    return out


# --- Jacobians --------------------------------------------------------------------------------

def _fd_columns(fun: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                steps: np.ndarray) -> np.ndarray:
    cols = [(fun(x + e) - fun(x - e)) / (2.0 * s) for e, s in zip(np.diag(steps), steps,
                                                                    strict=True)]
    return np.stack(cols, axis=-1)


def _state(fl: Flight, t_s: float, extra: float | None = None) -> np.ndarray:
    k = int(np.searchsorted(fl.t_s, t_s))
    x = np.concatenate([fl.r[k], fl.v[k]])
    return x if extra is None else np.append(x, extra)


def _reentry_time(fl: Flight, alt_m: float) -> float:
    h = ecef_to_geodetic(fl.r)[2]
    k = np.flatnonzero((np.arange(h.size) > np.argmax(h)) & (h < alt_m))[0]
    return float(fl.t_s[k])


STEPS7 = np.array([1.0, 1.0, 1.0, 1e-2, 1e-2, 1e-2, 1e-8])


@pytest.mark.parametrize("case", ["midcourse", "reentry", "boost"])
def test_dynamics_jacobian_matches_finite_differences(flight: Flight, case: str) -> None:
    # A = ∂f/∂x (gravity gradient with J2, Coriolis/centrifugal, drag, thrust) against central
    # differences of f; then the RK4 transition Φ against differences of the flow map.
    if case == "midcourse":
        model: BallisticEcef | BoostAdaptive = BallisticEcef(drag=False)
        x, dt, steps = _state(flight, 1000.0), 60.0, STEPS7[:6]
    elif case == "reentry":
        model = BallisticEcef(drag=True)
        x, dt, steps = _state(flight, _reentry_time(flight, 30e3), INV_BETA), 1.0, STEPS7
    else:
        model = BoostAdaptive()
        x, dt, steps = _state(flight, 150.0, 40.0), 1.0, STEPS7.copy()
        steps[6] = 1e-3
    f, A = model.derivative(x[None])
    A_fd = _fd_columns(lambda y: model.derivative(y[None])[0][0], x, steps)
    scale = np.abs(A_fd).max(axis=0)
    assert np.all(np.abs(A[0] - A_fd).max(axis=0) <= 1e-6 * scale + 1e-12)
    if case == "reentry":  # the drag terms are really there (≈ 3 g at 30 km for β = 15,000)
        assert np.linalg.norm(A[0, 3:6, 6]) > 1e4
    _, phi = model.transition(x[None], dt)
    phi_fd = _fd_columns(lambda y: model.flow(y[None], dt)[0], x, steps)
    assert np.all(np.abs(phi[0] - phi_fd).max(axis=0) <= 1e-6 * np.abs(phi_fd).max(axis=0))


def test_process_noise_is_white_acceleration_for_a_short_step(flight: Flight) -> None:
    # Over 10 s the gravity gradient barely acts: Q_d ≈ q [[Δt³/3, Δt²/2], [Δt²/2, Δt]] per axis
    # (Bar-Shalom et al. 2001, eq. 6.2.2-12).
    q, dt = 2.0, 10.0
    Q = BallisticEcef(q_m2_s3=q).noise(_state(flight, 1000.0)[None], dt)[0]
    ref = q * np.kron(np.array([[dt ** 3 / 3, dt ** 2 / 2], [dt ** 2 / 2, dt]]), np.eye(3))
    assert np.allclose(Q, ref, rtol=2e-3, atol=1e-3 * q)
    assert np.all(np.linalg.eigvalsh(Q) > 0)


def test_radar_jacobian_matches_finite_differences() -> None:
    rng = np.random.default_rng(1)
    lat, lon = rng.uniform(-1.2, 1.2, 8), rng.uniform(-3, 3, 8)
    site = geodetic_to_ecef(lat, lon, 0.0)
    frame = enu_basis(lat, lon)
    # Objects 200-3,000 km away, at all azimuths (also across north, where az wraps).
    enu = rng.normal(size=(8, 3)) * 1e6
    enu[:, 2] = np.abs(enu[:, 2]) + 2e5
    enu[0, :2] = [-1e3, 1.5e6]                        # azimuth just below 2π
    x = np.concatenate([site + np.einsum("kji,kj->ki", frame, enu),
                        rng.normal(size=(8, 3)) * 3e3, rng.normal(size=(8, 1))], axis=1)
    ctx = RadarContext(site, frame)
    z, H = MEAS.predict_measurement(x, ctx)
    for k in range(8):
        c = RadarContext(site[k:k + 1], frame[k:k + 1])

        def h(y: np.ndarray, c: RadarContext = c, zk: np.ndarray = z[k]) -> np.ndarray:
            return MEAS.residual(MEAS.measure(y[None], c), zk[None])[0]   # wrap-safe

        H_fd = _fd_columns(h, x[k], np.array([1.0] * 3 + [1e-2] * 3 + [1.0]))
        assert np.allclose(H[k], H_fd, rtol=1e-6, atol=1e-12)
    nu = MEAS.residual(np.array([[0, 0.01, 0, 0]]), np.array([[0, 2 * math.pi - 0.01, 0, 0]]))
    assert nu[0, 1] == pytest.approx(0.02)
