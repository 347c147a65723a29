"""Multi-target tracking head to head with Stone Soup, on the same scenario file, in one process.

Reads an ``mtt-bench-scenario/1`` file (JSON or .npz) or generates one, runs Tocsin's
:class:`~tocsin.tracking.tracker.MultiTargetTracker` on it with the scenario's own motion model
(NCV, same q) and measurement noise (same R), writes the confirmed tracks of every scan in
``mtt-bench-tracks/1`` (``--tracks-out``), scores them with GOSPA (c = 100 m, p = 1, α = 2 by
default) and — when ``stonesoup`` is installed (the ``bench`` extra: ``pip install -e .[bench]``)
— runs a Stone Soup tracker on the same scenario in this process and prints both
detections-per-second figures, their ratio and both mean GOSPAs. Scenario generator, GOSPA and
Stone Soup tracker are the repository's own (``benchmarks/mtt_harness.py``); ``--harness PATH``
runs the same comparison with the peer harness ``stonesoup_bench.py`` instead (same formats, same
scenarios for the same seed), an outside check.

Targets (issue): ≥ 100× Stone Soup's detections/s at 10, 100 and 1,000 targets with 10 and 100
clutter points per scan, with mean GOSPA no worse than Stone Soup's.

Timing: both trackers are timed over their scan loop only (Stone Soup: ``update_tracker``;
Tocsin: ``step`` plus reading the confirmed estimates), after the scenario has been converted to
each tracker's input (Stone Soup ``Detection`` objects; numpy arrays). Tocsin's figure is the
median of ``--repeat`` runs (its 10-target run takes tens of milliseconds), after an untimed
warm-up on the first scans that loads its compiled (numba, cached) kernels — the counterpart of
Stone Soup's imports; Stone Soup runs once.

Tocsin's configuration (the choices, documented; all from the scenario's parameters):

* motion ``NearlyConstantVelocity(q)`` and measurement ``CartesianPosition(R)`` — the scenario's;
* gate: chi-square, P_G = 0.9999 (γ = 21.1 for 3-D), k-d tree pre-gate above 4,096 pairs;
* association: GNN (2-D assignment on d², cost of a miss = γ), clusters solved separately;
* initiation: two-point differencing, per-axis speed gate |Δz_a| ≤ v_max·Δt + 3σ_a with
  v_max = max_speed + 3·sqrt(q·steps·dt) (the scenario's initial speed bound plus 3σ of the
  velocity random walk over the run), seeds kept for one scan;
* confirmation M-of-N (default 2 of 3): the two-point track is confirmed at once where false
  two-point pairs are rare (they are: the gate volume times the clutter density is ~1e-3 per
  seed), which reports each target one scan earlier than Stone Soup's 3-point initiator;
* deletion: a tentative track after 1 miss, a confirmed one after 5 consecutive misses (with
  P_D = 0.9 a real target loses its track that way once in 10⁵ scans), or when its position
  standard deviation exceeds 10 measurement σ per axis (trace > 300σ²; not reached here); a
  confirmed track with fewer than 3 hits (a two-point track) is deleted after 1 miss like a
  tentative one — a clutter pair that slipped through lives one scan.

Usage (from the repository root)::

    .venv/bin/python benchmarks/mtt_vs_stonesoup.py --scenario-in scen.json --tracks-out ours.json
    .venv/bin/python benchmarks/mtt_vs_stonesoup.py --generate --targets 100 --clutter-rate 10 \\
        --steps 100 --seed 1 --scenario-out scen100.json
    .venv/bin/python benchmarks/mtt_vs_stonesoup.py --matrix --stonesoup-max-targets 100

``--harness PATH`` (or ``$TOCSIN_MTT_HARNESS``) imports an outside harness by path.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HARNESS_DEFAULT = os.environ.get("TOCSIN_MTT_HARNESS")
OWN_HARNESS = Path(__file__).resolve().parent / "mtt_harness.py"
FORMAT_TRACKS = "mtt-bench-tracks/1"
POS_IDX = (0, 2, 4)


def load_harness(path: str | None) -> ModuleType:
    """The repository's harness (``path`` None), or an outside one imported from its file."""
    if path is not None and not Path(path).is_file():
        sys.exit(f"--harness: {path!r} does not exist")
    name = "mtt_harness" if path is None else "stonesoup_bench"
    spec = importlib.util.spec_from_file_location(name, path or OWN_HARNESS)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def scenario_arrays(scen: dict[str, Any]) -> tuple[list[tuple[float, np.ndarray]], np.ndarray]:
    """Per scan (t_s, z (k, 3)) and R (3, 3) — only what a tracker may read."""
    scans = [(float(s["t"]), np.asarray(s["detections"], dtype=float).reshape(-1, 3))
             for s in scen["scans"]]
    return scans, np.asarray(scen["measurement_noise_covariance"], dtype=float)


def build_tracker(params: dict[str, Any], R: np.ndarray, opts: argparse.Namespace) -> Any:
    """Tocsin's tracker configured for the scenario (see the module docstring)."""
    from tocsin.tracking.association import GlobalNearestNeighbour, JointProbabilisticDA
    from tocsin.tracking.gating import MahalanobisGater
    from tocsin.tracking.kalman import CartesianPosition, KalmanUpdater, NearlyConstantVelocity
    from tocsin.tracking.management import MissCovarianceDeleter, TwoPointInitiator
    from tocsin.tracking.tracker import MultiTargetTracker

    dt, q, steps = float(params["dt"]), float(params["q"]), int(params["steps"])
    v_max = float(params["max_speed"]) + 3.0 * math.sqrt(q * steps * dt)
    var = float(np.max(np.diag(R)))
    associator: Any
    if opts.associator == "jpda":
        lo, hi = np.asarray(params["volume_min"]), np.asarray(params["volume_max"])
        density = max(float(params["clutter_rate"]), 1e-3) / float(np.prod(hi - lo))
        associator = JointProbabilisticDA(pd=float(params["pd"]), clutter_density=density,
                                          gate_probability=opts.gate_probability)
    else:
        associator = GlobalNearestNeighbour()
    return MultiTargetTracker(
        motion=NearlyConstantVelocity(q),
        measurement=CartesianPosition(R),
        gater=MahalanobisGater(probability=opts.gate_probability),
        associator=associator,
        updater=KalmanUpdater(),
        initiator=TwoPointInitiator(max_speed_m_s=v_max, per_axis=True,
                                    seed_scans=opts.seed_scans, confirm_m=opts.confirm_m,
                                    confirm_n=opts.confirm_n),
        deleter=MissCovarianceDeleter(tentative_misses=1, confirmed_misses=opts.max_misses,
                                      young_hits=opts.young_hits,
                                      max_position_trace_m2=3 * 100 * var),  # σ_pos > 10 σ
    )


def run_tocsin(scen: dict[str, Any], opts: argparse.Namespace
               ) -> tuple[list[dict[str, Any]], float]:
    """Our tracker over the scenario: per-scan estimates and the scan-loop wall time (s)."""
    scans, R = scenario_arrays(scen)
    Rk = [np.broadcast_to(R, (z.shape[0], 3, 3)) for _, z in scans]
    warm = build_tracker(scen["params"], R, opts)        # load the compiled kernels, untimed
    for (t, z), Rz in list(zip(scans, Rk, strict=True))[:5]:
        warm.step(t, z, Rz)
        warm.estimates()
    walls, out = [], []
    for _ in range(max(1, opts.repeat)):
        tracker = build_tracker(scen["params"], R, opts)
        est = []
        t0 = time.perf_counter()
        for (t, z), Rz in zip(scans, Rk, strict=True):
            tracker.step(t, z, Rz)
            e = tracker.estimates()
            est.append((e.ids, e.x[:, POS_IDX]))
        walls.append(time.perf_counter() - t0)
        out = est
    return ([{"track_ids": ids.tolist(), "positions": pos.tolist()} for ids, pos in out],
            statistics.median(walls))


def stonesoup_options() -> argparse.Namespace:
    """The peer harness's default Stone Soup configuration (its CLI defaults)."""
    return argparse.Namespace(filter="kf", filter_q=None, associator="gnn2d",
                              kd_max_distance=1000.0, gate=3.0, min_points=3,
                              deleter_factor=2.0)


def have_stonesoup() -> bool:
    return importlib.util.find_spec("stonesoup") is not None


def run_case(h: ModuleType, scen: dict[str, Any], opts: argparse.Namespace,
             run_ss: bool) -> dict[str, Any]:
    """Run both trackers on one scenario; returns the figures."""
    p = scen["params"]
    n_det = sum(len(s["detections"]) for s in scen["scans"])
    res: dict[str, Any] = {"targets": p["targets"], "clutter_rate": p["clutter_rate"],
                           "steps": p["steps"], "seed": p["seed"], "n_detections": n_det}
    est, wall = run_tocsin(scen, opts)
    by_k = {s["k"]: e["positions"] for s, e in zip(scen["scans"], est, strict=True)}
    g, _ = h.gospa_scores(scen, by_k, opts.gospa_c, opts.gospa_p, impl="numpy")
    res.update(tocsin_wall_s=wall, tocsin_det_per_s=n_det / wall,
               tocsin_gospa=g["mean_distance"], tocsin_gospa_parts={
                   k: round(g[f"mean_{k}"], 3) for k in ("localisation", "missed", "false")})
    if opts.tracks_out:
        with open(opts.tracks_out, "w") as fh:
            json.dump({"format": FORMAT_TRACKS, "tracker": "tocsin.MultiTargetTracker",
                       "scans": [{"k": s["k"], **e}
                                 for s, e in zip(scen["scans"], est, strict=True)]}, fh)
    if run_ss:
        if getattr(h, "StoneSoupOptions", None) is not None:       # the repository's harness
            ss_est, step_times = h.run_stonesoup(scen, h.StoneSoupOptions())
        else:                                                        # the peer harness
            ss_est, step_times, _, _ = h.run_stonesoup(scen, stonesoup_options())
        ss_wall = float(sum(step_times))
        ss_by_k = {s["k"]: e["positions"] for s, e in zip(scen["scans"], ss_est, strict=True)}
        gs, _ = h.gospa_scores(scen, ss_by_k, opts.gospa_c, opts.gospa_p, impl="numpy")
        res.update(stonesoup_wall_s=ss_wall, stonesoup_det_per_s=n_det / ss_wall,
                   stonesoup_gospa=gs["mean_distance"], stonesoup_gospa_parts={
                       k: round(gs[f"mean_{k}"], 3) for k in ("localisation", "missed", "false")},
                   speed_ratio=(n_det / wall) / (n_det / ss_wall))
        res["meets_speed"] = res["speed_ratio"] >= 100.0
        res["meets_gospa"] = res["tocsin_gospa"] <= res["stonesoup_gospa"]
    else:
        res["stonesoup"] = (
            "skipped: --no-stonesoup" if opts.no_stonesoup else
            "skipped: stonesoup not installed (pip install -e .[bench])"
            if not have_stonesoup() else
            f"skipped: targets > --stonesoup-max-targets ({opts.stonesoup_max_targets})")
    return res


def print_row(r: dict[str, Any]) -> None:
    ss = "stonesoup_det_per_s" in r
    print(f"{r['targets']:>6} {r['clutter_rate']:>7g} {r['n_detections']:>8} "
          f"{r['tocsin_det_per_s']:>12.0f} "
          + (f"{r['stonesoup_det_per_s']:>10.1f} {r['speed_ratio']:>8.0f}x " if ss
             else f"{'-':>10} {'-':>9} ")
          + f"{r['tocsin_gospa']:>10.2f} "
          + (f"{r['stonesoup_gospa']:>10.2f}" if ss else f"{'-':>10}  ({r['stonesoup']})"),
          flush=True)


HEADER = (f"{'tgts':>6} {'clutter':>7} {'dets':>8} {'tocsin det/s':>12} {'SS det/s':>10} "
          f"{'ratio':>9} {'tocsin GOSPA':>10} {'SS GOSPA':>10}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--harness", default=HARNESS_DEFAULT,
                    help="an outside harness (stonesoup_bench.py) instead of mtt_harness.py")
    ap.add_argument("--scenario-in", help="mtt-bench-scenario/1 file (.json or .npz)")
    ap.add_argument("--tracks-out", help="write our per-scan tracks (mtt-bench-tracks/1)")
    ap.add_argument("--generate", action="store_true",
                    help="generate the scenario with the harness instead of reading one")
    ap.add_argument("--targets", type=int, default=10)
    ap.add_argument("--clutter-rate", type=float, default=10.0)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scenario-out", help="with --generate: also save the scenario here")
    ap.add_argument("--matrix", action="store_true",
                    help="run 10/100/1000 targets x clutter 10/100 (generated, --seed/--steps)")
    ap.add_argument("--matrix-targets", default="10,100,1000")
    ap.add_argument("--matrix-clutter", default="10,100")
    ap.add_argument("--stonesoup-max-targets", type=int, default=100,
                    help="skip Stone Soup above this many targets (it takes many minutes)")
    ap.add_argument("--no-stonesoup", action="store_true", help="run and score ours only")
    ap.add_argument("--repeat", type=int, default=3, help="our runs; median wall time")
    ap.add_argument("--gospa-c", type=float, default=100.0)
    ap.add_argument("--gospa-p", type=float, default=1.0)
    ap.add_argument("--json-out", help="append one JSON line per case to this file")
    t = ap.add_argument_group("Tocsin tracker")
    t.add_argument("--associator", choices=["gnn", "jpda"], default="gnn")
    t.add_argument("--gate-probability", type=float, default=0.9999)
    t.add_argument("--confirm-m", type=int, default=2)
    t.add_argument("--confirm-n", type=int, default=3)
    t.add_argument("--seed-scans", type=int, default=1)
    t.add_argument("--max-misses", type=int, default=5)
    t.add_argument("--young-hits", type=int, default=3)
    opts = ap.parse_args(argv)

    h = load_harness(opts.harness)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    if opts.matrix:
        cases = [(int(n), float(c)) for n in opts.matrix_targets.split(",")
                 for c in opts.matrix_clutter.split(",")]
        opts.tracks_out = None
    elif opts.scenario_in or opts.generate:
        cases = [(opts.targets, opts.clutter_rate)]
    else:
        ap.error("give --scenario-in FILE, --generate or --matrix")
    print(HEADER, flush=True)
    for n, c in cases:
        if opts.scenario_in and not opts.matrix:
            scen = h.load_scenario(opts.scenario_in)
        else:
            scen = h.generate_scenario(n, opts.steps, seed=opts.seed, clutter_rate=c)
            if opts.scenario_out and not opts.matrix:
                h.save_scenario(scen, opts.scenario_out)
        run_ss = (not opts.no_stonesoup and have_stonesoup()
                  and scen["params"]["targets"] <= opts.stonesoup_max_targets)
        r = run_case(h, scen, opts, run_ss)
        print_row(r)
        if opts.json_out:
            with open(opts.json_out, "a") as fh:
                fh.write(json.dumps(r) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
