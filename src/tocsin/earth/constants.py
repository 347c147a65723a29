"""WGS-84 and physical constants, SI units.

Source: NIMA TR8350.2, "Department of Defense World Geodetic System 1984", 3rd ed. (2000),
Tables 3.1 (defining parameters) and 3.3 (derived geometric constants); J2 from the dynamic form
factor derived from the defining parameters (TR8350.2 Table 3.3: C̄2,0 = -0.484166774985e-3,
J2 = -√5 C̄2,0).
"""

from __future__ import annotations

import math

A_M: float = 6_378_137.0
"""WGS-84 semi-major axis (equatorial radius), metres."""

F: float = 1.0 / 298.257223563
"""WGS-84 flattening."""

B_M: float = A_M * (1.0 - F)
"""WGS-84 semi-minor axis (polar radius), metres: 6 356 752.3142 m."""

E2: float = F * (2.0 - F)
"""First eccentricity squared, 6.69437999014e-3."""

EP2: float = E2 / (1.0 - E2)
"""Second eccentricity squared."""

GM_M3_S2: float = 3.986004418e14
"""Earth's gravitational parameter including the atmosphere, m³/s²."""

OMEGA_EARTH_RAD_S: float = 7.292115e-5
"""Nominal mean angular velocity of the Earth, rad/s (WGS-84 defining value)."""

J2: float = -math.sqrt(5.0) * -0.484166774985e-3
"""Second zonal harmonic (dimensionless), 1.08262982e-3."""

R_MEAN_M: float = 6_371_000.0
"""Radius of the spherical Earth used with ``--earth spherical`` (mean radius, rounded), metres."""

G0_M_S2: float = 9.80665
"""Standard gravity (for specific impulse), m/s²."""
