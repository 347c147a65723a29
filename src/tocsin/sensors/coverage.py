"""Coverage queries: which sensors could see a burning plume or a target at given points.

The same geometric predicates as the runner's earliest-possible detection (line of sight, field
of regard, viewing mode, detection altitude, radar faces and range) applied to points instead of
flights: a plume or target is assumed present at every point, noise and detection luck aside.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tocsin.earth.wgs84 import geodetic_to_ecef
from tocsin.sensors.truth import TruthTable

if TYPE_CHECKING:
    from tocsin.sensors.sensor import Sensor

__all__ = ["coverage"]


def coverage(sensors: Sequence[Sensor], lat_rad: ArrayLike, lon_rad: ArrayLike, alt_m: ArrayLike,
             t_s: float = 0.0) -> NDArray[np.bool_]:
    """(P, k) bool: sensor j could see a burning object or radar target at point p at ``t_s``.

    Each sensor's own ``possible`` (:class:`~tocsin.sensors.sensor.Sensor`) on hypothetical
    objects at the points (:meth:`TruthTable.at_points`); points broadcast from ``lat_rad``,
    ``lon_rad``, ``alt_m`` (P,).
    """
    lat, lon, alt = np.broadcast_arrays(np.asarray(lat_rad, float), np.asarray(lon_rad, float),
                                        np.asarray(alt_m, float))
    r = geodetic_to_ecef(lat.ravel(), lon.ravel(), alt.ravel())
    truth = TruthTable.at_points(t_s, r)
    out = np.zeros((r.shape[0], len(sensors)), dtype=bool)
    for j, s in enumerate(sensors):
        out[:, j] = s.possible(truth)[:, 0]
    return out
