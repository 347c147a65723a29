"""The system tracker's parts: two-point starts with gravity, launch-likeness, misses only where
a sensor could have seen the track, boost/coast switching."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tocsin.flight import Phase
from tocsin.scenario.loader import load_scenario
from tocsin.scenario.runner import run_scenario
from tocsin.sensors import radar as rdm
from tocsin.sensors.detections import empty
from tocsin.tracking.ballistic import BallisticEcef
from tocsin.tracking.initiation import two_point_state
from tocsin.tracking.launchlike import moves_like_launch
from tocsin.tracking.log import MODE_BOOST, MODE_COAST
from tocsin.tracking.partner import PartnerTracker
from tocsin.tracking.phases import PhaseModel
from tocsin.tracking.radar_scan import radar_scan
from tocsin.tracking.systracks import CONFIRMED, SystemTracks

SCEN = Path(__file__).parent.parent / "scenarios"


@pytest.fixture(scope="module")
def mrbm_truth():
    return run_scenario(load_scenario(SCEN / "regional-mrbm.yaml"), track=False).truth


def test_two_point_velocity_includes_gravity(mrbm_truth) -> None:
    # Truth from tocsin.flight's own kernel (Dormand–Prince, J2, rotation, drag), independent of
    # the tracker's RK4 model. Two exact midcourse positions 5 s apart: the chord velocity is off
    # by a·Δt/2 ≈ 25 m/s; with the gravity term the two-point velocity is within ~0.1 m/s.
    tr = mrbm_truth
    k = np.flatnonzero(tr.phase[0] == Phase.MIDCOURSE)[40]
    j = np.searchsorted(tr.t_s, tr.t_s[k] + 5.0)
    r1, r2 = tr.r_ecef_m[0, k][None], tr.r_ecef_m[0, j][None]
    S = np.broadcast_to(np.eye(3), (1, 3, 3))
    x, P = two_point_state(r1, S, tr.t_s[k:k + 1], r2, S, tr.t_s[j:j + 1], 30.0)
    v_true = tr.v_ecef_m_s[0, j]
    chord = (r2[0] - r1[0]) / (tr.t_s[j] - tr.t_s[k])
    assert np.linalg.norm(chord - v_true) > 15.0
    assert np.linalg.norm(x[0, 3:6] - v_true) < 0.5
    # The covariance is symmetric positive definite and carries the thrust prior.
    assert np.all(np.linalg.eigvalsh(P[0]) > 0)
    assert P[0, 6, 6] == pytest.approx(900.0)


def test_launch_likeness_rejects_static_and_drifting_sources() -> None:
    rng = np.random.default_rng(3)
    t = np.arange(0.0, 60.0, 10.0)
    sigma = np.full(t.size, 1.5e3)
    base = np.array([4e6, 1e6, 4.8e6])
    static = base + rng.normal(0, 1.5e3, (t.size, 3))
    assert not moves_like_launch(t, static, sigma)
    # A sunlit cloud drifts at a few hundred m/s, uniformly: not a launch.
    drift = base + np.outer(t, [400.0, 0, 0]) + rng.normal(0, 1.5e3, (t.size, 3))
    assert not moves_like_launch(t, drift, sigma)
    # A booster's footprint speeds up: from 500 m/s at 40 m/s².
    boost = base + np.outer(t, [500.0, 0, 0]) + np.outer(0.5 * t ** 2, [40.0, 0, 0])
    assert moves_like_launch(t, boost + rng.normal(0, 1.5e3, (t.size, 3)), sigma)
    # Three footprints suffice when they run off at kilometres per second.
    fast = base + np.outer(t[:3], [3000.0, 0, 0])
    assert moves_like_launch(t[:3], fast, sigma[:3])
    assert not moves_like_launch(t[:2], fast[:2], sigma[:2])


def test_launch_likeness_rejects_a_false_alarm_paired_with_a_fire() -> None:
    # Found by the 100-hour soak: a random false alarm 40 km from a fire starts a track with
    # it; the jump reads as a 4 km/s footprint. The fit test sees no smooth motion.
    rng = np.random.default_rng(5)
    base = np.array([4e6, 1e6, 4.8e6])
    t = np.array([0.0, 10.0, 20.0, 30.0])
    fire = base + rng.normal(0, 1.0e3, (4, 3))
    fire[0] += [40e3, 0.0, 0.0]                       # the false alarm
    assert not moves_like_launch(t, fire, np.full(4, 1.0e3))
    # Not the fit test's fault when the motion is real and smooth.
    run = base + np.outer(t, [2500.0, 0.0, 0.0]) + rng.normal(0, 1.0e3, (4, 3))
    assert moves_like_launch(t, run, np.full(4, 1.0e3))


def test_stereo_points_that_climb_look_like_a_launch() -> None:
    # Triangulated points (two or more satellites) give the height: a booster a minute after
    # launch climbs at ~1 km/s; a fire or sunlit cloud stays put; a false point joined to a
    # fire breaks the straight-line fit.
    from tocsin.earth.wgs84 import geodetic_to_ecef, up_ecef
    from tocsin.tracking.launchlike import climbs_like_launch

    rng = np.random.default_rng(9)
    lat, lon = np.radians(55.0), np.radians(60.0)
    base, up = geodetic_to_ecef(lat, lon, 20e3), up_ecef(lat, lon)
    t = np.array([0.0, 10.0, 20.0])
    P = np.broadcast_to(np.eye(3) * 1.5e3 ** 2, (3, 3, 3))
    noise = rng.normal(0, 1.5e3, (3, 3))
    assert climbs_like_launch(t, base + np.outer(t, 1000.0 * up) + noise, P)
    assert not climbs_like_launch(t, base + noise, P)
    jump = base + noise
    jump[0] -= 60e3 * up                                   # a false point far below
    assert not climbs_like_launch(t, jump, P)
    assert not climbs_like_launch(t[:2], base[None] + noise[:2], P[:2])


def test_fast_footprints_pass_on_the_line_and_accelerating_climbs_on_the_parabola() -> None:
    # Four 5 s footprints (σ 1.2 km) running at 1.8 km/s: the quadratic's speed σ (~370 m/s)
    # hides them below 4σ, the straight line's (~110 m/s) does not — confirmed a frame earlier.
    from tocsin.earth.wgs84 import geodetic_to_ecef, up_ecef
    from tocsin.tracking.launchlike import climbs_like_launch

    rng = np.random.default_rng(11)
    base = np.array([4e6, 1e6, 4.8e6])
    t = np.array([0.0, 5.0, 10.0, 15.0])
    sig = np.full(4, 1.2e3)
    runs = [base + np.outer(t, [1800.0, 0.0, 0.0])
            + np.random.default_rng(seed).normal(0, 1.2e3, (4, 3)) for seed in range(200)]
    assert np.mean([moves_like_launch(t, r, sig) for r in runs]) > 0.95  # quadratic alone: 0.83
    # Triangulated points of a booster climbing from 800 m/s at 25 m/s² over 30 s: the straight
    # line no longer fits them (σ 300 m), the parabola does and its climb is significant.
    lat, lon = np.radians(55.0), np.radians(60.0)
    r0, up = geodetic_to_ecef(lat, lon, 20e3), up_ecef(lat, lon)
    tt = np.arange(0.0, 40.0, 10.0)
    P = np.broadcast_to(np.eye(3) * 300.0 ** 2, (4, 3, 3))
    pts = r0 + np.outer(800.0 * tt + 12.5 * tt ** 2, up) + rng.normal(0, 300.0, (4, 3))
    assert climbs_like_launch(tt, pts, P)
    assert not climbs_like_launch(tt, r0 + rng.normal(0, 300.0, (4, 3)), P)


def test_coast_mode_is_the_ballistic_model_above_the_air() -> None:
    # x₆ = 1/β is inert above 150 km: the coast prediction equals BallisticEcef without drag.
    x6 = np.array([[6.9e6, 0.0, 1.0e6, 0.0, 7.0e3, 1.0e3]])
    pm = PhaseModel()
    x7 = np.concatenate([x6, [[1e-4]]], 1)
    P7 = np.diag([1e6] * 3 + [1e2] * 3 + [1e-8])[None]
    xc, _ = pm.predict(x7, P7, np.array([60.0]), np.array([MODE_COAST], np.int8))
    xb = BallisticEcef(drag=False).flow(x6, 60.0)
    assert np.allclose(xc[0, :6], xb[0], atol=1e-3)


def test_burnout_by_sequential_likelihood_ratio() -> None:
    # Wald's SPRT: evidence for coasting accumulates over updates; burnout only past the
    # threshold, and a track whose data favour thrust stays in boost.
    pm = PhaseModel()
    x = np.zeros((2, 7))
    P = np.tile(np.eye(7), (2, 1, 1))
    mode = np.full(2, MODE_BOOST, np.int8)
    llr = np.zeros(2)
    nis_bar = np.ones(2)
    dllr = np.array([1.0, -1.0])                 # coast fits track 0 better, boost track 1
    for _ in range(4):
        mode, llr, nis_bar = pm.adapt(mode, llr, nis_bar, x, P, np.ones(2), 4, dllr)
    assert mode.tolist() == [MODE_BOOST, MODE_BOOST]      # Λ = 4 < 4.6: not yet
    mode, llr, nis_bar = pm.adapt(mode, llr, nis_bar, x, P, np.ones(2), 4, dllr)
    assert mode.tolist() == [MODE_COAST, MODE_BOOST]
    assert x[0, 6] == pytest.approx(pm.inv_beta0)          # x₆ now means 1/β


def _one_track(r: np.ndarray, v: np.ndarray, t_s: float) -> SystemTracks:
    x = np.concatenate([r, v, [1e-4]])[None]
    P = np.diag([1e4] * 3 + [1e2] * 3 + [1e-8])[None]
    ts = SystemTracks.new(np.array([0]), x, P, np.array([t_s]), np.zeros(1, np.int8),
                          np.array([t_s]), 3, MODE_COAST)
    ts.status[:] = CONFIRMED
    ts.rcs_m2[:] = 1.0
    return ts


def test_misses_are_charged_only_by_sensors_that_could_see_the_track() -> None:
    # Two radars scan and report nothing: the one whose face, range and horizon hold the
    # track charges a miss, the one on the other side of the Earth does not (their own
    # radar_possible geometry, Swerling I Pd from the track's RCS estimate).
    near = rdm.Radar.early_warning("near", "p", math.radians(45), math.radians(0),
                                   math.radians(0))
    far = rdm.Radar.early_warning("far", "p", math.radians(-45), math.radians(180),
                                  math.radians(0))
    from tocsin.earth.wgs84 import enu_to_ecef

    r = enu_to_ecef(np.array([0.0, 2000e3, 800e3]), near.lat_rad, near.lon_rad, 0.0)
    assert rdm.radar_geometry(near, r)[4] and not rdm.radar_geometry(far, r)[4]
    pt = PartnerTracker("p", frozenset({0, 1}), models={0: near, 1: far})
    pt.tracks = _one_track(r, np.zeros(3), 0.0)
    for t in (1.0, 2.0, 3.0):
        radar_scan(pt, t, 1, empty(), np.zeros(0, np.int64), np.zeros((0, 3)),
                       np.zeros((0, 3, 3)))
    assert pt.tracks.misses[0] == 0
    radar_scan(pt, 4.0, 0, empty(), np.zeros(0, np.int64), np.zeros((0, 3)), np.zeros((0, 3, 3)))
    assert pt.tracks.misses[0] == 1


def test_hand_over_check_ignores_a_covariance_that_is_no_longer_positive_definite() -> None:
    # Found on the 100-launch run: a long back-propagation left S indefinite, d² came out
    # negative and "passed" the gate — four wrong hand-overs (swaps). Such evidence is none.
    from tocsin.sensors.detections import angles_from_los
    from tocsin.sensors.infrared import sensor_frames
    from tocsin.tracking.handover import Rays, back_check

    pm = PhaseModel()
    x = np.array([6.9e6, 0.0, 1.0e6, 0.0, 7.0e3, 1.0e3, 2e-4])
    sat = np.array([[42164e3, 0.0, 0.0]])
    F = sensor_frames(sat, np.zeros((1, 3)))
    los = (x[:3] - sat) / np.linalg.norm(x[:3] - sat)
    a, b = angles_from_los(los, F)
    rays = Rays(np.array([0.0]), np.stack([a, b], 1), np.eye(2)[None] * 1e-10, sat, F)
    good = np.diag([1e4] * 3 + [1.0] * 3 + [1e-8])
    d_good = back_check(pm, x, good, 0.0, [rays], np.array([0.0]), np.array([0.0]),
                        np.array([1.0]), 5.0)
    assert 0.0 <= d_good[0] < 1.0                      # the ray is the state's own line of sight
    bad = good.copy()
    bad[0, 0] = bad[1, 1] = bad[2, 2] = -1e14          # indefinite
    d_bad = back_check(pm, x, bad, 0.0, [rays], np.array([0.0]), np.array([0.0]),
                       np.array([1.0]), 5.0)
    assert d_bad[0] == np.inf
