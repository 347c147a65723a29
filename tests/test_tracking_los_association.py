"""Search and packing for IR ray association: the epipolar pre-gate, component-wise set packing
and frame windows (:mod:`tocsin.tracking.los_association`).

Sources cited by the checks:

* Epipolar planes (all planes through the baseline of two cameras; rays that meet lie in one):
  R. Hartley & A. Zisserman, *Multiple View Geometry*, 2nd ed. (2004), §9.1. A pre-gate built
  on them must be conservative: every pair the exact miss-distance gate accepts must survive it.
* The S-D assignment's set packing (S. Deb et al., IEEE TAES 33(2) (1997)), here checked
  against the integer programme solved whole by ``scipy.optimize.milp`` and, for two sensors,
  against the 2-D assignment (``scipy.optimize.linear_sum_assignment``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from ir_rays import ir_rays
from test_tracking_infrared import DEG, LAUNCH, _sats
from tocsin.earth.constants import A_M, B_M
from tocsin.earth.wgs84 import geodetic_to_ecef
from tocsin.sensors.detections import DetectionBatch, concat
from tocsin.tracking.infrared import (
    IrMeasurement,
    _extend,
    _los,
    _pair_gate,
    triangulate,
    triangulate_detections,
)
from tocsin.tracking.los_association import (
    Frames,
    alpha_index,
    chi2_gate,
    epipolar_pairs,
    frame_windows,
    frames,
    missed_sensors,
    pack_sets,
)

# --- the epipolar pre-gate ------------------------------------------------------------------


def _scene(seed: int, sigma: float) -> DetectionBatch:
    """Rays of a GEO pair and two Molniyas at 0–2 s (frames at different times) towards 12
    points (pairs meet, with noise σ) and 12 false alarms each, some high (up to 2,500 km)."""
    rng = np.random.default_rng(seed)
    t = np.array([0.0, 0.5, 1.0, 1.7])
    r, v = _sats((-140.0, -60.0), t, molniya_lon_deg=-100.0)
    r2, v2 = _sats((), t, molniya_lon_deg=-30.0)
    R, V = np.concatenate([r, r2]), np.concatenate([v, v2])            # (4 sats, 4 times, 3)
    pts = geodetic_to_ecef(rng.uniform(20, 60, 12) * DEG, rng.uniform(-120, -70, 12) * DEG,
                           rng.uniform(0, 2500e3, 12))
    rows = []
    for k in range(4):
        fa = geodetic_to_ecef(rng.uniform(-30, 80, 12) * DEG, rng.uniform(-160, -40, 12) * DEG,
                              rng.uniform(-10e3, 300e3, 12))
        p = np.concatenate([pts, fa])
        rows.append(ir_rays(p, np.tile(R[k, k], (24, 1)), np.tile(V[k, k], (24, 1)),
                          np.full(24, k), None, t_s=np.full(24, t[k])))
    det = concat(rows)
    det.z[:, :2] += rng.normal(0.0, sigma, (len(det), 2))
    det.R[:, 0, 0] = det.R[:, 1, 1] = sigma ** 2
    return det


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2 ** 31 - 1), sigma_urad=st.sampled_from([30.0, 300.0, 3000.0]),
       speed=st.sampled_from([0.0, 7e3, 50e3]), prob=st.sampled_from([0.99, 0.999999]))
def test_epipolar_pregate_never_drops_a_pair_the_exact_gate_accepts(seed, sigma_urad, speed,
                                                                    prob) -> None:
    det = _scene(seed, sigma_urad * 1e-6)
    n = len(det)
    win = np.zeros(n, np.int64)
    col = det.sensor.astype(np.int64)
    fr = frames(det, win, col)
    g1 = chi2_gate(prob, 1)
    alt = (-20e3, 2000e3)
    i, k = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    cross = col[i.ravel()] < col[k.ravel()]
    ii, kk = i.ravel()[cross], k.ravel()[cross]
    exact = np.isfinite(_pair_gate(det, ii, kk, speed, 2.0, alt, g1))
    pa, pb = epipolar_pairs(fr.win, fr.col, fr.t, fr.s, fr.sig, fr.of_ray, _los(det, np.arange(n)),
                            max_dt_s=2.0, speed_m_s=speed, r_max_m=A_M + alt[1], gate=g1)
    kept = set(zip(pa.tolist(), pb.tolist(), strict=True))
    accepted = set(zip(ii[exact].tolist(), kk[exact].tolist(), strict=True))
    assert accepted <= kept                              # conservative: nothing accepted is lost
    assert np.all(col[pa] < col[pb])
    assert len(accepted) >= 30          # most of the 72 true pairs (12 points × 6 sensor pairs)
    if sigma_urad == 30.0 and speed == 0.0:
        assert len(kept) < 0.2 * ii.size                 # and it prunes


def test_epipolar_pregate_keeps_rays_meeting_near_the_baseline() -> None:
    # A point nearly on the line through two satellites: its rays are almost parallel to the
    # baseline (|û⊥| → 0), where the φ bound must widen to everything rather than drop them.
    r, v = _sats((-140.0, -60.0), np.array([0.0]))
    s0, s1 = r[0, 0], r[1, 0]
    p = s0 + 0.3 * (s1 - s0) + np.array([0.0, 0.0, 50.0])
    det = ir_rays(np.stack([p, p]), np.stack([s0, s1]), np.stack([v[0, 0], v[1, 0]]),
                np.array([0, 1]), None)
    fr = frames(det, np.zeros(2, np.int64), np.array([0, 1]))
    pa, pb = epipolar_pairs(fr.win, fr.col, fr.t, fr.s, fr.sig, fr.of_ray,
                            _los(det, np.arange(2)), max_dt_s=2.0, speed_m_s=0.0,
                            r_max_m=1e12, gate=chi2_gate(0.999, 1))
    assert (pa.tolist(), pb.tolist()) == ([0], [1])


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2 ** 31 - 1), sigma_urad=st.sampled_from([30.0, 300.0]),
       speed=st.sampled_from([0.0, 7e3]))
def test_extension_pregate_finds_exactly_the_rays_the_point_gate_accepts(seed, sigma_urad,
                                                                       speed) -> None:
    # Every gated pair of the scene extended by every ray of a later sensor: the rays the exact
    # 2-d.o.f. test d² = rᵀ (H P Hᵀ + R + (vΔt/ρ)² I)⁻¹ r ≤ γ accepts, computed here for all
    # (set, ray) combinations, are exactly those the α-ordered range search returns.
    det = _scene(seed, sigma_urad * 1e-6)
    n, S = len(det), 4
    col = det.sensor.astype(np.int64)
    fr = frames(det, np.zeros(n, np.int64), col)
    i, k = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    keep = col[i] < col[k]
    i, k = i[keep], k[keep]
    ok = np.isfinite(_pair_gate(det, i, k, speed, 2.0, (-20e3, 2000e3), chi2_gate(0.999, 1)))
    i, k = i[ok], k[ok]
    mem = np.full((i.size, S), -1)
    mem[np.arange(i.size), col[i]], mem[np.arange(i.size), col[k]] = i, k
    tri = triangulate(det, np.stack([i, k], 1), speed_m_s=speed)
    g2 = chi2_gate(0.999, 2)
    out, upd, last = _extend(det, fr, alpha_index(det, fr), mem, tri, col[k], speed, 2.0, g2)
    want = set()
    for c in range(i.size):
        rays = np.flatnonzero(col > col[k[c]])
        x = np.repeat(tri.r_ecef_m[c:c + 1], rays.size, 0)
        z_hat, H = IrMeasurement().predict_measurement(x, det.take(rays))
        d = x - det.sensor_r_ecef_m[rays]
        front = np.einsum("ki,ki->k", det.sensor_frame[rays, 2], d) > 0
        dt = det.t_s[rays] - tri.t_s[c]
        Sm = H @ tri.P[c] @ np.swapaxes(H, 1, 2) + det.R[rays, :2, :2] + (
            speed * dt / np.linalg.norm(d, axis=-1))[:, None, None] ** 2 * np.eye(2)
        res = IrMeasurement().residual(det.z[rays, :2], z_hat)
        d2 = np.einsum("ki,ki->k", res, np.linalg.solve(Sm, res[..., None])[..., 0])
        for r in rays[front & (np.abs(dt) <= 2.0) & (d2 <= g2)]:
            row = mem[c].copy()
            row[col[r]] = r
            want.add(tuple(row.tolist()))
    got = set(map(tuple, out.tolist()))
    assert got == want
    assert np.all(last == np.max(np.where(out >= 0, np.arange(S), -1), 1))
    if want and speed == 0.0:                        # no widening: the Kalman update from
        full = triangulate(det, -np.sort(-out, 1)[:, :3])    # the pair is the re-fit's answer
        np.testing.assert_allclose(upd.chi2, full.chi2, rtol=2e-3, atol=1e-4)  # linearised
        sig = np.sqrt(np.trace(full.P, axis1=1, axis2=2))        # well inside its σ
        assert np.all(np.linalg.norm(upd.r_ecef_m - full.r_ecef_m, axis=-1) < 0.01 * sig)
        scale = np.abs(full.P).max((1, 2))[:, None, None]    # H taken at the parent's point:
        assert np.all(np.abs(upd.P - full.P) <= 1e-2 * scale)  # P agrees to ~1 % of its size


# --- set packing ----------------------------------------------------------------------------


def _milp_value(mem: np.ndarray, cost: np.ndarray) -> float:
    used, ray = np.unique(mem[mem >= 0], return_inverse=True)
    A = np.zeros((used.size, mem.shape[0]))
    A[ray, np.nonzero(mem >= 0)[0]] = 1.0
    sol = milp(cost, constraints=LinearConstraint(A, -np.inf, 1.0),
               integrality=np.ones(cost.size), bounds=Bounds(0.0, 1.0))
    return float(sol.fun)


def _random_sets(rng: np.random.Generator, n: int, S: int, p_seen: float, rays_per_sensor: int
                 ) -> np.ndarray:
    """Up to n distinct candidate sets over S sensors (ray ids r·S + sensor, −1: none), each
    with ≥ 2 rays, few rays per sensor so that components of every size arise."""
    mem = np.where(rng.random((n, S)) < p_seen,
                   rng.integers(0, rays_per_sensor, (n, S)) * S + np.arange(S), -1)
    return np.unique(mem[(mem >= 0).sum(1) >= 2], axis=0)


def _packing_ok(mem: np.ndarray, pick: np.ndarray) -> bool:
    rays = mem[pick][mem[pick] >= 0]
    return rays.size == np.unique(rays).size


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2 ** 31 - 1), S=st.integers(3, 6), n=st.integers(1, 40))
def test_packing_by_components_matches_the_whole_integer_programme(seed, S, n) -> None:
    # Random candidate sets over few rays per sensor (so components of every size arise) with
    # the S-D costs χ² + γ(S − 2n_rays): the optimum found component by component equals that
    # of the integer programme over all sets at once.
    rng = np.random.default_rng(seed)
    g = chi2_gate(0.999, 2)
    mem = _random_sets(rng, n, S, 0.6, 4)
    if not mem.shape[0]:
        return
    k = (mem >= 0).sum(1)
    cost = rng.uniform(0, 3 * k) + g * (S - 2 * k)
    pick = pack_sets(mem, cost, np.zeros(mem.shape[0], bool), np.full(mem.shape[0], g * S),
                     2 * g)
    assert _packing_ok(mem, pick)
    assert cost[pick].sum() == pytest.approx(_milp_value(mem, cost), abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2 ** 31 - 1), n=st.integers(1, 60))
def test_two_sensor_packing_is_the_2d_assignment(seed, n) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 8, n), rng.integers(0, 8, n)
    pairs = np.unique(np.stack([a, b], 1), axis=0)
    cost = rng.uniform(-30, -10, pairs.shape[0])
    mem = np.stack([pairs[:, 0] * 2, pairs[:, 1] * 2 + 1], 1)
    pick = pack_sets(mem, cost, np.ones(cost.size, bool), np.zeros(cost.size), 0.0)
    M = np.full((8, 8), 1e12)
    M[pairs[:, 0], pairs[:, 1]] = cost
    r, c = linear_sum_assignment(M)
    ok = M[r, c] < 1e12
    assert _packing_ok(mem, pick)
    assert pick.size == ok.sum()                          # as many pairs as possible
    assert cost[pick].sum() == pytest.approx(M[r, c][ok].sum())


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2 ** 31 - 1), S=st.integers(3, 7), n=st.integers(1, 40))
def test_packing_with_visibility_costs_matches_the_whole_integer_programme(seed, S, n) -> None:
    # The costs of infrared.associate_los: χ² − γ n_rays + γ n_missed, n_missed ≤ S − n_rays the
    # sensors that could have seen the point (bound per set: ≥ −γ n_rays, base 0). The shortcut
    # that settles a component by its best set (per-ray share bound) must stay exact.
    rng = np.random.default_rng(seed)
    g = chi2_gate(0.999, 2)
    mem = _random_sets(rng, n, S, 0.5, 3)
    if not mem.shape[0]:
        return
    k = (mem >= 0).sum(1)
    missed = rng.integers(0, S - k + 1) * (rng.random(k.size) < 0.5)
    cost = rng.uniform(0, 2 * k) - g * k + g * missed
    pick = pack_sets(mem, cost, np.zeros(mem.shape[0], bool), np.zeros(mem.shape[0]), g)
    assert _packing_ok(mem, pick)
    assert cost[pick].sum() == pytest.approx(_milp_value(mem, cost), abs=1e-6)


def test_missed_sensors_count_only_those_that_could_see_the_point() -> None:
    # Seven GEO satellites, one window. A point at 40° N 100° W, 30 km, with rays from sensors
    # 0 and 1: the other five are behind the Earth from it (none missed); with a ray from
    # sensor 0 only, sensor 1 missed it. A point 3000 km from GEO 60° W, 12° off nadir (in
    # front, line of sight clear, outside the field of regard: 8.7° + 2°): not missed. Random
    # points and sets: the count equals that of a sampled reference. A point below the surface
    # is judged as if on it (else it would hide from every sensor and a ghost would cost less).
    r, _ = _sats((-140.0, -60.0, 20.0, 60.0, 100.0, 140.0, 170.0), np.array([0.0]))
    r = r[:, 0]
    S = r.shape[0]
    fr = Frames(np.zeros(S, np.int64), np.arange(S), np.zeros(S), r, np.zeros((S, 3, 3)),
                np.zeros(S), np.zeros(S), np.zeros(S), np.arange(S))
    a = geodetic_to_ecef(LAUNCH[0], LAUNCH[1], 30e3)
    nadir = -r[1] / np.linalg.norm(r[1])
    side = np.cross(nadir, [0.0, 0.0, 1.0])
    off = r[1] + 3000e3 * (np.cos(12 * DEG) * nadir + np.sin(12 * DEG) * side
                           / np.linalg.norm(side))
    assert not _sees(r[1], off) and _sees(r[1], r[1] + 3000e3 * nadir)
    rng = np.random.default_rng(3)
    pts = geodetic_to_ecef(rng.uniform(-80, 80, 40) * DEG, rng.uniform(-180, 180, 40) * DEG,
                           rng.uniform(0.0, 2000e3, 40))
    x = np.concatenate([np.stack([a, a, off]), pts])
    mem = np.where(rng.random((x.shape[0], S)) < 0.3, np.arange(S), -1)
    mem[:3] = -1
    mem[0, :2] = [0, 1]
    mem[1, 0] = 0
    mem[2] = np.where(np.arange(S) == 1, -1, np.arange(S))   # all but sensor 1
    missed, n_win = missed_sensors(x, mem, np.zeros(x.shape[0], np.int64), fr)
    assert n_win.tolist() == [S] * x.shape[0]
    assert missed[:3].tolist() == [0, 1, 0]
    ref = [sum(_sees(r[j], p) for j in range(S) if m[j] < 0) for p, m in zip(x, mem, strict=True)]
    assert missed.tolist() == ref
    assert np.unique(missed[3:]).size >= 3                          # not all alike
    low = geodetic_to_ecef(LAUNCH[0], LAUNCH[1], -15e3)  # a noisy or ghost point underground
    m1 = np.where(np.arange(S) == 0, 0, -1)[None]          # counts as on the surface: 1 missed
    assert missed_sensors(low[None], m1, np.zeros(1, np.int64), fr)[0].tolist() == [1]
    assert missed_sensors(np.zeros((0, 3)), mem[:0], np.zeros(0, np.int64), fr)[0].size == 0


def _sees(s: np.ndarray, p: np.ndarray) -> bool:
    """Reference: the segment clears the ellipsoid (sampled) and the point is within the
    Earth's angular radius + 2° of nadir."""
    t = np.linspace(0.0, 1.0, 20001)[:, None]
    q = s + t * (p - s)
    clear = bool(np.all((q[:, 0] ** 2 + q[:, 1] ** 2) / A_M ** 2 + q[:, 2] ** 2 / B_M ** 2 >= 1))
    v = p - s
    off = np.arccos(np.dot(v, -s) / np.linalg.norm(v) / np.linalg.norm(s))
    return clear and off <= np.arcsin(A_M / np.linalg.norm(s)) + 2 * DEG


def test_nothing_to_pack() -> None:
    assert pack_sets(np.zeros((0, 3), np.int64), np.zeros(0), np.zeros(0, bool), np.zeros(0),
                     1.0).size == 0
    mem = np.array([[0, 1, -1]])                          # a set that costs more than nothing
    assert pack_sets(mem, np.array([5.0]), np.zeros(1, bool), np.array([20.0]), 1.0).size == 0


# --- frame windows --------------------------------------------------------------------------


def test_windows_of_aligned_one_second_frames_do_not_run_together() -> None:
    t = np.repeat(np.arange(10.0), 3)
    win, dt = frame_windows(t, np.tile(np.arange(3), 10))
    assert win.tolist() == np.repeat(np.arange(10), 3).tolist() and dt == 0.0


def test_windows_of_five_and_ten_second_frames() -> None:
    # A 5 s satellite (0, 5, …), a 10 s one (0, 10, …) and a 10 s one offset by 0.4 s: the
    # offset frames join the instant 0.4 s before them (closer than the 5 s shortest period),
    # the 5 s frames between stay alone; no window holds two frames of one satellite.
    t = np.concatenate([np.arange(0.0, 40.0, 5.0), np.arange(0.0, 40.0, 10.0),
                        np.arange(0.4, 40.0, 10.0)])
    sensor = np.repeat([0, 1, 2], [8, 4, 4])
    win, dt = frame_windows(t, sensor)
    groups = [sorted(t[win == w].tolist()) for w in np.unique(win)]
    assert groups[:3] == [[0.0, 0.0, 0.4], [5.0], [10.0, 10.0, 10.4]]
    assert len(groups) == 8 and dt == 5.0
    for w in np.unique(win):
        assert np.unique(sensor[win == w]).size == np.sum(win == w)


def test_single_frames_are_their_own_windows() -> None:
    win, _ = frame_windows(np.array([0.0, 0.3, 7.0]), np.array([0, 1, 2]))
    assert win.tolist() == [0, 1, 2]


def test_triangulated_points_follow_the_frames() -> None:
    # A target climbing at 3 km/s north seen by two GEO satellites every second, and by a
    # Molniya every 5 s offset by 0.5 s: each point holds rays of one frame per satellite — 1 s
    # frames never run together (the old fixed windows joined t and t + 1) — and the Molniya's
    # rays join the GEO frames 0.5 s before them.
    t = np.arange(0.0, 10.0)
    r, v = _sats((-140.0, -60.0), t, molniya_lon_deg=-100.0)
    lat = LAUNCH[0] + 3e3 * t / 6.371e6
    pts = geodetic_to_ecef(lat, np.full(t.size, LAUNCH[1]), 50e3 + 1e3 * t)
    rows = []
    for k in (0, 1):
        rows.append(ir_rays(pts, r[k], v[k], np.full(t.size, k), None, t_s=t))
    tm = np.arange(0.5, 10.0, 5.0)
    rm, vm = _sats((), tm, molniya_lon_deg=-100.0)
    pm = geodetic_to_ecef(LAUNCH[0] + 3e3 * tm / 6.371e6, np.full(tm.size, LAUNCH[1]),
                          50e3 + 1e3 * tm)
    rows.append(ir_rays(pm, rm[0], vm[0], np.full(tm.size, 2), None, t_s=tm))
    det = concat(rows)
    tri = triangulate_detections(det)
    assert tri.t_s.size == t.size
    mem = tri.members
    times = np.where(mem >= 0, det.t_s[np.maximum(mem, 0)], np.nan)
    assert np.all(np.nanmax(times, 1) - np.nanmin(times, 1) <= 0.5)
    np.testing.assert_array_equal(np.sort(np.nanmin(times, 1)), t)
    assert sorted(tri.n_los.tolist()) == [2] * 8 + [3] * 2
    err = np.linalg.norm(tri.r_ecef_m[np.argsort(tri.t_s)][tri.n_los[np.argsort(tri.t_s)] == 2]
                         - pts[[1, 2, 3, 4, 6, 7, 8, 9]], axis=-1)
    assert np.all(err < 1.0)                              # noise-free: the point itself
