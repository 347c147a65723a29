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
  Pairs are found along epipolar planes and extensions in each frame's α order, by bounds that
  never drop what the exact gates accept; a set grows by one Kalman update from its parent;
  packing runs per connected component (:mod:`tocsin.tracking.los_association`). Windows of
  :func:`triangulate_detections` follow the satellites' frames (at most one frame per sensor).
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
from tocsin.tracking.los_association import (
    Frames,
    alpha_index,
    chi2_gate,
    chi2_gates,
    epipolar_pairs,
    expand_ranges,
    fixed_windows,
    frame_windows,
    frames,
    missed_sensors,
    pack_sets,
    unique_pairs,
)

__all__ = ["IrContext", "IrMeasurement", "closest_approach", "LosSets", "associate_los",
           "Triangulation", "triangulate", "triangulate_detections", "LaunchArea",
           "launch_area_single", "white_jerk", "WhiteJerkModel", "BoostTracks", "track_boost",
           "LaunchPoint", "launch_point", "looks_like_launch"]

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]
_FEW = 60             # up to this many rays pairs are tested exhaustively (pre-gate not worth it)


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
        c = (F @ (x[:, :3] - ctx.sensor_r_ecef_m)[:, :, None])[:, :, 0]  # c = F (r − s)
        c0, c1, c2 = c[:, 0], c[:, 1], c[:, 2]
        z_hat = np.empty((x.shape[0], 2))
        z_hat[:, 0], z_hat[:, 1] = np.arctan2(c0, c2), np.arctan2(c1, c2)
        na, nb = c0 ** 2 + c2 ** 2, c1 ** 2 + c2 ** 2
        dzdc = np.zeros((x.shape[0], 2, 3))                             # ∂(α, β)/∂c
        dzdc[:, 0, 0], dzdc[:, 0, 2] = c2 / na, -c0 / na
        dzdc[:, 1, 1], dzdc[:, 1, 2] = c2 / nb, -c1 / nb
        H = np.zeros((x.shape[0], 2, x.shape[1]))
        H[:, :, :3] = dzdc @ F                                          # ∂z/∂r = ∂z/∂c F
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
    us = np.sum(u * s, -1, keepdims=True)
    rho = np.ones(mem.shape)
    for _ in range(2):                                                  # weights need ranges
        w = np.where(valid, 1.0 / (sig2 * rho ** 2), 0.0)[..., None]
        lhs = np.sum(w, 1)[..., None] * np.eye(3) - np.swapaxes(w * u, 1, 2) @ u  # Σ wᵢ Aᵢ
        rhs = np.sum(w * (s - u * us), 1)                               # Σ wᵢ Aᵢ sᵢ
        x = np.linalg.solve(lhs, rhs[..., None])[..., 0]                # Aᵢ = I − ûᵢûᵢᵀ
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
        HtRi = np.swapaxes(H, 1, 2) @ Ri                                # Hᵀ R⁻¹
        info = (HtRi @ H).reshape(*mem.shape, 3, 3).sum(1)
        grad = (HtRi @ r[..., None]).reshape(*mem.shape, 3).sum(1)
        if it < iterations:
            x = x + np.linalg.solve(info, grad[..., None])[..., 0]      # Gauss–Newton step
    c2 = np.sum(r * (Ri @ r[..., None])[..., 0], -1).reshape(mem.shape).sum(1)
    P = np.linalg.inv(info)                                             # P = (Σ Hᵀ R⁻¹ H)⁻¹
    return Triangulation(t_ref, x, 0.5 * (P + np.swapaxes(P, -1, -2)), n_los, c2, mem)


def _pair_gate(det: DetectionBatch, rr: IntArray, ss: IntArray, speed_m_s: float,
               max_dt_s: float, alt_range_m: tuple[float, float], gate: float) -> Array:
    """Miss-distance χ² (1 d.o.f.) of ray pairs (rows ``rr``, ``ss``), ∞ where gated out."""
    miss, r1, r2, mid = closest_approach(det.sensor_r_ecef_m[rr], _los(det, rr),
                                         det.sensor_r_ecef_m[ss], _los(det, ss))
    dt = det.t_s[rr] - det.t_s[ss]
    var = (_sigma(det, rr) * r1) ** 2 + (_sigma(det, ss) * r2) ** 2 + (speed_m_s * dt) ** 2
    with np.errstate(invalid="ignore"):
        ok = (r1 > 0) & (r2 > 0) & (np.abs(dt) <= max_dt_s) & (miss ** 2 <= gate * var)
    if np.any(ok):                                    # d² ≤ γ σ_d², then the midpoint's height
        alt = ecef_to_geodetic(mid[ok])[2]
        ok[ok] = (alt >= alt_range_m[0]) & (alt <= alt_range_m[1])
    return np.where(ok, miss ** 2 / np.where(ok, var, 1.0), np.inf)   # var = 0: co-located rays


def associate_los(det: DetectionBatch, *, speed_m_s: float = 7e3, gate_prob: float = 0.999,
                  max_dt_s: float = 2.0, alt_range_m: tuple[float, float] = (-20e3, 2000e3),
                  max_candidates: int = 20000) -> LosSets:
    """Associate near-simultaneous IR rays of different satellites into sets of ≥ 2.

    Rays further apart in time than ``max_dt_s`` never associate; gates (probability
    ``gate_prob``) are widened by ``speed_m_s`` × Δt; a pair must meet in front of both sensors
    at a geodetic height in ``alt_range_m``. Candidate sets grow sensor by sensor (a ray joins a
    pair's point if it passes the 2-d.o.f. test, or another lone ray if the pair passes the
    1-d.o.f. miss test); each candidate costs χ² − γ₂·n_rays + γ₂·n_missed: χ² of its
    triangulation, γ₂ the 2-d.o.f. gate (every gated ray is worth adding), n_missed the other
    sensors of the window that could have seen the point — not hidden by the Earth, in their
    field of regard (:func:`~tocsin.tracking.los_association.missed_sensors`) — yet report no
    ray of the set, each costing as much: the −ln(1 − P_D) term of the S-D cost of Deb et al.
    (below), P_D near 1 for a sensor that sees the point, P_D = 0 (no cost) for one that
    cannot. One target is thus not split into several sets, and a target that only 2 of 7
    satellites can see still gets its point. Two sensors in the window: a 2-D
    assignment (``linear_sum_assignment``) on the pair costs; three or more: by the S-D
    assignment's set-packing integer programme (S. Deb et al., "A generalized S-D assignment
    algorithm for multisensor-multitarget state estimation", IEEE TAES 33(2) (1997)), solved
    exactly per connected component (:func:`~tocsin.tracking.los_association.pack_sets`).
    Pairs are searched along epipolar planes, extensions in each frame's (α, β) image, both by
    bounds that never drop a ray the exact gates accept. ``max_candidates`` caps the candidate
    ray sets (single rays included)."""
    ir = np.flatnonzero(det.kind == IR)
    sub = det.take(ir)
    mem, sensors, _ = _associate(sub, np.zeros(ir.size, np.int64), speed_m_s=speed_m_s,
                                 gate_prob=gate_prob, max_dt_s=max_dt_s,
                                 alt_range_m=alt_range_m, max_candidates=max_candidates,
                                 final=False)
    return LosSets(np.where(mem >= 0, ir[np.maximum(mem, 0)], -1), sensors)


def _associate(ir: DetectionBatch, win: IntArray, *, speed_m_s: float, gate_prob: float,
               max_dt_s: float, alt_range_m: tuple[float, float], max_candidates: int,
               final: bool = True) -> tuple[IntArray, IntArray, Triangulation]:
    """Association of the IR rows ``ir`` in windows ``win`` (rows of different windows never
    associate): (members (n, S) rows of ``ir``, sensors (S,), triangulation of those sets —
    only with ``final``).

    Candidates grow ray by ray (a set only by columns after its last); a set extended by a ray
    taken at its own single time is updated by one Kalman step from its parent (x + K r,
    P − K S Kᵀ, χ² + d²: the Gauss–Newton step of the linearised problem), other sets are
    triangulated anew."""
    sensors, col = np.unique(ir.sensor, return_inverse=True)
    col = col.reshape(-1)
    S = sensors.size
    none = (np.zeros((0, S), np.int64), sensors, _EMPTY_TRI)
    if S < 2:
        return none
    g1, g2 = chi2_gate(gate_prob, 1), chi2_gate(gate_prob, 2)
    fr = frames(ir, win, col)
    if len(ir) <= _FEW:                                # few rays: every pair, no pre-gate
        pa, pb = (a.ravel() for a in np.meshgrid(np.arange(len(ir)), np.arange(len(ir)),
                                                 indexing="ij"))
        keep = (win[pa] == win[pb]) & (col[pa] < col[pb])
        pa, pb = pa[keep], pb[keep]
    else:
        pa, pb = epipolar_pairs(fr.win, fr.col, fr.t, fr.s, fr.sig, fr.of_ray,
                                _los(ir, np.arange(len(ir))), max_dt_s=max_dt_s,
                                speed_m_s=speed_m_s, r_max_m=A_M + max(alt_range_m[1], 0.0),
                                gate=g1)
    ok = np.isfinite(_pair_gate(ir, pa, pb, speed_m_s, max_dt_s, alt_range_m, g1))
    pa, pb = pa[ok], pb[ok]
    if not pa.size:
        return none
    pairs = np.full((pa.size, S), -1, np.int64)
    pairs[np.arange(pa.size), col[pa]], pairs[np.arange(pa.size), col[pb]] = pa, pb
    pair_tri = _triangulate_packed(ir, pairs, speed_m_s)
    n_win = np.bincount(win)
    index = alpha_index(ir, fr)
    gen, gtri, last = pairs, pair_tri, col[pb]
    mems, tris = [gen], [gtri]
    while gen.shape[0]:                                # sets of n rays → sets of n + 1
        gen, gtri, last = _extend(ir, fr, index, gen, gtri, last, speed_m_s, max_dt_s, g2)
        gtri = _retriangulate_spread(ir, gen, gtri, speed_m_s)
        mems.append(gen)
        tris.append(gtri)
        per_win = n_win + np.bincount(win[np.max(np.concatenate(mems), 1)],
                                      minlength=n_win.size)
        if np.any(per_win > max_candidates):
            raise InputError("det", f"{per_win.max()} candidate ray sets",
                             f"at most max_candidates = {max_candidates}")
    mem, tri = np.concatenate(mems), _cat_tri(tris)
    ok = tri.chi2 <= chi2_gates(gate_prob, 2 * tri.n_los - 3)          # χ² test, 2n − 3 d.o.f.
    mem, tri = mem[ok], _take_tri(tri, np.flatnonzero(ok))
    missed, s_win = missed_sensors(tri.r_ecef_m, mem, win[np.max(mem, 1)], fr)   # who could see
    cost = tri.chi2 - g2 * tri.n_los + g2 * missed                # χ² − γ₂ n + γ₂ n_missed
    pick = pack_sets(mem, cost, s_win == 2, np.zeros(cost.size), g2)   # cost ≥ −γ₂n
    return mem[pick], sensors, (_triangulate_packed(ir, mem[pick], speed_m_s) if final
                                else _EMPTY_TRI)


def _retriangulate_spread(ir: DetectionBatch, mem: IntArray, tri: Triangulation,
                          speed_m_s: float) -> Triangulation:
    """``tri`` with the sets whose rays' times differ triangulated anew (their widening needs
    the mean time, which a Kalman update from the parent does not model)."""
    if not mem.shape[0] or ir.t_s.min() == ir.t_s.max():
        return tri
    t = np.where(mem >= 0, ir.t_s[np.maximum(mem, 0)], np.nan)
    spread = np.flatnonzero(np.nanmax(t, 1, initial=-np.inf) > np.nanmin(t, 1, initial=np.inf))
    if not spread.size:
        return tri
    fix = _triangulate_packed(ir, mem[spread], speed_m_s)
    t_s, r, P, c2 = tri.t_s.copy(), tri.r_ecef_m.copy(), tri.P.copy(), tri.chi2.copy()
    t_s[spread], r[spread], P[spread], c2[spread] = fix.t_s, fix.r_ecef_m, fix.P, fix.chi2
    return Triangulation(t_s, r, P, tri.n_los, c2, tri.members)      # n_los unchanged


def _extend(ir: DetectionBatch, fr: Frames, index: tuple[Array, IntArray], mem: IntArray,
            tri: Triangulation, last: IntArray, speed_m_s: float, max_dt_s: float, gate: float
            ) -> tuple[IntArray, Triangulation, IntArray]:
    """Candidates ``mem`` (last column ``last``) extended by each ray of a later column in their
    window passing the 2-d.o.f. gate d² = rᵀ S⁻¹ r ≤ γ, S = H P Hᵀ + R + (vΔt/ρ)² I,
    r = z − ẑ: (sets, their states by one Kalman update, their last column). Pre-gate per
    (candidate, frame): |r_α| ≤ √(γ S_αα) (the ellipse's extent), a range search in ``index``."""
    S = mem.shape[1]
    cw = fr.win[fr.of_ray[np.max(mem, 1)]] * (S + 1)                 # candidates' windows
    fk = fr.win * (S + 1) + fr.col                                     # frames: sorted
    k, f = expand_ranges(np.searchsorted(fk, cw + last + 1), np.searchsorted(fk, cw + S, "right"))
    dt = fr.t[f] - tri.t_s[k]
    keep = np.abs(dt) <= max_dt_s
    k, f, dt = k[keep], f[keep], dt[keep]
    x = tri.r_ecef_m[k]
    z_hat, H = _IR.predict_measurement(x, IrContext(fr.s[f], fr.F[f]))
    d = x - fr.s[f]
    front = np.einsum("ki,ki->k", fr.F[f][:, 2], d) > 0               # c₂ = ẑ·(x − s) > 0
    extra = (speed_m_s * dt / np.linalg.norm(d, axis=-1)) ** 2
    HPH = H @ tri.P[k] @ np.swapaxes(H, 1, 2) + extra[:, None, None] * np.eye(2)
    k, f, z_hat, H, HPH = k[front], f[front], z_hat[front], H[front], HPH[front]
    wa = np.sqrt(gate * (HPH[:, 0, 0] + fr.r_aa[f])) * (1 + 1e-9) + 1e-12
    wb = np.sqrt(gate * (HPH[:, 1, 1] + fr.r_bb[f])) * (1 + 1e-9) + 1e-12
    q, w = f * 32.0 + z_hat[:, 0] + 16.0, np.minimum(wa, np.pi)
    own, pos = expand_ranges(np.searchsorted(index[0], q - w),
                             np.searchsorted(index[0], q + w, "right"))
    own, r = unique_pairs(own, index[1][pos], len(ir))
    res = _wrap(ir.z[r, :2] - z_hat[own])
    ok = np.abs(res[:, 1]) <= wb[own]
    own, r, res = own[ok], r[ok], res[ok]
    Sm = HPH[own] + ir.R[r, :2, :2]
    det2 = Sm[:, 0, 0] * Sm[:, 1, 1] - Sm[:, 0, 1] * Sm[:, 1, 0]
    d2 = (Sm[:, 1, 1] * res[:, 0] ** 2 - (Sm[:, 0, 1] + Sm[:, 1, 0]) * res[:, 0] * res[:, 1]
          + Sm[:, 0, 0] * res[:, 1] ** 2) / det2                       # rᵀ S⁻¹ r, 2 × 2
    ok = d2 <= gate
    own, r, res, Sm, det2, d2 = own[ok], r[ok], res[ok], Sm[ok], det2[ok], d2[ok]
    p, j = k[own], fr.col[f[own]]
    out = mem[p].copy()
    out[np.arange(p.size), j] = r
    Si = np.empty_like(Sm)                                             # S⁻¹, 2 × 2
    Si[:, 0, 0], Si[:, 1, 1] = Sm[:, 1, 1] / det2, Sm[:, 0, 0] / det2
    Si[:, 0, 1], Si[:, 1, 0] = -Sm[:, 0, 1] / det2, -Sm[:, 1, 0] / det2
    PHt = tri.P[p] @ np.swapaxes(H[own], 1, 2)                        # P Hᵀ
    K = PHt @ Si                                                       # K = P Hᵀ S⁻¹
    P = tri.P[p] - K @ np.swapaxes(PHt, 1, 2)                          # P − K S Kᵀ
    n = tri.n_los[p] + 1
    upd = Triangulation((tri.t_s[p] * (n - 1) + fr.t[f[own]]) / n,
                        tri.r_ecef_m[p] + (K @ res[..., None])[..., 0],   # x + K r
                        0.5 * (P + np.swapaxes(P, 1, 2)), n, tri.chi2[p] + d2,
                        np.zeros((p.size, 0), np.int64))
    return out, upd, j


def _triangulate_packed(ir: DetectionBatch, mem: IntArray, speed_m_s: float) -> Triangulation:
    """:func:`triangulate` of sets ``mem (n, S)`` with their rays packed to the left (fewer
    columns to carry); the returned ``members`` are packed."""
    if not mem.shape[0]:
        return _EMPTY_TRI
    packed = -np.sort(-mem, axis=1)[:, :int((mem >= 0).sum(1).max())]
    return triangulate(ir, packed, speed_m_s=speed_m_s)


_EMPTY_TRI = Triangulation(np.zeros(0), np.zeros((0, 3)), np.zeros((0, 3, 3)),
                           np.zeros(0, np.int64), np.zeros(0), np.zeros((0, 0), np.int64))


def _take_tri(tri: Triangulation, idx: IntArray) -> Triangulation:
    return Triangulation(tri.t_s[idx], tri.r_ecef_m[idx], tri.P[idx], tri.n_los[idx],
                         tri.chi2[idx], tri.members[idx])


def _cat_tri(parts: list[Triangulation]) -> Triangulation:
    """Growth states concatenated (their ``members`` are not kept)."""
    parts = [p for p in parts if p.t_s.size]
    if len(parts) < 2:
        return parts[0] if parts else _EMPTY_TRI

    def cat(name: str) -> Any:
        return np.concatenate([getattr(p, name) for p in parts])

    return Triangulation(cat("t_s"), cat("r_ecef_m"), cat("P"), cat("n_los"), cat("chi2"),
                         np.zeros((sum(p.t_s.size for p in parts), 0), np.int64))


def triangulate_detections(det: DetectionBatch, *, window_s: float | None = None,
                           speed_m_s: float = 7e3, gate_prob: float = 0.999) -> Triangulation:
    """Associate and triangulate a whole batch, window by window; ``members`` columns are
    sensor indices, entries rows of ``det``.

    ``window_s=None``: windows follow the satellites' frames — the distinct frame instants,
    merged only while closer than the shortest frame period present, never two frames of one
    sensor (:func:`~tocsin.tracking.los_association.frame_windows`). A number: a window opens
    at the first not yet used time and holds the IR rows up to ``window_s`` later."""
    rows = np.flatnonzero(det.kind == IR)
    rows = rows[np.lexsort((det.sensor[rows], det.t_s[rows]))]
    ir = det.take(rows)
    if not len(ir):
        return _EMPTY_TRI
    if window_s is None:
        win, max_dt = frame_windows(ir.t_s, ir.sensor)
    else:
        win, max_dt = fixed_windows(ir.t_s, window_s), window_s
    mem, sensors, tri = _associate(ir, win, speed_m_s=speed_m_s, gate_prob=gate_prob,
                                   max_dt_s=max_dt, alt_range_m=(-20e3, 2000e3),
                                   max_candidates=20000)
    glob = np.full((mem.shape[0], int(ir.sensor.max()) + 1), -1, np.int64)
    glob[:, sensors] = np.where(mem >= 0, rows[np.maximum(mem, 0)], -1)
    order = np.lexsort((np.max(mem, 1), win[np.max(mem, 1)])) if mem.size else np.zeros(0, int)
    tri = _take_tri(tri, order)
    return Triangulation(tri.t_s, tri.r_ecef_m, tri.P, tri.n_los, tri.chi2, glob[order])


@dataclass(frozen=True)
class LaunchArea:
    """Single-satellite estimates, n rows: the plume point ``r_plume_ecef_m`` (n, 3) with
    covariance ``P_plume`` (n, 3, 3) (``P_angles``: its part from the angular noise alone); the
    ground point below it (``lat_rad``, ``lon_rad``) and its horizontal covariance ``P_en_m2``
    (n, 2, 2) in local east-north, m²."""

    r_plume_ecef_m: Array
    P_plume: Array
    lat_rad: Array
    lon_rad: Array
    P_en_m2: Array
    P_angles: Array


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
    Ja = J[:, :, :2]
    E = enu_basis(lat, lon)[:, :2]                       # rows east, north
    P_en = E @ P @ np.swapaxes(E, 1, 2) + downrange_sigma_m ** 2 * np.eye(2)
    return LaunchArea(x, P, lat, lon, P_en, Ja @ cov[:, :2, :2] @ np.swapaxes(Ja, 1, 2))
