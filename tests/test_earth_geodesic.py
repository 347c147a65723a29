"""tocsin.earth.geodesic against pyproj.Geod (GeographicLib, Karney 2013)."""

from __future__ import annotations

import numpy as np
import pyproj
from hypothesis import given, settings
from hypothesis import strategies as st

from tocsin.earth.constants import R_MEAN_M
from tocsin.earth.geodesic import (
    central_angle_rad,
    geodesic_direct,
    geodesic_inverse,
    great_circle_azimuth_rad,
    great_circle_destination,
    great_circle_distance_m,
)

GEOD = pyproj.Geod(ellps="WGS84")
SPHERE = pyproj.Geod(a=R_MEAN_M, b=R_MEAN_M)
RNG = np.random.default_rng(7)
N = 20_000

lat_deg = st.floats(-90.0, 90.0)
lon_deg = st.floats(-180.0, 180.0)


def _angle_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(np.mod(a - b + np.pi, 2.0 * np.pi) - np.pi)


def _random_points(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.degrees(np.arcsin(RNG.uniform(-1.0, 1.0, n))), RNG.uniform(-180.0, 180.0, n)


def test_inverse_matches_pyproj_random_batch() -> None:
    lat1, lon1 = _random_points(N)
    lat2, lon2 = _random_points(N)
    s, az1, az2 = geodesic_inverse(*np.radians([lat1, lon1, lat2, lon2]))
    ref_az1, ref_az2, ref_s = GEOD.inv(lon1, lat1, lon2, lat2)
    assert np.max(np.abs(s - ref_s)) < 1e-3
    well_posed = ref_s < 19_900e3  # azimuths of near-antipodal pairs are ill-conditioned
    assert np.max(_angle_diff(az1, np.radians(ref_az1))[well_posed]) < 1e-8
    assert np.max(_angle_diff(az2, np.radians(ref_az2))[well_posed]) < 1e-8
    assert np.all((az1 >= 0.0) & (az1 < 2.0 * np.pi))


@settings(max_examples=200, deadline=None)
@given(lat_deg, lon_deg, lat_deg, lon_deg)
def test_inverse_matches_pyproj_property(lat1: float, lon1: float, lat2: float,
                                         lon2: float) -> None:
    s, az1, az2 = geodesic_inverse(*np.radians([lat1, lon1, lat2, lon2]))
    ref_az1, ref_az2, ref_s = GEOD.inv(lon1, lat1, lon2, lat2)
    assert abs(s - ref_s) < 1e-3
    polar = max(abs(lat1), abs(lat2)) > 89.999  # azimuth at a pole is a convention
    if 1.0 < ref_s < 19_900e3 and not polar:
        assert _angle_diff(az1, np.radians(ref_az1)) < 1e-8
        assert _angle_diff(az2, np.radians(ref_az2)) < 1e-8


def test_near_antipodal_pairs_finish_finite_and_within_a_metre() -> None:
    lat1, lon1 = _random_points(N)
    lat2 = np.clip(-lat1 + RNG.normal(0.0, 0.3, N), -90.0, 90.0)
    lon2 = lon1 + 180.0 + RNG.normal(0.0, 0.3, N)
    s, az1, az2 = geodesic_inverse(*np.radians([lat1, lon1, lat2, lon2]))
    assert np.all(np.isfinite(s) & np.isfinite(az1) & np.isfinite(az2))
    _, _, ref_s = GEOD.inv(lon1, lat1, lon2, lat2)
    assert np.max(np.abs(s - ref_s)) < 1.0
    # The azimuth found must lead to the target point (several geodesics may tie).
    la, lo, _ = geodesic_direct(np.radians(lat1), np.radians(lon1), az1, s)
    ref_lo, ref_la, _ = GEOD.fwd(lon1, lat1, np.degrees(az1), s)
    assert np.max(np.abs(np.degrees(la) - ref_la)) < 1e-5


def test_exact_antipodes_on_the_equator() -> None:
    # Shortest path runs over a pole: twice the meridian quadrant, Q = 10 001 965.7293 m
    # (H. Moritz, "Geodetic Reference System 1980", J. Geodesy 74, 128-133 (2000); GRS80 and
    # WGS-84 quadrants differ by < 0.1 mm).
    s, _, _ = geodesic_inverse(0.0, 0.0, 0.0, np.pi)
    assert abs(s - 2 * 10_001_965.7293) < 1e-3
    for lon2 in (179.5, 179.9, 179.99, 180.0):
        s, _, _ = geodesic_inverse(0.0, 0.0, 0.0, np.radians(lon2))
        assert abs(s - GEOD.inv(0.0, 0.0, lon2, 0.0)[2]) < 1e-3


def test_coincident_points() -> None:
    s, az1, az2 = geodesic_inverse(0.3, 1.0, 0.3, 1.0)
    assert s == 0.0 and np.isfinite(az1) and np.isfinite(az2)


def test_direct_matches_pyproj_random_batch() -> None:
    lat1, lon1 = _random_points(N)
    az = RNG.uniform(-180.0, 180.0, N)
    dist = RNG.uniform(0.0, 2.0e7, N)
    lat2, lon2, az21 = geodesic_direct(np.radians(lat1), np.radians(lon1), np.radians(az), dist)
    ref_lon, ref_lat, ref_az21 = GEOD.fwd(lon1, lat1, az, dist)
    assert np.max(np.abs(lat2 - np.radians(ref_lat))) * R_MEAN_M < 1e-3
    assert np.max(_angle_diff(lon2, np.radians(ref_lon)) * np.cos(lat2)) * R_MEAN_M < 1e-3
    assert np.max(_angle_diff(az21, np.radians(ref_az21))) < 1e-8


@settings(max_examples=200, deadline=None)
@given(lat_deg, lon_deg, lat_deg, lon_deg)
def test_direct_inverts_inverse_property(lat1: float, lon1: float, lat2: float,
                                         lon2: float) -> None:
    p1, l1, p2, l2 = np.radians([lat1, lon1, lat2, lon2])
    s, az1, az2 = geodesic_inverse(p1, l1, p2, l2)
    la, lo, _ = geodesic_direct(p1, l1, az1, s)
    end = GEOD.inv(np.degrees(lo), np.degrees(la), lon2, lat2)[2]
    assert end < 1e-3


def test_great_circle_known_values() -> None:
    # Equator to pole is a quarter circle; antipodes are half a circle.
    assert central_angle_rad(0.0, 0.3, np.pi / 2, 2.0) == np.pi / 2
    assert abs(central_angle_rad(0.4, 0.0, -0.4, np.pi) - np.pi) < 1e-15
    assert great_circle_distance_m(0.0, 0.0, 0.0, 1.0, radius_m=2.0) == 2.0
    assert abs(great_circle_azimuth_rad(0.0, 0.0, 0.5, 0.0)) < 1e-15
    assert abs(great_circle_azimuth_rad(0.0, 0.0, 0.0, 0.5) - np.pi / 2) < 1e-15


def test_great_circle_matches_pyproj_sphere() -> None:
    lat1, lon1 = _random_points(N)
    lat2, lon2 = _random_points(N)
    args = np.radians([lat1, lon1, lat2, lon2])
    ref_az, _, ref_s = SPHERE.inv(lon1, lat1, lon2, lat2)
    assert np.max(np.abs(great_circle_distance_m(*args) - ref_s)) < 1e-3
    ok = ref_s < 0.99 * np.pi * R_MEAN_M
    assert np.max(_angle_diff(great_circle_azimuth_rad(*args), np.radians(ref_az))[ok]) < 1e-8
    dist = RNG.uniform(0.0, 2.0e7, N)
    la2, lo2 = great_circle_destination(args[0], args[1], np.radians(ref_az), dist)
    ref_lo, ref_la, _ = SPHERE.fwd(lon1, lat1, ref_az, dist)
    assert np.max(np.abs(la2 - np.radians(ref_la))) * R_MEAN_M < 1e-3
    assert np.max(_angle_diff(lo2, np.radians(ref_lo)) * np.cos(la2)) * R_MEAN_M < 1e-3
