"""Coverage queries: which sensors could see a burning plume or a target at given points.

The same geometric predicates as the runner's earliest-possible detection (line of sight, field
of regard, viewing mode, detection altitude, radar faces and range) applied to points instead of
flights: a plume or target is assumed present at every point, noise and detection luck aside.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tocsin.earth.wgs84 import geodetic_to_ecef
from tocsin.sensors import infrared as irm
from tocsin.sensors import radar as rdm
from tocsin.sensors.truth import TruthTable

__all__ = ["coverage"]


def coverage(models: Sequence[irm.InfraredSensor | rdm.Radar],
             sat_r_ecef: Sequence[np.ndarray | None], lat_rad: np.ndarray, lon_rad: np.ndarray,
             alt_m: np.ndarray, t_s: float = 0.0) -> np.ndarray:
    """(P, k) bool: sensor j could see a burning object or radar target at point p.

    ``sat_r_ecef[j]`` is satellite j's ECEF position (3,) at the query time for an infrared
    sensor, None for a radar. Points broadcast from ``lat_rad``, ``lon_rad``, ``alt_m`` (P,).
    """
    lat, lon, alt = np.broadcast_arrays(np.asarray(lat_rad, float), np.asarray(lon_rad, float),
                                        np.asarray(alt_m, float))
    r = geodetic_to_ecef(lat.ravel(), lon.ravel(), alt.ravel())
    p = r.shape[0]
    truth = TruthTable.at_points(t_s, r)
    out = np.zeros((p, len(models)), dtype=bool)
    for j, (m, sat) in enumerate(zip(models, sat_r_ecef, strict=True)):
        if isinstance(m, irm.InfraredSensor):
            assert sat is not None
            out[:, j] = irm.ir_possible(m, np.asarray(sat, float).reshape(1, 3), truth)[:, 0]
        else:
            out[:, j] = rdm.radar_possible(m, truth)[:, 0]
    return out
