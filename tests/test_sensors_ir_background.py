"""Persistent infrared false-alarm sources: sun glint, fires, flares.

Sources: the 26 Sep 1983 Oko false alarm — sunlight reflected by high clouds, taken for Minuteman
launches (REFERENCE.md, False alarms; widely reported). Specular reflection: the mirror image of
the Sun's direction about the surface normal, m̂ = 2(ŝ·n̂)n̂ − ŝ (law of reflection, e.g. E. Hecht,
*Optics*, 4th ed. (2002), §4.3). The Sun from :mod:`tocsin.earth.sun` (Meeus ch. 25).

The "1983-like" geometry below is illustrative, not a reconstruction: a Molniya-type satellite at
apogee over 15° W at 20:40 UTC on 25 Sep 1983 (just after midnight in Moscow, when the alarm came)
has its specular point over the northern US plains, where Minuteman fields lie.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from tocsin.earth.frames import EarthFrame
from tocsin.earth.sun import sun_direction_ecef, sun_elevation_rad
from tocsin.earth.wgs84 import ecef_to_geodetic, geodetic_to_ecef, up_ecef
from tocsin.errors import InputError
from tocsin.flight.orbits import ElementsBatch, KeplerianElements, satellite_states_ecef
from tocsin.sensors.detections import FALSE_ALARM, los_from_angles
from tocsin.sensors.infrared import InfraredSensor, ir_observe
from tocsin.sensors.ir_background import (
    BackgroundSource,
    background_observe,
    background_visible,
)
from tocsin.sensors.sensor import InfraredSatellite, TabulatedEphemeris
from tocsin.sensors.truth import TruthTable

DEG = math.pi / 180.0
FRAME_1983 = EarthFrame(datetime(1983, 9, 25, 20, 40, tzinfo=UTC))
SENSOR = InfraredSensor("oko-1", "red", mode="limb", false_alarms_per_frame=0.0)


def _molniya(t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    b = ElementsBatch.from_elements([KeplerianElements.molniya(-15.0 * DEG, FRAME_1983)])
    r, v = satellite_states_ecef(b, FRAME_1983, t_s)
    return r[0], v[0]


def _specular_point(sat: np.ndarray, frame: EarthFrame, t_s: float, alt_m: float
                    ) -> tuple[float, float]:
    """Geodetic point whose normal bisects the Sun and the satellite directions (fixed point)."""
    s = sun_direction_ecef(frame, t_s)
    n = s.copy()
    for _ in range(40):
        lat, lon = math.asin(n[2]), math.atan2(n[1], n[0])
        d = sat - geodetic_to_ecef(lat, lon, alt_m)
        n = s + d / np.linalg.norm(d)
        n /= np.linalg.norm(n)
    return math.asin(n[2]), math.atan2(n[1], n[0])


@pytest.fixture(scope="module")
def glint_1983() -> tuple[BackgroundSource, np.ndarray, np.ndarray]:
    t = np.arange(0.0, 60.0, 10.0)
    r, v = _molniya(t)
    lat, lon = _specular_point(r[0], FRAME_1983, 0.0, 10e3)
    src = BackgroundSource("cloud-1", "sun-glint", lat, lon)  # cloud tops ~10 km by default
    return src, r, v


def test_1983_like_glint_over_the_northern_plains(glint_1983) -> None:
    src, r, _ = glint_1983
    assert math.degrees(ecef_to_geodetic(r[0])[0]) == pytest.approx(63.8, abs=0.5)  # apogee
    assert 40.0 < math.degrees(src.lat_rad) < 52.0 and -112.0 < math.degrees(src.lon_rad) < -96.0
    assert src.alt_m == 10e3 and src.intensity_w_sr == 5e5
    assert float(sun_elevation_rad(FRAME_1983, 0.0, src.lat_rad, src.lon_rad)) > 0.0


def test_glint_reported_only_in_specular_geometry(glint_1983) -> None:
    src, r, v = glint_1983
    t = np.arange(0.0, 60.0, 10.0)
    det = background_observe([src], SENSOR, 2, r, v, t, FRAME_1983, np.random.default_rng(0))
    # Seen in every frame (SNR ≈ 14 ≫ 5) even by a limb-watching sensor, as a false alarm.
    np.testing.assert_array_equal(det.t_s, t)
    assert np.all(det.truth_id == FALSE_ALARM) and np.all(det.sensor == 2)
    los = los_from_angles(det.z[:, 0], det.z[:, 1], det.sensor_frame)
    true = geodetic_to_ecef(src.lat_rad, src.lon_rad, 10e3) - r
    true /= np.linalg.norm(true, axis=-1, keepdims=True)
    assert np.all(np.arccos(np.clip(np.sum(los * true, -1), -1, 1)) < 6 * SENSOR.angle_sigma_rad)
    # 10° of latitude away the mirror is ~20° off: nothing.
    off = BackgroundSource("cloud-2", "sun-glint", src.lat_rad + 10 * DEG, src.lon_rad)
    assert not background_visible([off], SENSOR, r, t, FRAME_1983).any()
    # Same place, same satellite position, six hours later: the Sun has moved; no glint. A fire
    # there is seen whatever the Sun does.
    later = t + 6 * 3600.0
    assert not background_visible([src], SENSOR, r, later, FRAME_1983).any()
    fire = BackgroundSource("fire-1", "fire", src.lat_rad, src.lon_rad)
    assert background_visible([fire], SENSOR, r, later, FRAME_1983).all()


def test_visible_glints_satisfy_the_mirror_law_and_daylight() -> None:
    rng = np.random.default_rng(3)
    t = np.arange(0.0, 86_400.0, 1_800.0)
    r, _ = _molniya(t)
    k = 400
    lat = np.arcsin(rng.uniform(-1, 1, k))
    lon = rng.uniform(-math.pi, math.pi, k)
    srcs = [BackgroundSource(f"g{i}", "sun-glint", float(lat[i]), float(lon[i]),
                             glint_half_angle_rad=8 * DEG) for i in range(k)]
    vis = background_visible(srcs, SENSOR, r, t, FRAME_1983)
    assert 0 < vis.sum() < vis.size
    i, j = np.nonzero(vis)
    s = sun_direction_ecef(FRAME_1983, t[j])
    up = up_ecef(lat[i], lon[i])
    assert np.all(np.sum(s * up, -1) > 0.0)  # the Sun is up
    mirror = 2 * np.sum(s * up, -1)[:, None] * up - s
    d = r[j] - geodetic_to_ecef(lat[i], lon[i], 10e3)
    d /= np.linalg.norm(d, axis=-1, keepdims=True)
    assert np.all(np.arccos(np.clip(np.sum(d * mirror, -1), -1, 1)) <= 8 * DEG + 1e-9)


def test_flare_only_while_it_burns_and_fire_drifts() -> None:
    t = np.arange(0.0, 200.0, 10.0)
    r, v = _molniya(t)
    lat, lon = 55 * DEG, 40 * DEG
    flare = BackgroundSource("flare-1", "flare", lat, lon, start_s=50.0, duration_s=30.0)
    det = background_observe([flare], SENSOR, 0, r, v, t, None, np.random.default_rng(1))
    np.testing.assert_array_equal(det.t_s, [50.0, 60.0, 70.0])
    sensor = InfraredSensor("m", "red", angle_sigma_rad=1e-9, false_alarms_per_frame=0.0)
    fire = BackgroundSource("fire-1", "fire", lat, lon, drift_north_m_s=10.0,
                            intensity_w_sr=1e7)
    det = background_observe([fire], sensor, 0, r, v, t, None, np.random.default_rng(1))
    assert len(det) == t.size
    # After 190 s at 10 m/s the fire is ~1.9 km further north, along its meridian.
    los = los_from_angles(det.z[-1, 0], det.z[-1, 1], det.sensor_frame[-1])
    expect = geodetic_to_ecef(lat + 1_900.0 / 6_378_137.0, lon, 0.0) - r[-1]
    ang = math.acos(min(1.0, float(los @ expect / np.linalg.norm(expect))))
    assert ang < 1e-6  # ≈ 0.04 km at 40,000 km


def test_ir_observe_includes_background_as_false_alarms(glint_1983) -> None:
    src, r, v = glint_1983
    t = np.arange(0.0, 60.0, 10.0)
    truth = TruthTable(t, ("x",), np.full((1, t.size, 3), 7e6), np.zeros((1, t.size, 3)),
                       np.zeros((1, t.size), np.int8), np.zeros((1, t.size), bool),
                       np.zeros((1, t.size)), np.zeros((1, t.size)))
    fire = BackgroundSource("fire-1", "fire", 55 * DEG, 40 * DEG)
    eph = TabulatedEphemeris(t, r, v)
    sat = InfraredSatellite(SENSOR, eph, (src, fire), FRAME_1983)
    det = sat.observe(truth, np.random.default_rng(2))
    assert len(det) >= t.size and np.all(det.truth_id == FALSE_ALARM)
    assert np.all(np.diff(det.t_s) >= 0.0)
    plume_only = ir_observe(SENSOR, 0, r, v, truth, np.random.default_rng(2))
    assert len(plume_only) < len(det)
    with pytest.raises(InputError) as err:
        InfraredSatellite(SENSOR, eph, (src,)).observe(truth, np.random.default_rng(2))
    assert err.value.field == "frame"


@pytest.mark.parametrize(("field", "value"), [
    ("id", ""), ("kind", "volcano"), ("lat_rad", 2.0), ("lon_rad", math.nan), ("alt_m", -5.0),
    ("start_s", math.inf), ("duration_s", 0.0), ("intensity_w_sr", -1.0),
    ("drift_east_m_s", 1e6), ("glint_half_angle_rad", 0.0),
])
def test_bad_source_parameters_name_the_field(field: str, value: object) -> None:
    args: dict[str, object] = {"id": "s", "kind": "fire", "lat_rad": 0.1, "lon_rad": 0.2}
    args[field] = value
    with pytest.raises(InputError) as err:
        BackgroundSource(**args)  # type: ignore[arg-type]
    assert err.value.field == field


# --------------------------------------------------------------------------------------------
# The documented default height of a source in a scenario file (docs/scenario.md, background)
# --------------------------------------------------------------------------------------------

_SCENARIO = """
name: glint heights
epoch: 1983-09-25T20:40:00Z
duration_s: 60
partners: [{id: red}]
satellites:
  - {id: geo-1, owner: red, orbit: {kind: geo, lon_deg: -100}}
background:
  - {id: g0, kind: sun-glint, site: {lat_deg: 47, lon_deg: -100}, duration_s: 60}
  - {id: g1, kind: sun-glint, site: {lat_deg: 47, lon_deg: -100, alt_m: 800}, duration_s: 60}
  - {id: g2, kind: sun-glint, site: {lat_deg: 47, lon_deg: -100}, duration_s: 60,
     cloud_top_km: 12.5}
  - {id: f0, kind: fire, site: {lat_deg: 40, lon_deg: -110, alt_m: 1500}, duration_s: 60}
"""


def _documented_default_km() -> str:
    """The default column of the ``cloud_top_km`` row of docs/scenario.md's background table."""
    from pathlib import Path

    doc = Path(__file__).resolve().parents[1] / "docs" / "scenario.md"
    row = next(line for line in doc.read_text("utf-8").splitlines()
               if line.startswith("| `cloud_top_km` |"))
    return row.split("|")[4].strip()


def test_glint_without_cloud_top_sits_at_the_documented_10_km() -> None:
    # A glint is sunlight off high cloud tops, ~10 km in the 1983 Oko false alarm (REFERENCE.md,
    # False alarms); the ground under the clouds (site.alt_m) is not where the light comes from.
    from tocsin.scenario.loader import parse_scenario
    from tocsin.scenario.sensors import build_sensors
    from tocsin.sensors.ir_background import TYPICAL_ALT_M

    assert _documented_default_km() == "10 km"
    assert TYPICAL_ALT_M["sun-glint"] == 10e3
    alts = {b.id: b.alt_m for b in build_sensors(parse_scenario(_SCENARIO)).background}
    assert alts == {"g0": pytest.approx(10e3), "g1": pytest.approx(10e3),
                    "g2": pytest.approx(12.5e3), "f0": pytest.approx(1500.0)}
