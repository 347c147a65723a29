"""The planet: WGS-84, frames and time, gravity, atmosphere, line of sight and horizon."""

from tocsin.earth.atmosphere import density_kg_m3, us1976
from tocsin.earth.frames import EarthFrame, epoch_from_iso
from tocsin.earth.geodesic import geodesic_direct, geodesic_inverse, great_circle_distance_m
from tocsin.earth.gravity import gravity_ecef
from tocsin.earth.los import horizon_range_m, line_of_sight_clear
from tocsin.earth.model import EarthModel
from tocsin.earth.sun import sun_direction_ecef
from tocsin.earth.wgs84 import (
    aer_to_ecef,
    ecef_to_aer,
    ecef_to_enu,
    ecef_to_geodetic,
    enu_basis,
    enu_to_ecef,
    geodetic_to_ecef,
)

__all__ = [
    "EarthFrame",
    "EarthModel",
    "aer_to_ecef",
    "density_kg_m3",
    "ecef_to_aer",
    "ecef_to_enu",
    "ecef_to_geodetic",
    "enu_basis",
    "enu_to_ecef",
    "epoch_from_iso",
    "geodesic_direct",
    "geodesic_inverse",
    "geodetic_to_ecef",
    "gravity_ecef",
    "great_circle_distance_m",
    "horizon_range_m",
    "line_of_sight_clear",
    "sun_direction_ecef",
    "us1976",
]
