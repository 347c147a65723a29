"""Shared test helper: infrared report rows from satellites to points (exact or noisy)."""

from __future__ import annotations

import numpy as np

from tocsin.sensors.detections import IR, DetectionBatch, angles_from_los
from tocsin.sensors.infrared import sensor_frames

SIGMA = 30e-6
"""The infrared sensor's default angle noise, rad."""


def ir_rays(points: np.ndarray, sat_r: np.ndarray, sat_v: np.ndarray, sensor: np.ndarray,
            rng: np.random.Generator | None = None, t_s: np.ndarray | None = None
            ) -> DetectionBatch:
    """IR rows from satellites (k, 3) to points (k, 3): exact, or with σ = 30 µrad noise;
    at ``t_s`` (k,), default 0."""
    k = points.shape[0]
    F = sensor_frames(sat_r, sat_v)
    los = points - sat_r
    a, b = angles_from_los(los / np.linalg.norm(los, axis=-1, keepdims=True), F)
    z = np.full((k, 4), np.nan)
    z[:, 0], z[:, 1] = a, b
    if rng is not None:
        z[:, :2] += rng.normal(0.0, SIGMA, (k, 2))
    R = np.zeros((k, 4, 4))
    R[:, 0, 0] = R[:, 1, 1] = SIGMA ** 2
    return DetectionBatch(np.zeros(k) if t_s is None else t_s, sensor, np.full(k, IR, np.int8),
                          z, np.full(k, 2, np.int8), R, np.full(k, 20.0), sat_r, F,
                          np.zeros(k, np.int64))
