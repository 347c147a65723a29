"""Sensing benchmark (issue 3): one tick of 1,000 objects × 40 sensors, and a 40-minute, 1 Hz
scenario with 100 launches and 30 sensors.

Prints wall times and the ratio of simulated to wall time. Target: the 40-minute scenario's
sensing (every sensor observing the truth: geometry, detection, noise, false alarms) in under
5 s on 2 cores. Aiming and flying the launches are timed and reported separately.

    python benchmarks/bench_sensing.py [--launches 100] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time

import numpy as np


def scenario_text(n_launches: int, seed: int, duration_s: float = 2400.0) -> str:
    """A generic two-partner scenario: 10 IR satellites and 20 radars (30 sensors), 1 Hz."""
    rng = np.random.default_rng(seed)
    lines = ["name: sensing benchmark", "epoch: 2026-11-29T12:00:00Z",
             f"duration_s: {duration_s}", "time_step_s: 1", f"seed: {seed}",
             "partners: [{id: north}, {id: south}]", "satellites:"]
    for i, lon in enumerate(np.linspace(-180, 180, 7)[:-1]):
        lines.append(f"  - {{id: geo-{i}, owner: {'north' if i % 2 else 'south'}, "
                     f"orbit: {{kind: geo, lon_deg: {lon:.1f}}}, sensor: {{frame_period_s: 1}}}}")
    for i, lon in enumerate((-100.0, -10.0, 80.0, 170.0)):
        lines.append(f"  - {{id: heo-{i}, owner: north, orbit: {{kind: molniya, "
                     f"apogee_lon_deg: {lon}}}, sensor: {{frame_period_s: 1, mode: both}}}}")
    lines.append("radars:")
    for i in range(20):
        lat, lon, az = rng.uniform(-50, 70), rng.uniform(-180, 180), rng.uniform(0, 360)
        lines.append(f"  - {{id: radar-{i}, owner: {'north' if i % 2 else 'south'}, site: "
                     f"{{lat_deg: {lat:.2f}, lon_deg: {lon:.2f}}}, faces: [{{azimuth_deg: "
                     f"{az:.1f}}}, {{azimuth_deg: {(az + 120) % 360:.1f}}}], revisit_s: 1, "
                     f"max_range_km: 5000, clutter_per_scan: 0.2}}")
    lines.append("launches:")
    from tocsin.earth.geodesic import geodesic_direct

    for i in range(n_launches):
        lat, lon = rng.uniform(-40, 60), rng.uniform(-180, 180)
        vehicle, rng_km = [("icbm-solid-3", 8000), ("slbm-solid-3", 6000), ("irbm-2", 3000),
                           ("mrbm-1", 1000)][i % 4]
        la, lo, _ = geodesic_direct(math.radians(lat), math.radians(lon),
                                    rng.uniform(0, 2 * math.pi), rng_km * 1e3)
        lines.append(f"  - {{id: L{i}, vehicle: {vehicle}, launch: {{lat_deg: {lat:.3f}, "
                     f"lon_deg: {lon:.3f}}}, target: {{lat_deg: {math.degrees(la):.3f}, "
                     f"lon_deg: {math.degrees(lo):.3f}}}, time_s: {rng.uniform(0, 300):.1f}}}")
    return "\n".join(lines) + "\n"


def tick(n_obj: int, n_radar: int, n_ir: int, seed: int) -> float:
    """Wall time of one observation tick of n_obj objects by the sensors (median of 5)."""
    from tocsin.earth.frames import EarthFrame
    from tocsin.earth.wgs84 import geodetic_to_ecef
    from tocsin.flight.orbits import ElementsBatch, KeplerianElements, satellite_states_ecef
    from tocsin.sensors import infrared as irm
    from tocsin.sensors import radar as rdm
    from tocsin.sensors.truth import TruthTable

    rng = np.random.default_rng(seed)
    lat = np.radians(rng.uniform(-60, 70, n_obj))
    lon = np.radians(rng.uniform(-180, 180, n_obj))
    alt = rng.uniform(15e3, 1200e3, n_obj)
    r = geodetic_to_ecef(lat, lon, alt)[:, None, :]
    v = rng.normal(0, 3000, (n_obj, 1, 3))
    truth = TruthTable(np.array([0.0]), tuple(f"o{i}" for i in range(n_obj)), r, v,
                       np.full((n_obj, 1), 2, np.int8), rng.random((n_obj, 1)) < 0.3,
                       np.full((n_obj, 1), 1.0), np.full((n_obj, 1), 5e5))
    radars = [rdm.Radar.early_warning(f"r{i}", "p", math.radians(rng.uniform(-50, 70)),
                                      math.radians(rng.uniform(-180, 180)),
                                      math.radians(rng.uniform(0, 360)), clutter_per_scan=0.2)
              for i in range(n_radar)]
    from datetime import UTC, datetime

    frame = EarthFrame(datetime(2026, 11, 29, 12, tzinfo=UTC))
    els = ElementsBatch.from_elements([KeplerianElements.geo(math.radians(x), frame)
                                       for x in np.linspace(-180, 180, n_ir, endpoint=False)])
    sat_r, sat_v = satellite_states_ecef(els, frame, np.array([0.0]))
    irs = [irm.InfraredSensor(id=f"ir{i}", partner="p", frame_period_s=1.0) for i in range(n_ir)]
    times = []
    for rep in range(6):
        gen = np.random.default_rng(rep)
        t0 = time.perf_counter()
        for k, rd in enumerate(radars):
            rdm.radar_observe(rd, k, truth, gen)
        for k, s in enumerate(irs):
            irm.ir_observe(s, n_radar + k, sat_r[k], sat_v[k], truth, gen)
        times.append(time.perf_counter() - t0)
    return float(np.median(times[1:]))


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description="Tocsin sensing benchmark (issue 3)")
    ap.add_argument("--launches", type=int, default=100)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from tocsin.scenario.loader import parse_scenario
    from tocsin.scenario.runner import run_scenario

    t_tick = tick(1000, 20, 20, args.seed)
    sc = parse_scenario(scenario_text(args.launches, args.seed), source="benchmark")
    res = run_scenario(sc)
    tm = res.timings_s
    out = {
        "cores": os.cpu_count(),
        "tick_1000_objects_40_sensors_s": t_tick,
        "scenario_duration_s": sc.duration_s,
        "launches": args.launches,
        "sensors": len(res.sensors.infos),
        "detections": len(res.detections),
        "aim_s": tm["aim"], "fly_s": tm["fly"], "sense_s": tm["sense"],
        "track_s": tm.get("track", float("nan")),
        "sense_simulated_to_wall": sc.duration_s / tm["sense"],
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print("Sensing (issue 3)")
        print(f"  one tick, 1,000 objects × 40 sensors (20 radars, 20 IR): {t_tick * 1e3:.1f} ms")
        print(f"  40-min 1 Hz scenario, {args.launches} launches, {out['sensors']} sensors, "
              f"{len(res.detections):,} detections:")
        print(f"    sensing {tm['sense']:.2f} s  (target < 5 s) — simulated/wall "
              f"{out['sense_simulated_to_wall']:,.0f}×")
        print(f"    aiming {tm['aim']:.1f} s, flying {tm['fly']:.2f} s, tracking "
              f"{tm.get('track', float('nan')):.2f} s (wall, partners in parallel; apart)")
    return out


if __name__ == "__main__":
    main()
