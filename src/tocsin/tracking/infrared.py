"""Infrared lines of sight: measurement model, cross-satellite triangulation, boost tracks.

* :class:`IrMeasurement` — ẑ = (α, β) of an ECEF position in a satellite's sensor frame (the
  convention of :mod:`tocsin.sensors.detections`), with its analytic Jacobian.
* **Association** (:func:`associate_los`): the lines of sight of two satellites meet (nearly) at
  a common target; the miss distance d of two rays (closest approach of two lines, e.g. P. J.
  Schneider & D. H. Eberly, *Geometric Tools for Computer Graphics* (2003), §10.8) is tested
  against σ_d² = (σ₁ρ₁)² + (σ₂ρ₂)² + (vΔt)² (angular noise × range along each ray, widened by an
  assumed speed × the time offset), 1 degree of freedom; a further satellite's ray joins a pair's
  point if it passes a 2-d.o.f. test (S = H P Hᵀ + R). Ambiguity is resolved by a 2-D assignment
  (``linear_sum_assignment``) for two satellites, by the S-D assignment's set packing for more.
  Two satellites alone cannot separate targets lying in one epipolar plane (the plane of both
  satellites and the target: for two GEO satellites, targets spread east–west at similar
  latitude); a third satellite off that plane (a Molniya orbit) resolves such ghosts.
* **Triangulation** (:func:`triangulate`): weighted least-squares intersection of the rays
  (minimise Σ wᵢ |(I − ûᵢûᵢᵀ)(x − sᵢ)|², wᵢ = 1/(σᵢρᵢ)²; the "midpoint" method generalised to
  n rays), refined by Gauss–Newton on the angle residuals, i.e. the maximum-likelihood estimate in
  measurement space (R. I. Hartley & P. Sturm, "Triangulation", CVIU 68(2), 146-157 (1997));
  covariance P = (Σ Hᵢᵀ Rᵢ⁻¹ Hᵢ)⁻¹ (the Cramér–Rao bound of the linearised problem).
* **One satellite** (:func:`launch_area_single`): the line of sight meets the ellipsoid raised to
  the plume's expected height; the angular noise and a height uncertainty are carried to that
  point by the implicit-function Jacobian, and a horizontal term covers the unknown downrange
  travel of the booster by then (default 6 km: a solid ICBM is ~9 km downrange at 12 km height,
  ~12 km at 15 km, in :mod:`tocsin.flight`'s model).
* **Boost tracks** (:func:`track_boost`): a nearly-constant-acceleration Kalman filter, state
  (r, v, a) in ECEF, white-jerk ("Wiener-process acceleration") process noise, and a
  Rauch–Tung–Striebel smoother (Y. Bar-Shalom, X. R. Li & T. Kirubarajan, *Estimation with
  Applications to Tracking and Navigation* (2001), §6.2.3, §8.6). :func:`launch_point`
  back-projects the smoothed state at the first point to the launch height by kinematic
  back-propagation (the approach of J. A. Isaacson & D. R. Vaughan, *Estimation and Prediction
  of Ballistic Missile Trajectories*, RAND MR-737-AF (1996)), here with a constant-jerk arc whose
  jerk makes the booster start at rest — no vehicle template needed (details there).
* :func:`looks_like_launch`: motion consistency (climb, speed, speed increasing) that static
  sources — fires, sun glint — fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.stats import chi2

from tocsin.earth.constants import A_M, B_M
from tocsin.earth.wgs84 import ecef_to_geodetic, enu_basis, up_ecef
from tocsin.errors import InputError
from tocsin.sensors.detections import IR, DetectionBatch, los_from_angles
from tocsin.tracking.boost import (  # noqa: F401  (re-exported: boost tracks of IR points)
    BoostTracks,
    LaunchPoint,
    WhiteJerkModel,
    launch_point,
    looks_like_launch,
    track_boost,
    white_jerk,
)

__all__ = ["IrContext", "IrMeasurement", "closest_approach", "LosSets", "associate_los",
           "Triangulation", "triangulate", "triangulate_detections", "LaunchArea",
           "launch_area_single", "white_jerk", "WhiteJerkModel", "BoostTracks", "track_boost",
           "LaunchPoint", "launch_point", "looks_like_launch"]

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]
_BIG = 1e12


def _wrap(a: Array) -> Array:
    return (a + np.pi) % (2.0 * np.pi) - np.pi


@dataclass(frozen=True)
class IrContext:
    """Per-pair context: sensor position ``(k, 3)`` ECEF m and frame ``(k, 3, 3)`` (rows x̂ŷẑ).

    Any object with these two attributes (a :class:`DetectionBatch`) serves as well."""

    sensor_r_ecef_m: Array
    sensor_frame: Array


class IrMeasurement:
    """ẑ = (α, β) = (atan2(c₀, c₂), atan2(c₁, c₂)), c = F (r − s); states ``(k, d)``, d ≥ 3,
    whose first three components are r_ecef (d = 6 or 9 alike)."""

    dim_z = 2

    def predict_measurement(self, x: ArrayLike, ctx: Any) -> tuple[Array, Array]:
        """(ẑ (k, 2), H (k, 2, d)) — H = ∂(α, β)/∂c · F on the position block, zero elsewhere."""
        x = np.atleast_2d(np.asarray(x, np.float64))
        F = np.asarray(ctx.sensor_frame, np.float64)
        c = np.einsum("kij,kj->ki", F, x[:, :3] - ctx.sensor_r_ecef_m)    # c = F (r − s)
        c0, c1, c2 = c[:, 0], c[:, 1], c[:, 2]
        z_hat = np.stack([np.arctan2(c0, c2), np.arctan2(c1, c2)], axis=-1)
        dadc = np.stack([c2, np.zeros_like(c2), -c0], -1) / (c0 ** 2 + c2 ** 2)[:, None]
        dbdc = np.stack([np.zeros_like(c2), c2, -c1], -1) / (c1 ** 2 + c2 ** 2)[:, None]
        H = np.zeros((x.shape[0], 2, x.shape[1]))
        H[:, :, :3] = np.einsum("kmi,kij->kmj", np.stack([dadc, dbdc], 1), F)  # ∂z/∂r = ∂z/∂c F
        return z_hat, H

    def residual(self, z: ArrayLike, z_hat: ArrayLike) -> Array:
        """z − ẑ wrapped to (−π, π]."""
        return _wrap(np.asarray(z, np.float64) - np.asarray(z_hat, np.float64))


_IR = IrMeasurement()


def closest_approach(s1: Array, u1: Array, s2: Array, u2: Array
                     ) -> tuple[Array, Array, Array, Array]:
    """Rays s + ρû (unit û), broadcast ``(..., 3)``: (miss_m, ρ₁, ρ₂, midpoint (..., 3)).

    ρᵢ = distance along each ray to its point nearest the other (Schneider & Eberly 2003 §10.8);
    parallel rays get ρ = NaN."""
    w0 = s1 - s2
    b = np.sum(u1 * u2, -1)
    d, e = np.sum(u1 * w0, -1), np.sum(u2 * w0, -1)
    den = 1.0 - b * b
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = den > 1e-12
        rho1 = np.where(ok, (b * e - d) / np.where(ok, den, 1.0), np.nan)   # ρ₁ = (be − d)/(1 − b²)
        rho2 = np.where(ok, (e - b * d) / np.where(ok, den, 1.0), np.nan)   # ρ₂ = (e − bd)/(1 − b²)
    p1, p2 = s1 + rho1[..., None] * u1, s2 + rho2[..., None] * u2
    return np.linalg.norm(p1 - p2, axis=-1), rho1, rho2, 0.5 * (p1 + p2)


def _sigma(det: DetectionBatch, rows: IntArray) -> Array:
    """RMS angular σ of IR rows, rad."""
    return np.sqrt(0.5 * (det.R[rows, 0, 0] + det.R[rows, 1, 1]))


def _los(det: DetectionBatch, rows: IntArray) -> Array:
    return los_from_angles(det.z[rows, 0], det.z[rows, 1], det.sensor_frame[rows])


@dataclass(frozen=True)
class LosSets:
    """Associated sets: ``members (n, S)`` rows of the batch (−1: no ray from that sensor),
    column j for sensor ``sensors[j]``."""

    members: IntArray
    sensors: IntArray


@dataclass(frozen=True)
class Triangulation:
    """n triangulated points: reference time ``t_s`` (mean of the rays' times), ``r_ecef_m``
    ``(n, 3)``, covariance ``P`` ``(n, 3, 3)`` m², rays used ``n_los``, angle-residual χ²
    (2·n_los − 3 d.o.f.), and ``members (n, S)`` rows of the detection batch (−1 padded)."""

    t_s: Array
    r_ecef_m: Array
    P: Array
    n_los: IntArray
    chi2: Array
    members: IntArray


def triangulate(det: DetectionBatch, members: ArrayLike, *, speed_m_s: float = 0.0,
                iterations: int = 3) -> Triangulation:
    """Intersect each set's rays ``members (n, S)`` (rows of ``det``, −1 padded, ≥ 2 each).

    Weighted least-squares midpoint, then Gauss–Newton on the angles (module docstring). A ray
    whose time differs from the set's mean by Δt gets its angular variance widened by
    (speed_m_s · Δt / ρ)², nothing being propagated."""
    mem = np.atleast_2d(np.asarray(members, np.int64))
    valid = mem >= 0
    n_los = valid.sum(1)
    if np.any(n_los < 2):
        raise InputError("members", f"sets with {n_los.min()} rays", "at least 2 rays per set")
    rows = np.where(valid, mem, 0)
    t = det.t_s[rows]
    t_ref = np.sum(np.where(valid, t, 0.0), 1) / n_los
    s, F = det.sensor_r_ecef_m[rows], det.sensor_frame[rows]
    u = los_from_angles(det.z[rows, 0], det.z[rows, 1], F)              # (n, S, 3)
    sig2 = 0.5 * (det.R[rows, 0, 0] + det.R[rows, 1, 1])
    A = np.eye(3) - u[..., :, None] * u[..., None, :]                   # Aᵢ = I − ûᵢûᵢᵀ
    rho = np.ones(mem.shape)
    for _ in range(2):                                                  # weights need ranges
        w = np.where(valid, 1.0 / (sig2 * rho ** 2), 0.0)
        lhs = np.einsum("ns,nsij->nij", w, A)                           # Σ wᵢ Aᵢ
        rhs = np.einsum("ns,nsij,nsj->ni", w, A, s)                     # Σ wᵢ Aᵢ sᵢ
        x = np.linalg.solve(lhs, rhs[..., None])[..., 0]
        rho = np.linalg.norm(x[:, None] - s, axis=-1)
    k = mem.size
    ctx = IrContext(s.reshape(k, 3), F.reshape(k, 3, 3))
    z = det.z[rows, :2].reshape(k, 2)
    Rm = det.R[rows, :2, :2].reshape(k, 2, 2).copy()
    extra = (speed_m_s * (t - t_ref[:, None]) / rho).reshape(k) ** 2
    Rm[:, 0, 0] += extra
    Rm[:, 1, 1] += extra
    Rm[~valid.reshape(k)] = np.eye(2)
    Ri = np.linalg.inv(Rm) * valid.reshape(k, 1, 1)                     # masked rays weigh 0
    for it in range(iterations + 1):
        z_hat, H = _IR.predict_measurement(np.repeat(x, mem.shape[1], 0), ctx)
        r = _IR.residual(z, z_hat)
        HtRi = np.einsum("kmi,kmj->kij", H, Ri)                         # Hᵀ R⁻¹
        info = np.einsum("kim,kmj->kij", HtRi, H).reshape(*mem.shape, 3, 3).sum(1)
        grad = np.einsum("kim,km->ki", HtRi, r).reshape(*mem.shape, 3).sum(1)
        if it < iterations:
            x = x + np.linalg.solve(info, grad[..., None])[..., 0]      # Gauss–Newton step
    c2 = np.einsum("km,kmj,kj->k", r, Ri, r).reshape(mem.shape).sum(1)
    P = np.linalg.inv(info)                                             # P = (Σ Hᵀ R⁻¹ H)⁻¹
    return Triangulation(t_ref, x, 0.5 * (P + np.swapaxes(P, -1, -2)), n_los, c2, mem)


def _pair_gate(det: DetectionBatch, rr: IntArray, ss: IntArray, speed_m_s: float,
               max_dt_s: float, alt_range_m: tuple[float, float], gate: float) -> Array:
    """Miss-distance χ² (1 d.o.f.) of ray pairs (rows ``rr``, ``ss``), ∞ where gated out."""
    miss, r1, r2, mid = closest_approach(det.sensor_r_ecef_m[rr], _los(det, rr),
                                         det.sensor_r_ecef_m[ss], _los(det, ss))
    dt = det.t_s[rr] - det.t_s[ss]
    var = (_sigma(det, rr) * r1) ** 2 + (_sigma(det, ss) * r2) ** 2 + (speed_m_s * dt) ** 2
    alt = ecef_to_geodetic(mid)[2] if mid.size else np.zeros(0)
    with np.errstate(invalid="ignore"):
        ok = (r1 > 0) & (r2 > 0) & (np.abs(dt) <= max_dt_s) & (alt >= alt_range_m[0]) & (
            alt <= alt_range_m[1]) & (miss ** 2 <= gate * var)        # d² ≤ γ σ_d²
    return np.where(ok, miss ** 2 / var, np.inf)


def _point_gate(det: DetectionBatch, tri: Triangulation, rr: IntArray, hh: IntArray,
                speed_m_s: float, max_dt_s: float, gate: float) -> Array:
    """χ² (2 d.o.f.) of rays ``rr`` against triangulated points ``hh``: S = H P Hᵀ + R."""
    x = tri.r_ecef_m[hh]
    z_hat, H = _IR.predict_measurement(x, det.take(rr))
    c2 = np.einsum("kij,kj->ki", det.sensor_frame[rr], x - det.sensor_r_ecef_m[rr])[:, 2]
    dt = det.t_s[rr] - tri.t_s[hh]
    extra = (speed_m_s * dt / np.linalg.norm(x - det.sensor_r_ecef_m[rr], axis=-1)) ** 2
    S = H @ tri.P[hh] @ np.swapaxes(H, 1, 2) + det.R[rr, :2, :2] + extra[:, None, None] * np.eye(2)
    res = _IR.residual(det.z[rr, :2], z_hat)
    d2 = np.einsum("km,km->k", res, np.linalg.solve(S, res[..., None])[..., 0])
    return np.where((c2 > 0) & (np.abs(dt) <= max_dt_s) & (d2 <= gate), d2, np.inf)


def associate_los(det: DetectionBatch, *, speed_m_s: float = 7e3, gate_prob: float = 0.999,
                  max_dt_s: float = 2.0, alt_range_m: tuple[float, float] = (-20e3, 2000e3),
                  max_candidates: int = 20000) -> LosSets:
    """Associate near-simultaneous IR rays of different satellites into sets of ≥ 2.

    Rays further apart in time than ``max_dt_s`` never associate; gates (probability
    ``gate_prob``) are widened by ``speed_m_s`` × Δt; a pair must meet in front of both sensors
    at a geodetic height in ``alt_range_m``. Candidate sets grow sensor by sensor (a ray joins a
    pair's point if it passes the 2-d.o.f. test, or another lone ray if the pair passes the
    1-d.o.f. miss test); each candidate costs χ² − γ₂·n_rays + γ₂·(S − n_rays) (χ² of its
    triangulation, γ₂ the 2-d.o.f. gate: every gated ray is worth adding, and a sensor that
    misses the target costs as much — the −ln(1 − P_D) term of the S-D cost, with P_D near 1 —
    so that one target is not split into several sets). Two sensors: the sets are chosen by a 2-D
    assignment (``linear_sum_assignment``) on the pair costs; three or more: by the S-D
    assignment's set-packing integer programme (S. Deb et al., "A generalized S-D assignment
    algorithm for multisensor-multitarget state estimation", IEEE TAES 33(2) (1997)), solved
    exactly by ``scipy.optimize.milp``."""
    ir = np.flatnonzero(det.kind == IR)
    sensors = np.unique(det.sensor[ir])
    S = sensors.size
    g1, g2 = chi2.ppf(gate_prob, 1), chi2.ppf(gate_prob, 2)
    col = np.searchsorted(sensors, det.sensor)
    cands = np.zeros((0, S), np.int64)
    for j in range(S):
        rows = ir[col[ir] == j]
        n_in = (cands >= 0).sum(1)
        multi, lone = np.flatnonzero(n_in >= 2), np.flatnonzero(n_in == 1)
        new = [cands]
        if multi.size and rows.size:
            tri = triangulate(det, cands[multi], speed_m_s=speed_m_s)
            rr, hh = (a.ravel() for a in np.meshgrid(rows, np.arange(multi.size), indexing="ij"))
            ok = np.isfinite(_point_gate(det, tri, rr, hh, speed_m_s, max_dt_s, g2))
            ext = cands[multi[hh[ok]]].copy()
            ext[:, j] = rr[ok]
            new.append(ext)
        if lone.size and rows.size:
            first = cands[lone].max(1)                   # the one member of a lone candidate
            rr, ll = (a.ravel() for a in np.meshgrid(rows, np.arange(lone.size), indexing="ij"))
            ok = np.isfinite(_pair_gate(det, rr, first[ll], speed_m_s, max_dt_s, alt_range_m, g1))
            ext = cands[lone[ll[ok]]].copy()
            ext[:, j] = rr[ok]
            new.append(ext)
        one = np.full((rows.size, S), -1, np.int64)
        one[:, j] = rows
        new.append(one)
        cands = np.concatenate(new)
        if cands.shape[0] > max_candidates:
            raise InputError("det", f"{cands.shape[0]} candidate ray sets",
                             f"at most max_candidates = {max_candidates}")
    cands = cands[(cands >= 0).sum(1) >= 2]
    if not cands.shape[0]:
        return LosSets(cands, sensors)
    tri = triangulate(det, cands, speed_m_s=speed_m_s)
    cost = tri.chi2 - g2 * tri.n_los + g2 * (S - tri.n_los)   # χ² − γ₂ n + γ₂ n_missed
    ok = tri.chi2 <= chi2.ppf(gate_prob, 2 * tri.n_los - 3)
    cands, cost = cands[ok], cost[ok]
    if not cands.shape[0]:                              # none survives the χ² test
        return LosSets(cands, sensors)
    if S == 2:                                          # 2-D assignment on the pair costs
        a, b = np.unique(cands[:, 0], return_inverse=True), np.unique(cands[:, 1],
                                                                      return_inverse=True)
        M = np.full((a[0].size, b[0].size), _BIG)
        M[a[1], b[1]] = cost
        ri, ci = linear_sum_assignment(M)
        keep = M[ri, ci] < _BIG
        pick = np.stack([a[0][ri[keep]], b[0][ci[keep]]], 1)
        return LosSets(pick, sensors)
    used = np.unique(cands[cands >= 0])                  # S-D set packing: each ray at most once
    A = np.zeros((used.size, cands.shape[0]))
    for c in range(S):
        m = cands[:, c] >= 0
        A[np.searchsorted(used, cands[m, c]), np.flatnonzero(m)] = 1.0
    sol = milp(cost, constraints=LinearConstraint(A, -np.inf, 1.0),
               integrality=np.ones(cost.size), bounds=Bounds(0.0, 1.0))
    if sol.x is None:                                   # pragma: no cover - HiGHS failure
        raise RuntimeError(f"S-D assignment failed: {sol.message}")
    return LosSets(cands[np.flatnonzero(sol.x > 0.5)], sensors)


def triangulate_detections(det: DetectionBatch, *, window_s: float = 1.0,
                           speed_m_s: float = 7e3, gate_prob: float = 0.999) -> Triangulation:
    """Associate and triangulate a whole batch, window by window: a window opens at the first
    not yet used time and holds the IR rows up to ``window_s`` later."""
    ir = det.take(det.kind == IR).sorted()
    parts: list[Triangulation] = []
    i = 0
    t = ir.t_s
    while i < len(ir):
        j = int(np.searchsorted(t, t[i] + window_s, side="right"))
        sub = ir.take(np.arange(i, j))
        sets = associate_los(sub, speed_m_s=speed_m_s, gate_prob=gate_prob,
                             max_dt_s=window_s)
        if sets.members.shape[0]:
            tri = triangulate(sub, sets.members, speed_m_s=speed_m_s)
            glob = np.full((tri.members.shape[0], int(ir.sensor.max()) + 1), -1, np.int64)
            glob[:, sets.sensors] = np.where(tri.members >= 0, tri.members + i, -1)
            parts.append(Triangulation(tri.t_s, tri.r_ecef_m, tri.P, tri.n_los, tri.chi2, glob))
        i = j
    if not parts:
        return Triangulation(np.zeros(0), np.zeros((0, 3)), np.zeros((0, 3, 3)),
                             np.zeros(0, np.int64), np.zeros(0), np.zeros((0, 0), np.int64))
    width = max(p.members.shape[1] for p in parts)
    mem = np.concatenate([np.pad(p.members, ((0, 0), (0, width - p.members.shape[1])),
                                 constant_values=-1) for p in parts])
    def cat(name: str) -> Any:
        return np.concatenate([getattr(p, name) for p in parts])

    return Triangulation(cat("t_s"), cat("r_ecef_m"), cat("P"), cat("n_los"), cat("chi2"), mem)


@dataclass(frozen=True)
class LaunchArea:
    """Single-satellite estimates, n rows: the plume point ``r_plume_ecef_m`` (n, 3) with
    covariance ``P_plume`` (n, 3, 3); the ground point below it (``lat_rad``, ``lon_rad``) and its
    horizontal covariance ``P_en_m2`` (n, 2, 2) in local east-north, m²."""

    r_plume_ecef_m: Array
    P_plume: Array
    lat_rad: Array
    lon_rad: Array
    P_en_m2: Array


def launch_area_single(det: DetectionBatch, *, detection_alt_m: float = 12e3,
                       alt_offset_m: float = 3e3, alt_sigma_m: float = 2e3,
                       downrange_sigma_m: float = 6e3) -> LaunchArea:
    """Where each IR row's ray meets the height h = ``detection_alt_m`` + ``alt_offset_m``.

    The offset (3 km) is the mean climb past the detection altitude before the first frame sees
    the plume (10 s frames, ~600 m/s vertical speed at 12 km); ``alt_sigma_m`` its spread.
    Jacobian of x = s + t û on the surface g(x) = h: dx = t M dû + û dh/(n̂·û),
    M = I − û n̂ᵀ/(n̂·û) (implicit differentiation); P = J diag(σα², σβ², σh²) Jᵀ."""
    h = detection_alt_m + alt_offset_m
    s, F = det.sensor_r_ecef_m, det.sensor_frame
    u = los_from_angles(det.z[:, 0], det.z[:, 1], F)
    scale = np.array([1.0 / (A_M + h), 1.0 / (A_M + h), 1.0 / (B_M + h)])
    p, d = s * scale, u * scale                         # raised ellipsoid → unit sphere
    dd, pd, pp = np.sum(d * d, -1), np.sum(p * d, -1), np.sum(p * p, -1)
    disc = pd * pd - dd * (pp - 1.0)
    if np.any(disc < 0):
        raise InputError("det", "a line of sight missing the Earth", "rays that meet the Earth")
    t = (-pd - np.sqrt(disc)) / dd
    x = s + t[:, None] * u
    for _ in range(2):                                  # exact geodetic height by Newton steps
        lat, lon, alt = ecef_to_geodetic(x)
        nn = up_ecef(lat, lon)
        t = t + (h - alt) / np.sum(nn * u, -1)
        x = s + t[:, None] * u
    lat, lon, _ = ecef_to_geodetic(x)
    nn = up_ecef(lat, lon)
    nu = np.sum(nn * u, -1)
    M = np.eye(3) - u[:, :, None] * nn[:, None, :] / nu[:, None, None]
    c = np.stack([np.tan(det.z[:, 0]), np.tan(det.z[:, 1]), np.ones(len(det))], -1)
    cn = np.linalg.norm(c, axis=-1)
    ch = c / cn[:, None]
    dudc = np.einsum("kji,kjl->kil", F, np.eye(3) - ch[:, :, None] * ch[:, None, :]) / cn[
        :, None, None]                                   # ∂û/∂c = Fᵀ (I − ĉĉᵀ)/|c|
    du = dudc[:, :, :2] / np.cos(det.z[:, None, :2]) ** 2   # ∂c/∂α = sec²α x̂, ∂c/∂β = sec²β ŷ
    J = np.concatenate([t[:, None, None] * M @ du, (u / nu[:, None])[..., None]], -1)
    cov = np.zeros((len(det), 3, 3))
    cov[:, :2, :2] = det.R[:, :2, :2]
    cov[:, 2, 2] = alt_sigma_m ** 2
    P = J @ cov @ np.swapaxes(J, 1, 2)
    E = enu_basis(lat, lon)[:, :2]                       # rows east, north
    P_en = E @ P @ np.swapaxes(E, 1, 2) + downrange_sigma_m ** 2 * np.eye(2)
    return LaunchArea(x, P, lat, lon, P_en)
