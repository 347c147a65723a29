"""What a scenario asks of the machine, estimated from the validated file before anything is
allocated, and refused when it is out of bounds.

The estimate counts what the runner will build: the common time grid (the run's ``time_step_s``
grid joined with every sensor's frames and scans), the truth (objects × grid samples), and the
expected number of false detections (clutter per radar face and scan, random infrared false
alarms per frame) — the knobs a file can turn without bound; true reports (at most one per object
per sensor instant, in practice a few hundred per object) grow with the objects, whose truth is
bounded. A scenario over a limit is
refused with one line naming the field that drives the estimate, its value, the estimate and the
limit — never a MemoryError, never the operating system killing the process.

The limits are sized for the stated memory budget of a run, :data:`MEMORY_BUDGET_BYTES` (2 GiB):
truth ≤ ½ of it, detections ≤ ¼. A 1,000-launch, 30-sensor, 40-minute scenario at 1 s frames needs
~0.2 GB of truth and passes with room.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tocsin.errors import InputError
from tocsin.scenario.schema import Scenario

__all__ = ["MEMORY_BUDGET_BYTES", "MAX_GRID_SAMPLES", "MAX_FALSE_DETECTIONS",
           "TRUTH_BYTES_PER_SAMPLE",
           "DETECTION_BYTES", "Estimate", "estimate", "check_budget"]

MEMORY_BUDGET_BYTES: int = 2 * 2**30
"""The memory a run may use (the 1,000-launch scenario runs within it)."""
MAX_GRID_SAMPLES: int = 1_000_000
"""Most samples in the common time grid (6 h at 0.05 s steps is 432,000)."""
MAX_FALSE_DETECTIONS: int = 500_000
"""Most expected false detections in a run. Memory is not the limit (~150 MB of rows); the
tracker's time is: each false report is gated and may seed tracks, ~0.1–0.2 ms each on one core
(192,000 false plots track in ~30 s)."""
TRUTH_BYTES_PER_SAMPLE: int = 66
"""r, v (6 float64), phase and burning (2 bytes), RCS and IR intensity (2 float64)."""
DETECTION_BYTES: int = 300
"""One detection row: time, sensor, kind, z (4), dim, R (4×4), SNR, sensor position and frame,
truth id — about 290 bytes."""
IR_FRAME_DEFAULT_S: float = 10.0
"""The infrared frame period when the file gives none (the model's default)."""
IR_FALSE_ALARMS_DEFAULT: float = 0.1
"""Random infrared false alarms per frame when the file gives none (the model's default)."""


@dataclass(frozen=True)
class Estimate:
    """The work a scenario asks for (counts, and bytes of the big arrays)."""

    grid_samples: int
    objects: int
    truth_bytes: int
    expected_false_detections: float
    false_detection_bytes: float
    max_true_detections: float
    sensor_instants: int


def _instants(duration_s: float, period_s: float) -> float:
    return duration_s / period_s + 1.0


def _grid_size(duration_s: float, periods: set[float]) -> float:
    """Samples in the union of the grids k·p (p in ``periods``) over [0, duration_s]: exact
    (as the runner builds it) when the grids are small, else the sum of their sizes, an upper
    bound that is allocated nowhere."""
    upper = sum(_instants(duration_s, p) for p in periods)
    if upper > 4 * MAX_GRID_SAMPLES:
        return upper
    parts = [np.append(np.arange(0.0, duration_s, p), duration_s) for p in sorted(periods)]
    return float(np.unique(np.round(np.concatenate(parts), 9)).size)


def estimate(sc: Scenario) -> Estimate:
    """The estimate of :mod:`tocsin.scenario.budget` for ``sc`` (allocates only when the time
    grids are small enough to count exactly)."""
    d = sc.duration_s
    periods = {sc.time_step_s} | {s.sensor.frame_period_s for s in sc.satellites} | {
        r.revisit_s for r in sc.radars}
    grid = _grid_size(d, periods)
    instants = 0.0
    false = 0.0
    for s in sc.satellites:
        frames = _instants(d, s.sensor.frame_period_s)
        instants += frames
        fa = s.sensor.false_alarms_per_frame
        false += frames * (IR_FALSE_ALARMS_DEFAULT if fa is None else fa)
    for r in sc.radars:
        scans = _instants(d, r.revisit_s)
        instants += scans
        false += scans * len(r.faces) * (r.clutter_per_scan or 0.0)
    objects = len(sc.launches) + sum(1 for b in sc.background
                                     if b.kind in ("space-launch", "sounding-rocket"))
    true = objects * instants
    n_grid = int(min(grid, 1e18))
    return Estimate(grid_samples=n_grid, objects=objects,
                    truth_bytes=int(min(objects * grid * TRUTH_BYTES_PER_SAMPLE, 1e18)),
                    expected_false_detections=false,
                    false_detection_bytes=false * DETECTION_BYTES, max_true_detections=true,
                    sensor_instants=int(min(instants, 1e18)))


def _driver(sc: Scenario) -> tuple[str, float]:
    """The field whose value drives the time grid hardest: the shortest step or period."""
    cands = [("time_step_s", sc.time_step_s)]
    cands += [(f"satellites[{i}].sensor.frame_period_s", s.sensor.frame_period_s)
              for i, s in enumerate(sc.satellites)]
    cands += [(f"radars[{i}].revisit_s", r.revisit_s) for i, r in enumerate(sc.radars)]
    return min(cands, key=lambda c: c[1])


def _false_driver(sc: Scenario) -> tuple[str, float]:
    """The field that contributes most expected false detections."""
    d = sc.duration_s
    cands: list[tuple[float, str, float]] = [(0.0, "duration_s", d)]
    for i, s in enumerate(sc.satellites):
        fa = s.sensor.false_alarms_per_frame
        fa = IR_FALSE_ALARMS_DEFAULT if fa is None else fa
        cands.append((_instants(d, s.sensor.frame_period_s) * fa,
                      f"satellites[{i}].sensor.false_alarms_per_frame", fa))
    for i, r in enumerate(sc.radars):
        c = r.clutter_per_scan or 0.0
        cands.append((_instants(d, r.revisit_s) * len(r.faces) * c,
                      f"radars[{i}].clutter_per_scan", c))
    _, field, value = max(cands, key=lambda c: c[0])
    return field, value


def check_budget(sc: Scenario) -> Estimate:
    """The estimate, or an :class:`InputError` naming the field, the value, the estimate and
    the limit."""
    e = estimate(sc)
    if e.grid_samples > MAX_GRID_SAMPLES:
        field, value = _driver(sc)
        raise InputError(field, value, f"a step giving at most {MAX_GRID_SAMPLES:,} time samples",
                         hint=f"the run's time grid would hold ~{e.grid_samples:,.0f} samples")
    if e.truth_bytes > MEMORY_BUDGET_BYTES // 2:
        raise InputError("launches", f"{e.objects:,} objects × {e.grid_samples:,} samples",
                         f"a truth of at most {MEMORY_BUDGET_BYTES // 2 / 2**30:.1f} GiB",
                         hint=f"estimated {e.truth_bytes / 2**30:,.1f} GiB; shorten duration_s or "
                              "split the launches over several runs")
    if e.expected_false_detections > MAX_FALSE_DETECTIONS:
        field, value = _false_driver(sc)
        raise InputError(field, value,
                         f"at most {MAX_FALSE_DETECTIONS:,} expected false detections in the run",
                         hint=f"estimated {_count(e.expected_false_detections)}")
    return e


def _count(x: float) -> str:
    return f"{x:,.0f}" if math.isfinite(x) and x < 1e15 else f"{x:.3g}"
