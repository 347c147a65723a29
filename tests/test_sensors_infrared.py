"""Infrared early-warning sensor: geometry, detection physics, noise, false alarms.

Sources cited by the checks:

* Visible cap from altitude H: Earth central angle λ0 = arccos(R/(R + H)), ≈ 81.3° from GEO —
  J. R. Wertz & W. J. Larson (eds.), *Space Mission Analysis and Design* (SMAD), 3rd ed. (1999),
  §5.2.
* Threshold detection in Gaussian noise, Pd = ½ erfc((T − SNR)/√2) — G. C. Holst,
  *Electro-Optical Imaging System Performance*, 5th ed. (2008), ch. 13; R. D. Hudson, *Infrared
  System Engineering* (1969), §11.4. Normal CDF values Φ(1) = 0.841345, Φ(−1) = 0.158655,
  Φ(3) = 0.998650 (Abramowitz & Stegun, Table 26.1).
* Poisson counts: mean = variance (any probability text).
* Detection altitude 10–15 km is a modelling assumption (REFERENCE.md, Warning times).
* Molniya/EKS orbits watch the northern hemisphere (Podvig, russianforces.org, Jan 2024).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tocsin.earth.constants import A_M
from tocsin.earth.frames import EarthFrame
from tocsin.earth.los import grazing_height_m, line_of_sight_clear
from tocsin.earth.wgs84 import ecef_to_geodetic, geodetic_to_ecef
from tocsin.errors import InputError
from tocsin.flight import LaunchBatch, LaunchPlan, get_vehicle, propagate
from tocsin.flight.orbits import ElementsBatch, KeplerianElements, satellite_states_ecef
from tocsin.sensors.detections import FALSE_ALARM, IR, angles_from_los, los_from_angles
from tocsin.sensors.infrared import (
    InfraredSensor,
    detection_probability,
    frame_times,
    ir_observe,
    ir_possible,
    max_off_nadir_rad,
    sensor_frames,
)
from tocsin.sensors.signatures import signatures
from tocsin.sensors.truth import TruthTable

DEG = math.pi / 180.0
FRAME = EarthFrame(datetime(2025, 3, 1, tzinfo=UTC))
GEO_LON = -100.0 * DEG


def _geo_state(lon_rad: float = GEO_LON, n: int = 1) -> tuple[np.ndarray, np.ndarray]:
    b = ElementsBatch.from_elements([KeplerianElements.geo(lon_rad, FRAME)])
    r, v = satellite_states_ecef(b, FRAME, np.zeros(1))
    return np.repeat(r[0], n, axis=0), np.repeat(v[0], n, axis=0)


def _truth(r: np.ndarray, t_s: np.ndarray, intensity: float | np.ndarray = 1e6,
           burning: bool | np.ndarray = True) -> TruthTable:
    """Objects (n, m, 3) at times (m,), all burning with the given intensity."""
    n, m = r.shape[:2]
    burn = np.broadcast_to(np.asarray(burning), (n, m)).copy()
    ir = np.where(burn, np.broadcast_to(np.asarray(intensity, float), (n, m)), 0.0)
    return TruthTable(np.asarray(t_s, float), tuple(f"o{k}" for k in range(n)), r,
                      np.zeros_like(r), np.ones((n, m), np.int8), burn, np.ones((n, m)), ir)


def _at_central_angle(lam_rad: np.ndarray, alt_m: float, lon0: float = GEO_LON) -> np.ndarray:
    """Points on the equator at central angle λ east of the sub-satellite point, ECEF (k, 3)."""
    return geodetic_to_ecef(np.zeros_like(lam_rad), lon0 + lam_rad, alt_m)


# --- parameters -----------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [
    ("id", ""), ("partner", 3), ("frame_period_s", 0.0), ("frame_period_s", math.nan),
    ("mode", "sideways"), ("detection_alt_m", -1.0), ("nei_w_m2", 0.0), ("threshold_snr", -2.0),
    ("angle_sigma_rad", 0.0), ("false_alarms_per_frame", -0.1), ("max_off_nadir_rad", 2.0),
    ("limb_margin_rad", -0.1), ("limb_min_grazing_m", math.inf), ("nei_w_m2", True),
])
def test_bad_parameters_name_the_field(field: str, value: object) -> None:
    with pytest.raises(InputError) as err:
        InfraredSensor(**{"id": "s1", "partner": "blue", field: value})  # type: ignore[arg-type]
    assert err.value.field == field


def test_bad_satellite_array_is_rejected() -> None:
    sensor = InfraredSensor("s1", "blue")
    truth = _truth(np.zeros((1, 3, 3)) + [A_M + 20e3, 0, 0], np.arange(3.0))
    with pytest.raises(InputError) as err:
        ir_possible(sensor, np.zeros((2, 3)), truth)
    assert err.value.field == "sat_r_ecef_m"


def test_frame_times_are_multiples_of_the_period() -> None:
    s = InfraredSensor("s1", "blue", frame_period_s=10.0)
    np.testing.assert_array_equal(frame_times(s, 3.0, 41.0), [10.0, 20.0, 30.0, 40.0])
    np.testing.assert_array_equal(frame_times(s, 0.0, 20.0), [0.0, 10.0, 20.0])
    assert frame_times(s, 1.0, 9.0).size == 0
    with pytest.raises(InputError):
        frame_times(s, 10.0, 5.0)


# --- frames and angles ----------------------------------------------------------------------

def test_sensor_frames_orthonormal_nadir_and_geo_east() -> None:
    b = ElementsBatch.from_elements([KeplerianElements.geo(GEO_LON, FRAME),
                                     KeplerianElements.molniya(60 * DEG, FRAME)])
    r, v = satellite_states_ecef(b, FRAME, np.arange(0.0, 40_000.0, 4_000.0))
    f = sensor_frames(r, v)
    assert f.shape == r.shape + (3,)
    np.testing.assert_allclose(np.einsum("...ij,...kj->...ik", f, f),
                               np.broadcast_to(np.eye(3), f.shape), atol=1e-12)
    np.testing.assert_allclose(np.linalg.det(f), 1.0, atol=1e-12)  # right-handed
    np.testing.assert_allclose(f[..., 2, :], -r / np.linalg.norm(r, axis=-1)[..., None])
    # GEO: no Earth-relative motion, x̂ is local east. Molniya: x̂ along its ground-relative motion.
    east = [math.cos(GEO_LON + math.pi / 2), math.sin(GEO_LON + math.pi / 2), 0.0]
    np.testing.assert_allclose(f[0, :, 0, :], np.broadcast_to(east, (r.shape[1], 3)), atol=1e-9)
    assert np.all(np.sum(f[1, :, 0, :] * v[1], axis=-1) > 0.0)


@settings(max_examples=200, deadline=None)
@given(lat=st.floats(-1.5, 1.5), lon=st.floats(-3.1, 3.1), alt=st.floats(500e3, 40_000e3),
       vaz=st.floats(0.0, 6.28), speed=st.floats(0.0, 8e3), off=st.floats(0.0, 1.3),
       az=st.floats(0.0, 6.28))
def test_angles_round_trip(lat: float, lon: float, alt: float, vaz: float, speed: float,
                           off: float, az: float) -> None:
    r = geodetic_to_ecef(lat, lon, alt)
    e = np.array([-math.sin(lon), math.cos(lon), 0.0])
    n = np.cross(r / np.linalg.norm(r), e)
    v = speed * (math.cos(vaz) * e + math.sin(vaz) * n)
    f = sensor_frames(r, v)
    los = (math.sin(off) * (math.cos(az) * f[0] + math.sin(az) * f[1]) + math.cos(off) * f[2])
    a, b = angles_from_los(los, f)
    np.testing.assert_allclose(los_from_angles(a, b, f), los, atol=1e-12)


# --- what can be seen -----------------------------------------------------------------------

def test_geo_visible_cap_about_81_degrees() -> None:
    sensor = InfraredSensor("g", "blue", mode="both")
    sat_r, _ = _geo_state()
    h_sat = np.linalg.norm(sat_r[0]) - A_M
    lam0 = math.acos(A_M / (A_M + h_sat))
    assert math.degrees(lam0) == pytest.approx(81.3, abs=0.1)  # SMAD §5.2
    lam = np.arange(0.0, 100.0, 0.25) * DEG
    low = _at_central_angle(lam, 13e3)  # a plume just above the detection altitude
    ok = ir_possible(sensor, sat_r, _truth(low[:, None, :], np.zeros(1)))[:, 0]
    seen = np.degrees(lam[ok])
    # Against the Earth up to a few degrees short of λ0 (near the limb the background is the
    # lower atmosphere, neither Earth nor space); never beyond λ0.
    assert seen.min() == 0.0 and 75.0 < seen.max() <= math.degrees(lam0)
    assert np.all(np.diff(lam[ok]) < 0.3 * DEG)  # one contiguous cap


def test_never_below_detection_altitude_nor_behind_the_earth() -> None:
    rng = np.random.default_rng(1)
    sensor = InfraredSensor("g", "blue")
    sat_r, _ = _geo_state()
    k = 20_000
    lat = np.arcsin(rng.uniform(-1, 1, k))
    lon = rng.uniform(-math.pi, math.pi, k)
    alt = rng.uniform(0.0, 400e3, k)
    r = geodetic_to_ecef(lat, lon, alt)
    burning = rng.random(k) < 0.8
    ok = ir_possible(sensor, sat_r, _truth(r[:, None, :], np.zeros(1),
                                           burning=burning[:, None]))[:, 0]
    assert ok.sum() > 2_000
    assert np.all(alt[ok] >= sensor.detection_alt_m)
    assert np.all(burning[ok])
    assert np.all(line_of_sight_clear(sat_r[0], r[ok]))
    assert not np.any(ok & (alt < 12e3))


def test_look_down_and_limb_classification() -> None:
    sat_r, _ = _geo_state()
    lam = np.array([30.0, 60.0, 80.0, 88.0, 92.0]) * DEG
    alt = np.array([50e3, 20e3, 20e3, 300e3, 500e3])
    r = geodetic_to_ecef(0.0, GEO_LON + lam, alt)
    truth = _truth(r[:, None, :], np.zeros(1))
    down = ir_possible(InfraredSensor("g", "b", mode="look-down"), sat_r, truth)[:, 0]
    limb = ir_possible(InfraredSensor("g", "b", mode="limb"), sat_r, truth)[:, 0]
    both = ir_possible(InfraredSensor("g", "b", mode="both"), sat_r, truth)[:, 0]
    # Behind the first two the continued ray hits the Earth; the third sits near the limb against
    # the lower atmosphere (continued ray grazes below 50 km); the last two stand against space.
    for k in range(5):
        u = (r[k] - sat_r[0]) / np.linalg.norm(r[k] - sat_r[0])
        h_behind = float(grazing_height_m(r[k], r[k] + 2e7 * u))
        assert (h_behind < 0) == (k < 2)
        assert (h_behind >= 50e3) == (k >= 3)
    np.testing.assert_array_equal(down, [True, True, False, False, False])
    np.testing.assert_array_equal(limb, [False, False, False, True, True])
    np.testing.assert_array_equal(both, down | limb)


def test_field_of_regard_limits_the_view() -> None:
    sat_r, _ = _geo_state()
    default = float(max_off_nadir_rad(InfraredSensor("g", "b"), sat_r)[0])
    assert math.degrees(default) == pytest.approx(math.degrees(math.asin(A_M / 42_164e3)) + 2.0,
                                                  abs=0.01)
    narrow = InfraredSensor("g", "b", max_off_nadir_rad=3.0 * DEG)
    r = _at_central_angle(np.array([5.0, 40.0]) * DEG, 50e3)
    ok = ir_possible(narrow, sat_r, _truth(r[:, None, :], np.zeros(1)))[:, 0]
    np.testing.assert_array_equal(ok, [True, False])  # 40° central angle ≈ 6.5° off nadir


def test_molniya_near_apogee_sees_high_latitude_launches() -> None:
    b = ElementsBatch.from_elements([KeplerianElements.molniya(60 * DEG, FRAME)])
    t = np.arange(0.0, 43_200.0, 60.0)
    r, _ = satellite_states_ecef(b, FRAME, t)
    k = int(np.argmax(np.linalg.norm(r[0], axis=-1)))
    sat = r[0, k:k + 1]
    lat_s, lon_s, _ = ecef_to_geodetic(sat[0])
    assert math.degrees(lat_s) == pytest.approx(63.8, abs=1.0)
    sites = np.array([[55, 40], [70, 100], [85, 0], [62, -150], [47, -100], [-40, 60]]) * DEG
    pts = geodetic_to_ecef(sites[:, 0], sites[:, 1], 60e3)
    ok = ir_possible(InfraredSensor("m", "red", mode="look-down"), sat,
                     _truth(pts[:, None, :], np.zeros(1)))[:, 0]
    # The northern sites are seen looking down; 40° S (~104° of arc away) is not.
    np.testing.assert_array_equal(ok, [True, True, True, True, True, False])


# --- detection physics ------------------------------------------------------------------------

def test_pd_formula() -> None:
    t = 5.0
    pd = detection_probability(np.array([5.0, 6.0, 4.0, 8.0, 0.0, 40.0]), t)
    np.testing.assert_allclose(pd[:4], [0.5, 0.841345, 0.158655, 0.998650], atol=2e-6)
    assert pd[4] < 1e-6 and pd[5] == 1.0


def test_detection_frequency_matches_pd_and_angle_noise() -> None:
    sigma = 30e-6
    sensor = InfraredSensor("g", "b", angle_sigma_rad=sigma, false_alarms_per_frame=0.0)
    m = 20_000
    sat_r, sat_v = _geo_state(n=m)
    target = _at_central_angle(np.array([20.0 * DEG]), 30e3)[0]
    rng_m = float(np.linalg.norm(target - sat_r[0]))
    snr = sensor.threshold_snr + 0.5
    intensity = snr * rng_m ** 2 * sensor.nei_w_m2
    truth = _truth(np.broadcast_to(target, (1, m, 3)).copy(), np.arange(m) * 10.0, intensity)
    det = ir_observe(sensor, 3, sat_r, sat_v, truth, np.random.default_rng(7))
    pd = float(detection_probability(snr, sensor.threshold_snr))
    assert abs(len(det) / m - pd) < 3.0 * math.sqrt(pd * (1 - pd) / m)
    assert np.all(det.truth_id == 0) and np.all(det.sensor == 3) and np.all(det.kind == IR)
    assert np.all(det.snr_db >= 10 * math.log10(sensor.threshold_snr))
    f = sensor_frames(sat_r[0], sat_v[0])
    a0, b0 = angles_from_los((target - sat_r[0]) / rng_m, f)
    for col, true in ((0, a0), (1, b0)):
        err = det.z[:, col] - true
        assert abs(err.mean()) < 4.0 * sigma / math.sqrt(len(det))
        assert err.std() == pytest.approx(sigma, rel=0.03)
    np.testing.assert_allclose(det.R[:, 0, 0], sigma ** 2)
    np.testing.assert_allclose(det.R[:, 1, 1], sigma ** 2)
    assert np.all(det.R[:, 0, 1] == 0) and np.all(det.R[:, 2:, :] == 0)
    assert np.all(det.dim == 2) and np.all(np.isnan(det.z[:, 2:]))
    np.testing.assert_allclose(det.sensor_frame, np.broadcast_to(f, (len(det), 3, 3)))


def test_default_nei_snr_of_booster_and_upper_stage_at_geo() -> None:
    s = InfraredSensor("g", "b")
    for rng_m in (36_000e3, 40_000e3):
        assert 25.0 < 1e6 / (rng_m ** 2 * s.nei_w_m2) < 45.0      # ICBM first stage
        assert 0.7 < 1.5e5 / (rng_m ** 2 * s.nei_w_m2) / s.threshold_snr < 1.3  # upper stage


def test_launch_detected_within_one_frame_of_crossing_detection_altitude() -> None:
    # A Minuteman-III-class solid ICBM from F. E. Warren AFB, seen by a GEO satellite at 100° W.
    v = get_vehicle("icbm-solid-3")
    plan = LaunchPlan(v, 41.13 * DEG, -104.87 * DEG, 0.0, 20.0 * DEG, launch_time_s=33.0)
    sensor = InfraredSensor("g", "b", nei_w_m2=1e-13, false_alarms_per_frame=0.0)
    t = frame_times(sensor, 0.0, 400.0)
    fl = propagate([plan], t).samples
    _, ir = signatures(LaunchBatch.from_plans([plan]), t, fl.phase, fl.burning)
    truth = TruthTable(t, ("m0",), fl.r_ecef_m, fl.v_ecef_m_s, fl.phase, fl.burning,
                       np.ones_like(ir), ir)
    sat_r, sat_v = _geo_state(n=t.size)
    det = ir_observe(sensor, 0, sat_r, sat_v, truth, np.random.default_rng(0))
    fine_t = np.arange(0.0, 400.0, 0.5)
    alt = ecef_to_geodetic(propagate([plan], fine_t).samples.r_ecef_m[0])[2]
    t_cross = float(fine_t[np.argmax(alt >= sensor.detection_alt_m)])
    assert 33.0 < t_cross < 120.0
    assert t_cross <= det.t_s.min() <= t_cross + sensor.frame_period_s
    # Every frame from then until burnout is a detection (Pd ≈ 1); none once the motors stop.
    burning_seen = t[(t >= det.t_s.min()) & fl.burning[0]]
    np.testing.assert_array_equal(det.t_s, burning_seen)


def test_random_false_alarm_counts_and_places() -> None:
    lam = 2.0
    sensor = InfraredSensor("g", "b", false_alarms_per_frame=lam)
    m = 5_000
    sat_r, sat_v = _geo_state(n=m)
    truth = _truth(np.full((1, m, 3), A_M), np.arange(m) * 10.0, burning=False)
    det = ir_observe(sensor, 1, sat_r, sat_v, truth, np.random.default_rng(11))
    assert np.all(det.truth_id == FALSE_ALARM)
    counts = np.bincount(np.round(det.t_s / 10.0).astype(int), minlength=m)
    assert counts.mean() == pytest.approx(lam, abs=4.0 * math.sqrt(lam / m))
    assert counts.var() == pytest.approx(lam, rel=0.1)  # Poisson: variance = mean
    assert np.all(np.diff(det.t_s) >= 0.0)
    # Each reported line of sight meets the Earth (within the angular noise) near the surface.
    los = los_from_angles(det.z[:, 0], det.z[:, 1], det.sensor_frame)
    far = det.sensor_r_ecef_m + 8e7 * los
    assert np.all(grazing_height_m(det.sensor_r_ecef_m, far) < 15e3)
    snr = 10.0 ** (det.snr_db / 10.0)
    assert np.all((snr > sensor.threshold_snr) & (snr < sensor.threshold_snr + 6.0))


def test_same_seed_same_detections() -> None:
    sensor = InfraredSensor("g", "b", false_alarms_per_frame=1.0)
    m = 50
    sat_r, sat_v = _geo_state(n=m)
    target = _at_central_angle(np.array([10.0 * DEG]), 30e3)
    truth = _truth(np.broadcast_to(target, (1, m, 3)).copy(), np.arange(m) * 10.0, 3e5)
    a = ir_observe(sensor, 0, sat_r, sat_v, truth, np.random.default_rng(5))
    b = ir_observe(sensor, 0, sat_r, sat_v, truth, np.random.default_rng(5))
    np.testing.assert_array_equal(a.z, b.z)
    np.testing.assert_array_equal(a.truth_id, b.truth_id)
