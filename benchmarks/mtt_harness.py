"""The multi-target tracking benchmark's own harness: scenarios, GOSPA and a Stone Soup tracker.

Self-contained (numpy and scipy; Stone Soup — the ``bench`` extra, ``pip install -e .[bench]`` —
only for :func:`run_stonesoup` and ``gospa_scores(..., impl="stonesoup")``), so that
``benchmarks/mtt_vs_stonesoup.py`` and the tests that score trackers need nothing outside the
repository. It speaks the neutral file formats of the peer harness ``stonesoup_bench.py``
(``mtt-bench-scenario/1``, ``mtt-bench-tracks/1``) and draws its random numbers in the same order,
so the same seed gives the same scenario in both; when the peer harness is present,
``tests/test_benchmarks_mtt_harness.py`` checks that, and that the two GOSPAs agree.

Scenario (units m, s; a flat, non-rotating Cartesian frame): N targets in 3-D nearly-constant
velocity motion (NCV per axis, Q = q [[dt³/3, dt²/2], [dt²/2, dt]]; Bar-Shalom, Li & Kirubarajan
2001, §6.2.2), starting uniformly in a cube of half-width ``half_width`` with velocity components
U(−max_speed, max_speed); one sensor reporting Cartesian position with σ = ``meas_sigma`` per
axis, detection probability ``pd``; Poisson clutter (mean ``clutter_rate`` per scan) uniform over
the cube; scan k at t = k dt. Each scan carries the truths alive, the shuffled detections and —
for scoring only — each detection's origin (truth id or −1).

GOSPA (A. S. Rahmathullah, Á. F. García-Fernández and L. Svensson, "Generalized optimal
sub-pattern assignment metric", Proc. FUSION 2017), α = 2, cut-off c, order p: the optimal
assignment of estimates to truths with cost min(d, c)^p, a pair at distance ≥ c counting as one
missed and one false object, each missed or false object costing c^p/2. Reported as Stone Soup's
``GOSPAMetric`` does: distance, localisation, missed, false (cost terms), averaged over scans.

Stone Soup tracker (the tutorial set-up, as the peer harness): Kalman predictor and updater on
the scenario's NCV model and R, ``DistanceHypothesiser`` (Mahalanobis, missed distance 3),
``GNNWith2DAssignment``, ``MultiMeasurementInitiator`` (3 points) and ``CovarianceBasedDeleter``
(trace above twice the initial trace), in ``stonesoup.tracker.simple.MultiTargetTracker``.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["FORMAT_SCENARIO", "FORMAT_TRACKS", "POS_IDX", "ncv_matrices", "generate_scenario",
           "save_scenario", "load_scenario", "gospa_numpy", "gospa_scores", "run_stonesoup",
           "StoneSoupOptions"]

FORMAT_SCENARIO = "mtt-bench-scenario/1"
FORMAT_TRACKS = "mtt-bench-tracks/1"
STATE_LAYOUT = ["x", "vx", "y", "vy", "z", "vz"]
POS_IDX = (0, 2, 4)
_NOISE_MODEL = "NCV per axis: Q = q*[[dt^3/3, dt^2/2], [dt^2/2, dt]]"
_EPOCH = datetime.datetime(2000, 1, 1)


def ncv_matrices(dt: float, q: float) -> tuple[np.ndarray, np.ndarray]:
    """6 × 6 transition F and process noise Q for the state (x, vx, y, vy, z, vz)."""
    F1 = np.array([[1.0, dt], [0.0, 1.0]])
    Q1 = q * np.array([[dt**3 / 3.0, dt**2 / 2.0], [dt**2 / 2.0, dt]])
    F, Q = np.zeros((6, 6)), np.zeros((6, 6))
    for a in range(3):
        s = slice(2 * a, 2 * a + 2)
        F[s, s], Q[s, s] = F1, Q1
    return F, Q


def generate_scenario(targets: int, steps: int, dt: float = 1.0, seed: int = 0, pd: float = 0.9,
                      clutter_rate: float = 10.0, meas_sigma: float = 20.0, q: float = 1.0,
                      max_speed: float = 50.0, half_width: float = 10_000.0,
                      birth_window: int = 0) -> dict[str, Any]:
    """A reproducible ``mtt-bench-scenario/1`` scenario (module docstring), as a dict."""
    rng = np.random.default_rng(seed)
    lo, hi = np.full(3, -half_width), np.full(3, half_width)
    F, Q = ncv_matrices(dt, q)
    L = np.linalg.cholesky(Q)
    born = (rng.integers(0, birth_window + 1, size=targets) if birth_window > 0
            else np.zeros(targets, dtype=int))
    x = np.zeros((targets, 6))
    x[:, list(POS_IDX)] = rng.uniform(lo, hi, size=(targets, 3))
    x[:, [1, 3, 5]] = rng.uniform(-max_speed, max_speed, size=(targets, 3))
    scans = []
    for k in range(steps):
        if k:
            x = x @ F.T + rng.standard_normal((targets, 6)) @ L.T
        alive = np.flatnonzero(born <= k)
        seen = alive[rng.random(alive.size) < pd]
        z_t = x[seen][:, list(POS_IDX)] + meas_sigma * rng.standard_normal((seen.size, 3))
        n_c = rng.poisson(clutter_rate)
        z = np.vstack([z_t, rng.uniform(lo, hi, size=(n_c, 3))])
        origin = np.concatenate([seen, np.full(n_c, -1)])
        order = rng.permutation(len(z))
        scans.append({"k": k, "t": k * dt, "truth_ids": alive.tolist(),
                      "truth_states": x[alive].tolist(), "detections": z[order].tolist(),
                      "detection_origin": origin[order].astype(int).tolist()})
    return {
        "format": FORMAT_SCENARIO, "generator": "tocsin benchmarks/mtt_harness.py",
        "params": {"targets": targets, "steps": steps, "dt": dt, "seed": seed, "pd": pd,
                   "clutter_rate": clutter_rate, "meas_sigma": meas_sigma, "q": q,
                   "max_speed": max_speed, "birth_window": birth_window,
                   "volume_min": lo.tolist(), "volume_max": hi.tolist()},
        "state_layout": STATE_LAYOUT, "measurement_layout": ["x", "y", "z"],
        "measurement_noise_covariance": (meas_sigma**2 * np.eye(3)).tolist(),
        "process_noise_model": _NOISE_MODEL, "scans": scans,
    }


def save_scenario(scen: dict[str, Any], path: str) -> None:
    """Write a scenario as JSON, or as flat arrays when ``path`` ends in ``.npz``."""
    if not path.endswith(".npz"):
        with open(path, "w") as fh:
            json.dump(scen, fh)
        return
    sc = scen["scans"]
    np.savez_compressed(
        path, params_json=json.dumps(scen["params"]),
        R=np.asarray(scen["measurement_noise_covariance"], dtype=float),
        truth_k=np.repeat([s["k"] for s in sc], [len(s["truth_ids"]) for s in sc]).astype(
            np.int64),
        truth_id=np.array([i for s in sc for i in s["truth_ids"]], dtype=np.int64),
        truth_state=np.array([x for s in sc for x in s["truth_states"]], float).reshape(-1, 6),
        det_k=np.repeat([s["k"] for s in sc], [len(s["detections"]) for s in sc]).astype(
            np.int64),
        det_z=np.array([z for s in sc for z in s["detections"]], float).reshape(-1, 3),
        det_origin=np.array([o for s in sc for o in s["detection_origin"]], dtype=np.int64))


def load_scenario(path: str) -> dict[str, Any]:
    """Read a scenario written by :func:`save_scenario` (or by the peer harness)."""
    if not path.endswith(".npz"):
        with open(path) as fh:
            scen = json.load(fh)
        if scen.get("format") != FORMAT_SCENARIO:
            raise ValueError(f"{path}: not a {FORMAT_SCENARIO} file")
        return scen
    d = np.load(path)
    params = json.loads(str(d["params_json"]))
    scans = []
    for k in range(int(params["steps"])):
        tm, dm = d["truth_k"] == k, d["det_k"] == k
        scans.append({"k": k, "t": k * params["dt"], "truth_ids": d["truth_id"][tm].tolist(),
                      "truth_states": d["truth_state"][tm].tolist(),
                      "detections": d["det_z"][dm].tolist(),
                      "detection_origin": d["det_origin"][dm].tolist()})
    return {"format": FORMAT_SCENARIO, "generator": "tocsin benchmarks/mtt_harness.py",
            "params": params, "state_layout": STATE_LAYOUT, "measurement_layout": ["x", "y", "z"],
            "measurement_noise_covariance": d["R"].tolist(), "process_noise_model": _NOISE_MODEL,
            "scans": scans}


def gospa_numpy(est: Any, truth: Any, c: float, p: float) -> dict[str, float]:
    """GOSPA (α = 2) of estimated against true positions (n, 3) and (m, 3); module docstring.

    Solved as one square assignment over the n + m "slots": estimate–truth pairs cost
    min(d, c)^p, and each estimate or truth may instead go to a dummy at c^p/2 (left unassigned:
    a false or a missed object). A pair at d ≥ c is never cheaper than two dummies, so the
    optimum is the metric's; its pairs at ≥ c are reported as one missed plus one false.
    """
    e = np.asarray(est, dtype=float).reshape(-1, 3)
    t = np.asarray(truth, dtype=float).reshape(-1, 3)
    n, m = len(e), len(t)
    half = c**p / 2.0
    if n == 0 or m == 0:
        missed, false = half * m, half * n
        return {"distance": (missed + false) ** (1.0 / p), "localisation": 0.0,
                "missed": missed, "false": false}
    d = np.linalg.norm(e[:, None, :] - t[None, :, :], axis=-1)
    big = np.full((n + m, n + m), 0.0)
    big[:n, :m] = np.minimum(d, c) ** p          # estimate i ↔ truth j
    big[:n, m:] = np.where(np.eye(n, dtype=bool), half, np.inf)   # estimate i unassigned
    big[n:, :m] = np.where(np.eye(m, dtype=bool), half, np.inf)   # truth j unassigned
    rows, cols = linear_sum_assignment(big)
    real = (rows < n) & (cols < m)
    pair = d[rows[real], cols[real]]
    near = pair < c
    loc = float(np.sum(pair[near] ** p))
    n_pairs_near = int(near.sum())
    missed = half * (m - n_pairs_near)
    false = half * (n - n_pairs_near)
    return {"distance": (loc + missed + false) ** (1.0 / p), "localisation": loc,
            "missed": missed, "false": false}


def gospa_scores(scen: dict[str, Any], estimates_by_k: dict[int, Any], c: float, p: float,
                 impl: str = "numpy") -> tuple[dict[str, Any], list[int]]:
    """Mean GOSPA over the scenario's scans of per-scan estimated positions (``{k: (n, 3)}``);
    ``impl`` "numpy" (:func:`gospa_numpy`) or "stonesoup" (its ``GOSPAMetric``). Returns
    (``{"mean_distance", "mean_localisation", "mean_missed", "mean_false", ...}``, tracks per
    scan)."""
    metric: Any = None
    if impl == "stonesoup":
        from stonesoup.measures import Euclidean
        from stonesoup.metricgenerator.ospametric import GOSPAMetric
        from stonesoup.types.state import State
        metric = GOSPAMetric(c=c, p=p, measure=Euclidean(mapping=(0, 1, 2)))
    elif impl != "numpy":
        raise ValueError(f"impl: {impl!r}, expected 'numpy' or 'stonesoup'")
    dt = float(scen["params"]["dt"])
    sums = dict.fromkeys(("distance", "localisation", "missed", "false"), 0.0)
    n_tracks = []
    for s in scen["scans"]:
        est = np.asarray(estimates_by_k.get(s["k"], []), dtype=float).reshape(-1, 3)
        truth = np.asarray(s["truth_states"], dtype=float).reshape(-1, 6)[:, list(POS_IDX)]
        n_tracks.append(len(est))
        if not len(est) and not len(truth):
            continue
        if metric is not None:
            ts = _EPOCH + datetime.timedelta(seconds=s["k"] * dt)
            value = metric.compute_gospa_metric(
                [State(x.reshape(3, 1), timestamp=ts) for x in est],
                [State(x.reshape(3, 1), timestamp=ts) for x in truth])[0].value
        else:
            value = gospa_numpy(est, truth, c, p)
        for key in sums:
            sums[key] += float(value[key])
    T = len(scen["scans"])
    out: dict[str, Any] = {"c": c, "p": p, "alpha": 2, "impl": impl,
                           "measure": "Euclidean on (x, y, z) position"}
    out.update({f"mean_{k}": v / T for k, v in sums.items()})
    return out, n_tracks


class StoneSoupOptions:
    """The Stone Soup configuration (module docstring); attributes may be changed."""

    def __init__(self, gate: float = 3.0, min_points: int = 3, deleter_factor: float = 2.0,
                 filter_q: float | None = None) -> None:
        self.gate, self.min_points = gate, min_points
        self.deleter_factor, self.filter_q = deleter_factor, filter_q


def _stonesoup_tracker(scen: dict[str, Any], opts: StoneSoupOptions) -> tuple[Any, Any]:
    from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
    from stonesoup.deleter.error import CovarianceBasedDeleter
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.initiator.simple import MultiMeasurementInitiator
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.tracker.simple import MultiTargetTracker
    from stonesoup.types.state import GaussianState
    from stonesoup.updater.kalman import KalmanUpdater

    p = scen["params"]
    q = float(p["q"] if opts.filter_q is None else opts.filter_q)
    R = np.asarray(scen["measurement_noise_covariance"], dtype=float)
    meas = LinearGaussian(ndim_state=6, mapping=POS_IDX, noise_covar=R)
    predictor = KalmanPredictor(CombinedLinearGaussianTransitionModel(
        [ConstantVelocity(q), ConstantVelocity(q), ConstantVelocity(q)]))
    updater = KalmanUpdater(meas)
    hyp = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(),
                               missed_distance=opts.gate)
    vel_var = float(p["max_speed"]) ** 2 / 3.0          # variance of U(−v, v)
    prior = GaussianState(np.zeros((6, 1)), np.diag([0.0, vel_var] * 3))
    deleter = CovarianceBasedDeleter(
        covar_trace_thresh=opts.deleter_factor * (3 * R[0, 0] + 3 * vel_var))
    initiator = MultiMeasurementInitiator(
        prior_state=prior, measurement_model=meas, deleter=deleter,
        data_associator=GNNWith2DAssignment(hyp), updater=updater, min_points=opts.min_points)
    tracker = MultiTargetTracker(initiator=initiator, deleter=deleter, detector=None,
                                 data_associator=GNNWith2DAssignment(hyp), updater=updater)
    return tracker, meas


def run_stonesoup(scen: dict[str, Any], opts: StoneSoupOptions | None = None
                  ) -> tuple[list[dict[str, Any]], list[float]]:
    """Stone Soup over the scenario: per-scan confirmed estimates (``track_ids``,
    ``positions``) and the wall time (s) of each ``update_tracker`` call — the scan loop only,
    the detections having been converted to Stone Soup ``Detection`` objects beforehand."""
    from stonesoup.types.detection import Detection

    tracker, meas = _stonesoup_tracker(scen, opts or StoneSoupOptions())
    dt = float(scen["params"]["dt"])
    inputs = []
    for s in scen["scans"]:
        ts = _EPOCH + datetime.timedelta(seconds=s["k"] * dt)
        inputs.append((ts, {Detection(np.asarray(z, dtype=float).reshape(3, 1), timestamp=ts,
                                      measurement_model=meas) for z in s["detections"]}))
    import time

    ids_of: dict[Any, int] = {}
    estimates, step_s = [], []
    for ts, dets in inputs:
        t0 = time.perf_counter()
        _, tracks = tracker.update_tracker(ts, dets)
        step_s.append(time.perf_counter() - t0)
        ids, pos = [], []
        for tr in tracks:
            sv = np.asarray(tr.state_vector, dtype=float).ravel()
            ids.append(ids_of.setdefault(tr.id, len(ids_of)))
            pos.append([float(sv[i]) for i in POS_IDX])
        estimates.append({"track_ids": ids, "positions": pos})
    return estimates, step_s
