"""The multi-target tracker: wires the roles together, one scan at a time.

predictor (a :class:`~tocsin.tracking.models.MotionModel`) → measurement prediction (a
:class:`~tocsin.tracking.models.MeasurementModel`) → gater → associator → updater →
bookkeeping and confirmation (initiator) → deleter → initiation from the free detections.
Every stage works on the whole columnar :class:`~tocsin.tracking.tracks.TrackSet` at once; the
per-scan Python work is a fixed number of numpy calls, independent of the number of tracks
(except a loop over non-trivial association clusters, which are rare in sparse scenes).
"""

from __future__ import annotations

import numpy as np

from tocsin.tracking.kalman import project_covariance
from tocsin.tracking.management import Seeds, record_scan
from tocsin.tracking.models import (
    Associator,
    Deleter,
    Gater,
    Initiator,
    MeasurementModel,
    MotionModel,
    Updater,
)
from tocsin.tracking.tracks import TrackSet

# The role protocols live in tocsin.tracking.models; re-exported here for existing imports.
__all__ = ["MultiTargetTracker", "Gater", "Associator", "Updater", "Initiator", "Deleter"]


class MultiTargetTracker:
    """Scan-by-scan multi-target tracker over one sensor's detections.

    ``step(t_s, z (k, m), R (k, m, m), ctx)`` processes one scan taken at ``t_s`` (s since the
    scenario epoch, non-decreasing); ``ctx`` is the scan's measurement context, passed to the
    measurement model (``None`` for Cartesian positions). ``estimates()`` gives the confirmed
    tracks, ``tracks`` all of them (tentative included).
    """

    def __init__(self, motion: MotionModel, measurement: MeasurementModel, gater: Gater,
                 associator: Associator, updater: Updater, initiator: Initiator,
                 deleter: Deleter) -> None:
        self.motion = motion
        self.measurement = measurement
        self.gater = gater
        self.associator = associator
        self.updater = updater
        self.initiator = initiator
        self.deleter = deleter
        self.tracks = TrackSet.empty(motion.dim)
        self.seeds = Seeds.empty(measurement.dim_z)
        self.scan = -1
        self._next_id = 0

    def step(self, t_s: float, z: np.ndarray, R: np.ndarray, ctx: object = None) -> None:
        """Process one scan of detections ``z (k, m)`` with noise covariances ``R (k, m, m)``."""
        self.scan += 1
        ts = self.tracks
        n, k = len(ts), z.shape[0]
        if n:
            x, P = self.motion.predict(ts.x, ts.P, t_s - ts.t_s)                 # x⁻, P⁻
            z_hat, H = self.measurement.predict_measurement(x, ctx)              # ẑ, H
            HPHt = project_covariance(P, H)                                      # H P⁻ Hᵀ
            gate = self.gater.gate(z_hat, HPHt, z, R, self.measurement.residual)
            assoc = self.associator.associate(gate, n, k)
            x, P = self.updater.update(x, P, H, R, gate, assoc)                  # x⁺, P⁺
            ts = record_scan(ts, x, P, t_s, assoc.miss < 0.5)
            dead = self.deleter.delete(ts)
            if dead.any():
                ts = ts.select(~dead)
            free = ~assoc.det_used
            if not free.all():
                z, R = z[free], R[free]
        new, self.seeds = self.initiator.initiate(self.seeds, t_s, self.scan, z, R)
        c = new.x.shape[0]
        if c:
            ids = np.arange(self._next_id, self._next_id + c)
            self._next_id += c
            ts = ts.concat(TrackSet.new(ids, new.x, new.P, t_s, new.born_s, 2, new.history))
        if len(ts):
            ts = TrackSet(ts.ids, ts.x, ts.P, ts.t_s, self.initiator.confirm(ts), ts.hits,
                          ts.misses, ts.history, ts.quality, ts.born_s)
        self.tracks = ts

    def estimates(self) -> TrackSet:
        """The confirmed tracks (ids, states, covariances at the latest scan)."""
        conf = self.tracks.confirmed
        return self.tracks if conf.all() else self.tracks.select(conf)
