"""Bad data at the door: detections are checked before they touch a track.

A detection is rejected — counted with its reason, never silently dropped and never passed on —
when its measurement or covariance holds NaN or infinite values, its covariance is not symmetric
positive definite, its time goes backwards for its sensor, or its sensor is not one the tracker
knows. Rejected rows are kept (indices and reasons) for the run's summary; the accepted rows go on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from tocsin.sensors.detections import DetectionBatch

__all__ = ["REASONS", "Door", "Rejections"]

REASONS = ("non-finite measurement", "non-finite covariance", "covariance not positive definite",
           "time goes backwards", "unknown sensor", "bad measurement dimension")


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
    """Stateful gate for one tracker: knows its sensors and each sensor's last accepted time."""

    known_sensors: frozenset[int]
    last_t_s: dict[int, float] = field(default_factory=dict)
    rejected: Rejections = field(default_factory=Rejections)

    def admit(self, det: DetectionBatch) -> DetectionBatch:
        """The rows of ``det`` that pass; the others are recorded in ``rejected``."""
        return det.take(self.admit_mask(det))

    def admit_mask(self, det: DetectionBatch) -> np.ndarray:
        """Boolean mask (n,) of the rows of ``det`` that pass; the others are recorded."""
        n = len(det)
        reason = np.full(n, -1, np.int64)

        def mark(mask: np.ndarray, k: int) -> None:
            reason[(reason < 0) & mask] = k

        known = np.isin(det.sensor, np.fromiter(self.known_sensors, np.int64,
                                                len(self.known_sensors)))
        mark(~known, 4)
        dim_ok = (det.dim >= 1) & (det.dim <= 4)
        mark(~dim_ok, 5)
        cols = np.arange(4)[None, :] < det.dim[:, None]
        mark(~np.all(np.isfinite(det.z) | ~cols, axis=1), 0)
        block = cols[:, :, None] & cols[:, None, :]
        mark(~np.all(np.isfinite(det.R) | ~block, axis=(1, 2)) | ~np.isfinite(det.t_s), 1)
        # Positive definite on the valid block: pad the invalid diagonal with ones.
        with np.errstate(invalid="ignore"):
            Rp = np.where(block, np.nan_to_num(det.R, nan=0.0, posinf=0.0, neginf=0.0), 0.0)
            Rp = Rp + np.eye(4)[None] * (~cols)[:, :, None]
            sym = np.all(np.abs(Rp - np.swapaxes(Rp, 1, 2))
                         <= 1e-9 * (np.abs(Rp) + np.swapaxes(np.abs(Rp), 1, 2) + 1e-300),
                         axis=(1, 2))
            eig = np.linalg.eigvalsh(Rp)
        mark(~sym | ~(eig[:, 0] > 0), 2)
        # Time order per sensor, in arrival order, against the last accepted time.
        ok_so_far = reason < 0
        for i in np.flatnonzero(ok_so_far):
            s = int(det.sensor[i])
            t = float(det.t_s[i])
            last = self.last_t_s.get(s)
            if last is not None and t < last:
                reason[i] = 3
            else:
                self.last_t_s[s] = t
        bad = np.flatnonzero(reason >= 0)
        for i in bad:
            why = REASONS[int(reason[i])]
            self.rejected.counts[why] += 1
            self.rejected.rows.append((float(det.t_s[i]), int(det.sensor[i]), why))
        return reason < 0
