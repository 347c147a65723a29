"""tocsin.earth.frames: Julian dates, Earth rotation angle, ECEF ↔ pseudo-inertial."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tocsin.earth.frames import (
    ERA_RATE_RAD_S,
    EarthFrame,
    earth_rotation_angle_rad,
    epoch_from_iso,
    julian_date,
    julian_date_parts,
    rotation_matrix_ecef_to_eci,
)
from tocsin.errors import InputError

EPOCH = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
FRAME = EarthFrame(EPOCH)

coord = st.floats(-5e7, 5e7)
vec3 = arrays(np.float64, 3, elements=coord)
time_s = st.floats(-1e6, 1e6)


def test_era_at_j2000() -> None:
    # IERS Conventions (2010), IERS TN 36, eq. 5.15: ERA(J2000.0) = 2π × 0.7790572732640 rev
    # = 280.46061837504°.
    era = earth_rotation_angle_rad(2451545.0)
    assert np.degrees(era) == pytest.approx(280.46061837504, abs=1e-10)


def test_era_matches_sofa_test_value() -> None:
    # SOFA/ERFA test suite (t_sofa_c.c, t_era00): iauEra00(2400000.5, 54388.0)
    # = 0.4022837240028158102 rad, tolerance 1e-12.
    assert abs(earth_rotation_angle_rad(2400000.5, 54388.0) - 0.4022837240028158102) < 1e-12
    assert abs(earth_rotation_angle_rad(2400000.5 + 54388.0) - 0.4022837240028158102) < 1e-9


def test_era_rate_is_one_sidereal_rotation() -> None:
    # IERS Conventions (2010) eq. 5.15: 1.00273781191135448 revolutions per UT1 day.
    assert ERA_RATE_RAD_S == pytest.approx(2 * np.pi * 1.00273781191135448 / 86400.0, rel=1e-15)
    d_era = earth_rotation_angle_rad(2451546.0) - earth_rotation_angle_rad(2451545.0)
    assert np.mod(d_era, 2 * np.pi) == pytest.approx(2 * np.pi * 0.00273781191135448, abs=1e-12)


def test_julian_dates() -> None:
    # J. Meeus, "Astronomical Algorithms", 2nd ed. (1998), ch. 7: J2000.0 = JD 2451545.0;
    # Example 7.a: 1957 October 4.81 = JD 2436116.31.
    assert julian_date(datetime(2000, 1, 1, 12, tzinfo=UTC)) == 2451545.0
    sputnik = datetime(1957, 10, 4, tzinfo=UTC) + timedelta(days=0.81)
    assert julian_date(sputnik) == pytest.approx(2436116.31, abs=1e-9)
    assert julian_date(datetime(1970, 1, 1, tzinfo=UTC)) == 2440587.5  # Unix epoch
    day, frac = julian_date_parts(datetime(2025, 3, 1, 18, tzinfo=UTC))
    assert day % 1.0 == 0.5 and frac == 0.75


def test_epoch_from_iso() -> None:
    assert epoch_from_iso("2025-03-01T12:00:00Z") == EPOCH
    got = epoch_from_iso("2025-03-01T13:00:00+01:00")
    assert got == EPOCH and got.tzinfo == UTC
    assert epoch_from_iso("2025-03-01T12:00:00").tzinfo == UTC
    for bad in ("yesterday", "2025-13-01T00:00:00Z", "", 20250301, None):
        with pytest.raises(InputError) as info:
            epoch_from_iso(bad)  # type: ignore[arg-type]
        assert info.value.field == "epoch"


def test_frame_epoch_normalised_to_utc() -> None:
    plus_two = datetime(2025, 3, 1, 14, tzinfo=timezone(timedelta(hours=2)))
    assert EarthFrame(plus_two).epoch_utc == EPOCH
    assert EarthFrame(datetime(2025, 3, 1, 12)).era0_rad == FRAME.era0_rad
    with pytest.raises(InputError):
        EarthFrame("2025-03-01")  # type: ignore[arg-type]


def test_rotation_matrix() -> None:
    t = np.linspace(0.0, 86400.0, 7)
    m = FRAME.rotation_matrix_ecef_to_eci(t)
    assert m.shape == (7, 3, 3)
    np.testing.assert_allclose(m @ np.swapaxes(m, -1, -2), np.broadcast_to(np.eye(3), m.shape),
                               atol=1e-15)
    np.testing.assert_allclose(np.linalg.det(m), 1.0, atol=1e-15)
    r = np.array([7e6, -2e6, 3e6])
    np.testing.assert_allclose(m @ r, FRAME.ecef_to_eci(r, t), atol=1e-8)
    np.testing.assert_array_equal(rotation_matrix_ecef_to_eci(t, EPOCH), m)
    # x_ecef points at the ERA in the ECI equator.
    x = FRAME.ecef_to_eci(np.array([1.0, 0.0, 0.0]), 0.0)
    assert np.arctan2(x[1], x[0]) % (2 * np.pi) == pytest.approx(FRAME.era0_rad, abs=1e-15)


def test_broadcasting_over_times() -> None:
    r = np.zeros((5, 3)) + [7e6, 0.0, 1e6]
    t = np.arange(5.0) * 60.0
    assert FRAME.ecef_to_eci(r, t).shape == (5, 3)
    assert FRAME.ecef_to_eci(r[0], t).shape == (5, 3)
    assert FRAME.ecef_to_eci(r, 0.0).shape == (5, 3)


@settings(max_examples=200, deadline=None)
@given(vec3, time_s)
def test_rotation_preserves_norm_and_z_and_round_trips(r: np.ndarray, t: float) -> None:
    r_eci = FRAME.ecef_to_eci(r, t)
    assert np.linalg.norm(r_eci) == pytest.approx(np.linalg.norm(r), rel=1e-14, abs=1e-8)
    assert r_eci[2] == r[2]
    np.testing.assert_allclose(FRAME.eci_to_ecef(r_eci, t), r, rtol=0,
                               atol=1e-7 + 1e-15 * np.linalg.norm(r))


@settings(max_examples=200, deadline=None)
@given(vec3, arrays(np.float64, 3, elements=st.floats(-1e4, 1e4)), time_s)
def test_state_transform_matches_finite_differences(r0: np.ndarray, v: np.ndarray,
                                                    t: float) -> None:
    # A point moving uniformly in ECEF: d/dt of R(t) r_ecef(t) must equal v_eci.
    h = 1e-2
    r_eci_p = FRAME.ecef_to_eci(r0 + v * (t + h), t + h)
    r_eci_m = FRAME.ecef_to_eci(r0 + v * (t - h), t - h)
    fd = (r_eci_p - r_eci_m) / (2 * h)
    r_eci, v_eci = FRAME.ecef_to_eci_state(r0 + v * t, v, t)
    scale = np.linalg.norm(r0 + v * t) * ERA_RATE_RAD_S + np.linalg.norm(v)
    np.testing.assert_allclose(v_eci, fd, rtol=0, atol=1e-6 * scale + 1e-6)
    r_back, v_back = FRAME.eci_to_ecef_state(r_eci, v_eci, t)
    np.testing.assert_allclose(r_back, r0 + v * t, rtol=0,
                               atol=1e-7 + 1e-15 * np.linalg.norm(r0 + v * t))
    np.testing.assert_allclose(v_back, v, rtol=0, atol=1e-9 * (scale + 1.0))


def test_point_fixed_on_earth_moves_at_rotation_speed() -> None:
    # An equatorial surface point moves at ω a ≈ 465.1 m/s in an inertial frame
    # (WGS-84 a and ω, NIMA TR8350.2 Table 3.1).
    r = np.array([6378137.0, 0.0, 0.0])
    _, v_eci = FRAME.ecef_to_eci_state(r, np.zeros(3), 1234.0)
    assert np.linalg.norm(v_eci) == pytest.approx(465.1, abs=0.05)
