"""J2 gravity and the height along the radius: the scalar kernels of :mod:`tocsin.earth`.

These kernels are the one implementation that the flight kernel, the trackers' motion models and
the numpy-facing :func:`gravity_ecef` share, so they are checked here against independent
formulas: Vallado (2013) eq. 8-30 written out in numpy, the gradient against central
differences, and the height against the exact geodetic height of :func:`ecef_to_geodetic`.
"""

from __future__ import annotations

import numpy as np
import pytest

from tocsin.earth.atmosphere import ALT0_M, DALT_M, density_kg_m3, density_spline, spline_density
from tocsin.earth.constants import A_M, E2, GM_M3_S2, J2, R_MEAN_M
from tocsin.earth.gravity import gravity_ecef, gravity_j2_jacobian, gravity_j2_xyz
from tocsin.earth.model import EarthModel
from tocsin.earth.wgs84 import (
    ecef_to_geodetic,
    geodetic_to_ecef,
    radial_height_grad,
    radial_height_m,
)


def _points(n: int = 200, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(-np.pi / 2, np.pi / 2, n)
    lon = rng.uniform(-np.pi, np.pi, n)
    alt = rng.uniform(0.0, 2_000e3, n)
    return geodetic_to_ecef(lat, lon, alt)


def _vallado_8_30(r: np.ndarray, j2: float) -> np.ndarray:
    """Vallado (2013) eq. 8-30, point mass + J2, written out independently in numpy."""
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    rn = np.linalg.norm(r, axis=-1)
    c = 1.5 * j2 * (A_M / rn) ** 2
    zz = 5.0 * (z / rn) ** 2
    k = -GM_M3_S2 / rn**3
    return np.stack([k * x * (1 + c * (1 - zz)), k * y * (1 + c * (1 - zz)),
                     k * z * (1 + c * (3 - zz))], axis=-1)


@pytest.mark.parametrize("j2", [True, False])
def test_gravity_ecef_equals_the_written_out_formula(j2: bool) -> None:
    r = _points().reshape(20, 10, 3)
    g = gravity_ecef(r, j2=j2)
    assert g.shape == r.shape
    np.testing.assert_allclose(g, _vallado_8_30(r, J2 if j2 else 0.0), rtol=1e-13, atol=1e-15)


def test_gravity_ecef_is_the_scalar_kernel_point_by_point() -> None:
    r = _points(20)
    g = gravity_ecef(r)
    for ri, gi in zip(r, g, strict=True):
        assert tuple(gi) == gravity_j2_xyz(ri[0], ri[1], ri[2], GM_M3_S2, J2, A_M)
    np.testing.assert_array_equal(gravity_ecef(r[0]), g[0])      # one vector, shape (3,)


def test_gravity_jacobian_matches_central_differences() -> None:
    for r in _points(30, seed=2):
        gxx, gxy, gxz, gyy, gyz, gzz = gravity_j2_jacobian(r[0], r[1], r[2], GM_M3_S2, J2, A_M)
        jac = np.array([[gxx, gxy, gxz], [gxy, gyy, gyz], [gxz, gyz, gzz]])
        fd = np.empty((3, 3))
        for j in range(3):
            dr = np.zeros(3)
            dr[j] = 10.0
            fd[:, j] = (np.array(gravity_j2_xyz(*(r + dr), GM_M3_S2, J2, A_M))
                        - np.array(gravity_j2_xyz(*(r - dr), GM_M3_S2, J2, A_M))) / 20.0
        # Rounding of g (~1e-15 relative of ~10 m/s²) over 20 m: ~1e-15 /s² in the differences.
        np.testing.assert_allclose(jac, fd, rtol=0, atol=1e-6 * np.abs(jac).max())


def test_radial_height_is_close_to_geodetic_height() -> None:
    r = _points(500, seed=3)
    b, e2 = EarthModel().height_figure()
    assert (b, e2) == (pytest.approx(6_356_752.3142, abs=1e-4), E2)
    h = np.array([radial_height_m(*p, b, e2) for p in r])
    _, _, h_geo = ecef_to_geodetic(r)
    # The radius through the point meets the ellipsoid off the normal: at most ~6 m at 2,000 km
    # (e² sin 2φ ~ 7e-3 rad of tilt, second order in it over the height).
    assert np.max(np.abs(h - h_geo)) < 25.0
    surface = geodetic_to_ecef(np.array([0.0, 0.7, -1.2, np.pi / 2]), 0.3, 0.0)
    for p in surface:
        assert radial_height_m(*p, b, e2) == pytest.approx(0.0, abs=1e-6)


def test_radial_height_on_a_sphere_is_radius_minus_r() -> None:
    b, e2 = EarthModel(spherical=True).height_figure()
    assert (b, e2) == (R_MEAN_M, 0.0)
    r = _points(10, seed=4)
    for p in r:
        assert radial_height_m(*p, b, e2) == pytest.approx(np.linalg.norm(p) - R_MEAN_M,
                                                           abs=1e-7)


def test_radial_height_gradient_matches_central_differences() -> None:
    b, e2 = EarthModel().height_figure()
    for p in _points(30, seed=5):
        h, *grad = radial_height_grad(p[0], p[1], p[2], b, e2)
        assert h == pytest.approx(radial_height_m(p[0], p[1], p[2], b, e2), abs=1e-7)
        fd = [(radial_height_m(*(p + d), b, e2) - radial_height_m(*(p - d), b, e2)) / 2.0
              for d in np.eye(3)]
        np.testing.assert_allclose(grad, fd, atol=1e-8)


def test_density_spline_reproduces_the_table_and_its_slope() -> None:
    spline = density_spline()
    alt = np.array([0.0, 11e3, 50e3, 86e3, 120e3, 300e3, 550e3])
    rho = np.array([spline_density(h, ALT0_M, DALT_M, spline)[0] for h in alt])
    np.testing.assert_allclose(rho, density_kg_m3(alt), rtol=1e-3)
    for h in (5e3, 40e3, 95e3):                          # slope = central difference
        d = spline_density(h, ALT0_M, DALT_M, spline)[1]
        fd = (spline_density(h + 1.0, ALT0_M, DALT_M, spline)[0]
              - spline_density(h - 1.0, ALT0_M, DALT_M, spline)[0]) / 2.0
        assert d == pytest.approx(fd, rel=1e-6)
    assert spline_density(700e3, ALT0_M, DALT_M, spline) == (0.0, 0.0)
    assert spline_density(-6e3, ALT0_M, DALT_M, spline) == (spline[0, 0], 0.0)
