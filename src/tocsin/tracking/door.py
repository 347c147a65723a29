"""Bad data at the door: detections are checked before they touch a track.

A detection is rejected — counted with its reason, never silently dropped and never passed on —
when:

* its time is not finite, lies beyond the tracker's horizon (the run's clock: a report stamped
  t = 10¹² must not lock its sensor out), or goes backwards for its sensor;
* its sensor is not one the tracker knows, or its ``kind`` is neither infrared nor radar;
* its measurement dimension does not fit its kind (infrared 2: α, β; radar 4: range, azimuth,
  elevation, range rate) or its measurement holds NaN or infinite values;
* its measurement is physically impossible: radar range outside (0, 10⁸ m], azimuth outside
  [−2π, 2π], elevation outside [−π/2, π/2], |range rate| over 10⁵ m/s; infrared angles beyond
  ±π/2 from nadir;
* its sensor position or frame is not finite;
* its covariance holds NaN or infinite values, or is not symmetric positive definite. Symmetry is
  judged against the matrix's scale: |Rᵢⱼ − Rⱼᵢ| ≤ 10⁻⁹ √(Rᵢᵢ Rⱼⱼ), so rounding-level asymmetry
  (10⁻¹² relative) passes.

A batch whose columns do not have the shapes of a :class:`DetectionBatch` is refused whole, with
an :class:`~tocsin.errors.InputError` naming the column, before any row is looked at. Rejected
rows are kept (time, sensor, reason) for the run's summary; the accepted rows go on. The network
stage receives partners' messages through this same door.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields

import numpy as np

from tocsin.errors import InputError
from tocsin.sensors.detections import IR, RADAR, DetectionBatch

__all__ = ["REASONS", "Door", "Rejections", "check_batch_shapes"]

REASONS = ("non-finite measurement", "non-finite covariance", "covariance not positive definite",
           "time goes backwards", "unknown sensor", "bad measurement dimension",
           "non-finite time", "time beyond the horizon", "unknown kind",
           "measurement out of range", "non-finite sensor position")
(_Z_NONFINITE, _R_NONFINITE, _R_NOT_PD, _BACKWARDS, _UNKNOWN_SENSOR, _BAD_DIM, _T_NONFINITE,
 _T_FUTURE, _UNKNOWN_KIND, _Z_RANGE, _SENSOR_NONFINITE) = range(len(REASONS))

MAX_RANGE_M = 1e8
MAX_RANGE_RATE_M_S = 1e5

_SHAPES = {"t_s": (), "sensor": (), "kind": (), "z": (4,), "dim": (), "R": (4, 4), "snr_db": (),
           "sensor_r_ecef_m": (3,), "sensor_frame": (3, 3), "truth_id": ()}


def check_batch_shapes(det: DetectionBatch) -> None:
    """An :class:`InputError` naming the first column whose shape or type does not fit."""
    if not isinstance(det, DetectionBatch):
        raise InputError("detections", type(det).__name__, "a DetectionBatch")
    n = None
    for f in fields(det):
        a = getattr(det, f.name)
        tail = _SHAPES[f.name]
        if not isinstance(a, np.ndarray) or a.ndim != 1 + len(tail) or a.shape[1:] != tail:
            shape = getattr(a, "shape", type(a).__name__)
            raise InputError(f"detections.{f.name}", f"shape {shape}",
                             f"an array of shape (n{''.join(f', {d}' for d in tail)})")
        if n is None:
            n = a.shape[0]
        elif a.shape[0] != n:
            raise InputError(f"detections.{f.name}", f"{a.shape[0]} rows", f"{n} rows, as t_s")
        if a.dtype.kind not in "biuf":
            raise InputError(f"detections.{f.name}", f"dtype {a.dtype}", "a numeric array")


@dataclass
class Rejections:
    """What the door turned away: counts per reason, and (time, sensor, reason) of each row."""

    counts: Counter[str] = field(default_factory=Counter)
    rows: list[tuple[float, int, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> dict[str, int]:
        return {r: self.counts[r] for r in REASONS if self.counts[r]}


@dataclass
class Door:
    """Stateful gate for one tracker: knows its sensors, its horizon (latest time it will
    accept, s since the epoch) and each sensor's last accepted time."""

    known_sensors: frozenset[int]
    horizon_s: float = np.inf
    last_t_s: dict[int, float] = field(default_factory=dict)
    rejected: Rejections = field(default_factory=Rejections)

    def admit(self, det: DetectionBatch) -> DetectionBatch:
        """The rows of ``det`` that pass; the others are recorded in ``rejected``."""
        return det.take(self.admit_mask(det))

    def admit_mask(self, det: DetectionBatch) -> np.ndarray:
        """Boolean mask (n,) of the rows of ``det`` that pass; the others are recorded."""
        check_batch_shapes(det)
        n = len(det)
        reason = np.full(n, -1, np.int64)

        def mark(mask: np.ndarray, k: int) -> None:
            reason[(reason < 0) & mask] = k

        t = det.t_s.astype(np.float64)
        mark(~np.isfinite(t), _T_NONFINITE)
        with np.errstate(invalid="ignore"):
            mark(t > self.horizon_s, _T_FUTURE)
        known = np.isin(det.sensor, np.fromiter(self.known_sensors, np.int64,
                                                len(self.known_sensors)))
        mark(~known, _UNKNOWN_SENSOR)
        is_ir, is_radar = det.kind == IR, det.kind == RADAR
        mark(~(is_ir | is_radar), _UNKNOWN_KIND)
        mark((is_ir & (det.dim != 2)) | (is_radar & (det.dim != 4)), _BAD_DIM)
        dim = np.clip(det.dim.astype(np.int64), 0, 4)
        cols = np.arange(4)[None, :] < dim[:, None]
        z = det.z.astype(np.float64)
        mark(~np.all(np.isfinite(z) | ~cols, axis=1), _Z_NONFINITE)
        with np.errstate(invalid="ignore"):
            bad_radar = is_radar & ((z[:, 0] <= 0.0) | (z[:, 0] > MAX_RANGE_M)
                                    | (np.abs(z[:, 1]) > 2 * np.pi)
                                    | (np.abs(z[:, 2]) > np.pi / 2)
                                    | (np.abs(z[:, 3]) > MAX_RANGE_RATE_M_S))
            bad_ir = is_ir & ((np.abs(z[:, 0]) > np.pi / 2) | (np.abs(z[:, 1]) > np.pi / 2))
        mark(bad_radar | bad_ir, _Z_RANGE)
        mark(~(np.all(np.isfinite(det.sensor_r_ecef_m), axis=1)
               & np.all(np.isfinite(det.sensor_frame), axis=(1, 2))), _SENSOR_NONFINITE)
        block = cols[:, :, None] & cols[:, None, :]
        mark(~np.all(np.isfinite(det.R) | ~block, axis=(1, 2)), _R_NONFINITE)
        # Symmetric positive definite on the valid block (invalid diagonal padded with ones).
        with np.errstate(invalid="ignore", over="ignore"):
            Rp = np.where(block, np.nan_to_num(det.R.astype(np.float64), nan=0.0, posinf=0.0,
                                               neginf=0.0), 0.0)
            Rp = Rp + np.eye(4)[None] * (~cols)[:, :, None]
            d = np.sqrt(np.abs(np.einsum("kii->ki", Rp)))
            scale = d[:, :, None] * d[:, None, :]
            sym = np.all(np.abs(Rp - np.swapaxes(Rp, 1, 2)) <= 1e-9 * scale, axis=(1, 2))
            eig = np.linalg.eigvalsh(0.5 * (Rp + np.swapaxes(Rp, 1, 2)))
        mark(~sym | ~(eig[:, 0] > 0), _R_NOT_PD)
        # Time order per sensor, in arrival order, against the last accepted time.
        for i in np.flatnonzero(reason < 0):
            s = int(det.sensor[i])
            ti = float(t[i])
            last = self.last_t_s.get(s)
            if last is not None and ti < last:
                reason[i] = _BACKWARDS
            else:
                self.last_t_s[s] = ti
        for i in np.flatnonzero(reason >= 0):
            why = REASONS[int(reason[i])]
            self.rejected.counts[why] += 1
            self.rejected.rows.append((float(det.t_s[i]), int(det.sensor[i]), why))
        return reason < 0
