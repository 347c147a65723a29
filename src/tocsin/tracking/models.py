"""The roles' interfaces: motion and measurement models over batches of tracks and detections.

Shapes: n tracks with state dimension d (``x (n, d)``, ``P (n, d, d)``); k (track, detection)
pairs with measurement dimension m (``z (k, m)``, ``R (k, m, m)``). Every method is vectorised
over its leading dimension; nothing here loops in Python per track.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

__all__ = ["MotionModel", "MeasurementModel", "MeasurementContext"]


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


class MeasurementContext(Protocol):
    """Per-detection context a measurement model needs (sensor position, frame, kind)."""


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
