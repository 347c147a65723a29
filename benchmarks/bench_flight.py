"""Flight benchmark (issue 2): propagate 10,000 ICBM trajectories sampled every second.

Prints simulated vehicle-seconds per wall second (min / median / max over ``--repeat`` runs) and
per CPU-second of the process (times the threads: the rate on that many free cores — on a shared
machine other load divides the wall-clock figure, not this one), the position error of a few
trajectories against a tight SciPy reference (solve_ivp, DOP853, rtol 1e-10) and the speed ratio
against running that solve_ivp per trajectory — what a user would otherwise write — measured in
the same run; and the time to target one launch. Targets: ≥ 2×10⁷ vehicle-s/s on 2 cores, < 10 m
error, ≥ 1000× the per-trajectory solve_ivp baseline, targeting well under a second.

    python benchmarks/bench_flight.py [--n 10000] [--reference 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time

import numba
import numpy as np


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="trajectories (default 10,000)")
    ap.add_argument("--reference", type=int, default=5, help="trajectories checked with DOP853")
    ap.add_argument("--rtol", type=float, default=1e-9, help="kernel tolerance (default 1e-9)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeat", type=int, default=7,
                    help="timed runs after the first (min / median / max reported)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from tocsin.earth.model import EarthModel
    from tocsin.flight import LaunchBatch, LaunchPlan, get_vehicle, propagate
    from tocsin.flight.reference import reference_flight
    from tocsin.flight.targeting import aim_ballistic

    v = get_vehicle("icbm-solid-3")
    rng = np.random.default_rng(args.seed)
    n = args.n
    batch = LaunchBatch.of(
        v, lat_rad=np.radians(rng.uniform(-60, 60, n)),
        lon_rad=np.radians(rng.uniform(-180, 180, n)),
        azimuth_rad=rng.uniform(0, 2 * np.pi, n), pitch_rad=np.radians(rng.uniform(60, 80, n)),
        cutoff_s=rng.uniform(175, v.burn_time_s, n))
    t_s = np.arange(0.0, 3000.0, 1.0)  # every flight ends before 3,000 s
    propagate(LaunchBatch.of(v, lat_rad=0.5, lon_rad=0.5, azimuth_rad=[1.0] * 64, pitch_rad=1.2),
              t_s[:10], rtol=args.rtol)  # compile / load the kernel outside the timing
    # The first full-size run also pays for the operating system's first touch of ~1 GB of
    # sample arrays (seconds on a fresh VM); it is reported, and the best of the next runs —
    # which write into the same arrays — is timed.
    t0 = time.perf_counter()
    res = propagate(batch, t_s, rtol=args.rtol)
    first_wall = time.perf_counter() - t0
    walls, cpus = [], []
    load_before = os.getloadavg()[0]
    for _ in range(max(1, args.repeat)):  # steady state: the sample arrays are reused
        t0, c0 = time.perf_counter(), time.process_time()
        res = propagate(batch, t_s, rtol=args.rtol, out=res.samples)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    load_after = os.getloadavg()[0]
    wall = float(np.median(walls))
    s = res.summary
    veh_s = float(np.nansum(s.flight_time_s))
    rates = sorted(veh_s / w for w in walls)
    # Per CPU-second of this process (all its threads): what the kernel does with the time the
    # machine gives it — the figure that other load on a shared machine does not divide.
    cpu_rate = veh_s / float(np.median(cpus))
    threads = min(os.cpu_count() or 1, numba.get_num_threads())
    assert res.samples is not None

    # Accuracy and baseline: a few trajectories with SciPy DOP853 at rtol 1e-10.
    errs, ref_times = [], []
    assert s.impacted.all(), "every benchmark flight comes down within the sampled span"
    for k in rng.choice(n, size=args.reference, replace=False):
        plan = LaunchPlan(v, batch.lat_rad[k], batch.lon_rad[k], batch.azimuth_rad[k],
                          batch.pitch_rad[k], cutoff_s=batch.cutoff_s[k])
        tt = t_s[t_s <= s.flight_time_s[k]]
        t1 = time.perf_counter()
        r_ref, _, _ = reference_flight(plan, tt, earth=EarthModel(), rtol=1e-10)
        ref_times.append(time.perf_counter() - t1)
        d = np.linalg.norm(res.samples.r_ecef_m[k, : tt.size] - r_ref, axis=-1)
        errs.append(float(np.nanmax(d)))
    ref_per_traj = float(np.mean(ref_times))
    ours_per_traj = wall / n

    # Targeting: one launch, minimum energy, after a warm-up.
    r = math.radians
    aim_ballistic(v, r(40), r(-100), r(50), r(20))
    tt = []
    for lat_t, lon_t in [(48.9, 2.4), (55.8, 37.6), (21.3, -157.9), (19.4, -99.1)]:
        t1 = time.perf_counter()
        sol = aim_ballistic(v, r(40), r(-100), r(lat_t), r(lon_t))
        tt.append((time.perf_counter() - t1, sol.miss_distance_m))

    out = {
        "trajectories": n,
        "cores": os.cpu_count(),
        "wall_s": wall,
        "wall_s_runs": walls,
        "vehicle_seconds_per_s_min": rates[0],
        "vehicle_seconds_per_s_median": float(np.median(rates)),
        "vehicle_seconds_per_s_max": rates[-1],
        "vehicle_seconds_per_cpu_s": cpu_rate,
        "vehicle_seconds_per_s_on_free_cores": cpu_rate * threads,
        "threads": threads,
        "load_average_before_after": [load_before, load_after],
        "first_run_wall_s": first_wall,
        "vehicle_seconds": veh_s,
        "vehicle_seconds_per_s": veh_s / wall,
        "samples_per_trajectory": int(t_s.size),
        "mean_steps": float(s.n_steps.mean()),
        "max_position_error_m": max(errs),
        "reference_s_per_trajectory": ref_per_traj,
        "tocsin_s_per_trajectory": ours_per_traj,
        "speedup_vs_solve_ivp": ref_per_traj / ours_per_traj,
        "targeting_s": [t for t, _ in tt],
        "targeting_miss_m": [m for _, m in tt],
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print("Flight propagation (issue 2)")
        print(f"  {n:,} icbm-solid-3 trajectories, sampled every 1 s, {os.cpu_count()} cores")
        print(f"  {veh_s:,.0f} vehicle-seconds per run, {len(walls)} runs (arrays reused): "
              f"{rates[0]:.3g} / {np.median(rates):.3g} / {rates[-1]:.3g} vehicle-s/s "
              "min / median / max   (target ≥ 2e7)")
        print(f"  per CPU-second of this process: {cpu_rate:.3g} vehicle-s; × {threads} threads "
              f"= {cpu_rate * threads:.3g} vehicle-s/s on {threads} free cores   (load average "
              f"{load_before:.1f} → {load_after:.1f} on {os.cpu_count()} cores: other load divides "
              "the wall-clock figures, not this one)")
        print(f"  first run, including first touch of the sample memory: {first_wall:.2f} s "
              f"= {veh_s / first_wall:.3g} vehicle-s/s")
        print(f"  max position error vs DOP853 rtol 1e-10 ({args.reference} trajectories): "
              f"{max(errs):.2f} m   (target < 10 m)")
        print(f"  solve_ivp per trajectory {ref_per_traj * 1e3:.0f} ms, Tocsin "
              f"{ours_per_traj * 1e6:.0f} µs: {ref_per_traj / ours_per_traj:,.0f}×   "
              "(target ≥ 1000×)")
        print("  targeting one launch: " + ", ".join(f"{t:.2f} s (miss {m:.1f} m)" for t, m in tt))
    return out


if __name__ == "__main__":
    main()
