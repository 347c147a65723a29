"""Generic multi-target tracking core: Kalman filter, gating, GNN/JPDA, M-of-N, GOSPA, tracker.

Checked against textbook closed forms (the α-β steady state of BLK 2001 §6.5.3), against
FilterPy's KalmanFilter (when installed), against the peer harness's numpy GOSPA (and Stone Soup's
GOSPAMetric when installed), and against hand-computed cases.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from tocsin.tracking.association import (
    GlobalNearestNeighbour,
    JointProbabilisticDA,
    jpda_marginals,
    solve_assignment,
)
from tocsin.tracking.gating import MahalanobisGater, chi2_gate
from tocsin.tracking.kalman import (
    CartesianPosition,
    KalmanUpdater,
    NearlyConstantVelocity,
    innovation_covariance,
    kf_gain,
    kf_predict,
    kf_update,
)
from tocsin.tracking.management import MissCovarianceDeleter, Seeds, TwoPointInitiator
from tocsin.tracking.metrics import gospa, gospa_assignment, nees, track_continuity
from tocsin.tracking.roles import GatedPairs
from tocsin.tracking.tracker import MultiTargetTracker
from tocsin.tracking.tracks import CONFIRMED, TENTATIVE, TrackSet

# The benchmark's own harness (scenario generator, GOSPA, Stone Soup tracker), in the repository;
# the peer harness it mirrors is checked against it in test_benchmarks_mtt_harness.py.
HARNESS = Path(__file__).resolve().parents[1] / "benchmarks" / "mtt_harness.py"


@pytest.fixture(scope="module")
def harness():
    spec = importlib.util.spec_from_file_location("mtt_harness", HARNESS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_tracker(R: np.ndarray, q: float = 1.0, v_max: float = 80.0, m: int = 2, n: int = 3,
                 associator=None, tentative_misses: int = 1) -> MultiTargetTracker:
    return MultiTargetTracker(
        motion=NearlyConstantVelocity(q), measurement=CartesianPosition(R),
        gater=MahalanobisGater(0.9999), associator=associator or GlobalNearestNeighbour(),
        updater=KalmanUpdater(),
        initiator=TwoPointInitiator(max_speed_m_s=v_max, per_axis=True, confirm_m=m,
                                    confirm_n=n),
        deleter=MissCovarianceDeleter(tentative_misses=tentative_misses, confirmed_misses=5,
                                      young_hits=3))


def run_on_scenario(tracker: MultiTargetTracker, scen: dict) -> dict[int, list]:
    R = np.asarray(scen["measurement_noise_covariance"], dtype=float)
    out = {}
    for s in scen["scans"]:
        z = np.asarray(s["detections"], dtype=float).reshape(-1, 3)
        tracker.step(float(s["t"]), z, np.broadcast_to(R, (len(z), 3, 3)))
        e = tracker.estimates()
        out[s["k"]] = e.x[:, [0, 2, 4]].tolist()
    return out


# --- Kalman filter -------------------------------------------------------------------------------

def test_alpha_beta_steady_state_gain():
    """DWNA model: steady-state gain equals the α-β filter's (α, β/T), BLK eq. 6.5.3-24/25."""
    T, sv, sw = 1.0, 0.5, 10.0
    F = np.array([[1.0, T], [0.0, 1.0]])
    G = np.array([[T**2 / 2], [T]])
    Q = sv**2 * G @ G.T
    H = np.array([[[1.0, 0.0]]])
    R = np.array([[[sw**2]]])
    x, P = np.zeros((1, 2)), np.eye(2)[None] * 1e6
    for _ in range(500):
        x, P = kf_predict(x, P, F, Q)
        S = innovation_covariance(P, H, R)
        K = kf_gain(P, H, S)
        x, P = kf_update(x, P, np.zeros((1, 1)), H, R, S)
    lam = sv * T**2 / sw                                         # tracking index λ
    r = math.sqrt(lam**2 + 8 * lam)
    alpha = -(lam**2 + 8 * lam - (lam + 4) * r) / 8
    beta = (lam**2 + 4 * lam - lam * r) / 4
    np.testing.assert_allclose(K[0, :, 0], [alpha, beta / T], rtol=1e-9)


def test_ncv_predict_matches_full_matrices():
    rng = np.random.default_rng(3)
    model = NearlyConstantVelocity(q_m2_s3=2.5)
    n = 7
    x = rng.normal(size=(n, 6))
    A = rng.normal(size=(n, 6, 6))
    P = A @ A.transpose(0, 2, 1) + np.eye(6)
    dt = rng.uniform(0.1, 5.0, n)
    F, Q = model.matrices(dt)
    xe, Pe = kf_predict(x, P, F, Q)
    xp, Pp = model.predict(x, P, dt)
    np.testing.assert_allclose(xp, xe, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Pp, Pe, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(Q[0, :2, :2], 2.5 * np.array(
        [[dt[0]**3 / 3, dt[0]**2 / 2], [dt[0]**2 / 2, dt[0]]]))


def test_against_filterpy_cv_1d():
    fp = pytest.importorskip("filterpy.kalman")
    kf = fp.KalmanFilter(dim_x=2, dim_z=1)
    model = NearlyConstantVelocity(q_m2_s3=0.3, axes=1)
    meas = CartesianPosition(np.array([[25.0]]), state_dim=2, index=(0,))
    F, Q = model.matrices(np.array([1.0]))
    kf.F, kf.Q, kf.H, kf.R = F[0], Q[0], meas.H, meas.R
    kf.x = np.array([[0.0], [1.0]])
    kf.P = np.diag([100.0, 10.0])
    x, P = kf.x.T.copy(), kf.P[None].copy()
    rng = np.random.default_rng(0)
    for k in range(40):
        z = np.array([[k * 1.0 + rng.normal(0, 5)]])
        kf.predict()
        kf.update(z)
        x, P = model.predict(x, P, np.array([1.0]))
        z_hat, H = meas.predict_measurement(x)
        x, P = kf_update(x, P, meas.residual(z, z_hat), H, meas.R[None])
    np.testing.assert_allclose(x[0], kf.x[:, 0], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(P[0], kf.P, rtol=1e-9, atol=1e-9)


def test_joseph_form_keeps_P_symmetric_positive_definite():
    rng = np.random.default_rng(1)
    model = NearlyConstantVelocity(q_m2_s3=1e-6)
    meas = CartesianPosition(np.eye(3) * 1e-8)                   # nearly perfect measurements
    n = 50
    x = np.zeros((n, 6))
    P = np.tile(np.diag([1e8, 1e4] * 3), (n, 1, 1))
    for _ in range(30):
        x, P = model.predict(x, P, np.full(n, 1.0))
        z_hat, H = meas.predict_measurement(x)
        R = np.broadcast_to(meas.R, (n, 3, 3))
        x, P = kf_update(x, P, rng.normal(size=(n, 3)) * 1e-4, H, R)
        assert np.array_equal(P, P.transpose(0, 2, 1))           # exactly symmetric
        assert np.linalg.eigvalsh(P).min() > 0.0


# --- gating and association ----------------------------------------------------------------------

def test_kdtree_pregate_equals_dense():
    rng = np.random.default_rng(5)
    n, k = 300, 400
    z_hat = rng.uniform(-5e3, 5e3, (n, 3))
    A = rng.normal(0, 30, (n, 3, 3))
    HPHt = A @ A.transpose(0, 2, 1)
    z = np.concatenate([z_hat[:200] + rng.normal(0, 40, (200, 3)),
                        rng.uniform(-5e3, 5e3, (k - 200, 3))])
    R = np.broadcast_to(np.eye(3) * 400.0, (k, 3, 3))
    res = CartesianPosition(np.eye(3)).residual
    dense = MahalanobisGater(dense_limit=None).gate(z_hat, HPHt, z, R, res)
    tree = MahalanobisGater(dense_limit=0).gate(z_hat, HPHt, z, R, res)
    a = sorted(zip(dense.track.tolist(), dense.det.tolist(), strict=True))
    b = sorted(zip(tree.track.tolist(), tree.det.tolist(), strict=True))
    assert a == b and len(a) >= 190
    assert np.all(dense.d2 <= chi2_gate(0.9999, 3))


def _gated(track, det, d2, gamma=21.1):
    p = len(track)
    return GatedPairs(np.asarray(track), np.asarray(det), np.zeros((p, 3)),
                      np.tile(np.eye(3), (p, 1, 1)), np.asarray(d2, float), gamma)


def test_gnn_picks_optimal_not_greedy_assignment():
    # greedy nearest takes (0, 0) at cost 1 and leaves track 1 without a detection (cost γ);
    # the optimum is (0, 1) + (1, 0) = 4
    gate = _gated([0, 0, 1], [0, 1, 0], [1.0, 2.0, 2.0])
    a = GlobalNearestNeighbour().associate(gate, 2, 2)
    pairs = sorted(zip(gate.track[a.pair].tolist(), gate.det[a.pair].tolist(), strict=True))
    assert pairs == [(0, 1), (1, 0)]
    np.testing.assert_array_equal(a.miss, [0.0, 0.0])
    assert a.det_used.all()


def test_solve_assignment_matches_brute_force():
    rng = np.random.default_rng(11)
    for _ in range(40):
        nr, nc = rng.integers(1, 5), rng.integers(1, 5)
        mask = rng.random((nr, nc)) < 0.6
        rows, cols = np.nonzero(mask)
        cost = rng.uniform(0, 10, rows.size)
        miss = 6.0
        take = solve_assignment(rows, cols, cost, nr, nc, miss)
        got = cost[take].sum() + miss * (nr - take.sum())
        best = math.inf
        for sub in itertools.product([False, True], repeat=rows.size):
            sub = np.array(sub, dtype=bool)
            if len(set(rows[sub])) < sub.sum() or len(set(cols[sub])) < sub.sum():
                continue
            best = min(best, cost[sub].sum() + miss * (nr - sub.sum()))
        assert got == pytest.approx(best)


def test_jpda_marginals_hand_computed_2x2():
    a, b, c, m = 3.0, 1.0, 2.0, 0.5
    L = np.array([[a, b], [c, 0.0]])
    beta, beta0 = jpda_marginals(L, np.array([m, m]))
    T = m * m + a * m + b * m + c * m + b * c        # all feasible joint events
    np.testing.assert_allclose(beta, [[a * m / T, (b * m + b * c) / T],
                                      [(c * m + b * c) / T, 0.0]])
    np.testing.assert_allclose(beta0, [(m * m + c * m) / T, (m * m + a * m + b * m) / T])
    np.testing.assert_allclose(beta.sum(axis=1) + beta0, 1.0)


def test_jpda_association_probabilities_sum_to_one():
    rng = np.random.default_rng(2)
    track = np.array([0, 0, 1, 1, 2, 3])
    det = np.array([0, 1, 1, 2, 3, 4])
    gate = _gated(track, det, rng.uniform(0, 9, 6))
    a = JointProbabilisticDA(pd=0.9, clutter_density=1e-9).associate(gate, 5, 5)
    total = a.miss.copy()
    np.add.at(total, gate.track[a.pair], a.weight)
    np.testing.assert_allclose(total, 1.0)
    assert a.miss[4] == 1.0 and not a.hard


# --- track management ----------------------------------------------------------------------------

def test_m_of_n_confirmation():
    init = TwoPointInitiator(max_speed_m_s=50.0, confirm_m=3, confirm_n=4)
    hist = np.array([0b0111, 0b1011, 0b1001, 0b10011, 0b110000, 0b0111], dtype=np.uint32)
    status = np.array([TENTATIVE] * 5 + [CONFIRMED], dtype=np.int8)
    ts = TrackSet.empty(6)
    n = hist.size
    ts = TrackSet(np.arange(n), np.zeros((n, 6)), np.zeros((n, 6, 6)), np.zeros(n), status,
                  np.zeros(n, np.int32), np.zeros(n, np.int32), hist, np.ones(n), np.zeros(n))
    np.testing.assert_array_equal(init.confirm(ts), [1, 1, 0, 0, 0, 1])
    with pytest.raises(ValueError):
        TwoPointInitiator(max_speed_m_s=1.0, confirm_m=4, confirm_n=3)


def test_tracker_two_point_then_m_of_n():
    R = np.eye(3) * 1.0
    tr = make_tracker(R, m=3, n=4, tentative_misses=2)
    v = np.array([10.0, -5.0, 2.0])
    seen = []
    for k, detected in enumerate([True, True, False, True, True]):
        z = (np.array([[100.0, 200.0, 300.0]]) + k * v) if detected else np.empty((0, 3))
        tr.step(float(k), z, np.broadcast_to(R, (len(z), 3, 3)))
        seen.append(len(tr.estimates()))
    assert seen == [0, 0, 0, 1, 1]         # 2 hits, then a miss (2 of 3), then 3 of 4
    assert tr.tracks.ids.tolist() == [0]
    np.testing.assert_allclose(tr.estimates().x[0, [1, 3, 5]], v, atol=0.5)


def test_deleter_misses_and_covariance():
    d = MissCovarianceDeleter(tentative_misses=1, confirmed_misses=3, young_hits=3,
                              max_position_trace_m2=1e4)
    n = 5
    P = np.tile(np.eye(6), (n, 1, 1))
    P[4] *= 1e4
    ts = TrackSet(np.arange(n), np.zeros((n, 6)), P, np.zeros(n),
                  np.array([0, 1, 1, 1, 1], np.int8), np.array([2, 2, 10, 10, 10], np.int32),
                  np.array([1, 1, 2, 3, 0], np.int32), np.zeros(n, np.uint32), np.ones(n),
                  np.zeros(n))
    np.testing.assert_array_equal(d.delete(ts), [True, True, False, True, True])


# --- metrics -------------------------------------------------------------------------------------

def test_gospa_hand_computed():
    truth = np.array([[0.0, 0.0, 0.0], [100.0, 0.0, 0.0]])
    g = gospa(np.array([[3.0, 4.0, 0.0]]), truth, c=10.0, p=1)
    assert (g.total, g.localisation, g.missed, g.false) == (10.0, 5.0, 5.0, 0.0)
    g2 = gospa(np.array([[3.0, 4.0, 0.0]]), truth, c=10.0, p=2)
    assert g2.total == pytest.approx(math.sqrt(25 + 50))
    far = gospa(np.array([[0.0, 20.0, 0.0]]), truth[:1], c=10.0, p=1)   # beyond c
    assert (far.total, far.n_missed, far.n_false) == (10.0, 1, 1)
    assert gospa(np.empty((0, 3)), np.empty((0, 3))).total == 0.0
    assert gospa(np.empty((0, 3)), truth, c=10.0).missed == 10.0


def test_gospa_matches_harness_numpy(harness):
    rng = np.random.default_rng(4)
    for _ in range(30):
        t = rng.uniform(0, 300, (rng.integers(0, 8), 3))
        e = rng.uniform(0, 300, (rng.integers(0, 8), 3))
        ref = harness.gospa_numpy(e.tolist(), t.tolist(), 100.0, 1.0)
        g = gospa(e, t, c=100.0, p=1.0)
        assert g.total == pytest.approx(ref["distance"])
        assert (g.localisation, g.missed, g.false) == pytest.approx(
            (ref["localisation"], ref["missed"], ref["false"]))


def test_gospa_matches_stonesoup_gospametric(harness):
    pytest.importorskip("stonesoup")
    scen = harness.generate_scenario(4, 6, seed=2, clutter_rate=0.0)
    rng = np.random.default_rng(9)
    est = {}
    for s in scen["scans"]:
        t = np.asarray(s["truth_states"])[:, [0, 2, 4]]
        e = np.concatenate([t[1:] + rng.normal(0, 40, (len(t) - 1, 3)),
                            rng.uniform(-1e3, 1e3, (s["k"] % 3, 3))])
        est[s["k"]] = e.tolist()
    ref, _ = harness.gospa_scores(scen, est, 100.0, 1.0, impl="stonesoup")
    ours = np.mean([gospa(np.asarray(est[s["k"]]).reshape(-1, 3),
                          np.asarray(s["truth_states"])[:, [0, 2, 4]]).total
                    for s in scen["scans"]])
    assert ours == pytest.approx(ref["mean_distance"])


def test_track_continuity_switch_and_fragmentation():
    scan = np.array([0, 1, 2, 3, 4, 5, 0, 1])
    truth = np.array([0, 0, 0, 0, 0, 0, 1, 1])
    track = np.array([5, 5, 5, -1, 7, 7, 9, 9])
    c = track_continuity(scan, truth, track)
    assert c.truth_id.tolist() == [0, 1]
    assert c.switches.tolist() == [1, 0]
    assert c.fragmentations.tolist() == [1, 0]
    assert c.covered.tolist() == [5, 2] and c.scans.tolist() == [6, 2]


def test_nees():
    rng = np.random.default_rng(8)
    A = rng.normal(size=(4, 3, 3))
    P = A @ A.transpose(0, 2, 1) + np.eye(3)
    u = rng.normal(size=(4, 3))
    e = np.einsum("nij,nj->ni", np.linalg.cholesky(P), u)
    np.testing.assert_allclose(nees(e, np.zeros((4, 3)), P), (u * u).sum(axis=1))


# --- the tracker on generated scenarios ----------------------------------------------------------

def test_tracker_on_generated_scenario(harness):
    scen = harness.generate_scenario(5, 30, seed=7, clutter_rate=10.0)
    R = np.asarray(scen["measurement_noise_covariance"])
    tr = make_tracker(R)
    est = run_on_scenario(tr, scen)
    g, _ = harness.gospa_scores(scen, est, 100.0, 1.0, impl="numpy")
    # 5 targets × ~17 m localisation, plus one or two scans before confirmation
    assert g["mean_distance"] < 130.0
    last = scen["scans"][-1]
    truth = np.asarray(last["truth_states"])[:, [0, 2, 4]]
    e = np.asarray(est[last["k"]])
    r, c, _ = gospa_assignment(e, truth, 100.0)
    assert len(c) == 5 and len(e) == 5                         # every target, no false track
    # our GOSPA equals the harness's, scan by scan
    for s in scen["scans"][::7]:
        t = np.asarray(s["truth_states"])[:, [0, 2, 4]]
        ref = harness.gospa_numpy(est[s["k"]], t.tolist(), 100.0, 1.0)
        assert gospa(np.asarray(est[s["k"]]).reshape(-1, 3), t).total == pytest.approx(
            ref["distance"])


def test_jpda_tracker_on_generated_scenario(harness):
    scen = harness.generate_scenario(5, 30, seed=7, clutter_rate=10.0)
    R = np.asarray(scen["measurement_noise_covariance"])
    tr = make_tracker(R, associator=JointProbabilisticDA(pd=0.9, clutter_density=10 / 8e12))
    est = run_on_scenario(tr, scen)
    g, _ = harness.gospa_scores(scen, est, 100.0, 1.0, impl="numpy")
    assert g["mean_distance"] < 130.0


def test_clutter_only_confirms_no_lasting_track(harness):
    # bench-level clutter (100/scan): two-point confirmation lets a rare clutter pair through,
    # but it dies at its next scan; 3-of-3 confirmation confirms nothing even at 1,000/scan
    scen = harness.generate_scenario(0, 30, seed=3, clutter_rate=100.0)
    R = np.asarray(scen["measurement_noise_covariance"])
    tr = make_tracker(R)
    est = run_on_scenario(tr, scen)
    assert sum(len(v) for v in est.values()) <= 3
    dense = harness.generate_scenario(0, 30, seed=3, clutter_rate=1000.0)
    tr3 = make_tracker(R, m=3, n=3)
    est3 = run_on_scenario(tr3, dense)
    assert sum(len(v) for v in est3.values()) == 0
    assert len(tr3.tracks) < 60                                  # tentative ones die quickly


def test_two_point_initiation_never_pairs_simultaneous_detections():
    # Two radars of one partner report at the same instant: a seed from one and a plot from the
    # other must not make a track (Δt = 0 would give an infinite velocity).
    init = TwoPointInitiator(max_speed_m_s=8000.0, state_dim=6, pos_index=(0, 1, 2),
                             vel_index=(3, 4, 5))
    R = np.tile(np.eye(3) * 100.0, (1, 1, 1))
    seeds = init.initiate(Seeds.empty(3), 10.0, 0, np.zeros((1, 3)), R)[1]
    new, _ = init.initiate(seeds, 10.0, 1, np.full((1, 3), 5.0), R)
    assert new.x.shape[0] == 0
    new, _ = init.initiate(seeds, 15.0, 1, np.full((1, 3), 5.0), R)
    assert new.x.shape[0] == 1 and np.all(np.isfinite(new.x)) and np.all(np.isfinite(new.P))
