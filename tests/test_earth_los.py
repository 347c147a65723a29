"""tocsin.earth.los: grazing height, line of sight, horizon range, visible cap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq, minimize_scalar

from tocsin.earth.constants import A_M, R_MEAN_M
from tocsin.earth.los import (
    earth_central_angle_visible_rad,
    elevation_of_horizon_rad,
    grazing_height_m,
    horizon_range_m,
    line_of_sight_clear,
)
from tocsin.earth.wgs84 import aer_to_ecef, ecef_to_aer, ecef_to_geodetic, geodetic_to_ecef, up_ecef
from tocsin.errors import InputError

GEO_ALT_M = 35_786e3
lat_rad = st.floats(-np.pi / 2, np.pi / 2)
lon_rad = st.floats(-np.pi, np.pi)
low_alt = st.floats(0.0, 1e6)
any_alt = st.floats(-5e3, 4e7)


def _brute_grazing(r1: np.ndarray, r2: np.ndarray) -> float:
    def h(t: float) -> float:
        return float(ecef_to_geodetic(r1 + t * (r2 - r1))[2])

    ts = np.linspace(0.0, 1.0, 4001)
    hs = ecef_to_geodetic(r1 + ts[:, None] * (r2 - r1))[2]
    j = int(np.argmin(hs))
    lo, hi = ts[max(j - 1, 0)], ts[min(j + 1, ts.size - 1)]
    res = minimize_scalar(h, bounds=(lo, hi), method="bounded", options={"xatol": 1e-13})
    return min(float(res.fun), float(hs[j]))


@settings(max_examples=200, deadline=None)
@given(lat_rad, lon_rad, any_alt, lat_rad, lon_rad, any_alt, st.floats(-1e5, 1e5))
def test_symmetry(la1: float, lo1: float, h1: float, la2: float, lo2: float, h2: float,
                  min_grazing: float) -> None:
    a = geodetic_to_ecef(la1, lo1, h1)
    b = geodetic_to_ecef(la2, lo2, h2)
    assert grazing_height_m(a, b) == grazing_height_m(b, a)
    assert line_of_sight_clear(a, b, min_grazing) == line_of_sight_clear(b, a, min_grazing)


def test_grazing_height_matches_brute_force() -> None:
    rng = np.random.default_rng(11)
    n = 40
    r1 = geodetic_to_ecef(rng.uniform(-1.5, 1.5, n), rng.uniform(-3, 3, n),
                          rng.uniform(0, 2e6, n))
    r2 = geodetic_to_ecef(rng.uniform(-1.5, 1.5, n), rng.uniform(-3, 3, n),
                          rng.uniform(0, 4e7, n))
    got = grazing_height_m(r1, r2)
    want = np.array([_brute_grazing(r1[i], r2[i]) for i in range(n)])
    shallow = want > -3.0e6  # documented exact range
    assert shallow.sum() > 10
    np.testing.assert_allclose(got[shallow], want[shallow], rtol=0, atol=1e-3)
    assert np.all(got[~shallow] < -3.0e6)


def test_chord_in_equatorial_plane() -> None:
    # The equator is a circle of radius a: a chord between two points at height h, 2θ apart,
    # passes (a + h) cos θ from the centre.
    h, theta = 500e3, np.radians(np.array([1.0, 10.0, 20.0, 30.0]))
    a = geodetic_to_ecef(0.0, -theta, h)
    b = geodetic_to_ecef(0.0, theta, h)
    np.testing.assert_allclose(grazing_height_m(a, b), (A_M + h) * np.cos(theta) - A_M,
                               rtol=0, atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(lat_rad, lon_rad, low_alt, low_alt, st.floats(-0.1, 0.1), st.floats(-0.1, 0.1))
def test_opposite_sides_at_low_altitude_blocked(la: float, lo: float, h1: float, h2: float,
                                                dla: float, dlo: float) -> None:
    a = geodetic_to_ecef(la, lo, h1)
    b = geodetic_to_ecef(np.clip(-la + dla, -np.pi / 2, np.pi / 2), lo + np.pi + dlo, h2)
    assert not line_of_sight_clear(a, b)
    assert grazing_height_m(a, b) < -5e6


@settings(max_examples=200, deadline=None)
@given(st.floats(-0.1, 0.1), lon_rad, st.floats(-0.1, 0.1), st.floats(-np.radians(150),
                                                                       np.radians(150)))
def test_geo_satellites_near_each_other_see_each_other(la1: float, lo: float, la2: float,
                                                       dlo: float) -> None:
    # GEO radius 42 164 km: a chord stays above the Earth for separations up to ~162°.
    a = geodetic_to_ecef(la1, lo, GEO_ALT_M)
    b = geodetic_to_ecef(la2, lo + dlo, GEO_ALT_M)
    assert line_of_sight_clear(a, b, min_grazing_m=100e3)


@settings(max_examples=200, deadline=None)
@given(lat_rad, lon_rad, st.floats(1.0, 1e8))
def test_surface_point_sees_its_zenith(la: float, lo: float, dist: float) -> None:
    a = geodetic_to_ecef(la, lo, 0.0)
    b = a + dist * up_ecef(la, lo)
    assert line_of_sight_clear(a, b) and line_of_sight_clear(b, a)
    assert abs(grazing_height_m(a, b)) < 1e-3


@settings(max_examples=200, deadline=None)
@given(lat_rad, lon_rad, st.floats(0.0, 2 * np.pi), st.floats(0.001, 1.0),
       st.floats(1e4, 1e7))
def test_below_the_horizontal_from_the_surface_is_blocked(la: float, lo: float, az: float,
                                                          dip: float, rng: float) -> None:
    target = aer_to_ecef(az, -dip, rng, la, lo, 0.0)
    assert not line_of_sight_clear(geodetic_to_ecef(la, lo, 0.0), target)


@pytest.mark.parametrize("h1, h2", [(1.0, 1e5), (10.0, 1e6), (1e3, 35_786e3), (3e5, 3e5)])
def test_horizon_range_vs_brute_force_search(h1: float, h2: float) -> None:
    # In the equatorial plane the ellipsoid is a circle of radius a, so the closed form with
    # R = a must agree with the farthest target still seen, found with grazing_height_m.
    observer = geodetic_to_ecef(0.0, 0.0, h1)

    def graze(lon: float) -> float:
        return float(grazing_height_m(observer, geodetic_to_ecef(0.0, lon, h2)))

    lon_max = brentq(graze, 1e-9, np.pi, xtol=1e-15)
    found = np.linalg.norm(geodetic_to_ecef(0.0, lon_max, h2) - observer)
    assert found == pytest.approx(horizon_range_m(h1, h2, radius_m=A_M), abs=1e-3)


def test_horizon_range_closed_form() -> None:
    # Symmetric case: two points at h see each other up to twice the tangent length.
    h = np.array([0.0, 1e3, 1e6])
    np.testing.assert_allclose(horizon_range_m(h, h),
                               2 * np.sqrt((R_MEAN_M + h) ** 2 - R_MEAN_M**2), rtol=1e-14)
    assert horizon_range_m(0.0, 0.0) == 0.0
    with pytest.raises(InputError):
        horizon_range_m(-1.0, 0.0)


@pytest.mark.parametrize("alt_m", [1.0, 1e3, 1e5, GEO_ALT_M])
def test_horizon_dip_gives_a_tangent_ray(alt_m: float) -> None:
    # Looking east along the equator at the dip angle (with R = a) the ray grazes the Earth.
    dip = elevation_of_horizon_rad(alt_m, radius_m=A_M)
    assert dip < 0.0
    far = aer_to_ecef(np.pi / 2, dip, 2.0 * horizon_range_m(alt_m, 0.0, radius_m=A_M),
                      0.0, 0.0, alt_m)
    assert abs(grazing_height_m(geodetic_to_ecef(0.0, 0.0, alt_m), far)) < 1e-3


def test_geo_visible_central_angle() -> None:
    # Wertz & Larson, "Space Mission Analysis and Design", 3rd ed. (1999), §5.2:
    # λ0 = arccos(R_E / (R_E + H)) ≈ 81.3° for a geostationary satellite (H = 35 786 km).
    lam0 = earth_central_angle_visible_rad(GEO_ALT_M, radius_m=A_M)
    assert np.degrees(lam0) == pytest.approx(81.3, abs=0.05)
    assert np.degrees(earth_central_angle_visible_rad(GEO_ALT_M)) == pytest.approx(81.3, abs=0.05)


@settings(max_examples=100, deadline=None)
@given(st.floats(1e5, 4e7), st.floats(0.0, np.radians(80.0)))
def test_visible_cap_edge_sees_satellite_at_min_elevation(alt_m: float, eps: float) -> None:
    # At the cap edge, the satellite stands exactly at the minimum elevation (spherical Earth).
    lam = earth_central_angle_visible_rad(alt_m, eps)
    assume(lam > 1e-6)
    sat = geodetic_to_ecef(0.0, 0.0, alt_m, spherical=True)
    _, el, _ = ecef_to_aer(sat, lam, 0.0, 0.0, spherical=True)
    assert el == pytest.approx(eps, abs=1e-9)


def test_vectorised_shapes() -> None:
    a = geodetic_to_ecef(np.zeros(4), np.linspace(0, 3, 4), 1e6)
    b = geodetic_to_ecef(0.0, 0.0, 1e6)
    assert grazing_height_m(a, b).shape == (4,)
    assert line_of_sight_clear(a[:, None], a[None, :]).shape == (4, 4)
    assert earth_central_angle_visible_rad(np.array([1e6, 2e6]), np.zeros((3, 1))).shape == (3, 2)


def test_chord_through_the_centre_is_deep_not_nan() -> None:
    # Found by hypothesis: two antipodal surface points on the equator; the chord's nearest point
    # is the Earth's centre, whose geodetic height is undefined. Its lowest point is −b (WGS-84).
    a = np.array([6378137.0, 0.0, 0.0])
    b = np.array([-6378137.0, 7.8e-10, 4.1e-154])
    h = grazing_height_m(a, b)
    assert np.isfinite(h) and h < -6.3e6
    assert not line_of_sight_clear(a, b)
