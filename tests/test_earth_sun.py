"""Low-precision Sun against published values.

Sources:

* J. Meeus, *Astronomical Algorithms*, 2nd ed. (1998), example 25.a: 1992 Oct 13.0 TD
  (JDE 2448908.5): apparent α = −161.61917° (13h13m31.4s), δ = −7.78507°, R = 0.99766 AU; and
  example 25.b (full VSOP87 theory): α = 13h13m30.749s, δ = −7°47′01.74″ — the low-accuracy
  method is good to ~0.01°.
* Equinoxes and solstices of 2024 (US Naval Observatory, "Earth's Seasons and Apsides"):
  20 Mar 03:06, 20 Jun 20:51, 22 Sep 12:44, 21 Dec 09:20 UTC; at a solstice the declination
  equals the obliquity, 23.436° in 2024 (Meeus eq. 22.2), at an equinox it is 0.
* Greenwich apparent sidereal time from skyfield (an independent implementation, IAU 2000A;
  its built-in timescale needs no downloaded file) checks the rotation into ECEF.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from tocsin.earth.frames import EarthFrame
from tocsin.earth.sun import (
    TT_MINUS_UTC_S,
    solar_coordinates,
    subsolar_point,
    sun_direction_ecef,
    sun_elevation_rad,
)

DEG = math.pi / 180.0


def test_meeus_example_25a() -> None:
    ra, dec, r_au = solar_coordinates(2448908.5)
    assert math.degrees(float(ra)) - 360.0 == pytest.approx(-161.61917, abs=2e-5)
    assert math.degrees(float(dec)) == pytest.approx(-7.78507, abs=2e-5)
    assert float(r_au) == pytest.approx(0.99766, abs=1e-5)
    # Within 0.01° of the full theory (example 25.b).
    ra_vsop = (13 + 13 / 60 + 30.749 / 3600) * 15.0
    dec_vsop = -(7 + 47 / 60 + 1.74 / 3600)
    assert abs(math.degrees(float(ra)) - ra_vsop) < 0.01
    assert abs(math.degrees(float(dec)) - dec_vsop) < 0.01


@pytest.mark.parametrize(("when", "dec_deg"), [
    (datetime(2024, 3, 20, 3, 6, tzinfo=UTC), 0.0),
    (datetime(2024, 6, 20, 20, 51, tzinfo=UTC), 23.436),
    (datetime(2024, 9, 22, 12, 44, tzinfo=UTC), 0.0),
    (datetime(2024, 12, 21, 9, 20, tzinfo=UTC), -23.436),
])
def test_declination_at_equinoxes_and_solstices(when: datetime, dec_deg: float) -> None:
    # One minute of time moves the Sun's declination by ≤ 0.007° near an equinox.
    lat, _ = subsolar_point(EarthFrame(when), 0.0)
    assert math.degrees(float(lat)) == pytest.approx(dec_deg, abs=0.012)


def test_direction_matches_ra_dec_and_skyfield_sidereal_time() -> None:
    skyfield = pytest.importorskip("skyfield.api")
    ts = skyfield.load.timescale(builtin=True)
    epoch = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    t_s = np.array([0.0, 3_600.0, 7.3 * 86_400.0, 200.0 * 86_400.0])
    s = sun_direction_ecef(EarthFrame(epoch), t_s)
    assert s.shape == (4, 3)
    np.testing.assert_allclose(np.linalg.norm(s, axis=-1), 1.0, atol=1e-12)
    for k, dt in enumerate(t_s):
        t = ts.utc(2025, 3, 1, 12, 0, float(dt))
        ra, dec, _ = solar_coordinates(t.tt)
        gast = t.gast * 15.0 * DEG
        expect = np.array([math.cos(dec) * math.cos(ra - gast),
                           math.cos(dec) * math.sin(ra - gast), math.sin(dec)])
        assert math.degrees(math.acos(min(1.0, float(s[k] @ expect)))) < 0.001


def test_tt_offset_is_current_leap_seconds() -> None:
    skyfield = pytest.importorskip("skyfield.api")
    t = skyfield.load.timescale(builtin=True).utc(2025, 1, 1)  # JD(UTC) 2460676.5
    assert (t.tt - 2460676.5) * 86_400.0 == pytest.approx(TT_MINUS_UTC_S, abs=1e-3)


def test_subsolar_noon_and_night() -> None:
    # At the subsolar point the Sun is at the zenith; at the antipode it is at the nadir.
    frame = EarthFrame(datetime(2024, 6, 20, 20, 51, tzinfo=UTC))
    t = np.array([0.0, 6 * 3600.0])
    lat, lon = subsolar_point(frame, t)
    el = sun_elevation_rad(frame, t, lat, lon)
    np.testing.assert_allclose(el, math.pi / 2, atol=1e-6)
    el_anti = sun_elevation_rad(frame, t, -lat, lon + math.pi)
    np.testing.assert_allclose(el_anti, -math.pi / 2, atol=1e-6)
    # The subsolar point moves west by ~15° an hour (Earth's rotation, ±equation-of-time drift).
    dlon = math.degrees(float(np.angle(np.exp(1j * (lon[1] - lon[0])))))
    assert dlon == pytest.approx(-90.0, abs=0.1)


def test_subsolar_longitude_at_equinox_is_minus_gast() -> None:
    # At the March equinox the Sun's apparent RA is 0, so the subsolar meridian is at −GAST.
    skyfield = pytest.importorskip("skyfield.api")
    t = skyfield.load.timescale(builtin=True).utc(2024, 3, 20, 3, 6)
    _, lon = subsolar_point(EarthFrame(datetime(2024, 3, 20, 3, 6, tzinfo=UTC)), 0.0)
    expect = -t.gast * 15.0 * DEG
    assert abs(float(np.angle(np.exp(1j * (float(lon) - expect))))) < 0.02 * DEG
