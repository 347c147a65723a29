"""Tracking benchmark (issue 7): speed and honest track scores over a list of scenarios.

For each scenario and partner: the partner tracker's wall time, confirmed tracks per (object,
partner) pair the partner detected (target ≤ 1.05), the lowest purity, swaps, false tracks, the
latency from the partner's first detection to a confirmed track (s and revisits/frames; median and
max), the median position RMSE and the mean NEES per truth phase against its 95% band — the scores
of :mod:`tocsin.scenario.evaluate` (definitions in docs/tracking.md).

Default scenarios: the examples in scenarios/ (two-partners, regional-mrbm, norwegian-rocket-1995,
false-alarm-1983, salvo-5, salvo-5-tight, five-radars, quiet-hour) and the 100-launch, 30-sensor
scenario of bench_sensing.py (``scenario_text(100, 11)``; aiming it takes ~20 s).

    python benchmarks/bench_tracking.py [--scenario PATH ...] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["two-partners", "regional-mrbm", "norwegian-rocket-1995", "false-alarm-1983",
            "salvo-5", "salvo-5-tight", "five-radars", "quiet-hour"]
BENCH_100 = "sensing-benchmark-100"


def _stat(values: list[float], f: Any) -> float | None:
    v = [x for x in values if math.isfinite(x)]
    return float(f(v)) if v else None


def _pooled_nees(objects: list[Any], attr: str, dof: int) -> dict[str, dict[str, Any]]:
    """Mean NEES per phase over every scored state of the partner, with the band of that mean."""
    from tocsin.scenario.scoring import nees_band

    acc: dict[str, list[float]] = {}
    for o in objects:
        for ph, s in getattr(o, attr).items():
            a = acc.setdefault(ph, [0.0, 0.0])
            a[0] += s.mean * s.n
            a[1] += s.n
    out = {}
    for ph, (tot, n) in acc.items():
        lo, hi = nees_band(int(n), dof)
        mean = tot / n
        out[ph] = {"mean": mean, "n": int(n), "band_95": [lo, hi], "inside": lo <= mean <= hi}
    return out


def bench_one(name: str, sc: Any) -> dict[str, Any]:
    """Run one scenario and score it: {scenario, timings_s, partners: {partner: scores}}."""
    from tocsin.scenario.evaluate import score_run
    from tocsin.scenario.runner import run_scenario

    res = run_scenario(sc)         # partners in parallel: timings_s["track"] is the wall time
    times = {p: pt.process_s for p, pt in res.trackers.items()}
    t0 = time.perf_counter()
    scores = score_run(res)
    t_score = time.perf_counter() - t0
    partners = {}
    for p, ps in scores.items():
        det = [o for o in ps.objects if o.detected]
        lat = [o.latency_s for o in det]
        rev = [o.latency_revisits for o in det]
        partners[p] = {
            "track_s": times.get(p, math.nan),
            "objects_detected": len(det),
            "objects_with_confirmed_track": sum(1 for o in det if o.track_ids),
            "confirmed_tracks": len(ps.confirmed_tracks),
            "confirmed_per_object": ps.confirmed_per_detected_object if det else None,
            "purity_min": _stat([o.purity_min for o in det], min),
            "swaps": sum(o.swaps for o in ps.objects),
            "false_tracks": len(ps.false_tracks),
            "ghost_tracks": len(ps.ghost_tracks),
            "latency_s_median": _stat(lat, np.median), "latency_s_max": _stat(lat, max),
            "latency_revisits_median": _stat(rev, np.median),
            "latency_revisits_max": _stat(rev, max),
            "rmse_m_median": _stat([o.position_rmse_m for o in det], np.median),
            "nees": _pooled_nees(det, "nees", 6),
            "nees_position": _pooled_nees(det, "nees_position", 3),
            "nees_velocity": _pooled_nees(det, "nees_velocity", 3),
        }
    return {"scenario": name, "objects": res.truth.n_objects, "detections": len(res.detections),
            "timings_s": {**res.timings_s, "score": t_score}, "partners": partners}


def _load(spec: str) -> tuple[str, Any]:
    from tocsin.scenario.loader import load_scenario, parse_scenario

    if spec == BENCH_100:
        from bench_sensing import scenario_text

        return spec, parse_scenario(scenario_text(100, 11), source=spec)
    return Path(spec).stem, load_scenario(spec)


def _f(x: float | None, fmt: str) -> str:
    return "—" if x is None or not math.isfinite(x) else format(x, fmt)


def _print(r: dict[str, Any]) -> None:
    tm = r["timings_s"]
    print(f"{r['scenario']}: {r['objects']} objects, {r['detections']:,} detections; aim "
          f"{tm['aim']:.1f} s, sense {tm['sense']:.2f} s, track {tm['track']:.2f} s, "
          f"score {tm['score']:.2f} s")
    for p, s in r["partners"].items():
        print(f"  {p}: track {s['track_s']:.2f} s; {s['objects_with_confirmed_track']}/"
              f"{s['objects_detected']} detected objects with a confirmed track; "
              f"{_f(s['confirmed_per_object'], '.2f')} confirmed tracks per object (≤ 1.05); "
              f"purity min {_f(s['purity_min'], '.3f')}; {s['swaps']} swaps; "
              f"{s['false_tracks']} false tracks ({s['ghost_tracks']} IR ghosts)")
        print(f"     latency median/max {_f(s['latency_s_median'], '.0f')}/"
              f"{_f(s['latency_s_max'], '.0f')} s = {_f(s['latency_revisits_median'], '.1f')}/"
              f"{_f(s['latency_revisits_max'], '.1f')} revisits; RMSE median "
              f"{_f(s['rmse_m_median'], ',.0f')} m")
        for ph, n in s["nees"].items():
            pos, vel = s["nees_position"].get(ph), s["nees_velocity"].get(ph)
            lo, hi = n["band_95"]
            print(f"     NEES {ph:<9} 6-D {n['mean']:8.2f}  band [{lo:.2f}, {hi:.2f}] "
                  f"{'ok ' if n['inside'] else 'OUT'} (n={n['n']:,}); position "
                  f"{_f(pos['mean'] if pos else None, '.2f')}, velocity "
                  f"{_f(vel['mean'] if vel else None, '.2f')} (3-D, expected 3)")


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    ap = argparse.ArgumentParser(description="Tocsin tracking benchmark (issue 7)")
    ap.add_argument("--scenario", action="append", metavar="PATH",
                    help=f"scenario file (repeatable; '{BENCH_100}' for the generated 100-launch "
                         "scenario); default: the examples and the 100-launch scenario")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    specs = args.scenario or [str(ROOT / "scenarios" / f"{n}.yaml") for n in EXAMPLES] + [
        BENCH_100]
    out = []
    if not args.json:
        print("Tracking (issue 7): per scenario and partner, scores from the truth after the run")
    for spec in specs:
        name, sc = _load(spec)
        r = bench_one(name, sc)
        out.append(r)
        if not args.json:
            _print(r)
    if args.json:
        print(json.dumps(out, indent=2, default=float))
    return out


if __name__ == "__main__":
    main()
