"""tocsin.sensors.radar: coverage, Swerling I detection, measurement noise, false alarms."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from tocsin.earth.constants import A_M, R_MEAN_M
from tocsin.earth.los import horizon_range_m
from tocsin.earth.wgs84 import aer_to_ecef, ecef_to_aer, enu_basis, geodetic_to_ecef
from tocsin.errors import InputError
from tocsin.sensors.detections import FALSE_ALARM, RADAR
from tocsin.sensors.radar import (
    ACCURACY_SNR_CAP_DB,
    Radar,
    RadarFace,
    mean_snr,
    measurement_sigmas,
    radar_geometry,
    radar_observe,
    radar_possible,
    scan_times,
    swerling1_pd,
    swerling1_snr_for_pd,
)
from tocsin.sensors.truth import TruthTable

DEG = math.pi / 180.0
ALL_ROUND = tuple(RadarFace(k * 120 * DEG, 60 * DEG, -30 * DEG, 89 * DEG) for k in range(3))


def _radar(**kw: object) -> Radar:
    base: dict[str, object] = dict(
        id="r1", partner="A", lat_rad=0.0, lon_rad=0.0, alt_m=300.0, faces=ALL_ROUND,
        min_range_m=0.0, max_range_m=1e8, revisit_s=10.0, snr_ref_db=60.0, ref_range_m=1e6)
    base.update(kw)
    return Radar(**base)  # type: ignore[arg-type]


def _truth(r: np.ndarray, v: np.ndarray | None = None, rcs: np.ndarray | float = 1.0,
           t_s: np.ndarray | None = None) -> TruthTable:
    n, m = r.shape[:2]
    v = np.zeros_like(r) if v is None else v
    return TruthTable(
        t_s=np.arange(m) * 10.0 if t_s is None else t_s, object_id=tuple(f"o{i}" for i in range(n)),
        r_ecef_m=r, v_ecef_m_s=v, phase=np.zeros((n, m), np.int8),
        burning=np.zeros((n, m), bool), rcs_m2=np.broadcast_to(rcs, (n, m)).astype(float),
        ir_intensity_w_sr=np.zeros((n, m)))


def _at(radar: Radar, az_deg: object, el_deg: object, range_m: object) -> np.ndarray:
    return aer_to_ecef(np.radians(az_deg), np.radians(el_deg), range_m,
                       radar.lat_rad, radar.lon_rad, radar.alt_m)


# --- Swerling I -------------------------------------------------------------------------------

def test_swerling1_closed_form_and_published_values() -> None:
    # Closed form Pd = Pfa^(1/(1+S)) (Swerling 1960; Richards 2005 §6.3; Meyer & Mayer 1973).
    s = np.array([0.0, 1.0, 10.0, 100.0, 1e4])
    assert np.allclose(swerling1_pd(s, 1e-6), 1e-6 ** (1.0 / (1.0 + s)), rtol=1e-14)
    assert swerling1_pd(0.0, 1e-6) == pytest.approx(1e-6)
    # Pd = 0.9, Pfa = 1e-6: S = ln Pfa / ln Pd − 1 = 130.1 → 21.1 dB; Skolnik (2001) fig. 2.23
    # puts Swerling I ~8 dB above the 13.2 dB non-fluctuating figure (≈ 21 dB).
    snr_db = 10 * np.log10(swerling1_snr_for_pd(0.9, 1e-6))
    assert snr_db == pytest.approx(21.14, abs=0.01)
    assert 20.5 < snr_db < 21.7
    # Pd = 0.5: S = ln(1e-6)/ln(0.5) − 1 = 18.93 → 12.77 dB.
    assert 10 * np.log10(swerling1_snr_for_pd(0.5, 1e-6)) == pytest.approx(12.77, abs=0.01)
    assert swerling1_pd(swerling1_snr_for_pd(0.9, 1e-6), 1e-6) == pytest.approx(0.9)


def test_swerling1_equals_marcum_q_averaged_over_exponential_rcs() -> None:
    # Independent: non-fluctuating square-law Pd is Marcum Q1(√(2s), √(2T)) = P(χ'²₂(2s) > 2T);
    # averaging it over an exponential SNR (Swerling I) must give the closed form.
    pfa, t = 1e-6, -math.log(1e-6)
    for s_bar in (3.0, 30.0, 300.0):
        def f(s: float, s_bar: float = s_bar) -> float:
            return float(stats.ncx2.sf(2 * t, 2, 2 * s) * math.exp(-s / s_bar) / s_bar)
        pd, _ = integrate.quad(f, 0.0, 60 * s_bar, limit=400)
        assert pd == pytest.approx(float(swerling1_pd(s_bar, pfa)), abs=2e-6)


def test_swerling1_monte_carlo_rayleigh_target_plus_noise() -> None:
    # Complex Gaussian echo (Rayleigh amplitude = exponential RCS) plus unit complex noise,
    # square-law detector, threshold T = −ln Pfa on noise-normalised power.
    rng = np.random.default_rng(1)
    pfa, n = 1e-3, 400_000
    for snr_db in (5.0, 12.0, 20.0):
        s = 10 ** (snr_db / 10)
        sig = np.sqrt(s / 2) * (rng.standard_normal(n) + 1j * rng.standard_normal(n))
        noise = np.sqrt(0.5) * (rng.standard_normal(n) + 1j * rng.standard_normal(n))
        pd_mc = np.mean(np.abs(sig + noise) ** 2 > -math.log(pfa))
        pd = float(swerling1_pd(s, pfa))
        assert pd_mc == pytest.approx(pd, abs=4 * math.sqrt(pd * (1 - pd) / n) + 1e-4)
    noise = np.sqrt(0.5) * (rng.standard_normal(n) + 1j * rng.standard_normal(n))
    assert np.mean(np.abs(noise) ** 2 > -math.log(pfa)) == pytest.approx(pfa, rel=0.25)


def test_observed_detection_rate_matches_swerling1() -> None:
    radar = _radar(snr_ref_db=30.0)
    m = 20_000
    r = np.broadcast_to(_at(radar, 130.0, 20.0, 1.5e6), (1, m, 3)).copy()
    det = radar_observe(radar, 0, _truth(r, rcs=0.5), np.random.default_rng(2))
    pd = float(swerling1_pd(mean_snr(radar, 1.5e6, 0.5), radar.pfa))
    assert 0.3 < pd < 0.9
    assert len(det) / m == pytest.approx(pd, abs=4 * math.sqrt(pd * (1 - pd) / m))
    # Reported SNR is the measured one, conditioned on crossing the threshold.
    assert np.all(det.snr_db > 10 * np.log10(-math.log(radar.pfa) - 1))


# --- geometry ---------------------------------------------------------------------------------

@pytest.mark.parametrize("h_m", [1e3, 100e3, 1_000e3])
def test_horizon_along_the_equator(h_m: float) -> None:
    # The equatorial section of WGS-84 is a circle of radius a, so the closed-form horizon
    # range √((a+h_r)²−a²) + √((a+h)²−a²) (Wertz & Larson, SMAD §5.2) holds there exactly.
    # Faces go down to −30° so that only the Earth limits visibility.
    radar = _radar()
    lam_h = math.acos(A_M / (A_M + radar.alt_m)) + math.acos(A_M / (A_M + h_m))
    lam = np.concatenate([lam_h * np.linspace(0.05, 0.999, 300), lam_h * np.linspace(1.001, 2, 50)])
    pts = geodetic_to_ecef(0.0, lam, h_m)
    rng_m, _, _, _, vis = radar_geometry(radar, pts)
    assert np.all(vis[:300]) and not np.any(vis[300:])
    d_h = float(horizon_range_m(radar.alt_m, h_m, A_M))
    assert rng_m[299] < d_h < rng_m[300]
    assert rng_m[299] == pytest.approx(d_h, rel=2e-3)


@pytest.mark.parametrize("h_m", [10e3, 300e3])
def test_horizon_along_a_meridian_spherical_tolerance(h_m: float) -> None:
    # At 45° N along the meridian the ellipsoid departs from the mean sphere; the last visible
    # range must match the spherical horizon with R_MEAN within 1 %.
    radar = _radar(lat_rad=45 * DEG, lon_rad=10 * DEG, alt_m=50.0)
    d_h = float(horizon_range_m(50.0, h_m, R_MEAN_M))
    lam = np.linspace(0.1, 2.0, 4000) * d_h / R_MEAN_M  # from 10 % (below 89° elevation)
    rng_m, _, _, _, vis = radar_geometry(radar, geodetic_to_ecef(45 * DEG + lam, 10 * DEG, h_m))
    last = int(np.nonzero(vis)[0].max())
    assert np.all(vis[: last + 1]) and not np.any(vis[last + 1:])
    assert rng_m[last] == pytest.approx(d_h, rel=0.01)


def test_minimum_elevation_limits_coverage_at_equator() -> None:
    # Ground site, 3° faces: the target at height h is visible out to the central angle
    # λ = arccos(a·cos ε/(a+h)) − ε (SMAD §5.2 on the equatorial circle of radius a).
    radar = Radar.early_warning("r", "A", 0.0, 0.0, 90 * DEG, max_range_m=1e8, min_range_m=0.0)
    eps, h = 3 * DEG, 500e3
    lam_e = math.acos(A_M * math.cos(eps) / (A_M + h)) - eps
    pts = geodetic_to_ecef(0.0, lam_e * np.array([0.5, 0.999, 1.001, 1.5]), h)
    vis = radar_geometry(radar, pts)[4]
    assert vis.tolist() == [True, True, False, False]


def test_face_sectors_and_wrap_around() -> None:
    north = RadarFace(0.0, 60 * DEG, 2 * DEG, 80 * DEG)
    radar = _radar(lat_rad=50 * DEG, lon_rad=20 * DEG, faces=(north,))
    az = np.array([0.0, 10.0, 59.0, 61.0, 180.0, 299.0, 301.0, 350.0])
    _, az_m, _, face, vis = radar_geometry(radar, _at(radar, az, 10.0, 1e6))
    assert np.allclose(np.degrees(az_m), az, atol=1e-9)
    assert vis.tolist() == [True, True, True, False, False, False, True, True]
    assert face.tolist() == [0, 0, 0, -1, -1, -1, 0, 0]
    # A face straddling north from the other side, and two faces: the first that contains wins.
    radar = _radar(faces=(RadarFace(350 * DEG, 20 * DEG), RadarFace(20 * DEG, 20 * DEG)))
    az = np.array([5.0, 335.0, 329.0, 15.0, 35.0, 41.0, 170.0])
    face = radar_geometry(radar, _at(radar, az, 20.0, 2e6))[3]
    assert face.tolist() == [0, 0, -1, 1, 1, -1, -1]
    # Elevation band: below the minimum, above the maximum, inside.
    vis = radar_geometry(radar, _at(radar, 0.0, [1.0, 3.5, 84.0, 86.0], 1e6))[4]
    assert vis.tolist() == [False, True, True, False]


def test_range_limits_and_nan() -> None:
    radar = _radar(min_range_m=200e3, max_range_m=4_000e3)
    ranges = np.array([100e3, 199e3, 201e3, 3_999e3, 4_001e3, 6_000e3])
    vis = radar_geometry(radar, _at(radar, 45.0, 30.0, ranges))[4]
    assert vis.tolist() == [False, False, True, True, False, False]
    _, _, _, face, vis = radar_geometry(radar, np.full((2, 3), np.nan))
    assert not vis.any() and (face == -1).all()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(-1.5, 1.5), st.floats(-3.1, 3.1), st.floats(0.0, 2e6)),
                min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_visibility_invariant_to_shuffling_objects(objs: list, rnd: object) -> None:
    radar = _radar(lat_rad=0.6, lon_rad=0.4, faces=(RadarFace(1.0), RadarFace(5.5, 1.0)),
                   max_range_m=4e6, min_range_m=1e5)
    a = np.array(objs)
    pts = geodetic_to_ecef(a[:, 0], a[:, 1], a[:, 2])
    perm = np.arange(len(objs))
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    base = radar_geometry(radar, pts)
    shuf = radar_geometry(radar, pts[perm])
    for x, y in zip(base, shuf, strict=True):
        assert np.array_equal(x[perm], y)


# --- measurements -----------------------------------------------------------------------------

def test_measurement_sigmas_closed_form() -> None:
    radar = _radar(range_resolution_m=150.0, beamwidth_rad=0.035, range_rate_sigma_m_s=5.0)
    sig = measurement_sigmas(radar, np.array([20.0, 200.0, 1e6]))
    assert sig[0] == pytest.approx([150 / math.sqrt(40), 0.035 / (1.6 * math.sqrt(40)),
                                    0.035 / (1.6 * math.sqrt(40)), 5.0])
    assert sig[1] == pytest.approx(sig[0] / math.sqrt(10))
    cap = 10 ** (ACCURACY_SNR_CAP_DB / 10)
    assert sig[2] == pytest.approx(measurement_sigmas(radar, cap))


def test_noise_statistics_and_covariance_consistency() -> None:
    radar = _radar(lat_rad=40 * DEG, lon_rad=-100 * DEG, snr_ref_db=60.0)
    m = 20_000
    r0 = _at(radar, 200.0, 15.0, 2.5e6)
    v0 = np.array([1500.0, -3000.0, 2500.0])
    r = np.broadcast_to(r0, (1, m, 3)).copy()
    v = np.broadcast_to(v0, (1, m, 3)).copy()
    det = radar_observe(radar, 3, _truth(r, v, rcs=0.05), np.random.default_rng(3))
    assert len(det) > 0.95 * m
    az, el, rng_m = ecef_to_aer(r0, radar.lat_rad, radar.lon_rad, radar.alt_m)
    d = r0 - radar.r_ecef_m
    z_true = np.array([rng_m, az, el, d @ v0 / np.linalg.norm(d)])
    err = det.z - z_true
    err[:, 1] = np.mod(err[:, 1] + math.pi, 2 * math.pi) - math.pi
    var = np.diagonal(det.R, axis1=1, axis2=2)
    assert np.allclose(var, measurement_sigmas(radar, 10 ** (det.snr_db / 10)) ** 2)
    assert np.count_nonzero(det.R) == 4 * len(det)  # diagonal
    # Raw errors: mean ≈ 0, std ≈ RMS of the stated σ (within 3 %).
    rms_sigma = np.sqrt(var.mean(axis=0))
    assert np.all(np.abs(err.mean(axis=0)) < 0.05 * rms_sigma)
    assert np.allclose(err.std(axis=0), rms_sigma, rtol=0.03)
    # Normalised errors: unit normal per component, NEES ~ χ²(4): mean 4, variance 8.
    u = err / np.sqrt(var)
    assert np.allclose(u.std(axis=0), 1.0, atol=0.03)
    nees = np.sum(u * u, axis=1)
    assert nees.mean() == pytest.approx(4.0, rel=0.03)
    assert nees.var() == pytest.approx(8.0, rel=0.1)
    assert stats.kstest(nees, stats.chi2(4).cdf).pvalue > 1e-3
    # Batch layout.
    assert np.all(det.kind == RADAR) and np.all(det.dim == 4) and np.all(det.sensor == 3)
    assert np.all(det.truth_id == 0)
    assert np.allclose(det.sensor_r_ecef_m, radar.r_ecef_m)
    assert np.allclose(det.sensor_frame, enu_basis(radar.lat_rad, radar.lon_rad))
    assert np.all((det.z[:, 1] >= 0) & (det.z[:, 1] < 2 * math.pi))


def test_every_possible_look_detected_when_pd_is_one() -> None:
    radar = _radar(lat_rad=30 * DEG, lon_rad=60 * DEG, faces=(RadarFace(0.5), RadarFace(2.5)),
                   min_range_m=300e3, max_range_m=3e6, snr_ref_db=200.0, clutter_per_scan=0.0)
    rng = np.random.default_rng(4)
    n, m = 40, 30
    az = rng.uniform(0, 360, n)[:, None] + np.linspace(0, 90, m)[None, :]
    el = rng.uniform(-10, 60, n)[:, None] + np.zeros(m)
    rr = rng.uniform(0, 4e6, n)[:, None] + np.linspace(0, 5e5, m)[None, :]
    r = _at(radar, az, el, rr)
    rcs = np.where(rng.random((n, m)) < 0.2, 0.0, 0.1)
    r[0, :5] = np.nan
    truth = _truth(r, rng.normal(0, 3e3, (n, m, 3)), rcs=rcs)
    possible = radar_possible(radar, truth)
    assert 0 < possible.sum() < possible.size
    det = radar_observe(radar, 0, truth, rng)
    assert np.all(np.diff(det.t_s) >= 0)
    ti = np.rint(det.t_s / 10.0).astype(int)
    got = np.zeros((n, m), bool)
    got[det.truth_id, ti] = True
    assert len(det) == possible.sum() and np.array_equal(got, possible)


def test_clutter_counts_and_placement() -> None:
    radar = Radar.early_warning("r", "A", 55 * DEG, 30 * DEG, 0.0, n_faces=3,
                                clutter_per_scan=2.5)
    m = 400
    t = scan_times(radar, 0.0, (m - 1) * radar.revisit_s)
    truth = _truth(np.full((1, m, 3), np.nan), rcs=1.0, t_s=t)
    det = radar_observe(radar, 1, truth, np.random.default_rng(5))
    mean = 2.5 * 3 * m  # Poisson: mean = variance = λ · faces · scans
    assert abs(len(det) - mean) < 4 * math.sqrt(mean)
    assert np.all(det.truth_id == FALSE_ALARM)
    per_scan = np.bincount(np.searchsorted(t, det.t_s), minlength=m)
    assert per_scan.var() / per_scan.mean() == pytest.approx(1.0, abs=0.2)
    # False alarms lie in the coverage volume and have threshold-region SNR.
    pos = aer_to_ecef(det.z[:, 1], det.z[:, 2], det.z[:, 0], radar.lat_rad, radar.lon_rad,
                      radar.alt_m)
    assert radar_geometry(radar, pos)[4].all()
    t_db = 10 * math.log10(-math.log(radar.pfa) - 1)
    assert np.all(det.snr_db > t_db) and np.median(det.snr_db) < t_db + 1.0


# --- configuration ----------------------------------------------------------------------------

def test_scan_times() -> None:
    radar = _radar(revisit_s=10.0)
    assert scan_times(radar, 3.0, 45.0).tolist() == [10.0, 20.0, 30.0, 40.0]
    assert scan_times(radar, 10.0, 40.0).tolist() == [10.0, 20.0, 30.0, 40.0]
    assert scan_times(radar, -15.0, 5.0).tolist() == [-10.0, 0.0]
    assert scan_times(radar, 1.0, 2.0).size == 0
    assert scan_times(_radar(revisit_s=0.1), 0.0, 1.0).size == 11
    with pytest.raises(InputError) as e:
        scan_times(radar, 5.0, 1.0)
    assert e.value.field == "t1_s"


def test_early_warning_defaults() -> None:
    # REFERENCE.md (Radars): 4,000-6,000 km, 3°-85°, two ±60° faces = 240° (PAVE PAWS).
    radar = Radar.early_warning("cape", "US", 41.75 * DEG, -70.54 * DEG, 47 * DEG)
    assert len(radar.faces) == 2
    assert [round(math.degrees(f.azimuth_rad)) for f in radar.faces] == [347, 107]
    assert 4_000e3 <= radar.max_range_m <= 6_000e3
    pd_rv = swerling1_pd(mean_snr(radar, [2_500e3, 3_000e3, 3_500e3], 0.01), radar.pfa)
    assert pd_rv[0] > 0.9 and pd_rv[1] > 0.85 and pd_rv[2] > 0.75
    assert swerling1_pd(mean_snr(radar, radar.max_range_m, 10.0), radar.pfa) > 0.999
    rear = _at(radar, 227.0, 10.0, 1e6)  # behind the radar
    assert not radar_geometry(radar, rear)[4]


@pytest.mark.parametrize(("kw", "field"), [
    (dict(id=""), "id"),
    (dict(lat_rad=2.0), "lat_rad"),
    (dict(alt_m=float("nan")), "alt_m"),
    (dict(faces=()), "faces"),
    (dict(faces=({"azimuth_rad": 0.0, "half_width_rad": 0.0},)), "faces[0].half_width_rad"),
    (dict(faces=(RadarFace(0.0), {"azimuth_rad": 7.0})), "faces[1].azimuth_rad"),
    (dict(faces=(RadarFace(0.0), {"azimuth_rad": 1.0, "min_elevation_rad": 0.5,
                                  "max_elevation_rad": 0.4})), "faces[1].max_elevation_rad"),
    (dict(faces=({"azimuth_rad": 0.0, "width": 1.0},)), "faces[0].width"),
    (dict(faces=("north",)), "faces[0]"),
    (dict(min_range_m=-1.0), "min_range_m"),
    (dict(min_range_m=5e6, max_range_m=4e6), "max_range_m"),
    (dict(revisit_s=0.0), "revisit_s"),
    (dict(ref_rcs_m2=0.0), "ref_rcs_m2"),
    (dict(pfa=1.0), "pfa"),
    (dict(range_resolution_m=-5.0), "range_resolution_m"),
    (dict(beamwidth_rad=0.0), "beamwidth_rad"),
    (dict(range_rate_sigma_m_s=float("inf")), "range_rate_sigma_m_s"),
    (dict(clutter_per_scan=-0.1), "clutter_per_scan"),
    (dict(snr_ref_db="60"), "snr_ref_db"),
])
def test_bad_parameters_name_the_field(kw: dict, field: str) -> None:
    with pytest.raises(InputError) as e:
        _radar(**kw)
    assert e.value.field == field


def test_bad_face_and_call_arguments() -> None:
    with pytest.raises(InputError) as e:
        RadarFace(0.0, half_width_rad=-1.0)
    assert e.value.field == "half_width_rad"
    with pytest.raises(InputError) as e:
        replace(RadarFace(0.0), min_elevation_rad=2.0)
    assert e.value.field == "min_elevation_rad"
    with pytest.raises(InputError) as e:
        Radar.early_warning("r", "A", 0.0, 0.0, 0.0, n_faces=4)
    assert e.value.field == "n_faces"
    truth = _truth(np.zeros((1, 1, 3)))
    with pytest.raises(InputError) as e:
        radar_observe(_radar(), -1, truth, np.random.default_rng(0))
    assert e.value.field == "sensor_index"
