"""A columnar set of tracks: one array per attribute, one row per track.

Add, remove and select are vectorised (one numpy call per column); the tracker never holds a
Python object per track. Status codes are small integers so that masks are cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TrackSet", "TENTATIVE", "CONFIRMED"]

TENTATIVE = np.int8(0)
CONFIRMED = np.int8(1)


@dataclass(frozen=True)
class TrackSet:
    """n tracks of state dimension d.

    ``ids (n,)`` stable integer track ids; ``x (n, d)`` state and ``P (n, d, d)`` covariance at
    ``t_s (n,)`` (s since the scenario epoch); ``status (n,)`` :data:`TENTATIVE` or
    :data:`CONFIRMED`; ``hits (n,)`` detections used so far; ``misses (n,)`` consecutive scans
    without a detection; ``history (n,)`` hit bits of the latest scans (bit 0 = latest scan);
    ``quality (n,)`` track quality in [0, 1] (exponentially weighted hit ratio); ``born_s (n,)``
    time of the track's first detection (s).
    """

    ids: np.ndarray
    x: np.ndarray
    P: np.ndarray
    t_s: np.ndarray
    status: np.ndarray
    hits: np.ndarray
    misses: np.ndarray
    history: np.ndarray
    quality: np.ndarray
    born_s: np.ndarray

    @staticmethod
    def empty(dim: int) -> TrackSet:
        """No tracks, state dimension ``dim``."""
        return TrackSet(np.empty(0, np.int64), np.empty((0, dim)), np.empty((0, dim, dim)),
                        np.empty(0), np.empty(0, np.int8), np.empty(0, np.int32),
                        np.empty(0, np.int32), np.empty(0, np.uint32), np.empty(0),
                        np.empty(0))

    @staticmethod
    def new(ids: np.ndarray, x: np.ndarray, P: np.ndarray, t_s: float, born_s: np.ndarray,
            hits: int, history: np.ndarray) -> TrackSet:
        """Tentative tracks just started, all at time ``t_s``."""
        n = ids.size
        return TrackSet(ids.astype(np.int64, copy=False), x, P, np.full(n, float(t_s)),
                        np.zeros(n, np.int8), np.full(n, hits, np.int32),
                        np.zeros(n, np.int32), history.astype(np.uint32, copy=False),
                        np.ones(n), np.asarray(born_s, dtype=float))

    def __len__(self) -> int:
        return int(self.ids.size)

    @property
    def dim(self) -> int:
        return int(self.x.shape[1])

    @property
    def confirmed(self) -> np.ndarray:
        """Boolean mask (n,) of confirmed tracks."""
        return self.status == CONFIRMED

    def select(self, which: np.ndarray) -> TrackSet:
        """The tracks picked by a boolean mask (n,) or an index array."""
        return TrackSet(self.ids[which], self.x[which], self.P[which], self.t_s[which],
                        self.status[which], self.hits[which], self.misses[which],
                        self.history[which], self.quality[which], self.born_s[which])

    def concat(self, other: TrackSet) -> TrackSet:
        """These tracks followed by ``other``'s."""
        if len(other) == 0:
            return self
        if len(self) == 0:
            return other
        c = np.concatenate
        return TrackSet(c((self.ids, other.ids)), c((self.x, other.x)), c((self.P, other.P)),
                        c((self.t_s, other.t_s)), c((self.status, other.status)),
                        c((self.hits, other.hits)), c((self.misses, other.misses)),
                        c((self.history, other.history)), c((self.quality, other.quality)),
                        c((self.born_s, other.born_s)))
