"""Which physical effects a flight includes: the Earth's shape, rotation, J2 and the atmosphere."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tocsin.earth.constants import A_M, E2, R_MEAN_M

__all__ = ["EarthModel"]


@dataclass(frozen=True)
class EarthModel:
    """Effects switched on for a flight; the default is the full model.

    ``spherical`` replaces the WGS-84 ellipsoid by a sphere of radius ``R_MEAN_M`` (6,371 km) for
    altitude, launch geometry and impact; ``rotation`` adds the Coriolis and centrifugal terms of
    the Earth-fixed frame; ``j2`` the oblateness term of gravity; ``drag`` the U.S. Standard
    Atmosphere 1976 drag on boosters and reentry vehicles.
    """

    spherical: bool = False
    rotation: bool = True
    j2: bool = True
    drag: bool = True
    sphere_radius_m: float = R_MEAN_M

    def height_figure(self) -> tuple[float, float]:
        """(b_m, e2): polar semi-axis (m) and first eccentricity squared of the surface that
        altitudes are measured from, as :func:`tocsin.earth.wgs84.radial_height_m` takes them —
        (A_M √(1 − E2), E2) for WGS-84, (``sphere_radius_m``, 0) for the sphere."""
        if self.spherical:
            return self.sphere_radius_m, 0.0
        return A_M * math.sqrt(1.0 - E2), E2

    @classmethod
    def vacuum_sphere(cls) -> EarthModel:
        """Spherical, non-rotating, point-mass gravity, no air: the textbook Kepler setting."""
        return cls(spherical=True, rotation=False, j2=False, drag=False)
