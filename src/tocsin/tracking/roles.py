"""The data the tracker's roles hand each other: gated pairs (gater → associator, updater) and
an association (associator → updater, bookkeeping, initiation).

Plain frozen dataclasses of columnar numpy arrays, with no behaviour and no imports from the
rest of the package, so every role module can import them without import cycles. The role
interfaces (protocols) are in :mod:`tocsin.tracking.models`.

Shapes: n tracks, k detections, p gated pairs, a weighted pairs, m measurement dimension.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["GatedPairs", "Association"]


@dataclass(frozen=True)
class GatedPairs:
    """Pairs that pass the gate, columnar: track and detection indices (p,), innovation
    ``nu (p, m)``, innovation covariance ``S (p, m, m)`` and squared Mahalanobis distance
    ``d2 (p,)``; ``threshold`` is γ."""

    track: np.ndarray
    det: np.ndarray
    nu: np.ndarray
    S: np.ndarray
    d2: np.ndarray
    threshold: float

    def __len__(self) -> int:
        return int(self.track.size)

    @staticmethod
    def empty(m: int, threshold: float) -> GatedPairs:
        e = np.empty(0, dtype=np.intp)
        return GatedPairs(e, e, np.empty((0, m)), np.empty((0, m, m)), np.empty(0), threshold)


@dataclass(frozen=True)
class Association:
    """Result of associating one scan, columnar.

    ``pair (a,)``: indices into the :class:`GatedPairs` that carry weight; ``weight (a,)`` their
    association probability β_ij (1.0 for a hard assignment); ``miss (n,)`` the probability
    β_i0 that no detection belongs to track i (0 or 1 for a hard assignment); ``det_used (k,)``
    detections explained by some track (they start no new track); ``hard`` whether every
    weight is 0 or 1.
    """

    pair: np.ndarray
    weight: np.ndarray
    miss: np.ndarray
    det_used: np.ndarray
    hard: bool
