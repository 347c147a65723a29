"""False-track soak (issue 7): many simulated hours of nothing but background, tracked as run.

Each hour is ``scenarios/quiet-hour.yaml`` — radar clutter, random infrared false alarms, a forest
fire, a gas flare and a 1983-like sun glint on high cloud — with its own seed and its epoch moved
on by one day per hour (the Sun, and so the glint geometry, changes). Every detection is false,
so every confirmed track is a false track. Prints the hours, detections, confirmed false tracks,
their rate per hour with a one-sided 95 % upper bound (Poisson; with no event it is 3.0/N h), the
tentative tracks the trackers started and the wall time.

    python benchmarks/bench_soak.py [--hours 100] [--workers 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "quiet-hour.yaml"


def one_hour(i: int) -> dict[str, Any]:
    """Run hour ``i`` and count its tracks (confirmed ones are false by construction)."""
    import numpy as np

    from tocsin.scenario.loader import load_scenario
    from tocsin.scenario.runner import run_scenario

    sc = load_scenario(SCENARIO)
    sc = sc.model_copy(update={"seed": 10_000 + i, "epoch": sc.epoch + timedelta(days=i)})
    t0 = time.perf_counter()
    res = run_scenario(sc)
    wall = time.perf_counter() - t0
    confirmed, tentative = 0, 0
    for pt in res.trackers.values():
        st = pt.log.arrays()
        ids = np.unique(st["track_id"])
        conf = np.unique(st["track_id"][st["status"] == 1])
        confirmed += conf.size
        tentative += ids.size - conf.size
    return {"hour": i, "detections": len(res.detections), "confirmed": confirmed,
            "tentative": tentative, "wall_s": wall}


def poisson_upper(k: int, level: float = 0.95) -> float:
    """One-sided upper confidence bound on a Poisson mean after k events (Garwood 1936)."""
    from scipy.stats import chi2

    return float(chi2.ppf(level, 2 * (k + 1)) / 2.0)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description="Tocsin false-track soak (issue 7)")
    ap.add_argument("--hours", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        hours = list(pool.map(one_hour, range(args.hours)))
    wall = time.perf_counter() - t0
    k = sum(h["confirmed"] for h in hours)
    out = {"hours": args.hours, "detections": sum(h["detections"] for h in hours),
           "confirmed_false_tracks": k, "rate_per_hour": k / args.hours,
           "rate_upper95_per_hour": poisson_upper(k) / args.hours,
           "tentative_tracks": sum(h["tentative"] for h in hours),
           "hours_with_false_tracks": [h["hour"] for h in hours if h["confirmed"]],
           "wall_s": wall, "workers": args.workers}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"False-track soak: {args.hours} simulated hours of background "
              f"({out['detections']:,} false detections), {wall:.0f} s wall on "
              f"{args.workers} workers")
        print(f"  confirmed false tracks: {k} — rate {out['rate_per_hour']:.3g}/h, "
              f"95 % upper bound {out['rate_upper95_per_hour']:.3g}/h "
              f"(one per {1 / out['rate_upper95_per_hour']:.0f} h at worst)")
        print(f"  tentative tracks started (never confirmed): {out['tentative_tracks']:,}")
        if out["hours_with_false_tracks"]:
            print(f"  hours with a false track: {out['hours_with_false_tracks']}")
    assert math.isfinite(out["rate_upper95_per_hour"])
    return out


if __name__ == "__main__":
    main()
