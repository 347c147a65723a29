"""Detections as a columnar batch: what every sensor reports, one row per detection.

A row is either an infrared line-of-sight report (two angles in the satellite's sensor frame) or a
radar plot (range, azimuth, elevation, range rate at the site). Measurements share one padded
layout — ``z (n, 4)`` with ``dim (n,)`` valid entries and covariance ``R (n, 4, 4)`` — so a batch
from many sensors stays a handful of arrays. ``truth_id`` (the index of the object that caused the
detection, or ``FALSE_ALARM``) is for evaluation only: trackers must never read it.

Infrared sensor frame (nadir pointing): ẑ towards the Earth's centre, x̂ along the satellite's
Earth-relative velocity projected normal to ẑ, ŷ = ẑ × x̂. A line of sight ℓ (unit, ECEF) is
reported as α = atan2(ℓ·x̂, ℓ·ẑ), β = atan2(ℓ·ŷ, ℓ·ẑ); the batch carries the satellite position and
the frame (rows x̂, ŷ, ẑ in ECEF), which a partner knows for its own satellites.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

__all__ = ["IR", "RADAR", "FALSE_ALARM", "DetectionBatch", "concat", "empty", "los_from_angles",
           "angles_from_los"]

IR, RADAR = 0, 1
FALSE_ALARM = -1


@dataclass(frozen=True)
class DetectionBatch:
    """n detections, columnar (SI units, times in seconds since the scenario epoch)."""

    t_s: np.ndarray             # (n,)
    sensor: np.ndarray          # (n,) int, index into the run's sensor table
    kind: np.ndarray            # (n,) int8, IR or RADAR
    z: np.ndarray               # (n, 4) measurement, padded with NaN beyond dim
    dim: np.ndarray             # (n,) int8, 2 (IR) or 4 (radar)
    R: np.ndarray               # (n, 4, 4) measurement covariance, zero-padded
    snr_db: np.ndarray          # (n,) signal-to-noise ratio of the detection
    sensor_r_ecef_m: np.ndarray  # (n, 3) sensor position at the detection time
    sensor_frame: np.ndarray    # (n, 3, 3) rows x̂, ŷ, ẑ of the sensor frame (IR) or ENU (radar)
    truth_id: np.ndarray        # (n,) int, object index or FALSE_ALARM — evaluation only

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    def take(self, idx: np.ndarray | slice) -> DetectionBatch:
        """Rows ``idx`` (indices, a boolean mask, or a slice: views) as a new batch."""
        return DetectionBatch(self.t_s[idx], self.sensor[idx], self.kind[idx], self.z[idx],
                              self.dim[idx], self.R[idx], self.snr_db[idx],
                              self.sensor_r_ecef_m[idx], self.sensor_frame[idx],
                              self.truth_id[idx])

    def sorted(self) -> DetectionBatch:
        """Rows ordered by time, then sensor (stable), as trackers consume them."""
        return self.take(np.lexsort((self.sensor, self.t_s)))


def empty() -> DetectionBatch:
    """A batch with no rows."""
    return DetectionBatch(
        t_s=np.zeros(0), sensor=np.zeros(0, np.int64), kind=np.zeros(0, np.int8),
        z=np.zeros((0, 4)), dim=np.zeros(0, np.int8), R=np.zeros((0, 4, 4)),
        snr_db=np.zeros(0), sensor_r_ecef_m=np.zeros((0, 3)), sensor_frame=np.zeros((0, 3, 3)),
        truth_id=np.zeros(0, np.int64))


def concat(batches: list[DetectionBatch]) -> DetectionBatch:
    """One batch from several (rows in the given order)."""
    batches = [b for b in batches if len(b)]
    if not batches:
        return empty()
    return DetectionBatch(**{f.name: np.concatenate([getattr(b, f.name) for b in batches])
                             for f in fields(DetectionBatch)})


def angles_from_los(los_ecef: np.ndarray, frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(α, β) of unit lines of sight (..., 3) in sensor frames (..., 3, 3) (rows x̂, ŷ, ẑ)."""
    c = np.einsum("...ij,...j->...i", frame, los_ecef)
    return np.arctan2(c[..., 0], c[..., 2]), np.arctan2(c[..., 1], c[..., 2])


def los_from_angles(alpha: np.ndarray, beta: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """Unit lines of sight in ECEF (..., 3) from (α, β) in sensor frames (..., 3, 3)."""
    c = np.stack([np.tan(alpha), np.tan(beta), np.ones_like(alpha)], axis=-1)
    c /= np.linalg.norm(c, axis=-1, keepdims=True)
    return np.einsum("...ji,...j->...i", frame, c)
