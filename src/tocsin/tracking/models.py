"""The roles' interfaces, all in one place: motion and measurement models, gater, associator,
updater, initiator and deleter, over batches of tracks and detections (Stone Soup's roles, as
plain protocols over columnar arrays). The data they hand each other are in
:mod:`tocsin.tracking.roles`; :class:`~tocsin.tracking.tracker.MultiTargetTracker` wires them.

Shapes: n tracks with state dimension d (``x (n, d)``, ``P (n, d, d)``); k (track, detection)
pairs with measurement dimension m (``z (k, m)``, ``R (k, m, m)``). Every method is vectorised
over its leading dimension; nothing here loops in Python per track.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import numpy as np

from tocsin.tracking.roles import Association, GatedPairs

if TYPE_CHECKING:
    from tocsin.tracking.management import NewTracks, Seeds
    from tocsin.tracking.tracks import TrackSet

__all__ = ["MotionModel", "MeasurementModel", "Gater", "Associator",
           "Updater", "Initiator", "Deleter"]


class MotionModel(Protocol):
    """Predicts states and covariances forward in time (x_k+1 = f(x_k, Δt), P = F P Fᵀ + Q)."""

    @property
    def dim(self) -> int:
        """State dimension d."""
        ...

    def predict(self, x: np.ndarray, P: np.ndarray, dt_s: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """States (n, d) and covariances (n, d, d) advanced by ``dt_s`` (n,) seconds."""
        ...


class MeasurementModel(Protocol):
    """Predicts measurements from states: ẑ = h(x), with Jacobian H = ∂h/∂x."""

    @property
    def dim_z(self) -> int:
        """Measurement dimension m."""
        ...

    def predict_measurement(self, x: np.ndarray, ctx: object
                            ) -> tuple[np.ndarray, np.ndarray]:
        """(ẑ (k, m), H (k, m, d)) for states ``x`` (k, d) under per-pair context ``ctx``."""
        ...

    def residual(self, z: np.ndarray, z_hat: np.ndarray) -> np.ndarray:
        """z − ẑ (k, m), with angles wrapped where the measurement has them."""
        ...


class Gater(Protocol):
    """Keeps the plausible (track, detection) pairs."""

    def gate(self, z_hat: np.ndarray, HPHt: np.ndarray, z: np.ndarray, R: np.ndarray,
             residual: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> GatedPairs:
        """Pairs for predicted measurements ``z_hat (n, m)`` with ``HPHt (n, m, m)`` and
        detections ``z (k, m)`` with noise ``R (k, m, m)``; ``residual(z, ẑ)`` gives ν."""
        ...


class Associator(Protocol):
    """Decides which gated pairs carry weight (hard or soft)."""

    def associate(self, gate: GatedPairs, n_tracks: int, n_dets: int) -> Association:
        """The scan's association for ``n_tracks`` tracks and ``n_dets`` detections."""
        ...


class Updater(Protocol):
    """Applies an association to the predicted tracks."""

    def update(self, x: np.ndarray, P: np.ndarray, H: np.ndarray, R: np.ndarray,
               gate: GatedPairs, assoc: Association) -> tuple[np.ndarray, np.ndarray]:
        """Updated ``(x (n, d), P (n, d, d))`` from the predictions, ``H (n, m, d)`` and the
        scan's noise ``R (k, m, m)``."""
        ...


class Initiator(Protocol):
    """Starts tentative tracks from free detections and confirms tracks."""

    def initiate(self, seeds: Seeds, t_s: float, scan: int, z: np.ndarray, R: np.ndarray
                 ) -> tuple[NewTracks, Seeds]:
        """New tracks from ``seeds`` and the free detections ``z (k, m)`` taken at ``t_s`` (s),
        and the seeds kept for the next scan."""
        ...

    def confirm(self, tracks: TrackSet) -> np.ndarray:
        """Status (n,) of every track after this scan (tentative or confirmed)."""
        ...


class Deleter(Protocol):
    """Ends tracks."""

    def delete(self, tracks: TrackSet) -> np.ndarray:
        """Boolean mask (n,) of the tracks to end."""
        ...
